/* mm.h: physical pages (pmm.c) and page tables built and changed only
 * through the pv mmu ops (paging.c). */
#ifndef MM_H
#define MM_H

#include <stdint.h>

struct boot_info;

#define PTE_P 0x001ull
#define PTE_W 0x002ull
#define PTE_U 0x004ull
#define PTE_PWT 0x008ull /* PWT|PCD: uncached (PAT entry 3), for MMIO */
#define PTE_PCD 0x010ull
#define PTE_A 0x020ull
#define PTE_D 0x040ull
#define PTE_PS 0x080ull
#define PTE_G 0x100ull
#define PTE_ADDR 0x000ffffffffff000ull
#define PTE_NX (1ull << 63)
#define CR4_PGE 0x80ul
#define LARGE_PAGE_SIZE (2ull << 20)
/* Kernel addresses of device and alias mappings (nothing else is here). */
#define MMIO_VA_BASE 0xffffcb0000000000ull /* not the selftests' or bench's */

/* pmm.c */
void pmm_init(const struct boot_info *bi);
uint64_t pmm_alloc(void); /* a zeroed page's physical address, or 0 */
void pmm_free(uint64_t pa);
uint64_t pmm_alloc_contig(unsigned long n); /* early: fresh pages, or 0 */
int pmm_memtest(void); /* every free page written, read back; prints */
uint64_t pmm_free_pages(void);
uint64_t pmm_total_pages(void);
void *phys_to_virt(uint64_t pa);
void pmm_use_direct_map(void);

/* paging.c */
int paging_init(const struct boot_info *bi);
int pt_map(uint64_t va, uint64_t pa, uint64_t flags);
int pt_unmap(uint64_t va);
unsigned long long *pt_lookup(uint64_t va);
int pt_release(uint64_t va);
int pt_reserve(uint64_t va); /* the tables down to va's PTE, made now */
uint64_t paging_root(void);
/* PTE_NX where EFER.NXE is on (natively, when the CPU has NX), else 0. */
extern uint64_t pte_nx;
/* W^X (natively): 1 if text is read-only; writes to it go through here. */
int paging_text_ro(void);
void paging_text_write(uint64_t addr, const uint8_t *buf, uint32_t len);
/* Keep the alias mapped across many writes (nests). */
void paging_text_open(void);
void paging_text_close(void);
#endif /* MM_H */
