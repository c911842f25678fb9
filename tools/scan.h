/* scan.h: elfscan's view of an image built on our site macros: the site
 * records, their checks, unannotated calls through pv_ops, inline facts. */
#ifndef TOOLS_SCAN_H
#define TOOLS_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "elf_image.h"
#include "pv/sites.h"
#include "patch.h"

#define SCAN_MAX_ERRORS 50

enum scan_table_state { TABLE_NONE, TABLE_RAW, TABLE_EMITTED, TABLE_OBJECT };

struct scan_site {
	uint64_t addr;
	uint64_t rec; /* address of the record */
	uint16_t op;
	uint8_t len;
	uint8_t flags;
	uint8_t bad;
	uint8_t entry; /* native site: operand-move bytes in its stub */
	/* native site: its stub's call site (that record's address, length,
	 * flags); a stub's call site: its native site (addr), 0 if none */
	uint64_t pair, pair_rec;
	uint8_t pair_len, pair_flags;
};

struct scan_unannot {
	uint64_t addr;
	uint16_t op;
	uint8_t how; /* 0 call *mem, 1 jmp *mem, 2 load then call/jmp *reg */
};

struct scan_fact {
	uint64_t func;
	const char *name; /* function symbol, or NULL */
	struct pv_inline_fact f;
};

/* One exception-table entry, resolved to addresses. */
struct scan_ex {
	uint64_t insn, fixup;
};

/* What scan_clobber.c proved, per site class (PV_CLASS_*). */
struct scan_clobber_class {
	unsigned ntmpl, nfunc;
	uint16_t writes; /* PV_REG_* written, over all of them */
	uint8_t flags;   /* some of them write the arithmetic flags */
};

struct scan_clobbers {
	int done;         /* 0: not checked (an object file) */
	unsigned ntmpl;   /* template records */
	unsigned nfunc;   /* distinct backend functions in CALLEE/NONE slots */
	unsigned ncalled; /* further functions they reach by direct calls */
	unsigned ninsns;  /* instructions decoded */
	unsigned extable; /* templates refused for an exception-table entry */
	struct scan_clobber_class cls[3];
};

struct scan_backend {
	const char *name;
	unsigned id;
	const struct elf_sym *ops;
	struct scan_fact fact[PV_NR_OPS];
};

struct scan {
	struct elf_image *img;
	int strict;
	unsigned want_len; /* --site-len, 0: from the records */
	enum scan_table_state state;
	struct elf_sec *table; /* .pv_table or .pv_sites */
	uint64_t rec_base;     /* address of the first record */
	uint64_t pv_ops;       /* 0 if the image has no pv_ops */
	unsigned site_len;
	struct scan_site *sites; /* sorted by address after scan_check */
	size_t nsites;
	struct scan_unannot *un;
	size_t nun, cap_un;
	struct scan_backend be[PV_NR_BACKENDS];
	unsigned nbe;
	struct scan_ex *ex; /* sorted by insn */
	size_t nex;
	struct scan_clobbers cl;
	unsigned errors;
	unsigned warnings;
};

/* scan_sites.c */
int scan_collect(struct scan *sc, struct elf_image *img);
int scan_check(struct scan *sc);
int scan_emit_table(struct scan *sc);
void scan_free(struct scan *sc);
void scan_error(struct scan *sc, uint64_t addr, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* scan_unannot.c */
int scan_unannotated(struct scan *sc);
/* scan_inline.c */
const char *scan_backend_name(unsigned id);
int scan_backend_funcs(struct elf_image *img, const char *name,
		       uint64_t func[PV_NR_OPS], const struct elf_sym **sym);
int scan_backends(struct scan *sc);
int scan_write_facts(struct scan *sc);
/* scan_extable.c */
int scan_extable_load(struct scan *sc);
int scan_extable_hit(const struct scan *sc, uint64_t lo, uint64_t hi);
uint64_t scan_extable_fixup(const struct scan *sc, uint64_t insn);
/* scan_clobber.c: proves what templates and CALLEE/NONE functions write */
int scan_clobbers(struct scan *sc);
const char *scan_regs_str(uint16_t mask, int flags, char *buf, size_t len);
/* scan_report.c */
void scan_report_text(const struct scan *sc);
void scan_report_json(const struct scan *sc);
#endif
