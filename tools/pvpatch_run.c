/* pvpatch_run.c: builds a backend from what the image holds and runs the
 * kernel's table walker (kernel/paravirt, not a copy) over the ELF's bytes. */
#include <stdio.h>
#include <string.h>

#include "disasm.h"
#include "insn.h"
#include "pv/errno.h"
#include "pvpatch.h"
#include "scan.h"

struct run {
	struct elf_image *img;
	const struct pvpatch_opts *o;
	struct pv_mem m;
	struct pv_backend be;
	unsigned hcall_sites, hcall_inline; /* patch_hcall_sites */
	struct pv_table_hdr hdr;
	uint64_t table_addr;
	uint64_t table_size;
	unsigned refused;
};

static const uint8_t *mem_ptr(void *ctx, uint64_t addr, uint32_t len)
{
	return elf_ptr(ctx, addr, len);
}

static int mem_read(void *ctx, uint64_t addr, uint8_t *buf, uint32_t len)
{
	const uint8_t *p = elf_ptr(ctx, addr, len);

	if (!p)
		return -PV_EFAULT;
	memcpy(buf, p, len);
	return 0;
}

static int mem_write(void *ctx, uint64_t addr, const uint8_t *buf, uint32_t len)
{
	uint8_t *p = elf_ptr(ctx, addr, len);

	if (!p)
		return -PV_EFAULT;
	memmove(p, buf, len);
	return 0;
}

/* The planner casts record pointers: keep them aligned in our buffer.
 * *out is NULL if the image has no such section. */
static int record_sec(struct run *r, const char *name, struct elf_sec **out)
{
	struct elf_sec *s = elf_sec_by_name(r->img, name);

	*out = s;
	if (s && (s->sh.sh_offset % 4 || s->addr % 4 || !s->bytes ||
		  !(s->sh.sh_flags & SHF_ALLOC)))
		return elf_err(r->img, name, "mis-aligned or not allocated");
	return 0;
}

static int read_table(struct run *r)
{
	struct elf_sec *t;
	int err;

	if (record_sec(r, PV_TABLE_SECTION, &t))
		return -1;
	if (!t)
		return elf_err(r->img, NULL, "no %s section", PV_TABLE_SECTION);
	if (t->sh.sh_size < sizeof(r->hdr))
		return elf_err(r->img, PV_TABLE_SECTION,
			       "too small for a header");
	memcpy(&r->hdr, t->bytes, sizeof(r->hdr));
	r->table_addr = t->addr;
	r->table_size = t->sh.sh_size;
	err = pv_table_check(&r->hdr, t->sh.sh_size);
	if (err == -PV_ENOEXEC)
		return elf_err(
		    r->img, PV_TABLE_SECTION,
		    "site table not sealed (run elfscan --emit-table)");
	if (err)
		return elf_err(r->img, PV_TABLE_SECTION, "bad table header: %s",
			       strerror(-err));
	if (r->o->site_len && r->o->site_len != r->hdr.site_len)
		return elf_err(r->img, PV_TABLE_SECTION,
			       "site length %u, --site-len says %u",
			       r->hdr.site_len, r->o->site_len);
	return 0;
}

static int sec_range(struct run *r, const char *name, uint64_t *a,
		     uint64_t *end)
{
	struct elf_sec *s;

	if (record_sec(r, name, &s))
		return -1;
	*a = s ? s->addr : 0;
	*end = s ? s->addr + s->sh.sh_size : 0;
	return 0;
}

/* The hypercall instruction per --backend, as the kernel's platforms
 * choose it (PVH: by CPU vendor; Xen PV: by word size, the image's class
 * having set pv_code_mode). */
static void set_hcall_insn(struct pv_backend *be, const char *backend)
{
	const char *xen = pv_code_mode == PV_MODE_32 ? PV_HCALL_INSN_INT82 :
						       PV_HCALL_INSN_SYSCALL;
	const char *insn = !strcmp(backend, "xen")       ? xen :
			   !strcmp(backend, "pvh-intel") ? PV_HCALL_INSN_VMCALL :
			   !strcmp(backend, "pvh-amd")   ? PV_HCALL_INSN_VMMCALL :
							   "";

	be->hcall_insn_len = (uint8_t)strlen(insn);
	memcpy(be->hcall_insn, insn, be->hcall_insn_len);
}

/* PVH runs the native functions for most ops: their templates and their
 * native sites as built, as kernel/core/pvboot.c does at boot. */
static int borrow_native(struct run *r, uint64_t t0, uint64_t t1)
{
	uint64_t native[PV_NR_OPS];
	const struct elf_sym *sym;
	int err = scan_backend_funcs(r->img, "native", native, &sym);

	if (err <= 0)
		return err < 0 ? -1 :
		       elf_err(r->img, NULL, "no native backend in image");
	err = pv_backend_borrow(&r->be, PV_BACKEND_NATIVE, native, t0, t1,
				&r->m);
	if (err)
		return elf_err(r->img, "pvh", "cannot borrow the native "
			       "templates: %s", strerror(-err));
	return 0;
}

static int build_backend(struct run *r, unsigned id)
{
	const char *name = scan_backend_name(id);
	const struct elf_sym *ops_sym,
	    *pv_ops = elf_sym_by_name(r->img, "pv_ops");
	struct pv_inline_facts facts, *fp = NULL;
	struct elf_sec *fs = elf_sec_by_name(r->img, PV_INLINE_SECTION);
	uint64_t func[PV_NR_OPS], t0, t1, h0, h1;
	int err = scan_backend_funcs(r->img, name, func, &ops_sym);

	if (err < 0)
		return -1;
	if (!err)
		return elf_err(r->img, NULL, "no %s backend in image", name);
	if (!pv_ops)
		return elf_err(r->img, NULL, "no pv_ops symbol");
	if (sec_range(r, PV_TEMPLATES_SECTION, &t0, &t1) ||
	    sec_range(r, PV_HCALLS_SECTION, &h0, &h1))
		return -1;
	if (fs && fs->bytes && fs->sh.sh_size >= sizeof(facts)) {
		memcpy(&facts, fs->bytes, sizeof(facts));
		fp = &facts;
	}
	err = pv_backend_build(&r->be, id, name, pv_ops->addr, func, t0, t1, h0,
			       h1, fp, &r->m);
	if (err)
		return elf_err(r->img, name, "cannot build the backend: %s",
			       strerror(-err));
	r->be.cpu_features = r->o->cpu_features;
	/* as the kernel's Xen platforms do, for the planner's page fallback */
	if (id == PV_BACKEND_XEN || id == PV_BACKEND_PVH) {
		const struct elf_sym *hp = elf_sym_by_name(r->img, "hypercall_page");

		r->be.hypercall_page = hp ? hp->addr : 0;
	}
	return id == PV_BACKEND_PVH ? borrow_native(r, t0, t1) : 0;
}

static void print_bytes(const char *tag, const uint8_t *b, unsigned len,
			uint64_t addr)
{
	char hex[3 * PV_SITE_MAX + 1], dis[512];

	hex_bytes(b, len, hex, sizeof(hex));
	disasm_range(b, len, addr, dis, sizeof(dis));
	printf("  %s %-47s %s\n", tag, hex, dis);
}

static void site_done(void *ctx, const struct pv_site_ref *s,
		      const struct pv_plan *p, int err)
{
	struct run *r = ctx;
	char where[256];
	const uint8_t *old = elf_orig_ptr(r->img, s->addr, s->len);
	const uint8_t *now = elf_ptr(r->img, s->addr, s->len);

	elf_where(r->img, s->addr, where, sizeof(where));
	if (err) {
		r->refused++;
		elf_warn(r->img, where, "site left as it is: %s",
			 pv_reason_str(p->reason));
	}
	if (!r->o->diff)
		return;
	printf("%s: %s -> %s (%s)\n", where, pv_op_name(s->op),
	       pv_strategy_name(p->strategy), pv_reason_str(p->reason));
	if (old && now && s->len <= PV_SITE_MAX) {
		print_bytes("-", old, s->len, s->addr);
		print_bytes("+", now, s->len, s->addr);
	}
}

static int text_hash(struct run *r)
{
	const struct elf_sym *a = elf_sym_by_name(r->img, "_stext");
	const struct elf_sym *b = elf_sym_by_name(r->img, "_etext");
	uint64_t h;
	int err;

	if (!a || !b)
		return elf_err(r->img, NULL, "no _stext/_etext symbols");
	err = pv_text_hash(&r->m, a->addr, b->addr, &h);
	if (err)
		return elf_err(r->img, "_stext.._etext", "cannot hash: %s",
			       strerror(-err));
	printf("%016llx\n", (unsigned long long)h);
	return 0;
}

static void print_counts(struct run *r, const struct pv_patch_stats *st)
{
	unsigned i;

	printf("backend %s: %u sites\n", r->be.name, st->sites);
	for (i = 0; i < PV_NR_STRATS; i++)
		printf("  %-10s %u\n", pv_strategy_name(i), st->strat[i]);
	printf("  %-10s %u\n", "refused", st->refused);
	printf("hypercall sites: %u, inline %u\n", r->hcall_sites,
	       r->hcall_inline);
}

/* The backend's hypercall sites, as the kernel patches them after its
 * table (kernel/core/pvboot.c); an image without them has none. */
static int patch_hcall_sites(struct run *r)
{
	struct pv_hcall_stats hs = { 0, 0, 0 };
	uint64_t a, end;
	int err;

	if (sec_range(r, PV_HCALL_SITES_SECTION, &a, &end))
		return -1;
	err = pv_patch_hcall_sites(a, end, &r->be, &r->m,
				   r->o->no_inline ? PV_PATCH_NOINLINE :
						     PV_PATCH_FULL, &hs);
	if (err)
		return elf_err(r->img, PV_HCALL_SITES_SECTION,
			       "cannot patch: %s", strerror(-err));
	if (hs.refused)
		return elf_err(r->img, PV_HCALL_SITES_SECTION,
			       "%u of %u hypercall sites not as built",
			       hs.refused, hs.sites);
	r->hcall_sites = hs.sites;
	r->hcall_inline = hs.inline_;
	return 0;
}

int pvpatch_run(struct elf_image *img, const struct pvpatch_opts *o)
{
	static struct run r; /* big (struct pv_backend); keep off the stack */
	struct pv_patch_stats st;
	int id, err;

	memset(&r, 0, sizeof(r));
	memset(&st, 0, sizeof(st));
	r.img = img;
	r.o = o;
	r.m = (struct pv_mem){mem_ptr, mem_read, mem_write, img};
	for (id = 0; id < PV_NR_BACKENDS; id++)
		if (!strcmp(o->backend, scan_backend_name((unsigned)id)))
			break;
	if (!strncmp(o->backend, "pvh-", 4))
		id = PV_BACKEND_PVH;
	if (img->rel)
		return elf_err(img, NULL, "not a linked image");
	if (elf_image_cow(img) || read_table(&r) ||
	    build_backend(&r, (unsigned)id))
		return -1;
	set_hcall_insn(&r.be, o->backend);
	err = pv_patch_table(&r.hdr, r.table_addr, r.table_size, &r.be, &r.m, -1,
			     o->no_inline ? PV_PATCH_NOINLINE : PV_PATCH_FULL,
			     &st, site_done, &r);
	if (err)
		return elf_err(img, PV_TABLE_SECTION, "cannot patch: %s",
			       strerror(-err));
	if (patch_hcall_sites(&r))
		return -1;
	if (o->text_hash)
		return text_hash(&r);
	if (!o->diff)
		print_counts(&r, &st);
	return 0;
}
