# SPDX-License-Identifier: GPL-2.0
#
# vmalloc __GFP_SKIP_KASAN: the series and its KUnit matrix, on two kernel
# bases, in the three arm64 KASAN modes under QEMU with MTE.
#
#   make             set up, assemble the trees, build and run all suites,
#                    coverage included
#   make test        the same plus the checks of the pipeline itself (CI)
#   make prepare     (re)assemble build/tree/BASE from base + series + overlay
#   make kunit       build and run on the trees as they are (keeps hand edits)
#   make summary     print the table of the last run again
#   make merge RESULTS="DIR..."  one table of results from several machines
#   make kcidb [RESULTS="DIR..."]  the last run (or those results) as one
#                    KernelCI (KCIDB) submission, build/kcidb.json
#   make coverage    the coverage report and gate of the last run again
#   make series      write the mailable series per base to build/series/BASE/
#   make checkpatch  checkpatch --strict over those series
#   make mutants     show that broken variants of the series fail the matrix
#   make bisect      build every commit of each series in every mode
#   make known-check check that each known failure fails in the pristine base
#   make flake-check boot a suite (FLAKE_SUITE, ours) FLAKE_BOOTS times (5)
#                    per kernel: no case may fail in any boot
#   make bench       6.12 hw_tags without and with the series: tag stores,
#                    instructions and wall time per workload (build/bench/)
#
#   make toolchains  build coverage like 0-day: clang in every mode, x86_64,
#                    KASAN=n, W=1 and sparse against the pristine base
#
# Variables: BASES="6.12 7.3"  MODES="generic sw_tags hw_tags"
#   VARIANTS="default vmalloc_off ..." (boot variants, see pipeline/matrix.py)
#   TOOLCHAIN=gcc|llvm (Debian's GCC 12 or clang-19; coverage needs gcc)
#   KUNIT_ARCH=arm64|x86_64 (x86_64: generic KASAN only, without coverage)
#   ATTEMPTS=3 (boots of the upstream suite to tell flaky from failing)
#   KCIDB_ORIGIN=vmalloc_skip (make kcidb's origin: the ids' prefix)
#   HANG=120 (a boot that prints nothing this many seconds has hung: it is
#   ended and counted as a crash; TIMEOUT=900 bounds the whole boot)
#   KERNEL_SRC=/path/to/tree [BASE=6.12]   use your own tree as the base
#   SKIP_PATCHES="0004-*"                   assemble without some patches
#
# One make runs at a time per checkout: a second one waits for the first
# (pipeline/lock.sh). make -j is accepted; the steps still run one by one.

.NOTPARALLEL:

# The directory everything is generated in; never taken from the command
# line, as recipes remove things below it.
override BUILD := $(CURDIR)/build
PY := /usr/bin/python3
MATRIX := $(PY) pipeline/matrix.py

TOOLCHAIN ?= gcc
KUNIT_ARCH ?= arm64
build_args := --toolchain "$(TOOLCHAIN)" --arch "$(KUNIT_ARCH)"
BASES ?= $(shell $(MATRIX) bases)
MODES ?= $(shell $(MATRIX) modes $(build_args) 2>/dev/null)
VARIANTS ?= $(shell $(MATRIX) variants)
ATTEMPTS ?= 3
TIMEOUT ?= 900
# A whole boot of either suite takes 4 to 25 s (issue 24); in the run of
# 2026-12-07 (44 cells, boots beside kernel builds) 3 to 59 s, and kunit.py,
# which prints a line as each case ends, was never silent for more than
# 15 s. So 120 s of silence is a hang, not a slow boot, found within two
# minutes rather than after TIMEOUT.
HANG ?= 120
FLAKE_BOOTS ?= 5
# kasan_vmalloc_skip (ours) or kasan (upstream's, with our series).
FLAKE_SUITE ?= kasan_vmalloc_skip
KCIDB_ORIGIN ?= vmalloc_skip

# A user's own tree: the series is chosen from its version, or from BASE.
ifneq ($(KERNEL_SRC),)
ifneq ($(shell test -f "$(KERNEL_SRC)/Makefile" && echo yes),yes)
$(error KERNEL_SRC=$(KERNEL_SRC) is not a kernel tree (no Makefile))
endif
BASE ?= $(shell sed -n 's/^VERSION = //p;s/^PATCHLEVEL = //p' "$(KERNEL_SRC)/Makefile" | paste -sd.)
ifeq ($(BASE),)
$(error KERNEL_SRC=$(KERNEL_SRC) is not a kernel tree (no VERSION in its Makefile))
endif
override BASES := $(BASE)
tree_name = $(shell $(MATRIX) local-prefix)$(1)
src_of = $(KERNEL_SRC)
else
tree_name = $(1)
src_of = $(BUILD)/base/linux-source-$(1)
endif

# Refuse an empty, unknown or duplicated setting at once, naming it; a
# matrix.py that fails otherwise is an error too (its last line).
matrix_error := $(shell out=$$($(MATRIX) check --bases "$(BASES)" --modes "$(MODES)" \
	--variants "$(VARIANTS)" --attempts "$(ATTEMPTS)" --timeout "$(TIMEOUT)" \
	--hang "$(HANG)" --flake-boots "$(FLAKE_BOOTS)" $(build_args) 2>&1) || \
	{ echo "$${out:-pipeline/matrix.py check failed}" | tail -n 1; })
ifneq ($(matrix_error),)
$(error $(matrix_error))
endif

ifneq ($(VMALLOC_SKIP_LOCKED),$(BUILD))
# Every goal runs again under the lock of build/, in a make of its own.
goals := $(or $(MAKECMDGOALS),all)
.PHONY: $(goals)
$(goals):
	@pipeline/lock.sh "$(BUILD)" "$(MAKE)" --no-print-directory $@
else

# ccache: cache hits wherever the checkout is (paths below build/ are
# hashed relative to it); the user's own ccache settings are left alone,
# but for depend mode, which a CCACHE_DEPEND of the environment overrides.
# Depend mode takes the headers from the compiler's own -MMD output instead
# of running the preprocessor once more: a cold compile of mm/, kernel/,
# lib/ and fs/ of 7.3 generic took 205 s with ccache's default mode, 159 s
# without ccache and 155 s in depend mode, which then hits 99 % in another
# checkout (docs/timing.md).
export CCACHE_BASEDIR := $(BUILD)
export CCACHE_NOHASHDIR := 1
CCACHE_DEPEND ?= 1
export CCACHE_DEPEND

# A tree's kernels are named after it and the build ('7.3-llvm').
build_suffix := $(shell $(MATRIX) build-suffix $(build_args))
trees := $(foreach b,$(BASES),--tree "$(call tree_name,$(b))$(build_suffix)=$(BUILD)/tree/$(call tree_name,$(b))")
matrix_args := --modes "$(MODES)" --variants "$(VARIANTS)"
# Coverage is measured with gcov of GCC on arm64 only (kernel.py).
coverage_build := $(if $(build_suffix),,yes)

.PHONY: all test checks setup fetch prepare assemble-if-stale kunit run summary merge \
	selftest series checkpatch mutants mutants-check bisect coverage bench known-check toolchains kcidb \
	flake-check clean distclean

all: setup assemble-if-stale run

# CI's closing line is "N passed, N failed, N skipped" (see pipeline/summary.py).
# The checks (selftest, checkpatch, mutants-check: about 150 s, one core)
# run beside the run, whose first kernel build takes longer; their output
# is printed when both have ended, before the summary. A check that fails
# fails make test, whatever the counts say.
test: setup assemble-if-stale
	@checks="$(BUILD)/checks.log"; status=0; \
	$(MAKE) -s checks >"$$checks" 2>&1 & pid=$$!; \
	trap 'kill $$pid 2>/dev/null; exit 130' INT; \
	trap 'kill $$pid 2>/dev/null; exit 143' TERM; \
	$(MAKE) -s run RUN_SUMMARY=no || status=1; \
	wait $$pid || { status=1; echo "checks: FAILED (their output below)"; }; \
	cat "$$checks"; \
	$(PY) pipeline/summary.py --ci "$(BUILD)/results" || status=1; \
	exit $$status

checks: selftest checkpatch mutants-check

# TOOLCHAIN=llvm, KUNIT_ARCH=x86_64 and make toolchains need LLVM 19,
# sparse and x86_64's QEMU; the other goals do not.
setup_toolchains := $(if $(filter toolchains,$(MAKECMDGOALS))$(filter-out gcc,$(TOOLCHAIN))$(filter-out arm64,$(KUNIT_ARCH)),--toolchains)

setup:
	@pipeline/setup.sh $(setup_toolchains) $(if $(KERNEL_SRC),,$(BASES))
	@pipeline/check-qemu.sh

# Kbuild refuses a source or build directory whose path has a space.
no_space = $(if $(word 2,$(BUILD)),echo "make: $(BUILD) has a space in its path: kbuild cannot build there (clone the project elsewhere)" >&2; exit 1;)

fetch: setup
	@$(no_space)$(if $(KERNEL_SRC),true,for base in $(BASES); do \
		pipeline/fetch-base.sh "$$base" "$(BUILD)/base/linux-source-$$base" \
			"$(BUILD)/dl" || exit 1; \
	done)

# Re-assemble from scratch; refuses to discard hand edits unless FORCE=1.
prepare: fetch
	@for base in $(BASES); do \
		pipeline/assemble.sh "$(call src_of,$$base)" "$$base" \
			"$(BUILD)/tree/$(call tree_name,$$base)" || exit 1; \
	done

assemble-if-stale: fetch
	@for base in $(BASES); do \
		pipeline/assemble.sh --if-stale "$(call src_of,$$base)" "$$base" \
			"$(BUILD)/tree/$(call tree_name,$$base)" || exit 1; \
	done

# Never re-assembles: a maintainer's edit in build/tree/BASE is what runs.
kunit: run

# Build, boot every cell, then the semantics table, the coverage report and
# gate, and the summary; a failure in one still lets the others run.
run:
	@$(no_space)pipeline/check-qemu.sh
	@rm -rf "$(BUILD)/results" "$(BUILD)/coverage"
	@status=0; \
	$(PY) pipeline/run_kunit.py $(trees) --out "$(BUILD)/out" \
		--results "$(BUILD)/results" $(matrix_args) --attempts "$(ATTEMPTS)" \
		--timeout "$(TIMEOUT)" --hang "$(HANG)" --known pipeline/known-failures.txt || status=1; \
	$(PY) pipeline/semantics.py "$(BUILD)/results" || true; \
	$(if $(coverage_build),$(PY) coverage/capture.py --results "$(BUILD)/results" \
		--out "$(BUILD)/out" --covroot "$(BUILD)/coverage" $(trees) || status=1;,\
		echo "coverage: not measured: gcov needs TOOLCHAIN=gcc KUNIT_ARCH=arm64";) \
	$(if $(filter no,$(RUN_SUMMARY)),,$(PY) pipeline/summary.py $(SUMMARY_ARGS) "$(BUILD)/results" || status=1;) \
	exit $$status

summary:
	@$(PY) pipeline/summary.py "$(BUILD)/results"

# make merge RESULTS="DIR..." BASES=... MODES=... VARIANTS=...: the results
# of several machines, each of which ran some cells, as one run.
merge:
	@$(if $(RESULTS),,echo "merge: RESULTS is empty: name the results directories to merge" >&2; exit 2;) \
	$(PY) pipeline/summary.py $(SUMMARY_ARGS) \
		--bases "$(foreach b,$(BASES),$(call tree_name,$(b))$(build_suffix))" $(matrix_args) $(RESULTS)

# make kcidb [RESULTS="DIR..." BASES=... MODES=... VARIANTS=...]: the last
# run, or the results make merge would read, as one KCIDB submission in
# build/kcidb.json, written only if it validates (docs/kcidb.md).
kcidb:
	@$(PY) pipeline/kcidb.py --origin "$(KCIDB_ORIGIN)" --out "$(BUILD)/kcidb.json" \
		--known pipeline/known-failures.txt $(trees) \
		$(if $(RESULTS),--bases "$(foreach b,$(BASES),$(call tree_name,$(b))$(build_suffix))" \
		$(matrix_args) $(RESULTS),"$(BUILD)/results")

coverage:
	@$(if $(coverage_build),,echo "coverage: gcov needs TOOLCHAIN=gcc KUNIT_ARCH=arm64" >&2; exit 2;) \
	$(PY) coverage/capture.py --results "$(BUILD)/results" --out "$(BUILD)/out" \
		--covroot "$(BUILD)/coverage" $(trees)

# The series as a maintainer gets it, signed off by whoever runs this; also
# checks that git am of it onto the base gives the assembled tree exactly.
series: assemble-if-stale
	@for base in $(BASES); do \
		pipeline/series.sh "$(BUILD)/tree/$(call tree_name,$$base)" "$$base" \
			"$(BUILD)/series/$$base" || exit 1; \
	done

# The series as make series writes it; without a git identity, unsigned.
checkpatch: assemble-if-stale
	@for base in $(BASES); do \
		SERIES_UNSIGNED=1 pipeline/series.sh "$(BUILD)/tree/$(call tree_name,$$base)" \
			"$$base" "$(BUILD)/series/$$base" && \
		pipeline/checkpatch.sh "$(BUILD)/tree/$(call tree_name,$$base)" \
			"$(BUILD)/series/$$base" || exit 1; \
	done

# Cheap, so part of make test: every mutant still applies to the series, which
# a change of a patch can break without anything else noticing.
mutants-check: assemble-if-stale
	@for base in $(BASES); do \
		MUTANTS_CHECK=1 pipeline/mutants.sh "$$base" "$(call tree_name,$$base)" \
			"$(BUILD)/tree/$(call tree_name,$$base)" "$(BUILD)" || exit 1; \
	done

# Slow (an incremental build per mutant and mode), so not part of make test.
# MUTANTS="12-* 19-*" runs only some.
mutants: assemble-if-stale
	@for base in $(BASES); do \
		pipeline/mutants.sh "$$base" "$(call tree_name,$$base)$(build_suffix)" \
			"$(BUILD)/tree/$(call tree_name,$$base)" "$(BUILD)" || exit 1; \
	done

# Slow (a bare build per mode), so not part of make test: each known failure
# of pipeline/known-failures.txt must also fail in the pristine base.
known-check: fetch
	@$(if $(KERNEL_SRC),echo "known-check: needs the pristine Debian base trees: unset KERNEL_SRC" >&2; exit 1;) \
	for base in $(BASES); do \
		$(PY) pipeline/known_pristine.py "$$base$(build_suffix)" "$(call src_of,$$base)" \
			"$(BUILD)/known-check/$(call tree_name,$$base)$(build_suffix)" || exit 1; \
	done

# Our suite must not flake: FLAKE_BOOTS boots of its default cells per
# kernel, a case that fails in any of them fails. Not part of make test.
flake-check: assemble-if-stale
	@pipeline/check-qemu.sh
	@$(PY) pipeline/flake_check.py --boots "$(FLAKE_BOOTS)" --results "$(BUILD)/flake" \
		--out "$(BUILD)/out" --modes "$(MODES)" --suite "$(FLAKE_SUITE)" \
		--known pipeline/known-failures.txt $(trees)

# Slow (a kernel per base, build and mode, and four KASAN=n builds), so not
# part of make test: the suites with GCC and clang on arm64 and with GCC on
# x86_64, then KASAN=n, W=1 and sparse against the pristine base.
toolchains: assemble-if-stale
	@pipeline/check-qemu.sh
	@$(PY) pipeline/toolchains.py $(foreach b,$(BASES),--tree "$(call tree_name,$(b))=$(BUILD)/tree/$(call tree_name,$(b))" \
		--pristine "$(call tree_name,$(b))=$(call src_of,$(b))") \
		--work "$(BUILD)/toolchains" --out "$(BUILD)/out" $(matrix_args) \
		--attempts "$(ATTEMPTS)" --timeout "$(TIMEOUT)" --hang "$(HANG)" \
		--known pipeline/known-failures.txt

# Slow (a build per commit and mode), so not part of make test.
bisect: assemble-if-stale
	@for base in $(BASES); do \
		pipeline/bisect.sh "$(call tree_name,$$base)$(build_suffix)" \
			"$(BUILD)/tree/$(call tree_name,$$base)" "$(BUILD)" "$(MODES)" || exit 1; \
	done

# Two 6.12 hw_tags kernels from one config, both with the benchmark patch
# of bench/patches/6.12/ (never applied to the test kernels), one without
# the series and one with it; trees, builds, logs and bench.md in
# build/bench/. Slow, so not part of make test. BENCH_ARGS="--no-build" boots
# the kernels already built; BENCH_ARGS="--trace page" lists the call chains
# that still write page tags instead; see bench/bench.py --help.
bench: BASES := 6.12
bench: fetch
	@pipeline/check-qemu.sh
	@$(PY) bench/bench.py --build "$(BUILD)" $(BENCH_ARGS)

# Checks of the pipeline itself: bad input is refused with one clear line.
selftest:
	@pipeline/selftest.sh

clean:
	rm -rf "$(BUILD)/tree" "$(BUILD)/out" "$(BUILD)/results" "$(BUILD)/coverage"

# Everything generated, but build/ itself, which holds the lock.
distclean:
	find "$(BUILD)" -mindepth 1 -delete

endif
