/* Authentication and authorisation decisions. */
#include "access.h"

#include "credential_cache.h"
#include "log.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const role_names[] = {"anonymous", "coordinator", "employer", "portal"};

const char *bpa_role_name(enum bpa_role role)
{
    return role_names[role];
}

static void fill_principal(struct bpa_principal *p, const json_t *doc)
{
    const char *role = json_string_value(json_object_get(doc, "role"));
    p->role = !role                              ? BPA_ROLE_ANONYMOUS
              : strcmp(role, "coordinator") == 0 ? BPA_ROLE_COORDINATOR
              : strcmp(role, "employer") == 0    ? BPA_ROLE_EMPLOYER
              : strcmp(role, "portal") == 0      ? BPA_ROLE_PORTAL
                                                 : BPA_ROLE_ANONYMOUS;
    p->id = json_integer_value(json_object_get(doc, "id"));
    p->employer_id = json_integer_value(json_object_get(doc, "employer_id"));
    p->portal_id = json_integer_value(json_object_get(doc, "portal_id"));
    p->rate_limit = json_integer_value(json_object_get(doc, "rate_limit"));
}

/* The request's credential, if it is shaped like a session token or an
 * API key; *session says which. A program sends it as a bearer token; the
 * console's browser sends a session token as its cookie (noted in the
 * request, for the CSRF check). */
static const char *credential(struct bpa_request *request, bool *session)
{
    const char *header = bpa_header(request, "Authorization");
    const char *cookie = header ? NULL : bpa_cookie(request, BPA_SESSION_COOKIE);
    request->cookie_session = false;
    if (cookie) {
        request->cookie_session = *session = bpa_token_shaped(cookie, BPA_SESSION_PREFIX);
        return *session ? cookie : NULL;
    }
    if (!header || strncmp(header, "Bearer ", 7) != 0)
        return NULL;
    const char *token = header + 7;
    *session = bpa_token_shaped(token, BPA_SESSION_PREFIX);
    return *session || bpa_token_shaped(token, BPA_KEY_PREFIX) ? token : NULL;
}

bool bpa_access_remembered(struct bpa_request *request)
{
    struct bpa_credential_cache *cache = request->server->credentials;
    bool session;
    const char *token = credential(request, &session);
    if (!cache || !token)
        return false;
    char hash[BPA_TOKEN_HASH_SIZE];
    bpa_token_hash(token, hash);
    return bpa_credential_cache_get(cache, hash, &request->principal);
}

enum bpa_error bpa_access_authenticate(struct bpa_request *request)
{
    struct bpa_principal *p = &request->principal;
    memset(p, 0, sizeof *p);
    bool session;
    const char *token = credential(request, &session);
    if (!token)
        return BPA_ERR_UNAUTHENTICATED;

    char hash[BPA_TOKEN_HASH_SIZE], idle[24], *found = NULL;
    bpa_token_hash(token, hash);
    struct bpa_credential_cache *cache = request->server->credentials;
    if (cache && bpa_credential_cache_get(cache, hash, p))
        return BPA_ERR_COUNT;
    uint64_t generation = cache ? bpa_credential_cache_generation(cache) : 0;
    snprintf(idle, sizeof idle, "%lu", request->server->config->session_idle_s);
    const char *params[] = {hash, idle};
    enum bpa_db_status status =
        bpa_db_call(request->db, session ? "session_principal" : "key_principal", session ? 2 : 1,
                    params, &found);
    json_t *doc = found ? json_loads(found, 0, NULL) : NULL;
    free(found);
    if (status != BPA_DB_OK)
        return bpa_error_from_db(status);
    if (!doc)
        return BPA_ERR_UNAUTHENTICATED;
    fill_principal(p, doc);
    double valid_for = json_number_value(json_object_get(doc, "valid_for"));
    /* Last use is written now and then, not on every request. */
    if (json_is_true(json_object_get(doc, "stale"))) {
        char key_id[24];
        snprintf(key_id, sizeof key_id, "%lld", p->id);
        const char *touch[] = {session ? hash : key_id};
        status = bpa_db_call(request->db, session ? "session_touch" : "key_touch", 1, touch, NULL);
    }
    json_decref(doc);
    if (session)
        memcpy(p->session_hash, hash, sizeof hash);
    if (p->role == BPA_ROLE_ANONYMOUS)
        return BPA_ERR_UNAUTHENTICATED;
    if (status != BPA_DB_OK)
        return bpa_error_from_db(status);
    if (cache) /* keys live until revoked */
        bpa_credential_cache_put(cache, generation, hash, p, session ? valid_for : 1e9);
    return BPA_ERR_COUNT;
}

static const char *const owner_statement[] = {"owner_employer", "owner_placement", "owner_seeker",
                                              "owner_match"};

/* What a role may never touch, whoever owns it. */
static bool never_allowed(enum bpa_role role, enum bpa_document kind, bool writing)
{
    return (role == BPA_ROLE_EMPLOYER && kind == BPA_SEEKER) ||
           (role == BPA_ROLE_PORTAL &&
            (kind == BPA_EMPLOYER || (kind == BPA_PLACEMENT && writing)));
}

/* Whether a resource whose owner facts are `owner` (what owner_statement
 * reads; NULL when there is no such resource) is the principal's. */
static enum bpa_error decide(const struct bpa_principal *p, enum bpa_document kind,
                             const json_t *owner)
{
    bool mine = false;
    if (owner && p->role == BPA_ROLE_EMPLOYER)
        mine = json_integer_value(json_object_get(owner, "employer_id")) == p->employer_id;
    else if (owner && p->role == BPA_ROLE_PORTAL && kind == BPA_SEEKER)
        mine = json_integer_value(json_object_get(owner, "portal_id")) == p->portal_id;
    else if (owner && p->role == BPA_ROLE_PORTAL && kind == BPA_PLACEMENT)
        mine = json_is_string(json_object_get(owner, "status")) &&
               strcmp(json_string_value(json_object_get(owner, "status")), "open") == 0;
    else if (owner && p->role == BPA_ROLE_PORTAL && kind == BPA_MATCH)
        mine = json_integer_value(json_object_get(owner, "portal_id")) == p->portal_id;
    /* employers see a match once a coordinator approved it */
    if (kind == BPA_MATCH && p->role == BPA_ROLE_EMPLOYER)
        mine = mine && json_is_true(json_object_get(owner, "approved"));
    return mine ? BPA_ERR_COUNT : BPA_ERR_NOT_FOUND;
}

/* True, with the answer in *out (BPA_ERR_COUNT: allowed), when the
 * principal's role settles it; false when the owner must be looked at. */
static bool role_decides(const struct bpa_principal *p, enum bpa_document kind, bool writing,
                         enum bpa_error *out)
{
    if (p->role == BPA_ROLE_COORDINATOR)
        *out = BPA_ERR_COUNT;
    else if (never_allowed(p->role, kind, writing))
        *out = BPA_ERR_FORBIDDEN;
    else if (p->role == BPA_ROLE_ANONYMOUS)
        *out = BPA_ERR_UNAUTHENTICATED;
    else
        return false;
    return true;
}

enum bpa_error bpa_access_resource(struct bpa_request *request, enum bpa_document kind,
                                   const char *id, bool writing)
{
    const struct bpa_principal *p = &request->principal;
    enum bpa_error decided;
    if (role_decides(p, kind, writing, &decided))
        return decided;
    char *found = NULL;
    enum bpa_db_status status = bpa_db_call(request->db, owner_statement[kind], 1, &id, &found);
    json_t *owner = found ? json_loads(found, 0, NULL) : NULL;
    free(found);
    if (status != BPA_DB_OK)
        return bpa_error_from_db(status);
    decided = decide(p, kind, owner);
    json_decref(owner);
    return decided;
}

enum bpa_error bpa_access_document(const struct bpa_request *request, enum bpa_document kind,
                                   const json_t *doc)
{
    const struct bpa_principal *p = &request->principal;
    enum bpa_error decided;
    if (role_decides(p, kind, false, &decided))
        return decided == BPA_ERR_COUNT && !doc ? BPA_ERR_NOT_FOUND : decided;
    if (kind != BPA_EMPLOYER) /* the document carries its owner facts */
        return decide(p, kind, doc);
    json_t *owner = doc ? json_pack("{s:O}", "employer_id", json_object_get(doc, "id")) : NULL;
    decided = decide(p, kind, owner);
    json_decref(owner);
    return decided;
}

bool bpa_access_scope(const struct bpa_request *request, enum bpa_document kind,
                      const char *asked_owner, const char *asked_status, struct bpa_scope *scope)
{
    const struct bpa_principal *p = &request->principal;
    memset(scope, 0, sizeof *scope);
    if (p->role == BPA_ROLE_EMPLOYER && (kind == BPA_EMPLOYER || kind == BPA_PLACEMENT))
        snprintf(scope->owner, sizeof scope->owner, "%lld", p->employer_id);
    if (p->role == BPA_ROLE_PORTAL && kind == BPA_SEEKER)
        snprintf(scope->owner, sizeof scope->owner, "%lld", p->portal_id);
    if (p->role == BPA_ROLE_PORTAL && kind == BPA_PLACEMENT)
        scope->status = "open";
    if (scope->owner[0] && asked_owner && strcmp(asked_owner, scope->owner) != 0)
        return false;
    if (scope->status && asked_status && strcmp(asked_status, scope->status) != 0)
        return false;
    return true;
}

void bpa_access_claim(const struct bpa_request *request, enum bpa_document kind, json_t *doc,
                      json_t *details)
{
    const struct bpa_principal *p = &request->principal;
    const char *field = kind == BPA_PLACEMENT ? "employer_id"
                        : kind == BPA_SEEKER  ? "portal_id"
                                              : NULL;
    if (!field || !doc)
        return;
    long long own = kind == BPA_PLACEMENT && p->role == BPA_ROLE_EMPLOYER ? p->employer_id
                    : kind == BPA_SEEKER && p->role == BPA_ROLE_PORTAL    ? p->portal_id
                                                                          : 0;
    json_t *given = json_object_get(doc, field);
    if (own == 0) {
        if (!given)
            bpa_field_problem(details, field, "is required");
        return;
    }
    if (!given)
        json_object_set_new(doc, field, json_integer(own));
    else if (json_integer_value(given) != own)
        bpa_field_problem(details, field, "is not a known id"); /* not theirs: as if missing */
}

static enum bpa_db_status insert_audit(struct bpa_db_conn *conn, const char *kind,
                                       const char *principal_id, const char *action,
                                       const char *resource_type, const char *resource_id,
                                       const char *request_id, const char *client_address,
                                       json_t *detail)
{
    char *text = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
    json_decref(detail);
    const char *params[] = {kind,        principal_id, action, resource_type,
                            resource_id, request_id,   text,   client_address};
    enum bpa_db_status status = bpa_db_call(conn, "audit_insert", 8, params, NULL);
    free(text);
    return status;
}

/* The request's client address when it is one ("unknown" or unset is
 * NULL): the column is inet, and an audit row must never fail over it. */
static const char *audit_address(const struct bpa_request *request)
{
    const char *text = request->client_address;
    unsigned char ignored[sizeof(struct in6_addr)];
    if (memchr(text, '\0', sizeof request->client_address) == NULL)
        return NULL;
    if (inet_pton(AF_INET, text, ignored) == 1 || inet_pton(AF_INET6, text, ignored) == 1)
        return text;
    return NULL;
}

enum bpa_db_status bpa_access_audit(struct bpa_db_conn *conn, const struct bpa_request *request,
                                    const char *action, const char *resource_type,
                                    const char *resource_id, json_t *detail)
{
    const struct bpa_principal *p = &request->principal;
    char principal_id[24];
    snprintf(principal_id, sizeof principal_id, "%lld", p->id);
    return insert_audit(conn, bpa_role_name(p->role), p->id ? principal_id : NULL, action,
                        resource_type, resource_id, request->id, audit_address(request), detail);
}

enum bpa_db_status bpa_access_audit_operator(struct bpa_db_conn *conn, const char *action,
                                             const char *resource_type, const char *resource_id,
                                             json_t *detail)
{
    return insert_audit(conn, "operator", NULL, action, resource_type, resource_id, NULL, NULL,
                        detail);
}
