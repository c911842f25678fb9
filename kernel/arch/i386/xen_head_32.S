/* xen_head_32.S: the i386 Xen PV entry (xen_head.S's twin): Xen starts us in
 * ring 1 (FLAT_KERNEL_CS 0xe019) on its page tables, %esi = start_info. */
#include "core/asm.h"

	.section .head.text, "ax"
	.code32
/*
 * Events are masked; the image, start_info, the p2m list and Xen's PAE
 * bootstrap tables are mapped at 3 GiB + paddr; .bss is zero (Xen's ELF
 * loader clears it); %esp is a small bootstrap stack: move to ours.
 */
FUNC startup_xen
	cld
	movl $boot_stack_top, %esp
	xorl %ebp, %ebp
	movl %esi, %eax		/* struct start_info *, virtual (regparm) */
	call xen32_start
1:	ud2			/* xen32_start does not return */
	jmp 1b
ENDF startup_xen

/*
 * One page, 0xc3 (ret) until Xen writes its 32-byte stubs into it at
 * domain build: for a 32-bit guest `mov $nr,%eax; int $0x82; ret`.
 * Outside [_stext, _etext): filling it never changes the text hash.
 */
	.balign 4096
	.globl hypercall_page
	.type hypercall_page, @object
hypercall_page:
	.fill 4096, 1, 0xc3
	.size hypercall_page, . - hypercall_page

	.section .note.GNU-stack, "", @progbits
