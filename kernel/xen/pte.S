/* pte.S: make_pte and pte_val on Xen PV, pseudo-physical <-> machine frame
 * through the p2m list and Xen's m2p table; CALLEE class: only %rax changes. */
#include "core/asm.h"
#include "xen/xen_pv.h"
#define __ASSEMBLY__
#include <xen/xen.h>

#define PTE_P 0x1
#define PTE_G 0x100
/* Everything in an entry but its frame number (bits 12..51). */
#define NOT_ADDR 0xfff0000000000fff

	.text
/*
 * Entry with a physical address -> entry with the machine frame.  Not
 * present: unchanged.  Also drops G: Xen warns about global kernel pages
 * of a 64-bit PV guest (they run in ring 3 and share Xen's TLB rules).
 */
FUNC xen_make_pte
	movq %rdi, %rax
	testb $PTE_P, %al
	jz 2f
	pushq %rcx
	movq %rdi, %rcx
	shlq $12, %rcx
	shrq $24, %rcx			/* pfn */
	cmpq xen_nr_pages(%rip), %rcx
	jae 1f
	movq xen_p2m(%rip), %rax
	movq (%rax,%rcx,8), %rcx	/* mfn */
	shlq $12, %rcx
	movabsq $(NOT_ADDR & ~PTE_G), %rax
	andq %rdi, %rax
	orq %rcx, %rax
	popq %rcx
	ret
1:	andq $~PTE_G, %rax		/* not our RAM: left as it is */
	popq %rcx
2:	ret
ENDF xen_make_pte

/*
 * Entry with a machine frame -> entry with the physical address.  Only a
 * frame of our own RAM is translated: the M2P read is bounded by its size
 * (xen_m2p_nr) and caught if it faults (a hole: an I/O frame), and the
 * pfn it gives must map back to the same mfn in our p2m (a foreign frame
 * names its owner's pfn).  Any other entry comes back unchanged, so
 * pte_val(make_pte(e)) == e holds for I/O entries too.  (Linux instead
 * clears the present bit of such an entry.)
 */
FUNC xen_pte_val
	movq %rdi, %rax
	testb $PTE_P, %al
	jz 9f
	pushq %rcx
	pushq %rdx
	movq %rdi, %rdx
	shlq $12, %rdx
	shrq $24, %rdx			/* mfn */
	cmpq xen_m2p_nr(%rip), %rdx
	jae 8f
	movabsq $__MACH2PHYS_VIRT_START, %rax
1:	movq (%rax,%rdx,8), %rcx	/* pfn, or a fault: see .fixup */
	cmpq xen_nr_pages(%rip), %rcx
	jae 8f
	movq xen_p2m(%rip), %rax
	cmpq (%rax,%rcx,8), %rdx
	jne 8f
	shlq $12, %rcx
	movabsq $NOT_ADDR, %rax
	andq %rdi, %rax
	orq %rcx, %rax
	popq %rdx
	popq %rcx
	ret
8:	movq %rdi, %rax			/* not our RAM: as it is */
	popq %rdx
	popq %rcx
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
