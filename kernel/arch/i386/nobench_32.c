/* nobench_32.c: the i386 kernel has no in-guest bench yet (its single-step
 * counter and hot paths are x86-64 code): `bench` says so and fails. */
#include "core/kernel.h"
#include "core/selftest.h"
#include "core/bench_step.h"

/* A bench that was asked for and gives no numbers ends the run as FAIL. */
void bench_run(void)
{
	printk("bench: not in the i386 build (x86-64 only)\n");
	kernel_finish(0);
}

/* No single-step counter runs, so no #DB is the bench's. */
int bench_step_trap(struct trap_frame *f)
{
	(void)f;
	return 0;
}
