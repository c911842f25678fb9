/* loops_ifunc.c: the loops as calls to ifunc symbols, which the dynamic
 * linker resolves once to the backend's functions: call via PLT and GOT. */
#include "libpv.h"
#include "bench.h"

#define NOINLINE __attribute__((noinline))

/* Resolvers run while the program is relocated; user_pv_ops is relocated
 * by then (IRELATIVE relocations come last; --selfcheck would catch it). */
#define BENCH_IFUNC(op)                                                        \
	static __typeof__(pv_ops.op) resolve_##op(void)                        \
	{                                                                      \
		return user_pv_ops.op;                                         \
	}                                                                      \
	__typeof__(*pv_ops.op) bench_ifunc_##op                                \
		__attribute__((ifunc("resolve_" #op)));

BENCH_IFUNC(irq_disable)
BENCH_IFUNC(irq_enable)
BENCH_IFUNC(irq_save_fl)
BENCH_IFUNC(set_pte)
BENCH_IFUNC(read_cr3)
BENCH_IFUNC(read_tsc)

#define IF_IRQ(k) bench_ifunc_irq_disable(); bench_ifunc_irq_enable();
#define IF_SAVE(k) s += bench_ifunc_irq_save_fl();
#define IF_PTE(k) bench_ifunc_set_pte(p + (k), i);
#define IF_CR3(k) s += bench_ifunc_read_cr3();
#define IF_TSC(k) s += bench_ifunc_read_tsc();

static NOINLINE unsigned long long ifunc_irq(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		BENCH_UNROLLED(IF_IRQ)
	}
	return 0;
}

static NOINLINE unsigned long long ifunc_save(unsigned long n)
{
	unsigned long long s = 0;

	for (unsigned long i = 0; i < n; i++) {
		BENCH_UNROLLED(IF_SAVE)
	}
	return s;
}

static NOINLINE unsigned long long ifunc_pte(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		unsigned long long *p = BENCH_PTE_ROW(i);

		BENCH_UNROLLED(IF_PTE)
	}
	return 0;
}

static NOINLINE unsigned long long ifunc_cr3(unsigned long n)
{
	unsigned long long s = 0;

	for (unsigned long i = 0; i < n; i++) {
		BENCH_UNROLLED(IF_CR3)
	}
	return s;
}

static NOINLINE unsigned long long ifunc_tsc(unsigned long n)
{
	unsigned long long s = 0;

	for (unsigned long i = 0; i < n; i++) {
		BENCH_UNROLLED(IF_TSC)
	}
	return s;
}

const bench_loop bench_ifunc_loops[B_NR_OPS] = {
	ifunc_irq, ifunc_save, ifunc_pte, ifunc_cr3, ifunc_tsc
};
