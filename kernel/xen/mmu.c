/* mmu.c: the mmu ops on Xen PV: entries through mmu_update/update_va_mapping,
 * cr3 and TLBs through mmuext_op, lazy mode batched into one multicall. */
#include "core/kernel.h"
#include "xen/xen_pv.h"

#define MC_MAX 32     /* multicall entries per batch */
#define MC_REQS 256   /* mmu_update requests per batch */
#define MAX_ROOTS 8   /* L4 tables pinned for the kernel */
#define UVMF_HERE (UVMF_INVLPG | UVMF_LOCAL)
/* The root table: an L4, or on PV32 a PAE L3 (four entries in a page). */
#ifdef __i386__
#define PT_ROOT 3
#define PIN_ROOT MMUEXT_PIN_L3_TABLE
#else
#define PT_ROOT 4
#define PIN_ROOT MMUEXT_PIN_L4_TABLE
#endif

static struct multicall_entry mc[MC_MAX];
static struct mmuext_op mc_ext[MC_MAX];
static struct mmu_update mc_req[MC_REQS];
static unsigned mc_n, mc_nreq;
static int lazy;
unsigned xen_mc_batches, xen_mc_queued;
unsigned long xen_io_maps, xen_io_refused;

/* update_va_mapping as a multicall entry: on PV32 the 64-bit entry is
 * two argument words, low then high, as in the hypercall itself. */
static void mc_update_va(struct multicall_entry *e, unsigned long va,
			 uint64_t v, unsigned long flags)
{
	e->args[0] = va;
#ifdef __i386__
	e->args[1] = (uint32_t)v;
	e->args[2] = (uint32_t)(v >> 32);
	e->args[3] = flags;
#else
	e->args[1] = v;
	e->args[2] = flags;
#endif
}

/* Pseudo-physical cr3; the pinned L4s (the current one among them). */
unsigned long xen_cr3_shadow;
static uint64_t roots[MAX_ROOTS];
static unsigned nr_roots;
static uint64_t boot_root; /* Xen's bootstrap L4, pinned by Xen */

static void check(long err, const char *what)
{
	if (err)
		panic("xen: %s: error %ld", what, err);
}

/* Machine address of an entry the kernel reaches through a window. */
static uint64_t entry_ma(const unsigned long long *p)
{
	uint64_t pa;

	if (xen_virt_to_phys(p, &pa))
		panic("xen: page-table entry %p outside the kernel's windows",
		      (const void *)p);
	return (uint64_t)xen_pfn_to_mfn(pa >> 12) << 12 | (pa & 0xfff);
}

static void mc_flush(void)
{
	long r;

	if (!mc_n)
		return;
	r = HYPERVISOR_multicall(mc, mc_n);
	check(r, "multicall");
	for (unsigned i = 0; i < mc_n; i++)
		if ((long)mc[i].result < 0)
			panic("xen: batched hypercall %lu (#%u of %u): "
			      "error %ld", (unsigned long)mc[i].op, i, mc_n,
			      (long)mc[i].result);
	mc_n = mc_nreq = 0;
	xen_mc_batches++;
}

static struct multicall_entry *mc_entry(unsigned long op)
{
	struct multicall_entry *e;

	if (mc_n == MC_MAX)
		mc_flush();
	e = &mc[mc_n++];
	memset(e, 0, sizeof(*e));
	e->op = op;
	return e;
}

/* Consecutive entry writes share one mmu_update of several requests. */
static void mc_queue_update(uint64_t ptr, uint64_t val)
{
	struct multicall_entry *e = mc_n ? &mc[mc_n - 1] : NULL;

	if (mc_nreq == MC_REQS) {
		mc_flush();
		e = NULL;
	}
	if (!e || e->op != __HYPERVISOR_mmu_update) {
		e = mc_entry(__HYPERVISOR_mmu_update);
		e->args[0] = (unsigned long)&mc_req[mc_nreq];
		e->args[3] = DOMID_SELF;
	}
	mc_req[mc_nreq].ptr = ptr | MMU_NORMAL_PT_UPDATE;
	mc_req[mc_nreq].val = val;
	mc_nreq++;
	e->args[1]++;
	xen_mc_queued++;
}

int xen_pt_write_now(unsigned long long *p, uint64_t v)
{
	struct mmu_update u = { entry_ma(p) | MMU_NORMAL_PT_UPDATE, v };

	return (int)HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF);
}

/* One mmuext command; arg is an mfn or a linear address by command. */
int xen_mmuext(unsigned cmd, unsigned long arg)
{
	struct mmuext_op op = { .cmd = cmd };

	op.arg1.mfn = arg;
	return (int)HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* Lazy mode queues it behind the entry writes it must follow. */
static void mmuext_ordered(unsigned cmd, unsigned long arg, const char *what)
{
	struct multicall_entry *e;

	if (!lazy) {
		check(xen_mmuext(cmd, arg), what);
		return;
	}
	e = mc_entry(__HYPERVISOR_mmuext_op);
	mc_ext[e - mc].cmd = cmd;
	mc_ext[e - mc].arg1.mfn = arg;
	e->args[0] = (unsigned long)&mc_ext[e - mc];
	e->args[1] = 1;
	e->args[3] = DOMID_SELF;
	xen_mc_queued++;
}

/* Xen refuses a writable mapping of a page table: such a PTE loses W. */
static uint64_t leaf_ro(uint64_t v)
{
	unsigned long mfn = (v & XEN_PTE_ADDR) >> 12, pfn;

	if ((v & (XEN_PTE_P | XEN_PTE_W)) != (XEN_PTE_P | XEN_PTE_W))
		return v;
	pfn = xen_mfn_to_pfn(mfn);
	if (xen_pt_page(pfn) && xen_pfn_to_mfn(pfn) == mfn)
		v &= ~XEN_PTE_W;
	return v;
}

/* An uncached present entry for a frame that is not our RAM: device
 * memory, such as a BAR of a passed-through PCI device. */
static int io_entry(uint64_t v)
{
	unsigned long mfn = (v & XEN_PTE_ADDR) >> 12, pfn;

	if ((v & (XEN_PTE_P | XEN_PTE_PCD)) != (XEN_PTE_P | XEN_PTE_PCD))
		return 0;
	pfn = xen_mfn_to_pfn(mfn);
	return pfn >= xen_nr_pages || xen_pfn_to_mfn(pfn) != mfn;
}

/*
 * Such an entry goes at once with DOMID_IO as the foreign domain: Xen
 * checks the frame against the I/O memory the toolstack granted us.  A
 * refusal leaves the entry as it was, is said, and the kernel goes on
 * (the driver reads the entry back and sees nothing mapped).
 */
static void write_io(unsigned long long *p, uint64_t v)
{
	struct mmu_update u = { entry_ma(p) | MMU_NORMAL_PT_UPDATE, v };
	int err;

	mc_flush();
	err = (int)HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_IO);
	if (!err) {
		xen_io_maps++;
		return;
	}
	xen_io_refused++;
	printk("xen: I/O frame %llx: mmu_update with DOMID_IO refused: "
	       "error %d\n", (unsigned long long)(v & XEN_PTE_ADDR) >> 12, err);
}

/* Leaf entries: the bulk of all writes, so lazy mode batches them. */
static void write_leaf(unsigned long long *p, uint64_t v)
{
	if (io_entry(v)) {
		write_io(p, v);
		return;
	}
	v = leaf_ro(v);
	if (lazy)
		mc_queue_update(entry_ma(p), v);
	else
		check(xen_pt_write_now(p, v), "mmu_update (pte)");
}

/*
 * Upper-level entries go at once, after whatever is queued: the kernel
 * walks through a table entry right after writing it, and they are few.
 */
static void write_upper(unsigned long long *p, uint64_t v, const char *what)
{
	mc_flush();
	check(xen_pt_write_now(p, v), what);
}

void xen_set_pte(unsigned long long *p, unsigned long long v)
{
	write_leaf(p, v);
}

/* The table an entry points at: its frame, back through m2p, by window. */
static unsigned long long *table_at(uint64_t entry)
{
	unsigned long pfn = xen_mfn_to_pfn((entry & XEN_PTE_ADDR) >> 12);

	return xen_phys_to_virt((uint64_t)pfn << 12);
}

/* The L1 entry for va under the root at root_pa, or NULL (Xen PV has no
 * large pages). */
static unsigned long long *walk(uint64_t root_pa, uint64_t va)
{
	unsigned long long *t = xen_phys_to_virt(root_pa);

	for (int level = PT_ROOT; level > 1 && t; level--) {
		unsigned long long e = t[(va >> (3 + 9 * level)) & 511];

		t = e & XEN_PTE_P ? table_at(e) : NULL;
	}
	return t ? &t[(va >> 12) & 511] : NULL;
}

/* With va's PTE in the live tables, update_va_mapping does the lookup. */
void xen_set_pte_at(unsigned long va, unsigned long long *p,
		    unsigned long long v)
{
	struct multicall_entry *e;

	if (walk(xen_cr3_shadow, va) != p) {
		write_leaf(p, v);
		return;
	}
	v = leaf_ro(v);
	if (!lazy) {
		check(HYPERVISOR_update_va_mapping(va, v, UVMF_HERE),
		      "update_va_mapping");
		return;
	}
	e = mc_entry(__HYPERVISOR_update_va_mapping);
	mc_update_va(e, va, v, UVMF_HERE);
	xen_mc_queued++;
}

void xen_pte_clear(unsigned long va, unsigned long long *p)
{
	xen_set_pte_at(va, p, 0);
}

void xen_set_pmd(unsigned long long *p, unsigned long long v)
{
	write_upper(p, v, "mmu_update (pmd)");
}

void xen_pmd_clear(unsigned long long *p)
{
	write_upper(p, 0, "mmu_update (pmd clear)");
}

void xen_set_pud(unsigned long long *p, unsigned long long v)
{
	write_upper(p, v, "mmu_update (pud)");
}

void xen_pud_clear(unsigned long long *p)
{
	write_upper(p, 0, "mmu_update (pud clear)");
}

void xen_set_pgd(unsigned long long *p, unsigned long long v)
{
	write_upper(p, v, "mmu_update (pgd)");
}

void xen_pgd_clear(unsigned long long *p)
{
	write_upper(p, 0, "mmu_update (pgd clear)");
}

/* Every entry write already went through Xen: nothing changed unseen. */
void xen_pte_update(unsigned long va, unsigned long long *p)
{
	(void)va, (void)p;
}

/*
 * Sets or clears W in the mappings the kernel has of the page at pa (the
 * -2 GiB window and the direct map) in every pinned tree: Xen types a
 * page as a table only while no writable mapping of it exists.
 */
static void set_page_writable(uint64_t pa, int w)
{
	const uint64_t alias[2] = { KERNEL_VIRT_BASE + pa,
				    DIRECT_MAP_BASE + pa };
	int changed = 0;

	for (unsigned r = 0; r < nr_roots; r++) {
		for (unsigned i = 0; i < 2; i++) {
			unsigned long long *q = walk(roots[r], alias[i]);
			uint64_t v;

			if (!q || !(*q & XEN_PTE_P) || !!(*q & XEN_PTE_W) == w)
				continue;
			v = w ? *q | XEN_PTE_W : *q & ~XEN_PTE_W;
			check(xen_pt_write_now(q, v), "mmu_update (protect)");
			changed = 1;
		}
	}
	if (changed)
		check(xen_mmuext(MMUEXT_TLB_FLUSH_LOCAL, 0), "tlb flush");
}

static int root_index(uint64_t pa)
{
	for (unsigned r = 0; r < nr_roots; r++)
		if (roots[r] == pa)
			return (int)r;
	return -1;
}

static void pin_root(uint64_t pa)
{
	if (root_index(pa) >= 0)
		return;
	if (nr_roots == MAX_ROOTS)
		panic("xen: more than %u page-table roots", MAX_ROOTS);
	check(xen_mmuext(PIN_ROOT, xen_pfn_to_mfn(pa >> 12)), "pin root");
	roots[nr_roots++] = pa;
}

static void unpin_root(uint64_t pa)
{
	int r = root_index(pa);

	if (r < 0)
		return;
	check(xen_mmuext(MMUEXT_UNPIN_TABLE, xen_pfn_to_mfn(pa >> 12)),
	      "unpin root");
	roots[r] = roots[--nr_roots];
}

/* The page at pa becomes a table of this level: read-only; a root pinned. */
void xen_alloc_pt(unsigned int level, unsigned long long pa)
{
	mc_flush();
	xen_pt_mark(pa >> 12, 1);
	set_page_writable(pa, 0);
	if (level == PT_ROOT)
		pin_root(pa);
}

/* The reverse, once the kernel has unhooked it. */
void xen_release_pt(unsigned int level, unsigned long long pa)
{
	mc_flush();
	if (level == PT_ROOT)
		unpin_root(pa);
	xen_pt_mark(pa >> 12, 0);
	set_page_writable(pa, 1);
}

void xen_flush_tlb_user(void)
{
	mmuext_ordered(MMUEXT_TLB_FLUSH_LOCAL, 0, "tlb flush");
}

void xen_flush_tlb_kernel(void)
{
	mmuext_ordered(MMUEXT_TLB_FLUSH_LOCAL, 0, "tlb flush");
}

void xen_flush_tlb_one_user(unsigned long va)
{
	mmuext_ordered(MMUEXT_INVLPG_LOCAL, va, "invlpg");
}

void xen_lazy_mmu_enter(void)
{
	lazy = 1;
}

void xen_lazy_mmu_leave(void)
{
	mc_flush();
	lazy = 0;
}

void xen_lazy_mmu_flush(void)
{
	mc_flush();
}

unsigned long xen_read_cr3(void)
{
	return xen_cr3_shadow;
}

/* Xen's bootstrap tables are live and pinned when we start. */
void xen_mmu_init(uint64_t boot_root_pa)
{
	boot_root = boot_root_pa;
	xen_cr3_shadow = boot_root_pa;
	roots[0] = boot_root_pa;
	nr_roots = 1;
}

/* Both ends of the p2m list, looked up under root: mapped there? */
static int maps_p2m(uint64_t root, uint64_t base)
{
	uint64_t pa = (uint64_t)xen_start_info.mfn_list - KERNEL_VIRT_BASE;
	uint64_t last = pa + xen_nr_pages * sizeof(unsigned long) - 1;
	unsigned long long *a = walk(root, base + pa);
	unsigned long long *b = walk(root, base + last);

	return a && b && (*a & XEN_PTE_P) && (*b & XEN_PTE_P);
}

/* New base pointer and shared_info at its fixed address, as one step. */
static void switch_tables(unsigned long mfn)
{
	struct multicall_entry *e = mc_entry(__HYPERVISOR_mmuext_op);

	mc_ext[e - mc].cmd = MMUEXT_NEW_BASEPTR;
	mc_ext[e - mc].arg1.mfn = mfn;
	e->args[0] = (unsigned long)&mc_ext[e - mc];
	e->args[1] = 1;
	e->args[3] = DOMID_SELF;
	e = mc_entry(__HYPERVISOR_update_va_mapping);
	mc_update_va(e, (unsigned long)&xen_shared_page, xen_shared_info_pte(),
		     UVMF_HERE);
	mc_flush();
}

/*
 * Switches to the tables at pa (pinning them first) in one multicall that
 * also maps shared_info at its fixed address there, so no vcpu_info access
 * sees the page of .bss the new tables map instead.  Leaving Xen's
 * bootstrap tables for the kernel's own, the kernel reaches RAM (and the
 * p2m list) through the direct map from then on, and the bootstrap tables
 * are unpinned.
 */
void xen_write_cr3(unsigned long pa)
{
	uint64_t old = xen_cr3_shadow;
	int leaving_boot = old == boot_root && pa != boot_root;

	mc_flush();
	if (pa == old) {
		/* The same tables (pinned, shared_info mapped): the reload is
		 * a TLB flush, one mmuext_op without the multicall around it. */
		check(xen_mmuext(MMUEXT_NEW_BASEPTR, xen_pfn_to_mfn(pa >> 12)),
		      "new baseptr");
		return;
	}
	pin_root(pa);
	if (leaving_boot && !maps_p2m(pa, DIRECT_MAP_BASE))
		panic("xen: page tables at %lx do not map the p2m list at "
		      "the direct map", pa);
	switch_tables(xen_pfn_to_mfn(pa >> 12));
	xen_cr3_shadow = pa;
	if (leaving_boot) {
		xen_bootmem_use_direct_map();
		unpin_root(old);
	}
}

/* For kernel/xen/wx.c: the machine address of an entry (see entry_ma). */
uint64_t xen_entry_ma(const unsigned long long *p)
{
	return entry_ma(p);
}
