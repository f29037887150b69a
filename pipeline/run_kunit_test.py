#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Tests of run_kunit.Runner: how boots become passed, flaky, known, failed,
crashed and infrastructure failures, and which files each boot leaves.

A scripted Runner replays one kunit.py result per boot (its JSON, its kernel
log and its exit status), so the policy is checked without building or
booting a kernel.
"""

import argparse
import json
import os
import tempfile
import unittest
from typing import Dict, List, Optional, Tuple

import matrix
import run_kunit

# The default variant, of every cell below, boots two CPUs.
BOOTED = 'Booting Linux on physical CPU 0x0\nsmp: Brought up 1 node, 2 CPUs\n'
KTAP = BOOTED + 'KTAP version 1\n'


class Boot:
	"""One scripted boot: case statuses, or a log without results."""

	def __init__(self, cases: Optional[Dict[str, str]] = None, log: str = KTAP,
		     status: int = 0) -> None:
		self.cases = cases or {}
		self.log = log
		self.status = status


class ScriptedRunner(run_kunit.Runner):
	def __init__(self, results: str, boots: List[Boot], known: Dict[str, str],
		     attempts: int = 3) -> None:
		args = argparse.Namespace(results=results, attempts=attempts, jobs=1,
					  out=results, timeout=1)
		super().__init__(args, known)
		self.script = boots
		self.booted = 0

	def boot(self, kernel: object, cell: matrix.Cell, n: int) -> Tuple[str, str, int, float]:
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
		return f'{stem}.json', f'{stem}.log', b.status, 0.0


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

	def kunit(self, argv: List[str], log: str) -> int:
		text = self.logs.pop(0)
		if text:
			with open(os.path.join(self.dirs[-1], 'test.log'), 'w') as f:
				f.write(text)
		return 0 if text else 1


class BootFilesTest(unittest.TestCase):

	def test_boot_that_wrote_no_log_gets_none(self) -> None:
		with tempfile.TemporaryDirectory() as results:
			runner = run_kunit.Runner(argparse.Namespace(
				results=results, out=results, timeout=1, jobs=1, attempts=3), {})
			kernel = FakeKernel([KTAP, ''])
			first = runner.boot(kernel, UPSTREAM, 1)
			second = runner.boot(kernel, OURS, 1)
			self.assertTrue(os.path.exists(first[1]))
			self.assertFalse(os.path.exists(second[1]),
					 'a boot that failed early shows another boot\'s log')


if __name__ == '__main__':
	unittest.main()
