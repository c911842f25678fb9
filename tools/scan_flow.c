/* scan_flow.c: follows code from its entry with the project's decoder and
 * tracks which registers, flags and pushed words still hold entry values. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xen/xen.h>

#include "insn.h"
#include "pv/template.h"
#include "scan_flow.h"

#define FLOW_MAX_NODES 4096 /* instructions per analysis; more: unknown */
#define FLOW_HASH (2 * FLOW_MAX_NODES)
#define FLOW_SLOTS 32       /* pushed words tracked */
#define FLOW_MAX_DEPTH 16   /* summaries computed inside one another */
#define RSP 4               /* x86 register number */

/*
 * A value is where a register's (or stack word's) contents came from:
 * 0-15 the entry value of that register, V_FLAGS the entry flags, or
 * V_W | node: written by the instruction of that node.
 */
#define V_FLAGS 16
#define V_W 0x8000

struct flow_state {
	uint16_t reg[FLOW_NREGS]; /* reg[RSP]: RSP while tracked */
	uint16_t flags;
	uint16_t slot[FLOW_SLOTS]; /* slot[i]: the (i+1)th word pushed */
	int16_t depth; /* words pushed since entry less those popped */
	uint8_t lost;  /* rsp is no longer a known offset from entry */
	uint8_t valid;
};

struct flow_node {
	uint64_t addr;
	struct flow_state st;
	uint8_t queued;
};

/* One analysis: template mode when end is set. */
struct flow_run {
	struct flow_ctx *cx;
	uint64_t entry, end;
	struct flow_node *nodes;
	unsigned nnodes;
	int32_t *hash; /* node index + 1, open addressing by address */
	unsigned *work;
	unsigned nwork;
	int overflow;
	struct flow_result *r;
};

struct flow_func {
	uint64_t addr;
	int busy;
	struct flow_result r;
};

static void set_lost(struct flow_state *s, unsigned me)
{
	s->lost = 1;
	s->depth = 0;
	s->reg[RSP] = V_W | me;
	memset(s->slot, 0, sizeof(s->slot));
}

static void write_all(struct flow_state *s, unsigned me)
{
	for (unsigned i = 0; i < FLOW_NREGS; i++)
		s->reg[i] = V_W | me;
	s->flags = V_W | me;
	set_lost(s, me);
}

static void write_mask(struct flow_state *s, uint16_t mask, unsigned me)
{
	for (unsigned i = 0; i < FLOW_NREGS; i++)
		if (mask >> i & 1) {
			if (i == RSP)
				set_lost(s, me);
			else
				s->reg[i] = V_W | me;
		}
}

static uint16_t join_val(uint16_t a, uint16_t b, unsigned node)
{
	if (a == b)
		return a;
	if ((a & V_W) && (b & V_W))
		return a < b ? a : b;
	if (a & V_W)
		return a;
	return b & V_W ? b : (uint16_t)(V_W | node);
}

/* Merges s into d; 1 if d changed. */
static int join(struct flow_state *d, const struct flow_state *s, unsigned node)
{
	struct flow_state o = *d;
	unsigned i;

	if (!d->valid) {
		*d = *s;
		return 1;
	}
	for (i = 0; i < FLOW_NREGS; i++)
		d->reg[i] = join_val(d->reg[i], s->reg[i], node);
	d->flags = join_val(d->flags, s->flags, node);
	if (d->lost || s->lost || d->depth != s->depth) {
		uint16_t keep = d->reg[RSP]; /* the lost side's culprit */

		set_lost(d, node);
		if (keep & V_W)
			d->reg[RSP] = keep;
	} else {
		for (i = 0; i < FLOW_SLOTS; i++)
			d->slot[i] = join_val(d->slot[i], s->slot[i], node);
	}
	return memcmp(&o, d, sizeof(o)) != 0;
}

static int node_get(struct flow_run *fr, uint64_t addr)
{
	unsigned h = (unsigned)((addr * 0x9e3779b97f4a7c15ull) >> 51);

	for (;; h = (h + 1) % FLOW_HASH) {
		int32_t i = fr->hash[h];

		if (i && fr->nodes[i - 1].addr == addr)
			return i - 1;
		if (i)
			continue;
		if (fr->nnodes == FLOW_MAX_NODES) {
			fr->overflow = 1;
			return -1;
		}
		fr->nodes[fr->nnodes].addr = addr;
		fr->hash[h] = (int32_t)++fr->nnodes;
		return (int)fr->nnodes - 1;
	}
}

static void edge(struct flow_run *fr, uint64_t to, const struct flow_state *s)
{
	int i = node_get(fr, to);

	if (i < 0)
		return;
	if (join(&fr->nodes[i].st, s, (unsigned)i) && !fr->nodes[i].queued) {
		fr->nodes[i].queued = 1;
		fr->work[fr->nwork++] = (unsigned)i;
	}
}

/* Where value v was written; an entry value in the wrong place counts as
 * written at node. */
static uint64_t at_of(const struct flow_run *fr, uint16_t v, unsigned node)
{
	return fr->nodes[v & V_W ? v & ~V_W : node].addr;
}

static void note(uint16_t *mask, uint64_t *at, unsigned i, uint64_t a)
{
	if (!(*mask >> i & 1) || a < at[i])
		at[i] = a;
	*mask |= (uint16_t)(1u << i);
}

/* Back to the caller (ret) or, for a template, on into the site. */
static void exit_ret(struct flow_run *fr, const struct flow_state *s,
		     unsigned node)
{
	struct flow_result *r = fr->r;
	r->returns = 1;
	for (unsigned i = 0; i < FLOW_NREGS; i++)
		if (i != RSP && s->reg[i] != i)
			note(&r->ret, r->ret_at, i, at_of(fr, s->reg[i], node));
	if (s->lost || s->depth)
		note(&r->ret, r->ret_at, RSP, at_of(fr, s->reg[RSP], node));
	if (s->flags != V_FLAGS) {
		uint64_t a = at_of(fr, s->flags, node);

		if (!r->ret_flags || a < r->ret_at[FLOW_FLAGS])
			r->ret_at[FLOW_FLAGS] = a;
		r->ret_flags = 1;
	}
}

/* Out for good (iret, sysret, Xen's iret): rsp and flags are reloaded. */
static void exit_leave(struct flow_run *fr, const struct flow_state *s,
		       unsigned node)
{
	struct flow_result *r = fr->r;

	r->leaves = 1;
	for (unsigned i = 0; i < FLOW_NREGS; i++)
		if (i != RSP && s->reg[i] != i)
			note(&r->leave, r->leave_at, i,
			     at_of(fr, s->reg[i], node));
}

/* ---- One instruction's effect on the state. ---- */

/* Decodes the instruction at a in an executable section; its bytes, or
 * NULL if there is none there or it does not decode. */
static const uint8_t *insn_at(const struct elf_image *img, uint64_t a,
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

static int insn_is_ud(const struct pv_insn *in)
{
	return in->map == 1 &&
	       (in->opcode == 0x0b || in->opcode == 0xb9 || in->opcode == 0xff);
}

static int insn_is_hlt(const struct pv_insn *in)
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
		set_lost(s, me);
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
		set_lost(s, me); /* leave, enter, mov to rsp, ... */
	else
		mem_write(s, in, p, me);
	if (s->reg[RSP] != RSP && !s->lost)
		set_lost(s, me); /* pop %rsp */
	return w;
}

/* Registers, flags and pushed words after the instruction at node me;
 * calls and rets move rsp but are the control-flow code's business. */
static void insn_apply(struct flow_state *s, const struct pv_insn *in,
		       const uint8_t *p, unsigned me)
{
	uint16_t w;

	if (in->flags & PV_INSN_F_WUNKNOWN) {
		write_all(s, me);
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

/* Fall-through or branch to t inside the code analysed. */
static void go(struct flow_run *fr, struct flow_state *s, uint64_t t,
	       unsigned me)
{
	if (!fr->end) {
		edge(fr, t, s);
	} else if (t == fr->end) {
		exit_ret(fr, s, me);
	} else if (t >= fr->entry && t < fr->end) {
		edge(fr, t, s);
	} else { /* a template that leaves for unknown code */
		write_all(s, me);
		exit_ret(fr, s, me);
	}
}

/* Slot of Xen's hypercall page that t is, -1 if t is not in the page, -2
 * if it is but not at a slot. */
static int hcall_slot(const struct flow_ctx *cx, uint64_t t)
{
	if (!cx->hcall_page || t < cx->hcall_page || t - cx->hcall_page >= 4096)
		return -1;
	return (t - cx->hcall_page) % 32 ? -2 : (int)((t - cx->hcall_page) / 32);
}

static int is_func_start(const struct flow_run *fr, uint64_t t)
{
	const struct elf_sym *f = elf_func_at(fr->cx->sc->img, t);

	return f && f->addr == t;
}

/* Control reaches function or hypercall t: 1 if it comes back. */
static int enter(struct flow_run *fr, struct flow_state *s, uint64_t t,
		 unsigned me)
{
	const struct flow_result *g;
	int slot = hcall_slot(fr->cx, t);

	if (slot == __HYPERVISOR_iret) {
		exit_leave(fr, s, me);
		return 0;
	}
	if (slot >= 0) { /* Xen's 64-bit hypercall ABI: see hcall_clobbers */
		write_mask(s, PV_CLOBBERS_CALLER, me);
		s->flags = V_W | me;
		return 1;
	}
	if (slot == -2 || !is_func_start(fr, t)) {
		write_all(s, me); /* a call to a non-function */
		return 1;
	}
	g = flow_function(fr->cx, t);
	if (g->leaves) {
		struct flow_state l = *s;

		write_mask(&l, g->leave & ~PV_REG_RSP, me);
		exit_leave(fr, &l, me);
	}
	write_mask(s, g->ret, me);
	if (g->ret_flags)
		s->flags = V_W | me;
	return g->returns;
}

static void jump(struct flow_run *fr, struct flow_state *s, uint64_t t,
		 unsigned me)
{
	int inside = fr->end ? t >= fr->entry && t <= fr->end
			     : !is_func_start(fr, t) || t == fr->entry;

	if (inside && hcall_slot(fr->cx, t) == -1) {
		go(fr, s, t, me);
		return;
	}
	/* a tail call: what comes back goes to our caller */
	if (enter(fr, s, t, me))
		exit_ret(fr, s, me);
}

/* Control flow after the instruction at node i (s: state after it). */
static void flow(struct flow_run *fr, const struct pv_insn *in,
		 struct flow_state *s, const struct flow_state *pre, unsigned i)
{
	uint64_t next = fr->nodes[i].addr + in->len, t = next + in->rel;

	switch (in->kind) {
	case PV_INSN_RET:
		if (in->imm_len || fr->end)
			write_all(s, i);
		exit_ret(fr, s, i);
		break;
	case PV_INSN_IRET:
		exit_leave(fr, pre, i);
		break;
	case PV_INSN_JCC_REL:
		jump(fr, s, t, i);
		go(fr, s, next, i);
		break;
	case PV_INSN_JMP_REL:
		jump(fr, s, t, i);
		break;
	case PV_INSN_CALL_REL:
		if (enter(fr, s, t, i))
			go(fr, s, next, i);
		break;
	case PV_INSN_CALL_IND: /* unknown callee: writes everything */
		write_all(s, i);
		go(fr, s, next, i);
		break;
	case PV_INSN_JMP_IND:
		write_all(s, i);
		exit_ret(fr, s, i);
		break;
	case PV_INSN_OTHER_FLOW:
		if (insn_is_ud(in))
			break; /* never continues */
		if (insn_is_hlt(in)) { /* resumes after an interrupt */
			go(fr, s, next, i);
			break;
		}
		write_all(s, i); /* far transfers, xabort, xend */
		exit_ret(fr, s, i);
		break;
	default:
		go(fr, s, next, i);
	}
}

static void step(struct flow_run *fr, unsigned i)
{
	struct flow_state s = fr->nodes[i].st, pre = s;
	uint64_t a = fr->nodes[i].addr, fix;
	struct pv_insn in;
	const uint8_t *p = insn_at(fr->cx->sc->img, a, &in);

	if (!p) { /* undecodable, or not code: writes everything */
		write_all(&s, i);
		exit_ret(fr, &s, i);
		return;
	}
	insn_apply(&s, &in, p, i);
	if (in.kind == PV_INSN_SYSCALL && !(in.flags & PV_INSN_F_WUNKNOWN)) {
		write_mask(&s, PV_CLOBBERS_CALLER, i); /* a hypercall */
		s.flags = V_W | i;
	}
	/* a fault resumes at the landing pad with what was done so far */
	fix = scan_extable_fixup(fr->cx->sc, a);
	if (fix)
		go(fr, &s, fix, i);
	flow(fr, &in, &s, &pre, i);
}

static void result_all(struct flow_result *r, uint64_t at)
{
	memset(r, 0, sizeof(*r));
	r->returns = 1;
	r->ret = PV_REG_ALL;
	r->ret_flags = 1;
	for (unsigned i = 0; i <= FLOW_NREGS; i++)
		r->ret_at[i] = at;
}

static int run(struct flow_ctx *cx, uint64_t entry, uint64_t end,
	       struct flow_result *r)
{
	struct flow_run fr = { .cx = cx, .entry = entry, .end = end, .r = r };
	struct flow_state s0 = { .flags = V_FLAGS, .valid = 1 };

	memset(r, 0, sizeof(*r));
	fr.nodes = calloc(FLOW_MAX_NODES, sizeof(*fr.nodes));
	fr.hash = calloc(FLOW_HASH, sizeof(*fr.hash));
	fr.work = calloc(FLOW_MAX_NODES, sizeof(*fr.work));
	if (!fr.nodes || !fr.hash || !fr.work) {
		free(fr.nodes), free(fr.hash), free(fr.work);
		return elf_err(cx->sc->img, NULL, "out of memory");
	}
	for (unsigned i = 0; i < FLOW_NREGS; i++)
		s0.reg[i] = (uint16_t)i;
	if (end && entry == end)
		r->returns = 1; /* an empty template */
	else
		edge(&fr, entry, &s0);
	while (fr.nwork && !fr.overflow) {
		unsigned i = fr.work[--fr.nwork];

		fr.nodes[i].queued = 0;
		step(&fr, i);
	}
	if (fr.overflow)
		result_all(r, entry);
	r->ninsns = fr.nnodes;
	cx->ninsns += fr.nnodes;
	free(fr.nodes), free(fr.hash), free(fr.work);
	return 0;
}

int flow_template(struct flow_ctx *cx, uint64_t start, uint64_t end,
		  struct flow_result *r)
{
	return run(cx, start, end, r);
}

/* Cached; a function met again while being analysed (recursion) or too
 * deep counts as writing everything. */
const struct flow_result *flow_function(struct flow_ctx *cx, uint64_t entry)
{
	struct flow_result r;
	size_t i;

	for (i = 0; i < cx->nfuncs; i++)
		if (cx->funcs[i].addr == entry)
			break;
	if (i < cx->nfuncs && !cx->funcs[i].busy)
		return &cx->funcs[i].r;
	result_all(&cx->all, entry);
	if (i < cx->nfuncs || cx->depth >= FLOW_MAX_DEPTH)
		return &cx->all;
	if (cx->nfuncs == cx->cap) {
		size_t cap = cx->cap ? 2 * cx->cap : 32;
		struct flow_func *f = realloc(cx->funcs, cap * sizeof(*f));

		if (!f)
			return &cx->all;
		cx->funcs = f;
		cx->cap = cap;
	}
	cx->funcs[i] = (struct flow_func){ .addr = entry, .busy = 1 };
	cx->nfuncs++;
	cx->depth++;
	if (run(cx, entry, 0, &r))
		result_all(&r, entry);
	cx->depth--;
	cx->funcs[i].r = r;
	cx->funcs[i].busy = 0;
	return &cx->funcs[i].r;
}

void flow_free(struct flow_ctx *cx)
{
	free(cx->funcs);
	cx->funcs = NULL;
	cx->nfuncs = cx->cap = 0;
}
