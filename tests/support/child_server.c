/* The tests' servers in processes of their own (see child_server.h). */
#include "child_server.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* --- leaving nothing behind --- */

/* The servers this process started, their folders removed when it exits
 * even if it never stops them (a setup that gave up halfway). Check's test
 * processes inherit the list: only the process that started the servers
 * removes anything. */
static struct child_server *running[16];
static pid_t running_owner;

/* Whatever the server or its owner put in the folder goes with it. */
static void remove_files(const struct child_server *server)
{
    DIR *dir = opendir(server->dir);
    for (struct dirent *file; dir && (file = readdir(dir)) != NULL;)
        if (strcmp(file->d_name, ".") != 0 && strcmp(file->d_name, "..") != 0)
            unlinkat(dirfd(dir), file->d_name, 0);
    if (dir)
        closedir(dir);
    rmdir(server->dir);
}

static void remove_all_at_exit(void)
{
    if (getpid() != running_owner)
        return;
    for (size_t i = 0; i < sizeof running / sizeof running[0]; i++)
        if (running[i])
            remove_files(running[i]);
}

static bool remember(struct child_server *server)
{
    if (running_owner == 0) {
        running_owner = getpid();
        atexit(remove_all_at_exit);
    }
    for (size_t i = 0; i < sizeof running / sizeof running[0]; i++)
        if (!running[i]) {
            running[i] = server;
            return true;
        }
    return false;
}

static void forget(const struct child_server *server)
{
    for (size_t i = 0; i < sizeof running / sizeof running[0]; i++)
        if (running[i] == server)
            running[i] = NULL;
}

/* --- starting and stopping --- */

static int listen_on_free_port(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (fd < 0)
        return -1;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) || listen(fd, 16) ||
        getsockname(fd, (struct sockaddr *)&a, &len)) {
        close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

/* The server's process: dies with the process that started it, and says
 * on `ready` whether it serves. */
static void run(int listener, int ready, child_server_serve *serve, void *context)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    char serving = serve(listener, context) ? 1 : 0;
    ssize_t written = write(ready, &serving, 1);
    (void)written;
    close(ready);
    while (serving)
        pause();
    _exit(1); /* never the exit handlers of the test process */
}

bool child_server_start(struct child_server *server, const char *name, child_server_serve *serve,
                        void *context)
{
    memset(server, 0, sizeof *server);
    snprintf(server->dir, sizeof server->dir, "/tmp/%s-XXXXXX", name);
    if (!mkdtemp(server->dir))
        return false;
    snprintf(server->log_path, sizeof server->log_path, "%s/log.jsonl", server->dir);
    int ready[2] = {-1, -1};
    int listener = listen_on_free_port(&server->port);
    if (listener < 0 || pipe(ready) != 0 || !remember(server)) {
        for (int i = 0; i < 2; i++)
            if (ready[i] >= 0)
                close(ready[i]);
        if (listener >= 0)
            close(listener);
        remove_files(server);
        return false;
    }
    fflush(NULL); /* nothing buffered is written twice */
    server->pid = fork();
    if (server->pid == 0) {
        close(ready[0]);
        run(listener, ready[1], serve, context);
    }
    close(listener);
    close(ready[1]);
    char serving = 0;
    bool started = server->pid > 0 && read(ready[0], &serving, 1) == 1 && serving;
    close(ready[0]);
    if (!started) {
        child_server_stop(server);
        return false;
    }
    return true;
}

void child_server_stop(struct child_server *server)
{
    if (server->pid > 0) {
        kill(server->pid, SIGTERM);
        waitpid(server->pid, NULL, 0);
    }
    server->pid = 0;
    remove_files(server);
    forget(server);
}

/* --- the log --- */

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

/* One line, one write, so that concurrent connections never interleave. */
void child_server_record(const struct child_server *server, const json_t *entry)
{
    char *text = json_dumps(entry, JSON_COMPACT);
    size_t len = text ? strlen(text) : 0;
    char *line = text ? realloc(text, len + 2) : NULL;
    if (!line) {
        free(text);
        return;
    }
    memcpy(line + len, "\n", 2);
    pthread_mutex_lock(&log_lock);
    int fd = open(server->log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
        ssize_t written = write(fd, line, len + 1);
        (void)written;
        close(fd);
    }
    pthread_mutex_unlock(&log_lock);
    free(line);
}

json_t *child_server_log(const struct child_server *server)
{
    json_t *entries = json_array();
    FILE *f = fopen(server->log_path, "r");
    char *line = NULL;
    size_t size = 0;
    while (f && getline(&line, &size, f) > 0) {
        json_t *entry = json_loads(line, 0, NULL);
        if (json_is_object(entry)) /* else a line being written as we read */
            json_array_append(entries, entry);
        json_decref(entry);
    }
    free(line);
    if (f)
        fclose(f);
    return entries;
}

/* The (skip + 1)-th matching entry so far, or NULL. */
static json_t *find(const struct child_server *server, child_server_match *matches,
                    const void *filter, size_t skip)
{
    json_t *entries = child_server_log(server);
    json_t *found = NULL;
    size_t i;
    json_t *entry;
    json_array_foreach(entries, i, entry)
    {
        if (!found && matches(entry, filter) && skip-- == 0)
            found = json_incref(entry);
    }
    json_decref(entries);
    return found;
}

json_t *child_server_wait(const struct child_server *server, child_server_match *matches,
                          const void *filter, size_t skip, int seconds)
{
    const struct timespec pause = {.tv_nsec = 50 * 1000000L};
    for (int tries = 0; tries <= seconds * 20; tries++) {
        json_t *found = find(server, matches, filter, skip);
        if (found)
            return found;
        nanosleep(&pause, NULL);
    }
    return NULL;
}

size_t child_server_count(const struct child_server *server, child_server_match *matches,
                          const void *filter)
{
    json_t *entries = child_server_log(server);
    size_t count = 0, i;
    json_t *entry;
    json_array_foreach(entries, i, entry) count += matches(entry, filter);
    json_decref(entries);
    return count;
}
