/* timer.c: the periodic tick, whatever delivers it (PIT on native, an
 * event channel on Xen), and waiting on it with safe_halt. */
#include "core/kernel.h"
#include "core/platform.h"
#include "pv/pvcalls.h"

volatile unsigned long long timer_ticks;
unsigned timer_hz;

/* Interrupt context, interrupts off. */
void timer_tick(void)
{
	timer_ticks++;
}

int timer_init(const struct platform *pf, unsigned hz)
{
	int err = pf->timer_init(hz);

	if (!err)
		timer_hz = hz;
	return err;
}

/*
 * Idles until ns have passed: interrupts off for the check, then
 * safe_halt, which enables them and halts as one step so a tick that
 * arrives in between still wakes us.  Leaves interrupts enabled.
 */
void timer_wait_ns(unsigned long long ns)
{
	unsigned long long end = pv_sched_clock() + ns;

	for (;;) {
		pv_irq_disable();
		if (pv_sched_clock() >= end)
			break;
		pv_safe_halt();
	}
	pv_irq_enable();
}
