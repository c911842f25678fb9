/* plan.c: the planner.  For one site it tries, in order: backend template,
 * inlined body, inline hypercall, direct call; else the indirect call stays.
 * Pure function of its inputs, so re-planning reproduces a site's bytes. */
#include "patch.h"
#include "pv/errno.h"

static uint16_t site_clobbers(const struct pv_site_ref *s)
{
	return pv_class_clobbers(s->flags & PV_SITE_CLASS_MASK);
}

static int record_ok(const struct pv_site_ref *s)
{
	return s->op < PV_NR_OPS && s->len >= PV_SITE_MIN &&
	       s->len <= PV_SITE_MAX && !(s->flags & ~PV_SITE_FLAGS_KNOWN) &&
	       !(s->flags & (PV_SITE_NATIVE | PV_SITE_ABI | PV_SITE_STUB)) &&
	       (s->flags & PV_SITE_CLASS_MASK) == pv_op_class(s->op);
}

static int try_template(const struct pv_site_ref *s, const struct pv_backend *be,
			const struct pv_op_impl *im, struct pv_plan *p)
{
	int n;

	if (!im->tmpl.len)
		return PV_R_NO_TEMPLATE;
	if (im->tmpl_reason) /* elfscan's verdict (exception-table entry) */
		return im->tmpl_reason;
	if (im->tmpl_features & ~be->cpu_features)
		return PV_R_CPU_FEATURE;
	if (im->tmpl.len > s->len)
		return PV_R_TEMPLATE_TOO_LONG;
	if (im->tmpl_clobbers & ~site_clobbers(s))
		return PV_R_TEMPLATE_CLOBBERS;
	n = pv_emit_padded(p->bytes, s->addr, &im->tmpl, im->tmpl.len, s->len);
	if (n < 0)
		return PV_R_TEMPLATE_RELOC;
	p->used = (uint8_t)n;
	return 0;
}

static int try_body(const struct pv_site_ref *s, const struct pv_op_impl *im,
		    struct pv_plan *p)
{
	int n;

	if (!im->body.len)
		return PV_R_NO_BODY;
	if (im->fact) {
		/* elfscan's verdict, for the site length it was built for */
		if (im->fact_reason)
			return im->fact_reason;
		n = im->fact_len > s->len ? -PV_R_BODY_TOO_LONG : im->fact_len;
	} else {
		n = pv_inline_check(&im->body, s->flags & PV_SITE_CLASS_MASK,
				    s->len);
	}
	if (n < 0)
		return -n;
	n = pv_emit_padded(p->bytes, s->addr, &im->body, (unsigned)n, s->len);
	if (n < 0)
		return PV_R_BODY_RELOC;
	p->used = (uint8_t)n;
	return 0;
}

/* The hypercall inline; if too long and the arguments are already in
 * place, a call into the hypercall page's slot for it. */
static int try_hypercall(const struct pv_site_ref *s, const struct pv_backend *be,
			 const struct pv_op_impl *im, struct pv_plan *p)
{
	uint32_t nr = (uint32_t)im->hypercall;
	uint8_t hc[PV_SITE_MAX];
	int n;

	if (im->hypercall < 0 || !be->hcall_insn_len)
		return PV_R_NO_HYPERCALL;
	if ((s->flags & PV_SITE_CLASS_MASK) != PV_CLASS_CALLER ||
	    pv_hypercall_writes(im->hypercall_args, im->hypercall_nconst) &
		    ~pv_class_clobbers(PV_CLASS_CALLER))
		return PV_R_HYPERCALL_CLOBBERS;
	n = pv_emit_hypercall(hc, s->len, nr, im->hypercall_args,
			      im->hypercall_nconst, im->hypercall_konst,
			      be->hcall_insn, be->hcall_insn_len);
	if (n > 0) {
		struct pv_code c = { hc, s->addr, (uint32_t)n };

		n = pv_emit_padded(p->bytes, s->addr, &c, (unsigned)n, s->len);
		if (n < 0)
			return PV_R_HYPERCALL_TOO_LONG;
		p->used = (uint8_t)n;
		return 0;
	}
	if (!be->hypercall_page || im->hypercall_args >= 4 ||
	    im->hypercall_nconst)
		return PV_R_HYPERCALL_TOO_LONG;
	if (nr >= PV_HYPERCALL_PAGE_SLOTS)
		return PV_R_HYPERCALL_NR;
	if (pv_emit_call(p->bytes, s->addr, be->hypercall_page + 32u * nr) < 0)
		return PV_R_CALL_RANGE;
	p->used = 5;
	return 0;
}

static int try_direct(const struct pv_site_ref *s, const struct pv_op_impl *im,
		      struct pv_plan *p)
{
	if (!im->func)
		return PV_R_NO_FUNC;
	if (pv_emit_call(p->bytes, s->addr, im->func) < 0)
		return PV_R_CALL_RANGE;
	p->used = 5;
	return 0;
}

/* "Not available" refusals explain less than a real one; keep the best. */
static void note_refusal(struct pv_plan *p, int r)
{
	int weak = r == PV_R_NO_TEMPLATE || r == PV_R_NO_BODY ||
		   r == PV_R_NO_HYPERCALL;

	if (p->reason == PV_R_OK || (!weak && (p->reason == PV_R_NO_TEMPLATE ||
					       p->reason == PV_R_NO_BODY ||
					       p->reason == PV_R_NO_HYPERCALL)))
		p->reason = (uint8_t)r;
}

static int choose(const struct pv_site_ref *s, const struct pv_backend *be,
		  enum pv_patch_mode mode, struct pv_plan *p)
{
	const struct pv_op_impl *im = &be->op[s->op];
	int r;

	if (mode == PV_PATCH_FULL) {
		if (!(r = try_template(s, be, im, p)))
			return PV_STRAT_INLINE;
		note_refusal(p, r);
		if (!(r = try_body(s, im, p)))
			return PV_STRAT_BODY;
		note_refusal(p, r);
		if (!(r = try_hypercall(s, be, im, p)))
			return PV_STRAT_HYPERCALL;
		note_refusal(p, r);
	} else {
		note_refusal(p, PV_R_MODE_NOINLINE);
	}
	if (!(r = try_direct(s, im, p)))
		return PV_STRAT_DIRECT;
	p->reason = (uint8_t)r; /* what left the site indirect */
	return PV_STRAT_INDIRECT;
}

int pv_plan_replace(const struct pv_site_ref *s, const struct pv_backend *be,
		    struct pv_plan *p)
{
	for (unsigned i = 0; i < PV_SITE_MAX; i++)
		p->bytes[i] = 0;
	p->len = s->len;
	p->used = 0;
	p->reason = PV_R_OK;
	if (s->op >= PV_NR_OPS || s->len > PV_SITE_MAX)
		return PV_STRAT_INDIRECT;
	p->strategy = (uint8_t)choose(s, be, PV_PATCH_FULL, p);
	if (p->strategy != PV_STRAT_INDIRECT)
		pv_nops(p->bytes + p->used, s->len - p->used);
	return p->strategy;
}

void pv_plan_site(const struct pv_site_ref *s, const struct pv_backend *be,
		  enum pv_patch_mode mode, struct pv_plan *p)
{
	for (unsigned i = 0; i < PV_SITE_MAX; i++)
		p->bytes[i] = 0;
	p->len = s->len;
	p->used = 0;
	p->reason = PV_R_OK;
	if (!record_ok(s)) {
		p->strategy = PV_STRAT_INDIRECT;
		p->reason = PV_R_BAD_RECORD;
		return;
	}
	if (mode == PV_PATCH_NOPATCH) {
		p->strategy = PV_STRAT_INDIRECT;
		p->reason = PV_R_MODE_NOPATCH;
	} else {
		p->strategy = (uint8_t)choose(s, be, mode, p);
	}
	if (p->strategy == PV_STRAT_INDIRECT) {
		pv_emit_indirect(p->bytes, s->addr, be->ops_addr, s->op, s->len);
		p->used = 6;
		return;
	}
	pv_nops(p->bytes + p->used, s->len - p->used);
}
