/* xen_traps_32.c: the i386 kernel's IDT as Xen's virtual one (traps.c's
 * twin): load_idt turns each 8-byte gate into a trap_info entry that points
 * at the gate's own stub, since Xen PV32 bounces the CPU's frame as it is. */
#include "core/kernel.h"
#include "core/traps.h"
#include "xen/xen_pv.h"

#define GATE_PRESENT 0x80
#define GATE_TYPE(t) ((t) & 0xf)
#define GATE_DPL(t) (((t) >> 5) & 3)
#define GATE_INTR 0xe
#define TI_MASK_EVENTS 4 /* trap_info flags: an interrupt gate */

struct xen32_gate {
	uint16_t off_lo, sel;
	uint8_t zero, type;
	uint16_t off_hi;
} __attribute__((packed));

/* xen_pv.h names it for x86-64's stubs; PV32 needs no second hop. */
uint64_t xen_trap_targets[XEN_TRAP_VECTORS];
static struct trap_info trap_table[XEN_TRAP_VECTORS + 1];

/* int3 and into run in ring 1: Xen admits them from a DPL of 1 or more. */
static unsigned gate_flags(unsigned vec, unsigned type)
{
	unsigned dpl = vec == 3 || vec == 4 ? 3 : GATE_DPL(type);

	return dpl | (GATE_TYPE(type) == GATE_INTR ? TI_MASK_EVENTS : 0);
}

/* The load_idt op; a refused table ends the run (no fault could be
 * reported any more). */
void xen_load_idt(const void *dtr)
{
	const struct desc_ptr *d = dtr;
	const struct xen32_gate *g = (const struct xen32_gate *)d->base;
	unsigned n = (d->limit + 1u) / sizeof(*g), k = 0;
	long err;

	for (unsigned v = 0; v < n && v < XEN_TRAP_VECTORS; v++) {
		if (!(g[v].type & GATE_PRESENT))
			continue;
		trap_table[k].vector = (uint8_t)v;
		trap_table[k].flags = (uint8_t)gate_flags(v, g[v].type);
		trap_table[k].cs = FLAT_KERNEL_CS;
		trap_table[k].address = (unsigned long)g[v].off_hi << 16 |
					g[v].off_lo;
		k++;
	}
	trap_table[k].address = 0; /* the terminator */
	err = HYPERVISOR_set_trap_table(trap_table);
	if (err)
		panic("xen: set_trap_table: error %ld", err);
}

int xen_trap_table_load(void)
{
	return (int)HYPERVISOR_set_trap_table(trap_table);
}
