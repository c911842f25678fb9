/* smp.c: native SMP: APs from the MADT started with INIT-SIPI-SIPI through
 * the real-mode trampoline, their tables and timers, cross-CPU calls. */
#include "core/kernel.h"
#include "core/mm.h"
#include "core/platform.h"
#include "native/native.h"
#include "native/native_inline.h"
#include "pv/pvcalls.h"
#include "pv/sites.h"
#include "smp/smp.h"

#define TRAMP_PA 0x8000u
#define APIC_HZ 100
#define AP_WAIT_NS 1000000000ull
#define MSR_EFER 0xc0000080u
#define EFER_KEEP 0x901ull /* NXE, LME, SCE */

extern const char smp_tramp_start[], smp_tramp_end[], smp_tramp_params[];
extern const char smp_ap_start64[];
extern unsigned long long boot_pml4[];

struct tramp_params {
	uint64_t boot_cr3, efer, cr3, cr4, stack, percpu, entry;
};

static uint8_t ap_stacks[SMP_MAX_CPUS][SMP_STACK_SIZE]
	__attribute__((aligned(16)));
static uint8_t ist_stacks[SMP_MAX_CPUS][SMP_IST_SIZE]
	__attribute__((aligned(16)));
static volatile unsigned nr_online = 1;
volatile int smp_quiet;

static struct {
	volatile smp_call_fn fn;
	void *volatile arg;
	volatile unsigned long gen;
	volatile int lock;
} call;

static struct {
	void (*volatile fn)(unsigned cpu);
	volatile unsigned long gen;
} work;

unsigned smp_nr_cpus(void)
{
	return nr_online;
}

/* The interrupt flag itself, natively; a platform may say otherwise. */
static int native_irq_on(void)
{
	return !!(__native_save_fl() & 0x200);
}

static void native_send(unsigned cpu, unsigned vec)
{
	lapic_send(smp_percpu[cpu].apic_id, vec);
}

static const struct smp_ops native_smp_ops = { native_send, native_irq_on,
					       NULL };
const struct smp_ops *smp_ops = &native_smp_ops;

/* Xen PV: IPIs by event channel, the flag from vcpu_info. */
void smp_set_ops(const struct smp_ops *ops)
{
	smp_ops = ops;
}

static void send_others(unsigned vec)
{
	struct percpu *me = this_cpu();

	if (smp_ops == &native_smp_ops) {
		lapic_send_others(vec); /* one ICR write for all */
		return;
	}
	for (unsigned i = 0; i < SMP_MAX_CPUS; i++)
		if (&smp_percpu[i] != me && smp_percpu[i].online)
			smp_ops->send(i, vec);
}

uint64_t smp_ap_stack_top(unsigned n)
{
	return (uint64_t)(ap_stacks[n] + SMP_STACK_SIZE);
}

void smp_poll(void)
{
	struct percpu *pc = this_cpu();
	unsigned long g = call.gen;

	if (pc->call_ack == g)
		return;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	call.fn(call.arg);
	__atomic_store_n(&pc->call_ack, g, __ATOMIC_RELEASE);
}

void smp_call_others(smp_call_fn fn, void *arg)
{
	struct percpu *me = this_cpu();
	unsigned long g;

	if (nr_online < 2)
		return;
	while (__atomic_exchange_n(&call.lock, 1, __ATOMIC_ACQUIRE)) {
		smp_poll(); /* the holder may be waiting for us */
		__native_pause();
	}
	call.fn = fn;
	call.arg = arg;
	g = call.gen + 1;
	me->call_ack = g;
	__atomic_store_n(&call.gen, g, __ATOMIC_RELEASE);
	send_others(APIC_CALL_VECTOR);
	for (unsigned i = 0; i < SMP_MAX_CPUS; i++) {
		struct percpu *pc = &smp_percpu[i];

		while (pc != me && pc->online &&
		       __atomic_load_n(&pc->call_ack, __ATOMIC_ACQUIRE) != g)
			__native_pause();
	}
	__atomic_store_n(&call.lock, 0, __ATOMIC_RELEASE);
}

/* The op, not invlpg: a Xen PV kernel flushes through mmuext_op. */
static void flush_one(void *va)
{
	pv_flush_tlb_one_user((unsigned long)va);
}

/* After changing a kernel PTE: every other CPU drops va from its TLB. */
void smp_flush_tlb_others(uint64_t va)
{
	smp_call_others(flush_one, (void *)va);
}

static void apic_timer_irq(unsigned vec)
{
	(void)vec;
	this_cpu()->apic_ticks++;
	lapic_eoi();
}

static void apic_call_irq(unsigned vec)
{
	(void)vec;
	smp_poll();
	lapic_eoi();
}

static void apic_kick_irq(unsigned vec)
{
	(void)vec; /* the wakeup is the interrupt itself */
	lapic_eoi();
}

static void apic_spurious_irq(unsigned vec)
{
	(void)vec; /* no EOI for the spurious vector */
}

/*
 * Asked to leave (vCPU hotplug): offline in the counts first, so that no
 * cross-CPU call waits for it, then the platform takes the CPU down; it
 * returns here when the CPU is brought up again, and the CPU rejoins
 * (calls made meanwhile are not its to run).
 */
static void cpu_leave(struct percpu *pc)
{
	pv_irq_disable();
	__atomic_store_n(&pc->online, 0, __ATOMIC_RELEASE);
	__atomic_sub_fetch(&nr_online, 1, __ATOMIC_RELEASE);
	smp_ops->down(pc);
	pc->leave = 0;
	pc->call_ack = call.gen;
	__atomic_store_n(&pc->online, 1, __ATOMIC_RELEASE);
	__atomic_add_fetch(&nr_online, 1, __ATOMIC_RELEASE);
	pv_irq_enable();
}

/* The AP's life after bring-up: work when there is some, else halt. */
static void __noreturn ap_loop(struct percpu *pc)
{
	static unsigned long done[SMP_MAX_CPUS];

	for (;;) {
		unsigned long g = work.gen;

		if (pc->leave && smp_ops->down) {
			cpu_leave(pc);
			continue;
		}

		if (done[pc->cpu] != g && work.fn) {
			pc->recover_armed = 1;
			work.fn(pc->cpu);
			pc->recover_armed = 0;
			done[pc->cpu] = g;
			continue;
		}
		pv_irq_disable();
		if (done[pc->cpu] == work.gen && !smp_quiet && !pc->leave)
			pv_safe_halt();
		pv_irq_enable();
	}
}

/* Where a fault in armed work resumes: a fresh stack, the work again. */
static void __noreturn ap_recover(void)
{
	struct percpu *pc = this_cpu();

	pv_irq_enable();
	ap_loop(pc);
}

int smp_recover_fault(struct trap_frame *f, uint64_t cr2)
{
	struct percpu *pc = this_cpu();

	if (!pc->recover_armed || pc->cpu == 0)
		return 0;
	if (!pc->recover.faults++) {
		pc->recover.first_rip = f->rip;
		pc->recover.first_vec = f->vec;
		pc->recover.first_rsp = f->rsp;
		for (unsigned i = 0; i < 4; i++)
			pc->recover.first_stack[i] = ((uint64_t *)f->rsp)[i];
	}
	pc->recover.last_rip = f->rip;
	pc->recover.last_vec = f->vec;
	pc->recover.last_cr2 = cr2;
	f->rip = (uint64_t)ap_recover;
	f->rsp = pc->stack_top - 64;
	f->rflags = 0x2; /* interrupts off until ap_recover */
	return 1;
}

void smp_run_others(void (*fn)(unsigned cpu))
{
	work.fn = fn;
	__atomic_add_fetch(&work.gen, 1, __ATOMIC_RELEASE);
	send_others(APIC_CALL_VECTOR); /* out of halt */
}

/* C entry of an AP (trampoline.S), on its own stack with the kernel's
 * page tables; interrupts off. */
void smp_ap_main(struct percpu *pc);
void smp_ap_main(struct percpu *pc)
{
	percpu_load(pc);
	gdt_init_cpu(pc->gdt, &pc->tss,
		     (uint64_t)(ist_stacks[pc->cpu] + SMP_IST_SIZE));
	lapic_enable();
	lapic_timer_start(APIC_HZ);
	smp_ap_run(pc);
}

/* An AP whose platform set it up joins: online, then work or halt. */
void smp_ap_run(struct percpu *pc)
{
	pc->call_ack = call.gen;
	__atomic_store_n(&pc->online, 1, __ATOMIC_RELEASE);
	__atomic_add_fetch(&nr_online, 1, __ATOMIC_RELEASE);
	pv_irq_enable();
	ap_loop(pc);
}

static void tramp_setup(void)
{
	uint8_t *t = phys_to_virt(TRAMP_PA);
	struct tramp_params *p =
		(void *)(t + (smp_tramp_params - smp_tramp_start));

	memcpy(t, smp_tramp_start, (size_t)(smp_tramp_end - smp_tramp_start));
	p->boot_cr3 = (uint64_t)boot_pml4 - KERNEL_VIRT_BASE;
	p->efer = __native_read_msr(MSR_EFER) & EFER_KEEP;
	p->cr3 = paging_root();
	p->cr4 = __native_read_cr4();
	p->entry = (uint64_t)smp_ap_start64;
}

/* Starts one AP as CPU n; 0, or -PV_ETIMEDOUT if it never came up. */
static int start_ap(unsigned n, unsigned apic_id)
{
	struct percpu *pc = &smp_percpu[n];
	struct tramp_params *p = (void *)((uint8_t *)phys_to_virt(TRAMP_PA) +
					  (smp_tramp_params - smp_tramp_start));
	unsigned long long end;
	int err;

	pc->cpu = n;
	pc->apic_id = apic_id;
	pc->stack_top = (uint64_t)(ap_stacks[n] + SMP_STACK_SIZE);
	p->stack = pc->stack_top;
	p->percpu = (uint64_t)pc;
	err = lapic_start_ap(apic_id, TRAMP_PA);
	end = native_sched_clock() + AP_WAIT_NS;
	while (!err && !__atomic_load_n(&pc->online, __ATOMIC_ACQUIRE))
		if (native_sched_clock() > end)
			err = -PV_ETIMEDOUT;
	return err;
}

static int apic_setup(const struct boot_info *bi, uint32_t *ids,
		      unsigned *n)
{
	uint64_t lapic_pa = 0xfee00000ull;
	int err;

	*n = acpi_madt_cpus(bi->rsdp_pa, ids, SMP_MAX_CPUS, &lapic_pa);
	if (!*n)
		return -PV_ENOENT;
	err = lapic_init(lapic_pa);
	if (err)
		return err;
	trap_set_irq(APIC_TIMER_VECTOR, apic_timer_irq);
	trap_set_irq(APIC_CALL_VECTOR, apic_call_irq);
	trap_set_irq(APIC_KICK_VECTOR, apic_kick_irq);
	trap_set_irq(APIC_SPURIOUS_VECTOR, apic_spurious_irq);
	lapic_enable();
	smp_percpu[0].apic_id = lapic_id();
	/* the boot CPU keeps the PIT's tick (timer_ticks); APs their own */
	return lapic_calibrate();
}

/* Brings every enabled CPU of the MADT online (native platform only). */
void smp_init(const struct boot_info *bi)
{
	uint32_t ids[SMP_MAX_CPUS];
	unsigned n, next = 1;
	unsigned long long t0 = native_sched_clock();
	int err;

	if (kernel_platform()->smp_init) {
		kernel_platform()->smp_init();
		return;
	}
	if (kernel_platform()->backend != PV_BACKEND_NATIVE)
		return;
	percpu_init_boot();
	err = apic_setup(bi, ids, &n);
	if (err) {
		printk("smp: no local APIC from ACPI (error %d): 1 CPU\n", err);
		return;
	}
	tramp_setup();
	for (unsigned i = 0; i < n; i++) {
		if (ids[i] == smp_percpu[0].apic_id)
			continue;
		err = start_ap(next, ids[i]);
		if (err)
			printk("smp: CPU with APIC id %u did not start (error "
			       "%d)\n", ids[i], err);
		else
			next++;
	}
	printk("smp: %u of %u CPUs online, APs up in %llu us, APIC timer "
	       "%u Hz on each AP\n", nr_online, n,
	       (native_sched_clock() - t0) / 1000, APIC_HZ);
}

#define LOCK_SPINS 64

/* Spins a while, then waits through the lock_wait op (natively a pause;
 * Xen yields), and tries again. */
void smp_lock(struct smp_lock *l)
{
	for (;;) {
		for (unsigned i = 0; i < LOCK_SPINS; i++) {
			if (!__atomic_exchange_n(&l->locked, 1,
						 __ATOMIC_ACQUIRE))
				return;
			__native_pause();
		}
		__atomic_add_fetch(&l->waiters, 1, __ATOMIC_RELAXED);
		pv_lock_wait(&l->locked, 1);
		__atomic_sub_fetch(&l->waiters, 1, __ATOMIC_RELAXED);
	}
}

/* The store and the load of waiters must not pass each other (a waiter
 * that saw the lock held would halt unkicked until the next tick). */
void smp_unlock(struct smp_lock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&l->waiters, __ATOMIC_RELAXED))
		pv_lock_kick(-1);
}

/*
 * Halts while *ptr == val, until a kick (or any interrupt).  Announced in
 * lock_waiting before the check, fenced, so that an unlock either sees the
 * waiter or the waiter sees the unlock.  Only with interrupts on and other
 * CPUs online; else a pause.
 */
void smp_lock_halt(volatile unsigned char *ptr, unsigned char val)
{
	struct percpu *pc = this_cpu();

	if (nr_online < 2 || !(__native_save_fl() & 0x200)) {
		__native_pause();
		return;
	}
	__native_irq_disable();
	pc->lock_waiting = ptr;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (*ptr == val) {
		pc->lock_halts++;
		__native_safe_halt(); /* sti; hlt: a kick in between wakes it */
	} else {
		__native_irq_enable();
	}
	pc->lock_waiting = NULL;
}

void smp_lock_kick(int cpu)
{
	struct percpu *me = this_cpu();

	for (unsigned i = 0; i < SMP_MAX_CPUS; i++) {
		struct percpu *pc = &smp_percpu[i];

		if (pc == me || !pc->online || !pc->lock_waiting ||
		    (cpu >= 0 && (unsigned)cpu != i))
			continue;
		me->lock_kicks++;
		smp_ops->send(i, APIC_KICK_VECTOR);
	}
}
