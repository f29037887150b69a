#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run a command holding the lock of the build directory: one make at a time
# per checkout. A second one says who holds the lock and waits for it.
#
# The lock is flock(1) on BUILD itself. flock -o keeps the lock in flock's
# own process only, so that nothing the command leaves running in the
# background can hold it after the command has ended. BUILD/.lock-owner
# says who took it last; it is only read while the lock is held.
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
busy=200

run_locked() {
	# $1: flock's wait option; the rest: the command.
	wait=$1
	shift
	# shellcheck disable=SC2016 # expanded by the inner shell
	flock $wait -E $busy -o "$build" sh -c '
		printf "pid %s, since %s: %s\n" "$$" "$(date "+%F %T")" "$*" >"$0"
		exec "$@"' "$owner" "$@"
}

export VMALLOC_SKIP_LOCKED="$build"
status=0
run_locked -n "$@" || status=$?
if [ $status -eq $busy ]; then
	echo "make: $build is in use ($(cat "$owner" 2>/dev/null || echo 'owner unknown')); waiting for it" >&2
	status=0
	run_locked "" "$@" || status=$?
fi
exit $status
