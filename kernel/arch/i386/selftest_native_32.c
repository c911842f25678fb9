/* selftest_native_32.c: the i386 CALLER native sites that declare no
 * clobbers (pvcalls_32.h) keep %eax %ecx %edx in every mode: as built, or
 * through a stub that must save them around its call. */
#include "core/kernel.h"
#include "bench/bench.h"
#include "selftest/selftest.h"
#include "pv/pvcalls.h"

static volatile unsigned long native_seed[3];
static volatile unsigned long native_in, native_out;
static volatile unsigned long long *volatile native_pte;
static volatile unsigned long long native_pte_val;

/*
 * A probe holds the seeds in %eax %ecx %edx across one site: the empty
 * asm statements pin them there before and after it, and the site's asm
 * tells the compiler they survive, so it keeps them where they are.
 * Returns the bits that changed.
 */
#define NATIVE_PROBE(name, site)                                               \
	static __noinline unsigned long name(void)                             \
	{                                                                      \
		register unsigned long a __asm__("eax") = native_seed[0];      \
		register unsigned long c __asm__("ecx") = native_seed[1];      \
		register unsigned long d __asm__("edx") = native_seed[2];      \
                                                                               \
		__asm__ volatile("" : "+r"(a), "+r"(c), "+r"(d));              \
		site;                                                          \
		__asm__ volatile("" : "+r"(a), "+r"(c), "+r"(d));              \
		return (a ^ native_seed[0]) | (c ^ native_seed[1]) |           \
		       (d ^ native_seed[2]);                                   \
	}
NATIVE_PROBE(probe_read_cr3, native_out = pv_read_cr3())
NATIVE_PROBE(probe_write_cr3, pv_write_cr3(native_in))
NATIVE_PROBE(probe_set_pte, pv_set_pte((unsigned long long *)native_pte,
				       native_pte_val))
NATIVE_PROBE(probe_flush_one, pv_flush_tlb_one_user(native_in))

static int native_probe(struct ktest_ctx *c, const char *op,
			unsigned long (*probe)(void))
{
	unsigned long changed;

	for (unsigned i = 0; i < 3; i++)
		native_seed[i] = 0x5a5a0000ul | (i + 1) << 8 | i;
	changed = probe();
	KTEST_EXPECT(c, !changed, "%s: %%eax %%ecx %%edx bits %lx changed", op,
		     changed);
	return KTEST_PASS;
}

/* Each of the four, written with the value it already has. */
int selftest_native_regs(struct ktest_ctx *c)
{
	struct bench_arg a = { 0 };
	int r = native_probe(c, "read_cr3", probe_read_cr3);

	native_in = native_out;
	if (!r)
		r = native_probe(c, "write_cr3", probe_write_cr3);
	if (r)
		return r;
	if ((r = bench_map_scratch(&a)))
		return ktest_fail(c, "scratch mapping: error %d", r);
	native_pte = a.pte;
	native_pte_val = a.pte_val;
	native_in = (unsigned long)a.va;
	r = native_probe(c, "set_pte", probe_set_pte);
	if (!r)
		r = native_probe(c, "flush_tlb_one_user", probe_flush_one);
	bench_unmap_scratch(&a);
	return r;
}
