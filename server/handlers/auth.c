/* /v1/auth: logging in and out with e-mail and password, and who am I.
 * Unknown accounts and wrong passwords get the same answer after the same
 * work (a password check against a dummy hash); failures are throttled per
 * account and per client address (request->client_address: the peer, or
 * the client a trusted proxy names); and only a few password checks run at
 * once, so that a flood of logins cannot take every worker. */
#include "access.h"
#include "credential_cache.h"
#include "handlers.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- at most a few password hashes at once ----
 *
 * A login costs an argon2id hash: about 0.1 s of a core and 64 MiB with
 * the default limits, on a worker thread that also holds a database
 * connection. Workers are few (--workers, 8 by default, sized to the
 * database pool), so 40 clients posting logins as fast as they are
 * answered would hold every worker, and every other route would queue
 * behind them. The throttle tables do not help when a flood comes from
 * many addresses and accounts, or uses a right password.
 *
 * So a gate. At most `slots` logins hash at once, and at most `room` more
 * are let in to check the throttle tables and wait for a slot (for at most
 * HASH_WAIT_MS). Every other login is answered 429 `rate_limited`
 * with Retry-After at once, before the database is asked anything: a
 * flood's surplus costs no query, holds a worker only for that answer,
 * and is neither hashed nor counted as a failure. Logins thus hold at
 * most half the workers; the other half, and most of the cores, stay free
 * for everything else, whatever the size of the flood. A throttled client
 * still gets its own 429 (too_many_attempts) and never hashes.
 *
 * The numbers: slots = max(1, min(workers / 4, cores / 2)) and room =
 * max(1, workers / 4). More hashes at once would not check more passwords
 * a second once the cores are busy, only take the cores from every other
 * request, and 64 MiB each (measured on two cores under a flood of 40
 * clients: with two slots instead of one the normal client's median went
 * from 19 to 29 ms and its worst from 74 to 247 ms). A login let in holds
 * a worker as surely as a hashing one, so the room is a quarter of the
 * workers and the wait short: a waiter's turn comes after a hash or two.
 * A few people logging in at one moment still get through; a flood gets
 * mostly cheap 429s. (With fewer than 8 workers, logins may hold two.)
 *
 * The worker keeps its database connection across the hash: giving it
 * back and taking another would need http.c to accept a handler that may
 * end without one, and with workers sized to the pool and the gate
 * bounding logins to half of them, no other request waits for the
 * connections logins hold. The gate is per process (one daemon each). */
#define HASH_WAIT_MS      500
#define HASH_BUSY_RETRY_S 1

static struct {
    pthread_once_t once;
    pthread_mutex_t lock;
    pthread_cond_t freed;
    unsigned cores;
    unsigned hashing; /* logins hashing now */
    unsigned pending; /* logins let in, checking the tables or waiting for a slot */
} gate = {.once = PTHREAD_ONCE_INIT};

static void gate_init(void)
{
    pthread_mutex_init(&gate.lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC); /* a clock step must not stretch a wait */
    pthread_cond_init(&gate.freed, &attr);
    pthread_condattr_destroy(&attr);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    gate.cores = cores > 0 ? (unsigned)cores : 1;
}

struct gate_size {
    unsigned slots; /* hashes at once */
    unsigned room;  /* logins let in besides */
};

static struct gate_size gate_size(const struct bpa_config *config)
{
    pthread_once(&gate.once, gate_init);
    unsigned long quarter = config->workers / 4 ? config->workers / 4 : 1;
    unsigned long slots = quarter < gate.cores / 2 ? quarter : gate.cores / 2;
    return (struct gate_size){slots ? (unsigned)slots : 1, (unsigned)quarter};
}

/* Lets a login in (true; then gate_enter or gate_cancel), unless as many
 * as may hash and wait already are in. */
static bool gate_reserve(struct gate_size size)
{
    pthread_mutex_lock(&gate.lock);
    bool room = gate.hashing + gate.pending < size.slots + size.room;
    if (room)
        gate.pending++;
    pthread_mutex_unlock(&gate.lock);
    return room;
}

static void gate_cancel(void)
{
    pthread_mutex_lock(&gate.lock);
    gate.pending--;
    pthread_mutex_unlock(&gate.lock);
}

/* Waits for a slot: true when the caller may hash now (then gate_leave
 * afterwards); false when none freed in time. */
static bool gate_enter(unsigned slots)
{
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_nsec += (long)HASH_WAIT_MS * 1000000L;
    deadline.tv_sec += deadline.tv_nsec / 1000000000L;
    deadline.tv_nsec %= 1000000000L;

    pthread_mutex_lock(&gate.lock);
    int waited = 0;
    while (gate.hashing >= slots && waited != ETIMEDOUT)
        waited = pthread_cond_timedwait(&gate.freed, &gate.lock, &deadline);
    gate.pending--;
    bool admitted = gate.hashing < slots;
    if (admitted)
        gate.hashing++;
    pthread_mutex_unlock(&gate.lock);
    return admitted;
}

static void gate_leave(void)
{
    pthread_mutex_lock(&gate.lock);
    gate.hashing--;
    pthread_cond_broadcast(&gate.freed); /* waiters are few; each rechecks */
    pthread_mutex_unlock(&gate.lock);
}

static int reply_gate_full(struct bpa_request *request)
{
    request->reply_retry_after = HASH_BUSY_RETRY_S;
    return bpa_reply_error(request, BPA_ERR_RATE_LIMITED,
                           "too many logins are being checked at once; try again shortly", NULL);
}

/* Seconds until `subject` may try again, or 0 when it is under `limit`. */
enum bpa_db_status bpa_login_throttled(struct bpa_request *request, const char *subject,
                                       unsigned long limit, unsigned *retry_after)
{
    char window[24], *found = NULL;
    snprintf(window, sizeof window, "%lu", request->server->config->login_window_s);
    const char *params[] = {subject, window};
    enum bpa_db_status status = bpa_db_call(request->db, "login_failures", 2, params, &found);
    json_t *doc = found ? json_loads(found, 0, NULL) : NULL;
    free(found);
    if (doc && (unsigned long)json_integer_value(json_object_get(doc, "count")) >= limit) {
        long long seconds = (long long)json_number_value(json_object_get(doc, "retry_after"));
        *retry_after = seconds > 0 ? (unsigned)seconds : 1;
    }
    json_decref(doc);
    return status;
}

enum bpa_db_status bpa_login_failure_record(struct bpa_request *request, const char *subject)
{
    char window[24];
    snprintf(window, sizeof window, "%lu", request->server->config->login_window_s);
    const char *params[] = {subject, window};
    return bpa_db_call(request->db, "login_failure_record", 2, params, NULL);
}

struct credentials {
    char email[256];
    const char *password; /* borrowed from the body; never logged or stored */
};

static bool read_credentials(struct bpa_request *request, struct credentials *c, json_t *details)
{
    const json_t *body = request->json;
    const char *email = json_string_value(json_object_get(body, "email"));
    c->password = json_string_value(json_object_get(body, "password"));
    if (!json_is_object(body))
        bpa_field_problem(details, "body", "must be a JSON object {email, password}");
    else if (!email || !*email || strlen(email) > 254)
        bpa_field_problem(details, "email", "is required: an e-mail address");
    if (json_is_object(body) && (!c->password || !*c->password || strlen(c->password) > 1024))
        bpa_field_problem(details, "password", "is required");
    if (json_array_size(details))
        return false;
    size_t i = 0;
    for (; email[i]; i++)
        c->email[i] = (char)tolower((unsigned char)email[i]);
    c->email[i] = '\0';
    return true;
}

static int refuse_login(struct bpa_request *request, const char *account_subject,
                        const char *address_subject, long long account_id)
{
    enum bpa_db_status status = bpa_login_failure_record(request, account_subject);
    if (status == BPA_DB_OK)
        status = bpa_login_failure_record(request, address_subject);
    if (status == BPA_DB_OK) {
        request->principal.id = account_id; /* who was tried, for the audit row */
        status = bpa_access_audit(request->db, request, "login_failed", "account", NULL,
                                  json_pack("{s:s}", "email", account_subject + 8));
        request->principal.id = 0;
    }
    if (status != BPA_DB_OK)
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    return bpa_reply_error(request, BPA_ERR_INVALID_CREDENTIALS, NULL, NULL);
}

struct session_start {
    const struct bpa_request *request;
    const char *token_hash, *account, *lifetime, *account_subject;
    char *expires; /* out */
};

/* The client's address as the inet column takes it, or NULL. */
static const char *client_inet(const struct bpa_request *request)
{
    const char *address = request->client_address;
    return address[0] && strcmp(address, "unknown") != 0 ? address : NULL;
}

/* The session, the cleared failures and the audit row together: a session
 * without its audit row is never left behind. */
static enum bpa_db_status start_session(struct bpa_db_conn *conn, void *context)
{
    struct session_start *s = context;
    free(s->expires); /* from an attempt that was rolled back */
    s->expires = NULL;
    const char *session[] = {s->token_hash, s->account, s->lifetime, client_inet(s->request),
                             bpa_header(s->request, "User-Agent")};
    enum bpa_db_status status = bpa_db_call(conn, "session_create", 5, session, &s->expires);
    if (status == BPA_DB_OK && s->account_subject)
        status = bpa_db_call(conn, "login_failures_clear", 1,
                             (const char *const[]){s->account_subject}, NULL);
    if (status == BPA_DB_OK)
        status = bpa_access_audit(conn, s->request, "login", "account", s->account, NULL);
    return status;
}

/* Before the hash: the throttle tables, then the account (*account: its
 * row, or NULL when there is none). False when a reply was made instead
 * (its result in *rc). */
static bool before_hash(struct bpa_request *request, const char *email, const char *account_subject,
                        const char *address_subject, json_t **account, int *rc)
{
    const struct bpa_config *config = request->server->config;
    unsigned retry_after = 0;
    enum bpa_db_status status =
        bpa_login_throttled(request, account_subject, config->login_max_failures, &retry_after);
    if (status == BPA_DB_OK && !retry_after)
        status = bpa_login_throttled(request, address_subject,
                                     config->login_max_failures_per_address, &retry_after);
    if (status == BPA_DB_OK && retry_after) {
        request->reply_retry_after = retry_after;
        *rc = bpa_reply_error(request, BPA_ERR_TOO_MANY_ATTEMPTS, NULL, NULL);
        return false;
    }
    char *found = NULL;
    if (status == BPA_DB_OK)
        status = bpa_db_call(request->db, "account_by_email", 1, &email, &found);
    *account = found ? json_loads(found, 0, NULL) : NULL;
    free(found);
    if (status != BPA_DB_OK) {
        json_decref(*account);
        *account = NULL;
        *rc = bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
        return false;
    }
    return true;
}

/* The Set-Cookie value carrying `token` ("" ends the cookie). */
static void session_cookie(const struct bpa_request *request, const char *token,
                           unsigned long max_age, char *out, size_t size)
{
    snprintf(out, size, "%s=%s; Path=/; Max-Age=%lu; HttpOnly; SameSite=Strict%s",
             BPA_SESSION_COOKIE, token, max_age, request->https ? "; Secure" : "");
}

int bpa_handle_login(struct bpa_request *request)
{
    const struct bpa_config *config = request->server->config;
    /* A login from the console puts the session into an HttpOnly cookie,
     * never to the page's scripts. A page of another site cannot send the
     * console's header, but a cookie must not be set for a login another
     * site started. */
    if (bpa_request_names_console(request) && !bpa_request_from_console(request))
        return bpa_reply_error(request, BPA_ERR_CSRF_REFUSED, NULL, NULL);
    json_t *details = json_array();
    struct credentials c;
    if (!read_credentials(request, &c, details))
        return bpa_reply_error(request, BPA_ERR_VALIDATION_FAILED, NULL, details);
    json_decref(details);

    char account_subject[280], address_subject[80];
    snprintf(account_subject, sizeof account_subject, "account:%s", c.email);
    snprintf(address_subject, sizeof address_subject, "address:%s",
             request->client_address[0] ? request->client_address : "unknown");
    struct gate_size size = gate_size(config);
    if (!gate_reserve(size))
        return reply_gate_full(request);
    json_t *account = NULL;
    int rc;
    if (!before_hash(request, c.email, account_subject, address_subject, &account, &rc)) {
        gate_cancel();
        return rc;
    }
    const char *hash = json_string_value(json_object_get(account, "password_hash"));
    bool usable = account && !json_is_true(json_object_get(account, "disabled"));
    const struct bpa_password_limits limits = {config->password_opslimit,
                                               (size_t)config->password_memlimit_kib * 1024};
    if (!gate_enter(size.slots)) {
        json_decref(account);
        return reply_gate_full(request);
    }
    /* The same work whether or not the account exists. */
    bool matches =
        bpa_password_verify(usable ? hash : request->server->dummy_password_hash, c.password) &&
        usable;
    char rehashed[crypto_pwhash_STRBYTES];
    bool rehash = matches && bpa_password_needs_rehash(hash, &limits) &&
                  bpa_password_hash(c.password, &limits, rehashed) == 0;
    gate_leave();

    long long account_id = json_integer_value(json_object_get(account, "id"));
    if (!matches) {
        json_decref(account);
        return refuse_login(request, account_subject, address_subject, account_id);
    }
    /* told only to whoever knows the password: no address is revealed */
    if (!json_is_true(json_object_get(account, "email_confirmed"))) {
        json_decref(account);
        return bpa_reply_error(request, BPA_ERR_EMAIL_NOT_CONFIRMED, NULL, NULL);
    }
    enum bpa_db_status status = BPA_DB_OK;
    if (rehash) {
        char id[24];
        snprintf(id, sizeof id, "%lld", account_id);
        const char *params[] = {id, rehashed};
        status = bpa_db_call(request->db, "account_set_hash", 2, params, NULL);
    }
    rc = status == BPA_DB_OK ? bpa_reply_new_session(request, account, account_subject, 200)
                             : bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    json_decref(account);
    return rc;
}

int bpa_reply_new_session(struct bpa_request *request, const json_t *account,
                          const char *account_subject, unsigned status_code)
{
    const struct bpa_config *config = request->server->config;
    long long account_id = json_integer_value(json_object_get(account, "id"));
    char id[24], lifetime[24], token[BPA_TOKEN_SIZE], token_hash[BPA_TOKEN_HASH_SIZE];
    snprintf(id, sizeof id, "%lld", account_id);
    snprintf(lifetime, sizeof lifetime, "%lu", config->session_lifetime_s);
    int rc;
    bpa_token_new(BPA_SESSION_PREFIX, token);
    bpa_token_hash(token, token_hash);
    struct session_start start = {request, token_hash, id, lifetime, account_subject, NULL};
    request->principal.id = account_id; /* the audit row's actor */
    enum bpa_db_status status =
        bpa_db_transaction(request->db, BPA_DB_READ_COMMITTED, start_session, &start);
    char *expires = start.expires;
    json_t *principal =
        json_pack("{s:O, s:I, s:O}", "role", json_object_get(account, "role"), "account_id",
                  (json_int_t)account_id, "employer_id", json_object_get(account, "employer_id"));
    if (status != BPA_DB_OK || !expires) {
        json_decref(principal);
        rc = bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    } else {
        json_t *body = json_pack("{s:s, s:s, s:I, s:o}", "token_type", "Bearer", "expires_at",
                                 expires, "idle_timeout_seconds",
                                 (json_int_t)config->session_idle_s, "principal", principal);
        char cookie[BPA_TOKEN_SIZE + 128];
        if (bpa_request_names_console(request)) {
            session_cookie(request, token, config->session_lifetime_s, cookie, sizeof cookie);
            request->reply_cookie = cookie;
            json_object_set_new(body, "token_type", json_string("cookie"));
        } else {
            json_object_set_new(body, "token", json_string(token));
        }
        rc = bpa_reply_json(request, status_code, body);
        request->reply_cookie = NULL;
        sodium_memzero(cookie, sizeof cookie);
    }
    sodium_memzero(token, sizeof token);
    free(expires);
    return rc;
}

int bpa_handle_logout(struct bpa_request *request)
{
    if (!request->principal.session_hash[0])
        return bpa_reply_error(request, BPA_ERR_FORBIDDEN,
                               "API keys are revoked by the operator, not logged out", NULL);
    const char *hash = request->principal.session_hash;
    enum bpa_db_status status = bpa_db_call(request->db, "session_revoke", 1, &hash, NULL);
    if (status == BPA_DB_OK)
        status = bpa_access_audit(request->db, request, "logout", "account", NULL, NULL);
    if (status != BPA_DB_OK)
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    bpa_credential_cache_forget_all(request->server->credentials); /* others hear of it */
    char cookie[128];
    if (request->cookie_session) {
        session_cookie(request, "", 0, cookie, sizeof cookie);
        request->reply_cookie = cookie;
    }
    int rc = bpa_reply_empty(request, 204);
    request->reply_cookie = NULL;
    return rc;
}

int bpa_handle_me(struct bpa_request *request)
{
    const struct bpa_principal *p = &request->principal;
    json_t *me = json_pack("{s:s}", "role", bpa_role_name(p->role));
    if (p->role == BPA_ROLE_PORTAL) {
        json_object_set_new(me, "portal_id", json_integer(p->portal_id));
        json_object_set_new(me, "key_id", json_integer(p->id));
    } else {
        json_object_set_new(me, "account_id", json_integer(p->id));
        json_object_set_new(me, "employer_id",
                            p->employer_id ? json_integer(p->employer_id) : json_null());
        char id[24], *about = NULL;
        snprintf(id, sizeof id, "%lld", p->id);
        enum bpa_db_status status =
            bpa_db_call(request->db, "account_about", 1, (const char *const[]){id}, &about);
        json_t *facts = about ? json_loads(about, 0, NULL) : NULL;
        free(about);
        if (status != BPA_DB_OK || !facts) {
            json_decref(me);
            json_decref(facts);
            return bpa_reply_error(
                request, status != BPA_DB_OK ? bpa_error_from_db(status) : BPA_ERR_UNAUTHENTICATED,
                NULL, NULL);
        }
        json_object_update_new(me, facts); /* email, name, language */
    }
    return bpa_reply_json(request, 200, me);
}
