/* hcall.c: hypercall sites (pv/sites.h): a backend's direct calls into its
 * hypercall page, made inline where the backend names its instruction. */
#include "patch.h"
#include "pv/errno.h"

/* The site as built: call into the slot, then the canonical NOPs. */
static int hcall_built(uint8_t *b, uint64_t addr, unsigned nr, unsigned len,
		       const struct pv_backend *be)
{
	if (!be->hypercall_page || nr >= PV_HYPERCALL_PAGE_SLOTS ||
	    len < 5 || len > PV_SITE_MAX ||
	    pv_emit_call(b, addr, be->hypercall_page + 32u * nr) < 0)
		return -PV_EINVAL;
	pv_nops(b + 5, len - 5);
	return 0;
}

int pv_plan_hcall_site(uint64_t addr, unsigned nr, unsigned len,
		       const struct pv_backend *be, enum pv_patch_mode mode,
		       uint8_t *built, struct pv_plan *p)
{
	uint8_t hc[PV_SITE_MAX];
	int n;

	p->len = (uint8_t)len;
	p->reason = PV_R_OK;
	if (hcall_built(built, addr, nr, len, be)) {
		p->reason = PV_R_BAD_RECORD;
		return -PV_EINVAL;
	}
	for (unsigned i = 0; i < len; i++)
		p->bytes[i] = built[i];
	p->strategy = PV_STRAT_DIRECT;
	p->used = 5;
	if (mode != PV_PATCH_FULL) {
		p->reason = mode == PV_PATCH_NOPATCH ? PV_R_MODE_NOPATCH :
						       PV_R_MODE_NOINLINE;
		return 0;
	}
	n = pv_emit_hypercall(hc, len, nr, 0, 0, 0, be->hcall_insn,
			      be->hcall_insn_len);
	if (n < 0) {
		p->reason = n == -PV_E2BIG ? PV_R_HYPERCALL_TOO_LONG :
					     PV_R_NO_HYPERCALL;
		return 0;
	}
	struct pv_code c = { hc, addr, (uint32_t)n };

	n = pv_emit_padded(p->bytes, addr, &c, (unsigned)n, len);
	if (n < 0)
		return 0;
	pv_nops(p->bytes + n, len - (unsigned)n);
	p->used = (uint8_t)n;
	p->strategy = PV_STRAT_HYPERCALL;
	return 0;
}

int pv_patch_hcall_sites(uint64_t start, uint64_t end,
			 const struct pv_backend *be, const struct pv_mem *m,
			 enum pv_patch_mode mode, struct pv_hcall_stats *st)
{
	if (end < start || (end - start) % sizeof(struct pv_hcall_site))
		return -PV_EINVAL;
	if (!be->hypercall_page) { /* not this backend's sites: left alone */
		st->sites += (uint32_t)((end - start) / sizeof(struct pv_hcall_site));
		return 0;
	}
	for (uint64_t a = start; a < end; a += sizeof(struct pv_hcall_site)) {
		const struct pv_hcall_site *r =
			(const void *)m->ptr(m->ctx, a, sizeof(*r));
		uint8_t built[PV_SITE_MAX];
		struct pv_plan p;
		uint64_t addr;

		if (!r)
			return -PV_EFAULT;
		addr = a + (uint64_t)(int64_t)r->offset;
		st->sites++;
		if (pv_plan_hcall_site(addr, r->nr, r->len, be, mode, built,
				       &p) ||
		    pv_poke(m, addr, built, p.bytes, r->len, 0, 0)) {
			st->refused++;
			continue;
		}
		st->inline_ += p.strategy == PV_STRAT_HYPERCALL;
	}
	return 0;
}
