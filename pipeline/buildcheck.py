#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Build a base with and without the series and compare the warnings.

What 0-day would tell a maintainer before the suites run, for one base on
arm64 with GCC (the kernels of the suites, clang and x86_64 included, are
built by run_kunit.py):

  kasan_off  the whole kernel with KASAN disabled (pipeline/kasan-off.config
	     and the guest trim), where __GFP_SKIP_KASAN is 0;
  W=1        the C files the series touches, compiled with W=1, with KASAN
	     off and in hw_tags (the mode the feature is for);
  sparse     the same files through sparse (make C=2).

Each check runs in the assembled tree and in the pristine base (no series,
no overlay) with the same configuration, and compares the two: a warning is
new when the series' build has it more often than the pristine one, its
line and column numbers left out (the series moves lines); of the per-file
checks, one make per file, the highest count any one make had. A check passes
only if its build succeeded in both trees and nothing is new; a file the
configuration does not build is said so, not counted as clean. A check that
cannot run (kbuild refuses the installed sparse as too old, even with
__typeof_unqual__ defined as __typeof__: TYPEOF_UNQUAL_AS_TYPEOF) says
NOT RUN and why: it neither passes nor fails. One row per check, also
written to WORK/BASE.json; exit status 1 if a check failed.

Usage: pipeline/buildcheck.py --base BASE --tree TREE --pristine PRISTINE --work DIR
"""

import argparse
import collections
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from typing import Counter, Dict, List, Optional, Tuple

import matrix
from kernel import (CROSS_COMPILE, GUEST_CONFIG, arch_args, call_in_session,
		    compiler_options, exit_interruptibly, series_c_files)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

KASAN_OFF_CONFIG = os.path.join(HERE, 'kasan-off.config')
BARE_KASAN_CONFIG = os.path.join(HERE, 'bare-kasan.config')
MODE_FRAGMENT = os.path.join(REPO, 'tools/testing/kunit/configs/kasan_{mode}.config')
# Only the assembled tree knows the matrix's Kconfig symbol: with it, the
# matrix's own file is compiled and checked too.
OUR_SUITE_CONFIG = 'CONFIG_KASAN_VMALLOC_SKIP_KUNIT_TEST=y\n'

# The build every check uses, named in each row: GCC on arm64.
BUILD = matrix.DEFAULT_BUILD
MAKE = (['make', f'ARCH={BUILD.arch}', f'CROSS_COMPILE={CROSS_COMPILE}'] +
	compiler_options(BUILD) + [f'-j{os.cpu_count() or 1}'])
DIAGNOSTIC = re.compile(r'^(?P<file>[^\s:]+):(?:\d+:)*\s*(?P<kind>warning|error): (?P<text>.*)$')
# What kbuild prints when C=2 finds no sparse it can use. 7.3's
# scripts/checker-valid.sh wants __typeof_unqual__, which Debian 12's sparse
# 0.6.4 (the last release) does not know: kbuild then checks nothing.
NO_CHECKER = 'is not available or not up to date'
# For such a tree, sparse gets __typeof_unqual__ as __typeof__ through
# kbuild's CF (sparse's own options). Only the qualifiers differ: typeof
# keeps the const, volatile and address space that __typeof_unqual__ drops.
# What follows from that in code both trees have is the same in both, and
# the comparison leaves it out; in code the series adds it could only add
# diagnostics, which fail the row rather than hide anything.
TYPEOF_UNQUAL_AS_TYPEOF = '-D__typeof_unqual__=__typeof__'


@dataclass
class Check:
	"""One row: a check of a base in one configuration."""
	base: str
	config: str
	check: str
	verdict: str = ''
	toolchain: str = BUILD.toolchain
	arch: str = BUILD.arch
	series: int = 0		# diagnostics in the series' build
	pristine: int = 0	# in the pristine base's
	new: List[str] = field(default_factory=list)
	notes: List[str] = field(default_factory=list)
	logs: List[str] = field(default_factory=list)


def diagnostics(text: str, roots: List[str]) -> Counter[str]:
	"""The warnings and errors of a build log, without line numbers and
	with the source and build directories left out of file names."""
	found: Counter[str] = collections.Counter()
	for line in text.splitlines():
		for root in roots:
			line = line.replace(root.rstrip('/') + '/', '')
		m = DIAGNOSTIC.match(line.strip())
		if m:
			found[f"{m['file']}: {m['kind']}: {m['text']}"] += 1
	return found


class Tree:
	"""A kernel source tree and its build directory for one configuration."""

	def __init__(self, src: str, out: str, log_dir: str, label: str) -> None:
		self.src = os.path.abspath(src)
		self.out = os.path.abspath(out)
		self.log_dir = log_dir
		self.label = label

	def run(self, argv: List[str], log: str) -> Tuple[int, str]:
		"""Runs ARGV in the tree; returns its status and output (also in LOG)."""
		path = os.path.join(self.log_dir, log)
		with open(path, 'w') as f:
			f.write('$ ' + ' '.join(argv) + '\n')
			f.flush()
			status = call_in_session(argv, cwd=self.src, stdout=f,
						 stderr=subprocess.STDOUT,
						 env=dict(os.environ, PYTHONDONTWRITEBYTECODE='1'))
		with open(path, errors='replace') as f:
			return status, f.read()

	def configure(self, kunitconfig: str, name: str) -> bool:
		"""A .config from the KUNITCONFIG text as kunit.py makes it
		(kunit.py config also checks that every option asked for is set)."""
		shutil.rmtree(self.out, ignore_errors=True)
		os.makedirs(self.out)
		config = os.path.join(self.out, '.kunitconfig')
		with open(config, 'w') as f:
			f.write(kunitconfig)
		argv = ([sys.executable, 'tools/testing/kunit/kunit.py', 'config'] +
			arch_args(BUILD) + [f'--build_dir={self.out}', f'--kunitconfig={config}'] +
			[f'--make_options={o}' for o in compiler_options(BUILD)])
		status, _ = self.run(argv, f'{self.label}-{name}.config.log')
		return status == 0

	def make(self, targets: List[str], extra: List[str], log: str) -> Tuple[int, str]:
		return self.run(MAKE + [f'O={self.out}'] + extra + targets, log)


def fragments(*paths: str) -> str:
	"""The text of the config fragments at PATHS, one after the other."""
	text = ''
	for path in paths:
		with open(path) as f:
			text += f.read()
	return text


def sparse_version() -> str:
	out = subprocess.run(['sparse', '--version'], capture_output=True, text=True)
	return 'sparse ' + (out.stdout.strip() or out.stderr.strip())


def checker_flags(src: str) -> Optional[List[str]]:
	"""What sparse needs for kbuild of the tree at SRC to accept it: no flag,
	__typeof_unqual__ defined as __typeof__, or None if even that is not
	enough. A tree without scripts/checker-valid.sh (6.12) takes any sparse."""
	script = os.path.join(src, 'scripts/checker-valid.sh')
	if not os.path.exists(script):
		return []
	for flags in ([], [TYPEOF_UNQUAL_AS_TYPEOF]):
		out = subprocess.run(['sh', '-eu', script, 'sparse'] + flags, capture_output=True,
				     text=True)
		if out.stdout.strip() == '1':
			return flags
	return None


def compare(row: Check, series: Counter[str], pristine: Counter[str]) -> None:
	row.series = sum(series.values())
	row.pristine = sum(pristine.values())
	new = series - pristine
	row.new = sorted(f'{d} (x{n})' if n > 1 else d for d, n in new.items())


class BaseCheck:
	def __init__(self, args: argparse.Namespace) -> None:
		self.base = args.base
		self.work = os.path.abspath(args.work)
		self.logs = os.path.join(self.work, 'logs')
		os.makedirs(self.logs, exist_ok=True)
		self.files = series_c_files(args.tree)
		self.trees = {'series': args.tree, 'pristine': args.pristine}
		self.rows: List[Check] = []

	def tree(self, label: str, config: str) -> Tree:
		return Tree(self.trees[label], os.path.join(self.work, config, label),
			    self.logs, label)

	def say(self, row: Check) -> None:
		print(f'buildcheck: {row.base} {row.config} {row.check}: {row.verdict}', flush=True)
		for d in row.new:
			print(f'  new: {d}')
		for n in row.notes:
			print(f'  note: {n}')

	def kasan_off_build(self) -> Dict[str, Tree]:
		"""The whole kernel with KASAN off, in both trees."""
		row = Check(self.base, 'kasan_off', 'build')
		found: Dict[str, Counter[str]] = {}
		trees = {}
		for label in self.trees:
			t = self.tree(label, 'kasan_off')
			trees[label] = t
			if not t.configure(fragments(KASAN_OFF_CONFIG, GUEST_CONFIG), 'kasan_off'):
				row.verdict = f'FAILED: the {label} tree does not configure'
				break
			status, out = t.make(['all'], [], f'{label}-kasan_off.build.log')
			row.logs.append(os.path.join(self.logs, f'{label}-kasan_off.build.log'))
			if status != 0:
				row.verdict = f'FAILED: the {label} tree does not build'
				break
			found[label] = diagnostics(out, [t.src, t.out])
		if not row.verdict:
			compare(row, found['series'], found['pristine'])
			row.verdict = (f'FAILED: {len(row.new)} new warnings' if row.new else
				       f'builds, no new warning ({row.series} in all, '
				       f'{row.pristine} in the pristine base)')
		self.finish(row)
		return trees

	def configured(self, config: str) -> Optional[Dict[str, Tree]]:
		"""Both trees configured for CONFIG (hw_tags), without building."""
		text = fragments(BARE_KASAN_CONFIG, MODE_FRAGMENT.format(mode=config),
				 GUEST_CONFIG).replace('@MODE@', config.upper())
		trees = {}
		for label in self.trees:
			t = self.tree(label, config)
			extra = OUR_SUITE_CONFIG if label == 'series' else ''
			if not t.configure(text + extra, config):
				row = Check(self.base, config, 'configure',
					    f'FAILED: the {label} tree does not configure')
				self.finish(row)
				return None
			trees[label] = t
		return trees

	def per_file(self, config: str, trees: Dict[str, Tree], built_only: bool) -> None:
		"""W=1, then sparse on the objects W=1 left, of every touched file.

		BUILT_ONLY: the trees were built in full, and a file whose object
		that build did not make is not part of CONFIG (kbuild compiles a
		single target even in a directory the configuration leaves out)."""
		files = self.files
		skipped: List[str] = []
		if built_only:
			out = trees['series'].out
			files = [f for f in self.files if os.path.exists(os.path.join(out, f[:-2] + '.o'))]
			left_out = [f for f in self.files if f not in files]
			if left_out:
				skipped = [f"not built with {config}: {', '.join(left_out)}"]
		flags = checker_flags(trees['series'].src)
		sparse = ['W=1', 'C=2'] + ([f"CF={' '.join(flags)}"] if flags else [])
		for check, extra in (('W=1', ['W=1']), ('sparse', sparse)):
			row = Check(self.base, config, check, notes=list(skipped))
			if check == 'sparse' and flags:
				row.notes.append(f'{sparse_version()} does not know __typeof_unqual__: '
						 f'both trees checked with CF={" ".join(flags)}')
			found: Dict[str, Counter[str]] = {'series': collections.Counter(),
							  'pristine': collections.Counter()}
			for path, (label, t) in itertools.product(files, trees.items()):
				if row.verdict:
					break
				if not os.path.exists(os.path.join(t.src, path)):
					continue	# the series adds this file
				obj = path[:-len('.c')] + '.o'
				if check == 'W=1' and os.path.exists(os.path.join(t.out, obj)):
					# Compiled again even if up to date.
					os.remove(os.path.join(t.out, obj))
				log = f"{label}-{config}-{check.replace('=', '')}-{obj.replace('/', '_')}.log"
				status, text = t.make([obj], extra, log)
				if status != 0:
					row.verdict = f'FAILED: {path} does not build in the {label} tree'
					row.logs.append(os.path.join(self.logs, log))
				elif check == 'sparse' and NO_CHECKER in text:
					row.verdict = (f'NOT RUN: kbuild of the {label} tree refuses '
						       f'{sparse_version()} as too old (scripts/checker-valid.sh)')
				else:
					# The most any one make had: with C=2, every make
					# also checks what its prepare stage rebuilds (the
					# vDSO), so sums would grow with the number of files.
					found[label] |= diagnostics(text, [t.src, t.out])
			if not row.verdict:
				compare(row, found['series'], found['pristine'])
				if row.new:
					row.verdict = f'FAILED: {len(row.new)} new diagnostics'
				elif not files:
					row.verdict = 'FAILED: no touched file is built in this configuration'
				else:
					plural = 's' if len(files) > 1 else ''
					row.verdict = (f'{len(files)} file{plural}, no new diagnostic ({row.series} '
						       f'in all, {row.pristine} in the pristine base)')
			self.finish(row)

	def finish(self, row: Check) -> None:
		self.rows.append(row)
		self.say(row)

	def write(self) -> None:
		with open(os.path.join(self.work, f'{self.base}.json'), 'w') as f:
			json.dump([asdict(r) for r in self.rows], f, indent=1)


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument('--base', required=True, help='the tree\'s name, e.g. 7.3')
	parser.add_argument('--tree', required=True, help='the assembled tree')
	parser.add_argument('--pristine', required=True, help='the base without the series')
	parser.add_argument('--work', required=True)
	args = parser.parse_args()
	for tool in ('sparse', f'{CROSS_COMPILE}gcc'):
		if not shutil.which(tool):
			print(f'buildcheck: {tool} not found (make setup installs it)', file=sys.stderr)
			return 2
	for tree in (args.tree, args.pristine):
		if not os.path.isfile(os.path.join(tree, 'tools/testing/kunit/kunit.py')):
			print(f'buildcheck: {tree} is not a kernel tree with kunit.py', file=sys.stderr)
			return 2
	check = BaseCheck(args)
	off = check.kasan_off_build()
	if all(r.verdict and not r.verdict.startswith('FAILED') for r in check.rows):
		check.per_file('kasan_off', off, built_only=True)
	hw = check.configured('hw_tags')
	if hw:
		check.per_file('hw_tags', hw, built_only=False)
	check.write()
	return 1 if any(r.verdict.startswith('FAILED') for r in check.rows) else 0


if __name__ == '__main__':
	exit_interruptibly(main, 'buildcheck')
