/* scan_linux.c: elfscan --linux: counts and checks the patch-site tables of
 * a Linux 6.x x86-64 vmlinux (paravirt, alternatives, static calls, ...). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "elf_image.h"
#include "json.h"
#include "linux_btf.h"
#include "scan_linux.h"

enum lkind { L_PARA, L_ALT, L_SCALL, L_JUMP, L_S32 };

struct ltab {
	const char *key, *sec, *start, *stop;
	unsigned rec;
	enum lkind kind;
};

/* Record sizes of Linux 6.1 x86-64: paravirt_patch_site {u8 *instr; u8
 * type, len;} 16, alt_instr 12, static_call_site 8, jump_entry 16, s32. */
static const struct ltab ltabs[] = {
	{ "parainstructions", ".parainstructions", "__parainstructions",
	  "__parainstructions_end", 16, L_PARA },
	{ "altinstructions", ".altinstructions", "__alt_instructions",
	  "__alt_instructions_end", 12, L_ALT },
	{ "static_call_sites", ".static_call_sites",
	  "__start_static_call_sites", "__stop_static_call_sites", 8, L_SCALL },
	{ "jump_table", "__jump_table", "__start___jump_table",
	  "__stop___jump_table", 16, L_JUMP },
	{ "retpoline_sites", ".retpoline_sites", "__retpoline_sites",
	  "__retpoline_sites_end", 4, L_S32 },
	{ "return_sites", ".return_sites", "__return_sites",
	  "__return_sites_end", 4, L_S32 },
	{ "call_sites", ".call_sites", "__call_sites", "__call_sites_end", 4,
	  L_S32 },
	{ "ibt_endbr_seal", ".ibt_endbr_seal", "__ibt_endbr_seal",
	  "__ibt_endbr_seal_end", 4, L_S32 },
};
#define NTABS (sizeof(ltabs) / sizeof(ltabs[0]))
#define NFEAT 0x8000

struct lres {
	int present;
	const char *from; /* section name, or "symbols" */
	uint64_t addr, size, count, invalid;
};

struct lscan {
	struct elf_image img;
	struct lres r[NTABS];
	uint32_t by_type[256];
	uint32_t *feat; /* NFEAT counters */
	uint32_t inverted;
	struct btf_slots slots;
	int have_btf;
	uint64_t sym[NTABS][2]; /* from --system-map: start, stop */
};

static int in_exec(const struct elf_image *img, uint64_t a, uint64_t len)
{
	const struct elf_sec *s = elf_sec_by_addr(img, a, len ? len : 1);

	return s && elf_sec_exec(s);
}

static int in_alloc(const struct elf_image *img, uint64_t a)
{
	return elf_sec_by_addr(img, a, 1) != NULL;
}

static uint64_t rel32(const uint8_t *p, uint64_t field_addr, uint32_t mask)
{
	int32_t v;

	memcpy(&v, p, 4);
	return field_addr + (uint64_t)(int64_t)(v & (int32_t)~mask);
}

/* One record at address a (host bytes p): 0 if valid. */
static int check_rec(struct lscan *ls, enum lkind k, const uint8_t *p,
		     uint64_t a)
{
	const struct elf_image *img = &ls->img;
	uint64_t v, key;
	uint16_t cpuid;

	switch (k) {
	case L_PARA:
		memcpy(&v, p, 8);
		ls->by_type[p[8]]++;
		return !p[9] || !in_exec(img, v, p[9]) ||
		       (ls->have_btf && p[8] >= ls->slots.n);
	case L_ALT:
		memcpy(&cpuid, p + 8, 2);
		ls->feat[cpuid & 0x7fff]++;
		ls->inverted += cpuid >> 15;
		return !in_exec(img, rel32(p, a, 0), p[10]) ||
		       (p[11] && !elf_sec_by_addr(img, rel32(p + 4, a + 4, 0),
						  p[11]));
	case L_SCALL:
		return !in_exec(img, rel32(p, a, 0), 1) ||
		       !in_alloc(img, rel32(p + 4, a + 4, 3));
	case L_JUMP:
		memcpy(&key, p + 8, 8);
		return !in_exec(img, rel32(p, a, 0), 1) ||
		       !in_exec(img, rel32(p + 4, a + 4, 0), 1) ||
		       !in_alloc(img, a + 8 + (key & ~3ull));
	case L_S32:
		return !in_exec(img, rel32(p, a, 0), 1);
	}
	return 1;
}

/* The table's bytes: its own section, or the kernel's start/stop symbols
 * (from the image's symbol table or --system-map) inside another one. */
static const uint8_t *locate(struct lscan *ls, size_t i, struct lres *r)
{
	const struct elf_sec *s = elf_sec_by_name(&ls->img, ltabs[i].sec);
	const struct elf_sym *a = elf_sym_by_name(&ls->img, ltabs[i].start);
	const struct elf_sym *b = elf_sym_by_name(&ls->img, ltabs[i].stop);

	if (s && s->bytes) {
		r->from = s->name, r->addr = s->addr, r->size = s->sh.sh_size;
		return s->bytes;
	}
	r->from = "symbols";
	r->addr = a && b ? a->addr : ls->sym[i][0];
	r->size = (a && b ? b->addr : ls->sym[i][1]) - r->addr;
	if (!r->addr || r->size > ls->img.size)
		return NULL;
	return elf_ptr(&ls->img, r->addr, r->size ? r->size : 1);
}

static void scan_tab(struct lscan *ls, size_t i)
{
	struct lres *r = &ls->r[i];
	const uint8_t *p = locate(ls, i, r);
	uint64_t n, j;

	if (!p)
		return;
	r->present = 1;
	n = r->size / ltabs[i].rec;
	r->count = n;
	r->invalid = r->size % ltabs[i].rec ? 1 : 0; /* a torn last record */
	for (j = 0; j < n; j++)
		r->invalid += (uint64_t)check_rec(ls, ltabs[i].kind,
						  p + j * ltabs[i].rec,
						  r->addr + j * ltabs[i].rec);
}

/* --system-map: only the start/stop symbols of the tables matter. */
static int load_sysmap(struct lscan *ls, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512], name[256], t;
	unsigned long long a;
	size_t i;

	if (!f)
		return elf_err(&ls->img, path, "cannot open System.map");
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &a, &t, name) != 3)
			continue;
		for (i = 0; i < NTABS; i++) {
			if (!strcmp(name, ltabs[i].start))
				ls->sym[i][0] = a;
			if (!strcmp(name, ltabs[i].stop))
				ls->sym[i][1] = a;
		}
	}
	fclose(f);
	return 0;
}

static int load_btf(struct lscan *ls)
{
	const struct elf_sec *s = elf_sec_by_name(&ls->img, ".BTF");
	const char *why = NULL;
	int r;

	if (!s || !s->bytes)
		return 0;
	r = btf_struct_slots(s->bytes, s->sh.sh_size, "paravirt_patch_template",
			     &ls->slots, &why);
	if (r < 0)
		return elf_err(&ls->img, ".BTF", "%s", why);
	ls->have_btf = r == 0;
	return 0;
}

static unsigned nfeatures(const struct lscan *ls)
{
	unsigned f, n = 0;

	for (f = 0; f < NFEAT; f++)
		n += ls->feat[f] != 0;
	return n;
}

static void print_text(const struct lscan *ls, double ms)
{
	size_t i;
	unsigned t;

	printf("%s: Linux x86-64 image, BTF %s\n", ls->img.path,
	       ls->have_btf ? "paravirt_patch_template" : "not used");
	for (i = 0; i < NTABS; i++) {
		const struct lres *r = &ls->r[i];

		if (!r->present) {
			printf("%-18s not present\n", ltabs[i].key);
			continue;
		}
		printf("%-18s %8llu records of %2u bytes (%s), %llu invalid\n",
		       ltabs[i].key, (unsigned long long)r->count, ltabs[i].rec,
		       r->from, (unsigned long long)r->invalid);
		if (ltabs[i].kind == L_ALT)
			printf("  %u distinct features, %u inverted\n",
			       nfeatures(ls), ls->inverted);
		for (t = 0; ltabs[i].kind == L_PARA && t < 256; t++)
			if (ls->by_type[t])
				printf("  type %3u %-28s %6u\n", t,
				       t < ls->slots.n && ls->slots.name[t]
					       ? ls->slots.name[t] : "?",
				       ls->by_type[t]);
	}
	printf("time: %.1f ms\n", ms);
}

static void json_para(struct json *j, const struct lscan *ls)
{
	char k[12];
	unsigned t;

	json_obj(j, "by_type");
	for (t = 0; t < 256; t++)
		if (ls->by_type[t]) {
			snprintf(k, sizeof(k), "%u", t);
			json_u64(j, k, ls->by_type[t]);
		}
	json_end_obj(j);
	json_obj(j, "names");
	for (t = 0; t < ls->slots.n; t++)
		if (ls->slots.name[t] && ls->by_type[t]) {
			snprintf(k, sizeof(k), "%u", t);
			json_str(j, k, ls->slots.name[t]);
		}
	json_end_obj(j);
}

static void json_alt(struct json *j, const struct lscan *ls)
{
	char k[24];
	unsigned f;

	json_u64(j, "distinct_features", nfeatures(ls));
	json_u64(j, "inverted", ls->inverted);
	json_obj(j, "features"); /* X86_FEATURE word*32+bit -> records */
	for (f = 0; f < NFEAT; f++)
		if (ls->feat[f]) {
			snprintf(k, sizeof(k), "%u*32+%u", f / 32, f % 32);
			json_u64(j, k, ls->feat[f]);
		}
	json_end_obj(j);
}

static void print_json(const struct lscan *ls, double ms)
{
	struct json j;
	size_t i;

	json_init(&j, stdout);
	json_obj(&j, NULL);
	json_str(&j, "file", ls->img.path);
	json_bool(&j, "btf", ls->have_btf);
	for (i = 0; i < NTABS; i++) {
		const struct lres *r = &ls->r[i];

		json_obj(&j, ltabs[i].key);
		json_bool(&j, "present", r->present);
		json_u64(&j, "count", r->count);
		json_u64(&j, "record_size", ltabs[i].rec);
		json_u64(&j, "invalid", r->invalid);
		if (r->present && ltabs[i].kind == L_PARA)
			json_para(&j, ls);
		if (r->present && ltabs[i].kind == L_ALT)
			json_alt(&j, ls);
		json_end_obj(&j);
	}
	json_u64(&j, "time_us", (uint64_t)(ms * 1000));
	json_end_obj(&j);
	json_done(&j);
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int linux_scan(const char *path, const char *sysmap, int json)
{
	static struct lscan ls;
	double t0 = now_ms();
	int r = 1;
	size_t i;

	memset(&ls, 0, sizeof(ls));
	ls.feat = calloc(NFEAT, sizeof(*ls.feat));
	if (!ls.feat || elf_image_open(&ls.img, "elfscan", path))
		goto out;
	if ((sysmap && load_sysmap(&ls, sysmap)) || load_btf(&ls))
		goto out;
	for (i = 0; i < NTABS; i++)
		scan_tab(&ls, i);
	if (json)
		print_json(&ls, now_ms() - t0);
	else
		print_text(&ls, now_ms() - t0);
	r = 0;
out:
	btf_slots_free(&ls.slots);
	elf_image_close(&ls.img);
	free(ls.feat);
	return r;
}
