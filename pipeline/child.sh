# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the scripts that run a long command while the tree is changed
# (make mutants, make bisect): a signal must restore the tree at once.
#
# A shell runs its trap for a signal only once the foreground command has
# ended, so a SIGTERM sent to the script alone would wait for a whole kernel
# build or boot. run_child runs the command in the background and waits for
# it, which a trapped signal interrupts; stop_child, called from the EXIT
# trap, ends the command and waits for it before the tree is restored.

child=""

# run_child CMD...: CMD's exit status.
run_child() {
	"$@" &
	child=$!
	status=0
	wait "$child" || status=$?
	child=""
	return $status
}

stop_child() {
	[ -n "$child" ] || return 0
	# "|| true": the scripts run with set -e, and this is their EXIT trap.
	kill -TERM "$child" 2>/dev/null || true
	wait "$child" 2>/dev/null || true
	child=""
}
