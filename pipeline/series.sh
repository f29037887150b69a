#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Write the mailable series of an assembled tree: every commit after the
# base one, with git format-patch --cover-letter. The cover letter's subject
# and body come from patches/BASE/cover-letter (first paragraph: subject),
# through git's branch description; the subject prefix from
# patches/BASE/subject-prefix (e.g. "PATCH 6.12.y").
#
# Then prove a maintainer gets the same tree: the series is applied with
# git am to a fresh git copy of the pristine base, and the resulting tree
# object must be the assembled tree's, so the suites run on the assembled
# tree are the suites run in the maintainer's.
#
# Usage: pipeline/series.sh TREE BASE SRC OUTDIR
set -eu

die() { echo "series: $*" >&2; exit 1; }
[ $# -eq 4 ] || die "usage: series.sh TREE BASE SRC OUTDIR"
tree=$1 base=$2 src=$3 out=$4
repo=$(cd "$(dirname "$0")/.." && pwd)
cover=$repo/patches/$base/cover-letter

[ -f "$tree/.git/vmalloc-skip-assembled" ] || die "$tree is not assembled (make prepare)"
[ -f "$cover" ] || die "no cover letter: $cover"
[ -z "$(git -C "$tree" status --porcelain)" ] ||
	die "$tree has uncommitted edits: commit them to have them in the series"

root=$(git -C "$tree" rev-list --max-parents=0 HEAD)
branch=$(git -C "$tree" symbolic-ref --short HEAD)
git -C "$tree" config "branch.$branch.description" "$(cat "$cover")"
rm -rf "$out"
prefix=$(cat "$repo/patches/$base/subject-prefix" 2>/dev/null || echo PATCH)
git -C "$tree" -c user.name="KASAN vmalloc-skip project" \
	-c user.email=kasan-vmalloc-skip@example.org \
	format-patch -q --cover-letter --cover-from-description=subject \
	--subject-prefix="$prefix" \
	--thread --base="$root" -o "$out" "$root..HEAD"
echo "series: $out: $(ls "$out" | wc -l) files (cover letter included)"

# The maintainer's path: git am onto a fresh git checkout of the base.
check=$(mktemp -d)
trap 'rm -rf "$check"' EXIT
rsync -a --exclude=/.git --exclude=/.pristine "$src/" "$check/"
export GIT_AUTHOR_NAME=maintainer GIT_AUTHOR_EMAIL=maintainer@example.org
export GIT_COMMITTER_NAME=maintainer GIT_COMMITTER_EMAIL=maintainer@example.org
git -C "$check" init -q
git -C "$check" add -f -A
git -C "$check" commit -q -m base
ls "$out"/*.patch | grep -v '/0000-' | xargs git -C "$check" am -q ||
	die "the series in $out does not apply with git am to $src"
want=$(git -C "$tree" rev-parse 'HEAD^{tree}')
got=$(git -C "$check" rev-parse 'HEAD^{tree}')
[ "$want" = "$got" ] ||
	die "git am of $out gives another tree than $tree ($got, not $want)"
echo "series: git am onto a clean $base tree gives the assembled tree exactly"
