#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Assemble a build tree: a pristine copy of a kernel source, then the base's
# series (one git commit per line of patches/BASE/series), each commit taking
# the project's overlay files that its line names. The tree is built under
# TREE.new and only replaces TREE once complete, so a half-assembled tree is
# never used. Files whose content did not change keep their timestamps, so an
# incremental kernel build after re-assembly only rebuilds what changed.
#
# Usage: pipeline/assemble.sh [--if-stale] SRC BASE TREE
#   --if-stale  do nothing when TREE was assembled from the same inputs
# Environment:
#   FORCE=1          discard uncommitted or committed hand edits in TREE
#   SKIP_PATCHES=..  patch file names (globs) to leave out, e.g. to show a
#                    bug that a fix of the series removes
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
repo=${OVERLAY_REPO:-$(cd "$(dirname "$0")/.." && pwd)}
series_dir=${SERIES_DIR:-$repo/patches/$base}
overlay_paths="mm tools"

[ -f "$src/Makefile" ] && [ -f "$src/mm/vmalloc.c" ] &&
	grep -q '^PATCHLEVEL = ' "$src/Makefile" ||
	die "$src is not a kernel source tree"
[ -f "$series_dir/series" ] || die "no series for base $base ($series_dir/series)"

# What the tree is made of: source identity, series, overlay, skipped patches.
source_id() {
	if [ -f "$src/.pristine" ]; then
		cat "$src/.pristine"
	elif git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
		echo "$src"
		git -C "$src" rev-parse HEAD
		git -C "$src" status --porcelain | sha256sum
	else
		echo "$src"
		ls -l --time-style=full-iso "$src/Makefile"
	fi
}
overlay_files() {
	git -C "$repo" ls-files --cached --others --exclude-standard \
		-- $overlay_paths | sort -u
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
		for f in $(overlay_files); do
			echo "$f"
			cat "$repo/$f"
		done
	} | sha256sum | cut -d' ' -f1
}

stamp_file() { echo "$1/.git/vmalloc-skip-assembled"; }
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

new=$tree.new
tmp_list=$(mktemp)
rm -rf "$new"
mkdir -p "$new"
trap 'rm -rf "$new" "$tmp_list"' EXIT

echo "assemble: copying $src"
rsync -a --exclude=/.git --exclude=/.pristine "$src/" "$new/"
export GIT_AUTHOR_NAME="KASAN vmalloc-skip project"
export GIT_AUTHOR_EMAIL="kasan-vmalloc-skip@example.org"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
git -C "$new" init -q
git -C "$new" config core.autocrlf false
# -f: Debian's linux-source adds "/*" to the top-level .gitignore.
git -C "$new" add -f -A
version=$(make -s -C "$new" kernelversion 2>/dev/null || echo "$base")
git -C "$new" commit -q -m "Linux $version" --no-verify

skipped() {
	for pattern in ${SKIP_PATCHES:-}; do
		# shellcheck disable=SC2254
		case "$1" in $pattern) return 0 ;; esac
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
		if ! out=$(git -C "$new" am -q --no-3way "$series_dir/$name" 2>&1); then
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

for f in $(overlay_files); do
	grep -qxF "$f" "$committed" ||
		die "overlay file $f is not named in $series_dir/series"
done

printf '%s\n%s\n' "$hash" "$(git -C "$new" rev-parse HEAD)" > "$(stamp_file "$new")"

# Replace TREE; unchanged files keep their timestamps (no --times).
if [ -d "$tree" ]; then
	rm -f "$(stamp_file "$tree")"
	rsync -rlpgoD --checksum --delete "$new/" "$tree/"
else
	mv "$new" "$tree"
fi
echo "assemble: $tree: Linux $version + $applied commits of $series_dir"
