/* trampoline.S: where an AP starts after STARTUP: real mode at TRAMP_PA,
 * then protected mode, long mode on the boot page tables, the kernel. */
#include "core/asm.h"

#define TRAMP_PA 0x8000
/* Linear address of a trampoline label once copied to TRAMP_PA. */
#define T(x) (TRAMP_PA + (x) - smp_tramp_start)
#define CR0_PE 0x00000001
#define CR0_WP 0x00010000
#define CR0_PG 0x80000000
#define CR4_PAE 0x00000020
#define MSR_EFER 0xc0000080

/*
 * Copied to TRAMP_PA (below 1 MiB, page aligned) by smp.c, which fills
 * the parameters at the end.  The STARTUP vector makes %cs TRAMP_PA >> 4
 * with %ip 0, so the 16-bit code addresses by offset from the start.
 */
	.section .rodata, "a"
	.balign 16
	.globl smp_tramp_start, smp_tramp_end, smp_tramp_params
	.code16
smp_tramp_start:
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	lgdtl tr_gdt_desc - smp_tramp_start
	movl %cr0, %eax
	orl $CR0_PE, %eax
	movl %eax, %cr0
	ljmpl $0x08, $T(tr_32)

	.code32
tr_32:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl T(tr_boot_cr3), %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	movl T(tr_efer), %eax
	xorl %edx, %edx
	wrmsr
	movl %cr0, %eax
	orl $(CR0_PG | CR0_WP), %eax
	movl %eax, %cr0
	ljmpl $0x18, $T(tr_64)

	.code64
/* Identity-mapped here: take the parameters, then go up to the kernel. */
tr_64:
	movq T(tr_cr3), %rsi
	movq T(tr_stack), %rdx
	movq T(tr_percpu), %rdi
	movq T(tr_cr4), %rcx
	movq T(tr_entry), %rax
	jmp *%rax

	.balign 8
tr_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff /* 0x08: 32-bit code */
	.quad 0x00cf92000000ffff /* 0x10: data */
	.quad 0x00af9a000000ffff /* 0x18: 64-bit code */
tr_gdt_desc:
	.word tr_gdt_desc - tr_gdt - 1
	.long T(tr_gdt)

	.balign 8
smp_tramp_params:
tr_boot_cr3:	.quad 0	/* identity + kernel mapping (head.S's boot_pml4) */
tr_efer:	.quad 0	/* LME, and NXE as the boot CPU has it */
tr_cr3:		.quad 0	/* the kernel's page tables */
tr_cr4:		.quad 0
tr_stack:	.quad 0
tr_percpu:	.quad 0
tr_entry:	.quad 0
smp_tramp_end:

	.text
/*
 * Kernel text at -2 GiB, mapped by both page tables: switch to the real
 * ones, then C on the CPU's own stack.  %rdi percpu, %rsi cr3, %rdx stack,
 * %rcx cr4.
 */
FUNC smp_ap_start64
	movq %rcx, %cr4
	movq %rsi, %cr3
	movq %rdx, %rsp
	xorl %ebp, %ebp
	call smp_ap_main
1:	cli
	hlt
	jmp 1b
ENDF smp_ap_start64

	.section .note.GNU-stack, "", @progbits
