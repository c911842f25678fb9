/* linux_btf.h: just enough of the kernel's BTF (.BTF) to name the members
 * of a struct of function pointers, such as paravirt_patch_template. */
#ifndef TOOLS_LINUX_BTF_H
#define TOOLS_LINUX_BTF_H

#include <stddef.h>
#include <stdint.h>

#define BTF_MAX_SLOTS 512

struct btf_slots {
	unsigned n;		   /* struct size / 8 */
	char *name[BTF_MAX_SLOTS]; /* "cpu.io_delay"; NULL for a gap */
};

/* Fills s with the dotted member names of struct `name`, one per 8-byte
 * slot.  Returns 0, 1 if the struct is not in the BTF, or -1 if the BTF
 * is malformed (*why says how). */
int btf_struct_slots(const uint8_t *btf, size_t len, const char *name,
		     struct btf_slots *s, const char **why);
void btf_slots_free(struct btf_slots *s);
#endif
