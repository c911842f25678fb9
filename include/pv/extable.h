/* extable.h: the exception-table entry (a faulting instruction and its
 * landing pad), one definition for the kernel's fixup walker and elfscan. */
#ifndef PV_EXTABLE_H
#define PV_EXTABLE_H

#define PV_EXTABLE_SECTION ".ex_table"

/*
 * PV_EXTABLE(insn, fixup), in an asm string: if the instruction at label
 * insn faults, resume at label fixup.  Entries are relative, like the site
 * records.  Code with an entry must run where it was linked, so elfscan
 * never lets a body or template holding one be copied into a site.
 */
#define PV_EXTABLE(insn, fixup)                                                \
	".pushsection " PV_EXTABLE_SECTION ",\"a\"\n\t.balign 4\n\t"           \
	".long (" insn ") - .\n\t.long (" fixup ") - .\n\t.popsection\n\t"

#ifndef __ASSEMBLER__
#include <stdint.h>

struct pv_extable_entry {
	int32_t insn, fixup; /* each relative to its own field */
};
_Static_assert(sizeof(struct pv_extable_entry) == 8,
	       "exception-table entry is 8 bytes");
#endif
#endif /* PV_EXTABLE_H */
