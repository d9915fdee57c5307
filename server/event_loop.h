/* An event loop: one thread that runs a libmicrohttpd daemon in external
 * epoll mode together with the read pipeline (db/pipeline.c) its requests
 * feed, so a request that only reads one row goes from its socket to
 * PostgreSQL and back on this one thread, with no other thread woken.
 *
 * Each round waits on one epoll set holding the daemon's own epoll
 * descriptor, the pipeline's socket and a wake-up eventfd, then lets the
 * daemon do what is ready and the pipeline send and take what it can. */
#ifndef BPA_EVENT_LOOP_H
#define BPA_EVENT_LOOP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

struct MHD_Daemon;
struct bpa_db_pipeline;
struct bpa_server;

struct bpa_event_loop {
    struct bpa_server *server;
    struct MHD_Daemon *daemon;     /* set between _prepare and _start */
    struct bpa_db_pipeline *reads; /* NULL when it could not start: workers do every read */
    int epoll_fd, wake_fd;
    atomic_bool stopping;
    bool prepared, running;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t quiesced_cond;
    bool quiesce, quiesced; /* under lock */
};

/* Makes the descriptors and starts the pipeline. 0, or -1 (errno). */
int bpa_event_loop_prepare(struct bpa_event_loop *loop, struct bpa_server *server,
                           const char *database_url);

/* Runs the loop's thread over loop->daemon. 0, or -1. */
int bpa_event_loop_start(struct bpa_event_loop *loop);

/* Makes the loop's daemon stop accepting connections, on the loop's own
 * thread (libmicrohttpd's state is the loop's), and waits until it has. */
void bpa_event_loop_quiesce(struct bpa_event_loop *loop);

/* Makes the loop run a round now: for a connection resumed from another
 * thread, which the daemon does not notice by itself. */
void bpa_event_loop_wake(struct bpa_event_loop *loop);

/* Ends the thread after its current round. */
void bpa_event_loop_stop(struct bpa_event_loop *loop);

/* After _stop (and before the daemon stops): fails what the pipeline still
 * holds, then frees the descriptors. Once is enough; more do nothing. */
void bpa_event_loop_free(struct bpa_event_loop *loop);

#endif
