/* entry_32.S: the i386 exception and interrupt entry stubs (entry.S's twin):
 * one per vector, a common path saving the GPRs (pushal), the iret site. */
#include "core/asm.h"
#include "pv/ops.h"
#include "pv/pvop.h"

	.text
/* One 16-byte stub per vector; the vectors with a CPU error code are
 * those of entry.S. */
	.balign 16
FUNC isr_stubs
	.set v, 0
	.rept 48
	.balign 16
	.if !(v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 || \
	      v == 29 || v == 30)
	pushl $0
	.endif
	pushl $v
	jmp isr_common
	.set v, v + 1
	.endr
ENDF isr_stubs

/* regparm(3): the frame pointer goes to trap_dispatch in %eax. */
FUNC isr_common
	pushal
	cld
	movl %esp, %eax
	call trap_dispatch
	popal
	addl $8, %esp
	/* Every register is live here, as in entry.S. */
#ifdef PV_NO_PARAVIRT
	iret
#else
	PV_SITE_ASM iret, PV_CLASS_NONE
	ud2
#endif
ENDF isr_common

	.section .rodata, "a"
	.balign 4
	.globl isr_table
isr_table:
	.set v, 0
	.rept 48
	.long isr_stubs + 16 * v
	.set v, v + 1
	.endr

	.section .note.GNU-stack, "", @progbits
