#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Benchmark the series: 6.12 hw_tags kernels without and with it, same config.

Both kernels carry the benchmark patch of bench/patches/6.12/ (tag-store
counters and in-kernel workloads), which the test kernels never get:
  unpatched  pristine 6.12 + benchmark patch
  patched    pristine 6.12 + the series (patches/6.12/) + benchmark patch
Each is assembled by pipeline/assemble.sh under build/bench/tree/, built by
kunit.py build into build/bench/out/ from the hw_tags test kernel's
fragments plus bench/bench.config, and booted directly with QEMU on the
machine of tools/testing/kunit/qemu_configs/arm64_mte.py. Its /init
(bench/init.c) runs the workloads and prints "bench:" lines.

Two kinds of boot per kernel:
  -icount shift=0,sleep=off  tag-store counts (exact) and guest instructions
                             (deterministic; idle time would count, and
                             the workloads never idle)
  plain TCG                  wall time, min/median/max over --wall-reps

Prints the table and writes it to build/bench/bench.md.

With --trace KIND, each kernel instead boots once and runs one counted
iteration of every workload while the benchmark patch logs the call stack
of each tag operation of KIND; the call chains, grouped and counted, go to
build/bench/trace-KIND.md. This tells what a workload still tags.
"""

import argparse
import datetime
import os
import re
import shutil
import statistics
import subprocess
import sys
from typing import Dict, List, Optional, Tuple

BASE = '6.12'
WHICH = ('unpatched', 'patched')
WORKLOADS = ('kthread', 'uthread', 'fork_64M', 'vmalloc', 'vmalloc_skip_kasan')
# Kinds of memory the benchmark patch counts (and can trace); what the
# series can remove is tagged through the vmalloc area or as whole pages.
KINDS = ('vmalloc', 'page', 'slab', 'other', 'clear')
SERIES_KINDS = ('vmalloc', 'page')
# The matrix suite exists only with the series; the benchmark kernels must
# have the same config, so neither gets it (kunit.enable=0 anyway).
DROPPED_OPTIONS = ('CONFIG_KASAN_VMALLOC_SKIP_KUNIT_TEST',)

# A boot's figures: (rep, workload) -> key -> value.
Figures = Dict[Tuple[int, str], Dict[str, int]]


class BenchError(Exception):
	pass


def run(argv: List[str], log: Optional[str] = None, **kw) -> None:
	"""Runs argv; its output goes to log (if any); fails with the log's name."""
	if log:
		with open(log, 'w') as out:
			out.write('$ ' + ' '.join(argv) + '\n')
			out.flush()
			ret = subprocess.call(argv, stdout=out, stderr=subprocess.STDOUT, **kw)
	else:
		ret = subprocess.call(argv, **kw)
	if ret:
		raise BenchError(f'{argv[0]} failed' + (f', see {log}' if log else ''))


class Bench:
	def __init__(self, args: argparse.Namespace) -> None:
		self.repo = os.path.abspath(args.repo)
		self.build = os.path.abspath(args.build)
		self.dir = os.path.join(self.build, 'bench')
		self.src = os.path.join(self.build, 'base', f'linux-source-{BASE}')
		self.patch_dir = os.path.join(self.repo, 'bench', 'patches', BASE)
		self.args = args

	def path(self, *parts: str) -> str:
		return os.path.join(self.dir, *parts)

	def tree(self, which: str) -> str:
		return self.path('tree', which)

	def out(self, which: str) -> str:
		return self.path('out', which)

	# -- assembly --------------------------------------------------------

	def series_dir(self, which: str) -> str:
		"""A series directory for assemble.sh: links to the patches, and a
		series file ending with the benchmark patch."""
		d = self.path('series', which)
		shutil.rmtree(d, ignore_errors=True)
		os.makedirs(d)
		lines: List[str] = []
		if which == 'patched':
			series = os.path.join(self.repo, 'patches', BASE)
			for name in os.listdir(series):
				os.symlink(os.path.join(series, name), os.path.join(d, name))
			with open(os.path.join(series, 'series')) as f:
				lines = f.read().splitlines()
			os.remove(os.path.join(d, 'series'))
			# Lines name "../common/..." relative to the series directory.
			common = self.path('series', 'common')
			if not os.path.lexists(common):
				os.symlink(os.path.join(self.repo, 'patches', 'common'), common)
		bench = sorted(p for p in os.listdir(self.patch_dir) if p.endswith('.patch'))
		if not bench:
			raise BenchError(f'no benchmark patch in {self.patch_dir}')
		for name in bench:
			os.symlink(os.path.join(self.patch_dir, name), os.path.join(d, name))
		lines += ['# Benchmark kernels only (make bench).'] + bench
		with open(os.path.join(d, 'series'), 'w') as f:
			f.write('\n'.join(lines) + '\n')
		return d

	def assemble(self, which: str) -> None:
		env = dict(os.environ, SERIES_DIR=self.series_dir(which))
		if which == 'unpatched':
			# No overlay: its files belong to the series' commits.
			empty = self.path('no-overlay')
			if not os.path.isdir(os.path.join(empty, '.git')):
				os.makedirs(empty, exist_ok=True)
				run(['git', 'init', '-q', empty])
			env['OVERLAY_REPO'] = empty
		run([os.path.join(self.repo, 'pipeline', 'assemble.sh'), '--if-stale',
		     self.src, BASE, self.tree(which)], env=env)

	# -- build -------------------------------------------------------------

	def initramfs(self, tree: str) -> str:
		"""Builds bench/init.c into an initramfs; returns its config fragment."""
		d = self.path('initramfs')
		run([os.path.join(self.repo, 'coverage', 'initramfs.sh'), tree, d,
		     os.path.join(self.repo, 'bench', 'init.c')])
		return os.path.join(d, 'initramfs.config')

	def kasan_kunitconfig(self) -> str:
		"""mm/kasan/.kunitconfig without the options only one tree has."""
		path = self.path('kasan.kunitconfig')
		with open(os.path.join(self.repo, 'mm', 'kasan', '.kunitconfig')) as f:
			lines = [l for l in f if not l.startswith(DROPPED_OPTIONS)]
		with open(path, 'w') as f:
			f.writelines(lines)
		return path

	def build_kernel(self, which: str, fragments: List[str]) -> None:
		os.makedirs(self.out(which), exist_ok=True)
		log = self.path(f'{which}.build.log')
		print(f'bench: building {which} in {self.out(which)}', flush=True)
		run([sys.executable, 'tools/testing/kunit/kunit.py', 'build',
		     '--arch=arm64', '--cross_compile=aarch64-linux-gnu-',
		     f'--build_dir={self.out(which)}',
		     '--qemu_config=' + os.path.join(
			     self.repo, 'tools/testing/kunit/qemu_configs/arm64_mte.py'),
		     '--make_options=CC=ccache aarch64-linux-gnu-gcc'] +
		    [f'--kunitconfig={c}' for c in fragments],
		    log=log, cwd=self.tree(which))

	def config_difference(self) -> List[str]:
		"""Lines of one .config that the other lacks (expected: none that matter)."""
		configs = []
		for which in WHICH:
			with open(os.path.join(self.out(which), '.config')) as f:
				configs.append({l.strip() for l in f
						if l.startswith('CONFIG_') or ' is not set' in l})
		return ([f'unpatched only: {l}' for l in sorted(configs[0] - configs[1])] +
			[f'patched only: {l}' for l in sorted(configs[1] - configs[0])])

	# -- boots -------------------------------------------------------------

	def boot(self, which: str, label: str, icount: bool, reps: int,
		 count: bool) -> Figures:
		init_args = f'bench_reps={reps} bench_count={int(count)}'
		log = self.boot_log(which, label, icount, init_args)
		return parse_log(log, reps, count)

	def boot_log(self, which: str, label: str, icount: bool, init_args: str) -> str:
		"""Boots one kernel with its /init arguments; returns the log's path."""
		log = self.path('logs', f'{which}-{label}.log')
		os.makedirs(os.path.dirname(log), exist_ok=True)
		if self.args.init_args:
			init_args += ' ' + self.args.init_args
		argv = ['qemu-system-aarch64', '-machine', 'virt,mte=on',
			'-cpu', 'max,pauth-impdef=on', '-smp', '1', '-m', '1G',
			'-nographic', '-no-reboot', '-accel', 'tcg',
			'-kernel', os.path.join(self.out(which), 'arch/arm64/boot/Image.gz'),
			'-append', 'console=ttyAMA0 kunit.enable=0 panic=-1 -- ' + init_args]
		if icount:
			argv[1:1] = ['-icount', 'shift=0,sleep=off']
		print(f'bench: booting {which} ({label})', flush=True)
		try:
			with open(log, 'w') as out:
				out.write('$ ' + ' '.join(argv) + '\n')
				out.flush()
				subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=out,
					       stderr=subprocess.STDOUT, timeout=self.args.timeout)
		except subprocess.TimeoutExpired:
			raise BenchError(f'{which} ({label}) timed out after '
					 f'{self.args.timeout} s, see {log}')
		return log

	# -- the whole run -----------------------------------------------------

	def main(self) -> int:
		if not os.path.isfile(os.path.join(self.src, 'Makefile')):
			raise BenchError(f'no base {self.src} (make fetch)')
		os.makedirs(self.dir, exist_ok=True)
		if not self.args.no_build:
			for which in WHICH:
				self.assemble(which)
			fragments = [self.kasan_kunitconfig(),
				     os.path.join(self.repo, 'tools/testing/kunit/configs/kasan_hw_tags.config'),
				     os.path.join(self.repo, 'bench', 'bench.config'),
				     self.initramfs(self.tree('patched'))]
			for which in WHICH:
				self.build_kernel(which, fragments)
		if self.args.trace:
			return self.trace(self.args.trace)
		icount: Dict[str, Figures] = {}
		wall: Dict[str, Figures] = {}
		for which in WHICH:
			icount[which] = self.boot(which, 'icount', True, self.args.icount_reps, True)
		for which in WHICH:
			wall[which] = self.boot(which, 'tcg', False, self.args.wall_reps, False)
		table = make_table(icount, wall)
		notes = self.config_difference()
		notes += [f'{w}: {n}' for w in WHICH for n in check_deterministic(icount[w])]
		report = self.report(table, notes)
		print(report)
		with open(self.path('bench.md'), 'w') as f:
			f.write(report)
		print(f'bench: written to {self.path("bench.md")}')
		return 0

	def trace(self, kind: str) -> int:
		"""Boots each kernel once with KIND traced; writes trace-KIND.md."""
		traces = {which: parse_trace(self.boot_log(which, f'trace-{kind}', False,
							   f'bench_trace={kind}'))
			  for which in WHICH}
		text = [f'# `make bench` trace: what writes `{kind}` tags',
			'',
			f'{datetime.date.today().isoformat()}, {BASE} hw_tags, one counted '
			'iteration of each workload after the warm-up. A row is one call chain '
			f'(innermost first, from the caller of the {kind} tagging) and the '
			'tag operations that took it.', '']
		for w in WORKLOADS:
			text += [f'## {w}', '']
			for which in WHICH:
				counts, chains = traces[which][w]
				ops = counts.get(kind + '_ops', 0)
				logged = sum(chains.values())
				text.append(f'- {which}: {ops} operations, '
					    f'{counts.get(kind + "_bytes", 0)} bytes counted'
					    + ('' if logged == ops else
					       f'; **{logged} stacks logged**: the chains do not '
					       'account for the count exactly (printk dropped '
					       'messages, or operations ran while counting was '
					       'switched on or off)'))
			text += ['', '| kernel | ops | bytes each | call chain |', '|---|---|---|---|']
			for which in WHICH:
				for (size, chain), n in sorted(traces[which][w][1].items(),
							       key=lambda item: -item[1]):
					text.append(f'| {which} | {n} | {size} | {chain} |')
			text.append('')
		report = '\n'.join(text)
		print(report)
		out = self.path(f'trace-{kind}.md')
		with open(out, 'w') as f:
			f.write(report)
		print(f'bench: written to {out}')
		return 0

	def report(self, table: List[List[str]], notes: List[str]) -> str:
		qemu = subprocess.run(['qemu-system-aarch64', '--version'], text=True,
				      capture_output=True).stdout.splitlines()[0]
		head = ['workload', 'measure', 'unpatched', 'patched', 'patched/unpatched']
		rows = [head, ['---'] * len(head)] + table
		text = [f'# `make bench`: {BASE} hw_tags without and with the series',
			'',
			f'{datetime.date.today().isoformat()}, {qemu}, '
			f'{self.args.icount_reps} -icount boot(s) and '
			f'{self.args.wall_reps} TCG repetitions per kernel.',
			'',
			'Tag figures are exact counts (kernel counters of the bytes whose MTE '
			'tags are written and of the operations writing them), by kind of '
			'memory: `vmalloc` and `page` are what the series removes (stacks, '
			'page tables, vmalloc pages), `slab` is not its business. '
			'Instructions are guest instructions under `-icount shift=0` '
			'(deterministic; QEMU emulates a tag store in few instructions, so '
			'this understates hardware gains). Wall time is plain TCG: it '
			'overstates the gain (QEMU\'s tag stores are slow) and is noisy.',
			'']
		text += ['| ' + ' | '.join(r) + ' |' for r in rows]
		if notes:
			text += ['', 'Notes:', ''] + [f'- {n}' for n in notes]
		return '\n'.join(text) + '\n'


LINE = re.compile(r'bench: (.*)')


def parse_log(log: str, reps: int, count: bool) -> Figures:
	"""The figures of one boot; fails unless every repetition is complete."""
	figures: Figures = {}
	done = False
	with open(log, errors='replace') as f:
		for raw in f:
			m = LINE.search(raw.replace('\r', ''))
			if not m:
				continue
			words = m.group(1).split()
			if words and words[0] == 'error':
				raise BenchError(f'{log}: {m.group(0).strip()}')
			if words == ['done']:
				done = True
			pairs = dict(w.split('=', 1) for w in words if '=' in w)
			if 'rep' in pairs and 'workload' in pairs:
				key = (int(pairs['rep']), pairs['workload'])
				figures[key] = {k: int(v) for k, v in pairs.items()
						if k not in ('rep', 'workload')}
	missing = [f'rep {r} {w}' for r in range(1, reps + 1) for w in WORKLOADS
		   if (r, w) not in figures or 'ns' not in figures[(r, w)] or
		   (count and 'vmalloc_bytes' not in figures[(r, w)])]
	if not done or missing:
		raise BenchError(f'{log}: incomplete bench output '
				 f'({"missing " + missing[0] if missing else "no done line"})')
	return figures


# Frames of the counting itself and of KASAN's tagging, left out of chains.
# So are the page allocator's inner frames: post_alloc_hook (allocation) or
# free_pages_prepare (free) stays, then the allocating or freeing caller.
TRACE_MACHINERY = re.compile(r'(show_stack|dump_stack|dump_backtrace|tag_bench_|'
			     r'mte_tag_bench_|mte_set_mem_tag|_?_?kasan_|unpoison_|poison_|'
			     r'get_page_from_freelist|__alloc_pages|alloc_pages_mpol)')
FRAME = re.compile(r'^\s+([A-Za-z_][\w.]*)\+0x[0-9a-f]+/0x[0-9a-f]+')
TRACE_HEAD = re.compile(r'vmalloc_skip_bench: trace: (\w+) (\d+) bytes')
CHAIN_FRAMES = 7

# Per workload: the counts of its traced iteration, and
# (bytes, call chain) -> operations.
Traces = Dict[str, Tuple[Dict[str, int], Dict[Tuple[int, str], int]]]


def parse_trace(log: str) -> Traces:
	"""The traced stacks of one boot, grouped per workload and call chain."""
	traces: Traces = {}
	workload: Optional[str] = None
	stack: Optional[List[str]] = None
	size = 0
	done = False

	def close() -> None:
		if workload and stack is not None:
			frames = [f for f in stack if not TRACE_MACHINERY.match(f)]
			chain = ' < '.join(frames[:CHAIN_FRAMES]) or '(no frames)'
			chains = traces[workload][1]
			chains[(size, chain)] = chains.get((size, chain), 0) + 1

	with open(log, errors='replace') as f:
		for raw in f:
			line = re.sub(r'^\[[ \d.]+\] ?', '', raw.rstrip('\r\n'))
			# Before LINE, which its "vmalloc_skip_bench: " would match.
			m = TRACE_HEAD.search(line)
			if m:
				close()
				stack, size = [], int(m.group(2))
				continue
			m = LINE.search(line)
			if m:
				close()
				stack = None
				words = m.group(1).split()
				pairs = dict(w.split('=', 1) for w in words if '=' in w)
				if words and words[0] == 'error':
					raise BenchError(f'{log}: {m.group(0).strip()}')
				if words[:1] == ['done']:
					done = True
				elif words[:1] == ['trace']:
					workload = pairs['workload']
					traces[workload] = ({}, {})
				elif words[:1] == ['traced']:
					traces[pairs['workload']][0].update(
						(k, int(v)) for k, v in pairs.items() if k != 'workload')
				continue
			m = FRAME.match(line)
			if m and stack is not None:
				stack.append(m.group(1))
	close()
	missing = [w for w in WORKLOADS if w not in traces or not traces[w][0]]
	if not done or missing:
		raise BenchError(f'{log}: incomplete trace output '
				 f'({"missing " + missing[0] if missing else "no done line"})')
	return traces


def per_iter(figures: Figures, workload: str, key: str) -> List[float]:
	return [f[key] / f['iters'] for (r, w), f in sorted(figures.items())
		if w == workload and key in f]


def kinds(figures: Figures) -> List[str]:
	names = {k[:-len('_bytes')] for f in figures.values() for k in f
		 if k.endswith('_bytes')}
	return sorted(names, key=lambda k: (k not in SERIES_KINDS, k))


def check_deterministic(figures: Figures) -> List[str]:
	"""Tag counts must not vary across -icount repetitions."""
	notes = []
	for w in WORKLOADS:
		for key in sorted({k for (r, ww), f in figures.items() if ww == w
				   for k in f if k.endswith(('_bytes', '_ops'))}):
			values = set(per_iter(figures, w, key))
			if len(values) > 1:
				notes.append(f'{w} {key} varies across repetitions: '
					     f'{min(values):.2f}..{max(values):.2f}')
	return notes


def fmt(v: float) -> str:
	return f'{v:,.0f}' if v >= 100 or v == int(v) else f'{v:,.2f}'


def ratio(u: float, p: float) -> str:
	if u == 0:
		return '-' if p == 0 else 'n/a (0 unpatched)'
	return f'{p / u:.3f}'


def make_table(icount: Dict[str, Figures], wall: Dict[str, Figures]) -> List[List[str]]:
	rows = []
	all_kinds = kinds(icount['unpatched']) + [k for k in kinds(icount['patched'])
						  if k not in kinds(icount['unpatched'])]
	for w in WORKLOADS:
		def add(measure: str, u: float, p: float) -> None:
			rows.append([w, measure, fmt(u), fmt(p), ratio(u, p)])

		for unit in ('bytes', 'ops'):
			total = {which: 0.0 for which in WHICH}
			series = {which: 0.0 for which in WHICH}
			for kind in all_kinds:
				v = {which: statistics.median(per_iter(icount[which], w, f'{kind}_{unit}') or [0])
				     for which in WHICH}
				for which in WHICH:
					total[which] += v[which]
					if kind in SERIES_KINDS:
						series[which] += v[which]
				if v['unpatched'] or v['patched']:
					add(f'tag {unit}/iter: {kind}', v['unpatched'], v['patched'])
			add(f'tag {unit}/iter: {"+".join(SERIES_KINDS)}',
			    series['unpatched'], series['patched'])
			add(f'tag {unit}/iter: total', total['unpatched'], total['patched'])
		ins = {which: statistics.median(per_iter(icount[which], w, 'ns')) for which in WHICH}
		add('instructions/iter (icount)', ins['unpatched'], ins['patched'])
		ns = {which: per_iter(wall[which], w, 'ns') for which in WHICH}
		for name, f in (('min', min), ('median', statistics.median), ('max', max)):
			add(f'wall ns/iter {name} (TCG)', f(ns['unpatched']), f(ns['patched']))
	return rows


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	here = os.path.dirname(os.path.abspath(__file__))
	parser.add_argument('--repo', default=os.path.dirname(here))
	parser.add_argument('--build', default=os.path.join(os.path.dirname(here), 'build'))
	parser.add_argument('--icount-reps', type=int, default=2,
			    help='repetitions in the -icount boot (tag counts must agree)')
	parser.add_argument('--wall-reps', type=int, default=5,
			    help='repetitions in the plain TCG boot (at least 5)')
	parser.add_argument('--timeout', type=int, default=1800, help='seconds per boot')
	parser.add_argument('--init-args', default='',
			    help='more /init arguments, e.g. "bench_fork_64M=20"')
	parser.add_argument('--no-build', action='store_true',
			    help='boot the kernels already built')
	parser.add_argument('--trace', choices=KINDS,
			    help='log the call chains of one kind of tag operation instead')
	args = parser.parse_args()
	if args.wall_reps < 5 or args.icount_reps < 1:
		parser.error('--wall-reps must be at least 5 and --icount-reps at least 1')
	try:
		return Bench(args).main()
	except BenchError as e:
		print(f'bench: {e}', file=sys.stderr)
		return 1


if __name__ == '__main__':
	sys.exit(main())
