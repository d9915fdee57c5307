/* /v1/portals: coordinators register partner portals (each made with its
 * first API key), rename them, make them inactive (every key stops at
 * once), issue and revoke their keys, and set their request budget. A new
 * key is shown once, in the answer that made it (and in that answer's
 * replay for the same Idempotency-Key). The command line's create-portal,
 * create-key, revoke-key and disable-portal run the same steps
 * (registry.h). */
#include "access.h"
#include "credential_cache.h"
#include "handlers.h"
#include "idempotency.h"
#include "registry.h"
#include "request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct bpa_field portal_fields[] = {
    {"name", BPA_TEXT, BPA_REQUIRED, 1, 200, NULL, NULL},
    {"contact_email", BPA_EMAIL, BPA_NULLABLE, 0, 0, NULL, NULL},
    {0},
};

/* The portal's document (JSON), NULL when there is none. */
static enum bpa_db_status portal_get(struct bpa_db_conn *conn, const char *id, json_t **portal)
{
    char *stored = NULL;
    enum bpa_db_status status = bpa_db_call(conn, "admin_portal_get", 1, &id, &stored);
    *portal = stored ? json_loads(stored, 0, NULL) : NULL;
    free(stored);
    return status;
}

/* Replies 200 with `portal` (stolen), 404 without, or the database error. */
static int reply_portal(struct bpa_request *request, enum bpa_db_status status, json_t *portal)
{
    if (status != BPA_DB_OK) {
        json_decref(portal);
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    }
    return portal ? bpa_reply_json(request, 200, portal)
                  : bpa_reply_error(request, BPA_ERR_NOT_FOUND, "no such portal", NULL);
}

/* 409 naming the portal that has the name already. */
static int reply_name_taken(struct bpa_request *request, const char *name)
{
    char *holder = NULL;
    enum bpa_db_status status = bpa_db_call(request->db, "admin_portal_named", 1, &name, &holder);
    if (status != BPA_DB_OK || !holder) { /* renamed since: a retry may succeed */
        free(holder);
        return bpa_reply_error(request, BPA_ERR_CONFLICT, "another portal has this name", NULL);
    }
    char problem[64];
    snprintf(problem, sizeof problem, "is the name of portal %s", holder);
    json_t *details = json_pack("[{s:s, s:s, s:I}]", "field", "name", "problem", problem,
                                "existing_id", (json_int_t)strtoll(holder, NULL, 10));
    free(holder);
    return bpa_reply_error(request, BPA_ERR_CONFLICT, "another portal has this name", details);
}

/* GET /v1/portals?cursor=&limit= */
int bpa_handle_portal_list(struct bpa_request *request)
{
    return bpa_reply_listed(request, "admin_portal_list");
}

/* GET /v1/portals/{id} */
int bpa_handle_portal_get(struct bpa_request *request)
{
    char id[20];
    if (!bpa_param_id(request, "id", id))
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, "no such portal", NULL);
    json_t *portal;
    enum bpa_db_status status = portal_get(request->db, id, &portal);
    return reply_portal(request, status, portal);
}

/* --- making a portal or a key: the key, its audit rows and the kept
 * answer commit together --- */

struct issue {
    struct bpa_request *request;
    struct bpa_idempotency *idempotency;
    const char *name, *contact_email; /* a new portal */
    const char *portal_id;            /* a new key of this portal */
    bool found;                       /* the portal (for a new key) exists */
    json_t *answer;
    char location[96];
};

static enum bpa_db_status keep_answer(struct bpa_db_conn *conn, struct issue *c)
{
    return bpa_idempotency_keep(conn, c->idempotency, 201, c->answer, c->location, NULL);
}

static enum bpa_db_status run_portal_create(struct bpa_db_conn *conn, void *context)
{
    struct issue *c = context;
    json_decref(c->answer);
    c->answer = NULL;
    enum bpa_db_status status = bpa_idempotency_claim(conn, c->idempotency);
    if (status != BPA_DB_OK)
        return status;
    char id[24];
    struct bpa_new_key key = {0};
    status = bpa_registry_portal_create(conn, c->request, c->name, c->contact_email, id, &key);
    if (status == BPA_DB_OK)
        status = portal_get(conn, id, &c->answer);
    if (status == BPA_DB_OK && !c->answer)
        status = BPA_DB_HARD; /* made just now */
    if (status == BPA_DB_OK) {
        json_object_set_new(c->answer, "key_id", json_integer(strtoll(key.key_id, NULL, 10)));
        json_object_set_new(c->answer, "api_key", json_string(key.api_key));
        snprintf(c->location, sizeof c->location, "/v1/portals/%s", id);
        status = keep_answer(conn, c);
    }
    bpa_registry_key_wipe(&key);
    return status;
}

static enum bpa_db_status run_key_create(struct bpa_db_conn *conn, void *context)
{
    struct issue *c = context;
    json_decref(c->answer);
    c->answer = NULL;
    enum bpa_db_status status = bpa_idempotency_claim(conn, c->idempotency);
    if (status != BPA_DB_OK)
        return status;
    struct bpa_new_key key = {0};
    status = bpa_registry_key_issue(conn, c->request, c->portal_id, &key, &c->found);
    if (status != BPA_DB_OK || !c->found)
        return status == BPA_DB_OK ? BPA_DB_ABORT : status;
    c->answer =
        json_pack("{s:I, s:I, s:s}", "portal_id", (json_int_t)strtoll(c->portal_id, NULL, 10),
                  "key_id", (json_int_t)strtoll(key.key_id, NULL, 10), "api_key", key.api_key);
    bpa_registry_key_wipe(&key);
    snprintf(c->location, sizeof c->location, "/v1/portals/%s/keys/%s", c->portal_id, key.key_id);
    return keep_answer(conn, c);
}

/* Replies 201 with what `work` made, the first answer again for a retry,
 * or why not. */
static int issue(struct bpa_request *request, struct issue *c, bpa_db_work_fn work)
{
    enum bpa_db_status status = bpa_db_transaction(request->db, BPA_DB_READ_COMMITTED, work, c);
    int rc;
    if (status == BPA_DB_OK) {
        request->reply_location = c->location;
        rc = bpa_reply_json(request, 201, c->answer);
        c->answer = NULL; /* the reply has it */
        request->reply_location = NULL;
    } else if (c->idempotency->first_answer) {
        rc = bpa_idempotency_replay(request, c->idempotency);
    } else if (status == BPA_DB_ABORT && !c->found) {
        rc = bpa_reply_error(request, BPA_ERR_NOT_FOUND, "no such portal", NULL);
    } else if (status == BPA_DB_CONFLICT && c->name) {
        rc = reply_name_taken(request, c->name);
    } else {
        rc = bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    }
    json_decref(c->answer);
    bpa_idempotency_end(c->idempotency);
    return rc;
}

/* POST /v1/portals {"name", "contact_email"?}: the portal with its first
 * key, "key_id" and "api_key". */
int bpa_handle_portal_create(struct bpa_request *request)
{
    json_t *details = json_array();
    struct bpa_idempotency idempotency;
    json_t *body = bpa_idempotent_body(
        request, portal_fields, "a JSON object {\"name\"} is required", &idempotency, details);
    int rc;
    if (json_array_size(details)) {
        rc = bpa_reply_error(request, BPA_ERR_VALIDATION_FAILED, NULL, json_incref(details));
    } else {
        struct issue c = {
            .request = request,
            .idempotency = &idempotency,
            .name = json_string_value(json_object_get(body, "name")),
            .contact_email = json_string_value(json_object_get(body, "contact_email")),
            .found = true,
        };
        rc = issue(request, &c, run_portal_create);
    }
    json_decref(details);
    json_decref(body);
    return rc;
}

/* POST /v1/portals/{id}/keys (no body): {"portal_id", "key_id", "api_key"} */
int bpa_handle_portal_key_create(struct bpa_request *request)
{
    char id[20];
    if (!bpa_param_id(request, "id", id))
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, "no such portal", NULL);
    int rc;
    struct bpa_idempotency idempotency;
    if (!bpa_idempotent_no_body(request, &idempotency, &rc))
        return rc;
    struct issue c = {.request = request, .idempotency = &idempotency, .portal_id = id};
    return issue(request, &c, run_key_create);
}

/* --- changes --- */

struct portal_change {
    const struct bpa_request *request;
    const char *id;
    json_t *patch;   /* PATCH: the checked body */
    bool active;     /* PUT .../active */
    const char *key; /* DELETE .../keys/{key_id} */
    enum bpa_registry_outcome outcome;
    json_t *portal; /* after the change */
};

static enum bpa_db_status run_update(struct bpa_db_conn *conn, void *context)
{
    struct portal_change *c = context;
    json_decref(c->portal);
    c->portal = NULL;
    json_t *email = json_object_get(c->patch, "contact_email");
    const char *params[] = {c->id, json_string_value(json_object_get(c->patch, "name")),
                            json_string_value(email), email ? "true" : "false"};
    char *stored = NULL;
    enum bpa_db_status status = bpa_db_call(conn, "admin_portal_update", 4, params, &stored);
    c->portal = stored ? json_loads(stored, 0, NULL) : NULL;
    free(stored);
    if (status == BPA_DB_OK && c->portal)
        status = bpa_access_audit(conn, c->request, "portal.update", "portal", c->id,
                                  json_incref(c->patch));
    return status;
}

/* PATCH /v1/portals/{id} {"name"?, "contact_email"?} (null clears the e-mail) */
int bpa_handle_portal_update(struct bpa_request *request)
{
    char id[20];
    if (!bpa_param_id(request, "id", id))
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, "no such portal", NULL);
    static const struct bpa_field fields[] = {
        {"name", BPA_TEXT, 0, 1, 200, NULL, NULL},
        {"contact_email", BPA_EMAIL, BPA_NULLABLE, 0, 0, NULL, NULL},
        {0},
    };
    int rc;
    json_t *patch = bpa_body_checked(request, fields, "a JSON object is required", &rc);
    if (!patch)
        return rc;
    struct portal_change c = {.request = request, .id = id, .patch = patch};
    enum bpa_db_status status =
        bpa_db_transaction(request->db, BPA_DB_READ_COMMITTED, run_update, &c);
    if (status == BPA_DB_CONFLICT)
        rc = reply_name_taken(request, json_string_value(json_object_get(patch, "name")));
    else
        rc = reply_portal(request, status, c.portal);
    json_decref(patch);
    return rc;
}

static enum bpa_db_status run_set_active(struct bpa_db_conn *conn, void *context)
{
    struct portal_change *c = context;
    json_decref(c->portal);
    c->portal = NULL;
    enum bpa_db_status status =
        bpa_registry_portal_set_active(conn, c->request, c->id, c->active, &c->outcome);
    if (status == BPA_DB_OK && c->outcome != BPA_REGISTRY_MISSING)
        status = portal_get(conn, c->id, &c->portal);
    return status;
}

/* PUT /v1/portals/{id}/active {"active": bool} */
int bpa_handle_portal_active(struct bpa_request *request)
{
    char id[20];
    if (!bpa_param_id(request, "id", id))
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, "no such portal", NULL);
    static const struct bpa_field fields[] = {
        {"active", BPA_BOOLEAN, BPA_REQUIRED, 0, 0, NULL, NULL},
        {0},
    };
    int rc;
    json_t *body = bpa_body_checked(request, fields, "a JSON object {\"active\"} is required", &rc);
    if (!body)
        return rc;
    struct portal_change c = {
        .request = request, .id = id, .active = json_is_true(json_object_get(body, "active"))};
    json_decref(body);
    enum bpa_db_status status =
        bpa_db_transaction(request->db, BPA_DB_READ_COMMITTED, run_set_active, &c);
    if (status == BPA_DB_OK && c.outcome == BPA_REGISTRY_DONE) /* others hear of it at commit */
        bpa_credential_cache_forget_all(request->server->credentials);
    return reply_portal(request, status, c.portal);
}

/* GET /v1/portals/{id}/keys: {"items": [{"key_id", "created_at",
 * "last_used_at", "revoked_at"}]}, never a key */
int bpa_handle_portal_key_list(struct bpa_request *request)
{
    char id[20];
    if (!bpa_param_id(request, "id", id))
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, "no such portal", NULL);
    char *keys = NULL;
    enum bpa_db_status status = bpa_registry_key_list(request->db, id, &keys);
    json_t *items = keys ? json_loads(keys, 0, NULL) : NULL;
    free(keys);
    if (status != BPA_DB_OK) {
        json_decref(items);
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    }
    if (!items)
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, "no such portal", NULL);
    return bpa_reply_json(request, 200, json_pack("{s:o}", "items", items));
}

static enum bpa_db_status run_key_revoke(struct bpa_db_conn *conn, void *context)
{
    struct portal_change *c = context;
    return bpa_registry_key_revoke(conn, c->request, c->key, c->id, &c->outcome);
}

/* DELETE /v1/portals/{id}/keys/{key_id} */
int bpa_handle_portal_key_revoke(struct bpa_request *request)
{
    char id[20], key[20];
    if (!bpa_param_id(request, "id", id) || !bpa_param_id(request, "key_id", key))
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, "no such key of this portal", NULL);
    struct portal_change c = {.request = request, .id = id, .key = key};
    enum bpa_db_status status =
        bpa_db_transaction(request->db, BPA_DB_READ_COMMITTED, run_key_revoke, &c);
    if (status != BPA_DB_OK)
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    if (c.outcome == BPA_REGISTRY_MISSING)
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, "no such key of this portal", NULL);
    if (c.outcome == BPA_REGISTRY_UNCHANGED)
        return bpa_reply_error(request, BPA_ERR_INVALID_STATE, "the key is revoked already", NULL);
    bpa_credential_cache_forget_all(request->server->credentials); /* others hear of it */
    return bpa_reply_empty(request, 204);
}

/* --- the request budget --- */

struct rate_limit_change {
    const struct bpa_request *request;
    const char *portal_id;
    const char *per_minute; /* NULL: the default */
    char *result;           /* {"portal_id", "requests_per_minute"}, NULL when no such portal */
};

static enum bpa_db_status set_rate_limit(struct bpa_db_conn *conn, void *context)
{
    struct rate_limit_change *change = context;
    free(change->result);
    change->result = NULL;
    const char *params[] = {change->portal_id, change->per_minute};
    enum bpa_db_status status =
        bpa_db_call(conn, "portal_rate_limit_set", 2, params, &change->result);
    if (status != BPA_DB_OK || !change->result)
        return status;
    json_t *detail = json_pack("{s:s?}", "requests_per_minute", change->per_minute);
    return bpa_access_audit(conn, change->request, "portal_rate_limit", "portal", change->portal_id,
                            detail);
}

/* PUT /v1/portals/{id}/rate-limit {"requests_per_minute": N or null} */
int bpa_handle_portal_rate_limit(struct bpa_request *request)
{
    char id[20];
    if (!bpa_param_id(request, "id", id))
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
    static const struct bpa_field fields[] = {
        {"requests_per_minute", BPA_INTEGER, BPA_REQUIRED | BPA_NULLABLE, 1, 100000000, NULL, NULL},
        {0},
    };
    int rc;
    json_t *body = bpa_body_checked(request, fields, "a JSON object is required", &rc);
    if (!body)
        return rc;
    json_t *given = json_object_get(body, "requests_per_minute");
    char per_minute[24];
    snprintf(per_minute, sizeof per_minute, "%lld", (long long)json_integer_value(given));
    struct rate_limit_change change = {request, id, json_is_null(given) ? NULL : per_minute, NULL};
    json_decref(body);
    enum bpa_db_status status =
        bpa_db_transaction(request->db, BPA_DB_READ_COMMITTED, set_rate_limit, &change);
    json_t *result = change.result ? json_loads(change.result, 0, NULL) : NULL;
    free(change.result);
    if (status != BPA_DB_OK) {
        json_decref(result);
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    }
    if (!result)
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
    json_object_set_new(result, "default_per_minute",
                        json_integer((json_int_t)request->server->config->rate_limit_per_minute));
    return bpa_reply_json(request, 200, result);
}
