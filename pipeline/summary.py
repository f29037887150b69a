#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Render the rows written by run_kunit.py as one table and a closing line.

Prints a table (one row per base, KASAN mode and boot variant, and a total
row), the names of every failed, crashed, flaky and known-failing case, writes
the same table to RESULTS/summary.md, prints the flaky and known counts, and
ends with the closing line

  N passed, N failed, N skipped, N known

or, with --ci, with the line CI reads:

  N passed, N failed, N skipped

Flaky cases (failed, then passed on a later boot) count as passed; known
failures (listed with their cause in pipeline/known-failures.txt) count
neither as passed nor as failed. A crash (kernel died, hung, or a suite did
not run) counts as a failure. Exit status: 0 only if nothing failed or
crashed.
"""

import argparse
import glob
import json
import os
import sys
from typing import Dict, List

COLUMNS = ('passed', 'failed', 'skipped', 'flaky', 'known', 'crashed')


def run_label(results: str) -> str:
	"""What a results directory holds: its LABEL file, else "kunit"."""
	try:
		with open(os.path.join(results, 'LABEL')) as f:
			return f.read().strip()
	except FileNotFoundError:
		return 'kunit'


def load_rows(results: str) -> List[dict]:
	rows = []
	for path in sorted(glob.glob(os.path.join(results, '*.summary.json'))):
		with open(path) as f:
			rows.append(dict(json.load(f), run=run_label(results)))
	order = {'generic': 0, 'sw_tags': 1, 'hw_tags': 2}
	rows.sort(key=lambda r: (r['base'], order.get(r['mode'], 9),
				 r['variant'] != 'default', r['variant']))
	return rows


def table(rows: List[dict], total: Dict[str, int], runs: bool) -> List[str]:
	head = ['run'] * runs + ['base', 'mode', 'variant', 'boots'] + list(COLUMNS)
	lines = ['| ' + ' | '.join(head) + ' |',
		 '|' + '---|' * len(head)]
	for r in rows:
		cells = [r['run']] * runs + [r['base'], r['mode'], r['variant'], str(r['boots'])]
		cells += [str(len(r[c])) for c in COLUMNS]
		lines.append('| ' + ' | '.join(cells) + ' |')
	cells = ['**total**'] + [''] * (len(head) - len(COLUMNS) - 1)
	cells += [f'**{total[c]}**' for c in COLUMNS]
	lines.append('| ' + ' | '.join(cells) + ' |')
	return lines


def closing_line(passed: int, failed: int, skipped: int, known: int, ci: bool) -> str:
	"""The last line: CI's format, or with the known count appended."""
	line = f'{passed} passed, {failed} failed, {skipped} skipped'
	return line if ci else f'{line}, {known} known'


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument('results', nargs='+',
			    help='directories run_kunit.py wrote to (the first gets summary.md)')
	parser.add_argument('--ci', action='store_true',
			    help='end with "N passed, N failed, N skipped" only')
	args = parser.parse_args()

	rows = []
	for results in args.results:
		found = load_rows(results)
		if not found:
			print(f'summary: no results in {results}: nothing ran', file=sys.stderr)
			print(closing_line(0, 1, 0, 0, args.ci))
			return 1
		rows += found

	total = {c: sum(len(r[c]) for r in rows) for c in COLUMNS}
	lines = table(rows, total, runs=len(args.results) > 1)
	with open(os.path.join(args.results[0], 'summary.md'), 'w') as f:
		f.write('\n'.join(lines) + '\n')
	print()
	print('\n'.join(lines))
	print()
	for r in rows:
		name = f"{r['base']} {r['mode']} {r['variant']}"
		if len(args.results) > 1:
			name = f"{r['run']} {name}"
		for column in ('failed', 'crashed', 'flaky'):
			for case in r[column]:
				print(f'  {column}: {name}: {case}')
		if r['known']:
			print(f"  known: {name}: {len(r['known'])} cases listed in "
			      'pipeline/known-failures.txt, e.g. ' + r['known'][0])

	print('\nresults: ' + ' '.join(os.path.abspath(r) for r in args.results) + ' '
	      '(ROW.json: kunit.py JSON; ROW.N.log: kernel log of boot N)')
	failed = total['failed'] + total['crashed']
	print(f"{total['flaky']} flaky (counted as passed), "
	      f"{total['known']} known failures (not counted)")
	print(closing_line(total['passed'] + total['flaky'], failed, total['skipped'],
			   total['known'], args.ci))
	return 1 if failed else 0


if __name__ == '__main__':
	sys.exit(main())
