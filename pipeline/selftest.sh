#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Checks of the pipeline itself, on tiny fake inputs (no kernel build):
# bad input must stop with one clear line and a non-zero exit, a series that
# does not apply must leave no tree behind, and the summary must count a
# crash as a failure.
set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

# expect_error NAME PATTERN CMD...: CMD fails and says PATTERN in one line.
expect_error() {
	name=$1 pattern=$2
	shift 2
	if out=$("$@" 2>&1); then
		echo "selftest: FAIL: $name: exited 0"
		failed=$((failed + 1))
	elif ! echo "$out" | grep -q -- "$pattern"; then
		echo "selftest: FAIL: $name: no '$pattern' in: $out"
		failed=$((failed + 1))
	else
		passed=$((passed + 1))
	fi
}
check() {
	name=$1
	shift
	if "$@"; then
		passed=$((passed + 1))
	else
		echo "selftest: FAIL: $name"
		failed=$((failed + 1))
	fi
}

cd "$repo" || exit 1
expect_error "unknown mode" "unknown mode 'bogus'" make -s MODES=bogus kunit
expect_error "unknown variant" "unknown boot variant 'x'" make -s VARIANTS=x kunit
expect_error "unknown base" "no series for base '5.4'" make -s BASES=5.4 kunit
expect_error "KERNEL_SRC not a tree" "is not a kernel tree" make -s KERNEL_SRC="$tmp" prepare

# A fake kernel tree and a two-patch series.
src=$tmp/src
mkdir -p "$src/mm" "$tmp/series"
printf 'VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\nkernelversion:\n\t@echo 6.12.0\n' > "$src/Makefile"
printf 'int a;\n' > "$src/mm/vmalloc.c"
(
	cd "$tmp" && cp -r src work && cd work && git init -q &&
	git add -A && git -c user.name=t -c user.email=t@t commit -qm base &&
	printf 'int a;\nint b;\n' > mm/vmalloc.c &&
	git -c user.name=t -c user.email=t@t commit -qam "mm: add b" &&
	printf 'int a;\nint b;\nint c;\n' > mm/vmalloc.c &&
	git -c user.name=t -c user.email=t@t commit -qam "mm: add c" &&
	git format-patch -q -2 -o "$tmp/series"
)
# An overlay repo with two files: one folded into a patch, one in a commit
# of its own.
ov=$tmp/overlay
mkdir -p "$ov/mm/kasan" "$ov/tools"
echo 'int t;' > "$ov/mm/kasan/t.c"
echo 'CONFIG_T=y' > "$ov/tools/t.config"
git -C "$ov" init -q
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
out=$(pipeline/assemble.sh --if-stale "$src" 6.12 "$tmp/tree" 2>&1)
check "unchanged inputs are not re-assembled" test "$out" = "assemble: $tmp/tree is up to date"
echo 'int t2;' >> "$ov/mm/kasan/t.c"
out=$(pipeline/assemble.sh --if-stale "$src" 6.12 "$tmp/tree" 2>&1)
check "an edited overlay file is re-assembled" \
	test "$(git -C "$tmp/tree" show HEAD~1:mm/kasan/t.c 2>/dev/null | tail -n 1)" = "int t2;"
echo 'int edit;' >> "$tmp/tree/mm/vmalloc.c"
expect_error "hand edits are kept" "has uncommitted edits" \
	pipeline/assemble.sh "$src" 6.12 "$tmp/tree"
echo 'x' > "$ov/tools/unnamed.config"
expect_error "overlay file not in the series" "tools/unnamed.config is not named" \
	pipeline/assemble.sh "$src" 6.12 "$tmp/tree3"
rm "$ov/tools/unnamed.config"

printf 'int z;\n' > "$src/mm/vmalloc.c"
rm -f "$tmp/src/.pristine"
expect_error "series that does not apply" "does not apply.*(mm/vmalloc.c)" \
	pipeline/assemble.sh "$src" 6.12 "$tmp/tree2"
check "no half-assembled tree is left" test ! -e "$tmp/tree2" -a ! -e "$tmp/tree2.new"
unset OVERLAY_REPO SERIES_DIR

# A QEMU whose MTE emulation is known broken is refused.
printf '#!/bin/sh\necho "QEMU emulator version 7.2.19 (Debian 1:7.2+dfsg-7+deb12u18)"\n' > "$tmp/qemu7"
chmod +x "$tmp/qemu7"
expect_error "QEMU 7.2 refused" "broken MTE emulation" env QEMU="$tmp/qemu7" pipeline/check-qemu.sh

# make known-check refuses a tree it cannot run kunit.py in.
expect_error "known-check of a non-tree" "is not a kernel tree" \
	pipeline/known_pristine.py 7.3 "$tmp" "$tmp/known"

# The reboot policy of run_kunit.py, against scripted boots.
check "run_kunit reboot policy" sh -c 'python3 pipeline/run_kunit_test.py 2>"$1/unittest.log" ||
	{ cat "$1/unittest.log"; false; }' - "$tmp"

# The summary counts a crash as a failure, a flaky case as a pass and a known
# failure as neither; only the known count differs between its two endings.
mkdir -p "$tmp/results"
cat > "$tmp/results/x.summary.json" <<EOS
{"base": "6.12", "mode": "hw_tags", "variant": "default", "boots": 2,
 "passed": ["kasan.a"], "failed": [], "skipped": ["kasan.s"],
 "flaky": ["kasan.f"], "known": ["kasan.k"], "crashed": ["boot 1: kasan_vmalloc_skip: suite did not run"]}
EOS
out=$(pipeline/summary.py "$tmp/results")
check "summary fails on a crash" test $? -ne 0
check "summary closing line" test "$(echo "$out" | tail -n 1)" = "2 passed, 1 failed, 1 skipped, 1 known"
out=$(pipeline/summary.py --ci "$tmp/results")
check "summary CI line" test "$(echo "$out" | tail -n 1)" = "2 passed, 1 failed, 1 skipped"
check "summary CI known count" test "$(echo "$out" | tail -n 2 | head -n 1)" = \
	"1 flaky (counted as passed), 1 known failures (not counted)"
expect_error "summary of nothing" "nothing ran" pipeline/summary.py "$tmp/empty"

# Coverage: missing tools, no data, and data of another build are refused.
expect_error "lcov missing" "lcov-not-installed not found" \
	env LCOV=lcov-not-installed coverage/run.sh 6.12 "$tmp/tree" "$tmp" "$tmp/cov" generic default
expect_error "genhtml missing" "genhtml-not-installed not found" \
	env GENHTML=genhtml-not-installed coverage/run.sh 6.12 "$tmp/tree" "$tmp" "$tmp/cov" generic default
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
	git -c user.name=t -c user.email=t@t commit -qm base &&
	printf 'int a(void)\n{\n\treturn skip_vmalloc_kasan;\n}\n' > mm/vmalloc.c &&
	git -c user.name=t -c user.email=t@t commit -qam "mm: the series"
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
