#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Tests of kcidb.py: a small results directory (every kind of outcome a
cell can have) becomes a KCIDB submission that validates against
pipeline/kcidb-schema-v5.json with Debian's python3-jsonschema, and that
holds every cell and every case of the run, with its status and marks; the
schema itself refuses what KCIDB refuses.

  kcidb_test.py                 run the tests
  kcidb_test.py --fixture DIR   write the results directory to DIR (the
                                selftest runs make kcidb on it)
"""

import copy
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import unittest
from typing import Any, Dict, List

import kcidb
import matrix

HERE = os.path.dirname(os.path.abspath(__file__))
HEAD = '1' * 40
BASE = '2' * 40
PARAM = 'kasan_vmalloc_skip.vmalloc_matrix.gfp=ATOMIC|SKIP_KASAN prot=EXEC size=100 via=__vmalloc'
HUNG = 'boot 1: hung: printed nothing for 120 s (HANG), so the boot was ended'

# The fixture's matrix: make kcidb RESULTS=... BASES=6.12 MODES=generic
# VARIANTS="default init_on_alloc".
BASES, MODES, VARIANTS = '6.12', 'generic', 'default init_on_alloc'


def row(cell: str, **lists: Any) -> Dict[str, Any]:
	r: Dict[str, Any] = {'cell': dataclasses.asdict(matrix.Cell.from_name(cell)), 'boots': ['ok'],
			     'seconds': [5.0]}
	for k in ('passed', 'failed', 'skipped', 'flaky', 'known', 'crashed', 'infrastructure'):
		r[k] = []
	r.update(lists)
	return r


ROWS: List[Dict[str, Any]] = [
	# Upstream suite, booted twice: a pass, a flaky case, a known failure, a skip.
	row('6.12-generic-default-kasan', boots=['ok', 'ok'], seconds=[5.0, 4.0],
	    passed=['kasan.kmalloc_oob_right'], flaky=['kasan.kmalloc_oob_left'],
	    known=['kasan.kasan_strings'], skipped=['kasan.kasan_bitops_tags']),
	# Ours: a parameterized case, and a hang that left a case unfinished.
	row('6.12-generic-default-kasan_vmalloc_skip', boots=['crashed'],
	    passed=[PARAM], failed=['kasan_vmalloc_skip.vmap_stack'],
	    crashed=[HUNG, 'boot 1: kasan_vmalloc_skip.vmap_stack: did not finish'],
	    hangs=[{'boot': 1, 'seconds': 120,
		    'last_lines': ['BUG: KASAN: slab-use-after-free', 'Unable to handle kernel']}]),
	# An infrastructure failure: no case ran.
	row('6.12-generic-init_on_alloc-kasan_vmalloc_skip', boots=['infrastructure'],
	    infrastructure=['boot 1: kunit.py exec exited 1 and QEMU printed nothing']),
]
# What each boot's kunit.py JSON said (CELL.N.json).
BOOT_JSON = {
	('6.12-generic-default-kasan', 1): {
		'kmalloc_oob_right': 'PASS', 'kmalloc_oob_left': 'FAIL', 'kasan_strings': 'FAIL',
		'kasan_bitops_tags': 'SKIP'},
	('6.12-generic-default-kasan', 2): {
		'kmalloc_oob_right': 'PASS', 'kmalloc_oob_left': 'PASS', 'kasan_strings': 'FAIL',
		'kasan_bitops_tags': 'SKIP'},
}
KNOWN = '6.12 generic default kasan.kasan_strings -- arm64 strscpy() reads a word at a time\n'


def write_fixture(d: str, started: str = '2026-12-07T01:42:37+00:00',
		  rows: List[Dict[str, Any]] = ROWS) -> None:
	os.makedirs(d, exist_ok=True)
	manifest = {
		'bases': {'6.12': {'version': '6.12.118',
				   'source': 'linux-source-6.12 6.12.118-1~deb12u1'}},
		'cells': [matrix.Cell(**r['cell']).name for r in rows],
		'toolchain': 'aarch64-linux-gnu-gcc (Debian 12.2.0-14) 12.2.0',
		'qemu': 'QEMU emulator version 10.0.2 (Debian 1:10.0.2+ds-2+deb13u1~bpo12+1)',
		'started': started,
		'commits': {'6.12': {'head': HEAD, 'base': BASE, 'edited': False,
				     'series': [{'commit': HEAD, 'subject': 'vmalloc: add __GFP_SKIP_KASAN'}]}},
	}
	with open(os.path.join(d, 'manifest.json'), 'w') as f:
		json.dump(manifest, f)
	for r in rows:
		name = matrix.Cell(**r['cell']).name
		with open(os.path.join(d, f'{name}.summary.json'), 'w') as f:
			json.dump(r, f)
	for (cell, n), cases in BOOT_JSON.items():
		if not any(matrix.Cell(**r['cell']).name == cell for r in rows):
			continue
		top = {'name': 'KUnit Test Group', 'sub_groups': [
			{'name': 'kasan', 'test_cases': [{'name': c, 'status': s} for c, s in cases.items()]}]}
		with open(os.path.join(d, f'{cell}.{n}.json'), 'w') as f:
			json.dump(top, f)
	with open(os.path.join(d, 'vmalloc_skip_known.txt'), 'w') as f:
		f.write(KNOWN)
	open(os.path.join(d, '6.12-generic.build.log'), 'w').close()


def cases_of(r: Dict[str, Any]) -> List[str]:
	return [c for k in ('passed', 'failed', 'skipped', 'flaky', 'known') for c in r[k]]


class SubmissionTest(unittest.TestCase):

	def setUp(self) -> None:
		self.tmp = tempfile.TemporaryDirectory()
		self.results = os.path.join(self.tmp.name, 'results')
		write_fixture(self.results)
		known = {' '.join(w): c for w, c in kcidb_known(self.results).items()}
		self.data = kcidb.submission([self.results], 'vmalloc_skip', None, {}, known)
		self.tests = {t['id']: t for t in self.data['tests']}

	def tearDown(self) -> None:
		self.tmp.cleanup()

	def test_it_validates(self) -> None:
		self.assertIsNone(kcidb.validate(self.data))
		self.assertEqual(self.data['version'], {'major': 5, 'minor': 3})

	def test_every_cell_and_case_is_a_test(self) -> None:
		want = set()
		for r in ROWS:
			cell = matrix.Cell(**r['cell']).name
			want.add(f'vmalloc_skip:20261207T014237Z:{cell}')
			want |= {f'vmalloc_skip:20261207T014237Z:{cell}:{c}' for c in cases_of(r)}
		self.assertEqual(set(self.tests), want)
		self.assertEqual(len(self.data['tests']), len(want))

	def test_checkout_has_the_base_version_and_the_series(self) -> None:
		(c,) = self.data['checkouts']
		self.assertEqual(c['id'], 'vmalloc_skip:20261207T014237Z:6.12')
		self.assertEqual(c['git_commit_hash'], HEAD)
		self.assertEqual(c['patchset_hash'], '')
		self.assertEqual(c['misc']['base_version'], '6.12.118')
		self.assertEqual(c['misc']['base_source'], 'linux-source-6.12 6.12.118-1~deb12u1')
		self.assertEqual(c['misc']['base_commit'], BASE)
		self.assertEqual(c['misc']['series'][0]['subject'], 'vmalloc: add __GFP_SKIP_KASAN')
		self.assertEqual(c['start_time'], '2026-12-07T01:42:37+00:00')

	def test_build_has_arch_compiler_and_config(self) -> None:
		(b,) = self.data['builds']
		self.assertEqual(b['id'], 'vmalloc_skip:20261207T014237Z:6.12-generic')
		self.assertEqual(b['checkout_id'], 'vmalloc_skip:20261207T014237Z:6.12')
		self.assertEqual(b['architecture'], 'arm64')
		self.assertEqual(b['compiler'], 'aarch64-linux-gnu-gcc (Debian 12.2.0-14) 12.2.0')
		self.assertEqual(b['status'], 'PASS')
		self.assertIn('tools/testing/kunit/configs/kasan_generic.config',
			      b['misc']['config_fragments'])
		self.assertIn('kasan_generic.config', b['config_name'])

	def test_case_statuses_and_marks(self) -> None:
		t = lambda cell, case: self.tests[f'vmalloc_skip:20261207T014237Z:{cell}:{case}']
		up, ours = '6.12-generic-default-kasan', '6.12-generic-default-kasan_vmalloc_skip'
		self.assertEqual(t(up, 'kasan.kmalloc_oob_right')['status'], 'PASS')
		flaky = t(up, 'kasan.kmalloc_oob_left')
		self.assertEqual((flaky['status'], flaky['misc']['flaky']), ('PASS', True))
		self.assertEqual(flaky['misc']['boot_statuses'], ['FAIL', 'PASS'])
		known = t(up, 'kasan.kasan_strings')
		self.assertEqual((known['status'], known['misc']['known']), ('FAIL', True))
		self.assertEqual(known['misc']['known_cause'], 'arm64 strscpy() reads a word at a time')
		self.assertEqual(t(up, 'kasan.kasan_bitops_tags')['status'], 'SKIP')
		self.assertEqual(t(ours, 'kasan_vmalloc_skip.vmap_stack')['status'], 'FAIL')
		param = t(ours, PARAM)
		self.assertEqual(param['path'], 'kunit.kasan_vmalloc_skip.vmalloc_matrix.'
				 'gfp_ATOMIC_SKIP_KASAN_prot_EXEC_size_100_via___vmalloc')
		self.assertEqual(param['misc']['kunit_name'], PARAM)
		self.assertIn('QEMU 10.0.2', param['environment']['comment'])

	def test_cells_sum_up_crashes_hangs_and_infrastructure(self) -> None:
		c = lambda cell: self.tests[f'vmalloc_skip:20261207T014237Z:{cell}']
		up = c('6.12-generic-default-kasan')
		self.assertEqual((up['path'], up['status'], up['duration']), ('kunit.kasan', 'FAIL', 9.0))
		self.assertIn('QEMU emulator version 10.0.2', up['environment']['comment'])
		self.assertEqual(up['environment']['misc']['cpus'], 2)
		hung = c('6.12-generic-default-kasan_vmalloc_skip')
		self.assertEqual(hung['status'], 'ERROR')
		self.assertIn(HUNG, hung['log_excerpt'])
		self.assertIn('Unable to handle kernel', hung['log_excerpt'])
		infra = c('6.12-generic-init_on_alloc-kasan_vmalloc_skip')
		self.assertEqual(infra['status'], 'MISS')
		self.assertEqual(infra['environment']['misc']['kernel_args'], 'init_on_alloc=1')

	def test_merged_directories_get_their_own_ids(self) -> None:
		other = os.path.join(self.tmp.name, 'other')
		write_fixture(self.results, rows=ROWS[:1])
		for p in os.listdir(self.results):
			if 'kasan_vmalloc_skip' in p:
				os.remove(os.path.join(self.results, p))
		write_fixture(other, rows=ROWS[1:])
		expected = [c.name for c in matrix.parse(BASES, MODES, VARIANTS)]
		data = kcidb.submission([self.results, other], 'vmalloc_skip', expected, {}, {})
		self.assertIsNone(kcidb.validate(data))
		ids = [c['id'] for c in data['checkouts']]
		self.assertEqual(ids, ['vmalloc_skip:20261207T014237Z:6.12',
				       'vmalloc_skip:20261207T014237Z-2:6.12'])
		self.assertEqual(len(data['tests']), len(self.data['tests']))

	def test_incomplete_run_is_refused(self) -> None:
		os.remove(os.path.join(self.results, '6.12-generic-default-kasan.summary.json'))
		with self.assertRaisesRegex(kcidb.KcidbError,
					    'cannot be submitted: 6.12-generic-default-kasan: missing'):
			kcidb.submission([self.results], 'vmalloc_skip', None, {}, {})

	def test_a_case_without_a_name_gets_a_path(self) -> None:
		self.assertEqual(kcidb.test_path('kasan.'), 'kunit.kasan._')

	def test_bad_origin_is_refused(self) -> None:
		with self.assertRaisesRegex(kcidb.KcidbError, "KCIDB_ORIGIN is 'Vmalloc-Skip'"):
			kcidb.submission([self.results], 'Vmalloc-Skip', None, {}, {})


def kcidb_known(results: str) -> Dict[tuple, str]:
	from listfile import read_list
	return {tuple(w): c for w, c in read_list(os.path.join(results, 'vmalloc_skip_known.txt'), 4)}


class TreeCommitsTest(unittest.TestCase):
	"""results.tree_commits(), which the run's manifest records."""

	def test_a_tree_and_its_series(self) -> None:
		from results import tree_commits
		with tempfile.TemporaryDirectory() as d:
			tree = os.path.join(d, 'tree')
			git = lambda *a: subprocess.run(['git', '-C', tree, '-c', 'user.name=t',
							 '-c', 'user.email=t@t', *a], check=True,
							capture_output=True, text=True).stdout.strip()
			os.makedirs(tree)
			self.assertEqual(tree_commits(tree), {}, 'no git checkout of its own')
			git('init', '-q')
			with open(os.path.join(tree, 'f'), 'w') as f:
				f.write('base\n')
			git('add', 'f')
			git('commit', '-qm', 'Linux 6.12.118')
			with open(os.path.join(tree, 'f'), 'a') as f:
				f.write('series\n')
			git('commit', '-qam', 'mm: the series')
			c = tree_commits(tree)
			self.assertEqual(c['head'], git('rev-parse', 'HEAD'))
			self.assertEqual(c['base'], git('rev-parse', 'HEAD~1'))
			self.assertEqual(c['series'], [{'commit': c['head'], 'subject': 'mm: the series'}])
			self.assertFalse(c['edited'])
			with open(os.path.join(tree, 'f'), 'a') as f:
				f.write('hand edit\n')
			self.assertTrue(tree_commits(tree)['edited'])
			self.assertEqual(tree_commits(os.path.join(d)), {})


class SchemaTest(unittest.TestCase):
	"""The schema holds KCIDB's constraints: what kcidb-io refuses, it refuses."""

	@classmethod
	def setUpClass(cls) -> None:
		with tempfile.TemporaryDirectory() as d:
			write_fixture(d)
			cls.good = kcidb.submission([d], 'vmalloc_skip', None, {}, {})

	def refused(self, change: Any) -> str:
		data = copy.deepcopy(self.good)
		change(data)
		problem = kcidb.validate(data)
		self.assertIsNotNone(problem)
		return str(problem)

	def test_constraints(self) -> None:
		def put(where: str, key: str, value: Any) -> Any:
			return lambda d: d[where][0].__setitem__(key, value)
		self.assertIn('BOGUS', self.refused(put('tests', 'status', 'BOGUS')))
		self.assertIn('does not match', self.refused(put('tests', 'id', 'no-origin')))
		self.assertIn('does not match', self.refused(put('tests', 'path', 'kunit.a b')))
		self.assertIn('does not match', self.refused(put('builds', 'architecture', 'ARM64')))
		self.assertIn('does not match', self.refused(put('checkouts', 'git_commit_hash', 'abc')))
		self.assertIn('does not match', self.refused(put('checkouts', 'origin', 'Bad')))
		self.assertIn("'build_id' is a required property",
			      self.refused(lambda d: d['tests'][0].pop('build_id')))
		self.assertIn('Additional properties',
			      self.refused(put('tests', 'waived', True)))
		self.assertIn('5 was expected', self.refused(lambda d: d.__setitem__(
			'version', {'major': 4, 'minor': 5})))
		self.assertIn('maximum', self.refused(lambda d: d.__setitem__(
			'version', {'major': 5, 'minor': 4})))
		self.assertIn('is too long', self.refused(put('tests', 'log_excerpt', 'x' * 16385)))


class CommandTest(unittest.TestCase):
	"""kcidb.py from the command line: a valid file, or one line and exit 1."""

	def run_kcidb(self, *args: str) -> subprocess.CompletedProcess:
		return subprocess.run([sys.executable, os.path.join(HERE, 'kcidb.py'), *args],
				      capture_output=True, text=True)

	def test_writes_a_valid_file(self) -> None:
		with tempfile.TemporaryDirectory() as d:
			write_fixture(os.path.join(d, 'r'))
			out = os.path.join(d, 'kcidb.json')
			p = self.run_kcidb('--out', out, os.path.join(d, 'r'))
			self.assertEqual(p.returncode, 0, p.stderr)
			self.assertRegex(p.stdout, r'1 checkouts, 1 builds, 9 tests \(3 cells')
			with open(out) as f:
				self.assertIsNone(kcidb.validate(json.load(f)))

	def test_errors_are_one_line(self) -> None:
		with tempfile.TemporaryDirectory() as d:
			p = self.run_kcidb('--out', os.path.join(d, 'k.json'), d)
			self.assertEqual(p.returncode, 1)
			self.assertEqual(len(p.stderr.splitlines()), 1, p.stderr)
			self.assertIn('no manifest.json', p.stderr)
			self.assertFalse(os.path.exists(os.path.join(d, 'k.json')))

	def test_an_invalid_submission_is_not_written(self) -> None:
		with tempfile.TemporaryDirectory() as d:
			write_fixture(os.path.join(d, 'r'))
			schema = os.path.join(d, 'schema.json')
			with open(kcidb.SCHEMA) as f:
				s = json.load(f)
			s['$defs']['status']['enum'] = ['DONE']	# a schema nothing passes
			with open(schema, 'w') as f:
				json.dump(s, f)
			data = kcidb.submission([os.path.join(d, 'r')], 'vmalloc_skip', None, {}, {})
			self.assertRegex(kcidb.validate(data, schema) or '', r"is not one of \['DONE'\]")


if __name__ == '__main__':
	if sys.argv[1:2] == ['--fixture']:
		write_fixture(sys.argv[2])
		sys.exit(0)
	unittest.main()
