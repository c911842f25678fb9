/* selftest/patch.c: per-mode checks of the patched text: every site holds
 * its op's form and the planner's bytes, sites keep the registers their
 * class promises.  PV=y only: a PV=n kernel has no sites. */
#include "selftest/selftest.h"
#include "core/mm.h"
#include "core/pvboot.h"
#include "core/traps.h"
#include "pv/pvcalls.h"
#ifdef __x86_64__
#include "smp/textpoke.h"
#endif

struct pv_site_ref selftest_site_ref(const struct pv_site *r)
{
	struct pv_site_ref s = { pv_site_addr(r), r->op, r->len, r->flags };

	return s;
}

const struct pv_site *selftest_records(unsigned *n)
{
	const struct pvboot_state *st = pvboot_state();

	*n = st->hdr->count;
	return (const struct pv_site *)(st->hdr + 1);
}

/*
 * The form the text of one unit (a site, or a native site and its stub's
 * call) takes, read by the oracle in selftest/sites.c; *call_form: the
 * stub call's, or -2 for a plain site.  Returns the records used.
 */
static unsigned unit_form(const struct pv_site *r, unsigned left,
			  struct pv_site_ref *s, struct pv_native_ref *nr,
			  int *form, int *call_form)
{
	const struct pvboot_state *st = pvboot_state();

	*s = selftest_site_ref(r);
	*call_form = -2;
	if ((r->flags & PV_SITE_NATIVE) &&
	    !pv_native_ref(r, (uint64_t)(uintptr_t)r, left, nr)) {
		*form = selftest_native_form(nr, st->be, call_form);
		return 2;
	}
	*form = selftest_site_form(s, st->be);
	return 1;
}

/*
 * Every site holds a form of its op that selftest_site_form reads from the
 * bytes alone (template, body, hypercall, direct or indirect call to the
 * backend's own function or slot; a native site as built, or sent to its
 * stub), the form the mode allows and the planner chose, and exactly the
 * planner's bytes.
 */
static int t_text_is_plan(struct ktest_ctx *c)
{
	const struct pvboot_state *st = pvboot_state();
	unsigned n, units = 0, bad = 0, odd = 0, form[PV_NR_STRATS] = { 0 };
	const struct pv_site *r = selftest_records(&n);
	uint64_t first_bad = 0, first_odd = 0;
	int f_odd = 0, p_odd = 0;

	for (unsigned i = 0; i < n; units++) {
		struct pv_site_ref s;
		struct pv_native_ref nr;
		struct pv_plan p, call;
		int f, cf;

		(void)unit_form(&r[i], n - i, &s, &nr, &f, &cf);
		i += pv_plan_record(&r[i], (uint64_t)(uintptr_t)&r[i], n - i, st->be,
				    st->mem, (enum pv_patch_mode)st->mode, &s,
				    &p, &nr, &call);
		if (f >= 0)
			form[f]++;
		if ((f != (int)p.strategy ||
		     (call.len && cf != (int)call.strategy)) && !odd++)
			first_odd = s.addr, f_odd = f, p_odd = p.strategy;
		if ((memcmp((const void *)(uintptr_t)s.addr, p.bytes, s.len) ||
		     (call.len && memcmp((const void *)(uintptr_t)nr.call.addr,
					 call.bytes, call.len))) && !bad++)
			first_bad = s.addr;
	}
	KTEST_EXPECT(c, !odd, "%u of %u sites not in their planned form, first "
		     "%llx reads as %s, planned %s", odd, units,
		     (unsigned long long)first_odd,
		     f_odd < 0 ? "nothing" : pv_strategy_name(f_odd),
		     pv_strategy_name(p_odd));
	KTEST_EXPECT(c, !bad, "%u of %u sites differ from their plan, first "
		     "at %llx", bad, units, (unsigned long long)first_bad);
	KTEST_EXPECT(c, st->mode != PV_PATCH_NOPATCH ||
				form[PV_STRAT_INDIRECT] == units,
		     "nopatch mode: %u sites not the indirect call",
		     units - form[PV_STRAT_INDIRECT]);
	n = form[PV_STRAT_INLINE] + form[PV_STRAT_BODY] +
	    form[PV_STRAT_HYPERCALL];
	KTEST_EXPECT(c, st->mode != PV_PATCH_NOINLINE || !n,
		     "noinline mode: %u sites inline", n);
	return KTEST_PASS;
}

/*
 * Every site of op is in the form mode wants: the indirect call
 * (nopatch), a direct call (noinline), inline with no call left (full:
 * template, or body, which for an empty function is all NOPs).
 */
int selftest_op_sites(struct ktest_ctx *c, unsigned op)
{
	unsigned n, found = 0, bad = 0;
	const struct pv_site *r = selftest_records(&n);
	int want = c->mode == PV_PATCH_NOPATCH	  ? PV_STRAT_INDIRECT :
		   c->mode == PV_PATCH_NOINLINE ? PV_STRAT_DIRECT :
						  PV_STRAT_INLINE;
	uint64_t first = 0;

	for (unsigned i = 0; i < n;) {
		struct pv_site_ref s;
		struct pv_native_ref nr;
		int f, cf;

		i += unit_form(&r[i], n - i, &s, &nr, &f, &cf);
		if (s.op != op)
			continue;
		found++;
		if (f == PV_STRAT_BODY && want == PV_STRAT_INLINE)
			f = PV_STRAT_INLINE;
		if (f != want && !bad++)
			first = s.addr;
	}
	KTEST_EXPECT(c, found && !bad, "%s: %u of %u sites not %s, first at "
		     "%llx", pv_op_name(op), bad, found,
		     pv_strategy_name((unsigned)want),
		     (unsigned long long)first);
	return KTEST_PASS;
}

#define FL_ARITH 0x8d5ul /* CF PF AF ZF SF OF */
#define FL_IF 0x200ul
#define FL_DF 0x400ul

#ifdef __i386__
/* arch/i386/selftest_probe_32.S: 8 registers, the argument in %edx:%eax. */
#define PROBE_NREGS 8
#define PROBE_ARG(in, v) ((in)->r[0] = (uint32_t)(v), (in)->r[2] = (v) >> 32)
static const char *const reg_names[16] = {
	"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
};
#else
#define PROBE_NREGS 16
#define PROBE_ARG(in, v) ((in)->r[7] = (v))
static const char *const reg_names[16] = {
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15",
};
#endif

static uint64_t cpu_flags(void)
{
	unsigned long f;

	__asm__ volatile("pushf\n\tpop %0" : "=r"(f));
	return f;
}

/*
 * The contract each class states, checked on every register and flag:
 * CALLEE keeps all 15 registers but %rax (%rsp included; on i386 the 8
 * but %eax and %edx, pv_class_clobbers) and every flag
 * but the arithmetic ones (its C sites declare "cc", as Linux's do) and,
 * for the irq ops, IF; DF stays clear as the ABI wants.  NONE keeps
 * everything: all 16 registers, the arithmetic flags, DF and IF.
 */
static int regs_differ(struct ktest_ctx *c, const char *what, int cls,
		       int irq)
{
	const struct selftest_regs *in = &selftest_probe_in;
	const struct selftest_regs *out = &selftest_probe_out;
	uint64_t may = cls == PV_CLASS_NONE ? 0 : FL_ARITH | (irq ? FL_IF : 0);

	for (unsigned n = 0; n < PROBE_NREGS; n++)
		KTEST_EXPECT(c, out->r[n] == in->r[n] ||
					(pv_class_clobbers((unsigned)cls) >> n & 1),
			     "%s: %%%s %llx, was %llx", what, reg_names[n],
			     (unsigned long long)out->r[n],
			     (unsigned long long)in->r[n]);
	KTEST_EXPECT(c, !((out->flags ^ in->flags) & ~may),
		     "%s: rflags %llx, was %llx (class may change %llx)", what,
		     (unsigned long long)out->flags,
		     (unsigned long long)in->flags, (unsigned long long)may);
	return KTEST_PASS;
}

int selftest_regs_check(struct ktest_ctx *c, const char *what,
			void (*probe)(void), uint64_t rdi, int cls, int irq)
{
	struct selftest_regs *in = &selftest_probe_in;
	uint64_t f = cpu_flags() & ~(FL_ARITH | FL_DF);
	/* NONE: every flag set, then every flag clear; CALLEE: a mix. */
	const uint64_t set[2] = { cls == PV_CLASS_NONE ? FL_ARITH | FL_DF :
							 0x841, 0 };
	int r = KTEST_PASS;

	for (unsigned k = 0; k < 2 && r == KTEST_PASS; k++) {
		for (unsigned n = 0; n < 16; n++) /* i386: the low half */
			in->r[n] = (unsigned long)(0x5a5a000000000000ull |
						   (uint64_t)n << 32 |
						   (k << 8) | n);
		PROBE_ARG(in, rdi);
		in->flags = f | set[k];
		memset(&selftest_probe_out, 0, sizeof(selftest_probe_out));
		probe();
		r = regs_differ(c, what, cls, irq);
	}
	return r;
}

/* Each CALLEE op's site in the current mode, whatever it became. */
static int t_callee_regs(struct ktest_ctx *c)
{
	unsigned long f = pv_irq_save_fl();
	uint64_t pa = paging_root() | PTE_P;
	int r;

	r = selftest_regs_check(c, "irq_disable", selftest_probe_irq_disable,
				0, PV_CLASS_CALLEE, 1);
	if (!r)
		r = selftest_regs_check(c, "irq_enable",
					selftest_probe_irq_enable, 0,
					PV_CLASS_CALLEE, 1);
	if (!r)
		r = selftest_regs_check(c, "irq_restore_fl",
					selftest_probe_irq_restore_fl, f,
					PV_CLASS_CALLEE, 1);
	if (!r)
		r = selftest_regs_check(c, "irq_save_fl",
					selftest_probe_irq_save_fl, 0,
					PV_CLASS_CALLEE, 1);
	pv_irq_restore_fl(f);
	if (!r)
		r = selftest_regs_check(c, "make_pte", selftest_probe_make_pte,
					pa, PV_CLASS_CALLEE, 0);
	if (!r)
		r = selftest_regs_check(c, "pte_val", selftest_probe_pte_val,
					pv_make_pte(pa), PV_CLASS_CALLEE, 0);
	if (r)
		return r;
	/* Twice each run (two runs): GS ends as it began; no interrupt may
	 * come while the bases are swapped. */
	f = pv_irq_save();
	r = selftest_regs_check(c, "swapgs", selftest_probe_swapgs, 0,
				PV_CLASS_CALLEE, 0);
	if (!r)
		r = selftest_regs_check(c, "swapgs", selftest_probe_swapgs, 0,
					PV_CLASS_CALLEE, 0);
	pv_irq_restore_fl(f);
	return r;
}

/* The NONE-class iret site, at the end of the int3 trap path. */
static int t_iret_regs(struct ktest_ctx *c)
{
	unsigned before = trap_breakpoints;
	int r = selftest_regs_check(c, "int3+iret", selftest_probe_int3, 0x77,
				    PV_CLASS_NONE, 0);

	if (r)
		return r;
	KTEST_EXPECT(c, trap_breakpoints == before + 2,
		     "%u breakpoints seen, want 2", trap_breakpoints - before);
	return KTEST_PASS;
}

#ifdef __x86_64__
/*
 * An int3 gone from memory when its trap runs (a re-patch finished in
 * between, or an emulator's stale translation): the handler re-runs the
 * site by a single step from the byte now there, and TF is off after.
 */
static int t_int3_gone(struct ktest_ctx *c)
{
	unsigned before = trap_breakpoints;
	unsigned long gone = text_poke_gone;
	unsigned r = selftest_int3_gone(21);

	KTEST_EXPECT(c, r == 42, "the step gave %u, want 42", r);
	KTEST_EXPECT(c, text_poke_gone == gone + 1 &&
			trap_breakpoints == before,
		     "%lu gone, %u breakpoints not ours, want 1 and 0",
		     text_poke_gone - gone, trap_breakpoints - before);
	KTEST_EXPECT(c, !(__builtin_ia32_readeflags_u64() & 0x100),
		     "TF still set");
	return KTEST_PASS;
}
#endif

static const struct ktest site_tests[] = {
	{ .name = "text_is_plan", .fn = t_text_is_plan },
	{ .name = "callee_regs", .fn = t_callee_regs },
	{ .name = "iret_regs", .fn = t_iret_regs },
#ifdef __x86_64__
	{ .name = "int3_gone", .fn = t_int3_gone },
#endif
};
KTEST_LIST(selftest_site_tests, site_tests);
