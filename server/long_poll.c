/* The parked requests: a list under one mutex, scanned on each
 * notification and each turn of the thread. A thousand waiters cost a
 * thousand small nodes and a scan of them per change. */
#include "long_poll.h"

#include "db/db.h"
#include "log.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define CHANNEL         "bpa_changes"
#define LONGEST_TURN_MS 500 /* how often the thread looks at the deadlines at least */

struct waiter {
    void *request;
    long long portal; /* 0: any news concerns it */
    struct timespec until;
    struct waiter *next;
};

struct bpa_long_poll {
    pthread_mutex_t lock;
    struct waiter *parked; /* under lock, like the three below */
    struct waiter *due;    /* to be woken by the thread */
    unsigned parked_count;
    uint64_t news;
    bool closed;
    atomic_bool stopping;
    char *url;
    bpa_long_poll_wake_fn wake;
    pthread_t thread;
};

static long long ms_until(const struct timespec *until, const struct timespec *now)
{
    return (long long)(until->tv_sec - now->tv_sec) * 1000 +
           (until->tv_nsec - now->tv_nsec) / 1000000;
}

/* Under lock: moves the parked requests for which `concerns` is true to
 * the due list. */
static void make_due(struct bpa_long_poll *poll, bool (*concerns)(const struct waiter *, void *),
                     void *context)
{
    for (struct waiter **at = &poll->parked; *at;) {
        struct waiter *w = *at;
        if (!concerns(w, context)) {
            at = &w->next;
            continue;
        }
        *at = w->next;
        w->next = poll->due;
        poll->due = w;
        poll->parked_count--;
    }
}

static bool always(const struct waiter *w, void *context)
{
    (void)w;
    (void)context;
    return true;
}

static bool expired(const struct waiter *w, void *now)
{
    return ms_until(&w->until, now) <= 0;
}

/* The payload is the portal whose seekers a change concerns, or empty for
 * a change every follower may see. */
static bool concerned(const struct waiter *w, void *payload)
{
    const char *portal = payload;
    return w->portal == 0 || portal[0] == '\0' || atoll(portal) == w->portal;
}

/* Wakes what is due, outside the lock. */
static void wake_due(struct bpa_long_poll *poll)
{
    pthread_mutex_lock(&poll->lock);
    struct waiter *due = poll->due;
    poll->due = NULL;
    pthread_mutex_unlock(&poll->lock);
    while (due) {
        struct waiter *next = due->next;
        poll->wake(due->request);
        free(due);
        due = next;
    }
}

static void heard(const char *payload, void *context)
{
    struct bpa_long_poll *poll = context;
    pthread_mutex_lock(&poll->lock);
    poll->news++;
    make_due(poll, concerned, (void *)payload);
    pthread_mutex_unlock(&poll->lock);
}

/* Under lock: how long the thread may wait before a deadline passes. */
static int next_turn_ms(const struct bpa_long_poll *poll, const struct timespec *now)
{
    long long turn = LONGEST_TURN_MS;
    for (const struct waiter *w = poll->parked; w; w = w->next) {
        long long left = ms_until(&w->until, now);
        if (left < turn)
            turn = left < 0 ? 0 : left;
    }
    return (int)turn + 1; /* past the deadline, not just short of it */
}

static void *follow_the_feed(void *argument)
{
    struct bpa_long_poll *poll = argument;
    struct bpa_db_listener *listener = NULL;
    while (!atomic_load(&poll->stopping)) {
        struct timespec now;
        if (!listener && (listener = bpa_db_listener_open(poll->url, CHANNEL)) != NULL) {
            pthread_mutex_lock(&poll->lock); /* what was missed while deaf */
            poll->news++;
            make_due(poll, always, NULL);
            pthread_mutex_unlock(&poll->lock);
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        pthread_mutex_lock(&poll->lock);
        int turn = next_turn_ms(poll, &now);
        pthread_mutex_unlock(&poll->lock);
        if (!listener) {
            struct timespec pause = {.tv_sec = turn / 1000, .tv_nsec = (turn % 1000) * 1000000L};
            nanosleep(&pause, NULL);
        } else if (bpa_db_listener_wait(listener, turn, heard, poll) != 0) {
            bpa_log(BPA_LOG_WARN, "long_poll_listener_lost",
                    json_pack("{s:s}", "message", "reconnecting; parked requests wait meanwhile"));
            bpa_db_listener_close(listener);
            listener = NULL;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        pthread_mutex_lock(&poll->lock);
        make_due(poll, expired, &now);
        pthread_mutex_unlock(&poll->lock);
        wake_due(poll);
    }
    bpa_db_listener_close(listener);
    return NULL;
}

struct bpa_long_poll *bpa_long_poll_start(const char *database_url, bpa_long_poll_wake_fn wake)
{
    struct bpa_long_poll *poll = calloc(1, sizeof *poll);
    if (!poll)
        return NULL;
    poll->url = strdup(database_url);
    poll->wake = wake;
    pthread_mutex_init(&poll->lock, NULL);
    if (!poll->url || pthread_create(&poll->thread, NULL, follow_the_feed, poll) != 0) {
        pthread_mutex_destroy(&poll->lock);
        free(poll->url);
        free(poll);
        return NULL;
    }
    return poll;
}

uint64_t bpa_long_poll_news(struct bpa_long_poll *poll)
{
    pthread_mutex_lock(&poll->lock);
    uint64_t news = poll->news;
    pthread_mutex_unlock(&poll->lock);
    return news;
}

void bpa_long_poll_park(struct bpa_long_poll *poll, void *request, long long portal, uint64_t seen,
                        const struct timespec *until)
{
    struct waiter *w = malloc(sizeof *w);
    pthread_mutex_lock(&poll->lock);
    bool at_once = !w || poll->closed || poll->news != seen;
    if (!at_once) {
        *w = (struct waiter){
            .request = request, .portal = portal, .until = *until, .next = poll->parked};
        poll->parked = w;
        poll->parked_count++;
    }
    pthread_mutex_unlock(&poll->lock);
    if (at_once) {
        free(w);
        poll->wake(request);
    }
}

unsigned bpa_long_poll_parked(struct bpa_long_poll *poll)
{
    pthread_mutex_lock(&poll->lock);
    unsigned count = poll->parked_count;
    pthread_mutex_unlock(&poll->lock);
    return count;
}

void bpa_long_poll_close(struct bpa_long_poll *poll)
{
    pthread_mutex_lock(&poll->lock);
    poll->closed = true;
    make_due(poll, always, NULL);
    pthread_mutex_unlock(&poll->lock);
    wake_due(poll);
}

void bpa_long_poll_stop(struct bpa_long_poll *poll)
{
    if (!poll)
        return;
    bpa_long_poll_close(poll);
    atomic_store(&poll->stopping, true);
    pthread_join(poll->thread, NULL);
    wake_due(poll); /* what the thread made due as it stopped */
    pthread_mutex_destroy(&poll->lock);
    free(poll->url);
    free(poll);
}
