/* table.c: the table walker: checks the sealed site table, then plans and
 * pokes each site in address order, counting every outcome. */
#include "patch.h"
#include "pv/errno.h"

int pv_table_check(const struct pv_table_hdr *h, uint64_t avail_bytes)
{
	if (avail_bytes < sizeof(*h))
		return -PV_EINVAL;
	if (h->magic == PV_TABLE_RAW_MAGIC)
		return -PV_ENOEXEC; /* linked but never sealed by elfscan */
	if (h->magic != PV_TABLE_MAGIC || h->version != PV_TABLE_VERSION ||
	    h->hdr_len != sizeof(*h))
		return -PV_EINVAL;
	if (h->site_len < PV_SITE_MIN || h->site_len > PV_SITE_MAX)
		return -PV_EINVAL;
	if (h->count > (avail_bytes - sizeof(*h)) / sizeof(struct pv_site))
		return -PV_E2BIG;
	if (h->abi_hash != pv_ops_abi_hash())
		return -PV_EPERM; /* built against another op table */
	return 0;
}

struct walk {
	const struct pv_table_hdr *hdr;
	const struct pv_backend *be;
	const struct pv_mem *m;
	int from;
	enum pv_patch_mode to;
	uint64_t next_free; /* first address after the previous site */
	struct pv_patch_stats *st;
};

static void count(struct walk *w, const struct pv_site_ref *s,
		  const struct pv_plan *p, int refused)
{
	w->st->sites++;
	w->st->strat[p->strategy]++;
	if (s->op < PV_NR_OPS)
		w->st->per_op[s->op][p->strategy]++;
	w->st->reasons[p->reason]++;
	if (refused)
		w->st->refused++;
}

/* Refuses a site: it keeps whatever it holds, which is still correct. */
static void refuse(struct pv_plan *p, unsigned reason)
{
	p->strategy = PV_STRAT_INDIRECT;
	p->reason = (uint8_t)reason;
}

static int patch_one(struct walk *w, const struct pv_site_ref *s,
		     struct pv_plan *p)
{
	struct pv_plan old;
	int err;

	pv_plan_site(s, w->be, w->to, p);
	if (p->reason == PV_R_BAD_RECORD || s->len != w->hdr->site_len ||
	    s->addr < w->next_free || !w->m->ptr(w->m->ctx, s->addr, s->len)) {
		refuse(p, PV_R_BAD_RECORD);
		return -PV_EINVAL;
	}
	w->next_free = s->addr + s->len;
	if (w->from >= 0)
		pv_plan_site(s, w->be, (enum pv_patch_mode)w->from, &old);
	err = pv_poke(w->m, s->addr, w->from >= 0 ? old.bytes : 0, p->bytes,
		      s->len, w->be->ops_addr, s->op);
	if (err)
		refuse(p, err == -PV_EIO ? PV_R_READBACK : PV_R_BAD_OLD_BYTES);
	return err;
}

/* Pokes the stub's call first: the site may jump there once it changes. */
static int poke_native(struct walk *w, const struct pv_native_ref *n,
		       const struct pv_plan *site, const struct pv_plan *call)
{
	struct pv_plan old_site, old_call;
	uint8_t cur[PV_SITE_MAX];
	int err;

	if (w->from >= 0) {
		pv_plan_native(n, w->be, w->m, (enum pv_patch_mode)w->from,
			       &old_site, &old_call);
	} else if (pv_native_built(n, w->m, old_site.bytes)) {
		return -PV_EINVAL;
	}
	/* the site first checked, so that a refused one changes nothing */
	err = w->m->read(w->m->ctx, n->site.addr, cur, n->site.len);
	if (err)
		return err;
	for (unsigned i = 0; i < n->site.len; i++)
		if (cur[i] != old_site.bytes[i])
			return -PV_EINVAL;
	err = pv_poke(w->m, n->call.addr, w->from >= 0 ? old_call.bytes : 0,
		      call->bytes, n->call.len, w->be->ops_addr, n->call.op);
	if (!err)
		err = pv_poke(w->m, n->site.addr, old_site.bytes, site->bytes,
			      n->site.len, w->be->ops_addr, n->site.op);
	return err;
}

/*
 * A native site and its stub's call, counted as one site.  Returns the
 * records used: 2, or 1 if they were not a valid pair (refused).
 */
static unsigned patch_native(struct walk *w, const struct pv_site *rec,
			     uint64_t rec_addr, uint32_t left, pv_site_cb cb,
			     void *cb_ctx)
{
	struct pv_native_ref n;
	struct pv_plan site = { 0 }, call = { 0 };
	int err = -PV_EINVAL, ok = !pv_native_ref(rec, rec_addr, left, &n);
	unsigned reason = PV_R_BAD_RECORD;

	if (!ok) {
		n.site = (struct pv_site_ref){ rec_addr +
			(uint64_t)(int64_t)rec->offset, rec->op, rec->len,
			rec->flags };
	} else if (w->from < 0 && n.site.addr >= w->next_free &&
		   pv_native_as_built(&n, w->be, w->to)) {
		/* nothing to write, so nothing to check: the native boot
		 * (the bytes are only read for a caller that reports them) */
		w->next_free = n.site.addr + n.site.len;
		site.strategy = PV_STRAT_INLINE;
		if (cb)
			pv_plan_native(&n, w->be, w->m, w->to, &site, &call);
		err = 0;
	} else if (n.site.addr >= w->next_free &&
		   w->m->ptr(w->m->ctx, n.site.addr, n.site.len) &&
		   w->m->ptr(w->m->ctx, n.call.addr, n.call.len)) {
		w->next_free = n.site.addr + n.site.len;
		pv_plan_native(&n, w->be, w->m, w->to, &site, &call);
		if (site.reason != PV_R_BAD_RECORD) {
			err = poke_native(w, &n, &site, &call);
			reason = err == -PV_EIO ? PV_R_READBACK :
						  PV_R_BAD_OLD_BYTES;
		}
	}
	if (err)
		refuse(&site, reason);
	count(w, &n.site, &site, err != 0);
	if (cb) {
		/* the stub's call only where the site goes there: one line
		 * per site that runs as built */
		cb(cb_ctx, &n.site, &site, err);
		if (ok && !err && site.bytes[0] == 0xe9 && site.used == 5)
			cb(cb_ctx, &n.call, &call, err);
	}
	return ok ? 2 : 1;
}

int pv_patch_table(const struct pv_table_hdr *hdr, uint64_t table_addr,
		   uint64_t table_size, const struct pv_backend *be,
		   const struct pv_mem *m, int from, enum pv_patch_mode to,
		   struct pv_patch_stats *st, pv_site_cb cb, void *cb_ctx)
{
	struct walk w = { hdr, be, m, from, to, 0, st };
	uint64_t rec_addr = table_addr + sizeof(*hdr);
	uint64_t bytes;
	const struct pv_site *rec;
	int err = pv_table_check(hdr, table_size);

	if (err)
		return err;
	/* the count fits the section, so this product cannot overflow */
	bytes = (uint64_t)hdr->count * sizeof(struct pv_site);
	if (bytes > UINT32_MAX)
		return -PV_E2BIG;
	rec = (const void *)m->ptr(m->ctx, rec_addr, (uint32_t)bytes);
	if (hdr->count && !rec)
		return -PV_EFAULT;
	for (uint32_t i = 0; i < hdr->count; i++) {
		if (rec[i].flags & PV_SITE_NATIVE) {
			i += patch_native(&w, &rec[i], rec_addr + 8ull * i,
					  hdr->count - i, cb, cb_ctx) - 1;
			continue;
		}
		struct pv_site_ref s = {
			rec_addr + 8ull * i + (uint64_t)(int64_t)rec[i].offset,
			rec[i].op, rec[i].len, rec[i].flags
		};
		struct pv_plan p;
		int err = patch_one(&w, &s, &p);

		count(&w, &s, &p, err != 0);
		if (cb)
			cb(cb_ctx, &s, &p, err);
	}
	return 0;
}
