/* time.c: time on Xen PV: sched_clock from the pvclock in vcpu_info, steal
 * time from the runstate area, the tick from VIRQ_TIMER's event channel. */
#include "core/kernel.h"
#include "core/platform.h"
#include "xen/xen_pv.h"

static unsigned long long clock_base;
static struct vcpu_runstate_info runstate;
static int runstate_ok;
static uint64_t steal_base;

static inline uint64_t rdtsc_now(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* delta * mul / 2^32, without 128-bit arithmetic on i386. */
static inline uint64_t scale_32_32(uint64_t delta, uint32_t mul)
{
#ifdef __i386__
	return ((uint64_t)(uint32_t)delta * mul >> 32) + (delta >> 32) * mul;
#else
	return (uint64_t)(((unsigned __int128)delta * mul) >> 32);
#endif
}

/*
 * Xen's system time in ns: its last sample plus the scaled TSC since.
 * An odd or changed version means Xen was updating: read again.
 */
unsigned long long xen_system_time_ns(void)
{
	const volatile struct vcpu_time_info *t = &xen_vcpu->time;
	uint32_t ver;
	uint64_t ns;

	do {
		uint64_t delta;

		ver = t->version;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		delta = rdtsc_now() - t->tsc_timestamp;
		if (t->tsc_shift < 0)
			delta >>= -t->tsc_shift;
		else
			delta <<= t->tsc_shift;
		ns = t->system_time + scale_32_32(delta,
						  t->tsc_to_system_mul);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((ver & 1) || ver != t->version);
	return ns;
}

/* sched_clock counts from here, the first thing xen_start does. */
void xen_clock_init(void)
{
	clock_base = xen_system_time_ns();
}

/*
 * Nanoseconds since boot (native: since the TSC calibration), never less
 * than the last value this vCPU returned: Xen's periodic recalibration
 * may move system_time back a little against the TSC extrapolation (Linux
 * clamps to its last value for the same reason, pvclock_clocksource_read).
 * Per vCPU, as each reads its own vcpu_info's time: a plain load and
 * store of its own slot, no lock on this hot path.  Each slot has its own
 * cache line.
 */
static struct {
	unsigned long long last;
} __attribute__((aligned(64))) clock_last[SMP_MAX_CPUS];

unsigned long long xen_sched_clock(void)
{
	unsigned cpu = smp_cpu_id();
	unsigned long long ns = xen_system_time_ns();
	unsigned long long now = ns > clock_base ? ns - clock_base : 0;

	if (now < clock_last[cpu].last)
		return clock_last[cpu].last;
	clock_last[cpu].last = now;
	return now;
}

/* runnable + offline so far: Xen counts them from the vCPU's creation. */
static uint64_t runstate_steal(void)
{
	const volatile struct vcpu_runstate_info *r = &runstate;
	uint64_t before, steal;

	do {
		before = r->state_entry_time;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		steal = r->time[RUNSTATE_runnable] + r->time[RUNSTATE_offline];
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while (before != r->state_entry_time);
	return steal;
}

/* Time the vCPU was ready but not running, or not running at all, since
 * the runstate area was registered (the domain build's is not ours). */
unsigned long long xen_steal_clock(int cpu)
{
	if (cpu || !runstate_ok)
		return 0;
	return runstate_steal() - steal_base;
}

/*
 * Xen's periodic timer runs only while the vCPU does: a blocked vCPU
 * (safe_halt) would never wake.  So the tick is a singleshot timer, set
 * again on each event for the next multiple of the period; ticks missed
 * meanwhile are skipped, not replayed.
 */
static unsigned long long tick_period, tick_next[SMP_MAX_CPUS];

/* Xen arms only the calling vCPU's own singleshot timer. */
static int tick_arm(void)
{
	unsigned cpu = smp_cpu_id();
	struct vcpu_set_singleshot_timer t = {
		.timeout_abs_ns = tick_next[cpu]
	};

	return (int)HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, cpu, &t);
}

/* Time the vCPU spent blocked (SCHEDOP_block), for the selftests. */
unsigned long long xen_blocked_ns(void)
{
	return runstate_ok ? ((volatile struct vcpu_runstate_info *)&runstate)
				     ->time[RUNSTATE_blocked] :
			     0;
}

static void timer_event(unsigned port)
{
	unsigned long long now = xen_system_time_ns();
	struct percpu *pc = this_cpu();

	(void)port;
	/*
	 * Every VIRQ_TIMER is a tick, even one that arrives before tick_next:
	 * Xen fires a singleshot up to its timer slop early, and a guest's
	 * pvclock can lag Xen's clock when two guests share a pCPU.  Ignoring
	 * an early event without re-arming stopped the tick for good (seen
	 * with two DomUs at once); counting it costs at most a short tick.
	 */
	if (pc->cpu)
		pc->apic_ticks++; /* the kernel's tick is vCPU 0's */
	else
		timer_tick();
	while (tick_next[pc->cpu] <= now)
		tick_next[pc->cpu] += tick_period;
	(void)tick_arm();
}

/* On a vCPU going down: its timer stopped (VCPUOP_down keeps it). */
void xen_timer_stop_cpu(void)
{
	(void)HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, smp_cpu_id(),
				 NULL);
}

/* On a vCPU back up: the next tick from now. */
int xen_timer_rearm_cpu(void)
{
	tick_next[smp_cpu_id()] = xen_system_time_ns() + tick_period;
	return tick_arm();
}

/* On a secondary vCPU itself: its own VIRQ_TIMER and singleshot tick. */
int xen_timer_init_cpu(unsigned cpu)
{
	int port = xen_evtchn_bind_virq_on(VIRQ_TIMER, cpu, timer_event);
	int err;

	if (port < 0)
		return port;
	(void)HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, cpu, NULL);
	tick_next[cpu] = xen_system_time_ns() + tick_period;
	if ((err = tick_arm()))
		return err;
	xen_evtchn_unmask((unsigned)port);
	return port;
}

/*
 * The platform's timer_init: VIRQ_TIMER on an event channel, a singleshot
 * timer per tick at hz (Xen's periodic one stopped), and the runstate
 * area for steal time.  Returns 0 or -errno.
 */
int xen_timer_init(unsigned hz)
{
	struct vcpu_register_runstate_memory_area area;
	int port, err;

	if (!hz || hz > 1000000000u)
		return -PV_EINVAL;
	area.addr.v = &runstate;
	runstate_ok = !HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area,
					  0, &area);
	if (runstate_ok)
		steal_base = runstate_steal();
	(void)HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
	port = xen_evtchn_bind_virq(VIRQ_TIMER, timer_event);
	if (port < 0)
		return port;
	tick_period = 1000000000ull / hz;
	tick_next[0] = xen_system_time_ns() + tick_period;
	if ((err = tick_arm()))
		return err;
	xen_evtchn_unmask((unsigned)port);
	printk("xen: pvclock sched_clock, VIRQ_TIMER on port %d, singleshot "
	       "%u Hz%s\n", port, hz,
	       runstate_ok ? ", runstate for steal time" : "");
	return 0;
}

/* Wall-clock seconds: Xen's boot time in shared_info plus system time. */
uint64_t xen_wallclock_s(void)
{
	const volatile struct shared_info *s = &xen_shared_page.s;
	uint32_t ver, sec, nsec;

	do {
		ver = s->wc_version;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		sec = s->wc_sec;
		nsec = s->wc_nsec;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((ver & 1) || ver != s->wc_version);
	return sec + (nsec + xen_system_time_ns()) / 1000000000ull;
}

/* Before a suspend: no tick, and where sched_clock and steal time were. */
static unsigned long long suspended_at, steal_at;

void xen_timer_stop(void)
{
	(void)HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL);
	suspended_at = xen_sched_clock();
	steal_at = xen_steal_clock(0);
}

/*
 * After a suspend.  In a new domain (perhaps on another host, whose
 * system time may be behind) sched_clock never runs backwards: should
 * pvclock now read less than where it stopped, it goes on from there.
 * The runstate area and VIRQ_TIMER's channel are bound again.  Then the
 * next tick is armed.
 */
int xen_timer_resume(int new_domain)
{
	int port;

	if (xen_system_time_ns() < clock_base + suspended_at)
		clock_base = xen_system_time_ns() - suspended_at;
	if (new_domain) {
		struct vcpu_register_runstate_memory_area area;

		area.addr.v = &runstate;
		runstate_ok = !HYPERVISOR_vcpu_op(
			VCPUOP_register_runstate_memory_area, 0, &area);
		if (runstate_ok)
			steal_base = runstate_steal() - steal_at;
		(void)HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
		port = xen_evtchn_bind_virq(VIRQ_TIMER, timer_event);
		if (port < 0)
			return port;
		xen_evtchn_unmask((unsigned)port);
	}
	tick_next[0] = xen_system_time_ns() + tick_period;
	return tick_arm();
}
