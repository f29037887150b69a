#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Tests of run_kunit.Runner: how boots become passed, flaky, known, failed,
crashed and infrastructure failures, and which files each boot leaves.

A scripted Runner replays one kunit.py result per boot (its JSON, its kernel
log and its exit status), so the policy is checked without building or
booting a kernel. A hang is checked end to end, with stand-ins for kunit.py
and the kernel (HangEndToEndTest).
"""

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest
from typing import Dict, List, Optional, Tuple

import kernel
import matrix
import run_kunit
from kernel import Exit

# The default variant, of every cell below, boots two CPUs.
BOOTED = 'Booting Linux on physical CPU 0x0\nsmp: Brought up 1 node, 2 CPUs\n'
KTAP = BOOTED + 'KTAP version 1\n'


class Boot:
	"""One scripted boot: case statuses, or a log without results."""

	def __init__(self, cases: Optional[Dict[str, str]] = None, log: str = KTAP,
		     status: int = 0, hung: bool = False) -> None:
		self.cases = cases or {}
		self.log = log
		self.status = status
		self.hung = hung


class ScriptedRunner(run_kunit.Runner):
	def __init__(self, results: str, boots: List[Boot], known: Dict[str, str],
		     attempts: int = 3) -> None:
		args = argparse.Namespace(results=results, attempts=attempts, jobs=1,
					  out=results, timeout=1, hang=120)
		super().__init__(args, known)
		self.script = boots
		self.booted = 0

	def boot(self, kernel: object, cell: matrix.Cell, n: int) -> run_kunit.Booted:
		b = self.script[self.booted]
		self.booted += 1
		stem = os.path.join(self.args.results, f'{cell.name}.{n}')
		if b.log:
			with open(f'{stem}.log', 'w') as f:
				f.write(b.log)
		if b.cases:
			suites: Dict[str, list] = {}
			for case, status in b.cases.items():
				suite, name = case.split('.', 1)
				suites.setdefault(suite, []).append({'name': name, 'status': status})
			top = {'name': 'KUnit Test Group', 'sub_groups': [
				{'name': s, 'test_cases': c} for s, c in suites.items()]}
			with open(f'{stem}.json', 'w') as f:
				json.dump(top, f)
		return run_kunit.Booted(f'{stem}.json', f'{stem}.log', b.status, 0.0, b.hung)


UPSTREAM = matrix.Cell('7.3', 'generic', 'default', 'kasan')
OURS = matrix.Cell('7.3', 'generic', 'default', 'kasan_vmalloc_skip')


def run(boots: List[Boot], known: Dict[str, str], cell: matrix.Cell = UPSTREAM
	) -> Tuple[run_kunit.CellResult, int, List[str]]:
	with tempfile.TemporaryDirectory() as results:
		runner = ScriptedRunner(results, boots, known)
		r = runner.run_cell(None, cell)
		return r, runner.booted, sorted(os.listdir(results))


def cases(statuses: Dict[str, str]) -> Boot:
	return Boot(statuses)


class RebootPolicyTest(unittest.TestCase):

	def test_all_pass_boots_once(self) -> None:
		r, booted, _ = run([cases({'kasan.a': 'PASS', 'kasan.b': 'SKIP'})], {})
		self.assertEqual(booted, 1)
		self.assertEqual((r.passed, r.skipped, r.failed), (['kasan.a'], ['kasan.b'], []))

	def test_fail_then_pass_is_flaky(self) -> None:
		r, booted, _ = run([cases({'kasan.a': 'FAIL'}), cases({'kasan.a': 'PASS'})], {})
		self.assertEqual(booted, 2)
		self.assertEqual((r.flaky, r.failed), (['kasan.a'], []))

	def test_fail_then_crash_fails(self) -> None:
		r, booted, _ = run([cases({'kasan.a': 'FAIL'}),
				    Boot(log=KTAP + 'Kernel panic\n', status=1)], {})
		self.assertEqual(booted, 2)
		self.assertEqual((r.flaky, r.failed), ([], ['kasan.a']))

	def test_fail_then_infrastructure_fails(self) -> None:
		r, booted, _ = run([cases({'kasan.a': 'FAIL'}), Boot(log='', status=1)], {})
		self.assertEqual(booted, 2)
		self.assertEqual((r.flaky, r.failed), ([], ['kasan.a']))

	def test_fail_then_skip_fails(self) -> None:
		r, _, _ = run([cases({'kasan.a': 'FAIL'}), cases({'kasan.a': 'SKIP'})], {})
		self.assertEqual((r.flaky, r.failed), ([], ['kasan.a']))

	def test_fail_every_boot_fails(self) -> None:
		r, booted, _ = run([cases({'kasan.a': 'FAIL'})] * 3, {})
		self.assertEqual(booted, 3)
		self.assertEqual((r.failed, r.known), (['kasan.a'], []))

	def test_known_alone_boots_once(self) -> None:
		r, booted, _ = run([cases({'kasan.a': 'FAIL', 'kasan.b': 'PASS'})],
				   {'7.3 generic default kasan.a': 'cause'})
		self.assertEqual(booted, 1)
		self.assertEqual((r.known, r.failed, r.passed), (['kasan.a'], [], ['kasan.b']))

	def test_known_passing_first_then_failing_is_flaky(self) -> None:
		r, booted, _ = run([cases({'kasan.a': 'PASS', 'kasan.b': 'FAIL'}),
				    cases({'kasan.a': 'FAIL', 'kasan.b': 'PASS'})],
				   {'7.3 generic default kasan.a': 'cause'})
		self.assertEqual(booted, 2)
		self.assertEqual((r.flaky, r.known, r.failed), (['kasan.a', 'kasan.b'], [], []))

	def test_reboots_stop_when_only_known_still_fails(self) -> None:
		r, booted, _ = run([cases({'kasan.a': 'FAIL', 'kasan.b': 'FAIL'}),
				    cases({'kasan.a': 'FAIL', 'kasan.b': 'PASS'})],
				   {'7.3 generic default kasan.a': 'cause'})
		self.assertEqual(booted, 2)
		self.assertEqual((r.known, r.flaky, r.failed), (['kasan.a'], ['kasan.b'], []))

	def test_known_glob_matches(self) -> None:
		r, _, _ = run([cases({'kasan.a': 'FAIL'})], {'7.3 * default kasan.*': 'cause'})
		self.assertEqual(r.known, ['kasan.a'])

	def test_known_does_not_excuse_another_failure(self) -> None:
		boot = cases({'kasan.a': 'FAIL', 'kasan.b': 'FAIL'})
		r, booted, _ = run([boot] * 3, {'7.3 generic default kasan.a': 'cause'})
		self.assertEqual(booted, 3)
		self.assertEqual((r.known, r.failed), (['kasan.a'], ['kasan.b']))

	def test_other_base_is_not_known(self) -> None:
		r, booted, _ = run([cases({'kasan.a': 'FAIL'})] * 3,
				   {'6.12 generic default kasan.a': 'cause'})
		self.assertEqual(booted, 3)
		self.assertEqual(r.failed, ['kasan.a'])

	def test_our_suite_is_never_flaky(self) -> None:
		r, booted, _ = run([cases({'kasan_vmalloc_skip.a': 'FAIL'}),
				    cases({'kasan_vmalloc_skip.a': 'PASS'})], {}, OURS)
		self.assertEqual(booted, 1)
		self.assertEqual((r.failed, r.flaky), (['kasan_vmalloc_skip.a'], []))


class BootOutcomeTest(unittest.TestCase):

	def test_missing_suite_is_a_crash(self) -> None:
		r, _, _ = run([cases({'other.a': 'PASS'})], {})
		self.assertEqual(r.crashed, ['boot 1: kasan: suite did not run'])

	def test_unfinished_case_is_a_crash(self) -> None:
		r, booted, _ = run([cases({'kasan.a': 'PASS', 'kasan.b': 'ERROR'})], {})
		self.assertEqual((booted, r.crashed), (1, ['boot 1: kasan.b: did not finish']))

	def test_kernel_that_died_early_is_a_crash(self) -> None:
		r, _, _ = run([Boot(log='Booting Linux on physical CPU 0x0\nKernel panic\n',
				    status=1)], {})
		self.assertEqual((r.crashed, r.infrastructure),
				 (['boot 1: the kernel died before any suite ran'], []))

	def test_qemu_that_printed_nothing_is_infrastructure(self) -> None:
		r, _, _ = run([Boot(log='', status=1)], {})
		self.assertEqual(r.crashed, [])
		self.assertEqual(r.infrastructure,
				 ['boot 1: kunit.py exec exited 1 and QEMU printed nothing'])
		self.assertEqual(r.boots, ['infrastructure'])

	def test_guest_without_its_cpus_is_infrastructure(self) -> None:
		one = BOOTED.replace('2 CPUs', '1 CPU') + 'KTAP version 1\n'
		r, booted, _ = run([Boot({'kasan.a': 'PASS'}, log=one)], {})
		self.assertEqual((booted, r.passed), (1, []))
		self.assertEqual(r.infrastructure,
				 ['boot 1: the guest brought up 1 CPU(s), its boot asked for 2'])

	def test_kernel_without_smp_is_infrastructure_for_two_cpus(self) -> None:
		uniprocessor = 'Booting Linux on physical CPU 0x0\nKTAP version 1\n'
		r, _, _ = run([Boot({'kasan.a': 'PASS'}, log=uniprocessor)], {})
		self.assertEqual(r.infrastructure, [
			'boot 1: the kernel log says no "smp: Brought up" (a kernel without SMP '
			'has one CPU), the boot asked for 2'])

	def test_no_json_after_ktap_is_infrastructure(self) -> None:
		r, _, _ = run([Boot(log=KTAP + 'ok 1 kasan\n', status=1)], {})
		self.assertEqual(r.infrastructure, ['boot 1: kunit.py exec exited 1 and wrote no JSON'])

	def test_every_boot_keeps_its_json_and_log(self) -> None:
		_, booted, files = run([cases({'kasan.a': 'FAIL'}), cases({'kasan.a': 'PASS'})], {})
		self.assertEqual(booted, 2)
		for n in (1, 2):
			self.assertIn(f'{UPSTREAM.name}.{n}.json', files)
			self.assertIn(f'{UPSTREAM.name}.{n}.log', files)



class FakeKernel:
	"""Stands in for kernel.Kernel in Runner.boot: kunit.py exec writes
	test.log into the boot's own directory, or, failing early, nothing."""

	def __init__(self, logs: List[str]) -> None:
		self.logs = logs
		self.dirs: List[str] = []

	def boot_dir(self, path: str) -> str:
		os.makedirs(path, exist_ok=True)
		self.dirs.append(path)
		return path

	def common_args(self, build_dir: str) -> List[str]:
		return [f'--build_dir={build_dir}']

	def exec_args(self) -> List[str]:
		return []

	def kunit(self, argv: List[str], log: str, hang: Optional[int] = None) -> Exit:
		text = self.logs.pop(0)
		if text:
			with open(os.path.join(self.dirs[-1], 'test.log'), 'w') as f:
				f.write(text)
		return Exit(0 if text else 1)


class BootFilesTest(unittest.TestCase):

	def test_boot_that_wrote_no_log_gets_none(self) -> None:
		with tempfile.TemporaryDirectory() as results:
			runner = run_kunit.Runner(argparse.Namespace(
				results=results, out=results, timeout=1, hang=120, jobs=1,
				attempts=3), {})
			kernel = FakeKernel([KTAP, ''])
			first = runner.boot(kernel, UPSTREAM, 1)
			second = runner.boot(kernel, OURS, 1)
			self.assertTrue(os.path.exists(first[1]))
			self.assertFalse(os.path.exists(second[1]),
					 'a boot that failed early shows another boot\'s log')


class HungBootTest(unittest.TestCase):

	def test_hung_boot_is_a_crash_with_its_last_lines(self) -> None:
		log = KTAP + ''.join(f'line {i}\n' for i in range(30)) + '\n\n'
		r, booted, _ = run([Boot({'kasan.a': 'PASS', 'kasan.b': 'ERROR'}, log=log, status=1,
					 hung=True)], {})
		self.assertEqual(booted, 1)
		self.assertEqual(r.boots, ['crashed'])
		self.assertEqual(r.crashed, [
			'boot 1: hung: printed nothing for 120 s (HANG), so the boot was ended',
			'boot 1: kasan.b: did not finish'])
		self.assertEqual(r.infrastructure, [])
		self.assertEqual(r.passed, ['kasan.a'])
		self.assertEqual(len(r.hangs), 1)
		self.assertEqual(r.hangs[0].boot, 1)
		self.assertEqual(r.hangs[0].last_lines,
				 [f'line {i}' for i in range(10, 30)])

	def test_hung_boot_without_json_is_no_infrastructure_failure(self) -> None:
		r, _, _ = run([Boot(log=KTAP + 'stuck\n', status=1, hung=True)], {})
		self.assertEqual(r.infrastructure, [])
		self.assertEqual(r.crashed[0], 'boot 1: hung: printed nothing for 120 s (HANG), '
				 'so the boot was ended')
		self.assertEqual(r.hangs[0].last_lines[-1], 'stuck')


def running(pid: int) -> bool:
	"""PID runs (is neither gone nor a zombie that nobody reaped yet)."""
	try:
		with open(f'/proc/{pid}/stat') as f:
			return f.read().rsplit(')', 1)[1].split()[0] != 'Z'
	except FileNotFoundError:
		return False


class CallWatchedTest(unittest.TestCase):
	"""kernel.call_watched(): a child that stops printing is ended."""

	def test_silent_child_is_ended_after_the_limit(self) -> None:
		with tempfile.TemporaryDirectory() as tmp:
			pidfile = os.path.join(tmp, 'pid')
			out = io.BytesIO()
			start = time.monotonic()
			# Deaf to SIGINT, so its session has to be ended.
			ended = kernel.call_watched(
				['sh', '-c', 'trap "" INT; echo $$ >"$1"; echo a; echo b; exec sleep 600',
				 'sh', pidfile], out, hang=1, grace=1)
			took = time.monotonic() - start
			self.assertTrue(ended.hung)
			self.assertLess(took, 1 + 1 + 5)
			self.assertEqual(out.getvalue(), b'a\nb\n')
			with open(pidfile) as f:
				self.assertFalse(running(int(f.read())), 'the silent child still runs')

	def test_child_that_keeps_printing_is_not_ended(self) -> None:
		out = io.BytesIO()
		ended = kernel.call_watched(
			['sh', '-c', 'for i in 1 2 3 4 5 6; do echo $i; sleep 0.4; done; exit 3'],
			out, hang=1, grace=1)
		self.assertEqual(ended, kernel.Exit(3, False))
		self.assertEqual(out.getvalue(), b'1\n2\n3\n4\n5\n6\n')


# A stand-in for kunit.py exec: it boots a stand-in kernel (FAKE_KERNEL, a
# shell command), writes its output to BUILD_DIR/test.log as kunit.py does
# (buffered) and prints a line per case that passed. On SIGINT it ends the
# kernel, as kunit.py does, and writes its JSON, the unfinished case ERROR.
FAKE_KUNIT = """
import json, os, signal, subprocess, sys
args = dict(a.split('=', 1) for a in sys.argv[2:] if a.startswith('--') and '=' in a)
kernel = subprocess.Popen(['sh', '-c', os.environ['FAKE_KERNEL']], stdout=subprocess.PIPE,
			  text=True)
with open(os.environ['FAKE_PID'], 'w') as f:
	f.write(str(kernel.pid))
signal.signal(signal.SIGINT, lambda *_: (kernel.terminate(), kernel.wait()))
print('[00:00:00] Starting KUnit Kernel (1/1)...')
log = open(os.path.join(args['--build_dir'], 'test.log'), 'w')
passed = []
for line in kernel.stdout:
	log.write(line)
	if line.strip().startswith('ok '):
		passed.append(line.split()[2])
		print('[00:00:00] [PASSED] ' + passed[-1])
log.close()
cases = [{'name': n, 'status': 'PASS'} for n in passed]
cases.append({'name': 'kmalloc_uaf', 'status': 'ERROR'})
with open(args['--json'], 'w') as f:
	json.dump({'name': 'KUnit Test Group',
		   'sub_groups': [{'name': 'kasan', 'test_cases': cases}]}, f)
sys.exit(1)
"""
# The stand-in kernel: boots, passes two cases, then an oops in a KASAN
# report leaves it stuck, printing nothing.
FAKE_KERNEL = (
	"printf 'Booting Linux on physical CPU 0x0\\nsmp: Brought up 1 node, 2 CPUs\\n"
	"KTAP version 1\\n1..1\\n    KTAP version 1\\n    # Subtest: kasan\\n    1..3\\n"
	"    ok 1 kmalloc_oob_right\\n    ok 2 kmalloc_oob_left\\n"
	"BUG: KASAN: slab-use-after-free in kmalloc_uaf\\n"
	"Unable to handle kernel paging request at virtual address dead000000000100\\n'; "
	"exec sleep 600")


class HangEndToEndTest(unittest.TestCase):
	"""run_kunit.py and summary.py with a stand-in kernel that stops printing:
	the boot ends within the hang limit and is counted as a crash, and the
	summary shows its last kernel lines."""

	def test_a_kernel_that_stops_printing(self) -> None:
		here = os.path.dirname(os.path.abspath(__file__))
		hang = 2
		with tempfile.TemporaryDirectory() as tmp:
			tree = os.path.join(tmp, 'tree')
			os.makedirs(os.path.join(tree, 'tools/testing/kunit'))
			os.makedirs(os.path.join(tree, '.git'))
			open(os.path.join(tree, '.git/vmalloc-skip-assembled'), 'w').close()
			with open(os.path.join(tree, 'Makefile'), 'w') as f:
				f.write('VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\n')
			with open(os.path.join(tree, 'tools/testing/kunit/kunit.py'), 'w') as f:
				f.write(FAKE_KUNIT)
			results = os.path.join(tmp, 'results')
			pidfile = os.path.join(tmp, 'kernel.pid')
			env = dict(os.environ, FAKE_KERNEL=FAKE_KERNEL, FAKE_PID=pidfile)
			start = time.monotonic()
			run = subprocess.run(
				[sys.executable, os.path.join(here, 'run_kunit.py'), '--tree', f'6.12={tree}',
				 '--out', os.path.join(tmp, 'out'), '--results', results,
				 '--modes', 'generic', '--variants', 'default', '--suite', 'kasan',
				 '--attempts', '1', '--hang', str(hang), '--no-build', '--jobs', '2'],
				env=env, capture_output=True, text=True, timeout=120)
			took = time.monotonic() - start
			self.assertEqual(run.returncode, 0, run.stderr)
			self.assertLess(took, hang + 10, 'the hung boot was not ended in time')
			self.assertIn('1 failed, 0 skipped, 0 flaky, 0 known, 2 crashed', run.stdout)
			with open(pidfile) as f:
				self.assertFalse(running(int(f.read())), 'the stand-in kernel still runs')
			summary = subprocess.run([sys.executable, os.path.join(here, 'summary.py'),
						  results], capture_output=True, text=True)
			self.assertEqual(summary.returncode, 1, summary.stdout)
			cell = '6.12-generic-default-kasan'
			self.assertIn(f'  crashed: {cell}: boot 1: hung: printed nothing for {hang} s',
				      summary.stdout)
			self.assertIn(f'  crashed: {cell}: boot 1: kasan.kmalloc_uaf: did not finish',
				      summary.stdout)
			self.assertIn(f'  hung: {cell}: boot 1 printed nothing for {hang} s; '
				      f'the last kernel lines of {cell}.1.log:', summary.stdout)
			self.assertIn('    | Unable to handle kernel paging request at virtual address '
				      'dead000000000100', summary.stdout)
			self.assertIn('    | Booting Linux on physical CPU 0x0', summary.stdout)
			self.assertTrue(summary.stdout.rstrip().endswith(
				'2 passed, 3 failed, 0 skipped, 0 known'), summary.stdout)


if __name__ == '__main__':
	unittest.main()
