/* xen.S: the Xen PV backend's replacement templates: per op, the sequence a
 * site becomes on Xen (vcpu_info accesses, shadows, inline hypercalls). */
#include "pv/ops.h"
#include "pv/template.h"
#include "xen/xen_pv.h"
#define __ASSEMBLY__
#include <xen/xen.h>

#define XB PV_BACKEND_XEN
#define RAX PV_REG_RAX
#define RCX PV_REG_RCX
#define RDX PV_REG_RDX
#define RSI PV_REG_RSI
#define RDI PV_REG_RDI
#define R11 PV_REG_R11
/* This vCPU's vcpu_info, in its per-CPU area: %gs-relative (absolute
 * disp32 after the gs prefix, nothing to relocate), 9 bytes an access. */
#define VCPU(f) %gs:XEN_GS_VCPU+f

/* irq: the vCPU's event mask instead of IF.  CALLEE sites: %rax at most. */
PV_TEMPLATE XB, irq_disable, 0
	movb $1, VCPU(XEN_VCPU_MASK)
PV_TEMPLATE_END

/*
 * Unmask, then test pending: no locked instruction (a lock costs more than
 * a call and a return).  Correct without one because Xen kicks the vCPU
 * whenever it sets pending (vcpu_mark_events_pending in
 * xen/arch/x86/domain.c: test_and_set_bit of evtchn_upcall_pending, then
 * vcpu_kick if it was clear, whatever the mask), and before every return
 * to the guest re-reads mask and pending together (test_guest_events in
 * xen/arch/x86/x86_64/entry.S).  So an event set after our test interrupts
 * us and is delivered on the way back, where our own store of the mask is
 * seen; one set before it is seen by the test.  Linux's
 * xen_irq_enable_direct is the same sequence.  An event that waited is
 * fetched by the out-of-line slow path, which keeps every register but
 * %rax.  25 bytes: native sites' stubs have a call site that long.
 */
PV_TEMPLATE XB, irq_enable, RAX
	movb $0, VCPU(XEN_VCPU_MASK)
	testb $0xff, VCPU(XEN_VCPU_PENDING)
	jz 1f
	call xen_irq_enable_slow
1:
PV_TEMPLATE_END

/* X86_EFLAGS_IF when unmasked.  15 bytes. */
PV_TEMPLATE XB, irq_save_fl, RAX
	movzbl VCPU(XEN_VCPU_MASK), %eax
	xorl $1, %eax
	shll $9, %eax
PV_TEMPLATE_END

/*
 * safe_halt is exactly one hypercall, sched_op(SCHEDOP_block, NULL), which
 * unmasks events atomically with blocking: a hypercall fact, not a
 * template, so the planner's hypercall strategy emits it (14 bytes:
 * mov $1,%edi; xor %esi,%esi; mov $29,%eax; syscall).
 */
PV_HCALL XB, safe_halt, __HYPERVISOR_sched_op, 0, 2, XEN_SCHEDOP_BLOCK, 0

/* Control registers: shadows and vcpu_info, one RIP-relative mov each. */
PV_TEMPLATE XB, read_cr0, RAX
	movq xen_cr0_shadow(%rip), %rax
PV_TEMPLATE_END

PV_TEMPLATE XB, read_cr2, RAX
	movq VCPU(XEN_VCPU_CR2), %rax
PV_TEMPLATE_END

PV_TEMPLATE XB, write_cr2, 0
	movq %rdi, VCPU(XEN_VCPU_CR2)
PV_TEMPLATE_END

PV_TEMPLATE XB, read_cr3, RAX
	movq xen_cr3_shadow(%rip), %rax
PV_TEMPLATE_END

PV_TEMPLATE XB, read_cr4, RAX
	movq xen_cr4_shadow(%rip), %rax
PV_TEMPLATE_END

PV_TEMPLATE XB, write_cr4, 0
	movq %rdi, xen_cr4_shadow(%rip)
PV_TEMPLATE_END

/* The TSC is not trapped for a PV guest: the native forms. */
PV_TEMPLATE XB, read_tsc, RAX | RDX
	rdtsc
	shlq $32, %rdx
	orq %rdx, %rax
PV_TEMPLATE_END

PV_TEMPLATE XB, read_tscp, RAX | RCX | RDX, PV_FEAT_RDTSCP
	rdtscp
	shlq $32, %rdx
	orq %rdx, %rax
	movl %ecx, (%rdi)
PV_TEMPLATE_END

/*
 * iret: every register is live at the site.  The CPU frame is on the
 * stack; push the hypercall's flags word (0: not a syscall return) and
 * jump to the hypercall page's iret stub, which never returns.  7 bytes.
 */
PV_TEMPLATE XB, iret, 0
	pushq $0
	jmp hypercall_page + __HYPERVISOR_iret * 32
PV_TEMPLATE_END

	.section .note.GNU-stack, "", @progbits
