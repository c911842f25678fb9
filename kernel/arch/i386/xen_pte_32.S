/* xen_pte_32.S: make_pte and pte_val on Xen PV32 (pte.S's twin): the PAE
 * entry in %edx:%eax, pseudo-physical <-> machine frame through the p2m
 * and Xen's M2P (4-byte entries); CALLEE class: only %eax and %edx change. */
#include "core/asm.h"
#include "xen/xen_pv.h"
#define __ASSEMBLY__
#include <xen/xen.h>

#define PTE_P 0x1
#define PTE_G 0x100
#define HI_ADDR 0x000fffff	/* address bits 32..51 in the high word */

	.text
/*
 * Entry with a physical address -> entry with the machine frame.  Not
 * present, or not our RAM (a pfn past the p2m): unchanged but for G,
 * which is dropped as on x86-64.  Our pfns fit in 20 bits (RAM below
 * 4 GiB), so a high address half must be 0.
 */
FUNC xen_make_pte
	testb $PTE_P, %al
	jz 2f
	andl $~PTE_G, %eax
	testl $HI_ADDR, %edx
	jnz 2f
	pushl %ecx
	movl %eax, %ecx
	shrl $12, %ecx			/* pfn */
	cmpl xen_nr_pages, %ecx
	jae 1f
	pushl %ebx
	movl xen_p2m, %ebx
	movl (%ebx,%ecx,4), %ecx	/* mfn */
	popl %ebx
	andl $0xfff, %eax
	andl $~HI_ADDR, %edx
	pushl %ecx
	shll $12, %ecx
	orl %ecx, %eax			/* mfn's low 20 bits */
	popl %ecx
	shrl $20, %ecx
	orl %ecx, %edx			/* and its high 12 */
1:	popl %ecx
2:	ret
ENDF xen_make_pte

/*
 * Entry with a machine frame -> entry with the physical address, for a
 * frame of our own RAM only, as pte.S: the M2P read is bounded by its
 * size and caught if it faults, and the pfn must map back to the mfn.
 * Anything else comes back unchanged.
 */
FUNC xen_pte_val
	testb $PTE_P, %al
	jz 9f
	testl $0xff000, %edx		/* an mfn of more than 32 bits */
	jnz 9f
	pushl %ecx
	pushl %ebx
	movl %edx, %ecx
	shll $20, %ecx
	movl %eax, %ebx
	shrl $12, %ebx
	orl %ebx, %ecx			/* mfn */
	cmpl xen_m2p_nr, %ecx
	jae 8f
1:	movl __MACH2PHYS_VIRT_START(,%ecx,4), %ebx /* pfn, or a fault */
	cmpl xen_nr_pages, %ebx
	jae 8f
	pushl %eax
	movl xen_p2m, %eax
	cmpl (%eax,%ebx,4), %ecx
	popl %eax
	jne 8f
	shll $12, %ebx
	andl $0xfff, %eax
	orl %ebx, %eax
	andl $~HI_ADDR, %edx
8:	popl %ebx
	popl %ecx
9:	ret
ENDF xen_pte_val

	.pushsection .fixup, "ax"
7:	jmp 8b
	.popsection
	.pushsection .ex_table, "a"
	.balign 4
	.long 1b - .
	.long 7b - .
	.popsection

	.section .note.GNU-stack, "", @progbits
