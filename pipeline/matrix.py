#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The run matrix: the one description of what the pipeline builds and boots.

A kernel is built per (base, build, KASAN mode), where a build is a
(toolchain, architecture) pair: GCC on arm64 unless TOOLCHAIN or KUNIT_ARCH
say otherwise. Each kernel is booted once per (boot variant, suite) that
applies to its mode: a *cell*. Every script that
builds, boots, names, summarizes or merges runs reads this module, so a new
dimension or variant is added here and nowhere else.

Shell scripts and the Makefile ask it from the command line:

  matrix.py check --bases B --modes M --variants V [--attempts N]
		  [--timeout S] [--hang S] [--flake-boots N] [--toolchain T] [--arch A]
  matrix.py modes [--arch A] | variants | bases  (the known values, one line)
  matrix.py local-prefix                      (of a KERNEL_SRC tree's name)
  matrix.py build-suffix --toolchain T --arch A  (of a non-default build's name)
  matrix.py cells --bases B --modes M --variants V   (one cell name a line)

check prints nothing and exits 0, or prints one line naming the variable
that is wrong and exits 2.
"""

import argparse
import os
import sys
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

MODES: Tuple[str, ...] = ('generic', 'sw_tags', 'hw_tags')
# The modes whose reports look objects up in a stack ring (report_tags.c).
TAG_MODES: Tuple[str, ...] = ('sw_tags', 'hw_tags')

# Compilers: Debian 12's GCC 12, or its LLVM 19 (clang-19, lld-19, llvm-19).
TOOLCHAINS: Tuple[str, ...] = ('gcc', 'llvm')
# Tag-based KASAN (sw_tags: Top Byte Ignore, hw_tags: MTE) is arm64 only.
ARCH_MODES: Dict[str, Tuple[str, ...]] = {
	'arm64': MODES,
	'x86_64': ('generic',),
}
ARCHES: Tuple[str, ...] = tuple(ARCH_MODES)

UPSTREAM_SUITE = 'kasan'
OUR_SUITE = 'kasan_vmalloc_skip'
SUITES: Tuple[str, ...] = (UPSTREAM_SUITE, OUR_SUITE)

# Only an upstream case may be called flaky (failed, then passed on a
# reboot): a case of our own suite that fails once has failed.
REBOOTABLE_SUITES: Tuple[str, ...] = (UPSTREAM_SUITE,)


@dataclass(frozen=True)
class Variant:
	"""A boot of a kernel: its command line, where it applies, what it runs."""
	name: str
	kernel_args: str
	modes: Tuple[str, ...]
	# The modes in which the upstream suite runs too; ours runs in all.
	upstream_modes: Tuple[str, ...] = MODES
	cpus: int = 1
	why: str = ''
	# False for a boot that only the upstream suite needs.
	ours: bool = True

	def suites(self, mode: str) -> Tuple[str, ...]:
		ours = (OUR_SUITE,) if self.ours else ()
		if mode in self.upstream_modes:
			return (UPSTREAM_SUITE,) + ours
		return ours


VARIANTS: Tuple[Variant, ...] = (
	Variant('default', '', MODES, cpus=2,
		why='the kernel as built; two vCPUs so that per-CPU paths run'),
	Variant('vmalloc_off', 'kasan.vmalloc=off', ('hw_tags',),
		why='vmalloc tagging off: every vmalloc() is match-all'),
	# The upstream suite refuses to start without KASAN (suite_init fails).
	Variant('kasan_off', 'kasan=off', ('hw_tags',), upstream_modes=(),
		why='KASAN off: __GFP_SKIP_KASAN must change nothing'),
	# The upstream suite does not depend on zeroing: it runs in these
	# variants where it always did, under hw_tags.
	Variant('init_on_alloc', 'init_on_alloc=1', MODES, ('hw_tags',),
		why='page_alloc zeroes on allocation'),
	Variant('init_on_free', 'init_on_free=1', MODES, ('hw_tags',),
		why='page_alloc zeroes on free, not on allocation'),
	Variant('async', 'kasan.mode=async', ('hw_tags',),
		why='asynchronous tag check faults'),
	Variant('asymm', 'kasan.mode=asymm', ('hw_tags',),
		why='synchronous reads, asynchronous writes'),
	# The upstream suite expects every page allocation to be tagged
	# (page_alloc_oob_right, match_all_not_assigned fail here).
	Variant('sampled', 'kasan.page_alloc.sample=2', ('hw_tags',), upstream_modes=(),
		why='page_alloc tags every second large allocation only'),
	# A ring that the boot does not fill, so that a report walks unused
	# entries (kmalloc_large_invalid_free_tag_zero).
	Variant('stack_ring', 'kasan.stack_ring_size=1048576', TAG_MODES, TAG_MODES,
		ours=False, why='a stack ring with unused entries'),
	# No stack collection: the ring is not allocated, whatever its size.
	Variant('stacktrace_off', 'kasan.stacktrace=off kasan.stack_ring_size=1024',
		TAG_MODES, TAG_MODES, ours=False,
		why='tag-based reports without a stack ring'),
)
VARIANT_BY_NAME: Dict[str, Variant] = {v.name: v for v in VARIANTS}

# What a run is asked for when no variable says otherwise.
DEFAULT_VARIANTS: Tuple[str, ...] = tuple(v.name for v in VARIANTS)


# A tree is named after its base: '7.3', or 'local-7.3' for a user's own
# tree (KERNEL_SRC) that the 7.3 series is applied to. Its kernels are
# named after the tree and the build: the default build (GCC, arm64) adds
# nothing, others add '-llvm', '-x86_64' or both ('7.3-llvm-x86_64'), so
# that the names, directories and known failures of the default build are
# those they always were.
LOCAL_PREFIX = 'local-'


@dataclass(frozen=True)
class Build:
	"""The compiler and architecture a tree's kernels are built with."""
	toolchain: str = 'gcc'
	arch: str = 'arm64'

	@property
	def suffix(self) -> str:
		return ''.join(f'-{x}' for x, default in ((self.toolchain, 'gcc'),
							  (self.arch, 'arm64'))
			       if x != default)

	@property
	def modes(self) -> Tuple[str, ...]:
		return ARCH_MODES[self.arch]


DEFAULT_BUILD = Build()


def build_of(name: str) -> Build:
	"""The build a kernel's tree name says: '7.3-llvm' -> Build('llvm')."""
	toolchain, arch = 'gcc', 'arm64'
	for word in name.split('-')[1:]:
		if word in TOOLCHAINS:
			toolchain = word
		elif word in ARCHES:
			arch = word
	return Build(toolchain, arch)


def known_name(tree: str) -> str:
	"""What known failures are listed under: the base and the build
	('7.3', '7.3-llvm'), for a user's tree as for the Debian base."""
	return tree[len(LOCAL_PREFIX):] if tree.startswith(LOCAL_PREFIX) else tree


def base_of(tree: str) -> str:
	"""The base whose series a tree carries: 'local-7.3-llvm' -> '7.3'."""
	name = known_name(tree)
	suffix = build_of(name).suffix
	return name[:-len(suffix)] if suffix else name


def kernel_name(tree: str, mode: str) -> str:
	"""A build of TREE in MODE: its directory and log names."""
	return f'{tree}-{mode}'


def known_bases() -> Tuple[str, ...]:
	"""The bases that have a series: patches/BASE/series."""
	patches = os.path.join(REPO, 'patches')
	return tuple(sorted(d for d in os.listdir(patches)
			    if os.path.isfile(os.path.join(patches, d, 'series'))))


@dataclass(frozen=True, order=True)
class Cell:
	"""One boot of one suite: (base, mode, variant, suite).

	BASE is the tree's name (LOCAL_PREFIX and the base for a user's tree),
	so that the cells of a user's tree never mix with those of the Debian
	base."""
	base: str
	mode: str
	variant: str
	suite: str

	@property
	def series_base(self) -> str:
		return base_of(self.base)

	@property
	def name(self) -> str:
		return f'{self.base}-{self.mode}-{self.variant}-{self.suite}'

	@property
	def boot(self) -> Variant:
		return VARIANT_BY_NAME[self.variant]

	@classmethod
	def from_name(cls, name: str) -> Optional['Cell']:
		"""The cell NAME names, or None if it is no cell of this matrix.
		Only the base may contain '-' (local-7.3)."""
		parts = name.rsplit('-', 3)
		if len(parts) != 4:
			return None
		cell = cls(*parts)
		try:
			cell.sort_key()
		except ValueError:
			return None
		return cell

	def sort_key(self) -> tuple:
		return (self.base, MODES.index(self.mode),
			[v.name for v in VARIANTS].index(self.variant),
			SUITES.index(self.suite))


class MatrixError(ValueError):
	"""A setting that names no cell, or a wrong one; one line."""


def words(value: Optional[str], variable: str) -> List[str]:
	"""The words of a setting; empty or duplicated words are refused."""
	got = (value or '').split()
	if not got:
		raise MatrixError(f'{variable} is empty: it must name at least one value')
	for w in got:
		if got.count(w) > 1:
			raise MatrixError(f"{variable} names '{w}' twice")
	return got


def check_known(got: Iterable[str], known: Sequence[str], what: str, variable: str) -> None:
	for w in got:
		if w not in known:
			raise MatrixError(f"{variable}: unknown {what} '{w}' (known: {' '.join(known)})")


def cells(bases: Sequence[str], modes: Sequence[str], variants: Sequence[str]) -> List[Cell]:
	"""Every cell of bases x modes x variants x suites that applies."""
	out = []
	for base in bases:
		for mode in build_of(base).modes:
			if mode not in modes:
				continue
			for v in VARIANTS:
				if v.name not in variants or mode not in v.modes:
					continue
				for suite in v.suites(mode):
					out.append(Cell(base, mode, v.name, suite))
	return out


def whole_number(value: Optional[str], variable: str, what: str) -> None:
	if value is not None and (not value.isdigit() or int(value) < 1):
		raise MatrixError(f"{variable} is '{value}': it must be a whole number of {what}, 1 or more")


def parse(bases: Optional[str], modes: Optional[str], variants: Optional[str],
	  attempts: Optional[str] = None) -> List[Cell]:
	"""The cells that BASES, MODES and VARIANTS ask for, checked."""
	b = words(bases, 'BASES')
	check_known([base_of(x) for x in b], known_bases(), 'base', 'BASES')
	m = words(modes, 'MODES')
	check_known(m, MODES, 'mode', 'MODES')
	for tree in b:
		build = build_of(tree)
		for mode in m:
			if mode not in build.modes:
				raise MatrixError(f'MODES: KASAN mode {mode} is not built for '
						  f"{build.arch} (its modes: {' '.join(build.modes)})")
	v = words(variants, 'VARIANTS')
	check_known(v, [x.name for x in VARIANTS], 'boot variant', 'VARIANTS')
	whole_number(attempts, 'ATTEMPTS', 'boots')
	found = cells(b, m, v)
	for mode in m:
		if not any(c.mode == mode for c in found):
			raise MatrixError(f"VARIANTS ({' '.join(v)}) names no boot variant of mode {mode}")
	return found


def add_expected_arguments(parser: argparse.ArgumentParser) -> None:
	"""--bases, --modes and --variants: the cells a set of results must hold."""
	parser.add_argument('--bases', help='expect the cells of this matrix instead '
			    'of those of the manifests (with --modes and --variants)')
	parser.add_argument('--modes')
	parser.add_argument('--variants')


def expected_cells(args: argparse.Namespace) -> Optional[List[str]]:
	"""The names of the cells add_expected_arguments() asked for, or None
	when --bases is not given and the manifests say which cells ran."""
	if args.bases is None:
		return None
	return [c.name for c in parse(args.bases, args.modes, args.variants)]


def build_from(toolchain: Optional[str], arch: Optional[str]) -> Build:
	"""The build TOOLCHAIN and KUNIT_ARCH ask for, checked."""
	t = toolchain or DEFAULT_BUILD.toolchain
	a = arch or DEFAULT_BUILD.arch
	check_known([t], TOOLCHAINS, 'toolchain', 'TOOLCHAIN')
	check_known([a], ARCHES, 'architecture', 'KUNIT_ARCH')
	return Build(t, a)


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument('what', choices=('check', 'cells', 'modes', 'variants',
					     'bases', 'local-prefix', 'build-suffix'))
	parser.add_argument('--toolchain')
	parser.add_argument('--arch')
	parser.add_argument('--bases')
	parser.add_argument('--modes')
	parser.add_argument('--variants')
	parser.add_argument('--attempts')
	parser.add_argument('--timeout', help='seconds a boot may take')
	parser.add_argument('--hang', help='seconds a boot may print nothing')
	parser.add_argument('--flake-boots', help='boots per kernel of make flake-check')
	args = parser.parse_args()
	try:
		build = build_from(args.toolchain, args.arch)
		if args.what == 'modes':
			print(' '.join(build.modes))
		elif args.what == 'build-suffix':
			print(build.suffix)
		elif args.what == 'variants':
			print(' '.join(v.name for v in VARIANTS))
		elif args.what == 'bases':
			print(' '.join(known_bases()))
		elif args.what == 'local-prefix':
			print(LOCAL_PREFIX)
		else:
			bases = ' '.join(b + build.suffix for b in (args.bases or '').split())
			found = parse(bases, args.modes, args.variants, args.attempts)
			whole_number(args.timeout, 'TIMEOUT', 'seconds')
			whole_number(args.hang, 'HANG', 'seconds')
			whole_number(args.flake_boots, 'FLAKE_BOOTS', 'boots')
			if args.what == 'cells':
				for c in found:
					print(c.name)
	except MatrixError as e:
		print(e)
		return 2
	return 0


if __name__ == '__main__':
	sys.exit(main())
