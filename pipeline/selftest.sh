#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Checks of the pipeline itself, on tiny fake inputs (no kernel is built):
# bad input stops with one clear line and a non-zero exit; nothing outside
# the checkout is touched; an interrupted script leaves no mutant, no old
# commit, no half tree and no temporary copy behind; one make runs at a
# time; a run that is incomplete never passes; the bases are pinned.
#
# Usage: pipeline/selftest.sh
set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
passed=0 failed=0
# The checks run make in copies of the checkout, each with its own lock.
unset VMALLOC_SKIP_LOCKED MAKEFLAGS MFLAGS MAKELEVEL

fail() {
	echo "selftest: FAIL: $*"
	failed=$((failed + 1))
}
# expect_error NAME PATTERN CMD...: CMD fails and says PATTERN.
expect_error() {
	name=$1 pattern=$2
	shift 2
	if out=$("$@" 2>&1); then
		fail "$name: exited 0"
	elif ! echo "$out" | grep -q -- "$pattern"; then
		fail "$name: no '$pattern' in: $(echo "$out" | tail -n 3)"
	else
		passed=$((passed + 1))
	fi
}
# check NAME CMD...: CMD succeeds.
check() {
	name=$1
	shift
	if "$@"; then
		passed=$((passed + 1))
	else
		fail "$name"
	fi
}
# copy_repo DIR: the checkout as it is (committed or not), without build/.
copy_repo() {
	mkdir -p "$1"
	(cd "$repo" && git ls-files -co --exclude-standard -z | cpio -0 -pdm --quiet "$1") ||
		find "$repo" -path "$repo/build" -prune -o -path "$repo/.git" -prune -o \
			-type f -print | sed "s|^$repo/||" | (cd "$repo" && cpio -pdm --quiet "$1")
}
# in_background CMD...: CMD in a session of its own with SIGINT at its
# default (a non-interactive shell starts background jobs with SIGINT
# ignored, and then a script cannot trap it); prints its process group.
in_background() {
	rm -f "$tmp/bg.pid"
	setsid sh -c 'echo $$ >"$0"; exec env --default-signal=INT "$@"' \
		"$tmp/bg.pid" "$@" >"$tmp/bg.out" 2>&1 &
	wait_for 5 test -s "$tmp/bg.pid"
	cat "$tmp/bg.pid"
}
# wait_for SECONDS CMD...: until CMD succeeds; false if it never does.
wait_for() {
	n=$(($1 * 10))
	shift
	while [ $n -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}
# interrupt PGID: Ctrl-C as a terminal sends it, to the whole process
# group; returns once its leader has ended.
interrupt() {
	kill -INT "-$1" 2>/dev/null
	wait_for 30 sh -c '! kill -0 "$1" 2>/dev/null' - "$1"
}
git_commit() { git -c user.name=t -c user.email=t@t "$@"; }

cd "$repo" || exit 1
# A copy of the checkout to run make in: the make that runs this holds the
# lock of the checkout's own build/.
r=$tmp/repo
copy_repo "$r"
mk() { make -s -C "$r" "$@"; }

# --- Settings are refused at once, naming the variable -------------------
expect_error "unknown mode" "MODES: unknown mode 'bogus'" mk MODES=bogus kunit
expect_error "unknown variant" "VARIANTS: unknown boot variant 'x'" mk VARIANTS=x kunit
expect_error "unknown base" "BASES: unknown base '5.4'" mk BASES=5.4 kunit
expect_error "empty MODES" "MODES is empty" mk MODES= kunit
expect_error "empty VARIANTS" "VARIANTS is empty" mk VARIANTS= kunit
expect_error "empty BASES" "BASES is empty" mk BASES= kunit
expect_error "zero ATTEMPTS" "ATTEMPTS is '0'" mk ATTEMPTS=0 kunit
expect_error "zero TIMEOUT" "TIMEOUT is '0'" mk TIMEOUT=0 kunit
expect_error "zero HANG" "HANG is '0'" mk HANG=0 kunit
expect_error "HANG not a number" "HANG is '2m'" mk HANG=2m kunit
expect_error "FLAKE_BOOTS not a number" "FLAKE_BOOTS is 'x'" mk FLAKE_BOOTS=x flake-check
expect_error "duplicated base" "BASES names '7.3' twice" mk BASES="7.3 7.3" kunit
expect_error "variants of no mode" "names no boot variant of mode generic" \
	mk MODES=generic VARIANTS=async kunit
expect_error "unknown toolchain" "TOOLCHAIN: unknown toolchain 'gcc-14'" mk TOOLCHAIN=gcc-14 kunit
expect_error "unknown architecture" "KUNIT_ARCH: unknown architecture 'riscv'" mk KUNIT_ARCH=riscv kunit
expect_error "a tag mode on x86_64" "KASAN mode hw_tags is not built for x86_64" \
	mk KUNIT_ARCH=x86_64 MODES=hw_tags kunit
expect_error "coverage of a clang run" "gcov needs TOOLCHAIN=gcc" mk TOOLCHAIN=llvm coverage
expect_error "KERNEL_SRC not a tree" "is not a kernel tree" mk KERNEL_SRC="$tmp" prepare
expect_error "merge of nothing" "RESULTS is empty" mk merge
expect_error "summary of nothing" "no manifest.json" mk summary

mkdir -p "$tmp/fake-tree/.git" && : >"$tmp/fake-tree/.git/vmalloc-skip-assembled"
expect_error "the runner checks its settings with matrix.py" "MODES: unknown mode 'bogus'" \
	/usr/bin/python3 pipeline/run_kunit.py --tree "6.12=$tmp/fake-tree" --out "$tmp/o" \
	--results "$tmp/res" --modes bogus --variants default --attempts 1 --timeout 1 \
	--known pipeline/known-failures.txt

# --- Unit tests of the runner and of the results -------------------------
for t in run_kunit_test results_test semantics_test buildcheck_test kcidb_test; do
	check "$t" sh -c 'cd "$1/pipeline" && /usr/bin/python3 "$2.py" 2>"$3/$2.log" ||
		{ cat "$3/$2.log"; false; }' - "$repo" "$t" "$tmp"
done

# --- make kcidb: a valid KCIDB submission of a run, or one line ----------
/usr/bin/python3 pipeline/kcidb_test.py --fixture "$tmp/kcidb-run"
kcidb_run() { mk kcidb RESULTS="$tmp/kcidb-run" BASES=6.12 MODES=generic \
	VARIANTS="default init_on_alloc" "$@"; }
expect_error "make kcidb of no run" "kcidb: the run cannot be submitted: .*no manifest.json" mk kcidb
expect_error "a KCIDB origin KCIDB refuses" "KCIDB_ORIGIN is 'Vmalloc-Skip'" \
	kcidb_run KCIDB_ORIGIN=Vmalloc-Skip
expect_error "make kcidb of a merge that misses a cell" "init_on_free-kasan_vmalloc_skip: missing" \
	mk kcidb RESULTS="$tmp/kcidb-run" BASES=6.12 MODES=generic VARIANTS="default init_on_free"
out=$(kcidb_run 2>&1)
check "make kcidb writes a submission that validates" \
	sh -c 'echo "$1" | grep -q "9 tests (3 cells and their cases).*valid" && test -s "$2"' - \
	"$out" "$r/build/kcidb.json"
check "the schema is kcidb-io's v5: python3-jsonschema finds the file valid, and a status it lacks not" \
	/usr/bin/python3 -c 'import json, sys
sys.path.insert(0, "pipeline")
import kcidb
data = json.load(open(sys.argv[1]))
assert kcidb.validate(data) is None and data["version"] == {"major": 5, "minor": 3}
data["tests"][0]["status"] = "BROKEN"
assert "BROKEN" in kcidb.validate(data)' "$r/build/kcidb.json"

# --- Never touch what is not ours ----------------------------------------
# A checkout whose path has a space, next to a directory named like the
# part of the path before the space.
mkdir -p "$tmp/sp/keep" "$tmp/sp ace"
cp -r "$r" "$tmp/sp ace/repo"
mkdir -p "$tmp/sp ace/repo/build/results"
expect_error "a path with a space is refused before building" "has a space in its path" \
	make -s -C "$tmp/sp ace/repo" BASES=6.12 kunit
make -s -C "$tmp/sp ace/repo" clean >/dev/null 2>&1
check "make kunit and clean leave the neighbour alone" test -d "$tmp/sp/keep"
check "make clean cleans its own build" test ! -e "$tmp/sp ace/repo/build/results"
check "no ccache setting of the user is overridden" \
	sh -c '! grep -nE "CCACHE_(MAXSIZE|DIR)" "$1/Makefile" "$1"/pipeline/*.sh "$1"/pipeline/*.py' - "$repo"
check "the run matrix is spelled in pipeline/matrix.py only" \
	sh -c '! grep -nE "kasan\.vmalloc=off|vmalloc_off|generic sw_tags|sw_tags hw_tags" \
		"$1/Makefile" "$1"/pipeline/*.sh "$1"/pipeline/*.py "$1"/coverage/* "$1"/bench/*.py |
		grep -vE "pipeline/(matrix|.*_test)\.py|selftest\.sh|^[^:]*:[0-9]+:\s*#"' - "$repo"

# --- One make at a time --------------------------------------------------
cp -r "$r" "$tmp/lock"
holder=$(in_background "$tmp/lock/pipeline/lock.sh" "$tmp/lock/build" sleep 3)
wait_for 5 test -s "$tmp/lock/build/.lock-owner"
start=$(date +%s)
out=$(make -s -C "$tmp/lock" summary 2>&1)
took=$(($(date +%s) - start))
wait_for 10 sh -c '! kill -0 "$1" 2>/dev/null' - "$holder"
check "a second make says who holds the lock" \
	sh -c 'echo "$1" | grep -q "is in use (pid [0-9]*, since .*: sleep 3); waiting"' - "$out"
check "a second make waits for the first" test "$took" -ge 2
check "make -j runs the steps one by one" \
	sh -c 'make -C "$1" -pq -j4 summary 2>/dev/null | grep -q "^\.NOTPARALLEL:"' - "$tmp/lock"
# A CI cancel sends SIGTERM to make, which passes it to its recipe only:
# the locked command itself must get it, and the lock be free after it.
rm -f "$tmp/lock/build/.lock-owner"
holder=$(in_background "$tmp/lock/pipeline/lock.sh" "$tmp/lock/build" sleep 30)
wait_for 5 grep -qs "sleep 30" "$tmp/lock/build/.lock-owner"
kill -TERM "$holder"
check "a SIGTERM to the lock holder ends its command and frees the lock" \
	wait_for 5 flock -n "$tmp/lock/build" true

# A SIGTERM to the pipeline while kunit.py builds or boots (in a session
# of its own, which a terminal's Ctrl-C does not reach) ends kunit.py too.
mkdir -p "$tmp/fk/tools/testing/kunit"
printf 'import os, time\nopen(os.environ["FAKE_PID"], "w").write(str(os.getpid()))\ntime.sleep(60)\n' \
	>"$tmp/fk/tools/testing/kunit/kunit.py"
driver=$(FAKE_PID="$tmp/fk.pid" in_background /usr/bin/python3 -c '
import sys
sys.path.insert(0, sys.argv[1])
import kernel
kernel.interrupt_on_signals()
kernel.Kernel(sys.argv[2], "fake", "generic", sys.argv[3]).kunit(["build"], sys.argv[4])
' "$repo/pipeline" "$tmp/fk" "$tmp/fk/out" "$tmp/fk/kunit.log")
wait_for 10 test -s "$tmp/fk.pid"
kill -TERM "$driver"
wait_for 15 sh -c '! kill -0 "$1" 2>/dev/null' - "$driver"
check "a SIGTERM to the pipeline ends the kunit.py it runs" \
	wait_for 5 sh -c '! kill -0 "$(cat "$1")" 2>/dev/null' - "$tmp/fk.pid"

# --- Assembly ------------------------------------------------------------
# A fake kernel tree and a two-patch series.
src=$tmp/src
mkdir -p "$src/mm" "$tmp/series"
printf 'VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\nkernelversion:\n\t@echo 6.12.0\n' > "$src/Makefile"
printf 'int a;\n' > "$src/mm/vmalloc.c"
echo "linux-source-6.12 6.12.0-1" > "$src/.pristine"
(
	cd "$tmp" && cp -r src work && cd work && rm .pristine && git init -q &&
	git add -A && git_commit commit -qm base &&
	printf 'int a;\nint b;\n' > mm/vmalloc.c &&
	git_commit commit -qam "mm: add b" &&
	printf 'int a;\nint b;\nint c;\n' > mm/vmalloc.c &&
	git_commit commit -qam "mm: add c" &&
	git format-patch -q -2 -o "$tmp/series"
)
# An overlay that is no git checkout (a tarball export): one file folded
# into a patch, one in a commit of its own.
ov=$tmp/overlay
mkdir -p "$ov/mm/kasan" "$ov/tools"
echo 'int t;' > "$ov/mm/kasan/t.c"
echo 'CONFIG_T=y' > "$ov/tools/t.config"
printf 'kunit: add t.config\n\nSigned-off-by: t <t@t>\n' > "$tmp/series/t.msg"
{
	(cd "$tmp/series" && ls *.patch | sed '1s|$| mm/kasan/t.c|')
	echo "t.msg tools/t.config"
} > "$tmp/series/series"
export OVERLAY_REPO="$ov" SERIES_DIR="$tmp/series"
pipeline/assemble.sh "$src" 6.12 "$tmp/tree" >/dev/null 2>&1
check "assembled tree has one commit per series line" \
	test "$(git -C "$tmp/tree" rev-list --count HEAD 2>/dev/null)" = 4
check "overlay file folded into its patch" \
	test "$(git -C "$tmp/tree" log --format=%s -1 -- mm/kasan/t.c 2>/dev/null)" = "mm: add b"
check "assembled tree is stamped" test -f "$tmp/tree/.git/vmalloc-skip-assembled"
check "the source's version is recorded" \
	test "$(cat "$tmp/tree/.git/vmalloc-skip-source" 2>/dev/null)" = "linux-source-6.12 6.12.0-1"
out=$(pipeline/assemble.sh --if-stale "$src" 6.12 "$tmp/tree" 2>&1)
check "unchanged inputs are not re-assembled" test "$out" = "assemble: $tmp/tree is up to date"
touch -d '2020-01-01' "$tmp/tree/Makefile"
echo 'int t2;' >> "$ov/mm/kasan/t.c"
out=$(pipeline/assemble.sh --if-stale "$src" 6.12 "$tmp/tree" 2>&1)
check "an edited overlay file of a non-git overlay is re-assembled" \
	test "$(git -C "$tmp/tree" show HEAD~1:mm/kasan/t.c 2>/dev/null | tail -n 1)" = "int t2;"
check "an unchanged file keeps its timestamp" \
	test "$(stat -c %Y "$tmp/tree/Makefile")" = "$(date -d 2020-01-01 +%s)"
expect_error "a SKIP_PATCHES pattern that matches nothing" \
	"SKIP_PATCHES: '9999-\*' matches no patch" \
	env SKIP_PATCHES='9999-*' pipeline/assemble.sh "$src" 6.12 "$tmp/tree4"
echo 'int edit;' >> "$tmp/tree/mm/vmalloc.c"
expect_error "hand edits are kept" "has uncommitted edits" \
	pipeline/assemble.sh "$src" 6.12 "$tmp/tree"
git -C "$tmp/tree" checkout -q -- .
echo 'x' > "$ov/tools/unnamed.config"
expect_error "overlay file not in the series" "tools/unnamed.config is not named" \
	pipeline/assemble.sh "$src" 6.12 "$tmp/tree3"
rm "$ov/tools/unnamed.config"

# A git checkout as KERNEL_SRC: only its tracked files; an in-tree build
# is refused.
cp -r "$src" "$tmp/gitsrc" && rm "$tmp/gitsrc/.pristine"
(cd "$tmp/gitsrc" && git init -q && git add -A && git_commit commit -qm base)
echo junk > "$tmp/gitsrc/untracked.o"
pipeline/assemble.sh "$tmp/gitsrc" 6.12 "$tmp/gittree" >/dev/null 2>&1
check "only the tracked files of a git KERNEL_SRC are copied" \
	sh -c 'test -f "$1/mm/vmalloc.c" && test ! -e "$1/untracked.o"' - "$tmp/gittree"
echo '# edit 1' >> "$tmp/gitsrc/Makefile"
pipeline/assemble.sh --if-stale "$tmp/gitsrc" 6.12 "$tmp/gittree" >/dev/null 2>&1
echo '# edit 2' >> "$tmp/gitsrc/Makefile"
pipeline/assemble.sh --if-stale "$tmp/gitsrc" 6.12 "$tmp/gittree" >/dev/null 2>&1
check "a second edit of the same file of a git KERNEL_SRC is re-assembled" \
	grep -q '# edit 2' "$tmp/gittree/Makefile"
git -C "$tmp/gitsrc" checkout -q -- .
# A tree extracted inside some other git repository is no git checkout.
mkdir -p "$tmp/outer"
cp -r "$src" "$tmp/outer/linux" && rm "$tmp/outer/linux/.pristine"
(cd "$tmp/outer" && git init -q && echo x > x && git add x && git_commit commit -qm outer)
pipeline/assemble.sh "$tmp/outer/linux" 6.12 "$tmp/outertree" >/dev/null 2>&1
check "a tree inside another repository is copied whole" \
	test -f "$tmp/outertree/mm/vmalloc.c"
touch "$tmp/gitsrc/.config"
expect_error "an in-tree build is refused" "holds an in-tree build (.config)" \
	pipeline/assemble.sh "$tmp/gitsrc" 6.12 "$tmp/gittree2"

# Interrupted at any point, assembly leaves the old tree or the new one,
# complete, and nothing else.
mkdir -p "$src/drivers"
seq 1 8000 | (cd "$src/drivers" && xargs touch)
for delay in 0.2 0.6 1.2 2.5; do
	echo "int t$delay;" >> "$ov/mm/kasan/t.c"
	pid=$(in_background pipeline/assemble.sh "$src" 6.12 "$tmp/tree")
	sleep "$delay"
	interrupt "$pid"
	check "assembly interrupted after ${delay}s leaves no half tree" \
		sh -c 'test ! -e "$1.new" && test ! -e "$1.old" &&
			test -f "$1/.git/vmalloc-skip-assembled" &&
			test -z "$(git -C "$1" status --porcelain)"' - "$tmp/tree"
done

printf 'int z;\n' > "$src/mm/vmalloc.c"
rm -f "$src/.pristine"
expect_error "series that does not apply" "does not apply.*(mm/vmalloc.c)" \
	pipeline/assemble.sh "$src" 6.12 "$tmp/tree2"
check "no half-assembled tree is left" test ! -e "$tmp/tree2" -a ! -e "$tmp/tree2.new"
unset OVERLAY_REPO SERIES_DIR

# --- Interrupted mutants, bisect and series restore what they changed ----
# A small assembled tree: a base commit and two commits of a series.
t=$tmp/atree
mkdir -p "$t/mm/kasan" "$t/tools/testing/kunit/configs"
printf 'int a;\n' > "$t/mm/vmalloc.c"
(cd "$t" && git init -q && git add -A && git_commit commit -qm base)
printf 'CONFIG_KUNIT=y\n' > "$t/mm/kasan/.kunitconfig"
printf 'CONFIG_KASAN_GENERIC=y\n' > "$t/tools/testing/kunit/configs/kasan_generic.config"
(cd "$t" && git add -A && git_commit commit -qm "kunit: configs")
printf 'int a;\nint b;\n' > "$t/mm/vmalloc.c"
(cd "$t" && git_commit commit -qam "mm: add b")
echo stamp > "$t/.git/vmalloc-skip-assembled"
head=$(git -C "$t" rev-parse HEAD)
printf '#!/bin/sh\nexec sleep 30\n' > "$tmp/slow" && chmod +x "$tmp/slow"

mkdir -p "$tmp/mutants"
printf -- '--- a/mm/vmalloc.c\n+++ b/mm/vmalloc.c\n@@ -1,2 +1,2 @@\n int a;\n-int b;\n+int broken;\n' \
	> "$tmp/mutants/01-broken.patch"
pid=$(in_background env MUTANTS_DIR="$tmp/mutants" RUN_KUNIT="$tmp/slow" \
	pipeline/mutants.sh 6.12 6.12 "$t" "$tmp/mbuild")
wait_for 10 sh -c 'test -n "$(git -C "$1" status --porcelain)"' - "$t" ||
	fail "mutants.sh never applied its mutant: $(cat "$tmp/bg.out")"
interrupt "$pid"
check "an interrupted make mutants leaves no mutant in the tree" \
	test -z "$(git -C "$t" status --porcelain)"
# A CI cancel may send SIGTERM to the script alone, while its child runs.
pid=$(in_background env MUTANTS_DIR="$tmp/mutants" RUN_KUNIT="$tmp/slow" \
	pipeline/mutants.sh 6.12 6.12 "$t" "$tmp/mbuild")
wait_for 10 sh -c 'test -n "$(git -C "$1" status --porcelain)"' - "$t"
kill -TERM "$pid"
check "make mutants stops at once on a SIGTERM of its own" \
	wait_for 5 sh -c '! kill -0 "$1" 2>/dev/null' - "$pid"
check "and leaves no mutant in the tree" test -z "$(git -C "$t" status --porcelain)"
check "make test finds that the mutants apply (MUTANTS_CHECK=1)" \
	sh -c 'env MUTANTS_DIR="$1" RUN_KUNIT="$2" MUTANTS_CHECK=1 \
		pipeline/mutants.sh 6.12 6.12 "$3" "$4" >/dev/null' - \
	"$tmp/mutants" "$tmp/slow" "$t" "$tmp/mbuild"
check "without applying them" test -z "$(git -C "$t" status --porcelain)"
sed 's/^-int b;/-int c;/' "$tmp/mutants/01-broken.patch" > "$tmp/mutants/02-stale.patch"
expect_error "a mutant that a changed patch left stale" "02-stale does not apply" \
	env MUTANTS_DIR="$tmp/mutants" RUN_KUNIT="$tmp/slow" MUTANTS_CHECK=1 \
	pipeline/mutants.sh 6.12 6.12 "$t" "$tmp/mbuild"
rm "$tmp/mutants/02-stale.patch"
expect_error "a MUTANTS glob that matches nothing" "no mutant matches '99-\*'" \
	env MUTANTS_DIR="$tmp/mutants" RUN_KUNIT="$tmp/slow" MUTANTS="01-* 99-*" \
	pipeline/mutants.sh 6.12 6.12 "$t" "$tmp/mbuild"

pid=$(in_background env KERNEL_PY="$tmp/slow" pipeline/bisect.sh 6.12 "$t" "$tmp/bbuild" generic)
wait_for 10 sh -c '! git -C "$1" symbolic-ref -q HEAD >/dev/null' - "$t" ||
	fail "bisect.sh never checked out a commit: $(cat "$tmp/bg.out")"
interrupt "$pid"
check "an interrupted make bisect puts the tree back on its branch" \
	sh -c 'git -C "$1" symbolic-ref -q HEAD >/dev/null &&
		test "$(git -C "$1" rev-parse HEAD)" = "$2"' - "$t" "$head"
pid=$(in_background env KERNEL_PY="$tmp/slow" pipeline/bisect.sh 6.12 "$t" "$tmp/bbuild" generic)
wait_for 10 sh -c '! git -C "$1" symbolic-ref -q HEAD >/dev/null' - "$t"
kill -TERM "$pid"
check "make bisect stops at once on a SIGTERM of its own" \
	wait_for 5 sh -c '! kill -0 "$1" 2>/dev/null' - "$pid"
check "and puts the tree back on its branch" \
	sh -c 'git -C "$1" symbolic-ref -q HEAD >/dev/null &&
		test "$(git -C "$1" rev-parse HEAD)" = "$2"' - "$t" "$head"

# series.sh: git am into a worktree of the base; interrupted while the
# worktree is there, it removes it, its branch and its temporary files.
seq 1 20000 | (cd "$t" && xargs touch) && (cd "$t" && git add -A && git_commit commit -qm files)
echo stamp > "$t/.git/vmalloc-skip-assembled"
mkdir -p "$tmp/tmpdir"
pid=$(in_background env TMPDIR="$tmp/tmpdir" GIT_CONFIG_COUNT=2 \
	GIT_CONFIG_KEY_0=user.name GIT_CONFIG_VALUE_0=t \
	GIT_CONFIG_KEY_1=user.email GIT_CONFIG_VALUE_1=t@t \
	pipeline/series.sh "$t" 6.12 "$tmp/sbuild/series")
wait_for 20 test -d "$tmp/sbuild/series.check" ||
	fail "series.sh never made its worktree: $(cat "$tmp/bg.out")"
interrupt "$pid"
check "an interrupted make series leaves no worktree, branch or copy" \
	sh -c 'test ! -e "$1/sbuild/series.check" &&
		test "$(git -C "$2" worktree list | wc -l)" = 1 &&
		test -z "$(git -C "$2" branch --list "vmalloc-skip-series-*")" &&
		test -z "$(ls -A "$1/tmpdir")"' - "$tmp" "$t"
expect_error "a series needs a git identity" "no git identity" \
	env HOME="$tmp" GIT_CONFIG_NOSYSTEM=1 XDG_CONFIG_HOME="$tmp" \
	GIT_CONFIG_GLOBAL=/dev/null pipeline/series.sh "$t" 6.12 "$tmp/sbuild/series"

# --- Bases are pinned: newest version by dpkg's order, re-extracted when
# it changes; a base the archive no longer has is named -----------------
fake_deb() {	# fake_deb VERSION: a linux-source-0.1 package of that version
	d=$tmp/deb-$1
	mkdir -p "$d/DEBIAN" "$d/usr/src" "$d/x/linux-source-0.1/mm"
	printf 'Package: linux-source-0.1\nVersion: %s\nArchitecture: all\nMaintainer: t <t@t>\nDescription: t\n' \
		"$1" > "$d/DEBIAN/control"
	echo "VERSION = 0" > "$d/x/linux-source-0.1/Makefile"
	(cd "$d/x" && tar -cJf "$d/usr/src/linux-source-0.1.tar.xz" linux-source-0.1)
	rm -rf "$d/x"
	dpkg-deb -b -Zxz "$d" "$tmp/cache/apt/deb/linux-source-0.1_$1_all.deb" >/dev/null
}
mkdir -p "$tmp/cache/apt/deb"
fake_deb 0.1.4-1
fake_deb 0.1.10-1
pipeline/fetch-base.sh 0.1 "$tmp/base01" "$tmp/cache" >/dev/null 2>&1
check "the newest base by dpkg --compare-versions is taken" \
	test "$(cat "$tmp/base01/.pristine" 2>/dev/null)" = "linux-source-0.1 0.1.10-1"
fake_deb 0.1.11-1
pipeline/fetch-base.sh 0.1 "$tmp/base01" "$tmp/cache" >/dev/null 2>&1
check "a base of another version is extracted again" \
	test "$(cat "$tmp/base01/.pristine" 2>/dev/null)" = "linux-source-0.1 0.1.11-1"
mkdir -p "$tmp/fakebin"
printf '#!/bin/sh\nfor a; do [ "$a" = download ] && exit 100; done\nexit 0\n' > "$tmp/fakebin/apt-get"
chmod +x "$tmp/fakebin/apt-get"
expect_error "a base the archive no longer has" "trixie-backports no longer has linux-source-0.2" \
	env PATH="$tmp/fakebin:$PATH" pipeline/fetch-base.sh 0.2 "$tmp/base02" "$tmp/cache"

# --- Inputs and tools ----------------------------------------------------
printf '#!/bin/sh\necho "QEMU emulator version 7.2.19 (Debian 1:7.2+dfsg-7+deb12u18)"\n' > "$tmp/qemu7"
chmod +x "$tmp/qemu7"
expect_error "QEMU 7.2 refused" "broken MTE emulation" env QEMU="$tmp/qemu7" pipeline/check-qemu.sh
expect_error "known-check of a non-tree" "is not a kernel tree" \
	pipeline/known_pristine.py 7.3 "$tmp" "$tmp/known"

# --- Coverage: missing tools, no data, and data of another build ---------
cov() { env "$@" coverage/capture.py --results "$tmp/noresults" --out "$tmp" --covroot "$tmp/cov" \
	--tree "6.12=$tmp/tree"; }
expect_error "lcov missing" "lcov-not-installed not found" cov LCOV=lcov-not-installed
expect_error "genhtml missing" "genhtml-not-installed not found" cov GENHTML=genhtml-not-installed
gcda() { coverage/gcda.py --log "$1" --build-dir "$tmp/out" --capture-dir "$tmp/capture" \
	--info "$tmp/x.info" --test-name x; }
mkdir -p "$tmp/out/mm"
printf 'oncg\0\0\0\0AAAA' > "$tmp/out/mm/x.gcno"
printf 'KTAP version 1\nok 1 kasan_vmalloc_skip\n' > "$tmp/nodata.log"
expect_error "no coverage data" "no complete gcov data" gcda "$tmp/nodata.log"
printf 'gcov-data: error cannot mount debugfs\n' > "$tmp/guest.log"
expect_error "guest could not copy" "could not copy its gcov data" gcda "$tmp/guest.log"
frame() {	# frame DIR STAMP: a one-file console log of mm/x.gcda
	printf 'gcov-data: begin /sys/kernel/debug/gcov%s/mm/x.gcda 12\n' "$1"
	printf 'gcov-data: %s\n' "$(printf 'adcg\0\0\0\0%s' "$2" | od -An -tx1 | tr -d ' \n')"
	printf 'gcov-data: end /sys/kernel/debug/gcov%s/mm/x.gcda\ngcov-data: done 1\n' "$1"
}
frame "$tmp/out" BBBB > "$tmp/stamp.log"
expect_error "data of another build" "from another build" gcda "$tmp/stamp.log"
frame "$tmp/elsewhere" AAAA > "$tmp/dir.log"
expect_error "data of another directory" "is not from the build" gcda "$tmp/dir.log"
mkdir -p "$tmp/emptycov/info"
expect_error "report of nothing" "no coverage data" \
	coverage/report.py --tree "$tmp/tree" --name 6.12 --covdir "$tmp/emptycov"

# The gate names a line the series added that no boot ran, and not once a
# boot ran it (the fake tree lacks the must-run functions, so it still fails).
g=$tmp/gate
mkdir -p "$g/mm" "$g/kernel" "$g/cov/info"
printf 'int a(void)\n{\n\treturn 0;\n}\n' > "$g/mm/vmalloc.c"
printf 'int f(void)\n{\n\treturn 0;\n}\n' > "$g/kernel/fork.c"
(
	cd "$g" && git init -q && git add mm kernel &&
	git_commit commit -qm base &&
	printf 'int a(void)\n{\n\treturn skip_vmalloc_kasan;\n}\n' > mm/vmalloc.c &&
	git_commit commit -qam "mm: the series"
)
tracefile() {	# tracefile HITS: line 3 of mm/vmalloc.c ran HITS times
	printf 'TN:\nSF:%s/mm/vmalloc.c\nFN:1,a\nFNDA:1,a\nDA:1,1\nDA:3,%s\nend_of_record\n' "$g" "$1"
	printf 'SF:%s/kernel/fork.c\nFN:1,f\nFNDA:1,f\nDA:1,1\nDA:3,1\nend_of_record\n' "$g"
}
gate() { coverage/report.py --tree "$g" --name gate-selftest --covdir "$g/cov"; }
tracefile 0 > "$g/cov/info/x.info"
expect_error "gate names a line that never ran" "mm/vmalloc.c:3: return skip_vmalloc_kasan;" gate
tracefile 2 > "$g/cov/info/x.info"
gate_out=$(gate 2>&1)
check "gate reached with the line run" sh -c 'echo "$1" | grep -q "not in the report"' - "$gate_out"
check "gate is content once the line ran" sh -c '! echo "$1" | grep -q "mm/vmalloc.c:3"' - "$gate_out"

echo "selftest: $passed checks passed, $failed failed"
[ "$failed" -eq 0 ]
