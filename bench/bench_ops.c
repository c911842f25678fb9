/* bench_ops.c: cost per call of one pv op through each dispatch variant,
 * in TSC ticks (timing mode) or as callgrind dumps (instruction mode). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <valgrind/callgrind.h>
#include "libpv.h"
#include "bench.h"
#include "json.h"
#include "stats.h"

#define TOOL "bench_ops"

struct opts {
	unsigned runs;
	unsigned long calls;    /* per measurement */
	unsigned long cg_calls; /* --callgrind: calls per variant and op */
	int selfcheck;
	const char *json;
};

/* All timing samples, [variant][op][run], TSC ticks per call. */
struct samples {
	unsigned runs;
	double *v[B_NR_VARIANTS][B_NR_OPS];
	double *empty;
	double *repatch_ns; /* per site, one per repatch */
	unsigned nrepatch;
};

static struct pv_user user;

static int usage(void)
{
	fprintf(stderr, "usage: " TOOL " [--runs R] [--calls N] [--json FILE]"
			" [--selfcheck] [--callgrind CALLS]\n");
	return 2;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	*o = (struct opts){ 101, 100000, 0, 0, NULL };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--selfcheck")) {
			o->selfcheck = 1;
			continue;
		}
		if (!v)
			return -1;
		if (!strcmp(a, "--runs"))
			o->runs = (unsigned)strtoul(v, NULL, 0);
		else if (!strcmp(a, "--calls"))
			o->calls = strtoul(v, NULL, 0);
		else if (!strcmp(a, "--callgrind"))
			o->cg_calls = strtoul(v, NULL, 0);
		else if (!strcmp(a, "--json"))
			o->json = v;
		else
			return -1;
		i++;
	}
	return o->runs && o->calls >= BENCH_UNROLL ? 0 : -1;
}

/* The loop table a variant runs; site variants share the site loops. */
static const bench_loop *loops_of(unsigned v)
{
	switch (v) {
	case V_INDIRECT:
		return bench_fptr_loops;
	case V_RETPOLINE:
		return bench_retpo_loops;
	case V_IFUNC:
		return bench_ifunc_loops;
	case V_BASELINE:
		return bench_base_loops;
	default:
		return bench_site_loops;
	}
}

static int mode_of(unsigned v)
{
	return v == V_NOPATCH ? PV_PATCH_NOPATCH :
	       v == V_DIRECT  ? PV_PATCH_NOINLINE :
	       v == V_INLINE  ? PV_PATCH_FULL :
				-1;
}

/* Puts the sites in the mode variant v needs; returns ns spent, 0 if none,
 * -1 on error. */
static long long set_mode(unsigned v)
{
	int mode = mode_of(v);
	uint64_t t0;

	if (mode < 0 || mode == user.mode)
		return 0;
	t0 = bench_now_ns();
	if (pv_user_repatch(&user, (enum pv_patch_mode)mode, 0, 0)) {
		fprintf(stderr, TOOL ": repatch to %s failed\n",
			bench_variant_names[v]);
		return -1;
	}
	return (long long)(bench_now_ns() - t0);
}

/* ---- self-check: every variant computes what the op is defined to do */

/* Every TSC value the loop summed lies between two reads around it. */
static int check_tsc(bench_loop f, unsigned long n)
{
	unsigned long long t0 = bench_tsc_start(), s = f(n), t1;

	t1 = bench_tsc_stop();
	return s >= t0 * n * BENCH_UNROLL && s <= t1 * n * BENCH_UNROLL;
}

static int check_pte(bench_loop f)
{
	static unsigned long long want[BENCH_PTES];
	const unsigned long n = 70; /* wraps the 64 rows */

	memset(want, 0, sizeof(want));
	for (unsigned long i = 0; i < n; i++)
		for (unsigned k = 0; k < BENCH_UNROLL; k++)
			want[(i & 63) * BENCH_UNROLL + k] = i;
	memset(bench_pte, 0, sizeof(bench_pte));
	f(n);
	return !memcmp(want, bench_pte, sizeof(want));
}

static int check_op(unsigned op, bench_loop f)
{
	const unsigned long n = 5, calls = n * BENCH_UNROLL;
	int ok = 0;

	switch (op) {
	case B_IRQ_PAIR:
		pv_user_vmask = 7; /* enable must leave 0 */
		f(n);
		return pv_user_vmask == 0;
	case B_SAVE_FL:
		pv_user_vmask = 1;
		ok = f(n) == 0;
		pv_user_vmask = 0;
		return ok && f(n) == calls * 0x200;
	case B_SET_PTE:
		return check_pte(f);
	case B_READ_CR3:
		pv_user_cpu.cr[3] = 0x1234000;
		return f(n) == calls * 0x1234000;
	default:
		return check_tsc(f, n);
	}
}

/* What the planner must have chosen for the bench's sites in each mode. */
static int strategies_ok(unsigned v)
{
	static const unsigned ops[] = { PV_OP_irq_disable, PV_OP_irq_enable,
					PV_OP_irq_save_fl, PV_OP_set_pte,
					PV_OP_read_cr3, PV_OP_read_tsc };
	const struct pv_patch_stats *st = &user.st;

	if (st->refused)
		return 0;
	for (unsigned i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		unsigned op = ops[i], want = PV_STRAT_INDIRECT;
		unsigned total = 0;

		if (v == V_DIRECT)
			want = PV_STRAT_DIRECT;
		else if (v == V_INLINE)
			want = op == PV_OP_set_pte || op == PV_OP_read_cr3 ?
				       PV_STRAT_BODY :
				       PV_STRAT_INLINE;
		for (unsigned s = 0; s < PV_NR_STRATS; s++)
			total += st->per_op[op][s];
		if (!total || st->per_op[op][want] != total)
			return 0;
	}
	return 1;
}

static int selfcheck(void)
{
	int bad = 0;

	printf("%-16s", "variant");
	for (unsigned op = 0; op < B_NR_OPS; op++)
		printf(" %-12s", bench_op_names[op]);
	printf(" %s\n", "strategies");
	for (unsigned v = 0; v < B_NR_VARIANTS; v++) {
		int strat = 1;

		if (set_mode(v) < 0)
			return 1;
		if (mode_of(v) >= 0)
			strat = strategies_ok(v);
		printf("%-16s", bench_variant_names[v]);
		for (unsigned op = 0; op < B_NR_OPS; op++) {
			int ok = check_op(op, loops_of(v)[op]);

			printf(" %-12s", ok ? "ok" : "FAIL");
			bad |= !ok;
		}
		printf(" %s\n", mode_of(v) < 0 ? "-" : strat ? "ok" : "FAIL");
		bad |= !strat;
	}
	printf(TOOL ": selfcheck %s (%u sites)\n", bad ? "FAILED" : "passed",
	       user.st.sites);
	return bad;
}

/* ---- instruction mode: one callgrind dump per variant and op */

static int callgrind_mode(unsigned long calls)
{
	unsigned long n = calls / BENCH_UNROLL;
	char name[128];
	long long ns;

	if (!RUNNING_ON_VALGRIND)
		fprintf(stderr, TOOL ": --callgrind: not under valgrind, "
				"no dumps written\n");
	pv_user_cpu.cr[3] = 0x1234000;
	for (unsigned v = 0; v < B_NR_VARIANTS; v++) {
		if (mode_of(v) == PV_PATCH_FULL) {
			/* the repatch itself: user-space instructions only */
			snprintf(name, sizeof(name), "selfpatch|%u|sites",
				 user.hdr->count);
			CALLGRIND_ZERO_STATS;
			ns = set_mode(v);
			CALLGRIND_DUMP_STATS_AT(name);
		} else {
			ns = set_mode(v);
		}
		if (ns < 0)
			return 1;
		for (unsigned op = 0; op < B_NR_OPS; op++) {
			snprintf(name, sizeof(name), "ops|%s|%s|%lu",
				 bench_op_names[op], bench_variant_names[v],
				 n * BENCH_UNROLL);
			CALLGRIND_ZERO_STATS;
			loops_of(v)[op](n);
			CALLGRIND_DUMP_STATS_AT(name);
		}
	}
	snprintf(name, sizeof(name), "ops|empty|loop|%lu", n * BENCH_UNROLL);
	CALLGRIND_ZERO_STATS;
	bench_empty_loop(n);
	CALLGRIND_DUMP_STATS_AT(name);
	printf(TOOL ": %u variants x %u ops x %lu calls dumped for callgrind\n",
	       B_NR_VARIANTS, B_NR_OPS, n * BENCH_UNROLL);
	return 0;
}

/* ---- timing mode */

/* TSC ticks per call of one loop run over n iterations, after a warm-up. */
static double measure(bench_loop f, unsigned long n)
{
	uint64_t t0, t1;

	f(n / 16 + 1);
	t0 = bench_tsc_start();
	f(n);
	t1 = bench_tsc_stop();
	return (double)(t1 - t0) / ((double)n * BENCH_UNROLL);
}

static int alloc_samples(struct samples *s, unsigned runs)
{
	memset(s, 0, sizeof(*s));
	s->runs = runs;
	s->empty = calloc(runs, sizeof(double));
	s->repatch_ns = calloc(runs * 3u, sizeof(double));
	if (!s->empty || !s->repatch_ns)
		return -1;
	for (unsigned v = 0; v < B_NR_VARIANTS; v++)
		for (unsigned op = 0; op < B_NR_OPS; op++)
			if (!(s->v[v][op] = calloc(runs, sizeof(double))))
				return -1;
	return 0;
}

/* One run: every variant and op once, interleaved so drift hits all. */
static int one_run(struct samples *s, unsigned r, unsigned long n)
{
	s->empty[r] = measure(bench_empty_loop, n);
	for (unsigned v = 0; v < B_NR_VARIANTS; v++) {
		long long ns = set_mode(v);

		if (ns < 0)
			return -1;
		if (ns > 0 && user.st.sites)
			s->repatch_ns[s->nrepatch++] =
				(double)ns / user.st.sites;
		pv_user_vmask = 0;
		for (unsigned op = 0; op < B_NR_OPS; op++)
			s->v[v][op][r] = measure(loops_of(v)[op], n);
	}
	return 0;
}

struct row {
	struct bench_dist net, gross;
	double ratio, gross_ratio;
};

/* Net of the empty loop's median; ratios to the baseline's medians. */
static void summarise(struct samples *s, struct bench_dist *empty,
		      struct row rows[B_NR_VARIANTS][B_NR_OPS])
{
	bench_dist_of(s->empty, s->runs, empty);
	for (unsigned v = 0; v < B_NR_VARIANTS; v++)
		for (unsigned op = 0; op < B_NR_OPS; op++) {
			double *x = s->v[v][op];

			bench_dist_of(x, s->runs, &rows[v][op].gross);
			for (unsigned r = 0; r < s->runs; r++)
				x[r] -= empty->median;
			bench_dist_of(x, s->runs, &rows[v][op].net);
		}
	for (unsigned v = 0; v < B_NR_VARIANTS; v++)
		for (unsigned op = 0; op < B_NR_OPS; op++) {
			struct row *b = &rows[V_BASELINE][op];
			struct row *w = &rows[v][op];

			/* no ratio to a baseline lost in the noise */
			w->ratio = b->net.median > 0 ?
					   w->net.median / b->net.median :
					   NAN;
			w->gross_ratio = w->gross.median / b->gross.median;
		}
}

static void print_table(const struct bench_dist *empty,
			struct row rows[B_NR_VARIANTS][B_NR_OPS])
{
	printf("TSC ticks per call, net of the empty loop (%.3f/call)\n",
	       empty->median);
	printf("%-12s %-15s %8s %8s %8s %8s\n", "op", "variant", "median",
	       "p10", "p90", "x base");
	for (unsigned op = 0; op < B_NR_OPS; op++)
		for (unsigned v = 0; v < B_NR_VARIANTS; v++) {
			const struct row *w = &rows[v][op];

			printf("%-12s %-15s %8.3f %8.3f %8.3f %8.2f\n",
			       bench_op_names[op], bench_variant_names[v],
			       w->net.median, w->net.p10, w->net.p90,
			       w->ratio);
		}
}

static void put_dist(FILE *f, const char *name, const struct bench_dist *d)
{
	fprintf(f, "\"%s\": {\"median\": ", name);
	bench_json_put_num(f, d->median);
	fprintf(f, ", \"p10\": ");
	bench_json_put_num(f, d->p10);
	fprintf(f, ", \"p90\": ");
	bench_json_put_num(f, d->p90);
	fprintf(f, ", \"n\": %u}", d->n);
}

static void put_row(FILE *f, unsigned v, unsigned op, const struct row *w)
{
	fprintf(f, "    {\"op\": \"%s\", \"variant\": \"%s\", ",
		bench_op_names[op], bench_variant_names[v]);
	put_dist(f, "net", &w->net);
	fprintf(f, ", ");
	put_dist(f, "gross", &w->gross);
	fprintf(f, ", \"ratio\": ");
	bench_json_put_num(f, w->ratio);
	fprintf(f, ", \"gross_ratio\": ");
	bench_json_put_num(f, w->gross_ratio);
	fprintf(f, "}");
}

static int write_json(const char *path, const struct opts *o,
		      struct samples *s, const struct bench_dist *empty,
		      struct row rows[B_NR_VARIANTS][B_NR_OPS])
{
	FILE *f = fopen(path, "w");
	struct bench_dist rp;

	if (!f) {
		fprintf(stderr, TOOL ": %s: cannot write\n", path);
		return -1;
	}
	bench_dist_of(s->repatch_ns, s->nrepatch, &rp);
	fprintf(f, "{\n  \"tool\": \"" TOOL "\",\n  \"unit\": "
		   "\"TSC ticks per call\",\n  \"runs\": %u,\n"
		   "  \"calls_per_run\": %lu,\n  \"unroll\": %u,\n"
		   "  \"site_len\": %u,\n  \"sites\": %u,\n  ",
		o->runs, o->calls / BENCH_UNROLL * BENCH_UNROLL, BENCH_UNROLL,
		PV_SITE_LEN, user.hdr->count);
	put_dist(f, "empty_loop", empty);
	fprintf(f, ",\n  ");
	put_dist(f, "repatch_ns_per_site", &rp);
	fprintf(f, ",\n  \"rows\": [\n");
	for (unsigned op = 0; op < B_NR_OPS; op++)
		for (unsigned v = 0; v < B_NR_VARIANTS; v++) {
			put_row(f, v, op, &rows[v][op]);
			fprintf(f, "%s\n", op + 1 == B_NR_OPS &&
						   v + 1 == B_NR_VARIANTS ?
					   "" : ",");
		}
	fprintf(f, "  ]\n}\n");
	return fclose(f) ? -1 : 0;
}

static int timing_mode(const struct opts *o)
{
	static struct row rows[B_NR_VARIANTS][B_NR_OPS];
	unsigned long n = o->calls / BENCH_UNROLL;
	struct bench_dist empty;
	struct samples s;

	if (alloc_samples(&s, o->runs)) {
		fprintf(stderr, TOOL ": out of memory\n");
		return 1;
	}
	pv_user_cpu.cr[3] = 0x1234000;
	for (unsigned r = 0; r < o->runs; r++)
		if (one_run(&s, r, n))
			return 1;
	summarise(&s, &empty, rows);
	print_table(&empty, rows);
	if (o->json && write_json(o->json, o, &s, &empty, rows))
		return 1;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--help")) {
		usage();
		return 0;
	}
	struct opts o;
	int err;

	if (parse_opts(argc, argv, &o))
		return usage();
	err = pv_user_init(&user, PV_PATCH_NOPATCH, 0, 0);
	if (err) {
		fprintf(stderr, TOOL ": pv_user_init: error %d\n", err);
		return 1;
	}
	if (o.selfcheck)
		return selfcheck();
	if (o.cg_calls)
		return callgrind_mode(o.cg_calls);
	return timing_mode(&o);
}
