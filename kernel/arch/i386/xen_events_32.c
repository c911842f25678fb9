/* xen_events_32.c: the PV32 entry's trap and event checks: an int3 bounced
 * to ring 1, shared_info's vcpu_info, VIRQ_TIMER through the upcall. */
#include "core/kernel.h"
#include "arch/i386/hypercall_32.h"
#include "arch/i386/xen32.h"

#define XEN32_TRAP_DPL3 3 /* int3 from ring 1 passes Xen's DPL check */
#define XEN32_TICK_NS 10000000ull /* 10 ms */
#define XEN32_TICKS 10
#define XEN32_PTE_FLAGS 0x063ull /* P, RW, A, D */
#define XEN32_PTE_ADDR 0x000ffffffffff000ull

/* Until mapped this is a zero page: events masked is all it can say. */
static union {
	struct shared_info s;
	char page[4096];
} xen32_shared __attribute__((section(".bss..page_aligned"), aligned(4096)));

/* Written by xen_entry_32.S. */
unsigned long xen32_int3_eip, xen32_int3_cs, xen32_int3_count;
static volatile unsigned long xen32_ticks, xen32_upcalls;
static unsigned xen32_timer_port;

void xen32_int3_entry(void);
void xen32_upcall_entry(void);
void xen32_int3_probe(void);
void xen32_upcall(void);

/* Called by xen32_upcall_entry, events masked: one pass over the 2-level
 * pending bits; an event arriving meanwhile sets upcall_pending again. */
void xen32_upcall(void)
{
	struct vcpu_info *v = &xen32_shared.s.vcpu_info[0];
	struct shared_info *s = &xen32_shared.s;

	xen32_upcalls++;
	do {
		unsigned long sel;

		v->evtchn_upcall_pending = 0;
		sel = __atomic_exchange_n(&v->evtchn_pending_sel, 0,
					  __ATOMIC_SEQ_CST);
		while (sel) {
			unsigned w = (unsigned)__builtin_ctzl(sel);
			unsigned long pend;

			sel &= sel - 1;
			pend = __atomic_exchange_n(&s->evtchn_pending[w], 0,
						   __ATOMIC_SEQ_CST);
			if (w == xen32_timer_port / 32 &&
			    (pend >> (xen32_timer_port % 32)) & 1)
				xen32_ticks++;
		}
	} while (v->evtchn_upcall_pending);
}

/* pvclock: Xen's system time (ns) at its last update, plus the TSC since,
 * scaled by its 32.32 fraction (a 64x32 multiply in two halves). */
static uint64_t xen32_system_time(void)
{
	volatile struct vcpu_time_info *t =
		&xen32_shared.s.vcpu_info[0].time;
	uint32_t ver, lo, hi;
	uint64_t ns, d;

	do {
		ver = t->version;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
		d = ((uint64_t)hi << 32 | lo) - t->tsc_timestamp;
		d = t->tsc_shift >= 0 ? d << t->tsc_shift : d >> -t->tsc_shift;
		ns = t->system_time +
		     ((uint64_t)(uint32_t)d * t->tsc_to_system_mul >> 32) +
		     (d >> 32) * t->tsc_to_system_mul;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	} while ((ver & 1) || ver != t->version);
	return ns;
}

/*
 * A singleshot timer one tick ahead: Xen stops a vCPU's periodic timer
 * while it is descheduled, so a periodic tick never ends a block.
 */
static int xen32_arm_timer(void)
{
	struct vcpu_set_singleshot_timer t = {
		.timeout_abs_ns = xen32_system_time() + XEN32_TICK_NS,
	};

	return (int)HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t);
}

/* int3 in ring 1: Xen bounces it to our trap_info entry, we iret back. */
int xen32_check_trap(void)
{
	static const struct trap_info traps[] = {
		{ 3, XEN32_TRAP_DPL3, FLAT_KERNEL_CS,
		  (unsigned long)xen32_int3_entry },
		{ 0, 0, 0, 0 },
	};
	uint64_t off;
	const char *fn;

	if (HYPERVISOR_set_trap_table(traps))
		return -PV_EIO;
	xen32_int3_probe();
	if (xen32_int3_count != 1)
		return -PV_EIO;
	fn = ksym_name(xen32_int3_eip - 1, &off);
	printk("xen32: trap: int3 bounced to ring 1 (cs %lx), eip %s+0x%llx, "
	       "returned by iret\n", xen32_int3_cs & 0xffff, fn ? fn : "?",
	       (unsigned long long)off + 1);
	return 0;
}

/* shared_info over a .bss page: vcpu_info[0]'s mask byte at a fixed address. */
static int xen32_map_shared(void)
{
	uint64_t pte = ((uint64_t)xen32_start_info()->shared_info &
			XEN32_PTE_ADDR) | XEN32_PTE_FLAGS;

	if (HYPERVISOR_update_va_mapping((unsigned long)&xen32_shared, pte,
					 UVMF_INVLPG | UVMF_LOCAL))
		return -PV_EIO;
	printk("xen32: shared_info at %p, vcpu_info[0] mask byte at %p = %u\n",
	       (void *)&xen32_shared,
	       (void *)&xen32_shared.s.vcpu_info[0].evtchn_upcall_mask,
	       xen32_shared.s.vcpu_info[0].evtchn_upcall_mask);
	return xen32_shared.s.vcpu_info[0].evtchn_upcall_mask == 1 ? 0 : -PV_EIO;
}

static int xen32_bind_timer(void)
{
	struct callback_register cb = {
		.type = CALLBACKTYPE_event,
		.address = { FLAT_KERNEL_CS, (unsigned long)xen32_upcall_entry },
	};
	struct evtchn_bind_virq bind = { .virq = VIRQ_TIMER, .vcpu = 0 };

	if (HYPERVISOR_callback_op(CALLBACKOP_register, &cb) ||
	    HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &bind) ||
	    HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL))
		return -PV_EIO;
	xen32_timer_port = bind.port;
	xen32_shared.s.evtchn_mask[bind.port / 32] &= ~(1ul << bind.port % 32);
	return 0;
}

/* SCHEDOP_block unmasks events and sleeps until one is pending; Xen runs
 * the upcall as it returns to us, which leaves events masked again.  A
 * failed arm is not waited on (the loop ends by its block count). */
int xen32_check_events(void)
{
	struct evtchn_close close;
	uint64_t t0, t1;
	unsigned blocks = 0;
	int err;

	if ((err = xen32_map_shared()) || (err = xen32_bind_timer()))
		return err;
	t0 = xen32_system_time();
	while (xen32_ticks < XEN32_TICKS && blocks++ < 10 * XEN32_TICKS)
		if (!xen32_arm_timer())
			(void)HYPERVISOR_sched_op(SCHEDOP_block, NULL);
	t1 = xen32_system_time();
	/* The backend (kernel/xen/time.c) binds VIRQ_TIMER again. */
	close.port = xen32_timer_port;
	if (HYPERVISOR_event_channel_op(EVTCHNOP_close, &close))
		return -PV_EIO;
	printk("xen32: events: VIRQ_TIMER port %u, %lu ticks, %lu upcalls, "
	       "%u blocks in %llu ms\n", xen32_timer_port, xen32_ticks,
	       xen32_upcalls, blocks, (unsigned long long)(t1 - t0) / 1000000);
	return xen32_ticks == XEN32_TICKS ? 0 : -PV_ETIMEDOUT;
}
