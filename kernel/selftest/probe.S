/* selftest/probe.S: register probes for the callee_regs selftest: every
 * general register and the flags set around one annotated site or trap. */
#include "core/asm.h"
#include "pv/ops.h"
#include "pv/pvop.h"

/* struct selftest_regs (selftest.h): r[16] by x86 number, then rflags. */
#define R(n) (8 * (n))
#define FL 128

	.text
/*
 * PROBE name, insn...: loads rflags and all 15 registers but %rsp from
 * selftest_probe_in, runs insn (an annotated site, or int3 for the path
 * that ends at the iret site), and stores them all in selftest_probe_out.
 * Written in assembly because C cannot hand %rbx, %rbp and %r12-%r15 to
 * an asm statement.  The frame is 16-byte aligned at insn, as the ABI
 * wants at a call; %rsp before insn is recorded in selftest_probe_in.
 */
.macro PROBE name, insn:vararg
FUNC \name
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	subq $8, %rsp
	movq %rsp, selftest_probe_in+R(4)(%rip)
	pushq selftest_probe_in+FL(%rip)
	popfq
	.irp n, 0, 1, 2, 3, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15, 7
	probe_load \n
	.endr
	\insn
	movq %rsp, selftest_probe_out+R(4)(%rip)
	pushfq
	popq selftest_probe_out+FL(%rip)
	.irp n, 0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	probe_store \n
	.endr
	movq selftest_probe_in+R(4)(%rip), %rsp
	cld
	addq $8, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
ENDF \name
.endm

/* Register n by x86 number, as the .irp loops above need it. */
.macro probe_reg n, what
	.if \n == 0
	\what %rax
	.elseif \n == 1
	\what %rcx
	.elseif \n == 2
	\what %rdx
	.elseif \n == 3
	\what %rbx
	.elseif \n == 5
	\what %rbp
	.elseif \n == 6
	\what %rsi
	.elseif \n == 7
	\what %rdi
	.else
	\what %r\n
	.endif
.endm
.macro probe_load_to n, reg
	movq selftest_probe_in+R(\n)(%rip), \reg
.endm
.macro probe_store_from n, reg
	movq \reg, selftest_probe_out+R(\n)(%rip)
.endm
.macro probe_load n
	probe_reg \n, "probe_load_to \n,"
.endm
.macro probe_store n
	probe_reg \n, "probe_store_from \n,"
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

/*
 * int $3 (cd 03): the #BP handler finds 0x03, not an int3, at rip-1, as
 * for an int3 another CPU removed after this one fetched it
 * (kernel/smp/textpoke.c), and runs on from that byte by a single step:
 * 03 c0 is add %eax,%eax.  So the argument comes back doubled.  Were the
 * trap taken as a breakpoint not ours, the CPU would go on at the c0
 * byte instead (rol $0xc3..., then ud2).
 */
FUNC selftest_int3_gone
	movl %edi, %eax
	.byte 0xcd, 0x03, 0xc0
	ret
	ud2
ENDF selftest_int3_gone

	.bss
	.balign 8
	.globl selftest_probe_in, selftest_probe_out
selftest_probe_in:
	.skip 8 * 17
selftest_probe_out:
	.skip 8 * 17

	.section .note.GNU-stack, "", @progbits
