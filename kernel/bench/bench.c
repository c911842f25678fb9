/* bench/bench.c: the `bench` flag: instructions per iteration of the hot paths,
 * counted by single-step, in each patch mode; then the patch cost. */
#include "core/kernel.h"
#include "core/platform.h"
#include "core/pvboot.h"
#include "selftest/selftest.h"
#include "bench/bench.h"
#include "pv/pvcalls.h"
#include "pv/sites.h"

#define BENCH_ITERS 100ul
#define BENCH_RUNS 3

/*
 * A path's figure.  Counts at n and 2n iterations, so that everything
 * outside the loop cancels: mean = (c2 - c1) / n.  And each iteration on
 * its own (the mark): least is the path with nothing else in it, since
 * an event the guest cannot hold off (a Xen event pending when the irq
 * ops unmask) can only add instructions.  Repeated BENCH_RUNS times.
 */
struct figure {
	uint64_t c1, c2;   /* of the run with the least c2 - c1 */
	uint64_t lo, hi;   /* c2 - c1: least and most over the runs */
	struct bench_iters it; /* every iteration of every run */
	uint64_t fixes;    /* shadow corrections in the least run's c2 */
	uint64_t h1, h2;   /* hypercalls (syscalls) in the least run's counts */
	int same;          /* every run counted exactly the same */
	int ovf;           /* a count hit BENCH_STEP_LIMIT */
	unsigned long long ticks; /* timer ticks during the runs */
};

static void add_iters(struct bench_iters *all, const struct bench_iters *it)
{
	if (!it->n)
		return;
	if (!all->n || it->min < all->min)
		all->min = it->min, all->n_min = 0;
	if (it->min == all->min)
		all->n_min += it->n_min;
	if (it->max > all->max)
		all->max = it->max;
	all->n += it->n;
}

/* One count of n iterations; its iterations added to fg->it. */
static uint64_t count_iters(const struct bench_path *bp, struct bench_arg *a,
			    unsigned long n, struct figure *fg)
{
	struct bench_iters it;
	int ovf = 0;
	uint64_t c;

	a->n = n;
	c = bench_step_count(bp->fn, a, &ovf);
	bench_step_iters(&it);
	add_iters(&fg->it, &it);
	fg->ovf |= ovf;
	return c;
}

static void measure(const struct bench_path *bp, struct bench_arg *a,
		    struct figure *fg)
{
	unsigned long long t0 = timer_ticks;
	uint64_t f1 = 0, f2 = 0;

	*fg = (struct figure){ .lo = ~0ull, .same = 1 };
	bench_step_mark(*bp->mark);
	for (unsigned r = 0; r < BENCH_RUNS; r++) {
		uint64_t c1 = count_iters(bp, a, BENCH_ITERS, fg);
		uint64_t h1 = bench_step_hcalls();
		uint64_t c2 = count_iters(bp, a, 2 * BENCH_ITERS, fg);
		uint64_t h2 = bench_step_hcalls();
		uint64_t d = c2 > c1 ? c2 - c1 : 0;

		if (!r)
			f1 = c1, f2 = c2;
		else if (c1 != f1 || c2 != f2)
			fg->same = 0;
		if (d < fg->lo) {
			fg->c1 = c1, fg->c2 = c2, fg->lo = d;
			fg->h1 = h1, fg->h2 = h2;
			fg->fixes = bench_step_fixes();
		}
		if (d > fg->hi)
			fg->hi = d;
	}
	bench_step_mark(0);
	fg->ticks = timer_ticks - t0;
}

/* "x.yy": d instructions over n iterations. */
static const char *per_iter(char *buf, unsigned len, uint64_t d,
			    unsigned long n)
{
	uint64_t x100 = (d * 100 + n / 2) / n;

	snprintf(buf, len, "%llu.%02llu", (unsigned long long)(x100 / 100),
		 (unsigned long long)(x100 % 100));
	return buf;
}

static void print_figure(const char *pf, const char *build,
			 const struct bench_path *bp, const char *mode,
			 const char *how, const struct figure *fg)
{
	char lo[24], hi[24], fx[24], hc[24];
	/* Without a visit to the mark (none seen), the mean stands in. */
	uint64_t least = fg->it.n ? fg->it.min : fg->lo / BENCH_ITERS;

	printk("bench-insn: {\"platform\":\"%s\",\"build\":\"%s\","
	       "\"path\":\"%s\",\"mode\":\"%s\",\"how\":\"%s\","
	       "\"insn_per_iter\":%llu,\"iters\":%llu,"
	       "\"iters_longer\":%llu,\"iter_max\":%llu,\"n\":%lu,"
	       "\"mean\":%s,\"mean_max\":%s,\"runs\":%u,\"same\":%s,"
	       "\"insns_n\":%llu,\"insns_2n\":%llu,\"shadow_fixes\":%s,"
	       "\"hcalls_per_iter\":%s,"
	       "\"ticks\":%llu%s}\n", pf, build, bp->name, mode, how,
	       (unsigned long long)least, (unsigned long long)fg->it.n,
	       (unsigned long long)(fg->it.n - fg->it.n_min),
	       (unsigned long long)fg->it.max, BENCH_ITERS,
	       per_iter(lo, sizeof(lo), fg->lo, BENCH_ITERS),
	       per_iter(hi, sizeof(hi), fg->hi, BENCH_ITERS), BENCH_RUNS,
	       fg->same ? "true" : "false", (unsigned long long)fg->c1,
	       (unsigned long long)fg->c2,
	       per_iter(fx, sizeof(fx), fg->fixes, 2 * BENCH_ITERS),
	       per_iter(hc, sizeof(hc), fg->h2 > fg->h1 ? fg->h2 - fg->h1 : 0,
			BENCH_ITERS),
	       fg->ticks, fg->ovf ? ",\"overflow\":true" : "");
}

/* Every path, in the mode the text is in now. */
static void measure_mode(const char *pf, const char *build, const char *mode,
			 const char *how, struct bench_arg *a)
{
	for (unsigned i = 0; i < bench_nr_paths; i++) {
		const struct bench_path *bp = &bench_paths[i];
		struct figure fg;

		if (bp->needs_map && !a->pte) {
			printk("bench-insn: {\"platform\":\"%s\",\"build\":"
			       "\"%s\",\"path\":\"%s\",\"mode\":\"%s\","
			       "\"skipped\":\"no scratch mapping\"}\n", pf,
			       build, bp->name, mode);
			continue;
		}
		measure(bp, a, &fg);
		print_figure(pf, build, bp, mode, how, &fg);
	}
}

#ifdef PV_NO_PARAVIRT
#define BENCH_BUILD "pv_n"

/* PV=n: the ops are compiled in; one mode. */
static void run_modes(const char *pf, struct bench_arg *a)
{
	measure_mode(pf, BENCH_BUILD, "pv_n", "built", a);
}
#else
#define BENCH_BUILD "pv"

/*
 * The boot mode first, as booted; then each less patched mode, re-patched
 * (as the selftests, never more patched than the command line asked);
 * then back to the boot mode, so the selftests find the boot text.
 */
static void run_modes(const char *pf, struct bench_arg *a)
{
	const struct pvboot_state *st = pvboot_state();
	struct pv_patch_stats stats;
	int boot = st->mode;

	if (!st->sealed) {
		measure_mode(pf, BENCH_BUILD, "as-built", "boot", a);
		return;
	}
	measure_mode(pf, BENCH_BUILD, pvboot_mode_name(boot), "boot", a);
	for (int m = PV_PATCH_NOPATCH; m > boot; m--) {
		int err = pvboot_repatch((enum pv_patch_mode)m, &stats);

		if (err || stats.refused) {
			printk("bench: re-patch to %s: error %d, %u refused\n",
			       pvboot_mode_name(m), err, stats.refused);
			continue;
		}
		measure_mode(pf, BENCH_BUILD, pvboot_mode_name(m), "repatch",
			     a);
	}
	if (st->mode != boot)
		pvboot_repatch((enum pv_patch_mode)boot, &stats);
}
#endif

void bench_run(void)
{
	const char *pf = kernel_platform()->name;
	struct bench_arg a = { 0 };
	int err = bench_map_scratch(&a);

	printk("bench: instructions counted by single-step (one #DB per "
	       "instruction), per iteration = (count(%lu) - count(%lu)) / "
	       "%lu, least of %u runs\n", 2 * BENCH_ITERS, BENCH_ITERS,
	       BENCH_ITERS, BENCH_RUNS);
	if (err)
		printk("bench: no scratch mapping (error %d): pte_flush "
		       "skipped\n", err);
	bench_step_calibrate(pf, BENCH_BUILD,
			     kernel_platform()->backend == PV_BACKEND_NATIVE);
	run_modes(pf, &a);
	bench_unmap_scratch(&a);
#ifndef PV_NO_PARAVIRT
	bench_patch_cost(pf);
#endif
	printk("bench-done: {\"platform\":\"%s\",\"build\":\"%s\"}\n", pf,
	       BENCH_BUILD);
}
