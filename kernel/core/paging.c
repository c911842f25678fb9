/* paging.c: the kernel's page tables.  Every entry is written through a pv
 * mmu op (set_pgd/pud/pmd/pte, clears, flushes, write_cr3), built with
 * make_pte and read with pte_val, so a hypervisor backend sees each one. */
#include "core/kernel.h"
#include "core/mm.h"
#include "core/platform.h"
#include "native/native_inline.h"
#include "pv/pvcalls.h"
#include "pv/sites.h"

static unsigned long long *pml4;
static uint64_t pml4_pa;
static uint64_t kernel_global; /* PTE_G when the CPU has PGE */
uint64_t pte_nx;
static int text_ro;                /* W^X: text read-only, data NX */
static unsigned long long *poke_pte; /* the poker's alias of the text */
extern char __rodata_start[], __data_start[];

#define MSR_EFER 0xc0000080u
#define EFER_NXE (1ull << 11)
#define POKE_VA (MMIO_VA_BASE + 0x10000)

static unsigned idx(uint64_t va, int level)
{
	return (unsigned)(va >> (12 + 9 * (level - 1))) & 511;
}

static void set_table_entry(unsigned long long *e, int level,
			    unsigned long long v)
{
	if (level == 4)
		pv_set_pgd(e, v);
	else if (level == 3)
		pv_set_pud(e, v);
	else
		pv_set_pmd(e, v);
}

/* Physical address an entry points to. */
static uint64_t entry_pa(unsigned long long e)
{
	return pv_pte_val(e) & PTE_ADDR;
}

/* The table entry e (at level) points to, made on demand if alloc. */
static unsigned long long *next_table(unsigned long long *e, int level,
				      int alloc)
{
	if (!(*e & PTE_P)) {
		uint64_t pa = alloc ? pmm_alloc() : 0;

		if (!pa)
			return NULL;
		pv_alloc_pt((unsigned)level - 1, pa); /* zeroed, now a table */
		set_table_entry(e, level, pv_make_pte(pa | PTE_P | PTE_W));
	}
	if (*e & PTE_PS)
		return NULL; /* a large page is in the way */
	return phys_to_virt(entry_pa(*e));
}

/* The entry for va at level to (1: PTE, 2: PMD), or NULL. */
static unsigned long long *walk(uint64_t va, int to, int alloc)
{
	unsigned long long *t = pml4;

	for (int level = 4; level > to && t; level--)
		t = next_table(&t[idx(va, level)], level, alloc);
	return t ? &t[idx(va, to)] : NULL;
}

int pt_map(uint64_t va, uint64_t pa, uint64_t flags)
{
	unsigned long long *pte = walk(va, 1, 1);

	if (!pte)
		return -PV_ENOMEM;
	pv_set_pte(pte, pv_make_pte((pa & PTE_ADDR) | flags | PTE_P));
	return 0;
}

static int pt_map_large(uint64_t va, uint64_t pa, uint64_t flags)
{
	unsigned long long *pmd = walk(va, 2, 1);

	if (!pmd)
		return -PV_ENOMEM;
	pv_set_pmd(pmd, pv_make_pte((pa & PTE_ADDR) | flags | PTE_PS | PTE_P));
	return 0;
}

unsigned long long *pt_lookup(uint64_t va)
{
	return walk(va, 1, 0);
}

/* Makes the tables that will map va (a later pt_map needs no page). */
int pt_reserve(uint64_t va)
{
	return walk(va, 1, 1) ? 0 : -PV_ENOMEM;
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

static int table_empty(const unsigned long long *t)
{
	for (unsigned i = 0; i < 512; i++)
		if (t[i])
			return 0;
	return 1;
}

/* Frees the tables under va that map nothing any more, leaf first. */
int pt_release(uint64_t va)
{
	unsigned long long *e[5];
	int level;

	e[4] = &pml4[idx(va, 4)];
	for (level = 4; level > 1; level--) {
		unsigned long long *t = next_table(e[level], level, 0);

		if (!t)
			return -PV_ENOENT;
		e[level - 1] = &t[idx(va, level - 1)];
	}
	for (level = 2; level <= 4; level++) {
		uint64_t pa = entry_pa(*e[level]);

		if (!table_empty(phys_to_virt(pa)))
			break;
		if (level == 2)
			pv_pmd_clear(e[level]);
		else if (level == 3)
			pv_pud_clear(e[level]);
		else
			pv_pgd_clear(e[level]);
		pv_release_pt((unsigned)level - 1, pa);
		pmm_free(pa);
	}
	pv_flush_tlb_user();
	return 0;
}

/* Flags of the image page at va: W^X (natively, PVH, Xen PV). */
static uint64_t kernel_flags(uint64_t va)
{
	if (!text_ro)
		return PTE_W;
	if (va < (uint64_t)__rodata_start)
		return 0;
	return va < (uint64_t)__data_start ? pte_nx : PTE_W | pte_nx;
}

static int map_kernel(void)
{
	uint64_t va = (uint64_t)(uintptr_t)_kernel_start & PAGE_MASK;

	for (; va < (uint64_t)(uintptr_t)_end; va += PAGE_SIZE)
		if (pt_map(va, va - KERNEL_VIRT_BASE,
			   kernel_flags(va) | kernel_global))
			return -PV_ENOMEM;
	return 0;
}

/* NX in the PTEs if the CPU has it (CPUID 0x80000001 EDX 20): natively
 * after setting EFER.NXE; on Xen PV Xen has set it and owns EFER. */
static void nx_init(int set_efer)
{
	unsigned int a = 0x80000000u, b, c = 0, d;

	pv_cpuid(&a, &b, &c, &d);
	if (a < 0x80000001u)
		return;
	a = 0x80000001u, c = 0;
	pv_cpuid(&a, &b, &c, &d);
	if (!(d & (1u << 20)))
		return;
	if (set_efer)
		pv_write_msr(MSR_EFER, pv_read_msr(MSR_EFER) | EFER_NXE);
	pte_nx = PTE_NX;
}

int paging_text_ro(void)
{
	return text_ro;
}

/*
 * Read-only text is written through a writable alias of the text pages at
 * POKE_VA that exists only while the poker writes (as Linux's poking_mm):
 * open for one write, or around a whole batch (kernel/smp/textpoke.c).
 * Plain PTE stores and invlpg, not the mmu ops: the ops' own sites may be
 * the ones changing; on Xen PV the platform's text_alias, by hypercall.
 * Only the poking CPU touches POKE_VA, so no other TLB holds it.
 */
static int alias_open;

static unsigned alias_pages(void)
{
	return (unsigned)(((uint64_t)__rodata_start -
			   ((uint64_t)_kernel_start & PAGE_MASK)) / PAGE_SIZE);
}

static void alias_set(int on)
{
	uint64_t pa = ((uint64_t)_kernel_start & PAGE_MASK) - KERNEL_VIRT_BASE;
	const struct platform *pf = kernel_platform();

	if (pf->text_alias) {
		pf->text_alias(poke_pte, pa, alias_pages(),
			       on ? PTE_P | PTE_W | pte_nx : 0);
		return;
	}
	for (unsigned i = 0; i < alias_pages(); i++) {
		poke_pte[i] = on ? (pa + i * PAGE_SIZE) | PTE_P | PTE_W | pte_nx :
				   0;
		__native_flush_tlb_one(POKE_VA + i * PAGE_SIZE);
	}
}

void paging_text_open(void)
{
	if (text_ro && !alias_open++)
		alias_set(1);
}

void paging_text_close(void)
{
	if (text_ro && !--alias_open)
		alias_set(0);
}

void paging_text_write(uint64_t addr, const uint8_t *buf, uint32_t len)
{
	uint64_t off = addr - ((uint64_t)_kernel_start & PAGE_MASK);

	paging_text_open();
	memcpy((uint8_t *)POKE_VA + off, buf, len);
	paging_text_close();
}

static int cpu_has(unsigned edx_bit)
{
	unsigned int a = 1, b, c = 0, d;

	pv_cpuid(&a, &b, &c, &d);
	return !!(d & (1u << edx_bit));
}

/* Xen PV hook (issue 6): no PSE there (Xen's cpuid policy hides it from
 * PV guests, which get no superpages): the direct map in 4 KiB pages. */
static int map_direct_small(uint64_t from, uint64_t top)
{
	uint64_t ts = (uint64_t)_kernel_start - KERNEL_VIRT_BASE;
	uint64_t te = (uint64_t)__rodata_start - KERNEL_VIRT_BASE;

	for (uint64_t pa = from; pa < top; pa += PAGE_SIZE) {
		/* W^X: the text's frames are read-only here too */
		uint64_t w = text_ro && pa >= ts && pa < te ? 0 : PTE_W;

		if (pt_map(DIRECT_MAP_BASE + pa, pa, w | pte_nx | kernel_global))
			return -PV_ENOMEM;
	}
	return 0;
}

static int map_direct(const struct boot_info *bi)
{
	uint64_t top = 0, small;

	for (unsigned i = 0; i < bi->nr_ranges; i++)
		if (bi->ranges[i].end > top)
			top = bi->ranges[i].end;
	top = ALIGN_UP(top, LARGE_PAGE_SIZE);
	if (!cpu_has(3)) /* PSE */
		return map_direct_small(0, top);
	/* in 4 KiB pages as far as the text's frames, for W^X */
	small = text_ro ? ALIGN_UP((uint64_t)__rodata_start - KERNEL_VIRT_BASE,
				   LARGE_PAGE_SIZE) : 0;
	if (map_direct_small(0, small < top ? small : top))
		return -PV_ENOMEM;
	for (uint64_t pa = small; pa < top; pa += LARGE_PAGE_SIZE)
		if (pt_map_large(DIRECT_MAP_BASE + pa, pa,
				 PTE_W | pte_nx | kernel_global))
			return -PV_ENOMEM;
	return 0;
}

static int cpu_has_pge(void)
{
	return cpu_has(13);
}

/*
 * Replaces the boot page tables: the image at -2 GiB in 4 KiB pages, all
 * RAM at DIRECT_MAP_BASE in 2 MiB pages, nothing at low addresses (a
 * NULL dereference faults).  Returns 0 or -PV_ENOMEM.
 */
int paging_init(const struct boot_info *bi)
{
	int err;

	pml4_pa = pmm_alloc();
	if (!pml4_pa)
		return -PV_ENOMEM;
	pml4 = phys_to_virt(pml4_pa);
	pv_alloc_pt(4, pml4_pa);
	if (cpu_has_pge())
		kernel_global = PTE_G;
	/* native page tables (bare metal, PVH) or a platform alias (Xen PV) */
	if (kernel_platform()->native_pt || kernel_platform()->text_alias) {
		nx_init(kernel_platform()->native_pt);
		text_ro = 1;
	}
	pv_lazy_mmu_enter();
	err = map_kernel();
	if (!err)
		err = map_direct(bi);
	/* the alias's one page table, now (all of it in that table) */
	if (!err && text_ro && (alias_pages() > 512 - 16 ||
				!walk(POKE_VA, 1, 1)))
		err = -PV_ENOMEM;
	pv_lazy_mmu_leave();
	if (err)
		return err;
	if (kernel_global)
		pv_write_cr4(pv_read_cr4() | CR4_PGE);
	pv_write_cr3(pml4_pa);
	pmm_use_direct_map();
	pml4 = phys_to_virt(pml4_pa);
	if (text_ro)
		poke_pte = walk(POKE_VA, 1, 0); /* the next pages: the next */
	return 0;
}

uint64_t paging_root(void)
{
	return pml4_pa;
}
