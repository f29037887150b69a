#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Bisectability: builds the assembled tree after each commit of its series,
# in every KASAN mode, with kunit.py, then checks the tree out at its last
# commit again. Like make mutants, it works in the assembled tree and the
# modes' own build directories (build/out/NAME-MODE), so that ccache, which
# keys on source paths, makes each step a rebuild of what the commit changed;
# a tree with edits is refused.
#
# Early commits do not have the project's kunitconfig fragments and QEMU
# config yet, so those of the series' last commit are used, without the
# options whose Kconfig symbol that commit does not define yet.
#
# Usage: pipeline/bisect.sh NAME TREE BUILD_DIR ["MODES"]
set -eu
die() { echo "bisect: $*" >&2; exit 1; }
[ $# -ge 3 ] || die "usage: bisect.sh NAME TREE BUILD_DIR [MODES]"
name=$1 tree=$(cd "$2" && pwd) build=$3 modes=${4:-generic sw_tags hw_tags}
[ -f "$tree/.git/vmalloc-skip-assembled" ] || die "$tree is not an assembled tree (make prepare)"
[ -z "$(git -C "$tree" status --porcelain)" ] ||
	die "$tree has uncommitted edits; bisect checks out each commit of a clean tree"
head=$(git -C "$tree" rev-parse HEAD)
branch=$(git -C "$tree" symbolic-ref -q --short HEAD || echo "$head")
logs=$build/bisect/$name
configs=$logs/configs
export PYTHONDONTWRITEBYTECODE=1

# The fragments and the QEMU config of the last commit.
rm -rf "$logs" && mkdir -p "$configs"
cp "$tree/mm/kasan/.kunitconfig" "$configs/suites.config"
cp "$tree/tools/testing/kunit/qemu_configs/arm64_mte.py" "$configs/"
for mode in $modes; do
	cp "$tree/tools/testing/kunit/configs/kasan_$mode.config" "$configs/" ||
		die "unknown mode '$mode'"
done
trap 'git -C "$tree" checkout -q "$branch"' EXIT

root=$(git -C "$tree" rev-list --max-parents=0 HEAD)
broken=0
for mode in $modes; do
	for commit in $(git -C "$tree" rev-list --reverse "$root..$head"); do
		git -C "$tree" checkout -q --detach "$commit"
		subject=$(git -C "$tree" log -1 --format=%s)
		# Only the options this commit can set, or kunit.py refuses.
		cat "$configs/suites.config" "$configs/kasan_$mode.config" |
		while read -r line; do
			sym=$(echo "$line" | sed -n 's/^CONFIG_\([A-Z0-9_]*\)=.*/\1/p')
			[ -z "$sym" ] || git -C "$tree" grep -q -E "^(menu)?config $sym\$" -- '*Kconfig*' ||
				continue
			echo "$line"
		done >"$configs/$mode.now.config"
		log=$logs/$mode-$(git -C "$tree" rev-parse --short HEAD).log
		if (cd "$tree" && python3 tools/testing/kunit/kunit.py build --arch=arm64 \
			--cross_compile=aarch64-linux-gnu- \
			--build_dir="$build/out/$name-$mode" \
			--qemu_config="$configs/arm64_mte.py" \
			--kunitconfig="$configs/$mode.now.config" \
			--make_options="CC=ccache aarch64-linux-gnu-gcc") >"$log" 2>&1; then
			echo "bisect: $name $mode: builds: $subject"
		else
			echo "bisect: $name $mode: BROKEN: $subject (see $log)"
			broken=$((broken + 1))
		fi
	done
done
[ "$broken" -eq 0 ] || die "$broken builds of the $name series failed"
echo "bisect: $name: every commit builds in: $modes"
