#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Proof that the matrix can fail: apply each deliberately broken variant of
# the series in mutants/BASE/ to the assembled tree, one at a time, rebuild
# the hw_tags kernel incrementally, run kasan_vmalloc_skip once, and revert.
# A mutant is killed when a case fails or the kernel crashes. Prints one
# line per mutant and exits non-zero if a mutant not listed as equivalent in
# mutants/BASE/equivalent survives.
#
# Usage: pipeline/mutants.sh BASE NAME TREE BUILD_DIR  (NAME: the tree's name)
set -eu
die() { echo "mutants: $*" >&2; exit 1; }
[ $# -eq 4 ] || die "usage: mutants.sh BASE NAME TREE BUILD_DIR"
base=$1 name_of_tree=$2 tree=$3 build=$4
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=$repo/mutants/$base
[ -d "$dir" ] || die "no mutants for base $base ($dir)"
[ -z "$(git -C "$tree" status --porcelain)" ] ||
	die "$tree has uncommitted edits; mutants are applied to a clean tree"
trap 'git -C "$tree" checkout -q -- .' EXIT

survived=0
for m in "$dir"/*.patch; do
	name=$(basename "$m" .patch)
	git -C "$tree" apply "$m" || die "$name does not apply to $tree"
	results=$build/mutants/$base/$name
	rm -rf "$results"
	"$repo/pipeline/run_kunit.py" --tree "$tree" --name "$name_of_tree" \
		--out "$build/out" --results "$results" --modes hw_tags \
		--variants default --attempts 1 --suite kasan_vmalloc_skip \
		--make_option "CC=ccache aarch64-linux-gnu-gcc" >/dev/null
	git -C "$tree" checkout -q -- .
	verdict=$(python3 - "$results" <<'PY'
import glob, json, sys
rows = [json.load(open(p)) for p in glob.glob(sys.argv[1] + '/*.summary.json')]
bad = [c for r in rows for c in r['failed'] + r['crashed']]
print(f"killed by {len(bad)}: {', '.join(bad[:3])}{' ...' if len(bad) > 3 else ''}" if bad else 'survived')
PY
)
	if [ "$verdict" = survived ]; then
		why=$(sed -n "s/^$name: //p" "$dir/equivalent" 2>/dev/null)
		if [ -n "$why" ]; then
			verdict="survived, equivalent: $why"
		else
			survived=$((survived + 1))
		fi
	fi
	echo "mutants: $base $name: $verdict"
done
[ "$survived" -eq 0 ] || die "$survived mutants of $base survived"
