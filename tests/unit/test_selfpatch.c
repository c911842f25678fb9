/* test_selfpatch.c: patches the call sites of this very test program with
 * libpv and checks that the functions give the same results in every mode
 * and that the bytes at each site are what the planner promised. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "libpv.h"

static struct pv_user u;
static unsigned long long table[64];

/* The functions under test: each calls ops only through annotated sites. */
static unsigned long crit(unsigned i)
{
	unsigned long fl = PVOP_CALLEE0(irq_save_fl), in;

	PVOP_CALLEE0(irq_disable);
	in = PVOP_CALLEE0(irq_save_fl);
	PVOP_CALL2(set_pte, &table[i % 64], (unsigned long long)i * 4096 + 3);
	PVOP_CALLEE1(irq_restore_fl, fl);
	return in + PVOP_CALLEE0(irq_save_fl) * 3 + table[i % 64];
}

static unsigned long regs(unsigned i)
{
	PVOP_CALL1(write_cr3, i * 8192ul);
	PVOP_CALL2(write_msr, 0x10 + i % 8, (unsigned long long)i << 33);
	return PVOP_CALL0(read_cr3) ^ PVOP_CALL1(read_msr, 0x10 + i % 8);
}

static unsigned long run_all(void)
{
	unsigned long sum = 0;

	memset(table, 0, sizeof(table));
	for (unsigned i = 0; i < 1000; i++)
		sum = sum * 31 + crit(i) + regs(i);
	return sum;
}

/* Per-site callback: the bytes now at the site equal the plan. */
static unsigned checked;
static void check_site(void *ctx, const struct pv_site_ref *s,
		       const struct pv_plan *p, int err)
{
	(void)ctx;
	assert_int_equal(err, 0);
	assert_memory_equal((const void *)(uintptr_t)s->addr, p->bytes, s->len);
	checked++;
}

static void test_same_results_every_mode(void **st)
{
	unsigned long before, direct, inl, again;

	(void)st;
	assert_int_equal(pv_user_init(&u, PV_PATCH_NOPATCH, check_site, 0), 0);
	assert_true(u.st.sites >= 10);
	assert_int_equal(u.st.strat[PV_STRAT_INDIRECT], u.st.sites);
	before = run_all();
	assert_int_equal(pv_user_repatch(&u, PV_PATCH_NOINLINE, check_site, 0), 0);
	assert_int_equal(u.st.strat[PV_STRAT_DIRECT], u.st.sites);
	direct = run_all();
	assert_int_equal(pv_user_repatch(&u, PV_PATCH_FULL, check_site, 0), 0);
	assert_int_equal(u.st.refused, 0);
	assert_int_equal(u.st.strat[PV_STRAT_INDIRECT], 0);
	/* the irq ops have templates; set_pte/read_cr3 inline as bodies */
	assert_true(u.st.per_op[PV_OP_irq_disable][PV_STRAT_INLINE] > 0);
	assert_true(u.st.per_op[PV_OP_set_pte][PV_STRAT_BODY] > 0);
	inl = run_all();
	assert_int_equal(pv_user_repatch(&u, PV_PATCH_NOPATCH, check_site, 0), 0);
	again = run_all();
	assert_int_equal(before, direct);
	assert_int_equal(before, inl);
	assert_int_equal(before, again);
	assert_true(checked >= 4 * u.st.sites);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_results_every_mode),
	};
	return cmocka_run_group_tests_name("selfpatch", tests, NULL, NULL);
}
