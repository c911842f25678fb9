/* gdt_32.c: the i386 GDT (flat code/data, TSS, one LDT slot), the TSS and
 * the IDT of 8-byte gates; all loaded through the cpu ops (gdt.c's twin). */
#include "core/kernel.h"
#include "core/traps.h"
#include "core/platform.h"
#include "pv/pvcalls.h"
#include "pv/sites.h"

#define IDT_GATE_INTR 0x8e /* present, DPL 0, 32-bit interrupt gate */

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t zero, type;
	uint16_t off_hi;
} __attribute__((packed));

static uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16))) = {
	[GDT_KCODE / 8] = 0x00cf9a000000ffffull,
	[GDT_KDATA / 8] = 0x00cf92000000ffffull,
};
static struct idt_gate idt[256] __attribute__((aligned(16)));
struct tss32 cpu_tss __attribute__((aligned(16)));

extern const uint32_t isr_table[48];

/* An 8-byte system descriptor (TSS type 9, LDT type 2) at sel. */
static void set_system_desc(unsigned sel, uint32_t base, uint32_t limit,
			    unsigned type)
{
	gdt[sel / 8] = (limit & 0xffffull) | (base & 0xffffffull) << 16 |
		       (uint64_t)type << 40 | 1ull << 47 |
		       (uint64_t)(limit >> 16 & 0xf) << 48 |
		       (uint64_t)(base >> 24 & 0xff) << 56;
}

/* After lgdt the old selectors still name cached descriptors: reload. */
static void reload_segments(void)
{
	__asm__ volatile("ljmp %[cs], $1f\n"
			 "1:\tmovl %[ds], %%eax\n\t"
			 "movl %%eax, %%ds\n\t"
			 "movl %%eax, %%es\n\t"
			 "movl %%eax, %%ss\n\t"
			 :
			 : [cs] "i"(GDT_KCODE), [ds] "i"(GDT_KDATA)
			 : "eax", "memory");
}

static void set_gate(unsigned vec, uint32_t fn)
{
	struct idt_gate *g = &idt[vec];

	g->off_lo = (uint16_t)fn;
	g->sel = GDT_KCODE;
	g->zero = 0;
	g->type = IDT_GATE_INTR;
	g->off_hi = (uint16_t)(fn >> 16);
}

void gdt_current(struct desc_ptr *gdtr, struct desc_ptr *idtr)
{
	gdtr->limit = sizeof(gdt) - 1;
	gdtr->base = (uint32_t)(uintptr_t)gdt;
	idtr->limit = sizeof(idt) - 1;
	idtr->base = (uint32_t)(uintptr_t)idt;
}

/*
 * No separate stack for #DF, NMI or #MC (x86-64 has IST; i386 would need a
 * task gate): a fault on a broken stack resets the machine instead of
 * printing a report.
 */
void traps_init(void)
{
	struct desc_ptr gdtr, idtr;

	cpu_tss.ss0 = GDT_KDATA;
	cpu_tss.iomap_base = sizeof(cpu_tss); /* no I/O bitmap */
	set_system_desc(GDT_TSS, (uint32_t)(uintptr_t)&cpu_tss,
			sizeof(cpu_tss) - 1, 9);
	for (unsigned v = 0; v < ARRAY_SIZE(isr_table); v++)
		set_gate(v, isr_table[v]);
	gdt_current(&gdtr, &idtr);
	pv_load_gdt(&gdtr);
	if (kernel_platform()->backend != PV_BACKEND_XEN)
		reload_segments();
	pv_load_tr(GDT_TSS);
	pv_load_idt(&idtr);
}

void gdt_set_ldt(const void *base, unsigned int n)
{
	set_system_desc(GDT_LDT, (uint32_t)(uintptr_t)base, n * 8 - 1, 2);
}

/* ltr marks the TSS busy and refuses a busy one: tests reload it. */
void gdt_tss_clear_busy(void)
{
	gdt[GDT_TSS / 8] &= ~(2ull << 40);
}

int gdt_tss_busy(void)
{
	return !!(gdt[GDT_TSS / 8] & 2ull << 40);
}
