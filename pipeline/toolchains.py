#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""make toolchains: the builds 0-day would try, and the suites in each.

For every build of BUILDS (GCC and clang on arm64 in every KASAN mode, GCC
on x86_64 with generic KASAN), run_kunit.py builds the kernels of every base
and boots every cell the boot variants asked for apply to, into
WORK/results/BUILD; summary.py then shows all of them as one table with a
toolchain and an architecture column. buildcheck.py then builds each base
with KASAN off, and compiles the files the series touches with W=1 and
sparse, in the assembled and the pristine tree, and compares the
diagnostics (WORK/buildcheck/BASE/). WORK/toolchains.md holds both tables.
Exit status 1 if a cell or a check failed.

Usage: pipeline/toolchains.py --tree NAME=PATH --pristine NAME=PATH ...
	--work DIR --out DIR [--modes M] [--variants V] [--attempts N]
	[--timeout S] [--hang S] [--known FILE]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from typing import Dict, List

import buildcheck
import matrix
from kernel import exit_interruptibly

HERE = os.path.dirname(os.path.abspath(__file__))

BUILDS = (matrix.Build('gcc', 'arm64'), matrix.Build('llvm', 'arm64'),
	  matrix.Build('gcc', 'x86_64'))
CHECK_HEAD = ('base', 'toolchain', 'arch', 'config', 'check', 'result')


def pairs(specs: List[str], what: str) -> Dict[str, str]:
	out = {}
	for spec in specs:
		name, _, path = spec.partition('=')
		if not name or not path:
			sys.exit(f'toolchains: {what} {spec}: expected NAME=PATH')
		out[name] = os.path.abspath(path)
	return out


def say(msg: str) -> None:
	print(f'toolchains: {msg}', flush=True)


def run_build(args: argparse.Namespace, build: matrix.Build, trees: Dict[str, str],
	      results: str) -> int:
	"""run_kunit.py for BUILD: the modes of MODES it has, with the
	variants of VARIANTS that apply to them; 0 if nothing applies."""
	modes = [m for m in args.modes.split() if m in build.modes]
	names = [name + build.suffix for name in trees]
	try:
		matrix.parse(' '.join(names), ' '.join(modes), args.variants)
	except matrix.MatrixError as e:
		say(f'{build.toolchain} {build.arch}: nothing to run ({e})')
		return 0
	argv = [sys.executable, os.path.join(HERE, 'run_kunit.py'),
		'--out', args.out, '--results', results, '--modes', ' '.join(modes),
		'--variants', args.variants, '--attempts', args.attempts,
		'--timeout', args.timeout, '--hang', args.hang]
	if args.known:
		argv += ['--known', args.known]
	for name, path in trees.items():
		argv += ['--tree', f'{name}{build.suffix}={path}']
	start = time.monotonic()
	status = subprocess.call(argv)
	say(f'{build.toolchain} {build.arch}: kernels built and booted in '
	    f'{time.monotonic() - start:.0f} s')
	return status


def check_table(work: str, bases: List[str]) -> List[str]:
	lines = ['| ' + ' | '.join(CHECK_HEAD) + ' |', '|' + '---|' * len(CHECK_HEAD)]
	for base in bases:
		path = os.path.join(work, base, f'{base}.json')
		if not os.path.exists(path):
			lines.append(f'| {base} | {buildcheck.BUILD.toolchain} | {buildcheck.BUILD.arch} '
				     '| | | FAILED: no result |')
			continue
		with open(path) as f:
			for row in json.load(f):
				notes = ''.join(f'; {n}' for n in row['notes'])
				build = f"{row.get('toolchain', '?')} | {row.get('arch', '?')}"
				lines.append(f"| {base} | {build} | {row['config']} | "
					     f"{row['check']} | {row['verdict']}{notes} |")
	return lines


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument('--tree', action='append', required=True, metavar='NAME=PATH')
	parser.add_argument('--pristine', action='append', required=True, metavar='NAME=PATH')
	parser.add_argument('--work', required=True)
	parser.add_argument('--out', required=True, help='parent of the build directories')
	parser.add_argument('--modes', default=' '.join(matrix.MODES))
	parser.add_argument('--variants', default=' '.join(matrix.DEFAULT_VARIANTS))
	parser.add_argument('--attempts', default='3')
	parser.add_argument('--timeout', default='900')
	parser.add_argument('--hang', default='120')
	parser.add_argument('--known')
	args = parser.parse_args()
	trees = pairs(args.tree, '--tree')
	pristine = pairs(args.pristine, '--pristine')
	if set(trees) != set(pristine):
		sys.exit('toolchains: every --tree needs a --pristine of the same name')
	work = os.path.abspath(args.work)
	shutil.rmtree(os.path.join(work, 'results'), ignore_errors=True)
	status = 0
	dirs = []
	for build in BUILDS:
		results = os.path.join(work, 'results', f'{build.toolchain}-{build.arch}')
		status |= run_build(args, build, trees, results) != 0
		if os.path.exists(os.path.join(results, 'manifest.json')):
			dirs.append(results)
	summary = subprocess.run([sys.executable, os.path.join(HERE, 'summary.py')] + dirs,
				 capture_output=True, text=True)
	status |= summary.returncode != 0

	checks = os.path.join(work, 'buildcheck')
	for name, tree in trees.items():
		start = time.monotonic()
		status |= subprocess.call([sys.executable, os.path.join(HERE, 'buildcheck.py'),
					   '--base', name, '--tree', tree,
					   '--pristine', pristine[name],
					   '--work', os.path.join(checks, name)]) != 0
		say(f'{name}: build checks took {time.monotonic() - start:.0f} s')

	table = check_table(checks, list(trees))
	with open(os.path.join(work, 'toolchains.md'), 'w') as f:
		f.write('Suites per build:\n\n')
		if dirs:
			with open(os.path.join(dirs[0], 'summary.md')) as table_of_cells:
				f.write(table_of_cells.read())
		else:
			f.write('none\n')
		f.write('\nBuild checks against the pristine base:\n\n' + '\n'.join(table) + '\n')
	print(summary.stdout, end='')
	print()
	print('\n'.join(table))
	print(f'\ntoolchains: both tables in {os.path.join(work, "toolchains.md")}')
	return 1 if status else 0


if __name__ == '__main__':
	exit_interruptibly(main, 'toolchains')
