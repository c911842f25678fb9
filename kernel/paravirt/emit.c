/* emit.c: the emitter: copies template or body bytes to a site and fixes
 * their PC-relative fields; builds the canonical call forms. */
#include "patch.h"
#include "insn.h"
#include "pv/errno.h"

static int fits_s32(int64_t v)
{
	return v >= INT32_MIN && v <= INT32_MAX;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static int32_t get_le32(const uint8_t *p)
{
	return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 |
			 (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
}

/*
 * Moves one PC-relative field.  A target inside the copied range moved
 * with the code and keeps its displacement; any other target must still
 * be reachable from the new place.  rel8 fields cannot reach far, so an
 * outside rel8 target refuses the copy.
 */
static int reloc_field(uint8_t *dst, uint64_t dst_addr, const struct pv_code *c,
		       unsigned copy_len, unsigned off, const struct pv_insn *in)
{
	unsigned end = off + in->len;
	unsigned field = in->rel_len ? in->rel_off : in->disp_off;
	unsigned flen = in->rel_len ? in->rel_len : in->disp_len;
	int64_t disp = in->rel_len ? in->rel : in->disp;
	int64_t target = (int64_t)end + disp; /* relative to code start */

	if (target >= 0 && target <= (int64_t)copy_len)
		return 0;
	if (flen != 4)
		return -PV_ERANGE;
	disp = (int64_t)get_le32(c->bytes + off + field);
	disp += (int64_t)(c->addr - dst_addr);
	if (!fits_s32(disp))
		return -PV_ERANGE;
	put_le32(dst + off + field, (uint32_t)disp);
	return 0;
}

int pv_emit_code(uint8_t *dst, uint64_t dst_addr, const struct pv_code *c,
		 unsigned copy_len)
{
	unsigned off = 0;

	if (copy_len > c->len || copy_len > PV_SITE_MAX)
		return -PV_EINVAL;
	for (unsigned i = 0; i < copy_len; i++)
		dst[i] = c->bytes[i];
	while (off < copy_len) {
		struct pv_insn in;
		int n = pv_insn_decode(c->bytes + off, copy_len - off,
				       PV_MODE_64, &in);

		if (n < 0)
			return -PV_EINVAL;
		if (in.rel_len || (in.flags & PV_INSN_F_RIPREL)) {
			int err = reloc_field(dst, dst_addr, c, copy_len, off,
					      &in);
			if (err)
				return err;
		}
		off += (unsigned)n;
	}
	return (int)copy_len;
}

void pv_emit_indirect(uint8_t *dst, uint64_t addr, uint64_t ops_addr,
		      unsigned op, unsigned len)
{
	uint64_t slot = ops_addr + 8u * op;

	dst[0] = 0xff;
	dst[1] = 0x15;
	put_le32(dst + 2, (uint32_t)(slot - (addr + 6)));
	pv_nops(dst + 6, len - 6);
}

int pv_emit_call(uint8_t *dst, uint64_t addr, uint64_t target)
{
	int64_t rel = (int64_t)(target - (addr + 5));

	if (!fits_s32(rel))
		return -PV_ERANGE;
	dst[0] = 0xe8;
	put_le32(dst + 1, (uint32_t)rel);
	return 5;
}
