/* acpi.c: the CPUs from ACPI: RSDP (from start_info, else the BIOS area
 * scan), RSDT/XSDT, then the MADT's enabled local APIC entries. */
#include "core/kernel.h"
#include "core/mm.h"
#include "smp/smp.h"

struct acpi_hdr {
	char sig[4];
	uint32_t len;
	uint8_t rev, sum;
	char oem[6], oem_table[8];
	uint32_t oem_rev, creator, creator_rev;
} __attribute__((packed));

struct acpi_rsdp {
	char sig[8];
	uint8_t sum;
	char oem[6];
	uint8_t rev;
	uint32_t rsdt;
	uint32_t len;
	uint64_t xsdt;
} __attribute__((packed));

static int sum_ok(const void *p, uint32_t n)
{
	uint8_t s = 0;

	for (uint32_t i = 0; i < n; i++)
		s = (uint8_t)(s + ((const uint8_t *)p)[i]);
	return s == 0;
}

/* The BIOS read-only area, 16-byte steps (ACPI 5.2.5.1). */
static uint64_t rsdp_scan(void)
{
	for (uint64_t pa = 0xe0000; pa < 0x100000; pa += 16) {
		const struct acpi_rsdp *r = phys_to_virt(pa);

		if (!memcmp(r->sig, "RSD PTR ", 8) && sum_ok(r, 20))
			return pa;
	}
	return 0;
}

/* The MADT (signature APIC) among the root table's entries, or NULL. */
static const struct acpi_hdr *find_madt(const struct acpi_rsdp *r)
{
	int x = r->rev >= 2 && r->xsdt;
	const struct acpi_hdr *root =
		phys_to_virt(x ? r->xsdt : (uint64_t)r->rsdt);
	unsigned step = x ? 8 : 4;
	const uint8_t *e = (const uint8_t *)(root + 1);

	if (root->len < sizeof(*root) || !sum_ok(root, root->len))
		return NULL;
	for (uint32_t off = 0; off + step <= root->len - sizeof(*root);
	     off += step) {
		uint64_t pa = 0;
		const struct acpi_hdr *t;

		memcpy(&pa, e + off, step);
		t = phys_to_virt(pa);
		if (!memcmp(t->sig, "APIC", 4) && sum_ok(t, t->len))
			return t;
	}
	return NULL;
}

unsigned acpi_madt_cpus(uint64_t rsdp_pa, uint32_t *ids, unsigned max,
			uint64_t *lapic_pa)
{
	const struct acpi_rsdp *r;
	const struct acpi_hdr *m;
	const uint8_t *p, *end;
	unsigned n = 0;

	if (!rsdp_pa)
		rsdp_pa = rsdp_scan();
	if (!rsdp_pa)
		return 0;
	r = phys_to_virt(rsdp_pa);
	if (memcmp(r->sig, "RSD PTR ", 8) || !sum_ok(r, 20))
		return 0;
	m = find_madt(r);
	if (!m)
		return 0;
	*lapic_pa = *(const uint32_t *)(m + 1);
	p = (const uint8_t *)(m + 1) + 8; /* LAPIC address, flags */
	end = (const uint8_t *)m + m->len;
	for (; p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1]) {
		/* type 0: processor local APIC; flags bit 0: enabled */
		if (p[0] == 0 && p[1] >= 8 && (p[4] & 1) && n < max)
			ids[n++] = p[3];
		if (p[0] == 5 && p[1] >= 12) /* LAPIC address override */
			memcpy(lapic_pa, p + 4, 8);
	}
	return n;
}
