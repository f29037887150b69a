#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Proof that the suites can fail: apply each deliberately broken variant of
# the series in mutants/BASE/ to the assembled tree, one at a time, rebuild
# the kernel of each mode it names incrementally, boot the suite it names
# once per mode, and revert. A mutant's header says:
#   Modes: generic sw_tags hw_tags   (hw_tags if absent: most mutants break
#                                     what only hw_tags does)
#   Suite: kasan                     (kasan_vmalloc_skip if absent; a fix of
#                                     the series reverted must be caught by
#                                     the upstream suite's case it adds)
#   Killed-by: kasan.vmalloc_oob*    (only these cases count, if given)
#   Variant: stack_ring              (default if absent: the boot variant,
#                                     see pipeline/matrix.py)
# A mutant is killed when, in every mode it names, such a case fails or the
# kernel crashes; a mutant that does not build is an error. Prints one
# line per mutant and exits non-zero if a mutant not listed as equivalent in
# mutants/BASE/equivalent survives.
#
# Usage: pipeline/mutants.sh BASE NAME TREE BUILD_DIR  (NAME: the tree's name)
# Env: MUTANTS="12-* 19-*" runs only the mutants whose names match one of
# these globs. MUTANTS_CHECK=1 only checks that they apply (make test).
# MUTANT_TIMEOUT (180 s): a boot that takes longer has hung, which counts as
# a crash (a mutant that oopses in a KASAN report leaves its lock taken, and
# the next report waits forever).
# The tree is restored when a mutant has run, on exit, and on INT, TERM, HUP.
set -eu
die() { echo "mutants: $*" >&2; exit 1; }
[ $# -eq 4 ] || die "usage: mutants.sh BASE NAME TREE BUILD_DIR"
base=$1 name_of_tree=$2 tree=$3 build=$4
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=${MUTANTS_DIR:-$repo/mutants/$base}
run_kunit=${RUN_KUNIT:-$repo/pipeline/run_kunit.py}	# the pipeline's checks fake it
[ -d "$dir" ] || die "no mutants for base $base ($dir)"
[ -z "$(git -C "$tree" status --porcelain)" ] ||
	die "$tree has uncommitted edits; mutants are applied to a clean tree"
. "$repo/pipeline/child.sh"
# A mutant left applied would be tested by the next make kunit.
trap 'stop_child; git -C "$tree" checkout -q -- .' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# The mutants asked for, by name; a glob that matches none is an error.
chosen=
set -f	# split MUTANTS into words, without expanding them here
# shellcheck disable=SC2086
set -- ${MUTANTS:-*}
set +f
for glob; do
	found=
	for m in "$dir"/$glob.patch; do
		[ -f "$m" ] || continue
		found=1
		case " $chosen " in *" $(basename "$m") "*) ;; *) chosen="$chosen $(basename "$m")" ;; esac
	done
	[ -n "$found" ] || die "no mutant matches '$glob' in $dir"
done

if [ "${MUTANTS_CHECK:-}" = 1 ]; then
	for m in $chosen; do
		git -C "$tree" apply --check "$dir/$m" 2>/dev/null ||
			die "$(basename "$m" .patch) does not apply to $tree"
	done
	echo "mutants: every mutant of $base applies ($(echo $chosen | wc -w))"
	exit 0
fi

survived=0
for m in $chosen; do
	m=$dir/$m
	name=$(basename "$m" .patch)
	modes=$(sed -n '/^diff /q; s/^Modes: //p' "$m")
	modes=${modes:-hw_tags}
	suite=$(sed -n '/^diff /q; s/^Suite: //p' "$m")
	suite=${suite:-kasan_vmalloc_skip}
	# "Killed-by:" globs: only those cases count as a kill (the upstream
	# suite has cases that fail for reasons of their own).
	killers=$(sed -n '/^diff /q; s/^Killed-by: //p' "$m")
	variant=$(sed -n '/^diff /q; s/^Variant: //p' "$m")
	variant=${variant:-default}
	git -C "$tree" apply "$m" || die "$name does not apply to $tree"
	results=$build/mutants/$base/$name
	rm -rf "$results"
	run_child "$run_kunit" --tree "$name_of_tree=$tree" \
		--out "$build/out" --results "$results" --modes "$modes" \
		--variants "$variant" --attempts 1 --suite "$suite" \
		--timeout "${MUTANT_TIMEOUT:-180}" \
		--known "$repo/pipeline/known-failures.txt" >/dev/null || true
	git -C "$tree" checkout -q -- .
	# Killed only if a case fails (or the kernel crashes) in every mode.
	verdict=$(cd "$repo/pipeline" && /usr/bin/python3 - "$results" "$killers" $modes <<'PY'
import fnmatch, sys
from results import load
results, killers, modes = sys.argv[1], sys.argv[2].split(), sys.argv[3:]
bad, unbuilt = {}, []
run = load([results])
for r in run.rows:
	mode = r['cell']['mode']
	if any('did not build' in c for c in r['crashed']):
		unbuilt.append(mode)
	if r['infrastructure']:
		print(f"error: {mode}: {r['infrastructure'][0]}")
		sys.exit()
	bad[mode] = [c for c in r['failed'] if not killers or
		     any(fnmatch.fnmatchcase(c, k) for k in killers)] + r['crashed']
if run.problems:
	print('error: ' + run.problems[0])
	sys.exit()
alive = [m for m in modes if not bad.get(m)]
if unbuilt:
	print(f'error: does not build in {" ".join(sorted(unbuilt))}')
elif alive:
	print('survived' + (f' in {" ".join(alive)}' if len(modes) > 1 else ''))
else:
	shown = bad[modes[-1]]
	print('killed by ' + ', '.join(f'{len(bad[m])} in {m}' for m in modes) +
	      f': {", ".join(shown[:3])}{" ..." if len(shown) > 3 else ""}')
PY
)
	if [ "${verdict%% *}" = error: ]; then
		survived=$((survived + 1))
	elif [ "${verdict%% *}" = survived ]; then
		why=$(sed -n "s/^$name: //p" "$dir/equivalent" 2>/dev/null)
		if [ -n "$why" ]; then
			verdict="survived, equivalent: $why"
		else
			survived=$((survived + 1))
		fi
	fi
	echo "mutants: $base $name ($suite; $modes; $variant): $verdict"
done
[ "$survived" -eq 0 ] || die "$survived mutants of $base survived or did not build"
