/* native.c: the native backend's cpu ops as C functions around the single
 * instructions of native_inline.h; most compile to "insn; ret". */
#include "core/kernel.h"
#include "core/traps.h"
#include "native/native.h"
#include "native/native_inline.h"
#include "core/platform.h"
#include "pv/template.h"

void native_cpuid(unsigned int *a, unsigned int *b, unsigned int *c,
		  unsigned int *d)
{
	__native_cpuid(a, b, c, d);
}

#define NATIVE_CR_OPS(n)                                                       \
	unsigned long native_read_cr##n(void)                                  \
	{                                                                      \
		return __native_read_cr##n();                                  \
	}                                                                      \
	void native_write_cr##n(unsigned long v)                               \
	{                                                                      \
		__native_write_cr##n(v);                                       \
	}
NATIVE_CR_OPS(0)
NATIVE_CR_OPS(2)
NATIVE_CR_OPS(3)
NATIVE_CR_OPS(4)
#undef NATIVE_CR_OPS

unsigned long long native_read_msr(unsigned int msr)
{
	return __native_read_msr(msr);
}

void native_write_msr(unsigned int msr, unsigned long long v)
{
	__native_write_msr(msr, v);
}

unsigned long long native_read_tsc(void)
{
	return __native_read_tsc();
}

/* Without rdtscp the planner keeps the template out and calls here: rdtsc,
 * and aux 0, as TSC_AUX does not exist (this kernel runs one CPU). */
unsigned long long native_read_tscp(unsigned int *aux)
{
	if (!(cpu_features & PV_FEAT_RDTSCP)) {
		*aux = 0;
		return __native_read_tsc();
	}
	return __native_read_tscp(aux);
}

void native_load_gdt(const void *dtr)
{
	__native_load_gdt(dtr);
}

void native_load_idt(const void *dtr)
{
	__native_load_idt(dtr);
}

void native_load_tr(unsigned int sel)
{
	__native_load_tr(sel);
}

/* n == 0 unloads the LDT; otherwise its descriptor goes into the GDT. */
void native_load_ldt(const void *base, unsigned int n)
{
	if (!n) {
		__native_lldt(0);
		return;
	}
	gdt_set_ldt(base, n);
	__native_lldt(GDT_LDT);
}

/* The stack the CPU switches to on an interrupt from user mode. */
void native_load_sp0(unsigned long sp0)
{
	cpu_tss.rsp0 = sp0;
}

void native_io_delay(void)
{
	__native_io_delay();
}

void native_wbinvd(void)
{
	__native_wbinvd();
}
