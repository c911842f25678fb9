/* loops_fptr.c: the loops as plain C calls through a function-pointer table
 * (libpv's user_pv_ops, the functions pv_ops holds; not pv_ops itself, whose
 * unannotated calls elfscan flags).  Built twice: as is, and with
 * retpolines (BENCH_FPTR_TABLE). */
#include "libpv.h"
#include "bench.h"

#ifndef BENCH_FPTR_TABLE
#define BENCH_FPTR_TABLE bench_fptr_loops
#endif

#define NOINLINE __attribute__((noinline))

#define FPTR_IRQ(k) user_pv_ops.irq_disable(); user_pv_ops.irq_enable();
#define FPTR_SAVE(k) s += user_pv_ops.irq_save_fl();
#define FPTR_PTE(k) user_pv_ops.set_pte(p + (k), i);
#define FPTR_CR3(k) s += user_pv_ops.read_cr3();
#define FPTR_TSC(k) s += user_pv_ops.read_tsc();

static NOINLINE unsigned long long fptr_irq(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		BENCH_UNROLLED(FPTR_IRQ)
	}
	return 0;
}

static NOINLINE unsigned long long fptr_save(unsigned long n)
{
	unsigned long long s = 0;

	for (unsigned long i = 0; i < n; i++) {
		BENCH_UNROLLED(FPTR_SAVE)
	}
	return s;
}

static NOINLINE unsigned long long fptr_pte(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		unsigned long long *p = BENCH_PTE_ROW(i);

		BENCH_UNROLLED(FPTR_PTE)
	}
	return 0;
}

static NOINLINE unsigned long long fptr_cr3(unsigned long n)
{
	unsigned long long s = 0;

	for (unsigned long i = 0; i < n; i++) {
		BENCH_UNROLLED(FPTR_CR3)
	}
	return s;
}

static NOINLINE unsigned long long fptr_tsc(unsigned long n)
{
	unsigned long long s = 0;

	for (unsigned long i = 0; i < n; i++) {
		BENCH_UNROLLED(FPTR_TSC)
	}
	return s;
}

const bench_loop BENCH_FPTR_TABLE[B_NR_OPS] = {
	fptr_irq, fptr_save, fptr_pte, fptr_cr3, fptr_tsc
};
