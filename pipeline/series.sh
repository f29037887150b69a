#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Write the mailable series of an assembled tree: every commit after the
# base one, with git format-patch --cover-letter, signed off by whoever runs
# this (git config user.name and user.email). A commit of the project's own
# (the assembled tree gives them the pipeline's identity) gets that person
# as its author; a backport keeps its upstream author, and the person adds
# their Signed-off-by as the backporter. The cover letter's subject and body
# come from patches/BASE/cover-letter (first paragraph: subject), the subject
# prefix from patches/BASE/subject-prefix (e.g. "PATCH vendor-6.12").
#
# Then prove a maintainer gets the same tree: the series is applied with
# git am to a worktree of the base commit, and the resulting tree object
# must be the assembled tree's, so the suites run on the assembled tree are
# the suites run in the maintainer's.
#
# Usage: pipeline/series.sh TREE BASE OUTDIR
# SERIES_UNSIGNED=1 (make checkpatch, when no git identity is set): write
# the series with the pipeline's identity and no added Signed-off-by, for
# checking only.
set -eu

die() { echo "series: $*" >&2; exit 1; }
[ $# -eq 3 ] || die "usage: series.sh TREE BASE OUTDIR"
tree=$1 base=$2 out=$3
# Absolute, as git -C "$tree" would read a relative OUTDIR from the tree.
mkdir -p "$out"
out=$(cd "$out" && pwd)
repo=$(cd "$(dirname "$0")/.." && pwd)
cover=$repo/patches/$base/cover-letter
pipeline_email=pipeline@localhost

[ -f "$tree/.git/vmalloc-skip-assembled" ] || die "$tree is not assembled (make prepare)"
[ -f "$cover" ] || die "no cover letter: $cover"
[ -z "$(git -C "$tree" status --porcelain)" ] ||
	die "$tree has uncommitted edits: commit them to have them in the series"

name=$(git -C "$repo" config user.name || true)
email=$(git -C "$repo" config user.email || true)
if [ -z "$name" ] || [ -z "$email" ]; then
	[ "${SERIES_UNSIGNED:-0}" = 1 ] ||
		die "no git identity: set git config user.name and user.email; a series is signed off by whoever sends it"
	name="" email=""
fi

root=$(git -C "$tree" rev-list --max-parents=0 HEAD)
branch=vmalloc-skip-series-$$
check=$out.check
work=$(mktemp -d)
cleanup() {
	git -C "$tree" worktree remove --force "$check" 2>/dev/null || rm -rf "$check"
	git -C "$tree" worktree prune
	git -C "$tree" branch -q -D "$branch" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# The series' commits again, on the same trees, with their authors and
# sign-offs as sent.
parent=$root
for commit in $(git -C "$tree" rev-list --reverse "$root..HEAD"); do
	git -C "$tree" log -1 --format=%B "$commit" >"$work/msg"
	a_name=$(git -C "$tree" log -1 --format=%an "$commit")
	a_email=$(git -C "$tree" log -1 --format=%ae "$commit")
	a_date=$(git -C "$tree" log -1 --format=%aD "$commit")
	if [ -n "$email" ]; then
		if [ "$a_email" = "$pipeline_email" ]; then
			a_name=$name a_email=$email
		fi
		git interpret-trailers --in-place --if-exists addIfDifferent \
			--trailer "Signed-off-by: $name <$email>" "$work/msg"
	fi
	parent=$(GIT_AUTHOR_NAME=$a_name GIT_AUTHOR_EMAIL=$a_email GIT_AUTHOR_DATE=$a_date \
		GIT_COMMITTER_NAME=${name:-$a_name} GIT_COMMITTER_EMAIL=${email:-$a_email} \
		git -C "$tree" commit-tree "$commit^{tree}" -p "$parent" -F "$work/msg")
done
git -C "$tree" branch -q "$branch" "$parent"
git -C "$tree" config "branch.$branch.description" "$(cat "$cover")"

rm -rf "$out"
prefix=$(cat "$repo/patches/$base/subject-prefix" 2>/dev/null || echo PATCH)
git -C "$tree" -c user.name="${name:-KASAN vmalloc-skip pipeline}" \
	-c user.email="${email:-$pipeline_email}" \
	format-patch -q --cover-letter --cover-from-description=subject \
	--subject-prefix="$prefix" \
	--thread --base="$root" -o "$out" "$root..$branch"
git -C "$tree" config --unset "branch.$branch.description"
# For checkpatch.sh: a series nobody signed off is checked without
# Signed-off-by lines.
[ -n "$email" ] || : >"$out/.unsigned"
echo "series: $out: $(ls "$out" | wc -l) files (cover letter included)${email:+, signed off by $name <$email>}"

# The maintainer's path: git am onto a checkout of the base commit.
rm -rf "$check"
git -C "$tree" worktree prune
git -C "$tree" worktree add -q --detach "$check" "$root"
ls "$out"/*.patch | grep -v '/0000-' |
	GIT_COMMITTER_NAME=maintainer GIT_COMMITTER_EMAIL=maintainer@localhost \
	xargs git -C "$check" am -q ||
	die "the series in $out does not apply with git am to $base"
want=$(git -C "$tree" rev-parse 'HEAD^{tree}')
got=$(git -C "$check" rev-parse 'HEAD^{tree}')
[ "$want" = "$got" ] ||
	die "git am of $out gives another tree than $tree ($got, not $want)"
echo "series: git am onto the $base base commit gives the assembled tree exactly"
