/* irq.S: the Xen bodies of the CALLEE-class irq ops (only %rax may change)
 * on the vCPU's event mask, the pending-event slow path, and the entry ops. */
#include "core/asm.h"
#include "xen/xen_pv.h"
#define __ASSEMBLY__
#include <xen/xen.h>

/* This vCPU's vcpu_info sits in its per-CPU area (shared_info.c): each
 * access is one %gs-relative instruction, on whichever vCPU runs it. */
#define VCPU(f) %gs:XEN_GS_VCPU+f

	.text
/* The same instructions as the templates of alt-sites/xen.S, plus ret. */
FUNC xen_irq_disable
	movb $1, VCPU(XEN_VCPU_MASK)
	ret
ENDF xen_irq_disable

/* Unmask, then test pending, unlocked: why that is safe is told at the
 * irq_enable template in alt-sites/xen.S. */
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

/* Enabling must look for pending events: too long for a 16-byte site. */
FUNC xen_irq_restore_fl
	testl $XEN_EFLAGS_IF, %edi
	jnz xen_irq_enable
	movb $1, VCPU(XEN_VCPU_MASK)
	ret
ENDF xen_irq_restore_fl

/*
 * An event was pending when we unmasked: enter Xen with a harmless
 * hypercall (xen_version(0, NULL)); on the way back Xen sees the pending
 * event and delivers the upcall.  Keeps every register but %rax.
 */
FUNC xen_irq_enable_slow
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	xorl %edi, %edi
	xorl %esi, %esi
	call hypercall_page + __HYPERVISOR_xen_version * 32
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	ret
ENDF xen_irq_enable_slow

/* Xen swaps the GS bases itself on every kernel/user transition. */
FUNC xen_swapgs
	ret
ENDF xen_swapgs

/*
 * Called from an iret site with the CPU's frame above the return address:
 * that word becomes the iret hypercall's flags (0: not from syscall), and
 * the hypercall page's iret stub pushes rcx, r11 and rax itself.
 */
FUNC xen_iret
	movq $0, (%rsp)
	jmp hypercall_page + __HYPERVISOR_iret * 32
ENDF xen_iret

	.quad 0

	.section .note.GNU-stack, "", @progbits
