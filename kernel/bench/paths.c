/* bench/paths.c: the hot kernel paths the bench counts: each a noinline
 * loop over the pv wrappers, the same source in the PV=y and PV=n builds. */
#include "core/kernel.h"
#include "core/mm.h"
#include "bench/bench.h"
#include "pv/pvcalls.h"

#ifdef __i386__
/* The page directory slot after the selftests' (layout_32.h). */
#define BENCH_VA (DIRECT_MAP_BASE + DIRECT_MAP_END + LARGE_PAGE_SIZE)
/* mark_* are 64-bit, whatever the word size. */
#define BENCH_MARK_WORD ".long 661b, 0"
#else
/* A PML4 slot of its own (the selftests use the one below it). */
#define BENCH_VA 0xffffc98000000000ull
#define BENCH_MARK_WORD ".quad 661b"
#endif

static volatile unsigned long crit_var;
static volatile unsigned long long sink;

/*
 * BENCH_MARK(name) in a loop: emits no instruction, only stores the
 * address of the next one in mark_name (.rodata), where the trap handler
 * sees each iteration begin (bench_step_mark).  Were the compiler to copy
 * the loop body, the second label would not assemble.
 */
#define BENCH_MARK(name)						\
	__asm__ volatile("661:\n\t.pushsection .rodata, \"a\"\n\t"	\
			 ".balign 8\nmark_" #name ":\n\t"			\
			 BENCH_MARK_WORD "\n\t.popsection")
extern const uint64_t mark_loop, mark_irq_crit, mark_irq_pair,
	mark_pte_flush, mark_sched_clock, mark_cr3_switch;

/* The loop alone: what every path's count per iteration includes. */
static __noinline void path_loop(void *p)
{
	const struct bench_arg *a = p;

	for (unsigned long i = 0; i < a->n; i++) {
		BENCH_MARK(loop);
		__asm__ volatile("" : : : "memory");
	}
}

/* (1) irq save/disable, a critical section (load, add, store), restore. */
static __noinline void path_irq_crit(void *p)
{
	const struct bench_arg *a = p;

	for (unsigned long i = 0; i < a->n; i++) {
		unsigned long f;

		BENCH_MARK(irq_crit);
		f = pv_irq_save();

		crit_var++;
		pv_irq_restore_fl(f);
	}
}

/* irq_disable + irq_enable: the pair Linux's reference row has. */
static __noinline void path_irq_pair(void *p)
{
	const struct bench_arg *a = p;

	for (unsigned long i = 0; i < a->n; i++) {
		BENCH_MARK(irq_pair);
		pv_irq_disable();
		pv_irq_enable();
	}
}

/* (2) a PTE write plus the flush of its address, on the scratch page. */
static __noinline void path_pte_flush(void *p)
{
	const struct bench_arg *a = p;
	unsigned long long *pte = a->pte, v = a->pte_val;

	for (unsigned long i = 0; i < a->n; i++) {
		BENCH_MARK(pte_flush);
		pv_set_pte(pte, v);
		pv_flush_tlb_one_user(BENCH_VA);
	}
}

/* (3) sched_clock, its value kept. */
static __noinline void path_sched_clock(void *p)
{
	const struct bench_arg *a = p;
	unsigned long long sum = 0;

	for (unsigned long i = 0; i < a->n; i++) {
		BENCH_MARK(sched_clock);
		sum += pv_sched_clock();
	}
	sink = sum;
}

/* (4) an address-space switch: CR3 read and written back (a full flush
 * of the non-global TLB entries, as a switch to another table does). */
static __noinline void path_cr3_switch(void *p)
{
	const struct bench_arg *a = p;

	for (unsigned long i = 0; i < a->n; i++) {
		BENCH_MARK(cr3_switch);
		pv_write_cr3(pv_read_cr3());
	}
}

const struct bench_path bench_paths[] = {
	{ "loop", path_loop, &mark_loop, 0 },
	{ "irq_crit", path_irq_crit, &mark_irq_crit, 0 },
	{ "irq_pair", path_irq_pair, &mark_irq_pair, 0 },
	{ "pte_flush", path_pte_flush, &mark_pte_flush, 1 },
	{ "sched_clock", path_sched_clock, &mark_sched_clock, 0 },
	{ "cr3_switch", path_cr3_switch, &mark_cr3_switch, 0 },
};
const unsigned bench_nr_paths = ARRAY_SIZE(bench_paths);

/* One page mapped at BENCH_VA through the mmu ops, as the selftests map
 * theirs; a->pte_val is its PTE as the page tables hold it. */
int bench_map_scratch(struct bench_arg *a)
{
	int err;

	a->va = BENCH_VA;
	a->pa = pmm_alloc();
	if (!a->pa)
		return -PV_ENOMEM;
	pv_lazy_mmu_enter();
	err = pt_map(a->va, a->pa, PTE_W);
	pv_lazy_mmu_flush();
	pv_lazy_mmu_leave();
	a->pte = err ? NULL : pt_lookup(a->va);
	if (!a->pte) {
		pmm_free(a->pa);
		a->pa = 0;
		return err ? err : -PV_EFAULT;
	}
	a->pte_val = *a->pte;
	return 0;
}

/* Unmaps it and frees the page and the tables pt_map made for it. */
void bench_unmap_scratch(struct bench_arg *a)
{
	if (!a->pte)
		return;
	pt_unmap(a->va);
	pt_release(a->va);
	pmm_free(a->pa);
	a->pte = NULL;
	a->pa = 0;
}
