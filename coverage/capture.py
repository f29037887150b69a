#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Coverage of a run: every boot of our suite becomes an lcov tracefile,
then coverage/report.py merges them per base, renders and gates.

The kernels of the run are the coverage kernels (pipeline/kernel.py): after
the suites their /init prints the gcov counters on the console, so a boot's
log is its coverage data. Only boots of kasan_vmalloc_skip count: the report
is the coverage of the matrix, not of the upstream suite.

Usage: coverage/capture.py --results RESULTS --out OUT --covroot DIR
                           --tree NAME=PATH [--tree ...]
Writes DIR/NAME/info/CELL.info, DIR/NAME/html/, DIR/NAME/summary.md.
"""

import argparse
import os
from concurrent.futures import ThreadPoolExecutor
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'pipeline'))
import matrix  # noqa: E402  (the run matrix)
from gcda import capture  # noqa: E402
from kernel import Kernel  # noqa: E402
from results import last_boot_log, load  # noqa: E402


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument('--results', required=True)
	parser.add_argument('--out', required=True, help='parent of the build directories')
	parser.add_argument('--covroot', required=True)
	parser.add_argument('--tree', action='append', required=True, metavar='NAME=PATH')
	args = parser.parse_args()

	for tool in (os.environ.get('LCOV', 'lcov'), os.environ.get('GENHTML', 'genhtml'),
		     os.environ.get('GCOV', 'aarch64-linux-gnu-gcov')):
		if not shutil.which(tool):
			print(f'coverage: {tool} not found (make setup installs it)', file=sys.stderr)
			return 1
	run = load([args.results])
	status = 0
	for spec in args.tree:
		name, _, tree = spec.partition('=')
		base = matrix.base_of(name)
		covdir = os.path.join(args.covroot, name)
		shutil.rmtree(covdir, ignore_errors=True)
		os.makedirs(os.path.join(covdir, 'info'))
		jobs = []
		for row in run.rows:
			cell = matrix.Cell(**row['cell'])
			if cell.base != name or cell.suite != matrix.OUR_SUITE:
				continue
			if row['boots'][-1:] != ['ok']:
				print(f'coverage: {cell.name}: no data (the boot did not complete)',
				      file=sys.stderr)
				status = 1
				continue
			log = last_boot_log(args.results, row)
			kernel = Kernel(tree, name, cell.mode, args.out)
			jobs.append((log, kernel.build_dir, os.path.join(covdir, 'gcda', cell.name),
				     os.path.join(covdir, 'info', f'{cell.name}.info'), cell.name))
		# lcov runs gcov once per file: one capture per CPU at a time.
		with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
			for f in [pool.submit(capture, *job) for job in jobs]:
				f.result()
		boots = len(jobs)
		if not boots:
			print(f'coverage: {name}: no boot of {matrix.OUR_SUITE} ran', file=sys.stderr)
			status = 1
			continue
		# The gate asks for every line in one mode or variant of the
		# whole matrix: a run of some modes or variants cannot pass it.
		whole = {c.name for c in matrix.cells([name], matrix.MODES, matrix.DEFAULT_VARIANTS)
			 if c.suite == matrix.OUR_SUITE}
		ran = {matrix.Cell(**r['cell']).name for r in run.rows}
		gate = [] if whole <= ran else ['--no-gate']
		if subprocess.call([os.path.join(HERE, 'report.py'), '--tree', tree,
				    '--name', name, '--base', base, '--covdir', covdir] + gate) != 0:
			status = 1
	return status


if __name__ == '__main__':
	sys.exit(main())
