/* HTTP load for the benchmarks: the peak a daemon sustains with a few
 * clients sending back to back, and the latency it gives at a fixed rate
 * below that (an open loop: each request's time counts from when it was due
 * to be sent, so a slow answer cannot hide the ones queued behind it). */
#ifndef BPA_BENCH_LOAD_H
#define BPA_BENCH_LOAD_H

#include <stddef.h>

/* Requests are GET `urls[i % url_count]` with the bearer `token`. */
struct bench_load {
    const char *const *urls;
    size_t url_count;
    const char *token;
    unsigned clients; /* threads, each with its own kept-alive connection */
};

/* Requests per second answered 200 over `seconds`, clients back to back.
 * -1 when any answer was not 200. */
double bench_load_peak(const struct bench_load *load, double seconds);

/* Sends `per_second` requests a second for `seconds`; the median and p99
 * latency in ms. -1 in *median when any answer was not 200. */
void bench_load_at_rate(const struct bench_load *load, double per_second, double seconds,
                        double *median, double *p99);

#endif
