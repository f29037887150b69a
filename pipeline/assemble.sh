#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Assemble a build tree: a copy of the source of a kernel, then the base's
# series (one git commit per line of patches/BASE/series), each commit taking
# the project's overlay files that its line names.
#
# The tree is built as TREE.new and replaces TREE by rename once complete,
# so a half-assembled tree is never used, also after an interruption (an
# interrupted swap is finished or undone on the next run). Files whose
# content did not change keep their timestamps from the old TREE, so that an
# incremental kernel build after re-assembly only rebuilds what changed.
#
# Usage: pipeline/assemble.sh [--if-stale] SRC BASE TREE
#   --if-stale  do nothing when TREE was assembled from the same inputs
# SRC: an extracted Debian source (with .pristine), a git checkout (its
# tracked files are copied, as they are in the work tree) or any other
# extracted kernel source; one with an in-tree build is refused.
# Environment:
#   FORCE=1          discard uncommitted or committed hand edits in TREE
#   SKIP_PATCHES=..  patch file names (globs) to leave out, e.g. to show a
#                    bug that a fix of the series removes; each must match
#   SERIES_DIR=DIR   take the series from DIR instead of patches/BASE
#   OVERLAY_REPO=DIR take the overlay files from DIR instead of this repo
set -eu

die() { echo "assemble: $*" >&2; exit 1; }

if_stale=""
if [ "${1:-}" = --if-stale ]; then
	if_stale=yes
	shift
fi
[ $# -eq 3 ] || die "usage: assemble.sh [--if-stale] SRC BASE TREE"
src=$1 base=$2 tree=$3
here=$(cd "$(dirname "$0")" && pwd)
repo=${OVERLAY_REPO:-$(dirname "$here")}
series_dir=${SERIES_DIR:-$repo/patches/$base}
new=$tree.new
old=$tree.old

[ -f "$src/Makefile" ] && [ -f "$src/mm/vmalloc.c" ] &&
	grep -q '^PATCHLEVEL = ' "$src/Makefile" ||
	die "$src is not a kernel source tree"
for built in .config include/config include/generated vmlinux; do
	[ ! -e "$src/$built" ] ||
		die "$src holds an in-tree build ($built): run 'make mrproper' there, or give a clean tree"
done
[ -f "$series_dir/series" ] || die "no series for base $base ($series_dir/series)"

# A git work tree of its own: a tree extracted inside some other repository
# (a git-tracked home directory) is copied as files, not as that
# repository's tracked subset of it.
src_is_git() {
	[ ! -f "$src/.pristine" ] &&
		[ "$(git -C "$src" rev-parse --show-toplevel 2>/dev/null)" = "$(cd "$src" && pwd -P)" ]
}

# Where the source came from, for the results: one line.
source_line() {
	if [ -f "$src/.pristine" ]; then
		cat "$src/.pristine"
	elif src_is_git; then
		echo "$src at $(git -C "$src" describe --always --dirty 2>/dev/null)"
	else
		echo "$src (extracted tree)"
	fi
}

# What the tree is made of: source identity, series, overlay, skipped patches.
source_id() {
	if [ -f "$src/.pristine" ]; then
		cat "$src/.pristine"
	elif src_is_git; then
		echo "$src"
		git -C "$src" rev-parse HEAD
		# What is copied: tracked files as they are in the work tree.
		git -C "$src" diff --binary HEAD | sha256sum
	else
		echo "$src"
		find "$src" -type f -printf '%P %s %T@\n' | sort | sha256sum
	fi
}
# The overlay: every file under the overlay directories, whether or not
# this repository is a git checkout (a tarball export has no git).
overlay_files() {
	(cd "$repo" && find mm tools -type f | LC_ALL=C sort)
}
inputs_hash() {
	{
		source_id
		echo "skip: ${SKIP_PATCHES:-}"
		cat "$series_dir/series"
		sed -n 's/^\([^#][^ ]*\).*/\1/p' "$series_dir/series" |
		while read -r name; do
			cat "$series_dir/$name" 2>/dev/null || echo "missing: $name"
		done
		overlay_files | while read -r f; do
			echo "$f"
			cat "$repo/$f"
		done
	} | sha256sum | cut -d' ' -f1
}

stamp_file() { echo "$1/.git/vmalloc-skip-assembled"; }

# An earlier run was interrupted: drop its half-built tree, and finish or
# undo its swap.
rm -rf "$new"
if [ -d "$old" ]; then
	if [ -d "$tree" ]; then
		rm -rf "$old"
	else
		mv "$old" "$tree"
	fi
fi

hash=$(inputs_hash)
if [ -n "$if_stale" ] && [ -f "$(stamp_file "$tree")" ] &&
   [ "$(sed -n 1p "$(stamp_file "$tree")")" = "$hash" ]; then
	echo "assemble: $tree is up to date"
	exit 0
fi

# Never throw away a maintainer's edits in the assembled tree.
if [ -d "$tree/.git" ] && [ "${FORCE:-0}" != 1 ]; then
	if [ -n "$(git -C "$tree" status --porcelain)" ]; then
		die "$tree has uncommitted edits; re-run the suites with 'make kunit', or FORCE=1 to discard them"
	fi
	if [ -f "$(stamp_file "$tree")" ] &&
	   [ "$(git -C "$tree" rev-parse HEAD)" != "$(sed -n 2p "$(stamp_file "$tree")")" ]; then
		die "$tree has commits of its own; 'make series' them first, or FORCE=1 to discard them"
	fi
fi

tmp_list=$(mktemp)
tmp_patch=$(mktemp)
cleanup() {
	rm -rf "$new" "$tmp_list" "$tmp_patch"
	# Interrupted between the two renames below: put the old tree back.
	if [ -d "$old" ] && [ ! -d "$tree" ]; then
		mv "$old" "$tree"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

mkdir -p "$new"
echo "assemble: copying $src"
if src_is_git; then
	git -C "$src" ls-files -z | (cd "$src" && cpio -0 -pdm --quiet "$new") ||
		die "cannot copy the tracked files of $src"
else
	(cd "$src" && tar -cf - --exclude=./.pristine --exclude=./.git .) |
		(cd "$new" && tar -xf -) || die "cannot copy $src"
fi

export GIT_AUTHOR_NAME="KASAN vmalloc-skip pipeline"
export GIT_AUTHOR_EMAIL="pipeline@localhost"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
git -C "$new" init -q
git -C "$new" config core.autocrlf false
# 80,000 loose objects would start an automatic repack after each commit.
git -C "$new" config gc.auto 0
# -f: Debian's linux-source adds "/*" to the top-level .gitignore.
git -C "$new" add -f -A
version=$(make -s -C "$new" kernelversion 2>/dev/null || echo "$base")
git -C "$new" commit -q -m "Linux $version" --no-verify

matched=""
skipped() {
	for pattern in ${SKIP_PATCHES:-}; do
		# shellcheck disable=SC2254
		case "$1" in $pattern)
			matched="$matched $pattern"
			return 0 ;;
		esac
	done
	return 1
}

# A series line is "NAME [FILE...]". NAME.patch is applied with git am;
# NAME.msg makes a commit with that message. The overlay FILEs named on the
# line go into that commit, so that the tree's history is the mailable series.
committed=$tmp_list
: > "$committed"
add_overlay() {
	for f in "$@"; do
		[ -f "$repo/$f" ] || die "series line '$line' names $f, which is not in the repo"
		mkdir -p "$new/$(dirname "$f")"
		cp "$repo/$f" "$new/$f"
		git -C "$new" add -f -- "$f"
		echo "$f" >> "$committed"
	done
}

# The patch, with the pipeline's identity as its author if it names none.
with_author() {
	awk -v from="From: $GIT_AUTHOR_NAME <$GIT_AUTHOR_EMAIL>" '
		NR == 1 { print; next }
		!done && /^From: / { done = 1 }
		!done && /^$/ { print from; done = 1 }
		{ print }' "$1"
}

applied=0
while read -r line; do
	case "$line" in ''|'#'*) continue ;; esac
	# shellcheck disable=SC2086
	set -- $line
	name=$1
	shift
	[ -f "$series_dir/$name" ] || die "series names $name, which is not in $series_dir"
	if skipped "$name"; then
		echo "assemble: leaving out $name (SKIP_PATCHES)"
		continue
	fi
	case "$name" in
	*.patch)
		# Our own patches name no author: whoever sends the series
		# is (make series); here the pipeline's identity stands in.
		with_author "$series_dir/$name" >"$tmp_patch"
		if ! out=$(git -C "$new" am -q --no-3way "$tmp_patch" 2>&1); then
			file=$(echo "$out" | sed -n 's/^error: patch failed: \([^:]*\):.*/\1/p; s/^error: \([^:]*\): does not exist in index.*/\1/p; s/^error: \([^:]*\): already exists.*/\1/p' | head -n 1)
			die "patch $name does not apply to $src (${file:-see git am}): base $base"
		fi
		if [ $# -gt 0 ]; then
			add_overlay "$@"
			git -C "$new" commit -q --amend --no-edit --no-verify
		fi
		;;
	*.msg)
		add_overlay "$@"
		git -C "$new" commit -q --no-verify -F "$series_dir/$name"
		;;
	*)
		die "series line '$line': $name is neither a .patch nor a .msg"
		;;
	esac
	applied=$((applied + 1))
done < "$series_dir/series"

for pattern in ${SKIP_PATCHES:-}; do
	case " $matched " in *" $pattern "*) ;; *)
		die "SKIP_PATCHES: '$pattern' matches no patch of $series_dir/series" ;;
	esac
done
overlay_files | while read -r f; do
	grep -qxF "$f" "$committed" ||
		die "overlay file $f is not named in $series_dir/series"
done

printf '%s\n%s\n' "$hash" "$(git -C "$new" rev-parse HEAD)" > "$(stamp_file "$new")"
source_line > "$new/.git/vmalloc-skip-source"

if [ -d "$tree/.git" ]; then
	"$here/keep_mtimes.py" "$tree" "$new"
fi
rm -rf "$old"
if [ -d "$tree" ]; then
	mv "$tree" "$old"
fi
mv "$new" "$tree"
rm -rf "$old"
echo "assemble: $tree: Linux $version + $applied commits of $series_dir"
