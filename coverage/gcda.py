#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the gcov data a coverage kernel printed into an lcov tracefile.

coverage/init.c prints every .gcda file of /sys/kernel/debug/gcov as hex
frames on the console after the suites; kunit.py saves the console log.
This decodes the frames of one boot, puts each .gcda next to a copy of its
.gcno from the kernel's build directory, refuses data that does not belong
to that build (another directory, or a gcov stamp that differs from the
.gcno's), and captures it with lcov.

Usage: gcda.py --log BOOT.log --build-dir OUT/6.12-hw_tags
               --capture-dir DIR --info ROW.info --test-name ROW
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
from typing import Dict

PREFIX = 'gcov-data: '
# The tools, overridable for the pipeline's own checks.
LCOV = os.environ.get('LCOV', 'lcov')
GCOV = os.environ.get('GCOV', 'aarch64-linux-gnu-gcov')
DEBUGFS_ROOT = '/sys/kernel/debug/gcov'


def die(msg: str) -> None:
	print(f'coverage: {msg}', file=sys.stderr)
	sys.exit(1)


def frames(log: str) -> Dict[str, bytes]:
	"""The files framed in one console log, by their path in the guest."""
	files: Dict[str, bytes] = {}
	path, size, chunks, done = '', 0, [], False
	with open(log, errors='replace') as f:
		for raw in f:
			at = raw.find(PREFIX)
			if at < 0:
				continue
			word, _, rest = raw[at + len(PREFIX):].strip().partition(' ')
			if word == 'error':
				die(f'{log}: the guest could not copy its gcov data: {rest}')
			elif word == 'begin':
				path, _, n = rest.rpartition(' ')
				size, chunks = int(n), []
			elif word == 'end':
				data = bytes.fromhex(''.join(chunks))
				if rest != path or len(data) != size:
					die(f'{log}: {rest}: garbled frame ({len(data)} of {size} bytes)')
				files[path] = data
			elif word == 'done':
				done = True
			elif path:
				chunks.append(word)
	if not done:
		die(f'{log}: no complete gcov data (the kernel crashed, or is not a coverage kernel)')
	if not files:
		die(f'{log}: the kernel printed no .gcda file (is anything profiled?)')
	return files


def stamp(data: bytes) -> bytes:
	"""gcov's compilation stamp: the third 32-bit word of .gcno and .gcda."""
	return data[8:12]


def capture(log: str, build_dir: str, capture_dir: str, info: str, test_name: str) -> None:
	"""The gcov data of one boot's LOG, checked against BUILD_DIR, as the
	lcov tracefile INFO (the .gcda/.gcno pairs are put in CAPTURE_DIR)."""
	build_dir = os.path.abspath(build_dir)
	if os.path.exists(capture_dir):
		shutil.rmtree(capture_dir)
	for guest_path, data in frames(log).items():
		obj = guest_path[len(DEBUGFS_ROOT):]
		if not obj.startswith(build_dir + '/'):
			die(f'{log}: {obj} is not from the build in {build_dir}')
		rel = os.path.relpath(obj, build_dir)
		gcno = os.path.join(build_dir, rel[:-len('.gcda')] + '.gcno')
		if not os.path.exists(gcno):
			die(f'{log}: {rel} has no {gcno}')
		with open(gcno, 'rb') as f:
			if stamp(f.read(12)) != stamp(data):
				die(f'{log}: {rel} is from another build than {gcno} (gcov stamps differ)')
		dest = os.path.join(capture_dir, rel)
		os.makedirs(os.path.dirname(dest), exist_ok=True)
		shutil.copyfile(gcno, dest[:-len('.gcda')] + '.gcno')
		with open(dest, 'wb') as f:
			f.write(data)

	cmd = [LCOV, '--quiet', '--capture', '--directory', capture_dir,
	       '--gcov-tool', GCOV,
	       '--test-name', re.sub(r'\W', '_', test_name),
	       '--output-file', info]
	lcov = subprocess.run(cmd, stderr=subprocess.PIPE, text=True)
	# lcov 1.16's geninfo warns about its own subroutines under Perl 5.36.
	for line in lcov.stderr.splitlines():
		if not re.match(r'Subroutine \w+ redefined at ', line):
			print(line, file=sys.stderr)
	if lcov.returncode != 0:
		die(f'lcov could not capture {capture_dir}')


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument('--log', required=True)
	parser.add_argument('--build-dir', required=True)
	parser.add_argument('--capture-dir', required=True)
	parser.add_argument('--info', required=True)
	parser.add_argument('--test-name', required=True)
	args = parser.parse_args()
	capture(args.log, args.build_dir, args.capture_dir, args.info, args.test_name)
	return 0


if __name__ == '__main__':
	sys.exit(main())
