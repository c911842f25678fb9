/* selftest/mm.c: page-table ops on a test address: map, remap, unmap and
 * write-protect a page through the mmu ops, and catch the faults that must
 * follow (the probes' exception-table landing pads record them). */
#include "selftest/selftest.h"
#include "core/mm.h"
#include "core/traps.h"
#include "pv/pvcalls.h"
#include "smp/smp.h"

#ifdef __i386__
/* The first page directory slot past the direct map (layout_32.h). */
#define TEST_VA (DIRECT_MAP_BASE + DIRECT_MAP_END)
#else
/* A PML4 slot nothing else uses, so each run builds fresh tables. */
#define TEST_VA 0xffffc90000000000ull
#endif
#define PATTERN1 0x1111111111111111ull
#define PATTERN2 0x2222222222222222ull
#define PF_PRESENT 1u
#define PF_WRITE 2u
#define PF_FETCH 16u

struct test_map {
	uint64_t p1, p2;
	unsigned long long *pte;
};

static void fill(uint64_t pa, uint64_t v)
{
	uint64_t *p = phys_to_virt(pa);

	for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
		p[i] = v;
}

/* Two filled pages, TEST_VA mapped to the first (tables made on demand). */
static int map_setup(struct ktest_ctx *c, struct test_map *m)
{
	int err;

	m->p1 = pmm_alloc();
	m->p2 = pmm_alloc();
	KTEST_EXPECT(c, m->p1 && m->p2, "out of pages");
	fill(m->p1, PATTERN1);
	fill(m->p2, PATTERN2);
	pv_lazy_mmu_enter();
	err = pt_map(TEST_VA, m->p1, PTE_W);
	pv_lazy_mmu_flush();
	pv_lazy_mmu_leave();
	KTEST_EXPECT(c, !err, "pt_map: error %d", err);
	m->pte = pt_lookup(TEST_VA);
	KTEST_EXPECT(c, m->pte && (pv_pte_val(*m->pte) & PTE_ADDR) == m->p1,
		     "PTE %llx after mapping %llx", m->pte ? *m->pte : 0,
		     (unsigned long long)m->p1);
	return KTEST_PASS;
}

/* Unmaps, frees the now empty tables (pmd/pud/pgd clears) and pages. */
static int map_teardown(struct ktest_ctx *c, struct test_map *m, int r)
{
	if (m->pte && (*m->pte & PTE_P))
		pt_unmap(TEST_VA);
	if (m->pte)
		pt_release(TEST_VA);
	if (m->p1)
		pmm_free(m->p1);
	if (m->p2)
		pmm_free(m->p2);
	if (r == KTEST_PASS && pt_lookup(TEST_VA))
		return ktest_fail(c, "page tables of the test address survive");
	return r;
}

/* Reads TEST_VA; 0 if it holds want. */
static int expect_read(struct ktest_ctx *c, uint64_t want, const char *step)
{
	uint64_t v = 0;
	int err = probe_read_u64((void *)(uintptr_t)TEST_VA, &v);

	KTEST_EXPECT(c, !err && v == want, "%s: read %llx (err %d), want %llx",
		     step, (unsigned long long)v, err,
		     (unsigned long long)want);
	return KTEST_PASS;
}

/* A probe at TEST_VA must fault with this #PF error code. */
static int expect_fault(struct ktest_ctx *c, int write, unsigned err_code)
{
	unsigned before = trap_last_fixup.count;
	uint64_t v;
	int err = write ? probe_write_u64((void *)(uintptr_t)TEST_VA, 1) :
			  probe_read_u64((void *)(uintptr_t)TEST_VA, &v);

	KTEST_EXPECT(c, err == -PV_EFAULT &&
				trap_last_fixup.count == before + 1,
		     "%s did not fault", write ? "write" : "read");
	KTEST_EXPECT(c, trap_last_fixup.vec == 14 &&
				trap_last_fixup.cr2 == TEST_VA &&
				(trap_last_fixup.err & 7) == err_code,
		     "vector %llu cr2 %llx error %llx, want #PF at %llx err %x",
		     (unsigned long long)trap_last_fixup.vec,
		     (unsigned long long)trap_last_fixup.cr2,
		     (unsigned long long)trap_last_fixup.err, TEST_VA,
		     err_code);
	return KTEST_PASS;
}

static int remap_steps(struct ktest_ctx *c, struct test_map *m)
{
	uint64_t *p1 = phys_to_virt(m->p1);
	int r;

	if ((r = expect_read(c, PATTERN1, "mapped")))
		return r;
	pv_set_pte(m->pte, pv_make_pte(m->p2 | PTE_P | PTE_W));
	pv_pte_update(TEST_VA, m->pte);
	pv_flush_tlb_one_user(TEST_VA);
	if ((r = expect_read(c, PATTERN2, "set_pte + flush_one")))
		return r;
	pv_set_pte_at(TEST_VA, m->pte, pv_make_pte(m->p1 | PTE_P | PTE_W));
	pv_flush_tlb_user();
	if ((r = expect_read(c, PATTERN1, "set_pte_at + flush_user")))
		return r;
	KTEST_EXPECT(c, !probe_write_u64((void *)(uintptr_t)(TEST_VA + 8), 7),
		     "write through the mapping faulted");
	KTEST_EXPECT(c, p1[1] == 7, "write did not reach the page (%llx)",
		     (unsigned long long)p1[1]);
	return KTEST_PASS;
}

static int t_map_remap(struct ktest_ctx *c)
{
	struct test_map m = { 0 };
	int r = map_setup(c, &m);

	if (!r)
		r = remap_steps(c, &m);
	return map_teardown(c, &m, r);
}

static int t_unmap_fault(struct ktest_ctx *c)
{
	struct test_map m = { 0 };
	int r = map_setup(c, &m);

	if (!r) {
		pv_pte_clear(TEST_VA, m.pte);
		pv_flush_tlb_kernel();
		r = expect_fault(c, 0, 0);
	}
	if (!r) {
		pv_set_pte(m.pte, pv_make_pte(m.p2 | PTE_P | PTE_W));
		pv_flush_tlb_one_user(TEST_VA);
		r = expect_read(c, PATTERN2, "remapped after the fault");
	}
	return map_teardown(c, &m, r);
}

static int t_readonly_fault(struct ktest_ctx *c)
{
	struct test_map m = { 0 };
	int r = map_setup(c, &m);

	if (!r) {
		/* no PTE_W; CR0.WP is on */
		pv_set_pte(m.pte, pv_make_pte(m.p1 | PTE_P));
		pv_flush_tlb_one_user(TEST_VA);
		r = expect_read(c, PATTERN1, "read-only mapping");
	}
	if (!r)
		r = expect_fault(c, 1, PF_PRESENT | PF_WRITE);
	return map_teardown(c, &m, r);
}

#ifdef __x86_64__ /* W^X: x86-64 only (the i386 kernel's text stays writable) */
/* W^X: text is read-only natively.  The probe writes the bytes already
 * there, so a kernel without W^X is not corrupted by it. */
static int t_wx_text_write(struct ktest_ctx *c)
{
	volatile void *p = (volatile void *)(uintptr_t)t_wx_text_write;
	uint64_t v = *(volatile uint64_t *)p;
	unsigned before = trap_last_fixup.count;
	char where[96];

	KTEST_EXPECT(c, probe_write_u64(p, v) == -PV_EFAULT,
		     "a write to text did not fault");
	ksym_format(where, sizeof(where), trap_last_fixup.cr2);
	KTEST_EXPECT(c, trap_last_fixup.count == before + 1 &&
				trap_last_fixup.vec == 14 &&
				(trap_last_fixup.err & (PF_PRESENT | PF_WRITE)) ==
					(PF_PRESENT | PF_WRITE) &&
				trap_last_fixup.cr2 == (uint64_t)p,
		     "fault %llu err %llx at %s",
		     (unsigned long long)trap_last_fixup.vec,
		     (unsigned long long)trap_last_fixup.err, where);
	printk("# wx: write to text faulted at %s (#PF err 0x%llx)\n", where,
	       (unsigned long long)trap_last_fixup.err);
	return KTEST_PASS;
}

/* A ret in .data: NX natively, so the call faults on the fetch. */
extern uint8_t selftest_exec_buf[16];
uint8_t selftest_exec_buf[16] = { 0xc3 };

/* One copy only: its extable entry names the buffer, not the call. */
static __noinline int probe_exec(void)
{
	int err = 0;

	__asm__ volatile("call *%[buf]\n"
			 "2:\n\t"
			 ".pushsection .fixup, \"ax\"\n"
			 "3:\taddq $8, %%rsp\n\t" /* the call's return address */
			 "movl %[efault], %[err]\n\t"
			 "jmp 2b\n\t"
			 ".popsection\n\t" EXTABLE("selftest_exec_buf", "3b")
			 : [err] "+r"(err)
			 : [buf] "r"(selftest_exec_buf), [efault] "i"(-PV_EFAULT)
			 : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10",
			   "r11", "memory");
	return err;
}

static int t_wx_data_exec(struct ktest_ctx *c)
{
	char where[96];

	KTEST_EXPECT(c, probe_exec() == -PV_EFAULT,
		     "executing data did not fault");
	ksym_format(where, sizeof(where), trap_last_fixup.rip);
	KTEST_EXPECT(c, trap_last_fixup.vec == 14 &&
				(trap_last_fixup.err & PF_FETCH) &&
				trap_last_fixup.cr2 ==
					(uint64_t)selftest_exec_buf,
		     "fault %llu err %llx at %s",
		     (unsigned long long)trap_last_fixup.vec,
		     (unsigned long long)trap_last_fixup.err, where);
	/* ksyms names text only: the data address and who called it */
	ksym_format(where, sizeof(where), (uint64_t)probe_exec);
	printk("# wx: executing data at %llx (selftest_exec_buf, called from "
	       "%s) faulted (#PF err 0x%llx)\n",
	       (unsigned long long)trap_last_fixup.cr2, where,
	       (unsigned long long)trap_last_fixup.err);
	return KTEST_PASS;
}

#endif

/* What each other CPU reads at TEST_VA (smp_call_others). */
static volatile uint64_t seen[SMP_MAX_CPUS];

static void read_test_va(void *arg)
{
	(void)arg;
	seen[smp_cpu_id()] = *(volatile uint64_t *)(uintptr_t)TEST_VA;
}

static int others_read(struct ktest_ctx *c, uint64_t want, const char *when)
{
	memset((void *)seen, 0, sizeof(seen));
	smp_call_others(read_test_va, NULL);
	for (unsigned i = 1; i < SMP_MAX_CPUS; i++)
		KTEST_EXPECT(c, !smp_percpu[i].online || seen[i] == want,
			     "cpu %u read %llx %s, want %llx", i,
			     (unsigned long long)seen[i], when,
			     (unsigned long long)want);
	return KTEST_PASS;
}

/* TLB shootdown by IPI: after a remap every CPU reads the new page, though
 * each had the old translation cached. */
static int t_tlb_shootdown(struct ktest_ctx *c)
{
	struct test_map m = { 0 };
	int r;

	r = map_setup(c, &m);
	if (!r)
		r = others_read(c, PATTERN1, "first");
	if (!r) {
		pv_set_pte(m.pte, pv_make_pte(m.p2 | PTE_P | PTE_W));
		pv_flush_tlb_one_user(TEST_VA);
		smp_flush_tlb_others(TEST_VA);
		r = others_read(c, PATTERN2, "after the shootdown");
	}
	r = map_teardown(c, &m, r);
	smp_flush_tlb_others(TEST_VA); /* none keeps the freed tables */
	return r;
}

/* Where a claim does not hold, why (the test is then not run). */
static const char *one_cpu(void)
{
	return smp_nr_cpus() < 2 ? "one CPU" : NULL;
}

#ifdef __x86_64__
static const char *text_writable(void)
{
	return paging_text_ro() ? NULL :
		"text writable: this platform has no way to alias it";
}

static const char *no_nx(void)
{
	return pte_nx ? NULL : "no NX on this platform or CPU";
}
#endif

static const struct ktest mm_tests[] = {
	{ .name = "mm_tlb_shootdown", .fn = t_tlb_shootdown,
	  .why_not = one_cpu },
#ifdef __x86_64__
	{ .name = "wx_text_write", .fn = t_wx_text_write,
	  .why_not = text_writable },
	{ .name = "wx_data_exec", .fn = t_wx_data_exec, .why_not = no_nx },
#endif
	{ .name = "mm_map_remap", .fn = t_map_remap },
	{ .name = "mm_unmap_fault", .fn = t_unmap_fault },
	{ .name = "mm_readonly_fault", .fn = t_readonly_fault },
};
KTEST_LIST(selftest_mm_tests, mm_tests);
