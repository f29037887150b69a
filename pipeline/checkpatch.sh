#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run the tree's own scripts/checkpatch.pl --strict over every patch of a
# series written by series.sh; any error, warning or check fails.
#
# Two warnings are ignored:
# - FILE_PATH_CHANGES ("added file, does MAINTAINERS need updating?"),
#   given for every new file, although the KASAN entry of MAINTAINERS
#   covers them all through "F: mm/kasan/" and tools/testing/kunit/ is
#   covered by the KUnit entry;
# - UNKNOWN_COMMIT_ID: an assembled tree holds its base as one commit,
#   without the upstream history in which checkpatch looks up the ids of
#   Fixes: tags and backports. Their form is still checked (GIT_COMMIT_ID).
# Debian's python3 comes first in PATH: scripts/spdxcheck.py needs its
# python3-ply and python3-git.
#
# Usage: pipeline/checkpatch.sh TREE SERIES_DIR
set -eu
PATH=/usr/bin:$PATH
[ $# -eq 2 ] || { echo "checkpatch: usage: checkpatch.sh TREE SERIES_DIR" >&2; exit 1; }
tree=$1 dir=$(cd "$2" && pwd)
ignore=FILE_PATH_CHANGES,UNKNOWN_COMMIT_ID
# Without a git identity, series.sh (SERIES_UNSIGNED=1) writes a series
# that nobody has signed off yet, and says so in .unsigned.
if [ -f "$dir/.unsigned" ]; then
	echo "checkpatch: no git identity: the series is checked without Signed-off-by lines"
	ignore=$ignore,MISSING_SIGN_OFF
fi
bad=0
for p in "$dir"/*.patch; do
	case "$p" in */0000-cover-letter.patch) continue ;; esac
	out=$(cd "$tree" && ./scripts/checkpatch.pl --strict --ignore "$ignore" "$p" 2>&1) || true
	if echo "$out" | grep -q '^total: 0 errors, 0 warnings, 0 checks'; then
		continue
	fi
	echo "$out" | grep -E '^(ERROR|WARNING|CHECK|#|\+)' | head -n 20
	echo "checkpatch: $(basename "$p"): $(echo "$out" | grep '^total:')"
	bad=$((bad + 1))
done
[ "$bad" -eq 0 ] || { echo "checkpatch: $bad patches of $dir are not clean" >&2; exit 1; }
echo "checkpatch: $(ls "$dir"/*.patch | grep -vc '/0000-') patches of $dir clean (--strict)"
