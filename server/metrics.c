/* Request metrics. A mutex guards the counters: a request touches them
 * once, which costs less than the log line it also writes. */
#include "metrics.h"

#include "retention.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double bucket_bounds[] = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1,
                                       0.25,  0.5,   1,    2.5,   5,    10};
#define BUCKETS     (sizeof bucket_bounds / sizeof bucket_bounds[0])
#define STATUS_MIN  100
#define STATUS_SPAN 500

struct route_metrics {
    uint64_t by_status[STATUS_SPAN];
    uint64_t buckets[BUCKETS]; /* non-cumulative; summed when rendered */
    uint64_t count;
    double sum;
};

struct bpa_metrics {
    pthread_mutex_t lock;
    size_t route_count;
    const char *const *methods;
    const char *const *patterns;
    uint64_t retention_runs;
    uint64_t retention_rows[BPA_RETAIN_KIND_COUNT];
    struct route_metrics routes[]; /* route_count + 1: the last is "unmatched" */
};

struct bpa_metrics *bpa_metrics_new(size_t route_count, const char *const *methods,
                                    const char *const *patterns)
{
    struct bpa_metrics *m = calloc(1, sizeof *m + (route_count + 1) * sizeof(struct route_metrics));
    if (!m)
        return NULL;
    pthread_mutex_init(&m->lock, NULL);
    m->route_count = route_count;
    m->methods = methods;
    m->patterns = patterns;
    return m;
}

void bpa_metrics_free(struct bpa_metrics *metrics)
{
    if (!metrics)
        return;
    pthread_mutex_destroy(&metrics->lock);
    free(metrics);
}

void bpa_metrics_observe(struct bpa_metrics *m, size_t route_index, unsigned status, double seconds)
{
    if (route_index > m->route_count)
        route_index = m->route_count;
    pthread_mutex_lock(&m->lock);
    struct route_metrics *r = &m->routes[route_index];
    if (status >= STATUS_MIN && status < STATUS_MIN + STATUS_SPAN)
        r->by_status[status - STATUS_MIN]++;
    for (size_t b = 0; b < BUCKETS; b++) {
        if (seconds <= bucket_bounds[b]) {
            r->buckets[b]++;
            break;
        }
    }
    r->count++;
    r->sum += seconds;
    pthread_mutex_unlock(&m->lock);
}

void bpa_metrics_retention_run(struct bpa_metrics *m, const uint64_t *rows)
{
    pthread_mutex_lock(&m->lock);
    m->retention_runs++;
    for (size_t k = 0; k < BPA_RETAIN_KIND_COUNT; k++)
        m->retention_rows[k] += rows[k];
    pthread_mutex_unlock(&m->lock);
}

struct text {
    char *data;
    size_t len;
    int failed;
};

static void emit(struct text *t, const char *format, ...) __attribute__((format(printf, 2, 3)));

static void emit(struct text *t, const char *format, ...)
{
    if (t->failed)
        return;
    va_list args;
    va_start(args, format);
    int need = vsnprintf(NULL, 0, format, args);
    va_end(args);
    char *grown = realloc(t->data, t->len + (size_t)need + 1);
    if (!grown) {
        t->failed = 1;
        return;
    }
    t->data = grown;
    va_start(args, format);
    vsnprintf(t->data + t->len, (size_t)need + 1, format, args);
    va_end(args);
    t->len += (size_t)need;
}

static void route_labels(const struct bpa_metrics *m, size_t i, const char **method,
                         const char **route)
{
    *method = i < m->route_count ? m->methods[i] : "";
    *route = i < m->route_count ? m->patterns[i] : "unmatched";
}

static void emit_db(struct text *t, const struct bpa_db_pool_stats *db)
{
    emit(t,
         "# HELP bpa_db_errors_total Database errors, by kind.\n"
         "# TYPE bpa_db_errors_total counter\n"
         "bpa_db_errors_total{kind=\"connect\"} %llu\n"
         "bpa_db_errors_total{kind=\"unavailable\"} %llu\n"
         "bpa_db_errors_total{kind=\"query\"} %llu\n",
         (unsigned long long)db->connect_failures, (unsigned long long)db->unavailable_errors,
         (unsigned long long)db->query_errors);
    const struct {
        const char *name, *type, *help;
        unsigned long long value;
    } figures[] = {
        {"bpa_db_pool_size", "gauge", "Connections the pool may hold.", db->size},
        {"bpa_db_pool_in_use", "gauge", "Connections taken by requests now.", db->in_use},
        {"bpa_db_pool_waits_total", "counter", "Requests that waited for a free connection.",
         db->acquire_waits},
        {"bpa_db_pool_timeouts_total", "counter", "Requests that found no free connection in time.",
         db->acquire_timeouts},
        {"bpa_db_connects_total", "counter", "Database connections opened, reconnects included.",
         db->connects},
        {"bpa_db_transaction_retries_total", "counter",
         "Transactions run again after a serialization failure or deadlock.", db->tx_retries},
        {"bpa_db_pipeline_reads_total", "counter",
         "Single reads answered on the event loops' pipelined connections.", db->pipeline_reads},
        {"bpa_db_pipeline_failures_total", "counter",
         "Single reads a pipelined connection failed (then run by a worker).",
         db->pipeline_failures},
    };
    for (size_t i = 0; i < sizeof figures / sizeof figures[0]; i++)
        emit(t, "# HELP %s %s\n# TYPE %s %s\n%s %llu\n", figures[i].name, figures[i].help,
             figures[i].name, figures[i].type, figures[i].name, figures[i].value);
}

char *bpa_metrics_render(struct bpa_metrics *m, const struct bpa_db_pool_stats *db)
{
    struct text t = {0};
    const char *method, *route;
    pthread_mutex_lock(&m->lock);

    emit(&t, "# HELP bpa_http_requests_total HTTP requests answered, by route and status.\n"
             "# TYPE bpa_http_requests_total counter\n");
    for (size_t i = 0; i <= m->route_count; i++) {
        route_labels(m, i, &method, &route);
        for (unsigned s = 0; s < STATUS_SPAN; s++)
            if (m->routes[i].by_status[s])
                emit(&t, "bpa_http_requests_total{method=\"%s\",route=\"%s\",status=\"%u\"} %llu\n",
                     method, route, s + STATUS_MIN, (unsigned long long)m->routes[i].by_status[s]);
    }

    emit(&t, "# HELP bpa_http_request_duration_seconds Time from request headers to the "
             "response sent, less a long poll's wait for news.\n"
             "# TYPE bpa_http_request_duration_seconds histogram\n");
    for (size_t i = 0; i <= m->route_count; i++) {
        const struct route_metrics *r = &m->routes[i];
        if (!r->count)
            continue;
        route_labels(m, i, &method, &route);
        uint64_t cumulative = 0;
        for (size_t b = 0; b < BUCKETS; b++) {
            cumulative += r->buckets[b];
            emit(&t,
                 "bpa_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\","
                 "le=\"%g\"} %llu\n",
                 method, route, bucket_bounds[b], (unsigned long long)cumulative);
        }
        emit(&t,
             "bpa_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"+Inf\"} "
             "%llu\n"
             "bpa_http_request_duration_seconds_sum{method=\"%s\",route=\"%s\"} %.6f\n"
             "bpa_http_request_duration_seconds_count{method=\"%s\",route=\"%s\"} %llu\n",
             method, route, (unsigned long long)r->count, method, route, r->sum, method, route,
             (unsigned long long)r->count);
    }

    emit(&t,
         "# HELP bpa_retention_runs_total Runs of the retention job by this daemon.\n"
         "# TYPE bpa_retention_runs_total counter\n"
         "bpa_retention_runs_total %llu\n"
         "# HELP bpa_retention_rows_total Rows the retention job removed or anonymised, by kind.\n"
         "# TYPE bpa_retention_rows_total counter\n",
         (unsigned long long)m->retention_runs);
    for (size_t k = 0; k < BPA_RETAIN_KIND_COUNT; k++)
        emit(&t, "bpa_retention_rows_total{kind=\"%s\"} %llu\n", bpa_retention_kind_names[k],
             (unsigned long long)m->retention_rows[k]);
    pthread_mutex_unlock(&m->lock);
    emit_db(&t, db);
    if (t.failed) {
        free(t.data);
        return NULL;
    }
    return t.data;
}
