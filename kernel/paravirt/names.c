/* names.c: printable names of ops, strategies and reasons, and each op's
 * class, all derived from the one op table in ops.h. */
#include "patch.h"
#include "insn.h"

#ifdef __i386__
enum pv_insn_mode pv_code_mode = PV_MODE_32;
#else
enum pv_insn_mode pv_code_mode = PV_MODE_64;
#endif

static const char *const op_names[PV_NR_OPS] = {
#define PV_NAME__(name, grp, cls, ret, params) [PV_OP_##name] = #name,
	PV_OP_TABLE(PV_NAME__)
#undef PV_NAME__
};

static const unsigned char op_classes[PV_NR_OPS] = {
#define PV_CLASS__(name, grp, cls, ret, params)                                \
	[PV_OP_##name] = PV_CLASS_##cls,
	PV_OP_TABLE(PV_CLASS__)
#undef PV_CLASS__
};

static const char *const strat_names[PV_NR_STRATS] = {
	[PV_STRAT_INLINE] = "inline",
	[PV_STRAT_BODY] = "body",
	[PV_STRAT_HYPERCALL] = "hypercall",
	[PV_STRAT_DIRECT] = "direct",
	[PV_STRAT_INDIRECT] = "indirect",
};

static const char *const reason_strs[PV_NR_REASONS] = {
	[PV_R_OK] = "ok",
	[PV_R_NO_TEMPLATE] = "backend has no template for this op",
	[PV_R_TEMPLATE_TOO_LONG] = "template longer than the site",
	[PV_R_TEMPLATE_CLOBBERS] = "template clobbers registers the site keeps",
	[PV_R_TEMPLATE_RELOC] = "template cannot be relocated to the site",
	[PV_R_NO_BODY] = "backend function body unknown",
	[PV_R_BODY_UNDECODABLE] = "body does not decode",
	[PV_R_BODY_NO_RET] = "body has no ret within the scan window",
	[PV_R_BODY_CALLS] = "body is not a leaf (calls)",
	[PV_R_BODY_STACK] = "body uses the stack",
	[PV_R_BODY_BRANCH_OUT] = "body branches outside itself",
	[PV_R_BODY_CLOBBERS] = "body writes registers the site keeps",
	[PV_R_BODY_TOO_LONG] = "body longer than the site",
	[PV_R_BODY_RELOC] = "body cannot be relocated to the site",
	[PV_R_BODY_FLOW] = "body leaves by trap, iret or far transfer",
	[PV_R_EXTABLE] = "code has an exception-table entry: runs in place",
	[PV_R_NO_HYPERCALL] = "op is not a single hypercall",
	[PV_R_HYPERCALL_CLOBBERS] =
		"hypercall writes registers the site keeps (syscall: rcx/r11; "
		"int $0x82: ebx)",
	[PV_R_HYPERCALL_TOO_LONG] = "inline hypercall longer than the site",
	[PV_R_HYPERCALL_NR] = "hypercall number has no hypercall-page slot",
	[PV_R_CPU_FEATURE] = "needs a CPU feature this CPU lacks",
	[PV_R_NO_FUNC] = "backend has no function for this op",
	[PV_R_CALL_RANGE] = "target out of rel32 range",
	[PV_R_MODE_NOINLINE] = "pv.noinline: direct calls only",
	[PV_R_MODE_NOPATCH] = "pv.nopatch: sites left indirect",
	[PV_R_BAD_RECORD] = "bad site record",
	[PV_R_BAD_OLD_BYTES] = "site bytes are not the expected call",
	[PV_R_READBACK] = "read-back after write differs",
};

const char *pv_op_name(unsigned op)
{
	return op < PV_NR_OPS ? op_names[op] : "?";
}

unsigned pv_op_class(unsigned op)
{
	return op < PV_NR_OPS ? op_classes[op] : PV_CLASS_CALLER;
}

uint16_t pv_class_clobbers(unsigned cls)
{
	/* i386 (include/pv/pvop_32.h): caller-saved %eax %ecx %edx; a CALLEE
	 * site gives up %edx:%eax, the registers of a 64-bit result. */
	if (pv_code_mode == PV_MODE_32)
		return cls == PV_CLASS_CALLER ? PV_CLOBBERS_CALLER_32 :
		       cls == PV_CLASS_CALLEE ? PV_CLOBBERS_CALLEE_32 :
						PV_CLOBBERS_NONE;
	if (cls == PV_CLASS_CALLER)
		return PV_CLOBBERS_CALLER;
	return cls == PV_CLASS_CALLEE ? PV_CLOBBERS_CALLEE : PV_CLOBBERS_NONE;
}

const char *pv_class_name(unsigned cls)
{
	static const char *const names[] = { "caller", "callee", "none" };

	return cls < 3 ? names[cls] : "?";
}

const char *pv_feature_name(unsigned bit)
{
	static const char *const names[PV_NR_FEATS] = { "rdtscp" };

	return bit < PV_NR_FEATS ? names[bit] : "?";
}

/* "none", or the names of the PV_FEAT_* bits in f, comma separated. */
void pv_features_str(unsigned f, char *buf, unsigned size)
{
	unsigned n = 0;

	if (!size)
		return;
	buf[0] = 0;
	for (unsigned i = 0; i < PV_NR_FEATS; i++) {
		const char *s = pv_feature_name(i);

		if (!(f & (1u << i)))
			continue;
		if (n && n + 1 < size)
			buf[n++] = ',';
		while (*s && n + 1 < size)
			buf[n++] = *s++;
		buf[n] = 0;
	}
	if (!n) {
		const char *s = "none";

		while (*s && n + 1 < size)
			buf[n++] = *s++;
		buf[n] = 0;
	}
}

const char *pv_strategy_name(unsigned s)
{
	return s < PV_NR_STRATS ? strat_names[s] : "?";
}

const char *pv_reason_str(unsigned r)
{
	return r < PV_NR_REASONS && reason_strs[r] ? reason_strs[r] : "?";
}
