# SPDX-License-Identifier: GPL-2.0
"""The results directory of a run: its manifest and its cells.

manifest.json is written before the first kernel is built and lists every
cell the run is expected to produce, with the exact version and source of
each base, the commits of each assembled tree, the toolchain and QEMU. CELL.summary.json and CELL.junit.xml are
written as each cell finishes. summary.py and make merge read them back
through load(), which refuses a run that misses a cell or has one twice.
"""

import datetime
import glob
import json
import os
import subprocess
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Optional

from junit_xml import TestCase, TestSuite, to_xml_report_string

import matrix

COUNTS = ('passed', 'failed', 'skipped', 'flaky', 'known', 'crashed', 'infrastructure')


def first_line(argv: List[str]) -> str:
	try:
		out = subprocess.run(argv, capture_output=True, text=True).stdout
	except OSError:
		return 'not found'
	return out.splitlines()[0].strip() if out.strip() else 'unknown'


def base_version(tree: str) -> Dict[str, str]:
	"""The kernel version of an assembled tree and where its source came from."""
	with open(os.path.join(tree, 'Makefile')) as f:
		v = dict(line.split(' = ', 1) for line in f.read().splitlines()[:6]
			 if ' = ' in line)
	version = '.'.join(v.get(k, '').strip() for k in ('VERSION', 'PATCHLEVEL', 'SUBLEVEL'))
	source = 'unknown'
	try:
		with open(os.path.join(tree, '.git', 'vmalloc-skip-source')) as f:
			source = f.read().strip()
	except FileNotFoundError:
		pass
	return {'version': version, 'source': source}


def tree_commits(tree: str) -> Dict[str, Any]:
	"""What an assembled tree is made of: its HEAD, its first commit (the
	pristine base, see assemble.sh), the series' commits between them,
	oldest first, and whether it has uncommitted edits (make kunit runs a
	tree as it is). {} if TREE is no git checkout of its own."""
	def git(*args: str) -> str:
		return subprocess.run(['git', '-C', tree, *args], capture_output=True, text=True,
				      check=True).stdout
	try:
		if os.path.realpath(git('rev-parse', '--show-toplevel').strip()) != \
		   os.path.realpath(tree):
			return {}
		head = git('rev-parse', 'HEAD').strip()
		base = git('rev-list', '--max-parents=0', 'HEAD').split()[0]
		log = git('log', '--reverse', '--format=%H %s', f'{base}..HEAD')
		edited = bool(git('--no-optional-locks', 'status', '--porcelain',
				  '--untracked-files=no').strip())
	except (OSError, subprocess.CalledProcessError, IndexError):
		return {}
	series = [dict(zip(('commit', 'subject'), line.split(' ', 1))) for line in log.splitlines()]
	return {'head': head, 'base': base, 'series': series, 'edited': edited}


@dataclass
class Manifest:
	bases: Dict[str, Dict[str, str]]
	cells: List[str]
	toolchain: str
	qemu: str
	started: str = ''
	commits: Dict[str, Dict[str, Any]] = field(default_factory=dict)

	@classmethod
	def start(cls, results: str, trees: Dict[str, str],
		  cells: List[matrix.Cell]) -> 'Manifest':
		from kernel import compiler_argv
		builds = sorted({matrix.build_of(name) for name in trees},
				key=lambda b: (b.toolchain, b.arch))
		arches = sorted({b.arch for b in builds})
		qemus = [os.environ.get('QEMU', 'qemu-system-aarch64') if a == 'arm64'
			 else f'qemu-system-{a}' for a in arches]
		m = cls(bases={name: base_version(t) for name, t in trees.items()},
			cells=[c.name for c in cells],
			commits={name: tree_commits(t) for name, t in trees.items()},
			toolchain='; '.join(first_line(compiler_argv(b)) for b in builds),
			qemu='; '.join(first_line([q, '--version']) for q in qemus),
			started=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'))
		path = os.path.join(results, 'manifest.json')
		if os.path.exists(path):
			# Another run wrote into this directory: its cells and ours
			# would mix, so refuse rather than merge by accident.
			raise SystemExit(f'run_kunit: {results} already holds a run; '
					 'remove it first (make does)')
		with open(path, 'w') as f:
			json.dump(asdict(m), f, indent=1)
		return m

	def properties(self, cell: Dict[str, str]) -> Dict[str, str]:
		base = self.bases.get(cell['base'], {})
		return {'base': cell['base'], 'base_version': base.get('version', ''),
			'base_source': base.get('source', ''), 'mode': cell['mode'],
			'variant': cell['variant'], 'suite': cell['suite'],
			'toolchain': self.toolchain, 'qemu': self.qemu}


def write_cell(results: str, manifest: Manifest, row: dict) -> None:
	"""CELL.summary.json and CELL.junit.xml of one finished cell."""
	cell = row['cell']
	name = matrix.Cell(**cell).name
	row = dict(row, properties=manifest.properties(cell))
	with open(os.path.join(results, f'{name}.summary.json'), 'w') as f:
		json.dump(row, f, indent=1)
	cases = []
	for column, status in (('passed', None), ('flaky', None), ('failed', 'failure'),
			       ('known', 'skipped'), ('skipped', 'skipped')):
		for case in row[column]:
			tc = TestCase(case, classname=name)
			if status == 'failure':
				tc.add_failure_info('failed on every boot')
			elif column == 'known':
				tc.add_skipped_info('known failure, see pipeline/known-failures.txt')
			elif status == 'skipped':
				tc.add_skipped_info('skipped by the suite')
			cases.append(tc)
	for what in ('crashed', 'infrastructure'):
		for msg in row[what]:
			tc = TestCase(f'{what}: {msg}', classname=name)
			tc.add_error_info(msg)
			cases.append(tc)
	suite = TestSuite(name, cases, properties=manifest.properties(cell))
	with open(os.path.join(results, f'{name}.junit.xml'), 'w') as f:
		f.write(to_xml_report_string([suite]))


@dataclass
class Run:
	"""The cells of one or more results directories, checked for completeness."""
	rows: List[dict] = field(default_factory=list)
	manifests: List[dict] = field(default_factory=list)
	problems: List[str] = field(default_factory=list)


def boot_stem(results: str, cell: matrix.Cell, n: int) -> str:
	"""Where boot N of CELL keeps its files: STEM.json (kunit.py's JSON),
	STEM.log (the kernel log) and STEM.kunit.log (kunit.py's output)."""
	return os.path.join(results, f'{cell.name}.{n}')


def last_boot_log(results: str, row: dict) -> str:
	"""The kernel log of the last boot of a summary row's cell."""
	return boot_stem(results, matrix.Cell(**row['cell']), len(row['boots'])) + '.log'


def _read_json(path: str, run: Run) -> Any:
	"""PATH's JSON, or None and a problem if it cannot be read."""
	try:
		with open(path) as f:
			return json.load(f)
	except (OSError, ValueError) as e:
		run.problems.append(f'{path}: unreadable ({e})')
		return None


def _known_cell(row: Any) -> Optional[matrix.Cell]:
	"""The cell of a summary row, if it is one of this checkout's matrix."""
	try:
		cell = matrix.Cell(**row['cell'])
		cell.sort_key()
	except (KeyError, TypeError, ValueError):
		return None
	return cell


def load(dirs: List[str], expected: Optional[List[str]] = None) -> Run:
	"""Every cell of DIRS; a problem for each expected cell that is missing
	or present more than once, and for each cell nobody expected.

	Without EXPECTED, each directory's manifest says what it expects."""
	run = Run()
	seen: Dict[str, List[str]] = {}
	want: List[str] = list(expected or [])
	for d in dirs:
		path = os.path.join(d, 'manifest.json')
		if not os.path.exists(path):
			run.problems.append(f'{d}: no manifest.json: not a results directory, or nothing ran')
			continue
		manifest = _read_json(path, run)
		if not isinstance(manifest, dict) or not isinstance(manifest.get('cells'), list):
			if manifest is not None:
				run.problems.append(f'{path}: not a manifest of this pipeline')
			continue
		run.manifests.append(manifest)
		if expected is None:
			want += manifest['cells']
		for p in sorted(glob.glob(os.path.join(d, '*.summary.json'))):
			row = _read_json(p, run)
			cell = _known_cell(row)
			if cell is None:
				if row is not None:
					run.problems.append(f'{p}: a cell this checkout does not know '
							    '(another version of the pipeline?)')
				continue
			seen.setdefault(cell.name, []).append(d)
			run.rows.append(row)
	for name in sorted(set(want)):
		got = seen.get(name, [])
		if not got:
			run.problems.append(f'{name}: missing (the run was interrupted, or this cell never ran)')
		elif len(got) > 1 or want.count(name) > 1:
			run.problems.append(f'{name}: present {max(len(got), want.count(name))} times '
					    f'({" ".join(got)})')
	for name in sorted(set(seen) - set(want)):
		run.problems.append(f'{name}: not expected by this run ({" ".join(seen[name])})')
	run.rows.sort(key=lambda r: matrix.Cell(**r['cell']).sort_key())
	return run
