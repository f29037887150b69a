#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Build and run the KASAN KUnit suites of one assembled tree with kunit.py.

For every KASAN mode: one `kunit.py build` into the mode's own build
directory, then one `kunit.py exec` per boot variant (same kernel, another
command line). A run with failing cases is booted again, up to --attempts
times in all, to tell a flaky case (failed, then passed) from a failing one
(failed every time). A case that fails every time and is listed in the
known-failures file is counted apart, with its recorded cause; known
failures alone never cause a reboot.

Each (base, mode, variant) row leaves in the results directory:
  ROW.json          kunit.py's KernelCI-style JSON of the last boot
  ROW.N.log         the raw kernel log of boot N
  ROW.summary.json  the row's counts and case lists, read by summary.py
"""

import argparse
import fnmatch
import json
import os
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from typing import Dict, Iterator, List, Optional, Set, Tuple

from listfile import ListError, read_list

MODES = ('generic', 'sw_tags', 'hw_tags')

# Suites every boot must show; a missing one is a crash.
ALL_SUITES = ('kasan', 'kasan_vmalloc_skip')


@dataclass(frozen=True)
class Variant:
	"""A boot of the hw_tags kernel: extra command line, suites it runs.

	kunit.filter_glob takes one glob, so a variant runs all suites or one.
	"""
	kernel_args: str = ''
	suites: Tuple[str, ...] = ALL_SUITES


HW_TAGS_VARIANTS: Dict[str, Variant] = {
	'default': Variant(),
	'vmalloc_off': Variant('kasan.vmalloc=off'),
	# The upstream suite refuses to start without KASAN (suite_init fails).
	'kasan_off': Variant('kasan=off', ('kasan_vmalloc_skip',)),
	'init_on_alloc': Variant('init_on_alloc=1'),
	'init_on_free': Variant('init_on_free=1'),
	'async': Variant('kasan.mode=async'),
	'asymm': Variant('kasan.mode=asymm'),
}

KUNIT_FAILED = ('FAIL', 'ERROR')


@dataclass
class Row:
	base: str
	mode: str
	variant: str
	boots: int = 0
	passed: List[str] = field(default_factory=list)
	failed: List[str] = field(default_factory=list)
	skipped: List[str] = field(default_factory=list)
	flaky: List[str] = field(default_factory=list)
	known: List[str] = field(default_factory=list)
	crashed: List[str] = field(default_factory=list)

	@property
	def name(self) -> str:
		return f'{self.base}-{self.mode}-{self.variant}'


def die(msg: str) -> None:
	print(f'run_kunit: {msg}', file=sys.stderr)
	sys.exit(2)


def leaf_cases(group: dict, prefix: str = '') -> Iterator[Tuple[str, str]]:
	"""Yields (suite.case[.param], status) for every leaf of a kunit.py JSON group."""
	for case in group.get('test_cases', []):
		yield prefix + case['name'], case['status']
	for sub in group.get('sub_groups', []):
		yield from leaf_cases(sub, prefix + sub['name'] + '.')


def read_known(path: Optional[str]) -> Dict[str, str]:
	"""Known failures: 'BASE MODE VARIANT CASE -- cause' per line.

	CASE may hold spaces (parameter descriptions do); each of the four
	fields may be a shell glob (fnmatch).
	"""
	try:
		entries = read_list(path, 4, need_reason=True) if path else []
	except ListError as e:
		die(str(e))
	return {' '.join(what): cause for what, cause in entries}


class Kunit:
	"""kunit.py in one assembled tree, for one KASAN mode."""

	def __init__(self, args: argparse.Namespace, mode: str) -> None:
		self.tree = os.path.abspath(args.tree)
		self.mode = mode
		self.build_dir = os.path.abspath(os.path.join(
			args.out, f'{args.name}-{mode}{args.build_suffix}'))
		self.common = [
			'--arch=arm64', '--cross_compile=aarch64-linux-gnu-',
			f'--build_dir={self.build_dir}',
			f'--qemu_config={args.qemu_config}',
		]
		self.kunitconfigs = ['--kunitconfig=mm/kasan/.kunitconfig',
				     f'--kunitconfig=tools/testing/kunit/configs/kasan_{mode}.config']
		self.kunitconfigs += [f'--kunitconfig={os.path.abspath(c)}' for c in args.kunitconfig]
		self.make_options = [f'--make_options={o}' for o in args.make_option]
		self.timeout = args.timeout

	def _kunit(self, cmd: List[str], log: str) -> int:
		argv = [sys.executable, 'tools/testing/kunit/kunit.py'] + cmd
		with open(log, 'w') as out:
			out.write('$ ' + ' '.join(argv) + '\n')
			out.flush()
			return subprocess.call(argv, cwd=self.tree, stdout=out,
					       stderr=subprocess.STDOUT)

	def build(self, log: str) -> bool:
		os.makedirs(self.build_dir, exist_ok=True)
		cmd = ['build'] + self.common + self.kunitconfigs + self.make_options
		return self._kunit(cmd, log) == 0

	def boot(self, variant: Variant, json_out: str, log: str) -> None:
		cmd = ['exec'] + self.common + [f'--timeout={self.timeout}',
						f'--json={json_out}']
		if variant.kernel_args:
			cmd.append(f'--kernel_args={variant.kernel_args}')
		if variant.suites != ALL_SUITES:
			cmd.append(','.join(variant.suites))	# kunit.filter_glob
		if os.path.exists(json_out):
			os.remove(json_out)
		self._kunit(cmd, log)
		raw = os.path.join(self.build_dir, 'test.log')
		if os.path.exists(raw):
			shutil.copyfile(raw, log.replace('.kunit.log', '.log'))


def boot_results(json_path: str, expected: Tuple[str, ...]) -> Tuple[Dict[str, str], List[str]]:
	"""Case statuses of one boot, and what shows the boot crashed."""
	if not os.path.exists(json_path):
		return {}, ['no results: the kernel did not boot or kunit.py failed']
	with open(json_path) as f:
		try:
			top = json.load(f)
		except json.JSONDecodeError:
			return {}, ['kunit.py wrote no valid JSON']
	cases = dict(leaf_cases(top))
	crashes = [c for c, s in cases.items() if s == 'ERROR']
	seen = {g['name'] for g in top.get('sub_groups', [])}
	seen |= {c.split('.', 1)[0] for c in cases}
	crashes += [f'{s}: suite did not run' for s in expected if s not in seen]
	return cases, crashes


def is_known(row: Row, case: str, known: Dict[str, str]) -> bool:
	key = f'{row.base} {row.mode} {row.variant} {case}'
	return any(fnmatch.fnmatchcase(key, k) for k in known)


def run_row(kunit: Kunit, row: Row, variant: Variant, attempts: int,
	    results: str, known: Dict[str, str]) -> Row:
	"""Boots one variant again while some case has failed in every boot so far.

	A known failure alone does not earn a reboot: it is listed because it
	fails on every boot, and rebooting for it would only cost time.
	"""
	history: Dict[str, List[str]] = {}
	failed_every_boot: Set[str] = set()
	json_out = os.path.join(results, f'{row.name}.json')
	for n in range(1, attempts + 1):
		row.boots = n
		kunit.boot(variant, json_out, os.path.join(results, f'{row.name}.{n}.kunit.log'))
		cases, crashes = boot_results(json_out, variant.suites)
		row.crashed += [f'boot {n}: {c}' for c in crashes]
		for case, status in cases.items():
			history.setdefault(case, []).append(status)
		failing = {c for c, s in cases.items() if s in KUNIT_FAILED}
		failed_every_boot = failing if n == 1 else failed_every_boot & failing
		if all(is_known(row, c, known) for c in failed_every_boot):
			break
	for case, statuses in sorted(history.items()):
		if case in failed_every_boot:
			(row.known if is_known(row, case, known) else row.failed).append(case)
		elif any(s in KUNIT_FAILED for s in statuses):
			row.flaky.append(case)
		elif 'PASS' in statuses:
			row.passed.append(case)
		else:
			row.skipped.append(case)
	return row


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument('--tree', required=True, help='assembled kernel tree')
	parser.add_argument('--name', required=True, help='name of the tree, e.g. 6.12')
	parser.add_argument('--out', required=True, help='parent of the build directories')
	parser.add_argument('--results', required=True, help='where rows are written')
	parser.add_argument('--modes', default=' '.join(MODES))
	parser.add_argument('--variants', default=' '.join(HW_TAGS_VARIANTS),
			    help='boot variants of the hw_tags kernel')
	parser.add_argument('--attempts', type=int, default=3)
	parser.add_argument('--timeout', type=int, default=900)
	parser.add_argument('--known', help='known-failures file')
	parser.add_argument('--kunitconfig', action='append', default=[],
			    help='extra kunitconfig fragment, e.g. for coverage')
	parser.add_argument('--make_option', action='append', default=[])
	parser.add_argument('--build-suffix', default='',
			    help='appended to the build directories, e.g. -gcov')
	parser.add_argument('--qemu_config',
			    default='tools/testing/kunit/qemu_configs/arm64_mte.py',
			    help='QEMU config for kunit.py (relative to the tree)')
	parser.add_argument('--no-build', action='store_true',
			    help='boot the kernels already built')
	parser.add_argument('--suite', help='run only this suite in every boot')
	args = parser.parse_args()
	# kunit.py runs in the tree: give it absolute paths.
	args.results = os.path.abspath(args.results)
	if os.path.exists(args.qemu_config):
		args.qemu_config = os.path.abspath(args.qemu_config)

	modes = args.modes.split()
	for mode in modes:
		if mode not in MODES:
			die(f"unknown mode '{mode}' (known: {' '.join(MODES)})")
	variants = args.variants.split()
	for variant in variants:
		if variant not in HW_TAGS_VARIANTS:
			die(f"unknown boot variant '{variant}' (known: {' '.join(HW_TAGS_VARIANTS)})")
	if not os.path.exists(os.path.join(args.tree, '.git', 'vmalloc-skip-assembled')):
		die(f'{args.tree} is not an assembled tree (run make prepare)')
	known = read_known(args.known)
	os.makedirs(args.results, exist_ok=True)

	for mode in modes:
		kunit = Kunit(args, mode)
		build_log = os.path.join(args.results, f'{args.name}-{mode}.build.log')
		print(f'run_kunit: {args.name} {mode}: building in {kunit.build_dir}', flush=True)
		if not args.no_build and not kunit.build(build_log):
			row = Row(args.name, mode, 'build', crashed=[f'build failed, see {build_log}'])
			write_row(args.results, row)
			continue
		for variant in (variants if mode == 'hw_tags' else ['default']):
			print(f'run_kunit: {args.name} {mode} {variant}: booting', flush=True)
			boot = HW_TAGS_VARIANTS[variant]
			if args.suite:
				boot = Variant(boot.kernel_args, (args.suite,))
			row = run_row(kunit, Row(args.name, mode, variant), boot,
				      args.attempts, args.results, known)
			write_row(args.results, row)
	return 0


def write_row(results: str, row: Row) -> None:
	with open(os.path.join(results, f'{row.name}.summary.json'), 'w') as f:
		json.dump(asdict(row), f, indent=1)
	print(f'run_kunit: {row.name}: {len(row.passed)} passed, {len(row.failed)} failed, '
	      f'{len(row.skipped)} skipped, {len(row.flaky)} flaky, {len(row.known)} known, '
	      f'{len(row.crashed)} crashed', flush=True)


if __name__ == '__main__':
	sys.exit(main())
