/* traps.c: the kernel's IDT as Xen's virtual one: load_idt turns each gate
 * into a trap_info entry for set_trap_table, through the stubs of entry.S. */
#include "core/kernel.h"
#include "core/traps.h"
#include "xen/xen_pv.h"

#define GATE_PRESENT (1ull << 47)
#define GATE_TYPE(lo) ((unsigned)((lo) >> 40) & 0xf)
#define GATE_DPL(lo) ((unsigned)((lo) >> 45) & 3)
#define GATE_INTR 0xe
#define TI_MASK_EVENTS 4 /* trap_info flags: an interrupt gate */

/* Where each stub goes on: the handler the kernel's gate names. */
uint64_t xen_trap_targets[XEN_TRAP_VECTORS];
static struct trap_info trap_table[XEN_TRAP_VECTORS + 1];

static uint64_t gate_target(uint64_t lo, uint64_t hi)
{
	return (lo & 0xffff) | (lo >> 32 & 0xffff0000) | hi << 32;
}

/*
 * #BP and #OF come from int3/into in the kernel, which runs in ring 3 on
 * 64-bit PV: their entries must admit it (privilege level 3, as XTF).
 */
static unsigned gate_flags(unsigned vec, uint64_t lo)
{
	unsigned dpl = vec == 3 || vec == 4 ? 3 : GATE_DPL(lo);

	return dpl | (GATE_TYPE(lo) == GATE_INTR ? TI_MASK_EVENTS : 0);
}

/*
 * The load_idt op.  Vectors past XEN_TRAP_VECTORS have no stub and are
 * left out (the kernel fills fewer); a refused table ends the run, since
 * no fault could be reported any more.
 */
void xen_load_idt(const void *dtr)
{
	const struct desc_ptr *d = dtr;
	const uint64_t *gate = (const uint64_t *)d->base;
	unsigned n = (d->limit + 1u) / 16, k = 0;
	long err;

	for (unsigned v = 0; v < n && v < XEN_TRAP_VECTORS; v++) {
		uint64_t lo = gate[2 * v], hi = gate[2 * v + 1];

		if (!(lo & GATE_PRESENT))
			continue;
		xen_trap_targets[v] = gate_target(lo, hi);
		trap_table[k].vector = (uint8_t)v;
		trap_table[k].flags = (uint8_t)gate_flags(v, lo);
		trap_table[k].cs = FLAT_KERNEL_CS;
		trap_table[k].address = (unsigned long)xen_trap_stubs + 16 * v;
		k++;
	}
	trap_table[k].address = 0; /* the terminator */
	err = HYPERVISOR_set_trap_table(trap_table);
	if (err)
		panic("xen: set_trap_table: error %ld", err);
}

/* The trap table is per vCPU: a secondary one loads the boot vCPU's. */
int xen_trap_table_load(void)
{
	return (int)HYPERVISOR_set_trap_table(trap_table);
}
