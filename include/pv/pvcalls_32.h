/* pvcalls_32.h: the i386 wrappers of the hot ops: native sites (sites.h),
 * built as PV=n's instructions in the compiler's registers, as on x86-64. */
#ifndef PV_PVCALLS_32_H
#define PV_PVCALLS_32_H

/*
 * Registers.  x86-64's native sites clobber what the op's class lets the
 * call clobber, and their stubs save nothing: with 15 registers that costs
 * the compiler nothing.  So do the CALLEE sites here (the irq ops: %eax
 * and %edx, as their call sites did).  A CALLER site would take %eax %ecx
 * %edx, half of i386's six registers, and make a loop spill (pte_flush
 * keeps 6 values live): the CALLER sites that are not ABI sites (cr3,
 * set_pte, flush_tlb_one_user) clobber nothing but their result, and
 * their stub pushes the class's registers (PV32__SAVE_CALLER) around the
 * call, except the one that takes the result.  The arguments go to %eax
 * %edx %ecx through the stack, which is right for any registers the
 * compiler picked.  Only the stub, never the native site, pays for it.
 * An ABI site (irq_disable, irq_enable, sched_clock: another backend's
 * replacement may go in place) clobbers its class's registers.
 */
#define PV32__PUSH(reg, out)                                                   \
	".ifnc " out ",%%" reg "\n\tpushl %%" reg "\n\t.endif\n\t"
#define PV32__POP(reg, out)                                                    \
	".ifnc " out ",%%" reg "\n\tpopl %%" reg "\n\t.endif\n\t"
#define PV32__SAVE_CALLER(out)                                                 \
	PV32__PUSH("eax", out) PV32__PUSH("ecx", out) PV32__PUSH("edx", out)
#define PV32__RESTORE_CALLER(out)                                              \
	PV32__POP("edx", out) PV32__POP("ecx", out) PV32__POP("eax", out)

static inline unsigned long pv_irq_save_fl(void)
{
	PV__SP;
	unsigned long f;

	__asm__ volatile(PV32__PFX_DS PV__NATIVE("5", "15", "0",
						 "pushfl; popl %[f]", "",
						 "movl %%eax, %[f]")
			 : [f] "=r"(f), "+r"(pv__sp)
			 : PV__NF_OPS(irq_save_fl)
			 : "eax", "edx", "memory");
	return f;
}

static inline void pv_irq_restore_fl(unsigned long f)
{
	PV__SP;

	__asm__ volatile(PV32__PFX_DS PV__NATIVE("5", "15", "0",
						 "pushl %[f]; popfl",
						 "movl %[f], %%eax", "")
			 : "+r"(pv__sp)
			 : [f] "r"(f), PV__NF_OPS(irq_restore_fl)
			 : "eax", "edx", "memory", "cc");
}

/* 7 bytes: cli and 6 prefixes; room for Xen's `movb $1,mask` (7 bytes
 * with an absolute address) in place. */
static inline void pv_irq_disable(void)
{
	PV__SP;

	__asm__ volatile(PV32__PFX_DS PV__NATIVE("7", "15",
						 PV__STR(PV_SITE_ABI), "cli",
						 "", "")
			 : "+r"(pv__sp)
			 : PV__NF_OPS(irq_disable)
			 : "eax", "edx", "memory");
}

/* A long stub call site: room for an unmask with its slow-path call. */
static inline void pv_irq_enable(void)
{
	PV__SP;

	__asm__ volatile(PV32__PFX_DS PV__NATIVE("5", "25",
						 PV__STR(PV_SITE_ABI), "sti",
						 "", "")
			 : "+r"(pv__sp)
			 : PV__NF_OPS(irq_enable)
			 : "eax", "edx", "memory");
}

static inline unsigned long pv_read_cr3(void)
{
	PV__SP;
	unsigned long v;

	__asm__ volatile(PV32__PFX_DS PV__NATIVE(
				 "5", "15", "0", "movl %%cr3, %[v]",
				 PV32__SAVE_CALLER("%[v]"),
				 "movl %%eax, %[v]\n\t"
				 PV32__RESTORE_CALLER("%[v]"))
			 : [v] "=r"(v), "+r"(pv__sp)
			 : PV__NF_OPS(read_cr3)
			 : "memory");
	return v;
}

static inline void pv_write_cr3(unsigned long v)
{
	PV__SP;

	__asm__ volatile(PV32__PFX_DS PV__NATIVE(
				 "5", "15", "0", "movl %[v], %%cr3",
				 PV32__SAVE_CALLER("") "movl %[v], %%eax",
				 PV32__RESTORE_CALLER(""))
			 : "+r"(pv__sp)
			 : [v] "r"(v), PV__NF_OPS(write_cr3)
			 : "memory", "cc");
}

/*
 * A PAE entry is two 32-bit stores, the high half first: an entry the
 * walker may see between them is then not present (its low half is still
 * the old, non-present one) rather than present with a stale frame.  As
 * Linux's native_set_pte on PAE (high, smp_wmb, low), and PV=n's
 * __native_set_entry.  cmpxchg8b would be atomic but wants %edx:%eax and
 * %ecx:%ebx, a lock and a loop: not PV=n's two stores.  Like Linux's
 * set_pte, it is for an entry that is not present, or whose change the
 * caller flushes.
 */
static inline void pv_set_pte(unsigned long long *p, unsigned long long v)
{
	PV__SP;

	__asm__ volatile(PV32__PFX_BASE("%[p]") PV__NATIVE(
				 "6", "15", "0",
				 "movl %[hi], 4(%[p])\n\tmovl %[lo], (%[p])",
				 PV32__SAVE_CALLER("")
				 "pushl %[hi]\n\tpushl %[lo]\n\tpushl %[p]\n\t"
				 "popl %%eax\n\tpopl %%edx\n\tpopl %%ecx",
				 PV32__RESTORE_CALLER(""))
			 : "+r"(pv__sp)
			 : [p] "r"(p), [lo] "r"((unsigned long)v),
			   [hi] "r"((unsigned long)(v >> 32)),
			   PV__NF_OPS(set_pte)
			 : "memory", "cc");
}

static inline void pv_flush_tlb_one_user(unsigned long va)
{
	PV__SP;

	__asm__ volatile(PV32__PFX_BASE("%[va]") PV__NATIVE(
				 "5", "15", "0", "invlpg (%[va])",
				 PV32__SAVE_CALLER("") "movl %[va], %%eax",
				 PV32__RESTORE_CALLER(""))
			 : "+r"(pv__sp)
			 : [va] "r"(va), PV__NF_OPS(flush_tlb_one_user)
			 : "memory", "cc");
}

/* Natively a direct call, as PV=n's; the result in %edx:%eax. */
static inline unsigned long long pv_sched_clock(void)
{
	PV__SP;
	unsigned long long v;

	__asm__ volatile(PV32__PFX_DS PV__NATIVE("5", "15",
						 PV__STR(PV_SITE_ABI),
						 "call native_sched_clock", "",
						 "")
			 : "=A"(v), "+r"(pv__sp)
			 : PV__NF_OPS(sched_clock)
			 : "ecx", "memory", "cc");
	return v;
}
#endif /* PV_PVCALLS_32_H */
