#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Boot a suite several times on every kernel: it must never flake.

Builds the kernels once (as make kunit does), then boots the default variant
of the suite (ours, kasan_vmalloc_skip, unless --suite kasan) BOOTS times per
kernel, with one attempt per boot, each run into a results
directory of its own (OUT/N), and prints, per cell, the cases that failed in
some of the boots. Exit status 1 if any case failed or any boot crashed; a known failure
(--known) counts neither way, as in make run.

Usage: pipeline/flake_check.py --boots 5 --results DIR --out OUT
                               --tree NAME=PATH [--tree ...] [--modes M]
                               [--suite kasan] [--known FILE]
"""

import argparse
import os
import shutil
import sys
from collections import Counter
from typing import Dict

import matrix
from kernel import call_in_session, exit_interruptibly
from results import load

HERE = os.path.dirname(os.path.abspath(__file__))


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument('--boots', type=int, default=5)
	parser.add_argument('--results', required=True)
	parser.add_argument('--out', required=True)
	parser.add_argument('--tree', action='append', required=True)
	parser.add_argument('--modes', default=' '.join(matrix.MODES))
	parser.add_argument('--suite', default=matrix.OUR_SUITE, choices=matrix.SUITES)
	parser.add_argument('--known', help='known-failures file')
	args = parser.parse_args()
	if args.boots < 2:
		print('flake_check: --boots must be 2 or more', file=sys.stderr)
		return 2

	shutil.rmtree(args.results, ignore_errors=True)
	failures: Dict[str, Counter] = {}
	boots: Counter = Counter()
	bad = 0
	for n in range(1, args.boots + 1):
		run = os.path.join(args.results, str(n))
		argv = [sys.executable, os.path.join(HERE, 'run_kunit.py'), '--out', args.out,
			'--results', run, '--modes', args.modes, '--variants', 'default',
			'--suite', args.suite, '--attempts', '1']
		if args.known:
			argv += ['--known', args.known]
		argv += [f'--tree={t}' for t in args.tree]
		if n > 1:
			argv.append('--no-build')
		call_in_session(argv)
		result = load([run])
		for p in result.problems:
			print(f'flake_check: boot {n}: {p}')
			bad += 1
		for row in result.rows:
			cell = matrix.Cell(**row['cell']).name
			boots[cell] += 1
			counts = failures.setdefault(cell, Counter())
			for case in row['failed'] + row['crashed'] + row['infrastructure']:
				counts[case] += 1

	for cell in sorted(boots):
		failed = failures.get(cell, Counter())
		print(f'flake_check: {cell}: {boots[cell]} boots, '
		      f'{len(failed)} cases failed in some of them')
		for case, times in sorted(failed.items()):
			print(f'  {case}: failed in {times} of {boots[cell]} boots')
			bad += 1
	print(f'flake_check: {f"no case of {args.suite} failed" if not bad else f"{bad} failures"} '
	      f'in {args.boots} boots of every kernel')
	return 1 if bad else 0


if __name__ == '__main__':
	exit_interruptibly(main, 'flake_check')
