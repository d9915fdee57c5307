/* The retention job: a thread of each daemon that, a few seconds after
 * start and then every --retention-interval-minutes, removes or
 * anonymises what is kept longer than the operator's periods allow
 * (config.h: the --retain-* options), kind by kind.
 *
 * One run at a time across daemons: a run holds a session-level advisory
 * lock, and a daemon that cannot take it leaves the run to the one that
 * has it. Every statement changes a bounded batch of rows, picked with
 * SKIP LOCKED, in a short transaction of its own, so the job never holds
 * many locks nor waits for a request's. Each statement also re-checks its
 * own condition, so even two runs at once would change nothing twice.
 *
 * Each run logs one line (retention_run) with the rows changed per kind,
 * and counts them in the metrics (bpa_retention_rows_total{kind},
 * bpa_retention_runs_total). GET /v1/retention/report is the dry run: the
 * same conditions, counted. */
#ifndef BPA_RETENTION_H
#define BPA_RETENTION_H

#include "config.h"
#include "db/db.h"

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

/* The kinds, in the order a run takes them. */
enum bpa_retention_kind {
    BPA_RETAIN_SESSIONS,
    BPA_RETAIN_THROTTLE,
    BPA_RETAIN_IDEMPOTENCY,
    BPA_RETAIN_LINKS,
    BPA_RETAIN_DELIVERED_BODIES,
    BPA_RETAIN_FINISHED_MATCHES,
    BPA_RETAIN_SEEKER_NOTICES,
    BPA_RETAIN_INACTIVE_SEEKERS,
    BPA_RETAIN_ROUNDS,
    BPA_RETAIN_CHANGES,
    BPA_RETAIN_AUDIT,
    BPA_RETAIN_KIND_COUNT,
};

/* "sessions", "throttle", ...: the kinds' names in logs, metrics and the report. */
extern const char *const bpa_retention_kind_names[BPA_RETAIN_KIND_COUNT];

/* Rows a statement changes at most. */
#define BPA_RETENTION_BATCH 500

struct bpa_metrics;

struct bpa_retention {
    const struct bpa_config *config;
    struct bpa_db_pool *pool;
    struct bpa_metrics *metrics;
    pthread_t thread;
    atomic_bool stop;
};

/* Starts the thread; with --retention-interval-minutes 0 it only waits to
 * be stopped. 0, or -1 when no thread could be made. */
int bpa_retention_start(struct bpa_retention *retention, const struct bpa_config *config,
                        struct bpa_db_pool *pool, struct bpa_metrics *metrics);
/* Stops it: at once between batches, or after the batch in progress. */
void bpa_retention_stop(struct bpa_retention *retention);

/* The dry run on `conn`: {"generated_at", "settings": {option: value},
 * "kinds": [{"kind", "rule", "would_affect"}]} in *report (a new object). */
enum bpa_db_status bpa_retention_report(struct bpa_db_conn *conn, const struct bpa_config *config,
                                        json_t **report);

#endif
