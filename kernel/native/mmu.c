/* mmu.c: the native backend's mmu and lock ops: page-table entries are
 * plain stores, TLB flushes the CR3/CR4/invlpg forms, lazy mode is empty. */
#include "native/native.h"
#include "native/native_inline.h"

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
	__native_set_entry(p, 0);
}

void native_set_pmd(unsigned long long *p, unsigned long long v)
{
	__native_set_entry(p, v);
}

void native_pmd_clear(unsigned long long *p)
{
	__native_set_entry(p, 0);
}

void native_set_pud(unsigned long long *p, unsigned long long v)
{
	__native_set_entry(p, v);
}

void native_pud_clear(unsigned long long *p)
{
	__native_set_entry(p, 0);
}

void native_set_pgd(unsigned long long *p, unsigned long long v)
{
	__native_set_entry(p, v);
}

void native_pgd_clear(unsigned long long *p)
{
	__native_set_entry(p, 0);
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

/* One round of waiting: a spin hint (a hypervisor would block instead). */
void native_lock_wait(volatile unsigned char *ptr, unsigned char val)
{
	(void)ptr, (void)val;
	__native_pause();
}

/* No CPU sleeps in lock_wait natively, so there is nobody to kick. */
void native_lock_kick(int cpu)
{
	(void)cpu;
}
