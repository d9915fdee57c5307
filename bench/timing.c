/* See timing.h. */
#include "timing.h"

#include <math.h>
#include <stdlib.h>
#include <time.h>

double bench_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

double bench_median(double *samples, size_t n, double *p99)
{
    qsort(samples, n, sizeof *samples, by_double);
    if (p99) {
        size_t at = (size_t)ceil(0.99 * (double)n) - 1;
        *p99 = samples[at < n ? at : n - 1];
    }
    return samples[n / 2];
}
