/* selftest/corrupt.c: what the patcher must refuse: corrupted copies of a
 * real site record, corrupted table headers, corrupted site bytes.  Each
 * time nothing is written and the site still computes the right value. */
#include "selftest/selftest.h"
#include "core/mm.h"
#include "core/pvboot.h"
#include "pv/pvcalls.h"
#include "insn.h"

/* A private one-record table; records are relative, so a copy works. */
static struct {
	struct pv_table_hdr h;
	struct pv_site s;
} mini __attribute__((aligned(16)));

/* The victim: one read_cr4 call site (read_cr3's are native sites),
 * called to see that it still works. */
static __noinline unsigned long victim(void)
{
	return pv_read_cr4();
}

static const struct pv_site *victim_record(void)
{
	unsigned n;
	const struct pv_site *r = selftest_records(&n);
	uint64_t fn = (uint64_t)(uintptr_t)victim;

	for (unsigned i = 0; i < n; i++)
		if (r[i].op == PV_OP_read_cr4 && pv_site_addr(&r[i]) >= fn &&
		    pv_site_addr(&r[i]) < fn + 64)
			return &r[i];
	return NULL;
}

static int victim_works(void)
{
	return victim() == pv_read_cr4();
}

/* Patches the mini table to a mode the site is not in: if the record is
 * wrongly accepted the site's bytes change, which the caller sees. */
static int patch_mini(struct pv_patch_stats *st)
{
	const struct pvboot_state *ps = pvboot_state();
	enum pv_patch_mode to = ps->mode == PV_PATCH_NOPATCH ?
					PV_PATCH_FULL : PV_PATCH_NOPATCH;
	unsigned long f = pv_irq_save();
	int err;

	memset(st, 0, sizeof(*st));
	err =
	    pv_patch_table(&mini.h, (uint64_t)(uintptr_t)&mini.h, sizeof(mini),
			   ps->be, ps->mem, ps->mode, to, st, NULL, NULL);
	pv_irq_restore_fl(f);
	return err;
}

/* Loads mini with a copy of the victim's record and header. */
static int load_mini(struct ktest_ctx *c)
{
	const struct pv_site *r = victim_record();

	KTEST_EXPECT(c, r, "no read_cr4 site found in victim()");
	mini.h = *pvboot_state()->hdr;
	mini.h.count = 1;
	mini.s = *r;
	mini.s.offset =
	    (int32_t)(pv_site_addr(r) - (uint64_t)(uintptr_t)&mini.s);
	return KTEST_PASS;
}

enum corruption { C_OP, C_OFFSET, C_LEN, C_FLAGS, C_CLASS, C_OP_RANGE, C_NR };

static void corrupt(struct pv_site *s, enum corruption k)
{
	switch (k) {
	case C_OP: s->op = PV_OP_read_cr0; break; /* same class, wrong op */
	case C_OFFSET: s->offset += 1; break;
	case C_LEN: s->len -= 1; break;
	case C_FLAGS: s->flags |= 0x80; break;
	case C_CLASS: s->flags ^= PV_SITE_CLASS_MASK; break;
	case C_OP_RANGE: s->op = PV_NR_OPS + 3; break;
	default: break;
	}
}

static int t_corrupt_records(struct ktest_ctx *c)
{
	uint8_t before[PV_SITE_MAX];
	struct pv_patch_stats st;
	int r, err;

	for (int k = 0; k < C_NR; k++) {
		if ((r = load_mini(c)))
			return r;
		memcpy(before, (void *)(uintptr_t)pv_site_addr(&mini.s),
		       mini.s.len);
		corrupt(&mini.s, (enum corruption)k);
		err = patch_mini(&st);
		load_mini(c);
		KTEST_EXPECT(c, !err && st.sites == 1 && st.refused == 1,
			     "corruption %d: err %d, %u sites, %u refused", k,
			     err, st.sites, st.refused);
		KTEST_EXPECT(c,
			     !memcmp(before,
				     (void *)(uintptr_t)pv_site_addr(&mini.s),
				     mini.s.len),
			     "corruption %d: site bytes changed", k);
		KTEST_EXPECT(c, victim_works(), "corruption %d: site broken",
			     k);
	}
	return KTEST_PASS;
}

static int t_corrupt_headers(struct ktest_ctx *c)
{
	static const int want[] = { -PV_EPERM, -PV_ENOEXEC, -PV_EINVAL,
				    -PV_E2BIG };
	uint8_t before[PV_SITE_MAX];
	struct pv_patch_stats st;
	int r, err;

	for (unsigned k = 0; k < ARRAY_SIZE(want); k++) {
		if ((r = load_mini(c)))
			return r;
		memcpy(before, (void *)(uintptr_t)pv_site_addr(&mini.s),
		       mini.s.len);
		if (k == 0)
			mini.h.abi_hash ^= 1; /* built against other ops */
		else if (k == 1)
			mini.h.magic = PV_TABLE_RAW_MAGIC; /* never sealed */
		else if (k == 2)
			mini.h.version++;
		else
			mini.h.count = 2; /* one record more than it holds */
		err = patch_mini(&st);
		KTEST_EXPECT(c, err == want[k] && !st.sites,
			     "header corruption %u: err %d (want %d), %u sites",
			     k, err, want[k], st.sites);
		KTEST_EXPECT(c,
			     !memcmp(before,
				     (void *)(uintptr_t)pv_site_addr(&mini.s),
				     mini.s.len) &&
				 victim_works(),
			     "header corruption %u: site changed or broken", k);
	}
	return KTEST_PASS;
}

/* The first instruction of the site that starts with a cs or ds prefix
 * (the padding prefix.c adds: cs in 64-bit mode, ds in 32-bit mode) gets
 * the other one: the victim, mov %cr4, has no memory operand, so either
 * is ignored.  0, or -1 if no instruction has one. */
static int pad_prefix_swap(uint8_t *b, unsigned len)
{
	unsigned off = 0;

	while (off < len) {
		struct pv_insn in;
		int n = pv_insn_decode(b + off, len - off, pv_code_mode, &in);

		if (n <= 0)
			return -1;
		if (in.nprefixes && (b[off] == 0x2e || b[off] == 0x3e)) {
			b[off] ^= 0x2e ^ 0x3e;
			return 0;
		}
		off += (unsigned)n;
	}
	return -1;
}

/*
 * Replaces the victim site's padding with one-byte NOPs, or swaps its
 * first cs or ds prefix when prefixes pad it: it still works, but it no longer
 * holds what the planner put there, so a re-patch of the real record must
 * refuse to touch it.  The bytes are put back after.
 */
static int t_corrupt_site_bytes(struct ktest_ctx *c)
{
	const struct pvboot_state *ps = pvboot_state();
	uint8_t before[PV_SITE_MAX], odd[PV_SITE_MAX];
	struct pv_patch_stats st;
	struct pv_site_ref s;
	struct pv_plan p;
	int r, err;

	if ((r = load_mini(c)))
		return r;
	s = selftest_site_ref(&mini.s);
	pv_plan_site(&s, ps->be, (enum pv_patch_mode)ps->mode, &p);
	memcpy(before, (void *)(uintptr_t)s.addr, s.len);
	memcpy(odd, before, s.len);
	if (p.used < s.len)
		memset(odd + p.used, 0x90, s.len - p.used);
	else if (pad_prefix_swap(odd, s.len))
		return ktest_skip(c, "victim site has no padding to corrupt");
	if (!memcmp(odd, before, s.len))
		return ktest_skip(c, "victim padding is already 0x90s");
	KTEST_EXPECT(c, !ps->mem->write(ps->mem->ctx, s.addr, odd, s.len),
		     "cannot write the site");
	err = patch_mini(&st);
	r = victim_works();
	ps->mem->write(ps->mem->ctx, s.addr, before, s.len);
	KTEST_EXPECT(c, !err && st.refused == 1, "err %d, %u refused", err,
		     st.refused);
	KTEST_EXPECT(c, r, "site with odd padding broken or re-patched");
	KTEST_EXPECT(c, victim_works(), "site broken after restoring it");
	return KTEST_PASS;
}

/* All the re-patching above must leave exactly the boot-time text. */
static int t_text_hash_roundtrip(struct ktest_ctx *c)
{
	struct pv_summary s;
	uint64_t now = 0;
	int err = pvboot_hash_text(&now);

	pvboot_summary(&s);
	KTEST_EXPECT(c, !err && now == s.text_hash,
		     "text hash %016llx, at boot %016llx (err %d)",
		     (unsigned long long)now,
		     (unsigned long long)s.text_hash, err);
	return KTEST_PASS;
}

static const struct ktest patch_tests[] = {
	{ .name = "corrupt_records", .fn = t_corrupt_records },
	{ .name = "corrupt_headers", .fn = t_corrupt_headers },
	{ .name = "corrupt_site_bytes", .fn = t_corrupt_site_bytes },
	{ .name = "text_hash_roundtrip", .fn = t_text_hash_roundtrip },
};
KTEST_LIST(selftest_patch_tests, patch_tests);
