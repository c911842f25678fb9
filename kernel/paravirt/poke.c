/* poke.c: the poker, the only layer that writes text: checks a site holds
 * what it should, writes the new bytes in one go, reads them back. */
#include "patch.h"
#include "insn.h"
#include "pv/errno.h"

static int same(const uint8_t *a, const uint8_t *b, unsigned len)
{
	for (unsigned i = 0; i < len; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

/* The site as built: call *pv_ops+8*op(%rip), then only NOPs up to len. */
int pv_site_is_original(const uint8_t *b, unsigned len, uint64_t addr,
			uint64_t ops_addr, unsigned op)
{
	uint8_t call[PV_SITE_MAX];
	unsigned off = 6;

	if (len < PV_SITE_MIN || len > PV_SITE_MAX)
		return 0;
	pv_emit_indirect(call, addr, ops_addr, op, len);
	if (!same(b, call, 6))
		return 0;
	if (same(b + 6, call + 6, len - 6))
		return 1; /* our own padding, as gas's .nops also emits it */
	while (off < len) {
		struct pv_insn in;
		int n = pv_insn_decode(b + off, len - off, pv_code_mode, &in);

		if (n < 0 || in.kind != PV_INSN_NOP)
			return 0;
		off += (unsigned)n;
	}
	return 1;
}

/*
 * Before SMP a plain copy is safe: nothing else executes the site while it
 * changes.  A caller with other CPUs running must provide a write callback
 * that follows the int3 protocol (see ARCHITECTURE.md); this layer only
 * guarantees that a site is either checked and fully written or untouched.
 */
int pv_poke(const struct pv_mem *m, uint64_t addr, const uint8_t *expect,
	    const uint8_t *new_bytes, unsigned len, uint64_t ops_addr,
	    unsigned op)
{
	uint8_t cur[PV_SITE_MAX];
	int err;

	if (len > PV_SITE_MAX)
		return -PV_EINVAL;
	err = m->read(m->ctx, addr, cur, len);
	if (err)
		return err;
	if (expect ? !same(cur, expect, len) :
		     !pv_site_is_original(cur, len, addr, ops_addr, op))
		return -PV_EINVAL;
	if (same(cur, new_bytes, len))
		return 0;
	err = m->write(m->ctx, addr, new_bytes, len);
	if (err)
		return err;
	err = m->read(m->ctx, addr, cur, len);
	if (err)
		return err;
	return same(cur, new_bytes, len) ? 0 : -PV_EIO;
}

/*
 * The int3 protocol, for text that other CPUs may be running (Linux's
 * text_poke_bp_batch, with multi-instruction sites):
 *
 *	1. int3 on each site's first byte; sync
 *	2. each site's tail; sync
 *	3. each site's first byte; sync
 *
 * A sync makes every other CPU serialise and look at its own stack
 * (pv_batch_scan): a CPU stopped inside a site, or holding a return
 * address into one (a call site's callee runs), would resume in bytes
 * that change under it.  Such a site is put back at step 2 (its first
 * byte again) and tried in the next pass.  A CPU that meets an int3 waits
 * in its #BP handler until its site is done (pv_batch_hit), then runs the
 * site afresh: our sites are sequences of up to 15 bytes, so there is no
 * single instruction to emulate.
 */
static struct pv_batch *volatile batch_active;

void pv_batch_reset(struct pv_batch *b)
{
	b->n = 0;
	b->passes = 0;
	b->busy = 0;
	b->scanning = 0;
}

/* Bytes of [addr, addr+len) as they will be once b is applied. */
static void overlay(const struct pv_batch *b, uint64_t addr, uint8_t *buf,
		    uint32_t len)
{
	for (unsigned i = 0; i < b->n; i++) {
		const struct pv_batch_entry *e = &b->e[i];

		for (unsigned k = 0; k < e->len; k++)
			if (e->addr + k >= addr && e->addr + k < addr + len)
				buf[e->addr + k - addr] = e->new_[k];
	}
}

int pv_batch_read(const struct pv_batch *b, const struct pv_mem *m,
		  uint64_t addr, uint8_t *buf, uint32_t len)
{
	int err = m->read(m->ctx, addr, buf, len);

	if (!err)
		overlay(b, addr, buf, len);
	return err;
}

/* Queues a write of len bytes at addr; the text is unchanged meanwhile. */
int pv_batch_add(struct pv_batch *b, const struct pv_mem *m, uint64_t addr,
		 const uint8_t *new_bytes, uint32_t len)
{
	struct pv_batch_entry *e = &b->e[b->n];
	int err;

	if (b->n == PV_BATCH_MAX || len < 1 || len > PV_SITE_MAX)
		return -PV_E2BIG;
	err = pv_batch_read(b, m, addr, e->old, len);
	if (err)
		return err;
	for (unsigned i = 0; i < len; i++)
		e->new_[i] = new_bytes[i];
	e->addr = addr;
	e->len = (uint8_t)len;
	e->state = PV_BATCH_PENDING;
	e->busy = 0;
	b->n++;
	return 0;
}

/* Address order, so that the #BP handler and the scans can bisect. */
static void sort_entries(struct pv_batch *b)
{
	for (unsigned i = 1; i < b->n; i++) {
		struct pv_batch_entry t = b->e[i];
		unsigned j = i;

		for (; j && b->e[j - 1].addr > t.addr; j--)
			b->e[j] = b->e[j - 1];
		b->e[j] = t;
	}
}

/* The entry whose site holds addr, or NULL. */
static struct pv_batch_entry *find(struct pv_batch *b, uint64_t addr)
{
	unsigned lo = 0, hi = b->n;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		struct pv_batch_entry *e = &b->e[mid];

		if (addr < e->addr)
			hi = mid;
		else if (addr >= e->addr + e->len)
			lo = mid + 1;
		else
			return e;
	}
	return NULL;
}

int pv_batch_hit(uint64_t addr)
{
	struct pv_batch *b = batch_active;
	struct pv_batch_entry *e = b ? find(b, addr) : NULL;

	/* not only LIVE: see the second write in apply_pass */
	return e && e->addr == addr &&
	       __atomic_load_n(&e->state, __ATOMIC_ACQUIRE) != PV_BATCH_DONE;
}

/* Debug: what the batch says of addr: -1 none active, -2 not found, else
 * state | busy << 4 | (addr is its start) << 5. */
int pv_batch_debug(uint64_t addr)
{
	struct pv_batch *b = batch_active;
	struct pv_batch_entry *e;

	if (!b)
		return -1;
	e = find(b, addr);
	if (!e)
		return -2;
	return e->state | e->busy << 4 | (e->addr == addr) << 5;
}

/* A CPU in a sync, over its stack [lo, hi): sites it stands in. */
void pv_batch_scan(const uint64_t *lo, const uint64_t *hi)
{
	struct pv_batch *b = batch_active;

	if (!b || !b->scanning) /* only the first sync decides */
		return;
	for (const uint64_t *p = lo; p < hi; p++) {
		struct pv_batch_entry *e = find(b, *p);

		if (e && *p != e->addr && e->state == PV_BATCH_LIVE)
			__atomic_store_n(&e->busy, 1, __ATOMIC_RELAXED);
	}
}

/* One pass over the pending entries; returns how many are still pending. */
static unsigned apply_pass(struct pv_batch *b, const struct pv_text_ops *t)
{
	static const uint8_t int3 = 0xcc;
	unsigned left = 0;

	for (unsigned i = 0; i < b->n; i++) {
		struct pv_batch_entry *e = &b->e[i];

		if (e->state != PV_BATCH_PENDING)
			continue;
		e->busy = 0;
		__atomic_store_n(&e->state, PV_BATCH_LIVE, __ATOMIC_RELEASE);
		t->write(t->ctx, e->addr, &int3, 1);
	}
	/* Under QEMU's multi-threaded TCG a translation of the old bytes
	 * begun before the int3 went in can be linked after it (see the
	 * second write below): once every CPU has passed a sync, the int3s
	 * again drop such blocks, and only then do the stacks decide. */
	t->sync(t->ctx);
	for (unsigned i = 0; i < b->n; i++)
		if (b->e[i].state == PV_BATCH_LIVE)
			t->write(t->ctx, b->e[i].addr, &int3, 1);
	b->scanning = 1;
	t->sync(t->ctx);
	b->scanning = 0;
	for (unsigned i = 0; i < b->n; i++) {
		struct pv_batch_entry *e = &b->e[i];

		if (e->state != PV_BATCH_LIVE)
			continue;
		if (e->busy) /* back as it was; the next pass tries again */
			t->write(t->ctx, e->addr, e->old, 1);
		else if (e->len > 1)
			t->write(t->ctx, e->addr + 1, e->new_ + 1, e->len - 1u);
	}
	t->sync(t->ctx);
	for (unsigned i = 0; i < b->n; i++) {
		struct pv_batch_entry *e = &b->e[i];

		if (e->state == PV_BATCH_LIVE && !e->busy)
			t->write(t->ctx, e->addr, e->new_, 1);
	}
	t->sync(t->ctx);
	/*
	 * The final bytes once more, now that every CPU has passed the last
	 * sync.  On hardware a no-op store; under QEMU's multi-threaded TCG a
	 * translation begun before a write can be linked after that write's
	 * invalidation, a stale block that ran an int3 long gone (seen at
	 * -smp 4); this write drops any such block.  A CPU that meets such
	 * an int3 meanwhile waits like any other (pv_batch_hit).
	 */
	for (unsigned i = 0; i < b->n; i++) {
		struct pv_batch_entry *e = &b->e[i];

		if (e->state != PV_BATCH_LIVE)
			continue;
		t->write(t->ctx, e->addr, e->busy ? e->old : e->new_, e->len);
		__atomic_store_n(&e->state, e->busy ? PV_BATCH_PENDING :
					    PV_BATCH_DONE, __ATOMIC_RELEASE);
		left += e->busy;
	}
	return left;
}

int pv_batch_apply(struct pv_batch *b, const struct pv_text_ops *t,
		   unsigned max_passes)
{
	unsigned left = b->n;

	sort_entries(b);
	batch_active = b;
	while (left && b->passes < max_passes) {
		b->passes++;
		left = apply_pass(b, t);
		b->busy += left;
		if (left && t->wait)
			t->wait(t->ctx);
	}
	batch_active = NULL;
	t->sync(t->ctx); /* no #BP handler still looks at b */
	return left ? -PV_EBUSY : 0;
}
