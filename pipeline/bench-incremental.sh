#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# How long a maintainer waits after an edit: touch mm/vmalloc.c in the
# assembled tree, then time "make kunit" for one mode (incremental build
# with ccache and one boot). Prints seconds per mode; run it after a full
# run so that every mode's build directory exists.
#
# Usage: pipeline/bench-incremental.sh [BASE [MODE...]]
set -eu
base=${1:-6.12}
[ $# -gt 0 ] && shift
modes=${*:-$(pipeline/matrix.py modes)}
tree=build/tree/$base
[ -f "$tree/mm/vmalloc.c" ] || { echo "bench: no assembled tree $tree (make prepare)" >&2; exit 1; }
for mode in $modes; do
	touch "$tree/mm/vmalloc.c"
	start=$(date +%s)
	make -s kunit BASES="$base" MODES="$mode" VARIANTS=default >/dev/null 2>&1 ||
		echo "bench: the $mode run failed; the time still counts"
	echo "bench: $base $mode: touch mm/vmalloc.c to result: $(($(date +%s) - start)) s"
done
