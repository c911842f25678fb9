/* irq_32.S: the i386 native bodies of the CALLEE-class ops (only %eax and
 * %edx may change) and of the entry-path op iret (native/irq.S's twin). */
#include "core/asm.h"

	.text
FUNC native_irq_save_fl
	pushfl
	popl %eax
	ret
ENDF native_irq_save_fl

/* regparm(3): the flags come in %eax. */
FUNC native_irq_restore_fl
	pushl %eax
	popfl
	ret
ENDF native_irq_restore_fl

FUNC native_irq_disable
	cli
	ret
ENDF native_irq_disable

FUNC native_irq_enable
	sti
	ret
ENDF native_irq_enable

/* Natively an entry holds the physical address itself: the 64-bit value
 * comes in %edx:%eax and goes back there. */
FUNC native_make_pte
	ret
ENDF native_make_pte

FUNC native_pte_val
	ret
ENDF native_pte_val

/* No swapgs outside 64-bit mode: nothing to swap. */
FUNC native_swapgs
	ret
ENDF native_swapgs

/* sti's one-instruction shadow keeps a wakeup from slipping in before hlt. */
FUNC native_safe_halt
	sti
	hlt
	ret
ENDF native_safe_halt

FUNC native_halt
	hlt
	ret
ENDF native_halt

/* Called from an iret site: drop the site's return address, then return
 * from the interrupt with every register as the site left it. */
FUNC native_iret
	addl $4, %esp
	iret
ENDF native_iret

	.section .note.GNU-stack, "", @progbits
