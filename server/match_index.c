/* The daemon's matcher index. */
#define _GNU_SOURCE /* pthread_rwlockattr_setkind_np */
#include "match_index.h"

#include "log.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHANNEL        "bpa_index"
#define ITEM_SEPARATOR '\x1f'
#define PART_SEPARATOR '\x1e'

/* --- rows into profiles --- */

static double radians(const char *degrees)
{
    return degrees ? strtod(degrees, NULL) * M_PI / 180.0 : 0;
}

/* Calls `each` for every item of a chr(31)-separated list (in place). */
static unsigned split(char *list, char **items, unsigned max)
{
    unsigned n = 0;
    for (char *p = list; p && *p && n < max;) {
        items[n++] = p;
        p = strchr(p, ITEM_SEPARATOR);
        if (p)
            *p++ = '\0';
    }
    return n;
}

static int by_id(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* A text the vocabulary does not know (a row read for one request, without
 * adding to the shared vocabulary) gets its side's own id, so that two
 * unknown texts never count as equal: an unknown required skill or
 * certificate is missing, never matched by some other unknown one. */
#define UNKNOWN_TO_PLACEMENT UINT32_MAX
#define UNKNOWN_TO_SEEKER    (UINT32_MAX - 1)

static uint32_t id_of(struct bpa_vocab *vocab, const char *text, bool add, uint32_t unknown)
{
    if (!text || !*text)
        return 0;
    uint32_t id = bpa_vocab_id(vocab, text, add);
    return id ? id : unknown;
}

/* Certificate codes share the vocabulary, kept apart by a prefix. */
static uint32_t certificate_id(struct bpa_vocab *vocab, const char *code, bool add,
                               uint32_t unknown)
{
    char key[64];
    snprintf(key, sizeof key, "cert:%s", code);
    return id_of(vocab, key, add, unknown);
}

static unsigned read_ids(struct bpa_vocab *vocab, const char *text, bool certificates, bool add,
                         uint32_t unknown, uint32_t *out, unsigned max)
{
    char *copy = text ? strdup(text) : NULL, *items[BPA_MATCH_MAX_SKILLS];
    unsigned n =
        copy ? split(copy, items, max < BPA_MATCH_MAX_SKILLS ? max : BPA_MATCH_MAX_SKILLS) : 0;
    for (unsigned i = 0; i < n; i++)
        out[i] = certificates ? certificate_id(vocab, items[i], add, unknown)
                              : id_of(vocab, items[i], add, unknown);
    qsort(out, n, sizeof *out, by_id);
    free(copy);
    return n;
}

/* id, open, lat, lon, schedule, hours, start, end, dutch, certificates,
 * occupation, required, taught */
void bpa_match_read_placement(const char *const *v, struct bpa_vocab *vocab, bool add,
                              struct bpa_placement_holder *h)
{
    struct bpa_placement *p = &h->placement;
    memset(p, 0, sizeof *p);
    p->id = strtoll(v[0], NULL, 10);
    p->open = v[1] && v[1][0] == 't';
    p->lat = radians(v[2]);
    p->lon = radians(v[3]);
    bpa_week_from_text(&p->schedule, v[4] ? v[4] : "");
    p->hours_per_week = v[5] ? strtod(v[5], NULL) : 0;
    p->start = v[6] ? atoi(v[6]) : 0;
    p->end = v[7] ? atoi(v[7]) : 0;
    p->min_dutch_level = (uint8_t)(v[8] ? atoi(v[8]) : 0);
    const uint32_t unknown = UNKNOWN_TO_PLACEMENT;
    p->certificate_count = (uint16_t)read_ids(vocab, v[9], true, add, unknown, h->certificates, 32);
    p->certificates = h->certificates;
    p->occupation = id_of(vocab, v[10], add, unknown);
    char *copy = v[11] ? strdup(v[11]) : NULL, *items[BPA_MATCH_MAX_SKILLS];
    unsigned n = copy ? split(copy, items, BPA_MATCH_MAX_SKILLS) : 0;
    for (unsigned i = 0; i < n; i++) {
        char *level = strchr(items[i], PART_SEPARATOR);
        char *essential = level ? strchr(level + 1, PART_SEPARATOR) : NULL;
        if (level)
            *level++ = '\0';
        h->required[i] =
            (struct bpa_required_skill){.skill = id_of(vocab, items[i], add, unknown),
                                        .min_level = (uint8_t)(level ? atoi(level) : 1),
                                        .essential = essential && essential[1] == '1'};
    }
    free(copy);
    qsort(h->required, n, sizeof h->required[0], by_id);
    p->required = h->required;
    p->required_count = (uint16_t)n;
    p->taught_count =
        (uint16_t)read_ids(vocab, v[12], false, add, unknown, h->taught, BPA_MATCH_MAX_SKILLS);
    p->taught = h->taught;
}

/* id, active, lat, lon, availability, max hours, max km, from, until,
 * dutch, certificates, skills, goals */
void bpa_match_read_seeker(const char *const *v, struct bpa_vocab *vocab, bool add,
                           struct bpa_seeker_holder *h)
{
    struct bpa_seeker *s = &h->seeker;
    memset(s, 0, sizeof *s);
    s->id = strtoll(v[0], NULL, 10);
    s->lat = radians(v[2]);
    s->lon = radians(v[3]);
    bpa_week_from_text(&s->availability, v[4] ? v[4] : "");
    s->max_hours_per_week = v[5] ? strtod(v[5], NULL) : 0;
    s->max_travel_km = v[6] ? strtod(v[6], NULL) : 0;
    s->available_from = v[7] ? atoi(v[7]) : 0;
    s->available_until = v[8] ? atoi(v[8]) : BPA_NO_END_DAY;
    s->dutch_level = (uint8_t)(v[9] ? atoi(v[9]) : 0);
    const uint32_t unknown = UNKNOWN_TO_SEEKER;
    s->certificate_count =
        (uint16_t)read_ids(vocab, v[10], true, add, unknown, h->certificates, 32);
    s->certificates = h->certificates;
    char *copy = v[11] ? strdup(v[11]) : NULL, *items[BPA_MATCH_MAX_SKILLS];
    unsigned n = copy ? split(copy, items, BPA_MATCH_MAX_SKILLS) : 0;
    for (unsigned i = 0; i < n; i++) {
        char *level = strchr(items[i], PART_SEPARATOR);
        if (level)
            *level++ = '\0';
        h->skills[i] = (struct bpa_seeker_skill){.skill = id_of(vocab, items[i], add, unknown),
                                                 .level = (uint8_t)(level ? atoi(level) : 1)};
    }
    free(copy);
    qsort(h->skills, n, sizeof h->skills[0], by_id);
    s->skills = h->skills;
    s->skill_count = (uint16_t)n;
    s->goal_count =
        (uint16_t)read_ids(vocab, v[12], false, add, unknown, h->goals, BPA_MATCH_MAX_SKILLS);
    s->goals = h->goals;
}

struct one_row {
    struct bpa_vocab *vocab;
    bool add, found, is_placement, active;
    void *holder;
};

static int take_one(const char *const *values, int count, void *context)
{
    struct one_row *one = context;
    if (count < 13)
        return 1;
    one->active = values[1] && values[1][0] == 't'; /* open, or active */
    if (one->is_placement)
        bpa_match_read_placement(values, one->vocab, one->add, one->holder);
    else
        bpa_match_read_seeker(values, one->vocab, one->add, one->holder);
    one->found = true;
    return 0;
}

enum bpa_db_status bpa_match_load_placement(struct bpa_db_conn *conn, struct bpa_vocab *vocab,
                                            const char *id, struct bpa_placement_holder *out,
                                            bool *found)
{
    struct one_row one = {.vocab = vocab, .is_placement = true, .holder = out};
    enum bpa_db_status status = bpa_db_each_row(conn, "match_placement", 1, &id, take_one, &one);
    *found = one.found;
    return status;
}

enum bpa_db_status bpa_match_load_seeker(struct bpa_db_conn *conn, struct bpa_vocab *vocab,
                                         const char *id, struct bpa_seeker_holder *out, bool *found)
{
    struct one_row one = {.vocab = vocab, .is_placement = false, .holder = out};
    enum bpa_db_status status = bpa_db_each_row(conn, "match_seeker", 1, &id, take_one, &one);
    *found = one.found;
    return status;
}

/* --- loading and following --- */

static int put_placement(const char *const *values, int count, void *context)
{
    struct bpa_match_index *index = context;
    struct bpa_placement_holder h;
    if (count < 13)
        return 1;
    bpa_match_read_placement(values, index->vocab, true, &h);
    return bpa_placement_index_put(&index->placements, &h.placement);
}

static int put_seeker(const char *const *values, int count, void *context)
{
    struct bpa_match_index *index = context;
    struct bpa_seeker_holder h;
    if (count < 13)
        return 1;
    bpa_match_read_seeker(values, index->vocab, true, &h);
    return bpa_seeker_index_put(&index->seekers, &h.seeker);
}

/* Replaces the whole index from the database. */
static int reload(struct bpa_match_index *index)
{
    struct timespec started, ended;
    clock_gettime(CLOCK_MONOTONIC, &started);
    struct bpa_db_conn *conn;
    enum bpa_db_status status = bpa_db_pool_acquire(index->pool, 10000, &conn);
    if (status != BPA_DB_OK)
        return -1;
    pthread_rwlock_wrlock(&index->lock);
    bpa_placement_index_clear(&index->placements);
    bpa_seeker_index_clear(&index->seekers);
    status = bpa_db_each_row(conn, "match_placements_open", 0, NULL, put_placement, index);
    if (status == BPA_DB_OK)
        status = bpa_db_each_row(conn, "match_seekers_active", 0, NULL, put_seeker, index);
    size_t placements = index->placements.count, seekers = index->seekers.count;
    size_t bytes = index->placements.bytes + index->seekers.bytes;
    pthread_rwlock_unlock(&index->lock);
    bpa_db_pool_release(index->pool, conn);
    clock_gettime(CLOCK_MONOTONIC, &ended);
    atomic_fetch_add(&index->reloads, 1);
    bpa_log(status == BPA_DB_OK ? BPA_LOG_INFO : BPA_LOG_ERROR, "match_index_loaded",
            json_pack("{s:I, s:I, s:I, s:f, s:b}", "placements", (json_int_t)placements, "seekers",
                      (json_int_t)seekers, "bytes", (json_int_t)bytes, "seconds",
                      (double)(ended.tv_sec - started.tv_sec) +
                          (double)(ended.tv_nsec - started.tv_nsec) / 1e9,
                      "complete", status == BPA_DB_OK));
    return status == BPA_DB_OK ? 0 : -1;
}

/* "placement:12" or "seeker:7": read that one again, and keep it only
 * while it is open (or active). Runs on the listener thread only. */
static void heard(const char *payload, void *context)
{
    struct bpa_match_index *index = context;
    bool placement = strncmp(payload, "placement:", 10) == 0;
    if (!placement && strncmp(payload, "seeker:", 7) != 0)
        return;
    const char *id = strchr(payload, ':') + 1;
    struct bpa_db_conn *conn;
    if (bpa_db_pool_acquire(index->pool, 10000, &conn) != BPA_DB_OK) {
        index->missed_a_change = true; /* follow() reloads */
        return;
    }
    static struct bpa_placement_holder p;
    static struct bpa_seeker_holder s;
    struct one_row one = {.vocab = index->vocab,
                          .add = true,
                          .is_placement = placement,
                          .holder = placement ? (void *)&p : (void *)&s};
    pthread_rwlock_wrlock(&index->lock);
    enum bpa_db_status status = bpa_db_each_row(
        conn, placement ? "match_placement" : "match_seeker", 1, &id, take_one, &one);
    int64_t row_id = strtoll(id, NULL, 10);
    if (status == BPA_DB_OK && placement) {
        if (one.found && one.active)
            bpa_placement_index_put(&index->placements, &p.placement);
        else
            bpa_placement_index_remove(&index->placements, row_id);
    } else if (status == BPA_DB_OK) {
        if (one.found && one.active)
            bpa_seeker_index_put(&index->seekers, &s.seeker);
        else
            bpa_seeker_index_remove(&index->seekers, row_id);
    }
    pthread_rwlock_unlock(&index->lock);
    bpa_db_pool_release(index->pool, conn);
    if (status == BPA_DB_OK)
        atomic_fetch_add(&index->changes_applied, 1);
    else
        index->missed_a_change = true;
}

static void pause_a_second(struct bpa_match_index *index)
{
    for (int i = 0; i < 10 && !atomic_load(&index->stop); i++) {
        struct timespec tenth = {.tv_nsec = 100000000L};
        nanosleep(&tenth, NULL);
    }
}

static void *follow(void *context)
{
    struct bpa_match_index *index = context;
    struct bpa_db_listener *listener = index->listening;
    while (!atomic_load(&index->stop)) {
        if (!listener) {
            /* Listen first, then load: no change can fall between the two. */
            listener = bpa_db_listener_open(index->url, CHANNEL);
            if (listener && reload(index) != 0) {
                bpa_db_listener_close(listener);
                listener = NULL;
            }
            if (!listener) {
                pause_a_second(index);
                continue;
            }
        }
        if (index->missed_a_change) { /* a change could not be read: read everything */
            bpa_log(BPA_LOG_WARN, "match_index_missed_a_change",
                    json_pack("{s:s}", "message", "reloading the index"));
            index->missed_a_change = reload(index) != 0;
            if (index->missed_a_change)
                pause_a_second(index);
            continue;
        }
        if (bpa_db_listener_wait(listener, 500, heard, index) != 0) {
            bpa_log(BPA_LOG_WARN, "match_index_listener_lost",
                    json_pack("{s:s}", "message", "reconnecting, then reloading the index"));
            bpa_db_listener_close(listener);
            listener = NULL;
        }
    }
    bpa_db_listener_close(listener);
    return NULL;
}

int bpa_match_index_start(struct bpa_match_index *index, const char *url, struct bpa_db_pool *pool)
{
    /* Writers first: otherwise overlapping rankings could keep the
     * listener from applying changes indefinitely. */
    pthread_rwlockattr_t prefer_writer;
    pthread_rwlockattr_init(&prefer_writer);
    pthread_rwlockattr_setkind_np(&prefer_writer, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&index->lock, &prefer_writer);
    pthread_rwlockattr_destroy(&prefer_writer);
    index->vocab = bpa_vocab_new();
    index->url = url;
    index->pool = pool;
    atomic_store(&index->stop, false);
    index->missed_a_change = false;
    index->listening = bpa_db_listener_open(url, CHANNEL);
    if (!index->vocab || !index->listening || reload(index) != 0) {
        bpa_log(BPA_LOG_ERROR, "match_index_failed",
                json_pack("{s:s}", "message", "the matcher index could not be loaded"));
        return -1;
    }
    if (pthread_create(&index->listener, NULL, follow, index) != 0)
        return -1;
    return 0;
}

void bpa_match_index_stop(struct bpa_match_index *index)
{
    atomic_store(&index->stop, true);
    pthread_join(index->listener, NULL);
    bpa_placement_index_clear(&index->placements);
    bpa_seeker_index_clear(&index->seekers);
    bpa_vocab_free(index->vocab);
    pthread_rwlock_destroy(&index->lock);
}
