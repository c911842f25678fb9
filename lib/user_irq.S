/* user_irq.S: libpv's userspace backend for the callee-save ops: a virtual
 * interrupt flag in memory (like Xen's event mask); they clobber only %rax. */
#include "pv/ops.h"

	.text
	.globl user_irq_disable, user_irq_enable, user_irq_save_fl
	.globl user_irq_restore_fl, user_swapgs, user_pte_identity
user_irq_disable:
	movb $1, pv_user_vmask(%rip)
	ret
user_irq_enable:
	movb $0, pv_user_vmask(%rip)
	ret
/* flags as the native pushf would give them: IF (bit 9) set when enabled */
user_irq_save_fl:
	movzbl pv_user_vmask(%rip), %eax
	xorl $1, %eax
	shll $9, %eax
	ret
user_irq_restore_fl:
	testl $0x200, %edi
	sete pv_user_vmask(%rip)
	ret
user_swapgs:
	ret
/* make_pte / pte_val: physical addresses are what the emulated MMU walks */
user_pte_identity:
	movq %rdi, %rax
	ret
	.section .note.GNU-stack, "", @progbits
