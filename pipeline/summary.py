#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Render one or more results directories as one table and a closing line.

Prints a table (a row per cell: base, toolchain, architecture, KASAN mode,
boot variant, suite; and a total row), the names of every failed, crashed,
flaky and known-failing case (and the last kernel lines of a boot that
hung), every cell that is missing or present twice,
writes the table to
summary.md in the first directory, prints the flaky and known counts, and
ends with the closing line

  N passed, N failed, N skipped, N known

or, with --ci, with the line CI reads:

  N passed, N failed, N skipped

Flaky cases (failed, then passed on a later boot; upstream suite only) count
as passed; known failures (listed with their cause in
pipeline/known-failures.txt) count neither as passed nor as failed. A crash,
an infrastructure failure (QEMU or kunit.py) and every expected cell that is
missing or present twice count as one failure each. Exit status: 0 only if
nothing failed.

The cells expected are those of each directory's manifest, or, with
--bases/--modes/--variants (make merge), those of the matrix they name:
several directories, one per machine, then make up one run.
"""

import argparse
import os
import sys
from typing import Dict, List

import matrix
from results import COUNTS, load

HEAD = ('base', 'toolchain', 'arch', 'mode', 'variant', 'suite', 'boots') + COUNTS


def table(rows: List[dict], total: Dict[str, int]) -> List[str]:
	lines = ['| ' + ' | '.join(HEAD) + ' |', '|' + '---|' * len(HEAD)]
	for r in rows:
		c = r['cell']
		version = r.get('properties', {}).get('base_version') or c['base']
		build = matrix.build_of(c['base'])
		cells = [version, build.toolchain, build.arch, c['mode'], c['variant'], c['suite'],
			 str(len(r['boots']))]
		cells += [str(len(r[k])) for k in COUNTS]
		lines.append('| ' + ' | '.join(cells) + ' |')
	cells = ['**total**'] + [''] * (len(HEAD) - len(COUNTS) - 1)
	cells += [f'**{total[k]}**' for k in COUNTS]
	lines.append('| ' + ' | '.join(cells) + ' |')
	return lines


def closing_line(passed: int, failed: int, skipped: int, known: int, ci: bool) -> str:
	"""The last line: CI's format, or with the known count appended."""
	line = f'{passed} passed, {failed} failed, {skipped} skipped'
	return line if ci else f'{line}, {known} known'


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument('results', nargs='+', help='results directories')
	parser.add_argument('--ci', action='store_true',
			    help='end with "N passed, N failed, N skipped" only')
	matrix.add_expected_arguments(parser)
	args = parser.parse_args()

	try:
		expected = matrix.expected_cells(args)
	except matrix.MatrixError as e:
		print(f'summary: {e}', file=sys.stderr)
		return 2
	run = load(args.results, expected)
	total = {k: sum(len(r[k]) for r in run.rows) for k in COUNTS}
	lines = table(run.rows, total)
	if os.path.isdir(args.results[0]):
		with open(os.path.join(args.results[0], 'summary.md'), 'w') as f:
			f.write('\n'.join(lines) + '\n')
	print()
	print('\n'.join(lines))
	print()
	for m in run.manifests:
		bases = ', '.join(f"{b} {v['version']} ({v['source']})" for b, v in m['bases'].items())
		print(f"  bases: {bases}; {m['toolchain']}; {m['qemu']}")
	for r in run.rows:
		name = matrix.Cell(**r['cell']).name
		for column in ('failed', 'crashed', 'infrastructure', 'flaky'):
			for case in r[column]:
				print(f'  {column}: {name}: {case}')
		for h in r.get('hangs', []):
			print(f"  hung: {name}: boot {h['boot']} printed nothing for {h['seconds']} s; "
			      f"the last kernel lines of {name}.{h['boot']}.log:")
			for line in h['last_lines'] or ['(none: the kernel printed nothing)']:
				print(f'    | {line}')
		if r['known']:
			print(f"  known: {name}: {len(r['known'])} cases listed in "
			      'pipeline/known-failures.txt, e.g. ' + r['known'][0])
	for p in run.problems:
		print(f'  incomplete: {p}')

	print('\nresults: ' + ' '.join(os.path.abspath(r) for r in args.results) +
	      ' (CELL.N.json: kunit.py JSON of boot N; CELL.N.log: its kernel log)')
	failed = (total['failed'] + total['crashed'] + total['infrastructure'] +
		  len(run.problems))
	print(f"{total['flaky']} flaky (counted as passed), "
	      f"{total['known']} known failures (not counted), "
	      f"{len(run.problems)} cells missing or duplicated (counted as failed)")
	print(closing_line(total['passed'] + total['flaky'], failed, total['skipped'],
			   total['known'], args.ci))
	return 1 if failed else 0


if __name__ == '__main__':
	sys.exit(main())
