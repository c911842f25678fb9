/* user.S: replacement templates of libpv's userspace backend: the virtual
 * interrupt flag as single RIP-relative instructions, and rdtsc. */
#include "pv/ops.h"
#include "pv/template.h"

PV_TEMPLATE PV_BACKEND_USER, irq_disable, 0
	movb $1, pv_user_vmask(%rip)
PV_TEMPLATE_END

PV_TEMPLATE PV_BACKEND_USER, irq_enable, 0
	movb $0, pv_user_vmask(%rip)
PV_TEMPLATE_END

PV_TEMPLATE PV_BACKEND_USER, irq_save_fl, PV_REG_RAX
	movzbl pv_user_vmask(%rip), %eax
	xorl $1, %eax
	shll $9, %eax
PV_TEMPLATE_END

PV_TEMPLATE PV_BACKEND_USER, irq_restore_fl, 0
	testl $0x200, %edi
	sete pv_user_vmask(%rip)
PV_TEMPLATE_END

PV_TEMPLATE PV_BACKEND_USER, read_tsc, PV_REG_RAX | PV_REG_RDX
	rdtsc
	shlq $32, %rdx
	orq %rdx, %rax
PV_TEMPLATE_END

PV_TEMPLATE PV_BACKEND_USER, make_pte, PV_REG_RAX
	movq %rdi, %rax
PV_TEMPLATE_END

PV_TEMPLATE PV_BACKEND_USER, pte_val, PV_REG_RAX
	movq %rdi, %rax
PV_TEMPLATE_END

	.section .note.GNU-stack, "", @progbits
