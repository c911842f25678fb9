/* scan_report.c: elfscan's report on an image: sites by op, section and
 * function, site lengths, unannotated calls, inliner verdicts; text or JSON. */
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "scan.h"

static const char *const state_names[] = {"none", "raw", "sealed", "sites"};
static const char *const how_names[] = {"call", "jump", "load+call"};

/* Sites are sorted by address, so a function's or a section's sites are
 * adjacent: fn is called once per run with the group's name and size. */
typedef void (*group_fn)(void *ctx, const char *name, unsigned n);

static const char *site_func(const struct scan *sc, const struct scan_site *s)
{
	const struct elf_sym *f = elf_func_at(sc->img, s->addr);

	return f ? f->name : "?";
}

static const char *site_sec(const struct scan *sc, const struct scan_site *s)
{
	const struct elf_sec *sec = elf_sec_by_addr(sc->img, s->addr, 1);

	return sec ? sec->name : "?";
}

/* A native site and its stub's call are one site in every count. */
static int is_stub_call(const struct scan_site *s)
{
	return (s->flags & PV_SITE_STUB) && s->pair;
}

static size_t units(const struct scan *sc, size_t *native)
{
	size_t n = 0;

	*native = 0;
	for (size_t i = 0; i < sc->nsites; i++) {
		n += !is_stub_call(&sc->sites[i]);
		*native += !!(sc->sites[i].flags & PV_SITE_NATIVE);
	}
	return n;
}

static void groups(const struct scan *sc, int by_func, group_fn fn, void *ctx)
{
	const char *cur = NULL;
	unsigned n = 0;
	size_t i;

	for (i = 0; i < sc->nsites; i++) {
		if (is_stub_call(&sc->sites[i]))
			continue;
		const char *name = by_func ? site_func(sc, &sc->sites[i])
					   : site_sec(sc, &sc->sites[i]);

		if (cur && strcmp(cur, name)) {
			fn(ctx, cur, n);
			n = 0;
		}
		cur = name;
		n++;
	}
	if (cur)
		fn(ctx, cur, n);
}

static void counts(const struct scan *sc, unsigned per_op[PV_NR_OPS],
		   unsigned len[256], unsigned *bad)
{
	size_t i;

	memset(per_op, 0, PV_NR_OPS * sizeof(*per_op));
	memset(len, 0, 256 * sizeof(*len));
	*bad = 0;
	for (i = 0; i < sc->nsites; i++) {
		if (is_stub_call(&sc->sites[i]))
			continue;
		if (sc->sites[i].op < PV_NR_OPS)
			per_op[sc->sites[i].op]++;
		len[sc->sites[i].len]++;
		*bad += sc->sites[i].bad;
	}
}

static void text_group(void *ctx, const char *name, unsigned n)
{
	(void)ctx;
	printf("  %-32s %6u\n", name, n);
}

/* What scan_clobber.c proved: counts, and per class the registers written. */
static void text_clobbers(const struct scan_clobbers *cl)
{
	char w[160];

	if (!cl->done) {
		printf("clobbers: not checked (an object: calls are resolved "
		       "only in a linked image)\n");
		return;
	}
	printf("clobbers proved: %u templates, %u functions (+%u they call), "
	       "%u instructions\n", cl->ntmpl, cl->nfunc, cl->ncalled,
	       cl->ninsns);
	for (unsigned c = 0; c < 3; c++)
		printf("  %-6s %3u templates %3u functions  write %s\n",
		       pv_class_name(c), cl->cls[c].ntmpl, cl->cls[c].nfunc,
		       scan_regs_str(cl->cls[c].writes, cl->cls[c].flags, w,
				     sizeof(w)));
	printf("  templates with an exception-table entry: %u\n",
	       cl->extable);
}

static void text_facts(const struct scan *sc, const struct scan_backend *be)
{
	unsigned op;

	printf("inliner, backend %s:\n", be->name);
	for (op = 0; op < PV_NR_OPS; op++) {
		const struct scan_fact *f = &be->fact[op];

		printf("  %-20s %-28s ", pv_op_name(op),
		       f->name ? f->name : "?");
		if (!f->f.reason)
			printf("inlinable, %u bytes", f->f.len);
		else
			printf("no: %s", pv_reason_str(f->f.reason));
		if (f->f.tmpl_reason)
			printf("; template: %s",
			       pv_reason_str(f->f.tmpl_reason));
		putchar('\n');
	}
	(void)sc;
}

void scan_report_text(const struct scan *sc)
{
	unsigned per_op[PV_NR_OPS], len[256], bad, op, l;
	char where[256];
	size_t i, native, n = units(sc, &native);

	counts(sc, per_op, len, &bad);
	printf("%s: %s, site table %s\n", sc->img->path,
	       sc->img->rel ? "object" : "linked image",
	       state_names[sc->state]);
	printf("sites: %zu, bad: %u, site length %u\n", n, bad, sc->site_len);
	printf("native sites: %zu (built as the native instructions, each "
	       "with a stub)\n", native);
	printf("by op:\n");
	for (op = 0; op < PV_NR_OPS; op++)
		if (per_op[op])
			printf("  %-20s %-6s %6u\n", pv_op_name(op),
			       pv_class_name(pv_op_class(op)),
			       per_op[op]);
	printf("by section:\n");
	groups(sc, 0, text_group, NULL);
	printf("by function:\n");
	groups(sc, 1, text_group, NULL);
	printf("site lengths:\n");
	for (l = 0; l < 256; l++)
		if (len[l])
			printf("  %-3u %6u\n", l, len[l]);
	printf("unannotated: %zu\n", sc->nun);
	for (i = 0; i < sc->nun; i++)
		printf("  %-32s %-9s pv_ops.%s\n",
		       elf_where(sc->img, sc->un[i].addr, where, sizeof(where)),
		       how_names[sc->un[i].how], pv_op_name(sc->un[i].op));
	text_clobbers(&sc->cl);
	for (i = 0; i < sc->nbe; i++)
		text_facts(sc, &sc->be[i]);
}

static void json_group(void *ctx, const char *name, unsigned n)
{
	json_u64(ctx, name, n);
}

static void json_facts(struct json *j, const struct scan_backend *be)
{
	unsigned op;

	json_obj(j, be->name);
	for (op = 0; op < PV_NR_OPS; op++) {
		const struct scan_fact *f = &be->fact[op];

		json_obj(j, pv_op_name(op));
		json_str(j, "function", f->name ? f->name : "");
		json_hex(j, "address", f->func);
		json_bool(j, "inlinable", !f->f.reason);
		json_u64(j, "len", f->f.len);
		json_str(j, "reason", pv_reason_str(f->f.reason));
		json_str(j, "template", pv_reason_str(f->f.tmpl_reason));
		json_end_obj(j);
	}
	json_end_obj(j);
}

static void json_sites(struct json *j, const struct scan *sc)
{
	unsigned per_op[PV_NR_OPS], len[256], bad, op, l;
	char key[12];
	size_t native, n = units(sc, &native);

	counts(sc, per_op, len, &bad);
	json_obj(j, "sites");
	json_u64(j, "count", n);
	json_u64(j, "native", native);
	json_u64(j, "bad", bad);
	json_obj(j, "by_op");
	for (op = 0; op < PV_NR_OPS; op++)
		if (per_op[op])
			json_u64(j, pv_op_name(op), per_op[op]);
	json_end_obj(j);
	json_obj(j, "by_section");
	groups(sc, 0, json_group, j);
	json_end_obj(j);
	json_obj(j, "by_function");
	groups(sc, 1, json_group, j);
	json_end_obj(j);
	json_obj(j, "lengths");
	for (l = 0; l < 256; l++)
		if (len[l]) {
			snprintf(key, sizeof(key), "%u", l);
			json_u64(j, key, len[l]);
		}
	json_end_obj(j);
	json_end_obj(j);
}

static void json_clobbers(struct json *j, const struct scan_clobbers *cl)
{
	char w[160];

	json_obj(j, "clobbers");
	json_bool(j, "checked", cl->done);
	json_u64(j, "templates", cl->ntmpl);
	json_u64(j, "functions", cl->nfunc);
	json_u64(j, "called", cl->ncalled);
	json_u64(j, "instructions", cl->ninsns);
	json_u64(j, "extable_templates", cl->extable);
	json_obj(j, "by_class");
	for (unsigned c = 0; c < 3; c++) {
		json_obj(j, pv_class_name(c));
		json_u64(j, "templates", cl->cls[c].ntmpl);
		json_u64(j, "functions", cl->cls[c].nfunc);
		json_str(j, "writes", scan_regs_str(cl->cls[c].writes, 0, w,
						    sizeof(w)));
		json_bool(j, "flags", cl->cls[c].flags);
		json_end_obj(j);
	}
	json_end_obj(j);
	json_end_obj(j);
}

void scan_report_json(const struct scan *sc)
{
	struct json j;
	char where[256];
	size_t i;

	json_init(&j, stdout);
	json_obj(&j, NULL);
	json_str(&j, "file", sc->img->path);
	json_str(&j, "type", sc->img->rel ? "object" : "linked");
	json_str(&j, "table", state_names[sc->state]);
	json_u64(&j, "site_len", sc->site_len);
	json_sites(&j, sc);
	json_arr(&j, "unannotated");
	for (i = 0; i < sc->nun; i++) {
		json_obj(&j, NULL);
		json_str(
		    &j, "where",
		    elf_where(sc->img, sc->un[i].addr, where, sizeof(where)));
		json_str(&j, "op", pv_op_name(sc->un[i].op));
		json_str(&j, "kind", how_names[sc->un[i].how]);
		json_end_obj(&j);
	}
	json_end_arr(&j);
	json_clobbers(&j, &sc->cl);
	json_obj(&j, "backends");
	for (i = 0; i < sc->nbe; i++)
		json_facts(&j, &sc->be[i]);
	json_end_obj(&j);
	json_end_obj(&j);
	json_done(&j);
}
