#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Render what kasan_vmalloc_skip observed as the feature's semantics table.

Every parameter of the suite's vmalloc_matrix case prints a KTAP diagnostic

    # vmalloc_matrix: observed: ptr_tag=random page_tags=ptr ...

just before its result line "ok N gfp=KERNEL|SKIP_KASAN prot=RO size=4096
via=__vmalloc". For every (base, mode, boot variant) run, this groups the
cells by gfp mask and pgprot: where all sizes and entry points observed the
same value, the table shows it; where they differ, it shows each value with
the number of cells that saw it. Output: RESULTS/semantics.md and
RESULTS/semantics.html.
"""

import argparse
import html
import os
import re
import sys
from collections import Counter, OrderedDict
from typing import Dict, List, Tuple

import matrix
from results import load

OBSERVED = re.compile(r'# (\w+): observed: (.*)$')
RESULT = re.compile(r'(not ok|ok) \d+ (.*?)(?: # SKIP.*)?$')
CASE = 'vmalloc_matrix'

Cells = Dict[Tuple[str, str], List[Dict[str, str]]]


def parse_log(path: str) -> Cells:
	"""(gfp, prot) -> the observed key=value dicts of its cells, in log order."""
	cells: Cells = OrderedDict()
	pending = None
	with open(path, errors='replace') as f:
		for line in f:
			line = line.rstrip()
			m = OBSERVED.search(line)
			if m:
				pending = dict(kv.split('=', 1) for kv in m.group(2).split()
					       if '=' in kv) if m.group(1) == CASE else None
				continue
			m = RESULT.search(line)
			if m and pending is not None:
				desc = dict(kv.split('=', 1) for kv in m.group(2).split() if '=' in kv)
				if 'gfp' in desc and 'prot' in desc:
					pending['result'] = 'FAIL' if m.group(1) == 'not ok' else 'ok'
					cells.setdefault((desc['gfp'], desc['prot']), []).append(pending)
				pending = None
	return cells


def collapse(values: List[str]) -> str:
	counts = Counter(values)
	if len(counts) == 1:
		return values[0]
	return ' / '.join(f'{v} ({n})' for v, n in counts.most_common())


def tables(results: str) -> List[Tuple[str, List[str], List[List[str]]]]:
	out = []
	for row in load([results]).rows:
		cell = matrix.Cell(**row['cell'])
		if cell.suite != matrix.OUR_SUITE:
			continue
		log = os.path.join(results, f"{cell.name}.{len(row['boots'])}.log")
		if not os.path.exists(log):
			continue
		cells = parse_log(log)
		if not cells:
			continue
		keys: List[str] = []
		for observed in cells.values():
			for o in observed:
				keys += [k for k in o if k not in keys]
		lines = []
		for (gfp, prot), observed in cells.items():
			lines.append([gfp, prot, str(len(observed))] +
				     [collapse([o.get(k, '') for o in observed]) for k in keys])
		title = f'{cell.base} {cell.mode} {cell.variant}'
		out.append((title, ['gfp', 'prot', 'cells'] + keys, lines))
	return out


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument('results')
	args = parser.parse_args()
	found = tables(args.results)
	if not found:
		print(f'semantics: no observed lines of {CASE} in {args.results}', file=sys.stderr)
		return 1
	md = ['# What `__GFP_SKIP_KASAN` does in vmalloc, as observed', '',
	      'One table per base, KASAN mode and boot variant; each row collapses the',
	      'sizes and entry points of one gfp mask and pgprot (`value (N)`: N cells',
	      'saw that value). Keys: see the comment at the top of',
	      '`mm/kasan/kasan_test_vmalloc_skip.c`.', '']
	page = ['<!DOCTYPE html><meta charset="utf-8"><title>__GFP_SKIP_KASAN semantics</title>',
		'<style>body{font-family:sans-serif}table{border-collapse:collapse;margin-bottom:2em}'
		'td,th{border:1px solid #999;padding:2px 6px;font-size:13px}'
		'td.FAIL{background:#fbb}</style>',
		'<h1>What __GFP_SKIP_KASAN does in vmalloc, as observed</h1>']
	for title, head, lines in found:
		md += [f'## {title}', '', '| ' + ' | '.join(head) + ' |', '|' + '---|' * len(head)]
		md += ['| ' + ' | '.join(cell.replace('|', '\\|') for cell in line) + ' |' for line in lines]
		md.append('')
		page.append(f'<h2>{html.escape(title)}</h2><table><tr>' +
			    ''.join(f'<th>{html.escape(h)}</th>' for h in head) + '</tr>')
		for line in lines:
			page.append('<tr>' + ''.join(
				f'<td class="{"FAIL" if "FAIL" in cell else ""}">{html.escape(cell)}</td>'
				for cell in line) + '</tr>')
		page.append('</table>')
	with open(os.path.join(args.results, 'semantics.md'), 'w') as f:
		f.write('\n'.join(md) + '\n')
	with open(os.path.join(args.results, 'semantics.html'), 'w') as f:
		f.write('\n'.join(page) + '\n')
	print(f'semantics: {len(found)} tables in {os.path.join(args.results, "semantics.md")} and .html')
	return 0


if __name__ == '__main__':
	sys.exit(main())
