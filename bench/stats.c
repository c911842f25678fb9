/* stats.c: order statistics for the benchmarks (median, p10, p90 by
 * linear interpolation between closest ranks) and the ns clocks. */
#include <stdlib.h>
#include <time.h>
#include "stats.h"

static uint64_t clock_ns(clockid_t id)
{
	struct timespec t;

	clock_gettime(id, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

uint64_t bench_now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

uint64_t bench_cpu_ns(void)
{
	return clock_ns(CLOCK_THREAD_CPUTIME_ID);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile of sorted v: interpolates between neighbouring ranks. */
static double quantile(const double *v, unsigned n, double q)
{
	double pos = q * (n - 1);
	unsigned lo = (unsigned)pos;

	if (lo + 1 >= n)
		return v[n - 1];
	return v[lo] + (pos - lo) * (v[lo + 1] - v[lo]);
}

void bench_dist_of(double *v, unsigned n, struct bench_dist *d)
{
	d->n = n;
	if (!n) {
		d->median = d->p10 = d->p90 = d->min = d->max = 0;
		return;
	}
	qsort(v, n, sizeof(*v), cmp_double);
	d->median = quantile(v, n, 0.5);
	d->p10 = quantile(v, n, 0.1);
	d->p90 = quantile(v, n, 0.9);
	d->min = v[0];
	d->max = v[n - 1];
}
