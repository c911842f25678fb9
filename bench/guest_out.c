/* guest_out.c: the in-guest report's outputs: guest.md (the tables),
 * guest.json (rows shaped as userspace.json's) and guest.dat (the plot). */
#include <math.h>
#include <string.h>
#include "guest_report.h"

/* ---- Markdown */

/* "v xR (+d)" against base; "v" alone when base is v's own column. */
static void md_fig(FILE *f, double v, double base, int plain)
{
	if (isnan(v))
		fputs(" - |", f);
	else if (plain || isnan(base) || base <= 0)
		fprintf(f, " %.0f |", v);
	else
		fprintf(f, " %.0f x%.2f (%+.0f) |", v, v / base, v - base);
}

static void md_linux(FILE *f, const struct g_report *r, unsigned p,
		     const char *plat)
{
	double n, in_place;

	if (g_linux(r, p, plat, &n, &in_place))
		fprintf(f, " %.0f (%+.0f) |", n, n - in_place);
	else
		fputs(" - |", f);
}

static void md_hot_native(FILE *f, const struct g_report *r)
{
	fputs("\n### Native (QEMU TCG): instructions per iteration\n\n"
	      "| path | PV=n | nopatch | noinline | full | Linux 6.1 "
	      "native |\n|---|---:|---:|---:|---:|---:|\n", f);
	for (unsigned p = 0; p < r->npaths; p++) {
		fprintf(f, "| %s |", r->path[p]);
		for (unsigned m = 0; m < G_NR_MODES; m++)
			md_fig(f, r->cell[G_NATIVE][p][m].value, g_base(r, p),
			       m == G_PV_N);
		md_linux(f, r, p, "native");
		fputc('\n', f);
	}
	fputs("\nOne loop iteration, the loop's own instructions (`loop`) "
	      "included. x: ratio to PV=n, (+n): instructions beyond PV=n. "
	      "Linux 6.1: the instructions of its patched ops alone, from "
	      "source (bench/linux61-reference.json), (+n) beyond the same "
	      "ops written in place; `-` where the reference has no entry "
	      "for one of the path's ops.\n", f);
}

/* The i386 kernel (issue 16): its own PV=n is the base. */
static void md_hot_i386(FILE *f, const struct g_report *r)
{
	if (!r->measured[G_I386])
		return;
	fputs("\n### i386 native (QEMU TCG): instructions per iteration\n\n"
	      "| path | PV=n | nopatch | noinline | full |\n"
	      "|---|---:|---:|---:|---:|\n", f);
	for (unsigned p = 0; p < r->npaths; p++) {
		fprintf(f, "| %s |", r->path[p]);
		for (unsigned m = 0; m < G_NR_MODES; m++)
			md_fig(f, r->cell[G_I386][p][m].value,
			       g_base_env(r, G_I386, p), m == G_PV_N);
		fputc('\n', f);
	}
	fputs("\nThe same paths in the i386 kernel (`make ARCH=i386`, "
	      "docs/i386.md): x and (+n) against the i386 PV=n build. Its "
	      "hot ops are native sites, as on x86-64: PV=n's instructions "
	      "in the compiler's registers, ds-prefixed to the site length; "
	      "nopatch and noinline jump to each site's stub, which, for "
	      "a CALLER op, saves the class's registers around the "
	      "call.\n", f);
}

/* The separator row of a table: label columns, then one per platform
 * measured. */
static void md_sep(FILE *f, const struct g_report *r, unsigned labels)
{
	fputc('\n', f);
	fputc('|', f);
	for (unsigned i = 0; i < labels; i++)
		fputs(i ? "---:|" : "---|", f);
	for (unsigned e = 0; e < G_NR_ENVS; e++)
		if (r->measured[e])
			fputs("---:|", f);
	fputc('\n', f);
}

/*
 * Hypercalls per iteration Linux 6.1 makes for the same ops as a Xen PV
 * guest, outside lazy mode, from arch/x86/xen/mmu_pv.c: xen_set_pte is
 * one mmu_update (xen_batched_set_pte falls back to HYPERVISOR_mmu_update);
 * xen_flush_tlb_one_user one mmuext_op INVLPG_LOCAL (a one-entry batch,
 * which xen_mc_flush issues as the hypercall itself); xen_write_cr3 one
 * multicall (NEW_BASEPTR and NEW_USER_BASEPTR in one batch, xen_mc_issue);
 * the irq ops, read_cr3 and sched_clock none.
 */
static const struct {
	const char *path;
	unsigned n;
} linux_hcalls[] = {
	{ "loop", 0 }, { "irq_crit", 0 }, { "irq_pair", 0 },
	{ "pte_flush", 2 }, { "sched_clock", 0 }, { "cr3_switch", 1 },
};

static void md_linux_hcalls(FILE *f, const char *path)
{
	for (unsigned i = 0; i < sizeof(linux_hcalls) / sizeof(*linux_hcalls);
	     i++)
		if (!strcmp(linux_hcalls[i].path, path)) {
			fprintf(f, " %u |", linux_hcalls[i].n);
			return;
		}
	fputs(" - |", f);
}

static void md_hcalls(FILE *f, double v)
{
	if (isnan(v))
		fputs(" - |", f);
	else
		fprintf(f, " %.2g |", v);
}

/* Ours without the loop against Linux's ops alone: like for like. */
static double xen_ops(const struct g_report *r, unsigned p)
{
	for (unsigned q = 0; q < r->npaths; q++)
		if (!strcmp(r->path[q], "loop"))
			return r->cell[G_XEN][p][G_FULL].value -
			       r->cell[G_XEN][q][G_FULL].value;
	return NAN;
}

static void md_xen_ops(FILE *f, const struct g_report *r, unsigned p)
{
	double ours = xen_ops(r, p), n, in_place;

	if (!strcmp(r->path[p], "loop")) {
		fputs(" - | - |", f);
		return;
	}
	if (!g_linux(r, p, "xen_pv", &n, &in_place)) {
		fprintf(f, " %.0f | - |", ours);
		return;
	}
	fprintf(f, " %.0f x%.2f (%+.0f) | %.0f |", ours, ours / n, ours - n, n);
}

static void md_hot_xen(FILE *f, const struct g_report *r)
{
	fputs("\n### Xen PV Dom0: instructions per iteration\n\n", f);
	if (!r->measured[G_XEN]) {
		fprintf(f, "Not measured: %s. `bench/guest` adds these rows "
			"by itself once `scripts/run-xen` boots the kernel.\n",
			r->xen_note ? r->xen_note : "Xen boot not available");
		return;
	}
	fputs("| path | nopatch | noinline | full | full, ops alone | "
	      "Linux 6.1 Xen PV, ops alone | hypercalls, full | Linux 6.1 "
	      "hypercalls |\n|---|---:|---:|---:|---:|---:|---:|---:|\n", f);
	for (unsigned p = 0; p < r->npaths; p++) {
		fprintf(f, "| %s |", r->path[p]);
		for (unsigned m = G_NOPATCH; m < G_NR_MODES; m++)
			md_fig(f, r->cell[G_XEN][p][m].value, NAN, 1);
		md_xen_ops(f, r, p);
		md_hcalls(f, r->cell[G_XEN][p][G_FULL].hcalls);
		md_linux_hcalls(f, r->path[p]);
		fputc('\n', f);
	}
	fputs("\nGuest instructions only (Xen's own, inside hypercalls and "
	      "event delivery, are not single-stepped). A PV=n kernel cannot "
	      "run on Xen, so no ratio to it: *ops alone* is full less the "
	      "loop's own instructions, x and (+n) against Linux 6.1 Xen "
	      "PV's instructions for the same ops (from source, "
	      "bench/linux61-reference.json; `-` where it gives none). "
	      "The least iteration is given: an iteration during which an "
	      "event arrived runs the irq ops' event path too (see "
	      "Spread). Hypercalls: the `syscall`s the single-stepper saw "
	      "per iteration (hypercall page and inline alike); Linux 6.1's "
	      "for the same ops outside lazy mode, from "
	      "arch/x86/xen/mmu_pv.c (xen_set_pte: one mmu_update; "
	      "xen_flush_tlb_one_user: one mmuext_op; xen_write_cr3: one "
	      "multicall of NEW_BASEPTR and NEW_USER_BASEPTR).\n", f);
}

/* How the measurements of one figure agree. */
static void md_spread_cell(FILE *f, const struct g_cell *c)
{
	double longer = 0, iters = 0, hi = 0, mlo = INFINITY, mhi = 0;

	if (!c->n) {
		fputs(" - |", f);
		return;
	}
	for (unsigned i = 0; i < c->n; i++) {
		longer += c->s[i].longer;
		iters += c->s[i].iters;
		hi = fmax(hi, c->s[i].iter_max);
		mlo = fmin(mlo, c->s[i].mean);
		mhi = fmax(mhi, c->s[i].mean_max);
	}
	if (c->identical)
		fprintf(f, " %ux identical |", c->n);
	else if (c->stable)
		fprintf(f, " %ux least equal; %.0f/%.0f longer (max %.0f), "
			   "mean %.2f-%.2f |", c->n, longer, iters, hi, mlo,
			mhi);
	else
		fprintf(f, " %ux differ |", c->n);
}

static void md_spread(FILE *f, const struct g_report *r)
{
	fputs("\n### Spread\n\nEach measurement counts the loop at 100 and "
	      "200 iterations, three times, and every iteration on its own; "
	      "a figure is measured in every boot that can (as booted, and "
	      "re-patched from a more patched boot), two boots for PV=n and "
	      "full. *identical*: every count of every measurement the same, "
	      "every iteration the same length.\n\n"
	      "| platform | path | PV=n | nopatch | noinline | full |\n"
	      "|---|---|---|---|---|---|\n", f);
	for (unsigned e = 0; e < G_NR_ENVS; e++) {
		if (!r->measured[e])
			continue;
		for (unsigned p = 0; p < r->npaths; p++) {
			fprintf(f, "| %s | %s |", g_env_labels[e], r->path[p]);
			for (unsigned m = 0; m < G_NR_MODES; m++)
				md_spread_cell(f, &r->cell[e][p][m]);
			fputc('\n', f);
		}
	}
}

/* The platform's first bench-patch line with what=w and k=v. */
static const struct bench_json *patch_line(const struct g_report *r, int env,
					   const char *w, const char *k,
					   const char *v)
{
	for (unsigned i = 0; i < r->nitems; i++) {
		const struct g_item *it = &r->item[i];
		const char *a = bench_json_str(it->j, "what");
		const char *b = bench_json_str(it->j, k);

		if (it->kind == G_PATCH && r->log[it->log].env == env && a &&
		    !strcmp(a, w) && b && !strcmp(b, v))
			return it->j;
	}
	return NULL;
}

static void md_patch_row(FILE *f, const struct g_report *r, const char *name,
			 const char *w, const char *k, const char *v,
			 const char *field)
{
	fprintf(f, "| %s |", name);
	for (unsigned e = 0; e < G_NR_ENVS; e++) {
		const struct bench_json *j = patch_line(r, (int)e, w, k, v);
		double x = bench_json_num(j, field, NAN);

		if (!r->measured[e])
			continue;
		if (isnan(x))
			fputs(" - |", f);
		else if (!strcmp(field, "insn_per_site"))
			fprintf(f, " %.1f (%.0f sites) |", x,
				bench_json_num(j, "sites", NAN));
		else
			fprintf(f, " %.0f |", x);
	}
	fputc('\n', f);
}

static void md_patch_rows(FILE *f, const struct g_report *r)
{
	static const char *const strat[] = { "inline", "body", "hypercall",
					     "direct", "indirect" };
	char name[64];

	md_patch_row(f, r, "whole table, as built -> full (the boot pass)",
		     "boot_pass", "to", "full", "insn_per_site");
	for (unsigned s = 0; s < 5; s++) {
		if (!patch_line(r, G_NATIVE, "strategy", "strategy", strat[s]) &&
		    !patch_line(r, G_XEN, "strategy", "strategy", strat[s]))
			continue; /* no site took it anywhere */
		snprintf(name, sizeof(name), "... sites that become %s",
			 strat[s]);
		md_patch_row(f, r, name, "strategy", "strategy", strat[s],
			     "insn_per_site");
	}
	md_patch_row(f, r, "whole table, as built -> noinline", "boot_pass",
		     "to", "noinline", "insn_per_site");
	md_patch_row(f, r, "re-patch, full -> nopatch", "repatch", "to",
		     "nopatch", "insn_per_site");
	md_patch_row(f, r, "once per pass: table check (ABI hash)", "fixed",
		     "to", "full", "insns");
	md_patch_row(f, r, "once per boot: backend build", "backend_build",
		     "what", "backend_build", "insns");
	md_patch_row(f, r, "boot pass to full, all instructions", "boot_pass",
		     "to", "full", "insns");
}

static void md_patch(FILE *f, const struct g_report *r)
{
	fputs("\n### Boot-time patching: instructions per site\n\n| |", f);
	for (unsigned e = 0; e < G_NR_ENVS; e++)
		if (r->measured[e])
			fprintf(f, " %s |", g_env_labels[e]);
	md_sep(f, r, 1);
	md_patch_rows(f, r);
	fputs("\nThe kernel single-steps `pv_patch_table` over its own site "
	      "table with its own backend, writing into a copy of its text "
	      "reset to the as-built bytes (the #DB handler runs through "
	      "patched sites, so the live text must not change under it); "
	      "per site = (instructions - the pass over an empty table) / "
	      "sites. The copy patched to full hashes as the booted text "
	      "did (`text_matches_boot` in guest.json).\n", f);
}

static void md_checks(FILE *f, const struct g_report *r)
{
	static const char *const seq[] = { "nop8", "mov_ss", "sti" };

	fputs("\n### Method check: known sequences (instructions, raw count "
	      "-> corrected)\n\n| sequence | instructions |", f);
	for (unsigned e = 0; e < G_NR_ENVS; e++)
		if (r->measured[e])
			fprintf(f, " %s |", g_env_labels[e]);
	md_sep(f, r, 2);
	for (unsigned i = 0; i < 3; i++) {
		const struct bench_json *j = g_find(r, G_NATIVE, G_CHECK,
						    "seq", seq[i]);

		fprintf(f, "| %s | %.0f |", seq[i],
			bench_json_num(j, "insns", NAN));
		for (unsigned e = 0; e < G_NR_ENVS; e++) {
			if (!r->measured[e])
				continue;
			j = g_find(r, (int)e, G_CHECK, "seq", seq[i]);
			if (j)
				fprintf(f, " %.0f -> %.0f |",
					bench_json_num(j, "raw", NAN),
					bench_json_num(j, "counted", NAN));
			else
				fputs(" - |", f);
		}
		fputc('\n', f);
	}
	fputs("\nA raw count one short is a single-step shadow (no trap "
	      "after the next instruction); the kernel then counts the "
	      "trap after such a pair twice. `sti` is native only (a Xen "
	      "PV kernel runs in ring 3).\n", f);
}

/* The headline: the fully patched ratios, natively and on Xen. */
/* Xen: ops alone against Linux 6.1 where it has a count, hypercalls. */
static void md_headline_xen(FILE *f, const struct g_report *r)
{
	fputs("; Xen PV Dom0 (ops alone; Linux 6.1 Xen PV's in brackets; "
	      "hypercalls per iteration)", f);
	for (unsigned p = 0, n = 0; p < r->npaths; p++) {
		double lx, in_place, h = r->cell[G_XEN][p][G_FULL].hcalls;

		if (!strcmp(r->path[p], "loop"))
			continue;
		fprintf(f, "%s %s %.0f", n++ ? "," : "", r->path[p],
			xen_ops(r, p));
		if (g_linux(r, p, "xen_pv", &lx, &in_place))
			fprintf(f, " [%.0f]", lx);
		if (!isnan(h) && h > 0)
			fprintf(f, " %.2g hcall", h);
	}
}

static void md_headline(FILE *f, const struct g_report *r)
{
	fputs("\nHeadline, fully patched against PV=n:", f);
	for (unsigned e = 0; e < G_NR_ENVS; e++) {
		if (!r->measured[e])
			continue;
		if (e == G_XEN) {
			md_headline_xen(f, r);
			continue;
		}
		fprintf(f, "%s %s", e ? ";" : "",
			e == G_I386 ? "i386 natively (to its PV=n)" :
				      "natively");
		for (unsigned p = 0, n = 0; p < r->npaths; p++) {
			double v = r->cell[e][p][G_FULL].value;
			double b = g_base_env(r, e, p);

			if (!strcmp(r->path[p], "loop"))
				continue; /* the loop alone: not a path */
			fprintf(f, "%s %s x%.2f (%+.0f)", n++ ? "," : "",
				r->path[p], v / b, v - b);
		}
	}
	fputs(".\n", f);
}

void g_md(FILE *f, const struct g_report *r)
{
	fputs("<!-- generated by bench/guest (guest_report); do not edit "
	      "-->\n## In-guest benchmarks: instructions per iteration of "
	      "hot kernel paths\n\n", f);
	fprintf(f, "Host: %s; QEMU %s (TCG); Xen: %s; %s. Counted by the "
		   "kernel itself, one single-step trap per instruction "
		   "(method: docs/bench.md): exact counts, no timing.\n",
		r->cpu, r->qemu ? r->qemu : "?",
		r->measured[G_XEN] ? (r->xen ? r->xen : "4.17") :
				     "not measured", r->date);
	md_headline(f, r);
	md_hot_native(f, r);
	md_hot_i386(f, r);
	md_hot_xen(f, r);
	md_spread(f, r);
	md_patch(f, r);
	md_checks(f, r);
}

int g_write_md(const struct g_report *r, const char *file)
{
	FILE *f = fopen(file, "w");

	if (!f)
		return -1;
	g_md(f, r);
	return fclose(f) ? -1 : 0;
}

/* ---- JSON */

static void put_str(FILE *f, const char *k, const char *v, const char *sep)
{
	fprintf(f, "\"%s\": ", k);
	if (v)
		bench_json_put_str(f, v);
	else
		fputs("null", f);
	fputs(sep, f);
}

static void put_num(FILE *f, const char *k, double v, const char *sep)
{
	fprintf(f, "\"%s\": ", k);
	bench_json_put_num(f, v);
	fputs(sep, f);
}

/* The flat members of a kernel line, but its platform. */
static void put_members(FILE *f, const struct bench_json *o)
{
	for (const struct bench_json *m = o->kid; m; m = m->next) {
		if (!strcmp(m->key, "platform"))
			continue;
		if (m->type == BJ_STR)
			put_str(f, m->key, m->str, ", ");
		else if (m->type == BJ_NUM)
			put_num(f, m->key, m->num, ", ");
		else if (m->type == BJ_BOOL)
			fprintf(f, "\"%s\": %s, ", m->key,
				m->num ? "true" : "false");
	}
}

static void json_samples(FILE *f, const struct g_report *r,
			 const struct g_cell *c)
{
	fputs("\"samples\": [", f);
	for (unsigned i = 0; i < c->n; i++) {
		const struct g_sample *s = &c->s[i];

		fprintf(f, "%s{", i ? ", " : "");
		put_str(f, "boot", r->log[s->log].label, ", ");
		put_str(f, "how", s->as_booted ? "as booted" : "re-patched",
			", ");
		put_num(f, "instructions", s->insn, ", ");
		put_num(f, "mean", s->mean, ", ");
		put_num(f, "iterations_longer", s->longer, ", ");
		put_num(f, "iterations", s->iters, "}");
	}
	fputs("]", f);
}

static void json_hot_row(FILE *f, const struct g_report *r, unsigned e,
			 unsigned p, unsigned m, int *first)
{
	const struct g_cell *c = &r->cell[e][p][m];
	double b = g_base_env(r, e, p);

	if (!c->n)
		return;
	fprintf(f, "%s    {", *first ? "" : ",\n");
	*first = 0;
	put_str(f, "env", g_env_labels[e], ", ");
	put_str(f, "kind", "hot_path", ", ");
	put_str(f, "op", r->path[p], ", ");
	put_str(f, "variant", g_mode_names[m], ", ");
	put_num(f, "instructions", c->value, ", ");
	put_num(f, "instructions_ratio", c->value / b, ", ");
	put_num(f, "instructions_extra", c->value - b, ", ");
	put_str(f, "ratio_to", e == G_I386 ? "qemu-native-i386 pv_n" :
					     "qemu-native pv_n", ", ");
	fprintf(f, "\"identical\": %s, \"least_equal\": %s, ",
		c->identical ? "true" : "false", c->stable ? "true" : "false");
	json_samples(f, r, c);
	fputs("}", f);
}

/* Does every boot of the platform print this line with the same count? */
static int same_in_all(const struct g_report *r, const struct g_item *a)
{
	const char *keys[] = { "what", "to", "strategy", "seq" };

	for (unsigned i = 0; i < r->nitems; i++) {
		const struct g_item *b = &r->item[i];
		unsigned k = 0;

		if (b->kind != a->kind ||
		    r->log[b->log].env != r->log[a->log].env)
			continue;
		for (; k < 4; k++) {
			const char *x = bench_json_str(a->j, keys[k]);
			const char *y = bench_json_str(b->j, keys[k]);

			if ((x || y) && (!x || !y || strcmp(x, y)))
				break;
		}
		if (k == 4 && (bench_json_num(a->j, "insns", 0) !=
			       bench_json_num(b->j, "insns", 0) ||
			       bench_json_num(a->j, "counted", 0) !=
			       bench_json_num(b->j, "counted", 0)))
			return 0;
	}
	return 1;
}

/* bench-patch and bench-check lines of each platform's first boot that
 * printed them, as rows. */
static void json_kernel_rows(FILE *f, const struct g_report *r, int *first)
{
	int log_of[2][G_NR_ENVS];

	for (unsigned e = 0; e < G_NR_ENVS; e++)
		log_of[0][e] = log_of[1][e] = -1;
	for (unsigned i = 0; i < r->nitems; i++) {
		const struct g_item *it = &r->item[i];
		int k = it->kind == G_PATCH ? 0 : it->kind == G_CHECK ? 1 : -1;
		int e = r->log[it->log].env;

		if (k < 0)
			continue;
		if (log_of[k][e] < 0)
			log_of[k][e] = (int)it->log;
		if (log_of[k][e] != (int)it->log)
			continue;
		fprintf(f, "%s    {", *first ? "" : ",\n");
		*first = 0;
		put_str(f, "env", g_env_labels[e], ", ");
		put_str(f, "kind", k ? "step_check" : "boot_patch", ", ");
		put_members(f, it->j);
		fprintf(f, "\"same_in_every_boot\": %s}",
			same_in_all(r, it) ? "true" : "false");
	}
}

static void json_linux_rows(FILE *f, const struct g_report *r, int *first)
{
	static const char *const plat[2] = { "native", "xen_pv" };

	for (unsigned p = 0; p < r->npaths; p++) {
		for (unsigned k = 0; k < 2; k++) {
			double n, in_place;

			if (!g_linux(r, p, plat[k], &n, &in_place))
				continue;
			fprintf(f, "%s    {", *first ? "" : ",\n");
			*first = 0;
			put_str(f, "env", k ? "linux-6.1-xen_pv" :
					      "linux-6.1-native", ", ");
			put_str(f, "kind", "reference", ", ");
			put_str(f, "op", r->path[p], ", ");
			put_num(f, "instructions", n, ", ");
			put_num(f, "instructions_in_place", in_place, ", ");
			put_str(f, "how", g_linux_how(r, p), "}");
		}
	}
}

static void json_head(FILE *f, const struct g_report *r)
{
	fputs("{\n  \"generated_by\": \"bench/guest via guest_report; do "
	      "not edit\",\n  \"machine\": {", f);
	put_str(f, "cpu", r->cpu, ", ");
	put_str(f, "qemu", r->qemu, ", ");
	put_str(f, "xen", r->measured[G_XEN] ? r->xen : NULL, ", ");
	put_str(f, "date", r->date, "},\n  \"method\": {");
	put_str(f, "instructions", "single-step: the kernel sets RFLAGS.TF "
		"around a loop and counts one #DB per instruction; shadowed "
		"traps (sti, mov ss, a syscall returned by iretq) counted "
		"twice", ", ");
	put_str(f, "per_iteration", "least iteration (instructions between "
		"two passes of a mark in the loop); mean = (count(200) - "
		"count(100)) / 100; 3 runs", ", ");
	put_str(f, "ratios", "to the native PV=n build's figure (the "
		"i386 kernel's rows: to the i386 PV=n build's)", "},\n");
	fprintf(f, "  \"xen\": {\"measured\": %s, ",
		r->measured[G_XEN] ? "true" : "false");
	put_str(f, "note", r->measured[G_XEN] ? NULL :
			   (r->xen_note ? r->xen_note :
					  "Xen boot not available"), "},\n");
}

static void json_logs(FILE *f, const struct g_report *r)
{
	fputs(",\n  \"boots\": [", f);
	for (unsigned i = 0; i < r->nlogs; i++) {
		fprintf(f, "%s{", i ? ", " : "");
		put_str(f, "label", r->log[i].label, ", ");
		put_str(f, "log", r->log[i].file, "}");
	}
	fputs("]\n}\n", f);
}

int g_write_json(const struct g_report *r, const char *file)
{
	FILE *f = fopen(file, "w");
	int first = 1;

	if (!f)
		return -1;
	json_head(f, r);
	fputs("  \"rows\": [\n", f);
	for (unsigned e = 0; e < G_NR_ENVS; e++)
		for (unsigned p = 0; p < r->npaths; p++)
			for (unsigned m = 0; m < G_NR_MODES; m++)
				json_hot_row(f, r, e, p, m, &first);
	json_kernel_rows(f, r, &first);
	json_linux_rows(f, r, &first);
	fputs("\n  ]", f);
	json_logs(f, r);
	return fclose(f) ? -1 : 0;
}

/* ---- plot data: a path per line, native modes then Xen's; ? missing */

int g_write_dat(const struct g_report *r, const char *file)
{
	FILE *f = fopen(file, "w");

	if (!f)
		return -1;
	fputs("# path pv_n nopatch noinline full xen_nopatch xen_noinline "
	      "xen_full\n", f);
	for (unsigned p = 0; p < r->npaths; p++) {
		fprintf(f, "%s", r->path[p]);
		for (unsigned e = 0; e <= G_XEN; e++) { /* the plot's two */
			for (unsigned m = e ? G_NOPATCH : G_PV_N;
			     m < G_NR_MODES; m++) {
				double v = r->cell[e][p][m].value;

				if (isnan(v) || !r->cell[e][p][m].n)
					fputs(" ?", f);
				else
					fprintf(f, " %.0f", v);
			}
		}
		fputc('\n', f);
	}
	return fclose(f) ? -1 : 0;
}
