/* paging_32.c: the i386 kernel's PAE page tables (paging.c's twin): a PDPT
 * of four page directories made once, PTE pages on demand; every entry is
 * written through a pv mmu op, built with make_pte, read with pte_val. */
#include "core/kernel.h"
#include "core/mm.h"
#include "pv/pvcalls.h"

#define PAE_PDPTES 4
/* A PDPTE holds the present bit and the address only: RW and US are
 * reserved there (Xen PV's L3 rules are the same). */
#define PDPTE_FLAGS PTE_P

static unsigned long long *pdpt, *pd[PAE_PDPTES];
static uint64_t pdpt_pa;
static uint64_t kernel_global; /* PTE_G when the CPU has PGE */

static unsigned idx(uint64_t va, int level)
{
	return (unsigned)(va >> (12 + 9 * (level - 1))) & 511;
}

static uint64_t entry_pa(unsigned long long e)
{
	return pv_pte_val(e) & PTE_ADDR;
}

/* The PD entry for va, its PTE page made on demand if alloc. */
static unsigned long long *walk(uint64_t va, int to, int alloc)
{
	unsigned long long *pde = &pd[va >> 30 & 3][idx(va, 2)];

	if (to == 2)
		return pde;
	if (!(*pde & PTE_P)) {
		uint64_t pa = alloc ? pmm_alloc() : 0;

		if (!pa)
			return NULL;
		pv_alloc_pt(1, pa); /* zeroed, now a table */
		pv_set_pmd(pde, pv_make_pte(pa | PTE_P | PTE_W));
	}
	if (*pde & PTE_PS)
		return NULL; /* a large page is in the way */
	return (unsigned long long *)phys_to_virt(entry_pa(*pde)) + idx(va, 1);
}

int pt_map(uint64_t va, uint64_t pa, uint64_t flags)
{
	unsigned long long *pte = walk(va, 1, 1);

	if (!pte)
		return -PV_ENOMEM;
	pv_set_pte(pte, pv_make_pte((pa & PTE_ADDR) | flags | PTE_P));
	return 0;
}

unsigned long long *pt_lookup(uint64_t va)
{
	return walk(va, 1, 0);
}

int pt_unmap(uint64_t va)
{
	unsigned long long *pte = walk(va, 1, 0);

	if (!pte || !(*pte & PTE_P))
		return -PV_ENOENT;
	pv_pte_clear(va, pte);
	pv_flush_tlb_one_user(va);
	return 0;
}

/* Frees the PTE page under va if it maps nothing any more.  The page
 * directories stay: a PDPT change only takes effect at the next cr3 load. */
int pt_release(uint64_t va)
{
	unsigned long long *pde = walk(va, 2, 0);
	const unsigned long long *t;
	uint64_t pa;

	if (!(*pde & PTE_P) || (*pde & PTE_PS))
		return -PV_ENOENT;
	pa = entry_pa(*pde);
	t = phys_to_virt(pa);
	for (unsigned i = 0; i < 512; i++)
		if (t[i])
			return 0;
	pv_pmd_clear(pde);
	pv_release_pt(1, pa);
	pmm_free(pa);
	pv_flush_tlb_user();
	return 0;
}

static int cpu_has(unsigned edx_bit)
{
	unsigned int a = 1, b, c = 0, d;

	pv_cpuid(&a, &b, &c, &d);
	return !!(d & (1u << edx_bit));
}

/* All RAM up to DIRECT_MAP_END at DIRECT_MAP_BASE (the image included):
 * 2 MiB pages with PSE, else 4 KiB ones (Xen PV hides PSE). */
static int map_direct(const struct boot_info *bi)
{
	uint64_t top = 0;
	int large = cpu_has(3);

	for (unsigned i = 0; i < bi->nr_ranges; i++)
		if (bi->ranges[i].end > top)
			top = bi->ranges[i].end;
	top = ALIGN_UP(top, LARGE_PAGE_SIZE);
	if (top > DIRECT_MAP_END)
		top = DIRECT_MAP_END;
	for (uint64_t pa = 0; pa < top;) {
		uint64_t va = DIRECT_MAP_BASE + pa;

		if (large) {
			pv_set_pmd(walk(va, 2, 0),
				   pv_make_pte(pa | PTE_W | PTE_PS | PTE_P |
					       kernel_global));
			pa += LARGE_PAGE_SIZE;
		} else {
			if (pt_map(va, pa, PTE_W | kernel_global))
				return -PV_ENOMEM;
			pa += PAGE_SIZE;
		}
	}
	return 0;
}

/* The PDPT and its four page directories, before anything maps. */
static int make_top(void)
{
	pdpt_pa = pmm_alloc();
	if (!pdpt_pa)
		return -PV_ENOMEM;
	pdpt = phys_to_virt(pdpt_pa);
	for (unsigned i = 0; i < PAE_PDPTES; i++) {
		uint64_t pa = pmm_alloc();

		if (!pa)
			return -PV_ENOMEM;
		pv_alloc_pt(2, pa);
		pd[i] = phys_to_virt(pa);
		pv_set_pud(&pdpt[i], pv_make_pte(pa | PDPTE_FLAGS));
	}
	pv_alloc_pt(3, pdpt_pa);
	return 0;
}

/*
 * Replaces the boot page tables: all RAM (to DIRECT_MAP_END) at 3 GiB,
 * nothing at low addresses (a NULL dereference faults).  0 or -PV_ENOMEM.
 */
int paging_init(const struct boot_info *bi)
{
	int err;

	if (cpu_has(13)) /* PGE */
		kernel_global = PTE_G;
	pv_lazy_mmu_enter();
	err = make_top();
	if (!err)
		err = map_direct(bi);
	pv_lazy_mmu_leave();
	if (err)
		return err;
	if (kernel_global)
		pv_write_cr4(pv_read_cr4() | CR4_PGE);
	pv_write_cr3((unsigned long)pdpt_pa);
	pmm_use_direct_map();
	pdpt = phys_to_virt(pdpt_pa);
	for (unsigned i = 0; i < PAE_PDPTES; i++)
		pd[i] = phys_to_virt(entry_pa(pdpt[i]));
	return 0;
}

uint64_t paging_root(void)
{
	return pdpt_pa;
}
