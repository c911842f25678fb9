/* sites.h: the site record and the site table, the one definition shared by
 * the site macros, elfscan, pvpatch and the boot-time patcher. */
#ifndef PV_SITES_H
#define PV_SITES_H

/*
 * Call-site length in bytes, fixed per build (make SITE_LEN=N).  15 is the
 * longest x86 instruction, so a one-instruction replacement fills the site
 * with prefixes and no padding instruction (kernel/paravirt/prefix.c).
 */
#ifndef PV_SITE_LEN
#define PV_SITE_LEN 15
#endif
#define PV_SITE_MIN 6  /* call *disp32(%rip) */
#define PV_SITE_MAX 32
#define PV_INSN_LIMIT 15  /* a 16th byte of one instruction faults */
/*
 * Prefix bytes (its own legacy ones and REX included) an instruction may
 * reach by padding: valgrind's decoder refuses one with more than 7
 * (libpv programs run under callgrind in make bench); Sandy Bridge and
 * later and Zen decode any number at no cost (Atom-class and
 * Bulldozer-class cores take 3).  Native sites are checked at build time
 * against the prefixes they add.
 */
#define PV_PREFIX_MAX 7

/*
 * Two kinds of site.  A call site is built as `call *pv_ops+8*op(%rip)` and
 * padding.  A native site (PV_SITE_NATIVE) is built as the native
 * instruction(s) themselves, with the compiler's registers, prefixed up to
 * its length (5 to 15 bytes, a jmp rel32 at least); its record is followed
 * by the record of a call site (PV_SITE_STUB) inside a per-site stub in
 * .pv_stubs, laid out as
 *
 *	copy:	the native site's bytes as built (never executed)
 *	entry:	moves of the operands into the op's argument registers
 *	call:	an ordinary call site (its record follows the native one)
 *		the move of %rax into the result's register
 *		jmp back to the end of the native site
 *
 * A native site stays as built for the native backend in full mode; other
 * backends and modes make it `jmp entry`, or (PV_SITE_ABI: the operands
 * are the op's argument registers) whatever replacement fits in place.
 */
#define PV_SITE_CLASS_MASK 0x03 /* PV_CLASS_CALLER / _CALLEE / _NONE */
#define PV_SITE_NATIVE 0x04     /* native site; the next record is its call */
#define PV_SITE_STUB 0x08       /* the call site in a native site's stub */
#define PV_SITE_ABI 0x10        /* native site with the op's own registers */
#define PV_SITE_FLAGS_KNOWN 0x1f
#define PV_NATIVE_MIN 5         /* jmp rel32 */
#define PV_STUBS_SECTION ".pv_stubs"

/* Raw records are emitted by the site macros into this section. */
#define PV_SITES_SECTION ".pv_sites"
/* The linked image holds one table: a header, then the sorted records. */
#define PV_TABLE_SECTION ".pv_table"
#define PV_INLINE_SECTION ".pv_inline"

#define PV_TABLE_MAGIC 0x54535650u /* "PVST" */
#define PV_TABLE_VERSION 3
#define PV_TABLE_RAW_MAGIC 0u /* header not yet written by elfscan */

#define PV_BACKEND_NATIVE 0
#define PV_BACKEND_XEN 1
#define PV_BACKEND_USER 2 /* libpv's userspace backend */
#define PV_BACKEND_PVH 3  /* Xen PVH: native ops, Xen time/events/console */
#define PV_NR_BACKENDS 4

#ifdef __ASSEMBLER__
/* PV_HCALL backend, op, nr, nargs, nconst, k0, k1: one struct pv_hcall. */
.macro PV_HCALL backend, op, nr, nargs, nconst=0, k0=0, k1=0
	.pushsection .pv_hcalls, "a"
	.balign 4
	.short PV_OP_\op
	.byte \backend, \nargs
	.short \nr
	.byte \nconst, 0
	.long \k0, \k1
	.popsection
.endm
#else
#include <stdint.h>

/*
 * One site: 8 bytes, position independent.  The site's address is the
 * record's own address plus offset, so the table needs no relocations.
 * entry: in a native site's record, the bytes of operand moves between its
 * stub's entry and its call site; 0 in every other record.
 */
struct pv_site {
	int32_t offset;
	uint8_t op;
	uint8_t entry;
	uint8_t len;
	uint8_t flags;
};
_Static_assert(sizeof(struct pv_site) == 8, "site record is 8 bytes");

/*
 * Table header, 16 bytes.  Raw (just linked) it is all zero; elfscan
 * --emit-table fills it and sorts the records that follow in place.
 */
struct pv_table_hdr {
	uint32_t magic;
	uint16_t version;
	uint8_t site_len;
	uint8_t hdr_len;
	uint32_t count;
	uint32_t abi_hash;
};
_Static_assert(sizeof(struct pv_table_hdr) == 16, "table header is 16 bytes");

/*
 * Inliner facts, written by elfscan into the zero-filled .pv_inline section
 * so that boot need not repeat the analysis.  reason is 0 (inlinable) or an
 * enum pv_reason; len is the number of body bytes to copy (without the ret);
 * tmpl_reason is 0 or why the op's template may not be copied to a site
 * (PV_R_EXTABLE: an exception-table entry lies in its bytes).
 */
#define PV_INLINE_MAGIC 0x4e495650u /* "PVIN" */
#define PV_INLINE_MAX_OPS 64
struct pv_inline_fact {
	uint8_t analysed;
	uint8_t reason;
	uint8_t len;
	uint8_t tmpl_reason;
};
struct pv_inline_facts {
	uint32_t magic;
	uint32_t nr_ops;
	struct pv_inline_fact f[PV_NR_BACKENDS][PV_INLINE_MAX_OPS];
};

/*
 * Hypercall facts: a backend op whose function is exactly one hypercall:
 * hypercall nr with nconst leading constant arguments konst[] followed by
 * the op's first nargs C arguments.  Emitted next to the function (section
 * .pv_hcalls, PV_HCALL in assembly) so kernel and pvpatch read one fact.
 */
#define PV_HCALLS_SECTION ".pv_hcalls"
#define PV_HCALL_MAX_CONST 2
struct pv_hcall {
	uint16_t op;
	uint8_t backend;
	uint8_t nargs;
	uint16_t nr;
	uint8_t nconst;
	uint8_t pad;
	int32_t konst[PV_HCALL_MAX_CONST];
};
_Static_assert(sizeof(struct pv_hcall) == 16, "hypercall fact is 16 bytes");

/*
 * Hypercall sites: a backend's own calls of one hypercall, built as
 * `call page+32*nr` (into the hypercall page's slot) and NOP padding to
 * len bytes.  A backend that names its hypercall instruction (struct
 * pv_backend's hcall_insn) has them made `mov $nr,%eax; insn` in place
 * (kernel/paravirt/hcall.c); the arguments are already in the hypercall
 * registers, and the call's clobbers cover the instruction's.
 */
#define PV_HCALL_SITES_SECTION ".pv_hcall_sites"
#define PV_HCALL_SITE_LEN 8 /* mov $nr,%eax; vmcall */
struct pv_hcall_site {
	int32_t offset; /* site address minus the record's */
	uint16_t nr;
	uint8_t len;
	uint8_t pad;
};
_Static_assert(sizeof(struct pv_hcall_site) == 8, "hypercall site is 8 bytes");

/* One hypercall site in an asm statement whose operand [off] is 32*nr:
 * the call, a 3-byte NOP, and its struct pv_hcall_site record. */
#define PV_HCALL_SITE_ASM                                                      \
	"7781: call hypercall_page+%c[off]\n\t"                                 \
	".byte 0x0f, 0x1f, 0x00\n\t"                                           \
	".pushsection " PV_HCALL_SITES_SECTION ", \"a\"\n\t"                  \
	".balign 4\n\t"                                                        \
	".long 7781b - .\n\t"                                                  \
	".short %c[off] / 32\n\t"                                              \
	".byte 8, 0\n\t"                                                       \
	".popsection"
_Static_assert(PV_HCALL_SITE_LEN == 8, "PV_HCALL_SITE_ASM builds 8 bytes");

static inline uint64_t pv_site_addr(const struct pv_site *s)
{
	return (uint64_t)(uintptr_t)s + (uint64_t)(int64_t)s->offset;
}
#endif
#endif /* PV_SITES_H */
