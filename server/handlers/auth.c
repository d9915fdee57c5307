/* /v1/auth: logging in and out with e-mail and password, and who am I.
 * Unknown accounts and wrong passwords get the same answer after the same
 * work (a password check against a dummy hash); failures are throttled per
 * account and per client address. */
#include "access.h"
#include "credential_cache.h"
#include "handlers.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void client_address(struct bpa_request *request, char out[INET6_ADDRSTRLEN])
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(request->connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    strcpy(out, "unknown");
    if (!info || !info->client_addr)
        return;
    const struct sockaddr *a = info->client_addr;
    if (a->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)a)->sin_addr, out,
                  INET6_ADDRSTRLEN);
    else if (a->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)a)->sin6_addr, out,
                  INET6_ADDRSTRLEN);
}

/* Seconds until `subject` may try again, or 0 when it is under `limit`. */
static enum bpa_db_status throttled(struct bpa_request *request, const char *subject,
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

static enum bpa_db_status record_failure(struct bpa_request *request, const char *subject)
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
    enum bpa_db_status status = record_failure(request, account_subject);
    if (status == BPA_DB_OK)
        status = record_failure(request, address_subject);
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

/* The session, the cleared failures and the audit row together: a session
 * without its audit row is never left behind. */
static enum bpa_db_status start_session(struct bpa_db_conn *conn, void *context)
{
    struct session_start *s = context;
    free(s->expires); /* from an attempt that was rolled back */
    s->expires = NULL;
    const char *session[] = {s->token_hash, s->account, s->lifetime};
    enum bpa_db_status status = bpa_db_call(conn, "session_create", 3, session, &s->expires);
    if (status == BPA_DB_OK)
        status = bpa_db_call(conn, "login_failures_clear", 1,
                             (const char *const[]){s->account_subject}, NULL);
    if (status == BPA_DB_OK)
        status = bpa_access_audit(conn, s->request, "login", "account", s->account, NULL);
    return status;
}

int bpa_handle_login(struct bpa_request *request)
{
    const struct bpa_config *config = request->server->config;
    json_t *details = json_array();
    struct credentials c;
    if (!read_credentials(request, &c, details))
        return bpa_reply_error(request, BPA_ERR_VALIDATION_FAILED, NULL, details);
    json_decref(details);

    char address[INET6_ADDRSTRLEN], account_subject[280], address_subject[80];
    client_address(request, address);
    snprintf(account_subject, sizeof account_subject, "account:%s", c.email);
    snprintf(address_subject, sizeof address_subject, "address:%s", address);
    unsigned retry_after = 0;
    enum bpa_db_status status =
        throttled(request, account_subject, config->login_max_failures, &retry_after);
    if (status == BPA_DB_OK && !retry_after)
        status = throttled(request, address_subject, config->login_max_failures_per_address,
                           &retry_after);
    if (status != BPA_DB_OK)
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    if (retry_after) {
        request->reply_retry_after = retry_after;
        return bpa_reply_error(request, BPA_ERR_TOO_MANY_ATTEMPTS, NULL, NULL);
    }

    char *found = NULL;
    const char *email = c.email;
    status = bpa_db_call(request->db, "account_by_email", 1, &email, &found);
    json_t *account = found ? json_loads(found, 0, NULL) : NULL;
    free(found);
    if (status != BPA_DB_OK) {
        json_decref(account);
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    }
    const char *hash = json_string_value(json_object_get(account, "password_hash"));
    bool usable = account && !json_is_true(json_object_get(account, "disabled"));
    /* The same work whether or not the account exists. */
    bool matches =
        bpa_password_verify(usable ? hash : request->server->dummy_password_hash, c.password) &&
        usable;
    long long account_id = json_integer_value(json_object_get(account, "id"));
    if (!matches) {
        json_decref(account);
        return refuse_login(request, account_subject, address_subject, account_id);
    }

    char id[24], lifetime[24], token[BPA_TOKEN_SIZE], token_hash[BPA_TOKEN_HASH_SIZE];
    snprintf(id, sizeof id, "%lld", account_id);
    snprintf(lifetime, sizeof lifetime, "%lu", config->session_lifetime_s);
    const struct bpa_password_limits limits = {config->password_opslimit,
                                               (size_t)config->password_memlimit_kib * 1024};
    if (bpa_password_needs_rehash(hash, &limits)) {
        char rehashed[crypto_pwhash_STRBYTES];
        if (bpa_password_hash(c.password, &limits, rehashed) == 0) {
            const char *params[] = {id, rehashed};
            status = bpa_db_call(request->db, "account_set_hash", 2, params, NULL);
        }
    }
    bpa_token_new(BPA_SESSION_PREFIX, token);
    bpa_token_hash(token, token_hash);
    struct session_start start = {request, token_hash, id, lifetime, account_subject, NULL};
    request->principal.id = account_id; /* the audit row's actor */
    if (status == BPA_DB_OK)
        status = bpa_db_transaction(request->db, BPA_DB_READ_COMMITTED, start_session, &start);
    char *expires = start.expires;
    json_t *principal =
        json_pack("{s:O, s:I, s:O}", "role", json_object_get(account, "role"), "account_id",
                  (json_int_t)account_id, "employer_id", json_object_get(account, "employer_id"));
    json_decref(account);
    int rc;
    if (status != BPA_DB_OK || !expires) {
        json_decref(principal);
        rc = bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    } else {
        rc = bpa_reply_json(request, 200,
                            json_pack("{s:s, s:s, s:s, s:I, s:o}", "token", token, "token_type",
                                      "Bearer", "expires_at", expires, "idle_timeout_seconds",
                                      (json_int_t)config->session_idle_s, "principal", principal));
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
    return bpa_reply_empty(request, 204);
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
    }
    return bpa_reply_json(request, 200, me);
}
