/* selftest/selftest.h: KTAP selftests: the runner (selftest.c) and the test lists
 * (selftest/ops.c, selftest/mm.c, selftest/patch.c), plus bench. */
#ifndef SELFTEST_H
#define SELFTEST_H

#include "core/kernel.h"

#define KTEST_PASS 0
#define KTEST_FAIL (-1)
#define KTEST_SKIP 1

struct ktest_ctx {
	int mode;       /* enum pv_patch_mode the sites are in; -1 for PV=n */
	int first;      /* first mode run: record reference values */
	char msg[160];  /* why it failed or was skipped */
};

/*
 * why_not: NULL, or a function that says why the test's claim does not
 * hold on this boot (one CPU, text writable by design on Xen PV), or NULL
 * when it does.  A test that does not apply is not run and not planned:
 * the runner names it once on a "# not applicable" line, so that a KTAP
 * SKIP only ever means a test that wanted to run and could not.
 */
struct ktest {
	const char *name;
	int (*fn)(struct ktest_ctx *c);
	const char *(*why_not)(void);
};

/* Set c->msg and return KTEST_FAIL / KTEST_SKIP (a test that applies here
 * but cannot run, e.g. its input is missing: reported as a KTAP SKIP). */
int ktest_fail(struct ktest_ctx *c, const char *fmt, ...) __printf(2, 3);
int ktest_skip(struct ktest_ctx *c, const char *fmt, ...) __printf(2, 3);
#define KTEST_EXPECT(c, cond, ...)                                             \
	do {                                                                   \
		if (!(cond))                                                   \
			return ktest_fail(c, __VA_ARGS__);                     \
	} while (0)

struct ktest_list {
	const struct ktest *tests;
	unsigned n;
};
#define KTEST_LIST(name, arr)                                                  \
	const struct ktest_list name = { arr, sizeof(arr) / sizeof(arr[0]) }

/* Run in every patch mode (each op the same unpatched, direct, inline). */
extern const struct ktest_list selftest_op_tests;   /* selftest/ops.c */
extern const struct ktest_list selftest_irq_tests;  /* selftest/irq.c */
extern const struct ktest_list selftest_mm_tests;   /* selftest/mm.c */
extern const struct ktest_list selftest_site_tests; /* selftest/patch.c */
/* Run once, at the end, in the boot mode. */
extern const struct ktest_list selftest_patch_tests;

#ifndef PV_NO_PARAVIRT
#include "patch.h"
/* selftest/patch.c: the sealed table's records, and one as the planner
 * sees it. */
const struct pv_site *selftest_records(unsigned *n);
struct pv_site_ref selftest_site_ref(const struct pv_site *r);
/* selftest/sites.c: the enum pv_strategy whose form the site's bytes take
 * for its op on be, read without the planner; -1 if none. */
int selftest_site_form(const struct pv_site_ref *s, const struct pv_backend *be);
int selftest_native_form(const struct pv_native_ref *n,
			 const struct pv_backend *be, int *call_form);
/* selftest/patch.c: every site of op is in the form c->mode wants (for
 * the ops with nothing else to observe); KTEST_PASS or KTEST_FAIL. */
int selftest_op_sites(struct ktest_ctx *c, unsigned op);
#endif

#ifndef PV_NO_PARAVIRT
/*
 * selftest/probe.S: each probe loads rflags and every register but %rsp
 * from selftest_probe_in, runs one annotated site of its op (or int3, whose
 * trap path returns through the iret site), and stores them all in
 * selftest_probe_out.  selftest/patch.c checks the result against the
 * site's class (selftest_regs_check).
 */
struct selftest_regs {
	uint64_t r[16]; /* by x86 register number: rax, rcx, ... r15 */
	uint64_t flags;
};
extern struct selftest_regs selftest_probe_in, selftest_probe_out;
void selftest_probe_irq_save_fl(void);
void selftest_probe_irq_restore_fl(void);
void selftest_probe_irq_disable(void);
void selftest_probe_irq_enable(void);
void selftest_probe_swapgs(void);
void selftest_probe_make_pte(void);
void selftest_probe_pte_val(void);
void selftest_probe_int3(void);
unsigned selftest_int3_gone(unsigned x); /* probe.S: 2 * x */
/* Runs probe with rdi as its argument under the rule of class (and op
 * group irq: IF may change); KTEST_PASS or a failure naming reg/flags. */
int selftest_regs_check(struct ktest_ctx *c, const char *what,
			void (*probe)(void), uint64_t rdi, int cls, int irq);
#endif

void selftest_run(void);
int selftest_failed(void);
void selftest_counts(unsigned *pass, unsigned *fail);

/* Spins (interrupts as they are) until ns have passed on sched_clock. */
void selftest_spin_ns(unsigned long long ns);

void bench_run(void);
#endif /* SELFTEST_H */
