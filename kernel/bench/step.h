/* bench/step.h: instruction counting by single-step: RFLAGS.TF set around
 * a call, one #DB trap per instruction, counted by the trap handler. */
#ifndef BENCH_STEP_H
#define BENCH_STEP_H

#include <stdint.h>

struct trap_frame;

/* More steps than this in one count: TF is cleared and the count marked
 * as overflowed (a loop that never ends must not hang the bench). */
#define BENCH_STEP_LIMIT 200000000ull

/* traps.c calls this for every #DB: 1 if it was a counted step. */
int bench_step_trap(struct trap_frame *f);

/* The code to count: a function of one argument. */
typedef void (*bench_fn)(void *arg);

/*
 * Instructions executed from the first one after TF is set to the popf
 * that clears it, fn(arg) and the harness around it (a fixed number,
 * bench_step_overhead()).  *overflow (may be NULL) is set if the limit
 * stopped the count.
 */
uint64_t bench_step_count(bench_fn fn, void *arg, int *overflow);
/* The harness's share of every count: a count of an empty function. */
uint64_t bench_step_overhead(void);
/* Steps so far in the running count (for code that is being counted),
 * and how many of them were shadow corrections (see bench/step.c). */
uint64_t bench_step_now(void);
uint64_t bench_step_fixes(void);
/* syscall instructions (Xen PV hypercalls) stepped over in the count. */
uint64_t bench_step_hcalls(void);
/*
 * Iterations of a loop, seen by the trap handler: each time execution
 * reaches the mark (an address inside the loop, bench_step_mark; 0: none)
 * the instructions since the last visit are one iteration.
 */
struct bench_iters {
	uint64_t n;      /* iterations measured (visits less the first) */
	uint64_t min;    /* fewest instructions of one, 0 if none */
	uint64_t n_min;  /* iterations that took exactly min */
	uint64_t max;    /* most */
};
void bench_step_mark(uint64_t rip);
/* Of the last count. */
void bench_step_iters(struct bench_iters *it);
/* Checks the method on known sequences and turns on the corrections for
 * the single-step shadows this CPU has; prints bench-check lines.
 * native: the kernel runs in ring 0 (may execute sti). */
void bench_step_calibrate(const char *pf, const char *build, int native);
#endif /* BENCH_STEP_H */
