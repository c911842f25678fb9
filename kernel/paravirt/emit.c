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
 * Moves one PC-relative field.  A branch to a target inside the copied
 * range (or just past it, where the rest of the site follows) moved with
 * the code and keeps its displacement.  A RIP-relative data operand always
 * names the original bytes, even inside the copy or at the ret that is not
 * copied, so it is re-aimed there.  Every re-aimed target must still be
 * reachable: an outside rel8 branch refuses the copy.
 */
static int reloc_field(uint8_t *dst, uint64_t dst_addr, const struct pv_code *c,
		       unsigned copy_len, unsigned off, const struct pv_insn *in)
{
	unsigned end = off + in->len;
	unsigned field = in->rel_len ? in->rel_off : in->disp_off;
	unsigned flen = in->rel_len ? in->rel_len : in->disp_len;
	int64_t disp = in->rel_len ? in->rel : in->disp;
	int64_t target = (int64_t)end + disp; /* relative to code start */

	if (in->rel_len && target >= 0 && target <= (int64_t)copy_len)
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
				       pv_code_mode, &in);

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
	uint64_t slot = ops_addr + pv_code_mode / 8u * op;

	/* ff 15: call *disp32(%rip) in 64-bit mode, call *abs32 in 32-bit. */
	dst[0] = 0xff;
	dst[1] = 0x15;
	if (pv_code_mode == PV_MODE_32)
		put_le32(dst + 2, (uint32_t)slot);
	else
		put_le32(dst + 2, (uint32_t)(slot - (addr + 6)));
	pv_nops(dst + 6, len - 6);
}

/* x86 register numbers of the C and the Xen hypercall argument registers */
static const uint8_t c_args[5] = { 7, 6, 2, 1, 8 };   /* rdi rsi rdx rcx r8 */
static const uint8_t hc_args[5] = { 7, 6, 2, 10, 8 }; /* rdi rsi rdx r10 r8 */
/* Xen's 32-bit ABI (`int $0x82`): ebx ecx edx esi edi. */
static const uint8_t hc_args32[5] = { 3, 1, 2, 6, 7 };

static unsigned mov_rr(uint8_t *b, unsigned dst, unsigned src)
{
	b[0] = (uint8_t)(0x48 | (src >= 8 ? 4 : 0) | (dst >= 8 ? 1 : 0));
	b[1] = 0x89;
	b[2] = (uint8_t)(0xc0 | (src & 7) << 3 | (dst & 7));
	return 3;
}

/* The shortest load of a 32-bit constant, sign-extended to 64 bits (in
 * 32-bit code: b8+r imm32 for any value, no REX). */
static unsigned mov_ri(uint8_t *b, unsigned reg, int32_t k)
{
	unsigned n = 0;

	if (k == 0) {
		if (reg >= 8)
			b[n++] = 0x45;
		b[n++] = 0x31;
		b[n++] = (uint8_t)(0xc0 | (reg & 7) << 3 | (reg & 7));
		return n;
	}
	if (k > 0 || pv_code_mode == PV_MODE_32) {
		if (reg >= 8)
			b[n++] = 0x41;
		b[n++] = (uint8_t)(0xb8 + (reg & 7));
	} else {
		b[n++] = (uint8_t)(0x48 | (reg >= 8 ? 1 : 0));
		b[n++] = 0xc7;
		b[n++] = (uint8_t)(0xc0 | (reg & 7));
	}
	put_le32(b + n, (uint32_t)k);
	return n + 4;
}

/* The registers pv_emit_hypercall's sequence writes (PV_REG_* bits): %eax,
 * the argument registers it loads and what the instruction itself changes
 * (syscall: %rcx, %r11).  In 32-bit code the first is %ebx, which no i386
 * site class lets a replacement change. */
uint16_t pv_hypercall_writes(unsigned nargs, unsigned nconst)
{
	const uint8_t *hc = pv_code_mode == PV_MODE_32 ? hc_args32 : hc_args;
	uint16_t w = PV_REG_RAX;

	for (unsigned i = 0; i < nargs + nconst && i < 5; i++)
		w |= (uint16_t)(1u << hc[i]);
	if (pv_code_mode != PV_MODE_32)
		w |= PV_REG_RCX | PV_REG_R11;
	return w;
}

/*
 * Shifts the C arguments up past the constants (highest first, so no
 * source is overwritten before it is read), loads the constants, then
 * mov $nr,%eax and the backend's hypercall instruction.
 */
int pv_emit_hypercall(uint8_t *dst, unsigned max, unsigned nr, unsigned nargs,
		      unsigned nconst, const int32_t *konst,
		      const uint8_t *insn, unsigned insn_len)
{
	uint8_t b[64];
	unsigned n = 0;

	/*
	 * 32-bit code: constants only.  The regparm argument registers overlap
	 * the hypercall's (%eax carries nr, %ecx and %edx swap places), so an
	 * op that passes its C arguments stays a call into the page.
	 */
	const uint8_t *hc = pv_code_mode == PV_MODE_32 ? hc_args32 : hc_args;

	if (nargs + nconst > 5 || nconst > PV_HCALL_MAX_CONST || !insn_len ||
	    insn_len > PV_HCALL_INSN_MAX ||
	    (pv_code_mode == PV_MODE_32 && nargs))
		return -PV_EINVAL;
	for (unsigned i = nargs; i-- > 0;)
		if (c_args[i] != hc[i + nconst])
			n += mov_rr(b + n, hc[i + nconst], c_args[i]);
	for (unsigned j = 0; j < nconst; j++)
		n += mov_ri(b + n, hc[j], konst[j]);
	n += mov_ri(b + n, 0, (int32_t)nr);
	for (unsigned i = 0; i < insn_len; i++)
		b[n++] = insn[i];
	if (n > max)
		return -PV_E2BIG;
	for (unsigned i = 0; i < n; i++)
		dst[i] = b[i];
	return (int)n;
}

int pv_emit_call(uint8_t *dst, uint64_t addr, uint64_t target)
{
	int64_t rel = (int64_t)(target - (addr + 5));

	/* 32-bit code: rel32 reaches all of the 4 GiB address space. */
	if (pv_code_mode == PV_MODE_32)
		rel = (int32_t)(uint32_t)rel;
	if (!fits_s32(rel))
		return -PV_ERANGE;
	dst[0] = 0xe8;
	put_le32(dst + 1, (uint32_t)rel);
	return 5;
}
