/* elf_image.h: one ELF file loaded through libelf for elfscan and pvpatch:
 * sections, symbols, address <-> bytes mapping, every access bounds-checked. */
#ifndef TOOLS_ELF_IMAGE_H
#define TOOLS_ELF_IMAGE_H

#include <gelf.h>
#include <stddef.h>
#include <stdint.h>

struct elf_sec {
	const char *name;
	GElf_Shdr sh;
	uint64_t addr;	/* sh_addr, or a synthetic address in a .o */
	uint8_t *bytes; /* the working copy; NULL for NOBITS or non-alloc */
	size_t idx;
};

struct elf_sym {
	const char *name;
	uint64_t addr; /* value, plus the section's synthetic address in a .o */
	uint64_t size;
	size_t shndx;
	uint8_t type;
	uint8_t bind;
};

struct elf_image {
	const char *tool;
	const char *path;
	uint8_t *orig; /* the file as read; libelf parses this one */
	uint8_t *work; /* copy that relocations and patches go to */
	size_t size;
	Elf *elf;
	GElf_Ehdr eh;
	int rel; /* ET_REL: relocations applied to work */
	int is32; /* ELFCLASS32, EM_386: decoded in 32-bit mode */
	size_t nsecs;
	struct elf_sec *secs;
	size_t nsyms;
	struct elf_sym *syms;
	struct elf_sym **funcs; /* code symbols sorted by address */
	size_t nfuncs;
	struct elf_sec **alloc; /* SHF_ALLOC sections with bytes, by address */
	size_t nalloc;
	uint64_t und_base; /* synthetic addresses of undefined symbols (.o) */
};

/* Loads path.  Returns 0, or -1 after printing one error line. */
int elf_image_open(struct elf_image *img, const char *tool, const char *path);
void elf_image_close(struct elf_image *img);

/* Separates the working copy from the file bytes (kept for old-vs-new). */
int elf_image_cow(struct elf_image *img);
/* elf_syms.c: the symbol table, and in a .o the relocations applied to the
 * working copy at the synthetic section addresses. */
int elf_load_syms(struct elf_image *img);
int elf_apply_relocs(struct elf_image *img);

/* Writes the working copy to path (atomically via a temporary file). */
int elf_image_write(struct elf_image *img, const char *path);

/* Prints `tool: file: where: what` and returns -1. */
int elf_err(const struct elf_image *img, const char *where, const char *fmt,
	    ...) __attribute__((format(printf, 3, 4)));
/* Same with libelf's message: `tool: file: call: elf_errmsg(-1)`. */
int elf_err_libelf(const struct elf_image *img, const char *call);
void elf_warn(const struct elf_image *img, const char *where, const char *fmt,
	      ...) __attribute__((format(printf, 3, 4)));

struct elf_sec *elf_sec_by_name(const struct elf_image *img, const char *name);
/* The SHF_ALLOC section holding [addr, addr+len), or NULL. */
struct elf_sec *elf_sec_by_addr(const struct elf_image *img, uint64_t addr,
				uint64_t len);
/* Working-copy pointer to [addr, addr+len) if wholly inside one section
 * with file bytes, else NULL.  orig: the unmodified file bytes instead. */
uint8_t *elf_ptr(const struct elf_image *img, uint64_t addr, uint64_t len);
const uint8_t *elf_orig_ptr(const struct elf_image *img, uint64_t addr,
			    uint64_t len);

const struct elf_sym *elf_sym_by_name(const struct elf_image *img,
				      const char *name);
/* As elf_sym_by_name, but in a .o also an undefined symbol (its synthetic
 * address is what relocations against it resolved to). */
const struct elf_sym *elf_sym_ref(const struct elf_image *img,
				  const char *name);
/* The code symbol containing addr (or the nearest below in its section). */
const struct elf_sym *elf_func_at(const struct elf_image *img, uint64_t addr);
/* Formats addr as func+0xoff (or section+0xoff) into buf. */
const char *elf_where(const struct elf_image *img, uint64_t addr, char *buf,
		      size_t len);

static inline int elf_sec_exec(const struct elf_sec *s)
{
	return (s->sh.sh_flags & SHF_EXECINSTR) && (s->sh.sh_flags & SHF_ALLOC);
}
#endif
