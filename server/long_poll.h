/* Long polling of the change feed: requests parked until the feed has news
 * that may concern them, or until their wait ends. A parked request holds
 * no thread and no database connection: its connection stays suspended in
 * libmicrohttpd and the request waits in a list here. One thread per
 * daemon LISTENs on the feed's channel (schema 0020) and hands each request
 * that a change may concern back to `wake`, which runs its handler again. */
#ifndef BPA_LONG_POLL_H
#define BPA_LONG_POLL_H

#include <stdint.h>
#include <time.h>

struct bpa_long_poll;

/* Runs a parked request again; called from the long-poll thread, or from
 * the caller of bpa_long_poll_park or bpa_long_poll_close. */
typedef void (*bpa_long_poll_wake_fn)(void *request);

/* Starts the listening thread; NULL when out of memory or threads. While
 * the database cannot be reached, parked requests wait out their time;
 * once it is listening again every one of them is woken (news may have
 * been missed). */
struct bpa_long_poll *bpa_long_poll_start(const char *database_url, bpa_long_poll_wake_fn wake);

/* Where the news stands. Read it before looking for entries and give it to
 * bpa_long_poll_park: news that came in between wakes the request at once. */
uint64_t bpa_long_poll_news(struct bpa_long_poll *poll);

/* Parks `request` until news for `portal` (0: any news) arrives after
 * `seen`, until `until` (CLOCK_MONOTONIC) passes, or until the poll is
 * closed, whichever is first; then calls wake(request) once. */
void bpa_long_poll_park(struct bpa_long_poll *poll, void *request, long long portal, uint64_t seen,
                        const struct timespec *until);

/* How many requests are parked. */
unsigned bpa_long_poll_parked(struct bpa_long_poll *poll);

/* The daemon is stopping: wakes every parked request now, and every one
 * parked from now on at once. */
void bpa_long_poll_close(struct bpa_long_poll *poll);

/* Closes, stops the thread and frees the poll. */
void bpa_long_poll_stop(struct bpa_long_poll *poll);

#endif
