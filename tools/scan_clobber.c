/* scan_clobber.c: proves what every template and every backend function in
 * a CALLEE or NONE slot writes, against its declared mask or its class. */
#include <stdio.h>
#include <string.h>

#include "pv/template.h"
#include "scan_flow.h"

static const char *const reg_names[FLOW_NREGS] = {
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15",
};

/* "%rax %rcx" (and "%rflags"), or "nothing". */
const char *scan_regs_str(uint16_t mask, int flags, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (unsigned i = 0; i <= FLOW_NREGS && n < len; i++)
		if (i < FLOW_NREGS ? mask >> i & 1 : flags)
			n += (size_t)snprintf(buf + n, len - n, "%s%%%s",
					      n ? " " : "",
					      i < FLOW_NREGS ? reg_names[i]
							     : "rflags");
	if (!n)
		snprintf(buf, len, "nothing");
	return buf;
}

/*
 * The arithmetic flags are part of what a site keeps only in class NONE
 * (entry code, every bit of state live).  Caller and callee sites are
 * compiled with a "cc" clobber, so their code may change the flags.
 */
static int class_keeps_flags(unsigned cls)
{
	return cls == PV_CLASS_NONE;
}

struct clobber_bad {
	uint64_t at;   /* the instruction */
	uint16_t regs; /* what it writes that is not allowed */
	int flags;
};

static void earliest(struct clobber_bad *b, uint64_t at)
{
	if (at < b->at)
		b->at = at;
}

/* The first instruction (lowest address) writing something that allow
 * does not cover: 1 and *b, or 0.  rsp is never allowed: it must come
 * back balanced to a return, and only an exit that leaves may move it. */
static int first_bad(const struct flow_result *r, uint16_t allow,
		     int keep_flags, struct clobber_bad *b)
{
	uint16_t ret = r->ret & ~allow;
	uint16_t leave = r->leave & ~allow & ~PV_REG_RSP;
	int flags = keep_flags && r->ret_flags;

	b->at = UINT64_MAX;
	for (unsigned i = 0; i < FLOW_NREGS; i++) {
		if (ret >> i & 1)
			earliest(b, r->ret_at[i]);
		if (leave >> i & 1)
			earliest(b, r->leave_at[i]);
	}
	if (flags)
		earliest(b, r->ret_at[FLOW_FLAGS]);
	if (b->at == UINT64_MAX)
		return 0;
	b->regs = 0;
	for (unsigned i = 0; i < FLOW_NREGS; i++)
		if (((ret >> i & 1) && r->ret_at[i] == b->at) ||
		    ((leave >> i & 1) && r->leave_at[i] == b->at))
			b->regs |= (uint16_t)(1u << i);
	b->flags = flags && r->ret_at[FLOW_FLAGS] == b->at;
	return 1;
}

/* elfscan: FILE: where: writes %rbx, <whose> allows %rax */
static void clobber_error(struct scan *sc, const char *where,
			  const struct clobber_bad *b, const char *whose,
			  uint16_t allow)
{
	char w[160], a[160];

	if (++sc->errors > SCAN_MAX_ERRORS)
		return;
	fprintf(stderr, "%s: %s: %s: writes %s, %s allows %s\n",
		sc->img->tool, sc->img->path, where,
		scan_regs_str(b->regs, b->flags, w, sizeof(w)), whose,
		scan_regs_str(allow, 0, a, sizeof(a)));
}

static void tally(struct scan_clobber_class *c, const struct flow_result *r,
		  int tmpl)
{
	if (tmpl)
		c->ntmpl++;
	else
		c->nfunc++;
	c->writes |= r->ret | (r->leave & (uint16_t)~PV_REG_RSP);
	c->flags |= r->ret_flags;
}

static void refuse_template(struct scan *sc, const struct pv_template *t)
{
	for (unsigned b = 0; b < sc->nbe; b++)
		if (sc->be[b].id == t->backend)
			sc->be[b].fact[t->op].f.tmpl_reason = PV_R_EXTABLE;
	sc->cl.extable++;
}

/* One record: its exception-table verdict and its proof.  Templates are
 * named backend/op; the offset is into the template's bytes. */
static int check_template(struct scan *sc, struct flow_ctx *cx,
			  const struct pv_template *t, uint64_t code)
{
	unsigned cls = pv_op_class(t->op);
	struct clobber_bad b;
	struct flow_result r;
	char where[96];

	if (scan_extable_hit(sc, code, code + t->len))
		refuse_template(sc, t);
	if (flow_template(cx, code, code + t->len, &r))
		return -1;
	tally(&sc->cl.cls[cls], &r, 1);
	sc->cl.ntmpl++;
	if (first_bad(&r, t->clobbers, class_keeps_flags(cls), &b)) {
		snprintf(where, sizeof(where), "%s/%s+0x%llx",
			 scan_backend_name(t->backend), pv_op_name(t->op),
			 (unsigned long long)(b.at - code));
		clobber_error(sc, where, &b, "template", t->clobbers);
	}
	return 0;
}

static int check_templates(struct scan *sc, struct flow_ctx *cx)
{
	struct elf_sec *s = elf_sec_by_name(sc->img, PV_TEMPLATES_SECTION);
	const size_t rsz = sizeof(struct pv_template);

	if (!s || !s->sh.sh_size)
		return 0;
	if (!s->bytes || s->sh.sh_size % rsz)
		return elf_err(sc->img, s->name, "size %llu is not a whole "
			       "number of %zu-byte records",
			       (unsigned long long)s->sh.sh_size, rsz);
	for (size_t i = 0; i < s->sh.sh_size / rsz; i++) {
		struct pv_template t;
		uint64_t code;
		char where[64];

		memcpy(&t, s->bytes + i * rsz, rsz);
		code = s->addr + i * rsz + (uint64_t)(int64_t)t.code;
		if (t.op < PV_NR_OPS && t.backend < PV_NR_BACKENDS && t.len &&
		    t.len <= PV_TEMPLATE_MAX && elf_ptr(sc->img, code, t.len)) {
			if (check_template(sc, cx, &t, code))
				return -1;
			continue;
		}
		snprintf(where, sizeof(where), "%s+0x%zx", s->name, i * rsz);
		sc->errors++;
		elf_err(sc->img, where, "template record: op %u, backend %u, "
			"%u bytes: not a template", t.op, t.backend, t.len);
	}
	return 0;
}

/* 1 if the function of (b, op) was checked for op's class already (one
 * function may fill several slots). */
static int seen(const struct scan *sc, unsigned b, unsigned op)
{
	uint64_t f = sc->be[b].fact[op].func;

	for (unsigned b2 = 0; b2 <= b; b2++)
		for (unsigned o2 = 0; o2 < (b2 < b ? PV_NR_OPS : op); o2++)
			if (sc->be[b2].fact[o2].func == f &&
			    pv_op_class(o2) == pv_op_class(op))
				return 1;
	return 0;
}

static void check_function(struct scan *sc, struct flow_ctx *cx,
			   uint64_t func, unsigned cls)
{
	const struct flow_result *r = flow_function(cx, func);
	uint16_t allow = pv_class_clobbers(cls);
	struct clobber_bad b;
	char where[256], whose[32];

	tally(&sc->cl.cls[cls], r, 0);
	sc->cl.nfunc++;
	if (!first_bad(r, allow, class_keeps_flags(cls), &b))
		return;
	snprintf(whose, sizeof(whose), "class %s", pv_class_name(cls));
	clobber_error(sc, elf_where(sc->img, b.at, where, sizeof(where)), &b,
		      whose, allow);
}

int scan_clobbers(struct scan *sc)
{
	const struct elf_sym *hp = elf_sym_by_name(sc->img, "hypercall_page");
	struct flow_ctx cx = { .sc = sc, .hcall_page = hp ? hp->addr : 0 };

	memset(&sc->cl, 0, sizeof(sc->cl));
	if (sc->img->rel)
		return 0; /* calls are resolved only in a linked image */
	if (check_templates(sc, &cx)) {
		flow_free(&cx);
		return -1;
	}
	for (unsigned b = 0; b < sc->nbe; b++)
		for (unsigned op = 0; op < PV_NR_OPS; op++) {
			unsigned cls = pv_op_class(op);

			if (cls != PV_CLASS_CALLER && sc->be[b].fact[op].func &&
			    !seen(sc, b, op))
				check_function(sc, &cx, sc->be[b].fact[op].func,
					       cls);
		}
	sc->cl.done = 1;
	sc->cl.ninsns = cx.ninsns;
	sc->cl.ncalled = (unsigned)cx.nfuncs - sc->cl.nfunc;
	flow_free(&cx);
	return 0;
}
