/* irq.S: the native bodies of the CALLEE-class ops (only %rax may change,
 * so they are written by hand) and of the entry-path op iret. */
#include "core/asm.h"

	.text
FUNC native_irq_save_fl
	pushfq
	popq %rax
	ret
ENDF native_irq_save_fl

FUNC native_irq_restore_fl
	pushq %rdi
	popfq
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

/* Natively an entry holds the physical address itself. */
FUNC native_make_pte
	movq %rdi, %rax
	ret
ENDF native_make_pte

FUNC native_pte_val
	movq %rdi, %rax
	ret
ENDF native_pte_val

FUNC native_swapgs
	swapgs
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
	addq $8, %rsp
	iretq
ENDF native_iret

	.section .note.GNU-stack, "", @progbits
