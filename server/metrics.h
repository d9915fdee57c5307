/* Request metrics in memory, rendered in the Prometheus text format:
 * requests by route and status, and a latency histogram by route. */
#ifndef BPA_METRICS_H
#define BPA_METRICS_H

#include <stddef.h>

struct bpa_metrics;

/* `labels` holds `route_count` pairs of method and route pattern, borrowed
 * for the lifetime of the metrics; index route_count counts unmatched
 * requests. Returns NULL when out of memory. */
struct bpa_metrics *bpa_metrics_new(size_t route_count, const char *const *methods,
                                    const char *const *patterns);
void bpa_metrics_free(struct bpa_metrics *metrics);

/* Records one finished request. Thread-safe. */
void bpa_metrics_observe(struct bpa_metrics *metrics, size_t route_index, unsigned status,
                         double seconds);

/* Appends the text exposition to `out` (a malloc'd buffer of *len bytes
 * that may be reallocated). Returns 0, or -1 when out of memory. */
int bpa_metrics_render(struct bpa_metrics *metrics, char **out, size_t *len);

#endif
