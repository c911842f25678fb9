/* bootmem.c: pseudo-physical memory on Xen PV: the p2m list, the bootstrap
 * area Xen built, and the -2 GiB window the core expects over low RAM. */
#include "core/kernel.h"
#include "core/mm.h"
#include "pv/pvcalls.h"
#include "xen/xen_pv.h"
#include "core/traps.h"
#include <xen/memory.h>

/*
 * The core reaches a physical page at KERNEL_VIRT_BASE + pa until its own
 * page tables are up (as native's boot tables map the first GiB there).
 * Xen maps only its bootstrap area; we extend that mapping to all RAM
 * below 1 GiB, and support no more than that on Xen.
 */
#ifdef __i386__
#define XEN_WINDOW_MAX ((unsigned long)DIRECT_MAP_END) /* below Xen's area */
#else
#define XEN_WINDOW_MAX (1ul << 30)
#endif
#define XEN_MAX_PAGES (XEN_WINDOW_MAX >> 12)
#define L1_SPAN (1ul << 21)

unsigned long *xen_p2m;
unsigned long xen_nr_pages;
static uint64_t window_end; /* [0, window_end) is mapped at -2 GiB */
static uint64_t pool;       /* next free page after the bootstrap area */
static int on_direct_map;

/* One bit per page: is it a page table (mapped read-only everywhere)? */
static uint64_t pt_bits[XEN_MAX_PAGES / 64];

int xen_pt_page(unsigned long pfn)
{
	return pfn < XEN_MAX_PAGES && (pt_bits[pfn / 64] >> (pfn % 64) & 1);
}

void xen_pt_mark(unsigned long pfn, int is_pt)
{
	if (pfn >= XEN_MAX_PAGES)
		return;
	if (is_pt)
		pt_bits[pfn / 64] |= 1ull << (pfn % 64);
	else
		pt_bits[pfn / 64] &= ~(1ull << (pfn % 64));
}

unsigned long xen_pfn_to_mfn(unsigned long pfn)
{
	return pfn < xen_nr_pages ? xen_p2m[pfn] : XEN_INVALID_MFN;
}

/* Entries of Xen's M2P table (max_mfn + 1); pte.S bounds its reads by it. */
unsigned long xen_m2p_nr;

/* XENMEM_machphys_mapping: how far the M2P reaches on this host. */
static void m2p_init(void)
{
	struct xen_machphys_mapping m;

	if (HYPERVISOR_memory_op(XENMEM_machphys_mapping, &m) == 0)
		xen_m2p_nr = m.max_mfn + 1;
	else /* the whole read-only area: holes fault, which is caught */
		xen_m2p_nr = (MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START) /
			     sizeof(unsigned long);
}

/*
 * Xen's read-only machine-to-phys table, mapped in every PV guest.  An
 * mfn beyond it, or in a hole of it (an I/O frame), gives
 * XEN_INVALID_PFN, not a fault.  A foreign frame gives its owner's pfn:
 * callers that need one of ours check the p2m agrees.
 */
unsigned long xen_mfn_to_pfn(unsigned long mfn)
{
	uint64_t pfn;

	if (!xen_m2p_nr)
		m2p_init();
#ifdef __i386__
	/* 4-byte entries: read the aligned pair, never past a page */
	if (mfn >= xen_m2p_nr ||
	    probe_read_u64((const unsigned long *)MACH2PHYS_VIRT_START +
				   (mfn & ~1ul), &pfn))
		return XEN_INVALID_PFN;
	return (unsigned long)(pfn >> (mfn & 1) * 32);
#else
	if (mfn >= xen_m2p_nr ||
	    probe_read_u64((const unsigned long *)MACH2PHYS_VIRT_START + mfn,
			   &pfn))
		return XEN_INVALID_PFN;
	return (unsigned long)pfn;
#endif
}

/* The two linear windows the kernel uses: -2 GiB and the direct map. */
int xen_virt_to_phys(const void *p, uint64_t *pa)
{
	uint64_t va = (uint64_t)(uintptr_t)p;
	uint64_t ram = (uint64_t)xen_nr_pages << 12;

	if (va >= KERNEL_VIRT_BASE && va - KERNEL_VIRT_BASE < XEN_WINDOW_MAX)
		*pa = va - KERNEL_VIRT_BASE;
	else if (va >= DIRECT_MAP_BASE && va - DIRECT_MAP_BASE < ram)
		*pa = va - DIRECT_MAP_BASE;
	else
		return -PV_EFAULT;
	return 0;
}

/* A bootstrap page-table page, by the machine address in an entry. */
static uint64_t *boot_table(uint64_t entry)
{
	unsigned long pfn = xen_mfn_to_pfn((entry & XEN_PTE_ADDR) >> 12);

	uint64_t va = KERNEL_VIRT_BASE + ((uint64_t)pfn << 12);

	return (uint64_t *)(uintptr_t)va;
}

#ifdef __i386__
/* PV32: the L2 page that maps [3 GiB, 4 GiB): PAE L3 slot 3, whose top
 * entries are Xen's (the window ends below them, XEN_WINDOW_MAX). */
static uint64_t *window_l2(void)
{
	uint64_t *l3 = (uint64_t *)xen_start_info.pt_base;

	return l3[3] & XEN_PTE_P ? boot_table(l3[3]) : NULL;
}
#else
/* The L2 page that maps [-2 GiB, -1 GiB): L4 slot 511, L3 slot 510. */
static uint64_t *window_l2(void)
{
	uint64_t *l4 = (uint64_t *)xen_start_info.pt_base;
	uint64_t *l3;

	if (!(l4[511] & XEN_PTE_P))
		return NULL;
	l3 = boot_table(l4[511]);
	return l3[510] & XEN_PTE_P ? boot_table(l3[510]) : NULL;
}
#endif

/* How far Xen's bootstrap mapping reaches: its first hole. */
static uint64_t mapped_end(const uint64_t *l2)
{
	uint64_t pa = 0;

	for (unsigned i = 0; i < 512 && (l2[i] & XEN_PTE_P); i++) {
		const uint64_t *l1 = boot_table(l2[i]);

		for (unsigned j = 0; j < 512; j++, pa += 4096)
			if (!(l1[j] & XEN_PTE_P))
				return pa;
	}
	return pa;
}

static int update_va(uint64_t va, uint64_t pte)
{
	return (int)HYPERVISOR_update_va_mapping(va, pte, UVMF_INVLPG);
}

/*
 * Maps the 2 MiB at window_end with a new L1 page taken from the pool:
 * filled while it is still an ordinary writable page, then made read-only,
 * then hooked into the L2, where Xen validates it.
 */
static int extend_window(uint64_t *l2)
{
	uint64_t l1_pa = pool, *l1;
	unsigned long l1_pfn = l1_pa >> 12, first = window_end >> 12;
	int err;

	if (l1_pa + 4096 > window_end)
		return -PV_ENOMEM;
	pool += 4096;
	l1 = (uint64_t *)(uintptr_t)(KERNEL_VIRT_BASE + l1_pa);
	for (unsigned i = 0; i < 512; i++) {
		unsigned long pfn = first + i;

		l1[i] = pfn < xen_nr_pages ? (uint64_t)xen_p2m[pfn] << 12 |
			XEN_PTE_P | XEN_PTE_W | XEN_PTE_A | XEN_PTE_D : 0;
	}
	xen_pt_mark(l1_pfn, 1);
	err = update_va((uint64_t)(uintptr_t)l1,
			(uint64_t)xen_p2m[l1_pfn] << 12 | XEN_PTE_P |
				XEN_PTE_A | XEN_PTE_D);
	if (!err)
		err = xen_pt_write_now((unsigned long long *)&l2[window_end /
								  L1_SPAN],
				       (uint64_t)xen_p2m[l1_pfn] << 12 |
					       XEN_PTE_P | XEN_PTE_W |
					       XEN_PTE_A | XEN_PTE_D);
	if (!err)
		window_end += L1_SPAN;
	return err;
}

/* Marks Xen's bootstrap page tables, which are pinned and read-only. */
static void mark_boot_tables(void)
{
	uint64_t pa = xen_start_info.pt_base - KERNEL_VIRT_BASE;

	for (unsigned long i = 0; i < xen_start_info.nr_pt_frames; i++)
		xen_pt_mark((pa >> 12) + i, 1);
}

/*
 * Fills bi's RAM range: the pseudo-physical pages after the bootstrap
 * area (page tables and a one-page stack end it) and after the L1 pages
 * the window needs, up to 1 GiB.  Returns 0 or -PV_E*.
 */
int xen_bootmem_init(struct boot_info *bi)
{
	uint64_t *l2 = window_l2();
	uint64_t boot_end = xen_start_info.pt_base - KERNEL_VIRT_BASE +
			    (xen_start_info.nr_pt_frames + 1) * 4096;
	uint64_t ram;
	int err = 0;

	xen_p2m = (unsigned long *)xen_start_info.mfn_list;
	xen_nr_pages = xen_start_info.nr_pages;
	if (!xen_m2p_nr)
		m2p_init(); /* before any pte_val */
	if (xen_nr_pages > XEN_MAX_PAGES)
		xen_nr_pages = XEN_MAX_PAGES;
	ram = (uint64_t)xen_nr_pages << 12;
	if (!l2)
		return -PV_ENOENT;
	mark_boot_tables();
	xen_mmu_init(xen_start_info.pt_base - KERNEL_VIRT_BASE);
	window_end = mapped_end(l2);
	pool = boot_end;
	if (window_end & (L1_SPAN - 1) || window_end < boot_end)
		return -PV_EINVAL; /* not the layout xen.h promises */
	while (!err && window_end < ram)
		err = extend_window(l2);
	bi->nr_ranges = 1;
	bi->ranges[0].start = pool;
	bi->ranges[0].end = ram;
	return err;
}

/*
 * Once the kernel runs on its own page tables, only the image stays at
 * -2 GiB: RAM, the p2m list included, is reached through the direct map
 * (write_cr3 has checked that the new tables map the p2m list there).
 */
void xen_bootmem_use_direct_map(void)
{
	uint64_t pa = (uint64_t)(uintptr_t)xen_start_info.mfn_list -
		      KERNEL_VIRT_BASE;

	xen_p2m = (unsigned long *)(uintptr_t)(DIRECT_MAP_BASE + pa);
	on_direct_map = 1;
}

/*
 * Room for pfns up to pages (the balloon's maxmem): the list moves to
 * the n physically contiguous pages at pa (mapped by the direct map),
 * the new entries invalid.  Entries are copied before the pointer and
 * the bound change, with interrupts off, so no lookup sees a half list.
 */
int xen_p2m_grow(uint64_t pa, unsigned long pages)
{
	unsigned long *p2m = xen_phys_to_virt(pa), fl;

	if (!on_direct_map || !p2m || pages > XEN_MAX_PAGES)
		return -PV_EINVAL;
	if (pages <= xen_nr_pages)
		return 0;
	fl = pv_irq_save();
	memcpy(p2m, xen_p2m, xen_nr_pages * sizeof(*p2m));
	for (unsigned long i = xen_nr_pages; i < pages; i++)
		p2m[i] = XEN_INVALID_MFN;
	__atomic_store_n(&xen_p2m, p2m, __ATOMIC_SEQ_CST);
	__atomic_store_n(&xen_nr_pages, pages, __ATOMIC_SEQ_CST);
	pv_irq_restore_fl(fl);
	return 0;
}

void xen_p2m_set(unsigned long pfn, unsigned long mfn)
{
	if (pfn < xen_nr_pages)
		xen_p2m[pfn] = mfn;
}

/* A page-table page (or any RAM page) by pseudo-physical address. */
void *xen_phys_to_virt(uint64_t pa)
{
	if (on_direct_map)
		return pa < (uint64_t)xen_nr_pages << 12 ?
			       (void *)(uintptr_t)(DIRECT_MAP_BASE + pa) : NULL;
	return pa < window_end ? (void *)(uintptr_t)(KERNEL_VIRT_BASE + pa) :
				 NULL;
}

/*
 * The p2m as the toolstack's save code finds it (a PV guest's side of
 * `xl save`): shared_info's max_pfn and the mfn of a frame-list-list
 * page, whose entries name frame-list pages, whose entries name the
 * p2m's own pages (512 a page: one of each covers 1 GiB).  Frames
 * change with the domain: published again after a resume or a move.
 */
static uint64_t fll_pa, fl_pa;

int xen_p2m_publish(void)
{
	struct arch_shared_info *a = &xen_shared_page.s.arch;
	unsigned long *fll, *fl, n;
	uint64_t p2m_pa;

	if (!fll_pa && (!(fll_pa = pmm_alloc()) || !(fl_pa = pmm_alloc())))
		return -PV_ENOMEM;
	if (xen_virt_to_phys(xen_p2m, &p2m_pa) || (p2m_pa & 0xfff))
		return -PV_EINVAL; /* the tree names whole pages */
	fll = phys_to_virt(fll_pa);
	fl = phys_to_virt(fl_pa);
	n = (xen_nr_pages * sizeof(unsigned long) + 4095) / 4096;
	for (unsigned long i = 0; i < 512; i++)
		fl[i] = i < n ? xen_pfn_to_mfn((p2m_pa >> 12) + i) : 0;
	fll[0] = xen_pfn_to_mfn(fl_pa >> 12);
	a->max_pfn = xen_nr_pages;
	a->pfn_to_mfn_frame_list_list = xen_pfn_to_mfn(fll_pa >> 12);
	a->p2m_cr3 = 0; /* no virtually mapped list: the tree above */
	return 0;
}
