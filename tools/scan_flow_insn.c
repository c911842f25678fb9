/* scan_flow_insn.c: one instruction's effect on scan_flow.c's state: the
 * registers, flags and pushed words it writes, and what it does to rsp. */
#include <string.h>

#include "pv/template.h"
#include "scan_flow_state.h"

void flow_set_lost(struct flow_state *s, unsigned me)
{
	s->lost = 1;
	s->depth = 0;
	s->reg[RSP] = V_W | me;
	memset(s->slot, 0, sizeof(s->slot));
}

void flow_write_all(struct flow_state *s, unsigned me)
{
	for (unsigned i = 0; i < FLOW_NREGS; i++)
		s->reg[i] = V_W | me;
	s->flags = V_W | me;
	flow_set_lost(s, me);
}

/* Decodes the instruction at a in an executable section; its bytes, or
 * NULL if there is none there or it does not decode. */
const uint8_t *flow_insn_at(const struct elf_image *img, uint64_t a,
			      struct pv_insn *in)
{
	const struct elf_sec *sec = elf_sec_by_addr(img, a, 1);
	uint64_t avail;
	const uint8_t *p;

	if (!sec || !elf_sec_exec(sec) || !sec->bytes)
		return NULL;
	avail = sec->addr + sec->sh.sh_size - a;
	p = elf_ptr(img, a, avail < 15 ? avail : 15);
	if (!p || pv_insn_decode(p, avail < 15 ? avail : 15, PV_MODE_64, in) < 0)
		return NULL;
	return p;
}

int flow_insn_is_ud(const struct pv_insn *in)
{
	return in->map == 1 &&
	       (in->opcode == 0x0b || in->opcode == 0xb9 || in->opcode == 0xff);
}

int flow_insn_is_hlt(const struct pv_insn *in)
{
	return in->map == 0 && in->opcode == 0xf4;
}

/* 0f 01: descriptor tables, invlpg, swapgs, rdtscp, monitor/mwait,
 * clac/stac and xgetbv/xsetbv leave the arithmetic flags alone. */
static int grp7_flags(const struct pv_insn *in)
{
	uint8_t m = in->modrm;

	if (m >> 6 != 3)
		return (m >> 3 & 7) == 5;
	switch (m) {
	case 0xc8: case 0xc9: case 0xca: case 0xcb:
	case 0xd0: case 0xd1: case 0xf8: case 0xf9:
		return 0;
	}
	return 1;
}

/*
 * Does it write the arithmetic flags (CF PF AF ZF SF OF) or DF?  A list of
 * those known not to (moves, pushes, branches, system instructions whose
 * manual entry says "flags affected: none"); everything else does.
 */
static int writes_flags(const struct pv_insn *in)
{
	uint8_t op = in->opcode, reg = in->modrm >> 3 & 7;

	if (in->kind == PV_INSN_NOP)
		return 0;
	if (in->map == 0) {
		switch (op) {
		case 0x50 ... 0x5f: case 0x68: case 0x6a: case 0x70 ... 0x7f:
		case 0x88 ... 0x8f: case 0x90 ... 0x99: case 0x9b: case 0x9c:
		case 0xa0 ... 0xa5: case 0xaa ... 0xad: case 0xb0 ... 0xbf:
		case 0xc2: case 0xc3: case 0xc6 ... 0xc9: case 0xd7:
		case 0xe0 ... 0xe9: case 0xeb: case 0xec ... 0xef: case 0xf4:
		case 0xfa: case 0xfb:
			return 0;
		case 0xff:
			return reg < 2 || reg > 6;
		}
		return 1;
	}
	if (in->map != 1)
		return 1;
	switch (op) {
	case 0x00:
		return reg >= 4; /* verr, verw */
	case 0x01:
		return grp7_flags(in);
	case 0x06: case 0x08: case 0x09: case 0x0b: case 0x0d:
	case 0x18 ... 0x1f: case 0x30 ... 0x33: case 0x40 ... 0x4f:
	case 0x90 ... 0x9f: case 0xa0 ... 0xa2: case 0xa8: case 0xa9:
	case 0xae: case 0xb6: case 0xb7: case 0xbe: case 0xbf:
	case 0xc8 ... 0xcf:
		return 0;
	}
	return 1;
}

static void push(struct flow_state *s, uint16_t v)
{
	if (s->lost)
		return;
	if (s->depth >= 0 && s->depth < FLOW_SLOTS)
		s->slot[s->depth] = v;
	s->depth++;
}

/* A word from below the entry rsp (the return address, the caller's
 * frame) or an untracked one counts as written here. */
static uint16_t pop(struct flow_state *s, unsigned me)
{
	uint16_t v = V_W | me;

	if (s->lost)
		return v;
	s->depth--;
	if (s->depth >= 0 && s->depth < FLOW_SLOTS) {
		v = s->slot[s->depth];
		s->slot[s->depth] = 0;
	}
	return v;
}

/* rsp += bytes, from add/sub/lea. */
static void rsp_add(struct flow_state *s, int64_t bytes, unsigned me)
{
	int64_t d;

	if (s->lost)
		return;
	if (bytes % 8 || bytes > 8 * 4096 || bytes < -8 * 4096) {
		flow_set_lost(s, me);
		return;
	}
	d = s->depth - bytes / 8;
	for (int64_t i = s->depth; i < d && i < FLOW_SLOTS; i++)
		if (i >= 0)
			s->slot[i] = V_W | me; /* sub: new, unknown words */
	for (int64_t i = d; i < s->depth && i < FLOW_SLOTS; i++)
		if (i >= 0)
			s->slot[i] = 0;
	s->depth = (int16_t)d;
}

static int64_t imm_of(const struct pv_insn *in, const uint8_t *p)
{
	if (in->imm_len == 1)
		return (int8_t)p[in->imm_off];
	if (in->imm_len == 4) {
		int32_t v;

		memcpy(&v, p + in->imm_off, 4);
		return v;
	}
	return 0;
}

/* Offset of the ModRM byte, or -1 if it cannot be located. */
static int modrm_pos(const struct pv_insn *in, const uint8_t *p)
{
	static const uint8_t oplen[4] = { 1, 2, 3, 3 };
	unsigned pos = in->nprefixes + (in->rex ? 1u : 0u);

	if (!(in->flags & PV_INSN_F_MODRM) || in->map > 3)
		return -1;
	pos += oplen[in->map];
	return pos < in->len && p[pos] == in->modrm ? (int)pos : -1;
}

/* Memory operand base: 1 if it is rsp with no index (disp in *d), -1 if
 * rsp with an index, 0 if not rsp. */
static int rsp_based(const struct pv_insn *in, const uint8_t *p, int32_t *d)
{
	int pos = modrm_pos(in, p);
	uint8_t sib;

	if (pos < 0)
		return -1;
	if (in->modrm >> 6 == 3 || (in->modrm & 7) != 4)
		return 0;
	sib = p[pos + 1];
	if ((sib & 7) != 4 || (in->rex & 1))
		return 0;
	*d = in->disp_len ? in->disp : 0;
	return (sib >> 3 & 7) == 4 && !(in->rex & 2) ? 1 : -1;
}

/* A store: a pushed word it may overwrite counts as written. */
static void mem_write(struct flow_state *s, const struct pv_insn *in,
		      const uint8_t *p, unsigned me)
{
	int32_t d = 0;
	int r;

	if (s->lost || !(in->flags & PV_INSN_F_MEMWRITE))
		return;
	r = rsp_based(in, p, &d);
	if (!r)
		return;
	for (int i = 0; i < s->depth && i < FLOW_SLOTS; i++) {
		int64_t off = 8 * (int64_t)(s->depth - 1 - i); /* from rsp */

		if (r < 0 || (d < off + 8 && d + 8 > off))
			s->slot[i] = V_W | me;
	}
}

/* add/sub $imm, %rsp; lea d(%rsp), %rsp: 1 with the change in *bytes. */
static int rsp_arith(const struct pv_insn *in, const uint8_t *p, int64_t *bytes)
{
	int32_t d;

	if (in->map || !(in->rex & 8) || (in->rex & 5))
		return 0;
	if ((in->opcode == 0x81 || in->opcode == 0x83) && in->modrm >> 6 == 3 &&
	    (in->modrm & 7) == RSP && ((in->modrm >> 3 & 7) % 5) == 0) {
		*bytes = (in->modrm >> 3 & 7) ? -imm_of(in, p) : imm_of(in, p);
		return 1;
	}
	if (in->opcode == 0x8d && (in->modrm >> 3 & 7) == RSP &&
	    rsp_based(in, p, &d) == 1) {
		*bytes = d;
		return 1;
	}
	return 0;
}

/* Push and pop forms, rsp arithmetic: their effect, and the registers
 * left for the generic update.  Other writes to rsp lose track of it. */
static uint16_t stack_op(struct flow_state *s, const struct pv_insn *in,
			 const uint8_t *p, unsigned me)
{
	unsigned n = (in->opcode & 7) | (in->rex & 1) << 3;
	unsigned rm = (in->modrm & 7) | (in->rex & 1) << 3;
	uint16_t w = in->regs_written & (uint16_t)~PV_REG_RSP;
	int64_t bytes;

	if (in->map == 0 && in->opcode >= 0x50 && in->opcode <= 0x57)
		push(s, n == RSP ? V_W | me : s->reg[n]);
	else if (in->map == 0 && in->opcode >= 0x58 && in->opcode <= 0x5f)
		s->reg[n] = pop(s, me), w &= (uint16_t)~(1u << n);
	else if (in->map == 0 && in->opcode == 0x8f && in->modrm >> 6 == 3)
		s->reg[rm] = pop(s, me), w &= (uint16_t)~(1u << rm);
	else if (in->map == 0 && in->opcode == 0xff && in->modrm >> 6 == 3 &&
		 (in->modrm >> 3 & 7) == 6)
		push(s, rm == RSP ? V_W | me : s->reg[rm]);
	else if (in->map == 0 && in->opcode == 0x9c)
		push(s, s->flags);
	else if (in->map == 0 && in->opcode == 0x9d)
		s->flags = pop(s, me);
	else if ((in->map == 0 && (in->opcode == 0x68 || in->opcode == 0x6a ||
				   (in->opcode == 0xff &&
				    (in->modrm >> 3 & 7) == 6))) ||
		 (in->map == 1 && (in->opcode == 0xa0 || in->opcode == 0xa8)))
		push(s, V_W | me);
	else if ((in->map == 0 && in->opcode == 0x8f) ||
		 (in->map == 1 && (in->opcode == 0xa1 || in->opcode == 0xa9)))
		pop(s, me);
	else if (rsp_arith(in, p, &bytes))
		rsp_add(s, bytes, me);
	else if (in->regs_written & PV_REG_RSP)
		flow_set_lost(s, me); /* leave, enter, mov to rsp, ... */
	else
		mem_write(s, in, p, me);
	if (s->reg[RSP] != RSP && !s->lost)
		flow_set_lost(s, me); /* pop %rsp */
	return w;
}

/* Registers, flags and pushed words after the instruction at node me;
 * calls and rets move rsp but are the control-flow code's business. */
void flow_insn_apply(struct flow_state *s, const struct pv_insn *in,
		       const uint8_t *p, unsigned me)
{
	uint16_t w;

	if (in->flags & PV_INSN_F_WUNKNOWN) {
		flow_write_all(s, me);
		return;
	}
	if (writes_flags(in))
		s->flags = V_W | me;
	if (in->kind == PV_INSN_CALL_REL || in->kind == PV_INSN_CALL_IND ||
	    in->kind == PV_INSN_RET)
		w = in->regs_written & (uint16_t)~PV_REG_RSP;
	else
		w = stack_op(s, in, p, me);
	for (unsigned i = 0; i < FLOW_NREGS; i++)
		if (w >> i & 1)
			s->reg[i] = V_W | me;
}

