/* nobench_32.c: the i386 kernel has no in-guest bench yet (its single-step
 * counter and hot paths are x86-64 code): `bench` says so and fails. */
#include "core/kernel.h"
#include "core/selftest.h"
#include "core/bench_step.h"

static int bench_asked;

/* The run ends as FAIL: a bench that was asked for gave no numbers. */
void bench_run(void)
{
	printk("bench: not in the i386 build (x86-64 only)\n");
	bench_asked = 1;
}

int bench_step_trap(struct trap_frame *f)
{
	(void)f;
	return 0;
}

int bench_i386_failed(void)
{
	return bench_asked;
}
