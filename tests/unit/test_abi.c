/* test_abi.c: a site's hidden call keeps the userspace ABI: SSE values live
 * across it survive, and an ordinary C backend (libpv's console_write: double
 * arithmetic, snprintf) runs with the stack alignment it needs, in every mode. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "libpv.h"

static struct pv_user u;

/*
 * A leaf (no call the compiler sees), so its stack is only 8-byte aligned
 * at the site, with three doubles pinned in SSE registers across it.
 */
static __attribute__((noinline)) double live_across(double a, double b)
{
	double x = a * 1.5, y = b * 2.25, z = a + b;

	__asm__ volatile("" : "+x"(x), "+x"(y), "+x"(z));
	PVOP_CALL2(console_write, "abi\n", 4);
	__asm__ volatile("" : "+x"(x), "+x"(y), "+x"(z));
	return x * y + z;
}

/* No frame at all: %rsp at the site is what the call left, 8 mod 16. */
static __attribute__((noinline)) void bare_write(void)
{
	PVOP_CALL2(console_write, "abi\n", 4);
}

static void check_mode(enum pv_patch_mode mode)
{
	unsigned long head;
	const char *log = pv_user_cpu.console;

	assert_int_equal(pv_user_repatch(&u, mode, NULL, NULL), 0);
	assert_int_equal(u.st.refused, 0);
	head = pv_user_cpu.console_head;
	for (int i = 1; i <= 50; i++) {
		double a = i * 0.5, b = i * 0.25;

		assert_true(live_across(a, b) == a * 1.5 * (b * 2.25) + (a + b));
		bare_write();
	}
	/* each write: "[%12.6f] abi\n" (lib/user_ops.c), 19 bytes while the
	 * clock (host TSC) is below 100000 s, one more per digit past that */
	head = pv_user_cpu.console_head - head;
	assert_true(head >= 100 * 19 && head <= 100 * 21);
	head = pv_user_cpu.console_head % sizeof(pv_user_cpu.console);
	assert_true(head >= 21);
	assert_memory_equal(log + head - 6, "] abi\n", 6);
	assert_true(log[head - 19] == '[' || log[head - 20] == '[' ||
		    log[head - 21] == '[');
}

static void test_abi_every_mode(void **st)
{
	(void)st;
	assert_int_equal(pv_user_init(&u, PV_PATCH_NOPATCH, NULL, NULL), 0);
	check_mode(PV_PATCH_NOPATCH); /* the indirect call */
	check_mode(PV_PATCH_NOINLINE); /* a direct call */
	check_mode(PV_PATCH_FULL);
	/* not a leaf: the site stays a direct call */
	assert_int_equal(u.st.per_op[PV_OP_console_write][PV_STRAT_DIRECT], 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_abi_every_mode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
