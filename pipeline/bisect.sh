#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Bisectability: builds the assembled tree after each commit of its series,
# in every KASAN mode, as make kunit builds it (pipeline/kernel.py), then
# checks the tree out at its last commit again, also when interrupted. Like
# make mutants, it works in the assembled tree and the modes' own build
# directories (build/out/NAME-MODE), so that each step rebuilds only what
# the commit changed; a tree with edits is refused.
#
# Early commits do not have the project's kunitconfig fragments yet, so
# those of the series' last commit are used, without the options whose
# Kconfig symbol that commit does not define yet.
#
# Usage: pipeline/bisect.sh NAME TREE BUILD_DIR ["MODES"]
set -eu
die() { echo "bisect: $*" >&2; exit 1; }
[ $# -ge 3 ] || die "usage: bisect.sh NAME TREE BUILD_DIR [MODES]"
here=$(cd "$(dirname "$0")" && pwd)
name=$1 tree=$(cd "$2" && pwd) build=$3 modes=${4:-$("$here/matrix.py" modes)}
[ -f "$tree/.git/vmalloc-skip-assembled" ] || die "$tree is not an assembled tree (make prepare)"
[ -z "$(git -C "$tree" status --porcelain)" ] ||
	die "$tree has uncommitted edits; bisect checks out each commit of a clean tree"
head=$(git -C "$tree" rev-parse HEAD)
branch=$(git -C "$tree" symbolic-ref -q --short HEAD || echo "$head")
logs=$build/bisect/$name
configs=$logs/configs

# The fragments of the last commit.
rm -rf "$logs" && mkdir -p "$configs/last"
cp "$tree/mm/kasan/.kunitconfig" "$configs/last/"
for mode in $modes; do
	cp "$tree/tools/testing/kunit/configs/kasan_$mode.config" "$configs/last/" ||
		die "unknown mode '$mode'"
done
. "$here/child.sh"
trap 'stop_child; git -C "$tree" checkout -q -f "$branch"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# Only the options this commit can set, or kunit.py refuses.
settable() {
	while read -r line; do
		sym=$(echo "$line" | sed -n 's/^CONFIG_\([A-Z0-9_]*\)=.*/\1/p')
		[ -z "$sym" ] || git -C "$tree" grep -q -E "^(menu)?config $sym\$" -- '*Kconfig*' ||
			continue
		echo "$line"
	done <"$1"
}

root=$(git -C "$tree" rev-list --max-parents=0 HEAD)
broken=0
for mode in $modes; do
	for commit in $(git -C "$tree" rev-list --reverse "$root..$head"); do
		git -C "$tree" checkout -q --detach "$commit"
		subject=$(git -C "$tree" log -1 --format=%s)
		settable "$configs/last/.kunitconfig" >"$configs/.kunitconfig"
		settable "$configs/last/kasan_$mode.config" >"$configs/kasan_$mode.config"
		log=$logs/$mode-$(git -C "$tree" rev-parse --short HEAD).log
		if run_child "${KERNEL_PY:-$here/kernel.py}" --tree "$tree" --name "$name" --mode "$mode" \
			--out "$build/out" --configs "$configs" --log "$log"; then
			echo "bisect: $name $mode: builds: $subject"
		else
			echo "bisect: $name $mode: BROKEN: $subject (see $log)"
			broken=$((broken + 1))
		fi
	done
done
[ "$broken" -eq 0 ] || die "$broken builds of the $name series failed"
echo "bisect: $name: every commit builds in: $modes"
