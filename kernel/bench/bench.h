/* bench/bench.h: the in-guest instruction-count bench: the hot paths it
 * counts (bench/paths.c) and the boot-time patch cost (bench/patch.c). */
#ifndef BENCH_BENCH_H
#define BENCH_BENCH_H

#include <stdint.h>
#include "bench/step.h"

/* What a path's loop gets: its iteration count and the scratch page. */
struct bench_arg {
	unsigned long n;
	unsigned long long *pte;    /* pte_flush: the scratch mapping's PTE */
	unsigned long long pte_val; /* ... and the value written to it */
	uint64_t va, pa;            /* the scratch address and its page */
};

struct bench_path {
	const char *name;
	bench_fn fn;          /* loops a->n times over the path */
	const uint64_t *mark; /* passed once per iteration (bench_step_mark) */
	int needs_map;        /* uses the scratch mapping */
};

extern const struct bench_path bench_paths[];
extern const unsigned bench_nr_paths;

/* bench/paths.c: the scratch page mapped at a->va, or an error. */
int bench_map_scratch(struct bench_arg *a);
void bench_unmap_scratch(struct bench_arg *a);

#ifndef PV_NO_PARAVIRT
/* bench/patch.c: prints the bench-patch lines (instructions per site of
 * the patch pass, single-stepped into a shadow copy of the text). */
void bench_patch_cost(const char *platform);
#endif
#endif /* BENCH_BENCH_H */
