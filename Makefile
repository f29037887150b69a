# SPDX-License-Identifier: GPL-2.0
#
# vmalloc __GFP_SKIP_KASAN: the series and its KUnit matrix, on two kernel
# bases, in the three arm64 KASAN modes under QEMU with MTE.
#
#   make             set up, assemble the trees, build and run all suites
#   make test        the same plus the checks of the pipeline itself (CI)
#   make prepare     (re)assemble build/tree/BASE from base + series + overlay
#   make kunit       build and run on the trees as they are (keeps hand edits)
#   make summary     print the table of the last run again
#   make series      write the mailable series per base to build/series/BASE/
#   make checkpatch  checkpatch --strict over those series
#   make mutants     show that broken variants of the series fail the matrix
#   make bisect      build every commit of each series in every mode
#   make known-check check that each known failure fails in the pristine base
#   make coverage    lcov report of the matrix per base, and the diff gate
#   make bench       6.12 hw_tags without and with the series: tag stores,
#                    instructions and wall time per workload (build/bench/)
#
# Variables: BASES="6.12 7.3"  MODES="generic sw_tags hw_tags"
#   VARIANTS="default vmalloc_off ..." (boot variants of hw_tags)
#   KERNEL_SRC=/path/to/tree [BASE=6.12]   use your own tree as the base
#   SKIP_PATCHES="0004-*"                   assemble without some patches

KNOWN_MODES := generic sw_tags hw_tags
KNOWN_VARIANTS := default vmalloc_off kasan_off init_on_alloc init_on_free async asymm

BASES ?= 6.12 7.3
MODES ?= $(KNOWN_MODES)
VARIANTS ?= $(KNOWN_VARIANTS)
ATTEMPTS ?= 3
TIMEOUT ?= 900

BUILD := $(CURDIR)/build
RESULTS := $(BUILD)/results

bad := $(filter-out $(KNOWN_MODES),$(MODES))
ifneq ($(bad),)
$(error unknown mode '$(firstword $(bad))' (known: $(KNOWN_MODES)))
endif
bad := $(filter-out $(KNOWN_VARIANTS),$(VARIANTS))
ifneq ($(bad),)
$(error unknown boot variant '$(firstword $(bad))' (known: $(KNOWN_VARIANTS)))
endif

# A user's own tree: the series is chosen from its version, or from BASE.
ifneq ($(KERNEL_SRC),)
ifeq ($(wildcard $(KERNEL_SRC)/Makefile),)
$(error KERNEL_SRC=$(KERNEL_SRC) is not a kernel tree (no Makefile))
endif
BASE ?= $(shell sed -n 's/^VERSION = //p;s/^PATCHLEVEL = //p' $(KERNEL_SRC)/Makefile | paste -sd.)
ifeq ($(BASE),)
$(error KERNEL_SRC=$(KERNEL_SRC) is not a kernel tree (no VERSION in its Makefile))
endif
BASES := $(BASE)
tree_name = local-$(1)
src_of = $(KERNEL_SRC)
else
tree_name = $(1)
src_of = $(BUILD)/base/linux-source-$(1)
endif

bad := $(filter-out $(patsubst patches/%/series,%,$(wildcard patches/*/series)),$(BASES))
ifneq ($(bad),)
$(error no series for base '$(firstword $(bad))' (known: $(patsubst patches/%/series,%,$(wildcard patches/*/series))))
endif

# One cache for every tree and mode; paths below build/ are hashed relative.
export CCACHE_DIR ?= $(HOME)/.ccache
export CCACHE_BASEDIR := $(BUILD)
export CCACHE_NOHASHDIR := 1
export CCACHE_MAXSIZE ?= 25G

RUN_KUNIT = pipeline/run_kunit.py --out $(BUILD)/out --results $(RESULTS) \
	--modes "$(MODES)" --variants "$(VARIANTS)" --attempts $(ATTEMPTS) \
	--timeout $(TIMEOUT) --known pipeline/known-failures.txt \
	--make_option "CC=ccache aarch64-linux-gnu-gcc"

.PHONY: all test setup fetch prepare assemble-if-stale kunit run summary \
	selftest series checkpatch mutants bisect coverage coverage-run bench known-check \
	clean distclean

all: setup assemble-if-stale run

# The closing summary covers the matrix run and the coverage run; a failure
# in either still lets the other run, and fails make test.
test: setup selftest checkpatch
	@status=0; \
	$(MAKE) -s run || status=1; \
	$(MAKE) -s coverage-run || status=1; \
	echo; echo "== all runs =="; \
	pipeline/summary.py --ci $(RESULTS) $(foreach b,$(BASES),$(BUILD)/coverage/$(call tree_name,$(b))/results) \
		|| status=1; \
	exit $$status

setup:
	@pipeline/setup.sh $(if $(KERNEL_SRC),,$(BASES))
	@pipeline/check-qemu.sh

fetch: setup
	@$(if $(KERNEL_SRC),true,for base in $(BASES); do \
		pipeline/fetch-base.sh $$base $(BUILD)/base/linux-source-$$base \
			$(BUILD)/dl || exit 1; \
	done)

# Re-assemble from scratch; refuses to discard hand edits unless FORCE=1.
prepare: fetch
	@for base in $(BASES); do \
		pipeline/assemble.sh $(call src_of,$$base) $$base \
			$(BUILD)/tree/$(call tree_name,$$base) || exit 1; \
	done

assemble-if-stale: fetch
	@for base in $(BASES); do \
		pipeline/assemble.sh --if-stale $(call src_of,$$base) $$base \
			$(BUILD)/tree/$(call tree_name,$$base) || exit 1; \
	done

# Never re-assembles: a maintainer's edit in build/tree/BASE is what runs.
kunit: run

run:
	@pipeline/check-qemu.sh
	@rm -rf $(RESULTS) && mkdir -p $(RESULTS)
	@for base in $(BASES); do \
		./$(RUN_KUNIT) --tree $(BUILD)/tree/$(call tree_name,$$base) \
			--name $(call tree_name,$$base) || exit 1; \
	done
	@pipeline/semantics.py $(RESULTS) || true
	@pipeline/summary.py $(RESULTS)

summary:
	@pipeline/summary.py $(RESULTS)

# The series as a maintainer gets it; also checks that git am of it onto a
# clean git tree of the base gives the assembled tree exactly.
series: assemble-if-stale
	@for base in $(BASES); do \
		pipeline/series.sh $(BUILD)/tree/$(call tree_name,$$base) $$base \
			$(call src_of,$$base) $(BUILD)/series/$$base || exit 1; \
	done

checkpatch: series
	@for base in $(BASES); do \
		pipeline/checkpatch.sh $(BUILD)/tree/$(call tree_name,$$base) \
			$(BUILD)/series/$$base || exit 1; \
	done

# Slow (an incremental build per mutant and mode), so not part of make test.
# MUTANTS="12-*" runs only some.
mutants: assemble-if-stale
	@for base in $(BASES); do \
		pipeline/mutants.sh $$base $(call tree_name,$$base) \
			$(BUILD)/tree/$(call tree_name,$$base) $(BUILD) || exit 1; \
	done

# Slow (a bare build per mode), so not part of make test: each known failure
# of pipeline/known-failures.txt must also fail in the pristine base.
known-check: fetch
	@$(if $(KERNEL_SRC),echo "known-check: needs the pristine Debian base trees: unset KERNEL_SRC" >&2; exit 1;) \
	for base in $(BASES); do \
		pipeline/known_pristine.py $$base $(call src_of,$$base) \
			$(BUILD)/known-check/$(call tree_name,$$base) || exit 1; \
	done

# Slow (a build per commit and mode), so not part of make test.
bisect: assemble-if-stale
	@for base in $(BASES); do \
		pipeline/bisect.sh $(call tree_name,$$base) $(BUILD)/tree/$(call tree_name,$$base) \
			$(BUILD) "$(MODES)" || exit 1; \
	done

# Coverage kernels (build directories OUT/BASE-MODE-gcov), the matrix in
# every mode and variant, an lcov report per base in build/coverage/BASE/.
coverage: assemble-if-stale coverage-run

coverage-run:
	@pipeline/check-qemu.sh
	@status=0; for base in $(BASES); do \
		coverage/run.sh $(call tree_name,$$base) \
			$(BUILD)/tree/$(call tree_name,$$base) $(BUILD)/out \
			$(BUILD)/coverage/$(call tree_name,$$base) \
			"$(MODES)" "$(VARIANTS)" $(ATTEMPTS) || status=1; \
	done; exit $$status

# Two 6.12 hw_tags kernels from one config, both with the benchmark patch
# of bench/patches/6.12/ (never applied to the test kernels), one without
# the series and one with it; trees, builds, logs and bench.md in
# build/bench/. Slow, so not part of make test. BENCH_ARGS="--no-build" boots
# the kernels already built; BENCH_ARGS="--trace page" lists the call chains
# that still write page tags instead; see bench/bench.py --help.
bench: BASES := 6.12
bench: fetch
	@pipeline/check-qemu.sh
	@bench/bench.py --build $(BUILD) $(BENCH_ARGS)

# Checks of the pipeline itself: bad input is refused with one clear line.
selftest:
	@pipeline/selftest.sh

clean:
	rm -rf $(BUILD)/tree $(BUILD)/out $(RESULTS)

distclean:
	rm -rf $(BUILD)
