/* shared_info.c: the shared_info page, mapped over a reserved page of .bss,
 * so vcpu_info[0] has a fixed address that every irq op reaches directly. */
#include <stddef.h>
#include "core/kernel.h"
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
_Static_assert(offsetof(struct shared_info, vcpu_info) == 0,
	       "vcpu_info[0] starts the page");

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
