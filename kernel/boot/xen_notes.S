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
/* Linked at -2 GiB + physical address: virtual = VIRT_BASE + paddr. */
XEN_PV_NOTE XEN_ELFNOTE_VIRT_BASE, .quad, 0xffffffff80000000
XEN_PV_NOTE XEN_ELFNOTE_PADDR_OFFSET, .quad, 0
XEN_PV_NOTE XEN_ELFNOTE_ENTRY, .quad, startup_xen
XEN_PV_NOTE XEN_ELFNOTE_HYPERCALL_PAGE, .quad, hypercall_page
/* Page tables stay read-only and go through mmu_update (no shadowing). */
XEN_PV_NOTE XEN_ELFNOTE_FEATURES, .asciz, "!writable_page_tables"
/* Without XENFEAT_dom0 here Xen's PV dom0 builder refuses the image. */
XEN_PV_NOTE XEN_ELFNOTE_SUPPORTED_FEATURES, .long, (1 << XENFEAT_dom0)
XEN_PV_NOTE XEN_ELFNOTE_PAE_MODE, .asciz, "yes"

	.section .note.GNU-stack, "", @progbits
