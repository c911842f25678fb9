/* xen_notes.S: the Xen PV ELF notes (read by Xen's dom0 builder and by the
 * toolstack for a DomU), beside the PVH note of notes.S in .note.Xen. */
#include <xen/elfnote.h>
#include <xen/features.h>

/* One note: namesz 4 ("Xen"), descsz, type, name, desc; 4-byte aligned. */
.macro XEN_PV_NOTE type, desc_directive, value:vararg
	.pushsection .note.Xen, "a", @note
	.balign 4
	.long 4
	.long 7712f - 7711f
	.long \type
	.asciz "Xen"
7711:	\desc_directive \value
7712:	.balign 4
	.popsection
.endm

/* Xen builds a PV guest whose LOADER is "generic" (or GUEST_OS "linux"). */
XEN_PV_NOTE XEN_ELFNOTE_GUEST_OS, .asciz, "pvrt"
XEN_PV_NOTE XEN_ELFNOTE_GUEST_VERSION, .asciz, "1"
XEN_PV_NOTE XEN_ELFNOTE_XEN_VERSION, .asciz, "xen-3.0"
XEN_PV_NOTE XEN_ELFNOTE_LOADER, .asciz, "generic"
/*
 * Linked at VIRT_BASE + physical address (-2 GiB; i386: 3 GiB, its
 * arch/i386/layout_32.h): Xen computes virtual = paddr + VIRT_BASE -
 * PADDR_OFFSET from the program headers' physical addresses, so the offset
 * is 0.  Address notes are one word of the image's class (Xen reads 4 or
 * 8 bytes by descsz).
 */
#ifdef __i386__
#define XEN_NOTE_WORD .long
#define XEN_NOTE_VIRT_BASE 0xc0000000
#else
#define XEN_NOTE_WORD .quad
#define XEN_NOTE_VIRT_BASE 0xffffffff80000000
#endif
XEN_PV_NOTE XEN_ELFNOTE_VIRT_BASE, XEN_NOTE_WORD, XEN_NOTE_VIRT_BASE
XEN_PV_NOTE XEN_ELFNOTE_PADDR_OFFSET, XEN_NOTE_WORD, 0
XEN_PV_NOTE XEN_ELFNOTE_ENTRY, XEN_NOTE_WORD, startup_xen
XEN_PV_NOTE XEN_ELFNOTE_HYPERCALL_PAGE, XEN_NOTE_WORD, hypercall_page
/* Page tables stay read-only and go through mmu_update (no shadowing). */
XEN_PV_NOTE XEN_ELFNOTE_FEATURES, .asciz, "!writable_page_tables"
/* Without XENFEAT_dom0 here Xen's PV dom0 builder refuses the image. */
XEN_PV_NOTE XEN_ELFNOTE_SUPPORTED_FEATURES, .long, (1 << XENFEAT_dom0)
XEN_PV_NOTE XEN_ELFNOTE_PAE_MODE, .asciz, "yes"

	.section .note.GNU-stack, "", @progbits
