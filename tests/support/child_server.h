/* What the tests' SMTP sink and webhook receiver have in common: a server
 * on a free port of 127.0.0.1 that runs in a process of its own (so the
 * test process keeps a single thread for Check to fork) and records what
 * it receives in a scratch folder under /tmp, one JSON object a line, for
 * any test process to read. */
#ifndef BPA_CHILD_SERVER_H
#define BPA_CHILD_SERVER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct child_server {
    pid_t pid; /* the process that serves */
    int port;
    char dir[64];       /* the scratch folder, removed by child_server_stop */
    char log_path[128]; /* one JSON object a line */
};

/* Called in the server's process: starts serving `listener` on threads of
 * its own and says whether it does. */
typedef bool child_server_serve(int listener, void *context);
/* Whether a log entry is one that `filter` asks for. */
typedef bool child_server_match(const json_t *entry, const void *filter);

/* Starts a server with the folder /tmp/<name>-XXXXXX; false (and nothing
 * left behind) on failure. The struct must stay where it is until
 * child_server_stop; the folders of servers never stopped are removed when
 * the process that started them exits. */
bool child_server_start(struct child_server *server, const char *name, child_server_serve *serve,
                        void *context);
/* Stops it and removes its folder with every file in it. */
void child_server_stop(struct child_server *server);

/* In the server's process: adds `entry` to the log. */
void child_server_record(const struct child_server *server, const json_t *entry);

/* Every entry so far, oldest first (a new array). */
json_t *child_server_log(const struct child_server *server);
/* The entry after the first `skip` that `matches` (a new reference),
 * waiting up to `seconds` for it; NULL when none came. */
json_t *child_server_wait(const struct child_server *server, child_server_match *matches,
                          const void *filter, size_t skip, int seconds);
/* How many entries so far `matches`. */
size_t child_server_count(const struct child_server *server, child_server_match *matches,
                          const void *filter);

#endif
