#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Tests of the semantics page: log parsing, rows, marks, fallback, legend."""

import json
import os
import re
import subprocess
import sys
import tempfile
import unittest
from dataclasses import asdict
from typing import Dict, List, Optional

import matrix
import results
import semantics

HERE = os.path.dirname(os.path.abspath(__file__))
BASE = '7.3'
HW = matrix.Cell(BASE, 'hw_tags', 'default', matrix.OUR_SUITE)
GENERIC = matrix.Cell(BASE, 'generic', 'default', matrix.OUR_SUITE)

HW_VALUES = ('ptr_tag=random page_tags=ptr mem_tags=ptr+redzone zeroed=no control=not-needed '
	     'metadata=tagged report=yes free=poisoned mapping=n/a')
GENERIC_VALUES = ('ptr_tag=n/a page_tags=n/a mem_tags=unchecked zeroed=no control=not-needed '
		  'metadata=accessible report=yes free=poisoned mapping=n/a')


def log_text(params: List[str], values: str, failed: Optional[str] = None,
	     silent: Optional[str] = None) -> str:
	"""A kernel log of vmalloc_matrix over PARAMS: FAILED ends "not ok",
	SILENT ends "not ok" without an observed line."""
	out = ['KTAP version 1', '1..1', '    # Subtest: kasan_vmalloc_skip',
	       '        # Subtest: vmalloc_matrix']
	for n, desc in enumerate(params, 1):
		if desc != silent:
			out.append(f'    # vmalloc_matrix: observed: {values}')
		bad = desc in (failed, silent)
		out.append(f'        {"not ok" if bad else "ok"} {n} {desc}')
	out += ['    ok 1 vmalloc_matrix', '        # Subtest: vrealloc_matrix',
		'    # vrealloc_matrix: observed: ptr_tag=random contents=kept',
		'        ok 1 gfp=KERNEL op=shrink', '    ok 2 vrealloc_matrix', 'ok 1 kasan_vmalloc_skip']
	return '\n'.join(out) + '\n'


PARAMS = ['gfp=KERNEL prot=KERNEL size=100 via=__vmalloc',
	  'gfp=KERNEL prot=KERNEL size=100 via=__vmalloc_node',
	  'gfp=KERNEL prot=KERNEL size=4096 via=__vmalloc',
	  'gfp=KERNEL|SKIP_KASAN prot=KERNEL size=100 via=__vmalloc']


def write_run(d: str, logs: Dict[matrix.Cell, str], expect: Optional[List[matrix.Cell]] = None,
	      failed: Optional[Dict[matrix.Cell, List[str]]] = None) -> None:
	"""A results directory whose cells of our suite have these logs."""
	cells = expect or list(logs)
	m = results.Manifest(bases={BASE: {'version': '7.3.4', 'source': 'test'}},
			     cells=[c.name for c in cells], toolchain='gcc', qemu='qemu')
	with open(os.path.join(d, 'manifest.json'), 'w') as f:
		json.dump(asdict(m), f)
	for cell, text in logs.items():
		with open(os.path.join(d, f'{cell.name}.1.log'), 'w') as f:
			f.write(text)
		row = {k: [] for k in results.COUNTS}
		row.update(cell=asdict(cell), boots=['ok'], seconds=[1.0])
		row['failed'] = [f'{cell.suite}.vmalloc_matrix.{p}' for p in (failed or {}).get(cell, [])]
		results.write_cell(d, m, row)


def run(d: str) -> subprocess.CompletedProcess:
	return subprocess.run([sys.executable, os.path.join(HERE, 'semantics.py'), d],
			      capture_output=True, text=True)


def page(d: str) -> str:
	with open(os.path.join(d, 'semantics.html')) as f:
		return f.read()


class ParseTest(unittest.TestCase):

	def parse(self, text: str) -> List[semantics.Param]:
		with tempfile.NamedTemporaryFile('w', suffix='.log') as f:
			f.write(text)
			f.flush()
			return semantics.parse_log(f.name)

	def test_statuses_and_values(self) -> None:
		params = self.parse(log_text(PARAMS, HW_VALUES, failed=PARAMS[1], silent=PARAMS[2]))
		self.assertEqual([p.desc for p in params], PARAMS)
		self.assertEqual([p.status for p in params], ['ok', 'FAIL', 'FAIL', 'ok'])
		self.assertEqual(params[0].observed['mem_tags'], 'ptr+redzone')
		self.assertEqual(params[1].observed['report'], 'yes')
		self.assertEqual(params[2].observed, {})

	def test_other_cases_are_left_out(self) -> None:
		params = self.parse(log_text(PARAMS[:1], HW_VALUES))
		self.assertEqual([p.unit for p in params],
				 [('KERNEL', 'KERNEL', '100', '__vmalloc')])

	def test_skip_is_no_pass(self) -> None:
		text = log_text(PARAMS[:1], HW_VALUES).replace(
			f'ok 1 {PARAMS[0]}', f'ok 1 {PARAMS[0]} # SKIP no huge pages')
		self.assertEqual([p.status for p in self.parse(text)], ['skip'])


class RowsTest(unittest.TestCase):

	def group(self, mode: str, units: Dict[str, str]) -> semantics.Group:
		g = semantics.Group(mode, 'default', {})
		for desc, values in units.items():
			unit = semantics.unit_of(desc)
			assert unit is not None
			g.params[unit] = semantics.Param(desc, unit, 'ok', semantics.pairs(values))
		return g

	def test_sizes_split_only_where_they_differ(self) -> None:
		g = self.group('hw_tags', {
			'gfp=KERNEL prot=KERNEL size=100 via=__vmalloc': 'report=yes',
			'gfp=KERNEL prot=KERNEL size=2048 via=__vmalloc': 'report=yes',
			'gfp=KERNEL prot=KERNEL size=4096 via=__vmalloc': 'report=n/a',
			'gfp=KERNEL prot=RO size=100 via=__vmalloc_node_range': 'report=no',
			'gfp=KERNEL prot=RO size=4096 via=__vmalloc_node_range': 'report=no'})
		rows = semantics.table_rows([g], semantics.KEYS)
		self.assertEqual([(r.prot, r.label) for r in rows],
				 [('KERNEL', '100, 2048'), ('KERNEL', '4096'), ('RO', '100, 4096')])

	def test_sizes_no_kernel_ran_together_share_a_row(self) -> None:
		hw = self.group('hw_tags', {'gfp=KERNEL prot=KERNEL size=16384 via=__vmalloc': 'free=kept'})
		gen = self.group('generic', {'gfp=KERNEL prot=KERNEL size=32768 via=__vmalloc':
					     'free=poisoned'})
		rows = semantics.table_rows([gen, hw], semantics.KEYS)
		self.assertEqual([r.label for r in rows], ['16384 / 32768'])
		self.assertEqual([s.values['free'] for s in rows[0].slots if s], ['poisoned', 'kept'])

	def test_entry_points_that_disagree_show_both(self) -> None:
		g = self.group('hw_tags', {
			'gfp=KERNEL prot=KERNEL size=100 via=__vmalloc': 'zeroed=no',
			'gfp=KERNEL prot=KERNEL size=100 via=__vmalloc_node': 'zeroed=no',
			'gfp=KERNEL prot=KERNEL size=100 via=__vmalloc_node_range': 'zeroed=yes'})
		s = semantics.table_rows([g], semantics.KEYS)[0].slots[0]
		assert s is not None
		self.assertEqual(s.values['zeroed'], 'no/yes')
		self.assertIn('via=__vmalloc_node_range: yes', s.split['zeroed'])

	def test_gfp_masks_keep_the_declared_order(self) -> None:
		self.assertEqual(semantics.merge_orders([['K', 'K|Z', 'N'], ['K', 'K|Z', 'S', 'N']]),
				 ['K', 'K|Z', 'S', 'N'])


class PageTest(unittest.TestCase):

	def test_failure_is_marked_and_others_show_differences(self) -> None:
		with tempfile.TemporaryDirectory() as d:
			write_run(d, {HW: log_text(PARAMS, HW_VALUES, failed=PARAMS[3]),
				      GENERIC: log_text(PARAMS, GENERIC_VALUES)})
			out = run(d)
			self.assertEqual(out.returncode, 0, out.stderr)
			self.assertEqual(out.stdout.count('\n'), 1)
			self.assertIn('semantics.html', out.stdout)
			html = page(d)
			self.assertRegex(html, r'<td class="[^"]*FAIL"[^>]*title="[^"]*failed: '
					 r'gfp=KERNEL\|SKIP_KASAN')
			self.assertIn('<span class="badge ref">reference</span>', html)
			# generic differs in metadata, agrees on free.
			self.assertIn('<td class="d">accessible</td>', html)
			self.assertNotIn('<td class="d">poisoned</td>', html)
			self.assertTrue(os.path.exists(os.path.join(d, 'semantics.md')))

	def test_summary_failure_marks_the_group(self) -> None:
		with tempfile.TemporaryDirectory() as d:
			write_run(d, {HW: log_text(PARAMS, HW_VALUES)}, failed={HW: [PARAMS[0]]})
			self.assertEqual(run(d).returncode, 0)
			html = page(d)
			self.assertIn('1 failed</span>', html)
			self.assertIn('<col span="9" class="warn">', html)
			self.assertRegex(html, r'class="[^"]*FAIL"')

	def test_without_hw_tags_default_the_first_group_is_the_reference(self) -> None:
		with tempfile.TemporaryDirectory() as d:
			write_run(d, {GENERIC: log_text(PARAMS, GENERIC_VALUES)}, expect=[GENERIC, HW])
			out = run(d)
			self.assertEqual(out.returncode, 0, out.stderr)
			html = page(d)
			self.assertIn('hw_tags default did not run in this base, so the reference is '
				      'generic default', html)
			self.assertIn('missing: hw_tags default', html)

	def test_nothing_observed_fails(self) -> None:
		with tempfile.TemporaryDirectory() as d:
			write_run(d, {HW: 'no KTAP here\n'})
			out = run(d)
			self.assertNotEqual(out.returncode, 0)
			self.assertIn('no observed lines', out.stderr)


class LegendTest(unittest.TestCase):
	"""The legend and the expected semantics follow the suite's source."""

	def source(self) -> str:
		with open(os.path.join(matrix.REPO, semantics.KUNIT_FILE)) as f:
			return f.read()

	def test_legend_has_the_printed_keys_in_order(self) -> None:
		m = re.search(r'"observed: (ptr_tag=%s[^"\\]*)', self.source())
		assert m is not None
		self.assertEqual(tuple(kv.split('=')[0] for kv in m.group(1).split()), semantics.KEYS)

	def test_legend_has_every_value_of_the_file_comment(self) -> None:
		block = self.source().split(' * vmalloc_matrix prints:\n', 1)[1]
		block = block.split(' * vrealloc_matrix prints', 1)[0]
		listed: Dict[str, List[str]] = {}
		key, more = '', False
		for line in block.splitlines():
			text = line.lstrip(' *')
			m = re.match(r'(\w+)\s{2,}(.*)', text)
			if m and m.group(1) in semantics.KEYS:
				key, text = m.groups()
			elif not more:
				continue
			text = text.split('(')[0]
			more = text.rstrip().endswith('|')
			listed.setdefault(key, []).extend(v.strip() for v in text.split('|') if v.strip())
		self.assertEqual(sorted(listed), sorted(semantics.KEYS))
		legend = {k: [v for v, _ in vs] for k, _, vs in semantics.LEGEND}
		for k, values in listed.items():
			for v in values:
				self.assertIn(v, legend[k], f'{k}={v} is not in semantics.LEGEND')

	def test_expected_semantics_come_from_the_tree(self) -> None:
		text = semantics.expected_semantics()
		self.assertIn('mode, kasan state, cell', text)
		self.assertNotIn(semantics.EXPECTED_TO, text)
		self.assertFalse(text.startswith('('), text)


if __name__ == '__main__':
	unittest.main()
