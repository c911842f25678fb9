/* pmm.c: the physical page allocator: never-used pages come off the RAM
 * ranges in address order, freed pages go on a list kept in themselves. */
#include "core/kernel.h"
#include "core/mm.h"

#define LOW_MEM_END (1ull << 20) /* BIOS, EBDA, start_info: leave alone */
#define BOOT_MAP_END (1ull << 30) /* what the boot page tables reach */

static struct boot_range ranges[BOOT_MAX_RANGES * 2];
static unsigned nr_ranges, cur_range;
static uint64_t bump, free_head, nr_free, nr_total;
static uint64_t virt_offset = KERNEL_VIRT_BASE; /* boot window at -2 GiB */

void *phys_to_virt(uint64_t pa)
{
	return (void *)(uintptr_t)(pa + virt_offset);
}

/* paging_init has mapped all RAM at DIRECT_MAP_BASE. */
void pmm_use_direct_map(void)
{
	virt_offset = DIRECT_MAP_BASE;
}

static void add_range(uint64_t start, uint64_t end)
{
	start = ALIGN_UP(start, PAGE_SIZE);
	end &= PAGE_MASK;
#ifdef DIRECT_MAP_END /* i386: RAM above the direct map stays unused */
	if (end > DIRECT_MAP_END)
		end = DIRECT_MAP_END;
#endif
	if (start >= end || nr_ranges == ARRAY_SIZE(ranges))
		return;
	ranges[nr_ranges].start = start;
	ranges[nr_ranges].end = end;
	nr_ranges++;
	nr_total += (end - start) / PAGE_SIZE;
}

/* RAM above 1 MiB, less the kernel image, split around it if need be. */
void pmm_init(const struct boot_info *bi)
{
	uint64_t ks = (uint64_t)(uintptr_t)_kernel_start - KERNEL_VIRT_BASE;
	uint64_t ke =
	    ALIGN_UP((uint64_t)(uintptr_t)_end - KERNEL_VIRT_BASE, PAGE_SIZE);

	for (unsigned i = 0; i < bi->nr_ranges; i++) {
		uint64_t s = bi->ranges[i].start, e = bi->ranges[i].end;

		if (s < LOW_MEM_END)
			s = LOW_MEM_END;
		if (s < ke && e > ks) {
			add_range(s, ks);
			add_range(ke, e);
		} else {
			add_range(s, e);
		}
	}
	nr_free = nr_total;
	bump = nr_ranges ? ranges[0].start : 0;
}

static uint64_t take_fresh(void)
{
	while (cur_range < nr_ranges) {
		if (bump < ranges[cur_range].end) {
			bump += PAGE_SIZE;
			return bump - PAGE_SIZE;
		}
		if (++cur_range < nr_ranges)
			bump = ranges[cur_range].start;
	}
	return 0;
}

uint64_t pmm_alloc(void)
{
	uint64_t pa = free_head;

	if (pa)
		free_head = *(uint64_t *)phys_to_virt(pa);
	else
		pa = take_fresh();
	if (!pa)
		return 0;
	if (virt_offset == KERNEL_VIRT_BASE && pa >= BOOT_MAP_END)
		panic("pmm: page %llx beyond the boot map",
		      (unsigned long long)pa);
	nr_free--;
	memset(phys_to_virt(pa), 0, PAGE_SIZE);
	return pa;
}

void pmm_free(uint64_t pa)
{
	*(uint64_t *)phys_to_virt(pa) = free_head;
	free_head = pa;
	nr_free++;
}

uint64_t pmm_free_pages(void)
{
	return nr_free;
}

uint64_t pmm_total_pages(void)
{
	return nr_total;
}
