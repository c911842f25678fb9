/* smp.c: secondary vCPUs of a Xen PV guest (VCPUOP_initialise, VCPUOP_up),
 * their IPIs by event channel, and the pv lock ops on SCHEDOP_poll. */
#include "core/kernel.h"
#include "core/mm.h"
#include "smp/smp.h"
#include "xen/xen_pv.h"

#define AP_WAIT_NS 10000000000ull /* TCG under Xen is slow */
#define X86_EFLAGS_IF 0x200ul
#define X86_EFLAGS_FIXED 0x2ul
#define LOCK_POLL_NS 1000000ull

/* Per vCPU: the port its cross-CPU calls arrive on (unmasked, an upcall
 * that runs smp_poll) and the one a lock waiter polls (masked: a kick
 * only ends the poll).  0: none (port 0 is never bound). */
static unsigned call_port[SMP_MAX_CPUS], kick_port[SMP_MAX_CPUS];

static void call_event(unsigned port)
{
	(void)port;
	smp_poll();
}

static void kick_event(unsigned port)
{
	(void)port; /* masked for ever: never delivered */
}

static void xen_smp_send(unsigned cpu, unsigned vec)
{
	unsigned port = vec == APIC_KICK_VECTOR ? kick_port[cpu] :
						  call_port[cpu];

	if (port)
		(void)xen_evtchn_send(port);
}

/* Events enabled in this vCPU's own vcpu_info, read without a site. */
static int xen_smp_irq_on(void)
{
	return !xen_vcpu->evtchn_upcall_mask;
}

/*
 * VCPUOP_down of the calling vCPU, through the hypercall page itself, not
 * a hypercall site: the vCPU stays stopped right after the instruction
 * that entered Xen, and a site there might be re-patched meanwhile.
 */
static long vcpu_down_self(unsigned id)
{
	register unsigned long cmd __asm__("rdi") = VCPUOP_down;
	register unsigned long vcpu __asm__("rsi") = id;
	register unsigned long arg __asm__("rdx") = 0;
	long r;

	__asm__ volatile("call hypercall_page + %c[nr] * 32"
			 : "=a"(r), "+r"(cmd), "+r"(vcpu), "+r"(arg)
			 : [nr] "i"(__HYPERVISOR_vcpu_op)
			 : "rcx", "r11", "memory");
	return r;
}

/* smp_ops.down, on the vCPU asked to leave: no tick while down; back
 * from VCPUOP_down when VCPUOP_up starts it again, the tick re-armed. */
static void xen_smp_down(struct percpu *pc)
{
	xen_timer_stop_cpu();
	(void)vcpu_down_self(pc->cpu);
	(void)xen_timer_rearm_cpu();
}

static const struct smp_ops xen_smp_ops = { xen_smp_send, xen_smp_irq_on,
					    xen_smp_down };

/* The call IPI (delivered) and the kick port (polled) of vCPU cpu. */
static int bind_ipis(unsigned cpu)
{
	int c = xen_evtchn_bind_ipi_on(cpu, call_event);
	int k = c < 0 ? c : xen_evtchn_bind_ipi_on(cpu, kick_event);

	if (k < 0)
		return k;
	call_port[cpu] = (unsigned)c;
	kick_port[cpu] = (unsigned)k;
	xen_evtchn_unmask((unsigned)c);
	return 0;
}

/*
 * A secondary vCPU's first instructions, from VCPUOP_initialise's
 * context: its stack, %gs on its per-CPU area, events masked in its
 * vcpu_info.  The trap table is per vCPU; then its tick, then it joins.
 */
static void __noreturn ap_main(struct percpu *pc)
{
	int err;

	percpu_use(pc);
	if ((err = xen_trap_table_load()))
		panic("xen: vCPU %u: set_trap_table: error %d", pc->cpu, err);
	if ((err = xen_timer_init_cpu(pc->cpu)) < 0)
		printk("xen: vCPU %u: no tick (error %d)\n", pc->cpu, err);
	smp_ap_run(pc);
}

/* Machine frame of the page tables this vCPU runs on. */
static unsigned long cr3_mfn(void)
{
	return xen_pfn_to_mfn(xen_read_cr3() >> 12);
}

/*
 * The context a vCPU starts in: kernel mode on Xen's flat selectors (no
 * GDT of ours, as vCPU 0), our page tables, the event and failsafe
 * callbacks, GS base on its per-CPU area, rdi its argument.
 */
static void ap_context(struct vcpu_guest_context *c, struct percpu *pc)
{
	memset(c, 0, sizeof(*c));
	c->flags = VGCF_in_kernel | VGCF_failsafe_disables_events;
	c->user_regs.rip = (unsigned long)ap_main;
	c->user_regs.rsp = pc->stack_top - 8; /* as after a call */
	c->user_regs.rdi = (unsigned long)pc;
	c->user_regs.cs = FLAT_KERNEL_CS;
	c->user_regs.ss = FLAT_KERNEL_SS;
	c->user_regs.ds = c->user_regs.es = FLAT_KERNEL_DS;
	c->user_regs.rflags = X86_EFLAGS_IF | X86_EFLAGS_FIXED;
	c->kernel_ss = FLAT_KERNEL_SS;
	c->kernel_sp = pc->stack_top;
	c->gs_base_kernel = (unsigned long)pc;
	c->event_callback_eip = (unsigned long)xen_upcall_entry;
	c->failsafe_callback_eip = (unsigned long)xen_failsafe_entry;
	c->ctrlreg[3] = xen_pfn_to_cr3(cr3_mfn());
}

/* Waits until vCPU n is online (up: 1) or down in Xen (up: 0). */
static int vcpu_wait(unsigned n, int up)
{
	unsigned long long end = xen_sched_clock() + AP_WAIT_NS;
	struct percpu *pc = &smp_percpu[n];

	while (up ? !__atomic_load_n(&pc->online, __ATOMIC_ACQUIRE) :
		    HYPERVISOR_vcpu_op(VCPUOP_is_up, n, NULL) != 0) {
		if (xen_sched_clock() > end)
			return -PV_ETIMEDOUT;
		(void)HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
	}
	return 0;
}

/*
 * Starts vCPU n: the first time its vcpu_info placed (masked), its IPI
 * ports, its context; then VCPUOP_up (again: it goes on from its own
 * VCPUOP_down), and waits until it is online.  0 or -errno.
 */
int xen_vcpu_up(unsigned n)
{
	static struct vcpu_guest_context ctx; /* 5 KiB: not on the stack */
	struct percpu *pc = &smp_percpu[n];
	int err;

	if (n == 0 || n >= SMP_MAX_CPUS)
		return -PV_EINVAL;
	if (pc->started) {
		err = (int)HYPERVISOR_vcpu_op(VCPUOP_up, n, NULL);
		return err ? err : vcpu_wait(n, 1);
	}
	pc->cpu = n;
	pc->apic_id = n; /* the vCPU id, as `cpus` shows it */
	pc->self = pc;
	pc->stack_top = smp_ap_stack_top(n);
	if ((err = xen_vcpu_place(n)))
		return err;
	xen_vcpu_of(n)->evtchn_upcall_mask = 1;
	if ((err = bind_ipis(n)))
		return err;
	ap_context(&ctx, pc);
	err = (int)HYPERVISOR_vcpu_op(VCPUOP_initialise, n, &ctx);
	if (err)
		return err;
	pc->started = 1;
	err = (int)HYPERVISOR_vcpu_op(VCPUOP_up, n, NULL);
	return err ? err : vcpu_wait(n, 1);
}

/* Asks vCPU n to leave (it takes itself down: smp.c's cpu_leave) and
 * waits until Xen has it down.  0 or -errno. */
int xen_vcpu_down(unsigned n)
{
	struct percpu *pc = &smp_percpu[n];

	if (n == 0 || n >= SMP_MAX_CPUS || !pc->started)
		return -PV_EINVAL;
	pc->leave = 1;
	xen_smp_send(n, APIC_CALL_VECTOR); /* out of its halt */
	return vcpu_wait(n, 0);
}

/* The platform's smp_init: the vCPUs the domain has (VCPUOP_is_up says
 * which exist), up to SMP_MAX_CPUS, those a DomU's store says are
 * wanted (cpu/N/availability); then the store is watched (hotplug.c). */
void xen_smp_init(void)
{
	unsigned long long t0 = xen_sched_clock();
	unsigned n = 1, tried = 0;
	int err;

	xen_vcpus = 1;
	if ((err = bind_ipis(0))) {
		printk("xen: smp: no IPI ports (error %d): 1 vCPU\n", err);
		return;
	}
	smp_set_ops(&xen_smp_ops);
	for (unsigned id = 1; id < SMP_MAX_CPUS; id++) {
		if (HYPERVISOR_vcpu_op(VCPUOP_is_up, id, NULL) < 0)
			break; /* -ENOENT: no such vCPU */
		xen_vcpus++;
		if (!xen_vcpu_wanted(id))
			continue;
		tried++;
		if ((err = xen_vcpu_up(id)))
			printk("xen: smp: vCPU %u did not start (error %d)\n",
			       id, err);
		else
			n++;
	}
	printk("xen: smp: %u of %u vCPUs online, up in %llu us, vcpu_info "
	       "per CPU at %%gs:%u, event-channel IPIs\n", n, tried + 1,
	       (xen_sched_clock() - t0) / 1000, XEN_GS_VCPU);
	xen_hotplug_init();
}

/*
 * lock_wait, one round: poll this vCPU's kick port (SCHEDOP_poll blocks
 * until it is pending, masked or not, or any event reaches the vCPU)
 * while *ptr == val.  Announced in lock_waiting and the port's stale kick
 * cleared before the check, fenced: an unlock either sees the waiter (and
 * kicks) or the waiter sees the unlock.  At most a tick (1 ms): with
 * events masked the tick's own event is held and wakes nobody, and the
 * op's contract is one round that returns.  One vCPU: a yield.
 */
void xen_lock_wait(volatile unsigned char *ptr, unsigned char val)
{
	struct percpu *pc = this_cpu();
	evtchn_port_t port = kick_port[pc->cpu];
	struct sched_poll poll = { .nr_ports = 1 };

	if (smp_nr_cpus() < 2 || !port) {
		if (*ptr == val)
			(void)HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
		return;
	}
	pc->lock_waiting = ptr;
	xen_evtchn_clear(port);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (*ptr == val) {
		pc->lock_halts++;
		set_xen_guest_handle(poll.ports, &port);
		poll.timeout = xen_system_time_ns() + LOCK_POLL_NS;
		(void)HYPERVISOR_sched_op(SCHEDOP_poll, &poll);
	}
	pc->lock_waiting = NULL;
}

/* Sends to the kick port of each vCPU waiting (smp.c finds them). */
void xen_lock_kick(int cpu)
{
	smp_lock_kick(cpu);
}
