/* selftest/selftest.c: the KTAP runner: every op test in each patch mode (sites
 * re-patched in between), then the patcher's own tests, one plan line. */
#include "selftest/selftest.h"
#include "core/platform.h"
#include "core/pvboot.h"
#include "pv/pvcalls.h"

static unsigned nr_pass, nr_fail, nr_skip, test_no;

int ktest_fail(struct ktest_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
	va_end(ap);
	return KTEST_FAIL;
}

int ktest_skip(struct ktest_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
	va_end(ap);
	return KTEST_SKIP;
}

void selftest_spin_ns(unsigned long long ns)
{
	unsigned long long end = pv_sched_clock() + ns;

	while (pv_sched_clock() < end)
		;
}

int selftest_failed(void)
{
	return nr_fail != 0;
}

void selftest_counts(unsigned *pass, unsigned *fail)
{
	*pass = nr_pass;
	*fail = nr_fail;
}

/* One KTAP result line. */
static void run_one(const struct ktest *t, const char *prefix,
		    struct ktest_ctx *c)
{
	unsigned long flags = pv_irq_save_fl();
	int r;

	c->msg[0] = 0;
	r = t->fn(c);
	/* A test must leave the interrupt flag as it found it. */
	if (r != KTEST_SKIP && (pv_irq_save_fl() & 0x200) != (flags & 0x200))
		r = ktest_fail(c, "interrupt flag changed by the test");
	pv_irq_restore_fl(flags);
	test_no++;
	if (r == KTEST_FAIL) {
		nr_fail++;
		printk("# %s%s: %s\nnot ok %u %s%s\n", prefix, t->name, c->msg,
		       test_no, prefix, t->name);
	} else if (r == KTEST_SKIP) {
		nr_skip++;
		printk("ok %u %s%s # SKIP %s\n", test_no, prefix, t->name,
		       c->msg);
	} else {
		nr_pass++;
		printk("ok %u %s%s\n", test_no, prefix, t->name);
	}
}

static int applies(const struct ktest *t)
{
	return !t->why_not || !t->why_not();
}

static void run_list(const struct ktest_list *l, const char *prefix,
		     struct ktest_ctx *c)
{
	for (unsigned i = 0; i < l->n; i++)
		if (applies(&l->tests[i]))
			run_one(&l->tests[i], prefix, c);
}

/* The tests of l that apply here; names the others once, with why. */
static unsigned plan_list(const struct ktest_list *l, unsigned *na)
{
	unsigned n = 0;

	for (unsigned i = 0; i < l->n; i++) {
		const struct ktest *t = &l->tests[i];

		if (applies(t)) {
			n++;
			continue;
		}
		printk("# not applicable: %s: %s\n", t->name, t->why_not());
		++*na;
	}
	return n;
}

static const struct ktest_list *const per_mode[] = {
	&selftest_op_tests,
	&selftest_irq_tests,
	&selftest_mm_tests,
#ifndef PV_NO_PARAVIRT
	&selftest_site_tests,
#endif
};

#ifdef PV_NO_PARAVIRT
/* PV=n: one mode, the ops compiled in; no sites, so no patch tests. */
static unsigned nr_modes(void)
{
	return 1;
}

static void enter_mode(unsigned i, struct ktest_ctx *c)
{
	(void)i;
	c->mode = -1;
}

static const char *mode_prefix(unsigned i)
{
	(void)i;
	return "native:";
}

static const struct ktest_list *patch_tests(void)
{
	return NULL;
}
#else
/* Least patched first, so the sites end in the mode they booted in. */
static const enum pv_patch_mode modes[] = {
	PV_PATCH_NOPATCH, PV_PATCH_NOINLINE, PV_PATCH_FULL
};

static int not_sealed(struct ktest_ctx *c)
{
	return ktest_fail(c, "site table not sealed by elfscan");
}

static const struct ktest sealed_test[] = { { .name = "sealed", .fn = not_sealed } };
static KTEST_LIST(sealed_list, sealed_test);

/*
 * The modes up to the one booted (enum order: FULL < NOINLINE < NOPATCH):
 * pv.nopatch runs nopatch only, pv.noinline nopatch and noinline.  An
 * unsealed table runs nopatch, the sites as built, and fails "sealed".
 */
static unsigned nr_modes(void)
{
	const struct pvboot_state *st = pvboot_state();

	if (!st->sealed)
		return 1;
	return (unsigned)(PV_PATCH_NOPATCH - st->boot_mode) + 1;
}

static void enter_mode(unsigned i, struct ktest_ctx *c)
{
	static struct pv_patch_stats stats;
	int err;

	c->mode = modes[i];
	if (!pvboot_state()->sealed)
		return;
	err = pvboot_repatch(modes[i], &stats);
	/* Run anyway: text_is_plan then names the sites that went wrong. */
	if (err || stats.refused)
		printk("# re-patch to %s: error %d, %u sites refused\n",
		       pvboot_mode_name(modes[i]), err, stats.refused);
}

static const char *mode_prefix(unsigned i)
{
	static const char *const p[] = { "nopatch:", "noinline:", "full:" };

	return p[i];
}

static const struct ktest_list *patch_tests(void)
{
	return pvboot_state()->sealed ? &selftest_patch_tests : &sealed_list;
}
#endif

void selftest_run(void)
{
	struct ktest_ctx c = { .first = 1 };
	const struct ktest_list *patch = patch_tests();
	unsigned total = 0, na = 0, modes_run = nr_modes();
	unsigned long long t0 = pv_sched_clock();
	/* Xen PV hook (issue 6): the platform's own tests, in every mode. */
	const struct ktest_list *own = kernel_platform()->selftests;

	printk("KTAP version 1\n");
	for (unsigned l = 0; l < ARRAY_SIZE(per_mode); l++)
		total += modes_run * plan_list(per_mode[l], &na);
	if (own)
		total += modes_run * plan_list(own, &na);
	if (patch)
		total += plan_list(patch, &na);
	printk("1..%u\n", total);
	for (unsigned i = 0; i < modes_run; i++) {
		enter_mode(i, &c);
		for (unsigned l = 0; l < ARRAY_SIZE(per_mode); l++)
			run_list(per_mode[l], mode_prefix(i), &c);
		if (own)
			run_list(own, mode_prefix(i), &c);
		c.first = 0;
	}
	if (patch)
		run_list(patch, "patch:", &c);
	printk("# selftests: %u pass, %u fail, %u skip, %u not applicable in "
	       "%llu ms\n", nr_pass, nr_fail, nr_skip, na,
	       (pv_sched_clock() - t0) / 1000000);
}
