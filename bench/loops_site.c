/* loops_site.c: the measured loops whose calls are libpv sites (patched to
 * each mode in turn), the baseline loops with each op written in place. */
#include "libpv.h"
#include "bench.h"

#define NOINLINE __attribute__((noinline))

unsigned long long bench_pte[BENCH_PTES];

/* ---- libpv sites: one loop per op, the bytes depend on the patch mode */

#define SITE_IRQ(k) PVOP_CALLEE0(irq_disable); PVOP_CALLEE0(irq_enable);
#define SITE_SAVE(k) s += PVOP_CALLEE0(irq_save_fl);
#define SITE_PTE(k) PVOP_CALL2(set_pte, p + (k), i);
#define SITE_CR3(k) s += PVOP_CALL0(read_cr3);
#define SITE_TSC(k) s += PVOP_CALL0(read_tsc);

static NOINLINE unsigned long long site_irq(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		BENCH_UNROLLED(SITE_IRQ)
	}
	return 0;
}

static NOINLINE unsigned long long site_save(unsigned long n)
{
	unsigned long long s = 0;

	for (unsigned long i = 0; i < n; i++) {
		BENCH_UNROLLED(SITE_SAVE)
	}
	return s;
}

static NOINLINE unsigned long long site_pte(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		unsigned long long *p = BENCH_PTE_ROW(i);

		BENCH_UNROLLED(SITE_PTE)
	}
	return 0;
}

static NOINLINE unsigned long long site_cr3(unsigned long n)
{
	unsigned long long s = 0;

	for (unsigned long i = 0; i < n; i++) {
		BENCH_UNROLLED(SITE_CR3)
	}
	return s;
}

static NOINLINE unsigned long long site_tsc(unsigned long n)
{
	unsigned long long s = 0;

	for (unsigned long i = 0; i < n; i++) {
		BENCH_UNROLLED(SITE_TSC)
	}
	return s;
}

const bench_loop bench_site_loops[B_NR_OPS] = {
	site_irq, site_save, site_pte, site_cr3, site_tsc
};

/* ---- (f) baseline: what a kernel without pv_ops compiles in place */

#define VMASK (*(volatile unsigned char *)&pv_user_vmask)
#define CR3 (*(volatile unsigned long *)&pv_user_cpu.cr[3])

static inline unsigned long long base_rdtsc(void)
{
	unsigned lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (unsigned long long)hi << 32 | lo;
}

#define BASE_IRQ(k) VMASK = 1; VMASK = 0;
#define BASE_SAVE(k) s += (unsigned long)(VMASK ^ 1u) << 9;
#define BASE_PTE(k) *(volatile unsigned long long *)(p + (k)) = i;
#define BASE_CR3(k) s += CR3;
#define BASE_TSC(k) s += base_rdtsc();

static NOINLINE unsigned long long base_irq(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		BENCH_UNROLLED(BASE_IRQ)
	}
	return 0;
}

static NOINLINE unsigned long long base_save(unsigned long n)
{
	unsigned long long s = 0;

	for (unsigned long i = 0; i < n; i++) {
		BENCH_UNROLLED(BASE_SAVE)
	}
	return s;
}

static NOINLINE unsigned long long base_pte(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		unsigned long long *p = BENCH_PTE_ROW(i);

		BENCH_UNROLLED(BASE_PTE)
	}
	return 0;
}

static NOINLINE unsigned long long base_cr3(unsigned long n)
{
	unsigned long long s = 0;

	for (unsigned long i = 0; i < n; i++) {
		BENCH_UNROLLED(BASE_CR3)
	}
	return s;
}

static NOINLINE unsigned long long base_tsc(unsigned long n)
{
	unsigned long long s = 0;

	for (unsigned long i = 0; i < n; i++) {
		BENCH_UNROLLED(BASE_TSC)
	}
	return s;
}

const bench_loop bench_base_loops[B_NR_OPS] = {
	base_irq, base_save, base_pte, base_cr3, base_tsc
};

/* The loop alone: its cost is subtracted from every measurement. */
NOINLINE unsigned long long bench_empty_loop(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		__asm__ volatile("" ::: "memory");
	return 0;
}
