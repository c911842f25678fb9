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
	uint64_t ks = (uint64_t)_kernel_start - KERNEL_VIRT_BASE;
	uint64_t ke = ALIGN_UP((uint64_t)_end - KERNEL_VIRT_BASE, PAGE_SIZE);

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

/*
 * n physically contiguous zeroed pages from the never-used part of the
 * current range (early in a run almost all of RAM), or 0.
 */
uint64_t pmm_alloc_contig(unsigned long n)
{
	uint64_t pa = bump;

	if (!n || cur_range >= nr_ranges ||
	    ranges[cur_range].end - bump < n * PAGE_SIZE)
		return 0;
	bump += n * PAGE_SIZE;
	nr_free -= n;
	for (unsigned long i = 0; i < n; i++)
		memset(phys_to_virt(pa + i * PAGE_SIZE), 0, PAGE_SIZE);
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

/* What memtest writes into word i of the k-th page it took. */
static uint64_t memtest_word(uint64_t k, unsigned i)
{
	return (k << 32 | i) ^ 0x5a5aa5a5c3c33c3cull;
}

static int memtest_check(const uint64_t *p, uint64_t k, uint64_t pa)
{
	for (unsigned i = 1; i < PAGE_SIZE / 8; i++) {
		if (p[i] != memtest_word(k, i)) {
			printk("memtest: FAIL page %llx word %u: %llx, expected "
			       "%llx\n", (unsigned long long)pa, i,
			       (unsigned long long)p[i],
			       (unsigned long long)memtest_word(k, i));
			return -PV_EIO;
		}
	}
	return 0;
}

/*
 * Takes every free page, fills each with a pattern of its own (the
 * order it was taken in), then reads them all back and frees them: a
 * page handed out twice, or one that is not ours any more, shows.
 * Word 0 links the pages.  Returns 0 or -PV_EIO; prints the verdict.
 */
int pmm_memtest(void)
{
	uint64_t head = 0, n = 0, want = nr_free, pa;
	int err = 0;

	while ((pa = pmm_alloc())) {
		uint64_t *p = phys_to_virt(pa);

		p[0] = head;
		for (unsigned i = 1; i < PAGE_SIZE / 8; i++)
			p[i] = memtest_word(n, i);
		head = pa;
		n++;
	}
	for (uint64_t k = n; head; head = pa) {
		const uint64_t *p = phys_to_virt(head);

		pa = p[0];
		if (!err)
			err = memtest_check(p, --k, head);
		pmm_free(head);
	}
	if (!err && n != want) {
		printk("memtest: FAIL pages=%llu, the allocator counted %llu "
		       "free\n", (unsigned long long)n,
		       (unsigned long long)want);
		err = -PV_EIO;
	}
	if (!err)
		printk("memtest: PASS pages=%llu\n", (unsigned long long)n);
	return err;
}
