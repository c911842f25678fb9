/* mmu.c: the native backend's mmu and lock ops: page-table entries are
 * plain stores, TLB flushes the CR3/CR4/invlpg forms, lazy mode is empty. */
#include "native/native.h"
#include "native/native_inline.h"
#include "smp/smp.h"

void native_set_pte(unsigned long long *p, unsigned long long v)
{
	__native_set_entry(p, v);
}

void native_set_pte_at(unsigned long va, unsigned long long *p,
		       unsigned long long v)
{
	(void)va;
	__native_set_entry(p, v);
}

void native_pte_clear(unsigned long va, unsigned long long *p)
{
	(void)va;
	__native_clear_entry(p);
}

void native_set_pmd(unsigned long long *p, unsigned long long v)
{
	__native_set_entry(p, v);
}

void native_pmd_clear(unsigned long long *p)
{
	__native_clear_entry(p);
}

void native_set_pud(unsigned long long *p, unsigned long long v)
{
	__native_set_entry(p, v);
}

void native_pud_clear(unsigned long long *p)
{
	__native_clear_entry(p);
}

void native_set_pgd(unsigned long long *p, unsigned long long v)
{
	__native_set_entry(p, v);
}

void native_pgd_clear(unsigned long long *p)
{
	__native_clear_entry(p);
}

/* The CPU reads PTEs itself; nobody needs telling. */
void native_pte_update(unsigned long va, unsigned long long *p)
{
	(void)va, (void)p;
}

/* The MMU needs no warning that a page becomes a page table. */
void native_alloc_pt(unsigned int level, unsigned long long pa)
{
	(void)level, (void)pa;
}

void native_release_pt(unsigned int level, unsigned long long pa)
{
	(void)level, (void)pa;
}

void native_flush_tlb_user(void)
{
	__native_flush_tlb_user();
}

void native_flush_tlb_kernel(void)
{
	__native_flush_tlb_kernel();
}

void native_flush_tlb_one_user(unsigned long va)
{
	__native_flush_tlb_one(va);
}

/* Nothing to batch: every native page-table store takes effect at once. */
void native_lazy_mmu_enter(void)
{
}

void native_lazy_mmu_leave(void)
{
}

void native_lazy_mmu_flush(void)
{
}

/* One round of waiting: halt until a kick (kernel/smp/smp.c), or a pause
 * where halting is not possible (interrupts off, one CPU). */
void native_lock_wait(volatile unsigned char *ptr, unsigned char val)
{
	smp_lock_halt(ptr, val);
}

/* Wakes the CPUs halted in lock_wait (cpu < 0: all of them). */
void native_lock_kick(int cpu)
{
	smp_lock_kick(cpu);
}
