/* start_info.c: the C half of the Xen PV entry: keeps a copy of start_info,
 * brings up what every op needs, fills boot_info and enters kernel_main. */
#include "core/kernel.h"
#include "core/platform.h"
#include "xen/xen_pv.h"

struct start_info xen_start_info;
uint64_t xen_start_info_pa; /* Xen's page itself (suspend rewrites it) */
int xen_is_dom0;

/* pv_ops is pvboot.c's; it is filled here first so printk works at once. */
extern struct pv_ops pv_ops;

/* Without Xen's stubs every hypercall would be a bare ret. */
static int hypercall_page_ok(void)
{
	return (unsigned char)hypercall_page[0] != 0xc3;
}

static void copy_cmdline(struct boot_info *bi)
{
	const char *s = (const char *)xen_start_info.cmd_line;
	unsigned i;

	for (i = 0; i + 1 < BOOT_CMDLINE_MAX && s[i]; i++)
		bi->cmdline[i] = s[i];
	bi->cmdline[i] = 0;
}

/* Mini-OS style: each start_info field as label: value. */
static void report_start_info(const struct boot_info *bi)
{
	const struct start_info *si = &xen_start_info;
	char magic[sizeof(si->magic) + 1];

	memcpy(magic, si->magic, sizeof(si->magic));
	magic[sizeof(si->magic)] = 0;
	printk("xen: %s, %s, %lu pages, flags %x\n", magic,
	       xen_is_dom0 ? "dom0" : "domU", si->nr_pages, si->flags);
	printk("xen: shared_info %lx(MA) at %p, pt_base %lx(VA), "
	       "%lu pt frames, mfn_list %lx(VA)\n", si->shared_info,
	       (void *)&xen_shared_page, si->pt_base, si->nr_pt_frames,
	       si->mfn_list);
	printk("xen: free RAM %llx-%llx(PA)\n",
	       (unsigned long long)bi->ranges[0].start,
	       (unsigned long long)bi->ranges[0].end);
}

/* The shadows start as Xen's (emulated) view of the real registers. */
static void read_control_regs(void)
{
	__asm__ volatile("mov %%cr0, %0" : "=r"(xen_cr0_shadow));
	__asm__ volatile("mov %%cr4, %0" : "=r"(xen_cr4_shadow));
}

#ifdef __i386__
/* PV32: one vCPU, whose vcpu_info stays in shared_info: the irq ops and
 * templates reach its mask byte at a fixed address, no GS base. */
static void percpu_boot(void)
{
}

static int vcpu_place_boot(void)
{
	return 0;
}
#else
/*
 * The boot vCPU's GS base to its per-CPU area before any irq op runs
 * (they are %gs-relative); its vcpu_info there starts masked, as Xen's.
 */
static void percpu_boot(void)
{
	extern char boot_stack_top[];
	struct percpu *pc = &smp_percpu[0];

	pc->xen_vcpu_info[XEN_VCPU_MASK] = 1;
	pc->stack_top = (uint64_t)(uintptr_t)boot_stack_top;
	pc->online = 1;
	if (HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL, (unsigned long)pc))
		for (;;) /* nothing can even print: let Xen see a crash */
			__asm__ volatile("ud2");
	percpu_use(pc);
}

/* vcpu_info of vCPU 0 into its per-CPU area, where the irq ops look. */
static int vcpu_place_boot(void)
{
	int err = xen_vcpu_place(0);

	if (!err)
		xen_vcpu_placed = 1;
	return err;
}
#endif

/*
 * Called by startup_xen on the kernel's boot stack, events masked.  Order
 * matters: hypercalls and the GS base, then the console, shared_info,
 * memory, vcpu_info in the per-CPU area, events; then the common kernel.
 */
void xen_start(struct start_info *si)
{
	static struct boot_info bi;
	int err;

	memcpy(&xen_start_info, si, sizeof(xen_start_info));
	xen_start_info_pa = (uint64_t)(uintptr_t)si - KERNEL_VIRT_BASE;
	xen_is_dom0 = !!(si->flags & SIF_INITDOMAIN);
	if (!hypercall_page_ok())
		for (;;) /* nothing can even print: let Xen see a crash */
			__asm__ volatile("ud2");
	percpu_boot();
	memcpy(&pv_ops, &xen_pv_ops, sizeof(pv_ops));
	bi.platform = xen_is_dom0 ? &xen_platform_dom0 : &xen_platform_domu;
	copy_cmdline(&bi);
	read_control_regs();
	if ((err = xen_shared_info_map()))
		bi.error = "xen: cannot map shared_info";
	else if ((err = xen_bootmem_init(&bi)))
		bi.error = "xen: cannot map RAM below 1 GiB at -2 GiB";
	else if ((err = vcpu_place_boot()))
		bi.error = "xen: VCPUOP_register_vcpu_info refused for vCPU 0";
	else if ((err = xen_evtchn_init()))
		bi.error = "xen: cannot register the event callbacks";
	xen_clock_init();
	report_start_info(&bi);
	if (err)
		printk("xen: error %d\n", err);
	kernel_main(&bi);
}
