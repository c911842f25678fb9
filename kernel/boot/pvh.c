/* pvh.c: the PVH entry's C half: copies what it needs out of struct
 * hvm_start_info (command line, RAM ranges) before low memory is unmapped. */
#include <stdint.h>
#include <xen/arch-x86/hvm/start_info.h>
#include "core/kernel.h"
#include "core/platform.h"
#include "xen/pvh.h"

/* Until paging_init, physical memory below 1 GiB is mapped at -2 GiB. */
static const void *boot_va(uint64_t pa)
{
	return (const void *)(uintptr_t)(pa + KERNEL_VIRT_BASE);
}

static void copy_cmdline(struct boot_info *bi, uint64_t pa)
{
	const char *s;
	unsigned i;

	if (!pa)
		return;
	s = boot_va(pa);
	for (i = 0; i + 1 < BOOT_CMDLINE_MAX && s[i]; i++)
		bi->cmdline[i] = s[i];
	bi->cmdline[i] = 0;
}

static void copy_memmap(struct boot_info *bi, const struct hvm_start_info *si)
{
	const struct hvm_memmap_table_entry *e;

	if (si->version < 1 || !si->memmap_entries) {
#if !defined(PV_NO_PARAVIRT) && defined(__x86_64__)
		/* a PVH Dom0's: Xen gives it by hypercall (PVH is 64-bit) */
		if (xen_pvh && !xen_pvh_memory_map(bi))
			return;
#endif
		bi->error = "start_info has no memory map";
		return;
	}
	e = boot_va(si->memmap_paddr);
	for (uint32_t i = 0; i < si->memmap_entries; i++) {
		if (e[i].type != XEN_HVM_MEMMAP_TYPE_RAM || !e[i].size)
			continue;
		if (bi->nr_ranges == BOOT_MAX_RANGES) {
			bi->error = "memory map has too many RAM ranges";
			return;
		}
		bi->ranges[bi->nr_ranges].start = e[i].addr;
		bi->ranges[bi->nr_ranges].end = e[i].addr + e[i].size;
		bi->nr_ranges++;
	}
}

/* Called by head.S on the boot stack; interrupts off. */
void pvh_main(uint32_t start_info_pa);
void pvh_main(uint32_t start_info_pa)
{
	static struct boot_info bi;
	const struct hvm_start_info *si = boot_va(start_info_pa);

	if (si->magic != XEN_HVM_START_MAGIC_VALUE) {
		bi.platform = platform_detect(0);
		bi.error = "bad hvm_start_info magic";
	} else {
		bi.platform = platform_detect(si->flags);
		copy_cmdline(&bi, si->cmdline_paddr);
		copy_memmap(&bi, si);
		if (si->version >= 1)
			bi.rsdp_pa = si->rsdp_paddr;
	}
	kernel_main(&bi);
}
