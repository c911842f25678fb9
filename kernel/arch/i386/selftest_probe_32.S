/* selftest_probe_32.S: the register probes of selftest/probe.S for i386:
 * the eight general registers and the flags around one site or trap. */
#include "core/asm.h"
#include "pv/ops.h"
#include "pv/pvop.h"

/* struct selftest_regs (selftest.h): r[16] of 64 bits by x86 number, then
 * the flags; i386 uses the low halves of r[0..7]. */
#define R(n) (8 * (n))
#define FL 128

	.text
/*
 * PROBE name, insn...: loads the flags and the 7 registers but %esp from
 * selftest_probe_in, runs insn (an annotated site, or int3), and stores
 * them all in selftest_probe_out; %esp before insn is recorded in
 * selftest_probe_in.  Assembly: C cannot hand %ebx, %ebp, %esi and %edi
 * to an asm statement all at once.
 */
.macro PROBE name, insn:vararg
FUNC \name
	pushl %ebp
	pushl %ebx
	pushl %esi
	pushl %edi
	movl %esp, selftest_probe_in+R(4)
	pushl selftest_probe_in+FL
	popfl
	movl selftest_probe_in+R(0), %eax
	movl selftest_probe_in+R(1), %ecx
	movl selftest_probe_in+R(2), %edx
	movl selftest_probe_in+R(3), %ebx
	movl selftest_probe_in+R(5), %ebp
	movl selftest_probe_in+R(6), %esi
	movl selftest_probe_in+R(7), %edi
	\insn
	movl %esp, selftest_probe_out+R(4)
	pushfl
	popl selftest_probe_out+FL
	movl %eax, selftest_probe_out+R(0)
	movl %ecx, selftest_probe_out+R(1)
	movl %edx, selftest_probe_out+R(2)
	movl %ebx, selftest_probe_out+R(3)
	movl %ebp, selftest_probe_out+R(5)
	movl %esi, selftest_probe_out+R(6)
	movl %edi, selftest_probe_out+R(7)
	movl selftest_probe_in+R(4), %esp
	cld
	popl %edi
	popl %esi
	popl %ebx
	popl %ebp
	ret
ENDF \name
.endm

/* One probe per CALLEE op; the iret site (NONE) is reached through int3. */
PROBE selftest_probe_irq_save_fl, PV_SITE_ASM irq_save_fl, PV_CLASS_CALLEE
PROBE selftest_probe_irq_restore_fl, PV_SITE_ASM irq_restore_fl, PV_CLASS_CALLEE
PROBE selftest_probe_irq_disable, PV_SITE_ASM irq_disable, PV_CLASS_CALLEE
PROBE selftest_probe_irq_enable, PV_SITE_ASM irq_enable, PV_CLASS_CALLEE
PROBE selftest_probe_swapgs, PV_SITE_ASM swapgs, PV_CLASS_CALLEE
PROBE selftest_probe_make_pte, PV_SITE_ASM make_pte, PV_CLASS_CALLEE
PROBE selftest_probe_pte_val, PV_SITE_ASM pte_val, PV_CLASS_CALLEE
PROBE selftest_probe_int3, int3

	.bss
	.balign 8
	.globl selftest_probe_in, selftest_probe_out
selftest_probe_in:
	.skip 8 * 17
selftest_probe_out:
	.skip 8 * 17

	.section .note.GNU-stack, "", @progbits
