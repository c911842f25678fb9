/* guest_report.h: the in-guest bench report: the kernel's bench-* lines
 * from each boot, gathered per path, mode and platform (guest_report.c). */
#ifndef GUEST_REPORT_H
#define GUEST_REPORT_H

#include <stdio.h>
#include "json.h"

#define G_MAX_LOGS 32
#define G_MAX_PATHS 12
#define G_MAX_SAMPLES 32
#define G_MAX_ITEMS 1024

/* G_I386: the i386 kernel natively (issue 16), its ratios to its own PV=n. */
enum g_env { G_NATIVE, G_XEN, G_I386, G_NR_ENVS };
enum g_mode { G_PV_N, G_NOPATCH, G_NOINLINE, G_FULL, G_NR_MODES };
enum g_kind { G_INSN, G_PATCH, G_CHECK, G_DONE };

/* One boot: its label (env:boot:run) and console log. */
struct g_log {
	char label[64];
	int env, boot, run;
	const char *file;
	char platform[32];
	int done; /* printed bench-done */
};

/* One bench-* line, parsed. */
struct g_item {
	unsigned log;
	enum g_kind kind;
	struct bench_json *j;
};

/* One measurement of a path in a mode (a bench-insn line). */
struct g_sample {
	unsigned log;
	int as_booted;       /* how: boot/built (not re-patched) */
	double insn;         /* least iteration */
	double mean, mean_max;
	double longer, iters; /* iterations above the least / all */
	double iter_max;     /* the longest iteration */
	int same;            /* its runs counted exactly alike */
	double hcalls;       /* hypercalls (syscalls) per iteration */
};

/* Every measurement of one (platform, path, mode). */
struct g_cell {
	struct g_sample s[G_MAX_SAMPLES];
	unsigned n;
	double value;    /* the figure: least iteration, first as-booted run */
	double hcalls;   /* that run's hypercalls per iteration */
	int identical;   /* every sample's counts identical, nothing longer */
	int stable;      /* every sample's least iteration equal */
};

struct g_report {
	struct g_log log[G_MAX_LOGS];
	unsigned nlogs;
	struct g_item item[G_MAX_ITEMS];
	unsigned nitems;
	char path[G_MAX_PATHS][24];
	unsigned npaths;
	struct g_cell cell[G_NR_ENVS][G_MAX_PATHS][G_NR_MODES];
	int measured[G_NR_ENVS];
	const char *xen_note;   /* why there are no Xen rows */
	const char *out, *linux_path, *qemu, *xen;
	struct bench_json *linux_ref;
	char cpu[128], date[32];
};

extern const char *const g_env_names[G_NR_ENVS];
extern const char *const g_env_labels[G_NR_ENVS];
extern const char *const g_mode_names[G_NR_MODES];

/* guest_report.c: the first item of a kind from a platform's logs that
 * matches key=val (val NULL: any), or NULL. */
const struct bench_json *g_find(const struct g_report *r, int env,
				enum g_kind kind, const char *key,
				const char *val);
/* Linux 6.1's count for a path (in_place: its sequence written in place)
 * on "native" or "xen_pv"; 0 if the reference lacks one of its ops. */
int g_linux(const struct g_report *r, unsigned path, const char *plat,
	    double *insns, double *in_place);
/* How g_linux composes the path's count, or NULL. */
const char *g_linux_how(const struct g_report *r, unsigned path);
double g_base(const struct g_report *r, unsigned path);
/* The same for a platform: the i386 kernel's PV=n for G_I386. */
double g_base_env(const struct g_report *r, unsigned env, unsigned path);

/* guest_out.c: the outputs. */
int g_write_md(const struct g_report *r, const char *file);
void g_md(FILE *f, const struct g_report *r);
int g_write_json(const struct g_report *r, const char *file);
int g_write_dat(const struct g_report *r, const char *file);
#endif /* GUEST_REPORT_H */
