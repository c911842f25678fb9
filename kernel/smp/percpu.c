/* percpu.c: per-CPU data through %gs: each CPU's GS_BASE points at its own
 * struct percpu, whose first word points at itself (as Linux's this_cpu). */
#include "core/kernel.h"
#include "native/native_inline.h"
#include "smp/smp.h"

#define MSR_GS_BASE 0xc0000101u

struct percpu smp_percpu[SMP_MAX_CPUS];
static int gs_ready; /* early boot uses CPU 0's */

struct percpu *this_cpu(void)
{
	struct percpu *pc;

	if (!gs_ready)
		return &smp_percpu[0];
	__asm__ volatile("movq %%gs:0, %0" : "=r"(pc));
	return pc;
}

unsigned smp_cpu_id(void)
{
	return this_cpu()->cpu;
}

/* This CPU's GS_BASE to pc. */
void percpu_load(struct percpu *pc)
{
	pc->self = pc;
	__native_write_msr(MSR_GS_BASE, (uint64_t)pc);
}

/* The GS base already points at pc (Xen PV: set_segment_base). */
void percpu_use(struct percpu *pc)
{
	pc->self = pc;
	gs_ready = 1;
}

void percpu_init_boot(void)
{
	extern char boot_stack_top[];
	struct percpu *pc = &smp_percpu[0];

	pc->cpu = 0;
	pc->online = 1;
	pc->stack_top = (uint64_t)boot_stack_top;
	percpu_load(pc);
	gs_ready = 1;
}
