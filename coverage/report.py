#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Merge a base's coverage tracefiles, write the HTML report, apply the gate.

Reads COVDIR/info/*.info (one lcov tracefile per mode and boot variant, see
coverage/capture.py) and writes:
  COVDIR/coverage.info   the merge, limited to the files the report is about
  COVDIR/html/           genhtml's report (index.html)
  COVDIR/summary.md      lines and functions hit per file
Then the gate: every executable line that the base's series adds or changes
in a C file, and every line of the merged feature listed in
coverage/merged-feature-BASE, must have run in at least one mode or variant.
Lines that cannot run under the pipeline's QEMU are listed with the reason
in coverage/not-coverable. Exit status 1 names every line the gate misses.
"""

import argparse
import fnmatch
import glob
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Dict, List, Set, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'pipeline'))
from listfile import Entry, ListError, read_list  # noqa: E402  (the repo's list format)

# The tools, overridable for the pipeline's own checks.
LCOV = os.environ.get('LCOV', 'lcov')
GENHTML = os.environ.get('GENHTML', 'genhtml')

# The report is about these (relative to the tree), and the series' files.
REPORTED = ('mm/vmalloc.c', 'mm/kasan/*', 'kernel/fork.c')

# Functions that must have run, in every file that defines them.
MUST_RUN = ('__vmalloc_node_range_noprof', '__kasan_unpoison_vmalloc',
	    'alloc_thread_stack_node')

# Test code is the instrument, not the subject: its failure paths run only
# when a case fails, so the gate does not ask for them.
NOT_GATED = ('mm/kasan/kasan_test*',)

# Only boots of our suite are captured: the upstream suite's file would only
# show as never run.
NOT_REPORTED = ('mm/kasan/kasan_test_c.c',)


@dataclass
class FileCoverage:
	lines: Dict[int, int] = field(default_factory=dict)	# line -> hits
	functions: Dict[str, int] = field(default_factory=dict)	# name -> hits
	starts: Dict[str, int] = field(default_factory=dict)	# name -> first line


def die(msg: str) -> None:
	print(f'coverage: {msg}', file=sys.stderr)
	sys.exit(1)


def lcov(*args: str) -> None:
	if subprocess.call([LCOV, '--quiet'] + list(args)) != 0:
		die('lcov ' + ' '.join(args) + ' failed')


def read_info(path: str, tree: str) -> Dict[str, FileCoverage]:
	"""An lcov tracefile, by source path relative to the tree."""
	files: Dict[str, FileCoverage] = {}
	cur = FileCoverage()
	with open(path) as f:
		for line in f:
			key, _, value = line.strip().partition(':')
			if key == 'SF':
				cur = files.setdefault(os.path.relpath(value, tree), FileCoverage())
			elif key == 'DA':
				n, hits = value.split(',')[:2]
				cur.lines[int(n)] = cur.lines.get(int(n), 0) + int(hits)
			elif key == 'FN':
				n, name = value.split(',', 1)
				cur.starts[name] = int(n)
			elif key == 'FNDA':
				hits, name = value.split(',', 1)
				cur.functions[name] = cur.functions.get(name, 0) + int(hits)
	return files


def series_lines(tree: str) -> Dict[str, Set[int]]:
	"""Lines of C files the series added or changed, in the tree as it is."""
	root = subprocess.run(['git', '-C', tree, 'rev-list', '--max-parents=0', 'HEAD'],
			      capture_output=True, text=True, check=True).stdout.split()[0]
	diff = subprocess.run(['git', '-C', tree, 'diff', '-U0', root, '--', '*.c', '*.h'],
			      capture_output=True, text=True, check=True).stdout
	lines: Dict[str, Set[int]] = {}
	path = ''
	for line in diff.splitlines():
		if line.startswith('+++ '):
			path = line[6:] if line.startswith('+++ b/') else ''
		elif line.startswith('@@') and path:
			m = re.match(r'@@ -\S+ \+(\d+)(?:,(\d+))? @@', line)
			if not m:
				die(f'cannot read the diff hunk {line!r}')
			start, count = int(m.group(1)), int(m.group(2) or 1)
			lines.setdefault(path, set()).update(range(start, start + count))
	return lines


def pattern_lines(tree: str, path: str, regex: str) -> Set[int]:
	with open(os.path.join(tree, path)) as f:
		return {n for n, text in enumerate(f, 1) if re.search(regex, text)}


def read_table(path: str, fields: int, need_reason: bool = False) -> List[Entry]:
	"""Lines 'F1 .. Fn REGEX [-- REASON]' of a coverage/ list, comments skipped."""
	try:
		return read_list(path, fields + 1, need_reason)
	except ListError as e:
		die(str(e))


def gate(tree: str, name: str, cov: Dict[str, FileCoverage]) -> List[str]:
	"""The lines the gate asks for that did not run, as 'path:line: text'."""
	wanted = {p: ls for p, ls in series_lines(tree).items()
		  if not any(fnmatch.fnmatch(p, g) for g in NOT_GATED)}
	for (path, regex), _ in read_table(os.path.join(HERE, f'merged-feature-{name}'), 1):
		selected = pattern_lines(tree, path, regex)
		if not any(cov.get(path, FileCoverage()).lines.get(n) is not None for n in selected):
			die(f'merged-feature-{name}: {path} /{regex}/ selects no executable line')
		wanted.setdefault(path, set()).update(selected)
	excused: List[Tuple[str, str, str]] = []
	for (base, path, regex), reason in read_table(os.path.join(HERE, 'not-coverable'), 2,
							 need_reason=True):
		if fnmatch.fnmatch(name, base):
			excused.append((path, regex, reason))

	missed = []
	for path, lines in sorted(wanted.items()):
		if path not in cov:
			if path.endswith('.c'):
				missed.append(f'{path}: not profiled (add it to coverage/profiled-files)')
			continue
		with open(os.path.join(tree, path)) as f:
			text = f.read().splitlines()
		for n in sorted(lines):
			if cov[path].lines.get(n, 1) > 0:
				continue	# ran, or no code on that line
			why = [r for p, rx, r in excused if p == path and re.search(rx, text[n - 1])]
			if why:
				print(f'  not coverable here: {path}:{n}: {why[0]}')
				continue
			missed.append(f'{path}:{n}: {text[n - 1].strip()}')
	return missed


def function_lines(tree: str, path: str, c: FileCoverage, fn: str) -> Tuple[int, int]:
	"""Executable lines of @fn hit, and in all: to the first "}" in column 0."""
	with open(os.path.join(tree, path)) as f:
		text = f.read().splitlines()
	end = c.starts[fn]
	while end < len(text) and text[end - 1] != '}':
		end += 1
	lines = [h for n, h in c.lines.items() if c.starts[fn] <= n <= end]
	return sum(1 for h in lines if h), len(lines)


def summary(cov: Dict[str, FileCoverage]) -> List[str]:
	lines = ['| file | lines hit | lines | % | functions hit | functions |',
		 '|---|---|---|---|---|---|']
	for path, c in sorted(cov.items()):
		hit = sum(1 for h in c.lines.values() if h)
		fhit = sum(1 for h in c.functions.values() if h)
		pct = 100.0 * hit / len(c.lines) if c.lines else 0.0
		lines.append(f'| {path} | {hit} | {len(c.lines)} | {pct:.1f} | '
			     f'{fhit} | {len(c.functions)} |')
	return lines


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument('--tree', required=True)
	parser.add_argument('--name', required=True, help='the tree, e.g. 6.12 or local-7.3')
	parser.add_argument('--base', help='its base, for coverage/merged-feature-BASE '
			    '(default: NAME)')
	parser.add_argument('--no-gate', action='store_true',
			    help='report only: the boots are not the whole matrix')
	parser.add_argument('--covdir', required=True)
	args = parser.parse_args()
	tree = os.path.abspath(args.tree)

	infos = sorted(glob.glob(os.path.join(args.covdir, 'info', '*.info')))
	if not infos:
		die(f'{args.covdir}/info: no coverage data: nothing ran')
	merged = os.path.join(args.covdir, 'merged.info')
	report = os.path.join(args.covdir, 'coverage.info')
	add = []
	for info in infos:
		add += ['--add-tracefile', info]
	lcov(*add, '--output-file', merged)
	merged_feature = os.path.join(HERE, f'merged-feature-{args.base or args.name}')
	keep = set(REPORTED) | set(series_lines(tree))
	keep |= {path for (path, _), _ in read_table(merged_feature, 1)}
	lcov('--extract', merged, *sorted(os.path.join(tree, p) for p in keep),
	     '--output-file', report)
	lcov('--remove', report, *(os.path.join(tree, p) for p in NOT_REPORTED),
	     '--output-file', report)
	cov = read_info(report, tree)
	for path in ('mm/vmalloc.c', 'kernel/fork.c'):
		if not cov.get(path, FileCoverage()).lines:
			die(f'{report}: no data for {path}: the report would be empty')

	html = os.path.join(args.covdir, 'html')
	if subprocess.call([GENHTML, '--quiet', '--title', f'vmalloc __GFP_SKIP_KASAN, {args.name}',
			    '--legend', '--output-directory', html, report]) != 0:
		die('genhtml failed')

	table = summary(cov)
	with open(os.path.join(args.covdir, 'summary.md'), 'w') as f:
		f.write('\n'.join(table) + '\n')
	print(f'\ncoverage of {args.name}, merged over {len(infos)} boots:')
	print('\n'.join(table))
	print(f'report: {os.path.abspath(html)}/index.html')
	if args.no_gate:
		print(f'coverage gate of {args.name}: not applied, the run is not the whole '
		      'matrix (each line has to run in one mode or variant of it)')
		return 0

	failures = []
	for fn in MUST_RUN:
		defined = [p for p, c in cov.items() if fn in c.functions]
		if not defined:
			failures.append(f'{fn}: not in the report')
		failures += [f'{p}: {fn}() never ran' for p in defined if not cov[p].functions[fn]]
		for p in defined:
			hit, total = function_lines(tree, p, cov[p], fn)
			print(f'{fn}() in {p}: ran {cov[p].functions[fn]} times, '
			      f'{hit} of {total} lines')
	failures += gate(tree, args.base or args.name, cov)
	if failures:
		print(f'coverage gate of {args.name}: {len(failures)} lines or functions did not run:')
		for f in failures:
			print('  ' + f)
		return 1
	print(f'coverage gate of {args.name}: every line of the series and the merged feature ran')
	return 0


if __name__ == '__main__':
	sys.exit(main())
