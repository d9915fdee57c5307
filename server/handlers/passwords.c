/* Forgotten and changed passwords, and one's own sessions. A reset asked
 * for any address gets the same answer; setting a password through its
 * link, or changing it, ends the account's other sessions on every daemon
 * at once. */
#include "access.h"
#include "credential_cache.h"
#include "handlers.h"
#include "onboarding.h"
#include "request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct bpa_field email_fields[] = {
    {"email", BPA_EMAIL, BPA_REQUIRED, 0, 0, NULL, NULL},
    {0},
};

struct reset_request {
    const struct bpa_request *request;
    const char *email;
};

static enum bpa_db_status run_reset_request(struct bpa_db_conn *conn, void *context)
{
    const struct reset_request *r = context;
    char *found = NULL;
    enum bpa_db_status status = bpa_db_call(conn, "account_mail_facts", 1, &r->email, &found);
    json_t *account = found ? json_loads(found, 0, NULL) : NULL;
    free(found);
    if (status != BPA_DB_OK || !account) {
        json_decref(account);
        return status; /* no such account: nothing to send, the same answer */
    }
    char id[24], link[BPA_LINK_SIZE];
    snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(account, "id")));
    const struct bpa_config *config = r->request->server->config;
    /* the newest link is the one that works */
    status = bpa_db_call(conn, "links_retire_account", 2,
                         (const char *const[]){id, "reset_password"}, NULL);
    if (status == BPA_DB_OK)
        status = bpa_link_issue(conn, config, "reset", "reset_password", id, NULL,
                                config->reset_token_min * 60, link);
    if (status == BPA_DB_OK)
        status = bpa_mail_to(conn, "password_reset",
                             json_string_value(json_object_get(account, "email")),
                             json_string_value(json_object_get(account, "language")),
                             json_pack("{s:s}", "link", link));
    sodium_memzero(link, sizeof link);
    if (status == BPA_DB_OK)
        status =
            bpa_access_audit(conn, r->request, "password.reset_requested", "account", id, NULL);
    json_decref(account);
    return status;
}

/* POST /v1/auth/password-reset {"email"} */
int bpa_handle_password_reset(struct bpa_request *request)
{
    int rc;
    json_t *body =
        bpa_body_checked(request, email_fields, "a JSON object {\"email\"} is required", &rc);
    if (!body)
        return rc;
    struct reset_request r = {request, json_string_value(json_object_get(body, "email"))};
    if (bpa_throttle_attempt(request, r.email, &rc)) {
        enum bpa_db_status status =
            bpa_db_transaction(request->db, BPA_DB_READ_COMMITTED, run_reset_request, &r);
        rc = status == BPA_DB_OK
                 ? bpa_reply_json(request, 202, json_pack("{s:s}", "status", "reset_sent"))
                 : bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    }
    json_decref(body);
    return rc;
}

struct new_password {
    const struct bpa_request *request;
    const char *link_hash;    /* a reset: the link; NULL for a change */
    const char *account;      /* a change: the account; a reset learns it */
    const char *keep_session; /* a change: the caller's session stays */
    const char *hash;
    bool link_good; /* out, for a reset */
};

/* The new hash, the sessions ended and the audit row together. */
static enum bpa_db_status run_new_password(struct bpa_db_conn *conn, void *context)
{
    struct new_password *n = context;
    char account[24];
    enum bpa_db_status status = BPA_DB_OK;
    snprintf(account, sizeof account, "%s", n->account ? n->account : "");
    if (n->link_hash) {
        char *used = NULL;
        status = bpa_db_call(conn, "link_use", 2,
                             (const char *const[]){n->link_hash, "reset_password"}, &used);
        json_t *link = used ? json_loads(used, 0, NULL) : NULL;
        free(used);
        n->link_good = link != NULL;
        snprintf(account, sizeof account, "%lld",
                 (long long)json_integer_value(json_object_get(link, "account_id")));
        json_decref(link);
        if (status != BPA_DB_OK || !n->link_good)
            return status == BPA_DB_OK ? BPA_DB_ABORT : status;
    }
    status =
        bpa_db_call(conn, "account_set_hash", 2, (const char *const[]){account, n->hash}, NULL);
    /* following the link proved the address */
    if (status == BPA_DB_OK && n->link_hash)
        status =
            bpa_db_call(conn, "account_confirm_email", 1, (const char *const[]){account}, NULL);
    if (status == BPA_DB_OK)
        status = bpa_db_call(conn, "sessions_end_all", 2,
                             (const char *const[]){account, n->keep_session}, NULL);
    if (status == BPA_DB_OK)
        status =
            bpa_access_audit(conn, n->request, n->link_hash ? "password.reset" : "password.change",
                             "account", account, NULL);
    return status;
}

/* POST /v1/auth/password-reset/confirm {"token", "password"} */
int bpa_handle_password_reset_confirm(struct bpa_request *request)
{
    char link_hash[BPA_TOKEN_HASH_SIZE], hash[crypto_pwhash_STRBYTES] = "";
    if (!bpa_link_token_hash(json_object_get(request->json, "token"), link_hash))
        return bpa_reply_error(request, BPA_ERR_TOKEN_INVALID, NULL, NULL);
    json_t *details = json_array();
    if (!bpa_new_password(request, json_string_value(json_object_get(request->json, "password")),
                          "password", details, hash)) {
        json_decref(details);
        return bpa_reply_error(request, BPA_ERR_INTERNAL_ERROR, NULL, NULL);
    }
    if (json_array_size(details))
        return bpa_reply_error(request, BPA_ERR_VALIDATION_FAILED, NULL, details);
    json_decref(details);
    struct new_password n = {.request = request, .link_hash = link_hash, .hash = hash};
    enum bpa_db_status status =
        bpa_db_transaction(request->db, BPA_DB_READ_COMMITTED, run_new_password, &n);
    sodium_memzero(hash, sizeof hash);
    if (status == BPA_DB_OK) {
        bpa_credential_cache_forget_all(request->server->credentials); /* others hear of it */
        return bpa_reply_empty(request, 204);
    }
    return !n.link_good ? bpa_reply_error(request, BPA_ERR_TOKEN_INVALID, NULL, NULL)
                        : bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
}

static void own_account(const struct bpa_request *request, char id[24])
{
    snprintf(id, 24, "%lld", request->principal.id);
}

/* The caller's session, as its hash, or NULL (not signed in by one). */
static const char *own_session(const struct bpa_request *request)
{
    return request->principal.session_hash[0] ? request->principal.session_hash : NULL;
}

/* PUT /v1/auth/password {"current_password", "new_password"} */
int bpa_handle_password_change(struct bpa_request *request)
{
    char account[24], *about = NULL, *stored = NULL;
    own_account(request, account);
    const char *current = json_string_value(json_object_get(request->json, "current_password"));
    const char *wanted = json_string_value(json_object_get(request->json, "new_password"));
    enum bpa_db_status status =
        bpa_db_call(request->db, "account_about", 1, (const char *const[]){account}, &about);
    if (status == BPA_DB_OK)
        status = bpa_db_call(request->db, "account_password_hash", 1,
                             (const char *const[]){account}, &stored);
    json_t *facts = about ? json_loads(about, 0, NULL) : NULL;
    free(about);
    char subject[280];
    const char *email = json_string_value(json_object_get(facts, "email"));
    snprintf(subject, sizeof subject, "account:%s", email ? email : "");
    json_decref(facts);
    unsigned retry_after = 0;
    if (status == BPA_DB_OK)
        status = bpa_login_throttled(request, subject, request->server->config->login_max_failures,
                                     &retry_after);
    if (status != BPA_DB_OK || !stored) {
        free(stored);
        return bpa_reply_error(
            request, status != BPA_DB_OK ? bpa_error_from_db(status) : BPA_ERR_UNAUTHENTICATED,
            NULL, NULL);
    }
    if (retry_after) {
        free(stored);
        request->reply_retry_after = retry_after;
        return bpa_reply_error(request, BPA_ERR_TOO_MANY_ATTEMPTS, NULL, NULL);
    }
    json_t *details = json_array();
    if (!current || !bpa_password_verify(stored, current)) {
        bpa_field_problem(details, "current_password", "is not your current password");
        status = bpa_login_failure_record(request, subject);
    }
    free(stored);
    char hash[crypto_pwhash_STRBYTES] = "";
    bool hashed = json_array_size(details) ||
                  bpa_new_password(request, wanted, "new_password", details, hash);
    int rc;
    if (status != BPA_DB_OK || !hashed) {
        rc = bpa_reply_error(
            request, status != BPA_DB_OK ? bpa_error_from_db(status) : BPA_ERR_INTERNAL_ERROR, NULL,
            NULL);
    } else if (json_array_size(details)) {
        rc = bpa_reply_error(request, BPA_ERR_VALIDATION_FAILED, NULL, json_incref(details));
    } else {
        struct new_password n = {.request = request,
                                 .account = account,
                                 .keep_session = own_session(request),
                                 .hash = hash};
        status = bpa_db_transaction(request->db, BPA_DB_READ_COMMITTED, run_new_password, &n);
        if (status == BPA_DB_OK)
            bpa_credential_cache_forget_all(request->server->credentials);
        rc = status == BPA_DB_OK ? bpa_reply_empty(request, 204)
                                 : bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    }
    sodium_memzero(hash, sizeof hash);
    json_decref(details);
    return rc;
}

/* GET /v1/auth/sessions */
int bpa_handle_session_list(struct bpa_request *request)
{
    char account[24], idle[24], *items = NULL;
    own_account(request, account);
    snprintf(idle, sizeof idle, "%lu", request->server->config->session_idle_s);
    const char *params[] = {account, own_session(request), idle};
    enum bpa_db_status status = bpa_db_call(request->db, "session_list", 3, params, &items);
    int rc =
        status == BPA_DB_OK
            ? bpa_reply_json(request, 200, json_pack("{s:o}", "items", json_loads(items, 0, NULL)))
            : bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    free(items);
    return rc;
}

/* DELETE /v1/auth/sessions/{id}: one of the caller's own */
int bpa_handle_session_end(struct bpa_request *request)
{
    char id[20], account[24], *ended = NULL;
    if (!bpa_param_id(request, "id", id))
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
    own_account(request, account);
    enum bpa_db_status status =
        bpa_db_call(request->db, "session_end", 2, (const char *const[]){id, account}, &ended);
    bool found = ended != NULL;
    free(ended);
    if (status == BPA_DB_OK && found)
        status = bpa_access_audit(request->db, request, "session.end", "session", id, NULL);
    if (status != BPA_DB_OK)
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    if (!found)
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, "no such session of yours", NULL);
    bpa_credential_cache_forget_all(request->server->credentials);
    return bpa_reply_empty(request, 204);
}

/* DELETE /v1/auth/sessions: every one of the caller's but this one */
int bpa_handle_session_end_others(struct bpa_request *request)
{
    char account[24], *count = NULL;
    own_account(request, account);
    const char *params[] = {account, own_session(request)};
    enum bpa_db_status status = bpa_db_call(request->db, "sessions_end_all", 2, params, &count);
    long long ended = count ? strtoll(count, NULL, 10) : 0;
    free(count);
    if (status == BPA_DB_OK)
        status = bpa_access_audit(request->db, request, "session.end_others", "account", account,
                                  json_pack("{s:I}", "ended", (json_int_t)ended));
    if (status != BPA_DB_OK)
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    bpa_credential_cache_forget_all(request->server->credentials);
    return bpa_reply_json(request, 200, json_pack("{s:I}", "ended", (json_int_t)ended));
}
