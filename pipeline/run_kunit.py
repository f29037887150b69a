#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Build the kernels of assembled trees and boot every cell of the matrix.

One `kunit.py build` per (tree, KASAN mode), one after the other (never two
kernels at once), and one `kunit.py exec` per cell (boot variant x suite,
see matrix.py). Boots run side by side, as many as the machine has CPUs,
each in a build directory of its own that points at the kernel image; they
start as soon as their kernel is built, while the next one builds.

A boot whose kunit.py prints nothing for --hang seconds (make's HANG) has
hung: it is ended and counted as a crash, and the last kernel lines it
printed are kept for the summary. kunit.py prints a line as each case
ends; --timeout (TIMEOUT) bounds the whole boot.

An upstream `kasan` boot with failing cases is booted again, up to
--attempts boots in all, to tell a flaky case (failed, then passed) from a
failing one (failed every time). A case that fails every time and is listed
in the known-failures file is counted apart, with its recorded cause; known
failures alone never cause a reboot. Our own suite is booted once: any
failure of it is a failure.

The results directory holds, before any kernel is built, manifest.json
(every expected cell, the bases' versions, toolchain and QEMU) and then,
per cell CELL (BASE-MODE-VARIANT-SUITE):
  CELL.N.json       kunit.py's KernelCI-style JSON of boot N
  CELL.N.log        the raw kernel log of boot N
  CELL.N.kunit.log  kunit.py's own output of boot N
  CELL.summary.json the cell's counts and case lists, read by summary.py
  CELL.junit.xml    the same for CI engines (python3-junit.xml)
"""

import argparse
import fnmatch
import json
import os
import re
import shutil
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Dict, Iterator, List, NamedTuple, Optional, Set, Tuple

import matrix
from kernel import Kernel, interrupt_on_signals, stop_all, stopping, variant_args
from listfile import ListError, read_list
from results import Manifest, boot_stem, write_cell

KUNIT_FAILED = ('FAIL', 'ERROR')
# The kernel lines of a hung boot that the summary shows.
HANG_LINES = 20


@dataclass
class Hang:
	"""A boot that printed nothing for the hang limit and was ended."""
	boot: int
	seconds: int	# the hang limit it reached
	last_lines: List[str]	# the last HANG_LINES lines of its kernel log


@dataclass
class CellResult:
	"""What the boots of one cell showed."""
	cell: matrix.Cell
	boots: List[str] = field(default_factory=list)	# per boot: ok, crashed, infrastructure
	seconds: List[float] = field(default_factory=list)	# per boot: kunit.py exec's wall time
	passed: List[str] = field(default_factory=list)
	failed: List[str] = field(default_factory=list)
	skipped: List[str] = field(default_factory=list)
	flaky: List[str] = field(default_factory=list)
	known: List[str] = field(default_factory=list)
	crashed: List[str] = field(default_factory=list)
	infrastructure: List[str] = field(default_factory=list)
	hangs: List[Hang] = field(default_factory=list)


class Booted(NamedTuple):
	"""One boot's files, kunit.py's status, its wall time, and whether it
	was ended for printing nothing for the hang limit."""
	json: str
	log: str
	status: int
	seconds: float
	hung: bool = False


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

	BASE names the build too: '7.3' is GCC on arm64, '7.3-llvm' clang
	(matrix.known_name()). CASE may hold spaces (parameter descriptions
	do); each of the four fields may be a shell glob (fnmatch).
	"""
	try:
		entries = read_list(path, 4, need_reason=True) if path else []
	except ListError as e:
		die(str(e))
	return {' '.join(what): cause for what, cause in entries}


def is_known(cell: matrix.Cell, case: str, known: Dict[str, str]) -> bool:
	key = f'{matrix.known_name(cell.base)} {cell.mode} {cell.variant} {case}'
	return any(fnmatch.fnmatchcase(key, k) for k in known)


def last_lines(path: str, n: int = HANG_LINES) -> List[str]:
	"""The last N lines of the log at PATH that are not blank."""
	try:
		with open(path, errors='replace') as f:
			lines = [l.rstrip() for l in f]
	except FileNotFoundError:
		return []
	return [l for l in lines if l.strip()][-n:]


def guest_cpus(log: str) -> Optional[int]:
	"""The CPUs the guest's kernel says it brought up (kernel/smp.c), or
	None if it says nothing: a kernel without SMP (one CPU), or a log that
	was cut short."""
	m = re.search(r'smp: Brought up \d+ nodes?, (\d+) CPUs?', log)
	return int(m[1]) if m else None


def cpus_mismatch(log: str, cpus: int) -> Optional[str]:
	"""What says that the guest did not run on the CPUS its boot asked for."""
	brought_up = guest_cpus(log)
	if brought_up == cpus or (brought_up is None and cpus == 1):
		return None
	if brought_up is None:
		return (f'the kernel log says no "smp: Brought up" (a kernel without SMP has '
			f'one CPU), the boot asked for {cpus}')
	return f'the guest brought up {brought_up} CPU(s), its boot asked for {cpus}'


def boot_results(json_path: str, log_path: str, status: int, suite: str,
		 cpus: int) -> Tuple[Dict[str, str], List[str], List[str]]:
	"""Case statuses of one boot, what shows the kernel crashed, and what
	shows that the boot itself (QEMU, kunit.py) failed. A guest that did
	not bring up CPUS is such a failure: a uniprocessor kernel ignores
	QEMU's -smp."""
	log = ''
	if os.path.exists(log_path):
		with open(log_path, errors='replace') as f:
			log = f.read()
	if not log.strip():
		return {}, [], [f'kunit.py exec exited {status} and QEMU printed nothing']
	if 'TAP version' not in log:
		if 'Booting Linux' not in log:
			return {}, [], [f'kunit.py exec exited {status}: the kernel did not start']
		return {}, ['the kernel died before any suite ran'], []
	mismatch = cpus_mismatch(log, cpus)
	if mismatch:
		return {}, [], [mismatch]
	if not os.path.exists(json_path):
		return {}, [], [f'kunit.py exec exited {status} and wrote no JSON']
	with open(json_path) as f:
		try:
			top = json.load(f)
		except json.JSONDecodeError:
			return {}, [], ['kunit.py wrote no valid JSON']
	cases = dict(leaf_cases(top))
	crashes = [f'{c}: did not finish' for c, s in cases.items() if s == 'ERROR']
	if not any(c.split('.', 1)[0] == suite for c in cases):
		crashes.append(f'{suite}: suite did not run')
	return cases, crashes, []


class Cpus:
	"""Counts the host CPUs that boots hold; a boot of N vCPUs takes N."""

	def __init__(self, n: int) -> None:
		self.free = n
		self.total = n
		self.cond = threading.Condition()

	def take(self, n: int) -> None:
		n = min(n, self.total)
		with self.cond:
			self.cond.wait_for(lambda: self.free >= n)
			self.free -= n

	def give(self, n: int) -> None:
		with self.cond:
			self.free += min(n, self.total)
			self.cond.notify_all()


class Runner:
	def __init__(self, args: argparse.Namespace, known: Dict[str, str]) -> None:
		self.args = args
		self.known = known
		self.cpus = Cpus(args.jobs)
		self.print_lock = threading.Lock()

	def say(self, msg: str) -> None:
		with self.print_lock:
			print(f'run_kunit: {msg}', flush=True)

	def boot(self, kernel: Kernel, cell: matrix.Cell, n: int) -> Booted:
		"""Boot N of CELL; returns its JSON and log paths, kunit.py's status,
		how long kunit.py exec took (once the boot had its CPUs) and
		whether it hung."""
		res = self.args.results
		stem = boot_stem(res, cell, n)
		json_out, log = f'{stem}.json', f'{stem}.log'
		for p in (json_out, log):
			if os.path.exists(p):
				os.remove(p)
		scratch = kernel.boot_dir(os.path.join(self.args.out, 'boots', f'{cell.name}'))
		variant = cell.boot
		argv = (['exec'] + kernel.common_args(scratch) + kernel.exec_args() +
			[f'--timeout={self.args.timeout}', f'--json={json_out}'] +
			variant_args(variant) + [cell.suite])	# kunit.filter_glob
		self.cpus.take(variant.cpus)
		start = time.monotonic()
		try:
			ended = kernel.kunit(argv, f'{stem}.kunit.log', hang=self.args.hang)
		finally:
			self.cpus.give(variant.cpus)
		seconds = round(time.monotonic() - start, 1)
		raw = os.path.join(scratch, 'test.log')
		if os.path.exists(raw):
			shutil.move(raw, log)
		shutil.rmtree(scratch, ignore_errors=True)
		return Booted(json_out, log, ended.status, seconds, ended.hung)

	def run_cell(self, kernel: Kernel, cell: matrix.Cell) -> CellResult:
		"""Boots CELL again while a case failed in every boot so far.

		A known failure alone does not earn a reboot: it is listed because
		it fails on every boot, and rebooting for it would only cost time.
		"""
		r = CellResult(cell)
		attempts = self.args.attempts if cell.suite in matrix.REBOOTABLE_SUITES else 1
		history: Dict[str, List[str]] = {}
		failed_every_boot: Set[str] = set()
		for n in range(1, attempts + 1):
			b = self.boot(kernel, cell, n)
			r.seconds.append(b.seconds)
			cases, crashes, infra = boot_results(b.json, b.log, b.status, cell.suite,
							     cell.boot.cpus)
			if b.hung:
				# What the log lacks (no JSON, no CPU count) is
				# the kill's doing, not the infrastructure's.
				crashes = [f'hung: printed nothing for {self.args.hang} s '
					   '(HANG), so the boot was ended'] + crashes
				infra = []
				r.hangs.append(Hang(n, self.args.hang, last_lines(b.log)))
			r.crashed += [f'boot {n}: {c}' for c in crashes]
			r.infrastructure += [f'boot {n}: {c}' for c in infra]
			r.boots.append('infrastructure' if infra else 'crashed' if crashes else 'ok')
			for case, st in cases.items():
				history.setdefault(case, []).append(st)
			failing = {c for c, s in cases.items() if s in KUNIT_FAILED}
			failed_every_boot = failing if n == 1 else failed_every_boot & failing
			if infra or crashes:
				break
			if all(is_known(cell, c, self.known) for c in failed_every_boot):
				break
		# Flaky means failed in one boot and passed in another: a case
		# that failed and was then not reached (a crash, an
		# infrastructure failure) failed.
		for case, statuses in sorted(history.items()):
			failed = any(s in KUNIT_FAILED for s in statuses)
			if failed and 'PASS' in statuses:
				r.flaky.append(case)
			elif failed:
				(r.known if is_known(cell, case, self.known) else r.failed).append(case)
			elif 'PASS' in statuses:
				r.passed.append(case)
			else:
				r.skipped.append(case)
		return r

	def finish(self, manifest: Manifest, r: CellResult) -> None:
		if stopping():
			return	# an interrupted boot is no result: the cell stays missing
		write_cell(self.args.results, manifest, asdict(r) | {'cell': asdict(r.cell)})
		self.say(f'{r.cell.name}: {len(r.passed)} passed, {len(r.failed)} failed, '
			 f'{len(r.skipped)} skipped, {len(r.flaky)} flaky, {len(r.known)} known, '
			 f'{len(r.crashed)} crashed, {len(r.infrastructure)} infrastructure '
			 f'({len(r.boots)} boot{"s" if len(r.boots) > 1 else ""}, '
			 f'{sum(r.seconds):.0f} s)')


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument('--tree', action='append', required=True, metavar='NAME=PATH',
			    help='an assembled tree and the name of its base, e.g. 6.12=build/tree/6.12')
	parser.add_argument('--out', required=True, help='parent of the build directories')
	parser.add_argument('--results', required=True, help='where cells are written')
	parser.add_argument('--modes', default=' '.join(matrix.MODES))
	parser.add_argument('--variants', default=' '.join(matrix.DEFAULT_VARIANTS))
	parser.add_argument('--suite', help='boot only this suite')
	parser.add_argument('--attempts', default='3')
	parser.add_argument('--timeout', type=int, default=900)
	parser.add_argument('--hang', default='120',
			    help='seconds without output after which a boot has hung')
	parser.add_argument('--known', help='known-failures file')
	parser.add_argument('--jobs', type=int, default=os.cpu_count() or 1,
			    help='host CPUs that boots may use at once')
	parser.add_argument('--no-build', action='store_true',
			    help='boot the kernels already built')
	args = parser.parse_args()
	args.results = os.path.abspath(args.results)
	args.out = os.path.abspath(args.out)

	trees: Dict[str, str] = {}
	for spec in args.tree:
		name, _, path = spec.partition('=')
		if not name or not path:
			die(f'--tree {spec}: expected NAME=PATH')
		if not os.path.exists(os.path.join(path, '.git', 'vmalloc-skip-assembled')):
			die(f'{path} is not an assembled tree (run make prepare)')
		trees[name] = os.path.abspath(path)
	try:
		cells = matrix.parse(' '.join(trees), args.modes, args.variants,
				     args.attempts)
		matrix.whole_number(args.hang, 'HANG', 'seconds')
	except matrix.MatrixError as e:
		die(str(e))
	args.hang = int(args.hang)
	if args.suite:
		cells = [c for c in cells if c.suite == args.suite]
	args.attempts = int(args.attempts)
	known = read_known(args.known)

	os.makedirs(args.results, exist_ok=True)
	manifest = Manifest.start(args.results, trees, cells)
	runner = Runner(args, known)

	interrupt_on_signals()

	# Boot workers: enough threads for every CPU to run a one-vCPU boot.
	pool = ThreadPoolExecutor(max_workers=args.jobs)
	futures = []
	try:
		for name, tree in trees.items():
			for mode in matrix.build_of(name).modes:
				mine = [c for c in cells if c.base == name and c.mode == mode]
				if not mine:
					continue
				kernel = Kernel(tree, name, mode, args.out)
				log = os.path.join(args.results, f'{matrix.kernel_name(name, mode)}.build.log')
				if not args.no_build:
					runner.say(f'{name} {mode}: building in {kernel.build_dir}')
					start = time.monotonic()
					built = kernel.build(log)
					runner.say(f'{name} {mode}: {"built" if built else "build FAILED"} '
						   f'in {time.monotonic() - start:.0f} s')
					if not built:
						for c in mine:
							r = CellResult(c, crashed=[f'the kernel did not build, see {log}'])
							runner.finish(manifest, r)
						continue
				for c in mine:
					futures.append(pool.submit(
						lambda k=kernel, c=c: runner.finish(manifest, runner.run_cell(k, c))))
		for f in futures:
			f.result()
	except BaseException:
		stop_all()
		pool.shutdown(wait=True, cancel_futures=True)
		raise
	pool.shutdown()
	return 0


if __name__ == '__main__':
	try:
		sys.exit(main())
	except KeyboardInterrupt as e:
		print(f'run_kunit: interrupted ({e or "SIGINT"}); the cells not written are missing',
		      file=sys.stderr)
		sys.exit(130)
