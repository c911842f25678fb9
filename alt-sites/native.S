/* native.S: the native backend's replacement templates: per op, the bare
 * instructions a site becomes, and the registers they write (clobbers). */
#include "pv/ops.h"
#include "pv/template.h"

#define NB PV_BACKEND_NATIVE
#define RAX PV_REG_RAX
#define RCX PV_REG_RCX
#define RDX PV_REG_RDX
#define R8 PV_REG_R8
#define R9 PV_REG_R9

/* irq: the flag itself.  CALLEE sites: %rax at most. */
PV_TEMPLATE NB, irq_disable, 0
	cli
PV_TEMPLATE_END

PV_TEMPLATE NB, irq_enable, 0
	sti
PV_TEMPLATE_END

PV_TEMPLATE NB, irq_save_fl, RAX
	pushfq
	popq %rax
PV_TEMPLATE_END

PV_TEMPLATE NB, irq_restore_fl, 0
	pushq %rdi
	popfq
PV_TEMPLATE_END

/* sti's shadow covers hlt: no wakeup is lost between the two. */
PV_TEMPLATE NB, safe_halt, 0
	sti
	hlt
PV_TEMPLATE_END

PV_TEMPLATE NB, halt, 0
	hlt
PV_TEMPLATE_END

/*
 * cpuid through four pointers; %rbx is callee-saved, so it is kept on the
 * stack.  25 bytes: longer than a 16-byte site, so it is the planner's
 * "template too long" case there and inline only with SITE_LEN >= 25.
 */
PV_TEMPLATE NB, cpuid, RAX | RCX | RDX | R8 | R9
	movq %rdx, %r8
	movq %rcx, %r9
	movl (%rdi), %eax
	movl (%r8), %ecx
	pushq %rbx
	cpuid
	movl %eax, (%rdi)
	movl %ebx, (%rsi)
	movl %ecx, (%r8)
	movl %edx, (%r9)
	popq %rbx
PV_TEMPLATE_END

/* Control registers: result in %rax, argument in %rdi. */
.irp n, 0, 2, 3, 4
PV_TEMPLATE NB, read_cr\n, RAX
	movq %cr\n, %rax
PV_TEMPLATE_END
PV_TEMPLATE NB, write_cr\n, 0
	movq %rdi, %cr\n
PV_TEMPLATE_END
.endr

/* MSRs: the number in %edi, the 64-bit value in %rax (read), %rsi (write). */
PV_TEMPLATE NB, read_msr, RAX | RCX | RDX
	movl %edi, %ecx
	rdmsr
	shlq $32, %rdx
	orq %rdx, %rax
PV_TEMPLATE_END

PV_TEMPLATE NB, write_msr, RAX | RCX | RDX
	movl %edi, %ecx
	movl %esi, %eax
	movq %rsi, %rdx
	shrq $32, %rdx
	wrmsr
PV_TEMPLATE_END

PV_TEMPLATE NB, read_tsc, RAX | RDX
	rdtsc
	shlq $32, %rdx
	orq %rdx, %rax
PV_TEMPLATE_END

PV_TEMPLATE NB, read_tscp, RAX | RCX | RDX, PV_FEAT_RDTSCP
	rdtscp
	movl %ecx, (%rdi)
	shlq $32, %rdx
	orq %rdx, %rax
PV_TEMPLATE_END

/* Descriptor tables. */
PV_TEMPLATE NB, load_gdt, 0
	lgdt (%rdi)
PV_TEMPLATE_END

PV_TEMPLATE NB, load_idt, 0
	lidt (%rdi)
PV_TEMPLATE_END

PV_TEMPLATE NB, load_tr, 0
	ltr %di
PV_TEMPLATE_END

/* outb to the POST port: reads %al, writes nothing. */
PV_TEMPLATE NB, io_delay, 0
	outb %al, $0x80
PV_TEMPLATE_END

PV_TEMPLATE NB, wbinvd, 0
	wbinvd
PV_TEMPLATE_END

PV_TEMPLATE NB, swapgs, 0
	swapgs
PV_TEMPLATE_END

/* Entry-path ops: inline, the site's return address is never pushed. */
PV_TEMPLATE NB, iret, 0
	iretq
PV_TEMPLATE_END


/* Page-table entries are plain 64-bit stores natively. */
.irp lvl, pte, pmd, pud, pgd
PV_TEMPLATE NB, set_\lvl, 0
	movq %rsi, (%rdi)
PV_TEMPLATE_END
.endr

PV_TEMPLATE NB, set_pte_at, 0
	movq %rdx, (%rsi)
PV_TEMPLATE_END

PV_TEMPLATE NB, pte_clear, 0
	movq $0, (%rsi)
PV_TEMPLATE_END

.irp lvl, pmd, pud, pgd
PV_TEMPLATE NB, \lvl\()_clear, 0
	movq $0, (%rdi)
PV_TEMPLATE_END
.endr

/* Entries hold physical addresses natively: the identity. */
PV_TEMPLATE NB, make_pte, RAX
	movq %rdi, %rax
PV_TEMPLATE_END

PV_TEMPLATE NB, pte_val, RAX
	movq %rdi, %rax
PV_TEMPLATE_END

/* TLB: CR3 reload (non-global), CR4.PGE toggle (all), invlpg (one). */
PV_TEMPLATE NB, flush_tlb_user, RAX
	movq %cr3, %rax
	movq %rax, %cr3
PV_TEMPLATE_END

PV_TEMPLATE NB, flush_tlb_kernel, RAX
	movq %cr4, %rax
	xorb $0x80, %al
	movq %rax, %cr4
	xorb $0x80, %al
	movq %rax, %cr4
PV_TEMPLATE_END

PV_TEMPLATE NB, flush_tlb_one_user, 0
	invlpg (%rdi)
PV_TEMPLATE_END

/* No stolen time on bare metal. */
PV_TEMPLATE NB, steal_clock, RAX
	xorl %eax, %eax
PV_TEMPLATE_END

/* One round of waiting for a lock: a spin hint. */
PV_TEMPLATE NB, lock_wait, 0
	pause
PV_TEMPLATE_END

/*
 * No template (a direct call, or the inliner copies the body): pte_update,
 * alloc_pt, release_pt, lazy_mmu_* and lock_kick (empty bodies), load_sp0
 * (one RIP-relative store), sched_clock (calibration data), the *_msr_safe
 * ops (their faulting instruction must stay where the exception table
 * names it), load_ldt and console_write (real functions).
 */

	.section .note.GNU-stack, "", @progbits
