/* xen_entry_32.S: where Xen PV32 bounces the entry's checks to: the int3
 * trap and the event upcall, on the ring-1 stack (xen_events_32.c). */
#include "core/asm.h"

/*
 * Xen's 32-bit bounce frame from ring 1 to ring 1 is the CPU's own
 * same-privilege frame (eip, cs, eflags; cs's bits 16-23 hold the saved
 * event mask), so a plain iret in ring 1 returns.  int3 is a trap: the
 * saved eip is the byte after it.
 */
	.text
FUNC xen32_int3_entry
	pushl %eax
	movl 4(%esp), %eax
	movl %eax, xen32_int3_eip
	movl 8(%esp), %eax
	movl %eax, xen32_int3_cs
	popl %eax
	incl xen32_int3_count
	iret
ENDF xen32_int3_entry

/*
 * The event upcall: Xen has set the event mask.  It stays set when we
 * return: the only place events are unmasked is SCHEDOP_block, which
 * unmasks, and Xen delivers the upcall as it returns from the block.
 */
FUNC xen32_upcall_entry
	pushal
	cld
	call xen32_upcall
	popal
	iret
ENDF xen32_upcall_entry

/* The int3 the check executes: a symbol, so the report names it. */
FUNC xen32_int3_probe
	int3
	ret
ENDF xen32_int3_probe

	.section .note.GNU-stack, "", @progbits
