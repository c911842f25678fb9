/* inline.c: the hot-path inliner's check: may a backend function's body
 * stand in for its call at a site of a given class and length? */
#include "patch.h"
#include "insn.h"
#include "pv/errno.h"

static uint16_t class_clobbers(unsigned cls)
{
	return pv_class_clobbers(cls);
}

/* One instruction of the body: 0 if it may be inlined, else a reason. */
static int check_insn(const struct pv_insn *in, unsigned cls)
{
	switch (in->kind) {
	case PV_INSN_CALL_REL:
	case PV_INSN_CALL_IND:
		return PV_R_BODY_CALLS;
	case PV_INSN_JMP_IND:
		return PV_R_BODY_BRANCH_OUT;
	case PV_INSN_INT:
	case PV_INSN_SYSCALL: /* a hypercall: the hypercall strategy's job */
	case PV_INSN_IRET:
	case PV_INSN_OTHER_FLOW:
		return PV_R_BODY_FLOW;
	default:
		break;
	}
	if (in->flags & PV_INSN_F_STACK)
		return PV_R_BODY_STACK;
	if (in->regs_written & ~class_clobbers(cls))
		return PV_R_BODY_CLOBBERS;
	return 0;
}

/* Branch targets must land on an instruction start inside [0, ret]. */
static int check_targets(const int16_t *targets, unsigned nt,
			 const uint8_t *starts, unsigned ret_off)
{
	for (unsigned i = 0; i < nt; i++) {
		int t = targets[i];

		if (t < 0 || (unsigned)t > ret_off || !starts[t])
			return PV_R_BODY_BRANCH_OUT;
	}
	return 0;
}

/*
 * The body ends at its first ret.  Code after it can only be reached by a
 * branch past the ret, which is refused as leaving the body, so the first
 * ret is the only one that matters and no symbol size is needed.
 */
int pv_inline_check(const struct pv_code *body, unsigned cls, unsigned max)
{
	uint8_t starts[PV_BODY_SCAN + 1] = { 0 };
	int16_t targets[PV_BODY_SCAN];
	unsigned off = 0, nt = 0;
	unsigned scan = body->len < PV_BODY_SCAN ? body->len : PV_BODY_SCAN;

	if (!body->len || !body->bytes)
		return -PV_R_NO_BODY;
	while (off < scan) {
		struct pv_insn in;
		int n = pv_insn_decode(body->bytes + off, scan - off, pv_code_mode,
				       &in);
		int r;

		if (n == -PV_ENODATA)
			return -PV_R_BODY_NO_RET;
		if (n < 0)
			return -PV_R_BODY_UNDECODABLE;
		starts[off] = 1;
		if (in.kind == PV_INSN_RET) {
			if (in.imm_len)
				return -PV_R_BODY_STACK; /* ret $n */
			r = check_targets(targets, nt, starts, off);
			if (r)
				return -r;
			return off > max ? -PV_R_BODY_TOO_LONG : (int)off;
		}
		r = check_insn(&in, cls);
		if (r)
			return -r;
		if (in.kind == PV_INSN_JMP_REL || in.kind == PV_INSN_JCC_REL) {
			int64_t t = (int64_t)off + n + in.rel;

			targets[nt++] = t < 0 || t > PV_BODY_SCAN ? -1 : (int16_t)t;
		}
		off += (unsigned)n;
	}
	return -PV_R_BODY_NO_RET;
}
