/* bench_report.c: merges bench_ops and bench_patch results, their callgrind
 * dumps and the Linux 6.1 reference into userspace.{json,md} + plot data. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/utsname.h>
#include "bench.h"
#include "json.h"

#define TOOL "bench_report"
#define MAX_DUMPS 256
#define MAX_SIZES 16

struct cg_dump {
	char name[96];
	double ir;
};

struct cg {
	struct cg_dump d[MAX_DUMPS];
	unsigned n;
};

/* One (variant, op) cell of the per-call table. */
struct cell {
	double med, p10, p90, ratio; /* TSC ticks per call, net */
	double ins, ins_ratio;       /* callgrind instructions per call */
	double ins_extra;            /* ins minus the baseline's */
};

struct prow {
	double sites, med, p10, p90, per_s, ratio, ins;
	double inl, body, direct, indirect;
};

struct report {
	const char *ops_path, *ops_cg, *patch_path, *patch_cg, *linux_path;
	const char *out, *valgrind;
	struct bench_json *ops, *patch, *linux_ref;
	char *linux_text;
	struct cg cg_ops, cg_patch;
	struct cell c[B_NR_VARIANTS][B_NR_OPS];
	struct prow p[MAX_SIZES];
	unsigned np;
	double selfpatch_ins, selfpatch_sites;
	char cpu[128], date[32];
	int hypervisor; /* cpuinfo's "hypervisor" flag: a virtual machine */
};

/* ---- inputs */

static struct bench_json *load_json(const char *path, char **text)
{
	const char *err = NULL;
	char *t = path ? bench_read_file(path, NULL) : NULL;
	struct bench_json *j = t ? bench_json_parse(t, &err) : NULL;

	if (path && !t)
		fprintf(stderr, TOOL ": %s: cannot read\n", path);
	else if (path && !j)
		fprintf(stderr, TOOL ": %s: bad JSON: %s\n", path, err);
	if (text && j)
		*text = t;
	else
		free(t);
	return j;
}

/* Reads "desc: Trigger: Client Request: NAME" + its "summary: IR". */
static int cg_load(const char *path, struct cg *cg)
{
	char *t = path ? bench_read_file(path, NULL) : NULL;
	const char *tag = "desc: Trigger: Client Request: ";
	char *line, *save = NULL, *name = NULL;

	cg->n = 0;
	if (!t) {
		if (path)
			fprintf(stderr, TOOL ": %s: cannot read\n", path);
		return -1;
	}
	for (line = strtok_r(t, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, tag, strlen(tag))) {
			name = line + strlen(tag);
		} else if (name && !strncmp(line, "summary: ", 9) &&
			   cg->n < MAX_DUMPS) {
			struct cg_dump *d = &cg->d[cg->n++];

			snprintf(d->name, sizeof(d->name), "%s", name);
			d->ir = strtod(line + 9, NULL);
			name = NULL;
		}
	}
	free(t);
	return 0;
}

/* Instructions of the first dump whose name starts with prefix; *count
 * gets the number that follows the prefix (0 if none). */
static double cg_find(const struct cg *cg, const char *prefix, double *count)
{
	size_t n = strlen(prefix);

	for (unsigned i = 0; i < cg->n; i++)
		if (!strncmp(cg->d[i].name, prefix, n)) {
			*count = strtod(cg->d[i].name + n, NULL);
			return cg->d[i].ir;
		}
	return -1;
}

static int op_index(const char *s)
{
	for (int i = 0; s && i < B_NR_OPS; i++)
		if (!strcmp(s, bench_op_names[i]))
			return i;
	return -1;
}

static int variant_index(const char *s)
{
	for (int i = 0; s && i < B_NR_VARIANTS; i++)
		if (!strcmp(s, bench_variant_names[i]))
			return i;
	return -1;
}

static void fill_cycles(struct report *r)
{
	const struct bench_json *rows = bench_json_get(r->ops, "rows");
	const struct bench_json *w = rows ? rows->kid : NULL;

	for (unsigned v = 0; v < B_NR_VARIANTS; v++)
		for (unsigned op = 0; op < B_NR_OPS; op++)
			r->c[v][op] = (struct cell){ NAN, NAN, NAN, NAN,
						     NAN, NAN, NAN };
	for (; w; w = w->next) {
		int op = op_index(bench_json_str(w, "op"));
		int v = variant_index(bench_json_str(w, "variant"));
		const struct bench_json *net = bench_json_get(w, "net");
		struct cell *c;

		if (op < 0 || v < 0)
			continue;
		c = &r->c[v][op];
		c->med = bench_json_num(net, "median", NAN);
		c->p10 = bench_json_num(net, "p10", NAN);
		c->p90 = bench_json_num(net, "p90", NAN);
		c->ratio = bench_json_num(w, "ratio", NAN);
	}
}

/* Instructions per call, net of the empty loop, from the ops dumps. */
static void fill_instructions(struct report *r)
{
	double calls = 0, empty;
	char prefix[96];

	empty = cg_find(&r->cg_ops, "ops|empty|loop|", &calls);
	for (unsigned v = 0; v < B_NR_VARIANTS; v++)
		for (unsigned op = 0; op < B_NR_OPS; op++) {
			double n = 0, ir;

			snprintf(prefix, sizeof(prefix), "ops|%s|%s|",
				 bench_op_names[op], bench_variant_names[v]);
			ir = cg_find(&r->cg_ops, prefix, &n);
			r->c[v][op].ins = ir < 0 || empty < 0 || n != calls ?
						  NAN :
						  (ir - empty) / n;
		}
	for (unsigned v = 0; v < B_NR_VARIANTS; v++)
		for (unsigned op = 0; op < B_NR_OPS; op++) {
			struct cell *c = &r->c[v][op];
			double base = r->c[V_BASELINE][op].ins;

			c->ins_ratio = c->ins / base;
			c->ins_extra = c->ins - base;
		}
	r->selfpatch_ins =
		cg_find(&r->cg_ops, "selfpatch|", &r->selfpatch_sites);
}

static void fill_patch(struct report *r)
{
	const struct bench_json *rows = bench_json_get(r->patch, "rows");
	char prefix[64];

	r->np = 0;
	for (const struct bench_json *w = rows ? rows->kid : 0;
	     w && r->np < MAX_SIZES; w = w->next) {
		struct prow *p = &r->p[r->np++];
		const struct bench_json *ns = bench_json_get(w, "ns_per_site");
		const struct bench_json *st = bench_json_get(w, "strategies");
		double n = 0, ir;

		p->sites = bench_json_num(w, "sites", NAN);
		p->med = bench_json_num(ns, "median", NAN);
		p->p10 = bench_json_num(ns, "p10", NAN);
		p->p90 = bench_json_num(ns, "p90", NAN);
		p->per_s = bench_json_num(w, "sites_per_s", NAN);
		p->ratio = bench_json_num(w, "ratio_to_smallest", NAN);
		p->inl = bench_json_num(st, "inline", NAN);
		p->body = bench_json_num(st, "body", NAN);
		p->direct = bench_json_num(st, "direct", NAN);
		p->indirect = bench_json_num(st, "indirect", NAN);
		snprintf(prefix, sizeof(prefix), "patch|%.0f|", p->sites);
		ir = cg_find(&r->cg_patch, prefix, &n);
		p->ins = ir < 0 || !(p->sites > 0) ? NAN : ir / p->sites;
	}
}

static void machine_info(struct report *r)
{
	char *info = bench_read_file("/proc/cpuinfo", NULL);
	char *m = info ? strstr(info, "model name") : NULL;
	time_t now = time(NULL);

	snprintf(r->cpu, sizeof(r->cpu), "unknown");
	r->hypervisor = info && strstr(info, " hypervisor");
	if (m && (m = strchr(m, ':'))) {
		size_t len = strcspn(m + 2, "\n");

		snprintf(r->cpu, sizeof(r->cpu), "%.*s", (int)len, m + 2);
	}
	free(info);
	strftime(r->date, sizeof(r->date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
}

/* ---- Linux 6.1 reference */

static const struct bench_json *linux_op(const struct report *r,
					 unsigned op, const char *env)
{
	const struct bench_json *ops = bench_json_get(r->linux_ref, "ops");

	return bench_json_get(bench_json_get(ops, bench_op_names[op]), env);
}

/* ---- output: JSON */

static void put_kv_num(FILE *f, const char *k, double v, const char *sep)
{
	fprintf(f, "\"%s\": ", k);
	bench_json_put_num(f, v);
	fputs(sep, f);
}

static void put_kv_str(FILE *f, const char *k, const char *v, const char *sep)
{
	fprintf(f, "\"%s\": ", k);
	bench_json_put_str(f, v);
	fputs(sep, f);
}

static void json_machine(FILE *f, const struct report *r)
{
	struct utsname u;

	uname(&u);
	fprintf(f, "  \"machine\": {");
	put_kv_str(f, "cpu", r->cpu, ", ");
	put_kv_num(f, "cpus_online", (double)sysconf(_SC_NPROCESSORS_ONLN),
		   ", ");
	fprintf(f, "\"virtual_machine\": %s, ",
		r->hypervisor ? "true" : "false");
	put_kv_str(f, "kernel", u.release, ", ");
	put_kv_str(f, "compiler", "gcc " __VERSION__, ", ");
	put_kv_str(f, "valgrind", r->valgrind, ", ");
	put_kv_str(f, "date", r->date, "},\n");
}

static void json_method(FILE *f, const struct report *r)
{
	fprintf(f, "  \"method\": {");
	put_kv_str(f, "cycles", "TSC ticks per call: lfence;rdtsc;lfence .. "
				"rdtscp;lfence around one loop run; median "
				"and p10/p90 over runs; empty-loop median "
				"subtracted", ", ");
	put_kv_num(f, "runs", bench_json_num(r->ops, "runs", NAN), ", ");
	put_kv_num(f, "calls_per_run",
		   bench_json_num(r->ops, "calls_per_run", NAN), ", ");
	put_kv_num(f, "unroll", bench_json_num(r->ops, "unroll", NAN), ", ");
	put_kv_num(f, "site_len", bench_json_num(r->ops, "site_len", NAN),
		   ", ");
	put_kv_str(f, "instructions", "valgrind --tool=callgrind, one "
				      "client-request dump per loop; (Ir - "
				      "Ir of the empty loop) / calls", ", ");
	put_kv_str(f, "ratios", "variant / (f) baseline, per op", "},\n");
}

static void json_op_row(FILE *f, const struct report *r, unsigned v,
			unsigned op)
{
	const struct cell *c = &r->c[v][op];

	fprintf(f, "    {\"env\": \"host-userspace\", \"kind\": \"op_call\", ");
	put_kv_str(f, "op", bench_op_names[op], ", ");
	put_kv_str(f, "variant", bench_variant_names[v], ", ");
	put_kv_str(f, "label", bench_variant_labels[v], ", ");
	fprintf(f, "\"cycles\": {");
	put_kv_num(f, "median", c->med, ", ");
	put_kv_num(f, "p10", c->p10, ", ");
	put_kv_num(f, "p90", c->p90, "}, ");
	put_kv_num(f, "cycles_ratio", c->ratio, ", ");
	put_kv_num(f, "cycles_extra", c->med - r->c[V_BASELINE][op].med, ", ");
	put_kv_num(f, "instructions", c->ins, ", ");
	put_kv_num(f, "instructions_ratio", c->ins_ratio, ", ");
	put_kv_num(f, "instructions_extra", c->ins_extra, "}");
}

static void json_linux_row(FILE *f, const struct report *r, unsigned op,
			   const char *env)
{
	const struct bench_json *l = linux_op(r, op, env);
	double ins = bench_json_num(l, "insns", NAN);
	double in_place = bench_json_num(l, "insns_in_place", NAN);

	fprintf(f, "    {\"env\": \"linux-6.1-%s\", \"kind\": \"reference\", ",
		env);
	put_kv_str(f, "op", bench_op_names[op], ", ");
	put_kv_str(f, "variant", env, ", ");
	put_kv_str(f, "sequence", bench_json_str(l, "sequence"), ", ");
	put_kv_num(f, "instructions", ins, ", ");
	put_kv_num(f, "instructions_without_nops",
		   bench_json_num(l, "insns_without_nops", NAN), ", ");
	put_kv_num(f, "instructions_in_place", in_place, ", ");
	put_kv_num(f, "instructions_ratio", ins / in_place, ", ");
	put_kv_num(f, "instructions_extra", ins - in_place, "}");
}

static void json_patch_row(FILE *f, const struct prow *p)
{
	fprintf(f, "    {\"env\": \"host-userspace\", \"kind\": "
		   "\"patch_throughput\", ");
	put_kv_num(f, "sites", p->sites, ", ");
	fprintf(f, "\"ns_per_site\": {");
	put_kv_num(f, "median", p->med, ", ");
	put_kv_num(f, "p10", p->p10, ", ");
	put_kv_num(f, "p90", p->p90, "}, ");
	put_kv_num(f, "sites_per_s", p->per_s, ", ");
	put_kv_num(f, "ns_ratio_to_smallest", p->ratio, ", ");
	put_kv_num(f, "instructions_per_site", p->ins, ", ");
	fprintf(f, "\"strategies\": {");
	put_kv_num(f, "inline", p->inl, ", ");
	put_kv_num(f, "body", p->body, ", ");
	put_kv_num(f, "direct", p->direct, ", ");
	put_kv_num(f, "indirect", p->indirect, "}}");
}

static void json_selfpatch_row(FILE *f, const struct report *r)
{
	const struct bench_json *ns =
		bench_json_get(r->ops, "repatch_ns_per_site");

	fprintf(f, "    {\"env\": \"host-userspace\", \"kind\": "
		   "\"selfpatch\", ");
	put_kv_num(f, "sites", bench_json_num(r->ops, "sites", NAN), ", ");
	fprintf(f, "\"ns_per_site\": {");
	put_kv_num(f, "median", bench_json_num(ns, "median", NAN), ", ");
	put_kv_num(f, "p10", bench_json_num(ns, "p10", NAN), ", ");
	put_kv_num(f, "p90", bench_json_num(ns, "p90", NAN), "}, ");
	put_kv_num(f, "instructions_per_site",
		   r->selfpatch_sites > 0 ?
			   r->selfpatch_ins / r->selfpatch_sites : NAN,
		   "}");
}

/* Instructions per site of the smallest and largest table measured. */
static void patch_ins_range(const struct report *r, double *lo, double *hi)
{
	*lo = *hi = NAN;
	for (unsigned i = 0; i < r->np; i++) {
		if (isnan(r->p[i].ins))
			continue;
		if (isnan(*lo))
			*lo = r->p[i].ins;
		*hi = r->p[i].ins;
	}
}

/* Headline ratios: the patched variants against (a) and (f). */
static void json_headline(FILE *f, const struct report *r)
{
	double ns = r->np ? r->p[r->np - 1].med / r->p[0].med : NAN;
	double lo, hi;

	patch_ins_range(r, &lo, &hi);
	fprintf(f, "  \"headline\": {");
	for (unsigned op = 0; op < B_NR_OPS; op++) {
		fprintf(f, "\"%s\": {", bench_op_names[op]);
		put_kv_num(f, "inline_cycles_ratio",
			   r->c[V_INLINE][op].ratio, ", ");
		put_kv_num(f, "inline_instructions_ratio",
			   r->c[V_INLINE][op].ins_ratio, ", ");
		put_kv_num(f, "indirect_cycles_ratio",
			   r->c[V_INDIRECT][op].ratio, "}, ");
	}
	put_kv_num(f, "patch_ns_ratio_largest_to_smallest", ns, ", ");
	put_kv_num(f, "patch_instructions_ratio_largest_to_smallest", hi / lo,
		   "},\n");
}

static int write_json(const struct report *r, const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f, "{\n  \"generated_by\": \"bench/run via " TOOL "; do not "
		   "edit\",\n");
	json_machine(f, r);
	json_method(f, r);
	json_headline(f, r);
	fprintf(f, "  \"rows\": [\n");
	for (unsigned op = 0; op < B_NR_OPS; op++) {
		for (unsigned v = 0; v < B_NR_VARIANTS; v++) {
			json_op_row(f, r, v, op);
			fprintf(f, ",\n");
		}
		json_linux_row(f, r, op, "native");
		fprintf(f, ",\n");
		json_linux_row(f, r, op, "xen_pv");
		fprintf(f, ",\n");
	}
	for (unsigned i = 0; i < r->np; i++) {
		json_patch_row(f, &r->p[i]);
		fprintf(f, ",\n");
	}
	json_selfpatch_row(f, r);
	fprintf(f, "\n  ],\n  \"linux61_reference\": %s}\n",
		r->linux_text ? r->linux_text : "null\n");
	return fclose(f);
}

/* ---- output: Markdown */

/* A number, or "-" where nothing was measured. */
static void md_num(FILE *f, double v, const char *fmt)
{
	if (!isnan(v))
		fprintf(f, fmt, v);
	else
		fputs("-", f);
}

static void md_header(FILE *f, const char *first)
{
	fprintf(f, "| %s |", first);
	for (unsigned op = 0; op < B_NR_OPS; op++)
		fprintf(f, " %s |", bench_op_labels[op]);
	fprintf(f, "\n|---|");
	for (unsigned op = 0; op < B_NR_OPS; op++)
		fprintf(f, "---:|");
	fprintf(f, "\n");
}

static void md_cycles(FILE *f, const struct report *r)
{
	fprintf(f, "### Cycles per call (TSC ticks, median [p10, p90], "
		   "x baseline, (+extra))\n\n");
	md_header(f, "variant");
	for (unsigned v = 0; v < B_NR_VARIANTS; v++) {
		fprintf(f, "| %s |", bench_variant_labels[v]);
		for (unsigned op = 0; op < B_NR_OPS; op++) {
			const struct cell *c = &r->c[v][op];

			fputc(' ', f);
			md_num(f, c->med, "%.2f");
			fputs(" [", f);
			md_num(f, c->p10, "%.2f");
			fputs(", ", f);
			md_num(f, c->p90, "%.2f");
			fputs("] x", f);
			md_num(f, c->ratio, "%.2f");
			fputs(" (", f);
			md_num(f, c->med - r->c[V_BASELINE][op].med, "%+.2f");
			fputs(") |", f);
		}
		fputc('\n', f);
	}
	fputc('\n', f);
}

static void md_linux_row(FILE *f, const struct report *r, const char *env,
			 const char *label)
{
	fprintf(f, "| %s |", label);
	for (unsigned op = 0; op < B_NR_OPS; op++) {
		const struct bench_json *l = linux_op(r, op, env);
		double ins = bench_json_num(l, "insns", NAN);
		double in_place = bench_json_num(l, "insns_in_place", NAN);
		const char *why = bench_json_str(l, "short");

		if (isnan(ins)) {
			fprintf(f, " n/a (%s) |", why ? why : "no count");
			continue;
		}
		fprintf(f, " %.0f x", ins);
		md_num(f, ins / in_place, "%.2f");
		fprintf(f, " (+%.0f) |", ins - in_place);
	}
	fputc('\n', f);
}

static void md_instructions(FILE *f, const struct report *r)
{
	fprintf(f, "### Instructions per call (callgrind; NOPs count; "
		   "x baseline, (+extra))\n\n");
	md_header(f, "variant");
	for (unsigned v = 0; v < B_NR_VARIANTS; v++) {
		fprintf(f, "| %s |", bench_variant_labels[v]);
		for (unsigned op = 0; op < B_NR_OPS; op++) {
			const struct cell *c = &r->c[v][op];

			fputc(' ', f);
			md_num(f, c->ins, "%.2f");
			fputs(" x", f);
			md_num(f, c->ins_ratio, "%.2f");
			fputs(" (", f);
			md_num(f, c->ins_extra, "%+.2f");
			fputs(") |", f);
		}
		fputc('\n', f);
	}
	md_linux_row(f, r, "native", "Linux 6.1 native, patched (source; "
				     "x its in-place op)");
	md_linux_row(f, r, "xen_pv", "Linux 6.1 Xen PV, patched (source; "
				     "x its in-place op)");
	fputc('\n', f);
}

static void md_selfpatch(FILE *f, const struct report *r)
{
	const struct bench_json *ns =
		bench_json_get(r->ops, "repatch_ns_per_site");

	fprintf(f, "libpv re-patching its own text (bench_ops, %.0f sites, "
		   "mprotect around every site): ",
		bench_json_num(r->ops, "sites", NAN));
	md_num(f, bench_json_num(ns, "median", NAN), "%.0f");
	fputs(" ns/site wall time (median), ", f);
	md_num(f, r->selfpatch_sites > 0 ?
			  r->selfpatch_ins / r->selfpatch_sites : NAN,
	       "%.0f");
	fputs(" user-space instructions/site.\n\n", f);
}

static void md_patch(FILE *f, const struct report *r)
{
	fprintf(f, "### Patching throughput (pv_patch_table over synthetic "
		   "tables, FULL mode)\n\n");
	fprintf(f, "| sites | CPU ns/site median [p10, p90] | sites/s | "
		   "x smallest | instructions/site |\n|---:|---:|---:|---:|"
		   "---:|\n");
	for (unsigned i = 0; i < r->np; i++) {
		const struct prow *p = &r->p[i];

		fprintf(f, "| %.0f | %.1f [%.1f, %.1f] | %.2fM | %.2f | ",
			p->sites, p->med, p->p10, p->p90, p->per_s / 1e6,
			p->ratio);
		md_num(f, p->ins, "%.0f");
		fputs(" |\n", f);
	}
	fputc('\n', f);
	md_selfpatch(f, r);
}

/* Linux's instructions for one op (+ those beyond its in-place form). */
static void md_linux_cell(FILE *f, const struct bench_json *l)
{
	double ins = bench_json_num(l, "insns", NAN);
	double in_place = bench_json_num(l, "insns_in_place", NAN);

	if (isnan(ins) || isnan(in_place)) {
		fputs(" - |", f);
		return;
	}
	fprintf(f, " %.0f (+%.0f) |", ins, ins - in_place);
}

/* The README's table: one row per op, ticks / instructions per call. */
static void md_readme(FILE *f, const struct report *r)
{
	static const unsigned cols[] = { V_INDIRECT, V_RETPOLINE, V_IFUNC,
					 V_DIRECT, V_INLINE, V_BASELINE };
	const unsigned ncols = sizeof(cols) / sizeof(cols[0]);

	fprintf(f, "### Summary: TSC ticks / instructions per call\n\n| op |");
	for (unsigned i = 0; i < ncols; i++)
		fprintf(f, " %.3s |", bench_variant_labels[cols[i]]);
	fprintf(f, " Linux 6.1 native | Linux 6.1 Xen PV |\n|---|");
	for (unsigned i = 0; i < ncols + 2; i++)
		fprintf(f, "---:|");
	fputc('\n', f);
	for (unsigned op = 0; op < B_NR_OPS; op++) {
		fprintf(f, "| %s |", bench_op_labels[op]);
		for (unsigned i = 0; i < ncols; i++) {
			fputc(' ', f);
			md_num(f, r->c[cols[i]][op].med, "%.2f");
			fputs(" / ", f);
			md_num(f, r->c[cols[i]][op].ins, "%.1f");
			fputs(" |", f);
		}
		md_linux_cell(f, linux_op(r, op, "native"));
		md_linux_cell(f, linux_op(r, op, "xen_pv"));
		fputc('\n', f);
	}
	fprintf(f, "\n(a) indirect call through a function-pointer table, "
		   "(b) the same built with retpolines, (c) PLT call to an "
		   "ifunc, (d) libpv-patched direct call, (e) libpv-patched "
		   "inline, (f) the op written in place. Linux 6.1: "
		   "instructions of its patched sequence (+ those beyond the "
		   "op written in place), read from source.\n\n");
}

static void md_all(FILE *f, const struct report *r)
{
	fprintf(f, "<!-- generated by bench/run (" TOOL "); do not edit -->\n"
		   "## Userspace microbenchmarks\n\n"
		   "Host: %s, %ld CPUs online, gcc %s, %s. Cycles: median of "
		   "%.0f runs x %.0f calls, net of the empty loop. "
		   "Instructions: callgrind. Method: docs/bench.md.\n\n",
		   r->cpu, sysconf(_SC_NPROCESSORS_ONLN), __VERSION__, r->date,
		   bench_json_num(r->ops, "runs", NAN),
		   bench_json_num(r->ops, "calls_per_run", NAN));
	md_readme(f, r);
	md_cycles(f, r);
	md_instructions(f, r);
	md_patch(f, r);
}

/* ---- output: gnuplot data */

static int write_dat(const struct report *r, const char *ops_path,
		     const char *patch_path)
{
	FILE *f = fopen(ops_path, "w");

	if (!f)
		return -1;
	fprintf(f, "# generated by " TOOL "; net TSC ticks per call\nop");
	for (unsigned v = 0; v < B_NR_VARIANTS; v++)
		fprintf(f, " %s", bench_variant_names[v]);
	fputc('\n', f);
	for (unsigned op = 0; op < B_NR_OPS; op++) {
		fprintf(f, "%s", bench_op_names[op]);
		for (unsigned v = 0; v < B_NR_VARIANTS; v++)
			fprintf(f, " %.4f", r->c[v][op].med > 0.01 ?
						    r->c[v][op].med : 0.01);
		fputc('\n', f);
	}
	if (fclose(f) || !(f = fopen(patch_path, "w")))
		return -1;
	fprintf(f, "# generated by " TOOL "\n# sites ns p10 p90\n");
	for (unsigned i = 0; i < r->np; i++)
		fprintf(f, "%.0f %.3f %.3f %.3f\n", r->p[i].sites, r->p[i].med,
			r->p[i].p10, r->p[i].p90);
	return fclose(f);
}

static int usage(void)
{
	fprintf(stderr, "usage: " TOOL " --ops F.json [--ops-cg F] "
			"[--patch F.json] [--patch-cg F] [--linux F.json] "
			"[--valgrind VERSION] --out PREFIX\n");
	return 2;
}

static int parse_args(int argc, char **argv, struct report *r)
{
	static const char *const names[] = { "--ops", "--ops-cg", "--patch",
					     "--patch-cg", "--linux", "--out",
					     "--valgrind" };
	const char **dst[] = { &r->ops_path, &r->ops_cg, &r->patch_path,
			       &r->patch_cg, &r->linux_path, &r->out,
			       &r->valgrind };

	for (int i = 1; i + 1 < argc; i += 2) {
		unsigned k = 0;

		while (k < 7 && strcmp(argv[i], names[k]))
			k++;
		if (k == 7)
			return -1;
		*dst[k] = argv[i + 1];
	}
	return argc % 2 && r->ops_path && r->out ? 0 : -1;
}

/* Writes PREFIX.md and prints the same tables. */
static int write_md(const struct report *r, const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	md_all(f, r);
	if (fclose(f))
		return -1;
	md_all(stdout, r);
	return 0;
}

static int write_all(struct report *r)
{
	char json[4096], md[4096], ops[4096], patch[4096];

	snprintf(json, sizeof(json), "%s.json", r->out);
	snprintf(md, sizeof(md), "%s.md", r->out);
	snprintf(ops, sizeof(ops), "%s-ops.dat", r->out);
	snprintf(patch, sizeof(patch), "%s-patch.dat", r->out);
	if (write_json(r, json) || write_md(r, md) ||
	    write_dat(r, ops, patch)) {
		fprintf(stderr, TOOL ": %s.*: cannot write\n", r->out);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--help")) {
		usage();
		return 0;
	}
	static struct report r;

	if (parse_args(argc, argv, &r))
		return usage();
	r.ops = load_json(r.ops_path, NULL);
	if (!r.ops)
		return 1;
	r.patch = load_json(r.patch_path, NULL);
	r.linux_ref = load_json(r.linux_path, &r.linux_text);
	cg_load(r.ops_cg, &r.cg_ops);
	cg_load(r.patch_cg, &r.cg_patch);
	machine_info(&r);
	fill_cycles(&r);
	fill_instructions(&r);
	fill_patch(&r);
	return write_all(&r);
}
