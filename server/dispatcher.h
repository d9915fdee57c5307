/* The dispatcher: a thread of each daemon that delivers what the outbox
 * holds. Due rows are claimed for a while (FOR UPDATE SKIP LOCKED, then
 * their next attempt moved past the time a batch can take), so several
 * daemons never deliver one notification at the same time and no lock is
 * held during delivery; after a crash between sending and recording, the
 * claim runs out and the row is sent again (at least once; receivers drop
 * duplicates by event id).
 *
 * A thread rather than a process: nothing more to deploy or supervise, and
 * it shares the daemon's pool and configuration; delivery is bounded by
 * timeouts, so a slow receiver costs one connection of the pool, never a
 * request. */
#ifndef BPA_DISPATCHER_H
#define BPA_DISPATCHER_H

#include "config.h"
#include "db/db.h"

#include <pthread.h>
#include <stdatomic.h>

struct bpa_dispatcher {
    const struct bpa_config *config;
    struct bpa_db_pool *pool;
    pthread_t thread;
    atomic_bool stop;
};

int bpa_dispatcher_start(struct bpa_dispatcher *dispatcher, const struct bpa_config *config,
                         struct bpa_db_pool *pool);
void bpa_dispatcher_stop(struct bpa_dispatcher *dispatcher);

#endif
