/* scan_sites.c: reads the raw site records of an object or linked image,
 * checks each site's bytes, and writes the sorted table with its header. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disasm.h"
#include "insn.h"
#include "scan.h"

void scan_error(struct scan *sc, uint64_t addr, const char *fmt, ...)
{
	char where[256];
	va_list ap;

	if (++sc->errors > SCAN_MAX_ERRORS)
		return;
	elf_where(sc->img, addr, where, sizeof(where));
	fprintf(stderr, "%s: %s: %s: ", sc->img->tool, sc->img->path, where);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* The header of .pv_table is all zero (raw) or fully valid (emitted). */
static int check_header(struct scan *sc, const struct pv_table_hdr *h,
			uint64_t nrec)
{
	static const struct pv_table_hdr zero;

	if (!memcmp(h, &zero, sizeof(zero))) {
		sc->state = TABLE_RAW;
		return 0;
	}
	sc->state = TABLE_EMITTED;
	if (h->magic != PV_TABLE_MAGIC)
		return elf_err(sc->img, PV_TABLE_SECTION,
			       "bad header magic 0x%08x", h->magic);
	if (h->version != PV_TABLE_VERSION || h->hdr_len != sizeof(*h))
		return elf_err(sc->img, PV_TABLE_SECTION,
			       "unsupported header version %u length %u",
			       h->version, h->hdr_len);
	if (h->count != nrec)
		return elf_err(sc->img, PV_TABLE_SECTION,
			       "header count %u, section holds %llu records",
			       h->count, (unsigned long long)nrec);
	if (h->abi_hash != pv_ops_abi_hash())
		return elf_err(sc->img, PV_TABLE_SECTION,
			       "ops ABI hash 0x%08x, this tool's is 0x%08x",
			       h->abi_hash, pv_ops_abi_hash());
	return 0;
}

/* Finds the records: .pv_table (header + records) in a linked image,
 * .pv_sites in an object or in an image linked without the table. */
static int find_records(struct scan *sc, uint64_t *nrec)
{
	struct elf_image *img = sc->img;
	uint64_t hdr = 0, size;

	sc->table = elf_sec_by_name(img, PV_TABLE_SECTION);
	if (sc->table && elf_sec_by_name(img, PV_SITES_SECTION))
		return elf_err(img, PV_SITES_SECTION,
			       "records outside %s would "
			       "be dropped",
			       PV_TABLE_SECTION);
	if (sc->table)
		hdr = sizeof(struct pv_table_hdr);
	else
		sc->table = elf_sec_by_name(img, PV_SITES_SECTION);
	if (!sc->table) {
		sc->state = TABLE_NONE;
		return 0;
	}
	sc->state = hdr ? TABLE_RAW : TABLE_OBJECT;
	size = sc->table->sh.sh_size;
	if (!sc->table->bytes || !(sc->table->sh.sh_flags & SHF_ALLOC))
		return elf_err(img, sc->table->name,
			       "not an allocated section");
	if (size < hdr || (size - hdr) % sizeof(struct pv_site))
		return elf_err(img, sc->table->name,
			       "size %llu is not a header plus 8-byte records",
			       (unsigned long long)size);
	if (sc->table->addr % 4)
		return elf_err(img, sc->table->name, "mis-aligned address");
	*nrec = (size - hdr) / sizeof(struct pv_site);
	sc->rec_base = sc->table->addr + hdr;
	if (hdr) {
		struct pv_table_hdr h; /* the file offset may be unaligned */

		memcpy(&h, sc->table->bytes, sizeof(h));
		return check_header(sc, &h, *nrec);
	}
	return 0;
}

int scan_collect(struct scan *sc, struct elf_image *img)
{
	const struct elf_sym *ops;
	uint64_t n = 0, i;

	sc->img = img;
	if (find_records(sc, &n))
		return -1;
	sc->sites = calloc(n + 1, sizeof(*sc->sites));
	if (!sc->sites)
		return elf_err(img, NULL, "out of memory");
	for (i = 0; i < n; i++) {
		struct pv_site r;
		struct scan_site *s = &sc->sites[i];
		uint64_t off = sizeof(struct pv_site) * i;

		off +=
		    sc->state == TABLE_OBJECT ? 0 : sizeof(struct pv_table_hdr);
		memcpy(&r, sc->table->bytes + off, sizeof(r));
		s->rec = sc->table->addr + off;
		s->addr = s->rec + (uint64_t)(int64_t)r.offset;
		s->op = r.op;
		s->len = r.len;
		s->flags = r.flags;
	}
	sc->nsites = n;
	ops = elf_sym_ref(img, "pv_ops");
	sc->pv_ops = ops ? ops->addr : 0;
	return 0;
}

static int site_cmp(const void *a, const void *b)
{
	const struct scan_site *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->rec < y->rec ? -1 : x->rec > y->rec;
}

static int check_record(struct scan *sc, const struct scan_site *s)
{
	unsigned cls = s->flags & PV_SITE_CLASS_MASK;

	if (s->op >= PV_NR_OPS) {
		scan_error(sc, s->rec, "site record names op %u of %u", s->op,
			   PV_NR_OPS);
		return -1;
	}
	if (s->flags & ~PV_SITE_FLAGS_KNOWN) {
		scan_error(sc, s->addr, "unknown site flags 0x%02x", s->flags);
		return -1;
	}
	if (cls != pv_op_class(s->op)) {
		scan_error(sc, s->addr, "%s site for %s, a %s op",
			   pv_class_name(cls), pv_op_name(s->op),
			   pv_class_name(pv_op_class(s->op)));
		return -1;
	}
	if (s->len != sc->site_len) {
		scan_error(sc, s->addr, "site length %u, the build's is %u",
			   s->len, sc->site_len);
		return -1;
	}
	return 0;
}

/* The call must be `ff 15 disp32` aimed at pv_ops + 8 * op. */
static int check_call(struct scan *sc, const struct scan_site *s,
		      const uint8_t *b)
{
	uint64_t want = sc->pv_ops + 8ull * s->op, got;
	int32_t disp;
	char dis[96];

	if (b[0] != 0xff || b[1] != 0x15) {
		disasm_one(b, s->len, s->addr, dis, sizeof(dis));
		scan_error(sc, s->addr,
			   "not an indirect call through pv_ops.%s: found %s",
			   pv_op_name(s->op), dis);
		return -1;
	}
	if (!sc->pv_ops) {
		scan_error(sc, s->addr,
			   "call through pv_ops.%s, but the image "
			   "has no pv_ops symbol",
			   pv_op_name(s->op));
		return -1;
	}
	memcpy(&disp, b + 2, 4);
	got = s->addr + 6 + (uint64_t)(int64_t)disp;
	if (got == want)
		return 0;
	if (got >= sc->pv_ops && got < sc->pv_ops + 8ull * PV_NR_OPS &&
	    !((got - sc->pv_ops) % 8))
		scan_error(sc, s->addr, "calls pv_ops.%s, record says %s",
			   pv_op_name((unsigned)((got - sc->pv_ops) / 8)),
			   pv_op_name(s->op));
	else
		scan_error(sc, s->addr, "call target 0x%llx is not pv_ops.%s",
			   (unsigned long long)got, pv_op_name(s->op));
	return -1;
}

static int check_padding(struct scan *sc, const struct scan_site *s,
			 const uint8_t *b)
{
	unsigned off = 6;
	char dis[96];

	while (off < s->len) {
		struct pv_insn in;
		int l = pv_insn_decode(b + off, s->len - off, PV_MODE_64, &in);

		if (l <= 0 || in.kind != PV_INSN_NOP) {
			disasm_one(b + off, s->len - off, s->addr + off, dis,
				   sizeof(dis));
			scan_error(sc, s->addr,
				   "padding at +%u is not a NOP: %s", off, dis);
			return -1;
		}
		off += (unsigned)l;
	}
	return 0;
}

static int check_site(struct scan *sc, const struct scan_site *s)
{
	const struct elf_sec *sec;
	const uint8_t *b;

	if (check_record(sc, s))
		return -1;
	sec = elf_sec_by_addr(sc->img, s->addr, s->len);
	if (!sec || !elf_sec_exec(sec)) {
		scan_error(sc, sec ? s->addr : s->rec,
			   "site at 0x%llx is outside executable sections",
			   (unsigned long long)s->addr);
		return -1;
	}
	b = sec->bytes + (s->addr - sec->addr);
	return check_call(sc, s, b) || check_padding(sc, s, b) ? -1 : 0;
}

/* Checks all sites; returns the number of bad ones (each reported). */
int scan_check(struct scan *sc)
{
	size_t i;
	unsigned bad = 0;

	for (i = 1; sc->state == TABLE_EMITTED && i < sc->nsites; i++)
		if (sc->sites[i].addr <= sc->sites[i - 1].addr) {
			scan_error(sc, sc->sites[i].rec,
				   "sealed table not sorted by address");
			break;
		}
	qsort(sc->sites, sc->nsites, sizeof(*sc->sites), site_cmp);
	sc->site_len = sc->want_len ? sc->want_len
		       : sc->nsites ? sc->sites[0].len
				    : 0;
	if (sc->nsites &&
	    (sc->site_len < PV_SITE_MIN || sc->site_len > PV_SITE_MAX))
		sc->site_len = PV_SITE_LEN;
	for (i = 0; i < sc->nsites; i++) {
		struct scan_site *s = &sc->sites[i];

		s->bad = check_site(sc, s) != 0;
		if (!s->bad && i && !sc->sites[i - 1].bad &&
		    sc->sites[i - 1].addr + sc->sites[i - 1].len > s->addr) {
			scan_error(sc, s->addr,
				   "site overlaps the site at 0x%llx",
				   (unsigned long long)sc->sites[i - 1].addr);
			s->bad = 1;
		}
		bad += s->bad;
	}
	if (sc->errors > SCAN_MAX_ERRORS)
		fprintf(stderr, "%s: %s: %u more errors not shown\n",
			sc->img->tool, sc->img->path,
			sc->errors - SCAN_MAX_ERRORS);
	return (int)bad;
}

/* Rewrites the records in address order in place and fills the header. */
int scan_emit_table(struct scan *sc)
{
	struct pv_table_hdr h = {0};
	size_t i;

	if (sc->state != TABLE_RAW && sc->state != TABLE_EMITTED)
		return elf_err(sc->img, NULL, "no %s section to fill",
			       PV_TABLE_SECTION);
	for (i = 0; i < sc->nsites; i++) {
		const struct scan_site *s = &sc->sites[i];
		uint64_t rec = sc->rec_base + i * sizeof(struct pv_site);
		int64_t off = (int64_t)(s->addr - rec);
		struct pv_site r = {(int32_t)off, s->op, s->len, s->flags};

		if (off != (int32_t)off)
			return elf_err(sc->img, PV_TABLE_SECTION,
				       "site 0x%llx out of reach of its record",
				       (unsigned long long)s->addr);
		memcpy(sc->table->bytes + (rec - sc->table->addr), &r,
		       sizeof(r));
	}
	h.magic = PV_TABLE_MAGIC;
	h.version = PV_TABLE_VERSION;
	h.site_len = (uint8_t)sc->site_len;
	h.hdr_len = sizeof(h);
	h.count = (uint32_t)sc->nsites;
	h.abi_hash = pv_ops_abi_hash();
	memcpy(sc->table->bytes, &h, sizeof(h));
	sc->state = TABLE_EMITTED;
	return 0;
}

void scan_free(struct scan *sc)
{
	free(sc->sites);
	free(sc->un);
	free(sc->ex);
	sc->sites = NULL;
	sc->un = NULL;
	sc->ex = NULL;
}
