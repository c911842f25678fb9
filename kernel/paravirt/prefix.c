/* prefix.c: pads a replacement to its site length with redundant segment
 * prefixes on its own instructions, so the padding costs no instruction. */
#include "patch.h"
#include "insn.h"
#include "pv/errno.h"

#define PV_INSN_LIMIT 15 /* a 16th byte faults (#GP) */

/* One instruction of the code being padded, before and after. */
struct pv_pad_insn {
	uint8_t off, len;  /* in the source */
	uint8_t add;       /* prefixes given to it */
	uint8_t start;     /* in the output, prefixes included */
	struct pv_insn in;
};

/*
 * Never a branch: 2e/3e are branch hints on Jcc and notrack on indirect
 * branches.  Whatever else transfers control is left alone too.
 */
static int may_prefix(const struct pv_insn *in)
{
	return in->kind == PV_INSN_OTHER || in->kind == PV_INSN_NOP;
}

/* The instruction's own segment prefix, or 0. */
static uint8_t own_seg(const uint8_t *b, const struct pv_insn *in)
{
	for (unsigned i = 0; i < in->nprefixes; i++)
		switch (b[i]) {
		case 0x26: case 0x2e: case 0x36: case 0x3e:
		case 0x64: case 0x65:
			return b[i];
		}
	return 0;
}

/* Its own segment prefix (repeat it: an fs or gs operand must stay so),
 * else cs, which 64-bit mode ignores. */
static uint8_t seg_prefix(const uint8_t *b, const struct pv_insn *in)
{
	uint8_t own = own_seg(b, in);

	return own ? own : 0x2e;
}

/*
 * The segment an i386 instruction's ModRM operand uses by default: ss for
 * a base of %esp or %ebp, else ds (also for no memory operand at all and
 * for string and moffs forms, whose default is ds).
 */
static uint8_t seg_default_32(const uint8_t *b, const struct pv_insn *in)
{
	static const uint8_t opcode_len[4] = { 1, 2, 3, 3 };
	unsigned at, mod = in->modrm >> 6, rm = in->modrm & 7, base = rm;

	if (!(in->flags & PV_INSN_F_MODRM) || mod == 3 ||
	    (in->map > 3 && in->map != 0x80))
		return 0x3e;
	for (unsigned i = 0; i < in->nprefixes; i++)
		if (b[i] == 0x67) /* 16-bit addressing: %bp bases */
			return rm == 2 || rm == 3 || (rm == 6 && mod) ? 0x36
								      : 0x3e;
	at = in->nprefixes + (in->map == 0x80 ? 2 : opcode_len[in->map]);
	if (rm == 4) {
		if (at + 1 >= in->len)
			return 0x3e;
		base = b[at + 1] & 7; /* the SIB byte's base */
	}
	return base == 4 || (base == 5 && mod) ? 0x36 : 0x3e;
}

uint8_t pv_pad_prefix(const uint8_t *b, const struct pv_insn *in)
{
	uint8_t own = own_seg(b, in);

	if (own)
		return own;
	return pv_code_mode == PV_MODE_32 ? seg_default_32(b, in) : 0x2e;
}

/*
 * 32-bit mode: cs would override a memory operand there, and a store
 * through the code segment faults (#GP; QEMU TCG does not check it).  The
 * cs prefixes given to an instruction without a segment prefix of its own
 * become its operand's default segment.  Done after the 64-bit pass, so
 * that a 64-bit pass pays one test per site for it.
 */
static void seg_fix_32(uint8_t *dst, const struct pv_code *c,
		       const struct pv_pad_insn *ins, int n)
{
	for (int i = 0; i < n; i++) {
		const uint8_t *b = c->bytes + ins[i].off;
		uint8_t seg;

		if (!ins[i].add || own_seg(b, &ins[i].in))
			continue;
		seg = seg_default_32(b, &ins[i].in);
		for (unsigned k = 0; k < ins[i].add; k++)
			dst[ins[i].start + k] = seg;
	}
}

static int put_field(uint8_t *p, unsigned flen, int64_t v)
{
	if (flen == 1 && v >= -128 && v <= 127) {
		p[0] = (uint8_t)v;
		return 0;
	}
	if (flen == 4 && v >= INT32_MIN && v <= INT32_MAX) {
		for (unsigned i = 0; i < 4; i++)
			p[i] = (uint8_t)((uint64_t)v >> (8 * i));
		return 0;
	}
	return -PV_ERANGE;
}

/*
 * The PC-relative field of instruction i, for its new place: a branch
 * into the code follows the instruction that was there (or the end); any
 * other target, and every RIP-relative data operand (it names the
 * backend's data even where that lies inside the copied bytes), keeps its
 * absolute address.
 */
static int reloc(uint8_t *dst, uint64_t dst_addr, const struct pv_code *c,
		 const struct pv_pad_insn *ins, unsigned n, unsigned i,
		 unsigned copy_len, unsigned out_len)
{
	const struct pv_pad_insn *x = &ins[i];
	unsigned field = x->in.rel_len ? x->in.rel_off : x->in.disp_off;
	unsigned flen = x->in.rel_len ? x->in.rel_len : x->in.disp_len;
	int64_t disp = x->in.rel_len ? x->in.rel : x->in.disp;
	int64_t t = (int64_t)x->off + x->len + disp, to;
	unsigned end = x->start + x->add + x->len;

	if (x->in.rel_len && t >= 0 && t <= (int64_t)copy_len) {
		to = -1;
		if (t == (int64_t)copy_len)
			to = out_len;
		for (unsigned j = 0; j < n && to < 0; j++)
			if (ins[j].off == t)
				to = ins[j].start;
		if (to < 0)
			return -PV_EINVAL; /* into the middle of an instruction */
		return put_field(dst + x->start + x->add + field, flen,
				 to - (int64_t)end);
	}
	return put_field(dst + x->start + x->add + field, flen,
			 (int64_t)(c->addr + (uint64_t)t - (dst_addr + end)));
}

/* Decodes the code and shares out the prefixes; returns the count. */
static int plan_prefixes(const struct pv_code *c, unsigned copy_len,
			 unsigned pad, struct pv_pad_insn *ins)
{
	unsigned off = 0, n = 0;

	while (off < copy_len) {
		struct pv_pad_insn *x = &ins[n++];
		int l = pv_insn_decode(c->bytes + off, copy_len - off,
				       pv_code_mode, &x->in);

		if (l < 0)
			return -PV_EINVAL;
		x->off = (uint8_t)off;
		x->len = (uint8_t)l;
		x->add = 0;
		unsigned own = x->in.nprefixes + !!x->in.rex;

		if (may_prefix(&x->in) && l < PV_INSN_LIMIT &&
		    own < PV_PREFIX_MAX) {
			unsigned room = PV_INSN_LIMIT - (unsigned)l;

			if (room > PV_PREFIX_MAX - own)
				room = PV_PREFIX_MAX - own;

			x->add = (uint8_t)(pad < room ? pad : room);
			pad -= x->add;
		}
		off += (unsigned)l;
	}
	return (int)n;
}

int pv_emit_padded(uint8_t *dst, uint64_t dst_addr, const struct pv_code *c,
		   unsigned copy_len, unsigned site_len)
{
	struct pv_pad_insn ins[PV_SITE_MAX];
	unsigned pos = 0;
	int n;

	if (copy_len > c->len || copy_len > site_len || site_len > PV_SITE_MAX)
		return -PV_EINVAL;
	n = plan_prefixes(c, copy_len, site_len - copy_len, ins);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		uint8_t seg = seg_prefix(c->bytes + ins[i].off, &ins[i].in);

		ins[i].start = (uint8_t)pos;
		for (unsigned k = 0; k < ins[i].add; k++)
			dst[pos++] = seg;
		for (unsigned k = 0; k < ins[i].len; k++)
			dst[pos++] = c->bytes[ins[i].off + k];
	}
	if (pv_code_mode == PV_MODE_32)
		seg_fix_32(dst, c, ins, n);
	for (int i = 0; i < n; i++) {
		const struct pv_insn *in = &ins[i].in;

		if (in->rel_len || (in->flags & PV_INSN_F_RIPREL)) {
			int err = reloc(dst, dst_addr, c, ins, (unsigned)n,
					(unsigned)i, copy_len, pos);
			if (err)
				return err;
		}
	}
	pv_nops(dst + pos, site_len - pos);
	return (int)pos;
}
