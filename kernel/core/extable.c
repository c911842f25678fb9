/* extable.c: the exception table: faults at listed instructions resume at
 * their landing pads.  Used by the *_msr_safe ops and the selftest probes. */
#include "core/kernel.h"
#include "core/traps.h"

extern const struct pv_extable_entry __ex_table_start[], __ex_table_end[];
struct trap_record trap_last_fixup;

int extable_fixup(struct trap_frame *f, uint64_t cr2)
{
	for (const struct pv_extable_entry *e = __ex_table_start;
	     e < __ex_table_end; e++) {
		uint64_t insn = (uint64_t)&e->insn + (int64_t)e->insn;

		if (insn != f->rip)
			continue;
		trap_last_fixup.vec = f->vec;
		trap_last_fixup.err = f->err;
		trap_last_fixup.rip = f->rip;
		trap_last_fixup.cr2 = cr2;
		trap_last_fixup.count++;
		f->rip = (uint64_t)&e->fixup + (int64_t)e->fixup;
		return 1;
	}
	return 0;
}

/* Returns 0, or -PV_EFAULT if the load faulted. */
int probe_read_u64(const volatile void *p, uint64_t *v)
{
	int err = 0;
	uint64_t val = 0;

	__asm__ volatile("1:\tmovq (%[p]), %[val]\n"
			 "2:\n\t"
			 ".pushsection .fixup, \"ax\"\n"
			 "3:\tmovl %[efault], %[err]\n\t"
			 "jmp 2b\n\t"
			 ".popsection\n\t" EXTABLE("1b", "3b")
			 : [val] "+r"(val), [err] "+r"(err)
			 : [p] "r"(p), [efault] "i"(-PV_EFAULT)
			 : "memory");
	*v = val;
	return err;
}

int probe_write_u64(volatile void *p, uint64_t v)
{
	int err = 0;

	__asm__ volatile("1:\tmovq %[v], (%[p])\n"
			 "2:\n\t"
			 ".pushsection .fixup, \"ax\"\n"
			 "3:\tmovl %[efault], %[err]\n\t"
			 "jmp 2b\n\t"
			 ".popsection\n\t" EXTABLE("1b", "3b")
			 : [err] "+r"(err)
			 : [p] "r"(p), [v] "r"(v), [efault] "i"(-PV_EFAULT)
			 : "memory");
	return err;
}

/*
 * The _safe MSR ops of both backends.  Their rdmsr/wrmsr must run where the
 * exception table names them; elfscan sees the entries inside these
 * functions and records that their bodies are never inlined (the planner
 * then calls them), so they need no non-leaf trick to stay out of sites.
 */
unsigned long long msr_read_safe(unsigned int msr, int *err)
{
	uint32_t lo = 0, hi = 0;
	int e = 0;

	__asm__ volatile("1:\trdmsr\n"
			 "2:\n\t"
			 ".pushsection .fixup, \"ax\"\n"
			 "3:\tmovl %[eio], %[err]\n\t"
			 "jmp 2b\n\t"
			 ".popsection\n\t" EXTABLE("1b", "3b")
			 : "+a"(lo), "+d"(hi), [err] "+r"(e)
			 : "c"(msr), [eio] "i"(-PV_EIO)
			 : "memory");
	*err = e;
	return e ? 0 : (unsigned long long)hi << 32 | lo;
}

int msr_write_safe(unsigned int msr, unsigned long long v)
{
	int err = 0;

	__asm__ volatile("1:\twrmsr\n"
			 "2:\n\t"
			 ".pushsection .fixup, \"ax\"\n"
			 "3:\tmovl %[eio], %[err]\n\t"
			 "jmp 2b\n\t"
			 ".popsection\n\t" EXTABLE("1b", "3b")
			 : [err] "+r"(err)
			 : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)),
			   [eio] "i"(-PV_EIO)
			 : "memory");
	return err;
}
