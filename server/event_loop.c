/* The loop's rounds. */
#include "event_loop.h"

#include "db/db.h"
#include "log.h"

#include <errno.h>
#include <microhttpd.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

/* The longest a round waits: the pipeline looks for stuck reads and new
 * connections at least this often. */
#define ROUND_MAX_MS 1000

enum { HTTP, WAKE, DATABASE };

void bpa_event_loop_wake(struct bpa_event_loop *loop)
{
    uint64_t one = 1;
    (void)!write(loop->wake_fd, &one, sizeof one); /* fails only when already far ahead */
}

static void wake(void *loop)
{
    bpa_event_loop_wake(loop);
}

static int watch(int epoll_fd, int op, int fd, uint32_t events, uint64_t tag)
{
    struct epoll_event event = {.events = events, .data.u64 = tag};
    return epoll_ctl(epoll_fd, op, fd, &event);
}

int bpa_event_loop_prepare(struct bpa_event_loop *loop, struct bpa_server *server,
                           const char *database_url)
{
    *loop = (struct bpa_event_loop){.server = server, .epoll_fd = -1, .prepared = true};
    pthread_mutex_init(&loop->lock, NULL);
    pthread_cond_init(&loop->quiesced_cond, NULL);
    loop->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    loop->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    if (loop->wake_fd < 0 || loop->epoll_fd < 0 ||
        watch(loop->epoll_fd, EPOLL_CTL_ADD, loop->wake_fd, EPOLLIN, WAKE) != 0) {
        bpa_event_loop_free(loop);
        return -1;
    }
    loop->reads = bpa_db_pipeline_start(database_url, wake, loop);
    return 0;
}

/* Keeps the pipeline's socket in the epoll set as its connection changes. */
struct watched {
    int fd;
    unsigned generation;
    bool writing;
};

static void follow_database(struct bpa_event_loop *loop, struct watched *watched)
{
    if (!loop->reads)
        return;
    struct watched now;
    now.fd = bpa_db_pipeline_socket(loop->reads, &now.generation, &now.writing);
    uint32_t events = EPOLLIN | (now.writing ? EPOLLOUT : 0);
    if (now.fd != watched->fd || now.generation != watched->generation) {
        if (watched->fd >= 0) /* fails when closing the connection removed it */
            epoll_ctl(loop->epoll_fd, EPOLL_CTL_DEL, watched->fd, NULL);
        if (now.fd >= 0 && watch(loop->epoll_fd, EPOLL_CTL_ADD, now.fd, events, DATABASE) != 0)
            bpa_log(BPA_LOG_ERROR, "event_loop_watch_failed",
                    json_pack("{s:s}", "message", strerror(errno)));
    } else if (now.fd >= 0 && now.writing != watched->writing) {
        watch(loop->epoll_fd, EPOLL_CTL_MOD, now.fd, events, DATABASE);
    }
    *watched = now;
}

static void quiesce_if_asked(struct bpa_event_loop *loop)
{
    pthread_mutex_lock(&loop->lock);
    if (loop->quiesce && !loop->quiesced) {
        MHD_quiesce_daemon(loop->daemon);
        loop->quiesced = true;
        pthread_cond_broadcast(&loop->quiesced_cond);
    }
    pthread_mutex_unlock(&loop->lock);
}

static void *run(void *argument)
{
    struct bpa_event_loop *loop = argument;
    struct watched database = {.fd = -1};
    while (!atomic_load(&loop->stopping)) {
        quiesce_if_asked(loop);
        follow_database(loop, &database);
        MHD_UNSIGNED_LONG_LONG until_timeout;
        int wait_ms = ROUND_MAX_MS;
        if (MHD_get_timeout(loop->daemon, &until_timeout) == MHD_YES &&
            until_timeout < ROUND_MAX_MS)
            wait_ms = (int)until_timeout;
        struct epoll_event events[8];
        int ready = epoll_wait(loop->epoll_fd, events, 8, wait_ms);
        if (ready < 0 && errno != EINTR) {
            bpa_log(BPA_LOG_ERROR, "event_loop_failed",
                    json_pack("{s:s}", "message", strerror(errno)));
            break;
        }
        bool database_ready = false;
        for (int i = 0; i < ready; i++) {
            if (events[i].data.u64 == WAKE) {
                uint64_t count;
                (void)!read(loop->wake_fd, &count, sizeof count);
            }
            database_ready = database_ready || events[i].data.u64 == DATABASE;
        }
        MHD_run(loop->daemon);
        /* Replies made from reads just answered: sent in this round. */
        if (loop->reads && bpa_db_pipeline_pump(loop->reads, database_ready))
            MHD_run(loop->daemon);
    }
    return NULL;
}

int bpa_event_loop_start(struct bpa_event_loop *loop)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(loop->daemon, MHD_DAEMON_INFO_EPOLL_FD);
    if (!info || watch(loop->epoll_fd, EPOLL_CTL_ADD, info->epoll_fd, EPOLLIN, HTTP) != 0)
        return -1;
    if (pthread_create(&loop->thread, NULL, run, loop) != 0)
        return -1;
    loop->running = true;
    return 0;
}

void bpa_event_loop_quiesce(struct bpa_event_loop *loop)
{
    if (!loop->running) {
        MHD_quiesce_daemon(loop->daemon);
        return;
    }
    pthread_mutex_lock(&loop->lock);
    loop->quiesce = true;
    bpa_event_loop_wake(loop);
    while (!loop->quiesced)
        pthread_cond_wait(&loop->quiesced_cond, &loop->lock);
    pthread_mutex_unlock(&loop->lock);
}

void bpa_event_loop_stop(struct bpa_event_loop *loop)
{
    if (!loop->running)
        return;
    atomic_store(&loop->stopping, true);
    wake(loop);
    pthread_join(loop->thread, NULL);
    loop->running = false;
}

void bpa_event_loop_free(struct bpa_event_loop *loop)
{
    if (!loop->prepared)
        return;
    bpa_db_pipeline_stop(loop->reads);
    loop->reads = NULL;
    if (loop->epoll_fd >= 0)
        close(loop->epoll_fd);
    if (loop->wake_fd >= 0)
        close(loop->wake_fd);
    pthread_cond_destroy(&loop->quiesced_cond);
    pthread_mutex_destroy(&loop->lock);
    loop->prepared = false;
}
