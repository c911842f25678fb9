/* backend.c: turns what an image holds about one backend (its static ops
 * table, template records, hypercall facts, elfscan's inline facts) into
 * the struct pv_backend the planner reads.  Kernel and pvpatch share it. */
#include "patch.h"
#include "pv/errno.h"

static void add_body(struct pv_op_impl *im, uint64_t func,
		     const struct pv_mem *m)
{
	/* A shorter window near the end of mapped text; see inline.c. */
	for (uint32_t w = PV_BODY_SCAN; w >= 8; w /= 2) {
		const uint8_t *p = m->ptr(m->ctx, func, w);

		if (p) {
			im->body.bytes = p;
			im->body.addr = func;
			im->body.len = w;
			return;
		}
	}
}

static int add_templates(struct pv_backend *be, uint64_t a, uint64_t end,
			 const struct pv_mem *m)
{
	if (end < a || (end - a) % sizeof(struct pv_template))
		return -PV_EINVAL;
	for (; a < end; a += sizeof(struct pv_template)) {
		const struct pv_template *t =
			(const void *)m->ptr(m->ctx, a, sizeof(*t));
		struct pv_op_impl *im;
		uint64_t code;

		if (!t)
			return -PV_EFAULT;
		if (t->backend != be->id)
			continue;
		if (t->op >= PV_NR_OPS || t->len > PV_TEMPLATE_MAX ||
		    (t->features & ~PV_FEAT_ALL))
			return -PV_EINVAL; /* a feature this planner cannot check */
		im = &be->op[t->op];
		if (im->tmpl.len)
			return -PV_EEXIST; /* two templates for one op */
		code = a + (uint64_t)(int64_t)t->code;
		im->tmpl.bytes = m->ptr(m->ctx, code, t->len);
		if (!im->tmpl.bytes || !t->len)
			return -PV_EFAULT;
		im->tmpl.addr = code;
		im->tmpl.len = t->len;
		im->tmpl_clobbers = t->clobbers;
		im->tmpl_features = t->features;
	}
	return 0;
}

static int add_hcalls(struct pv_backend *be, uint64_t a, uint64_t end,
		      const struct pv_mem *m)
{
	if (end < a || (end - a) % sizeof(struct pv_hcall))
		return -PV_EINVAL;
	for (; a < end; a += sizeof(struct pv_hcall)) {
		const struct pv_hcall *h =
			(const void *)m->ptr(m->ctx, a, sizeof(*h));

		if (!h)
			return -PV_EFAULT;
		if (h->backend != be->id)
			continue;
		if (h->op >= PV_NR_OPS || h->nr > 0x7fff ||
		    h->nconst > PV_HCALL_MAX_CONST || h->nargs + h->nconst > 5)
			return -PV_EINVAL;
		be->op[h->op].hypercall = (int16_t)h->nr;
		be->op[h->op].hypercall_args = h->nargs;
		be->op[h->op].hypercall_nconst = h->nconst;
		for (unsigned k = 0; k < PV_HCALL_MAX_CONST; k++)
			be->op[h->op].hypercall_konst[k] = h->konst[k];
	}
	return 0;
}

static void add_facts(struct pv_backend *be,
		      const struct pv_inline_facts *facts)
{
	if (!facts || facts->magic != PV_INLINE_MAGIC ||
	    facts->nr_ops != PV_NR_OPS || be->id >= PV_NR_BACKENDS)
		return;
	for (unsigned op = 0; op < PV_NR_OPS; op++) {
		const struct pv_inline_fact *f = &facts->f[be->id][op];

		if (!f->analysed || f->reason >= PV_NR_REASONS ||
		    f->tmpl_reason >= PV_NR_REASONS)
			continue;
		be->op[op].fact = 1;
		be->op[op].fact_reason = f->reason;
		be->op[op].fact_len = f->len;
		be->op[op].tmpl_reason = f->tmpl_reason;
	}
}

int pv_backend_build(struct pv_backend *be, unsigned id, const char *name,
		     uint64_t ops_addr, const uint64_t func[PV_NR_OPS],
		     uint64_t tmpl, uint64_t tmpl_end, uint64_t hc,
		     uint64_t hc_end, const struct pv_inline_facts *facts,
		     const struct pv_mem *m)
{
	int err;

	for (unsigned i = 0; i < sizeof(*be); i++)
		((uint8_t *)be)[i] = 0;
	be->name = name;
	be->id = (uint8_t)id;
	be->ops_addr = ops_addr;
	for (unsigned op = 0; op < PV_NR_OPS; op++) {
		if (!func[op])
			return -PV_ENOENT; /* every backend fills every slot */
		be->op[op].hypercall = -1;
		be->op[op].func = func[op];
		if (func[op])
			add_body(&be->op[op], func[op], m);
	}
	err = add_templates(be, tmpl, tmpl_end, m);
	if (!err)
		err = add_hcalls(be, hc, hc_end, m);
	if (!err)
		add_facts(be, facts);
	return err;
}
