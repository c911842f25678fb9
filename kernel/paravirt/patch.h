/* patch.h: the backend-neutral patcher's interface: planner (choose), emitter
 * (bytes), poker (write), table walker, text hash.  Kernel and tools share it. */
#ifndef PV_PATCH_H
#define PV_PATCH_H

#include <stdint.h>
#include "pv/ops.h"
#include "pv/sites.h"
#include "pv/template.h"

_Static_assert(PV_NR_OPS <= PV_INLINE_MAX_OPS, "op ids must fit the inline facts");

/* Strategies, in the planner's order of preference. */
enum pv_strategy {
	PV_STRAT_INLINE,    /* backend template (native insn / Xen sequence) */
	PV_STRAT_BODY,      /* inlined copy of the backend function body */
	PV_STRAT_HYPERCALL, /* mov $nr,%eax; syscall (or call into the hypercall page) */
	PV_STRAT_DIRECT,    /* call rel32 to the backend function or thunk */
	PV_STRAT_INDIRECT,  /* left as the indirect call */
	PV_NR_STRATS
};

/* Why a strategy was chosen, or why a better one was not. */
enum pv_reason {
	PV_R_OK = 0,
	PV_R_NO_TEMPLATE,
	PV_R_TEMPLATE_TOO_LONG,
	PV_R_TEMPLATE_CLOBBERS,
	PV_R_TEMPLATE_RELOC,
	PV_R_NO_BODY,
	PV_R_BODY_UNDECODABLE,
	PV_R_BODY_NO_RET,
	PV_R_BODY_CALLS,
	PV_R_BODY_STACK,
	PV_R_BODY_BRANCH_OUT,
	PV_R_BODY_CLOBBERS,
	PV_R_BODY_TOO_LONG,
	PV_R_BODY_RELOC,
	PV_R_BODY_FLOW,
	PV_R_EXTABLE, /* the bytes hold an exception-table entry: run in place */
	PV_R_NO_HYPERCALL,
	PV_R_HYPERCALL_CLOBBERS,
	PV_R_HYPERCALL_TOO_LONG,
	PV_R_HYPERCALL_NR,
	PV_R_CPU_FEATURE,
	PV_R_NO_FUNC,
	PV_R_CALL_RANGE,
	PV_R_MODE_NOINLINE,
	PV_R_MODE_NOPATCH,
	PV_R_BAD_RECORD,
	PV_R_BAD_OLD_BYTES,
	PV_R_READBACK,
	PV_NR_REASONS
};

enum pv_patch_mode { PV_PATCH_FULL, PV_PATCH_NOINLINE, PV_PATCH_NOPATCH };

/* A view of target code: host-side bytes of something that lives at addr. */
struct pv_code {
	const uint8_t *bytes;
	uint64_t addr;
	uint32_t len;
};

/* What a backend offers for one op. */
struct pv_op_impl {
	struct pv_code tmpl;   /* inline template; len 0 if none */
	uint16_t tmpl_clobbers;
	uint16_t tmpl_features; /* PV_FEAT_* the template needs */
	uint64_t func;         /* direct-call target (thunk for CALLEE ops); 0 if none */
	struct pv_code body;   /* function bytes for the inliner; len 0 if unknown */
	int16_t hypercall;     /* >= 0: op is exactly this hypercall */
	uint8_t hypercall_args;   /* C args passed on, after the constants */
	uint8_t hypercall_nconst; /* leading constant hypercall args */
	int32_t hypercall_konst[PV_HCALL_MAX_CONST];
	uint8_t fact;          /* 1: elfscan analysed the body at build time */
	uint8_t fact_reason;   /* its verdict: PV_R_OK or a PV_R_BODY_* reason */
	uint8_t fact_len;      /* body bytes to copy when inlinable */
	uint8_t tmpl_reason;   /* elfscan's verdict on the template, 0: usable */
};

/* A hypercall page holds one 32-byte entry per hypercall number. */
#define PV_HYPERCALL_PAGE_SLOTS 128

/* The longest hypercall instruction a backend may name (vmcall: 3). */
#define PV_HCALL_INSN_MAX 4

/* hypercall_page, hcall_insn and cpu_features are left 0 by
 * pv_backend_build; the caller sets them (0 features: every template that
 * needs one stays out; no instruction: no inline hypercall). */
struct pv_backend {
	const char *name;
	uint8_t id;               /* PV_BACKEND_* */
	uint8_t hcall_insn_len;   /* bytes of hcall_insn; 0: none */
	uint8_t hcall_insn[PV_HCALL_INSN_MAX]; /* after mov $nr,%eax */
	uint64_t ops_addr;        /* address of pv_ops, for the expected call */
	uint64_t hypercall_page;  /* 0 if none */
	uint32_t cpu_features;    /* PV_FEAT_* this CPU has; 0 until set */
	/* Ops whose native sites stay as built in full mode: all for the
	 * native backend, those a borrowing backend shares (pv_backend_borrow) */
	uint64_t as_built;
	struct pv_op_impl op[PV_NR_OPS];
};

/* One site as the planner sees it (decoded from its record). */
struct pv_site_ref {
	uint64_t addr;
	uint16_t op;
	uint8_t len;
	uint8_t flags;
};

/* The planner's answer for one site: the exact bytes and the why. */
struct pv_plan {
	uint8_t strategy; /* enum pv_strategy */
	uint8_t reason;   /* enum pv_reason: why not the better strategies */
	uint8_t used;     /* bytes of replacement before padding */
	uint8_t len;      /* site length */
	uint8_t bytes[PV_SITE_MAX];
};

/* Target memory access: the kernel reads/writes its own text, pvpatch a
 * buffer holding the ELF.  Return 0 or a negative PV_E* value. */
struct pv_mem {
	/* host pointer to len bytes at addr, or NULL if not mapped */
	const uint8_t *(*ptr)(void *ctx, uint64_t addr, uint32_t len);
	int (*read)(void *ctx, uint64_t addr, uint8_t *buf, uint32_t len);
	int (*write)(void *ctx, uint64_t addr, const uint8_t *buf, uint32_t len);
	void *ctx;
};

/* Per-run counters; the report and pv-summary are printed from these. */
struct pv_patch_stats {
	uint32_t sites;
	uint32_t strat[PV_NR_STRATS];
	uint32_t refused; /* sites whose record or old bytes failed a check */
	uint32_t per_op[PV_NR_OPS][PV_NR_STRATS];
	uint32_t reasons[PV_NR_REASONS];
};

/*
 * Builds a backend description from what the image holds: ops_table (the
 * backend's static struct pv_ops, PV_NR_OPS function addresses), the
 * template records in [tmpl, tmpl_end), hypercall facts in [hc, hc_end)
 * and elfscan's inline facts (NULL or unwritten: the planner checks bodies
 * itself).  Records of other backends are skipped.  Returns 0 or -PV_E*;
 * -PV_ENOENT if a slot of the table is empty (every backend fills all).
 */
int pv_backend_build(struct pv_backend *be, unsigned id, const char *name,
		     uint64_t ops_addr, const uint64_t func[PV_NR_OPS],
		     uint64_t tmpl, uint64_t tmpl_end, uint64_t hc,
		     uint64_t hc_end, const struct pv_inline_facts *facts,
		     const struct pv_mem *m);

/*
 * For a backend that runs some ops with another backend's functions (Xen
 * PVH: the native irq, cr, msr and mmu ops): every op whose function is
 * base_func's and that has no template of its own takes the base's
 * template from [tmpl, tmpl_end), and its native sites stay as built.
 * Returns 0 or -PV_E* (a bad record).
 */
int pv_backend_borrow(struct pv_backend *be, unsigned base_id,
		      const uint64_t base_func[PV_NR_OPS], uint64_t tmpl,
		      uint64_t tmpl_end, const struct pv_mem *m);

/* Called per site after its plan is applied (or refused); may be NULL. */
typedef void (*pv_site_cb)(void *ctx, const struct pv_site_ref *s,
			   const struct pv_plan *p, int err);

const char *pv_strategy_name(unsigned s);
const char *pv_reason_str(unsigned r);
const char *pv_op_name(unsigned op);
unsigned pv_op_class(unsigned op);
const char *pv_class_name(unsigned cls);
/* Name of PV_FEAT_* bit number bit; a feature set as "rdtscp,..." or
 * "none" (pv-summary's cpu_features, pvpatch --cpu-features). */
const char *pv_feature_name(unsigned bit);
void pv_features_str(unsigned f, char *buf, unsigned size);
/* PV_REG_* a replacement may write at a site of class cls. */
uint16_t pv_class_clobbers(unsigned cls);

/* nops.c: fills len bytes with the fewest optimal NOPs (jmp rel8 over long
 * padding). */
void pv_nops(uint8_t *buf, unsigned len);

/* emit.c: copies code to a site at addr, relocating its PC-relative fields.
 * Returns bytes written or -PV_ERANGE/-PV_EINVAL if it cannot relocate. */
int pv_emit_code(uint8_t *dst, uint64_t dst_addr, const struct pv_code *c,
		 unsigned copy_len);
/* prefix.c: as pv_emit_code, then pads to site_len with redundant segment
 * prefixes on the code's non-branch instructions (up to 15 bytes each) and
 * NOPs for what they cannot take.  Returns the bytes before the NOPs. */
int pv_emit_padded(uint8_t *dst, uint64_t dst_addr, const struct pv_code *c,
		   unsigned copy_len, unsigned site_len);
/* The padding prefix prefix.c gives the instruction in at b (struct
 * pv_insn from insn.h): its own segment prefix, else cs in 64-bit mode and
 * its operand's default segment in 32-bit mode. */
struct pv_insn;
uint8_t pv_pad_prefix(const uint8_t *b, const struct pv_insn *in);
/* The canonical indirect call for op at addr, padded to len. */
void pv_emit_indirect(uint8_t *dst, uint64_t addr, uint64_t ops_addr,
		      unsigned op, unsigned len);
int pv_emit_call(uint8_t *dst, uint64_t addr, uint64_t target);
/* A hypercall inline: args moved into the hypercall registers, constants
 * loaded, mov $nr,%eax, then the backend's instruction (insn, insn_len
 * bytes: syscall for Xen PV, vmcall or vmmcall for PVH; in 32-bit code
 * int $0x82, constants only).  Bytes written, or -PV_E2BIG over max,
 * -PV_EINVAL for no instruction or C arguments in 32-bit code. */
uint16_t pv_hypercall_writes(unsigned nargs, unsigned nconst);
int pv_emit_hypercall(uint8_t *dst, unsigned max, unsigned nr, unsigned nargs,
		      unsigned nconst, const int32_t *konst,
		      const uint8_t *insn, unsigned insn_len);

/* inline.c: the hot-path inliner.  Checks body for inlining into a site of
 * class cls and length max; on success returns the number of body bytes to
 * copy (the body without its ret), else a negative enum pv_reason. */
int pv_inline_check(const struct pv_code *body, unsigned cls, unsigned max);
/* Bytes of a backend function the inliner looks at (it stops at the ret). */
#define PV_BODY_SCAN 64

/* plan.c: deterministic, so re-planning gives the bytes a site holds now. */
void pv_plan_site(const struct pv_site_ref *s, const struct pv_backend *be,
		  enum pv_patch_mode mode, struct pv_plan *p);

/*
 * The best replacement for a call site in full mode that fits it, without
 * the indirect call (for a native site, whose length may be 5): returns
 * its strategy, or PV_STRAT_INDIRECT if none fits (p->bytes unspecified).
 */
int pv_plan_replace(const struct pv_site_ref *s, const struct pv_backend *be,
		    struct pv_plan *p);

/* pair.c: a native site and its stub's call site (sites.h). */
struct pv_native_ref {
	struct pv_site_ref site, call;
	uint64_t entry; /* the stub's first instruction */
	uint64_t copy;  /* the stub's copy of the site as built */
};
/* Decodes the two records at rec (left: records from rec to the table's
 * end).  0, or -PV_EINVAL if they are not a native site and its call. */
int pv_native_ref(const struct pv_site *rec, uint64_t rec_addr, uint32_t left,
		  struct pv_native_ref *n);
/* The site's bytes as built, from its stub's copy; 0 or -PV_E*. */
int pv_native_built(const struct pv_native_ref *n, const struct pv_mem *m,
		    uint8_t *out);
/* 1 if the plan for mode is the pair as built (native backend, full). */
int pv_native_as_built(const struct pv_native_ref *n,
		       const struct pv_backend *be, enum pv_patch_mode mode);
/* Plans both: site (reason PV_R_BAD_RECORD if its copy is unreadable)
 * and call.  A site sent to its stub carries the call's strategy. */
void pv_plan_native(const struct pv_native_ref *n, const struct pv_backend *be,
		    const struct pv_mem *m, enum pv_patch_mode mode,
		    struct pv_plan *site, struct pv_plan *call);

/*
 * Plans the record at rec, and its stub's call if it is a native site (n
 * and call filled, else call->len is 0): what a re-check of the text
 * compares with.  Returns the records it used, 1 or 2.
 */
unsigned pv_plan_record(const struct pv_site *rec, uint64_t rec_addr,
			uint32_t left, const struct pv_backend *be,
			const struct pv_mem *m, enum pv_patch_mode mode,
			struct pv_site_ref *s, struct pv_plan *p,
			struct pv_native_ref *n, struct pv_plan *call);

/* poke.c: 0 if the site at addr held expect (or, with expect NULL, the
 * original indirect call for op plus NOP padding) and now holds new. */
int pv_poke(const struct pv_mem *m, uint64_t addr, const uint8_t *expect,
	    const uint8_t *new_bytes, unsigned len, uint64_t ops_addr,
	    unsigned op);
int pv_site_is_original(const uint8_t *b, unsigned len, uint64_t addr,
			uint64_t ops_addr, unsigned op);

/*
 * poke.c: a batch of site writes for text other CPUs run, applied with
 * the int3 protocol (see poke.c).  The kernel queues them through a
 * pv_mem whose write calls pv_batch_add and whose read is pv_batch_read.
 */
#define PV_BATCH_MAX 1024
enum { PV_BATCH_PENDING, PV_BATCH_LIVE, PV_BATCH_DONE };
struct pv_batch_entry {
	uint64_t addr;
	uint8_t len;
	volatile uint8_t state; /* PV_BATCH_*: LIVE while its int3 may be hit */
	volatile uint8_t busy;  /* a CPU stood in it at the last sync */
	uint8_t old[PV_SITE_MAX], new_[PV_SITE_MAX];
};
struct pv_batch {
	unsigned n, passes, busy; /* busy: site-passes put back */
	volatile int scanning;    /* the first sync of a pass runs */
	struct pv_batch_entry e[PV_BATCH_MAX];
};
/* The platform's half: write text (through whatever alias it needs);
 * make every other CPU serialise and run pv_batch_scan over its stack,
 * and wait for all; wait a little before a site is tried again (or NULL). */
struct pv_text_ops {
	int (*write)(void *ctx, uint64_t addr, const uint8_t *buf, uint32_t len);
	void (*sync)(void *ctx);
	void (*wait)(void *ctx);
	void *ctx;
};
void pv_batch_reset(struct pv_batch *b);
int pv_batch_add(struct pv_batch *b, const struct pv_mem *m, uint64_t addr,
		 const uint8_t *new_bytes, uint32_t len);
int pv_batch_read(const struct pv_batch *b, const struct pv_mem *m,
		  uint64_t addr, uint8_t *buf, uint32_t len);
/* 0, or -PV_EBUSY if some sites were still busy after max_passes (they
 * keep their old bytes). */
int pv_batch_apply(struct pv_batch *b, const struct pv_text_ops *t,
		   unsigned max_passes);
/* #BP handler: 1 if addr starts a site whose int3 is live. */
int pv_batch_hit(uint64_t addr);
void pv_batch_scan(const uint64_t *lo, const uint64_t *hi);
int pv_batch_debug(uint64_t addr);

/* table.c: checks a site table header (magic, version, abi hash, counts). */
int pv_table_check(const struct pv_table_hdr *h, uint64_t avail_bytes);
uint32_t pv_ops_abi_hash(void);

/* Checks the header against the table's section size, then walks the
 * table at table_addr (host copy at hdr), planning and poking every site.  from: the mode the sites are in now (-1:
 * as built).  A site that fails a check is refused (left as it is) and
 * counted; the return value is 0 or the header's -PV_E* error. */
int pv_patch_table(const struct pv_table_hdr *hdr, uint64_t table_addr,
		   uint64_t table_size, const struct pv_backend *be,
		   const struct pv_mem *m, int from, enum pv_patch_mode to,
		   struct pv_patch_stats *st, pv_site_cb cb, void *cb_ctx);

/* hcall.c: hypercall sites (pv/sites.h).  The plan for the site at addr
 * (slot nr, len bytes) in mode: in full mode `mov $nr,%eax` and the
 * backend's instruction if it names one, else the site as built (into
 * built[] too).  0, or -PV_EINVAL for a record that cannot be as built. */
int pv_plan_hcall_site(uint64_t addr, unsigned nr, unsigned len,
		       const struct pv_backend *be, enum pv_patch_mode mode,
		       uint8_t *built, struct pv_plan *p);
struct pv_hcall_stats {
	uint32_t sites, inline_, refused;
};
/* Plans and pokes every record of [start, end) (sites as built before);
 * a site whose bytes are not as built is refused and left.  0 or -PV_E*
 * for the range. */
int pv_patch_hcall_sites(uint64_t start, uint64_t end,
			 const struct pv_backend *be, const struct pv_mem *m,
			 enum pv_patch_mode mode, struct pv_hcall_stats *st);

/* FNV-1a 64 over [start, end) of target memory. */
int pv_text_hash(const struct pv_mem *m, uint64_t start, uint64_t end,
		 uint64_t *hash);
#endif /* PV_PATCH_H */
