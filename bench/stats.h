/* stats.h: the timing and statistics helpers of the benchmarks: fenced TSC
 * reads, ns clocks, and order statistics over repeated runs. */
#ifndef BENCH_STATS_H
#define BENCH_STATS_H

#include <stdint.h>

/* lfence; rdtsc; lfence: nothing before or after leaks into the interval. */
static inline uint64_t bench_tsc_start(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc; lfence"
			 : "=a"(lo), "=d"(hi)::"memory");
	return (uint64_t)hi << 32 | lo;
}

/* rdtscp waits for everything before it; lfence keeps later work out. */
static inline uint64_t bench_tsc_stop(void)
{
	uint32_t lo, hi, aux;

	__asm__ volatile("rdtscp; lfence"
			 : "=a"(lo), "=d"(hi), "=c"(aux)::"memory");
	return (uint64_t)hi << 32 | lo;
}

uint64_t bench_now_ns(void);
/* CPU time of the calling thread: excludes time spent descheduled, which
 * on a loaded machine would otherwise grow with the length of a run. */
uint64_t bench_cpu_ns(void);

/* Order statistics of n samples (sorted in place). */
struct bench_dist {
	double median, p10, p90, min, max;
	unsigned n;
};

void bench_dist_of(double *v, unsigned n, struct bench_dist *d);
#endif /* BENCH_STATS_H */
