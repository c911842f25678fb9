/* traps.h: descriptor tables, the trap frame entry.S builds, interrupt
 * vectors and the exception table that lets a probe survive a fault. */
#ifndef TRAPS_H
#define TRAPS_H

#include <stdint.h>

#include "pv/extable.h"

#define IRQ_VECTOR_BASE 32 /* legacy PIC IRQ n is vector 32 + n */
#define IRQ_VECTORS 16
/* Vectors with a handler slot: the PIC's 16, then the local APIC's 16
 * (kernel/smp/smp.h); entry.S has a stub for each vector below this. */
#define IRQ_SLOTS 32
#define IDT_VECTORS (IRQ_VECTOR_BASE + IRQ_SLOTS)

#ifdef __i386__
#include "arch/i386/traps_32.h" /* GDT, frame, TSS for i386 */
#else
#define GDT_KCODE 0x08
#define GDT_KDATA 0x10
#define GDT_TSS 0x18 /* 16-byte system descriptor */
#define GDT_LDT 0x28 /* 16-byte system descriptor */
#define GDT_ENTRIES 7

/* As entry.S pushes it: GPRs, vector, error code, then the CPU's frame. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vec, err;
	uint64_t rip, cs, rflags, rsp, ss;
};

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp0, rsp1, rsp2;
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

extern struct tss64 cpu_tss;
#endif

/* gdt.c */
void traps_init(void);
void gdt_set_ldt(const void *base, unsigned int n);
void gdt_tss_clear_busy(void);
int gdt_tss_busy(void);
void gdt_current(struct desc_ptr *gdtr, struct desc_ptr *idtr);
#ifdef __x86_64__
void gdt_init_cpu(uint64_t *g, struct tss64 *t, uint64_t ist_top);
#endif

/* traps.c */
typedef void (*irq_fn)(unsigned vec);
void trap_set_irq(unsigned vec, irq_fn fn);
void trap_dispatch(struct trap_frame *f);
extern volatile unsigned trap_breakpoints;
extern volatile unsigned long long trap_irqs;

/* extable.c: what the last recovered fault was. */
struct trap_record {
	uint64_t vec, err, rip, cr2;
	unsigned count;
};
extern struct trap_record trap_last_fixup;
int extable_fixup(struct trap_frame *f, uint64_t cr2);
int probe_read_u64(const volatile void *p, uint64_t *v);
int probe_write_u64(volatile void *p, uint64_t v);
/* The read_msr_safe / write_msr_safe ops of both backends: rdmsr/wrmsr
 * under an exception-table fixup; a fault gives -PV_EIO (err, or the
 * return value). */
unsigned long long msr_read_safe(unsigned int msr, int *err);
int msr_write_safe(unsigned int msr, unsigned long long v);

/* EXTABLE(insn, fixup): the shared format, include/pv/extable.h. */
#define EXTABLE(insn, fixup) PV_EXTABLE(insn, fixup)
#endif /* TRAPS_H */
