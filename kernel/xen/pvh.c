/* pvh.c: the Xen PVH platform: the native irq, cr, msr and mmu ops; Xen's
 * time, events, console and store, hypercalls by vmcall or vmmcall. */
#include "core/cmdloop.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "core/platform.h"
#include "core/traps.h"
#include "native/native.h"
#include "native/native_inline.h"
#include "patch.h"
#include "pv/sites.h"
#include "xen/domu.h"
#include "xen/pvh.h"
#include "xen/xen_pv.h"
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/memory.h>

#define MSR_TSC_AUX 0xc0000103

int xen_pvh;
/* The vendor's hypercall instruction, NUL-terminated (platform field). */
static char hcall_insn[PV_HCALL_INSN_MAX];

/* CPUID leaf 0: AMD and Hygon take vmmcall, every other vendor vmcall. */
static const char *vendor_hcall_insn(void)
{
	unsigned int a = 0, b, c = 0, d;
	char v[13];

	__native_cpuid(&a, &b, &c, &d);
	memcpy(v, &b, 4);
	memcpy(v + 4, &d, 4);
	memcpy(v + 8, &c, 4);
	v[12] = 0;
	if (!strcmp(v, "AuthenticAMD") || !strcmp(v, "HygonGenuine"))
		return PV_HCALL_INSN_VMMCALL;
	return PV_HCALL_INSN_VMCALL;
}

/*
 * Every hypercall of kernel/xen/ is a call into its 32-byte slot of
 * hypercall_page (hypercall.h).  Xen PV fills the page at domain build;
 * under PVH we write it ourselves, each slot from the planner's own
 * emitter (mov $nr,%eax and the vendor's instruction) and a ret, before
 * the first hypercall.  The page is writable: the boot tables map the
 * first GiB writable, paging.c maps the whole image so.
 */
static void fill_hypercall_page(void)
{
	const uint8_t *insn = (const uint8_t *)hcall_insn;

	for (unsigned nr = 0; nr < PV_HYPERCALL_PAGE_SLOTS; nr++) {
		uint8_t *slot = (uint8_t *)hypercall_page + 32 * nr;
		int n = pv_emit_hypercall(slot, 31, nr, 0, 0, NULL, insn,
					  strlen(hcall_insn));

		if (n < 0)
			n = 0; /* cannot happen: 5 + 3 bytes */
		slot[n] = 0xc3;
		memset(slot + n + 1, 0xcc, 31 - (unsigned)n);
	}
}

static int hvm_param_get(unsigned idx, uint64_t *v)
{
	struct xen_hvm_param p = { .domid = DOMID_SELF, .index = idx };
	int err = (int)HYPERVISOR_hvm_op(HVMOP_get_param, &p);

	*v = err ? 0 : p.value;
	return err;
}

/*
 * shared_info replaces the RAM page under xen_shared_page (its physical
 * address: the image is loaded where it is linked, -2 GiB above), so
 * vcpu_info[0] is where the templates of Xen PV would look too.  Under
 * HVM events reach us through IF and the callback vector, not the mask.
 */
static int map_shared_info(void)
{
	struct xen_add_to_physmap x = {
		.domid = DOMID_SELF,
		.space = XENMAPSPACE_shared_info,
		.idx = 0,
		.gpfn = ((uint64_t)&xen_shared_page - KERNEL_VIRT_BASE) >> 12,
	};
	int err = (int)HYPERVISOR_memory_op(XENMEM_add_to_physmap, &x);

	if (!err)
		xen_vcpu->evtchn_upcall_mask = 0;
	return err;
}

/* Ports all masked, then the upcall as an IDT vector (HVM callback type
 * vector: no APIC, no EOI), dispatched as under PV. */
static int events_init(void)
{
	struct xen_hvm_param p = {
		.domid = DOMID_SELF,
		.index = HVM_PARAM_CALLBACK_IRQ,
		.value = (uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56 |
			 XEN_UPCALL_VECTOR,
	};
	struct shared_info *s = &xen_shared_page.s;

	for (unsigned i = 0; i < ARRAY_SIZE(s->evtchn_mask); i++)
		s->evtchn_mask[i] = ~0ul;
	trap_set_irq(XEN_UPCALL_VECTOR, xen_evtchn_upcall);
	return (int)HYPERVISOR_hvm_op(HVMOP_set_param, &p);
}

/*
 * A DomU's console or store page: a frame of Xen's special region near
 * 4 GiB, not RAM, so not in the direct map: mapped there by hand.  0 or
 * -PV_E*; *pa and *port set on success.
 */
int xen_pvh_ring(unsigned pfn_param, unsigned port_param, uint64_t *pa,
		 unsigned *port)
{
	uint64_t pfn, evtchn;
	unsigned long long *pte;
	int err;

	if ((err = hvm_param_get(pfn_param, &pfn)) ||
	    (err = hvm_param_get(port_param, &evtchn)))
		return err;
	if (!pfn)
		return -PV_ENOENT;
	pte = pt_lookup(DIRECT_MAP_BASE + (pfn << 12));
	if ((!pte || !(*pte & PTE_P)) &&
	    (err = pt_map(DIRECT_MAP_BASE + (pfn << 12), pfn << 12, PTE_W)))
		return err;
	*pa = pfn << 12;
	*port = (unsigned)evtchn;
	return 0;
}

/*
 * A PVH Dom0's hvm_start_info has no memory map (Xen 4.17 leaves
 * memmap_entries 0 for the hardware domain): XENMEM_memory_map gives the
 * domain's e820, as Linux asks for it.  RAM ranges into bi; 0 or -PV_E*.
 */
int xen_pvh_memory_map(struct boot_info *bi)
{
	static struct {
		uint64_t addr, size;
		uint32_t type;
	} __attribute__((packed)) e820[BOOT_MAX_RANGES * 2];
	struct xen_memory_map map = { .nr_entries = ARRAY_SIZE(e820) };
	int err;

	set_xen_guest_handle(map.buffer, e820);
	err = (int)HYPERVISOR_memory_op(XENMEM_memory_map, &map);
	if (err)
		return err;
	for (unsigned i = 0; i < map.nr_entries && i < ARRAY_SIZE(e820); i++) {
		if (e820[i].type != 1 || !e820[i].size) /* E820_RAM */
			continue;
		if (bi->nr_ranges == BOOT_MAX_RANGES)
			return -PV_E2BIG;
		bi->ranges[bi->nr_ranges].start = e820[i].addr;
		bi->ranges[bi->nr_ranges].end = e820[i].addr + e820[i].size;
		bi->nr_ranges++;
	}
	return bi->nr_ranges ? 0 : -PV_ENOENT;
}

/* console_write: Dom0's through console_io, a DomU's ring (console.c). */
static void pvh_console_write(const char *s, unsigned long n)
{
	xen_console_write(s, n);
}

/*
 * rdtsc, then TSC_AUX: QEMU TCG's nested SVM reports a guest's rdtscp to
 * Xen as an rdtsc exit, and Xen, finding rdtscp there, injects #GP (its
 * log: "Insn mismatch: Expected opcode 0xf0031").  On one vCPU the pair
 * reads what rdtscp would.
 */
static unsigned long long pvh_read_tscp(unsigned int *aux)
{
	unsigned long long t = __native_read_tsc();

	*aux = (unsigned int)__native_read_msr(MSR_TSC_AUX);
	return t;
}

const struct pv_ops pvh_pv_ops = {
#define PVH_NATIVE(name) .name = native_##name,
	PVH_NATIVE(irq_save_fl) PVH_NATIVE(irq_restore_fl)
	PVH_NATIVE(irq_disable) PVH_NATIVE(irq_enable)
	PVH_NATIVE(safe_halt) PVH_NATIVE(halt) PVH_NATIVE(cpuid)
	PVH_NATIVE(read_cr0) PVH_NATIVE(write_cr0) PVH_NATIVE(read_cr2)
	PVH_NATIVE(write_cr2) PVH_NATIVE(read_cr3) PVH_NATIVE(write_cr3)
	PVH_NATIVE(read_cr4) PVH_NATIVE(write_cr4) PVH_NATIVE(read_msr)
	PVH_NATIVE(write_msr) PVH_NATIVE(read_tsc)
	PVH_NATIVE(load_gdt) PVH_NATIVE(load_idt) PVH_NATIVE(load_tr)
	PVH_NATIVE(load_ldt) PVH_NATIVE(load_sp0) PVH_NATIVE(io_delay)
	PVH_NATIVE(wbinvd) PVH_NATIVE(swapgs) PVH_NATIVE(iret)
	PVH_NATIVE(set_pte) PVH_NATIVE(set_pte_at) PVH_NATIVE(pte_clear)
	PVH_NATIVE(set_pmd) PVH_NATIVE(pmd_clear) PVH_NATIVE(set_pud)
	PVH_NATIVE(pud_clear) PVH_NATIVE(set_pgd) PVH_NATIVE(pgd_clear)
	PVH_NATIVE(pte_update) PVH_NATIVE(make_pte) PVH_NATIVE(pte_val)
	PVH_NATIVE(alloc_pt) PVH_NATIVE(release_pt)
	PVH_NATIVE(flush_tlb_user) PVH_NATIVE(flush_tlb_kernel)
	PVH_NATIVE(flush_tlb_one_user) PVH_NATIVE(lazy_mmu_enter)
	PVH_NATIVE(lazy_mmu_leave) PVH_NATIVE(lazy_mmu_flush)
	PVH_NATIVE(lock_wait) PVH_NATIVE(lock_kick)
#undef PVH_NATIVE
	.read_msr_safe = msr_read_safe, /* core/extable.c */
	.write_msr_safe = msr_write_safe,
	/* Xen's: no PIT to calibrate the TSC by, steal time from runstate */
	.read_tscp = pvh_read_tscp,
	.sched_clock = xen_sched_clock,
	.steal_clock = xen_steal_clock,
	.console_write = pvh_console_write,
};

/* Hypercall page, shared_info, pvclock, the callback vector: before the
 * first printk (a DomU's is kept until its ring is found). */
static void pvh_early_init(struct boot_info *bi)
{
	int err = map_shared_info();

	(void)bi;
	if (!err) {
		xen_clock_init();
		err = events_init();
	}
	if (err)
		panic("pvh: shared_info or callback vector: error %d", err);
	printk("pvh: hypercalls by %s, shared_info at pfn %llx, upcall "
	       "vector %u\n", hcall_insn[2] == (char)0xd9 ? "vmmcall" :
	       "vmcall",
	       ((unsigned long long)&xen_shared_page - KERNEL_VIRT_BASE) >> 12,
	       XEN_UPCALL_VECTOR);
	if (xen_is_dom0)
		console_set_poll(xen_dom0_getc);
}

/* A DomU: its console ring (output so far goes out now), then the timer
 * and the services of a PV DomU: store, control/shutdown, command loop. */
static int pvh_domu_timer_init(unsigned hz)
{
	uint64_t pa;
	unsigned port;
	int err = xen_pvh_ring(HVM_PARAM_CONSOLE_PFN, HVM_PARAM_CONSOLE_EVTCHN,
			       &pa, &port);

	if (!err)
		xen_cons_ring_attach(pa, port);
	err = xen_timer_init(hz);
	if (!err)
		xen_domu_init();
	return err;
}

const struct platform xen_pvh_platform_dom0 = {
	.name = "xen-pvh-dom0",
	.backend = PV_BACKEND_PVH,
	.native_pt = 1,
	.hypercall_page = hypercall_page,
	.hypercall_insn = hcall_insn,
	.borrow_ops = &native_pv_ops,
	.borrow_backend = PV_BACKEND_NATIVE,
	.ops = &pvh_pv_ops,
	.early_init = pvh_early_init,
	.timer_init = xen_timer_init,
	.shutdown = xen_shutdown,
	.selftests = &xen_pvh_selftests,
};

const struct platform xen_pvh_platform_domu = {
	.name = "xen-pvh-domu",
	.backend = PV_BACKEND_PVH,
	.native_pt = 1,
	.hypercall_page = hypercall_page,
	.hypercall_insn = hcall_insn,
	.borrow_ops = &native_pv_ops,
	.borrow_backend = PV_BACKEND_NATIVE,
	.ops = &pvh_pv_ops,
	.early_init = pvh_early_init,
	.timer_init = pvh_domu_timer_init,
	.shutdown = xen_domu_shutdown,
	.selftests = &xen_pvh_selftests,
};

/*
 * The PVH entry on Xen (CPUID's XenVMMXenVMM): flags are hvm_start_info's
 * SIF_*.  The hypercall page works from here on.
 */
const struct platform *xen_pvh_detect(uint32_t flags)
{
	const char *insn = vendor_hcall_insn();

	memcpy(hcall_insn, insn, strlen(insn) + 1);
	fill_hypercall_page();
	xen_pvh = 1;
	xen_is_dom0 = !!(flags & SIF_INITDOMAIN);
	return xen_is_dom0 ? &xen_pvh_platform_dom0 : &xen_pvh_platform_domu;
}
