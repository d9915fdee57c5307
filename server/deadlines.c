/* Request deadlines: a list of open connections scanned four times a
 * second. A scan of thousands of entries costs microseconds; a heap would
 * save nothing that matters here. */
#include "deadlines.h"

#include "log.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#define SCAN_INTERVAL_MS 250

struct bpa_deadline {
    int fd;
    int64_t due_ms; /* monotonic; 0: none (a request is being handled) */
    bool shut;      /* shut down already; waiting for the event loop to close it */
    struct bpa_deadline *prev, *next;
};

struct bpa_deadlines {
    pthread_mutex_t lock; /* guards the list and every entry; a socket in the list is open */
    pthread_cond_t wake;
    struct bpa_deadline *head;
    bool stopping;
    int64_t request_ms, keepalive_ms;
    pthread_t thread;
};

static int64_t now_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static void *enforce(void *argument)
{
    struct bpa_deadlines *deadlines = argument;
    pthread_mutex_lock(&deadlines->lock);
    while (!deadlines->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += SCAN_INTERVAL_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&deadlines->wake, &deadlines->lock, &until);
        int64_t now = now_ms();
        unsigned shut = 0;
        for (struct bpa_deadline *c = deadlines->head; c; c = c->next)
            if (c->due_ms && !c->shut && c->due_ms <= now) {
                /* The socket stays open (the event loop closes it): under
                 * the lock it cannot be another connection's yet. */
                shutdown(c->fd, SHUT_RDWR);
                c->shut = true;
                shut++;
            }
        if (shut) {
            pthread_mutex_unlock(&deadlines->lock);
            bpa_log(BPA_LOG_INFO, "request_deadline_missed",
                    json_pack("{s:i}", "connections_closed", (int)shut));
            pthread_mutex_lock(&deadlines->lock);
        }
    }
    pthread_mutex_unlock(&deadlines->lock);
    return NULL;
}

struct bpa_deadlines *bpa_deadlines_start(unsigned request_seconds, unsigned keepalive_seconds)
{
    struct bpa_deadlines *deadlines = calloc(1, sizeof *deadlines);
    if (!deadlines)
        return NULL;
    deadlines->request_ms = (int64_t)request_seconds * 1000;
    deadlines->keepalive_ms = (int64_t)keepalive_seconds * 1000;
    pthread_mutex_init(&deadlines->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&deadlines->wake, &attr);
    pthread_condattr_destroy(&attr);
    if (pthread_create(&deadlines->thread, NULL, enforce, deadlines) != 0) {
        pthread_cond_destroy(&deadlines->wake);
        pthread_mutex_destroy(&deadlines->lock);
        free(deadlines);
        return NULL;
    }
    return deadlines;
}

void bpa_deadlines_stop(struct bpa_deadlines *deadlines)
{
    if (!deadlines)
        return;
    pthread_mutex_lock(&deadlines->lock);
    deadlines->stopping = true;
    pthread_cond_signal(&deadlines->wake);
    pthread_mutex_unlock(&deadlines->lock);
    pthread_join(deadlines->thread, NULL);
    /* connections still listed belong to a daemon that is stopping too */
    while (deadlines->head) {
        struct bpa_deadline *next = deadlines->head->next;
        free(deadlines->head);
        deadlines->head = next;
    }
    pthread_cond_destroy(&deadlines->wake);
    pthread_mutex_destroy(&deadlines->lock);
    free(deadlines);
}

struct bpa_deadline *bpa_deadline_open(struct bpa_deadlines *deadlines, int fd)
{
    struct bpa_deadline *connection = calloc(1, sizeof *connection);
    if (!connection)
        return NULL;
    connection->fd = fd;
    connection->due_ms = now_ms() + deadlines->request_ms;
    pthread_mutex_lock(&deadlines->lock);
    connection->next = deadlines->head;
    if (deadlines->head)
        deadlines->head->prev = connection;
    deadlines->head = connection;
    pthread_mutex_unlock(&deadlines->lock);
    return connection;
}

void bpa_deadline_close(struct bpa_deadlines *deadlines, struct bpa_deadline *connection)
{
    if (!connection)
        return;
    pthread_mutex_lock(&deadlines->lock);
    if (connection->prev)
        connection->prev->next = connection->next;
    else
        deadlines->head = connection->next;
    if (connection->next)
        connection->next->prev = connection->prev;
    pthread_mutex_unlock(&deadlines->lock);
    free(connection);
}

void bpa_deadline_request_received(struct bpa_deadlines *deadlines, struct bpa_deadline *connection)
{
    if (!connection)
        return;
    pthread_mutex_lock(&deadlines->lock);
    connection->due_ms = 0;
    pthread_mutex_unlock(&deadlines->lock);
}

void bpa_deadline_reply_done(struct bpa_deadlines *deadlines, struct bpa_deadline *connection)
{
    if (!connection)
        return;
    int64_t due = now_ms() + deadlines->keepalive_ms + deadlines->request_ms;
    pthread_mutex_lock(&deadlines->lock);
    connection->due_ms = due;
    pthread_mutex_unlock(&deadlines->lock);
}
