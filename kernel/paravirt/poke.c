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
