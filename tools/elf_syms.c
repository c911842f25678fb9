/* elf_syms.c: the symbol table (for func+0xoff and named objects) and, in
 * relocatable objects, relocation of the working copy at synthetic addresses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf_image.h"

static struct elf_sec *find_symtab(struct elf_image *img)
{
	size_t i;

	for (i = 0; i < img->nsecs; i++)
		if (img->secs[i].sh.sh_type == SHT_SYMTAB)
			return &img->secs[i];
	return NULL;
}

static uint64_t sym_addr(const struct elf_image *img, const GElf_Sym *s,
			 size_t i)
{
	if (!img->rel)
		return s->st_value;
	if (s->st_shndx == SHN_UNDEF || s->st_shndx == SHN_COMMON)
		return i ? img->und_base + (uint64_t)i * 0x1000 : 0;
	if (s->st_shndx < img->nsecs &&
	    (img->secs[s->st_shndx].sh.sh_flags & SHF_ALLOC))
		return img->secs[s->st_shndx].addr + s->st_value;
	return s->st_value;
}

/* Higher rank wins among symbols at one address: functions over labels,
 * globals over locals. */
static int sym_rank(const struct elf_sym *s)
{
	return (s->type == STT_FUNC) * 2 + (s->bind == STB_GLOBAL);
}

static int func_cmp(const void *a, const void *b)
{
	const struct elf_sym *x = *(struct elf_sym *const *)a;
	const struct elf_sym *y = *(struct elf_sym *const *)b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return sym_rank(x) - sym_rank(y);
}

static int is_code_sym(const struct elf_image *img, const struct elf_sym *s)
{
	if (s->shndx == SHN_UNDEF || s->shndx >= img->nsecs || !s->name[0])
		return 0;
	if (s->type == STT_FUNC)
		return 1;
	return s->type == STT_NOTYPE && elf_sec_exec(&img->secs[s->shndx]) &&
	       strncmp(s->name, ".L", 2) != 0;
}

static int index_funcs(struct elf_image *img)
{
	size_t i;

	img->funcs = calloc(img->nsyms + 1, sizeof(*img->funcs));
	if (!img->funcs)
		return elf_err(img, NULL, "out of memory");
	for (i = 0; i < img->nsyms; i++)
		if (is_code_sym(img, &img->syms[i]))
			img->funcs[img->nfuncs++] = &img->syms[i];
	qsort(img->funcs, img->nfuncs, sizeof(*img->funcs), func_cmp);
	return 0;
}

static int read_syms(struct elf_image *img, struct elf_sec *st, Elf_Data *d)
{
	size_t i;

	for (i = 0; i < img->nsyms; i++) {
		struct elf_sym *o = &img->syms[i];
		GElf_Sym s;

		if (!gelf_getsym(d, (int)i, &s))
			return elf_err_libelf(img, "gelf_getsym");
		o->name = elf_strptr(img->elf, st->sh.sh_link, s.st_name);
		if (!o->name)
			return elf_err(img, st->name,
				       "symbol %zu: bad name offset", i);
		o->addr = sym_addr(img, &s, i);
		o->size = s.st_size;
		o->shndx = s.st_shndx;
		o->type = GELF_ST_TYPE(s.st_info);
		o->bind = GELF_ST_BIND(s.st_info);
	}
	return 0;
}

int elf_load_syms(struct elf_image *img)
{
	struct elf_sec *st = find_symtab(img);
	size_t symsz = img->is32 ? sizeof(Elf32_Sym) : sizeof(Elf64_Sym);
	Elf_Data *d;

	if (!st)
		return index_funcs(img);
	if (st->sh.sh_entsize != symsz || st->sh.sh_size % symsz)
		return elf_err(img, st->name, "bad symbol entry size");
	if (st->sh.sh_link >= img->nsecs ||
	    img->secs[st->sh.sh_link].sh.sh_type != SHT_STRTAB)
		return elf_err(img, st->name, "bad string table link");
	d = elf_getdata(elf_getscn(img->elf, st->idx), NULL);
	if (!d)
		return elf_err_libelf(img, "elf_getdata");
	img->nsyms = st->sh.sh_size / symsz;
	img->syms = calloc(img->nsyms + 1, sizeof(*img->syms));
	if (!img->syms)
		return elf_err(img, NULL, "out of memory");
	if (read_syms(img, st, d))
		return -1;
	return index_funcs(img);
}

const struct elf_sym *elf_sym_by_name(const struct elf_image *img,
				      const char *name)
{
	size_t i;

	for (i = 0; i < img->nsyms; i++)
		if (img->syms[i].shndx != SHN_UNDEF &&
		    !strcmp(img->syms[i].name, name))
			return &img->syms[i];
	return NULL;
}

const struct elf_sym *elf_sym_ref(const struct elf_image *img, const char *name)
{
	const struct elf_sym *s = elf_sym_by_name(img, name);
	size_t i;

	if (s || !img->rel)
		return s;
	for (i = 1; i < img->nsyms; i++)
		if (!strcmp(img->syms[i].name, name))
			return &img->syms[i];
	return NULL;
}

const struct elf_sym *elf_func_at(const struct elf_image *img, uint64_t addr)
{
	size_t lo = 0, hi = img->nfuncs;
	const struct elf_sym *f;
	const struct elf_sec *s;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (img->funcs[mid]->addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	f = img->funcs[lo - 1];
	s = elf_sec_by_addr(img, addr, 1);
	return s && s->idx == f->shndx ? f : NULL;
}

const char *elf_where(const struct elf_image *img, uint64_t addr, char *buf,
		      size_t len)
{
	const struct elf_sym *f = elf_func_at(img, addr);
	const struct elf_sec *s;

	if (f) {
		snprintf(buf, len, "%s+0x%llx", f->name,
			 (unsigned long long)(addr - f->addr));
		return buf;
	}
	s = elf_sec_by_addr(img, addr, 1);
	if (s)
		snprintf(buf, len, "%s+0x%llx", s->name,
			 (unsigned long long)(addr - s->addr));
	else
		snprintf(buf, len, "0x%llx", (unsigned long long)addr);
	return buf;
}

/* The value a relocation stores, or -1 if it does not fit its field. */
static int reloc_value(unsigned type, uint64_t s, int64_t a, uint64_t p,
		       uint64_t *v, unsigned *width)
{
	int64_t pc = (int64_t)(s + (uint64_t)a - p);

	switch (type) {
	case R_X86_64_64:
		*v = s + (uint64_t)a, *width = 8;
		return 0;
	case R_X86_64_PC64:
		*v = (uint64_t)pc, *width = 8;
		return 0;
	case R_X86_64_PC32:
	case R_X86_64_PLT32:
		*v = (uint64_t)pc, *width = 4;
		return pc == (int32_t)pc ? 0 : -1;
	case R_X86_64_32:
		*v = s + (uint64_t)a, *width = 4;
		return *v == (uint32_t)*v ? 0 : -1;
	case R_X86_64_32S:
		*v = s + (uint64_t)a, *width = 4;
		return (int64_t)*v == (int32_t)*v ? 0 : -1;
	}
	*width = 0; /* GOT and TLS forms do not matter to sites */
	return 0;
}

static int apply_one(struct elf_image *img, struct elf_sec *rs,
		     struct elf_sec *t, const GElf_Rela *r, size_t i)
{
	size_t sym = GELF_R_SYM(r->r_info);
	uint64_t v, s;
	unsigned w;

	if (sym >= img->nsyms && sym)
		return elf_err(img, rs->name, "relocation %zu: bad symbol %zu",
			       i, sym);
	s = sym ? img->syms[sym].addr : 0;
	if (reloc_value(GELF_R_TYPE(r->r_info), s, r->r_addend,
			t->addr + r->r_offset, &v, &w))
		return elf_err(img, rs->name, "relocation %zu: out of range",
			       i);
	if (!w)
		return 0;
	if (r->r_offset > t->sh.sh_size || w > t->sh.sh_size - r->r_offset)
		return elf_err(img, rs->name,
			       "relocation %zu: offset outside %s", i, t->name);
	memcpy(t->bytes + r->r_offset, &v, w);
	return 0;
}

static int apply_sec(struct elf_image *img, struct elf_sec *rs)
{
	struct elf_sec *t;
	Elf_Data *d;
	size_t i, n;

	if (rs->sh.sh_info >= img->nsecs)
		return elf_err(img, rs->name, "bad target section %u",
			       rs->sh.sh_info);
	t = &img->secs[rs->sh.sh_info];
	if (!(t->sh.sh_flags & SHF_ALLOC) || !t->bytes)
		return 0;
	if (rs->sh.sh_entsize != sizeof(Elf64_Rela) ||
	    rs->sh.sh_size % sizeof(Elf64_Rela))
		return elf_err(img, rs->name, "bad relocation entry size");
	if (!img->nsyms || rs->sh.sh_link >= img->nsecs ||
	    img->secs[rs->sh.sh_link].sh.sh_type != SHT_SYMTAB)
		return elf_err(img, rs->name, "bad symbol table link");
	d = elf_getdata(elf_getscn(img->elf, rs->idx), NULL);
	if (!d)
		return elf_err_libelf(img, "elf_getdata");
	n = rs->sh.sh_size / sizeof(Elf64_Rela);
	for (i = 0; i < n; i++) {
		GElf_Rela r;

		if (!gelf_getrela(d, (int)i, &r))
			return elf_err_libelf(img, "gelf_getrela");
		if (apply_one(img, rs, t, &r, i))
			return -1;
	}
	return 0;
}

int elf_apply_relocs(struct elf_image *img)
{
	size_t i;

	for (i = 0; i < img->nsecs; i++)
		if (img->secs[i].sh.sh_type == SHT_RELA &&
		    apply_sec(img, &img->secs[i]))
			return -1;
	return 0;
}
