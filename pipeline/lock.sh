#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run a command holding the lock of the build directory: one make at a time
# per checkout. A second one says who holds the lock and waits for it.
#
# The lock is flock(1) on BUILD itself, taken on file descriptor 9, which
# the command inherits: this script execs the command, so that a signal
# to this process or to its process group (Ctrl-C, a CI cancel) reaches
# the command itself, and the lock is held for as long as the command or
# anything it leaves running in BUILD lives. (GNU make does not pass a
# SIGTERM sent to it alone on to us.) BUILD/.lock-owner says who holds it; it
# is replaced whole (mv), so a waiting make never reads half a line.
#
# Usage: pipeline/lock.sh BUILD CMD...
# The command runs with VMALLOC_SKIP_LOCKED=BUILD in its environment: a
# make it runs in the same checkout is part of the same run and does not
# lock again.
set -eu
[ $# -ge 2 ] || { echo "lock: usage: lock.sh BUILD CMD..." >&2; exit 2; }
build=$1
shift
command -v flock >/dev/null || { echo "lock: flock not found (util-linux)" >&2; exit 1; }
mkdir -p "$build"
owner=$build/.lock-owner

exec 9<"$build"
if ! flock -n 9; then
	echo "make: $build is in use ($(cat "$owner" 2>/dev/null || echo 'owner unknown')); waiting for it" >&2
	flock 9
fi
printf 'pid %s, since %s: %s\n' "$$" "$(date '+%F %T')" "$*" >"$owner.new"
mv -f "$owner.new" "$owner"

export VMALLOC_SKIP_LOCKED="$build"
exec "$@"
