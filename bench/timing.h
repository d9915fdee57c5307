/* What the benchmarks share to time things: a monotonic clock in
 * milliseconds, and the median and 99th percentile of samples. */
#ifndef BPA_BENCH_TIMING_H
#define BPA_BENCH_TIMING_H

#include <stddef.h>

double bench_now_ms(void);
/* Median and p99 of `n` samples (sorted in place); p99 may be NULL. */
double bench_median(double *samples, size_t n, double *p99);

#endif
