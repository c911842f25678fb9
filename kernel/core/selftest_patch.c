/* selftest_patch.c: per-mode checks of the patched text: every site holds
 * what the planner says, callee-save sites keep their registers.  (PV=n:
 * both lists, and selftest_corrupt.c's, skip.) */
#include "core/selftest.h"
#include "core/mm.h"
#include "core/pvboot.h"
#include "pv/pvcalls.h"

#ifdef PV_NO_PARAVIRT
static int t_no_sites(struct ktest_ctx *c)
{
	return ktest_skip(c, "PV=n: no sites");
}

static const struct ktest site_tests[] = {
	{ "text_is_plan", t_no_sites },
	{ "callee_regs", t_no_sites },
};
static const struct ktest patch_tests[] = {
	{ "corrupt_records", t_no_sites },
	{ "corrupt_headers", t_no_sites },
	{ "corrupt_site_bytes", t_no_sites },
	{ "text_hash_roundtrip", t_no_sites },
};
#else
struct pv_site_ref selftest_site_ref(const struct pv_site *r)
{
	struct pv_site_ref s = { pv_site_addr(r), r->op, r->len, r->flags };

	return s;
}

const struct pv_site *selftest_records(unsigned *n)
{
	const struct pvboot_state *st = pvboot_state();

	*n = st->hdr->count;
	return (const struct pv_site *)(st->hdr + 1);
}

/* Every site holds exactly the bytes the planner gives for this mode. */
static int t_text_is_plan(struct ktest_ctx *c)
{
	const struct pvboot_state *st = pvboot_state();
	unsigned n, bad = 0, strat[PV_NR_STRATS] = { 0 };
	const struct pv_site *r = selftest_records(&n);
	uint64_t first = 0;

	unsigned units = 0;

	for (unsigned i = 0; i < n; units++) {
		struct pv_site_ref s;
		struct pv_native_ref nr;
		struct pv_plan p, call;

		i += pv_plan_record(
		    &r[i], (uint64_t)(uintptr_t)&r[i], n - i, st->be, st->mem,
		    (enum pv_patch_mode)st->mode, &s, &p, &nr, &call);
		strat[p.strategy]++;
		if ((memcmp((const void *)(uintptr_t)s.addr, p.bytes, s.len) ||
		     (call.len && memcmp((const void *)(uintptr_t)nr.call.addr,
					 call.bytes, call.len))) &&
		    !bad++)
			first = s.addr;
	}
	KTEST_EXPECT(c, !bad, "%u of %u sites differ from their plan, first "
		     "at %llx", bad, units, (unsigned long long)first);
	KTEST_EXPECT(c, st->mode != PV_PATCH_NOPATCH ||
				strat[PV_STRAT_INDIRECT] == units,
		     "nopatch mode plans %u non-indirect sites",
		     units - strat[PV_STRAT_INDIRECT]);
	n = strat[PV_STRAT_INLINE] + strat[PV_STRAT_BODY];
	KTEST_EXPECT(c, st->mode != PV_PATCH_NOINLINE || !n,
		     "noinline mode plans %u inline sites", n);
	return KTEST_PASS;
}

/*
 * Runs a CALLEE-class site with known values in every register the class
 * keeps, and stores them after the call: whatever the site became, only
 * %rax may differ.  The asm is a real annotated site, patched like others.
 */
#ifdef __i386__
#include "arch/i386/callee_probe_32.h" /* %ecx %esi %edi */
#else
#define PROBE_LOAD                                                             \
	"movq $0x1001, %%rcx\n\tmovq $0x1002, %%rdx\n\t"                      \
	"movq $0x1003, %%rsi\n\tmovq %[rdi], %%rdi\n\t"                       \
	"movq $0x1008, %%r8\n\tmovq $0x1009, %%r9\n\t"                        \
	"movq $0x1010, %%r10\n\tmovq $0x1011, %%r11\n"
#define PROBE_STORE                                                            \
	"movq %%rcx, 0(%[o])\n\tmovq %%rdx, 8(%[o])\n\t"                      \
	"movq %%rsi, 16(%[o])\n\tmovq %%rdi, 24(%[o])\n\t"                    \
	"movq %%r8, 32(%[o])\n\tmovq %%r9, 40(%[o])\n\t"                      \
	"movq %%r10, 48(%[o])\n\tmovq %%r11, 56(%[o])"
#define CALLEE_PROBE(op, di, out)                                              \
	do {                                                                   \
		PV__SP;                                                        \
		__asm__ volatile(PROBE_LOAD PV__SITE PROBE_STORE               \
				 : "+r"(pv__sp)                                \
				 : [o] "b"(out), [rdi] "r"((uint64_t)(di)),    \
				   PV__SITE_OPS(op, PV_CLASS_CALLEE)           \
				 : "rax", "rcx", "rdx", "rsi", "rdi", "r8",    \
				   "r9", "r10", "r11", "memory", "cc");        \
	} while (0)

static int regs_kept(const uint64_t *out, uint64_t di)
{
	static const uint64_t want[8] = { 0x1001, 0x1002, 0x1003, 0,
					  0x1008, 0x1009, 0x1010, 0x1011 };

	for (unsigned i = 0; i < 8; i++)
		if (out[i] != (i == 3 ? di : want[i]))
			return 0;
	return 1;
}
#endif

static int t_callee_regs(struct ktest_ctx *c)
{
	uint64_t out[8];
	unsigned long f = pv_irq_save_fl();
	int ok = 1;

	CALLEE_PROBE(irq_disable, 0x1007, out);
	ok &= regs_kept(out, 0x1007);
	CALLEE_PROBE(irq_enable, 0x1007, out);
	ok &= regs_kept(out, 0x1007);
	CALLEE_PROBE(irq_restore_fl, f, out);
	ok &= regs_kept(out, f);
	CALLEE_PROBE(irq_save_fl, 0x1007, out);
	ok &= regs_kept(out, 0x1007);
	CALLEE_PROBE(swapgs, 0x1007, out);
	ok &= regs_kept(out, 0x1007);
	CALLEE_PROBE(swapgs, 0x1007, out);
	ok &= regs_kept(out, 0x1007);
	CALLEE_PROBE(make_pte, paging_root() | PTE_P, out);
	ok &= regs_kept(out, paging_root() | PTE_P);
	CALLEE_PROBE(pte_val, paging_root() | PTE_P, out);
	ok &= regs_kept(out, paging_root() | PTE_P);
	KTEST_EXPECT(c, ok, "a callee-save site changed a register other "
		     "than rax");
	return KTEST_PASS;
}

static const struct ktest site_tests[] = {
	{ "text_is_plan", t_text_is_plan },
	{ "callee_regs", t_callee_regs },
};
#endif
KTEST_LIST(selftest_site_tests, site_tests);
#ifdef PV_NO_PARAVIRT
KTEST_LIST(selftest_patch_tests, patch_tests);
#endif
