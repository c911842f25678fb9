/* pair.c: native sites (see sites.h): the native backend in full mode keeps
 * the bytes they were built with; any other plan puts a replacement in
 * place or a jmp to the site's stub, whose call site is planned as usual. */
#include "patch.h"
#include "pv/errno.h"

static void put_le32(uint8_t *p, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static int native_record_ok(const struct pv_site *a, const struct pv_site *b)
{
	unsigned cls = a->flags & PV_SITE_CLASS_MASK;

	return a->op < PV_NR_OPS && b->op == a->op &&
	       cls == pv_op_class(a->op) &&
	       !(a->flags & ~PV_SITE_FLAGS_KNOWN) &&
	       !(a->flags & PV_SITE_STUB) &&
	       b->flags == (PV_SITE_STUB | cls) && !b->entry &&
	       a->len >= PV_NATIVE_MIN && a->len <= PV_INSN_LIMIT &&
	       b->len >= PV_SITE_MIN && b->len <= PV_SITE_MAX;
}

int pv_native_ref(const struct pv_site *rec, uint64_t rec_addr, uint32_t left,
		  struct pv_native_ref *n)
{
	const struct pv_site *a = &rec[0], *b = &rec[1];

	if (left < 2 || !native_record_ok(a, b))
		return -PV_EINVAL;
	n->site.addr = rec_addr + (uint64_t)(int64_t)a->offset;
	n->site.op = a->op;
	n->site.len = a->len;
	n->site.flags = a->flags;
	n->call.addr = rec_addr + 8 + (uint64_t)(int64_t)b->offset;
	n->call.op = b->op;
	n->call.len = b->len;
	n->call.flags = b->flags & PV_SITE_CLASS_MASK; /* planned as a call */
	n->entry = n->call.addr - a->entry;
	n->copy = n->entry - a->len;
	return 0;
}

int pv_native_built(const struct pv_native_ref *n, const struct pv_mem *m,
		    uint8_t *out)
{
	struct pv_code c = { m->ptr(m->ctx, n->copy, n->site.len), n->copy,
			     n->site.len };

	if (!c.bytes)
		return -PV_EFAULT;
	/* the copy's PC-relative fields, as they read at the site */
	return pv_emit_code(out, n->site.addr, &c, n->site.len) ==
			       (int)n->site.len ? 0 : -PV_EINVAL;
}

/*
 * The stub's call as built, never reached while the site is: its bytes as
 * they are when they are the original call (gas pads it in its own way
 * beyond 11 bytes), else the canonical one.
 */
static void plan_call_as_built(const struct pv_native_ref *n,
			       const struct pv_backend *be,
			       const struct pv_mem *m, struct pv_plan *call)
{
	const uint8_t *cur = m->ptr(m->ctx, n->call.addr, n->call.len);

	call->strategy = PV_STRAT_INDIRECT;
	call->reason = PV_R_OK;
	call->len = n->call.len;
	call->used = 6;
	for (unsigned i = n->call.len; i < PV_SITE_MAX; i++)
		call->bytes[i] = 0;
	if (cur && pv_site_is_original(cur, n->call.len, n->call.addr,
				       be->ops_addr, n->call.op)) {
		for (unsigned i = 0; i < n->call.len; i++)
			call->bytes[i] = cur[i];
		return;
	}
	pv_emit_indirect(call->bytes, n->call.addr, be->ops_addr, n->call.op,
			 n->call.len);
}

int pv_native_as_built(const struct pv_native_ref *n,
		       const struct pv_backend *be, enum pv_patch_mode mode)
{
	return mode == PV_PATCH_FULL && n->site.op < 64 &&
	       (be->as_built >> n->site.op & 1);
}

/* jmp rel32 to the stub; the rest of the site is never reached. */
static void plan_jmp(const struct pv_native_ref *n, const struct pv_plan *call,
		     struct pv_plan *p)
{
	p->bytes[0] = 0xe9;
	put_le32(p->bytes + 1, (uint32_t)(n->entry - (n->site.addr + 5)));
	for (unsigned i = 5; i < n->site.len; i++)
		p->bytes[i] = 0xcc;
	p->used = 5;
	p->strategy = call->strategy;
	p->reason = call->reason;
}

void pv_plan_native(const struct pv_native_ref *n, const struct pv_backend *be,
		    const struct pv_mem *m, enum pv_patch_mode mode,
		    struct pv_plan *site, struct pv_plan *call)
{
	struct pv_site_ref s = n->site;

	for (unsigned i = 0; i < PV_SITE_MAX; i++)
		site->bytes[i] = 0;
	site->len = n->site.len;
	site->used = n->site.len;
	site->reason = PV_R_OK;
	site->strategy = PV_STRAT_INLINE;
	if (pv_native_as_built(n, be, mode)) {
		plan_call_as_built(n, be, m, call);
		if (pv_native_built(n, m, site->bytes)) {
			site->strategy = PV_STRAT_INDIRECT;
			site->reason = PV_R_BAD_RECORD;
		}
		return;
	}
	pv_plan_site(&n->call, be, mode, call);
	/* in place unless the stub does better (strategies go best first):
	 * jmp, inline sequence, jmp beats call, body, ret */
	s.flags &= PV_SITE_CLASS_MASK;
	if (mode == PV_PATCH_FULL && (n->site.flags & PV_SITE_ABI)) {
		int r = pv_plan_replace(&s, be, site);

		if (r != PV_STRAT_INDIRECT && r <= call->strategy)
			return;
	}
	site->reason = PV_R_OK;
	plan_jmp(n, call, site);
}

unsigned pv_plan_record(const struct pv_site *rec, uint64_t rec_addr,
			uint32_t left, const struct pv_backend *be,
			const struct pv_mem *m, enum pv_patch_mode mode,
			struct pv_site_ref *s, struct pv_plan *p,
			struct pv_native_ref *n, struct pv_plan *call)
{
	s->addr = rec_addr + (uint64_t)(int64_t)rec->offset;
	s->op = rec->op;
	s->len = rec->len;
	s->flags = rec->flags;
	call->len = 0;
	if ((rec->flags & PV_SITE_NATIVE) &&
	    !pv_native_ref(rec, rec_addr, left, n)) {
		pv_plan_native(n, be, m, mode, p, call);
		return 2;
	}
	pv_plan_site(s, be, mode, p);
	return 1;
}
