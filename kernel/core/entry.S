/* entry.S: exception and interrupt entry stubs: one per vector, a common
 * path that saves the GPRs into a struct trap_frame, and the iret site. */
#include "core/asm.h"
#include "pv/ops.h"
#include "pv/pvop.h"

	.text
/*
 * One 16-byte stub per vector (isr_table below relies on the stride).
 * The CPU pushes an error code for 8, 10-14, 17, 21, 29, 30; the other
 * stubs push a zero so that every frame has the same shape.
 */
	.balign 16
FUNC isr_stubs
	.set v, 0
	.rept 64
	.balign 16
	.if !(v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 || \
	      v == 29 || v == 30)
	pushq $0
	.endif
	pushq $v
	jmp isr_common
	.set v, v + 1
	.endr
ENDF isr_stubs

/* rsp is 16-aligned here: the CPU aligned it before its 5-word frame. */
FUNC isr_common
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	movq %rsp, %rdi
	call trap_dispatch
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp
	/*
	 * Every register is live here, whatever the site's class says: the
	 * iret op never returns and its backends touch no register (native
	 * iretq; Xen's iret hypercall restores all of them from the frame).
	 */
#ifdef PV_NO_PARAVIRT
	iretq
#else
	PV_SITE_ASM iret, PV_CLASS_NONE
	ud2
#endif
ENDF isr_common

	.section .rodata, "a"
	.balign 8
	.globl isr_table
isr_table:
	.set v, 0
	.rept 64
	.quad isr_stubs + 16 * v
	.set v, v + 1
	.endr

	.section .note.GNU-stack, "", @progbits
