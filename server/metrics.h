/* Request metrics in memory, rendered in the Prometheus text format with
 * the database pool's figures: requests by route and status, a latency
 * histogram by route, database errors and pool use. */
#ifndef BPA_METRICS_H
#define BPA_METRICS_H

#include "db/db.h"

#include <stddef.h>
#include <stdint.h>

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

/* Records one run of the retention job: `rows` holds the rows changed per
 * kind, BPA_RETAIN_KIND_COUNT of them in retention.h's order. Thread-safe. */
void bpa_metrics_retention_run(struct bpa_metrics *metrics, const uint64_t *rows);

/* The text exposition of the request metrics and the pool's `db` stats:
 * a malloc'd string the caller frees, or NULL when out of memory. */
char *bpa_metrics_render(struct bpa_metrics *metrics, const struct bpa_db_pool_stats *db);

#endif
