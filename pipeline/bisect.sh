#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Bisectability: builds the assembled tree after each commit of its series,
# in every KASAN mode, with kunit.py. Each commit is checked out in a git
# worktree of its own (build/bisect/BASE), so the assembled tree and its
# build directories are left alone; the per-mode build directories
# (build/bisect/out/BASE-MODE) and ccache make each step incremental.
#
# Early commits do not have the project's kunitconfig fragments and QEMU
# config yet, so those of the series' last commit are used, without the
# options whose Kconfig symbol that commit does not define yet.
#
# Usage: pipeline/bisect.sh BASE TREE BUILD_DIR ["MODES"]
set -eu
die() { echo "bisect: $*" >&2; exit 1; }
[ $# -ge 3 ] || die "usage: bisect.sh BASE TREE BUILD_DIR [MODES]"
base=$1 tree=$(cd "$2" && pwd) build=$3 modes=${4:-generic sw_tags hw_tags}
[ -f "$tree/.git/vmalloc-skip-assembled" ] || die "$tree is not an assembled tree (make prepare)"
work=$build/bisect/$base
configs=$build/bisect/configs-$base
export PYTHONDONTWRITEBYTECODE=1

# The fragments and the QEMU config of the last commit.
rm -rf "$configs" && mkdir -p "$configs"
cp "$tree/mm/kasan/.kunitconfig" "$configs/suites.config"
cp "$tree/tools/testing/kunit/qemu_configs/arm64_mte.py" "$configs/"
for mode in $modes; do
	cp "$tree/tools/testing/kunit/configs/kasan_$mode.config" "$configs/" ||
		die "unknown mode '$mode'"
done

# Afresh each time: a re-assembly replaces the tree's git directory.
rm -rf "$work"
git -C "$tree" worktree prune
git -C "$tree" worktree add -q --detach "$work" HEAD || die "cannot create $work"

root=$(git -C "$tree" rev-list --max-parents=0 HEAD)
broken=0
for commit in $(git -C "$tree" rev-list --reverse "$root..HEAD"); do
	git -C "$work" checkout -q --detach "$commit"
	subject=$(git -C "$work" log -1 --format=%s)
	for mode in $modes; do
		# Only the options this commit can set, or kunit.py refuses.
		cat "$configs/suites.config" "$configs/kasan_$mode.config" |
		while read -r line; do
			sym=$(echo "$line" | sed -n 's/^CONFIG_\([A-Z0-9_]*\)=.*/\1/p')
			[ -z "$sym" ] || git -C "$work" grep -q -E "^(menu)?config $sym\$" -- '*Kconfig*' ||
				continue
			echo "$line"
		done >"$configs/$mode.now.config"
		log=$build/bisect/$base-$mode.log
		if (cd "$work" && python3 tools/testing/kunit/kunit.py build --arch=arm64 \
			--cross_compile=aarch64-linux-gnu- \
			--build_dir="$build/bisect/out/$base-$mode" \
			--qemu_config="$configs/arm64_mte.py" \
			--kunitconfig="$configs/$mode.now.config" \
			--make_options="CC=ccache aarch64-linux-gnu-gcc") >"$log" 2>&1; then
			echo "bisect: $base $mode: builds: $subject"
		else
			echo "bisect: $base $mode: BROKEN: $subject (see $log)"
			cp "$log" "$log.$(git -C "$work" rev-parse --short HEAD)"
			broken=$((broken + 1))
		fi
	done
done
[ "$broken" -eq 0 ] || die "$broken builds of the $base series failed"
echo "bisect: $base: every commit builds in: $modes"
