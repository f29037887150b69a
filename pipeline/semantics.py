#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Render what kasan_vmalloc_skip observed as the feature's semantics table.

Every parameter of the suite's vmalloc_matrix case prints a KTAP diagnostic

    # vmalloc_matrix: observed: ptr_tag=random page_tags=ptr ...

just before its result line "ok N gfp=KERNEL|SKIP_KASAN prot=RO size=4096
via=__vmalloc". This writes RESULTS/semantics.html and RESULTS/semantics.md:
one table per base, so that a maintainer compares every KASAN mode and boot
variant of a kernel in one view instead of paging through one table each.

Rows are (gfp, prot) pairs, split by size only where size matters: the
sizes of a pair are grouped so that every size of a row observed the same
values in every column group, and a pair whose sizes all agree is one row
("all"). Splitting rows, rather than listing per-size values inside a
cell, keeps one value per cell, which is what lets a cell be compared with
the reference at a glance; most pairs need a few rows because a page-sized
object has no in-page redzone (report=n/a). Sizes that no kernel ran
together share a row as "A / B" (THREAD_SIZE is larger with the software
modes), so each group shows its own size's values there.
The entry points (via) of one size are collapsed: where they disagree, the
cell shows "a/b" and its tooltip says which entry point saw what.

Column groups are (mode, variant) in matrix order, each with one column per
observed key. The reference group, hw_tags default, shows every value; the
other groups show a value only where it differs from the reference's value
in the same row, so what a mode or variant changes stands out. Without
hw_tags default (say MODES=generic) the first group is the reference, and
the page says so. A parameter that failed ("not ok", or failed in the
cell's summary) is red and shows its full values; a flaky or known one is
marked too; a group whose cell's summary has failures, crashes or flakes
is tinted and says so in its header. A cell the manifest expects and the
directory lacks is no column: it is named above the table. The legend
(keys, values, meanings) is LEGEND below, from the file comment of
KUNIT_FILE; the expected semantics are read from that comment each time,
so that they never go stale.

semantics.md has the same rows; as Markdown has no column groups, the
reference has a column per key and every other group one column listing
the key=value pairs that differ.
"""

import argparse
import html
import os
import re
import sys
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import matrix
from results import last_boot_log, load

CASE = 'vmalloc_matrix'
OBSERVED = re.compile(r'# (\w+): observed: (.*)$')
RESULT = re.compile(r'(?:^|\s)(not ok|ok) \d+ (.*?)(?: # (SKIP)\b.*)?$')
SUBTEST = re.compile(r'# Subtest: (\S+)')
DIMENSIONS = ('gfp', 'prot', 'size', 'via')

# The group every other one is compared with: the feature is hw_tags's.
REFERENCE = ('hw_tags', 'default')

# The suite's source, relative to the repository, and the lines of its file
# comment that start and end the expected semantics (the end one excluded).
KUNIT_FILE = 'mm/kasan/kasan_test_vmalloc_skip.c'
EXPECTED_FROM = 'No expected value is written down per cell'
EXPECTED_TO = 'Each case prints one KTAP diagnostic line'

# What each key of the observed line means, and each of its values. From
# the file comment of KUNIT_FILE ("vmalloc_matrix prints:") and the code
# that prints them; semantics_test.py checks that no value it lists is
# missing here.
LEGEND: Tuple[Tuple[str, str, Tuple[Tuple[str, str], ...]], ...] = (
	('ptr_tag', 'the tag of the pointer that the entry point returned', (
		('match-all', '0xff: accesses through the pointer are not checked'),
		('random', 'a tag in [KASAN_TAG_MIN, KASAN_TAG_MAX]: accesses are checked'),
		('invalid', 'any other tag (0xfe, say)'),
		('n/a', 'generic mode: pointers carry no tag'))),
	('page_tags', 'the page tag (page_kasan_tag()) of every page backing the allocation', (
		('0xff', 'every page is match-all'),
		('ptr', 'every page has the pointer tag: vmalloc() tagged them'),
		('alloc', 'random tags, not the pointer\'s: the ones page_alloc gave the pages'),
		('mixed', 'the pages disagree'),
		('n/a', 'generic mode: pages carry no tag'))),
	('mem_tags', 'the memory tag of every granule of every page, read through the linear map', (
		('ptr+redzone', 'the pointer tag up to the object\'s end, then 0xfe to the page end'),
		('page', 'every granule has its page\'s tag'),
		('unchecked', 'nothing asserted (a "-" of the expected table): a match-all page '
		 'keeps whatever tags its previous owner left; the software modes are not checked'),
		('mismatch', 'some granule is not what the expected table says'))),
	('zeroed', 'whether the whole allocation read back as zero', (
		('yes', 'all zero; asserted where want_init_on_alloc(gfp), else (control='
		 'not-needed) the memory just happened to be zero'),
		('no', 'some byte was not zero'))),
	('control', 'how zeroing was verified: a control allocation without __GFP_ZERO must '
	 'see dirt left on purpose, and the allocation must reuse dirtied pages', (
		('dirty', 'the control saw dirt and the allocation reused those pages: zeroed=yes '
		 'proves zeroing'),
		('clean', 'no dirt seen or no page reused: zeroing cannot be verified (fails)'),
		('init_on_alloc', 'init_on_alloc=1 zeroes every allocation: no control can see '
		 'dirt, zeroed stands alone'),
		('init_on_free', 'init_on_free=1 zeroes freed memory: likewise'),
		('not-needed', 'the mask does not ask for zeroing: nothing to verify'))),
	('metadata', 'the vm_struct, its pages[] array and the vmap_area', (
		('tagged', 'random pointer tags and accessible: the tag-based modes'),
		('match-all', '0xff pointer tags: hw_tags with KASAN off'),
		('accessible', 'the shadow says accessible: generic mode'),
		('mismatch', 'an object is not what the mode expects'))),
	('report', 'whether KASAN reported an access to the first granule past the object '
	 '(the in-page redzone)', (
		('yes', 'reported'),
		('no', 'not reported'),
		('n/a', 'the object ends on a page boundary: no in-page redzone'))),
	('free', 'what the final free of each page did to its memory (the test holds the '
	 'pages across vfree(), then frees them one by one)', (
		('poisoned', 'memory tags 0xfe (hw_tags), or the shadow poisoned (software modes)'),
		('kept', 'memory tags left as they were: a page with page tag 0xff skips '
		 'poisoning (should_skip_kasan_poison())'),
		('mixed', 'some pages poisoned, some kept'),
		('n/a', 'not asserted: KASAN off, or pages page_alloc may have left untagged '
		 '(kasan.page_alloc.sample > 1)'))),
	('mapping', 'the page size vmalloc() mapped with, for the entry points that may map '
	 'huge pages (the file comment names them)', (
		('pmd', 'one PMD mapping'),
		('cont', 'contiguous PTEs (arm64, 6.13 and later)'),
		('pages', 'base pages: no huge mapping for this size, or vmalloc() fell back'),
		('n/a', 'an entry point that maps base pages only'))),
)
KEYS: Tuple[str, ...] = tuple(k for k, _, _ in LEGEND)

# How a parameter ended, worst first.
STATUSES = ('FAIL', 'flaky', 'known', 'skip', 'ok')
STATUS_WHY = {'FAIL': 'failed', 'flaky': 'flaky: failed in one boot, passed in another',
	      'known': 'a known failure (pipeline/known-failures.txt)', 'skip': 'skipped',
	      'ok': 'passed'}
# The lists of a summary row that make a whole group suspect.
GROUP_PROBLEMS = ('failed', 'flaky', 'known', 'crashed', 'infrastructure')

Unit = Tuple[str, str, str, str]	# gfp, prot, size, via


@dataclass
class Param:
	"""One parameter of vmalloc_matrix in one boot: how it ended and what
	it observed (nothing if an assertion ended it before it printed)."""
	desc: str
	unit: Unit
	status: str
	observed: Dict[str, str] = field(default_factory=dict)


def pairs(text: str) -> Dict[str, str]:
	return dict(kv.split('=', 1) for kv in text.split() if '=' in kv)


def unit_of(desc: str) -> Optional[Unit]:
	"""The (gfp, prot, size, via) of a parameter's description, if it is one."""
	d = pairs(desc)
	if not all(k in d for k in DIMENSIONS):
		return None
	return (d['gfp'], d['prot'], d['size'], d['via'])


def parse_log(path: str) -> List[Param]:
	"""The parameters of vmalloc_matrix in one kernel log, in log order.

	A result line counts inside the case's subtest, or right after an
	observed line of the case; one without an observed line (an assertion
	ended it early) is kept, with no values, so that its failure shows."""
	params: List[Param] = []
	pending: Optional[Dict[str, str]] = None
	inside = False
	with open(path, errors='replace') as f:
		for line in f:
			line = line.rstrip()
			m = SUBTEST.search(line)
			if m:
				inside, pending = m.group(1) == CASE, None
				continue
			m = OBSERVED.search(line)
			if m:
				pending = pairs(m.group(2)) if m.group(1) == CASE else None
				continue
			m = RESULT.search(line)
			if not m:
				continue
			desc = m.group(2).strip()
			unit = unit_of(desc)
			if unit is not None and (inside or pending is not None):
				status = 'FAIL' if m.group(1) == 'not ok' else 'skip' if m.group(3) else 'ok'
				params.append(Param(desc, unit, status, pending or {}))
			elif desc == CASE:
				inside = False
			pending = None
	return params


@dataclass
class Group:
	"""One (mode, variant) of a base: a column group of its table."""
	mode: str
	variant: str
	row: dict			# the summary row of our suite's cell
	params: Dict[Unit, Param] = field(default_factory=dict)
	note: str = ''			# why nothing was observed, if nothing was

	@property
	def name(self) -> str:
		return f'{self.mode} {self.variant}'

	def sort_key(self) -> Tuple[int, int]:
		return (matrix.MODES.index(self.mode),
			[v.name for v in matrix.VARIANTS].index(self.variant))

	def problems(self) -> List[Tuple[str, List[str]]]:
		"""(what, entries) of the summary lists that make the group suspect."""
		return [(what, self.row.get(what, [])) for what in GROUP_PROBLEMS
			if self.row.get(what)]


def apply_summary(group: Group) -> None:
	"""Marks the parameters that the cell's summary calls failed, flaky or
	known, and adds those that the log does not show (another boot's).

	The summary has the last word: it has seen every boot, and it knows
	which failures are known ones."""
	prefix = f'{matrix.OUR_SUITE}.{CASE}.'
	for status, what in (('FAIL', 'failed'), ('flaky', 'flaky'), ('known', 'known')):
		for name in group.row.get(what, []):
			unit = unit_of(name[len(prefix):]) if name.startswith(prefix) else None
			if unit is None:
				continue
			p = group.params.setdefault(unit, Param(name[len(prefix):], unit, status))
			p.status = status


def read_group(results: str, group: Group) -> None:
	"""The parameters of a group from the log of its cell's last boot."""
	boots = len(group.row.get('boots', []))
	log = last_boot_log(results, group.row)
	if not boots or not os.path.exists(log):
		group.note = f'no kernel log ({os.path.basename(log)})'
	else:
		for p in parse_log(log):
			group.params[p.unit] = p
		if not group.params:
			group.note = f'no observed line of {CASE} in {os.path.basename(log)}'
	apply_summary(group)


def expected_cells(manifests: List[dict]) -> List[matrix.Cell]:
	"""The cells of our suite that the manifests expect."""
	out = []
	for m in manifests:
		for name in m.get('cells', []):
			cell = matrix.Cell.from_name(name)
			if cell and cell.suite == matrix.OUR_SUITE:
				out.append(cell)
	return out


@dataclass
class Base:
	"""One base of the run: one table."""
	name: str
	groups: List[Group]
	missing: List[str]		# groups the manifest expects and no summary has
	info: Dict[str, str]		# its version and source, from the manifest


def collect(results: str) -> Tuple[List[Base], List[str]]:
	"""The bases of a results directory, each with its groups in matrix
	order; and the problems of the directory (missing cells, say)."""
	run = load([results])
	groups: Dict[str, List[Group]] = {}
	for row in run.rows:
		cell = matrix.Cell(**row['cell'])
		if cell.suite != matrix.OUR_SUITE:
			continue
		group = Group(cell.mode, cell.variant, row)
		read_group(results, group)
		groups.setdefault(cell.base, []).append(group)
	missing: Dict[str, List[str]] = {}
	for cell in sorted(expected_cells(run.manifests), key=matrix.Cell.sort_key):
		if not any((g.mode, g.variant) == (cell.mode, cell.variant)
			   for g in groups.get(cell.base, [])):
			missing.setdefault(cell.base, []).append(f'{cell.mode} {cell.variant}')
	info: Dict[str, dict] = {}
	for m in run.manifests:
		info.update(m.get('bases', {}))
	return [Base(b, sorted(groups.get(b, []), key=Group.sort_key), missing.get(b, []),
		     info.get(matrix.base_of(b), info.get(b, {})))
		for b in sorted(set(groups) | set(missing))], run.problems


def reference(groups: Sequence[Group]) -> Tuple[int, str]:
	"""The index of the group that the others are compared with, and a note
	if it is not REFERENCE."""
	observed = [i for i, g in enumerate(groups) if g.params]
	for i in observed:
		if (groups[i].mode, groups[i].variant) == REFERENCE:
			return i, ''
	i = observed[0] if observed else 0
	why = ('observed nothing' if any((g.mode, g.variant) == REFERENCE for g in groups)
	       else 'did not run')
	return i, (f'{" ".join(REFERENCE)} {why} in this base, so the reference is '
		   f'{groups[i].name}, the first group that observed something.')


@dataclass
class Slot:
	"""What one group observed in one row, over its sizes and entry points."""
	params: List[Param]
	values: Dict[str, str]
	status: str
	split: Dict[str, str]	# key -> which entry point saw what, where they disagree

	def signature(self) -> tuple:
		return (self.status, tuple(sorted(self.values.items())))


def slot(params: List[Param], keys: Sequence[str]) -> Optional[Slot]:
	if not params:
		return None
	values, split = {}, {}
	for k in keys:
		seen = [p.observed[k] for p in params if k in p.observed]
		if not seen:
			continue
		counts = Counter(seen)
		values[k] = '/'.join(v for v, _ in counts.most_common())
		if len(counts) > 1:
			split[k] = '; '.join(f'size={p.unit[2]} via={p.unit[3]}: {p.observed[k]}'
					     for p in params if k in p.observed)
	status = min((p.status for p in params), key=STATUSES.index)
	return Slot(params, values, status, split)


@dataclass
class Row:
	"""One row of a base's table: a (gfp, prot) pair and some of its sizes."""
	gfp: str
	prot: str
	sizes: List[List[str]]		# one list per size class merged into the row
	slots: List[Optional[Slot]]	# one per group

	@property
	def label(self) -> str:
		return ' / '.join(', '.join(s) for s in self.sizes)


def first_seen(items: Iterable[str]) -> List[str]:
	return list(OrderedDict.fromkeys(items))


def merge_orders(sequences: Iterable[List[str]]) -> List[str]:
	"""One order of every item that keeps the order of each sequence where
	it can: the gfp masks in the order the test declares them, although
	each entry point only takes some."""
	order: List[str] = []
	for seq in sequences:
		prev = None
		for x in seq:
			if x not in order:
				order.insert(order.index(prev) + 1 if prev is not None else len(order), x)
			prev = x
	return order


def table_rows(groups: Sequence[Group], keys: Sequence[str]) -> List[Row]:
	"""The rows of one base: per (gfp, prot), its sizes grouped into classes
	whose every group observed the same thing; then classes that no group
	ran both of merged into one row."""
	units = [u for g in groups for u in g.params]
	runs: Dict[Tuple[str, str, str], List[str]] = OrderedDict()
	for g in groups:
		for u in g.params:
			runs.setdefault((u[3], u[1], u[2]), []).append(u[0])
	gfps = merge_orders(first_seen(s) for s in runs.values())
	prots = first_seen(u[1] for u in units)
	rows = []
	for gfp in gfps:
		for prot in prots:
			sizes = sorted({u[2] for u in units if u[:2] == (gfp, prot)},
				       key=lambda s: (len(s), s))
			rows += size_rows(groups, keys, gfp, prot, sizes)
	return rows


def size_rows(groups: Sequence[Group], keys: Sequence[str], gfp: str, prot: str,
	      sizes: List[str]) -> List[Row]:
	def params(g: Group, of: Sequence[str]) -> List[Param]:
		return [p for u, p in g.params.items() if u[:2] == (gfp, prot) and u[2] in of]

	classes: Dict[tuple, List[str]] = OrderedDict()
	for size in sizes:
		sig = tuple(s.signature() if s else None
			    for s in (slot(params(g, [size]), keys) for g in groups))
		classes.setdefault(sig, []).append(size)
	rows: List[Row] = []
	for sig, members in classes.items():
		present = {i for i, s in enumerate(sig) if s is not None}
		into = next((r for r in rows if not present & {i for i, s in enumerate(r.slots) if s}),
			    None)
		if into is None:
			rows.append(Row(gfp, prot, [members], [None] * len(groups)))
			into = rows[-1]
		else:
			into.sizes.append(members)
		for i in present:
			into.slots[i] = slot(params(groups[i], members), keys)
	return rows


def observed_keys(groups: Iterable[Group]) -> List[str]:
	"""KEYS, then any key the logs have and the legend does not."""
	keys = list(KEYS)
	for g in groups:
		for p in g.params.values():
			keys += [k for k in p.observed if k not in keys]
	return keys


def expected_semantics() -> str:
	"""The expected-semantics part of KUNIT_FILE's comment, read from the
	tree so that it never goes stale; or why it could not be read."""
	path = os.path.join(matrix.REPO, KUNIT_FILE)
	try:
		with open(path) as f:
			lines = f.read().splitlines()
	except OSError as e:
		return f'(cannot read {KUNIT_FILE}: {e.strerror})'
	start = next((i for i, l in enumerate(lines) if EXPECTED_FROM in l), None)
	end = next((i for i, l in enumerate(lines) if EXPECTED_TO in l), None)
	if start is None or end is None or end <= start:
		return (f'({KUNIT_FILE} no longer has the lines "{EXPECTED_FROM}" and '
			f'"{EXPECTED_TO}" that frame the expected semantics: update '
			'EXPECTED_FROM and EXPECTED_TO in pipeline/semantics.py)')
	text = [re.sub(r'^\s*\* ?', '', l) for l in lines[start:end]]
	while text and not text[-1].strip():
		text.pop()
	return '\n'.join(text)


def unknown_values(groups: Iterable[Group]) -> List[str]:
	"""key=value pairs that the legend does not explain."""
	known = {(k, v) for k, _, vs in LEGEND for v, _ in vs}
	found = {(k, v) for g in groups for p in g.params.values() for k, v in p.observed.items()
		 if (k, v) not in known}
	return [f'{k}={v}' for k, v in sorted(found)]


# --- HTML ----------------------------------------------------------------

CSS = '''
body{font:14px/1.4 system-ui,sans-serif;margin:12px;color:#222}
p,ul,details,.legend,pre{max-width:72em}
h2{margin:1.6em 0 .3em}h2 small{font-weight:normal;color:#666;font-size:60%}
.note{color:#333;margin:.3em 0}.warnnote{color:#a00}
table.sem{border-collapse:separate;border-spacing:0;font-size:12px;line-height:1.25}
.sem td,.sem th{border-right:1px solid #e4e4e4;border-bottom:1px solid #eee;padding:1px 4px;
 white-space:nowrap;text-align:left;vertical-align:top}
.sem thead{position:sticky;top:0;z-index:3}
.sem thead th{background:#f4f4f4;border-bottom:1px solid #bbb}
.sem th.mode{text-align:left;font-size:13px;border-left:3px solid #555;padding-left:6px}
.sem th.var{text-align:left;border-left:2px solid #888;font-weight:600}
.sem th.key{vertical-align:bottom;padding:3px 1px;font-weight:normal;color:#444}
.sem th.key span{writing-mode:vertical-rl;transform:rotate(180deg)}
.sem th.ref,.sem td.ref,.swatch.ref{background:#e3edfb}.sem th.var.ref{background:#c9dcf7}
.sem .c0,.sem .c1,.sem .c2{position:sticky;background:#fff;z-index:1;white-space:normal}
.sem th.c0,.sem th.c1,.sem th.c2{z-index:4;vertical-align:bottom;background:#f4f4f4}
.sem .c0{left:0;width:150px;min-width:150px;max-width:150px;font-family:monospace}
.sem .c1{left:150px;width:48px;min-width:48px;max-width:48px;font-family:monospace}
.sem .c2{left:198px;width:110px;min-width:110px;max-width:110px;border-right:2px solid #888}
.sem th.mode span,.sem th.var span.v{position:sticky;left:314px}
.sem tr.gfp td{border-top:2px solid #999}.sem tr.prot td{border-top:1px solid #bbb}
.sem tr.gfp td.c0,.sem tr.gfp td.c1,.sem tr.gfp td.c2{border-top:2px solid #999}
.sem td.again{color:#c8c8c8;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.sem tbody.alt .c0,.sem tbody.alt .c1,.sem tbody.alt .c2{background:#f6f6f6}
.sem td.g,.sem th.g{border-left:2px solid #888}.sem td.m,.sem th.m{border-left:3px solid #555}
.sem td.d,.swatch.d{background:#ffe98a}
.na{color:#999}
.sem td.none,.swatch.none{color:#aaa;text-align:center}
.sem td.split,.swatch.split{font-style:italic;text-decoration:underline dotted}
.sem td.FAIL,.swatch.FAIL{background:#f29b9b;font-weight:600}.sem td b{font-size:10px}
.sem td.flaky,.swatch.flaky{background:#f7c27c}
.sem td.known,.swatch.known{background:#d6c8f0}.sem td.skip{color:#777;background:#eee}
col.warn,.swatch.warn{background:#fde8e8}col.gone{background:#efefef}
.badge{display:inline-block;border-radius:3px;padding:0 4px;margin-left:3px;font-size:11px;
 font-weight:normal;background:#c00;color:#fff}.badge.ref{background:#2b5ea8}
.badge.grey{background:#777}
table.legend{border-collapse:collapse;font-size:13px}
.legend td,.legend th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}
.swatch{display:inline-block;min-width:3em;padding:0 4px;border:1px solid #ccc;text-align:center;
 font-size:12px}
ul.marks{list-style:none;padding-left:0}ul.marks li{margin:2px 0}
pre{background:#f6f6f6;padding:8px;border:1px solid #ddd;font-size:12px}
'''


def esc(text: str) -> str:
	return html.escape(text, quote=True)


def attrs(classes: Iterable[str], title: str = '') -> str:
	cls = ' '.join(c for c in classes if c)
	return (f' class="{cls}"' if cls else '') + (f' title="{esc(title)}"' if title else '')


def gfp_html(gfp: str) -> str:
	"""A gfp mask that may wrap after each '|'."""
	return '|<wbr>'.join(esc(part) for part in gfp.split('|'))


def group_edges(groups: Sequence[Group]) -> List[str]:
	"""The border class of each group's first column: a mode starts, or a group."""
	return ['m' if i == 0 or g.mode != groups[i - 1].mode else 'g' for i, g in enumerate(groups)]


def group_header(g: Group, is_ref: bool, edge: str, nkeys: int, anchor: str) -> str:
	v = matrix.VARIANT_BY_NAME[g.variant]
	title = f'{g.name}: {v.kernel_args or "no kernel arguments"}; {v.why}'
	badges = ['<span class="badge ref">reference</span>'] if is_ref else []
	for what, entries in g.problems():
		shown = [e for e in entries if e][:25]
		title += f'\n{what}:\n  ' + '\n  '.join(shown) + ('\n  ...' if len(entries) > 25 else '')
		n = len(entries)
		label = what if what in ('crashed', 'infrastructure') else f'{n} {what}'
		badges.append(f'<span class="badge{" grey" if what == "known" else ""}">{esc(label)}</span>')
	if not g.params:
		title += f'\n{g.note}'
		badges.append(f'<span class="badge grey">{esc(g.note.split(" (")[0])}</span>')
	return (f'<th id="{esc(anchor)}" colspan="{nkeys}"'
		f'{attrs(["var", edge, "ref" if is_ref else ""], title)}>'
		f'<span class="v">{esc(g.variant)}{"".join(badges)}</span></th>')


def value_cell(key: str, s: Optional[Slot], ref: Optional[Slot], is_ref: bool,
	       first: bool, edge: str, where: str) -> str:
	"""One key of one group in one row: the value, or only what differs."""
	cls = [edge if first else '']
	if s is None:
		return f'<td{attrs(cls + ["none"], f"{where}: not run")}>—</td>'
	value = s.values.get(key, '')
	title, mark = '', ''
	if s.status != 'ok':
		# Its own values, not a difference: they are what went wrong.
		cls.append(s.status)
		bad = [p.desc + ('' if p.observed else ' (ended before it printed what it observed)')
		       for p in s.params if p.status == s.status]
		title = f'{where}: {STATUS_WHY[s.status]}: ' + '; '.join(bad[:8])
		mark = f'<b>{s.status}</b> ' if first else ''
		shown = value
	elif is_ref or ref is None or key not in ref.values:
		shown = value
		cls.append('ref' if is_ref else '')
	elif value == ref.values[key]:
		shown = ''
	else:
		shown = value
		cls.append('' if 'n/a' in (value, ref.values[key]) else 'd')
	if key in s.split and shown:
		cls.append('split')
		title = (title + '\n' if title else '') + s.split[key]
	inner = mark + (f'<span class="na">{esc(shown)}</span>' if shown == 'n/a' else esc(shown))
	return f'<td{attrs(cls, title)}>{inner}</td>'


def size_title(row: Row) -> str:
	vias: Dict[str, List[str]] = OrderedDict()
	for s in row.slots:
		for p in s.params if s else []:
			vias.setdefault(p.unit[2], [])
			if p.unit[3] not in vias[p.unit[2]]:
				vias[p.unit[2]].append(p.unit[3])
	return '\n'.join(f'size={size}: {" ".join(v)}' for size, v in vias.items())


def html_table(base: str, groups: Sequence[Group], keys: Sequence[str], rows: Sequence[Row],
	       ref: int) -> List[str]:
	edges = group_edges(groups)
	out = ['<table class="sem"><colgroup><col span="3"></colgroup>']
	for g in groups:
		tint = 'gone' if not g.params else 'warn' if g.problems() else ''
		out.append(f'<colgroup><col span="{len(keys)}"{attrs([tint])}></colgroup>')
	out.append('<thead><tr><th rowspan="3" class="c0">gfp</th><th rowspan="3" class="c1">prot</th>'
		   '<th rowspan="3" class="c2">size</th>')
	for i, g in enumerate(groups):
		if edges[i] == 'm':
			n = sum(1 for h in groups if h.mode == g.mode) * len(keys)
			out.append(f'<th colspan="{n}" class="mode"><span>{esc(g.mode)}</span></th>')
	out.append('</tr><tr>')
	out += [group_header(g, i == ref, edges[i], len(keys), f'{base}-{g.mode}-{g.variant}')
		for i, g in enumerate(groups)]
	out.append('</tr><tr>')
	legend = {k: meaning for k, meaning, _ in LEGEND}
	for i in range(len(groups)):
		for j, k in enumerate(keys):
			cls = ['key', edges[i] if j == 0 else '', 'ref' if i == ref else '']
			out.append(f'<th{attrs(cls, legend.get(k, ""))}><span>{esc(k)}</span></th>')
	out.append('</tr></thead>')
	pair_rows = Counter((r.gfp, r.prot) for r in rows)
	gfp_index = -1
	for n, row in enumerate(rows):
		new_gfp = n == 0 or row.gfp != rows[n - 1].gfp
		new_prot = new_gfp or row.prot != rows[n - 1].prot
		if new_gfp:
			gfp_index += 1
			out.append('</tbody>' if n else '')
			out.append(f'<tbody id="{esc(base)}-{esc(row.gfp)}"'
				   f'{attrs(["alt" if gfp_index % 2 else ""])}>')
		alone = pair_rows[(row.gfp, row.prot)] == 1 and len(row.sizes) == 1
		sizes = 'all' if alone else row.label
		# Repeated faintly, so that a row scrolled to alone still says what it is.
		cells = [f'<td{attrs(["c0", "" if new_gfp else "again"])}>'
			 f'{gfp_html(row.gfp) if new_gfp else esc(row.gfp)}</td>',
			 f'<td{attrs(["c1", "" if new_prot else "again"])}>{esc(row.prot)}</td>',
			 f'<td{attrs(["c2"], size_title(row))}>{esc(sizes)}</td>']
		where = f'gfp={row.gfp} prot={row.prot} size={row.label}'
		for i, g in enumerate(groups):
			cells += [value_cell(k, row.slots[i], row.slots[ref], i == ref, j == 0, edges[i],
					     f'{g.name}, {where}') for j, k in enumerate(keys)]
		tr = 'gfp' if new_gfp else 'prot' if new_prot else ''
		out.append(f'<tr{attrs([tr])}>' + ''.join(cells) + '</tr>')
	out.append('</tbody></table>')
	return out


# The marks of a table cell, as the legend shows them: class, sample, meaning.
MARKS = (
	('ref', 'random', 'the reference group: every value'),
	('d', 'match-all', 'differs from the reference in this row'),
	('', '&nbsp;', 'the same as the reference'),
	('', '<span class="na">n/a</span>', 'not applicable; not highlighted even where the '
	 'reference has a value'),
	('none', '—', 'this group did not run these parameters'),
	('split', 'no/yes', 'the entry points or sizes of the row disagreed, most frequent '
	 'first; the tooltip says which saw what'),
	('FAIL', 'FAIL', 'a parameter failed: its full values, or FAIL if it ended before '
	 'printing them'),
	('flaky', 'flaky', 'a flaky parameter: its full values'),
	('known', 'known', 'a known failure: its full values'),
	('warn', '&nbsp;', 'the whole group is suspect: its cell\'s summary lists failures, '
	 'flakes or crashes (see the badges in its header)'),
)


def html_legend(keys: Sequence[str], expected: str) -> List[str]:
	out = ['<h2 id="legend">Legend</h2>',
	       '<h3>Cells</h3><ul class="marks">']
	out += [f'<li><span class="swatch {cls}">{sample}</span> {esc(text)}</li>'
		for cls, sample, text in MARKS]
	out += ['</ul><p>Hover over a size for the entry points it covers, over a key for its '
	       'meaning, over a group for its kernel arguments and what its summary lists.</p>',
	       f'<h3>Keys and values</h3><p>From the comment at the top of <code>{KUNIT_FILE}'
	       '</code> and the code that prints them.</p>',
	       '<table class="legend"><tr><th>key</th><th>value</th><th>meaning</th></tr>']
	for key, meaning, values in LEGEND:
		out.append(f'<tr><td rowspan="{len(values) + 1}"><b>{esc(key)}</b></td>'
			   f'<td colspan="2"><i>{esc(meaning)}</i></td></tr>')
		out += [f'<tr><td>{esc(v)}</td><td>{esc(m)}</td></tr>' for v, m in values]
	out.append('</table>')
	extra = [k for k in keys if k not in KEYS]
	if extra:
		out.append(f'<p class="warnnote">Keys the logs have and the legend does not: '
			   f'{esc(" ".join(extra))}.</p>')
	out.append('<h3>Column groups</h3><table class="legend"><tr><th>variant</th><th>modes</th>'
		   '<th>kernel arguments</th><th>why</th></tr>')
	out += [f'<tr><td>{esc(v.name)}</td><td>{esc(" ".join(v.modes))}</td>'
		f'<td><code>{esc(v.kernel_args)}</code></td><td>{esc(v.why)}</td></tr>'
		for v in matrix.VARIANTS]
	out.append('</table>')
	out.append(f'<h3>Expected semantics</h3><p>Read from the comment at the top of '
		   f'<code>{esc(KUNIT_FILE)}</code> when this page was written.</p>'
		   f'<pre>{esc(expected)}</pre>')
	return out


def base_table(base: Base, keys: Sequence[str]) -> Tuple[int, List[Row], List[str]]:
	"""The reference group of a base, its table's rows, and what to know
	before reading them."""
	notes = []
	if any(g.params for g in base.groups):
		ref, note = reference(base.groups)
		rows = table_rows(base.groups, keys)
		notes.append(f'Reference: {base.groups[ref].name}. {note} {len(rows)} rows.'
			     .replace('  ', ' '))
	else:
		ref, rows = 0, []
		notes.append('Nothing observed in this base.')
	if base.missing:
		notes.append(f'Expected by the manifest but missing: {", ".join(base.missing)}.')
	return ref, rows, notes


def html_page(bases: List[Base], problems: List[str], expected: str) -> str:
	groups = [g for b in bases for g in b.groups]
	keys = observed_keys(groups)
	out = ['<!DOCTYPE html><html lang="en"><meta charset="utf-8">',
	       '<title>__GFP_SKIP_KASAN semantics</title>', f'<style>{CSS}</style>',
	       '<h1>What __GFP_SKIP_KASAN does in vmalloc, as observed</h1>',
	       f'<p>What every parameter of <code>{matrix.OUR_SUITE}.{CASE}</code> observed, one '
	       'table per base. Rows: gfp mask and protection, split by size where size matters. '
	       'Columns: one group per KASAN mode and boot variant. The reference group shows '
	       'every value; the others only the values that differ from it '
	       '(<span class="swatch d">highlighted</span>); a blank cell is the same. '
	       'Failures are <span class="swatch FAIL">red</span>. See the '
	       '<a href="#legend">legend</a>.</p>']
	if problems:
		out.append(f'<details><summary class="warnnote">{len(problems)} problem'
			   f'{"s" if len(problems) > 1 else ""} with the results directory</summary><ul>'
			   + ''.join(f'<li>{esc(p)}</li>' for p in problems) + '</ul></details>')
	unknown = unknown_values(groups)
	if unknown:
		out.append(f'<p class="warnnote">Values the legend does not explain: '
			   f'{esc(" ".join(unknown))}.</p>')
	out.append('<p>Bases: ' + ', '.join(f'<a href="#base-{esc(b.name)}">{esc(b.name)}</a>'
					   for b in bases) + '</p>')
	for base in bases:
		out.append(f'<h2 id="base-{esc(base.name)}">Base {esc(base.name)} <small>'
			   f'{esc(base.info.get("version", ""))} {esc(base.info.get("source", ""))}'
			   '</small></h2>')
		ref, rows, notes = base_table(base, keys)
		warn = not rows or base.missing or reference(base.groups)[1]
		out += [f'<p class="{"warnnote" if warn else "note"}">{esc(n)}</p>' for n in notes]
		if rows:
			out += html_table(base.name, base.groups, keys, rows, ref)
	out += html_legend(keys, expected)
	return '\n'.join(out) + '\n'


# --- Markdown --------------------------------------------------------------

def md_escape(text: str) -> str:
	return text.replace('|', '\\|')


def md_slot(s: Optional[Slot], ref: Optional[Slot], is_ref: bool, keys: Sequence[str]) -> List[str]:
	"""The reference's values, one per key; or one cell of what differs."""
	if s is None:
		return ['—'] * len(keys) if is_ref else ['—']
	mark = f'**{s.status}** ' if s.status != 'ok' else ''
	if is_ref:
		return [(mark if i == 0 else '') + s.values.get(k, '') for i, k in enumerate(keys)]
	if s.status != 'ok' or ref is None:
		diff = [k for k in keys if k in s.values]
	else:
		diff = [k for k in keys if s.values.get(k) != ref.values.get(k) and k in s.values]
	return [(mark + ' '.join(f'{k}={s.values[k]}' for k in diff)).strip() or
		(mark.strip() or '')]


def md_page(bases: List[Base], problems: List[str], expected: str) -> str:
	keys = observed_keys(g for b in bases for g in b.groups)
	out = ['# What `__GFP_SKIP_KASAN` does in vmalloc, as observed', '',
	       'One table per base. Rows: gfp mask and protection, split by size where size',
	       'matters. The reference group has a column per key; every other group has one',
	       'column that lists only the keys whose value differs from the reference in that',
	       'row (empty: the same; —: did not run; **FAIL**, **flaky**, **known**: such a',
	       'parameter, with all its values). Keys: see the legend below and the comment at',
	       f'the top of `{KUNIT_FILE}`.', '']
	if problems:
		out += ['Problems with the results directory:', ''] + [f'- {p}' for p in problems] + ['']
	for base in bases:
		ref, rows, notes = base_table(base, keys)
		out += [f'## Base {base.name}', ''] + notes + ['']
		if not rows:
			continue
		groups = base.groups
		flagged = [f'{g.name}: ' + ', '.join(f'{len(e)} {w}' for w, e in g.problems())
			   for g in groups if g.problems()]
		out += [f'Suspect groups: {"; ".join(flagged)}', ''] if flagged else []
		head = ['gfp', 'prot', 'size'] + [f'{k} ({groups[ref].name})' for k in keys]
		head += [g.name for i, g in enumerate(groups) if i != ref]
		out += ['| ' + ' | '.join(head) + ' |', '|' + '---|' * len(head)]
		for row in rows:
			line = [row.gfp, row.prot, row.label] + md_slot(row.slots[ref], None, True, keys)
			for i in range(len(groups)):
				if i != ref:
					line += md_slot(row.slots[i], row.slots[ref], False, keys)
			out.append('| ' + ' | '.join(md_escape(c) for c in line) + ' |')
		out.append('')
	out += ['## Legend', '', f'From the comment at the top of `{KUNIT_FILE}`.', '',
		'| key | value | meaning |', '|---|---|---|']
	for key, meaning, values in LEGEND:
		out.append(f'| **{key}** | | {md_escape(meaning)} |')
		out += [f'| | {md_escape(v)} | {md_escape(m)} |' for v, m in values]
	out += ['', '### Expected semantics', '', '```', expected, '```', '']
	return '\n'.join(out)


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument('results')
	args = parser.parse_args()
	bases, problems = collect(args.results)
	if not any(g.params for b in bases for g in b.groups):
		print(f'semantics: no observed lines of {CASE} in {args.results}', file=sys.stderr)
		return 1
	expected = expected_semantics()
	md = os.path.join(args.results, 'semantics.md')
	page = os.path.join(args.results, 'semantics.html')
	with open(md, 'w') as f:
		f.write(md_page(bases, problems, expected))
	with open(page, 'w') as f:
		f.write(html_page(bases, problems, expected))
	print(f'semantics: {len(bases)} base{"s" if len(bases) != 1 else ""} in {md} and {page}')
	return 0


if __name__ == '__main__':
	sys.exit(main())
