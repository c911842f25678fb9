/* head_32.S: the i386 PVH entry (QEMU -kernel): 32-bit protected mode, no
 * paging; PAE paging on static boot tables, then C at 3 GiB (head.S's twin). */
#include "core/asm.h"

#define KVBASE 0xc0000000
/* Physical address of a kernel symbol, while paging is off. */
#define PA(x) ((x) - KVBASE)

#define CR0_WP 0x00010000
#define CR0_PG 0x80000000
#define CR4_PAE 0x00000020
#define BOOT_CS 0x08
#define BOOT_DS 0x10
#define PDPTE_P 0x001 /* a PDPTE has no RW/US bits (reserved) */
#define PT_LARGE 0x083 /* present, writable, 2 MiB */

	.section .head.text, "ax"
	.code32
/*
 * PVH ABI: %ebx holds the physical address of struct hvm_start_info;
 * flat 32-bit segments, interrupts off, paging off, no stack.
 */
FUNC pvh_start
	cli
	cld
	movl %ebx, %esi
	lgdt PA(boot_gdt_desc)
	movl $BOOT_DS, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	ljmp $BOOT_CS, $PA(1f)
	/* Zero .bss before its first use (the boot stack lives there). */
1:	movl $PA(__bss_start), %edi
	movl $PA(__bss_end), %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb

	/* PAE paging: the first GiB at 0 and at 3 GiB. */
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $PA(boot_pdpt), %eax
	movl %eax, %cr3
	movl %cr0, %eax
	orl $(CR0_PG | CR0_WP), %eax
	movl %eax, %cr0
	movl $pvh_high, %eax
	jmp *%eax
ENDF pvh_start

/* Now at the linked address. */
pvh_high:
	movl $boot_stack_top, %esp
	xorl %ebp, %ebp
	movl %esi, %eax		/* start_info (regparm) */
	call pvh_main
1:	cli
	hlt
	jmp 1b

	.section .data..page_aligned, "aw"
	.balign 4096
/*
 * Boot page tables: one page directory of 2 MiB pages for the first GiB,
 * in PDPT slots 0 (identity, for the instruction after paging goes on)
 * and 3 (3 GiB).  paging_init replaces them through the mmu ops.
 */
boot_pdpt:
	.long PA(boot_pd) + PDPTE_P, 0
	.quad 0
	.quad 0
	.long PA(boot_pd) + PDPTE_P, 0
	.balign 4096
boot_pd:
	.set pd_i, 0
	.rept 512
	.quad (pd_i << 21) + PT_LARGE
	.set pd_i, pd_i + 1
	.endr

	.section .data, "aw"
	.balign 16
boot_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08: 32-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
boot_gdt_end:
boot_gdt_desc:
	.word boot_gdt_end - boot_gdt - 1
	.long PA(boot_gdt)

	.section .bss..page_aligned, "aw", @nobits
	.balign 4096
	.globl boot_stack, boot_stack_top
boot_stack:
	.skip 16384
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
