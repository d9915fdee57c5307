/* The retention job and its dry run. */
#include "retention.h"

#include "access.h"
#include "log.h"
#include "metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The first run comes this long after start: soon, yet after start-up. */
#define FIRST_RUN_DELAY_MS 2000UL
/* The report's name for the count; the API documents it. */
#define COUNT_MEMBER "would_affect"

const char *const bpa_retention_kind_names[BPA_RETAIN_KIND_COUNT] = {
    [BPA_RETAIN_SESSIONS] = "sessions",
    [BPA_RETAIN_THROTTLE] = "throttle",
    [BPA_RETAIN_IDEMPOTENCY] = "idempotency",
    [BPA_RETAIN_LINKS] = "links",
    [BPA_RETAIN_DELIVERED_BODIES] = "delivered_bodies",
    [BPA_RETAIN_FINISHED_MATCHES] = "finished_matches",
    [BPA_RETAIN_SEEKER_NOTICES] = "seeker_notices",
    [BPA_RETAIN_INACTIVE_SEEKERS] = "inactive_seekers",
    [BPA_RETAIN_ROUNDS] = "rounds",
    [BPA_RETAIN_CHANGES] = "changes",
    [BPA_RETAIN_AUDIT] = "audit",
};

/* The batch statements of the kinds that are plain batches (db/retention.c),
 * and the count statement of every kind. */
static const struct {
    const char *batches[2]; /* NULL: not a plain batch */
    const char *count;
} statements[BPA_RETAIN_KIND_COUNT] = {
    [BPA_RETAIN_SESSIONS] = {{"retention_sessions"}, "retention_sessions_count"},
    [BPA_RETAIN_THROTTLE] = {{"retention_login_failures", "retention_throttle_events"},
                             "retention_throttle_count"},
    [BPA_RETAIN_IDEMPOTENCY] = {{"retention_idempotency"}, "retention_idempotency_count"},
    [BPA_RETAIN_LINKS] = {{"retention_links"}, "retention_links_count"},
    [BPA_RETAIN_DELIVERED_BODIES] = {{"retention_delivered_bodies"},
                                     "retention_delivered_bodies_count"},
    [BPA_RETAIN_FINISHED_MATCHES] = {{"retention_finished_matches"},
                                     "retention_finished_matches_count"},
    [BPA_RETAIN_SEEKER_NOTICES] = {{NULL}, "retention_seeker_notices_count"},
    [BPA_RETAIN_INACTIVE_SEEKERS] = {{NULL}, "retention_inactive_seekers_count"},
    [BPA_RETAIN_ROUNDS] = {{"retention_rounds"}, "retention_rounds_count"},
    [BPA_RETAIN_CHANGES] = {{"retention_changes"}, "retention_changes_count"},
    [BPA_RETAIN_AUDIT] = {{"retention_audit"}, "retention_audit_count"},
};

/* The period of a kind (in its option's unit), as statement text. */
static void period_of(const struct bpa_config *c, enum bpa_retention_kind kind, char out[24])
{
    unsigned long value = 0;
    switch (kind) {
    case BPA_RETAIN_SESSIONS:
        value = c->retain_session_days;
        break;
    case BPA_RETAIN_THROTTLE:
        value = c->retain_throttle_days;
        break;
    case BPA_RETAIN_IDEMPOTENCY:
        value = c->retain_idempotency_days;
        break;
    case BPA_RETAIN_LINKS:
        value = c->retain_link_days;
        break;
    case BPA_RETAIN_DELIVERED_BODIES:
        value = c->retain_delivered_body_days;
        break;
    case BPA_RETAIN_FINISHED_MATCHES:
        value = c->retain_finished_match_months;
        break;
    case BPA_RETAIN_SEEKER_NOTICES:
    case BPA_RETAIN_INACTIVE_SEEKERS:
        value = c->retain_inactive_seeker_months;
        break;
    case BPA_RETAIN_ROUNDS:
        value = c->retain_round_months;
        break;
    case BPA_RETAIN_CHANGES:
        value = c->retain_change_days;
        break;
    case BPA_RETAIN_AUDIT:
        value = c->retain_audit_years;
        break;
    case BPA_RETAIN_KIND_COUNT:
        break;
    }
    snprintf(out, 24, "%lu", value);
}

/* What a kind does, in a sentence for coordinators. */
static void rule_of(const struct bpa_config *c, enum bpa_retention_kind kind, char *out,
                    size_t size)
{
    switch (kind) {
    case BPA_RETAIN_SESSIONS:
        snprintf(out, size,
                 "Login sessions that ended or expired more than %lu days ago are "
                 "deleted.",
                 c->retain_session_days);
        break;
    case BPA_RETAIN_THROTTLE:
        snprintf(out, size,
                 "Failed logins and sign-up throttling records older than %lu days "
                 "are deleted.",
                 c->retain_throttle_days);
        break;
    case BPA_RETAIN_IDEMPOTENCY:
        snprintf(out, size,
                 "First answers kept for Idempotency-Key retries older than %lu days "
                 "are deleted.",
                 c->retain_idempotency_days);
        break;
    case BPA_RETAIN_LINKS:
        snprintf(out, size, "One-time links used or expired more than %lu days ago are deleted.",
                 c->retain_link_days);
        break;
    case BPA_RETAIN_DELIVERED_BODIES:
        snprintf(out, size,
                 "Notifications delivered (or given up on) more than %lu days ago keep "
                 "only their event id and type; e-mail loses its address.",
                 c->retain_delivered_body_days);
        break;
    case BPA_RETAIN_FINISHED_MATCHES:
        snprintf(out, size,
                 "Matches finished more than %lu months ago lose the notes and the "
                 "actors' ids in their history.",
                 c->retain_finished_match_months);
        break;
    case BPA_RETAIN_SEEKER_NOTICES:
        snprintf(out, size,
                 "Seekers without activity for %lu months are announced to their "
                 "portal (webhook seeker_retention_notice), to be erased %lu days "
                 "later.",
                 c->retain_inactive_seeker_months, c->retention_grace_days);
        break;
    case BPA_RETAIN_INACTIVE_SEEKERS:
        snprintf(out, size,
                 "Seekers announced more than %lu days ago and still without "
                 "activity for %lu months are erased.",
                 c->retention_grace_days, c->retain_inactive_seeker_months);
        break;
    case BPA_RETAIN_ROUNDS:
        snprintf(out, size,
                 "Cohort rounds computed more than %lu months ago are deleted with their "
                 "pairs; the matches they made stay.",
                 c->retain_round_months);
        break;
    case BPA_RETAIN_CHANGES:
        snprintf(out, size,
                 "Change feed entries older than %lu days are deleted; a portal following "
                 "from before them is told to resync.",
                 c->retain_change_days);
        break;
    case BPA_RETAIN_AUDIT:
        snprintf(out, size, "Audit rows older than %lu years are deleted.", c->retain_audit_years);
        break;
    case BPA_RETAIN_KIND_COUNT:
        out[0] = '\0';
        break;
    }
}

/* --- a run --- */

struct batch {
    const char *statement;
    const char *const *params;
    int count;
    bool audit; /* the audit trail: the trigger must be told it is retention */
    uint64_t changed;
};

static enum bpa_db_status run_batch(struct bpa_db_conn *conn, void *context)
{
    struct batch *b = context;
    b->changed = 0;
    enum bpa_db_status status = BPA_DB_OK;
    if (b->audit)
        status = bpa_db_call(conn, "retention_audit_allow", 0, NULL, NULL);
    char *changed = NULL;
    if (status == BPA_DB_OK)
        status = bpa_db_call(conn, b->statement, b->count, b->params, &changed);
    if (status == BPA_DB_OK && changed)
        b->changed = strtoull(changed, NULL, 10);
    free(changed);
    return status;
}

struct run {
    struct bpa_retention *job;
    struct bpa_db_conn *conn;
    uint64_t rows[BPA_RETAIN_KIND_COUNT];
};

static bool stopping(const struct run *run)
{
    return atomic_load(&run->job->stop);
}

/* Runs `statement` batch after batch until one changes fewer than a batch. */
static enum bpa_db_status run_batches(struct run *run, enum bpa_retention_kind kind,
                                      const char *statement, const char *const *params, int count)
{
    struct batch b = {statement, params, count, kind == BPA_RETAIN_AUDIT, 0};
    enum bpa_db_status status;
    do {
        status = bpa_db_transaction(run->conn, BPA_DB_READ_COMMITTED, run_batch, &b);
        if (status == BPA_DB_OK)
            run->rows[kind] += b.changed;
    } while (status == BPA_DB_OK && b.changed >= BPA_RETENTION_BATCH && !stopping(run));
    return status;
}

struct erasure {
    const char *id, *months, *grace;
    bool erased;
};

/* One inactive seeker, if still due (it may have been changed since it
 * was listed), erased with bpa_erase_seeker and audited as the operator's. */
static enum bpa_db_status erase_one(struct bpa_db_conn *conn, void *context)
{
    struct erasure *e = context;
    e->erased = false;
    char *due = NULL, *summary = NULL;
    enum bpa_db_status status =
        bpa_db_call(conn, "retention_seeker_still_due", 3,
                    (const char *const[]){e->months, e->grace, e->id}, &due);
    if (status != BPA_DB_OK || !due)
        return status;
    free(due);
    status = bpa_db_call(conn, "erase_seeker", 1, &e->id, &summary);
    if (status == BPA_DB_OK) {
        json_t *detail = summary ? json_loads(summary, 0, NULL) : NULL;
        if (!json_is_object(detail)) {
            json_decref(detail);
            detail = json_object();
        }
        json_object_del(detail, "fields");
        json_object_set_new(detail, "by", json_string("retention"));
        json_object_set_new(detail, "inactive_months", json_integer(strtoll(e->months, NULL, 10)));
        status = bpa_access_audit_operator(conn, "seeker.erase", "seeker", e->id, detail);
        e->erased = status == BPA_DB_OK;
    }
    free(summary);
    return status;
}

/* Seekers due for erasure, a batch of ids at a time, each erased in a
 * transaction of its own. One that fails is left for the next run (and
 * the kind reported failed); the others go on, unless the database is away. */
static enum bpa_db_status erase_inactive(struct run *run, const char *months, const char *grace)
{
    char after[24] = "0", limit[16];
    snprintf(limit, sizeof limit, "%d", BPA_RETENTION_BATCH);
    size_t listed;
    enum bpa_db_status status, outcome = BPA_DB_OK;
    do {
        char *text = NULL;
        status = bpa_db_call(run->conn, "retention_inactive_seekers", 4,
                             (const char *const[]){months, grace, after, limit}, &text);
        json_t *ids = text ? json_loads(text, 0, NULL) : NULL;
        free(text);
        listed = json_array_size(ids);
        size_t i;
        json_t *id;
        json_array_foreach(ids, i, id)
        {
            if (status == BPA_DB_UNAVAILABLE || stopping(run))
                break;
            snprintf(after, sizeof after, "%lld", (long long)json_integer_value(id));
            struct erasure e = {after, months, grace, false};
            status = bpa_db_transaction(run->conn, BPA_DB_READ_COMMITTED, erase_one, &e);
            run->rows[BPA_RETAIN_INACTIVE_SEEKERS] += e.erased;
            if (status != BPA_DB_OK && outcome == BPA_DB_OK)
                outcome = status;
        }
        json_decref(ids);
        if (status != BPA_DB_OK && outcome == BPA_DB_OK)
            outcome = status;
    } while (status != BPA_DB_UNAVAILABLE && listed >= BPA_RETENTION_BATCH && !stopping(run));
    return status == BPA_DB_UNAVAILABLE ? status : outcome;
}

static enum bpa_db_status run_kind(struct run *run, enum bpa_retention_kind kind)
{
    const struct bpa_config *c = run->job->config;
    char period[24], limit[16], grace[24];
    period_of(c, kind, period);
    snprintf(limit, sizeof limit, "%d", BPA_RETENTION_BATCH);
    snprintf(grace, sizeof grace, "%lu", c->retention_grace_days);
    if (kind == BPA_RETAIN_SEEKER_NOTICES)
        return run_batches(run, kind, "retention_seeker_notices",
                           (const char *const[]){period, limit, grace}, 3);
    if (kind == BPA_RETAIN_INACTIVE_SEEKERS)
        return erase_inactive(run, period, grace);
    enum bpa_db_status status = BPA_DB_OK;
    for (size_t i = 0; i < 2 && statements[kind].batches[i] && status == BPA_DB_OK; i++)
        status = run_batches(run, kind, statements[kind].batches[i],
                             (const char *const[]){period, limit}, 2);
    return status;
}

static bool locked(struct bpa_db_conn *conn, const char *statement)
{
    char *answer = NULL;
    enum bpa_db_status status = bpa_db_call(conn, statement, 0, NULL, &answer);
    bool yes = status == BPA_DB_OK && answer && !strcmp(answer, "t");
    free(answer);
    return yes;
}

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* One run, unless another daemon is running one. */
static void run_once(struct bpa_retention *job)
{
    struct run run = {.job = job};
    if (bpa_db_pool_acquire(job->pool, 1000, &run.conn) != BPA_DB_OK) {
        bpa_log(BPA_LOG_WARN, "retention_skipped",
                json_pack("{s:s}", "reason", "no database connection"));
        return;
    }
    if (!locked(run.conn, "retention_lock")) {
        bpa_log(BPA_LOG_INFO, "retention_skipped",
                json_pack("{s:s}", "reason", "another daemon is running it"));
        bpa_db_pool_release(job->pool, run.conn);
        return;
    }
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    json_t *failed = json_array();
    enum bpa_db_status status = BPA_DB_OK;
    for (int kind = 0; kind < BPA_RETAIN_KIND_COUNT && !stopping(&run); kind++) {
        status = run_kind(&run, (enum bpa_retention_kind)kind);
        if (status != BPA_DB_OK)
            json_array_append_new(failed, json_string(bpa_retention_kind_names[kind]));
        if (status == BPA_DB_UNAVAILABLE)
            break; /* the rest would fail too: next time */
    }
    /* (a connection lost meanwhile took the lock with it) */
    locked(run.conn, "retention_unlock");
    bpa_db_pool_release(job->pool, run.conn);

    json_t *rows = json_object();
    for (int kind = 0; kind < BPA_RETAIN_KIND_COUNT; kind++)
        json_object_set_new(rows, bpa_retention_kind_names[kind],
                            json_integer((json_int_t)run.rows[kind]));
    /* not complete: a kind failed (and is named), or the daemon is stopping */
    bool complete = json_array_size(failed) == 0 && !stopping(&run);
    bpa_log(json_array_size(failed) ? BPA_LOG_WARN : BPA_LOG_INFO, "retention_run",
            json_pack("{s:o, s:f, s:b, s:o}", "rows", rows, "seconds", seconds_since(&start),
                      "complete", complete, "failed", failed));
    bpa_metrics_retention_run(job->metrics, run.rows);
}

/* Sleeps `ms` in slices of at most 50 ms, so a stop is noticed at once. */
static void pause_unless_stopped(struct bpa_retention *job, unsigned long long ms)
{
    while (ms > 0 && !atomic_load(&job->stop)) {
        unsigned long long slice = ms < 50 ? ms : 50;
        struct timespec pause = {.tv_sec = 0, .tv_nsec = (long)slice * 1000000L};
        nanosleep(&pause, NULL);
        ms -= slice;
    }
}

static void *run_job(void *context)
{
    struct bpa_retention *job = context;
    if (job->config->retention_interval_min == 0)
        return NULL;
    pause_unless_stopped(job, FIRST_RUN_DELAY_MS);
    while (!atomic_load(&job->stop)) {
        run_once(job);
        pause_unless_stopped(job, job->config->retention_interval_min * 60ULL * 1000ULL);
    }
    return NULL;
}

int bpa_retention_start(struct bpa_retention *retention, const struct bpa_config *config,
                        struct bpa_db_pool *pool, struct bpa_metrics *metrics)
{
    retention->config = config;
    retention->pool = pool;
    retention->metrics = metrics;
    atomic_store(&retention->stop, false);
    return pthread_create(&retention->thread, NULL, run_job, retention) == 0 ? 0 : -1;
}

void bpa_retention_stop(struct bpa_retention *retention)
{
    atomic_store(&retention->stop, true);
    pthread_join(retention->thread, NULL);
}

/* --- the dry run --- */

struct report {
    const struct bpa_config *config;
    json_t *kinds;
    char *generated_at;
};

static enum bpa_db_status count_all(struct bpa_db_conn *conn, void *context)
{
    struct report *r = context;
    json_array_clear(r->kinds);
    free(r->generated_at);
    r->generated_at = NULL;
    enum bpa_db_status status = bpa_db_call(conn, "retention_now", 0, NULL, &r->generated_at);
    char grace[24];
    snprintf(grace, sizeof grace, "%lu", r->config->retention_grace_days);
    for (int kind = 0; kind < BPA_RETAIN_KIND_COUNT && status == BPA_DB_OK; kind++) {
        char period[24], rule[300], *count = NULL;
        period_of(r->config, (enum bpa_retention_kind)kind, period);
        rule_of(r->config, (enum bpa_retention_kind)kind, rule, sizeof rule);
        /* the erasure's count also takes the grace period */
        int params = kind == BPA_RETAIN_INACTIVE_SEEKERS ? 2 : 1;
        status = bpa_db_call(conn, statements[kind].count, params,
                             (const char *const[]){period, grace}, &count);
        if (status == BPA_DB_OK)
            json_array_append_new(
                r->kinds,
                json_pack("{s:s, s:s, s:I}", "kind", bpa_retention_kind_names[kind], "rule", rule,
                          COUNT_MEMBER, (json_int_t)(count ? strtoll(count, NULL, 10) : 0)));
        free(count);
    }
    return status;
}

enum bpa_db_status bpa_retention_report(struct bpa_db_conn *conn, const struct bpa_config *config,
                                        json_t **report)
{
    *report = NULL;
    struct report r = {config, json_array(), NULL};
    /* one snapshot for every count */
    enum bpa_db_status status = bpa_db_transaction(conn, BPA_DB_REPEATABLE_READ, count_all, &r);
    if (status == BPA_DB_OK) {
        const struct {
            const char *option;
            unsigned long value;
        } settings[] = {
            {"retain-inactive-seeker-months", config->retain_inactive_seeker_months},
            {"retention-grace-days", config->retention_grace_days},
            {"retain-finished-match-months", config->retain_finished_match_months},
            {"retain-session-days", config->retain_session_days},
            {"retain-throttle-days", config->retain_throttle_days},
            {"retain-idempotency-days", config->retain_idempotency_days},
            {"retain-link-days", config->retain_link_days},
            {"retain-delivered-body-days", config->retain_delivered_body_days},
            {"retain-round-months", config->retain_round_months},
            {"retain-change-days", config->retain_change_days},
            {"retain-audit-years", config->retain_audit_years},
            {"retention-interval-minutes", config->retention_interval_min},
        };
        json_t *values = json_object();
        for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++)
            json_object_set_new(values, settings[i].option,
                                json_integer((json_int_t)settings[i].value));
        *report = json_pack("{s:s, s:o, s:O}", "generated_at", r.generated_at ? r.generated_at : "",
                            "settings", values, "kinds", r.kinds);
    }
    json_decref(r.kinds);
    free(r.generated_at);
    return status;
}
