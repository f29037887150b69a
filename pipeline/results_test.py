#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Tests of the results directory: completeness, merge, JUnit, the run matrix."""

import json
import os
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET
from dataclasses import asdict
from typing import List

import matrix
import results

HERE = os.path.dirname(os.path.abspath(__file__))
CELLS = [matrix.Cell('7.3', 'hw_tags', 'default', 'kasan'),
	 matrix.Cell('7.3', 'hw_tags', 'default', 'kasan_vmalloc_skip')]


def manifest(cells: List[matrix.Cell]) -> results.Manifest:
	return results.Manifest(bases={'7.3': {'version': '7.3.4', 'source': 'linux-source-7.3 7.3.4-1'}},
				cells=[c.name for c in cells], toolchain='gcc 12.2.0',
				qemu='QEMU 10.0.2')


def write_run(d: str, expect: List[matrix.Cell], ran: List[matrix.Cell],
	      failed: bool = False) -> None:
	os.makedirs(d, exist_ok=True)
	m = manifest(expect)
	with open(os.path.join(d, 'manifest.json'), 'w') as f:
		json.dump(asdict(m), f)
	for c in ran:
		row = {k: [] for k in results.COUNTS}
		row.update(cell=asdict(c), boots=['ok'], passed=[f'{c.suite}.a'])
		if failed:
			row['failed'] = [f'{c.suite}.b']
		results.write_cell(d, m, row)


def summary(*argv: str) -> subprocess.CompletedProcess:
	return subprocess.run([sys.executable, os.path.join(HERE, 'summary.py')] + list(argv),
			      capture_output=True, text=True)


class CompletenessTest(unittest.TestCase):

	def test_complete_run_passes(self) -> None:
		with tempfile.TemporaryDirectory() as d:
			write_run(d, CELLS, CELLS)
			out = summary(d)
			self.assertEqual(out.returncode, 0, out.stdout)
			self.assertEqual(out.stdout.splitlines()[-1], '2 passed, 0 failed, 0 skipped, 0 known')

	def test_missing_cell_fails(self) -> None:
		with tempfile.TemporaryDirectory() as d:
			write_run(d, CELLS, CELLS[:1])
			out = summary('--ci', d)
			self.assertNotEqual(out.returncode, 0)
			self.assertIn(f'incomplete: {CELLS[1].name}: missing', out.stdout)
			self.assertEqual(out.stdout.splitlines()[-1], '1 passed, 1 failed, 0 skipped')

	def test_no_run_fails(self) -> None:
		with tempfile.TemporaryDirectory() as d:
			out = summary('--ci', d)
			self.assertNotEqual(out.returncode, 0)
			self.assertIn('no manifest.json', out.stdout)
			self.assertEqual(out.stdout.splitlines()[-1], '0 passed, 1 failed, 0 skipped')

	def test_unknown_cell_is_a_problem(self) -> None:
		with tempfile.TemporaryDirectory() as d:
			write_run(d, CELLS, CELLS)
			p = os.path.join(d, f'{CELLS[0].name}.summary.json')
			with open(p) as f:
				row = json.load(f)
			row['cell']['mode'] = 'mte_only'
			with open(p, 'w') as f:
				json.dump(row, f)
			run = results.load([d])
			self.assertIn(f'{p}: a cell this checkout does not know', ' '.join(run.problems))
			self.assertIn(f'{CELLS[0].name}: missing', ' '.join(run.problems))

	def test_truncated_summary_is_a_problem(self) -> None:
		with tempfile.TemporaryDirectory() as d:
			write_run(d, CELLS, CELLS)
			p = os.path.join(d, f'{CELLS[1].name}.summary.json')
			with open(p, 'w') as f:
				f.write('{"cell": {')
			out = summary('--ci', d)
			self.assertNotEqual(out.returncode, 0)
			self.assertIn(f'{p}: unreadable', out.stdout)

	def test_failed_case_fails(self) -> None:
		with tempfile.TemporaryDirectory() as d:
			write_run(d, CELLS, CELLS, failed=True)
			self.assertNotEqual(summary(d).returncode, 0)


class MergeTest(unittest.TestCase):
	"""make merge: one cell per machine, one table."""

	def merge(self, *dirs: str) -> subprocess.CompletedProcess:
		return summary('--ci', '--bases', '7.3', '--modes', 'hw_tags',
			       '--variants', 'default', *dirs)

	def test_every_cell_once_passes(self) -> None:
		with tempfile.TemporaryDirectory() as t:
			write_run(f'{t}/a', CELLS[:1], CELLS[:1])
			write_run(f'{t}/b', CELLS[1:], CELLS[1:])
			out = self.merge(f'{t}/a', f'{t}/b')
			self.assertEqual(out.returncode, 0, out.stdout)
			self.assertEqual(out.stdout.splitlines()[-1], '2 passed, 0 failed, 0 skipped')

	def test_missing_machine_fails(self) -> None:
		with tempfile.TemporaryDirectory() as t:
			write_run(f'{t}/a', CELLS[:1], CELLS[:1])
			out = self.merge(f'{t}/a')
			self.assertNotEqual(out.returncode, 0)
			self.assertIn(f'{CELLS[1].name}: missing', out.stdout)

	def test_cell_twice_fails(self) -> None:
		with tempfile.TemporaryDirectory() as t:
			write_run(f'{t}/a', CELLS, CELLS)
			write_run(f'{t}/b', CELLS[1:], CELLS[1:])
			out = self.merge(f'{t}/a', f'{t}/b')
			self.assertNotEqual(out.returncode, 0)
			self.assertIn(f'{CELLS[1].name}: present 2 times', out.stdout)

	def test_unexpected_cell_fails(self) -> None:
		with tempfile.TemporaryDirectory() as t:
			other = matrix.Cell('7.3', 'generic', 'default', 'kasan')
			write_run(f'{t}/a', CELLS + [other], CELLS + [other])
			out = self.merge(f'{t}/a')
			self.assertNotEqual(out.returncode, 0)
			self.assertIn(f'{other.name}: not expected', out.stdout)


class JunitTest(unittest.TestCase):

	def test_properties_and_failures(self) -> None:
		with tempfile.TemporaryDirectory() as d:
			write_run(d, CELLS, CELLS, failed=True)
			tree = ET.parse(os.path.join(d, f'{CELLS[0].name}.junit.xml'))
			props = {p.get('name'): p.get('value') for p in tree.iter('property')}
			self.assertEqual((props['base_version'], props['mode'], props['variant'],
					  props['toolchain'], props['qemu']),
					 ('7.3.4', 'hw_tags', 'default', 'gcc 12.2.0', 'QEMU 10.0.2'))
			self.assertEqual(len(list(tree.iter('failure'))), 1)
			with open(os.path.join(d, f'{CELLS[0].name}.summary.json')) as f:
				self.assertEqual(json.load(f)['properties']['base_version'], '7.3.4')


class MatrixTest(unittest.TestCase):

	def test_local_tree_carries_its_base(self) -> None:
		tree = f'{matrix.LOCAL_PREFIX}7.3'
		cell = matrix.Cell(tree, 'generic', 'default', 'kasan')
		self.assertEqual(cell.series_base, '7.3')
		self.assertEqual(matrix.base_of('7.3'), '7.3')
		self.assertEqual(matrix.Cell.from_name(cell.name), cell)
		self.assertIsNone(matrix.Cell.from_name('7.3-mte-default-kasan'))

	def test_build_is_named_after_the_tree(self) -> None:
		for name, base, build in (
				('7.3', '7.3', matrix.DEFAULT_BUILD),
				('7.3-llvm', '7.3', matrix.Build('llvm')),
				('6.12-x86_64', '6.12', matrix.Build('gcc', 'x86_64')),
				(f'{matrix.LOCAL_PREFIX}7.3-llvm-x86_64', '7.3',
				 matrix.Build('llvm', 'x86_64'))):
			self.assertEqual(matrix.base_of(name), base)
			self.assertEqual(matrix.build_of(name), build)
			self.assertEqual(f'{matrix.LOCAL_PREFIX}{base}{build.suffix}',
					 f'{matrix.LOCAL_PREFIX}{matrix.known_name(name)}')
		cell = matrix.Cell('7.3-llvm', 'hw_tags', 'async', 'kasan')
		self.assertEqual(matrix.Cell.from_name(cell.name), cell)

	def test_x86_64_has_generic_kasan_only(self) -> None:
		cells = matrix.cells(['7.3-x86_64'], matrix.MODES, matrix.DEFAULT_VARIANTS)
		self.assertEqual({c.mode for c in cells}, {'generic'})
		self.assertIn('not built for x86_64', self.check(bases='7.3-x86_64'))

	def check(self, **kw: str) -> str:
		args = dict(bases='7.3', modes='hw_tags', variants='default', attempts='3')
		args.update(kw)
		with self.assertRaises(matrix.MatrixError) as e:
			matrix.parse(args['bases'], args['modes'], args['variants'],
				     args['attempts'])
		return str(e.exception)

	def test_empty_settings_are_refused(self) -> None:
		for var in ('bases', 'modes', 'variants'):
			self.assertTrue(self.check(**{var: ''}).startswith(f'{var.upper()} is empty'))

	def test_zero_attempts_are_refused(self) -> None:
		self.assertIn('ATTEMPTS', self.check(attempts='0'))

	def test_duplicated_base_is_refused(self) -> None:
		self.assertIn("BASES names '7.3' twice", self.check(bases='7.3 7.3'))

	def test_variants_of_no_mode_are_refused(self) -> None:
		self.assertIn('names no boot variant of mode generic',
			      self.check(modes='generic', variants='async'))

	def test_every_cell_is_named_once(self) -> None:
		cells = matrix.cells(['6.12', '7.3'], matrix.MODES, matrix.DEFAULT_VARIANTS)
		self.assertEqual(len({c.name for c in cells}), len(cells))
		# Our suite runs in every boot but those only the upstream one needs.
		self.assertTrue(all(matrix.OUR_SUITE in [c.suite for c in cells
							 if (c.base, c.mode, c.variant) == (b, m, v)]
				    for b, m, v in {(c.base, c.mode, c.variant) for c in cells}
				    if matrix.VARIANT_BY_NAME[v].ours))


if __name__ == '__main__':
	unittest.main()
