/* The tests' webhook receiver (see webhook_receiver.h). */
#include "webhook_receiver.h"

#include <fcntl.h>
#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* --- receiving --- */

struct upload {
    char *body;
    size_t len;
};

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
    const char *body = upload->body ? upload->body : "";
    json_t *payload = json_loads(body, 0, NULL);
    json_t *call = json_pack(
        "{s:s?, s:s?, s:s?, s:s?, s:s, s:o, s:b}", "event_id",
        MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "X-BPA-Event-Id"), "event",
        MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "X-BPA-Event"), "timestamp",
        MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "X-BPA-Timestamp"), "signature",
        MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "X-BPA-Signature"), "body", body,
        "payload", payload ? payload : json_null(), "refused", failing);
    if (call)
        child_server_record(&receiver->server, call);
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

static void name_fail_file(struct webhook_receiver *receiver)
{
    snprintf(receiver->fail_path, sizeof receiver->fail_path, "%s/fail", receiver->server.dir);
}

/* In the receiver's process, forked before webhook_receiver_start could
 * name the switch file: it names its own copy. */
static bool serve(int listener, void *context)
{
    struct webhook_receiver *receiver = context;
    name_fail_file(receiver);
    return MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0,
                            NULL, NULL, receive, receiver, MHD_OPTION_LISTEN_SOCKET, listener,
                            MHD_OPTION_NOTIFY_COMPLETED, received, NULL, MHD_OPTION_END) != NULL;
}

bool webhook_receiver_start(struct webhook_receiver *receiver)
{
    memset(receiver, 0, sizeof *receiver);
    if (!child_server_start(&receiver->server, "bpa-webhooks", serve, receiver))
        return false;
    name_fail_file(receiver);
    snprintf(receiver->url, sizeof receiver->url, "http://127.0.0.1:%d/hook",
             receiver->server.port);
    return true;
}

void webhook_receiver_stop(struct webhook_receiver *receiver)
{
    child_server_stop(&receiver->server);
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
    return child_server_log(&receiver->server);
}

static bool same_text(const json_t *value, const char *wanted)
{
    const char *text = json_string_value(value);
    return text && strcmp(text, wanted) == 0;
}

static bool matches(const json_t *call, const void *wanted)
{
    const struct webhook_filter *filter = wanted;
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
    return child_server_wait(&receiver->server, matches, &filter, 0, seconds);
}

size_t webhook_receiver_count(const struct webhook_receiver *receiver, struct webhook_filter filter)
{
    return child_server_count(&receiver->server, matches, &filter);
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
