/* shared_info.c: the shared_info page, mapped over a reserved page of .bss,
 * and each vCPU's vcpu_info, moved into its per-CPU area (%gs-relative). */
#include <stddef.h>
#include "core/kernel.h"
#include "smp/smp.h"
#include "xen/xen_pv.h"

/* Until it is mapped this is a zero page, as harmless as events masked. */
union xen_shared_page xen_shared_page
	__attribute__((section(".bss..page_aligned"), aligned(4096)));

_Static_assert(offsetof(struct vcpu_info, evtchn_upcall_pending) ==
		       XEN_VCPU_PENDING, "XEN_VCPU_PENDING");
_Static_assert(offsetof(struct vcpu_info, evtchn_upcall_mask) ==
		       XEN_VCPU_MASK, "XEN_VCPU_MASK");
_Static_assert(offsetof(struct vcpu_info, arch.cr2) == XEN_VCPU_CR2,
	       "XEN_VCPU_CR2");
_Static_assert(offsetof(struct percpu, xen_vcpu_info) == XEN_GS_VCPU &&
		       XEN_GS_VCPU == PERCPU_XEN_VCPU,
	       "XEN_GS_VCPU");
_Static_assert(sizeof(struct vcpu_info) ==
		       sizeof(((struct percpu *)0)->xen_vcpu_info),
	       "vcpu_info fits its per-CPU slot");

int xen_vcpu_placed; /* vcpu_info of every vCPU is in its percpu area */

struct vcpu_info *xen_vcpu_of(unsigned cpu)
{
	if (!xen_vcpu_placed)
		return &xen_shared_page.s.vcpu_info[cpu];
	return (struct vcpu_info *)smp_percpu[cpu].xen_vcpu_info;
}

/*
 * VCPUOP_register_vcpu_info: Xen copies the vCPU's current vcpu_info
 * (mask, pending, time) into the per-CPU slot and uses only that from
 * then on; it marks every event selector pending, so none is lost.  For
 * vCPU 0 at boot and after a resume in a new domain (the registration
 * does not survive a save), for the others before VCPUOP_up.  0 or -errno.
 */
int xen_vcpu_place(unsigned cpu)
{
	struct vcpu_register_vcpu_info r;
	uint64_t pa;

	if (cpu >= SMP_MAX_CPUS ||
	    xen_virt_to_phys(smp_percpu[cpu].xen_vcpu_info, &pa))
		return -PV_EINVAL;
	r.mfn = xen_pfn_to_mfn(pa >> 12);
	r.offset = (uint32_t)(pa & 0xfff);
	r.rsvd = 0;
	return (int)HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, cpu, &r);
}

/* start_info gives the machine address: no p2m translation applies. */
uint64_t xen_shared_info_pte(void)
{
	return (xen_start_info.shared_info & XEN_PTE_ADDR) | XEN_PTE_P |
	       XEN_PTE_W | XEN_PTE_A | XEN_PTE_D;
}

int xen_shared_info_map(void)
{
	return (int)HYPERVISOR_update_va_mapping(
		(unsigned long)&xen_shared_page, xen_shared_info_pte(),
		UVMF_INVLPG | UVMF_LOCAL);
}

/*
 * Before a suspend: the page at the fixed address becomes the .bss page
 * of our own again (the toolstack saves only our own frames, and a
 * foreign one in a page table fails the save).  vcpu_info accesses then
 * reach that page, which is harmless with events masked.
 */
int xen_shared_info_unmap(void)
{
	uint64_t pa;

	if (xen_virt_to_phys(&xen_shared_page, &pa))
		return -PV_EFAULT;
	return (int)HYPERVISOR_update_va_mapping(
		(unsigned long)&xen_shared_page,
		(uint64_t)xen_pfn_to_mfn(pa >> 12) << 12 | XEN_PTE_P |
			XEN_PTE_W | XEN_PTE_A | XEN_PTE_D,
		UVMF_INVLPG | UVMF_LOCAL);
}
