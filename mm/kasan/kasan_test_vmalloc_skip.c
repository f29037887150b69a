// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit matrix for vmalloc() and __GFP_SKIP_KASAN.
 *
 * With hardware tag-based KASAN, vmalloc() honours a __GFP_SKIP_KASAN passed
 * by its caller: the allocation gets a match-all (0xff) pointer, its pages get
 * match-all page tags and vmalloc() tags no memory, while __GFP_ZERO and
 * init_on_alloc are still honoured and the vmalloc metadata is still tagged.
 * Kernel stacks and kernel page tables pass the flag. In the software modes
 * the flag is 0 and nothing changes.
 *
 * The suite checks this on the kernel it runs on, for the KASAN mode the
 * kernel was built with and the boot parameters it was started with
 * (kasan=off, kasan.vmalloc=off, kasan.mode=, init_on_alloc=, init_on_free=):
 *
 * - vmalloc_matrix crosses __vmalloc(), __vmalloc_node(),
 *   __vmalloc_node_range(), vmalloc_huge() and kvmalloc() with gfp masks,
 *   protections and sizes (vmalloc_matrix_cell_valid() says which
 *   combinations are left out and why). Every cell checks the pointer tag,
 *   the page tag of every page the area maps (a huge mapping maps whole
 *   blocks, more pages than the size covers), the memory tag of every
 *   granule of them, zeroing of all of them against a control allocation
 *   that must see dirty memory, the tags of
 *   the vm_struct, of its pages[] array and of the vmap_area, whether an
 *   access to the in-page redzone is reported, what the final free does to
 *   the memory tags, and for the huge entry points the mapping;
 * - vrealloc_matrix shrinks and grows tagged and match-all allocations
 *   through vrealloc() and kvrealloc(), with the allocation's mask or
 *   another one;
 * - vrealloc_tail_matrix grows a PMD-mapped and a contiguous-PTE area in
 *   place into the pages past its size, which must have been zeroed and
 *   poisoned with the rest when the area was allocated;
 * - vmalloc_random_tags_vary checks that tagged allocations get more than
 *   one random tag;
 * - vmap_stack_match_all and vmap_stack_cache_reuse check kernel stacks, new
 *   and reused from the per-CPU stack cache of kernel/fork.c;
 * - kernel_page_tables_match_all checks page tables at every level.
 *
 * No expected value is written down per cell: vmalloc_skip_expected()
 * computes them from the predicates the kernel itself uses. It encodes this
 * table, in which "normal" means prot == PAGE_KERNEL, "skip" means that the
 * caller passed __GFP_SKIP_KASAN, "vm" means kasan_vmalloc_enabled(), "rand"
 * a tag in [KASAN_TAG_MIN, KASAN_TAG_MAX] and "alloc" the random tag that
 * page_alloc gave the page:
 *
 *   mode, kasan state, cell        ptr   page   memory      redzone final
 *                                  tag   tags   tags        access  free
 *   hw, on, vm, normal, !skip      rand  =ptr   ptr, then   report  0xfe
 *                                               0xfe to the
 *                                               page end
 *   hw, on, normal, skip or !vm    0xff  0xff   -           -       kept
 *   hw, on, !normal, !skip         0xff  alloc  =page tag   -       0xfe
 *   hw, on, !normal, skip          0xff  0xff   -           -       kept
 *   hw, kasan=off                  0xff  0xff   -           -       -
 *   sw, vm, normal                 rand  alloc  -           report  poison
 *   sw, otherwise                  0xff  alloc  -           -       poison
 *   generic                        n/a   n/a    -           if vm   poison
 *
 *   zeroed:   want_init_on_alloc(gfp), on every line.
 *   metadata: tagged in the tag-based modes, 0xff with kasan=off,
 *             accessible in the generic mode, on every line.
 *
 * With kasan.page_alloc.sample > 1, page_alloc may leave "alloc" pages
 * untagged: their tags and their final free are then not asserted.
 *
 * "-" means nothing is asserted: a match-all page keeps the memory tags its
 * previous owner left, which are not deterministic. Neither are random tags,
 * so no assertion compares two random tags with each other: they are checked
 * against the range of random tags, against 0xff and 0xfe, or for equality
 * with the pointer tag they were copied from.
 *
 * Each case prints one KTAP diagnostic line per parameter, just before the
 * "ok"/"not ok" line of that parameter (unless an assertion ended it early),
 * for the project's pipeline:
 *
 *   # <case>: observed: key=value key=value ...
 *
 * The keys come in a fixed order and the values never contain spaces.
 * vmalloc_matrix prints:
 *   ptr_tag    match-all | random | invalid | n/a  (n/a: generic, no tags)
 *   page_tags  0xff | ptr | alloc | mixed | n/a
 *   mem_tags   ptr+redzone | page | unchecked | mismatch
 *   zeroed     yes | no
 *   control    dirty | clean | init_on_alloc | init_on_free | not-needed
 *   metadata   tagged | match-all | accessible | mismatch
 *   report     yes | no | n/a      (n/a: no in-page redzone to access)
 *   free       poisoned | kept | mixed | n/a
 *   mapping    pmd | cont | pages | n/a  (huge entry points and kvmalloc():
 *              the page size vmalloc() mapped with; pages also when it
 *              fell back, which fails unless the blocks it needed cannot
 *              be allocated right after)
 * vrealloc_matrix prints ptr_tag, page_tags, mem_tags (which can also be
 * unchanged or changed), contents (kept | lost), zeroed (yes | no | n/a:
 * whether what the resize handed out past the contents is zero), moved
 * (yes | no), report and free (what freeing the pages that a shrink released
 * did to them, where it frees them: poisoned | kept | mixed | n/a).
 * vrealloc_tail_matrix prints the keys documented with it, and so do the
 * stack and page table cases.
 */

#define pr_fmt(fmt) "kasan_vmalloc_skip: " fmt

#include <kunit/test.h>
#include <linux/cpumask.h>
#include <linux/gfp.h>
#include <linux/kasan.h>
#include <linux/kfence.h>
#include <linux/kthread.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/pgalloc.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/thread_info.h>
#include <linux/vmalloc.h>
#include <trace/events/kmem.h>

#include "kasan.h"
#include "kasan_test.h"

/* A known non-zero byte: memory that still holds it was not zeroed. */
#define VMALLOC_SKIP_DIRT		0xa5

/* Huge cells allocate PMD_SIZE a few times: only for small PMDs. */
#define VMALLOC_SKIP_HUGE_MAX		SZ_32M

/* Pages of a kvmalloc() that must fall back to vmalloc(). */
#define VMALLOC_SKIP_KV_PAGES		(KMALLOC_MAX_SIZE / PAGE_SIZE + 1)

/*
 * The memory tag stamped on pages before their final free (see
 * expect_final_free()): neither match-all nor the tag that poisoning writes.
 */
#define VMALLOC_SKIP_FREE_STAMP		0xf5

/*
 * Rounds of dirtying before a zeroing check gives up (see expect_zeroed()).
 * Whether freed pages come back to the next allocation depends on what else
 * allocates or frees on that CPU meanwhile. 3 rounds once left a few cells of
 * every x86_64 boot without a control; the cause was a kernel without SMP
 * (see vmalloc_skip_no_control_hint()), and the margin stays: a round more
 * only runs when the one before failed its control.
 */
#define VMALLOC_SKIP_ZERO_ATTEMPTS	8

/* NR_CACHED_STACKS in kernel/fork.c. */
#define VMALLOC_SKIP_STACK_CACHE_SLOTS	2

/* Rounds of vmap_stack_cache_reuse before it gives up. */
#define VMALLOC_SKIP_STACK_ATTEMPTS	8

/*
 * GFP_VMALLOC_SUPPORTED of mm/vmalloc.c (v6.19 and later): __vmalloc() and
 * vmalloc_huge() WARN about and strip any other flag. Masks with other flags
 * only go through the other entry points, on every kernel, so that the matrix
 * is the same everywhere and these WARNs do not fire. The first
 * __GFP_SKIP_ZERO row does make the series' WARN_ON_ONCE() about a caller's
 * __GFP_SKIP_ZERO fire, once per boot: that flag is not the caller's to pass.
 */
#define VMALLOC_SKIP_FILTERED_GFP	(GFP_KERNEL | GFP_ATOMIC | GFP_NOWAIT | \
					 __GFP_NOFAIL | __GFP_ZERO |		\
					 __GFP_NORETRY | __GFP_RETRY_MAYFAIL |	\
					 GFP_NOFS | GFP_NOIO |			\
					 GFP_KERNEL_ACCOUNT | GFP_USER |	\
					 __GFP_NOLOCKDEP | __GFP_SKIP_KASAN)

/* The entry point dimension of vmalloc_matrix. */
enum vmalloc_skip_via {
	CELL_VIA_VMALLOC,
	CELL_VIA_VMALLOC_NODE,
	CELL_VIA_VMALLOC_NODE_RANGE,
	CELL_VIA_VMALLOC_HUGE,
	CELL_VIA_VMALLOC_NODE_RANGE_HUGE,
	CELL_VIA_KVMALLOC,
	NR_CELL_VIAS,
};

static const struct vmalloc_skip_via_dim {
	const char *name;
	bool takes_prot;	/* crossed with every protection */
	bool filters_gfp;	/* only takes VMALLOC_SKIP_FILTERED_GFP */
	bool huge;		/* VM_ALLOW_HUGE_VMAP, the huge sizes only */
	bool kv;		/* kvmalloc(), its size only */
} vmalloc_skip_vias[NR_CELL_VIAS] = {
	[CELL_VIA_VMALLOC] = {
		.name = "__vmalloc", .filters_gfp = true,
	},
	[CELL_VIA_VMALLOC_NODE] = {
		.name = "__vmalloc_node",
	},
	[CELL_VIA_VMALLOC_NODE_RANGE] = {
		.name = "__vmalloc_node_range", .takes_prot = true,
	},
	[CELL_VIA_VMALLOC_HUGE] = {
		.name = "vmalloc_huge", .filters_gfp = true, .huge = true,
	},
	[CELL_VIA_VMALLOC_NODE_RANGE_HUGE] = {
		.name = "__vmalloc_node_range+HUGE", .huge = true,
	},
	/* Falls back to vmalloc() with VM_ALLOW_HUGE_VMAP. */
	[CELL_VIA_KVMALLOC] = {
		.name = "kvmalloc", .kv = true,
	},
};

/* The protection dimension: only __vmalloc_node_range() takes one. */
enum vmalloc_skip_prot {
	CELL_PROT_KERNEL,
	CELL_PROT_KERNEL_RO,
	CELL_PROT_KERNEL_EXEC,
	NR_CELL_PROTS,
};

static const char * const vmalloc_skip_prot_names[NR_CELL_PROTS] = {
	[CELL_PROT_KERNEL] = "KERNEL",
	[CELL_PROT_KERNEL_RO] = "RO",
	[CELL_PROT_KERNEL_EXEC] = "EXEC",
};

/* PAGE_KERNEL and friends are not constant expressions on every arch. */
static pgprot_t vmalloc_skip_pgprot(unsigned int prot)
{
	switch (prot) {
	case CELL_PROT_KERNEL_RO:
		return PAGE_KERNEL_RO;
	case CELL_PROT_KERNEL_EXEC:
		return PAGE_KERNEL_EXEC;
	default:
		return PAGE_KERNEL;
	}
}

/* The size dimension. */
enum vmalloc_skip_size {
	CELL_SIZE_TAIL_IN_GRANULE,	/* the object ends inside a granule */
	CELL_SIZE_GRANULE_ALIGNED,	/* the object ends on a granule */
	CELL_SIZE_PAGE,			/* no in-page redzone */
	CELL_SIZE_PAGES_AND_TAIL,	/* an in-page redzone in the last page */
	CELL_SIZE_FIVE_PAGES,		/* bulk allocation of mixed orders */
	CELL_SIZE_THREAD,		/* what kernel stacks allocate */
	CELL_SIZE_PAGES_ARRAY,		/* pages[] no longer fits in a page */
	CELL_SIZE_CONT,			/* huge: contiguous PTEs, if the arch has them */
	CELL_SIZE_HUGE,			/* huge: one PMD mapping */
	CELL_SIZE_HUGE_AND_PAGE,	/* huge: rounded up to two PMDs */
	CELL_SIZE_KVMALLOC,		/* kvmalloc(): too large for kmalloc() */
	NR_CELL_SIZES,
};

static size_t vmalloc_skip_size(unsigned int size)
{
	switch (size) {
	case CELL_SIZE_TAIL_IN_GRANULE:
		return 100;
	case CELL_SIZE_GRANULE_ALIGNED:
		return 2048;
	case CELL_SIZE_PAGE:
		return PAGE_SIZE;
	case CELL_SIZE_PAGES_AND_TAIL:
		return 3 * PAGE_SIZE + 100;
	case CELL_SIZE_FIVE_PAGES:
		return 5 * PAGE_SIZE;
	case CELL_SIZE_THREAD:
		return THREAD_SIZE;
	case CELL_SIZE_PAGES_ARRAY:
		/* __vmalloc_area_node() vmalloc()s pages[] past a page. */
		return (PAGE_SIZE / sizeof(struct page *) + 1) * PAGE_SIZE;
	case CELL_SIZE_CONT:
		return SZ_64K;
	case CELL_SIZE_HUGE:
		return PMD_SIZE;
	case CELL_SIZE_HUGE_AND_PAGE:
		return PMD_SIZE + PAGE_SIZE;
	default:
		/* kmalloc() fails at once, and kvmalloc() calls vmalloc(). */
		return KMALLOC_MAX_SIZE + PAGE_SIZE;
	}
}

/* Sizes for the huge entry points only, and sizes kept to few cells. */
static bool vmalloc_skip_size_huge(unsigned int size)
{
	return size == CELL_SIZE_CONT || size == CELL_SIZE_HUGE ||
	       size == CELL_SIZE_HUGE_AND_PAGE;
}

static bool vmalloc_skip_size_kv(unsigned int size)
{
	return size == CELL_SIZE_KVMALLOC;
}

static bool vmalloc_skip_size_big(unsigned int size)
{
	return size == CELL_SIZE_PAGES_ARRAY || size == CELL_SIZE_HUGE ||
	       size == CELL_SIZE_HUGE_AND_PAGE ||
	       size == CELL_SIZE_KVMALLOC;
}

/*
 * The gfp dimension. __GFP_SKIP_KASAN and __GFP_SKIP_ZERO are 0 unless
 * CONFIG_KASAN_HW_TAGS: the masks with them then behave exactly like the
 * masks without them, which the matrix asserts too.
 */
struct vmalloc_skip_gfp_dim {
	gfp_t gfp;
	const char *name;
	bool huge;		/* also crossed with the huge entry points */
};

static const struct vmalloc_skip_gfp_dim vmalloc_skip_gfps[] = {
	{ GFP_KERNEL, "KERNEL", true },
	{ GFP_KERNEL | __GFP_ZERO, "KERNEL|ZERO", true },
	{ GFP_KERNEL | __GFP_SKIP_KASAN, "KERNEL|SKIP_KASAN", true },
	{ GFP_KERNEL | __GFP_SKIP_KASAN | __GFP_ZERO,
	  "KERNEL|SKIP_KASAN|ZERO", true },
	{ GFP_KERNEL | __GFP_SKIP_ZERO, "KERNEL|SKIP_ZERO", false },
	{ GFP_KERNEL | __GFP_SKIP_ZERO | __GFP_ZERO,
	  "KERNEL|SKIP_ZERO|ZERO", false },
	{ GFP_KERNEL | __GFP_SKIP_KASAN | __GFP_SKIP_ZERO | __GFP_ZERO,
	  "KERNEL|SKIP_KASAN|SKIP_ZERO|ZERO", false },
	/* GFP_HIGHUSER_MOVABLE has __GFP_SKIP_KASAN: the names say so. */
	{ GFP_HIGHUSER_MOVABLE, "HIGHUSER_MOVABLE(SKIP_KASAN)", false },
	{ GFP_HIGHUSER_MOVABLE | __GFP_ZERO, "HIGHUSER_MOVABLE(SKIP_KASAN)|ZERO",
	  false },
	{ GFP_NOFS, "NOFS", false },
	{ GFP_NOFS | __GFP_SKIP_KASAN, "NOFS|SKIP_KASAN", false },
	/* Non-blocking masks, supported by vmalloc() since v6.19. */
	{ GFP_NOWAIT | __GFP_SKIP_KASAN | __GFP_ZERO,
	  "NOWAIT|SKIP_KASAN|ZERO", false },
	{ GFP_ATOMIC | __GFP_ZERO, "ATOMIC|ZERO", false },
	{ GFP_ATOMIC | __GFP_SKIP_KASAN, "ATOMIC|SKIP_KASAN", false },
};

/* One parameter of vmalloc_matrix: an index into every dimension. */
struct vmalloc_matrix_cell {
	u8 via;
	u8 prot;
	u8 size;
	u8 gfp;
};

static struct vmalloc_matrix_cell
vmalloc_matrix_cells[NR_CELL_VIAS * NR_CELL_PROTS * NR_CELL_SIZES *
		     ARRAY_SIZE(vmalloc_skip_gfps)];
static unsigned int vmalloc_matrix_nr_cells;

/* Whether a combination of the dimensions is a cell of the matrix. */
static bool vmalloc_matrix_cell_valid(const struct vmalloc_matrix_cell *cell)
{
	const struct vmalloc_skip_via_dim *via = &vmalloc_skip_vias[cell->via];
	const struct vmalloc_skip_gfp_dim *gfp = &vmalloc_skip_gfps[cell->gfp];
	size_t size = vmalloc_skip_size(cell->size);
	unsigned int other;

	/* Only __vmalloc_node_range() takes a protection. */
	if (cell->prot != CELL_PROT_KERNEL && !via->takes_prot)
		return false;

	/* The huge sizes and the huge entry points only go together. */
	if (vmalloc_skip_size_huge(cell->size) != via->huge)
		return false;
	if (vmalloc_skip_size_kv(cell->size) != via->kv)
		return false;

	/* Keep the huge and big cells few: a QEMU guest may have 1 GiB. */
	if ((via->huge || vmalloc_skip_size_big(cell->size)) &&
	    (!gfp->huge || size > VMALLOC_SKIP_HUGE_MAX))
		return false;
	if (vmalloc_skip_size_big(cell->size) && cell->prot != CELL_PROT_KERNEL)
		return false;

	/*
	 * The zeroing control needs its dirtied pages back (expect_zeroed()),
	 * which page_alloc only does reliably for the orders it caches per
	 * CPU: not for the order of a contiguous-PTE mapping, whose freed
	 * block the buddy allocator merges. Zeroing is page_alloc's at every
	 * order, which the other sizes check.
	 */
	if (cell->size == CELL_SIZE_CONT && (gfp->gfp & __GFP_ZERO))
		return false;

	/* Masks that __vmalloc() and vmalloc_huge() WARN about. */
	if (via->filters_gfp && (gfp->gfp & ~VMALLOC_SKIP_FILTERED_GFP))
		return false;

	/*
	 * With large pages, THREAD_SIZE may be PAGE_SIZE: keep one of them.
	 * Only sizes of the same entry points are duplicates: 513 pages are
	 * also PMD_SIZE plus a page with 4 KiB pages.
	 */
	for (other = 0; other < cell->size; other++)
		if (vmalloc_skip_size(other) == size &&
		    vmalloc_skip_size_huge(other) == via->huge &&
		    vmalloc_skip_size_kv(other) == via->kv)
			return false;

	return true;
}

static void vmalloc_matrix_build(void)
{
	struct vmalloc_matrix_cell cell;
	unsigned int nr = 0;

	for (cell.via = 0; cell.via < NR_CELL_VIAS; cell.via++)
		for (cell.prot = 0; cell.prot < NR_CELL_PROTS; cell.prot++)
			for (cell.size = 0; cell.size < NR_CELL_SIZES; cell.size++)
				for (cell.gfp = 0;
				     cell.gfp < ARRAY_SIZE(vmalloc_skip_gfps);
				     cell.gfp++)
					if (vmalloc_matrix_cell_valid(&cell))
						vmalloc_matrix_cells[nr++] = cell;

	vmalloc_matrix_nr_cells = nr;
}

/* Unique, KTAP-safe descriptions: no '#' and no newline. */
static void vmalloc_matrix_describe(const struct vmalloc_matrix_cell *cell,
				    char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "gfp=%s prot=%s size=%zu via=%s",
		 vmalloc_skip_gfps[cell->gfp].name,
		 vmalloc_skip_prot_names[cell->prot],
		 vmalloc_skip_size(cell->size),
		 vmalloc_skip_vias[cell->via].name);
}

/*
 * Newer kernels pass the test to parameter generators, a change that came
 * with KUNIT_CASE_PARAM_WITH_INIT(): key the prototypes on that macro.
 */
#ifdef KUNIT_CASE_PARAM_WITH_INIT
static const void *vmalloc_matrix_gen_params(struct kunit *test,
					     const void *prev, char *desc)
#else
static const void *vmalloc_matrix_gen_params(const void *prev, char *desc)
#endif
{
	const struct vmalloc_matrix_cell *cell = prev;

	if (!cell) {
		vmalloc_matrix_build();
		cell = vmalloc_matrix_cells;
	} else {
		cell++;
	}

	if (cell == vmalloc_matrix_cells + vmalloc_matrix_nr_cells)
		return NULL;

	vmalloc_matrix_describe(cell, desc);
	return cell;
}

/*
 * The dimensions of vrealloc_matrix: the mask and protection of the
 * allocation, the mask of the vrealloc() call, which may differ, and a
 * resize. vrealloc() allocates anew with PAGE_KERNEL.
 */
static const struct vrealloc_skip_gfp_dim {
	gfp_t alloc;
	gfp_t realloc;
	const char *alloc_name;
	const char *realloc_name;
	u8 prot;
} vrealloc_skip_gfps[] = {
	{ GFP_KERNEL, GFP_KERNEL, "KERNEL", "KERNEL" },
	{ GFP_KERNEL | __GFP_SKIP_KASAN, GFP_KERNEL | __GFP_SKIP_KASAN,
	  "KERNEL|SKIP_KASAN", "KERNEL|SKIP_KASAN" },
	{ GFP_KERNEL, GFP_KERNEL | __GFP_SKIP_KASAN,
	  "KERNEL", "KERNEL|SKIP_KASAN" },
	{ GFP_KERNEL | __GFP_SKIP_KASAN, GFP_KERNEL,
	  "KERNEL|SKIP_KASAN", "KERNEL" },
	/* Tagged pages behind a match-all pointer: a grow must keep both. */
	{ GFP_KERNEL, GFP_KERNEL, "KERNEL", "KERNEL", CELL_PROT_KERNEL_EXEC },
	/* vrealloc() keeps __GFP_ZERO's promise if every call passes it. */
	{ GFP_KERNEL | __GFP_ZERO, GFP_KERNEL | __GFP_ZERO,
	  "KERNEL|ZERO", "KERNEL|ZERO" },
	{ GFP_KERNEL | __GFP_SKIP_KASAN | __GFP_ZERO,
	  GFP_KERNEL | __GFP_SKIP_KASAN | __GFP_ZERO,
	  "KERNEL|SKIP_KASAN|ZERO", "KERNEL|SKIP_KASAN|ZERO" },
};

enum vrealloc_skip_op {
	VREALLOC_SHRINK,		/* in place, inside the first page */
	VREALLOC_SHRINK_PAGES,		/* in place, releasing whole pages */
	VREALLOC_GROW_IN_PLACE,		/* into the rest of the first page */
	VREALLOC_SHRINK_GROW,		/* in place, back into what a shrink released */
	VREALLOC_GROW_MOVE,		/* past the mapping: a new allocation */
	KVREALLOC_GROW,			/* kvmalloc()ed, in place */
	KVREALLOC_FROM_KMALLOC,		/* kmalloc()ed, to kvmalloc()'s vmalloc() */
	NR_VREALLOC_OPS,
};

/* Sizes are whole pages plus bytes. */
static const struct vrealloc_skip_op_dim {
	const char *name;
	size_t from_pages;
	size_t from;
	size_t to_pages;
	size_t to;
	bool moves;		/* vrealloc() allocates anew, with its mask */
	bool kv;		/* kvmalloc() and kvrealloc(), PAGE_KERNEL only */
	size_t shrink_to;	/* shrinks to this size first, if not 0 */
} vrealloc_skip_ops[NR_VREALLOC_OPS] = {
	[VREALLOC_SHRINK] = { "shrink", 0, 2048, 0, 1000 },
	/*
	 * Since v6.19, vrealloc() unmaps and frees the pages past the new
	 * end; before, it keeps them. Either way the first page stays.
	 */
	[VREALLOC_SHRINK_PAGES] = { "shrink-pages", 3, 100, 0, 1000 },
	[VREALLOC_GROW_IN_PLACE] = { "grow", 0, 1000, 0, 2000 },
	/*
	 * The shrink zeroes what it releases under init_on_free=1 or when
	 * asked to zero, and the grow hands it out again without zeroing.
	 */
	[VREALLOC_SHRINK_GROW] = { "shrink-grow", 0, 2048, 0, 2000,
				   .shrink_to = 1000 },
	[VREALLOC_GROW_MOVE] = { "grow-move", 0, 1000, 2, 1000, true },
	/*
	 * kvrealloc() of a vmalloc() address is vrealloc(): here of the
	 * VM_ALLOW_HUGE_VMAP area of kvmalloc()'s fallback, inside its last
	 * page so that it stays in place with or without a huge mapping.
	 */
	[KVREALLOC_GROW] = { "kv-grow", VMALLOC_SKIP_KV_PAGES, 100,
			     VMALLOC_SKIP_KV_PAGES, 2000, false, true },
	/* krealloc() cannot grow past KMALLOC_MAX_SIZE: kvmalloc() then. */
	[KVREALLOC_FROM_KMALLOC] = { "kv-from-kmalloc", 0, 1000,
				     VMALLOC_SKIP_KV_PAGES, 100, true, true },
};

static size_t vrealloc_skip_from(const struct vrealloc_skip_op_dim *op)
{
	return op->from_pages * PAGE_SIZE + op->from;
}

static size_t vrealloc_skip_to(const struct vrealloc_skip_op_dim *op)
{
	return op->to_pages * PAGE_SIZE + op->to;
}

struct vrealloc_matrix_cell {
	u8 gfp;
	u8 op;
};

static struct vrealloc_matrix_cell
vrealloc_matrix_cells[ARRAY_SIZE(vrealloc_skip_gfps) * NR_VREALLOC_OPS];
static unsigned int vrealloc_matrix_nr_cells;

#ifdef KUNIT_CASE_PARAM_WITH_INIT
static const void *vrealloc_matrix_gen_params(struct kunit *test,
					      const void *prev, char *desc)
#else
static const void *vrealloc_matrix_gen_params(const void *prev, char *desc)
#endif
{
	const struct vrealloc_matrix_cell *cell = prev;
	const struct vrealloc_skip_op_dim *op;
	unsigned int nr = 0;
	u8 gfp, opi;

	if (!cell) {
		for (gfp = 0; gfp < ARRAY_SIZE(vrealloc_skip_gfps); gfp++)
			for (opi = 0; opi < NR_VREALLOC_OPS; opi++) {
				/* kvmalloc() maps PAGE_KERNEL only. */
				if (vrealloc_skip_ops[opi].kv &&
				    vrealloc_skip_gfps[gfp].prot != CELL_PROT_KERNEL)
					continue;
				vrealloc_matrix_cells[nr++] =
					(struct vrealloc_matrix_cell){ gfp, opi };
			}
		vrealloc_matrix_nr_cells = nr;
		cell = vrealloc_matrix_cells;
	} else {
		cell++;
	}

	if (cell == vrealloc_matrix_cells + vrealloc_matrix_nr_cells)
		return NULL;

	op = &vrealloc_skip_ops[cell->op];
	snprintf(desc, KUNIT_PARAM_DESC_SIZE,
		 "gfp=%s realloc_gfp=%s prot=%s op=%s from=%zu to=%zu via=%s",
		 vrealloc_skip_gfps[cell->gfp].alloc_name,
		 vrealloc_skip_gfps[cell->gfp].realloc_name,
		 vmalloc_skip_prot_names[vrealloc_skip_gfps[cell->gfp].prot],
		 op->name, vrealloc_skip_from(op), vrealloc_skip_to(op),
		 op->kv ? "kvrealloc" : "vrealloc");
	return cell;
}

/* What a tag is expected to be. */
enum vmalloc_skip_tag {
	TAG_NONE,	/* not used by the mode: nothing to assert */
	TAG_MATCH_ALL,	/* KASAN_TAG_KERNEL */
	TAG_RANDOM,	/* in [KASAN_TAG_MIN, KASAN_TAG_MAX] */
	TAG_PTR,	/* equal to the pointer tag */
	TAG_UNCHECKED,	/* not deterministic, see vmalloc_skip_sampled() */
};

static const char * const vmalloc_skip_tag_wanted[] = {
	[TAG_NONE] = "none",
	[TAG_MATCH_ALL] = "0xff",
	[TAG_RANDOM] = "a random tag",
	[TAG_PTR] = "the pointer tag",
	[TAG_UNCHECKED] = "anything",
};

/* What the memory tags of the pages are expected to be. */
enum vmalloc_skip_mem_tags {
	MEM_TAGS_UNCHECKED,	/* left by the previous owner, or no MTE */
	MEM_TAGS_PTR_REDZONE,	/* pointer tag, then 0xfe to the page end */
	MEM_TAGS_PAGE,		/* the page tag on every granule */
};

/* What the final free of the pages is expected to do. */
enum vmalloc_skip_free {
	FREE_UNCHECKED,		/* KASAN is disabled */
	FREE_POISONS,		/* poisons the pages */
	FREE_KEEPS_TAGS,	/* match-all pages: memory tags are kept */
};

/* What the vmalloc metadata is expected to look like. */
enum vmalloc_skip_meta {
	META_TAGGED,		/* random pointer tag that matches memory */
	META_MATCH_ALL,		/* KASAN disabled at boot */
	META_ACCESSIBLE,	/* generic KASAN: the shadow allows access */
};

/**
 * struct vmalloc_skip_expect - the expected outcome of an allocation
 * @ptr_tag: tag of the returned pointer.
 * @page_tags: page_kasan_tag() of every backing page.
 * @mem_tags: memory tags of every granule of every backing page.
 * @zeroed: the memory must be zeroed.
 * @no_control: why no allocation can return dirty memory, or NULL.
 * @checked: accesses through the pointer are checked, so an access to the
 *	in-page redzone is reported.
 * @on_free: what the final free of the backing pages does.
 * @metadata: what the vm_struct, its pages[] array and the vmap_area look
 *	like.
 */
struct vmalloc_skip_expect {
	enum vmalloc_skip_tag ptr_tag;
	enum vmalloc_skip_tag page_tags;
	enum vmalloc_skip_mem_tags mem_tags;
	bool zeroed;
	const char *no_control;
	bool checked;
	enum vmalloc_skip_free on_free;
	enum vmalloc_skip_meta metadata;
};

/*
 * kasan.page_alloc.sample=N with N > 1 makes page_alloc leave some of its
 * allocations of order kasan.page_alloc.sample.order or more untagged.
 * vmalloc() asks for orders up to get_order(@size).
 */
static bool vmalloc_skip_sampled(size_t size)
{
#ifdef CONFIG_KASAN_HW_TAGS
	return kasan_page_alloc_sample > 1 &&
	       get_order(size) >= kasan_page_alloc_sample_order;
#else
	return false;
#endif
}

/* The page tag that page_alloc gives to an allocation with @gfp. */
static enum vmalloc_skip_tag vmalloc_skip_page_alloc_tag(gfp_t gfp,
							 size_t size)
{
	if (IS_ENABLED(CONFIG_KASAN_GENERIC))
		return TAG_NONE;
	if (IS_ENABLED(CONFIG_KASAN_SW_TAGS))
		return TAG_RANDOM;
	if (!kasan_enabled() || (gfp & __GFP_SKIP_KASAN))
		return TAG_MATCH_ALL;
	return vmalloc_skip_sampled(size) ? TAG_UNCHECKED : TAG_RANDOM;
}

/*
 * Generic and sw_tags KASAN map shadow for every new vmap area before its
 * pages are allocated, and __kasan_populate_vmalloc() borrows a scratch page
 * for that with __GFP_ZERO, freeing it just before vmalloc() allocates. On
 * the pinned CPU that zeroed page is the first one an allocation from the
 * same free list, the unmovable one, gets: pages[0] is zero whatever was
 * asked, unless vmalloc_skip_scratch_thief takes it first.
 */
static bool vmalloc_skip_shadow_scratch(gfp_t gfp)
{
	return IS_ENABLED(CONFIG_KASAN_VMALLOC) &&
	       !IS_ENABLED(CONFIG_KASAN_HW_TAGS) && kasan_enabled() &&
	       !(gfp & (__GFP_MOVABLE | __GFP_RECLAIMABLE));
}

/**
 * vmalloc_skip_expected - the semantics table of the file comment
 * @gfp: mask passed to the entry point.
 * @prot: protection of the mapping.
 * @size: size of the allocation.
 *
 * Return: what an allocation of @size with @gfp and @prot must look like on
 * this kernel, in its KASAN mode and with its boot parameters.
 */
static struct vmalloc_skip_expect vmalloc_skip_expected(gfp_t gfp,
							pgprot_t prot,
							size_t size)
{
	bool normal = pgprot_val(prot) == pgprot_val(PAGE_KERNEL);
	bool skip = gfp & __GFP_SKIP_KASAN;	/* 0 unless HW_TAGS */
	bool vm = kasan_enabled() && kasan_vmalloc_enabled();
	struct vmalloc_skip_expect exp = {};

	/* Zeroing is honoured for every mask, prot and mode. */
	exp.zeroed = want_init_on_alloc(gfp);
	if (want_init_on_alloc(gfp & ~__GFP_ZERO))
		exp.no_control = "init_on_alloc";
	else if (want_init_on_free())
		exp.no_control = "init_on_free";

	if (IS_ENABLED(CONFIG_KASAN_HW_TAGS)) {
		bool tagged = vm && normal && !skip;

		exp.checked = tagged;
		exp.ptr_tag = tagged ? TAG_RANDOM : TAG_MATCH_ALL;
		if (tagged) {
			/* kasan_unpoison_vmalloc() tags memory and pages. */
			exp.page_tags = TAG_PTR;
			exp.mem_tags = MEM_TAGS_PTR_REDZONE;
		} else if (!normal) {
			/* page_alloc tags the pages, unless told not to. */
			exp.page_tags = vmalloc_skip_page_alloc_tag(gfp, size);
			if (exp.page_tags == TAG_RANDOM)
				exp.mem_tags = MEM_TAGS_PAGE;
		} else {
			/*
			 * PAGE_KERNEL: vmalloc() passes __GFP_SKIP_KASAN to
			 * page_alloc when it tags itself, and kasan.vmalloc=off
			 * or the caller's flag make it not tag.
			 */
			exp.page_tags = TAG_MATCH_ALL;
		}

		if (!kasan_enabled())
			exp.on_free = FREE_UNCHECKED;
		else if (exp.page_tags == TAG_MATCH_ALL)
			exp.on_free = FREE_KEEPS_TAGS;
		else if (exp.page_tags == TAG_UNCHECKED)
			exp.on_free = FREE_UNCHECKED;
		else
			exp.on_free = FREE_POISONS;

		exp.metadata = kasan_enabled() ? META_TAGGED : META_MATCH_ALL;
	} else if (IS_ENABLED(CONFIG_KASAN_SW_TAGS)) {
		/* Only PAGE_KERNEL mappings are tagged; the flag is 0. */
		exp.checked = vm && normal;
		exp.ptr_tag = exp.checked ? TAG_RANDOM : TAG_MATCH_ALL;
		exp.page_tags = vmalloc_skip_page_alloc_tag(gfp, size);
		exp.on_free = FREE_POISONS;
		exp.metadata = META_TAGGED;
	} else {
		/* Generic KASAN unpoisons every vmalloc() mapping. */
		exp.checked = vm;
		exp.ptr_tag = TAG_NONE;
		exp.page_tags = TAG_NONE;
		exp.on_free = FREE_POISONS;
		exp.metadata = META_ACCESSIBLE;
	}

	return exp;
}

/**
 * struct vmalloc_skip_observed - values of the diagnostic line
 * @ptr_tag: see the file comment for this and the other fields.
 * @page_tags: see @ptr_tag.
 * @mem_tags: see @ptr_tag.
 * @zeroed: see @ptr_tag.
 * @control: see @ptr_tag.
 * @metadata: see @ptr_tag.
 * @report: see @ptr_tag.
 * @free: see @ptr_tag.
 * @mapping: see @ptr_tag.
 */
struct vmalloc_skip_observed {
	const char *ptr_tag;
	const char *page_tags;
	const char *mem_tags;
	const char *zeroed;
	const char *control;
	const char *metadata;
	const char *report;
	const char *free;
	const char *mapping;
};

static const struct vmalloc_skip_observed vmalloc_skip_unobserved = {
	.ptr_tag = "n/a", .page_tags = "n/a", .mem_tags = "n/a",
	.zeroed = "n/a", .control = "n/a", .metadata = "n/a",
	.report = "n/a", .free = "n/a", .mapping = "n/a",
};

/**
 * struct vmalloc_skip_alloc - a vmalloc() allocation under test
 * @ptr: the pointer the entry point returned, tag included.
 * @size: the size that was asked for.
 * @nr_object_pages: number of pages that @size covers.
 * @nr_pages: number of pages the area maps, at least @nr_object_pages: a
 *	huge or contiguous-PTE mapping maps whole blocks, and vrealloc() hands
 *	out the pages past @size when it grows in place, so every column
 *	checks all of them.
 * @pages: vmalloc_to_page() of each of them.
 */
struct vmalloc_skip_alloc {
	void *ptr;
	size_t size;
	unsigned long nr_object_pages;
	unsigned long nr_pages;
	struct page **pages;
};

KUNIT_DEFINE_ACTION_WRAPPER(vfree_action, vfree, const void *);
KUNIT_DEFINE_ACTION_WRAPPER(kvfree_action, kvfree, const void *);

/* kunit_add_action_or_reset() that ends the test if it fails. */
static void vmalloc_skip_defer(struct kunit *test, kunit_action_t *action,
			       void *ctx)
{
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, action, ctx), 0);
}

static struct vmalloc_skip_alloc *vmalloc_skip_track(struct kunit *test,
						     void *ptr, size_t size)
{
	struct vmalloc_skip_alloc *alloc;
	struct vm_struct *area;
	unsigned long i;

	alloc = kunit_kzalloc(test, sizeof(*alloc), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, alloc);
	alloc->ptr = ptr;
	alloc->size = size;
	alloc->nr_object_pages = PAGE_ALIGN(size) >> PAGE_SHIFT;
	area = find_vm_area(kasan_reset_tag(ptr));
	KUNIT_ASSERT_NOT_NULL(test, area);
	alloc->nr_pages = area->nr_pages;
	KUNIT_ASSERT_GE(test, alloc->nr_pages, alloc->nr_object_pages);
	alloc->pages = kunit_kcalloc(test, alloc->nr_pages,
				     sizeof(*alloc->pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, alloc->pages);

	for (i = 0; i < alloc->nr_pages; i++) {
		alloc->pages[i] = vmalloc_to_page(kasan_reset_tag(ptr) +
						  i * PAGE_SIZE);
		KUNIT_ASSERT_NOT_NULL(test, alloc->pages[i]);
	}

	return alloc;
}

static void *vmalloc_skip_call(const struct vmalloc_matrix_cell *cell,
			       gfp_t gfp)
{
	size_t size = vmalloc_skip_size(cell->size);
	pgprot_t prot = vmalloc_skip_pgprot(cell->prot);

	switch (cell->via) {
	case CELL_VIA_VMALLOC:
		return __vmalloc(size, gfp);
	case CELL_VIA_VMALLOC_NODE:
		return __vmalloc_node(size, 1, gfp, NUMA_NO_NODE,
				      __builtin_return_address(0));
	case CELL_VIA_VMALLOC_NODE_RANGE:
		return __vmalloc_node_range(size, 1, VMALLOC_START,
					    VMALLOC_END, gfp, prot, 0,
					    NUMA_NO_NODE,
					    __builtin_return_address(0));
	case CELL_VIA_VMALLOC_HUGE:
		return vmalloc_huge(size, gfp);
	case CELL_VIA_VMALLOC_NODE_RANGE_HUGE:
		return __vmalloc_node_range(size, 1, VMALLOC_START,
					    VMALLOC_END, gfp, PAGE_KERNEL,
					    VM_ALLOW_HUGE_VMAP, NUMA_NO_NODE,
					    __builtin_return_address(0));
	case CELL_VIA_KVMALLOC:
		return kvmalloc(size, gfp);
	}

	return NULL;
}

/* Takes @ptr, returned by the entry point of @cell; vfree() is deferred. */
static struct vmalloc_skip_alloc *
vmalloc_skip_adopt(struct kunit *test, const struct vmalloc_matrix_cell *cell,
		   gfp_t gfp, void *ptr)
{
	KUNIT_ASSERT_NOT_NULL_MSG(test, ptr, "allocation with %pGg failed",
				  &gfp);
	vmalloc_skip_defer(test, vfree_action, ptr);
	return vmalloc_skip_track(test, ptr, vmalloc_skip_size(cell->size));
}

/* Allocates through the entry point of @cell; vfree() is deferred. */
static struct vmalloc_skip_alloc *
vmalloc_skip_alloc(struct kunit *test, const struct vmalloc_matrix_cell *cell,
		   gfp_t gfp)
{
	return vmalloc_skip_adopt(test, cell, gfp, vmalloc_skip_call(cell, gfp));
}

/* vfree() now instead of when the test ends. */
static void vmalloc_skip_release(struct kunit *test,
				 struct vmalloc_skip_alloc *alloc)
{
	kunit_release_action(test, vfree_action, alloc->ptr);
}

/*
 * The match-all alias of a page in the linear map. Contents are read and
 * written through it, so that no access is tag-checked and read-only
 * mappings can be dirtied; memory tags are read through it too, because only
 * the linear map is mapped Tagged for every page.
 */
static u8 *vmalloc_skip_linear(struct page *page)
{
	return kasan_reset_tag(page_address(page));
}

/* Number of bytes of the object in page @i. */
static size_t vmalloc_skip_bytes_in_page(const struct vmalloc_skip_alloc *alloc,
					 unsigned long i)
{
	return min_t(size_t, PAGE_SIZE, alloc->size - i * PAGE_SIZE);
}

/* Offset of the first byte in [@from, @to) that is not @byte, or @to. */
static size_t vmalloc_skip_first_not_in(const struct vmalloc_skip_alloc *alloc,
					int byte, size_t from, size_t to)
{
	size_t offset, end;

	for (offset = from; offset < to; offset = end) {
		u8 *page = vmalloc_skip_linear(alloc->pages[offset / PAGE_SIZE]);
		u8 *other;

		end = min_t(size_t, to, round_down(offset, PAGE_SIZE) + PAGE_SIZE);
		other = memchr_inv(page + offset % PAGE_SIZE, byte, end - offset);
		if (other)
			return round_down(offset, PAGE_SIZE) + (other - page);
	}

	return to;
}

/* Offset of the first of the @len first bytes that is not @byte, or @len. */
static size_t vmalloc_skip_first_not(const struct vmalloc_skip_alloc *alloc,
				     int byte, size_t len)
{
	return vmalloc_skip_first_not_in(alloc, byte, 0, len);
}

static u8 vmalloc_skip_byte(const struct vmalloc_skip_alloc *alloc,
			    size_t offset)
{
	u8 *start = vmalloc_skip_linear(alloc->pages[offset / PAGE_SIZE]);

	return start[offset % PAGE_SIZE];
}

#ifdef CONFIG_KASAN_HW_TAGS
static u8 vmalloc_skip_mem_tag(const void *addr)
{
	return hw_get_mem_tag((void *)addr);
}

static void vmalloc_skip_set_mem_tag(void *addr, u8 tag)
{
	hw_set_mem_tag_range(addr, KASAN_GRANULE_SIZE, tag, false);
}
#else
/* Only called when kasan_hw_tags_enabled(). */
static u8 vmalloc_skip_mem_tag(const void *addr)
{
	return KASAN_TAG_KERNEL;
}

static void vmalloc_skip_set_mem_tag(void *addr, u8 tag)
{
}
#endif

/* Whether @tag is what @wanted says; @ptr_tag is for TAG_PTR. */
static bool vmalloc_skip_tag_is(u8 tag, enum vmalloc_skip_tag wanted,
				u8 ptr_tag)
{
	switch (wanted) {
	case TAG_MATCH_ALL:
		return tag == KASAN_TAG_KERNEL;
	case TAG_RANDOM:
		return tag >= KASAN_TAG_MIN && tag <= KASAN_TAG_MAX;
	case TAG_PTR:
		return tag == ptr_tag;
	case TAG_UNCHECKED:
		return true;
	default:
		/* TAG_NONE: the callers leave the column out. */
		return false;
	}
}

static const char *vmalloc_skip_tag_name(u8 tag)
{
	if (IS_ENABLED(CONFIG_KASAN_GENERIC))
		return "none";
	if (tag == KASAN_TAG_KERNEL)
		return "match-all";
	if (tag >= KASAN_TAG_MIN && tag <= KASAN_TAG_MAX)
		return "random";
	return "invalid";
}

/* Keeps every page of an allocation after vfree(), see expect_final_free(). */
struct vmalloc_skip_page_refs {
	struct page **pages;
	unsigned long nr_pages;
};

static void vmalloc_skip_put_pages(void *ctx)
{
	struct vmalloc_skip_page_refs *refs = ctx;
	unsigned long i;

	for (i = 0; i < refs->nr_pages; i++)
		put_page(refs->pages[i]);
}

static struct vmalloc_skip_page_refs *
vmalloc_skip_get_pages(struct kunit *test, struct page **pages,
		       unsigned long nr_pages)
{
	struct vmalloc_skip_page_refs *refs;
	unsigned long i;

	refs = kunit_kzalloc(test, sizeof(*refs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, refs);
	refs->pages = kunit_kmalloc_array(test, nr_pages, sizeof(*pages),
					  GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, refs->pages);
	refs->nr_pages = nr_pages;

	for (i = 0; i < nr_pages; i++) {
		refs->pages[i] = pages[i];
		get_page(pages[i]);
	}
	vmalloc_skip_defer(test, vmalloc_skip_put_pages, refs);
	return refs;
}

/*
 * Dirtying and allocating again should happen on one CPU, as freed pages go
 * to per-CPU lists. Each test case runs in a kthread of its own that exits
 * when the case ends, so the affinity is not restored. Not being pinned only
 * makes dirt less likely to be seen, which expect_zeroed() detects.
 */
static void vmalloc_skip_pin_cpu(struct kunit *test)
{
	const struct cpumask *mask = cpumask_of(raw_smp_processor_id());

	if (set_cpus_allowed_ptr(current, mask))
		kunit_info(test, "cannot pin the test to a CPU\n");
}

/*
 * Pages filled with dirt and freed just before a one-page allocation that
 * vmalloc_skip_scratch_thief watches: the shadow population takes some of
 * them (the scratch page itself, a shadow page, a page table) and the
 * allocation must still get one. The thief takes at most as many pages.
 */
#define VMALLOC_SKIP_SCRATCH_DIRT	4

/**
 * struct vmalloc_skip_dirt - memory that was filled with dirt and freed
 * @alloc: the allocation that was filled and freed.
 * @block_pfn: first pfn of a page block filled and freed as well.
 * @block_pages: number of pages in that block, 0 if there is none.
 * @pages: single pages filled and freed by vmalloc_skip_dirty_ahead(), NULL
 *	where there is none. Only compared with, never accessed.
 */
struct vmalloc_skip_dirt {
	struct vmalloc_skip_alloc *alloc;
	unsigned long block_pfn;
	unsigned long block_pages;
	struct page *pages[VMALLOC_SKIP_SCRATCH_DIRT];
};

/* The order of the pages that map @alloc (huge mappings use high orders). */
static unsigned int vmalloc_skip_page_order(const struct vmalloc_skip_alloc *alloc)
{
#ifdef CONFIG_HAVE_ARCH_HUGE_VMALLOC
	struct vm_struct *area = find_vm_area(kasan_reset_tag(alloc->ptr));

	return area ? area->page_order : 0;
#else
	return 0;
#endif
}

/*
 * Fills @alloc with dirt and frees it, so that the next allocation of the same
 * shape on this CPU gets dirty pages: freed pages go to the head of the lists
 * of their order. vmalloc() builds huge mappings from PMD-order blocks that
 * some kernels free page by page, so one such block is dirtied as well.
 */
static void vmalloc_skip_dirty(struct kunit *test,
			       struct vmalloc_skip_alloc *alloc, gfp_t gfp,
			       struct vmalloc_skip_dirt *dirt)
{
	unsigned int order = vmalloc_skip_page_order(alloc);
	struct page *block;
	unsigned long i;

	for (i = 0; i < alloc->nr_pages; i++)
		memset(vmalloc_skip_linear(alloc->pages[i]), VMALLOC_SKIP_DIRT,
		       PAGE_SIZE);
	vmalloc_skip_release(test, alloc);

	memset(dirt, 0, sizeof(*dirt));
	dirt->alloc = alloc;
	/*
	 * The pages of a huge mapping are freed as one block, which the buddy
	 * allocator may merge, so the next allocation of that order need not
	 * get them back: dirty a block of that order too.
	 */
	if (!order)
		return;

	block = alloc_pages(gfp | __GFP_NOWARN, order);
	if (!block)
		return;
	memset(vmalloc_skip_linear(block), VMALLOC_SKIP_DIRT,
	       PAGE_SIZE << order);
	dirt->block_pfn = page_to_pfn(block);
	dirt->block_pages = 1UL << order;
	__free_pages(block, order);
}

/*
 * Fills VMALLOC_SKIP_SCRATCH_DIRT single pages of @gfp's free list with dirt
 * and frees them, on top of what is already there.
 */
static void vmalloc_skip_dirty_ahead(struct vmalloc_skip_dirt *dirt, gfp_t gfp)
{
	unsigned int i;

	for (i = 0; i < VMALLOC_SKIP_SCRATCH_DIRT; i++) {
		dirt->pages[i] = alloc_page(gfp | __GFP_NOWARN);
		if (dirt->pages[i])
			memset(vmalloc_skip_linear(dirt->pages[i]),
			       VMALLOC_SKIP_DIRT, PAGE_SIZE);
	}
	for (i = 0; i < VMALLOC_SKIP_SCRATCH_DIRT; i++)
		if (dirt->pages[i])
			__free_page(dirt->pages[i]);
}

/**
 * struct vmalloc_skip_scratch_thief - takes the shadow scratch page away
 * @task: the task whose vmalloc() is watched, NULL while none is.
 * @fired: the watched pages[] array was allocated.
 * @nr_taken: number of pages in @taken.
 * @taken: the pages taken, for the test to free.
 *
 * vmalloc() kmalloc()s the pages[] array of an area after the shadow of the
 * area is populated and before it allocates the pages, so the kmalloc
 * tracepoint fires in between, on the allocating CPU. From there the thief
 * takes the pages that the shadow population left on top of the free list:
 * the zeroed scratch page of vmalloc_skip_shadow_scratch() and the shadow
 * pages it did not need, which 7.3 fills with KASAN_VMALLOC_INVALID. It puts
 * back the first page that holds nothing but dirt: vmalloc() gets that one.
 */
struct vmalloc_skip_scratch_thief {
	struct task_struct *task;
	bool fired;
	unsigned int nr_taken;
	struct page *taken[VMALLOC_SKIP_SCRATCH_DIRT];
};

static struct vmalloc_skip_scratch_thief vmalloc_skip_thief;

/*
 * Probe of the kmalloc tracepoint; preemption is disabled. The watched
 * allocation has one page, so its pages[] array has one pointer.
 */
static void vmalloc_skip_take_scratch(void *data, unsigned long call_site,
				      const void *ptr, size_t bytes_req,
				      size_t bytes_alloc, gfp_t gfp, int node)
{
	struct vmalloc_skip_scratch_thief *thief = data;
	struct page *page;

	if (READ_ONCE(thief->task) != current || thief->fired ||
	    bytes_req != sizeof(struct page *))
		return;

	thief->fired = true;
	while (thief->nr_taken < ARRAY_SIZE(thief->taken)) {
		page = alloc_page(GFP_NOWAIT | __GFP_NOWARN);
		if (!page)
			return;
		if (!memchr_inv(vmalloc_skip_linear(page), VMALLOC_SKIP_DIRT,
				PAGE_SIZE)) {
			__free_page(page);
			return;
		}
		thief->taken[thief->nr_taken++] = page;
	}
}

/*
 * vmalloc_skip_alloc() for a one-page allocation of generic or sw_tags KASAN,
 * whose zeroing the shadow scratch page would hide: pages with dirt are freed
 * first and the pages above them are taken away while vmalloc() runs, so that
 * the allocation gets a dirty page.
 */
static struct vmalloc_skip_alloc *
vmalloc_skip_alloc_past_scratch(struct kunit *test,
				const struct vmalloc_matrix_cell *cell,
				gfp_t gfp, struct vmalloc_skip_dirt *dirt)
{
	struct vmalloc_skip_scratch_thief *thief = &vmalloc_skip_thief;
	bool fired;
	void *ptr;

	vmalloc_skip_dirty_ahead(dirt, gfp & ~__GFP_ZERO);
	thief->fired = false;
	WRITE_ONCE(thief->task, current);
	ptr = vmalloc_skip_call(cell, gfp);
	WRITE_ONCE(thief->task, NULL);
	fired = thief->fired;
	while (thief->nr_taken)
		__free_page(thief->taken[--thief->nr_taken]);

	KUNIT_EXPECT_TRUE_MSG(test, fired,
			      "vmalloc() kmalloc()ed no pages[] array: the scratch page was not taken");
	return vmalloc_skip_adopt(test, cell, gfp, ptr);
}

/*
 * Whether the zeroing check of an allocation of @nr_pages with @gfp goes
 * through vmalloc_skip_alloc_past_scratch(): only a one-page allocation, all
 * of which would be the scratch page.
 */
static bool vmalloc_skip_scratch_taken(gfp_t gfp, unsigned long nr_pages)
{
	return vmalloc_skip_shadow_scratch(gfp) && nr_pages == 1;
}

/*
 * The first page of @alloc that can show whether an allocation with @gfp was
 * zeroed: not the zeroed scratch page of vmalloc_skip_shadow_scratch(),
 * unless it was taken away.
 */
static unsigned long vmalloc_skip_first_witness(const struct vmalloc_skip_alloc *alloc,
						gfp_t gfp)
{
	return vmalloc_skip_shadow_scratch(gfp) &&
	       !vmalloc_skip_scratch_taken(gfp, alloc->nr_object_pages) ? 1 : 0;
}

/* Number of pages whose share of the object holds nothing but dirt. */
static unsigned long vmalloc_skip_dirty_pages(const struct vmalloc_skip_alloc *alloc,
					      gfp_t gfp)
{
	unsigned long i = vmalloc_skip_first_witness(alloc, gfp), dirty = 0;

	for (; i < alloc->nr_object_pages; i++)
		if (!memchr_inv(vmalloc_skip_linear(alloc->pages[i]),
				VMALLOC_SKIP_DIRT,
				vmalloc_skip_bytes_in_page(alloc, i)))
			dirty++;

	return dirty;
}

/* Number of pages of @alloc that were filled with dirt and freed before. */
static unsigned long vmalloc_skip_reused(const struct vmalloc_skip_alloc *alloc,
					 const struct vmalloc_skip_dirt *dirt,
					 gfp_t gfp)
{
	unsigned long i = vmalloc_skip_first_witness(alloc, gfp), j, reused = 0;

	for (; i < alloc->nr_object_pages; i++) {
		struct page *page = alloc->pages[i];
		bool found = false;

		if (page_to_pfn(page) - dirt->block_pfn < dirt->block_pages)
			found = true;
		for (j = 0; !found && j < dirt->alloc->nr_pages; j++)
			found = dirt->alloc->pages[j] == page;
		for (j = 0; !found && j < VMALLOC_SKIP_SCRATCH_DIRT; j++)
			found = dirt->pages[j] == page;
		reused += found;
	}

	return reused;
}

/*
 * Why a zeroing control may fail on this kernel: without SMP, recent page
 * allocators do not use their per-CPU free lists, so freed pages go back to
 * the buddy free lists and rarely come straight back (mm/kasan/.kunitconfig
 * asks for SMP).
 */
static void vmalloc_skip_no_control_hint(struct kunit *test)
{
	if (!IS_ENABLED(CONFIG_SMP))
		kunit_info(test,
			   "a kernel without CONFIG_SMP may not hand freed pages back through per-CPU lists: build with CONFIG_SMP=y\n");
}

/*
 * Every page of @alloc is zero if @exp says so: vrealloc() grows in place
 * into the pages of the area past the object without zeroing them. Returns
 * whether they are.
 */
static bool expect_area_zeroed(struct kunit *test,
			       const struct vmalloc_skip_alloc *alloc,
			       const struct vmalloc_skip_expect *exp, gfp_t gfp)
{
	size_t area_size = alloc->nr_pages * PAGE_SIZE;
	size_t offset = vmalloc_skip_first_not(alloc, 0, area_size);

	if (exp->zeroed && offset < area_size)
		KUNIT_FAIL(test,
			   "%pGg must return zeroed memory, but byte %zu of %zu (an area of %zu) is 0x%02x",
			   &gfp, offset, alloc->size, area_size,
			   vmalloc_skip_byte(alloc, offset));
	return offset == area_size;
}

/*
 * Allocates the cell's memory so that zeroing can be seen, and checks it.
 *
 * Dirt is put where the next allocation of the same shape will come from:
 * an allocation through the same entry point, with the same protection and
 * size, is filled with VMALLOC_SKIP_DIRT and freed. When the cell must return
 * zeroed memory, a control allocation that does not ask for zeroing must then
 * see that dirt; it is dirtied again and freed, and the allocation under test
 * must get some of its pages. Only then does "all zero" prove that the
 * allocation was zeroed. If the control or the reuse fails after
 * VMALLOC_SKIP_ZERO_ATTEMPTS rounds, the cell fails.
 *
 * A one-page allocation of generic or sw_tags KASAN would get the zeroed
 * shadow scratch page: both allocations go past it.
 *
 * With init_on_alloc=1 every allocation is zeroed and with init_on_free=1
 * freed memory is zeroed: no control can see dirt, the zeroing assertion
 * stands alone and the diagnostic line says why.
 */
static struct vmalloc_skip_alloc *
expect_zeroed(struct kunit *test, const struct vmalloc_matrix_cell *cell,
	      const struct vmalloc_skip_expect *exp,
	      struct vmalloc_skip_observed *obs)
{
	gfp_t gfp = vmalloc_skip_gfps[cell->gfp].gfp;
	gfp_t control_gfp = gfp & ~__GFP_ZERO;
	unsigned long nr_pages = PFN_UP(vmalloc_skip_size(cell->size));
	bool verify = exp->zeroed && !exp->no_control;
	bool past_scratch = verify && vmalloc_skip_scratch_taken(gfp, nr_pages);
	unsigned long dirty = 0, reused = 0;
	struct vmalloc_skip_alloc *alloc;
	struct vmalloc_skip_dirt dirt;
	unsigned int attempt;

	for (attempt = 1; ; attempt++) {
		bool last = attempt == VMALLOC_SKIP_ZERO_ATTEMPTS;

		vmalloc_skip_dirty(test, vmalloc_skip_alloc(test, cell,
							    control_gfp),
				   control_gfp, &dirt);

		if (verify) {
			struct vmalloc_skip_alloc *control;

			control = past_scratch ?
				vmalloc_skip_alloc_past_scratch(test, cell,
								control_gfp,
								&dirt) :
				vmalloc_skip_alloc(test, cell, control_gfp);
			dirty = vmalloc_skip_dirty_pages(control, control_gfp);
			vmalloc_skip_dirty(test, control, control_gfp, &dirt);
			if (!dirty && !last)
				continue;
		}

		alloc = past_scratch ?
			vmalloc_skip_alloc_past_scratch(test, cell, gfp, &dirt) :
			vmalloc_skip_alloc(test, cell, gfp);
		if (!verify)
			break;
		reused = vmalloc_skip_reused(alloc, &dirt, gfp);
		if ((dirty && reused) || last)
			break;
		/* A round without proof still has to return zeroes. */
		expect_area_zeroed(test, alloc, exp, gfp);
		vmalloc_skip_release(test, alloc);
	}

	if (verify && !(dirty && reused))
		vmalloc_skip_no_control_hint(test);
	if (verify && !dirty)
		KUNIT_FAIL(test,
			   "no allocation with %pGg returned dirty memory in %u rounds: zeroing cannot be verified",
			   &control_gfp, attempt);
	else if (verify && !reused)
		KUNIT_FAIL(test,
			   "the allocation got none of the dirtied pages in %u rounds: zeroing cannot be verified",
			   attempt);

	if (verify)
		obs->control = dirty && reused ? "dirty" : "clean";
	else
		obs->control = exp->zeroed ? exp->no_control : "not-needed";

	obs->zeroed = expect_area_zeroed(test, alloc, exp, gfp) ? "yes" : "no";
	return alloc;
}

static void expect_pointer_tag(struct kunit *test,
			       const struct vmalloc_skip_alloc *alloc,
			       const struct vmalloc_skip_expect *exp,
			       struct vmalloc_skip_observed *obs)
{
	u8 tag = get_tag(alloc->ptr);

	/* The generic mode has no tags: the column is left out of its rows. */
	if (exp->ptr_tag == TAG_NONE) {
		obs->ptr_tag = "n/a";
		return;
	}

	obs->ptr_tag = vmalloc_skip_tag_name(tag);
	KUNIT_EXPECT_TRUE_MSG(test, vmalloc_skip_tag_is(tag, exp->ptr_tag, tag),
			      "pointer tag is 0x%02x, expected %s", tag,
			      vmalloc_skip_tag_wanted[exp->ptr_tag]);
}

static void expect_page_tags(struct kunit *test,
			     const struct vmalloc_skip_alloc *alloc,
			     const struct vmalloc_skip_expect *exp,
			     struct vmalloc_skip_observed *obs)
{
	bool all_match_all = true, all_ptr = true, all_random = true;
	u8 ptr_tag = get_tag(alloc->ptr), bad_tag = 0;
	unsigned long i, bad = 0, first_bad = 0;

	if (exp->page_tags == TAG_NONE) {
		obs->page_tags = "n/a";
		return;
	}

	for (i = 0; i < alloc->nr_pages; i++) {
		u8 tag = page_kasan_tag(alloc->pages[i]);

		all_match_all &= tag == KASAN_TAG_KERNEL;
		all_ptr &= tag == ptr_tag;
		all_random &= vmalloc_skip_tag_is(tag, TAG_RANDOM, ptr_tag);
		if (!vmalloc_skip_tag_is(tag, exp->page_tags, ptr_tag) &&
		    !bad++) {
			first_bad = i;
			bad_tag = tag;
		}
	}

	if (all_ptr && ptr_tag != KASAN_TAG_KERNEL)
		obs->page_tags = "ptr";
	else if (all_match_all)
		obs->page_tags = "0xff";
	else if (all_random)
		obs->page_tags = "alloc";
	else
		obs->page_tags = "mixed";

	KUNIT_EXPECT_EQ_MSG(test, bad, 0,
			    "%lu of %lu pages have a wrong page tag; page %lu has 0x%02x, expected %s",
			    bad, alloc->nr_pages, first_bad, bad_tag,
			    vmalloc_skip_tag_wanted[exp->page_tags]);
}

/* Memory tags of every granule of every page, through the linear map. */
static void expect_mem_tags(struct kunit *test,
			    const struct vmalloc_skip_alloc *alloc,
			    const struct vmalloc_skip_expect *exp,
			    struct vmalloc_skip_observed *obs)
{
	size_t object_end = round_up(alloc->size, KASAN_GRANULE_SIZE);
	size_t offset, first_bad = 0;
	u8 ptr_tag = get_tag(alloc->ptr), bad_tag = 0, bad_want = 0;
	unsigned long bad = 0, i;

	if (exp->mem_tags == MEM_TAGS_UNCHECKED) {
		obs->mem_tags = "unchecked";
		return;
	}

	for (i = 0; i < alloc->nr_pages; i++) {
		struct page *page = alloc->pages[i];
		u8 *start = vmalloc_skip_linear(page);
		u8 page_tag = page_kasan_tag(page);

		for (offset = 0; offset < PAGE_SIZE;
		     offset += KASAN_GRANULE_SIZE) {
			size_t pos = i * PAGE_SIZE + offset;
			u8 tag = vmalloc_skip_mem_tag(start + offset);
			u8 want;

			if (exp->mem_tags == MEM_TAGS_PAGE)
				want = page_tag;
			else if (pos < object_end)
				want = ptr_tag;
			else
				want = KASAN_TAG_INVALID;

			if (tag != want && !bad++) {
				first_bad = pos;
				bad_tag = tag;
				bad_want = want;
			}
		}
	}

	if (bad)
		obs->mem_tags = "mismatch";
	else if (exp->mem_tags == MEM_TAGS_PAGE)
		obs->mem_tags = "page";
	else
		obs->mem_tags = "ptr+redzone";

	KUNIT_EXPECT_EQ_MSG(test, bad, 0,
			    "%lu granules have a wrong memory tag; offset %zu has 0x%02x, expected 0x%02x",
			    bad, first_bad, bad_tag, bad_want);
}

/* Checks one metadata object; returns false if it is not what @want says. */
static bool vmalloc_skip_object_ok(struct kunit *test, const void *object,
				   const char *what,
				   enum vmalloc_skip_meta want)
{
	u8 tag = get_tag(object);
	bool accessible, ok;

	/* KFENCE objects are never tagged. */
	if (is_kfence_address(object))
		return true;

	switch (want) {
	case META_TAGGED:
		/* With hardware tags: the memory tag is the pointer tag. */
		accessible = kasan_byte_accessible(object);
		ok = vmalloc_skip_tag_is(tag, TAG_RANDOM, tag) && accessible;
		KUNIT_EXPECT_TRUE_MSG(test, ok,
				      "%s: pointer tag 0x%02x, accessible %d",
				      what, tag, accessible);
		break;
	case META_MATCH_ALL:
		/* No memory tag is read: the CPU may not even have MTE. */
		ok = tag == KASAN_TAG_KERNEL;
		KUNIT_EXPECT_TRUE_MSG(test, ok,
				      "%s: pointer tag 0x%02x with KASAN off",
				      what, tag);
		break;
	default:
		ok = kasan_byte_accessible(object);
		KUNIT_EXPECT_TRUE_MSG(test, ok, "%s: poisoned shadow", what);
		break;
	}

	return ok;
}

/*
 * Past a page, __vmalloc_area_node() vmalloc()s the pages[] array itself,
 * with the caller's mask masked by GFP_RECLAIM_MASK, which has no
 * __GFP_SKIP_KASAN: a PAGE_KERNEL allocation of GFP_KERNEL's kind, whatever
 * the caller passed. Its pointer, page and memory tags are those of one.
 */
static bool expect_pages_array(struct kunit *test, struct vm_struct *area)
{
	size_t size = array_size(area->nr_pages, sizeof(*area->pages));
	struct vmalloc_skip_observed obs = vmalloc_skip_unobserved;
	struct vmalloc_skip_expect exp;
	struct vmalloc_skip_alloc *array;
	bool failed = test->status == KUNIT_FAILURE;

	exp = vmalloc_skip_expected(GFP_KERNEL, PAGE_KERNEL, size);
	array = vmalloc_skip_track(test, area->pages, size);
	expect_pointer_tag(test, array, &exp, &obs);
	expect_page_tags(test, array, &exp, &obs);
	expect_mem_tags(test, array, &exp, &obs);
	return failed || test->status != KUNIT_FAILURE;
}

/*
 * The vm_struct, its pages[] array and the vmap_area are kmalloc()ed (or, for
 * a large pages[] array, vmalloc()ed) with the caller's reclaim flags only:
 * they are tagged whatever the caller asked for the data pages.
 */
static void expect_metadata_tagged(struct kunit *test,
				   const struct vmalloc_skip_alloc *alloc,
				   const struct vmalloc_skip_expect *exp,
				   struct vmalloc_skip_observed *obs)
{
	const void *addr = kasan_reset_tag(alloc->ptr);
	struct vm_struct *area = find_vm_area(addr);
	struct vmap_area *va = find_vmap_area((unsigned long)addr);
	unsigned long i, mismatched = 0;
	bool ok = true;

	KUNIT_ASSERT_NOT_NULL(test, area);
	KUNIT_ASSERT_NOT_NULL(test, va);
	KUNIT_EXPECT_PTR_EQ(test, va->vm, area);
	KUNIT_EXPECT_PTR_EQ(test, area->addr, alloc->ptr);
	/* A huge mapping rounds the area up, and vmalloc() maps all of it. */
	KUNIT_ASSERT_EQ(test, (unsigned long)area->nr_pages,
			get_vm_area_size(area) >> PAGE_SHIFT);
	KUNIT_ASSERT_GE(test, (unsigned long)area->nr_pages, alloc->nr_pages);
	for (i = 0; i < alloc->nr_pages; i++)
		mismatched += area->pages[i] != alloc->pages[i];
	KUNIT_EXPECT_EQ_MSG(test, mismatched, 0,
			    "pages[] disagrees with vmalloc_to_page()");

	ok &= vmalloc_skip_object_ok(test, area, "vm_struct", exp->metadata);
	/* A vmalloc()ed pages[] is tagged like a vmalloc() allocation. */
	if (is_vmalloc_addr(area->pages))
		ok &= expect_pages_array(test, area);
	else
		ok &= vmalloc_skip_object_ok(test, area->pages, "vm_struct.pages",
					     exp->metadata);
	ok &= vmalloc_skip_object_ok(test, va, "vmap_area", exp->metadata);

	if (!ok)
		obs->metadata = "mismatch";
	else if (exp->metadata == META_TAGGED)
		obs->metadata = "tagged";
	else if (exp->metadata == META_MATCH_ALL)
		obs->metadata = "match-all";
	else
		obs->metadata = "accessible";
}

/* Keeps reads alive. */
static u8 vmalloc_skip_sink;

/* Accesses @addr; returns whether KASAN reported it. */
static noinline bool vmalloc_skip_touch(u8 *addr, bool write)
{
	if (write)
		WRITE_ONCE(*addr, 0);
	else
		vmalloc_skip_sink = READ_ONCE(*addr);

	/* Collect an asynchronous tag fault now, to observe it. */
	if (kasan_async_fault_possible())
		kasan_force_async_fault();

	return READ_ONCE(test_status.report_found);
}

/*
 * An access to the first granule past the object, which lies in the in-page
 * redzone, is reported if and only if accesses through the pointer are
 * checked. Past a page-aligned object is the guard page: not accessed.
 *
 * PAGE_KERNEL mappings are written to, so that kasan.write_only=on still
 * reports; the other mappings are read, as they may be read-only. Only the
 * generic mode checks them, and it has no write-only mode.
 */
static void expect_oob_report(struct kunit *test,
			      const struct vmalloc_skip_alloc *alloc,
			      bool write, const struct vmalloc_skip_expect *exp,
			      struct vmalloc_skip_observed *obs)
{
	size_t offset = round_up(alloc->size, KASAN_GRANULE_SIZE);
	bool reported = false;
	u8 *addr;

	if (offset >= PAGE_ALIGN(alloc->size)) {
		obs->report = "n/a";
		return;
	}

	addr = (u8 *)alloc->ptr + offset;
	OPTIMIZER_HIDE_VAR(addr);
	KUNIT_EXPECT_KASAN_RESULT(test,
				  reported = vmalloc_skip_touch(addr, write),
				  "an access to the in-page redzone",
				  exp->checked);
	obs->report = reported ? "yes" : "no";
}

/**
 * struct vmalloc_skip_held - pages held across their owner's free
 * @refs: the references that keep the pages from being freed.
 * @before: memory tags of the first and last granule of every page, as
 *	stamped with VMALLOC_SKIP_FREE_STAMP (hardware tags only).
 */
struct vmalloc_skip_held {
	struct vmalloc_skip_page_refs *refs;
	u8 *before;
};

/*
 * Takes a reference to each of @nr_pages @pages, so that their owner's free
 * does not free them.
 */
static struct vmalloc_skip_held *
vmalloc_skip_hold(struct kunit *test, struct page **pages,
		  unsigned long nr_pages)
{
	struct vmalloc_skip_held *held;

	held = kunit_kzalloc(test, sizeof(*held), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, held);
	held->before = kunit_kcalloc(test, nr_pages, 2, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, held->before);
	held->refs = vmalloc_skip_get_pages(test, pages, nr_pages);
	return held;
}

/*
 * Stamps the first and last granule of every page of @held with a tag that
 * no allocation and no free writes: a final free that keeps the memory tags
 * leaves the stamp, one that poisons writes 0xfe over it, whatever the
 * previous owner of a match-all page left (usually 0xfe too). Nothing
 * accesses the pages through their owner's pointer any more.
 */
static void vmalloc_skip_stamp_held(struct kunit *test,
				    struct vmalloc_skip_held *held)
{
	unsigned long i;

	for (i = 0; IS_ENABLED(CONFIG_KASAN_HW_TAGS) && i < held->refs->nr_pages;
	     i++) {
		u8 *start = vmalloc_skip_linear(held->refs->pages[i]);
		u8 *last = start + PAGE_SIZE - KASAN_GRANULE_SIZE;

		vmalloc_skip_set_mem_tag(start, VMALLOC_SKIP_FREE_STAMP);
		vmalloc_skip_set_mem_tag(last, VMALLOC_SKIP_FREE_STAMP);
		held->before[2 * i] = vmalloc_skip_mem_tag(start);
		held->before[2 * i + 1] = vmalloc_skip_mem_tag(last);
		KUNIT_ASSERT_EQ(test, held->before[2 * i],
				(u8)VMALLOC_SKIP_FREE_STAMP);
		KUNIT_ASSERT_EQ(test, held->before[2 * i + 1],
				(u8)VMALLOC_SKIP_FREE_STAMP);
	}
}

/*
 * The final free of a page poisons it unless its page tag is 0xff
 * (should_skip_kasan_poison()). Drops the references of @held, which are
 * the last ones, and reads the tags of each page right after freeing it,
 * with interrupts off: nothing on this CPU can allocate the page in between,
 * and other CPUs only allocate from their own per-CPU lists. Returns the
 * diagnostic value: poisoned, kept or mixed.
 */
static const char *expect_freed(struct kunit *test,
				struct vmalloc_skip_held *held,
				const struct vmalloc_skip_expect *exp,
				const char *what)
{
	unsigned long nr_pages = held->refs->nr_pages, i, bad = 0;
	unsigned long poisoned = 0, kept = 0;
	bool hw_tags = IS_ENABLED(CONFIG_KASAN_HW_TAGS);
	unsigned long flags;
	bool *accessible;
	u8 *after;

	after = kunit_kcalloc(test, nr_pages, 2, GFP_KERNEL);
	accessible = kunit_kcalloc(test, nr_pages, sizeof(*accessible),
				   GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, after);
	KUNIT_ASSERT_NOT_NULL(test, accessible);

	kunit_remove_action(test, vmalloc_skip_put_pages, held->refs);
	local_irq_save(flags);
	for (i = 0; i < nr_pages; i++) {
		struct page *page = held->refs->pages[i];
		u8 *start = vmalloc_skip_linear(page);

		put_page(page);
		if (hw_tags) {
			after[2 * i] = vmalloc_skip_mem_tag(start);
			after[2 * i + 1] = vmalloc_skip_mem_tag(start +
						PAGE_SIZE - KASAN_GRANULE_SIZE);
		} else {
			/* page_address() carries the page tag in SW_TAGS. */
			accessible[i] = kasan_byte_accessible(page_address(page));
		}
	}
	local_irq_restore(flags);

	for (i = 0; i < nr_pages; i++) {
		const u8 *before = held->before + 2 * i;
		bool page_poisoned, page_kept;

		if (hw_tags) {
			page_poisoned = after[2 * i] == KASAN_TAG_INVALID &&
					after[2 * i + 1] == KASAN_TAG_INVALID;
			page_kept = after[2 * i] == before[0] &&
				    after[2 * i + 1] == before[1];
		} else {
			page_poisoned = !accessible[i];
			page_kept = false;
		}

		poisoned += page_poisoned;
		kept += page_kept;
		if (exp->on_free == FREE_POISONS ? !page_poisoned : !page_kept)
			bad++;
	}

	KUNIT_EXPECT_EQ_MSG(test, bad, 0,
			    "after %s, %lu of %lu pages are not %s", what,
			    bad, nr_pages,
			    exp->on_free == FREE_POISONS ? "poisoned" :
			    "left with their memory tags");
	return kept == nr_pages ? "kept" : poisoned == nr_pages ? "poisoned" :
	       "mixed";
}

/* vfree() leaves the tags of the pages alone, their final free does not. */
static void expect_final_free(struct kunit *test,
			      struct vmalloc_skip_alloc *alloc,
			      const struct vmalloc_skip_expect *exp,
			      struct vmalloc_skip_observed *obs)
{
	struct vmalloc_skip_held *held;

	if (exp->on_free == FREE_UNCHECKED) {
		obs->free = "n/a";
		return;
	}

	held = vmalloc_skip_hold(test, alloc->pages, alloc->nr_pages);
	vmalloc_skip_stamp_held(test, held);
	vmalloc_skip_release(test, alloc);
	obs->free = expect_freed(test, held, exp, "the final free");
}

/*
 * Whether the blocks of order @order that a huge mapping of @size needs can be
 * allocated with @gfp now. vmalloc() tries harder (it may reclaim), so when
 * they can, nothing forced it to fall back to base pages just before.
 */
static bool vmalloc_skip_blocks_free(gfp_t gfp, unsigned int order,
				     size_t size)
{
	unsigned long nr = DIV_ROUND_UP(size, PAGE_SIZE << order), i;
	struct page *block, *next;
	LIST_HEAD(blocks);
	bool all = true;

	gfp = (gfp & ~__GFP_ZERO) | __GFP_NOWARN | __GFP_NORETRY;
	for (i = 0; i < nr && all; i++) {
		block = alloc_pages(gfp, order);
		if (block)
			list_add(&block->lru, &blocks);
		all = block;
	}
	list_for_each_entry_safe(block, next, &blocks, lru) {
		list_del(&block->lru);
		__free_pages(block, order);
	}

	return all;
}

/*
 * The page order that VM_ALLOW_HUGE_VMAP maps @size with: the largest page
 * that the architecture allows for the size, by vmalloc()'s own rule, a PMD
 * from PMD_SIZE on if arch_vmap_pmd_supported(), else
 * arch_vmap_pte_supported_shift() (contiguous PTEs on arm64 since 6.13).
 */
static unsigned int vmalloc_skip_huge_order(size_t size)
{
	/* A boot with nohugevmalloc is not one of ours. */
	if (!IS_ENABLED(CONFIG_HAVE_ARCH_HUGE_VMALLOC))
		return 0;
	if (arch_vmap_pmd_supported(PAGE_KERNEL) && size >= PMD_SIZE)
		return PMD_SHIFT - PAGE_SHIFT;
	return arch_vmap_pte_supported_shift(size) - PAGE_SHIFT;
}

/*
 * @alloc, made with @gfp and VM_ALLOW_HUGE_VMAP, is mapped with the order of
 * vmalloc_skip_huge_order(). When no such block is free, vmalloc() falls back
 * to base pages, which is allowed only if vmalloc_skip_blocks_free() agrees.
 */
static void expect_huge_mapping(struct kunit *test,
				const struct vmalloc_skip_alloc *alloc,
				gfp_t gfp, struct vmalloc_skip_observed *obs)
{
	unsigned int want = vmalloc_skip_huge_order(alloc->size);
	unsigned int got = vmalloc_skip_page_order(alloc);

	obs->mapping = got == PMD_SHIFT - PAGE_SHIFT ? "pmd" : got ? "cont" : "pages";
	if (got == want)
		return;
	KUNIT_EXPECT_EQ_MSG(test, got, 0,
			    "mapped with order-%u pages, expected order %u (or 0 as a fallback)",
			    got, want);
	/* Base pages are a fallback only when no block was free. */
	if (!got && vmalloc_skip_blocks_free(gfp, want, alloc->size))
		KUNIT_FAIL(test,
			   "mapped with base pages, but the order-%u blocks for %zu bytes can be allocated",
			   want, alloc->size);
	else if (!got)
		kunit_info(test, "fell back to base pages: no free order-%u block\n",
			   want);
}

static void expect_mapping(struct kunit *test,
			   const struct vmalloc_matrix_cell *cell,
			   const struct vmalloc_skip_alloc *alloc,
			   struct vmalloc_skip_observed *obs)
{
	const struct vmalloc_skip_via_dim *via = &vmalloc_skip_vias[cell->via];

	if (via->huge || via->kv)
		expect_huge_mapping(test, alloc, vmalloc_skip_gfps[cell->gfp].gfp,
				    obs);
}

static void vmalloc_skip_print_observed(struct kunit *test,
					const struct vmalloc_skip_observed *obs)
{
	kunit_info(test,
		   "observed: ptr_tag=%s page_tags=%s mem_tags=%s zeroed=%s control=%s metadata=%s report=%s free=%s mapping=%s\n",
		   obs->ptr_tag, obs->page_tags, obs->mem_tags, obs->zeroed,
		   obs->control, obs->metadata, obs->report, obs->free,
		   obs->mapping);
}

static void vmalloc_matrix(struct kunit *test)
{
	const struct vmalloc_matrix_cell *cell = test->param_value;
	pgprot_t prot = vmalloc_skip_pgprot(cell->prot);
	gfp_t gfp = vmalloc_skip_gfps[cell->gfp].gfp;
	struct vmalloc_skip_expect exp;
	struct vmalloc_skip_observed obs = vmalloc_skip_unobserved;
	struct vmalloc_skip_alloc *alloc;

	exp = vmalloc_skip_expected(gfp, prot, vmalloc_skip_size(cell->size));

	vmalloc_skip_pin_cpu(test);
	alloc = expect_zeroed(test, cell, &exp, &obs);
	expect_mapping(test, cell, alloc, &obs);
	expect_pointer_tag(test, alloc, &exp, &obs);
	expect_page_tags(test, alloc, &exp, &obs);
	expect_mem_tags(test, alloc, &exp, &obs);
	expect_metadata_tagged(test, alloc, &exp, &obs);
	expect_oob_report(test, alloc,
			  pgprot_val(prot) == pgprot_val(PAGE_KERNEL),
			  &exp, &obs);
	expect_final_free(test, alloc, &exp, &obs);
	vmalloc_skip_print_observed(test, &obs);
}

/*
 * Stamps every granule of a match-all @page with VMALLOC_SKIP_FREE_STAMP, a
 * tag that neither a retagging nor a poisoning writes, so that a change of
 * the memory tags shows whatever the page's previous owner left.
 */
static void vmalloc_skip_stamp_page(struct page *page)
{
	u8 *start = vmalloc_skip_linear(page);
	size_t i;

	for (i = 0; i < PAGE_SIZE; i += KASAN_GRANULE_SIZE)
		vmalloc_skip_set_mem_tag(start + i, VMALLOC_SKIP_FREE_STAMP);
}

/* Memory tags of every granule of @page, to compare them later. */
static u8 *vmalloc_skip_snapshot_tags(struct kunit *test, struct page *page)
{
	u8 *start = vmalloc_skip_linear(page), *tags;
	size_t i;

	tags = kunit_kmalloc(test, PAGE_SIZE / KASAN_GRANULE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tags);
	for (i = 0; i < PAGE_SIZE / KASAN_GRANULE_SIZE; i++)
		tags[i] = vmalloc_skip_mem_tag(start + i * KASAN_GRANULE_SIZE);

	return tags;
}

/*
 * A resize in place leaves a match-all allocation alone: the memory tags of
 * its first page, stamped before (vmalloc_skip_stamp_page()), do not change.
 */
static void expect_mem_tags_unchanged(struct kunit *test,
				      const struct vmalloc_skip_alloc *alloc,
				      const u8 *before,
				      struct vmalloc_skip_observed *obs)
{
	u8 *after = vmalloc_skip_snapshot_tags(test, alloc->pages[0]);
	size_t changed = 0, i;

	for (i = 0; i < PAGE_SIZE / KASAN_GRANULE_SIZE; i++)
		changed += before[i] != after[i];

	obs->mem_tags = changed ? "changed" : "unchanged";
	KUNIT_EXPECT_EQ_MSG(test, changed, 0,
			    "vrealloc() changed %zu memory tags of a match-all allocation",
			    changed);
}

/*
 * Whether the bytes that a resize hands out past the contents it keeps must
 * be zero: a new allocation is zeroed by the resize's mask, a grow in place
 * hands out what the allocation zeroed or, back into what a shrink released,
 * what the shrink zeroed (the test dirtied those bytes itself).
 */
static bool vrealloc_skip_grown_zeroed(const struct vrealloc_skip_op_dim *op,
				       const struct vrealloc_skip_gfp_dim *dim)
{
	if (op->moves)
		return want_init_on_alloc(dim->realloc);
	if (op->shrink_to)
		return want_init_on_free() || want_init_on_alloc(dim->realloc);
	return want_init_on_alloc(dim->alloc);
}

/* Bytes [@kept, @alloc->size) handed out by a resize; returns the key. */
static const char *expect_grown_zeroed(struct kunit *test,
				       const struct vmalloc_skip_alloc *alloc,
				       size_t kept, bool zeroed)
{
	size_t offset;

	if (alloc->size <= kept)
		return "n/a";

	offset = vmalloc_skip_first_not_in(alloc, 0, kept, alloc->size);
	if (zeroed && offset < alloc->size)
		KUNIT_FAIL(test,
			   "the resize handed out byte %zu as 0x%02x, expected zeroes in [%zu, %zu)",
			   offset, vmalloc_skip_byte(alloc, offset), kept,
			   alloc->size);
	return offset == alloc->size ? "yes" : "no";
}

/*
 * vrealloc() keeps the contents, and in place keeps the pointer and its tag,
 * whatever mask it is called with: the allocation's mask decides the tags,
 * unless vrealloc() allocates anew. After a shrink, the released tail of a
 * tagged allocation is poisoned with 0xfe like any redzone (expect_mem_tags()
 * checks the whole page) and an access to it is reported. A match-all
 * allocation is left alone by a resize in place, a grow included: its
 * memory tags do not change, nor the page tags that page_alloc gave the
 * pages of one made with a protection other than PAGE_KERNEL.
 */
static void vrealloc_matrix(struct kunit *test)
{
	const struct vrealloc_matrix_cell *cell = test->param_value;
	const struct vrealloc_skip_op_dim *op = &vrealloc_skip_ops[cell->op];
	const struct vrealloc_skip_gfp_dim *dim = &vrealloc_skip_gfps[cell->gfp];
	pgprot_t prot = vmalloc_skip_pgprot(dim->prot);
	pgprot_t new_prot = op->moves ? PAGE_KERNEL : prot;
	size_t from = vrealloc_skip_from(op), to = vrealloc_skip_to(op);
	size_t kept = op->shrink_to ? op->shrink_to : min(from, to);
	struct vmalloc_skip_observed obs = vmalloc_skip_unobserved;
	struct vmalloc_skip_held *released = NULL;
	struct vmalloc_skip_alloc *alloc;
	struct vmalloc_skip_expect exp;
	unsigned long nr_before = 0;
	u8 *tags_before = NULL;
	void *old, *new;
	size_t offset;

	exp = vmalloc_skip_expected(op->moves ? dim->realloc : dim->alloc,
				    new_prot, to);

	if (op->kv)
		old = kvmalloc(from, dim->alloc);
	else
		old = __vmalloc_node_range(from, 1, VMALLOC_START, VMALLOC_END,
					   dim->alloc, prot, 0, NUMA_NO_NODE,
					   __builtin_return_address(0));
	KUNIT_ASSERT_NOT_NULL(test, old);
	/* kvmalloc() took the path the op is named for. */
	if (op->kv)
		KUNIT_ASSERT_EQ(test, is_vmalloc_addr(old), op->from_pages > 0);
	vmalloc_skip_defer(test, kvfree_action, old);
	memset(old, VMALLOC_SKIP_DIRT, from);

	if (!op->moves && kasan_hw_tags_enabled() &&
	    get_tag(old) == KASAN_TAG_KERNEL) {
		struct page *page = vmalloc_to_page(kasan_reset_tag(old));

		vmalloc_skip_stamp_page(page);
		tags_before = vmalloc_skip_snapshot_tags(test, page);
	}

	if (op->shrink_to)
		KUNIT_ASSERT_PTR_EQ(test, vrealloc(old, op->shrink_to, dim->realloc),
				    old);
	/* Pages a shrink may free: held, to see what their free does. */
	if (op->from_pages > op->to_pages && exp.on_free != FREE_UNCHECKED) {
		struct vm_struct *vm = find_vm_area(kasan_reset_tag(old));

		KUNIT_ASSERT_NOT_NULL(test, vm);
		nr_before = vm->nr_pages;
		released = vmalloc_skip_hold(test, vm->pages + PFN_UP(to),
					     nr_before - PFN_UP(to));
	}
	new = op->kv ? kvrealloc(old, to, dim->realloc) :
		       vrealloc(old, to, dim->realloc);
	KUNIT_ASSERT_NOT_NULL(test, new);
	KUNIT_ASSERT_TRUE(test, is_vmalloc_addr(new));
	if (new != old) {
		/* vrealloc() freed @old. */
		kunit_remove_action(test, kvfree_action, old);
		vmalloc_skip_defer(test, kvfree_action, new);
	}
	alloc = vmalloc_skip_track(test, new, to);
	/* Since v6.19 the shrink frees them; the held references are the last. */
	if (released && alloc->nr_pages < nr_before) {
		vmalloc_skip_stamp_held(test, released);
		obs.free = expect_freed(test, released, &exp, "the shrink's free");
	}

	if (!op->moves)
		KUNIT_EXPECT_PTR_EQ(test, new, old);

	offset = vmalloc_skip_first_not(alloc, VMALLOC_SKIP_DIRT, kept);
	KUNIT_EXPECT_EQ_MSG(test, offset, kept,
			    "vrealloc() lost the contents at byte %zu", offset);
	obs.zeroed = expect_grown_zeroed(test, alloc, kept,
					 vrealloc_skip_grown_zeroed(op, dim));

	expect_pointer_tag(test, alloc, &exp, &obs);
	expect_page_tags(test, alloc, &exp, &obs);
	if (tags_before)
		expect_mem_tags_unchanged(test, alloc, tags_before, &obs);
	else
		expect_mem_tags(test, alloc, &exp, &obs);
	expect_oob_report(test, alloc,
			  pgprot_val(new_prot) == pgprot_val(PAGE_KERNEL),
			  &exp, &obs);

	kunit_info(test,
		   "observed: ptr_tag=%s page_tags=%s mem_tags=%s contents=%s zeroed=%s moved=%s report=%s free=%s\n",
		   obs.ptr_tag, obs.page_tags, obs.mem_tags,
		   offset == kept ? "kept" : "lost", obs.zeroed,
		   new != old ? "yes" : "no", obs.report, obs.free);
}

/*
 * The cells of vrealloc_tail_matrix: a huge mapping whose blocks are larger
 * than the allocation, crossed with the masks of the allocation, which
 * vrealloc() is called with too. Under init_on_alloc=1 the masks without
 * __GFP_ZERO must return zeroes as well.
 */
static const struct vrealloc_tail_cell {
	bool pmd;	/* PMD_SIZE + a page, else 65 KiB in 64 KiB blocks */
	gfp_t gfp;
	const char *desc;
} vrealloc_tail_cells[] = {
	{ true, GFP_KERNEL, "map=pmd gfp=KERNEL" },
	{ true, GFP_KERNEL | __GFP_ZERO, "map=pmd gfp=KERNEL|ZERO" },
	{ true, GFP_KERNEL | __GFP_SKIP_KASAN, "map=pmd gfp=KERNEL|SKIP_KASAN" },
	{ true, GFP_KERNEL | __GFP_SKIP_KASAN | __GFP_ZERO,
	  "map=pmd gfp=KERNEL|SKIP_KASAN|ZERO" },
	{ false, GFP_KERNEL, "map=cont gfp=KERNEL" },
	{ false, GFP_KERNEL | __GFP_ZERO, "map=cont gfp=KERNEL|ZERO" },
	{ false, GFP_KERNEL | __GFP_SKIP_KASAN, "map=cont gfp=KERNEL|SKIP_KASAN" },
	{ false, GFP_KERNEL | __GFP_SKIP_KASAN | __GFP_ZERO,
	  "map=cont gfp=KERNEL|SKIP_KASAN|ZERO" },
};

KUNIT_ARRAY_PARAM_DESC(vrealloc_tail_matrix, vrealloc_tail_cells, desc);

/*
 * Blocks of one order that vrealloc_tail_dirty() fills with dirt, at most:
 * SZ_4M of them, and at least 8. A freed block goes to the tail of its free
 * list when it may merge later, so only some come back first: more than a
 * few of a small order are needed.
 */
#define VREALLOC_TAIL_DIRT_MAX		64

static unsigned int vrealloc_tail_dirt_blocks(unsigned int order)
{
	return clamp_t(unsigned long, SZ_4M >> (PAGE_SHIFT + order), 8,
		       VREALLOC_TAIL_DIRT_MAX);
}

/* Blocks that were filled with dirt and freed. */
struct vrealloc_tail_dirt {
	unsigned int nr;
	struct {
		unsigned long pfn;
		unsigned int order;
	} blocks[2 * VREALLOC_TAIL_DIRT_MAX];
};

/*
 * Takes free blocks of @order, fills them with dirt and frees them: they are
 * the first free blocks of that order or above, which the page allocator
 * hands out first, so the next allocation of @order likely gets some back.
 */
static void vrealloc_tail_dirty_order(struct vrealloc_tail_dirt *dirt,
				      unsigned int order)
{
	unsigned int n, max = vrealloc_tail_dirt_blocks(order);
	struct page *block, *next;
	LIST_HEAD(blocks);

	for (n = 0; n < max; n++) {
		block = alloc_pages(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY,
				    order);
		if (!block)
			break;
		memset(vmalloc_skip_linear(block), VMALLOC_SKIP_DIRT,
		       PAGE_SIZE << order);
		dirt->blocks[dirt->nr].pfn = page_to_pfn(block);
		dirt->blocks[dirt->nr].order = order;
		dirt->nr++;
		list_add(&block->lru, &blocks);
	}
	/* The last one taken is freed first. */
	list_for_each_entry_safe(block, next, &blocks, lru) {
		list_del(&block->lru);
		__free_pages(block, order);
	}
}

/*
 * Dirties blocks of the orders that vmalloc() asks for when it maps @size
 * with VM_ALLOW_HUGE_VMAP: where vm_area_alloc_pages() first tries the
 * largest order that fits the area's pages and splits it (7.3, not 6.12),
 * that order, up to MAX_PAGE_ORDER, and the mapping's order. The smaller
 * order goes last, so that its blocks are not taken for the larger one.
 */
static void vrealloc_tail_dirty(struct vrealloc_tail_dirt *dirt, size_t size)
{
	unsigned int order = vmalloc_skip_huge_order(size);
	unsigned long area_pages = ALIGN(size, PAGE_SIZE << order) >> PAGE_SHIFT;
	unsigned int large = min_t(unsigned int, ilog2(area_pages),
				   MAX_PAGE_ORDER);

	dirt->nr = 0;
	if (large > order)
		vrealloc_tail_dirty_order(dirt, large);
	vrealloc_tail_dirty_order(dirt, order);
}

/* Number of pages of @alloc past its object that come from @dirt. */
static unsigned long vrealloc_tail_reused(const struct vmalloc_skip_alloc *alloc,
					  const struct vrealloc_tail_dirt *dirt)
{
	unsigned long i, pfn, reused = 0;
	unsigned int j;

	for (i = alloc->nr_object_pages; i < alloc->nr_pages; i++) {
		pfn = page_to_pfn(alloc->pages[i]);
		for (j = 0; j < dirt->nr; j++)
			if (pfn - dirt->blocks[j].pfn < 1UL << dirt->blocks[j].order) {
				reused++;
				break;
			}
	}

	return reused;
}

/*
 * Allocates @size with VM_ALLOW_HUGE_VMAP until the pages past the object
 * include dirtied ones, so that zeroes there prove zeroing: nothing but
 * init_on_free=1 clears a block between its free and its next allocation.
 * Sets *@control to what the diagnostic line says about that.
 */
static struct vmalloc_skip_alloc *
vrealloc_tail_alloc(struct kunit *test, size_t size, gfp_t gfp,
		    const char **control)
{
	struct vmalloc_skip_alloc *alloc;
	struct vrealloc_tail_dirt *dirt;
	unsigned int attempt;
	void *ptr;

	dirt = kunit_kzalloc(test, sizeof(*dirt), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, dirt);
	for (attempt = 1; ; attempt++) {
		vrealloc_tail_dirty(dirt, size);
		ptr = __vmalloc_node_range(size, 1, VMALLOC_START, VMALLOC_END,
					   gfp, PAGE_KERNEL, VM_ALLOW_HUGE_VMAP,
					   NUMA_NO_NODE,
					   __builtin_return_address(0));
		KUNIT_ASSERT_NOT_NULL(test, ptr);
		vmalloc_skip_defer(test, vfree_action, ptr);
		alloc = vmalloc_skip_track(test, ptr, size);
		if (want_init_on_free()) {
			*control = "init_on_free";
			return alloc;
		}
		if (vrealloc_tail_reused(alloc, dirt)) {
			*control = "dirty";
			return alloc;
		}
		if (attempt == VMALLOC_SKIP_ZERO_ATTEMPTS)
			break;
		vmalloc_skip_release(test, alloc);
	}

	*control = "clean";
	KUNIT_FAIL(test,
		   "no page past the object came from the %u dirtied blocks in %u rounds: zeroing cannot be verified",
		   dirt->nr, attempt);
	return alloc;
}

/* Bytes [@from, @to) of @alloc are zero if @exp says so. */
static void expect_range_zeroed(struct kunit *test,
				const struct vmalloc_skip_alloc *alloc,
				size_t from, size_t to,
				const struct vmalloc_skip_expect *exp,
				const char *what, const char **zeroed)
{
	size_t offset = vmalloc_skip_first_not_in(alloc, 0, from, to);

	*zeroed = offset == to ? "yes" : "no";
	if (exp->zeroed && offset < to)
		KUNIT_FAIL(test, "%s: byte %zu is 0x%02x, expected zeroes in [%zu, %zu)",
			   what, offset, vmalloc_skip_byte(alloc, offset),
			   from, to);
}

/* An access to the first page past the object is reported if checked. */
static void expect_tail_report(struct kunit *test,
			       const struct vmalloc_skip_alloc *alloc,
			       const struct vmalloc_skip_expect *exp)
{
	u8 *addr = (u8 *)alloc->ptr + alloc->nr_object_pages * PAGE_SIZE;

	OPTIMIZER_HIDE_VAR(addr);
	KUNIT_EXPECT_KASAN_RESULT(test, vmalloc_skip_touch(addr, true),
				  "an access to the first page past the object",
				  exp->checked);
}

/*
 * A huge or contiguous-PTE area maps whole blocks, more pages than its size
 * covers. vrealloc() grows into them in place without zeroing them and only
 * unpoisons the grown part: when the area is allocated, every page of it
 * must get the page tag, the memory tags (0xfe past the object) and the
 * zeroing that the object gets. Prints:
 *   observed: ptr_tag=... page_tags=... mem_tags=... zeroed=<area at
 *   allocation> grown=<grown part> control=dirty|clean|init_on_free
 *   report=... free=... mapping=pmd|cont|pages
 */
static void vrealloc_tail_matrix(struct kunit *test)
{
	const struct vrealloc_tail_cell *cell = test->param_value;
	size_t from = cell->pmd ? PMD_SIZE + PAGE_SIZE : SZ_64K + SZ_1K;
	size_t to = cell->pmd ? 2 * PMD_SIZE - 100 : SZ_128K - 100;
	struct vmalloc_skip_observed obs = vmalloc_skip_unobserved;
	struct vmalloc_skip_alloc *alloc, *grown;
	struct vmalloc_skip_expect exp;
	const char *grown_zeroed;
	void *ptr;

	if (from > VMALLOC_SKIP_HUGE_MAX)
		kunit_skip(test, "%zu bytes is too much for a test guest", from);
	if (!vmalloc_skip_huge_order(from))
		kunit_skip(test, "%zu bytes are mapped with base pages here", from);

	exp = vmalloc_skip_expected(cell->gfp, PAGE_KERNEL, from);
	vmalloc_skip_pin_cpu(test);
	alloc = vrealloc_tail_alloc(test, from, cell->gfp, &obs.control);
	expect_huge_mapping(test, alloc, cell->gfp, &obs);
	KUNIT_ASSERT_GE_MSG(test, alloc->nr_pages * PAGE_SIZE, to,
			    "the area has no room to grow in place");
	expect_pointer_tag(test, alloc, &exp, &obs);
	expect_page_tags(test, alloc, &exp, &obs);
	expect_mem_tags(test, alloc, &exp, &obs);
	expect_range_zeroed(test, alloc, 0, alloc->nr_pages * PAGE_SIZE, &exp,
			    "the new area", &obs.zeroed);
	expect_tail_report(test, alloc, &exp);

	/* The contents before the grow, to tell them from the grown part. */
	memset(alloc->ptr, VMALLOC_SKIP_DIRT, from);
	ptr = vrealloc(alloc->ptr, to, cell->gfp);
	KUNIT_ASSERT_PTR_EQ_MSG(test, ptr, alloc->ptr,
				"vrealloc() did not grow in place");
	grown = vmalloc_skip_track(test, ptr, to);
	KUNIT_EXPECT_EQ_MSG(test, vmalloc_skip_first_not(grown, VMALLOC_SKIP_DIRT,
							 from), from,
			    "vrealloc() lost the contents");
	expect_range_zeroed(test, grown, from, to, &exp, "the grown part",
			    &grown_zeroed);
	expect_mem_tags(test, grown, &exp, &obs);
	expect_oob_report(test, grown, true, &exp, &obs);
	expect_final_free(test, grown, &exp, &obs);

	kunit_info(test,
		   "observed: ptr_tag=%s page_tags=%s mem_tags=%s zeroed=%s grown=%s control=%s report=%s free=%s mapping=%s\n",
		   obs.ptr_tag, obs.page_tags, obs.mem_tags, obs.zeroed,
		   grown_zeroed, obs.control, obs.report, obs.free, obs.mapping);
}

/* Allocations of vmalloc_random_tags_vary. */
#define VMALLOC_SKIP_TAG_RUNS		16

/*
 * The matrix checks random tags against the range of random tags only, which
 * an allocator that handed out one fixed tag would pass. Here a run of
 * tagged allocations must get more than one tag. The tags are drawn from
 * KASAN_TAG_MAX - KASAN_TAG_MIN + 1 values (14 under HW_TAGS), so a correct
 * kernel fails with a probability of 14^-15, about 6e-18, at most.
 */
static void vmalloc_random_tags_vary(struct kunit *test)
{
	struct vmalloc_skip_expect exp;
	unsigned int i, same = 0;
	u8 first = 0, tag;
	void *ptr;

	exp = vmalloc_skip_expected(GFP_KERNEL, PAGE_KERNEL, PAGE_SIZE);
	if (exp.ptr_tag != TAG_RANDOM)
		kunit_skip(test, "vmalloc() does not tag its pointers here");

	for (i = 0; i < VMALLOC_SKIP_TAG_RUNS; i++) {
		ptr = vmalloc(PAGE_SIZE);
		KUNIT_ASSERT_NOT_NULL(test, ptr);
		tag = get_tag(ptr);
		vfree(ptr);
		if (!i)
			first = tag;
		same += tag == first;
	}

	KUNIT_EXPECT_LT_MSG(test, same, VMALLOC_SKIP_TAG_RUNS,
			    "%u allocations all got the tag 0x%02x",
			    VMALLOC_SKIP_TAG_RUNS, first);
}

static int vmalloc_skip_idle(void *unused)
{
	return 0;
}

KUNIT_DEFINE_ACTION_WRAPPER(kthread_stop_action, kthread_stop,
			    struct task_struct *);
KUNIT_DEFINE_ACTION_WRAPPER(put_task_struct_action, put_task_struct,
			    struct task_struct *);

/*
 * A kthread that has its stack but never runs vmalloc_skip_idle(): it waits
 * for its first wake-up, and kthread_stop() makes it exit instead.
 */
static struct task_struct *vmalloc_skip_kthread(struct kunit *test)
{
	struct task_struct *task;

	task = kthread_create(vmalloc_skip_idle, NULL, "kunit_vmskip");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, task);
	vmalloc_skip_defer(test, kthread_stop_action, task);
	return task;
}

/*
 * With hardware tag-based KASAN, kernel stacks are match-all: pointer and
 * pages. The software modes unpoison stacks as before: the bottom quarter of
 * a stack that has barely run is accessible.
 */
static void expect_stack(struct kunit *test, const struct vm_struct *vm,
			 const char *what)
{
	unsigned long i, bad = 0;

	KUNIT_ASSERT_NOT_NULL(test, vm);
	KUNIT_ASSERT_EQ(test, (unsigned long)vm->nr_pages,
			THREAD_SIZE / PAGE_SIZE);

	if (kasan_hw_tags_enabled()) {
		KUNIT_EXPECT_EQ_MSG(test, (u8)get_tag(vm->addr),
				    (u8)KASAN_TAG_KERNEL,
				    "%s: the stack pointer is tagged", what);
		for (i = 0; i < vm->nr_pages; i++)
			bad += page_kasan_tag(vm->pages[i]) != KASAN_TAG_KERNEL;
		KUNIT_EXPECT_EQ_MSG(test, bad, 0,
				    "%s: %lu of %lu stack pages are not match-all",
				    what, bad, (unsigned long)vm->nr_pages);
	} else if (!IS_ENABLED(CONFIG_KASAN_HW_TAGS)) {
		for (i = 0; i < THREAD_SIZE / 4; i += KASAN_GRANULE_SIZE)
			bad += !kasan_byte_accessible(vm->addr + i);
		KUNIT_EXPECT_EQ_MSG(test, bad, 0,
				    "%s: %lu granules at the bottom of the stack are poisoned",
				    what, bad);
	}
}

/*
 * New kthreads' stacks, one of them freshly vmalloc()ed: kernel/fork.c
 * caches at most NR_CACHED_STACKS freed stacks per CPU, and all the kthreads
 * are alive at once. The mask is kernel/fork.c's own (THREADINFO_GFP, or
 * GFP_VMAP_STACK since v6.16, private to that file): the stacks' tags show
 * what it did. Prints:
 *   observed: stack_page_tags=0xff|alloc|none|mixed
 */
static void vmap_stack_match_all(struct kunit *test)
{
	unsigned int nr = VMALLOC_SKIP_STACK_CACHE_SLOTS * num_possible_cpus() + 1;
	bool all_match_all = true, all_random = true;
	unsigned int t;
	unsigned long i;

	if (!IS_ENABLED(CONFIG_VMAP_STACK))
		kunit_skip(test, "Test requires CONFIG_VMAP_STACK=y");

	for (t = 0; t < nr; t++) {
		struct task_struct *task = vmalloc_skip_kthread(test);
		struct vm_struct *vm = task_stack_vm_area(task);

		expect_stack(test, vm, "new kthread");
		for (i = 0; i < vm->nr_pages; i++) {
			u8 tag = page_kasan_tag(vm->pages[i]);

			all_match_all &= tag == KASAN_TAG_KERNEL;
			all_random &= vmalloc_skip_tag_is(tag, TAG_RANDOM, tag);
		}
	}
	kunit_info(test, "observed: stack_page_tags=%s\n",
		   IS_ENABLED(CONFIG_KASAN_GENERIC) ? "none" :
		   all_match_all ? "0xff" : all_random ? "alloc" : "mixed");
}

/* Puts a memory tag back when the test ends. */
struct vmalloc_skip_tag_restore {
	u8 *addr;
	u8 tag;
};

static void vmalloc_skip_restore_tag(void *ctx)
{
	struct vmalloc_skip_tag_restore *restore = ctx;

	vmalloc_skip_set_mem_tag(restore->addr, restore->tag);
}

struct vmalloc_skip_affinity {
	struct task_struct *task;
	struct cpumask mask;
};

static void vmalloc_skip_restore_affinity(void *ctx)
{
	struct vmalloc_skip_affinity *saved = ctx;

	set_cpus_allowed_ptr(saved->task, &saved->mask);
}

/*
 * Keeps kthreadd on the CPU it runs on until the case ends: kthreads are
 * forked there, so the stack cache their stacks come from stays the one a
 * kthread bound to that CPU leaves its stack in.
 */
static void vmalloc_skip_pin_kthreadd(struct kunit *test)
{
	const struct cpumask *here = cpumask_of(task_cpu(kthreadd_task));
	struct vmalloc_skip_affinity *saved;

	saved = kunit_kzalloc(test, sizeof(*saved), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, saved);
	saved->task = kthreadd_task;
	cpumask_copy(&saved->mask, kthreadd_task->cpus_ptr);
	KUNIT_ASSERT_EQ(test, set_cpus_allowed_ptr(kthreadd_task, here), 0);
	vmalloc_skip_defer(test, vmalloc_skip_restore_affinity, saved);
}

/*
 * One round of vmap_stack_cache_reuse. Returns whether a new kthread got the
 * stack that an exited one left in the per-CPU cache, *@stamp_kept whether
 * the reuse kept the memory tag that the test set on that stack.
 */
static bool vmalloc_skip_try_stack_reuse(struct kunit *test, bool *stamp_kept)
{
	struct vmalloc_skip_tag_restore *restore;
	struct vmalloc_skip_page_refs *refs;
	struct task_struct *victim, *heir;
	struct vm_struct *vm, *heir_vm;
	unsigned long i;

	/*
	 * Stacks are cached per CPU, by the CPU where their task exits, and
	 * taken by the CPU that forks, which for kthreads is kthreadd's. Empty
	 * the cache kthreadd takes from, and let the victim exit there.
	 */
	for (i = 0; i < VMALLOC_SKIP_STACK_CACHE_SLOTS; i++)
		vmalloc_skip_kthread(test);

	victim = vmalloc_skip_kthread(test);
	get_task_struct(victim);
	vmalloc_skip_defer(test, put_task_struct_action, victim);
	vm = task_stack_vm_area(victim);
	KUNIT_ASSERT_NOT_NULL(test, vm);

	/*
	 * Hold the stack pages: if the stack is not cached but freed, no other
	 * stack can get them, so a kthread with these pages has the cached one.
	 */
	refs = vmalloc_skip_get_pages(test, vm->pages, vm->nr_pages);

	kthread_bind(victim, task_cpu(kthreadd_task));
	kunit_release_action(test, kthread_stop_action, victim);
	/*
	 * The kthread has run do_exit(); its stack is released once it has
	 * scheduled for the last time. Wait for that, not for a deadline:
	 * under TCG a step can take any time. A stack that is never released
	 * holds the case until KUnit's timeout ends it.
	 */
	while (task_stack_vm_area(victim))
		schedule_timeout_uninterruptible(1);
	/* A stack the cache had no room for is retried from an RCU callback. */
	rcu_barrier();

	/*
	 * Stamp the first granule of the cached stack with 0xfe, a tag that
	 * no unpoisoning writes: with hardware tags, reusing the stack must
	 * not rewrite memory tags.
	 */
	restore = kunit_kzalloc(test, sizeof(*restore), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, restore);
	restore->addr = vmalloc_skip_linear(refs->pages[0]);
	if (kasan_hw_tags_enabled()) {
		restore->tag = vmalloc_skip_mem_tag(restore->addr);
		vmalloc_skip_set_mem_tag(restore->addr, KASAN_TAG_INVALID);
		vmalloc_skip_defer(test, vmalloc_skip_restore_tag, restore);
		KUNIT_ASSERT_EQ(test, vmalloc_skip_mem_tag(restore->addr),
				(u8)KASAN_TAG_INVALID);
	}

	heir = vmalloc_skip_kthread(test);
	heir_vm = task_stack_vm_area(heir);
	KUNIT_ASSERT_NOT_NULL(test, heir_vm);
	if (heir_vm->pages[0] != refs->pages[0])
		return false;

	KUNIT_EXPECT_PTR_EQ(test, heir_vm, vm);
	for (i = 1; i < refs->nr_pages; i++)
		KUNIT_EXPECT_PTR_EQ(test, heir_vm->pages[i], refs->pages[i]);
	expect_stack(test, heir_vm, "reused stack");

	if (kasan_hw_tags_enabled()) {
		*stamp_kept = vmalloc_skip_mem_tag(restore->addr) ==
			      KASAN_TAG_INVALID;
		KUNIT_EXPECT_TRUE_MSG(test, *stamp_kept,
				      "reusing a cached stack rewrote its memory tags");
	}
	return true;
}

/*
 * A kthread gets the stack an exited one left in the per-CPU cache. Prints:
 *   observed: reuse=yes|no rounds=<n> stamp=kept|rewritten|n/a
 */
static void vmap_stack_cache_reuse(struct kunit *test)
{
	unsigned int rounds, cpus = num_online_cpus();
	bool reused = false, stamp_kept = false;

	if (!IS_ENABLED(CONFIG_VMAP_STACK))
		kunit_skip(test, "Test requires CONFIG_VMAP_STACK=y");
	/* Otherwise the stack goes with the task_struct, which is held. */
	if (!IS_ENABLED(CONFIG_THREAD_INFO_IN_TASK))
		kunit_skip(test, "Test requires CONFIG_THREAD_INFO_IN_TASK=y");

	vmalloc_skip_pin_kthreadd(test);
	for (rounds = 1; ; rounds++) {
		reused = vmalloc_skip_try_stack_reuse(test, &stamp_kept);
		if (reused || rounds == VMALLOC_SKIP_STACK_ATTEMPTS)
			break;
	}

	kunit_info(test, "observed: reuse=%s rounds=%u stamp=%s\n",
		   reused ? "yes" : "no", rounds,
		   !reused || !kasan_hw_tags_enabled() ? "n/a" :
		   stamp_kept ? "kept" : "rewritten");

	if (reused)
		return;
	/* Nothing failed so far: a skip does not hide a failure. */
	if (cpus == 1)
		KUNIT_FAIL(test, "no cached stack was reused in %u rounds",
			   rounds);
	else
		kunit_skip(test,
			   "kthreadd did not reuse a cached stack in %u rounds on %u CPUs",
			   rounds, cpus);
}

static void vmalloc_skip_pte_free_kernel(void *pte)
{
	pte_free_kernel(&init_mm, pte);
}

KUNIT_DEFINE_ACTION_WRAPPER(pagetable_free_action, pagetable_free,
			    struct ptdesc *);

/*
 * What the series promises, not what the masks say today (the masks are
 * asserted too): page tables get the tags of a __GFP_SKIP_KASAN allocation.
 */
static void expect_page_table_tag(struct kunit *test, u8 tag, const char *what)
{
	enum vmalloc_skip_tag want;

	want = vmalloc_skip_page_alloc_tag(GFP_KERNEL | __GFP_SKIP_KASAN,
					   PAGE_SIZE);
	if (want == TAG_NONE)
		return;	/* the generic mode has no page tags */
	KUNIT_EXPECT_TRUE_MSG(test, vmalloc_skip_tag_is(tag, want, tag),
			      "%s: page tag 0x%02x, expected %s", what, tag,
			      vmalloc_skip_tag_wanted[want]);
}

static void vmalloc_skip_pte_free(void *pte)
{
	pte_free(&init_mm, pte);
}

static void vmalloc_skip_pmd_free(void *pmd)
{
	pmd_free(&init_mm, pmd);
}

#if CONFIG_PGTABLE_LEVELS > 3
static void vmalloc_skip_pud_free(void *pud)
{
	pud_free(&init_mm, pud);
}
#endif

/*
 * Page tables are allocated with GFP_PGTABLE_KERNEL, or GFP_PGTABLE_USER
 * (the same plus __GFP_ACCOUNT) for a user address space, which carry
 * __GFP_SKIP_KASAN: with hardware tags their pages are match-all, at every
 * level. Prints:
 *   observed: pte_page_tag=<tag> pagetable_page_tag=<tag> pmd_page_tag=<tag>
 *             pud_page_tag=<tag>|n/a user_pte_page_tag=<tag>
 */
static void kernel_page_tables_match_all(struct kunit *test)
{
	u8 pte_tag, table_tag, pmd_tag, user_tag;
	char pud_tag[8] = "n/a";
	struct ptdesc *ptdesc;
	pgtable_t user_pte;
	pmd_t *pmd;
	pte_t *pte;

	if (IS_ENABLED(CONFIG_KASAN_HW_TAGS)) {
		KUNIT_EXPECT_TRUE_MSG(test,
				      GFP_PGTABLE_KERNEL & __GFP_SKIP_KASAN,
				      "GFP_PGTABLE_KERNEL lacks __GFP_SKIP_KASAN");
		KUNIT_EXPECT_TRUE_MSG(test,
				      GFP_PGTABLE_USER & __GFP_SKIP_KASAN,
				      "GFP_PGTABLE_USER lacks __GFP_SKIP_KASAN");
	}

	pte = pte_alloc_one_kernel(&init_mm);
	KUNIT_ASSERT_NOT_NULL(test, pte);
	vmalloc_skip_defer(test, vmalloc_skip_pte_free_kernel, pte);
	pte_tag = page_kasan_tag(virt_to_page(pte));
	expect_page_table_tag(test, pte_tag, "pte_alloc_one_kernel()");

	ptdesc = pagetable_alloc(GFP_PGTABLE_KERNEL, 0);
	KUNIT_ASSERT_NOT_NULL(test, ptdesc);
	vmalloc_skip_defer(test, pagetable_free_action, ptdesc);
	table_tag = page_kasan_tag(ptdesc_page(ptdesc));
	expect_page_table_tag(test, table_tag, "pagetable_alloc()");

	pmd = pmd_alloc_one(&init_mm, 0);
	KUNIT_ASSERT_NOT_NULL(test, pmd);
	vmalloc_skip_defer(test, vmalloc_skip_pmd_free, pmd);
	pmd_tag = page_kasan_tag(virt_to_page(pmd));
	expect_page_table_tag(test, pmd_tag, "pmd_alloc_one()");

#if CONFIG_PGTABLE_LEVELS > 3
	/* With LPA2, arm64 folds the PUD level at boot on CPUs without it. */
	if (!mm_pud_folded(&init_mm)) {
		pud_t *pud = pud_alloc_one(&init_mm, 0);
		u8 tag;

		KUNIT_ASSERT_NOT_NULL(test, pud);
		vmalloc_skip_defer(test, vmalloc_skip_pud_free, pud);
		tag = page_kasan_tag(virt_to_page(pud));
		expect_page_table_tag(test, tag, "pud_alloc_one()");
		snprintf(pud_tag, sizeof(pud_tag), "0x%02x", tag);
	}
#endif

	/* A user PTE table: GFP_PGTABLE_USER, whatever the mm. */
	user_pte = pte_alloc_one(&init_mm);
	KUNIT_ASSERT_NOT_NULL(test, user_pte);
	vmalloc_skip_defer(test, vmalloc_skip_pte_free, user_pte);
	user_tag = page_kasan_tag(user_pte);
	expect_page_table_tag(test, user_tag, "pte_alloc_one()");

	kunit_info(test,
		   "observed: pte_page_tag=0x%02x pagetable_page_tag=0x%02x pmd_page_tag=0x%02x pud_page_tag=%s user_pte_page_tag=0x%02x\n",
		   pte_tag, table_tag, pmd_tag, pud_tag, user_tag);
}

static int vmalloc_skip_suite_init(struct kunit_suite *suite)
{
	const char *mode = IS_ENABLED(CONFIG_KASAN_HW_TAGS) ? "hw_tags" :
			   IS_ENABLED(CONFIG_KASAN_SW_TAGS) ? "sw_tags" :
			   "generic";
	int err;

	err = register_trace_kmalloc(vmalloc_skip_take_scratch,
				     &vmalloc_skip_thief);
	if (err)
		return err;
	/*
	 * Unlike the kasan suite, run when KASAN is disabled at boot too:
	 * what vmalloc() does then is asserted like everything else.
	 */
	kasan_test_start_report_probe();

	pr_info("mode=%s kasan=%s vmalloc=%s fault=%s init_on_alloc=%d init_on_free=%d cpus=%u\n",
		mode, kasan_enabled() ? "on" : "off",
		kasan_enabled() && kasan_vmalloc_enabled() ? "on" : "off",
		!kasan_async_fault_possible() ? "sync" :
		kasan_sync_fault_possible() ? "asymm" : "async",
		want_init_on_alloc(0), want_init_on_free(), num_online_cpus());
	return 0;
}

static void vmalloc_skip_suite_exit(struct kunit_suite *suite)
{
	kasan_test_stop_report_probe();
	unregister_trace_kmalloc(vmalloc_skip_take_scratch, &vmalloc_skip_thief);
	tracepoint_synchronize_unregister();
}

static void vmalloc_skip_test_exit(struct kunit *test)
{
	/* Fail a case on a report outside KUNIT_EXPECT_KASAN_RESULT()... */
	KUNIT_EXPECT_FALSE(test, READ_ONCE(test_status.report_found));
	/* ... and that case only. */
	WRITE_ONCE(test_status.report_found, false);
	WRITE_ONCE(test_status.async_fault, false);
}

static struct kunit_case vmalloc_skip_test_cases[] = {
	KUNIT_CASE_PARAM(vmalloc_matrix, vmalloc_matrix_gen_params),
	KUNIT_CASE_PARAM(vrealloc_matrix, vrealloc_matrix_gen_params),
	KUNIT_CASE_PARAM(vrealloc_tail_matrix, vrealloc_tail_matrix_gen_params),
	KUNIT_CASE(vmalloc_random_tags_vary),
	KUNIT_CASE(vmap_stack_match_all),
	KUNIT_CASE(vmap_stack_cache_reuse),
	KUNIT_CASE(kernel_page_tables_match_all),
	{}
};

static struct kunit_suite vmalloc_skip_test_suite = {
	.name = "kasan_vmalloc_skip",
	.test_cases = vmalloc_skip_test_cases,
	.exit = vmalloc_skip_test_exit,
	.suite_init = vmalloc_skip_suite_init,
	.suite_exit = vmalloc_skip_suite_exit,
};

kunit_test_suite(vmalloc_skip_test_suite);
