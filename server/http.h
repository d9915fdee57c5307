/* The libmicrohttpd glue: the server's state, the request context a
 * handler gets, and the reply helpers. Every reply carries X-Request-Id;
 * every error uses the envelope of errors.h. */
#ifndef BPA_HTTP_H
#define BPA_HTTP_H

#include "config.h"
#include "match_index.h"
#include "rate_limit.h"
#include "db/db.h"
#include "db/migrate.h"
#include "errors.h"
#include "metrics.h"
#include "request_id.h"
#include "router.h"

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

enum bpa_role { BPA_ROLE_ANONYMOUS, BPA_ROLE_COORDINATOR, BPA_ROLE_EMPLOYER, BPA_ROLE_PORTAL };

/* The caller, once authenticated (access.c). */
struct bpa_principal {
    enum bpa_role role;
    long long id;          /* the account, or the portal's API key */
    long long employer_id; /* employer users */
    long long portal_id;   /* portals */
    long long rate_limit;  /* requests per minute; 0: the default */
    char session_hash[67]; /* the session token's hash, for logout */
};

struct MHD_Connection;
struct bpa_event_loop;
struct bpa_trusted_proxies; /* client_address.h */
struct bpa_worker_pool;
struct bpa_deadlines;
struct bpa_credential_cache;
struct bpa_rate_limits;

struct bpa_server {
    const struct bpa_config *config;
    struct bpa_db_pool *pool;
    const struct bpa_migrations *migrations;
    const char *dummy_password_hash; /* verified for unknown accounts: equal timing */
    struct bpa_match_rules rules;
    struct bpa_match_index *index;
    struct bpa_metrics *metrics;
    const struct bpa_route *routes;
    size_t route_count;
    struct bpa_trusted_proxies *proxies; /* whose forwarded headers are believed */
    int listen_fd;
    struct bpa_event_loop *loops; /* read requests, write replies, run single reads */
    unsigned loop_count;
    struct bpa_worker_pool *workers;          /* run the handlers that use the database */
    struct bpa_deadlines *deadlines;          /* for receiving requests */
    struct bpa_credential_cache *credentials; /* NULL: every request asks the database */
    struct bpa_rate_limits *limits;           /* request budgets */
    struct bpa_long_poll *long_poll;          /* requests waiting for the change feed */
    pthread_mutex_t lock;
    pthread_cond_t idle;
    unsigned in_flight; /* requests between their headers and their last byte sent */
    atomic_bool shutting_down;
};

/* One request, from its headers to its completion. Strings borrowed from
 * libmicrohttpd live as long as the request. */
struct bpa_request {
    struct bpa_server *server;
    struct MHD_Connection *connection;
    const char *method;
    const char *path;
    char id[BPA_REQUEST_ID_MAX + 1];
    struct timespec started;
    const struct bpa_route *route; /* NULL when no route matched */
    size_t route_index;            /* route_count when no route matched */
    struct bpa_route_params params;
    char *body; /* the raw body, owned */
    size_t body_len;
    enum bpa_error upload_error; /* BPA_ERR_COUNT, or the error to answer once the body is in */
    json_t *json;                /* the parsed body (owned), NULL when there was none */
    struct bpa_db_conn *db;      /* for BPA_ROUTE_NEEDS_DB routes, during the handler */
    struct bpa_principal principal;
    char client_address[46]; /* the peer, or the client a trusted proxy names (INET6_ADDRSTRLEN) */
    bool https;              /* a trusted proxy says the client used TLS */
    bool cookie_session;     /* authenticated by the console's session cookie */
    unsigned status;         /* the status answered, for the log and metrics */
    struct MHD_Response *response; /* the reply, made by a handler, until it is queued */
    bool suspended;                /* while a worker or the read pipeline has the request */
    struct bpa_event_loop *loop;   /* serving it */
    /* extra headers of the next reply, when set (borrowed) */
    const char *reply_etag;
    const char *reply_location;
    const char *reply_csp;           /* Content-Security-Policy */
    const char *reply_cache_control; /* NULL: no-store */
    const char *reply_cookie;        /* Set-Cookie */
    const char *reply_disposition;   /* Content-Disposition */
    unsigned reply_retry_after;      /* seconds, for 429 */
    bool replayed;                 /* the reply repeats a stored first response (Idempotency-Key) */
    struct bpa_rate_decision rate; /* limit 0: no budget applies (RateLimit-* headers otherwise) */
    /* long polling (bpa_wait_begin) */
    struct timespec wait_until; /* CLOCK_MONOTONIC; tv_sec 0 until a wait begins */
    uint64_t wait_news;         /* the news seen before the handler last looked */
    bool park;                  /* the handler found nothing yet: park it, no reply */
    bool woken;                 /* parked and woken: show the credential again */
    struct timespec parked_at;  /* CLOCK_MONOTONIC, when last parked */
    double waited;              /* seconds parked, left out of the latency metric */
};

/* A route whose answer takes one read and no write can be answered
 * without a worker when the caller's credential is remembered (http.c):
 * `start` begins the read on the pipeline (with the request as the
 * context of `done`), or returns false to leave the request to the route's
 * handler; `answer` makes the reply from the value read (NULL: no row), on
 * the event loop's thread. */
struct bpa_single_read {
    bool (*start)(struct bpa_request *request, struct bpa_db_pipeline *pipeline,
                  bpa_db_read_done done);
    int (*answer)(struct bpa_request *request, const char *value);
};

/* Long polling. A handler that may hold its request until there is news
 * calls bpa_wait_begin before it looks (it returns whether the request may
 * still wait: `seconds` is not 0, the wait begun on the first run has not
 * ended and the daemon is not stopping), and, when it found nothing and may
 * wait, returns bpa_wait_park instead of a reply. The request then holds no
 * worker and no database connection until news for the caller arrives,
 * its wait ends or the daemon stops; then the handler runs again. */
bool bpa_wait_begin(struct bpa_request *request, unsigned seconds);
int bpa_wait_park(struct bpa_request *request);

/* Replies. A handler makes one; the event loop sends it. Each returns the
 * libmicrohttpd result the handler returns. */
int bpa_reply_json(struct bpa_request *request, unsigned status, json_t *body /* stolen */);
/* The same for JSON already written out (stolen), by bpa_json_text. */
int bpa_reply_json_text(struct bpa_request *request, unsigned status, char *text);
/* A value as replies write it (malloc'd; NULL when out of memory). */
char *bpa_json_text(const json_t *value);
int bpa_reply_error(struct bpa_request *request, enum bpa_error error,
                    const char *message /* NULL: the table's */, json_t *details /* stolen */);
int bpa_reply_empty(struct bpa_request *request, unsigned status);
int bpa_reply_text(struct bpa_request *request, unsigned status, const char *content_type,
                   const char *text, size_t len /* copied */);
/* The same for bytes that live as long as the program (not copied). */
int bpa_reply_static(struct bpa_request *request, unsigned status, const char *content_type,
                     const void *bytes, size_t len);

/* The error a database status stands for, when it is not OK. */
enum bpa_error bpa_error_from_db(enum bpa_db_status status);

/* Starts serving on the configured address. 0, or -1 with a reason. */
int bpa_http_start(struct bpa_server *server, char *error, size_t error_size);

/* Stops accepting, lets requests in flight finish (up to the configured
 * shutdown timeout), then stops. */
void bpa_http_stop(struct bpa_server *server);

#endif
