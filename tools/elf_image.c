/* elf_image.c: loads an ELF64 x86-64 file through libelf, checks every
 * header and offset against the file, and maps addresses to its bytes. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf_image.h"
#include "insn.h"

static void vmsg(const struct elf_image *img, const char *where,
		 const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: %s: ", img->tool, img->path);
	if (where)
		fprintf(stderr, "%s: ", where);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int elf_err(const struct elf_image *img, const char *where, const char *fmt,
	    ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(img, where, fmt, ap);
	va_end(ap);
	return -1;
}

void elf_warn(const struct elf_image *img, const char *where, const char *fmt,
	      ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s: %s%swarning: ", img->tool, img->path,
		where ? where : "", where ? ": " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int elf_err_libelf(const struct elf_image *img, const char *call)
{
	return elf_err(img, call, "%s", elf_errmsg(-1));
}

/* Maps the file privately: the tools may scribble on the mapping, never on
 * the file. */
static int read_file(struct elf_image *img)
{
	struct stat st;
	int fd = open(img->path, O_RDONLY);

	if (fd < 0)
		return elf_err(img, NULL, "%s", strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return elf_err(img, NULL, "not a regular file");
	}
	if ((uint64_t)st.st_size < sizeof(Elf64_Ehdr)) {
		close(fd);
		return elf_err(img, NULL, "file too small for an ELF header");
	}
	img->size = (size_t)st.st_size;
	img->orig =
	    mmap(NULL, img->size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	close(fd);
	if (img->orig == MAP_FAILED) {
		img->orig = NULL;
		return elf_err(img, "mmap", "%s", strerror(errno));
	}
	img->work = img->orig;
	return 0;
}

static int check_ehdr(struct elf_image *img)
{
	if (elf_kind(img->elf) != ELF_K_ELF)
		return elf_err(img, NULL, "not an ELF file");
	img->is32 = gelf_getclass(img->elf) == ELFCLASS32;
	if (!img->is32 && gelf_getclass(img->elf) != ELFCLASS64)
		return elf_err(img, "e_ident",
			       "wrong class: not ELF64 or ELF32");
	if (!gelf_getehdr(img->elf, &img->eh))
		return elf_err_libelf(img, "gelf_getehdr");
	if (img->eh.e_ident[EI_DATA] != ELFDATA2LSB)
		return elf_err(img, "e_ident", "not little-endian");
	if (img->eh.e_machine != (img->is32 ? EM_386 : EM_X86_64))
		return elf_err(img, "e_machine", "wrong machine %u: not %s",
			       img->eh.e_machine,
			       img->is32 ? "i386 (ELF32)" : "x86-64 (ELF64)");
	if (img->eh.e_type != ET_EXEC && img->eh.e_type != ET_DYN &&
	    img->eh.e_type != ET_REL)
		return elf_err(img, "e_type", "unsupported ELF type %u",
			       img->eh.e_type);
	if (img->eh.e_shentsize !=
	    (img->is32 ? sizeof(Elf32_Shdr) : sizeof(Elf64_Shdr)))
		return elf_err(img, "e_shentsize", "bad section header size %u",
			       img->eh.e_shentsize);
	img->rel = img->eh.e_type == ET_REL;
	/* The decoder, the call form and the class clobbers follow the file. */
	pv_code_mode = img->is32 ? PV_MODE_32 : PV_MODE_64;
	return 0;
}

static int load_sec(struct elf_image *img, size_t i, size_t shstrndx)
{
	struct elf_sec *s = &img->secs[i];
	Elf_Scn *scn = elf_getscn(img->elf, i);
	char where[32];

	snprintf(where, sizeof(where), "section %zu", i);
	if (!scn)
		return elf_err_libelf(img, "elf_getscn");
	if (!gelf_getshdr(scn, &s->sh))
		return elf_err_libelf(img, "gelf_getshdr");
	s->idx = i;
	s->name = elf_strptr(img->elf, shstrndx, s->sh.sh_name);
	if (!s->name)
		return elf_err(img, where, "bad name offset %u", s->sh.sh_name);
	if (s->sh.sh_type == SHT_NOBITS || s->sh.sh_type == SHT_NULL)
		return 0;
	if (s->sh.sh_offset > img->size ||
	    s->sh.sh_size > img->size - s->sh.sh_offset)
		return elf_err(img, s->name,
			       "extends past the end of the file");
	s->bytes = img->work + s->sh.sh_offset;
	s->addr = s->sh.sh_addr;
	if ((s->sh.sh_flags & SHF_ALLOC) && !img->rel &&
	    s->addr + s->sh.sh_size < s->addr)
		return elf_err(img, s->name, "address range wraps");
	return 0;
}

static int load_secs(struct elf_image *img)
{
	size_t n, shstrndx, i;

	if (elf_getshdrnum(img->elf, &n) < 0)
		return elf_err_libelf(img, "elf_getshdrnum");
	if (elf_getshdrstrndx(img->elf, &shstrndx) < 0)
		return elf_err_libelf(img, "elf_getshdrstrndx");
	if (img->eh.e_shoff > img->size ||
	    n > (img->size - img->eh.e_shoff) / img->eh.e_shentsize)
		return elf_err(img, "e_shoff",
			       "section headers past end of file");
	if (n == 0 || shstrndx >= n)
		return elf_err(img, "e_shstrndx", "no section name table");
	img->nsecs = n;
	img->secs = calloc(n, sizeof(*img->secs));
	if (!img->secs)
		return elf_err(img, NULL, "out of memory");
	for (i = 0; i < n; i++)
		if (load_sec(img, i, shstrndx))
			return -1;
	return 0;
}

static int sec_cmp(const void *a, const void *b)
{
	const struct elf_sec *x = *(struct elf_sec *const *)a;
	const struct elf_sec *y = *(struct elf_sec *const *)b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* In a .o every section starts at 0: give each allocated one its own range
 * so that a relocated .o can be read like a linked image. */
static int layout_rel(struct elf_image *img)
{
	uint64_t a = 0x100000;
	size_t i;

	for (i = 0; i < img->nsecs; i++) {
		struct elf_sec *s = &img->secs[i];
		uint64_t al = s->sh.sh_addralign > 16 ? s->sh.sh_addralign : 16;

		if (!(s->sh.sh_flags & SHF_ALLOC))
			continue;
		if (al > (1u << 20) || (al & (al - 1)))
			return elf_err(img, s->name, "bad alignment %llu",
				       (unsigned long long)al);
		if (s->sh.sh_size > (1ull << 36))
			return elf_err(img, s->name, "size too large");
		a = (a + al - 1) & ~(al - 1);
		s->addr = a;
		a += s->sh.sh_size;
	}
	img->und_base = (a + 0xfffff) & ~0xfffffull;
	return 0;
}

/* Sorted table of allocated sections with bytes; overlapping ones are an
 * error since an address would then name two different bytes. */
static int index_alloc(struct elf_image *img)
{
	size_t i, n = 0;

	img->alloc = calloc(img->nsecs, sizeof(*img->alloc));
	if (!img->alloc)
		return elf_err(img, NULL, "out of memory");
	for (i = 0; i < img->nsecs; i++) {
		struct elf_sec *s = &img->secs[i];

		if ((s->sh.sh_flags & SHF_ALLOC) && s->bytes &&
		    !(s->sh.sh_flags & SHF_TLS) && s->sh.sh_size)
			img->alloc[n++] = s;
	}
	qsort(img->alloc, n, sizeof(*img->alloc), sec_cmp);
	for (i = 1; i < n; i++) {
		const struct elf_sec *p = img->alloc[i - 1];

		if (p->addr + p->sh.sh_size > img->alloc[i]->addr)
			return elf_err(img, img->alloc[i]->name,
				       "overlaps section %s", p->name);
	}
	img->nalloc = n;
	return 0;
}

int elf_image_open(struct elf_image *img, const char *tool, const char *path)
{
	memset(img, 0, sizeof(*img));
	img->tool = tool;
	img->path = path;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return elf_err_libelf(img, "elf_version");
	if (read_file(img))
		return -1;
	img->elf = elf_memory((char *)img->orig, img->size);
	if (!img->elf)
		return elf_err_libelf(img, "elf_memory");
	if (check_ehdr(img) || load_secs(img))
		return -1;
	if (img->rel && layout_rel(img))
		return -1;
	if (index_alloc(img) || elf_load_syms(img))
		return -1;
	if (img->rel && elf_apply_relocs(img))
		return -1;
	return 0;
}

void elf_image_close(struct elf_image *img)
{
	if (img->elf)
		elf_end(img->elf);
	if (img->work && img->work != img->orig)
		free(img->work);
	if (img->orig)
		munmap(img->orig, img->size);
	free(img->secs);
	free(img->syms);
	free(img->funcs);
	free(img->alloc);
	memset(img, 0, sizeof(*img));
}

/* Gives the image a working copy distinct from the file bytes, so that the
 * original bytes stay readable (pvpatch --diff, elfscan -o). */
int elf_image_cow(struct elf_image *img)
{
	size_t i;
	uint8_t *w;

	if (img->work != img->orig)
		return 0;
	w = malloc(img->size);
	if (!w)
		return elf_err(img, NULL, "out of memory");
	memcpy(w, img->orig, img->size);
	for (i = 0; i < img->nsecs; i++)
		if (img->secs[i].bytes)
			img->secs[i].bytes = w + img->secs[i].sh.sh_offset;
	img->work = w;
	return 0;
}

int elf_image_write(struct elf_image *img, const char *path)
{
	char tmp[4096];
	struct stat st;
	mode_t mode = 0644;
	FILE *f;

	if (stat(img->path, &st) == 0)
		mode = st.st_mode & 0777;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp%d", path, (int)getpid()) >=
	    (int)sizeof(tmp))
		return elf_err(img, path, "output name too long");
	f = fopen(tmp, "wb");
	if (!f)
		return elf_err(img, path, "%s", strerror(errno));
	if (fwrite(img->work, 1, img->size, f) != img->size || fclose(f) != 0) {
		unlink(tmp);
		return elf_err(img, path, "write failed");
	}
	if (chmod(tmp, mode) < 0 || rename(tmp, path) < 0) {
		unlink(tmp);
		return elf_err(img, path, "%s", strerror(errno));
	}
	return 0;
}

struct elf_sec *elf_sec_by_name(const struct elf_image *img, const char *name)
{
	size_t i;

	for (i = 0; i < img->nsecs; i++)
		if (!strcmp(img->secs[i].name, name))
			return &img->secs[i];
	return NULL;
}

/* Index in img->alloc of the section holding addr, or -1. */
static long alloc_index(const struct elf_image *img, uint64_t addr)
{
	size_t lo = 0, hi = img->nalloc;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct elf_sec *s = img->alloc[mid];

		if (addr < s->addr)
			hi = mid;
		else if (addr - s->addr >= s->sh.sh_size)
			lo = mid + 1;
		else
			return (long)mid;
	}
	return -1;
}

struct elf_sec *elf_sec_by_addr(const struct elf_image *img, uint64_t addr,
				uint64_t len)
{
	long i = alloc_index(img, addr);
	struct elf_sec *s;

	if (i < 0)
		return NULL;
	s = img->alloc[i];
	return len <= s->sh.sh_size - (addr - s->addr) ? s : NULL;
}

/* [addr, addr+len) may run on into following sections if they continue
 * both the addresses and the file bytes without a gap (e.g. _stext.._etext
 * over several output sections). */
static const struct elf_sec *span(const struct elf_image *img, uint64_t addr,
				  uint64_t len)
{
	long i = alloc_index(img, addr);
	const struct elf_sec *s, *p;
	uint64_t end;

	if (i < 0)
		return NULL;
	s = p = img->alloc[i];
	end = s->addr + s->sh.sh_size;
	while (len > end - addr) {
		const struct elf_sec *n;

		if ((size_t)++i >= img->nalloc)
			return NULL;
		n = img->alloc[i];
		if (n->addr != end ||
		    n->sh.sh_offset != p->sh.sh_offset + p->sh.sh_size)
			return NULL;
		end += n->sh.sh_size;
		p = n;
	}
	return s;
}

uint8_t *elf_ptr(const struct elf_image *img, uint64_t addr, uint64_t len)
{
	const struct elf_sec *s = span(img, addr, len);

	return s ? s->bytes + (addr - s->addr) : NULL;
}

const uint8_t *elf_orig_ptr(const struct elf_image *img, uint64_t addr,
			    uint64_t len)
{
	const struct elf_sec *s = span(img, addr, len);

	return s ? img->orig + s->sh.sh_offset + (addr - s->addr) : NULL;
}
