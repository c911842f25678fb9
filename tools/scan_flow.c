/* scan_flow.c: follows code from its entry with the project's decoder and
 * tracks which registers, flags and pushed words still hold entry values. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xen/xen.h>

#include "pv/template.h"
#include "scan_flow.h"
#include "scan_flow_state.h"

#define FLOW_MAX_NODES 4096 /* instructions per analysis; more: unknown */
#define FLOW_HASH (2 * FLOW_MAX_NODES)
#define FLOW_MAX_DEPTH 16   /* summaries computed inside one another */

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

static void write_mask(struct flow_state *s, uint16_t mask, unsigned me)
{
	for (unsigned i = 0; i < FLOW_NREGS; i++)
		if (mask >> i & 1) {
			if (i == RSP)
				flow_set_lost(s, me);
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

		flow_set_lost(d, node);
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
		flow_write_all(s, me);
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

/* What a hypercall may change: x86-64's caller-saved set; on PV32 %eax and
 * the five argument registers (a debug Xen poisons them). */
static unsigned hcall_clobbers(void)
{
	return pv_code_mode == PV_MODE_32 ?
		       PV_REG_RAX | PV_REG_RBX | PV_REG_RCX | PV_REG_RDX |
			       PV_REG_RSI | PV_REG_RDI :
		       PV_CLOBBERS_CALLER;
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
	if (slot >= 0) { /* Xen's hypercall ABI */
		write_mask(s, hcall_clobbers(), me);
		s->flags = V_W | me;
		return 1;
	}
	if (slot == -2 || !is_func_start(fr, t)) {
		flow_write_all(s, me); /* a call to a non-function */
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
			flow_write_all(s, i);
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
		flow_write_all(s, i);
		go(fr, s, next, i);
		break;
	case PV_INSN_JMP_IND:
		flow_write_all(s, i);
		exit_ret(fr, s, i);
		break;
	case PV_INSN_OTHER_FLOW:
		if (flow_insn_is_ud(in))
			break; /* never continues */
		if (flow_insn_is_hlt(in)) { /* resumes after an interrupt */
			go(fr, s, next, i);
			break;
		}
		flow_write_all(s, i); /* far transfers, xabort, xend */
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
	const uint8_t *p = flow_insn_at(fr->cx->sc->img, a, &in);

	if (!p) { /* undecodable, or not code: writes everything */
		flow_write_all(&s, i);
		exit_ret(fr, &s, i);
		return;
	}
	flow_insn_apply(&s, &in, p, i);
	if (in.kind == PV_INSN_SYSCALL && !(in.flags & PV_INSN_F_WUNKNOWN)) {
		write_mask(&s, hcall_clobbers(), i); /* a hypercall */
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
