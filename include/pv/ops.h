/* ops.h: the one list of paravirtual operations, as an X-macro table.
 * Kernel, tools and tests expand it; nothing else may list the ops. */
#ifndef PV_OPS_H
#define PV_OPS_H

/*
 * PV_OP_TABLE(X) calls X(name, group, class, ret, params) once per op, in
 * slot order.  class is CALLEE (the site may clobber %rax only; backends
 * provide a register-saving thunk), CALLER (the normal SysV caller-saved
 * set) or NONE (entry-code sites such as iret where every register is live:
 * the replacement may clobber nothing).  params is a parenthesised C parameter list.
 *
 * mmu: make_pte turns an entry holding a physical address into what the
 * hardware walks (Xen PV: machine frames), pte_val the reverse; alloc_pt
 * and release_pt announce a page becoming, or ceasing to be, a page table
 * of the given level (1 = PTE page ... 4 = top), which Xen PV must make
 * read-only and pin before it is used.  Changing this table
 * changes PV_OPS_ABI_STRING and so the ABI hash in every site table.
 */
#define PV_OP_TABLE(X)                                                        \
	X(irq_save_fl, irq, CALLEE, unsigned long, (void))                     \
	X(irq_restore_fl, irq, CALLEE, void, (unsigned long flags))            \
	X(irq_disable, irq, CALLEE, void, (void))                              \
	X(irq_enable, irq, CALLEE, void, (void))                               \
	X(safe_halt, irq, CALLER, void, (void))                                \
	X(halt, irq, CALLER, void, (void))                                     \
	X(cpuid, cpu, CALLER, void,                                            \
	  (unsigned int *a, unsigned int *b, unsigned int *c, unsigned int *d)) \
	X(read_cr0, cpu, CALLER, unsigned long, (void))                        \
	X(write_cr0, cpu, CALLER, void, (unsigned long v))                     \
	X(read_cr2, cpu, CALLER, unsigned long, (void))                        \
	X(write_cr2, cpu, CALLER, void, (unsigned long v))                     \
	X(read_cr3, cpu, CALLER, unsigned long, (void))                        \
	X(write_cr3, cpu, CALLER, void, (unsigned long v))                     \
	X(read_cr4, cpu, CALLER, unsigned long, (void))                        \
	X(write_cr4, cpu, CALLER, void, (unsigned long v))                     \
	X(read_msr, cpu, CALLER, unsigned long long, (unsigned int msr))       \
	X(write_msr, cpu, CALLER, void,                                        \
	  (unsigned int msr, unsigned long long v))                            \
	X(read_msr_safe, cpu, CALLER, unsigned long long,                      \
	  (unsigned int msr, int *err))                                        \
	X(write_msr_safe, cpu, CALLER, int,                                    \
	  (unsigned int msr, unsigned long long v))                            \
	X(read_tsc, cpu, CALLER, unsigned long long, (void))                   \
	X(read_tscp, cpu, CALLER, unsigned long long, (unsigned int *aux))     \
	X(load_gdt, cpu, CALLER, void, (const void *dtr))                      \
	X(load_idt, cpu, CALLER, void, (const void *dtr))                      \
	X(load_tr, cpu, CALLER, void, (unsigned int sel))                      \
	X(load_ldt, cpu, CALLER, void, (const void *base, unsigned int n))     \
	X(load_sp0, cpu, CALLER, void, (unsigned long sp0))                    \
	X(io_delay, cpu, CALLER, void, (void))                                 \
	X(wbinvd, cpu, CALLER, void, (void))                                   \
	X(swapgs, cpu, CALLEE, void, (void))                                   \
	X(iret, cpu, NONE, void, (void))                                       \
	X(set_pte, mmu, CALLER, void,                                          \
	  (unsigned long long *ptep, unsigned long long v))                    \
	X(set_pte_at, mmu, CALLER, void,                                       \
	  (unsigned long va, unsigned long long *ptep, unsigned long long v))  \
	X(pte_clear, mmu, CALLER, void,                                        \
	  (unsigned long va, unsigned long long *ptep))                        \
	X(set_pmd, mmu, CALLER, void,                                          \
	  (unsigned long long *pmdp, unsigned long long v))                    \
	X(pmd_clear, mmu, CALLER, void, (unsigned long long *pmdp))            \
	X(set_pud, mmu, CALLER, void,                                          \
	  (unsigned long long *pudp, unsigned long long v))                    \
	X(pud_clear, mmu, CALLER, void, (unsigned long long *pudp))            \
	X(set_pgd, mmu, CALLER, void,                                          \
	  (unsigned long long *pgdp, unsigned long long v))                    \
	X(pgd_clear, mmu, CALLER, void, (unsigned long long *pgdp))            \
	X(pte_update, mmu, CALLER, void,                                       \
	  (unsigned long va, unsigned long long *ptep))                        \
	X(make_pte, mmu, CALLEE, unsigned long long, (unsigned long long v))   \
	X(pte_val, mmu, CALLEE, unsigned long long, (unsigned long long v))    \
	X(alloc_pt, mmu, CALLER, void, (unsigned int level, unsigned long long pa)) \
	X(release_pt, mmu, CALLER, void,                                       \
	  (unsigned int level, unsigned long long pa))                         \
	X(flush_tlb_user, mmu, CALLER, void, (void))                           \
	X(flush_tlb_kernel, mmu, CALLER, void, (void))                         \
	X(flush_tlb_one_user, mmu, CALLER, void, (unsigned long va))           \
	X(lazy_mmu_enter, mmu, CALLER, void, (void))                           \
	X(lazy_mmu_leave, mmu, CALLER, void, (void))                           \
	X(lazy_mmu_flush, mmu, CALLER, void, (void))                           \
	X(sched_clock, time, CALLER, unsigned long long, (void))               \
	X(steal_clock, time, CALLER, unsigned long long, (int cpu))            \
	X(lock_wait, lock, CALLER, void,                                       \
	  (volatile unsigned char *ptr, unsigned char val))                    \
	X(lock_kick, lock, CALLER, void, (int cpu))                            \
	X(console_write, console, CALLER, void, (const char *s, unsigned long n))

#define PV_CLASS_CALLER 0
#define PV_CLASS_CALLEE 1
#define PV_CLASS_NONE 2

#ifdef __ASSEMBLER__
/* gas counts the ops for us: PV_OP_<name> and PV_SLOT_<name> (byte offset,
 * one pointer per op: 8 bytes on x86-64, 4 on i386). */
#ifdef __i386__
#define PV_SLOT_BYTES__ 4
#else
#define PV_SLOT_BYTES__ 8
#endif
.set pv_op_counter__, 0
#define PV_OP_ASM_DEF__(name, grp, cls, ret, params)                           \
	.set PV_OP_##name, pv_op_counter__;                                    \
	.set PV_SLOT_##name, pv_op_counter__ * PV_SLOT_BYTES__;                 \
	.set pv_op_counter__, pv_op_counter__ + 1;
PV_OP_TABLE(PV_OP_ASM_DEF__)
#undef PV_OP_ASM_DEF__
#else

enum pv_op_id {
#define PV_OP_ENUM__(name, grp, cls, ret, params) PV_OP_##name,
	PV_OP_TABLE(PV_OP_ENUM__)
#undef PV_OP_ENUM__
	PV_NR_OPS
};

/* The table every site calls through: one pointer per op, in enum order. */
struct pv_ops {
#define PV_OP_FIELD__(name, grp, cls, ret, params) ret(*name) params;
	PV_OP_TABLE(PV_OP_FIELD__)
#undef PV_OP_FIELD__
};

_Static_assert(sizeof(struct pv_ops) == PV_NR_OPS * sizeof(void *),
	       "struct pv_ops must be a packed array of pointers");

/* The string the ABI hash is taken over: names, classes and signatures. */
#define PV_OP_ABI_STR__(name, grp, cls, ret, params)                           \
	#name ":" #grp ":" #cls ":" #ret #params ";"
#define PV_OPS_ABI_STRING PV_OP_TABLE(PV_OP_ABI_STR__)

#endif /* __ASSEMBLER__ */
#endif /* PV_OPS_H */
