/* entry.S: where Xen delivers exceptions and the event upcall: strip the
 * %rcx/%r11 Xen pushes and continue into the kernel's common trap path. */
#include "core/asm.h"
#include "xen/xen_pv.h"

/*
 * Xen's bounce frame is the CPU's (ss, rsp, rflags, cs, rip and an error
 * code where the CPU pushes one) with rcx and r11 on top, because Xen
 * usually returns to these entry points with sysret.  Restore them, then
 * go where the kernel's IDT says (xen_trap_targets, filled by load_idt).
 * One 16-byte stub per vector, as traps.c expects.
 */
	.text
	.balign 16
FUNC xen_trap_stubs
	.set v, 0
	.rept XEN_TRAP_VECTORS
	.balign 16
	popq %rcx
	popq %r11
	jmp *xen_trap_targets + 8 * v(%rip)
	.set v, v + 1
	.endr
ENDF xen_trap_stubs

/*
 * The event upcall: Xen masked events and built the same frame (no error
 * code).  It joins the common path as vector XEN_UPCALL_VECTOR; the iret
 * op at the end of that path restores the mask from the saved IF.
 */
FUNC xen_upcall_entry
	popq %rcx
	popq %r11
	pushq $0
	pushq $XEN_UPCALL_VECTOR
	jmp isr_common
ENDF xen_upcall_entry

/*
 * Xen could not load a segment register while returning to us: the frame
 * has ds, es, fs, gs between r11 and rip.  Drop them and report it as
 * vector XEN_FAILSAFE_VECTOR (the common path ends the run on it).
 */
FUNC xen_failsafe_entry
	popq %rcx
	popq %r11
	addq $32, %rsp
	pushq $0
	pushq $XEN_FAILSAFE_VECTOR
	jmp isr_common
ENDF xen_failsafe_entry

	.section .note.GNU-stack, "", @progbits
