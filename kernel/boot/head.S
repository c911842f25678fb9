/* head.S: the PVH entry (QEMU -kernel, Xen PVH): 32-bit protected mode,
 * no paging; into long mode on static boot page tables, then C at -2 GiB. */
#include "core/asm.h"

#define KVBASE 0xffffffff80000000
/* Physical address of a kernel symbol, while paging is off. */
#define PA(x) ((x) - KVBASE)

#define CR0_PE 0x00000001
#define CR0_WP 0x00010000
#define CR0_PG 0x80000000
#define CR4_PAE 0x00000020
#define MSR_EFER 0xc0000080
#define EFER_LME 0x00000100
#define BOOT_CS 0x08
#define BOOT_DS 0x10
/* Present, writable; +PS for a 2 MiB page. */
#define PT_TABLE 0x003
#define PT_LARGE 0x083

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
	/* Zero .bss before its first use (the boot stack lives there). */
	movl $PA(__bss_start), %edi
	movl $PA(__bss_end), %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb
	movl $PA(boot_stack_top), %esp

	/* Long mode: PAE, page tables, EFER.LME, then paging on. */
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $PA(boot_pml4), %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	movl %cr0, %eax
	orl $(CR0_PG | CR0_WP | CR0_PE), %eax
	movl %eax, %cr0
	ljmp $BOOT_CS, $PA(pvh_long)
ENDF pvh_start

	.code64
/* Still running at the physical address: jump up to the linked one. */
pvh_long:
	movabsq $pvh_high, %rax
	jmp *%rax

pvh_high:
	movl $BOOT_DS, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	movq $boot_stack_top, %rsp
	xorl %ebp, %ebp
	movl %esi, %edi		/* start_info, zero-extended */
	call pvh_main
1:	cli
	hlt
	jmp 1b

	.section .data..page_aligned, "aw"
	.balign 4096
/*
 * Boot page tables: the first GiB twice, identity (for the instruction
 * after paging goes on) and at -2 GiB (PML4 511, PDPT 510), in 2 MiB pages.
 * paging_init replaces them with tables built through the mmu ops.
 */
	.globl boot_pml4
boot_pml4:
	.quad PA(boot_pdpt_low) + PT_TABLE
	.fill 510, 8, 0
	.quad PA(boot_pdpt_high) + PT_TABLE
boot_pdpt_low:
	.quad PA(boot_pd) + PT_TABLE
	.fill 511, 8, 0
boot_pdpt_high:
	.fill 510, 8, 0
	.quad PA(boot_pd) + PT_TABLE
	.quad 0
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
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit code */
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
