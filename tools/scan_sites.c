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

/* A native site's record is followed by its stub's call-site record:
 * each learns the other before sorting parts them. */
static void pair_records(struct scan *sc)
{
	for (size_t i = 0; i + 1 < sc->nsites; i++) {
		struct scan_site *a = &sc->sites[i], *b = &sc->sites[i + 1];

		if (!(a->flags & PV_SITE_NATIVE) || !(b->flags & PV_SITE_STUB))
			continue;
		a->pair = b->addr;
		a->pair_rec = b->rec;
		a->pair_len = b->len;
		a->pair_flags = b->flags;
		b->pair = a->addr;
		b->pair_rec = a->rec;
		i++;
	}
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
		s->entry = r.entry;
		s->len = r.len;
		s->flags = r.flags;
	}
	sc->nsites = n;
	pair_records(sc);
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

static int check_native_record(struct scan *sc, const struct scan_site *s)
{
	if (s->len < PV_NATIVE_MIN || s->len > PV_INSN_LIMIT ||
	    (s->flags & PV_SITE_STUB)) {
		scan_error(sc, s->addr, "native site length %u (5..15)",
			   s->len);
		return -1;
	}
	if ((s->pair_flags & ~PV_SITE_STUB) != (s->flags & PV_SITE_CLASS_MASK)) {
		scan_error(sc, s->addr, "stub call record flags 0x%02x",
			   s->pair_flags);
		return -1;
	}
	if (s->pair_len < PV_SITE_MIN || s->pair_len > PV_SITE_MAX) {
		scan_error(sc, s->addr, "stub call site length %u (%u..%u)",
			   s->pair_len, PV_SITE_MIN, PV_SITE_MAX);
		return -1;
	}
	return 0;
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
	if ((s->flags & (PV_SITE_NATIVE | PV_SITE_STUB)) && !s->pair) {
		scan_error(sc, s->addr, "%s record without its %s",
			   s->flags & PV_SITE_STUB ? "stub call" : "native site",
			   s->flags & PV_SITE_STUB ? "native site" :
						     "stub call record");
		return -1;
	}
	if (s->flags & PV_SITE_NATIVE)
		return check_native_record(sc, s);
	if (s->entry || (s->flags & PV_SITE_ABI)) {
		scan_error(sc, s->addr, "call site record with native fields");
		return -1;
	}
	if (s->len != sc->site_len && !(s->flags & PV_SITE_STUB)) {
		scan_error(sc, s->addr, "site length %u, the build's is %u",
			   s->len, sc->site_len);
		return -1;
	}
	if (s->len < PV_SITE_MIN || s->len > PV_SITE_MAX) {
		scan_error(sc, s->addr, "stub call site length %u", s->len);
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
	uint8_t canon[PV_SITE_MAX];
	char dis[96];

	/* the patcher's own padding (a jmp rel8 over NOPs beyond 11 bytes) */
	pv_nops(canon, s->len - off);
	if (!memcmp(b + off, canon, s->len - off))
		return 0;
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

/* Every instruction decodes inside the site; prefixes never on a branch. */
static int check_native_insns(struct scan *sc, const struct scan_site *s,
			      const uint8_t *b)
{
	unsigned off = 0;
	char dis[96];

	while (off < s->len) {
		struct pv_insn in;
		int l = pv_insn_decode(b + off, s->len - off, PV_MODE_64, &in);

		if (l <= 0) {
			scan_error(sc, s->addr, "native site does not decode "
				   "at +%u", off);
			return -1;
		}
		if (in.nprefixes && in.kind != PV_INSN_OTHER &&
		    in.kind != PV_INSN_NOP) {
			disasm_one(b + off, s->len - off, s->addr + off, dis,
				   sizeof(dis));
			scan_error(sc, s->addr, "prefixed branch: %s", dis);
			return -1;
		}
		off += (unsigned)l;
	}
	return 0;
}

/*
 * A native site: its bytes decode, its stub holds a copy of them (moved
 * to the site's address they are the same bytes), and its stub's call is
 * a call site like any other.
 */
static int check_native(struct scan *sc, const struct scan_site *s,
			const uint8_t *b)
{
	uint64_t copy = s->pair - s->entry - s->len;
	const struct elf_sec *sec = elf_sec_by_addr(sc->img, copy, s->len);
	struct scan_site call = *s;
	uint8_t moved[PV_SITE_MAX];
	struct pv_code c;

	if (check_native_insns(sc, s, b))
		return -1;
	if (!sec || !elf_sec_exec(sec) ||
	    !elf_sec_by_addr(sc->img, s->pair, s->pair_len)) {
		scan_error(sc, s->addr, "stub at 0x%llx outside executable "
			   "sections", (unsigned long long)copy);
		return -1;
	}
	c.bytes = sec->bytes + (copy - sec->addr);
	c.addr = copy;
	c.len = s->len;
	if (pv_emit_code(moved, s->addr, &c, s->len) != (int)s->len ||
	    memcmp(moved, b, s->len)) {
		scan_error(sc, s->addr, "stub's copy differs from the site");
		return -1;
	}
	call.addr = s->pair;
	call.len = s->pair_len;
	sec = elf_sec_by_addr(sc->img, call.addr, call.len);
	b = sec->bytes + (call.addr - sec->addr);
	return check_call(sc, &call, b) || check_padding(sc, &call, b) ? -1 : 0;
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
	if (s->flags & PV_SITE_NATIVE)
		return check_native(sc, s, b);
	return check_call(sc, s, b) || check_padding(sc, s, b) ? -1 : 0;
}

/* Checks all sites; returns the number of bad ones (each reported). */
int scan_check(struct scan *sc)
{
	size_t i;
	unsigned bad = 0;

	for (i = 1; sc->state == TABLE_EMITTED && i < sc->nsites; i++)
		if (!(sc->sites[i].flags & PV_SITE_STUB) &&
		    !(sc->sites[i - 1].flags & PV_SITE_STUB) &&
		    sc->sites[i].addr <= sc->sites[i - 1].addr) {
			scan_error(sc, sc->sites[i].rec,
				   "sealed table not sorted by address");
			break;
		}
	qsort(sc->sites, sc->nsites, sizeof(*sc->sites), site_cmp);
	sc->site_len = sc->want_len;
	for (i = 0; !sc->site_len && i < sc->nsites; i++)
		if (!(sc->sites[i].flags & (PV_SITE_NATIVE | PV_SITE_STUB)))
			sc->site_len = sc->sites[i].len;
	if (sc->nsites &&
	    (sc->site_len < PV_SITE_MIN || sc->site_len > PV_SITE_MAX))
		sc->site_len = PV_SITE_LEN;
	for (i = 0; i < sc->nsites; i++) {
		struct scan_site *s = &sc->sites[i];

		if (s->flags & PV_SITE_STUB && s->pair) {
			s->bad = 0; /* checked with its native site */
			continue;
		}
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

static int put_record(struct scan *sc, size_t i, uint64_t addr, unsigned op,
		      unsigned entry, unsigned len, unsigned flags)
{
	uint64_t rec = sc->rec_base + i * sizeof(struct pv_site);
	int64_t off = (int64_t)(addr - rec);
	struct pv_site r = { (int32_t)off, (uint8_t)op, (uint8_t)entry,
			     (uint8_t)len, (uint8_t)flags };

	if (off != (int32_t)off)
		return elf_err(sc->img, PV_TABLE_SECTION,
			       "site 0x%llx out of reach of its record",
			       (unsigned long long)addr);
	memcpy(sc->table->bytes + (rec - sc->table->addr), &r, sizeof(r));
	return 0;
}

/*
 * Rewrites the records in address order in place and fills the header: a
 * native site's stub call record goes right after it, wherever the stub.
 */
int scan_emit_table(struct scan *sc)
{
	struct pv_table_hdr h = {0};
	size_t i, n = 0;

	if (sc->state != TABLE_RAW && sc->state != TABLE_EMITTED)
		return elf_err(sc->img, NULL, "no %s section to fill",
			       PV_TABLE_SECTION);
	for (i = 0; i < sc->nsites; i++) {
		const struct scan_site *s = &sc->sites[i];

		if ((s->flags & PV_SITE_STUB) && s->pair)
			continue;
		if (put_record(sc, n++, s->addr, s->op, s->entry, s->len,
			       s->flags))
			return -1;
		if ((s->flags & PV_SITE_NATIVE) && s->pair &&
		    put_record(sc, n++, s->pair, s->op, 0, s->pair_len,
			       s->pair_flags))
			return -1;
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
