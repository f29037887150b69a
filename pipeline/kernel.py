#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""How the pipeline builds and boots the kernel of one (base, build, KASAN mode).

One kernel serves both suites and coverage: the suites' kunitconfig, the
mode's fragment, the guest trim (pipeline/guest.config: what the QEMU guest
never probes), gcov without CONFIG_GCOV_PROFILE_ALL (coverage/gcov.config)
and an initramfs whose /init copies the gcov data to the console after the
suites (coverage/init.c). Only the files that coverage reports on are
compiled with profiling (GCOV_PROFILE_<object>=y make options).

Coverage is measured with the default build (GCC, arm64) only. The other
builds (matrix.Build: clang, x86_64) are the suites' kunitconfig and the
mode's fragment as they are, with the guest trim on arm64; no gcov, no
initramfs (kunit.py's kunit_shutdown ends the boot after the suites).

make kunit, make mutants and make bisect all build through this module, into
the same build directory with the same options, so that none of them
reconfigures (and so rebuilds) another's kernel.
"""

import os
import re
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
from typing import IO, Callable, List, NamedTuple, Optional, Set

import matrix

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
COVERAGE = os.path.join(REPO, 'coverage')

GUEST_CONFIG = os.path.join(HERE, 'guest.config')
GCOV_CONFIG = os.path.join(COVERAGE, 'gcov.config')
QEMU_CONFIG = os.path.join(COVERAGE, 'qemu_arm64_mte_init.py')
# The same machine without /init, for the builds without coverage.
MTE_QEMU_CONFIG = os.path.join(REPO, 'tools/testing/kunit/qemu_configs/arm64_mte.py')
PROFILED_FILES = os.path.join(COVERAGE, 'profiled-files')

CROSS_COMPILE = 'aarch64-linux-gnu-'
CC = f'ccache {CROSS_COMPILE}gcc'
# Debian 12's LLVM 19: LLVM=-19 makes kbuild use clang-19, ld.lld-19 and
# llvm-*-19; CC names clang-19 again only to put ccache in front.
LLVM_VERSION = '-19'
LLVM_CC = f'ccache clang{LLVM_VERSION}'
# arch/<dir>/boot/<image> of what kunit.py boots, per architecture.
IMAGES = {'arm64': ('arm64', 'Image.gz'), 'x86_64': ('x86', 'bzImage')}


def compiler_options(build: matrix.Build) -> List[str]:
	"""The make options (kunit.py --make_options) that pick BUILD's
	compiler, with ccache in front."""
	if build.toolchain == 'llvm':
		return [f'LLVM={LLVM_VERSION}', f'CC={LLVM_CC}']
	if build.arch == 'arm64':
		return [f'CC={CC}']
	return ['CC=ccache gcc']


def compiler_argv(build: matrix.Build) -> List[str]:
	"""The command whose --version names BUILD's compiler."""
	cc = [o for o in compiler_options(build) if o.startswith('CC=')][0]
	return [cc.split()[-1], '--version']


def arch_args(build: matrix.Build, qemu_config: str = MTE_QEMU_CONFIG) -> List[str]:
	"""kunit.py's arguments for BUILD's architecture; arm64 boots QEMU_CONFIG
	(a machine with MTE)."""
	if build.arch == 'arm64':
		return ['--arch=arm64', f'--cross_compile={CROSS_COMPILE}',
			f'--qemu_config={qemu_config}']
	return [f'--arch={build.arch}']


def variant_args(variant: matrix.Variant) -> List[str]:
	"""kunit.py exec (or run) arguments of a boot VARIANT: its kernel
	command line and its vCPUs."""
	args = [f'--kernel_args={variant.kernel_args}'] if variant.kernel_args else []
	if variant.cpus > 1:
		args.append(f'--qemu_args=-smp {variant.cpus}')
	return args


def boot_command(build: matrix.Build, cmd: List[str]) -> List[str]:
	"""CMD, a kunit.py command that boots BUILD's kernel, as this host can
	run it (x86_64 without a usable KVM: without_kvm())."""
	if build.arch == 'x86_64' and kvm_unusable():
		return without_kvm(cmd)
	return cmd

# In the tree: the suites' kunitconfig and the KASAN mode fragments. A
# bisect step of an early commit passes a copy of the last commit's.
SUITES_CONFIG = 'mm/kasan/.kunitconfig'
MODE_CONFIG = 'tools/testing/kunit/configs/kasan_{mode}.config'


def series_c_files(tree: str) -> List[str]:
	"""The C files that the series and the overlay add to or change in
	TREE: its first commit is the pristine base (assemble.sh)."""
	root = subprocess.run(['git', '-C', tree, 'rev-list', '--max-parents=0', 'HEAD'],
			      capture_output=True, text=True, check=True).stdout.split()[0]
	return sorted(subprocess.run(['git', '-C', tree, 'diff', '--name-only',
				      '--diff-filter=AM', root, 'HEAD', '--', '*.c'],
				     capture_output=True, text=True, check=True).stdout.split())


def profiled_objects(tree: str) -> List[str]:
	"""GCOV_PROFILE_<object>=y for the profiled files and the series' C files.

	Kbuild matches the object name without its directory, so a same-named
	object elsewhere is profiled too; the report keeps only its own files.
	"""
	with open(PROFILED_FILES) as f:
		files = [l.strip() for l in f if l.strip() and not l.startswith('#')]
	stems = sorted({os.path.basename(f)[:-len('.c')] for f in files + series_c_files(tree)})
	return [f'GCOV_PROFILE_{s}.o=y' for s in stems]


_running: Set[subprocess.Popen] = set()
_running_lock = threading.Lock()
_stopping = threading.Event()


def stop_all() -> None:
	"""Ends every kunit.py started here, with its make or QEMU, and starts no more."""
	with _running_lock:
		_stopping.set()
		for proc in _running:
			try:
				os.killpg(proc.pid, signal.SIGTERM)
			except ProcessLookupError:
				pass


def _end_session(proc: subprocess.Popen) -> None:
	"""Ends PROC's session with SIGTERM, then SIGKILL after 10 s, and reaps PROC."""
	for sig in (signal.SIGTERM, signal.SIGKILL):
		try:
			os.killpg(proc.pid, sig)
		except ProcessLookupError:
			break
		try:
			proc.wait(timeout=10)
			break
		except subprocess.TimeoutExpired:
			continue


def _start(argv: List[str], **popen_args: object) -> Optional[subprocess.Popen]:
	"""ARGV in a session of its own that stop_all() ends; None once
	stop_all() ran."""
	with _running_lock:
		if _stopping.is_set():
			return None
		proc = subprocess.Popen(argv, start_new_session=True,  # type: ignore[call-overload]
					**popen_args)
		_running.add(proc)
		return proc


def _forget(proc: subprocess.Popen) -> None:
	with _running_lock:
		_running.discard(proc)


def call_in_session(argv: List[str], **popen_args: object) -> int:
	"""subprocess.call() in a session of its own, which stop_all() ends,
	and so does an interrupt of the thread that waits for it (Ctrl-C, or
	SIGTERM and SIGHUP with interrupt_on_signals()). A terminal's Ctrl-C
	does not reach another session: kunit.py, QEMU and make are ended
	here. Returns 130 without starting anything once stop_all() ran."""
	proc = _start(argv, **popen_args)
	if proc is None:
		return 130
	try:
		return proc.wait()
	except BaseException:
		_end_session(proc)
		raise
	finally:
		_forget(proc)


class Exit(NamedTuple):
	"""How a child ended: its exit status, and whether it was ended
	because it printed nothing for the hang limit (call_watched())."""
	status: int
	hung: bool = False


# Once a child printed nothing for the hang limit, it gets SIGINT, on which
# kunit.py ends its QEMU and writes the rest of the kernel log and its
# JSON (it takes a second or two); after this long, its session is ended.
HANG_GRACE = 15.0


def _copy(fd: int, out: IO[bytes], silence: float, until: float = float('inf')) -> bool:
	"""Copies what FD prints to OUT until it closes (returns False), or
	prints nothing for SILENCE seconds, or time.monotonic() reaches
	UNTIL (True)."""
	last = time.monotonic()
	while True:
		left = min(last + silence, until) - time.monotonic()
		if left <= 0:
			return True
		ready, _, _ = select.select([fd], [], [], left)
		if not ready:
			continue
		chunk = os.read(fd, 65536)
		if not chunk:
			return False
		out.write(chunk)
		out.flush()
		last = time.monotonic()


def call_watched(argv: List[str], out: IO[bytes], hang: float,
		 grace: float = HANG_GRACE, **popen_args: object) -> Exit:
	"""call_in_session() with ARGV's stdout and stderr copied to OUT as it
	prints them. A child that prints nothing for HANG seconds has hung:
	it gets SIGINT (kunit.py then ends its QEMU and writes its logs), and
	GRACE seconds later, if it has not closed its output by then, its
	whole session is ended (SIGTERM, then SIGKILL)."""
	proc = _start(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **popen_args)
	if proc is None:
		return Exit(130)
	assert proc.stdout is not None
	fd = proc.stdout.fileno()
	try:
		hung = _copy(fd, out, hang)
		if hung:
			try:
				os.kill(proc.pid, signal.SIGINT)
			except ProcessLookupError:
				pass
			_copy(fd, out, grace, time.monotonic() + grace)
			# Whatever is left of the session (a QEMU that
			# kunit.py did not end); the leader, exited or not,
			# is reaped here.
			_end_session(proc)
		return Exit(proc.wait(), hung)
	except BaseException:
		_end_session(proc)
		raise
	finally:
		proc.stdout.close()
		_forget(proc)


def exit_interruptibly(main: Callable[[], int], name: str) -> None:
	"""sys.exit(main()) of a script that runs children: SIGTERM and SIGHUP
	interrupt it like Ctrl-C, and an interrupt exits with 130."""
	interrupt_on_signals()
	try:
		sys.exit(main())
	except KeyboardInterrupt:
		print(f'{name}: interrupted', file=sys.stderr)
		sys.exit(130)


def _interrupt(signum: int, _frame: object) -> None:
	raise KeyboardInterrupt(signal.Signals(signum).name)


def interrupt_on_signals() -> None:
	"""SIGTERM and SIGHUP interrupt like SIGINT does, so that cleanup runs."""
	for s in (signal.SIGTERM, signal.SIGHUP):
		signal.signal(s, _interrupt)


def stopping() -> bool:
	return _stopping.is_set()


def kvm_unusable() -> bool:
	"""A /dev/kvm on a CPU without virtualization extensions (a nested
	guest that has the device but not VMX or SVM). 7.3's kunit.py asks QEMU
	for -accel kvm first; QEMU opens the device, and the x86_64 guest
	then never prints a line, or QEMU aborts setting an MSR."""
	if not os.path.exists('/dev/kvm'):
		return False
	with open('/proc/cpuinfo') as f:
		return not re.search(r'^flags\s*:.*\b(vmx|svm)\b', f.read(), re.M)


def without_kvm(argv: List[str]) -> List[str]:
	"""ARGV in a mount namespace where /dev/kvm is /dev/null: QEMU's KVM
	accelerator fails to initialize and it falls back to TCG."""
	user = [] if os.geteuid() == 0 else ['--map-root-user']
	return (['unshare', '--mount', '--propagation', 'private'] + user +
		['sh', '-c', 'mount --bind /dev/null /dev/kvm && exec "$@"', 'sh'] + argv)


class Kernel:
	"""The kernel of (tree, mode) in OUT/NAME-MODE, built with kunit.py."""

	def __init__(self, tree: str, name: str, mode: str, out: str,
		     configs: Optional[str] = None) -> None:
		self.tree = os.path.abspath(tree)
		self.name = name
		self.mode = mode
		self.build_dir = os.path.join(os.path.abspath(out), matrix.kernel_name(name, mode))
		self.initramfs = os.path.join(os.path.abspath(out), f'{name}-initramfs')
		self.configs = configs
		self.kind = matrix.build_of(name)
		# Coverage (gcov, its initramfs) only in the default build.
		self.coverage = self.kind == matrix.DEFAULT_BUILD

	def _tree_config(self, rel: str) -> str:
		if self.configs:
			return os.path.join(self.configs, os.path.basename(rel))
		return os.path.join(self.tree, rel)

	def kunitconfigs(self) -> List[str]:
		configs = [self._tree_config(SUITES_CONFIG),
			   self._tree_config(MODE_CONFIG.format(mode=self.mode))]
		if self.kind.arch == 'arm64':
			configs.append(GUEST_CONFIG)
		if self.coverage:
			configs += [GCOV_CONFIG, os.path.join(self.initramfs, 'initramfs.config')]
		return configs

	def common_args(self, build_dir: Optional[str] = None) -> List[str]:
		qemu = QEMU_CONFIG if self.coverage else MTE_QEMU_CONFIG
		return arch_args(self.kind, qemu) + [f'--build_dir={build_dir or self.build_dir}']

	def exec_args(self) -> List[str]:
		"""kunit.py exec arguments of every boot. The coverage machine's
		command line has a log buffer large enough for the gcov dump;
		the other builds get the same, or a burst of KASAN reports
		(kasan_bitops_tags) overwrites KTAP lines before the console
		prints them."""
		return [] if self.coverage else ['--kernel_args=log_buf_len=8M']

	def make_options(self) -> List[str]:
		profiled = profiled_objects(self.tree) if self.coverage else []
		return compiler_options(self.kind) + profiled

	def build_argv(self) -> List[str]:
		return (['build'] + self.common_args() +
			[f'--kunitconfig={c}' for c in self.kunitconfigs()] +
			[f'--make_options={o}' for o in self.make_options()])

	def kunit(self, argv: List[str], log: str, hang: Optional[int] = None) -> Exit:
		"""Runs the tree's own kunit.py; its output goes to LOG.

		In a session of its own (call_in_session()), so that it ends
		with the QEMU it started (kunit.py does not pass SIGTERM on).
		With HANG, a kunit.py that prints nothing for HANG seconds is
		ended (call_watched()): it prints a line as each case ends, so
		its silence is a guest that stopped making progress, even one
		that still prints a stall warning now and then."""
		cmd = [sys.executable, 'tools/testing/kunit/kunit.py'] + argv
		if argv[0] == 'exec':
			cmd = boot_command(self.kind, cmd)
		# Unbuffered, so that its lines arrive as it prints them.
		env = dict(os.environ, PYTHONDONTWRITEBYTECODE='1', PYTHONUNBUFFERED='1')
		with open(log, 'wb') as out:
			out.write(('$ ' + ' '.join(cmd) + '\n').encode())
			out.flush()
			if hang is not None:
				return call_watched(cmd, out, hang, cwd=self.tree, env=env)
			return Exit(call_in_session(cmd, cwd=self.tree, stdout=out,
						    stderr=subprocess.STDOUT, env=env))

	def build(self, log: str) -> bool:
		os.makedirs(self.build_dir, exist_ok=True)
		if self.coverage and subprocess.call([os.path.join(COVERAGE, 'initramfs.sh'),
						      self.tree, self.initramfs]) != 0:
			return False
		return self.kunit(self.build_argv(), log).status == 0

	@property
	def image(self) -> str:
		arch_dir, image = IMAGES[self.kind.arch]
		return os.path.join(self.build_dir, 'arch', arch_dir, 'boot', image)

	def boot_dir(self, path: str) -> str:
		"""A build directory of its own for one boot: kunit.py exec writes
		test.log and .kunitconfig there, so boots can run side by side."""
		if os.path.exists(path):
			shutil.rmtree(path)
		arch_dir, image = IMAGES[self.kind.arch]
		boot = os.path.join(path, 'arch', arch_dir, 'boot')
		os.makedirs(boot)
		os.symlink(self.image, os.path.join(boot, image))
		return path


def main() -> int:
	import argparse
	parser = argparse.ArgumentParser(
		description='Build the kernel of one (tree, mode) as make kunit does.')
	parser.add_argument('--tree', required=True)
	parser.add_argument('--name', required=True, help='the tree, e.g. 6.12')
	parser.add_argument('--mode', required=True)
	parser.add_argument('--out', required=True, help='parent of the build directories')
	parser.add_argument('--configs', help='take the suites\' and the mode\'s kunitconfig '
			    'from this directory instead of the tree')
	parser.add_argument('--log', required=True)
	args = parser.parse_args()
	kernel = Kernel(args.tree, args.name, args.mode, args.out, args.configs)
	try:
		return 0 if kernel.build(args.log) else 1
	except KeyboardInterrupt:
		stop_all()
		return 130


if __name__ == '__main__':
	interrupt_on_signals()
	sys.exit(main())
