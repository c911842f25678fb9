/* bench.c: the `bench` flag: cycles per op for a few hot ops, in each patch
 * mode.  Under QEMU TCG only ratios within one run mean anything. */
#include "core/selftest.h"
#include "core/pvboot.h"
#include "pv/pvcalls.h"

#define BENCH_ITERS 20000u

static inline unsigned long long cycles(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return (unsigned long long)hi << 32 | lo;
}

/* Cycles per iteration of stmt, the loop's own cost included. */
#define BENCH(stmt)                                                            \
	({                                                                     \
		unsigned long long t0 = cycles();                              \
		for (unsigned i = 0; i < BENCH_ITERS; i++) {                   \
			stmt;                                                  \
		}                                                              \
		(cycles() - t0) / BENCH_ITERS;                                 \
	})

enum { B_IRQ_SAVE, B_IRQ_OFF_ON, B_READ_TSC, B_SCHED_CLOCK, B_SET_PTE, B_NR };
static const char *const bench_names[B_NR] = {
	"irq_save+restore", "irq_disable+enable", "read_tsc", "sched_clock",
	"set_pte",
};

static void bench_mode(unsigned long long out[B_NR])
{
	static unsigned long long scratch;
	unsigned long f = pv_irq_save_fl();

	out[B_IRQ_SAVE] = BENCH(pv_irq_restore_fl(pv_irq_save()));
	out[B_IRQ_OFF_ON] = BENCH(pv_irq_disable(); pv_irq_enable());
	out[B_READ_TSC] = BENCH((void)pv_read_tsc());
	out[B_SCHED_CLOCK] = BENCH((void)pv_sched_clock());
	out[B_SET_PTE] = BENCH(pv_set_pte(&scratch, i));
	pv_irq_restore_fl(f);
}

#ifdef PV_NO_PARAVIRT
void bench_run(void)
{
	unsigned long long r[B_NR];

	bench_mode(r);
	for (unsigned b = 0; b < B_NR; b++)
		printk("bench: %-20s native %6llu cycles\n", bench_names[b],
		       r[b]);
}
#else
void bench_run(void)
{
	static const enum pv_patch_mode modes[3] = {
		PV_PATCH_NOPATCH, PV_PATCH_NOINLINE, PV_PATCH_FULL
	};
	const struct pvboot_state *st = pvboot_state();
	unsigned long long r[3][B_NR] = { { 0 } };
	struct pv_patch_stats stats;
	int boot_mode = st->mode;

	if (!st->sealed) {
		printk("bench: site table not sealed; nothing to compare\n");
		return;
	}
	for (unsigned m = 0; m < 3; m++)
		if (!pvboot_repatch(modes[m], &stats))
			bench_mode(r[m]);
	pvboot_repatch((enum pv_patch_mode)boot_mode, &stats);
	printk("bench: %-20s %8s %8s %8s (cycles/op)\n", "op", "indirect",
	       "direct", "inline");
	for (unsigned b = 0; b < B_NR; b++)
		printk("bench: %-20s %8llu %8llu %8llu\n", bench_names[b],
		       r[0][b], r[1][b], r[2][b]);
}
#endif
