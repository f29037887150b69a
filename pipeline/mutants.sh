#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Proof that the matrix can fail: apply each deliberately broken variant of
# the series in mutants/BASE/ to the assembled tree, one at a time, rebuild
# the kernel of each mode it names incrementally (a "Modes:" line in its
# header; hw_tags if none, as most mutants break what only hw_tags does),
# run kasan_vmalloc_skip once per mode, and revert.
# A mutant is killed when, in every mode it names, a case fails or the
# kernel crashes; a mutant that does not build is an error. Prints one
# line per mutant and exits non-zero if a mutant not listed as equivalent in
# mutants/BASE/equivalent survives.
#
# Usage: pipeline/mutants.sh BASE NAME TREE BUILD_DIR  (NAME: the tree's name)
# Env: MUTANTS="12-*" runs only the mutants whose names match this one glob.
# The tree is restored when a mutant has run, on exit, and on INT, TERM, HUP.
set -eu
die() { echo "mutants: $*" >&2; exit 1; }
[ $# -eq 4 ] || die "usage: mutants.sh BASE NAME TREE BUILD_DIR"
base=$1 name_of_tree=$2 tree=$3 build=$4
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=${MUTANTS_DIR:-$repo/mutants/$base}
run_kunit=${RUN_KUNIT:-$repo/pipeline/run_kunit.py}	# the pipeline's checks fake it
[ -d "$dir" ] || die "no mutants for base $base ($dir)"
[ -z "$(git -C "$tree" status --porcelain)" ] ||
	die "$tree has uncommitted edits; mutants are applied to a clean tree"
# A mutant left applied would be tested by the next make kunit.
trap 'git -C "$tree" checkout -q -- .' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

survived=0
for m in "$dir"/${MUTANTS:-*}.patch; do
	[ -f "$m" ] || die "no mutant matches '${MUTANTS:-*}' in $dir"
	name=$(basename "$m" .patch)
	modes=$(sed -n '/^diff /q; s/^Modes: //p' "$m")
	modes=${modes:-hw_tags}
	git -C "$tree" apply "$m" || die "$name does not apply to $tree"
	results=$build/mutants/$base/$name
	rm -rf "$results"
	"$run_kunit" --tree "$name_of_tree=$tree" \
		--out "$build/out" --results "$results" --modes "$modes" \
		--variants default --attempts 1 --suite kasan_vmalloc_skip >/dev/null || true
	git -C "$tree" checkout -q -- .
	# Killed only if a case fails (or the kernel crashes) in every mode.
	verdict=$(cd "$repo/pipeline" && /usr/bin/python3 - "$results" $modes <<'PY'
import sys
from results import load
results, modes = sys.argv[1], sys.argv[2:]
bad, unbuilt = {}, []
run = load([results])
for r in run.rows:
	mode = r['cell']['mode']
	if any('did not build' in c for c in r['crashed']):
		unbuilt.append(mode)
	if r['infrastructure']:
		print(f"error: {mode}: {r['infrastructure'][0]}")
		sys.exit()
	bad[mode] = r['failed'] + r['crashed']
if run.problems:
	print('error: ' + run.problems[0])
	sys.exit()
alive = [m for m in modes if not bad.get(m)]
if unbuilt:
	print(f'error: does not build in {" ".join(sorted(unbuilt))}')
elif alive:
	print('survived' + (f' in {" ".join(alive)}' if len(modes) > 1 else ''))
else:
	shown = bad[modes[-1]]
	print('killed by ' + ', '.join(f'{len(bad[m])} in {m}' for m in modes) +
	      f': {", ".join(shown[:3])}{" ..." if len(shown) > 3 else ""}')
PY
)
	if [ "${verdict%% *}" = error: ]; then
		survived=$((survived + 1))
	elif [ "${verdict%% *}" = survived ]; then
		why=$(sed -n "s/^$name: //p" "$dir/equivalent" 2>/dev/null)
		if [ -n "$why" ]; then
			verdict="survived, equivalent: $why"
		else
			survived=$((survived + 1))
		fi
	fi
	echo "mutants: $base $name ($modes): $verdict"
done
[ "$survived" -eq 0 ] || die "$survived mutants of $base survived or did not build"
