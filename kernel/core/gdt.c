/* gdt.c: the GDT (flat code/data, TSS, one LDT slot), the TSS with its
 * interrupt stacks, and the IDT; all loaded through the cpu ops. */
#include "core/kernel.h"
#include "core/traps.h"
#include "core/platform.h"
#include "pv/pvcalls.h"
#include "pv/sites.h"

#define IDT_GATE_INTR 0x8e /* present, DPL 0, 64-bit interrupt gate */
#define IST_FATAL 1        /* #DF, NMI, #MC run on their own stack */

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, zero;
} __attribute__((packed));

static uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16))) = {
	[GDT_KCODE / 8] = 0x00af9a000000ffffull,
	[GDT_KDATA / 8] = 0x00cf92000000ffffull,
};
static struct idt_gate idt[256] __attribute__((aligned(16)));
struct tss64 cpu_tss __attribute__((aligned(16)));
static uint8_t ist_stack[8192] __attribute__((aligned(16)));

extern const uint64_t isr_table[IDT_VECTORS];

/* A 16-byte system descriptor (TSS type 9, LDT type 2) at sel. */
static void set_system_desc(uint64_t *g, unsigned sel, uint64_t base,
			    uint32_t limit, unsigned type)
{
	g[sel / 8] = (limit & 0xffffull) | (base & 0xffffffull) << 16 |
		       (uint64_t)type << 40 | 1ull << 47 |
		       (uint64_t)(limit >> 16 & 0xf) << 48 |
		       (base >> 24 & 0xff) << 56;
	g[sel / 8 + 1] = base >> 32;
}

/* After lgdt the old selectors still name cached descriptors: reload. */
static void reload_segments(void)
{
	__asm__ volatile("pushq %[cs]\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\tmovl %[ds], %%eax\n\t"
			 "movl %%eax, %%ds\n\t"
			 "movl %%eax, %%es\n\t"
			 "movl %%eax, %%ss\n\t"
			 :
			 : [cs] "i"(GDT_KCODE), [ds] "i"(GDT_KDATA)
			 : "rax", "memory");
}

static void set_gate(unsigned vec, uint64_t fn, unsigned ist)
{
	struct idt_gate *g = &idt[vec];

	g->off_lo = (uint16_t)fn;
	g->sel = GDT_KCODE;
	g->ist = (uint8_t)ist;
	g->type = IDT_GATE_INTR;
	g->off_mid = (uint16_t)(fn >> 16);
	g->off_hi = (uint32_t)(fn >> 32);
	g->zero = 0;
}

void gdt_current(struct desc_ptr *gdtr, struct desc_ptr *idtr)
{
	gdtr->limit = sizeof(gdt) - 1;
	gdtr->base = (uint64_t)(uintptr_t)gdt;
	idtr->limit = sizeof(idt) - 1;
	idtr->base = (uint64_t)(uintptr_t)idt;
}

void traps_init(void)
{
	struct desc_ptr gdtr, idtr;

	cpu_tss.ist[IST_FATAL - 1] =
	    (uint64_t)(uintptr_t)(ist_stack + sizeof(ist_stack));
	cpu_tss.iomap_base = sizeof(cpu_tss); /* no I/O bitmap */
	set_system_desc(gdt, GDT_TSS, (uint64_t)(uintptr_t)&cpu_tss,
			sizeof(cpu_tss) - 1, 9);
	for (unsigned v = 0; v < ARRAY_SIZE(isr_table); v++)
		set_gate(v, isr_table[v],
			 v == 2 || v == 8 || v == 18 ? IST_FATAL : 0);
	gdt_current(&gdtr, &idtr);
	pv_load_gdt(&gdtr);
	/* Xen PV hook (issue 6): the guest keeps Xen's flat selectors (its
	 * load_gdt loads nothing), and selector 0x08 does not exist there. */
	if (kernel_platform()->backend != PV_BACKEND_XEN)
		reload_segments();
	pv_load_tr(GDT_TSS);
	pv_load_idt(&idtr);
}

/* An AP (kernel/smp/smp.c): its own GDT copy and TSS, the shared IDT. */
void gdt_init_cpu(uint64_t *g, struct tss64 *t, uint64_t ist_top)
{
	struct desc_ptr gdtr = { sizeof(gdt) - 1, (uint64_t)g }, idtr;

	memcpy(g, gdt, sizeof(gdt));
	t->ist[IST_FATAL - 1] = ist_top;
	t->iomap_base = sizeof(*t);
	set_system_desc(g, GDT_TSS, (uint64_t)t, sizeof(*t) - 1, 9);
	pv_load_gdt(&gdtr);
	reload_segments();
	pv_load_tr(GDT_TSS);
	gdt_current(&gdtr, &idtr);
	pv_load_idt(&idtr);
}

void gdt_set_ldt(const void *base, unsigned int n)
{
	set_system_desc(gdt, GDT_LDT, (uint64_t)(uintptr_t)base, n * 8 - 1, 2);
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
