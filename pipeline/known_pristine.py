#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Check that each known failure of a base also fails in the pristine base.

pipeline/known-failures.txt excuses cases of the upstream suites whose cause
lies outside this project. This measures that: for every (mode, boot
variant) the list names for BASE, bare kunit.py runs the upstream kasan
suite in the pristine base tree (no series, no overlay; the configuration
of pipeline/bare-kasan.config, the build's compiler and architecture, the
MTE machine on arm64, the variant's command line), and each listed case
must fail there too. One line per case; exit status 1 if a listed case
passes in the pristine tree (then our series is a suspect, and the entry
must go) or did not run.

BASE names the build as the list does: '7.3' (GCC, arm64), '7.3-llvm',
'7.3-x86_64'. The bare kernel is kunit.py's as it comes, which on x86_64
has no SMP: it ignores a variant's second vCPU, which the known
failures (kasan_strings) do not depend on.

Usage: pipeline/known_pristine.py BASE PRISTINE_TREE WORK_DIR
"""

import argparse
import fnmatch
import json
import os
import subprocess
import sys
from typing import Dict, List, Set, Tuple

import matrix
from kernel import (arch_args, boot_command, call_in_session, compiler_options,
		    exit_interruptibly, variant_args)
from run_kunit import KUNIT_FAILED, leaf_cases, read_known

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def rows_of(base: str) -> Dict[Tuple[str, str], Set[str]]:
	"""(mode, variant) -> case globs that known-failures.txt lists for BASE."""
	rows: Dict[Tuple[str, str], Set[str]] = {}
	modes = matrix.build_of(base).modes
	for entry in read_known(os.path.join(HERE, 'known-failures.txt')):
		b, mode, variant, case = entry.split(None, 3)
		if not fnmatch.fnmatchcase(base, b):
			continue
		matched = False
		for m in matrix.MODES:
			for v in matrix.VARIANTS:
				if m not in v.upstream_modes or m not in v.modes:
					continue
				if fnmatch.fnmatchcase(m, mode) and fnmatch.fnmatchcase(v.name, variant):
					matched = True
					if m in modes:	# the build has the mode (x86_64: generic)
						rows.setdefault((m, v.name), set()).add(case)
		if not matched:
			sys.exit(f'known_pristine: known-failures.txt: "{b} {mode} {variant} {case}" '
				 'names no mode and boot variant the pipeline runs')
	return rows


def bare_run(build: matrix.Build, tree: str, work: str, mode: str,
	     variant: str) -> Dict[str, str]:
	"""Case statuses of one bare kunit.py run of the kasan suite."""
	config = os.path.join(work, f'{mode}.config')
	with open(os.path.join(REPO, 'pipeline', 'bare-kasan.config')) as f:
		text = f.read().replace('@MODE@', mode.upper())
	with open(config, 'w') as f:
		f.write(text)
	json_out = os.path.join(work, f'{mode}-{variant}.json')
	log = os.path.join(work, f'{mode}-{variant}.log')
	if os.path.exists(json_out):
		os.remove(json_out)	# never read an earlier run's results
	argv = ([sys.executable, 'tools/testing/kunit/kunit.py', 'run'] + arch_args(build) +
		[f'--build_dir={os.path.join(work, mode)}', f'--kunitconfig={config}',
		 '--timeout=900', f'--json={json_out}'] +
		[f'--make_options={o}' for o in compiler_options(build)])
	argv += variant_args(matrix.VARIANT_BY_NAME[variant]) + ['kasan']
	print(f'known_pristine: {mode} {variant}: bare kunit.py (log: {log})', flush=True)
	with open(log, 'w') as out:
		# Non-zero when a case fails, which is what is expected here.
		ret = call_in_session(boot_command(build, argv), cwd=tree, stdout=out,
				      stderr=subprocess.STDOUT,
				      env=dict(os.environ, PYTHONDONTWRITEBYTECODE='1'))
	if not os.path.exists(json_out):
		print(f'known_pristine: {mode} {variant}: kunit.py exited {ret} without '
		      f'results, see {log}', flush=True)
		return {}
	with open(json_out) as f:
		return dict(leaf_cases(json.load(f)))


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument('base')
	parser.add_argument('pristine', help='the pristine base tree (left unmodified)')
	parser.add_argument('work', help='build directories, configs, logs and JSON')
	args = parser.parse_args()
	if not os.path.isfile(os.path.join(args.pristine, 'tools/testing/kunit/kunit.py')):
		sys.exit(f'known_pristine: {args.pristine} is not a kernel tree with kunit.py')
	os.makedirs(args.work, exist_ok=True)
	bad: List[str] = []
	rows = rows_of(args.base)
	if not rows:
		print(f'known_pristine: no known failures listed for {args.base}')
	for (mode, variant), globs in sorted(rows.items()):
		statuses = bare_run(matrix.build_of(args.base), os.path.abspath(args.pristine),
				    os.path.abspath(args.work), mode, variant)
		for glob in sorted(globs):
			cases = {c: s for c, s in statuses.items() if fnmatch.fnmatchcase(c, glob)}
			if not cases:
				verdict = 'did not run in the pristine tree'
				bad.append(glob)
			elif all(s in KUNIT_FAILED for s in cases.values()):
				verdict = 'fails in the pristine tree too'
			elif all(s == 'SKIP' for s in cases.values()):
				verdict = 'is SKIPPED in the pristine tree'
				bad.append(glob)
			else:
				verdict = 'PASSES in the pristine tree'
				bad.append(glob)
			print(f'known_pristine: {args.base} {mode} {variant} {glob}: {verdict}')
	return 1 if bad else 0


if __name__ == '__main__':
	exit_interruptibly(main, 'known_pristine')
