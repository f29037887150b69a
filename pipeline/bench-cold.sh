#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Cold cost of the pipeline against bare kunit.py, side by side per mode:
#   bare  kunit.py run of the upstream kasan suite in the pristine base tree
#         (the mode's KASAN options and the MTE machine, nothing else);
#   ours  pipeline/run_kunit.py on the assembled tree, default boot only:
#         both suites, our configuration fragments and QEMU config.
# Both start from an empty build directory with ccache disabled, one after
# the other, so they see the same machine. Prints seconds and ours/bare.
#
# Usage: pipeline/bench-cold.sh [BASE [MODE...]]   (after make prepare)
set -eu
die() { echo "bench-cold: $*" >&2; exit 1; }
base=${1:-6.12}
[ $# -gt 0 ] && shift
modes=${*:-$(pipeline/matrix.py modes)}
top=$(pwd)
pristine=$top/build/base/linux-source-$base
tree=$top/build/tree/$base
work=$top/build/bench-cold
[ -f "$pristine/Makefile" ] || die "no base tree $pristine (make fetch)"
[ -f "$tree/.git/vmalloc-skip-assembled" ] || die "no assembled tree $tree (make prepare)"
export CCACHE_DISABLE=1 PYTHONDONTWRITEBYTECODE=1

# The bare run: what a KASAN developer would type, with the same machine.
bare_config() {
	sed "s/@MODE@/$(echo "$1" | tr a-z A-Z)/" pipeline/bare-kasan.config
}

rm -rf "$work" && mkdir -p "$work"
cp "$tree/tools/testing/kunit/qemu_configs/arm64_mte.py" "$work/"
printf '%-8s %8s %8s %8s\n' mode bare ours ours/bare
for mode in $modes; do
	bare_config "$mode" >"$work/bare-$mode.config"
	start=$(date +%s)
	(cd "$pristine" && python3 tools/testing/kunit/kunit.py run --arch=arm64 \
		--cross_compile=aarch64-linux-gnu- --build_dir="$work/bare-$mode" \
		--qemu_config="$work/arm64_mte.py" --timeout=900 \
		--kunitconfig="$work/bare-$mode.config" kasan) \
		>"$work/bare-$mode.log" 2>&1 || echo "bench-cold: bare $mode failed, see $work/bare-$mode.log"
	bare=$(($(date +%s) - start))

	start=$(date +%s)
	rm -rf "$work/results"
	pipeline/run_kunit.py --tree "$base=$tree" --out "$work/ours" \
		--results "$work/results" --modes "$mode" --variants default \
		--attempts 1 >"$work/ours-$mode.log" 2>&1 ||
		echo "bench-cold: ours $mode failed, see $work/ours-$mode.log"
	ours=$(($(date +%s) - start))
	printf '%-8s %7ss %7ss %9s\n' "$mode" "$bare" "$ours" \
		"$(echo "scale=2; $ours / $bare" | bc)"
done
