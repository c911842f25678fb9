/* smp.h: more than one CPU (native): the per-CPU area reached through %gs,
 * the local APIC, AP bring-up, IPIs, spinlocks and the live re-patch. */
#ifndef SMP_H
#define SMP_H

#include <stdint.h>
#include "core/traps.h"

#define SMP_MAX_CPUS 8
#define SMP_STACK_SIZE 16384
#define SMP_IST_SIZE 4096

/* Vectors above the legacy PIC's 32..47 (core/traps.h). */
#define APIC_TIMER_VECTOR 48
#define APIC_CALL_VECTOR 49
#define APIC_KICK_VECTOR 50
#define APIC_SPURIOUS_VECTOR 63

/* Where a fault on a CPU resumes while it is armed (struct percpu). */
struct smp_recover {
	uint64_t rip, rsp;
	unsigned long faults;
	uint64_t last_rip, last_vec, last_cr2;
	uint64_t first_rip, first_vec, first_rsp, first_stack[4];
};

/*
 * One CPU's own data; %gs:0 holds its address (self).  Field order is
 * free except self, which %gs-relative loads read at offset 0, and the
 * Xen vcpu_info at PERCPU_XEN_VCPU, which the Xen irq templates reach as
 * %gs:PERCPU_XEN_VCPU+field (kernel/xen/xen_pv.h says it for assembly).
 */
#define PERCPU_XEN_VCPU 64
struct percpu {
	struct percpu *self;
	/* Xen PV: this vCPU's vcpu_info (VCPUOP_register_vcpu_info), 64
	 * bytes on a 64-byte line so that it never crosses a page. */
	uint8_t xen_vcpu_info[64] __attribute__((aligned(64)));
	unsigned cpu;        /* 0 .. smp_nr_cpus()-1, 0 the boot CPU */
	unsigned apic_id;
	volatile int online;
	volatile int leave;  /* hotplug: asked to go offline (ap_loop) */
	int started;         /* Xen: VCPUOP_initialise done once */
	uint64_t stack_top;  /* scanned by the re-patch sync (kernel/smp/poke.c) */
	volatile unsigned long long apic_ticks;
	volatile unsigned long call_ack; /* last smp_call generation run */
	uint64_t stall_rsp; /* in the #BP wait: the interrupted stack */
	volatile unsigned char *volatile lock_waiting; /* halted in lock_wait */
	volatile unsigned long lock_halts, lock_kicks;
	struct smp_recover recover;
	int recover_armed;
#ifdef __x86_64__ /* i386 runs on one CPU: kernel/arch/i386/up_32.c */
	uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16)));
	struct tss64 tss __attribute__((aligned(16)));
#endif
};

/* percpu.c */
extern struct percpu smp_percpu[SMP_MAX_CPUS];
struct percpu *this_cpu(void);
unsigned smp_cpu_id(void);
void percpu_init_boot(void);
void percpu_load(struct percpu *pc);
/* Xen PV: the GS base is set by hypercall (or the vCPU's context). */
void percpu_use(struct percpu *pc);

/* acpi.c: local APIC ids of the enabled CPUs in the MADT, boot CPU first
 * if found.  Returns the count (0: no MADT) and the LAPIC's address. */
unsigned acpi_madt_cpus(uint64_t rsdp_pa, uint32_t *ids, unsigned max,
			uint64_t *lapic_pa);

/* lapic.c */
int lapic_init(uint64_t pa);
void lapic_enable(void);
unsigned lapic_id(void);
void lapic_eoi(void);
void lapic_timer_start(unsigned hz);
int lapic_calibrate(void);
int lapic_start_ap(unsigned apic_id, uint32_t tramp_pa);
void lapic_send_others(unsigned vec);
void lapic_send(unsigned apic_id, unsigned vec);

/* smp.c */
struct boot_info;
void smp_init(const struct boot_info *bi);
/* How a platform sends an IPI (vec: APIC_CALL_VECTOR or APIC_KICK_VECTOR)
 * to a CPU and reads the interrupt flag without a site (native: the LAPIC
 * and IF; Xen PV: event channels and the vcpu_info mask). */
struct smp_ops {
	void (*send)(unsigned cpu, unsigned vec);
	int (*irq_on)(void);
	/* On the CPU itself, asked to leave (percpu leave): down until it
	 * is brought up again, then returns.  NULL: no hotplug. */
	void (*down)(struct percpu *pc);
};
extern const struct smp_ops *smp_ops;
void smp_set_ops(const struct smp_ops *ops);
/* A platform's AP, on its stack with %gs set up, joins; never returns. */
void smp_ap_run(struct percpu *pc) __attribute__((noreturn));
uint64_t smp_ap_stack_top(unsigned n);
unsigned smp_nr_cpus(void);   /* CPUs online */
typedef void (*smp_call_fn)(void *arg);
/* Runs fn(arg) on every other online CPU (in its IPI handler, or where it
 * stalls in smp_poll) and waits until all have.  Interrupts of the
 * caller: as they are. */
void smp_call_others(smp_call_fn fn, void *arg);
/* TLB shootdown: every other CPU invalidates va (IPI, waits for all). */
void smp_flush_tlb_others(uint64_t va);
/* A CPU waiting with interrupts off runs any pending call from here. */
void smp_poll(void);
/* Every other CPU runs fn(its cpu) once, from its idle loop; a fault in
 * fn is counted (percpu recover) and fn runs again on a fresh stack. */
void smp_run_others(void (*fn)(unsigned cpu));
/* Set while sites change: idle CPUs spin instead of halting in a site. */
extern volatile int smp_quiet;
/* traps.c: a fault on a CPU running work resumes there; 1 if taken. */
int smp_recover_fault(struct trap_frame *f, uint64_t cr2);

/* A test-and-set lock whose waiter spins a while, then waits through
 * the pv lock_wait op; unlock kicks waiters through lock_kick. */
struct smp_lock {
	volatile unsigned char locked;
	volatile unsigned char waiters;
};
void smp_lock(struct smp_lock *l);
void smp_unlock(struct smp_lock *l);
/* The native lock_wait / lock_kick ops. */
void smp_lock_halt(volatile unsigned char *ptr, unsigned char val);
void smp_lock_kick(int cpu);
#endif /* SMP_H */
