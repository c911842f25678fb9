/* xen_entry_32.S: where Xen PV32 bounces to on the ring-1 stack: the entry
 * checks' int3 and upcall (xen_events_32.c), then the kernel's upcall and
 * failsafe callbacks, which join entry_32.S's common trap path. */
#include "core/asm.h"
#include "xen/xen_pv.h"

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

/*
 * The kernel's event upcall (kernel/xen/evtchn.c registers it): Xen masked
 * events and built the same-privilege frame, no error code.  It joins the
 * common path as vector XEN_UPCALL_VECTOR; the iret op at its end
 * restores the mask from the frame's IF.  Exceptions need no stub: the
 * trap table points at entry_32.S's own (kernel/arch/i386/xen_traps_32.c).
 */
FUNC xen_upcall_entry
	pushl $0
	pushl $XEN_UPCALL_VECTOR
	jmp isr_common
ENDF xen_upcall_entry

/* Xen could not load a segment register returning to us: ds, es, fs, gs
 * lie above the frame.  Drop them; the common path ends the run. */
FUNC xen_failsafe_entry
	addl $16, %esp
	pushl $0
	pushl $XEN_FAILSAFE_VECTOR
	jmp isr_common
ENDF xen_failsafe_entry

/* The int3 the check executes: a symbol, so the report names it. */
FUNC xen32_int3_probe
	int3
	ret
ENDF xen32_int3_probe

	.section .note.GNU-stack, "", @progbits
