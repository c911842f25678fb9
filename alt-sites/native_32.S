/* native_32.S: the native backend's i386 replacement templates (native.S's
 * twin): regparm(3) arguments in %eax, %edx, %ecx, results in %edx:%eax. */
#include "pv/ops.h"
#include "pv/template.h"

#define NB PV_BACKEND_NATIVE
#define EAX PV_REG_RAX
#define ECX PV_REG_RCX
#define EDX PV_REG_RDX

/* irq: the flag itself.  CALLEE sites: %eax and %edx at most. */
PV_TEMPLATE NB, irq_disable, 0
	cli
PV_TEMPLATE_END

PV_TEMPLATE NB, irq_enable, 0
	sti
PV_TEMPLATE_END

PV_TEMPLATE NB, irq_save_fl, EAX
	pushfl
	popl %eax
PV_TEMPLATE_END

PV_TEMPLATE NB, irq_restore_fl, 0
	pushl %eax
	popfl
PV_TEMPLATE_END

/* sti's shadow covers hlt: no wakeup is lost between the two. */
PV_TEMPLATE NB, safe_halt, 0
	sti
	hlt
PV_TEMPLATE_END

PV_TEMPLATE NB, halt, 0
	hlt
PV_TEMPLATE_END

/* Control registers: result and argument in %eax. */
.irp n, 0, 2, 3, 4
PV_TEMPLATE NB, read_cr\n, EAX
	movl %cr\n, %eax
PV_TEMPLATE_END
PV_TEMPLATE NB, write_cr\n, 0
	movl %eax, %cr\n
PV_TEMPLATE_END
.endr

/* MSRs: the number in %eax; the value in %edx:%eax (read), %ecx:%edx
 * (write: regparm puts the 64-bit second argument in %edx, %ecx). */
PV_TEMPLATE NB, read_msr, EAX | ECX | EDX
	movl %eax, %ecx
	rdmsr
PV_TEMPLATE_END

PV_TEMPLATE NB, write_msr, EAX | ECX | EDX
	xchgl %eax, %ecx
	xchgl %eax, %edx
	wrmsr
PV_TEMPLATE_END

PV_TEMPLATE NB, read_tsc, EAX | EDX
	rdtsc
PV_TEMPLATE_END

/* Descriptor tables. */
PV_TEMPLATE NB, load_gdt, 0
	lgdt (%eax)
PV_TEMPLATE_END

PV_TEMPLATE NB, load_idt, 0
	lidt (%eax)
PV_TEMPLATE_END

PV_TEMPLATE NB, load_tr, 0
	ltr %ax
PV_TEMPLATE_END

/* outb to the POST port: reads %al, writes nothing. */
PV_TEMPLATE NB, io_delay, 0
	outb %al, $0x80
PV_TEMPLATE_END

PV_TEMPLATE NB, wbinvd, 0
	wbinvd
PV_TEMPLATE_END

/* Entry-path ops: inline, the site's return address is never pushed. */
PV_TEMPLATE NB, iret, 0
	iret
PV_TEMPLATE_END

/* PAE entries are two 32-bit stores: the high half first, so that the
 * entry is never present with a stale high half. */
.irp lvl, pte, pmd, pud, pgd
PV_TEMPLATE NB, set_\lvl, 0
	movl %ecx, 4(%eax)
	movl %edx, (%eax)
PV_TEMPLATE_END
.endr

/* And cleared low half (the present bit) first. */
PV_TEMPLATE NB, pte_clear, 0
	movl $0, (%edx)
	movl $0, 4(%edx)
PV_TEMPLATE_END

.irp lvl, pmd, pud, pgd
PV_TEMPLATE NB, \lvl\()_clear, 0
	movl $0, (%eax)
	movl $0, 4(%eax)
PV_TEMPLATE_END
.endr

/* TLB: CR3 reload (non-global), CR4.PGE toggle (all), invlpg (one). */
PV_TEMPLATE NB, flush_tlb_user, EAX
	movl %cr3, %eax
	movl %eax, %cr3
PV_TEMPLATE_END

PV_TEMPLATE NB, flush_tlb_kernel, EAX
	movl %cr4, %eax
	xorb $0x80, %al
	movl %eax, %cr4
	xorb $0x80, %al
	movl %eax, %cr4
PV_TEMPLATE_END

PV_TEMPLATE NB, flush_tlb_one_user, 0
	invlpg (%eax)
PV_TEMPLATE_END

/* No stolen time on bare metal. */
PV_TEMPLATE NB, steal_clock, EAX | EDX
	xorl %eax, %eax
	xorl %edx, %edx
PV_TEMPLATE_END

/* One round of waiting for a lock: a spin hint. */
PV_TEMPLATE NB, lock_wait, 0
	pause
PV_TEMPLATE_END

/*
 * No template (a direct call, or the inliner copies the body): cpuid and
 * set_pte_at (an argument on the stack, which a site's replacement cannot
 * reach), read_tscp (rdtscp leaves no free register for the pointer),
 * make_pte, pte_val and swapgs (empty bodies), and what native.S leaves
 * out for the same reasons.
 */

	.section .note.GNU-stack, "", @progbits
