/* guest_report.c: reads the console logs bench/guest collected (bench-*
 * lines of each boot) and writes guest.{json,md} and the plot data. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "guest_report.h"

#define TOOL "guest_report"

const char *const g_env_names[G_NR_ENVS] = { "native", "xen", "i386" };
const char *const g_env_labels[G_NR_ENVS] = { "qemu-native", "xen-pv-dom0",
					      "qemu-native-i386" };
const char *const g_mode_names[G_NR_MODES] = { "pv_n", "nopatch",
					       "noinline", "full" };

static int lookup(const char *const *names, unsigned n, const char *s)
{
	for (unsigned i = 0; s && i < n; i++)
		if (!strcmp(names[i], s))
			return (int)i;
	return -1;
}

static int g_bool(const struct bench_json *o, const char *key)
{
	const struct bench_json *v = bench_json_get(o, key);

	return v && v->type == BJ_BOOL && v->num != 0;
}

/* "env:boot:run=file", boot a mode name. */
static int parse_log_arg(struct g_report *r, char *arg)
{
	struct g_log *l = &r->log[r->nlogs];
	char *eq = strchr(arg, '='), *c1, *c2;

	if (r->nlogs == G_MAX_LOGS || !eq || eq - arg >= 64)
		return -1;
	*eq = 0;
	snprintf(l->label, sizeof(l->label), "%s", arg);
	l->file = eq + 1;
	c1 = strchr(arg, ':');
	c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c2)
		return -1;
	*c1 = *c2 = 0;
	l->env = lookup(g_env_names, G_NR_ENVS, arg);
	l->boot = lookup(g_mode_names, G_NR_MODES, c1 + 1);
	l->run = atoi(c2 + 1);
	if (l->env < 0 || l->boot < 0)
		return -1;
	r->nlogs++;
	return 0;
}

static const struct {
	const char *prefix;
	enum g_kind kind;
} line_kinds[] = {
	{ "bench-insn: ", G_INSN }, { "bench-patch: ", G_PATCH },
	{ "bench-check: ", G_CHECK }, { "bench-done: ", G_DONE },
};

/* One console line; bench-* lines become items. */
static void take_line(struct g_report *r, unsigned log, char *line)
{
	for (unsigned k = 0; k < sizeof(line_kinds) / sizeof(line_kinds[0]);
	     k++) {
		size_t n = strlen(line_kinds[k].prefix);
		const char *err = NULL;
		struct bench_json *j;

		if (strncmp(line, line_kinds[k].prefix, n))
			continue;
		j = bench_json_parse(line + n, &err);
		if (!j || r->nitems == G_MAX_ITEMS) {
			fprintf(stderr, TOOL ": %s: bad line (%s): %s\n",
				r->log[log].file, err ? err : "too many",
				line);
			bench_json_free(j);
			return;
		}
		r->item[r->nitems++] = (struct g_item){ log, line_kinds[k].kind,
							j };
		if (line_kinds[k].kind == G_DONE)
			r->log[log].done = 1;
		return;
	}
}

static int load_log(struct g_report *r, unsigned log)
{
	struct g_log *l = &r->log[log];
	char *text = bench_read_file(l->file, NULL), *save = NULL;

	if (!text) {
		fprintf(stderr, TOOL ": %s: cannot read\n", l->file);
		return -1;
	}
	for (char *s = strtok_r(text, "\n", &save); s;
	     s = strtok_r(NULL, "\n", &save)) {
		s[strcspn(s, "\r")] = 0; /* Xen's console ends lines \r\n */
		take_line(r, log, s);
	}
	free(text);
	if (!l->done)
		fprintf(stderr, TOOL ": %s: no bench-done line\n", l->file);
	return l->done ? 0 : -1;
}

static int path_index(struct g_report *r, const char *name)
{
	for (unsigned i = 0; i < r->npaths; i++)
		if (!strcmp(r->path[i], name))
			return (int)i;
	if (r->npaths == G_MAX_PATHS || strlen(name) >= sizeof(r->path[0]))
		return -1;
	snprintf(r->path[r->npaths], sizeof(r->path[0]), "%s", name);
	return (int)r->npaths++;
}

/* A bench-insn line into the cell of its platform, path and mode. */
static void add_sample(struct g_report *r, const struct g_item *it)
{
	const struct bench_json *j = it->j;
	const char *how = bench_json_str(j, "how");
	int env = r->log[it->log].env;
	int mode = lookup(g_mode_names, G_NR_MODES, bench_json_str(j, "mode"));
	int path = path_index(r, bench_json_str(j, "path") ?
				    bench_json_str(j, "path") : "?");
	struct g_cell *c;

	if (mode < 0 || path < 0 || bench_json_get(j, "skipped"))
		return;
	c = &r->cell[env][path][mode];
	if (c->n == G_MAX_SAMPLES)
		return;
	c->s[c->n++] = (struct g_sample){
		it->log, how && strcmp(how, "repatch") != 0,
		bench_json_num(j, "insn_per_iter", NAN),
		bench_json_num(j, "mean", NAN),
		bench_json_num(j, "mean_max", NAN),
		bench_json_num(j, "iters_longer", NAN),
		bench_json_num(j, "iters", NAN),
		bench_json_num(j, "iter_max", NAN), g_bool(j, "same"),
		bench_json_num(j, "hcalls_per_iter", NAN),
	};
	r->measured[env] = 1;
}

/* The figure: the first as-booted sample of the first run; and whether
 * every other measurement agrees. */
static void settle(struct g_cell *c)
{
	const struct g_sample *pick = NULL;

	c->identical = c->stable = c->n > 0;
	for (unsigned i = 0; i < c->n; i++) {
		const struct g_sample *s = &c->s[i];

		if (!pick || (s->as_booted && !pick->as_booted))
			pick = s;
		if (s->insn != c->s[0].insn)
			c->stable = c->identical = 0;
		if (!s->same || s->longer != 0 || s->mean != s->insn)
			c->identical = 0;
	}
	c->value = pick ? pick->insn : NAN;
	c->hcalls = pick ? pick->hcalls : NAN;
}

static void aggregate(struct g_report *r)
{
	for (unsigned i = 0; i < r->nitems; i++)
		if (r->item[i].kind == G_INSN)
			add_sample(r, &r->item[i]);
	for (unsigned e = 0; e < G_NR_ENVS; e++)
		for (unsigned p = 0; p < r->npaths; p++)
			for (unsigned m = 0; m < G_NR_MODES; m++)
				settle(&r->cell[e][p][m]);
}

const struct bench_json *g_find(const struct g_report *r, int env,
				enum g_kind kind, const char *key,
				const char *val)
{
	for (unsigned i = 0; i < r->nitems; i++) {
		const struct g_item *it = &r->item[i];
		const char *v;

		if (it->kind != kind || r->log[it->log].env != env)
			continue;
		v = key ? bench_json_str(it->j, key) : NULL;
		if (!key || (v && (!val || !strcmp(v, val))))
			return it->j;
	}
	return NULL;
}

/* The base of every ratio: the native PV=n build's figure. */
double g_base(const struct g_report *r, unsigned path)
{
	return r->cell[G_NATIVE][path][G_PV_N].value;
}

double g_base_env(const struct g_report *r, unsigned env, unsigned path)
{
	return r->cell[env == G_I386 ? G_I386 : G_NATIVE][path][G_PV_N].value;
}

/*
 * A path as the Linux 6.1 ops of bench/linux61-reference.json, plus what
 * Linux adds around them: local_irq_restore() is not an op since 5.11 but
 * arch_local_irq_restore() in asm/irqflags.h, a test of X86_EFLAGS_IF
 * and a branch around arch_local_irq_enable() (2 instructions).
 */
static const struct {
	const char *path;
	const char *ops[2];
	double extra;
	const char *how;
} linux_paths[] = {
	{ "irq_crit", { "irq_save_fl", "irq_pair" }, 2,
	  "irq_save_fl + irq_pair of linux61-reference.json, + 2: the IF "
	  "test and branch of arch_local_irq_restore (asm/irqflags.h)" },
	{ "irq_pair", { "irq_pair", NULL }, 0,
	  "irq_pair of linux61-reference.json" },
};

const char *g_linux_how(const struct g_report *r, unsigned path)
{
	for (unsigned i = 0; i < sizeof(linux_paths) / sizeof(linux_paths[0]);
	     i++)
		if (!strcmp(linux_paths[i].path, r->path[path]))
			return linux_paths[i].how;
	return NULL;
}

int g_linux(const struct g_report *r, unsigned path, const char *plat,
	    double *insns, double *in_place)
{
	const struct bench_json *ops = bench_json_get(r->linux_ref, "ops");

	for (unsigned i = 0; i < sizeof(linux_paths) / sizeof(linux_paths[0]);
	     i++) {
		if (strcmp(linux_paths[i].path, r->path[path]))
			continue;
		*insns = *in_place = linux_paths[i].extra;
		for (unsigned k = 0; k < 2 && linux_paths[i].ops[k]; k++) {
			const struct bench_json *o = bench_json_get(
				bench_json_get(ops, linux_paths[i].ops[k]),
				plat);

			*insns += bench_json_num(o, "insns", NAN);
			*in_place += bench_json_num(o, "insns_in_place", NAN);
		}
		return !isnan(*insns) && !isnan(*in_place);
	}
	return 0;
}

static void machine_info(struct g_report *r)
{
	char *info = bench_read_file("/proc/cpuinfo", NULL);
	char *m = info ? strstr(info, "model name") : NULL;
	time_t now = time(NULL);

	snprintf(r->cpu, sizeof(r->cpu), "unknown");
	if (m && (m = strchr(m, ':'))) {
		size_t len = strcspn(m + 2, "\n");

		snprintf(r->cpu, sizeof(r->cpu), "%.*s", (int)len, m + 2);
	}
	free(info);
	strftime(r->date, sizeof(r->date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
}

static int usage(void)
{
	fprintf(stderr, "usage: " TOOL " --out PREFIX [--linux F.json] "
			"[--qemu VERSION] [--xen VERSION] [--xen-note TEXT] "
			"ENV:BOOT:RUN=LOG...\n"
			"  ENV native|xen|i386, "
			"BOOT pv_n|nopatch|noinline|full\n");
	return 2;
}

static int parse_args(int argc, char **argv, struct g_report *r)
{
	static const char *const opt[] = { "--out", "--linux", "--qemu",
					   "--xen", "--xen-note" };
	const char **dst[] = { &r->out, &r->linux_path, &r->qemu, &r->xen,
			       &r->xen_note };
	int i = 1;

	for (; i < argc && !strncmp(argv[i], "--", 2); i += 2) {
		int k = lookup(opt, 5, argv[i]);

		if (k < 0 || i + 1 >= argc)
			return -1;
		*dst[k] = argv[i + 1];
	}
	for (; i < argc; i++)
		if (parse_log_arg(r, argv[i]))
			return -1;
	return r->out && r->nlogs ? 0 : -1;
}

static struct bench_json *load_json(const char *path)
{
	const char *err = NULL;
	char *t = path ? bench_read_file(path, NULL) : NULL;
	struct bench_json *j = t ? bench_json_parse(t, &err) : NULL;

	if (path && !j)
		fprintf(stderr, TOOL ": %s: %s\n", path,
			t ? err : "cannot read");
	free(t);
	return j;
}

static int write_all(const struct g_report *r)
{
	char json[4096], md[4096], dat[4096];

	snprintf(json, sizeof(json), "%s.json", r->out);
	snprintf(md, sizeof(md), "%s.md", r->out);
	snprintf(dat, sizeof(dat), "%s.dat", r->out);
	if (g_write_json(r, json) || g_write_md(r, md) ||
	    g_write_dat(r, dat)) {
		fprintf(stderr, TOOL ": %s.*: cannot write\n", r->out);
		return 1;
	}
	g_md(stdout, r);
	return fflush(stdout) ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--help")) {
		usage();
		return 0;
	}
	static struct g_report r;
	int bad = 0;

	if (parse_args(argc, argv, &r))
		return usage();
	for (unsigned i = 0; i < r.nlogs; i++)
		bad |= load_log(&r, i);
	if (bad)
		return 1;
	r.linux_ref = load_json(r.linux_path);
	machine_info(&r);
	aggregate(&r);
	if (!r.measured[G_NATIVE]) {
		fprintf(stderr, TOOL ": no native measurements\n");
		return 1;
	}
	return write_all(&r);
}
