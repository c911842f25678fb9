/* selftest/irq.c: interrupts through the ops: timer ticks are delivered
 * while enabled, held while masked, and delivered once the flag is back. */
#include "selftest/selftest.h"
#include "core/platform.h"
#include "pv/pvcalls.h"

#define X86_EFLAGS_IF 0x200ul
#define MS 1000000ull
/* How long a tick may take to arrive: generous, the host may be loaded
 * (QEMU raises the PIT interrupt from another thread; a nested PVH DomU
 * under TCG at a load of 8 got 2 ticks in 200 ms).  A passing test waits
 * only for its ticks, so the bound costs nothing when they come. */
#define TICK_WAIT (2000 * MS)

/* Waits (interrupts on) up to ns for a tick after t; 1 if one came. */
static int tick_after(unsigned long long t, unsigned long long ns)
{
	unsigned long long end = pv_sched_clock() + ns;

	while (timer_ticks == t && pv_sched_clock() < end)
		;
	return timer_ticks != t;
}

static int t_delivered(struct ktest_ctx *c)
{
	unsigned long long t0 = timer_ticks;
	unsigned long long end = pv_sched_clock() + TICK_WAIT;

	while (timer_ticks < t0 + 3 && pv_sched_clock() < end)
		timer_wait_ns(MS);
	KTEST_EXPECT(c, timer_ticks >= t0 + 3, "%llu ticks in %llu ms at %u Hz",
		     timer_ticks - t0, TICK_WAIT / MS, timer_hz);
	return KTEST_PASS;
}

static int t_masked(struct ktest_ctx *c)
{
	unsigned long long t0, t1;

	pv_irq_disable();
	t0 = timer_ticks;
	selftest_spin_ns(5 * MS);
	t1 = timer_ticks;
	pv_irq_enable();
	KTEST_EXPECT(c, t1 == t0, "%llu ticks while disabled", t1 - t0);
	KTEST_EXPECT(c, tick_after(t1, TICK_WAIT),
		     "held tick not delivered on enable");
	return KTEST_PASS;
}

static int t_save_restore(struct ktest_ctx *c)
{
	unsigned long long t0, t1;
	unsigned long f, inner;

	f = pv_irq_save();
	t0 = timer_ticks;
	inner = pv_irq_save(); /* nested: restoring it keeps them off */
	pv_irq_restore_fl(inner);
	selftest_spin_ns(5 * MS);
	t1 = timer_ticks;
	KTEST_EXPECT(c, !(pv_irq_save_fl() & X86_EFLAGS_IF),
		     "nested restore enabled interrupts");
	pv_irq_restore_fl(f);
	KTEST_EXPECT(c, t1 == t0, "%llu ticks while saved/masked", t1 - t0);
	KTEST_EXPECT(c, tick_after(t1, TICK_WAIT),
		     "held tick not delivered on restore");
	return KTEST_PASS;
}

/*
 * Another interrupt may end a halt before the tick: on a DomU in its
 * console loop, xenconsoled signals after each read of our output.  A
 * few halts then; a halt that never ends hangs, a tick that never comes
 * fails.
 */
#define HALTS_FOR_A_TICK 64

static int t_halt(struct ktest_ctx *c)
{
	unsigned long long t0 = timer_ticks;

	for (unsigned i = 0; i < HALTS_FOR_A_TICK && timer_ticks == t0; i++)
		pv_halt(); /* interrupts on: the next tick ends it */
	KTEST_EXPECT(c, timer_ticks > t0, "halt returned without a tick");
	return KTEST_PASS;
}

static int t_safe_halt(struct ktest_ctx *c)
{
	unsigned long long t0;

	pv_irq_disable();
	t0 = timer_ticks;
	pv_safe_halt(); /* enables and halts as one step */
	KTEST_EXPECT(c, pv_irq_save_fl() & X86_EFLAGS_IF,
		     "safe_halt left interrupts off");
	for (unsigned i = 0; i < HALTS_FOR_A_TICK && timer_ticks == t0; i++) {
		pv_irq_disable();
		pv_safe_halt();
	}
	KTEST_EXPECT(c, timer_ticks > t0, "safe_halt returned without a tick");
	return KTEST_PASS;
}

static const struct ktest irq_tests[] = {
	{ .name = "irq_delivered", .fn = t_delivered },
	{ .name = "irq_masked", .fn = t_masked },
	{ .name = "irq_save_restore", .fn = t_save_restore },
	{ .name = "halt", .fn = t_halt },
	{ .name = "safe_halt", .fn = t_safe_halt },
};
KTEST_LIST(selftest_irq_tests, irq_tests);
