/* xen_irq_32.S: the PV32 bodies of the CALLEE-class irq ops (only %eax and
 * %edx may change) on vcpu_info[0]'s mask byte, and the entry ops (irq.S's
 * twin: one vCPU, its vcpu_info at a fixed address in shared_info). */
#include "core/asm.h"
#include "xen/xen_pv.h"
#define __ASSEMBLY__
#include <xen/xen.h>

/* vcpu_info[0] is the first thing in shared_info, mapped at a fixed
 * address (xen_shared_page): each access is one absolute operand. */
#define VCPU(f) xen_shared_page + f

	.text
/* The same instructions as the templates of alt-sites/xen_32.S, plus ret. */
FUNC xen_irq_disable
	movb $1, VCPU(XEN_VCPU_MASK)
	ret
ENDF xen_irq_disable

/* Unmask, then test pending: an event that arrives between the two sets
 * pending and is delivered at once (the mask is clear), so the test only
 * sees one that came while masked. */
FUNC xen_irq_enable
	movb $0, VCPU(XEN_VCPU_MASK)
	testb $0xff, VCPU(XEN_VCPU_PENDING)
	jz 1f
	call xen_irq_enable_slow
1:	ret
ENDF xen_irq_enable

/* X86_EFLAGS_IF when events are enabled, else 0. */
FUNC xen_irq_save_fl
	movzbl VCPU(XEN_VCPU_MASK), %eax
	xorl $1, %eax
	shll $9, %eax
	ret
ENDF xen_irq_save_fl

/* regparm(3): the flags come in %eax. */
FUNC xen_irq_restore_fl
	testl $XEN_EFLAGS_IF, %eax
	jnz xen_irq_enable
	movb $1, VCPU(XEN_VCPU_MASK)
	ret
ENDF xen_irq_restore_fl

/*
 * An event was pending when we unmasked: enter Xen with a harmless
 * hypercall (xen_version(0, NULL)); on the way back Xen sees the pending
 * event and delivers the upcall.  Keeps every register but %eax (Xen
 * may change the argument registers: a debug build poisons them).
 */
FUNC xen_irq_enable_slow
	pushl %ebx
	pushl %ecx
	pushl %edx
	pushl %esi
	pushl %edi
	xorl %ebx, %ebx
	xorl %ecx, %ecx
	call hypercall_page + __HYPERVISOR_xen_version * 32
	popl %edi
	popl %esi
	popl %edx
	popl %ecx
	popl %ebx
	ret
ENDF xen_irq_enable_slow

/* No swapgs outside 64-bit mode. */
FUNC xen_swapgs
	ret
ENDF xen_swapgs

/*
 * Called from an iret site with the CPU's frame (eip, cs, eflags) above
 * the return address.  The page's iret stub pushes %eax and enters Xen,
 * which pops eax, eip, cs and eflags and restores the event mask from
 * the saved eflags' IF (Xen's bounce frame wrote IF = !mask), in one
 * step: a plain iret would leave the mask as the handler left it.
 */
FUNC xen_iret
	addl $4, %esp
	jmp hypercall_page + __HYPERVISOR_iret * 32
ENDF xen_iret

	.section .note.GNU-stack, "", @progbits
