/* The cohort-round benchmark (issue 14, matcher/round.h): a world in one
 * region, scored, then assigned stable and optimal; and GLPK's min-cost flow
 * solvers compared on one mid-size network. */
#ifndef BPA_BENCH_ROUND_BENCH_H
#define BPA_BENCH_ROUND_BENCH_H

#include <stdbool.h>
#include <stddef.h>

/* Prints the Markdown tables on stdout; runs this program again
 * (/proc/self/exe --round-peak) for each size's peak memory. 0, or -1. */
int bench_rounds(const char *geonames, bool quick);

/* The separate run for peak memory: one round of `seekers` x `placements`
 * (the optimal mode too when `with_optimal`), then one line on stdout (see
 * round_bench.c). 0, or -1. */
int bench_rounds_peak(const char *geonames, size_t seekers, size_t placements, bool with_optimal);

#endif
