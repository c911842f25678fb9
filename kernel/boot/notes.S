/* notes.S: the Xen ELF notes that say how to enter this image.  Numbers come
 * from Xen's public elfnote.h; the Xen PV notes join these in issue 6. */
#include <xen/elfnote.h>

#ifdef __i386__
#define KVBASE 0xc0000000 /* arch/i386/layout_32.h */
#else
#define KVBASE 0xffffffff80000000
#endif

/*
 * One note: namesz, descsz, type, "Xen", desc.  4-byte aligned as the
 * ELF spec and QEMU's reader (which aligns by the segment's p_align) want.
 */
.macro XEN_NOTE type, desc_directive, value
	.pushsection .note.Xen, "a", @note
	.balign 4
	.long 4
	.long 7702f - 7701f
	.long \type
	.asciz "Xen"
7701:	\desc_directive \value
7702:	.balign 4
	.popsection
.endm

/* PVH: 32-bit physical entry.  8 bytes: QEMU reads a 64-bit value.  (Macro
 * arguments split at spaces: write expressions without them.) */
#ifdef __i386__ /* QEMU reads an ELF32 image's entry as 32 bits */
XEN_NOTE XEN_ELFNOTE_PHYS32_ENTRY, .long, pvh_start-KVBASE
#else
XEN_NOTE XEN_ELFNOTE_PHYS32_ENTRY, .quad, pvh_start-KVBASE
#endif

	.section .note.GNU-stack, "", @progbits
