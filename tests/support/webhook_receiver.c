/* The tests' webhook receiver (see webhook_receiver.h). */
#include "webhook_receiver.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* --- leaving nothing behind --- */

/* The scratch folders of the receivers this process started, removed when
 * it exits even if it never stops them (a setup that gave up halfway).
 * Check's test processes inherit the list: only the process that started
 * the receivers removes anything. */
static struct webhook_receiver *running[16];
static pid_t running_owner;

static void remove_files(const struct webhook_receiver *receiver)
{
    unlink(receiver->log_path);
    unlink(receiver->fail_path);
    rmdir(receiver->dir);
}

static void remove_all_at_exit(void)
{
    if (getpid() != running_owner)
        return;
    for (size_t i = 0; i < sizeof running / sizeof running[0]; i++)
        if (running[i])
            remove_files(running[i]);
}

static bool remember(struct webhook_receiver *receiver)
{
    if (running_owner == 0) {
        running_owner = getpid();
        atexit(remove_all_at_exit);
    }
    for (size_t i = 0; i < sizeof running / sizeof running[0]; i++)
        if (!running[i]) {
            running[i] = receiver;
            return true;
        }
    return false;
}

static void forget(const struct webhook_receiver *receiver)
{
    for (size_t i = 0; i < sizeof running / sizeof running[0]; i++)
        if (running[i] == receiver)
            running[i] = NULL;
}

/* --- receiving --- */

struct upload {
    char *body;
    size_t len;
};

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

/* One line, one write, so that concurrent calls never interleave. */
static void append_line(const char *path, const char *text)
{
    size_t len = strlen(text);
    char *line = malloc(len + 2);
    if (!line)
        return;
    memcpy(line, text, len);
    memcpy(line + len, "\n", 2);
    pthread_mutex_lock(&log_lock);
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
        ssize_t written = write(fd, line, len + 1);
        (void)written;
        close(fd);
    }
    pthread_mutex_unlock(&log_lock);
    free(line);
}

static enum MHD_Result receive(void *cls, struct MHD_Connection *connection, const char *url,
                               const char *method, const char *version, const char *data,
                               size_t *size, void **context)
{
    (void)url, (void)method, (void)version;
    const struct webhook_receiver *receiver = cls;
    struct upload *upload = *context;
    if (!upload) {
        upload = calloc(1, sizeof *upload);
        *context = upload;
        return upload ? MHD_YES : MHD_NO;
    }
    if (*size) {
        char *grown = realloc(upload->body, upload->len + *size + 1);
        if (!grown)
            return MHD_NO;
        memcpy(grown + upload->len, data, *size);
        upload->body = grown;
        upload->len += *size;
        upload->body[upload->len] = '\0';
        *size = 0;
        return MHD_YES;
    }
    bool failing = access(receiver->fail_path, F_OK) == 0;
    json_t *call = json_pack(
        "{s:s?, s:s?, s:s?, s:s?, s:s, s:b}", "event_id",
        MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "X-BPA-Event-Id"), "event",
        MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "X-BPA-Event"), "timestamp",
        MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "X-BPA-Timestamp"), "signature",
        MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "X-BPA-Signature"), "body",
        upload->body ? upload->body : "", "refused", failing);
    char *text = call ? json_dumps(call, JSON_COMPACT) : NULL;
    if (text)
        append_line(receiver->log_path, text);
    free(text);
    json_decref(call);
    struct MHD_Response *response =
        MHD_create_response_from_buffer(2, "ok", MHD_RESPMEM_PERSISTENT);
    enum MHD_Result queued = MHD_queue_response(connection, failing ? 500 : 200, response);
    MHD_destroy_response(response);
    return queued;
}

static void received(void *cls, struct MHD_Connection *connection, void **context,
                     enum MHD_RequestTerminationCode how)
{
    (void)cls, (void)connection, (void)how;
    struct upload *upload = *context;
    if (upload)
        free(upload->body);
    free(upload);
    *context = NULL;
}

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

/* The receiver's process: serves `listener` until killed, and dies with
 * the process that started it. Says on `ready` whether it serves. */
static void serve(const struct webhook_receiver *receiver, int listener, int ready)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    struct MHD_Daemon *daemon =
        MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0, NULL,
                         NULL, receive, (void *)receiver, MHD_OPTION_LISTEN_SOCKET, listener,
                         MHD_OPTION_NOTIFY_COMPLETED, received, NULL, MHD_OPTION_END);
    char serving = daemon ? 1 : 0;
    ssize_t written = write(ready, &serving, 1);
    (void)written;
    close(ready);
    while (daemon)
        pause();
    _exit(1); /* never the exit handlers of the test process */
}

bool webhook_receiver_start(struct webhook_receiver *receiver)
{
    memset(receiver, 0, sizeof *receiver);
    snprintf(receiver->dir, sizeof receiver->dir, "/tmp/bpa-webhooks-XXXXXX");
    if (!mkdtemp(receiver->dir))
        return false;
    snprintf(receiver->log_path, sizeof receiver->log_path, "%s/calls.jsonl", receiver->dir);
    snprintf(receiver->fail_path, sizeof receiver->fail_path, "%s/fail", receiver->dir);
    int ready[2] = {-1, -1};
    int listener = listen_on_free_port(&receiver->port);
    if (listener < 0 || pipe(ready) != 0 || !remember(receiver)) {
        for (int i = 0; i < 2; i++)
            if (ready[i] >= 0)
                close(ready[i]);
        if (listener >= 0)
            close(listener);
        remove_files(receiver);
        return false;
    }
    fflush(NULL); /* nothing buffered is written twice */
    receiver->pid = fork();
    if (receiver->pid == 0) {
        close(ready[0]);
        serve(receiver, listener, ready[1]);
    }
    close(listener);
    close(ready[1]);
    char serving = 0;
    bool started = receiver->pid > 0 && read(ready[0], &serving, 1) == 1 && serving;
    close(ready[0]);
    if (!started) {
        webhook_receiver_stop(receiver);
        return false;
    }
    snprintf(receiver->url, sizeof receiver->url, "http://127.0.0.1:%d/hook", receiver->port);
    return true;
}

void webhook_receiver_stop(struct webhook_receiver *receiver)
{
    if (receiver->pid > 0) {
        kill(receiver->pid, SIGTERM);
        waitpid(receiver->pid, NULL, 0);
    }
    receiver->pid = 0;
    remove_files(receiver);
    forget(receiver);
}

void webhook_receiver_fail(const struct webhook_receiver *receiver, bool failing)
{
    if (failing) {
        int fd = open(receiver->fail_path, O_WRONLY | O_CREAT, 0600);
        if (fd >= 0)
            close(fd);
    } else {
        unlink(receiver->fail_path);
    }
}

/* --- reading what came --- */

json_t *webhook_receiver_calls(const struct webhook_receiver *receiver)
{
    json_t *calls = json_array();
    FILE *f = fopen(receiver->log_path, "r");
    char *line = NULL;
    size_t size = 0;
    while (f && getline(&line, &size, f) > 0) {
        json_t *call = json_loads(line, 0, NULL);
        if (!json_is_object(call)) { /* a line being written as we read */
            json_decref(call);
            continue;
        }
        const char *body = json_string_value(json_object_get(call, "body"));
        json_t *payload = body ? json_loads(body, 0, NULL) : NULL;
        json_object_set_new(call, "payload", payload ? payload : json_null());
        json_array_append_new(calls, call);
    }
    free(line);
    if (f)
        fclose(f);
    return calls;
}

static bool same_text(const json_t *value, const char *wanted)
{
    const char *text = json_string_value(value);
    return text && strcmp(text, wanted) == 0;
}

static bool matches(const json_t *call, const struct webhook_filter *filter)
{
    if (filter->event && !same_text(json_object_get(call, "event"), filter->event))
        return false;
    if (filter->event_id && !same_text(json_object_get(call, "event_id"), filter->event_id))
        return false;
    json_t *match = json_object_get(json_object_get(call, "payload"), "match_id");
    if (filter->match_id && json_integer_value(match) != filter->match_id)
        return false;
    bool refused = json_is_true(json_object_get(call, "refused"));
    if (filter->answer == WEBHOOK_ACCEPTED && refused)
        return false;
    if (filter->answer == WEBHOOK_REFUSED && !refused)
        return false;
    return true;
}

json_t *webhook_receiver_wait(const struct webhook_receiver *receiver, struct webhook_filter filter,
                              int seconds)
{
    const struct timespec pause = {.tv_nsec = 50 * 1000000L};
    for (int tries = 0; tries <= seconds * 20; tries++) {
        json_t *calls = webhook_receiver_calls(receiver);
        size_t i;
        json_t *call;
        json_array_foreach(calls, i, call)
        {
            if (matches(call, &filter)) {
                json_incref(call);
                json_decref(calls);
                return call;
            }
        }
        json_decref(calls);
        nanosleep(&pause, NULL);
    }
    return NULL;
}

size_t webhook_receiver_count(const struct webhook_receiver *receiver, struct webhook_filter filter)
{
    json_t *calls = webhook_receiver_calls(receiver);
    size_t count = 0, i;
    json_t *call;
    json_array_foreach(calls, i, call) count += matches(call, &filter);
    json_decref(calls);
    return count;
}

/* --- signatures --- */

static void sign(const char *secret, const char *timestamp, const char *body,
                 unsigned char mac[crypto_auth_hmacsha256_BYTES])
{
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&state, (const unsigned char *)timestamp, strlen(timestamp));
    crypto_auth_hmacsha256_update(&state, (const unsigned char *)".", 1);
    crypto_auth_hmacsha256_update(&state, (const unsigned char *)body, strlen(body));
    crypto_auth_hmacsha256_final(&state, mac);
}

/* The next "sha256=<hex>" of a list: its hex in `hex` (NUL-terminated, at
 * most `size` - 1 characters); returns where the following one starts, or
 * NULL at the end. An item of another shape gives an empty `hex`. */
static const char *next_signature(const char *at, char *hex, size_t size)
{
    at += strspn(at, " \t");
    if (!*at)
        return NULL;
    size_t len = strcspn(at, ",");
    const char *item_end = at + len;
    while (len && (at[len - 1] == ' ' || at[len - 1] == '\t'))
        len--;
    hex[0] = '\0';
    if (len > 7 && strncmp(at, "sha256=", 7) == 0 && len - 7 < size)
        snprintf(hex, size, "%.*s", (int)(len - 7), at + 7);
    return *item_end ? item_end + 1 : item_end;
}

size_t webhook_signature_count(const char *header)
{
    size_t count = 0;
    char hex[160];
    for (const char *at = header; at && (at = next_signature(at, hex, sizeof hex)) != NULL;)
        count++;
    return count;
}

int webhook_signature_position(const char *header, const char *secret, const char *timestamp,
                               const char *body)
{
    if (!header || !secret || !timestamp || !body)
        return -1;
    unsigned char expected[crypto_auth_hmacsha256_BYTES];
    sign(secret, timestamp, body, expected);
    char hex[160];
    int position = 0;
    for (const char *at = header; (at = next_signature(at, hex, sizeof hex)) != NULL; position++) {
        unsigned char listed[crypto_auth_hmacsha256_BYTES];
        size_t listed_len = 0;
        const char *hex_end = NULL;
        if (sodium_hex2bin(listed, sizeof listed, hex, strlen(hex), NULL, &listed_len, &hex_end) ==
                0 &&
            *hex_end == '\0' && listed_len == sizeof listed &&
            sodium_memcmp(listed, expected, sizeof expected) == 0)
            return position;
    }
    return -1;
}

int webhook_call_signed_by(const json_t *call, const char *secret)
{
    return webhook_signature_position(json_string_value(json_object_get(call, "signature")), secret,
                                      json_string_value(json_object_get(call, "timestamp")),
                                      json_string_value(json_object_get(call, "body")));
}
