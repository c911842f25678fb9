/* insn.c: x86 instruction length decoder (16/32/64-bit; legacy, VEX, EVEX,
 * XOP, 3DNow!) with the few semantics the patcher needs.  Freestanding. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "insn.h"
#include "pv/errno.h"
#include "pv/template.h"

#define PV_INSN_MAX 15

/* What follows the opcode: the low nibble of a table attribute. */
enum {
	I_NONE,
	I_B,     /* imm8 */
	I_W,     /* imm16 */
	I_Z,     /* imm16/32 by operand size */
	I_V,     /* imm16/32/64 by operand size: mov r, imm */
	I_MOFFS, /* offset of address size: mov al, moffs */
	I_PTR,   /* far pointer: offset of operand size, then a selector */
	I_WB,    /* enter: imm16, imm8 */
	I_R8,    /* rel8 */
	I_RZ,    /* rel16/32; 66 is ignored in 64-bit mode */
	I_RX,    /* rel16/32 by operand size even in 64-bit mode: xbegin */
	I_BAD,   /* undefined opcode (or a prefix, handled before) */
};
#define A_M   0x10 /* a ModRM byte follows the opcode */
#define A_X64 0x20 /* invalid in 64-bit mode */

/* Two-letter names keep the tables one row of 16 per line. */
#define __ I_NONE
#define UD I_BAD
#define IB I_B
#define IW I_W
#define IZ I_Z
#define IV I_V
#define MO I_MOFFS
#define EN I_WB
#define R8 I_R8
#define RZ I_RZ
#define M_ A_M
#define MB (A_M | I_B)
#define MZ (A_M | I_Z)
#define XX A_X64
#define XB (A_X64 | I_B)
#define XM (A_X64 | A_M)
#define XI (A_X64 | A_M | I_B)
#define XP (A_X64 | I_PTR)

static const uint8_t pv_map0[256] = {
	M_, M_, M_, M_, IB, IZ, XX, XX, M_, M_, M_, M_, IB, IZ, XX, UD, /* 0 */
	M_, M_, M_, M_, IB, IZ, XX, XX, M_, M_, M_, M_, IB, IZ, XX, XX, /* 1 */
	M_, M_, M_, M_, IB, IZ, UD, XX, M_, M_, M_, M_, IB, IZ, UD, XX, /* 2 */
	M_, M_, M_, M_, IB, IZ, UD, XX, M_, M_, M_, M_, IB, IZ, UD, XX, /* 3 */
	__, __, __, __, __, __, __, __, __, __, __, __, __, __, __, __, /* 4 */
	__, __, __, __, __, __, __, __, __, __, __, __, __, __, __, __, /* 5 */
	XX, XX, XM, M_, UD, UD, UD, UD, IZ, MZ, IB, MB, __, __, __, __, /* 6 */
	R8, R8, R8, R8, R8, R8, R8, R8, R8, R8, R8, R8, R8, R8, R8, R8, /* 7 */
	MB, MZ, XI, MB, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, /* 8 */
	__, __, __, __, __, __, __, __, __, __, XP, __, __, __, __, __, /* 9 */
	MO, MO, MO, MO, __, __, __, __, IB, IZ, __, __, __, __, __, __, /* a */
	IB, IB, IB, IB, IB, IB, IB, IB, IV, IV, IV, IV, IV, IV, IV, IV, /* b */
	MB, MB, IW, __, XM, XM, MB, MZ, EN, __, IW, __, __, IB, XX, __, /* c */
	M_, M_, M_, M_, XB, XB, XX, __, M_, M_, M_, M_, M_, M_, M_, M_, /* d */
	R8, R8, R8, R8, IB, IB, IB, IB, RZ, RZ, XP, R8, __, __, __, __, /* e */
	UD, __, UD, UD, __, __, M_, M_, __, __, __, __, __, __, M_, M_, /* f */
};

static const uint8_t pv_map1[256] = {
	M_, M_, M_, M_, UD, __, __, __, __, __, UD, __, UD, M_, __, MB, /* 0 */
	M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, /* 1 */
	M_, M_, M_, M_, UD, UD, UD, UD, M_, M_, M_, M_, M_, M_, M_, M_, /* 2 */
	__, __, __, __, __, __, UD, __, UD, UD, UD, UD, UD, UD, UD, UD, /* 3 */
	M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, /* 4 */
	M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, /* 5 */
	M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, /* 6 */
	MB, MB, MB, MB, M_, M_, M_, __, M_, M_, UD, UD, M_, M_, M_, M_, /* 7 */
	RZ, RZ, RZ, RZ, RZ, RZ, RZ, RZ, RZ, RZ, RZ, RZ, RZ, RZ, RZ, RZ, /* 8 */
	M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, /* 9 */
	__, __, __, M_, MB, M_, M_, M_, __, __, __, M_, MB, M_, M_, M_, /* a */
	M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, MB, M_, M_, M_, M_, M_, /* b */
	M_, M_, MB, M_, MB, MB, MB, M_, __, __, __, __, __, __, __, __, /* c */
	M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, /* d */
	M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, /* e */
	M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, /* f */
};

/* Opcodes defined in the 0f 38 and 0f 3a maps (any prefix), bit per op:
 * all have ModRM, and 0f 3a ones an imm8. */
static const uint32_t pv_map2_ok[8] = {
	0x70b10fff, 0xffbf0f3f, 0x00000003, 0, 0x00000007, 0, 0xf900bf00,
	0x1f630000,
};
static const uint32_t pv_map3_ok[8] = {
	0x00f0ff00, 0x00000007, 0x00000017, 0x0000000f, 0, 0, 0x8000d000,
	0x00010000,
};

/* Decoder state for one instruction. */
struct pv_dec {
	const uint8_t *p;
	size_t avail;
	struct pv_insn *in;
	unsigned mode;
	unsigned pos;
	uint8_t osz;    /* 66 seen */
	uint8_t asz;    /* address size in bytes: 2, 4 or 8 */
	uint8_t rep;    /* the last of f2/f3, which selects the opcode */
	uint8_t lock;   /* f0 seen */
	uint8_t rxb;    /* W R X B (bits 3..0) from REX, VEX, EVEX or XOP */
	uint8_t vex;    /* c4, c5, 62 or 8f escape, or 0 */
	uint8_t vvvv;   /* VEX extra register operand */
	uint8_t mod, reg, rm;
	uint8_t lockok; /* the instruction accepts a lock prefix */
	uint16_t used;  /* GPRs named as operands, to spot rsp */
};

/* Can n more bytes be read?  Past 15 the CPU faults whatever avail says. */
static int pv_need(const struct pv_dec *d, unsigned n)
{
	if (d->pos + n > PV_INSN_MAX)
		return -PV_E2BIG;
	if (d->pos + n > d->avail)
		return -PV_ENODATA;
	return 0;
}

/* Little-endian field of n bytes, sign-extended. */
static int64_t pv_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0, sign;

	for (unsigned i = n; i--;)
		v = v << 8 | p[i];
	if (n >= 8)
		return (int64_t)v;
	sign = 1ull << (8 * n - 1);
	return (int64_t)((v ^ sign) - sign);
}

/* Size of an imm16/32 (Z) operand: 66 toggles the mode's default. */
static unsigned pv_zsize(const struct pv_dec *d)
{
	if (d->mode == PV_MODE_16)
		return d->osz ? 4 : 2;
	if (d->mode == PV_MODE_64 && (d->rxb & 8))
		return 4;
	return d->osz ? 2 : 4;
}

/* Legacy prefixes and REX.  A legacy prefix after REX voids the REX. */
static int pv_prefixes(struct pv_dec *d)
{
	for (;;) {
		int err = pv_need(d, 1);
		uint8_t b;

		if (err)
			return err;
		b = d->p[d->pos];
		if (d->mode == PV_MODE_64 && (b & 0xf0) == 0x40) {
			d->in->rex = b;
			d->rxb = b & 15;
			d->pos++;
			continue;
		}
		switch (b) {
		case 0xf0:
			d->lock = 1;
			break;
		case 0xf2:
		case 0xf3:
			d->rep = b;
			break;
		case 0x66:
			d->osz = 1;
			break;
		case 0x67:
			d->asz = d->mode == PV_MODE_32 ? 2 : 4;
			break;
		case 0x26: case 0x2e: case 0x36: case 0x3e: /* segments */
		case 0x64: case 0x65:
			break;
		default:
			return 0;
		}
		d->in->rex = 0;
		d->rxb = 0;
		d->in->nprefixes++;
		d->pos++;
	}
}

static int pv_disp(struct pv_dec *d, unsigned n)
{
	int err = pv_need(d, n);

	if (err || !n)
		return err;
	d->in->disp_off = (uint8_t)d->pos;
	d->in->disp_len = (uint8_t)n;
	d->in->disp = (int32_t)pv_le(d->p + d->pos, n < 8 ? n : 4);
	d->pos += n;
	return 0;
}

/* 32/64-bit addressing: optional SIB, disp8/disp32, RIP-relative. */
static int pv_mem32(struct pv_dec *d)
{
	unsigned base = d->rm, n = d->mod == 1 ? 1 : d->mod == 2 ? 4 : 0;

	if (d->rm == 4) {
		int err = pv_need(d, 1);

		if (err)
			return err;
		base = d->p[d->pos++] & 7;
	}
	if (d->mod == 0 && base == 5) {
		n = 4;
		if (d->rm == 5 && d->mode == PV_MODE_64)
			d->in->flags |= PV_INSN_F_RIPREL;
	} else if (base == 4 && !(d->rxb & 1)) {
		d->used |= PV_REG_RSP;
	}
	return pv_disp(d, n);
}

static int pv_modrm(struct pv_dec *d, bool force_reg)
{
	int err = pv_need(d, 1);
	uint8_t m;

	if (err)
		return err;
	m = d->p[d->pos++];
	d->in->modrm = m;
	d->in->flags |= PV_INSN_F_MODRM;
	/* mov to/from crN/drN ignores mod: always a register */
	d->mod = force_reg ? 3 : m >> 6;
	d->reg = (m >> 3) & 7;
	d->rm = m & 7;
	if (d->mod == 3)
		return 0;
	if (d->asz != 2)
		return pv_mem32(d);
	if (d->mod == 0)
		return pv_disp(d, d->rm == 6 ? 2 : 0);
	return pv_disp(d, d->mod);
}

static int pv_imm(struct pv_dec *d, unsigned n)
{
	int err = pv_need(d, n);

	if (err || !n)
		return err;
	if (!d->in->imm_len)
		d->in->imm_off = (uint8_t)d->pos;
	d->in->imm_len += (uint8_t)n;
	d->pos += n;
	return 0;
}

static int pv_rel(struct pv_dec *d, unsigned n)
{
	int err = pv_need(d, n);

	if (err)
		return err;
	d->in->rel_off = (uint8_t)d->pos;
	d->in->rel_len = (uint8_t)n;
	d->in->rel = pv_le(d->p + d->pos, n);
	d->pos += n;
	return 0;
}

/* Bytes after the opcode and ModRM, by the low nibble of an attribute. */
static int pv_tail(struct pv_dec *d, unsigned kind)
{
	unsigned z = pv_zsize(d);

	switch (kind) {
	case I_B:
		return pv_imm(d, 1);
	case I_W:
		return pv_imm(d, 2);
	case I_Z:
		return pv_imm(d, z);
	case I_V:
		return pv_imm(d, d->mode == PV_MODE_64 && (d->rxb & 8) ? 8 : z);
	case I_MOFFS:
		return pv_disp(d, d->asz);
	case I_PTR:
		return pv_imm(d, z + 2);
	case I_WB:
		return pv_imm(d, 3);
	case I_R8:
		return pv_rel(d, 1);
	case I_RZ: /* 66 does not shrink near branches in 64-bit mode */
		return pv_rel(d, d->mode == PV_MODE_64 ? 4 : z);
	case I_RX:
		return pv_rel(d, z);
	}
	return 0;
}

/*
 * The operands whose presence hangs on more than the opcode: test's imm
 * in group 3, xbegin's rel, SSE4a's two imm8 (chosen by the mandatory
 * prefix, where f2/f3 outrank 66), popcnt that exists only with f3.
 */
static int pv_quirk(struct pv_dec *d, unsigned kind)
{
	uint8_t op = d->in->opcode, map = d->in->map;

	if (map == 0 && (op == 0xf6 || op == 0xf7))
		return d->reg > 1 ? I_NONE : op == 0xf6 ? I_B : I_Z;
	if (map == 0 && op == 0xc7 && d->in->modrm == 0xf8)
		return I_RX;
	if (map != 1)
		return (int)kind;
	if ((op == 0x78 || op == 0x79) && d->rep == 0xf3)
		return -PV_EINVAL;
	if (op == 0x78 && (d->rep == 0xf2 || d->osz))
		return I_W;
	if (op == 0xb8 && d->rep != 0xf3)
		return -PV_EINVAL;
	return (int)kind;
}

static int pv_legacy(struct pv_dec *d, unsigned attr)
{
	uint8_t op = d->in->opcode;
	int kind;

	if (attr & A_X64) {
		if (d->mode == PV_MODE_64)
			return -PV_EINVAL;
		d->in->flags |= PV_INSN_F_INVALID_64;
	}
	if ((attr & 15) == I_BAD)
		return -PV_EINVAL;
	if (attr & A_M) {
		bool cr = d->in->map == 1 && op >= 0x20 && op <= 0x23;
		int err = pv_modrm(d, cr);

		if (err)
			return err;
	}
	kind = pv_quirk(d, attr & 15);
	if (kind < 0)
		return kind;
	return pv_tail(d, (unsigned)kind);
}

/* Outside 64-bit mode c4/c5/62 are VEX/EVEX only where LES/LDS/BOUND
 * would have a register operand (mod 11); 8f is XOP when its map is >= 8. */
static int pv_is_vex(const struct pv_dec *d, uint8_t b)
{
	int err = pv_need(d, 2);
	uint8_t n;

	if (err)
		return err;
	n = d->p[d->pos + 1];
	if (b == 0x8f)
		return (n & 0x1f) >= 8;
	return d->mode == PV_MODE_64 || (n & 0xc0) == 0xc0;
}

/* imm8 (or imm32) after a VEX-family instruction, by map and opcode. */
static unsigned pv_vex_imm(unsigned map, uint8_t op)
{
	switch (map) {
	case 1:
		return (op >= 0x70 && op <= 0x73) || op == 0xc2 ||
		       (op >= 0xc4 && op <= 0xc6);
	case 3:
	case 8:
		return 1;
	case 10:
		return 4;
	}
	return 0;
}

/* Is the map select valid for this escape? */
static bool pv_vex_map_ok(uint8_t esc, unsigned map)
{
	if (esc == 0x8f)
		return map >= 8 && map <= 10;
	if (esc == 0x62)
		return map == 1 || map == 2 || map == 3 || map == 5 || map == 6;
	return map >= 1 && map <= 3;
}

/* Reads the VEX/EVEX/XOP header, whose R X B vvvv are stored inverted. */
static int pv_vex_header(struct pv_dec *d, uint8_t esc, const uint8_t *v)
{
	unsigned map = 1, prefix = PV_INSN_MAP_VEX;

	d->vex = esc;
	if (esc == 0xc5) {
		d->rxb = (~v[1] >> 5) & 4;
		d->vvvv = (~v[1] >> 3) & 15;
	} else {
		d->rxb = ((~v[1] >> 5) & 7) | ((v[2] >> 4) & 8);
		d->vvvv = (~v[2] >> 3) & 15;
		map = v[1] & (esc == 0x62 ? 7 : 0x1f);
		prefix = esc == 0x62 ? PV_INSN_MAP_EVEX :
		       esc == 0x8f ? PV_INSN_MAP_XOP : PV_INSN_MAP_VEX;
	}
	if (d->mode != PV_MODE_64) { /* only 8 registers to extend */
		d->rxb &= 8;
		d->vvvv &= 7;
	}
	if (!pv_vex_map_ok(esc, map))
		return -PV_EINVAL;
	if (esc == 0x62 && (v[1] & 8))
		return -PV_EINVAL;
	d->in->map = (uint8_t)(prefix | map);
	return (int)map;
}

/*
 * The VEX instructions without ModRM: vzeroupper/vzeroall (0f 77), and
 * Knights Corner's jkzd/jknzd (0f 84/85 rel32, pp 0, W0), which no other
 * CPU runs but Zydis 4 decodes even with its KNC mode off; we follow it so
 * lengths agree.  Returns 0 when done, 1 when a ModRM follows.
 */
static int pv_vex_knc(struct pv_dec *d, int map, const uint8_t *v)
{
	uint8_t op = d->in->opcode;
	bool pp0 = (v[v[0] == 0xc5 ? 1 : 2] & 3) == 0;

	if (map != 1)
		return 1;
	if (op == 0x77)
		return 0;
	if (op != 0x84 && op != 0x85)
		return 1;
	if (!pp0 || (d->rxb & 8))
		return -PV_EINVAL;
	d->in->kind = PV_INSN_JCC_REL;
	return pv_rel(d, 4);
}

static int pv_vex(struct pv_dec *d, uint8_t esc)
{
	unsigned hdr = esc == 0xc5 ? 2 : esc == 0x62 ? 4 : 3;
	int map, err;

	/* the CPU faults on 66/f2/f3/f0/REX before any of these */
	if (d->osz || d->rep || d->lock || d->in->rex)
		return -PV_EINVAL;
	err = pv_need(d, hdr + 1);
	if (err)
		return err;
	map = pv_vex_header(d, esc, d->p + d->pos);
	if (map < 0)
		return map;
	d->pos += hdr;
	d->in->opcode = d->p[d->pos++];
	if (esc == 0xc4 || esc == 0xc5) {
		int knc = pv_vex_knc(d, map, d->p + d->pos - hdr - 1);

		if (knc <= 0)
			return knc;
	}
	err = pv_modrm(d, false);
	if (err)
		return err;
	return pv_imm(d, pv_vex_imm((unsigned)map, d->in->opcode));
}

/* After 0f: the 0f map, 3DNow!, or the 0f 38 and 0f 3a maps. */
static int pv_opcode_0f(struct pv_dec *d)
{
	const uint32_t *ok;
	uint8_t b;
	int err = pv_need(d, 1);

	if (err)
		return err;
	b = d->p[d->pos++];
	d->in->map = 1;
	if (b != 0x38 && b != 0x3a) {
		d->in->opcode = b;
		err = pv_legacy(d, pv_map1[b]);
		if (!err && b == 0x0f) { /* 3DNow!: the opcode comes last */
			d->in->map = PV_INSN_MAP_3DNOW;
			d->in->opcode = d->p[d->pos - 1];
			d->in->imm_off = 0;
			d->in->imm_len = 0;
		}
		return err;
	}
	d->in->map = b == 0x38 ? 2 : 3;
	err = pv_need(d, 1);
	if (err)
		return err;
	b = d->in->opcode = d->p[d->pos++];
	ok = d->in->map == 2 ? pv_map2_ok : pv_map3_ok;
	if (!(ok[b / 32] >> (b % 32) & 1))
		return -PV_EINVAL;
	return pv_legacy(d, d->in->map == 2 ? A_M : A_M | I_B);
}

/* Opcode bytes: one-byte map, 0f escapes, VEX family. */
static int pv_opcode(struct pv_dec *d)
{
	uint8_t b = d->p[d->pos];

	if (b == 0xc4 || b == 0xc5 || b == 0x62 || b == 0x8f) {
		int vex = pv_is_vex(d, b);

		if (vex < 0)
			return vex;
		if (vex)
			return pv_vex(d, b);
	}
	d->pos++;
	if (b == 0x0f)
		return pv_opcode_0f(d);
	d->in->opcode = b;
	return pv_legacy(d, pv_map0[b]);
}

/* ---- Semantics: registers written, stack, memory, flow. ---- */

/* A GPR's bit.  Without REX, byte registers 4-7 are ah, ch, dh, bh. */
static uint16_t pv_gpr(const struct pv_dec *d, unsigned n, bool byte)
{
	if (byte && !d->in->rex && n >= 4 && n < 8)
		n -= 4;
	return (uint16_t)(1u << n);
}

static void pv_write(struct pv_dec *d, uint16_t regs)
{
	d->in->regs_written |= regs;
}

/* The ModRM r/m operand as a GPR or memory, read or written. */
static void pv_rm(struct pv_dec *d, bool byte, bool write)
{
	if (d->mod == 3) {
		uint16_t m = pv_gpr(d, d->rm | (d->rxb & 1) << 3, byte);

		d->used |= m;
		if (write)
			pv_write(d, m);
	} else if (write) {
		d->in->flags |= PV_INSN_F_MEMWRITE;
	}
}

/* The ModRM reg operand as a GPR. */
static void pv_reg(struct pv_dec *d, bool byte, bool write)
{
	uint16_t m = pv_gpr(d, d->reg | (d->rxb & 4) << 1, byte);

	d->used |= m;
	if (write)
		pv_write(d, m);
}

/* A read-modify-write of r/m: lock applies when it is memory. */
static void pv_rmw(struct pv_dec *d, bool byte)
{
	pv_rm(d, byte, true);
	d->lockok = d->mod != 3;
}

/* Anything not modelled: assume every register and memory are written
 * (maskmovq, clzero and friends store without a ModRM memory operand). */
static void pv_unknown(struct pv_dec *d)
{
	d->in->flags |= PV_INSN_F_WUNKNOWN | PV_INSN_F_MEMWRITE;
	d->in->regs_written = PV_REG_ALL;
	if (!(d->in->flags & PV_INSN_F_MODRM))
		return;
	/* reg, r/m or vvvv may be a GPR; number 4 might be rsp */
	if (d->reg == 4 && !(d->rxb & 4))
		d->used |= PV_REG_RSP;
	if (d->mod == 3 && d->rm == 4 && !(d->rxb & 1))
		d->used |= PV_REG_RSP;
	if (d->vex && d->vvvv == 4)
		d->used |= PV_REG_RSP;
}

#define K(k) ((uint16_t)(PV_INSN_##k << 8))
#define F(f) PV_INSN_F_##f
#define R(r) PV_REG_##r

/* Instructions without ModRM whose effects are fixed. */
struct pv_fx {
	uint8_t map, op;
	uint16_t kind_flags; /* kind << 8 | PV_INSN_F_* (low byte) */
	uint16_t regs;
};

static const struct pv_fx pv_fixed[] = {
	{ 0, 0x06, F(STACK) | F(MEMWRITE), R(RSP) },
	{ 0, 0x07, F(STACK), R(RSP) },
	{ 0, 0x0e, F(STACK) | F(MEMWRITE), R(RSP) },
	{ 0, 0x16, F(STACK) | F(MEMWRITE), R(RSP) },
	{ 0, 0x17, F(STACK), R(RSP) },
	{ 0, 0x1e, F(STACK) | F(MEMWRITE), R(RSP) },
	{ 0, 0x1f, F(STACK), R(RSP) },
	{ 0, 0x27, 0, R(RAX) },
	{ 0, 0x2f, 0, R(RAX) },
	{ 0, 0x37, 0, R(RAX) },
	{ 0, 0x3f, 0, R(RAX) },
	{ 0, 0x60, F(STACK) | F(MEMWRITE), R(RSP) },
	{ 0, 0x61, F(STACK), 0x00ff },
	{ 0, 0x68, F(STACK) | F(MEMWRITE), R(RSP) },
	{ 0, 0x6a, F(STACK) | F(MEMWRITE), R(RSP) },
	{ 0, 0x98, 0, R(RAX) },
	{ 0, 0x99, 0, R(RDX) },
	{ 0, 0x9a, K(OTHER_FLOW) | F(STACK) | F(MEMWRITE), R(RSP) },
	{ 0, 0x9b, 0, 0 },
	{ 0, 0x9c, F(STACK) | F(MEMWRITE), R(RSP) },
	{ 0, 0x9d, F(STACK), R(RSP) },
	{ 0, 0x9e, 0, 0 },
	{ 0, 0x9f, 0, R(RAX) },
	{ 0, 0xa0, 0, R(RAX) },
	{ 0, 0xa1, 0, R(RAX) },
	{ 0, 0xa2, F(MEMWRITE), 0 },
	{ 0, 0xa3, F(MEMWRITE), 0 },
	{ 0, 0xa8, 0, 0 },
	{ 0, 0xa9, 0, 0 },
	{ 0, 0xc2, K(RET) | F(STACK), R(RSP) },
	{ 0, 0xc3, K(RET) | F(STACK), R(RSP) },
	{ 0, 0xc8, F(STACK) | F(MEMWRITE), R(RSP) | R(RBP) },
	{ 0, 0xc9, F(STACK), R(RSP) | R(RBP) },
	{ 0, 0xca, K(OTHER_FLOW) | F(STACK), R(RSP) },
	{ 0, 0xcb, K(OTHER_FLOW) | F(STACK), R(RSP) },
	{ 0, 0xcc, K(INT) | F(STACK) | F(WUNKNOWN) | F(MEMWRITE), R(ALL) },
	{ 0, 0xcd, K(INT) | F(STACK) | F(WUNKNOWN) | F(MEMWRITE), R(ALL) },
	{ 0, 0xce, K(INT) | F(STACK) | F(WUNKNOWN) | F(MEMWRITE), R(ALL) },
	{ 0, 0xcf, K(IRET) | F(STACK) | F(PRIV), R(RSP) },
	{ 0, 0xd4, 0, R(RAX) },
	{ 0, 0xd5, 0, R(RAX) },
	{ 0, 0xd6, 0, R(RAX) },
	{ 0, 0xd7, 0, R(RAX) },
	{ 0, 0xe0, K(JCC_REL), R(RCX) },
	{ 0, 0xe1, K(JCC_REL), R(RCX) },
	{ 0, 0xe2, K(JCC_REL), R(RCX) },
	{ 0, 0xe3, K(JCC_REL), 0 },
	{ 0, 0xe4, F(PRIV), R(RAX) },
	{ 0, 0xe5, F(PRIV), R(RAX) },
	{ 0, 0xe6, F(PRIV), 0 },
	{ 0, 0xe7, F(PRIV), 0 },
	{ 0, 0xe8, K(CALL_REL) | F(STACK) | F(MEMWRITE), R(RSP) },
	{ 0, 0xe9, K(JMP_REL), 0 },
	{ 0, 0xea, K(OTHER_FLOW), 0 },
	{ 0, 0xeb, K(JMP_REL), 0 },
	{ 0, 0xec, F(PRIV), R(RAX) },
	{ 0, 0xed, F(PRIV), R(RAX) },
	{ 0, 0xee, F(PRIV), 0 },
	{ 0, 0xef, F(PRIV), 0 },
	{ 0, 0xf1, K(INT) | F(STACK) | F(WUNKNOWN) | F(MEMWRITE), R(ALL) },
	{ 0, 0xf4, K(OTHER_FLOW) | F(PRIV), 0 },
	{ 0, 0xf5, 0, 0 },
	{ 0, 0xf8, 0, 0 },
	{ 0, 0xf9, 0, 0 },
	{ 0, 0xfa, F(PRIV), 0 },
	{ 0, 0xfb, F(PRIV), 0 },
	{ 0, 0xfc, 0, 0 },
	{ 0, 0xfd, 0, 0 },
	{ 1, 0x05, K(SYSCALL), R(RAX) | R(RCX) | R(R11) },
	{ 1, 0x06, F(PRIV), 0 },
	{ 1, 0x07, K(IRET) | F(PRIV) | F(WUNKNOWN) | F(MEMWRITE), R(ALL) },
	{ 1, 0x08, F(PRIV), 0 },
	{ 1, 0x09, F(PRIV), 0 },
	{ 1, 0x0b, K(OTHER_FLOW), 0 },
	{ 1, 0x30, F(PRIV), 0 },
	{ 1, 0x31, 0, R(RAX) | R(RDX) },
	{ 1, 0x32, F(PRIV), R(RAX) | R(RDX) },
	{ 1, 0x33, 0, R(RAX) | R(RDX) },
	{ 1, 0x34, K(SYSCALL) | F(STACK) | F(WUNKNOWN) | F(MEMWRITE), R(ALL) },
	{ 1, 0x35, K(IRET) | F(STACK) | F(PRIV) | F(WUNKNOWN) | F(MEMWRITE),
	  R(ALL) },
	{ 1, 0x37, F(PRIV) | F(WUNKNOWN) | F(MEMWRITE), R(ALL) },
	{ 1, 0x77, 0, 0 },
	{ 1, 0xa0, F(STACK) | F(MEMWRITE), R(RSP) },
	{ 1, 0xa1, F(STACK), R(RSP) },
	{ 1, 0xa2, 0, R(RAX) | R(RBX) | R(RCX) | R(RDX) },
	{ 1, 0xa8, F(STACK) | F(MEMWRITE), R(RSP) },
	{ 1, 0xa9, F(STACK), R(RSP) },
	{ 1, 0xaa, K(OTHER_FLOW) | F(STACK) | F(PRIV) | F(WUNKNOWN) |
	  F(MEMWRITE), R(ALL) },
};

/* Looks the opcode up in pv_fixed; false if it is not there. */
/* pv_fixed is sorted by (map, opcode): a binary search, not a scan of
 * all 88 entries for each decode (the boot patcher decodes every
 * template and padding instruction it places). */
static unsigned pv_fx_key(unsigned map, unsigned op)
{
	return map << 8 | op;
}

static bool pv_sem_fixed(struct pv_dec *d)
{
	unsigned key = pv_fx_key(d->in->map, d->in->opcode);
	size_t lo = 0, hi = sizeof(pv_fixed) / sizeof(pv_fixed[0]);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct pv_fx *fx = &pv_fixed[mid];
		unsigned k = pv_fx_key(fx->map, fx->op);

		if (k < key) {
			lo = mid + 1;
		} else if (k > key) {
			hi = mid;
		} else {
			d->in->kind = (uint8_t)(fx->kind_flags >> 8);
			d->in->flags |= fx->kind_flags & 0xff;
			d->in->regs_written = fx->regs;
			return true;
		}
	}
	return false;
}

int pv_insn_fixed_sorted(void)
{
	for (size_t i = 1; i < sizeof(pv_fixed) / sizeof(pv_fixed[0]); i++)
		if (pv_fx_key(pv_fixed[i - 1].map, pv_fixed[i - 1].op) >=
		    pv_fx_key(pv_fixed[i].map, pv_fixed[i].op))
			return 0;
	return 1;
}

/* String instructions: pointer registers, and rcx under rep. */
static void pv_sem_string(struct pv_dec *d)
{
	switch (d->in->opcode) {
	case 0x6c: case 0x6d: /* ins */
		pv_write(d, R(RDI));
		d->in->flags |= F(MEMWRITE) | F(PRIV);
		break;
	case 0x6e: case 0x6f: /* outs */
		pv_write(d, R(RSI));
		d->in->flags |= F(PRIV);
		break;
	case 0xa4: case 0xa5: /* movs */
		d->in->flags |= F(MEMWRITE);
		/* fall through */
	case 0xa6: case 0xa7: /* cmps */
		pv_write(d, R(RSI) | R(RDI));
		break;
	case 0xaa: case 0xab: /* stos */
		d->in->flags |= F(MEMWRITE);
		/* fall through */
	case 0xae: case 0xaf: /* scas */
		pv_write(d, R(RDI));
		break;
	default: /* lods */
		pv_write(d, R(RAX) | R(RSI));
	}
	if (d->rep)
		pv_write(d, R(RCX));
}

/* 00-3f: add or adc sbb and sub xor cmp; cmp writes nothing. */
static void pv_sem_alu(struct pv_dec *d)
{
	uint8_t op = d->in->opcode;
	bool byte = !(op & 1), cmp = op >= 0x38;

	switch (op & 7) {
	case 0:
	case 1:
		pv_reg(d, byte, false);
		if (cmp)
			pv_rm(d, byte, false);
		else
			pv_rmw(d, byte);
		break;
	case 2:
	case 3:
		pv_rm(d, byte, false);
		pv_reg(d, byte, !cmp);
		break;
	default:
		if (!cmp)
			pv_write(d, R(RAX));
	}
}

/* 40-5f, 90-97, b0-bf: the register is in the opcode's low bits. */
static void pv_sem_opreg(struct pv_dec *d)
{
	uint8_t op = d->in->opcode;
	unsigned n = (op & 7) | (d->rxb & 1) << 3;

	if (op < 0x50) { /* inc/dec outside 64-bit mode */
		d->in->flags |= F(INVALID_64);
		pv_write(d, pv_gpr(d, n, false));
	} else if (op < 0x58) { /* push */
		d->used |= pv_gpr(d, n, false);
		d->in->flags |= F(MEMWRITE);
		pv_write(d, R(RSP));
	} else if (op < 0x60) { /* pop */
		pv_write(d, R(RSP) | pv_gpr(d, n, false));
	} else if (op == 0x90 && !n) { /* xchg eax, eax: nop (f3: pause) */
		if (d->rep != 0xf3)
			d->in->kind = PV_INSN_NOP;
	} else if (op < 0x98) { /* xchg with eax */
		pv_write(d, R(RAX) | pv_gpr(d, n, false));
	} else { /* mov r, imm */
		pv_write(d, pv_gpr(d, n, op < 0xb8));
	}
}

/* 84-8f: test, xchg, mov, lea, mov sreg, pop r/m. */
static int pv_sem_8x(struct pv_dec *d)
{
	uint8_t op = d->in->opcode;
	bool byte = !(op & 1);

	switch (op) {
	case 0x84: case 0x85: /* test */
		pv_rm(d, byte, false);
		pv_reg(d, byte, false);
		break;
	case 0x86: case 0x87: /* xchg */
		pv_reg(d, byte, true);
		pv_rmw(d, byte);
		break;
	case 0x88: case 0x89:
		pv_reg(d, byte, false);
		pv_rm(d, byte, true);
		break;
	case 0x8a: case 0x8b:
		pv_rm(d, byte, false);
		pv_reg(d, byte, true);
		break;
	case 0x8c: /* mov r/m, sreg: es cs ss ds fs gs */
		if (d->reg > 5)
			return -PV_EINVAL;
		pv_rm(d, false, true);
		break;
	case 0x8d: /* lea */
		if (d->mod == 3)
			return -PV_EINVAL;
		pv_reg(d, false, true);
		break;
	case 0x8e: /* mov sreg, r/m: not cs */
		if (d->reg > 5 || d->reg == 1)
			return -PV_EINVAL;
		pv_rm(d, false, false);
		break;
	default: /* 8f /0: pop r/m */
		if (d->reg)
			return -PV_EINVAL;
		d->in->flags |= F(STACK);
		pv_write(d, R(RSP));
		pv_rm(d, false, true);
	}
	return 0;
}

/* c6/c7: mov r/m, imm; c6 f8 xabort (leaves for the abort handler);
 * c7 f8 xbegin (a branch to it, taken on abort with eax written). */
static int pv_sem_c6(struct pv_dec *d)
{
	if (d->in->modrm == 0xf8) {
		d->in->kind = d->in->opcode == 0xc7 ? PV_INSN_JCC_REL :
			      PV_INSN_OTHER_FLOW;
		pv_write(d, R(RAX));
		return 0;
	}
	if (d->reg)
		return -PV_EINVAL;
	pv_rm(d, d->in->opcode == 0xc6, true);
	return 0;
}

/* d8-df: x87 writes no GPR but fnstsw ax; these /r store to memory. */
static void pv_sem_x87(struct pv_dec *d)
{
	static const uint8_t stores[8] = { 0, 0xcc, 0, 0x8e, 0, 0xce, 0, 0xce };
	uint8_t op = d->in->opcode;

	if (d->mod != 3) {
		if (stores[op - 0xd8] >> d->reg & 1)
			d->in->flags |= F(MEMWRITE);
	} else if (op == 0xdf && d->in->modrm == 0xe0) {
		pv_write(d, R(RAX));
	}
}

/* f6/f7: test, not, neg, mul, imul, div, idiv. */
static void pv_sem_grp3(struct pv_dec *d)
{
	bool byte = d->in->opcode == 0xf6;

	if (d->reg < 2) {
		pv_rm(d, byte, false);
	} else if (d->reg < 4) {
		pv_rmw(d, byte);
	} else {
		pv_rm(d, byte, false);
		pv_write(d, byte ? R(RAX) : R(RAX) | R(RDX));
	}
}

/* fe/ff: inc, dec, call, callf, jmp, jmpf, push. */
static int pv_sem_grp5(struct pv_dec *d)
{
	bool byte = d->in->opcode == 0xfe;

	if (d->reg < 2) {
		pv_rmw(d, byte);
		return 0;
	}
	if (byte || d->reg == 7 || ((d->reg & 1) && d->mod == 3))
		return -PV_EINVAL;
	pv_rm(d, false, false);
	if (d->reg == 4) {
		d->in->kind = PV_INSN_JMP_IND;
		return 0;
	}
	if (d->reg == 5) {
		d->in->kind = PV_INSN_OTHER_FLOW;
		return 0;
	}
	d->in->kind = d->reg == 2 ? PV_INSN_CALL_IND :
		      d->reg == 3 ? PV_INSN_OTHER_FLOW : PV_INSN_OTHER;
	d->in->flags |= F(STACK) | F(MEMWRITE);
	pv_write(d, R(RSP));
	return 0;
}

/* One-byte map instructions with ModRM operands outside the ranges. */
static int pv_sem0_modrm(struct pv_dec *d)
{
	uint8_t op = d->in->opcode;

	switch (op) {
	case 0x62: /* bound: traps (#BR) when out of bounds, as into does */
		d->in->kind = PV_INSN_INT;
		pv_reg(d, false, false);
		break;
	case 0x63: /* movsxd in 64-bit mode, else arpl */
		pv_rm(d, false, d->mode != PV_MODE_64);
		pv_reg(d, false, d->mode == PV_MODE_64);
		break;
	case 0x69: case 0x6b: /* imul r, r/m, imm */
	case 0xc4: case 0xc5: /* les, lds */
		pv_rm(d, false, false);
		pv_reg(d, false, true);
		break;
	case 0x80 ... 0x83: /* group 1: cmp (/7) writes nothing */
		if (d->reg == 7)
			pv_rm(d, !(op & 1), false);
		else
			pv_rmw(d, !(op & 1));
		break;
	case 0xc0: case 0xc1: case 0xd0 ... 0xd3: /* shifts */
		pv_rm(d, !(op & 1), true);
		break;
	case 0xc6: case 0xc7:
		return pv_sem_c6(d);
	case 0xd8 ... 0xdf:
		pv_sem_x87(d);
		break;
	case 0xf6: case 0xf7:
		pv_sem_grp3(d);
		break;
	case 0xfe: case 0xff:
		return pv_sem_grp5(d);
	default:
		pv_unknown(d);
	}
	return 0;
}

static int pv_sem0(struct pv_dec *d)
{
	uint8_t op = d->in->opcode;

	switch (op) {
	case 0x00 ... 0x3f:
		if ((op & 7) < 6) {
			pv_sem_alu(d);
			return 0;
		}
		break;
	case 0x40 ... 0x5f: case 0x90 ... 0x97: case 0xb0 ... 0xbf:
		pv_sem_opreg(d);
		return 0;
	case 0x70 ... 0x7f:
		d->in->kind = PV_INSN_JCC_REL;
		return 0;
	case 0x84 ... 0x8f:
		return pv_sem_8x(d);
	case 0x6c ... 0x6f: case 0xa4 ... 0xa7: case 0xaa ... 0xaf:
		pv_sem_string(d);
		return 0;
	}
	if (d->in->flags & F(MODRM))
		return pv_sem0_modrm(d);
	if (!pv_sem_fixed(d))
		pv_unknown(d);
	return 0;
}

/* 0f 00: sldt, str, lldt, ltr, verr, verw. */
static void pv_sem_grp6(struct pv_dec *d)
{
	if (d->reg >= 6) {
		pv_unknown(d);
		return;
	}
	pv_rm(d, false, d->reg < 2);
	if (d->reg == 2 || d->reg == 3)
		d->in->flags |= F(PRIV);
}

/* 0f 01 with mod 11: one instruction per ModRM byte. */
static void pv_sem_grp7_reg(struct pv_dec *d)
{
	uint8_t m = d->in->modrm;

	if (m >= 0xe0 && m <= 0xe7) { /* smsw r */
		pv_rm(d, false, true);
		return;
	}
	switch (m) {
	case 0xc1: case 0xd9: /* vmcall, vmmcall: the hypervisor decides */
		d->in->kind = PV_INSN_SYSCALL;
		pv_unknown(d);
		return;
	case 0xc8: case 0xc9: /* monitor mwait */
	case 0xca: case 0xcb: /* clac stac */
	case 0xd1: case 0xf8: /* xsetbv, swapgs */
	case 0xf0 ... 0xf7: /* lmsw r */
		d->in->flags |= F(PRIV);
		return;
	case 0xd0: case 0xee: /* xgetbv, rdpkru */
		pv_write(d, R(RAX) | R(RDX));
		return;
	case 0xd5: /* xend: may abort to the xbegin handler */
		d->in->kind = PV_INSN_OTHER_FLOW;
		return;
	case 0xd6: case 0xef: /* xtest, wrpkru */
		return;
	case 0xf9: /* rdtscp */
		pv_write(d, R(RAX) | R(RCX) | R(RDX));
		return;
	}
	pv_unknown(d);
	if (m >= 0xc0 && m <= 0xc4) /* vmx */
		d->in->flags |= F(PRIV);
}

/* 0f 01: sgdt sidt lgdt lidt smsw - lmsw invlpg, then the mod 11 forms. */
static void pv_sem_grp7(struct pv_dec *d)
{
	if (d->mod == 3) {
		pv_sem_grp7_reg(d);
		return;
	}
	switch (d->reg) {
	case 0: case 1: case 4:
		d->in->flags |= F(MEMWRITE);
		break;
	case 5:
		pv_unknown(d);
		break;
	default:
		d->in->flags |= F(PRIV);
	}
}

/* 0f ae: fences, fs/gs base, and the state save/restore forms. */
static void pv_sem_grp15(struct pv_dec *d)
{
	if (d->mod == 3 && !d->rep && !d->osz && d->reg >= 5)
		return; /* lfence, mfence, sfence */
	if (d->mod == 3 && d->rep == 0xf3 && d->reg < 4) {
		pv_rm(d, false, d->reg < 2); /* rd/wr fs/gs base */
		return;
	}
	if (d->mod != 3 && !d->rep) {
		/* fxsave stmxcsr xsave xsaveopt/clwb clflush(opt) store */
		if (0xd9 >> d->reg & 1)
			d->in->flags |= F(MEMWRITE);
		return;
	}
	pv_unknown(d);
}

/* 0f c7: cmpxchg8b/16b, rdrand, rdseed/rdpid; the rest is unmodelled. */
static void pv_sem_grp9(struct pv_dec *d)
{
	if (d->mod != 3 && d->reg == 1) {
		pv_write(d, R(RAX) | R(RDX));
		d->in->flags |= F(MEMWRITE);
		d->lockok = 1;
	} else if (d->mod == 3 && d->reg >= 6) {
		pv_rm(d, false, true);
	} else {
		pv_unknown(d);
	}
}

/* 0f 0d, 0f 18-1f: prefetches, hints and nops that name GPRs they never
 * change; 0f 1f /0 is the long nop; rdssp writes. */
static void pv_sem_hint(struct pv_dec *d)
{
	uint8_t op = d->in->opcode;

	if (op == 0x1a || op == 0x1b) { /* MPX: bndstx, bndmov store */
		pv_unknown(d);
	} else if (op == 0x1e && d->rep == 0xf3 && d->mod == 3 &&
		   d->reg == 1) {
		pv_rm(d, false, true);
	} else if (op == 0x1f && d->reg == 0) {
		d->in->kind = PV_INSN_NOP;
		d->used = 0; /* the memory operand is never accessed */
	} else {
		pv_rm(d, false, false);
		if ((op != 0x18 && op != 0x0d) || d->mod == 3)
			pv_reg(d, false, false);
	}
}

/* 0f 40-4f, a3-c1: cmov, bit tests, double shifts, cmpxchg, xadd, movzx,
 * movsx, bsf... */
static void pv_sem_0fbx(struct pv_dec *d)
{
	uint8_t op = d->in->opcode;
	bool byte = op == 0xb0 || op == 0xc0;

	switch (op) {
	case 0xa3: /* bt */
		pv_rm(d, false, false);
		pv_reg(d, false, false);
		break;
	case 0xab: case 0xb3: case 0xbb: /* bts btr btc */
	case 0xb0: case 0xb1: case 0xc0: case 0xc1: /* cmpxchg xadd */
		pv_reg(d, byte, op >= 0xc0);
		pv_rmw(d, byte);
		if (op == 0xb0 || op == 0xb1)
			pv_write(d, R(RAX));
		break;
	case 0xa4: case 0xa5: case 0xac: case 0xad: /* shld shrd */
		pv_reg(d, false, false);
		pv_rm(d, false, true);
		break;
	case 0xba: /* bt/bts/btr/btc r/m, imm8 */
		if (d->reg == 4)
			pv_rm(d, false, false);
		else if (d->reg > 4)
			pv_rmw(d, false);
		else
			pv_unknown(d);
		break;
	default: /* cmov imul popcnt bsf bsr tzcnt lzcnt movzx movsx */
		pv_rm(d, op == 0xb6 || op == 0xbe, false);
		pv_reg(d, false, true);
	}
}

static int pv_sem1(struct pv_dec *d)
{
	uint8_t op = d->in->opcode;

	switch (op) {
	case 0x00:
		pv_sem_grp6(d);
		break;
	case 0x01:
		pv_sem_grp7(d);
		break;
	case 0x0d: case 0x18 ... 0x1f:
		pv_sem_hint(d);
		break;
	case 0x20 ... 0x23: /* mov to/from crN, drN */
		d->in->flags |= F(PRIV);
		pv_rm(d, false, op < 0x22);
		break;
	case 0x80 ... 0x8f:
		d->in->kind = PV_INSN_JCC_REL;
		break;
	case 0x90 ... 0x9f: /* setcc */
		pv_rm(d, true, true);
		break;
	case 0xae:
		pv_sem_grp15(d);
		break;
	case 0x40 ... 0x4f: /* cmovcc */
	case 0xa3 ... 0xa5: case 0xab ... 0xad: case 0xaf ... 0xb1:
	case 0xb3: case 0xb6 ... 0xb8: case 0xba ... 0xbf: case 0xc0:
	case 0xc1:
		pv_sem_0fbx(d);
		break;
	case 0xc7:
		pv_sem_grp9(d);
		break;
	case 0xb9: case 0xff: /* ud1, ud0 */
		d->in->kind = PV_INSN_OTHER_FLOW;
		pv_rm(d, false, false);
		pv_reg(d, false, false);
		break;
	case 0xc8 ... 0xcf: /* bswap */
		pv_write(d, pv_gpr(d, (op & 7) | (d->rxb & 1) << 3, false));
		break;
	default:
		if (!pv_sem_fixed(d))
			pv_unknown(d);
	}
	return 0;
}

/* Semantics after a successful length decode; may still find it invalid. */
static int pv_sem(struct pv_dec *d)
{
	struct pv_insn *in = d->in;
	int err = 0;

	if (d->vex || in->map > 1)
		pv_unknown(d);
	else if (in->map == 1)
		err = pv_sem1(d);
	else
		err = pv_sem0(d);
	if (err)
		return err;
	if (!(in->flags & F(WUNKNOWN)))
		d->used |= in->regs_written;
	if (d->used & R(RSP))
		in->flags |= F(STACK);
	if (d->lock) {
		in->flags |= F(LOCK);
		if (!d->lockok)
			return -PV_EINVAL;
	}
	return 0;
}

int pv_insn_decode(const uint8_t *p, size_t avail, enum pv_insn_mode mode,
		   struct pv_insn *out)
{
	struct pv_dec d = { .p = p, .avail = avail, .in = out, .mode = mode };
	int err;

	*out = (struct pv_insn){ 0 };
	if (mode != PV_MODE_64 && mode != PV_MODE_32 && mode != PV_MODE_16)
		return -PV_EINVAL;
	d.asz = mode == PV_MODE_64 ? 8 : mode == PV_MODE_32 ? 4 : 2;
	err = pv_prefixes(&d);
	if (!err)
		err = pv_opcode(&d);
	if (!err)
		err = pv_sem(&d);
	if (err)
		return err;
	out->len = (uint8_t)d.pos;
	return (int)d.pos;
}
