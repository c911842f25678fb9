/* selftest/sites.c: an oracle for the patched text that does not ask the
 * planner: it decodes a site and names the op's form its bytes take. */
#include "core/platform.h"
#include "selftest/selftest.h"
#include "insn.h"
#include "pv/pvop.h"

extern const char __pv_templates_start[], __pv_templates_end[];

/*
 * Reads site bytes as one of the forms an op may take at a site, judged
 * only from the backend's own material (the pv_ops slot, the function a
 * direct call must reach, the template and function bytes, the hypercall
 * number) and the x86 encoding: the planner's choices are not consulted.
 */

#define PV_SYSCALL_LEN 2

struct site_view {
	const uint8_t *b; /* the site's bytes (the live text) */
	uint64_t addr;
	unsigned len;
};

static int decode(const struct site_view *v, unsigned off, struct pv_insn *in)
{
	if (off >= v->len)
		return -PV_ENODATA;
	return pv_insn_decode(v->b + off, v->len - off, pv_code_mode, in);
}

/* From off to the end: NOPs, or jmp rel8 to the end over anything. */
static int is_padding(const struct site_view *v, unsigned off)
{
	struct pv_insn in;

	if (off + 2 <= v->len && v->b[off] == 0xeb &&
	    off + 2 + v->b[off + 1] == v->len)
		return 1;
	while (off < v->len) {
		if (decode(v, off, &in) < 0 || in.kind != PV_INSN_NOP)
			return 0;
		off += in.len;
	}
	return 1;
}

/* A 5- or 6-byte call at the start whose target is want. */
static int calls(const struct site_view *v, uint64_t want, int indirect)
{
	int32_t d;

	if (indirect) {
		if (v->len < 6 || v->b[0] != 0xff || v->b[1] != 0x15)
			return 0;
		memcpy(&d, v->b + 2, 4);
		/* i386: call *abs32; x86-64: call *disp32(%rip) */
		return (pv_code_mode == PV_MODE_32 ? (uint32_t)d :
			v->addr + 6 + (int64_t)d) == want && is_padding(v, 6);
	}
	if (v->len < 5 || v->b[0] != 0xe8)
		return 0;
	memcpy(&d, v->b + 1, 4);
	return v->addr + 5 + (int64_t)d == want && is_padding(v, 5);
}

/* Where each instruction of the copied code starts in the site: padding
 * may have put redundant segment prefixes before any of them. */
struct copy_map {
	uint64_t lo, hi;		 /* the code's own addresses */
	uint64_t site;			 /* the site's address */
	int16_t at[PV_SITE_MAX + 1]; /* code offset -> site offset, or -1 */
};

static int field(const uint8_t *p, unsigned len, int64_t *v)
{
	int8_t b;
	int32_t w;

	if (len == 1) {
		memcpy(&b, p, 1);
		*v = b;
	} else if (len == 4) {
		memcpy(&w, p, 4);
		*v = w;
	} else {
		return -1;
	}
	return 0;
}

/*
 * One instruction of code at src against the site's at dst (prefixes
 * skipped): the same bytes but for a PC-relative field, which must reach
 * the same address, except that a branch into the code must reach the
 * site's copy of the instruction it named (or the copy's end).
 */
static int same_insn(const struct pv_insn *in, const uint8_t *s, uint64_t src,
		     const uint8_t *d, uint64_t dst, const struct copy_map *m)
{
	unsigned f = in->rel_len ? in->rel_off
				 : ((in->flags & PV_INSN_F_RIPREL) ? in->disp_off : 0);
	unsigned fl = in->rel_len ? in->rel_len : in->disp_len;
	int64_t ds, dd;
	uint64_t ts;

	if (!f)
		return !memcmp(s, d, in->len);
	if (memcmp(s, d, f) || memcmp(s + f + fl, d + f + fl, in->len - f - fl) ||
	    field(s + f, fl, &ds) || field(d + f, fl, &dd))
		return 0;
	ts = src + in->len + (uint64_t)ds;
	if (in->rel_len && ts >= m->lo && ts <= m->hi)
		return m->at[ts - m->lo] >= 0 &&
		       dst + in->len + (uint64_t)dd ==
			       m->site + (uint64_t)m->at[ts - m->lo];
	return dst + in->len + (uint64_t)dd == ts;
}

/* Bytes of c a site copies: all of a template; a body up to its ret (0
 * for an empty function).  -1 if undecodable or without a ret. */
static int copy_len(const struct pv_code *c, int body)
{
	struct pv_insn in;
	unsigned off = 0;

	while (off < c->len) {
		if (pv_insn_decode(c->bytes + off, c->len - off, pv_code_mode,
				   &in) < 0)
			return -1;
		if (body && in.kind == PV_INSN_RET)
			return (int)off;
		off += in.len;
	}
	return body ? -1 : (int)off;
}

/* Pass one of copies: the site's copy of each instruction, prefixes
 * allowed before it; returns the site offset past the copy, or -1. */
static int map_copy(const struct site_view *v, const struct pv_code *c,
		    unsigned n, struct copy_map *m)
{
	unsigned off = 0, so = 0;
	struct pv_insn in, out;

	for (unsigned i = 0; i <= PV_SITE_MAX; i++)
		m->at[i] = -1;
	while (off < n) {
		int l = decode(v, so, &out);
		unsigned k;

		if (pv_insn_decode(c->bytes + off, n - off, pv_code_mode, &in) < 0 ||
		    l < in.len || out.kind != in.kind)
			return -1;
		k = (unsigned)l - in.len;
		for (unsigned i = 0; i < k; i++)
			if (v->b[so + i] != pv_pad_prefix(c->bytes + off, &in))
				return -1;
		m->at[off] = (int16_t)so;
		off += in.len;
		so += (unsigned)l;
	}
	m->at[n] = (int16_t)so;
	return (int)so;
}

/* The site holds code (template or body), relocated and maybe prefixed,
 * then padding. */
static int copies(const struct site_view *v, const struct pv_code *c,
		  int body)
{
	int len = copy_len(c, body), end;
	unsigned n = (unsigned)len, off = 0;
	struct copy_map m = { c->addr, c->addr + n, v->addr, { 0 } };
	struct pv_insn in;

	if (len < 0 || n > v->len || (!n && !body))
		return 0;
	end = map_copy(v, c, n, &m);
	if (end < 0)
		return 0;
	while (off < n) {
		unsigned so;

		(void)pv_insn_decode(c->bytes + off, n - off, pv_code_mode, &in);
		so = (unsigned)m.at[off] + (unsigned)(m.at[off + in.len] -
						      m.at[off]) - in.len;
		if (!same_insn(&in, c->bytes + off, c->addr + off, v->b + so,
			       v->addr + so, &m))
			return 0;
		off += in.len;
	}
	return is_padding(v, (unsigned)end);
}

/* mov/xor between registers, or a constant into one. */
static int reg_setup(const struct pv_insn *in)
{
	if (in->map || in->kind != PV_INSN_OTHER)
		return 0;
	if (in->opcode >= 0xb8 && in->opcode <= 0xbf)
		return 1;
	switch (in->opcode) {
	case 0x89: case 0x8b: case 0x31: case 0x33: case 0xc7:
		return (in->modrm >> 6) == 3;
	}
	return 0;
}

/* Only segment prefixes (padding) in b[0..n). */
static int seg_only(const uint8_t *b, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (b[i] != 0x2e && b[i] != 0x3e && b[i] != 0x26 && b[i] != 0x36)
			return 0;
	return 1;
}

/* The hypercall instruction's two bytes: syscall, or PV32's int $0x82. */
static int hcall_insn(const uint8_t *p)
{
#ifdef __i386__
	return p[0] == 0xcd && p[1] == 0x82;
#else
	return p[0] == 0x0f && p[1] == 0x05;
#endif
}

/* Register moves and constants, then mov $nr,%eax; syscall (or a call
 * to the hypercall page's entry for nr), then padding; any of them but
 * the call may carry padding prefixes. */
static int hypercalls(const struct site_view *v, const struct pv_op_impl *o,
		      uint64_t page)
{
	struct pv_insn in, sc;
	struct site_view rest;
	unsigned off = 0, nr = (unsigned)o->hypercall;
	int n, m;

	if (o->hypercall < 0)
		return 0;
	while ((n = decode(v, off, &in)) > 0 && reg_setup(&in)) {
		if (in.opcode == 0xb8 && !in.rex && n >= 5 &&
		    seg_only(v->b + off, (unsigned)n - 5)) {
			unsigned o2 = off + (unsigned)n;
			uint32_t k;

			memcpy(&k, v->b + o2 - 4, 4);
			m = decode(v, o2, &sc);
			return k == nr && m >= PV_SYSCALL_LEN &&
			       hcall_insn(v->b + o2 + m - 2) &&
			       seg_only(v->b + o2, (unsigned)m - 2) &&
			       is_padding(v, o2 + (unsigned)m);
		}
		off += (unsigned)n;
	}
	rest.b = v->b + off, rest.addr = v->addr + off, rest.len = v->len - off;
	return n > 0 && page && in.kind == PV_INSN_CALL_REL &&
	       calls(&rest, page + 32 * nr, 0);
}

/* Any of the backend's template records for op, relocated, then padding;
 * read from .pv_templates itself, not from the planner's backend view. */
static int copies_template(const struct site_view *v, unsigned op,
			   unsigned backend)
{
	const struct pv_template *t = (const void *)__pv_templates_start;
	const struct pv_template *end = (const void *)__pv_templates_end;

	for (; t < end; t++) {
		struct pv_code c = { 0, 0, t->len };

		if (t->op != op || t->backend != backend)
			continue;
		c.addr = (uint64_t)(uintptr_t)&t->code + (int64_t)t->code;
		c.bytes = (const uint8_t *)(uintptr_t)c.addr;
		if (copies(v, &c, 0))
			return 1;
	}
	return 0;
}

/* The platform runs op with the function of the backend it borrows from
 * (Xen PVH: native): that backend's templates are op's templates too. */
static int borrows(unsigned op, uint64_t fn)
{
	const struct platform *pf = kernel_platform();

	return pf->borrow_ops &&
	       ((const uint64_t *)(uintptr_t)pf->borrow_ops)[op] == fn;
}

/*
 * The strategy whose form the site's bytes take for its op, or -1 if
 * none.  The function is the one in the live pv_ops slot (the backend
 * filled it); the templates come from .pv_templates (the borrowed
 * backend's too, per the platform); from be only the hypercall facts and
 * the hypercall page.  Forms are tried most specific first, so a template
 * that is a call is still read as the template.
 */
int selftest_site_form(const struct pv_site_ref *s, const struct pv_backend *be)
{
	const uintptr_t *slots = (const uintptr_t *)&pv_ops;
	uint64_t fn = slots[s->op];
	struct pv_code body = { (const uint8_t *)(uintptr_t)fn, fn,
				PV_BODY_SCAN };
	struct site_view v = { (const uint8_t *)(uintptr_t)s->addr, s->addr,
			       s->len };

	if (copies_template(&v, s->op, be->id) ||
	    (borrows(s->op, fn) &&
	     copies_template(&v, s->op, kernel_platform()->borrow_backend)))
		return PV_STRAT_INLINE;
	if (copies(&v, &body, 1))
		return PV_STRAT_BODY;
	if (hypercalls(&v, &be->op[s->op], be->hypercall_page))
		return PV_STRAT_HYPERCALL;
	if (calls(&v, fn, 0))
		return PV_STRAT_DIRECT;
	if (calls(&v, (uint64_t)(uintptr_t)&pv_ops + pv_ptr_bytes() * s->op,
		  1))
		return PV_STRAT_INDIRECT;
	return -1;
}

/*
 * A native site and its stub's call (sites.h): the pair's form.  As built
 * (the stub's copy, relocated) it is the native template; `jmp entry`
 * takes the form of the stub's call; anything else is a replacement in
 * place, read like any site.  *call_form: the stub call's own form.
 */
int selftest_native_form(const struct pv_native_ref *n,
			 const struct pv_backend *be, int *call_form)
{
	struct site_view v = { (const uint8_t *)(uintptr_t)n->site.addr,
			       n->site.addr, n->site.len };
	struct pv_code copy = { (const uint8_t *)(uintptr_t)n->copy, n->copy,
				n->site.len };
	int32_t d;

	*call_form = selftest_site_form(&n->call, be);
	if (copies(&v, &copy, 0))
		return PV_STRAT_INLINE;
	memcpy(&d, v.b + 1, 4);
	if (v.b[0] == 0xe9 && v.addr + 5 + (int64_t)d == n->entry)
		return *call_form;
	return selftest_site_form(&n->site, be);
}
