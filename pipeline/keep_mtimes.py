#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Give the files of a freshly assembled tree that did not change the
timestamps they had in the tree it replaces.

Kbuild decides what to rebuild from timestamps: without this, every file of
a re-assembled tree would be newer than every object, and an edit of one
patch would rebuild whole kernels. A file counts as unchanged when git
records the same blob and mode for it in both trees and it was not edited
in the old tree's work tree.

Usage: pipeline/keep_mtimes.py OLD_TREE NEW_TREE
"""

import os
import subprocess
import sys
from typing import Dict, Set


def index(tree: str) -> Dict[str, str]:
	"""path -> 'mode blob' of every file in TREE's git index."""
	out = subprocess.run(['git', '-C', tree, 'ls-files', '-s', '-z'],
			     capture_output=True, check=True).stdout
	entries = {}
	for rec in out.split(b'\0'):
		if not rec:
			continue
		meta, _, path = rec.partition(b'\t')
		mode, blob, _stage = meta.split()
		entries[path.decode('utf-8', 'surrogateescape')] = f'{mode} {blob}'
	return entries


def edited(tree: str) -> Set[str]:
	"""Files of TREE's work tree that differ from its index."""
	out = subprocess.run(['git', '-C', tree, 'diff', '--name-only', '-z'],
			     capture_output=True, check=True).stdout
	return {p.decode('utf-8', 'surrogateescape') for p in out.split(b'\0') if p}


def main() -> int:
	if len(sys.argv) != 3:
		print('keep_mtimes: usage: keep_mtimes.py OLD_TREE NEW_TREE', file=sys.stderr)
		return 2
	old, new = sys.argv[1:]
	before, after = index(old), index(new)
	skip = edited(old)
	kept = 0
	for path, what in after.items():
		if before.get(path) != what or path in skip:
			continue
		try:
			st = os.lstat(os.path.join(old, path))
			os.utime(os.path.join(new, path), ns=(st.st_atime_ns, st.st_mtime_ns),
				 follow_symlinks=False)
		except FileNotFoundError:
			continue
		kept += 1
	print(f'assemble: {kept} of {len(after)} files keep their timestamps')
	return 0


if __name__ == '__main__':
	sys.exit(main())
