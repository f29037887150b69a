#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Checks of buildcheck.py's comparison of build logs (no kernel is built)."""

import os
import tempfile
import unittest
from typing import List, Optional

import buildcheck

SERIES = '/t/series'
PRISTINE = '/t/pristine'


class DiagnosticsTest(unittest.TestCase):

	def test_moved_lines_and_directories_are_the_same_warning(self) -> None:
		series = buildcheck.diagnostics(
			f'{SERIES}/mm/vmalloc.c:120:5: warning: unused variable \u2018x\u2019\n'
			'  CC      mm/vmalloc.o\n', [SERIES])
		pristine = buildcheck.diagnostics(
			f'{PRISTINE}/mm/vmalloc.c:101:5: warning: unused variable \u2018x\u2019\n',
			[PRISTINE])
		self.assertEqual(series, pristine)

	def test_a_warning_more_often_than_in_the_pristine_base_is_new(self) -> None:
		line = 'mm/vmalloc.c:3:1: warning: no previous prototype for \u2018f\u2019\n'
		row = buildcheck.Check('7.3', 'hw_tags', 'W=1')
		buildcheck.compare(row, buildcheck.diagnostics(line * 2, []),
				   buildcheck.diagnostics(line, []))
		self.assertEqual(row.new, ['mm/vmalloc.c: warning: no previous prototype for \u2018f\u2019'])
		self.assertEqual((row.series, row.pristine), (2, 1))

	def test_sparse_and_errors_count_notes_do_not(self) -> None:
		found = buildcheck.diagnostics(
			'mm/kasan/report.c:455:51: error: implicit declaration of function\n'
			'mm/kasan/common.c:9:9: warning: incorrect type in argument 1 (different address spaces)\n'
			'include/linux/uaccess.h:579:54: note: expected \u2018const void *\u2019\n', [])
		self.assertEqual(sum(found.values()), 2)


class CheckerFlagsTest(unittest.TestCase):
	"""checker_flags() against stand-ins for a tree's scripts/checker-valid.sh,
	which print 1 when kbuild may run the sparse they are given."""

	def flags(self, script: str) -> Optional[List[str]]:
		with tempfile.TemporaryDirectory() as src:
			if script:
				os.makedirs(os.path.join(src, 'scripts'))
				with open(os.path.join(src, 'scripts/checker-valid.sh'), 'w') as f:
					f.write(script)
			return buildcheck.checker_flags(src)

	def test_a_tree_without_the_check_takes_sparse_as_it_is(self) -> None:
		self.assertEqual(self.flags(''), [])

	def test_an_accepted_sparse_gets_no_flag(self) -> None:
		self.assertEqual(self.flags('echo 1\n'), [])

	def test_a_sparse_without_typeof_unqual_gets_it_as_typeof(self) -> None:
		script = 'case "$*" in *-D__typeof_unqual__=__typeof__*) echo 1;; *) echo 0;; esac\n'
		self.assertEqual(self.flags(script), [buildcheck.TYPEOF_UNQUAL_AS_TYPEOF])

	def test_a_sparse_refused_even_then_is_not_run(self) -> None:
		self.assertIsNone(self.flags('echo 0\n'))


if __name__ == '__main__':
	unittest.main()
