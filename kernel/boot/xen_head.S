/* xen_head.S: the Xen PV entry: Xen starts us in 64-bit mode on its own page
 * tables at ENTRY, with %rsi = start_info; and the hypercall page it fills. */
#include "core/asm.h"

	.section .head.text, "ax"
	.code64
/*
 * Events are masked, the image, start_info, the p2m list and the bootstrap
 * page tables are mapped at VIRT_BASE, .bss is already zero (Xen's ELF
 * loader clears it) and %rsp is a small bootstrap stack: move to ours.
 */
FUNC startup_xen
	cld
	leaq boot_stack_top(%rip), %rsp
	xorl %ebp, %ebp
	movq %rsi, %rdi		/* struct start_info *, virtual */
	call xen_start
1:	ud2			/* xen_start does not return */
	jmp 1b
ENDF startup_xen

/*
 * One page, 0xc3 (ret) until Xen writes a 32-byte stub per hypercall into
 * it at domain build (XEN_ELFNOTE_HYPERCALL_PAGE).  It lives outside
 * [_stext, _etext), so writing it never changes the patched text's hash,
 * and in an executable section, so every mapping of it stays executable.
 */
	.balign 4096
	.globl hypercall_page
	.type hypercall_page, @object
hypercall_page:
	.fill 4096, 1, 0xc3
	.size hypercall_page, . - hypercall_page

	.section .note.GNU-stack, "", @progbits
