/* pvpatch.h: pvpatch's options and its two halves: the offline run of the
 * kernel's own table walker (pvpatch_run.c) and the decoder sweep. */
#ifndef TOOLS_PVPATCH_H
#define TOOLS_PVPATCH_H

#include "elf_image.h"
#include "patch.h"

struct pvpatch_opts {
	const char *backend;
	const char *in, *out, *section;
	unsigned site_len; /* 0: whatever the table says */
	unsigned cpu_features; /* PV_FEAT_* of the CPU patched for */
	int no_inline, diff, text_hash, lengths;
};

/* Patches img in memory as the kernel would at boot; prints the counts,
 * the --diff and the --text-hash.  Returns 0 or -1 after an error line. */
int pvpatch_run(struct elf_image *img, const struct pvpatch_opts *o);
#endif
