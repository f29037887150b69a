# SPDX-License-Identifier: GPL-2.0
"""The repo's hand-written lists: 'FIELD1 .. FIELDn -- REASON' per line.

pipeline/known-failures.txt and the coverage/ lists share this format: blank
lines and '#' comments are skipped, the last field may hold spaces (a KUnit
parameter description, a regex), and the reason follows ' -- '.
"""

import os
from typing import List, Tuple

Entry = Tuple[List[str], str]


class ListError(ValueError):
	"""A line of a list that does not have its fields."""


def read_list(path: str, fields: int, need_reason: bool = False) -> List[Entry]:
	"""The entries of PATH as (fields, reason); no file means no entries."""
	entries: List[Entry] = []
	if not os.path.exists(path):
		return entries
	with open(path) as f:
		for line in f:
			line = line.strip()
			if not line or line.startswith('#'):
				continue
			what, _, reason = line.partition(' -- ')
			parts = what.rstrip().split(None, fields - 1)
			if len(parts) != fields:
				raise ListError(f'{path}: expected {fields} fields: {line}')
			if need_reason and not reason.strip():
				raise ListError(f'{path}: needs " -- REASON": {line}')
			entries.append((parts, reason.strip()))
	return entries
