/* pvcalls.h: one C wrapper per op, the only way kernel code calls an op.
 * PV=y: an annotated site; PV=n (PV_NO_PARAVIRT): the native code itself. */
#ifndef PV_PVCALLS_H
#define PV_PVCALLS_H

#include "pv/ops.h"

#ifdef PV_NO_PARAVIRT
#include "native/native_inline.h"
#include "native/native.h"
#include "core/traps.h" /* msr_read_safe, msr_write_safe */
#define PV__W(pv, nat) nat
#else
#include "pv/pvop.h"
#define PV__W(pv, nat) pv

/* A wrapper must use the site flavour of its op's class: a CALLEE site
 * keeps every register but %rax live across the call. */
enum {
#define PV__CLS__(name, grp, cls, ret, params)                                 \
	PV__CLASS_##name = PV_CLASS_##cls,
	PV_OP_TABLE(PV__CLS__)
#undef PV__CLS__
};
#define PV__IS_CALLEE(op)                                                      \
	_Static_assert(PV__CLASS_##op == PV_CLASS_CALLEE, #op " is CALLEE")
PV__IS_CALLEE(irq_save_fl);
PV__IS_CALLEE(irq_restore_fl);
PV__IS_CALLEE(irq_disable);
PV__IS_CALLEE(irq_enable);
PV__IS_CALLEE(swapgs);
PV__IS_CALLEE(make_pte);
PV__IS_CALLEE(pte_val);
#undef PV__IS_CALLEE

/*
 * Native sites for the hot ops: natively the exact instructions PV=n has,
 * in the registers the compiler picks (see PV__NATIVE in pvop.h).  The
 * clobbers are the op class's plus the argument registers the stub loads.
 */
#define PV__NF_CALLER_CLOBBERS                                                 \
	"rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "memory", \
		"cc"
#define PV__NF_OPS(op) PV__SITE_OPS(op, PV__CLASS_##op)
#ifdef __i386__
#include "pv/pvcalls_32.h" /* the native-site ops as call sites */
#endif
#endif

/* irq */
#ifdef PV_NO_PARAVIRT
static inline unsigned long pv_irq_save_fl(void)
{
	return __native_save_fl();
}

static inline void pv_irq_restore_fl(unsigned long f)
{
	__native_restore_fl(f);
}

static inline void pv_irq_disable(void)
{
	__native_irq_disable();
}

static inline void pv_irq_enable(void)
{
	__native_irq_enable();
}
#elif !defined(__i386__) /* i386: pvcalls_32.h */
static inline unsigned long pv_irq_save_fl(void)
{
	PV__SP;
	unsigned long f;

	__asm__ volatile(PV__NATIVE("5", "15", "0", "pushfq; popq %[f]", "",
				    "movq %%rax, %[f]")
			 : [f] "=r"(f), "+r"(pv__sp)
			 : PV__NF_OPS(irq_save_fl)
			 : "rax", "memory");
	return f;
}

static inline void pv_irq_restore_fl(unsigned long f)
{
	PV__SP;

	__asm__ volatile(PV__NATIVE("5", "15", "0", "pushq %[f]; popfq",
				    "movq %[f], %%rdi", "")
			 : "+r"(pv__sp)
			 : [f] "r"(f), PV__NF_OPS(irq_restore_fl)
			 : "rax", "rdi", "memory", "cc");
}

/* 7 bytes: cli and 6 prefixes (PV_PREFIX_MAX); Xen's %gs movb is 9 and
 * goes to the stub. */
static inline void pv_irq_disable(void)
{
	PV__SP;

	__asm__ volatile(PV__NATIVE("7", "15", PV__STR(PV_SITE_ABI), "cli", "",
				    "")
			 : "+r"(pv__sp)
			 : PV__NF_OPS(irq_disable)
			 : "rax", "memory");
}

/* A long stub call site: room for a sequence with its slow-path call
 * (Xen's: two %gs-relative accesses, jz and the call, 25 bytes). */
static inline void pv_irq_enable(void)
{
	PV__SP;

	__asm__ volatile(PV__NATIVE("5", "25", PV__STR(PV_SITE_ABI), "sti", "",
				    "")
			 : "+r"(pv__sp)
			 : PV__NF_OPS(irq_enable)
			 : "rax", "memory");
}
#endif

/* The usual pair: remember the flag, then mask. */
static inline unsigned long pv_irq_save(void)
{
	unsigned long f = pv_irq_save_fl();

	pv_irq_disable();
	return f;
}

static inline void pv_safe_halt(void)
{
	PV__W((void)PVOP_CALL0(safe_halt), __native_safe_halt());
}

static inline void pv_halt(void)
{
	PV__W((void)PVOP_CALL0(halt), __native_halt());
}

/* cpu */
static inline void pv_cpuid(unsigned int *a, unsigned int *b, unsigned int *c,
			    unsigned int *d)
{
	PV__W((void)PVOP_CALL4(cpuid, a, b, c, d), __native_cpuid(a, b, c, d));
}

#define PV__CR(n)                                                              \
	static inline unsigned long pv_read_cr##n(void)                        \
	{                                                                      \
		return PV__W(PVOP_CALL0(read_cr##n), __native_read_cr##n());   \
	}                                                                      \
	static inline void pv_write_cr##n(unsigned long v)                     \
	{                                                                      \
		PV__W((void)PVOP_CALL1(write_cr##n, v),                        \
		      __native_write_cr##n(v));                                \
	}
PV__CR(0)
PV__CR(2)
PV__CR(4)
#undef PV__CR

#ifdef PV_NO_PARAVIRT
static inline unsigned long pv_read_cr3(void)
{
	return __native_read_cr3();
}

static inline void pv_write_cr3(unsigned long v)
{
	__native_write_cr3(v);
}
#elif !defined(__i386__) /* i386: pvcalls_32.h */
/* cr3 as a native site: an address-space switch is a hot path. */
static inline unsigned long pv_read_cr3(void)
{
	PV__SP;
	unsigned long v;

	__asm__ volatile(PV__NATIVE("5", "15", "0", "movq %%cr3, %[v]", "",
				    "movq %%rax, %[v]")
			 : [v] "=r"(v), "+r"(pv__sp)
			 : PV__NF_OPS(read_cr3)
			 : PV__NF_CALLER_CLOBBERS);
	return v;
}

static inline void pv_write_cr3(unsigned long v)
{
	PV__SP;

	__asm__ volatile(PV__NATIVE("5", "15", "0", "movq %[v], %%cr3",
				    "movq %[v], %%rdi", "")
			 : "+r"(pv__sp)
			 : [v] "r"(v), PV__NF_OPS(write_cr3)
			 : PV__NF_CALLER_CLOBBERS);
}
#endif

static inline unsigned long long pv_read_msr(unsigned int msr)
{
	return PV__W(PVOP_CALL1(read_msr, msr), __native_read_msr(msr));
}

static inline void pv_write_msr(unsigned int msr, unsigned long long v)
{
	PV__W((void)PVOP_CALL2(write_msr, msr, v), __native_write_msr(msr, v));
}

/* *err is 0, or -PV_EIO when the MSR does not exist (#GP). */
static inline unsigned long long pv_read_msr_safe(unsigned int msr, int *err)
{
	return PV__W(PVOP_CALL2(read_msr_safe, msr, err),
		     msr_read_safe(msr, err));
}

static inline int pv_write_msr_safe(unsigned int msr, unsigned long long v)
{
	return PV__W((int)PVOP_CALL2(write_msr_safe, msr, v),
		     msr_write_safe(msr, v));
}

static inline unsigned long long pv_read_tsc(void)
{
	return PV__W(PVOP_CALL0(read_tsc), __native_read_tsc());
}

static inline unsigned long long pv_read_tscp(unsigned int *aux)
{
	return PV__W(PVOP_CALL1(read_tscp, aux), __native_read_tscp(aux));
}

static inline void pv_load_gdt(const void *dtr)
{
	PV__W((void)PVOP_CALL1(load_gdt, dtr), __native_load_gdt(dtr));
}

static inline void pv_load_idt(const void *dtr)
{
	PV__W((void)PVOP_CALL1(load_idt, dtr), __native_load_idt(dtr));
}

static inline void pv_load_tr(unsigned int sel)
{
	PV__W((void)PVOP_CALL1(load_tr, sel), __native_load_tr(sel));
}

static inline void pv_load_ldt(const void *base, unsigned int n)
{
	PV__W((void)PVOP_CALL2(load_ldt, base, n), native_load_ldt(base, n));
}

static inline void pv_load_sp0(unsigned long sp0)
{
	PV__W((void)PVOP_CALL1(load_sp0, sp0), native_load_sp0(sp0));
}

static inline void pv_io_delay(void)
{
	PV__W((void)PVOP_CALL0(io_delay), __native_io_delay());
}

static inline void pv_wbinvd(void)
{
	PV__W((void)PVOP_CALL0(wbinvd), __native_wbinvd());
}

static inline void pv_swapgs(void)
{
	PV__W((void)PVOP_CALLEE0(swapgs), __native_swapgs());
}

/* iret is an entry-code site (PV_SITE_ASM); no C wrapper. */

/* mmu: every page-table write in the kernel goes through these. */
#define PV__SET(lvl)                                                           \
	static inline void pv_set_##lvl(unsigned long long *p,                 \
					unsigned long long v)                  \
	{                                                                      \
		PV__W((void)PVOP_CALL2(set_##lvl, p, v),                       \
		      __native_set_entry(p, v));                               \
	}                                                                      \
	static inline void pv_##lvl##_clear(unsigned long long *p)             \
	{                                                                      \
		PV__W((void)PVOP_CALL1(lvl##_clear, p),                        \
		      __native_clear_entry(p));                               \
	}
PV__SET(pmd)
PV__SET(pud)
PV__SET(pgd)
#undef PV__SET

#ifdef PV_NO_PARAVIRT
static inline void pv_set_pte(unsigned long long *p, unsigned long long v)
{
	__native_set_entry(p, v);
}
#elif !defined(__i386__) /* i386: pvcalls_32.h */
static inline void pv_set_pte(unsigned long long *p, unsigned long long v)
{
	PV__SP;

	__asm__ volatile(PV__NATIVE("5", "15", "0", "movq %[v], (%[p])",
				    "movq %[p], %%rdi; movq %[v], %%rsi", "")
			 : "+r"(pv__sp)
			 : [p] "r"(p), [v] "r"(v), PV__NF_OPS(set_pte)
			 : PV__NF_CALLER_CLOBBERS);
}
#endif

static inline void pv_set_pte_at(unsigned long va, unsigned long long *p,
				 unsigned long long v)
{
	PV__W((void)PVOP_CALL3(set_pte_at, va, p, v),
	      ((void)va, __native_set_entry(p, v)));
}

static inline void pv_pte_clear(unsigned long va, unsigned long long *p)
{
	PV__W((void)PVOP_CALL2(pte_clear, va, p),
	      ((void)va, __native_clear_entry(p)));
}

/* Tells the hypervisor a PTE changed behind its back (native: nothing). */
static inline void pv_pte_update(unsigned long va, unsigned long long *p)
{
	PV__W((void)PVOP_CALL2(pte_update, va, p), ((void)va, (void)p));
}

/* An entry's value from a physical address and flags, and back: the
 * identity natively, machine frames on Xen PV. */
static inline unsigned long long pv_make_pte(unsigned long long v)
{
	return PV__W(PVOP_CALLEE1(make_pte, v), v);
}

static inline unsigned long long pv_pte_val(unsigned long long v)
{
	return PV__W(PVOP_CALLEE1(pte_val, v), v);
}

/* A page becomes (alloc) or stops being (release) a page table of level
 * 1 (PTEs) to 4 (the root): Xen PV pins it read-only. */
static inline void pv_alloc_pt(unsigned int level, unsigned long long pa)
{
	PV__W((void)PVOP_CALL2(alloc_pt, level, pa), ((void)level, (void)pa));
}

static inline void pv_release_pt(unsigned int level, unsigned long long pa)
{
	PV__W((void)PVOP_CALL2(release_pt, level, pa),
	      ((void)level, (void)pa));
}

static inline void pv_flush_tlb_user(void)
{
	PV__W((void)PVOP_CALL0(flush_tlb_user), __native_flush_tlb_user());
}

static inline void pv_flush_tlb_kernel(void)
{
	PV__W((void)PVOP_CALL0(flush_tlb_kernel), __native_flush_tlb_kernel());
}

#ifdef PV_NO_PARAVIRT
static inline void pv_flush_tlb_one_user(unsigned long va)
{
	__native_flush_tlb_one(va);
}
#elif !defined(__i386__) /* i386: pvcalls_32.h */
static inline void pv_flush_tlb_one_user(unsigned long va)
{
	PV__SP;

	__asm__ volatile(PV__NATIVE("5", "15", "0", "invlpg (%[va])",
				    "movq %[va], %%rdi", "")
			 : "+r"(pv__sp)
			 : [va] "r"(va), PV__NF_OPS(flush_tlb_one_user)
			 : PV__NF_CALLER_CLOBBERS);
}
#endif

/* Lazy mode lets a hypervisor backend batch page-table writes. */
static inline void pv_lazy_mmu_enter(void)
{
	PV__W((void)PVOP_CALL0(lazy_mmu_enter), (void)0);
}

static inline void pv_lazy_mmu_leave(void)
{
	PV__W((void)PVOP_CALL0(lazy_mmu_leave), (void)0);
}

static inline void pv_lazy_mmu_flush(void)
{
	PV__W((void)PVOP_CALL0(lazy_mmu_flush), (void)0);
}

/* time: nanoseconds since boot; stolen time (native: none). */
#ifdef PV_NO_PARAVIRT
static inline unsigned long long pv_sched_clock(void)
{
	return native_sched_clock();
}
#elif !defined(__i386__) /* i386: pvcalls_32.h */
/* Natively a direct call, as PV=n's; on Xen a direct call in place. */
static inline unsigned long long pv_sched_clock(void)
{
	PV__SP;
	unsigned long long v;

	__asm__ volatile(PV__NATIVE("5", "15", PV__STR(PV_SITE_ABI),
				    "call native_sched_clock", "", "")
			 : "=a"(v), "+r"(pv__sp)
			 : PV__NF_OPS(sched_clock)
			 : "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",
			   "memory", "cc");
	return v;
}
#endif

static inline unsigned long long pv_steal_clock(int cpu)
{
	return PV__W(PVOP_CALL1(steal_clock, cpu), ((void)cpu, 0ull));
}

/* lock: wait while *ptr == val (one round); wake a waiter on cpu. */
static inline void pv_lock_wait(volatile unsigned char *ptr, unsigned char val)
{
	PV__W((void)PVOP_CALL2(lock_wait, ptr, val),
	      ((void)ptr, (void)val, __native_pause()));
}

static inline void pv_lock_kick(int cpu)
{
	PV__W((void)PVOP_CALL1(lock_kick, cpu), (void)cpu);
}

/* console */
static inline void pv_console_write(const char *s, unsigned long n)
{
	PV__W((void)PVOP_CALL2(console_write, s, n),
	      native_console_write(s, n));
}

#endif /* PV_PVCALLS_H */
