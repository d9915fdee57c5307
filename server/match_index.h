/* The daemon's matcher index: every open placement and every active seeker
 * in memory, loaded at start and kept in step with the database through
 * LISTEN/NOTIFY (channel bpa_index, from the triggers of
 * 0008_match_events.sql), fully reloaded after the listening connection
 * was lost. The database stays the truth; the index is a copy for the scan.
 *
 * Readers take `lock` for reading around any use of the indexes or the
 * vocabulary; the listener thread writes. */
#ifndef BPA_MATCH_INDEX_H
#define BPA_MATCH_INDEX_H

#include "db/db.h"
#include "index.h"
#include "matcher.h"

#include <pthread.h>
#include <stdatomic.h>

struct bpa_match_index {
    pthread_rwlock_t lock;
    struct bpa_vocab *vocab; /* skill and occupation URIs, "cert:" certificate codes */
    struct bpa_placement_index placements;
    struct bpa_seeker_index seekers;
    const char *url;
    struct bpa_db_pool *pool;
    pthread_t listener;
    struct bpa_db_listener *listening; /* handed from start to the thread */
    atomic_bool stop;
    bool missed_a_change; /* listener thread only: reload before listening on */
    atomic_uint_fast64_t changes_applied, reloads;
};

/* Loads everything and starts following changes. 0, or -1 with a log line. */
int bpa_match_index_start(struct bpa_match_index *index, const char *url, struct bpa_db_pool *pool);
void bpa_match_index_stop(struct bpa_match_index *index);

/* A profile read from the database whatever its status, for the side of a
 * ranking that is not scanned. The arrays live in `holder`; ids come from
 * the index's vocabulary (call with the lock held for reading: unknown URIs
 * get an id of their side's own, which matches nothing). BPA_DB_OK with *found false when there
 * is no such row. */
struct bpa_placement_holder {
    struct bpa_placement placement;
    struct bpa_required_skill required[BPA_MATCH_MAX_SKILLS];
    uint32_t taught[BPA_MATCH_MAX_SKILLS], certificates[32];
};
struct bpa_seeker_holder {
    struct bpa_seeker seeker;
    struct bpa_seeker_skill skills[BPA_MATCH_MAX_SKILLS];
    uint32_t goals[BPA_MATCH_MAX_SKILLS], certificates[32];
};
enum bpa_db_status bpa_match_load_placement(struct bpa_db_conn *conn, struct bpa_vocab *vocab,
                                            const char *id, struct bpa_placement_holder *out,
                                            bool *found);
enum bpa_db_status bpa_match_load_seeker(struct bpa_db_conn *conn, struct bpa_vocab *vocab,
                                         const char *id, struct bpa_seeker_holder *out,
                                         bool *found);

/* The pure step of loading a seeker: one row of the match_seekers view as
 * text, `values` being the 13 columns the daemon selects (server/db/
 * matching.c, SEEKER_COLUMNS) in that order, NULL for SQL NULL, into `out`.
 * Ids come from `vocab`, added there when `add`. No I/O. */
void bpa_match_read_seeker(const char *const *values, struct bpa_vocab *vocab, bool add,
                           struct bpa_seeker_holder *out);
/* The same for a placement: the 13 columns of match_placements. */
void bpa_match_read_placement(const char *const *values, struct bpa_vocab *vocab, bool add,
                              struct bpa_placement_holder *out);

#endif
