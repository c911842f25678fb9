/* bench.h: what the userspace microbenchmarks share: the ops measured, the
 * dispatch variants, and the loop function every variant provides per op. */
#ifndef BENCH_H
#define BENCH_H

/* Calls per loop iteration: amortises the loop's own cost. */
#define BENCH_UNROLL 8
#define BENCH_UNROLLED(STEP)                                                   \
	STEP(0) STEP(1) STEP(2) STEP(3) STEP(4) STEP(5) STEP(6) STEP(7)

/* The ops measured, each a representative of one patch strategy. */
enum bench_op {
	B_IRQ_PAIR,  /* irq_disable + irq_enable: callee-save, template */
	B_SAVE_FL,   /* irq_save_fl: callee-save, 3-insn template */
	B_SET_PTE,   /* set_pte: caller-save, inlined backend body */
	B_READ_CR3,  /* read_cr3: emulated in memory, inlined body */
	B_READ_TSC,  /* read_tsc: native rdtsc template */
	B_NR_OPS
};

/* How the op is reached; (a)..(f) of the issue plus the unpatched site. */
enum bench_variant {
	V_INDIRECT,  /* (a) C call through a function-pointer table */
	V_RETPOLINE, /* (b) the same object built with retpolines */
	V_IFUNC,     /* (c) PLT call to an ifunc-resolved symbol */
	V_NOPATCH,   /* libpv site left as built: call *pv_ops(%rip) */
	V_DIRECT,    /* (d) libpv site patched to call rel32 */
	V_INLINE,    /* (e) libpv site patched inline (template/body) */
	V_BASELINE,  /* (f) the operation written in place */
	B_NR_VARIANTS
};

/* Runs n iterations of BENCH_UNROLL calls; returns what the calls gave. */
typedef unsigned long long (*bench_loop)(unsigned long n);

extern const bench_loop bench_fptr_loops[B_NR_OPS];
extern const bench_loop bench_retpo_loops[B_NR_OPS];
extern const bench_loop bench_ifunc_loops[B_NR_OPS];
extern const bench_loop bench_site_loops[B_NR_OPS];
extern const bench_loop bench_base_loops[B_NR_OPS];
unsigned long long bench_empty_loop(unsigned long n);

/* The page table set_pte writes: 64 rows of BENCH_UNROLL entries. */
#define BENCH_PTES 512
extern unsigned long long bench_pte[BENCH_PTES];
#define BENCH_PTE_ROW(i) (&bench_pte[((i) & 63) * BENCH_UNROLL])

/* names.c */
extern const char *const bench_op_names[B_NR_OPS];
extern const char *const bench_op_labels[B_NR_OPS];
extern const char *const bench_variant_names[B_NR_VARIANTS];
extern const char *const bench_variant_labels[B_NR_VARIANTS];
#endif /* BENCH_H */
