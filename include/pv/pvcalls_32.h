/* pvcalls_32.h: the i386 wrappers of the ops that are native sites on
 * x86-64 (pvcalls.h): here ordinary call sites, patched like the others. */
#ifndef PV_PVCALLS_32_H
#define PV_PVCALLS_32_H

/*
 * Native sites (sites.h) are x86-64 only for now: their stubs move the
 * compiler's registers into the regparm ones, which on i386 means a
 * per-op move list that has not been written.  A call site patched to the
 * native template gives the same instructions with fixed registers.
 */
static inline unsigned long pv_irq_save_fl(void)
{
	return (unsigned long)PVOP_CALLEE0(irq_save_fl);
}

static inline void pv_irq_restore_fl(unsigned long f)
{
	(void)PVOP_CALLEE1(irq_restore_fl, f);
}

static inline void pv_irq_disable(void)
{
	(void)PVOP_CALLEE0(irq_disable);
}

static inline void pv_irq_enable(void)
{
	(void)PVOP_CALLEE0(irq_enable);
}

static inline unsigned long pv_read_cr3(void)
{
	return (unsigned long)PVOP_CALL0(read_cr3);
}

static inline void pv_write_cr3(unsigned long v)
{
	(void)PVOP_CALL1(write_cr3, v);
}

static inline void pv_set_pte(unsigned long long *p, unsigned long long v)
{
	(void)PVOP_CALL2(set_pte, p, v);
}

static inline void pv_flush_tlb_one_user(unsigned long va)
{
	(void)PVOP_CALL1(flush_tlb_one_user, va);
}

static inline unsigned long long pv_sched_clock(void)
{
	return PVOP_CALL0(sched_clock);
}
#endif /* PV_PVCALLS_32_H */
