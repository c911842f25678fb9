/* asm.h: small helpers for the kernel's assembly files: function symbols
 * with type and size, so elfscan, pvpatch and ksyms can name them. */
#ifndef KERNEL_ASM_H
#define KERNEL_ASM_H
#ifdef __ASSEMBLER__
.macro FUNC name
	.globl \name
	.type \name, @function
\name:
.endm
.macro ENDF name
	.size \name, . - \name
.endm
#endif
#endif /* KERNEL_ASM_H */
