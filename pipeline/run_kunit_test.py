#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Tests of run_kunit.run_row: how boots become passed, flaky, known and failed.

A fake Kunit replays one scripted kunit.py JSON per boot, so the reboot
policy is checked without building or booting a kernel.
"""

import json
import tempfile
import unittest
from typing import Dict, List

import run_kunit
from run_kunit import Row, Variant


class ScriptedKunit:
	"""Stands in for run_kunit.Kunit: boot N writes the Nth scripted result."""

	def __init__(self, boots: List[Dict[str, str]]) -> None:
		self.boots = boots
		self.booted = 0

	def boot(self, variant: Variant, json_out: str, log: str) -> None:
		statuses = self.boots[self.booted]
		self.booted += 1
		suites: Dict[str, list] = {}
		for case, status in statuses.items():
			suite, name = case.split('.', 1)
			suites.setdefault(suite, []).append({'name': name, 'status': status})
		top = {'name': 'KUnit Test Group', 'sub_groups': [
			{'name': s, 'test_cases': c} for s, c in suites.items()]}
		with open(json_out, 'w') as f:
			json.dump(top, f)


def run(boots: List[Dict[str, str]], known: Dict[str, str]) -> tuple:
	kunit = ScriptedKunit(boots)
	with tempfile.TemporaryDirectory() as results:
		row = run_kunit.run_row(kunit, Row('7.3', 'generic', 'default'),
					Variant(suites=('s',)), 3, results, known)
	return row, kunit.booted


class RunRowTest(unittest.TestCase):

	def test_all_pass_boots_once(self) -> None:
		row, booted = run([{'s.a': 'PASS', 's.b': 'SKIP'}], {})
		self.assertEqual(booted, 1)
		self.assertEqual((row.passed, row.skipped, row.failed), (['s.a'], ['s.b'], []))

	def test_fail_then_pass_is_flaky(self) -> None:
		row, booted = run([{'s.a': 'FAIL'}, {'s.a': 'PASS'}], {})
		self.assertEqual(booted, 2)
		self.assertEqual((row.flaky, row.failed), (['s.a'], []))

	def test_fail_every_boot_fails(self) -> None:
		row, booted = run([{'s.a': 'FAIL'}] * 3, {})
		self.assertEqual(booted, 3)
		self.assertEqual((row.failed, row.known), (['s.a'], []))

	def test_known_alone_boots_once(self) -> None:
		row, booted = run([{'s.a': 'FAIL', 's.b': 'PASS'}],
				  {'7.3 generic default s.a': 'cause'})
		self.assertEqual(booted, 1)
		self.assertEqual((row.known, row.failed, row.passed), (['s.a'], [], ['s.b']))

	def test_known_passing_first_then_failing_is_flaky(self) -> None:
		row, booted = run([{'s.a': 'PASS', 's.b': 'FAIL'}, {'s.a': 'FAIL', 's.b': 'PASS'}],
				  {'7.3 generic default s.a': 'cause'})
		self.assertEqual(booted, 2)
		self.assertEqual((row.flaky, row.known, row.failed), (['s.a', 's.b'], [], []))

	def test_reboots_stop_when_only_known_still_fails(self) -> None:
		boot = {'s.a': 'FAIL', 's.b': 'FAIL'}
		row, booted = run([boot, {'s.a': 'FAIL', 's.b': 'PASS'}],
				  {'7.3 generic default s.a': 'cause'})
		self.assertEqual(booted, 2)
		self.assertEqual((row.known, row.flaky, row.failed), (['s.a'], ['s.b'], []))

	def test_known_glob_matches(self) -> None:
		row, _ = run([{'s.a': 'FAIL'}], {'7.3 * default s.*': 'cause'})
		self.assertEqual(row.known, ['s.a'])

	def test_known_does_not_excuse_another_failure(self) -> None:
		boot = {'s.a': 'FAIL', 's.b': 'FAIL'}
		row, booted = run([boot] * 3, {'7.3 generic default s.a': 'cause'})
		self.assertEqual(booted, 3)
		self.assertEqual((row.known, row.failed), (['s.a'], ['s.b']))

	def test_other_base_is_not_known(self) -> None:
		row, booted = run([{'s.a': 'FAIL'}] * 3, {'6.12 generic default s.a': 'cause'})
		self.assertEqual(booted, 3)
		self.assertEqual(row.failed, ['s.a'])

	def test_missing_suite_is_a_crash(self) -> None:
		row, _ = run([{'t.a': 'PASS'}], {})
		self.assertEqual(row.crashed, ['boot 1: s: suite did not run'])


if __name__ == '__main__':
	unittest.main()
