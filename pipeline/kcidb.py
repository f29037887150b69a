#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Write the results of a run as one KCIDB submission, and validate it.

KCIDB is KernelCI's common results database. The submission (schema v5.3,
pipeline/kcidb-schema-v5.json, from kcidb-io's definition) holds, per
results directory (one per machine of a fan-out, see make merge):

  checkouts  one per assembled tree: the base's exact version and Debian
             source, the tree's HEAD (git_commit_hash) and the series'
             commits (misc)
  builds     one per kernel (tree, KASAN mode): architecture, compiler,
             the kunitconfig fragments of its configuration, built or not
  tests      one per KUnit case (parameters included) of every cell, at
             path kunit.SUITE.CASE[.PARAM], PASS, FAIL, SKIP or ERROR (a
             case that did not finish), flaky and known failures marked
             in misc; and one per cell at path kunit.SUITE whose status
             sums the cell up (ERROR for a crash or a hang, MISS for an
             infrastructure failure, or a kernel that did not build), its
             boots' time, and the crash lines and a hang's last kernel lines
             in its log_excerpt. The environment of a cell's test names
             QEMU, the boot variant's kernel command line and the vCPUs;
             that of a case, QEMU's version and the variant (a whole run's
             some 14,000 tests must fit in one 10 MB message).

Ids are ORIGIN:RUN:NAME, RUN being the time the directory's run started,
so that every run's objects are new ones. A run that misses a cell, or
has one twice, is refused, as summary.py counts it failed. The file is
written only if it validates; kcidb-submit sends it (docs/kcidb.md).

Usage: kcidb.py [--origin O] --out FILE [--tree NAME=PATH...] [--known FILE]
	[--bases B --modes M --variants V] RESULTS...
"""

import argparse
import datetime
import fnmatch
import glob
import hashlib
import json
import os
import re
import sys
from typing import Any, Dict, Iterator, List, Optional, Tuple

import matrix
from kernel import REPO, Kernel
from results import load, tree_commits

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = os.path.join(HERE, 'kcidb-schema-v5.json')
VERSION = {'major': 5, 'minor': 3}
ORIGIN_RE = re.compile(r'[a-z0-9_]+')
# What a KCIDB test path's component may hold (kcidb-io's test_path_re).
PATH_COMPONENT_BAD = re.compile(r'[^a-zA-Z0-9_-]')
EXCERPT_MAX = 16384
# kcidb-submit publishes each report it reads as one Google Pub/Sub
# message, and a message holds at most 10 MB.
PUBSUB_MAX = 10 * 10**6
# KCIDB's status priority (highest first): the status of a suite sums up
# its cases'.
PRIORITY = ('FAIL', 'ERROR', 'MISS', 'PASS', 'DONE', 'SKIP')


class KcidbError(Exception):
	pass


def test_path(case: str) -> str:
	"""kunit.SUITE.CASE[.PARAM] of a case named SUITE.CASE[.PARAM]: every
	character a KCIDB path cannot hold becomes '_' (the name itself is in
	the test's misc.kunit_name)."""
	parts = case.split('.', 2)
	return '.'.join(['kunit'] + [PATH_COMPONENT_BAD.sub('_', p) or '_' for p in parts])


def run_key(manifest: Dict[str, Any], path: str) -> str:
	"""The RUN of a results directory's ids: the UTC time its run started,
	or, for a manifest without one, a hash of the manifest."""
	try:
		started = datetime.datetime.fromisoformat(manifest['started'])
		return started.astimezone(datetime.timezone.utc).strftime('%Y%m%dT%H%M%SZ')
	except (KeyError, TypeError, ValueError):
		with open(os.path.join(path, 'manifest.json'), 'rb') as f:
			return 'run-' + hashlib.sha256(f.read()).hexdigest()[:12]


def per_build(manifest: Dict[str, Any], what: str) -> Dict[matrix.Build, str]:
	"""The manifest's toolchain line per build, or its QEMU line per
	architecture (keyed by a Build of that arch): results.Manifest.start()
	joins them with '; ' in this order."""
	builds = sorted({matrix.build_of(t) for t in manifest.get('bases', {})},
			key=lambda b: (b.toolchain, b.arch))
	if what == 'qemu':
		arches = sorted({b.arch for b in builds})
		builds = [matrix.Build(arch=a) for a in arches]
	lines = str(manifest.get(what, '')).split('; ')
	if len(lines) != len(builds):
		lines = [str(manifest.get(what, ''))] * len(builds)
	return dict(zip(builds, lines))


def config_fragments(tree: str, mode: str) -> List[str]:
	"""The configuration fragments kunit.py builds TREE's kernel in MODE
	from (kernel.Kernel.kunitconfigs()), named relative to the tree or
	to this checkout."""
	placeholder = '/nonexistent-tree'
	out = []
	for path in Kernel(placeholder, tree, mode, '/nonexistent-out').kunitconfigs():
		if path.startswith(placeholder + '/'):
			out.append(os.path.relpath(path, placeholder))
		elif path.startswith(REPO + '/'):
			out.append(os.path.relpath(path, REPO))
		else:
			out.append(f'{os.path.basename(path)} (coverage/initramfs.sh)')
	return out


def boot_statuses(results: str, row: dict) -> Dict[str, List[str]]:
	"""Each case's status in each boot of the row's cell (CELL.N.json)."""
	from run_kunit import leaf_cases
	name = matrix.Cell(**row['cell']).name
	statuses: Dict[str, List[str]] = {}
	for n in range(1, len(row['boots']) + 1):
		try:
			with open(os.path.join(results, f'{name}.{n}.json')) as f:
				top = json.load(f)
		except (OSError, ValueError):
			continue
		for case, status in leaf_cases(top):
			statuses.setdefault(case, []).append(status)
	return statuses


def known_cause(cell: matrix.Cell, case: str, known: Dict[str, str]) -> Optional[str]:
	key = f'{matrix.known_name(cell.base)} {cell.mode} {cell.variant} {case}'
	for pattern, cause in known.items():
		if fnmatch.fnmatchcase(key, pattern):
			return cause
	return None


def excerpt(lines: List[str]) -> str:
	text = '\n'.join(lines) + '\n'
	text = text.replace('\0', '')
	return text if len(text) <= EXCERPT_MAX else text[-EXCERPT_MAX:]


def checkout(origin: str, key: str, tree: str, manifest: Dict[str, Any],
	     local: Dict[str, str]) -> Dict[str, Any]:
	base = manifest.get('bases', {}).get(tree, {})
	version, source = base.get('version', ''), base.get('source', 'unknown')
	commits = manifest.get('commits', {}).get(tree) or {}
	where = "the run's manifest"
	if not commits and tree in local:
		commits = tree_commits(local[tree])
		where = f'{local[tree]} when make kcidb ran (the run recorded none)'
	package = source.split()[0] if source not in ('', 'unknown') else f'linux-{version}'
	obj: Dict[str, Any] = {
		'id': f'{origin}:{key}:{tree}',
		'origin': origin,
		'tree_name': package,
		'comment': f'Linux {version} ({source}) with the vmalloc __GFP_SKIP_KASAN series',
		'valid': True,
		'misc': {'base_version': version, 'base_source': source,
			 'series_base': matrix.base_of(tree)},
	}
	if manifest.get('started'):
		obj['start_time'] = manifest['started']
	if commits.get('head'):
		# HEAD is the code built: the series is in it, so no patch is
		# applied on top (the dashboard lists a checkout only once it
		# has both).
		obj['git_commit_hash'] = commits['head']
		obj['patchset_hash'] = ''
		obj['misc'].update(base_commit=commits.get('base'),
				   series=commits.get('series', []),
				   uncommitted_edits=commits.get('edited', False),
				   commits_from=where)
	return obj


def build(origin: str, key: str, tree: str, mode: str, rows: List[dict], results: str,
	  compiler: str) -> Dict[str, Any]:
	kind = matrix.build_of(tree)
	kernel = matrix.kernel_name(tree, mode)
	fragments = config_fragments(tree, mode)
	failed = [c for r in rows for c in r['crashed'] if 'the kernel did not build' in c]
	obj: Dict[str, Any] = {
		'id': f'{origin}:{key}:{kernel}',
		'checkout_id': f'{origin}:{key}:{tree}',
		'origin': origin,
		'architecture': kind.arch,
		'compiler': compiler,
		'config_name': '+'.join(os.path.basename(f.split()[0]) for f in fragments),
		'comment': f'{kernel}: KASAN {mode}, {kind.toolchain} for {kind.arch}, '
			   'built by kunit.py build',
		'status': 'FAIL' if failed else 'PASS',
		'misc': {'kernel': kernel, 'toolchain': kind.toolchain, 'config_fragments': fragments,
			 'coverage': kind == matrix.DEFAULT_BUILD},
	}
	if os.path.exists(os.path.join(results, f'{kernel}.build.log')):
		obj['misc']['log'] = f'{kernel}.build.log'
	if failed:
		obj['log_excerpt'] = excerpt(failed)
	return obj


def environment(cell: matrix.Cell, qemu: str, full: bool) -> Dict[str, Any]:
	"""Where CELL booted. The cell's own test has it in FULL; its cases
	(some 14,000 in a whole run, which must fit in one 10 MB message)
	name the QEMU version and the boot variant only."""
	v = cell.boot
	version = re.sub(r'^QEMU emulator version (\S+).*', r'QEMU \1', qemu)
	if not full:
		return {'comment': f'{version}, boot variant {v.name}'}
	cpus = f'{v.cpus} vCPU{"s" if v.cpus > 1 else ""}'
	return {
		'comment': f'{qemu}; {matrix.build_of(cell.base).arch} guest, {cpus}; '
			   f'boot variant {v.name}, kernel arguments {v.kernel_args or "(none)"}',
		'misc': {'qemu': qemu, 'variant': v.name, 'kernel_args': v.kernel_args,
			 'cpus': v.cpus},
	}


def tests(origin: str, key: str, row: dict, results: str, qemu: str,
	  known: Dict[str, str]) -> Iterator[Dict[str, Any]]:
	"""The test of ROW's cell as a whole, then one per case."""
	cell = matrix.Cell(**row['cell'])
	build_id = f'{origin}:{key}:{matrix.kernel_name(cell.base, cell.mode)}'
	per_boot = boot_statuses(results, row)
	common = {'build_id': build_id, 'origin': origin,
		  'environment': environment(cell, qemu, False)}

	cases: List[Tuple[str, str, Dict[str, Any]]] = []
	for column, status in (('passed', 'PASS'), ('flaky', 'PASS'), ('failed', 'FAIL'),
			       ('known', 'FAIL'), ('skipped', 'SKIP')):
		for case in row[column]:
			seen = per_boot.get(case, [])
			# A case that did not finish is an error, not a verdict.
			if status == 'FAIL' and seen and seen[-1] == 'ERROR':
				status_of = 'ERROR'
			else:
				status_of = status
			misc: Dict[str, Any] = {'kunit_name': case}
			if column in ('flaky', 'known'):
				misc[column] = True
			if column in ('flaky', 'failed', 'known') and seen:
				misc['boot_statuses'] = seen
			if column == 'known':
				misc['known_cause'] = known_cause(cell, case, known) or \
					'listed in pipeline/known-failures.txt'
			cases.append((case, status_of, misc))

	if any('the kernel did not build' in c for c in row['crashed']):
		summary = 'MISS'	# nothing ran: the build failed (see the build)
	elif row['crashed']:
		summary = 'ERROR'
	elif row['infrastructure']:
		summary = 'MISS'
	else:
		statuses = {s for _, s, _ in cases} or {'SKIP'}
		summary = min(statuses, key=PRIORITY.index)
	counts = {k: len(row[k]) for k in ('passed', 'failed', 'skipped', 'flaky', 'known',
					   'crashed', 'infrastructure')}
	suite: Dict[str, Any] = dict(common, **{
		'environment': environment(cell, qemu, True),
		'id': f'{origin}:{key}:{cell.name}',
		'path': f'kunit.{PATH_COMPONENT_BAD.sub("_", cell.suite)}',
		'status': summary,
		'comment': f'{cell.name}: ' + ', '.join(f'{n} {k}' for k, n in counts.items()),
		'duration': round(sum(row.get('seconds', [])), 1),
		'misc': {'cell': cell.name, 'boots': row['boots'], 'counts': counts,
			 'crashed': row['crashed'], 'infrastructure': row['infrastructure'],
			 'logs': [f'{cell.name}.{n}.log' for n in range(1, len(row['boots']) + 1)]},
	})
	trouble = row['crashed'] + row['infrastructure']
	for h in row.get('hangs', []):
		trouble += [f"boot {h['boot']}: the last kernel lines:"] + h['last_lines']
	if trouble:
		suite['log_excerpt'] = excerpt(trouble)
	yield suite
	for case, status, misc in cases:
		yield dict(common, **{
			'id': f'{origin}:{key}:{cell.name}:{case}',
			'path': test_path(case),
			'status': status,
			'misc': misc,
		})


def submission(dirs: List[str], origin: str, expected: Optional[List[str]],
	       local: Dict[str, str], known: Dict[str, str]) -> Dict[str, Any]:
	"""The KCIDB submission of the run that DIRS hold."""
	if not ORIGIN_RE.fullmatch(origin):
		raise KcidbError(f"KCIDB_ORIGIN is '{origin}': an origin is lower-case letters, "
				 'digits and _ only')
	run = load(dirs, expected)
	if run.problems:
		more = f' (and {len(run.problems) - 1} more)' if len(run.problems) > 1 else ''
		raise KcidbError(f'the run cannot be submitted: {run.problems[0]}{more}')
	data: Dict[str, Any] = {'version': dict(VERSION), 'checkouts': [], 'builds': [],
				'tests': []}
	keys: Dict[str, str] = {}
	for d in dirs:
		with open(os.path.join(d, 'manifest.json')) as f:
			manifest = json.load(f)
		key = run_key(manifest, d)
		n = 2
		while key in keys.values():	# two machines that started the same second
			key = f'{run_key(manifest, d)}-{n}'
			n += 1
		keys[d] = key
		rows = load([d]).rows
		compilers = per_build(manifest, 'toolchain')
		qemus = per_build(manifest, 'qemu')
		trees = sorted({r['cell']['base'] for r in rows})
		for tree in trees:
			data['checkouts'].append(checkout(origin, key, tree, manifest, local))
			kind = matrix.build_of(tree)
			modes = sorted({r['cell']['mode'] for r in rows if r['cell']['base'] == tree},
				       key=matrix.MODES.index)
			for mode in modes:
				mine = [r for r in rows if (r['cell']['base'], r['cell']['mode']) == (tree, mode)]
				data['builds'].append(build(origin, key, tree, mode, mine, d,
							    compilers.get(kind, 'unknown')))
		for row in rows:
			kind = matrix.build_of(row['cell']['base'])
			qemu = qemus.get(matrix.Build(arch=kind.arch), 'unknown')
			data['tests'].extend(tests(origin, key, row, d, qemu, known))
	ids = [t['id'] for t in data['tests']]
	if len(set(ids)) != len(ids):
		raise KcidbError('two tests have the same id (a case named twice in a cell?)')
	return data


def validate(data: Dict[str, Any], schema_path: str = SCHEMA) -> Optional[str]:
	"""None if DATA is valid against the schema, else what is wrong first."""
	try:
		import jsonschema
	except ImportError:
		raise KcidbError('python3-jsonschema is not installed (run pipeline/setup.sh)')
	with open(schema_path) as f:
		schema = json.load(f)
	cls = jsonschema.validators.validator_for(schema)
	validator = cls(schema, format_checker=jsonschema.FormatChecker())
	error = jsonschema.exceptions.best_match(validator.iter_errors(data))
	if error is None:
		return None
	where = '/'.join(str(p) for p in error.absolute_path) or 'the top level'
	return f'{where}: {error.message}'


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument('results', nargs='+', help='results directories')
	parser.add_argument('--out', required=True, help='the submission file to write')
	parser.add_argument('--origin', default='vmalloc_skip', help='the CI system\'s KCIDB name')
	parser.add_argument('--tree', action='append', default=[], metavar='NAME=PATH',
			    help='an assembled tree, for a run whose manifest has no commits')
	parser.add_argument('--known', help='known-failures file, for the causes')
	matrix.add_expected_arguments(parser)
	args = parser.parse_args()
	try:
		try:
			expected = matrix.expected_cells(args)
		except matrix.MatrixError as e:
			raise KcidbError(str(e))
		local = dict(t.partition('=')[::2] for t in args.tree)
		known: Dict[str, str] = {}
		if args.known:
			from run_kunit import read_known
			known = read_known(args.known)
		data = submission(args.results, args.origin, expected, local, known)
		problem = validate(data)
		out = os.path.abspath(args.out)
		os.makedirs(os.path.dirname(out), exist_ok=True)
		if problem:
			bad = os.path.splitext(out)[0] + '.invalid.json'
			with open(bad, 'w') as f:
				json.dump(data, f, indent=1)
			raise KcidbError(f'the submission does not validate against '
					 f'{os.path.relpath(SCHEMA)}: {problem} (written to {bad})')
		tmp = out + '.tmp'
		with open(tmp, 'w') as f:
			json.dump(data, f, separators=(',', ':'))
			f.write('\n')
		os.replace(tmp, out)
		size = os.path.getsize(out)
		for stale in glob.glob(os.path.splitext(out)[0] + '.invalid.json'):
			os.remove(stale)
	except KcidbError as e:
		print(f'kcidb: {e}', file=sys.stderr)
		return 1
	cells = sum(1 for t in data['tests'] if 'counts' in t['misc'])
	print(f"kcidb: {out}: {len(data['checkouts'])} checkouts, {len(data['builds'])} builds, "
	      f"{len(data['tests'])} tests ({cells} cells and their cases), "
	      f"{size / 1e6:.1f} MB, KCIDB schema v{VERSION['major']}.{VERSION['minor']}, valid; "
	      'send it with kcidb-submit (docs/kcidb.md)')
	if size > PUBSUB_MAX:
		print(f'kcidb: warning: {out} is above the {PUBSUB_MAX // 10**6} MB that one '
		      'KCIDB message may hold: submit each results directory on its own',
		      file=sys.stderr)
	return 0


if __name__ == '__main__':
	sys.exit(main())
