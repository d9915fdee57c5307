/* Request budgets: an open-addressing table of this minute's credentials
 * under one mutex, emptied when the minute turns, and a thread that shares
 * the counts once a second. */
#include "rate_limit.h"

#include "log.h"

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SLOTS             16384 /* credentials active in one minute on one daemon; a power of two */
#define SHARE_INTERVAL_MS 1000
#define CREDENTIAL_MAX    40

struct entry {
    char credential[CREDENTIAL_MAX]; /* "" when free */
    uint64_t pending;                /* counted here and not yet shared */
    uint64_t shared;                 /* the total of all daemons when last shared */
};

struct bpa_rate_limits {
    pthread_mutex_t lock;
    int64_t minute; /* of the entries */
    size_t used;
    uint16_t used_slots[SLOTS]; /* the first `used`: which entries to share */
    bool full_logged;
    struct bpa_db_pool *pool;
    atomic_bool stopping;
    pthread_t thread;
    struct entry entries[SLOTS];
};

static int64_t current_minute(unsigned *seconds_left)
{
    time_t now = time(NULL);
    if (seconds_left)
        *seconds_left = (unsigned)(60 - now % 60);
    return (int64_t)now / 60;
}

static uint64_t hash_of(const char *text)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *text; text++)
        h = (h ^ (unsigned char)*text) * 1099511628211ULL;
    return h;
}

/* Under lock: the entry of `credential`, made if need be; NULL when full. */
static struct entry *find(struct bpa_rate_limits *limits, const char *credential, bool make)
{
    for (size_t i = hash_of(credential) & (SLOTS - 1), probes = 0; probes < SLOTS;
         i = (i + 1) & (SLOTS - 1), probes++) {
        struct entry *e = &limits->entries[i];
        if (strcmp(e->credential, credential) == 0)
            return e;
        if (!e->credential[0]) {
            if (!make || limits->used >= SLOTS * 3 / 4)
                return NULL;
            snprintf(e->credential, sizeof e->credential, "%s", credential);
            limits->used_slots[limits->used++] = (uint16_t)i;
            return e;
        }
    }
    return NULL;
}

/* Under lock: a new minute starts with nothing counted. */
static void turn_minute(struct bpa_rate_limits *limits, int64_t minute)
{
    if (limits->minute == minute)
        return;
    for (size_t i = 0; i < limits->used; i++)
        memset(&limits->entries[limits->used_slots[i]], 0, sizeof limits->entries[0]);
    limits->used = 0;
    limits->minute = minute;
    limits->full_logged = false;
}

void bpa_rate_limits_take(struct bpa_rate_limits *limits, const char *credential,
                          unsigned long long per_minute, struct bpa_rate_decision *out)
{
    unsigned left;
    int64_t minute = current_minute(&left);
    *out = (struct bpa_rate_decision){
        .allowed = true, .limit = per_minute, .remaining = per_minute, .reset_seconds = left};
    pthread_mutex_lock(&limits->lock);
    turn_minute(limits, minute);
    struct entry *e = find(limits, credential, true);
    if (!e) {
        /* More credentials this minute than the table holds: let them
         * through rather than refuse everyone, and say so once. */
        bool log = !limits->full_logged;
        limits->full_logged = true;
        pthread_mutex_unlock(&limits->lock);
        if (log)
            bpa_log(BPA_LOG_WARN, "rate_limit_table_full", json_pack("{s:i}", "slots", SLOTS));
        return;
    }
    uint64_t used = e->shared + e->pending;
    if (used >= per_minute) {
        out->allowed = false;
        out->remaining = 0;
    } else {
        e->pending++;
        out->remaining = per_minute - used - 1;
    }
    pthread_mutex_unlock(&limits->lock);
}

/* Adds what was counted here to the shared counts and learns the totals. */
static void share(struct bpa_rate_limits *limits, bool prune)
{
    json_t *counts = json_object();
    pthread_mutex_lock(&limits->lock);
    int64_t minute = limits->minute;
    for (size_t i = 0; i < limits->used; i++) {
        const struct entry *e = &limits->entries[limits->used_slots[i]];
        json_object_set_new(counts, e->credential, json_integer((json_int_t)e->pending));
    }
    pthread_mutex_unlock(&limits->lock);
    if (json_object_size(counts) == 0 && !prune) {
        json_decref(counts);
        return;
    }
    char *text = json_dumps(counts, JSON_COMPACT);
    char minute_text[24], *totals_text = NULL;
    snprintf(minute_text, sizeof minute_text, "%lld", (long long)minute);
    struct bpa_db_conn *conn = NULL;
    enum bpa_db_status status = bpa_db_pool_acquire(limits->pool, 1000, &conn);
    if (status == BPA_DB_OK) {
        const char *params[] = {minute_text, text};
        if (json_object_size(counts))
            status = bpa_db_call(conn, "request_counts_add", 2, params, &totals_text);
        if (prune && status == BPA_DB_OK)
            status = bpa_db_call(conn, "request_counts_prune", 1, params, NULL);
        bpa_db_pool_release(limits->pool, conn);
    }
    json_t *totals = totals_text ? json_loads(totals_text, 0, NULL) : NULL;
    if (status == BPA_DB_OK && totals) {
        /* What was shared leaves `pending`; what came since stays. */
        pthread_mutex_lock(&limits->lock);
        if (limits->minute == minute) {
            const char *credential;
            json_t *total;
            json_object_foreach(totals, credential, total)
            {
                struct entry *e = find(limits, credential, false);
                uint64_t sent = (uint64_t)json_integer_value(json_object_get(counts, credential));
                if (e) {
                    e->pending -= sent <= e->pending ? sent : e->pending;
                    e->shared = (uint64_t)json_integer_value(total);
                }
            }
        }
        pthread_mutex_unlock(&limits->lock);
    }
    /* Not shared (the database is away): the counts stay pending and
     * count here; the next round tries again. */
    json_decref(totals);
    free(totals_text);
    free(text);
    json_decref(counts);
}

static void *share_every_second(void *argument)
{
    struct bpa_rate_limits *limits = argument;
    int64_t pruned = 0;
    while (!atomic_load(&limits->stopping)) {
        /* tv_nsec must stay below a second, or nanosleep returns at once */
        struct timespec pause = {.tv_sec = SHARE_INTERVAL_MS / 1000,
                                 .tv_nsec = SHARE_INTERVAL_MS % 1000 * 1000000L};
        nanosleep(&pause, NULL);
        int64_t minute = current_minute(NULL);
        share(limits, minute != pruned);
        pruned = minute;
    }
    return NULL;
}

struct bpa_rate_limits *bpa_rate_limits_start(struct bpa_db_pool *pool)
{
    struct bpa_rate_limits *limits = calloc(1, sizeof *limits);
    if (!limits)
        return NULL;
    limits->pool = pool;
    limits->minute = current_minute(NULL);
    pthread_mutex_init(&limits->lock, NULL);
    if (pthread_create(&limits->thread, NULL, share_every_second, limits) != 0) {
        pthread_mutex_destroy(&limits->lock);
        free(limits);
        return NULL;
    }
    return limits;
}

void bpa_rate_limits_stop(struct bpa_rate_limits *limits)
{
    if (!limits)
        return;
    atomic_store(&limits->stopping, true);
    pthread_join(limits->thread, NULL);
    pthread_mutex_destroy(&limits->lock);
    free(limits);
}
