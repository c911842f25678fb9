/* xen_32.S: the Xen PV backend's i386 replacement templates (xen.S's twin):
 * one vCPU, whose vcpu_info sits in shared_info at a fixed address. */
#include "pv/ops.h"
#include "pv/template.h"
#include "xen/xen_pv.h"
#define __ASSEMBLY__
#include <xen/xen.h>

#define XB PV_BACKEND_XEN
#define EAX PV_REG_RAX
#define EDX PV_REG_RDX
/* vcpu_info[0], the first thing in shared_info (kernel/xen/shared_info.c):
 * an absolute disp32, 7 bytes an access with an immediate. */
#define VCPU(f) xen_shared_page + f

/* irq: the event mask instead of IF.  CALLEE sites: %eax and %edx at most. */
PV_TEMPLATE XB, irq_disable, 0
	movb $1, VCPU(XEN_VCPU_MASK)
PV_TEMPLATE_END

/*
 * irq_enable has no template here: unmask, test pending and the call to
 * the slow path (xen.S says why that sequence is safe) take 21 bytes, and
 * an i386 site has 15.  Its sites call xen_irq_enable directly.
 */

/* X86_EFLAGS_IF when unmasked.  13 bytes. */
PV_TEMPLATE XB, irq_save_fl, EAX
	movzbl VCPU(XEN_VCPU_MASK), %eax
	xorl $1, %eax
	shll $9, %eax
PV_TEMPLATE_END

/*
 * safe_halt is one hypercall, sched_op(SCHEDOP_block, NULL): the planner
 * emits it (14 bytes: mov $1,%ebx; xor %ecx,%ecx; mov $29,%eax;
 * int $0x82).
 */
PV_HCALL XB, safe_halt, __HYPERVISOR_sched_op, 0, 2, XEN_SCHEDOP_BLOCK, 0

/* Control registers: shadows and vcpu_info, one absolute mov each. */
PV_TEMPLATE XB, read_cr0, EAX
	movl xen_cr0_shadow, %eax
PV_TEMPLATE_END

PV_TEMPLATE XB, read_cr2, EAX
	movl VCPU(XEN_VCPU_CR2), %eax
PV_TEMPLATE_END

PV_TEMPLATE XB, write_cr2, 0
	movl %eax, VCPU(XEN_VCPU_CR2)
PV_TEMPLATE_END

PV_TEMPLATE XB, read_cr3, EAX
	movl xen_cr3_shadow, %eax
PV_TEMPLATE_END

PV_TEMPLATE XB, read_cr4, EAX
	movl xen_cr4_shadow, %eax
PV_TEMPLATE_END

PV_TEMPLATE XB, write_cr4, 0
	movl %eax, xen_cr4_shadow
PV_TEMPLATE_END

/* The TSC is not trapped for a PV guest: the native form. */
PV_TEMPLATE XB, read_tsc, EAX | EDX
	rdtsc
PV_TEMPLATE_END

/*
 * iret: every register is live at the site, the CPU frame (eip, cs,
 * eflags) on the stack.  The hypercall page's iret stub pushes %eax and
 * enters Xen, which restores the event mask from the frame's IF and never
 * returns here.  5 bytes.
 */
PV_TEMPLATE XB, iret, 0
	jmp hypercall_page + __HYPERVISOR_iret * 32
PV_TEMPLATE_END

	.section .note.GNU-stack, "", @progbits
