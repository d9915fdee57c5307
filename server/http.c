/* libmicrohttpd glue: routing, body handling, replies, request ids, the
 * request log and metrics.
 *
 * The connection model: a few event loops (epoll) read requests and write
 * replies, so an idle, slow or kept-alive connection costs a socket, not a
 * thread. A request that needs the database is suspended once its body is
 * in and handed to a worker thread; the worker runs the handler (which may
 * block on PostgreSQL), keeps the reply in the request and resumes the
 * connection, and the event loop sends it. Workers are as many as database
 * connections by default, so a worker seldom waits for one, and slow
 * database work delays other database work, never the reading and writing
 * of other connections or the routes that need no database. */
#include "http.h"

#include "access.h"
#include "client_address.h"
#include "deadlines.h"
#include "event_loop.h"
#include "log.h"
#include "long_poll.h"
#include "request.h"
#include "worker_pool.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <unistd.h>

/* How long a request waits for a pooled database connection. */
#define DB_ACQUIRE_WAIT_MS 5000

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static int queue(struct bpa_request *request, unsigned status, struct MHD_Response *response,
                 const char *content_type)
{
    if (!response)
        return MHD_NO;
    MHD_add_response_header(response, "X-Request-Id", request->id);
    if (content_type)
        MHD_add_response_header(response, "Content-Type", content_type);
    MHD_add_response_header(response, "Cache-Control",
                            request->reply_cache_control ? request->reply_cache_control
                                                         : "no-store");
    if (request->reply_cookie)
        MHD_add_response_header(response, "Set-Cookie", request->reply_cookie);
    MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
    if (request->reply_etag)
        MHD_add_response_header(response, "ETag", request->reply_etag);
    if (request->reply_location)
        MHD_add_response_header(response, "Location", request->reply_location);
    if (request->reply_disposition)
        MHD_add_response_header(response, "Content-Disposition", request->reply_disposition);
    if (status == 401)
        MHD_add_response_header(response, "WWW-Authenticate", "Bearer realm=\"bpa\"");
    if (request->reply_retry_after) {
        char seconds[16];
        snprintf(seconds, sizeof seconds, "%u", request->reply_retry_after);
        MHD_add_response_header(response, "Retry-After", seconds);
    }
    if (request->reply_csp)
        MHD_add_response_header(response, "Content-Security-Policy", request->reply_csp);
    if (request->replayed)
        MHD_add_response_header(response, "Idempotent-Replayed", "true");
    if (request->rate.limit) {
        char number[24];
        snprintf(number, sizeof number, "%llu", request->rate.limit);
        MHD_add_response_header(response, "RateLimit-Limit", number);
        snprintf(number, sizeof number, "%llu", request->rate.remaining);
        MHD_add_response_header(response, "RateLimit-Remaining", number);
        snprintf(number, sizeof number, "%u", request->rate.reset_seconds);
        MHD_add_response_header(response, "RateLimit-Reset", number);
    }
    if (atomic_load(&request->server->shutting_down))
        MHD_add_response_header(response, MHD_HTTP_HEADER_CONNECTION, "close");
    if (request->response) { /* a handler answers once */
        MHD_destroy_response(response);
        return MHD_NO;
    }
    request->status = status;
    request->response = response;
    return MHD_YES;
}

/* Sends the reply a handler made, from the event loop's thread. */
static enum MHD_Result send_reply(struct bpa_request *request)
{
    enum MHD_Result rc =
        MHD_queue_response(request->connection, request->status, request->response);
    MHD_destroy_response(request->response);
    request->response = NULL;
    return rc;
}

int bpa_reply_text(struct bpa_request *request, unsigned status, const char *content_type,
                   const char *text, size_t len)
{
    struct MHD_Response *response =
        MHD_create_response_from_buffer(len, (void *)text, MHD_RESPMEM_MUST_COPY);
    return queue(request, status, response, content_type);
}

int bpa_reply_static(struct bpa_request *request, unsigned status, const char *content_type,
                     const void *bytes, size_t len)
{
    struct MHD_Response *response =
        MHD_create_response_from_buffer(len, (void *)bytes, MHD_RESPMEM_PERSISTENT);
    return queue(request, status, response, content_type);
}

int bpa_reply_empty(struct bpa_request *request, unsigned status)
{
    struct MHD_Response *response =
        MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    return queue(request, status, response, NULL);
}

char *bpa_json_text(const json_t *value)
{
    /* 12 significant digits: coordinates to the millimetre, no binary noise */
    return json_dumps(value, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
}

int bpa_reply_json_text(struct bpa_request *request, unsigned status, char *text)
{
    if (!text)
        return MHD_NO;
    struct MHD_Response *response =
        MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    if (!response)
        free(text);
    return queue(request, status, response, "application/json");
}

int bpa_reply_json(struct bpa_request *request, unsigned status, json_t *body)
{
    char *text = bpa_json_text(body);
    json_decref(body);
    return bpa_reply_json_text(request, status, text);
}

int bpa_reply_error(struct bpa_request *request, enum bpa_error error, const char *message,
                    json_t *details)
{
    return bpa_reply_json(request, bpa_error_info(error)->status,
                          bpa_error_envelope(error, message, details, request->id));
}

enum bpa_error bpa_error_from_db(enum bpa_db_status status)
{
    switch (status) {
    case BPA_DB_UNAVAILABLE:
        return BPA_ERR_DATABASE_UNAVAILABLE;
    case BPA_DB_BUSY:
    case BPA_DB_RETRY: /* contention that outlasted every retry */
        return BPA_ERR_DATABASE_BUSY;
    case BPA_DB_CONFLICT:
        return BPA_ERR_CONFLICT;
    case BPA_DB_INVALID:
        return BPA_ERR_VALIDATION_FAILED;
    default:
        return BPA_ERR_INTERNAL_ERROR;
    }
}

static int reply_method_not_allowed(struct bpa_request *request, const char *allow)
{
    json_t *body = bpa_error_envelope(BPA_ERR_METHOD_NOT_ALLOWED, NULL, NULL, request->id);
    char *text = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(body);
    if (!text)
        return MHD_NO;
    struct MHD_Response *response =
        MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    if (!response) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(response, "Allow", allow);
    return queue(request, 405, response, "application/json");
}

static bool is_json_media_type(const char *content_type)
{
    static const char json[] = "application/json";
    if (!content_type || strncasecmp(content_type, json, sizeof json - 1) != 0)
        return false;
    char after = content_type[sizeof json - 1];
    return after == '\0' || after == ';' || after == ' ';
}

struct framing {
    unsigned lengths, encodings;
    bool other_encoding; /* a transfer coding other than chunked */
};

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    (void)kind;
    struct framing *f = cls;
    if (strcasecmp(key, "Content-Length") == 0)
        f->lengths++;
    if (strcasecmp(key, "Transfer-Encoding") == 0) {
        f->encodings++;
        f->other_encoding = f->other_encoding || strcasecmp(value, "chunked") != 0;
    }
    return MHD_YES;
}

/* Framing that two parsers could read differently (a proxy and this
 * daemon: request smuggling) is refused. libmicrohttpd answers the framing
 * errors it finds itself (a Content-Length that is not a number, a bad
 * chunk) before any of this runs, with its own page. */
static bool framing_is_ambiguous(struct MHD_Connection *connection)
{
    struct framing f = {0};
    MHD_get_connection_values(connection, MHD_HEADER_KIND, count_framing, &f);
    return f.lengths > 1 || f.encodings > 1 || (f.lengths && f.encodings) || f.other_encoding;
}

/* The checks that need only the headers: media type and declared size. */
static enum bpa_error check_body_headers(struct bpa_request *request)
{
    const char *length =
        MHD_lookup_connection_value(request->connection, MHD_HEADER_KIND, "Content-Length");
    const char *chunked =
        MHD_lookup_connection_value(request->connection, MHD_HEADER_KIND, "Transfer-Encoding");
    unsigned long long declared = length ? strtoull(length, NULL, 10) : 0;
    if (declared == 0 && !chunked)
        return BPA_ERR_COUNT; /* no body */
    if (declared > request->server->config->max_body_bytes)
        return BPA_ERR_PAYLOAD_TOO_LARGE;
    const char *type =
        MHD_lookup_connection_value(request->connection, MHD_HEADER_KIND, "Content-Type");
    if (!is_json_media_type(type))
        return BPA_ERR_UNSUPPORTED_MEDIA_TYPE;
    return BPA_ERR_COUNT;
}

static void receive_chunk(struct bpa_request *request, const char *data, size_t size)
{
    if (request->upload_error != BPA_ERR_COUNT)
        return; /* discarding the rest of a refused body */
    size_t cap = request->server->config->max_body_bytes;
    if (size > cap - request->body_len) {
        request->upload_error = BPA_ERR_PAYLOAD_TOO_LARGE;
        free(request->body);
        request->body = NULL;
        request->body_len = 0;
        return;
    }
    char *grown = realloc(request->body, request->body_len + size + 1);
    if (!grown) {
        request->upload_error = BPA_ERR_INTERNAL_ERROR;
        return;
    }
    memcpy(grown + request->body_len, data, size);
    request->body = grown;
    request->body_len += size;
    request->body[request->body_len] = '\0';
}

static int reply_malformed_json(struct bpa_request *request, const json_error_t *parse)
{
    json_t *details = json_pack("[{s:s, s:s, s:i, s:i}]", "field", "body", "problem", parse->text,
                                "line", parse->line, "column", parse->column);
    char message[256];
    snprintf(message, sizeof message, "the request body is not valid JSON (line %d, column %d)",
             parse->line, parse->column);
    return bpa_reply_error(request, BPA_ERR_MALFORMED_JSON, message, details);
}

/* Counts the request against its credential's budget: BPA_ERR_COUNT, or
 * RATE_LIMITED when it is spent. */
static enum bpa_error spend_budget(struct bpa_request *request)
{
    const struct bpa_principal *p = &request->principal;
    char credential[40];
    if (p->session_hash[0]) /* "\\x" and hex digits: 24 of them tell sessions apart */
        snprintf(credential, sizeof credential, "session:%.24s", p->session_hash + 2);
    else
        snprintf(credential, sizeof credential, "key:%lld", p->id);
    unsigned long long per_minute = p->rate_limit > 0
                                        ? (unsigned long long)p->rate_limit
                                        : request->server->config->rate_limit_per_minute;
    bpa_rate_limits_take(request->server->limits, credential, per_minute, &request->rate);
    if (request->rate.allowed)
        return BPA_ERR_COUNT;
    request->reply_retry_after = request->rate.reset_seconds;
    return BPA_ERR_RATE_LIMITED;
}

/* Whether the method only reads. */
static bool safe_method(const char *method)
{
    return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
}

/* For a caller whose principal is known: the CSRF check of the console's
 * cookie, the budget, then the route's roles. BPA_ERR_COUNT when admitted. */
static enum bpa_error admit(struct bpa_request *request)
{
    static const unsigned role_flag[] = {0, BPA_ROUTE_COORDINATOR, BPA_ROUTE_EMPLOYER,
                                         BPA_ROUTE_PORTAL};
    if (request->cookie_session && !safe_method(request->method) &&
        !bpa_request_from_console(request))
        return BPA_ERR_CSRF_REFUSED;
    enum bpa_error refused = spend_budget(request);
    if (refused == BPA_ERR_COUNT && !(request->route->flags & role_flag[request->principal.role]))
        refused = BPA_ERR_FORBIDDEN;
    return refused;
}

/* The handler of a route that needs the database, on a worker thread. */
static int run_with_database(struct bpa_request *request)
{
    /* Credentials are checked against the database (or what the daemon
     * remembers of it, credential_cache.h), so even public routes of this
     * kind need a connection. */
    enum bpa_db_status status =
        bpa_db_pool_acquire(request->server->pool, DB_ACQUIRE_WAIT_MS, &request->db);
    if (status != BPA_DB_OK)
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    /* A request the read pipeline gave back was admitted before. A long
     * poll woken from its wait was too, but its credential is looked at
     * again: it may have been revoked while the request waited. */
    bool admitted =
        (request->route->flags & BPA_ROUTE_PUBLIC) || request->principal.role != BPA_ROLE_ANONYMOUS;
    bool again = request->woken && request->principal.role != BPA_ROLE_ANONYMOUS;
    enum bpa_error refused = admitted && !again ? BPA_ERR_COUNT : bpa_access_authenticate(request);
    if (!admitted && refused == BPA_ERR_COUNT)
        refused = admit(request);
    int rc = refused != BPA_ERR_COUNT ? bpa_reply_error(request, refused, NULL, NULL)
                                      : request->route->handler(request);
    bpa_db_pool_release(request->server->pool, request->db);
    request->db = NULL;
    return rc;
}

static void finish(struct bpa_request *request)
{
    /* No reply (out of memory): the event loop closes the connection. */
    MHD_resume_connection(request->connection);
    bpa_event_loop_wake(request->loop); /* which runs the daemon, seeing it resumed */
}

static void work(void *argument)
{
    struct bpa_request *request = argument;
    run_with_database(request);
    if (!request->park) {
        finish(request);
        return;
    }
    /* still suspended: its connection waits, the worker moves on */
    request->park = false;
    long long portal =
        request->principal.role == BPA_ROLE_PORTAL ? request->principal.portal_id : 0;
    clock_gettime(CLOCK_MONOTONIC, &request->parked_at);
    bpa_long_poll_park(request->server->long_poll, request, portal, request->wait_news,
                       &request->wait_until);
}

/* From the long poll: news, the end of the wait, or the daemon stopping. */
static void wake_parked(void *argument)
{
    struct bpa_request *request = argument;
    request->woken = true;
    request->waited += seconds_since(&request->parked_at);
    if (bpa_worker_pool_submit(request->server->workers, work, request) == 0)
        return;
    bpa_reply_error(request, BPA_ERR_SERVER_BUSY, NULL, NULL);
    finish(request);
}

bool bpa_wait_begin(struct bpa_request *request, unsigned seconds)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (seconds == 0 || !request->server->long_poll)
        return false;
    if (request->wait_until.tv_sec == 0) {
        request->wait_until = now;
        request->wait_until.tv_sec += seconds;
    }
    request->wait_news = bpa_long_poll_news(request->server->long_poll);
    return !atomic_load(&request->server->shutting_down) &&
           (now.tv_sec < request->wait_until.tv_sec || (now.tv_sec == request->wait_until.tv_sec &&
                                                        now.tv_nsec < request->wait_until.tv_nsec));
}

int bpa_wait_park(struct bpa_request *request)
{
    request->park = true;
    return MHD_YES;
}

/* On the event loop's thread: the single read is done. A read that failed
 * (the pipeline's connection dropped, say) is run again by a worker, which
 * answers what the database says. */
static void read_done(void *context, enum bpa_db_status status, char *value)
{
    struct bpa_request *request = context;
    if (status == BPA_DB_OK)
        request->route->read->answer(request, value);
    free(value);
    if (status != BPA_DB_OK && bpa_worker_pool_submit(request->server->workers, work, request) == 0)
        return;
    if (status != BPA_DB_OK)
        bpa_reply_error(request, BPA_ERR_SERVER_BUSY, NULL, NULL);
    MHD_resume_connection(request->connection);
}

/* The last call for a request: the body is in. Routes that need no
 * database run here; a single read of a caller the daemon remembers goes
 * to the read pipeline; the rest go to a worker. */
static int dispatch(struct bpa_request *request)
{
    if (request->upload_error != BPA_ERR_COUNT)
        return bpa_reply_error(request, request->upload_error, NULL, NULL);
    if (request->body_len) {
        json_error_t parse;
        request->json = json_loadb(request->body, request->body_len,
                                   JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &parse);
        if (!request->json)
            return reply_malformed_json(request, &parse);
    }
    const struct bpa_route *route = request->route;
    if ((route->flags & BPA_ROUTE_PUBLIC) && !(route->flags & BPA_ROUTE_NEEDS_DB))
        return route->handler(request);
    struct bpa_server *server = request->server;
    bool pipelined = route->read && request->loop->reads && bpa_access_remembered(request);
    if (pipelined) {
        enum bpa_error refused = admit(request);
        if (refused != BPA_ERR_COUNT)
            return bpa_reply_error(request, refused, NULL, NULL);
    }
    /* Suspended before another thread can resume it. */
    MHD_suspend_connection(request->connection);
    request->suspended = true;
    if (pipelined && route->read->start(request, request->loop->reads, read_done))
        return MHD_YES;
    if (bpa_worker_pool_submit(server->workers, work, request) != 0) {
        request->suspended = false;
        MHD_resume_connection(request->connection);
        return bpa_reply_error(request, BPA_ERR_SERVER_BUSY, NULL, NULL);
    }
    return MHD_YES;
}

/* The first call for a request: only its headers are known. */
static int begin(struct bpa_server *server, struct bpa_request *request)
{
    char allow[64];
    if (framing_is_ambiguous(request->connection))
        return bpa_reply_error(request, BPA_ERR_MALFORMED_REQUEST, NULL, NULL);
    switch (bpa_router_match(server->routes, server->route_count, request->method, request->path,
                             &request->route_index, &request->params, allow, sizeof allow)) {
    case BPA_ROUTE_NOT_FOUND:
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
    case BPA_ROUTE_METHOD_NOT_ALLOWED:
        return reply_method_not_allowed(request, allow);
    case BPA_ROUTE_FOUND:
        break;
    }
    request->route = &server->routes[request->route_index];
    enum bpa_error refused = check_body_headers(request);
    if (refused != BPA_ERR_COUNT)
        return bpa_reply_error(request, refused, NULL, NULL);
    return MHD_YES;
}

/* Every line of header `name`, joined with ", " in the order received:
 * a proxy may add its own line after one a client sent, and the client's
 * must not be the only one read. */
struct header_lines {
    const char *name;
    char *joined; /* NULL when the header is absent */
    size_t len;
};

static enum MHD_Result join_line(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
    (void)kind;
    struct header_lines *h = cls;
    if (!key || !value || strcasecmp(key, h->name) != 0)
        return MHD_YES;
    size_t add = strlen(value);
    char *grown = realloc(h->joined, h->len + add + 3);
    if (!grown)
        return MHD_NO; /* keeps what was joined so far */
    if (h->joined)
        memcpy(grown + h->len, ", ", 2), h->len += 2;
    memcpy(grown + h->len, value, add + 1);
    h->len += add;
    h->joined = grown;
    return MHD_YES;
}

static char *header_lines(struct MHD_Connection *connection, const char *name)
{
    struct header_lines h = {.name = name};
    MHD_get_connection_values(connection, MHD_HEADER_KIND, join_line, &h);
    return h.joined;
}

/* The client's address, and whether it used TLS: from the peer, or from
 * what a trusted proxy says (client_address.h). */
static void identify_client(const struct bpa_server *server, struct bpa_request *request)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(request->connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *peer = info ? info->client_addr : NULL;
    if (!server->proxies || !bpa_trusted_proxies_any(server->proxies)) {
        bpa_client_address(NULL, peer, NULL, NULL, NULL, request->client_address, &request->https);
        return;
    }
    char *forwarded_for = header_lines(request->connection, "X-Forwarded-For");
    char *forwarded = header_lines(request->connection, "Forwarded");
    char *proto = header_lines(request->connection, "X-Forwarded-Proto");
    bpa_client_address(server->proxies, peer, forwarded_for, forwarded, proto,
                       request->client_address, &request->https);
    free(forwarded_for);
    free(forwarded);
    free(proto);
}

static struct bpa_deadline *connection_deadline(struct MHD_Connection *connection)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? info->socket_context : NULL;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *connection, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **context)
{
    (void)version;
    struct bpa_event_loop *loop = cls;
    struct bpa_server *server = loop->server;
    struct bpa_request *request = *context;
    if (!request) {
        request = calloc(1, sizeof *request);
        if (!request)
            return MHD_NO;
        *context = request;
        clock_gettime(CLOCK_MONOTONIC, &request->started);
        request->server = server;
        request->loop = loop;
        request->connection = connection;
        request->method = method;
        request->path = url;
        request->route_index = server->route_count;
        request->upload_error = BPA_ERR_COUNT;
        bpa_request_id_choose(
            MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "X-Request-Id"), request->id);
        identify_client(server, request);
        pthread_mutex_lock(&server->lock);
        server->in_flight++;
        pthread_mutex_unlock(&server->lock);
        if (begin(server, request) == MHD_NO && !request->response)
            return MHD_NO;
        return request->response ? send_reply(request) : MHD_YES;
    }
    if (request->suspended) { /* resumed: the worker or the pipeline is done */
        request->suspended = false;
        return request->response ? send_reply(request) : MHD_NO;
    }
    if (request->status) {
        *upload_data_size = 0; /* answered from the headers; the body is dropped */
        return MHD_YES;
    }
    if (*upload_data_size) {
        receive_chunk(request, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    bpa_deadline_request_received(server->deadlines, connection_deadline(connection));
    int rc = dispatch(request);
    if (request->suspended)
        return MHD_YES;
    if (request->response)
        return send_reply(request);
    return (enum MHD_Result)rc;
}

/* One line per request, written by hand: the busiest line of the log,
 * which built with jansson took a tenth of the event loop's time. A
 * decoded path need not be UTF-8 and must never drop a request out of the
 * log: bpa_log_quote makes such bytes '?'. */
static void log_request(const struct bpa_request *request, enum MHD_RequestTerminationCode how,
                        double seconds)
{
    if (!bpa_log_enabled(BPA_LOG_INFO))
        return;
    char id[2 * BPA_REQUEST_ID_MAX + 3], method[64], path[1024], client[2 * 46 + 3];
    bpa_log_quote(id, sizeof id, request->id);
    bpa_log_quote(method, sizeof method, request->method);
    bpa_log_quote(path, sizeof path, request->path);
    bpa_log_quote(client, sizeof client, request->client_address);
    /* who: "role:id" (the account, or the portal's API key), never a secret */
    const struct bpa_principal *who = &request->principal;
    char principal[64] = "";
    if (who->role != BPA_ROLE_ANONYMOUS)
        snprintf(principal, sizeof principal, ",\"principal\":\"%s:%lld\"",
                 bpa_role_name(who->role), who->id);
    char members[1536];
    snprintf(members, sizeof members,
             "\"request_id\":%s,\"method\":%s,\"path\":%s,\"route\":\"%s\",\"status\":%u,"
             "\"duration_ms\":%.3f%s,\"client\":%s%s",
             id, method, path, request->route ? request->route->pattern : "unmatched",
             request->status, seconds * 1000.0, principal, client,
             how != MHD_REQUEST_TERMINATED_COMPLETED_OK ? ",\"aborted\":true" : "");
    bpa_log_members(BPA_LOG_INFO, "request", members);
}

static void on_completed(void *cls, struct MHD_Connection *connection, void **context,
                         enum MHD_RequestTerminationCode how)
{
    struct bpa_server *server = ((struct bpa_event_loop *)cls)->server;
    struct bpa_request *request = *context;
    if (!request)
        return;
    double seconds = seconds_since(&request->started);
    bpa_deadline_reply_done(server->deadlines, connection_deadline(connection));
    log_request(request, how, seconds);
    /* the daemon's time: a long poll's wait for news is the caller's choice */
    double working = seconds > request->waited ? seconds - request->waited : 0;
    bpa_metrics_observe(server->metrics, request->route_index, request->status, working);
    if (request->response)
        MHD_destroy_response(request->response);
    json_decref(request->json);
    free(request->body);
    free(request);
    *context = NULL;
    pthread_mutex_lock(&server->lock);
    if (--server->in_flight == 0)
        pthread_cond_broadcast(&server->idle);
    pthread_mutex_unlock(&server->lock);
}

/* A connection opened or closed: its request deadline starts or ends. */
static void on_connection(void *cls, struct MHD_Connection *connection, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    struct bpa_server *server = ((struct bpa_event_loop *)cls)->server;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
        *socket_context = info ? bpa_deadline_open(server->deadlines, info->connect_fd) : NULL;
    } else {
        bpa_deadline_close(server->deadlines, *socket_context);
        *socket_context = NULL;
    }
}

static void on_mhd_error(void *cls, const char *format, va_list args)
{
    (void)cls;
    char message[512];
    vsnprintf(message, sizeof message, format, args);
    message[strcspn(message, "\n")] = '\0';
    bpa_log(BPA_LOG_WARN, "http_error", json_pack("{s:s}", "message", message));
}

/* Thousands of connections need thousands of descriptors: take what the
 * hard limit allows. */
static void raise_descriptor_limit(void)
{
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

/* The listening socket every event loop accepts from. -1 with a reason. */
static int open_listener(const struct bpa_config *config, char *error, size_t error_size,
                         bool *ipv6)
{
    struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE,
                             .ai_socktype = SOCK_STREAM};
    struct addrinfo *address = NULL;
    char port[8];
    snprintf(port, sizeof port, "%lu", config->port);
    int gai = getaddrinfo(config->listen_address, port, &hints, &address);
    if (gai != 0) {
        snprintf(error, error_size, "listen address '%s': %s", config->listen_address,
                 gai_strerror(gai));
        return -1;
    }
    int one = 1;
    /* non-blocking: several loops accept from it, and one may find the
     * connection already taken by another */
    int fd = socket(address->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, address->ai_addr, address->ai_addrlen) != 0 || listen(fd, 1024) != 0) {
        snprintf(error, error_size, "cannot listen on %s port %lu: %s", config->listen_address,
                 config->port, strerror(errno));
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    *ipv6 = address->ai_family == AF_INET6;
    freeaddrinfo(address);
    return fd;
}

/* Each loop takes its share of the connection limits. */
static unsigned share(unsigned long limit, unsigned loops)
{
    return (unsigned)((limit + loops - 1) / loops);
}

static struct MHD_Daemon *start_daemon(struct bpa_event_loop *loop, int listener, bool ipv6)
{
    const struct bpa_config *config = loop->server->config;
    unsigned loops = (unsigned)config->http_threads;
    unsigned flags = MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC | MHD_USE_TURBO |
                     MHD_USE_ERROR_LOG | (ipv6 ? MHD_USE_IPv6 : 0);
    return MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, loop, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_error,
        NULL, /* first, to catch every message */
        MHD_OPTION_LISTEN_SOCKET, listener, MHD_OPTION_CONNECTION_LIMIT,
        share(config->max_connections, loops), MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        share(config->max_connections_per_address, loops), MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)config->keepalive_s, MHD_OPTION_NOTIFY_CONNECTION, on_connection, loop,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, loop, MHD_OPTION_END);
}

/* Ends the loops' threads; a read their pipelines still hold fails over
 * to a worker. */
static void stop_loop_threads(struct bpa_server *server)
{
    for (unsigned i = 0; i < server->loop_count; i++)
        bpa_event_loop_stop(&server->loops[i]);
    for (unsigned i = 0; i < server->loop_count; i++)
        bpa_event_loop_free(&server->loops[i]);
}

/* Stops the daemons, closing the connections that are left, then the
 * listening socket they shared. */
static void stop_daemons(struct bpa_server *server)
{
    for (unsigned i = 0; i < server->loop_count; i++) {
        struct MHD_Daemon *daemon = server->loops[i].daemon;
        if (daemon) {
            MHD_quiesce_daemon(daemon); /* or it would close the shared listener */
            MHD_stop_daemon(daemon);
        }
    }
    if (server->listen_fd >= 0)
        close(server->listen_fd);
    server->listen_fd = -1;
    free(server->loops);
    server->loops = NULL;
    server->loop_count = 0;
}

int bpa_http_start(struct bpa_server *server, char *error, size_t error_size)
{
    const struct bpa_config *config = server->config;
    raise_descriptor_limit();
    bool ipv6;
    server->listen_fd = open_listener(config, error, error_size, &ipv6);
    if (server->listen_fd < 0)
        return -1;
    server->workers = bpa_worker_pool_start((unsigned)config->workers);
    server->deadlines =
        bpa_deadlines_start((unsigned)config->request_deadline_s, (unsigned)config->keepalive_s);
    server->long_poll = bpa_long_poll_start(config->database_url, wake_parked);
    server->loops = calloc(config->http_threads, sizeof *server->loops);
    if (!server->workers || !server->deadlines || !server->long_poll || !server->loops) {
        snprintf(error, error_size, "cannot start the worker threads");
        goto fail;
    }
    for (; server->loop_count < config->http_threads; server->loop_count++) {
        struct bpa_event_loop *loop = &server->loops[server->loop_count];
        if (bpa_event_loop_prepare(loop, server, config->database_url) != 0) {
            snprintf(error, error_size, "cannot start an event loop: %s", strerror(errno));
            goto fail;
        }
        if (!(loop->daemon = start_daemon(loop, server->listen_fd, ipv6)) ||
            bpa_event_loop_start(loop) != 0) {
            server->loop_count++; /* prepared: to be freed */
            snprintf(error, error_size, "cannot serve on %s port %lu: %s", config->listen_address,
                     config->port, errno ? strerror(errno) : "libmicrohttpd refused to start");
            goto fail;
        }
    }
    return 0;
fail:
    stop_loop_threads(server);
    bpa_long_poll_stop(server->long_poll);
    server->long_poll = NULL;
    bpa_worker_pool_stop(server->workers);
    stop_daemons(server);
    bpa_deadlines_stop(server->deadlines);
    server->workers = NULL;
    server->deadlines = NULL;
    return -1;
}

void bpa_http_stop(struct bpa_server *server)
{
    atomic_store(&server->shutting_down, true);
    /* No loop accepts any more, and the port is closed; requests in flight
     * go on. */
    for (unsigned i = 0; i < server->loop_count; i++)
        bpa_event_loop_quiesce(&server->loops[i]);
    close(server->listen_fd);
    server->listen_fd = -1;
    /* Long polls answer what they have now, not at the end of their wait. */
    bpa_long_poll_close(server->long_poll);

    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += (time_t)server->config->shutdown_timeout_s;
    pthread_mutex_lock(&server->lock);
    if (server->in_flight)
        bpa_log(BPA_LOG_INFO, "draining", json_pack("{s:i}", "in_flight", server->in_flight));
    while (server->in_flight &&
           pthread_cond_timedwait(&server->idle, &server->lock, &deadline) != ETIMEDOUT)
        ;
    if (server->in_flight)
        bpa_log(BPA_LOG_WARN, "drain_timeout", json_pack("{s:i}", "in_flight", server->in_flight));
    pthread_mutex_unlock(&server->lock);
    /* The workers finish what they hold and resume those connections; the
     * loops stop (a read their pipelines still hold goes to a worker too,
     * before the workers stop), closing what is left; then nothing opens or
     * closes connections any more. */
    stop_loop_threads(server);
    bpa_long_poll_stop(server->long_poll);
    bpa_worker_pool_stop(server->workers);
    stop_daemons(server);
    bpa_deadlines_stop(server->deadlines);
    server->long_poll = NULL;
    server->workers = NULL;
    server->deadlines = NULL;
}
