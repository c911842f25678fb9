/* native.h: the native backend's op functions (what native_pv_ops points
 * at, and what PV=n calls directly where an op has no instruction form). */
#ifndef PV_NATIVE_H
#define PV_NATIVE_H

#include "pv/ops.h"

extern const struct pv_ops native_pv_ops;
struct platform;
extern const struct platform native_platform;

/* irq.S: CALLEE-class ops and entry ops, written so they clobber nothing
 * but %rax (and flags). */
unsigned long native_irq_save_fl(void);
void native_irq_restore_fl(unsigned long flags);
void native_irq_disable(void);
void native_irq_enable(void);
void native_swapgs(void);
void native_safe_halt(void);
void native_halt(void);
void native_iret(void);

/* native.c */
void native_cpuid(unsigned int *a, unsigned int *b, unsigned int *c,
		  unsigned int *d);
unsigned long native_read_cr0(void);
void native_write_cr0(unsigned long v);
unsigned long native_read_cr2(void);
void native_write_cr2(unsigned long v);
unsigned long native_read_cr3(void);
void native_write_cr3(unsigned long v);
unsigned long native_read_cr4(void);
void native_write_cr4(unsigned long v);
unsigned long long native_read_msr(unsigned int msr);
void native_write_msr(unsigned int msr, unsigned long long v);
unsigned long long native_read_tsc(void);
unsigned long long native_read_tscp(unsigned int *aux);
void native_load_gdt(const void *dtr);
void native_load_idt(const void *dtr);
void native_load_tr(unsigned int sel);
void native_load_ldt(const void *base, unsigned int n);
void native_load_sp0(unsigned long sp0);
void native_io_delay(void);
void native_wbinvd(void);

/* mmu.c */
void native_set_pte(unsigned long long *p, unsigned long long v);
void native_set_pte_at(unsigned long va, unsigned long long *p,
		       unsigned long long v);
void native_pte_clear(unsigned long va, unsigned long long *p);
void native_set_pmd(unsigned long long *p, unsigned long long v);
void native_pmd_clear(unsigned long long *p);
void native_set_pud(unsigned long long *p, unsigned long long v);
void native_pud_clear(unsigned long long *p);
void native_set_pgd(unsigned long long *p, unsigned long long v);
void native_pgd_clear(unsigned long long *p);
void native_pte_update(unsigned long va, unsigned long long *p);
unsigned long long native_make_pte(unsigned long long v);
unsigned long long native_pte_val(unsigned long long v);
void native_alloc_pt(unsigned int level, unsigned long long pa);
void native_release_pt(unsigned int level, unsigned long long pa);
void native_flush_tlb_user(void);
void native_flush_tlb_kernel(void);
void native_flush_tlb_one_user(unsigned long va);
void native_lazy_mmu_enter(void);
void native_lazy_mmu_leave(void);
void native_lazy_mmu_flush(void);
void native_lock_wait(volatile unsigned char *ptr, unsigned char val);
void native_lock_kick(int cpu);

/* time.c */
unsigned long long native_sched_clock(void);
unsigned long long native_steal_clock(int cpu);
int native_tsc_calibrate(void);
extern unsigned long long native_tsc_khz;

/* serial.c */
void native_serial_init(void);
void native_console_write(const char *s, unsigned long n);
int native_serial_getc(void);

/* pit.c */
int native_timer_init(unsigned hz);
#endif /* PV_NATIVE_H */
