/* scan_inline.c: finds each backend's ops table (B_pv_ops) in the image and
 * records the inliner's verdict on every function it points at. */
#include <stdio.h>
#include <string.h>

#include "scan.h"

static const struct {
	const char *name;
	unsigned id;
} backend_names[PV_NR_BACKENDS] = {
    {"native", PV_BACKEND_NATIVE},
    {"xen", PV_BACKEND_XEN},
    {"user", PV_BACKEND_USER},
};

const char *scan_backend_name(unsigned id)
{
	return id < PV_NR_BACKENDS ? backend_names[id].name : "?";
}

/* Reads <name>_pv_ops.  Returns 1 and fills func[], 0 if the image has no
 * such backend, -1 after an error line. */
int scan_backend_funcs(struct elf_image *img, const char *name,
		       uint64_t func[PV_NR_OPS], const struct elf_sym **sym)
{
	char sname[64];
	const struct elf_sym *s;
	const uint8_t *p;

	snprintf(sname, sizeof(sname), "%s_pv_ops", name);
	s = elf_sym_by_name(img, sname);
	*sym = s;
	if (!s)
		return 0;
	if (s->size && s->size != 8ull * PV_NR_OPS)
		return elf_err(img, sname, "size %llu, struct pv_ops is %u",
			       (unsigned long long)s->size, 8 * PV_NR_OPS);
	p = elf_ptr(img, s->addr, 8ull * PV_NR_OPS);
	if (!p)
		return elf_err(img, sname, "not within the file's sections");
	memcpy(func, p, 8ull * PV_NR_OPS);
	return 1;
}

/* The function's bytes: its symbol's extent, or without a sized symbol the
 * same window the boot-time backend builder reads (the check stops at the
 * first ret either way).  *end: the end of the whole function. */
static int func_body(const struct elf_image *img, uint64_t func,
		     struct pv_code *c, const char **name, uint64_t *end)
{
	const struct elf_sym *f = elf_func_at(img, func);
	uint32_t w = PV_BODY_SCAN;

	*name = f && f->addr == func ? f->name : NULL;
	if (*name && f->size && f->size < PV_BODY_SCAN)
		w = (uint32_t)f->size;
	*end = func + (*name && f->size ? f->size : w);
	for (; w; w = w > 8 ? w / 2 : 0) {
		c->bytes = elf_ptr(img, func, w);
		if (c->bytes) {
			c->addr = func;
			c->len = w;
			return 0;
		}
	}
	return -1;
}

static void analyse(struct scan *sc, unsigned op, struct scan_fact *fa)
{
	struct pv_code c;
	unsigned max = sc->site_len ? sc->site_len : PV_SITE_LEN;
	uint64_t end;
	int r;

	memset(&fa->f, 0, sizeof(fa->f));
	fa->f.analysed = 1;
	if (!fa->func) {
		fa->f.reason = PV_R_NO_FUNC;
		return;
	}
	if (func_body(sc->img, fa->func, &c, &fa->name, &end)) {
		fa->f.reason = PV_R_NO_BODY;
		return;
	}
	/* A fault in a copy would find no fixup: such code runs in place. */
	if (scan_extable_hit(sc, fa->func, end)) {
		fa->f.reason = PV_R_EXTABLE;
		return;
	}
	r = pv_inline_check(&c, pv_op_class(op), max);
	if (r >= 0)
		fa->f.len = (uint8_t)r;
	else
		fa->f.reason =
		    (uint8_t)(-r < PV_NR_REASONS ? -r : PV_R_NO_BODY);
}

int scan_backends(struct scan *sc)
{
	unsigned b, op;

	sc->nbe = 0;
	for (b = 0; b < PV_NR_BACKENDS; b++) {
		struct scan_backend *be = &sc->be[sc->nbe];
		uint64_t func[PV_NR_OPS];
		int r = scan_backend_funcs(sc->img, backend_names[b].name, func,
					   &be->ops);

		if (r < 0)
			return -1;
		if (!r)
			continue;
		be->name = backend_names[b].name;
		be->id = backend_names[b].id;
		for (op = 0; op < PV_NR_OPS; op++) {
			be->fact[op].func = func[op];
			analyse(sc, op, &be->fact[op]);
		}
		sc->nbe++;
	}
	return 0;
}

/* Fills the zero-filled .pv_inline section (or refreshes a filled one). */
int scan_write_facts(struct scan *sc)
{
	struct elf_sec *s = elf_sec_by_name(sc->img, PV_INLINE_SECTION);
	struct pv_inline_facts f;
	unsigned b, op;

	if (!s) {
		elf_warn(sc->img, NULL,
			 "no %s section: inline facts not recorded",
			 PV_INLINE_SECTION);
		return 0;
	}
	if (!s->bytes)
		return elf_err(sc->img, PV_INLINE_SECTION, "has no file bytes");
	if (s->sh.sh_size < sizeof(f))
		return elf_err(sc->img, PV_INLINE_SECTION,
			       "size %llu, struct pv_inline_facts is %zu",
			       (unsigned long long)s->sh.sh_size, sizeof(f));
	memset(&f, 0, sizeof(f));
	f.magic = PV_INLINE_MAGIC;
	f.nr_ops = PV_NR_OPS;
	for (b = 0; b < sc->nbe; b++)
		for (op = 0; op < PV_NR_OPS; op++)
			f.f[sc->be[b].id][op] = sc->be[b].fact[op].f;
	memcpy(s->bytes, &f, sizeof(f));
	return 0;
}
