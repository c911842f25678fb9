/* cpu.c: the cpu and idle ops on Xen PV: control registers from shadows and
 * vcpu_info, cpuid through Xen's policy, MSRs that may fault, halting. */
#include "core/kernel.h"
#include "core/traps.h"
#include "xen/xen_pv.h"
#include "core/platform.h"
#include "pv/template.h"

#define X86_CR0_TS 0x8ul

_Static_assert(XEN_SCHEDOP_BLOCK == SCHEDOP_block, "XEN_SCHEDOP_BLOCK");

/* Set at entry from Xen's (emulated) view of the real registers. */
unsigned long xen_cr0_shadow, xen_cr4_shadow;

/* Blocks until an event; Xen unmasks events atomically with blocking. */
void xen_safe_halt(void)
{
	(void)HYPERVISOR_sched_op(SCHEDOP_block, NULL);
}

/* Native hlt keeps the interrupt flag; blocking would unmask, so a masked
 * vCPU only yields. */
void xen_halt(void)
{
	if (xen_vcpu->evtchn_upcall_mask)
		(void)HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
	else
		(void)HYPERVISOR_sched_op(SCHEDOP_block, NULL);
}

/* The forced-emulation prefix makes Xen answer with the guest's policy,
 * not the host CPU's raw leaves. */
void xen_cpuid(unsigned int *a, unsigned int *b, unsigned int *c,
	       unsigned int *d)
{
	__asm__ volatile(XEN_CPUID
			 : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
			 : "0"(*a), "2"(*c)
			 : "memory");
}

unsigned long xen_read_cr0(void)
{
	return xen_cr0_shadow;
}

/* Of cr0 a PV guest controls only TS, through fpu_taskswitch. */
void xen_write_cr0(unsigned long v)
{
	if ((v ^ xen_cr0_shadow) & X86_CR0_TS)
		(void)HYPERVISOR_fpu_taskswitch(!!(v & X86_CR0_TS));
	xen_cr0_shadow = v;
}

/* Xen stores the faulting address of a #PF in vcpu_info. */
unsigned long xen_read_cr2(void)
{
	return xen_vcpu->arch.cr2;
}

void xen_write_cr2(unsigned long v)
{
	xen_vcpu->arch.cr2 = v;
}

unsigned long xen_read_cr4(void)
{
	return xen_cr4_shadow;
}

/* cr4 belongs to Xen; the kernel's wishes (PGE ...) are only recorded. */
void xen_write_cr4(unsigned long v)
{
	xen_cr4_shadow = v;
}

/* rdmsr and wrmsr trap to Xen, which emulates what the guest may see. */
unsigned long long xen_read_msr(unsigned int msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
	return (unsigned long long)hi << 32 | lo;
}

void xen_write_msr(unsigned int msr, unsigned long long v)
{
	__asm__ volatile("wrmsr"
			 :
			 : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
			 : "memory");
}

/* The TSC is not trapped for a PV guest (Xen's default tsc_mode). */
unsigned long long xen_read_tsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return (unsigned long long)hi << 32 | lo;
}

/* As native_read_tscp: rdtsc and aux 0 where the CPU has no rdtscp. */
unsigned long long xen_read_tscp(unsigned int *aux)
{
	uint32_t lo, hi;

	if (!(cpu_features & PV_FEAT_RDTSCP)) {
		*aux = 0;
		return xen_read_tsc();
	}
	__asm__ volatile("rdtscp"
			 : "=a"(lo), "=d"(hi), "=c"(*aux)
			 :
			 : "memory");
	return (unsigned long long)hi << 32 | lo;
}

/* The guest runs on Xen's flat selectors (FLAT_KERNEL_CS ...) and Xen owns
 * the TSS: there is no GDT or task register of ours to load. */
void xen_load_gdt(const void *dtr)
{
	(void)dtr;
}

void xen_load_tr(unsigned int sel)
{
	(void)sel;
}

/* Xen wants the table page-aligned and checks its descriptors when a
 * selector first uses it; the op cannot fail, so an error is only told. */
void xen_load_ldt(const void *base, unsigned int n)
{
	struct mmuext_op op = { .cmd = MMUEXT_SET_LDT };
	long err;

	op.arg1.linear_addr = n ? (unsigned long)base : 0;
	op.arg2.nr_ents = n;
	err = HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
	if (err)
		printk("xen: load_ldt(%p, %u): error %ld\n", base, n, err);
}

/* As Linux does, the TSS field stays the kernel's record of sp0. */
void xen_load_sp0(unsigned long sp0)
{
	cpu_tss.rsp0 = sp0;
	(void)HYPERVISOR_stack_switch(FLAT_KERNEL_SS, sp0);
}

/* No ISA bus to wait for, no caches a PV guest may flush. */
void xen_io_delay(void)
{
}

void xen_wbinvd(void)
{
}
