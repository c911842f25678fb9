/* xen_start_32.c: the C half of the i386 Xen PV entry: checks what Xen built
 * (ring 1, its 32-bit layout, the PAE tables, a trap, the timer event),
 * reports it, then enters the Xen backend's xen_start (kernel/xen/). */
#include "core/kernel.h"
#include "pv/ops.h"
#include "xen/xen_pv.h"
#include "arch/i386/xen32.h"

/* pv_ops is pvboot.c's; console_write is filled first so printk works. */
extern struct pv_ops pv_ops;

#define XEN32_RING_MASK 3
#define XEN32_L3_SLOTS 4
#define XEN32_L2_SLOTS 512
#define XEN32_PTE_P 1ull
#define XEN32_PTE_ADDR 0x000ffffffffff000ull
#define XEN32_PAGE_SHIFT 12
#define XEN32_L2_SHIFT 21

static struct start_info xen32_si;
static struct xen_machphys_mapping xen32_m2p;

const struct start_info *xen32_start_info(void)
{
	return &xen32_si;
}

/*
 * After a failed check.  Never returns.  Dom0: a reboot, which QEMU's
 * -no-reboot turns into its exit.  DomU: it idles, blocked, until the
 * toolstack destroys it.
 */
static void __attribute__((noreturn)) xen32_stop(void)
{
	struct sched_shutdown sd = { .reason = SHUTDOWN_reboot };

	if (!(xen32_si.flags & SIF_INITDOMAIN)) {
		printk("xen32: domU: idle until destroyed\n");
		for (;;)
			(void)HYPERVISOR_sched_op(SCHEDOP_block, NULL);
	}
	for (;;)
		(void)HYPERVISOR_sched_op(SCHEDOP_shutdown, &sd);
}

static unsigned xen32_cs(void)
{
	unsigned cs;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	return cs;
}

/* An L2 of Xen's bootstrap tables from its L3 entry: machine frame ->
 * pseudo-physical frame (Xen's M2P) -> the kernel's 3 GiB mapping. */
static const uint64_t *xen32_l2(uint64_t l3e)
{
	const unsigned long *m2p = (const unsigned long *)xen32_m2p.v_start;
	unsigned long mfn = (unsigned long)((l3e & XEN32_PTE_ADDR) >>
					    XEN32_PAGE_SHIFT);

	if (mfn > xen32_m2p.max_mfn)
		return NULL;
	return (const uint64_t *)(uintptr_t)(KERNEL_VIRT_BASE +
		((uint64_t)m2p[mfn] << XEN32_PAGE_SHIFT));
}

/*
 * PAE, as Xen builds a 32-bit guest: four L3 entries of present bit and
 * address only; the L2 behind slot 3 also holds Xen's own entries from
 * the M2P's start (the "L3 rules" the kernel's tables must keep).
 */
static int xen32_report_tables(void)
{
	const uint64_t *l3 = (const uint64_t *)xen32_si.pt_base, *l2;
	/* slot 3 maps from 3 GiB, where the kernel's map starts too */
	unsigned first = (unsigned)((xen32_m2p.v_start - KERNEL_VIRT_BASE) >>
				    XEN32_L2_SHIFT), xen = 0;

	for (unsigned i = 0; i < XEN32_L3_SLOTS; i++)
		printk("xen32: L3[%u] %llx\n", i, (unsigned long long)l3[i]);
	if (!(l3[3] & XEN32_PTE_P) || !(l2 = xen32_l2(l3[3])))
		return -PV_EINVAL;
	for (unsigned i = first; i < XEN32_L2_SLOTS; i++)
		xen += !!(l2[i] & XEN32_PTE_P);
	printk("xen32: L2 behind L3[3]: %u of %u entries from %lx present "
	       "(Xen's)\n", xen, XEN32_L2_SLOTS - first, xen32_m2p.v_start);
	return xen ? 0 : -PV_EINVAL;
}

/* Xen owns the top of the 4 GiB space; the kernel's map must end below. */
static int xen32_report_layout(void)
{
	unsigned long top = (unsigned long)(DIRECT_MAP_BASE + DIRECT_MAP_END);

	if (HYPERVISOR_memory_op(XENMEM_machphys_mapping, &xen32_m2p))
		return -PV_EIO;
	printk("xen32: M2P %lx-%lx, max_mfn %lx; HYPERVISOR_VIRT_START %lx; "
	       "kernel map ends %lx\n", xen32_m2p.v_start, xen32_m2p.v_end,
	       xen32_m2p.max_mfn, (unsigned long)HYPERVISOR_VIRT_START, top);
	return top <= xen32_m2p.v_start ? 0 : -PV_ERANGE;
}

static void xen32_report_start_info(void)
{
	char magic[sizeof(xen32_si.magic) + 1];

	memcpy(magic, xen32_si.magic, sizeof(xen32_si.magic));
	magic[sizeof(xen32_si.magic)] = 0;
	printk("xen32: %s, %s, %lu pages, ring %u (cs %x)\n", magic,
	       xen32_si.flags & SIF_INITDOMAIN ? "dom0" : "domU",
	       xen32_si.nr_pages, xen32_cs() & XEN32_RING_MASK, xen32_cs());
	printk("xen32: pt_base %lx(VA), %lu pt frames, mfn_list %lx(VA)\n",
	       xen32_si.pt_base, xen32_si.nr_pt_frames, xen32_si.mfn_list);
}

/*
 * Called by startup_xen on the kernel's boot stack, events masked.  The
 * hypercalls go through the page until kernel_main's patch pass makes
 * their sites inline (`int $0x82`), as on x86-64.
 */
void xen32_start(struct start_info *si);
void xen32_start(struct start_info *si)
{
	int err;

	if ((unsigned char)hypercall_page[0] == 0xc3)
		for (;;) /* no hypercalls: let Xen see a crash */
			__asm__ volatile("ud2");
	memcpy(&xen32_si, si, sizeof(xen32_si));
	if (!(pv_ops.console_write = xen32_console_init(&xen32_si)))
		for (;;) /* no console: let the toolstack see a crash */
			__asm__ volatile("ud2");
	xen32_report_start_info();
	if ((err = xen32_report_layout()) || (err = xen32_report_tables()) ||
	    (err = xen32_check_trap()) || (err = xen32_check_events())) {
		printk("xen32: error %d\n", err);
		xen32_stop();
	}
	printk("xen32: entry checks pass\n");
	xen_start(si); /* kernel/xen/start_info.c: on to kernel_main */
}
