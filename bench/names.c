/* names.c: the names and table labels of the ops and dispatch variants,
 * shared by bench_ops (JSON keys) and bench_report (tables, JSON). */
#include "bench.h"

const char *const bench_op_names[B_NR_OPS] = {
	"irq_pair", "irq_save_fl", "set_pte", "read_cr3", "read_tsc"
};

const char *const bench_op_labels[B_NR_OPS] = {
	"irq_disable+irq_enable", "irq_save_fl", "set_pte", "read_cr3",
	"read_tsc"
};

const char *const bench_variant_names[B_NR_VARIANTS] = {
	"indirect", "retpoline", "plt_ifunc", "site_nopatch",
	"patched_direct", "patched_inline", "baseline"
};

const char *const bench_variant_labels[B_NR_VARIANTS] = {
	"(a) indirect call, fn-pointer table",
	"(b) indirect call, retpoline",
	"(c) PLT call, ifunc-resolved",
	"libpv site, unpatched (call *pv_ops)",
	"(d) libpv patched: direct call",
	"(e) libpv patched: inline",
	"(f) baseline: op written in place",
};
