/* bench_patch.c: patching throughput: pv_patch_table over synthetic site
 * tables of 1k to 1M sites in a fake text buffer, in ns and instructions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <valgrind/callgrind.h>
#include "patch.h"
#include "json.h"
#include "stats.h"

#define TOOL "bench_patch"

/*
 * The fake target, one buffer at a kernel-like address:
 *   +0x0000 pv_ops (the indirect calls' slots)   +0x1000 backend functions
 *   +0x3000 template records   +0x3400 template code   +0x3800 vmask
 *   +0x4000 site table (header + records), then the sites, 16 bytes each.
 */
#define T_BASE 0xffffffff81000000ull
#define T_OPS 0x0000u
#define T_FUNCS 0x1000u
#define T_FUNC_STRIDE 0x40u
#define T_TMPL 0x3000u
#define T_CODE 0x3400u
#define T_VMASK 0x3800u
#define T_TABLE 0x4000u
#define SITE_LEN ((unsigned)PV_SITE_LEN)

struct target {
	uint8_t *buf;
	uint64_t size;
	uint32_t n;       /* sites */
	uint64_t text;    /* offset of the first site */
	uint8_t *pristine; /* the sites as built, to restore between runs */
	uint32_t tmpl_end;
};

struct size_result {
	uint32_t n;
	struct bench_dist ns;
	struct pv_patch_stats st;
};

/* The mix a kernel's hot paths have: four templates (irq), two inlined
 * bodies (mmu), two direct calls. */
static const unsigned site_ops[8] = {
	PV_OP_irq_save_fl, PV_OP_irq_disable, PV_OP_set_pte, PV_OP_read_cr3,
	PV_OP_irq_restore_fl, PV_OP_irq_enable, PV_OP_write_cr3,
	PV_OP_flush_tlb_one_user
};

static const uint8_t *t_ptr(void *ctx, uint64_t a, uint32_t len)
{
	struct target *t = ctx;

	if (a < T_BASE || a - T_BASE > t->size || len > t->size - (a - T_BASE))
		return NULL;
	return t->buf + (a - T_BASE);
}

static int t_read(void *ctx, uint64_t a, uint8_t *b, uint32_t len)
{
	const uint8_t *p = t_ptr(ctx, a, len);

	if (!p)
		return -1;
	memcpy(b, p, len);
	return 0;
}

static int t_write(void *ctx, uint64_t a, const uint8_t *b, uint32_t len)
{
	struct target *t = ctx;

	if (!t_ptr(ctx, a, len))
		return -1;
	memcpy(t->buf + (a - T_BASE), b, len);
	return 0;
}

static void put32(uint8_t *p, int32_t v)
{
	memcpy(p, &v, 4);
}

/* disp32 of a RIP-relative field at code offset off, insn ending at end. */
static void rip_to(struct target *t, uint32_t off, uint32_t end, uint32_t to)
{
	put32(t->buf + off, (int32_t)((int64_t)to - (int64_t)end));
}

/* Emits one template (bytes + record) for op; returns the code's end. */
static uint32_t add_template(struct target *t, uint32_t code, unsigned op,
			     const uint8_t *b, uint8_t len, uint16_t clob)
{
	struct pv_template r = { 0, (uint16_t)op, PV_BACKEND_USER, len, clob,
				 0 };
	uint32_t rec = t->tmpl_end;

	memcpy(t->buf + code, b, len);
	r.code = (int32_t)((int64_t)code - (int64_t)rec);
	memcpy(t->buf + rec, &r, sizeof(r));
	t->tmpl_end += sizeof(r);
	return code + len;
}

/* The user backend's irq templates, relocated to the fake vmask. */
static void add_templates(struct target *t)
{
	static const uint8_t dis[] = { 0xc6, 0x05, 0, 0, 0, 0, 1 };
	static const uint8_t en[] = { 0xc6, 0x05, 0, 0, 0, 0, 0 };
	static const uint8_t save[] = { 0x0f, 0xb6, 0x05, 0, 0, 0, 0, 0x83,
					0xf0, 0x01, 0xc1, 0xe0, 0x09 };
	static const uint8_t rest[] = { 0xf7, 0xc7, 0x00, 0x02, 0, 0, 0x0f,
					0x94, 0x05, 0, 0, 0, 0 };
	uint32_t c = T_CODE, e;

	t->tmpl_end = T_TMPL;
	e = add_template(t, c, PV_OP_irq_disable, dis, 7, 0);
	rip_to(t, c + 2, e, T_VMASK); /* RIP is past the imm8 */
	e = add_template(t, c = e, PV_OP_irq_enable, en, 7, 0);
	rip_to(t, c + 2, e, T_VMASK);
	e = add_template(t, c = e, PV_OP_irq_save_fl, save, 13, PV_REG_RAX);
	rip_to(t, c + 3, c + 7, T_VMASK);
	e = add_template(t, c = e, PV_OP_irq_restore_fl, rest, 13, 0);
	rip_to(t, c + 9, e, T_VMASK);
}

/* Backend functions: set_pte and read_cr3 inlinable, the rest not (they
 * use the stack), so the planner falls back to a direct call. */
static void add_funcs(struct target *t, uint64_t func[PV_NR_OPS])
{
	static const uint8_t stack[] = { 0x53, 0x5b, 0xc3 };
	static const uint8_t set[] = { 0x48, 0x89, 0x37, 0xc3 };
	static const uint8_t cr3[] = { 0x48, 0x8b, 0x05, 0, 0, 0, 0, 0xc3 };

	for (unsigned op = 0; op < PV_NR_OPS; op++) {
		uint32_t f = T_FUNCS + T_FUNC_STRIDE * op;

		func[op] = T_BASE + f;
		memcpy(t->buf + f, stack, sizeof(stack));
	}
	memcpy(t->buf + T_FUNCS + T_FUNC_STRIDE * PV_OP_set_pte, set,
	       sizeof(set));
	memcpy(t->buf + T_FUNCS + T_FUNC_STRIDE * PV_OP_read_cr3, cr3,
	       sizeof(cr3));
	rip_to(t, T_FUNCS + T_FUNC_STRIDE * PV_OP_read_cr3 + 3,
	       T_FUNCS + T_FUNC_STRIDE * PV_OP_read_cr3 + 7, T_VMASK + 8);
}

/* The table and its sites: each site the canonical indirect call. */
static void add_sites(struct target *t)
{
	struct pv_table_hdr h = { PV_TABLE_MAGIC, PV_TABLE_VERSION, SITE_LEN,
				  sizeof(h), t->n, pv_ops_abi_hash() };

	memcpy(t->buf + T_TABLE, &h, sizeof(h));
	for (uint32_t i = 0; i < t->n; i++) {
		uint64_t rec = T_TABLE + sizeof(h) + 8ull * i;
		uint64_t site = t->text + (uint64_t)SITE_LEN * i;
		unsigned op = site_ops[i % 8];
		struct pv_site r = { .offset = (int32_t)(site - rec),
				     .op = (uint8_t)op, .len = SITE_LEN,
				     .flags = (uint8_t)pv_op_class(op) };

		memcpy(t->buf + rec, &r, sizeof(r));
		pv_emit_indirect(t->buf + site, T_BASE + site, T_BASE + T_OPS,
				 op, SITE_LEN);
	}
}

static void target_free(struct target *t)
{
	free(t->buf);
	free(t->pristine);
}

static int target_make(struct target *t, uint32_t n, struct pv_backend *be,
		       const struct pv_mem *m)
{
	uint64_t func[PV_NR_OPS];
	uint64_t text_len = (uint64_t)SITE_LEN * n;

	memset(t, 0, sizeof(*t));
	t->n = n;
	t->text = (T_TABLE + sizeof(struct pv_table_hdr) + 8ull * n + 4095) &
		  ~4095ull;
	t->size = t->text + text_len;
	t->buf = malloc(t->size);
	t->pristine = malloc(text_len);
	if (!t->buf || !t->pristine)
		return -1;
	memset(t->buf, 0xcc, t->size);
	add_templates(t);
	add_funcs(t, func);
	add_sites(t);
	memcpy(t->pristine, t->buf + t->text, text_len);
	return pv_backend_build(be, PV_BACKEND_USER, "bench", T_BASE + T_OPS,
				func, T_BASE + T_TMPL, T_BASE + t->tmpl_end, 0,
				0, NULL, m);
}

/* Patches every site once from as-built to full; CPU ns per site. */
static double patch_once(struct target *t, const struct pv_backend *be,
			 const struct pv_mem *m, struct pv_patch_stats *st)
{
	uint64_t t0, t1;
	int err;

	memcpy(t->buf + t->text, t->pristine, (size_t)SITE_LEN * t->n);
	memset(st, 0, sizeof(*st));
	t0 = bench_cpu_ns();
	err = pv_patch_table((const void *)(t->buf + T_TABLE), T_BASE + T_TABLE,
			     sizeof(struct pv_table_hdr) + 8ull * t->n, be, m, -1, PV_PATCH_FULL, st, NULL, NULL);
	t1 = bench_cpu_ns();
	if (err || st->refused || st->sites != t->n)
		return -1;
	return (double)(t1 - t0) / t->n;
}

static int run_size(uint32_t n, unsigned reps, int cg, struct size_result *r)
{
	static struct pv_backend be;
	struct target t;
	struct pv_mem m = { t_ptr, t_read, t_write, &t };
	double *v = calloc(reps, sizeof(double));
	char name[64];
	int err = v && !target_make(&t, n, &be, &m) ? 0 : -1;

	r->n = n;
	snprintf(name, sizeof(name), "patch|%u|sites", n);
	for (unsigned i = 0; !err && i < reps; i++) {
		if (cg)
			CALLGRIND_ZERO_STATS;
		v[i] = patch_once(&t, &be, &m, &r->st);
		if (cg)
			CALLGRIND_DUMP_STATS_AT(name);
		err = v[i] < 0;
	}
	if (!err)
		bench_dist_of(v, reps, &r->ns);
	else
		fprintf(stderr, TOOL ": %u sites: patching failed\n", n);
	target_free(&t);
	free(v);
	return err;
}

static void print_row(const struct size_result *r, double base)
{
	const struct pv_patch_stats *s = &r->st;

	printf("%9u %9.1f %9.1f %9.1f %10.0f %6.2f   %u/%u/%u/%u\n", r->n,
	       r->ns.median, r->ns.p10, r->ns.p90, 1e9 / r->ns.median,
	       r->ns.median / base, s->strat[PV_STRAT_INLINE],
	       s->strat[PV_STRAT_BODY], s->strat[PV_STRAT_DIRECT],
	       s->strat[PV_STRAT_INDIRECT]);
}

static void put_row(FILE *f, const struct size_result *r, double base)
{
	const struct pv_patch_stats *s = &r->st;

	fprintf(f, "    {\"sites\": %u, \"ns_per_site\": {\"median\": ", r->n);
	bench_json_put_num(f, r->ns.median);
	fprintf(f, ", \"p10\": ");
	bench_json_put_num(f, r->ns.p10);
	fprintf(f, ", \"p90\": ");
	bench_json_put_num(f, r->ns.p90);
	fprintf(f, ", \"n\": %u}, \"sites_per_s\": ", r->ns.n);
	bench_json_put_num(f, 1e9 / r->ns.median);
	fprintf(f, ", \"ratio_to_smallest\": ");
	bench_json_put_num(f, r->ns.median / base);
	fprintf(f, ", \"strategies\": {\"inline\": %u, \"body\": %u, "
		   "\"direct\": %u, \"indirect\": %u}}",
		s->strat[PV_STRAT_INLINE], s->strat[PV_STRAT_BODY],
		s->strat[PV_STRAT_DIRECT], s->strat[PV_STRAT_INDIRECT]);
}

static int write_json(const char *path, const struct size_result *r,
		      unsigned n, unsigned long budget)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		fprintf(stderr, TOOL ": %s: cannot write\n", path);
		return -1;
	}
	fprintf(f, "{\n  \"tool\": \"" TOOL "\",\n  \"unit\": "
		   "\"thread CPU ns per site\",\n  \"site_len\": %u,\n"
		   "  \"sites_per_size\": %lu,\n  \"rows\": [\n",
		SITE_LEN, budget);
	for (unsigned i = 0; i < n; i++) {
		put_row(f, &r[i], r[0].ns.median);
		fprintf(f, "%s\n", i + 1 < n ? "," : "");
	}
	fprintf(f, "  ]\n}\n");
	return fclose(f) ? -1 : 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: " TOOL " [--sizes N,N,...] [--budget SITES]"
			" [--json FILE] [--callgrind]\n");
	return 2;
}

#define MAX_SIZES 16

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--help")) {
		usage();
		return 0;
	}
	uint32_t sizes[MAX_SIZES] = { 1000, 10000, 100000, 1000000 };
	unsigned nsizes = 4, cg = 0;
	unsigned long budget = 4000000; /* sites patched per size */
	struct size_result res[MAX_SIZES];
	const char *json = NULL;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : 0;

		if (!strcmp(a, "--callgrind")) {
			cg = 1;
		} else if (v && !strcmp(a, "--json")) {
			json = argv[++i];
		} else if (v && !strcmp(a, "--budget")) {
			budget = strtoul(argv[++i], NULL, 0);
		} else if (v && !strcmp(a, "--sizes")) {
			char *p = argv[++i];

			for (nsizes = 0; *p && nsizes < MAX_SIZES; nsizes++) {
				sizes[nsizes] = (uint32_t)strtoul(p, &p, 0);
				p += *p == ',';
			}
		} else {
			return usage();
		}
	}
	printf("%9s %9s %9s %9s %10s %6s   %s\n", "sites", "ns/site", "p10",
	       "p90", "sites/s", "x 1st", "inline/body/direct/indirect");
	for (unsigned i = 0; i < nsizes; i++) {
		unsigned reps = (unsigned)(budget / (sizes[i] ? sizes[i] : 1));

		if (cg || reps < 5)
			reps = cg ? 1 : 5;
		if (!sizes[i] || run_size(sizes[i], reps, cg, &res[i]))
			return 1;
		print_row(&res[i], res[0].ns.median);
	}
	return json && write_json(json, res, nsizes, budget) ? 1 : 0;
}
