#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Coverage of one assembled tree: builds a coverage kernel per KASAN mode
# (build directories OUT/NAME-MODE-gcov), runs the matrix in every mode and
# boot variant with kunit.py, checks the results like any other run, turns
# each boot's gcov data into an lcov tracefile, then hands them to
# coverage/report.py for the HTML report, the summary and the gate.
#
# Usage: coverage/run.sh NAME TREE OUT COVDIR "MODES" "VARIANTS" [ATTEMPTS]
set -eu
die() { echo "coverage: $*" >&2; exit 1; }
[ $# -ge 6 ] || die "usage: run.sh NAME TREE OUT COVDIR MODES VARIANTS [ATTEMPTS]"
name=$1 tree=$2 out=$3 covdir=$4 modes=$5 variants=$6 attempts=${7:-3}
here=$(cd "$(dirname "$0")" && pwd)
# LCOV, GENHTML and GCOV name the tools (the pipeline's checks fake them).
for tool in "${LCOV:-lcov}" "${GENHTML:-genhtml}" "${GCOV:-aarch64-linux-gnu-gcov}"; do
	command -v "$tool" >/dev/null || die "$tool not found (make setup installs it)"
done
[ -f "$tree/.git/vmalloc-skip-assembled" ] || die "$tree is not an assembled tree (make prepare)"

rm -rf "$covdir" && mkdir -p "$covdir/results" "$covdir/info"
echo coverage >"$covdir/results/LABEL"
"$here/initramfs.sh" "$tree" "$covdir/initramfs"

# Profile the listed files and every C file the series changes.
root=$(git -C "$tree" rev-list --max-parents=0 HEAD)
profile=$( (grep -v '^#' "$here/profiled-files";
	    git -C "$tree" diff --name-only "$root" -- '*.c') |
	sed -n 's|.*/\([^/]*\)\.c$|--make_option=GCOV_PROFILE_\1.o=y|p' | sort -u)

# shellcheck disable=SC2086 # $profile is one option per word
"$here/../pipeline/run_kunit.py" --tree "$tree" --name "$name" --out "$out" \
	--results "$covdir/results" --modes "$modes" --variants "$variants" \
	--attempts "$attempts" --known "$here/../pipeline/known-failures.txt" \
	--suite kasan_vmalloc_skip --build-suffix=-gcov \
	--qemu_config "$here/qemu_arm64_mte_init.py" \
	--kunitconfig "$here/gcov.config" \
	--kunitconfig "$covdir/initramfs/initramfs.config" \
	--make_option "CC=ccache aarch64-linux-gnu-gcc" $profile

# A coverage run is checked like any other run.
results_ok=0
"$here/../pipeline/summary.py" "$covdir/results" || results_ok=1

# The last boot of every row holds that row's data.
for summary in "$covdir"/results/*.summary.json; do
	row=$(basename "$summary" .summary.json)
	case $row in *-build) die "the coverage kernel of $row did not build";; esac
	mode=${row#"$name"-}
	mode=${mode%%-*}
	boots=$(sed -n 's/.*"boots": \([0-9]*\).*/\1/p' "$summary")
	"$here/gcda.py" --log "$covdir/results/$row.$boots.log" \
		--build-dir "$out/$name-$mode-gcov" \
		--capture-dir "$covdir/gcda/$row" --info "$covdir/info/$row.info" \
		--test-name "$row"
done

"$here/report.py" --tree "$tree" --name "$name" --covdir "$covdir"
[ $results_ok -eq 0 ] || die "$name: cases failed in the coverage run (table above)"
