/* traps.c: where every exception and interrupt lands: IRQs go to their
 * handler, known faults to their landing pad, anything else ends the run. */
#include "core/kernel.h"
#include "core/traps.h"
#include "bench/step.h"
#include "pv/pvcalls.h"
#include "smp/smp.h"
#include "smp/textpoke.h"

volatile unsigned trap_breakpoints;
volatile unsigned long long trap_irqs;
static irq_fn irq_handlers[IRQ_SLOTS];

static const char *const exc_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint",
	"#OF overflow", "#BR bound range", "#UD invalid opcode",
	"#NM device not available", "#DF double fault",
	"coprocessor segment overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault",
	"#GP general protection", "#PF page fault", "reserved 15",
	"#MF x87 error", "#AC alignment check", "#MC machine check",
	"#XM SIMD error", "#VE virtualization", "#CP control protection",
};

void trap_set_irq(unsigned vec, irq_fn fn)
{
	if (vec >= IRQ_VECTOR_BASE && vec < IRQ_VECTOR_BASE + IRQ_SLOTS)
		irq_handlers[vec - IRQ_VECTOR_BASE] = fn;
}

#ifdef __i386__
#include "arch/i386/dump_regs_32.h"
#else
static void dump_regs(const struct trap_frame *f)
{
	const struct {
		const char *name;
		uint64_t v;
	} r[] = {
		{ "rax", f->rax }, { "rbx", f->rbx }, { "rcx", f->rcx },
		{ "rdx", f->rdx }, { "rsi", f->rsi }, { "rdi", f->rdi },
		{ "rbp", f->rbp }, { "rsp", f->rsp }, { "r8", f->r8 },
		{ "r9", f->r9 },   { "r10", f->r10 }, { "r11", f->r11 },
		{ "r12", f->r12 }, { "r13", f->r13 }, { "r14", f->r14 },
		{ "r15", f->r15 }, { "cs", f->cs },   { "ss", f->ss },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(r); i++)
		printk("%s%-3s %016llx%s", i % 3 ? "" : "trap: ", r[i].name,
		       (unsigned long long)r[i].v, i % 3 == 2 ? "\n" : "  ");
}
#endif

/* An unexpected exception: say everything we know, then end as FAIL. */
static void __noreturn trap_fatal(const struct trap_frame *f, uint64_t cr2)
{
	char where[96];
	const char *name = f->vec < 32 && exc_names[f->vec] ?
				   exc_names[f->vec] : "unexpected vector";

	ksym_format(where, sizeof(where), f->rip);
	printk("\ntrap: %s (vector %llu), error code 0x%llx\n", name,
	       (unsigned long long)f->vec, (unsigned long long)f->err);
	printk("trap: rip %016llx %s  rflags %016llx\n",
	       (unsigned long long)f->rip, where,
	       (unsigned long long)f->rflags);
	if (f->vec == 14)
		printk("trap: cr2 %016llx (%s, %s, %s)\n",
		       (unsigned long long)cr2,
		       f->err & 1 ? "protection" : "not present",
		       f->err & 2 ? "write" : "read",
		       f->err & 16 ? "fetch" : "data");
	dump_regs(f);
	kernel_finish(0);
}

void trap_dispatch(struct trap_frame *f)
{
	uint64_t cr2 = 0;

#ifndef PV_NO_PARAVIRT
	/* the single step of a site whose int3 was gone (textpoke.c) */
	if (f->vec == 1 && text_poke_trap(f))
		return;
#endif
	/* bench: a single-step #DB that bench/step.c is counting. */
	if (f->vec == 1 && bench_step_trap(f))
		return;
	if (f->vec >= IRQ_VECTOR_BASE &&
	    f->vec < IRQ_VECTOR_BASE + IRQ_SLOTS) {
		irq_fn fn = irq_handlers[f->vec - IRQ_VECTOR_BASE];

		trap_irqs++;
		if (fn)
			fn((unsigned)f->vec);
		return;
	}
	if (f->vec == 3) {
#ifndef PV_NO_PARAVIRT
		if (text_poke_trap(f)) /* a site being re-patched */
			return;
#endif
		trap_breakpoints++;
		return;
	}
	if (f->vec == 14)
		cr2 = pv_read_cr2();
	if (extable_fixup(f, cr2))
		return;
	if (smp_recover_fault(f, cr2)) /* a CPU running armed work */
		return;
	trap_fatal(f, cr2);
}
