/* /v1/invitations: a coordinator invites a coordinator or an employer's
 * user, an employer user invites colleagues of their own organisation. The
 * invitee follows the e-mailed link, sets a password and is signed in.
 * Invitations can be listed, sent again (the old link stops working) and
 * revoked; they expire. */
#include "access.h"
#include "handlers.h"
#include "idempotency.h"
#include "onboarding.h"
#include "request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const roles[] = {"coordinator", "employer", NULL};
static const char *const languages[] = {"nl", "en", NULL};
static const char *const statuses[] = {"pending", "accepted", "revoked", "expired", NULL};

static bool is_employer_user(const struct bpa_request *request)
{
    return request->principal.role == BPA_ROLE_EMPLOYER;
}

/* The invitation `id` as the API shows it, or NULL when there is none the
 * caller may see (employer users: their own organisation's). */
static enum bpa_db_status visible_invitation(struct bpa_request *request, struct bpa_db_conn *conn,
                                             const char *id, json_t **invitation)
{
    char *found = NULL;
    enum bpa_db_status status =
        bpa_db_call(conn, "invitation_get", 1, (const char *const[]){id}, &found);
    *invitation = found ? json_loads(found, 0, NULL) : NULL;
    free(found);
    if (*invitation && is_employer_user(request) &&
        json_integer_value(json_object_get(*invitation, "employer_id")) !=
            request->principal.employer_id) {
        json_decref(*invitation);
        *invitation = NULL;
    }
    return status;
}

/* A new link to `invitation` e-mailed to its address; the old ones retired. */
static enum bpa_db_status send_link(struct bpa_db_conn *conn, const struct bpa_request *request,
                                    const json_t *invitation)
{
    char id[24], employer[24], link[BPA_LINK_SIZE], *organisation = NULL;
    const struct bpa_config *config = request->server->config;
    snprintf(id, sizeof id, "%lld",
             (long long)json_integer_value(json_object_get(invitation, "id")));
    json_t *employer_id = json_object_get(invitation, "employer_id");
    snprintf(employer, sizeof employer, "%lld", (long long)json_integer_value(employer_id));
    enum bpa_db_status status =
        bpa_db_call(conn, "links_retire_invitation", 1, (const char *const[]){id}, NULL);
    if (status == BPA_DB_OK && json_is_integer(employer_id))
        status =
            bpa_db_call(conn, "employer_name", 1, (const char *const[]){employer}, &organisation);
    if (status == BPA_DB_OK)
        status = bpa_link_issue(conn, config, "invitation", "invitation", NULL, id,
                                config->invitation_days * 86400, link);
    if (status == BPA_DB_OK)
        status = bpa_mail_to(
            conn, "invitation", json_string_value(json_object_get(invitation, "email")),
            json_string_value(json_object_get(invitation, "language")),
            json_pack("{s:s, s:O, s:s?}", "link", link, "role", json_object_get(invitation, "role"),
                      "organisation", organisation));
    sodium_memzero(link, sizeof link);
    free(organisation);
    return status;
}

/* --- create --- */

struct invitation_create {
    struct bpa_request *request;
    struct bpa_idempotency *idempotency;
    const json_t *body;
    const char *employer; /* or NULL for a coordinator */
    enum bpa_error refusal;
    json_t *created;
    char location[64];
};

static enum bpa_db_status run_create(struct bpa_db_conn *conn, void *context)
{
    struct invitation_create *c = context;
    json_decref(c->created);
    c->created = NULL;
    c->refusal = BPA_ERR_COUNT;
    enum bpa_db_status status = bpa_idempotency_claim(conn, c->idempotency);
    if (status != BPA_DB_OK)
        return status;
    const char *email = json_string_value(json_object_get(c->body, "email"));
    char *account = NULL, *id = NULL, inviter[24];
    status = bpa_db_call(conn, "account_exists", 1, &email, &account);
    bool taken = account != NULL;
    free(account);
    if (status == BPA_DB_OK && taken) {
        c->refusal = BPA_ERR_CONFLICT;
        return BPA_DB_ABORT;
    }
    if (status == BPA_DB_OK)
        status = bpa_db_call(conn, "invitation_close_expired", 1, &email, NULL);
    snprintf(inviter, sizeof inviter, "%lld", c->request->principal.id);
    const char *params[] = {email,
                            json_string_value(json_object_get(c->body, "name")),
                            json_string_value(json_object_get(c->body, "role")),
                            c->employer,
                            json_string_value(json_object_get(c->body, "language")),
                            bpa_role_name(c->request->principal.role),
                            inviter,
                            NULL};
    char days[24];
    snprintf(days, sizeof days, "%lu", c->request->server->config->invitation_days);
    params[7] = days;
    if (status == BPA_DB_OK)
        status = bpa_db_call(conn, "invitation_create", 8, params, &id);
    if (status == BPA_DB_OK)
        status = visible_invitation(c->request, conn, id, &c->created);
    if (status == BPA_DB_OK && c->created)
        status = send_link(conn, c->request, c->created);
    if (status == BPA_DB_OK)
        status = bpa_access_audit(
            conn, c->request, "invitation.create", "invitation", id,
            json_pack("{s:s, s:O}", "email", email, "role", json_object_get(c->body, "role")));
    if (status == BPA_DB_OK) {
        snprintf(c->location, sizeof c->location, "/v1/invitations/%s", id);
        status = bpa_idempotency_keep(conn, c->idempotency, 201, c->created, c->location, NULL);
    }
    free(id);
    return status;
}

/* 409: the address has an account, or an open invitation (named). */
static int reply_taken(struct bpa_request *request, const char *email)
{
    char *open = NULL;
    enum bpa_db_status status = bpa_db_call(request->db, "invitation_open_for", 1, &email, &open);
    if (status != BPA_DB_OK) {
        free(open);
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    }
    json_t *details = json_array();
    if (open)
        json_array_append_new(details, json_pack("{s:s, s:s, s:I}", "field", "email", "problem",
                                                 "has an open invitation already", "existing_id",
                                                 (json_int_t)strtoll(open, NULL, 10)));
    else
        bpa_field_problem(details, "email", "has an account already");
    free(open);
    return bpa_reply_error(request, BPA_ERR_CONFLICT,
                           "this address has an account or an open invitation already", details);
}

/* Whom the caller may invite: employer users their own organisation's
 * users only. *employer is the employer id to store (or "" for none). */
static int check_invitee(struct bpa_request *request, const json_t *body, char employer[24],
                         json_t *details)
{
    const char *role = json_string_value(json_object_get(body, "role"));
    const json_t *given = json_object_get(body, "employer_id");
    employer[0] = '\0';
    if (is_employer_user(request)) {
        if (role && strcmp(role, "employer") != 0)
            return BPA_ERR_FORBIDDEN;
        if (json_is_integer(given) && json_integer_value(given) != request->principal.employer_id)
            return BPA_ERR_NOT_FOUND;
        snprintf(employer, 24, "%lld", request->principal.employer_id);
        return BPA_ERR_COUNT;
    }
    if (role && strcmp(role, "employer") == 0 && !json_is_integer(given))
        bpa_field_problem(details, "employer_id", "is required to invite an employer's user");
    if (role && strcmp(role, "coordinator") == 0 && json_is_integer(given))
        bpa_field_problem(details, "employer_id", "must be null to invite a coordinator");
    if (role && strcmp(role, "employer") == 0 && json_is_integer(given))
        snprintf(employer, 24, "%lld", (long long)json_integer_value(given));
    return BPA_ERR_COUNT;
}

/* POST /v1/invitations */
int bpa_handle_invitation_create(struct bpa_request *request)
{
    static const struct bpa_field fields[] = {
        {"email", BPA_EMAIL, BPA_REQUIRED, 0, 0, NULL, NULL},
        {"role", BPA_CHOICE, BPA_REQUIRED, 0, 0, roles, NULL},
        {"employer_id", BPA_INTEGER, BPA_NULLABLE, 1, 1e15, NULL, NULL},
        {"name", BPA_TEXT, BPA_NULLABLE, 1, 200, NULL, NULL},
        {"language", BPA_CHOICE, BPA_REQUIRED, 0, 0, languages, NULL},
        {0},
    };
    json_t *details = json_array();
    struct bpa_idempotency idempotency;
    json_t *body =
        bpa_idempotent_body(request, fields, "a JSON object is required", &idempotency, details);
    char employer[24];
    enum bpa_error refused = check_invitee(request, body, employer, details);
    bool known = true;
    enum bpa_db_status status = BPA_DB_OK;
    if (refused == BPA_ERR_COUNT && employer[0] && !is_employer_user(request))
        status = bpa_db_employer_exists(request->db, employer, &known);
    if (status == BPA_DB_OK && !known)
        bpa_field_problem(details, "employer_id", "is not a known id");
    int rc;
    if (status != BPA_DB_OK) {
        rc = bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    } else if (refused == BPA_ERR_NOT_FOUND) {
        rc = bpa_reply_error(request, refused, "no such employer of yours",
                             json_pack("[{s:s, s:s}]", "field", "employer_id", "problem",
                                       "names no organisation of yours"));
    } else if (refused != BPA_ERR_COUNT) {
        rc = bpa_reply_error(request, refused, "employer users may invite colleagues only", NULL);
    } else if (json_array_size(details)) {
        rc = bpa_reply_error(request, BPA_ERR_VALIDATION_FAILED, NULL, json_incref(details));
    } else {
        struct invitation_create c = {.request = request,
                                      .idempotency = &idempotency,
                                      .body = body,
                                      .employer = employer[0] ? employer : NULL,
                                      .refusal = BPA_ERR_COUNT};
        status = bpa_db_transaction(request->db, BPA_DB_READ_COMMITTED, run_create, &c);
        if (status == BPA_DB_OK && c.created) {
            request->reply_location = c.location;
            rc = bpa_reply_json(request, 201, c.created);
            c.created = NULL; /* the reply has it */
            request->reply_location = NULL;
        } else if (idempotency.first_answer) {
            rc = bpa_idempotency_replay(request, &idempotency);
        } else if (c.refusal == BPA_ERR_CONFLICT || status == BPA_DB_CONFLICT) {
            rc = reply_taken(request, json_string_value(json_object_get(body, "email")));
        } else {
            rc = bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
        }
        json_decref(c.created);
    }
    bpa_idempotency_end(&idempotency);
    json_decref(body);
    json_decref(details);
    return rc;
}

/* GET /v1/invitations */
int bpa_handle_invitation_list(struct bpa_request *request)
{
    json_t *details = json_array();
    struct bpa_page page;
    bpa_page_parse(request, true, &page, details);
    char *status_filter = bpa_query_checked(request, "status", BPA_CHOICE, 0, 0, statuses, details);
    char employer[24] = "";
    if (is_employer_user(request))
        snprintf(employer, sizeof employer, "%lld", request->principal.employer_id);
    int rc;
    if (json_array_size(details)) {
        rc = bpa_reply_error(request, BPA_ERR_VALIDATION_FAILED, NULL, json_incref(details));
    } else {
        const char *params[] = {page.after, employer[0] ? employer : NULL, status_filter,
                                page.limit};
        char *items = NULL;
        enum bpa_db_status status = bpa_db_call(request->db, "invitation_list", 4, params, &items);
        rc = status == BPA_DB_OK ? bpa_reply_page(request, json_loads(items, 0, NULL), &page, "id")
                                 : bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
        free(items);
    }
    free(status_filter);
    bpa_page_free(&page);
    json_decref(details);
    return rc;
}

/* --- resend and revoke --- */

struct invitation_change {
    struct bpa_request *request;
    const char *id;
    bool revoking;
    enum bpa_error refusal;
    json_t *changed;
};

static enum bpa_db_status run_change(struct bpa_db_conn *conn, void *context)
{
    struct invitation_change *c = context;
    json_decref(c->changed);
    c->changed = NULL;
    c->refusal = BPA_ERR_COUNT;
    json_t *seen = NULL;
    enum bpa_db_status status = visible_invitation(c->request, conn, c->id, &seen);
    const char *state = json_string_value(json_object_get(seen, "status"));
    if (status == BPA_DB_OK && !seen)
        c->refusal = BPA_ERR_NOT_FOUND;
    else if (status == BPA_DB_OK && (!strcmp(state, "accepted") || !strcmp(state, "revoked")))
        c->refusal = BPA_ERR_INVALID_STATE;
    json_decref(seen);
    if (status != BPA_DB_OK || c->refusal != BPA_ERR_COUNT)
        return status == BPA_DB_OK ? BPA_DB_ABORT : status;
    char days[24];
    snprintf(days, sizeof days, "%lu", c->request->server->config->invitation_days);
    status = c->revoking ? bpa_db_call(conn, "invitation_revoke", 1, &c->id, NULL)
                         : bpa_db_call(conn, "invitation_renew", 2,
                                       (const char *const[]){c->id, days}, NULL);
    if (status == BPA_DB_OK && c->revoking)
        status = bpa_db_call(conn, "links_retire_invitation", 1, &c->id, NULL);
    if (status == BPA_DB_OK)
        status = visible_invitation(c->request, conn, c->id, &c->changed);
    if (status == BPA_DB_OK && !c->revoking)
        status = send_link(conn, c->request, c->changed);
    if (status == BPA_DB_OK)
        status = bpa_access_audit(conn, c->request,
                                  c->revoking ? "invitation.revoke" : "invitation.resend",
                                  "invitation", c->id, NULL);
    return status;
}

static int change_invitation(struct bpa_request *request, bool revoking)
{
    char id[20];
    if (!bpa_param_id(request, "id", id))
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
    struct invitation_change c = {
        .request = request, .id = id, .revoking = revoking, .refusal = BPA_ERR_COUNT};
    enum bpa_db_status status =
        bpa_db_transaction(request->db, BPA_DB_READ_COMMITTED, run_change, &c);
    int rc;
    if (status == BPA_DB_OK && revoking)
        rc = bpa_reply_empty(request, 204);
    else if (status == BPA_DB_OK) {
        rc = bpa_reply_json(request, 200, c.changed);
        c.changed = NULL;
    } else if (c.refusal == BPA_ERR_INVALID_STATE)
        rc = bpa_reply_error(request, c.refusal, "this invitation was accepted or revoked", NULL);
    else if (c.refusal != BPA_ERR_COUNT)
        rc = bpa_reply_error(request, c.refusal, NULL, NULL);
    else
        rc = bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    json_decref(c.changed);
    return rc;
}

int bpa_handle_invitation_resend(struct bpa_request *request)
{
    return change_invitation(request, false);
}

int bpa_handle_invitation_revoke(struct bpa_request *request)
{
    return change_invitation(request, true);
}

/* --- the invitee's side: public, by the link's token --- */

/* POST /v1/invitations/preview {"token"} */
int bpa_handle_invitation_preview(struct bpa_request *request)
{
    char hash[BPA_TOKEN_HASH_SIZE], *found = NULL;
    if (!bpa_link_token_hash(json_object_get(request->json, "token"), hash))
        return bpa_reply_error(request, BPA_ERR_TOKEN_INVALID, NULL, NULL);
    const char *params[] = {hash};
    enum bpa_db_status status = bpa_db_call(request->db, "invitation_by_link", 1, params, &found);
    json_t *invitation = found ? json_loads(found, 0, NULL) : NULL;
    free(found);
    if (status != BPA_DB_OK || !invitation) {
        json_decref(invitation);
        return bpa_reply_error(
            request, status != BPA_DB_OK ? bpa_error_from_db(status) : BPA_ERR_TOKEN_INVALID, NULL,
            NULL);
    }
    json_object_del(invitation, "id");
    return bpa_reply_json(request, 200, invitation);
}

struct acceptance {
    struct bpa_request *request;
    const char *link_hash, *name, *hash;
    enum bpa_error refusal;
    json_t *account; /* out: {id, role, employer_id} */
};

static enum bpa_db_status run_accept(struct bpa_db_conn *conn, void *context)
{
    struct acceptance *a = context;
    json_decref(a->account);
    a->account = NULL;
    a->refusal = BPA_ERR_COUNT;
    char *facts = NULL, *used = NULL, *account = NULL, *taken = NULL;
    enum bpa_db_status status = bpa_db_call(conn, "invitation_by_link", 1, &a->link_hash, &facts);
    if (status == BPA_DB_OK && facts)
        status = bpa_db_call(conn, "link_use", 2, (const char *const[]){a->link_hash, "invitation"},
                             &used);
    json_t *invitation = facts && used ? json_loads(facts, 0, NULL) : NULL;
    free(facts);
    free(used);
    if (status == BPA_DB_OK && !invitation) {
        a->refusal = BPA_ERR_TOKEN_INVALID;
        return BPA_DB_ABORT;
    }
    const char *email = json_string_value(json_object_get(invitation, "email"));
    if (status == BPA_DB_OK)
        status = bpa_db_call(conn, "account_exists", 1, &email, &taken);
    if (status == BPA_DB_OK && taken) {
        a->refusal = BPA_ERR_CONFLICT;
        status = BPA_DB_ABORT;
    }
    free(taken);
    char id[24], employer[24];
    snprintf(id, sizeof id, "%lld",
             (long long)json_integer_value(json_object_get(invitation, "id")));
    json_t *employer_id = json_object_get(invitation, "employer_id");
    snprintf(employer, sizeof employer, "%lld", (long long)json_integer_value(employer_id));
    const char *name = a->name ? a->name : json_string_value(json_object_get(invitation, "name"));
    const char *params[] = {email,
                            a->hash,
                            json_string_value(json_object_get(invitation, "role")),
                            json_is_integer(employer_id) ? employer : NULL,
                            name,
                            json_string_value(json_object_get(invitation, "language")),
                            "true"}; /* the link proved the address */
    if (status == BPA_DB_OK)
        status = bpa_db_call(conn, "account_create_named", 7, params, &account);
    char *accepted = NULL;
    if (status == BPA_DB_OK)
        status = bpa_db_call(conn, "invitation_accept", 2, (const char *const[]){id, account},
                             &accepted);
    if (status == BPA_DB_OK && !accepted) { /* revoked or expired meanwhile */
        a->refusal = BPA_ERR_TOKEN_INVALID;
        status = BPA_DB_ABORT;
    }
    free(accepted);
    if (status == BPA_DB_OK) {
        a->request->principal.id = strtoll(account, NULL, 10); /* the audit row's actor */
        status = bpa_access_audit(conn, a->request, "invitation.accept", "invitation", id,
                                  json_pack("{s:s}", "account_id", account));
        a->request->principal.id = 0;
    }
    if (status == BPA_DB_OK)
        a->account =
            json_pack("{s:I, s:O, s:O}", "id", (json_int_t)strtoll(account, NULL, 10), "role",
                      json_object_get(invitation, "role"), "employer_id", employer_id);
    free(account);
    json_decref(invitation);
    return status;
}

/* POST /v1/invitations/accept {"token", "password", "name"?} */
int bpa_handle_invitation_accept(struct bpa_request *request)
{
    /* as the login: a cookie only for the console itself */
    if (bpa_request_names_console(request) && !bpa_request_from_console(request))
        return bpa_reply_error(request, BPA_ERR_CSRF_REFUSED, NULL, NULL);
    char link_hash[BPA_TOKEN_HASH_SIZE], hash[crypto_pwhash_STRBYTES] = "";
    if (!bpa_link_token_hash(json_object_get(request->json, "token"), link_hash))
        return bpa_reply_error(request, BPA_ERR_TOKEN_INVALID, NULL, NULL);
    json_t *details = json_array();
    const json_t *name = json_object_get(request->json, "name");
    if (name && !json_is_null(name) &&
        (!json_is_string(name) || json_string_length(name) < 1 || json_string_length(name) > 200))
        bpa_field_problem(details, "name", "must be a text of 1-200 characters");
    bool hashed =
        bpa_new_password(request, json_string_value(json_object_get(request->json, "password")),
                         "password", details, hash);
    int rc;
    if (!hashed) {
        rc = bpa_reply_error(request, BPA_ERR_INTERNAL_ERROR, NULL, NULL);
    } else if (json_array_size(details)) {
        rc = bpa_reply_error(request, BPA_ERR_VALIDATION_FAILED, NULL, json_incref(details));
    } else {
        struct acceptance a = {.request = request,
                               .link_hash = link_hash,
                               .name = json_string_value(name),
                               .hash = hash,
                               .refusal = BPA_ERR_COUNT};
        enum bpa_db_status status =
            bpa_db_transaction(request->db, BPA_DB_READ_COMMITTED, run_accept, &a);
        if (status == BPA_DB_OK)
            rc = bpa_reply_new_session(request, a.account, NULL, 201);
        else if (a.refusal == BPA_ERR_CONFLICT)
            rc = bpa_reply_error(request, a.refusal, "an account with this address exists already",
                                 NULL);
        else if (a.refusal != BPA_ERR_COUNT)
            rc = bpa_reply_error(request, a.refusal, NULL, NULL);
        else
            rc = bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
        json_decref(a.account);
    }
    sodium_memzero(hash, sizeof hash);
    json_decref(details);
    return rc;
}
