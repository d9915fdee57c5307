/* The shared life of a stored resource. */
#include "resource.h"

#include "access.h"
#include "idempotency.h"
#include "reply_memo.h"
#include "schedule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "employer.update" and the like. */
static enum bpa_db_status audit(struct bpa_db_conn *conn, const struct bpa_request *request,
                                const struct bpa_resource *resource, const char *verb,
                                const char *id, json_t *detail)
{
    char action[48];
    snprintf(action, sizeof action, "%s.%s", resource->name, verb);
    return bpa_access_audit(conn, request, action, resource->name, id, detail);
}

json_t *bpa_resource_present(const struct bpa_resource *resource, const char *stored)
{
    json_t *doc = stored ? json_loads(stored, 0, NULL) : NULL;
    if (doc && resource->schedule_field) {
        json_t *intervals =
            bpa_schedule_format(json_string_value(json_object_get(doc, resource->schedule_field)));
        json_object_set_new(doc, resource->schedule_field, intervals ? intervals : json_null());
    }
    return doc;
}

int bpa_resource_reply_list(struct bpa_request *request, const struct bpa_resource *resource,
                            const char *items, const struct bpa_page *page)
{
    json_t *stored = json_loads(items, 0, NULL);
    json_t *shown = json_array(), *ids = json_array();
    size_t i;
    json_t *item;
    json_array_foreach(stored, i, item)
    {
        char *text = json_dumps(item, 0);
        json_array_append_new(shown, bpa_resource_present(resource, text));
        if (i < (size_t)page->requested)
            json_array_append(ids, json_object_get(item, "id"));
        free(text);
    }
    json_decref(stored);
    /* Reading people's data leaves a trace, or is not answered. */
    enum bpa_db_status status =
        resource->personal && json_array_size(ids)
            ? audit(request->db, request, resource, "list", NULL, json_pack("{s:O}", "ids", ids))
            : BPA_DB_OK;
    json_decref(ids);
    if (status != BPA_DB_OK) {
        json_decref(shown);
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    }
    return bpa_reply_page(request, shown, page, "id");
}

static void etag_of(const json_t *doc, char out[32])
{
    snprintf(out, 32, "\"%lld\"", (long long)json_integer_value(json_object_get(doc, "version")));
}

static int reply_document(struct bpa_request *request, unsigned status, json_t *doc,
                          const char *location)
{
    char etag[32];
    etag_of(doc, etag);
    request->reply_etag = etag;
    request->reply_location = location;
    int rc = bpa_reply_json(request, status, doc);
    request->reply_etag = NULL;
    request->reply_location = NULL;
    return rc;
}

/* --- create --- */

struct create {
    const struct bpa_resource *resource;
    const struct bpa_request *request;
    json_t *doc; /* validated body */
    struct bpa_idempotency *idempotency;
    /* outcome */
    json_t *details;
    enum bpa_error refusal; /* BPA_ERR_COUNT when none */
    json_t *created;
    char location[96], etag[32];
};

static void reset_create(struct create *c)
{
    json_array_clear(c->details);
    c->refusal = BPA_ERR_COUNT;
    json_decref(c->created);
    c->created = NULL;
}

static enum bpa_db_status run_create(struct bpa_db_conn *conn, void *context)
{
    struct create *c = context;
    reset_create(c);
    enum bpa_db_status status = bpa_idempotency_claim(conn, c->idempotency);
    if (status != BPA_DB_OK)
        return status;
    json_t *doc = json_deep_copy(c->doc);
    status = c->resource->complete(conn, doc, c->details, true);
    if (status == BPA_DB_OK && json_array_size(c->details)) {
        c->refusal = BPA_ERR_VALIDATION_FAILED;
        status = BPA_DB_ABORT;
    }
    char *text = status == BPA_DB_OK ? json_dumps(doc, JSON_COMPACT) : NULL;
    char *id = NULL, *stored = NULL;
    if (status == BPA_DB_OK)
        status = bpa_db_document_save(conn, c->resource->kind, NULL, NULL, text, &id);
    free(text);
    if (status == BPA_DB_CONFLICT && c->resource->describe_conflict) {
        c->refusal = BPA_ERR_CONFLICT;
        status = BPA_DB_ABORT;
    }
    if (status == BPA_DB_OK)
        status = bpa_db_document_get(conn, c->resource->kind, id, &stored);
    if (status == BPA_DB_OK) {
        c->created = bpa_resource_present(c->resource, stored);
        snprintf(c->location, sizeof c->location, "%s/%s", c->resource->collection, id);
        etag_of(c->created, c->etag);
        status = audit(conn, c->request, c->resource, "create", id, NULL);
    }
    if (status == BPA_DB_OK)
        status = bpa_idempotency_keep(conn, c->idempotency, 201, c->created, c->location, c->etag);
    json_decref(doc);
    free(id);
    free(stored);
    return status;
}

/* A unique value already taken (the resource's describe_conflict says by
 * whom), read after the rollback. */
static int reply_conflict(struct bpa_request *request, const struct bpa_resource *resource,
                          const json_t *doc, const char *id)
{
    char message[160] = "";
    json_t *details = json_array();
    enum bpa_db_status status =
        resource->describe_conflict(request->db, doc, id, message, sizeof message, details);
    if (status != BPA_DB_OK) {
        json_decref(details);
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    }
    return bpa_reply_error(request, BPA_ERR_CONFLICT, message[0] ? message : NULL, details);
}

int bpa_resource_create(struct bpa_request *request, const struct bpa_resource *resource)
{
    json_t *details = json_array();
    struct bpa_idempotency idempotency;
    json_t *doc = bpa_idempotent_body(request, resource->fields, "a JSON object is required",
                                      &idempotency, details);
    bpa_access_claim(request, resource->kind, doc, details);
    if (json_array_size(details)) {
        /* every problem in one answer: what the database knows too */
        enum bpa_db_status status =
            doc ? resource->complete(request->db, doc, details, true) : BPA_DB_OK;
        json_decref(doc);
        if (status == BPA_DB_OK)
            return bpa_reply_error(request, BPA_ERR_VALIDATION_FAILED, NULL, details);
        json_decref(details);
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    }

    struct create c = {.resource = resource,
                       .request = request,
                       .doc = doc,
                       .idempotency = &idempotency,
                       .details = details,
                       .refusal = BPA_ERR_COUNT}; /* when BEGIN itself fails */
    enum bpa_db_status status =
        bpa_db_transaction(request->db, BPA_DB_READ_COMMITTED, run_create, &c);
    int rc;
    if (status == BPA_DB_OK)
        rc = reply_document(request, 201, json_incref(c.created), c.location);
    else if (idempotency.first_answer)
        rc = bpa_idempotency_replay(request, &idempotency);
    else if (c.refusal == BPA_ERR_CONFLICT)
        rc = reply_conflict(request, resource, doc, NULL);
    else if (c.refusal != BPA_ERR_COUNT)
        rc = bpa_reply_error(request, c.refusal, NULL, json_incref(details));
    else
        rc = bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    reset_create(&c);
    bpa_idempotency_end(&idempotency);
    json_decref(details);
    json_decref(doc);
    return rc;
}

/* --- get --- */

/* Makes the reply to reading `stored`; false when it is not a document. */
static bool make_reply(const struct bpa_resource *resource, const char *stored,
                       struct bpa_memo_reply *out)
{
    json_t *doc = bpa_resource_present(resource, stored);
    if (!doc)
        return false;
    etag_of(doc, out->etag);
    out->owner =
        json_pack("{s:O?, s:O?, s:O?, s:O?}", "id", json_object_get(doc, "id"), "employer_id",
                  json_object_get(doc, "employer_id"), "portal_id",
                  json_object_get(doc, "portal_id"), "status", json_object_get(doc, "status"));
    out->reply = bpa_json_text(doc);
    json_decref(doc);
    if (out->reply && out->owner)
        return true;
    free(out->reply);
    json_decref(out->owner);
    return false;
}

/* The reply to reading resource `id`, whose stored document is `stored`
 * (NULL: there is none). Reading a person's data leaves a trace first. */
static int answer_get(struct bpa_request *request, const struct bpa_resource *resource,
                      const char *id, const char *stored)
{
    struct bpa_memo_reply made = {0};
    long long number = strtoll(id, NULL, 10);
    if (stored && !bpa_reply_memo_find(resource->replies, number, stored, &made)) {
        if (!make_reply(resource, stored, &made))
            return bpa_reply_error(request, BPA_ERR_INTERNAL_ERROR, NULL, NULL);
        bpa_reply_memo_keep(resource->replies, number, stored, &made);
    }
    enum bpa_error refused = bpa_access_document(request, resource->kind, made.owner);
    json_decref(made.owner);
    enum bpa_db_status status = BPA_DB_OK;
    if (refused == BPA_ERR_COUNT && resource->personal)
        status = audit(request->db, request, resource, "read", id, NULL);
    if (refused == BPA_ERR_COUNT && status != BPA_DB_OK)
        refused = bpa_error_from_db(status);
    if (refused != BPA_ERR_COUNT) {
        free(made.reply);
        return bpa_reply_error(request, refused, NULL, NULL);
    }
    request->reply_etag = made.etag;
    int rc = bpa_reply_json_text(request, 200, made.reply);
    request->reply_etag = NULL;
    return rc;
}

int bpa_resource_get(struct bpa_request *request, const struct bpa_resource *resource)
{
    char id[20];
    if (!bpa_param_id(request, "id", id))
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
    char *stored = NULL;
    enum bpa_db_status status = bpa_db_document_get(request->db, resource->kind, id, &stored);
    int rc = status == BPA_DB_OK ? answer_get(request, resource, id, stored)
                                 : bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    free(stored);
    return rc;
}

bool bpa_resource_read_start(struct bpa_request *request, const struct bpa_resource *resource,
                             struct bpa_db_pipeline *pipeline, bpa_db_read_done done)
{
    char id[20];
    /* a personal read writes to the audit trail: that takes a worker */
    return !resource->personal && bpa_param_id(request, "id", id) &&
           bpa_db_document_read(pipeline, resource->kind, id, done, request);
}

int bpa_resource_read_answer(struct bpa_request *request, const struct bpa_resource *resource,
                             const char *stored)
{
    char id[20];
    bpa_param_id(request, "id", id); /* read_start checked it */
    return answer_get(request, resource, id, stored);
}

/* --- update --- */

struct update {
    const struct bpa_resource *resource;
    const struct bpa_request *request;
    const char *id;
    const json_t *patch;
    const char *if_match; /* the version the caller saw, or NULL */
    json_t *changed;      /* the names of the fields the patch sets */
    json_t *details;
    enum bpa_error refusal;
    json_t *saving; /* the document the update tried to save */
    json_t *updated;
};

static enum bpa_db_status run_update(struct bpa_db_conn *conn, void *context)
{
    struct update *u = context;
    json_array_clear(u->details);
    u->refusal = BPA_ERR_COUNT;
    json_decref(u->updated);
    u->updated = NULL;

    char *stored = NULL;
    enum bpa_db_status status = bpa_db_document_get(conn, u->resource->kind, u->id, &stored);
    json_t *current = status == BPA_DB_OK ? bpa_resource_present(u->resource, stored) : NULL;
    free(stored);
    if (status != BPA_DB_OK)
        return status;
    if (!current) {
        u->refusal = BPA_ERR_NOT_FOUND;
        return BPA_DB_ABORT;
    }
    char version[24];
    snprintf(version, sizeof version, "%lld",
             (long long)json_integer_value(json_object_get(current, "version")));
    if (u->if_match && strcmp(u->if_match, version) != 0) {
        json_decref(current);
        u->refusal = BPA_ERR_PRECONDITION_FAILED;
        return BPA_DB_ABORT;
    }

    json_t *merged = bpa_fields_writable(current, u->resource->fields);
    json_decref(current);
    /* A new postcode without new coordinates is looked up again. */
    if (json_object_get(u->patch, "postcode") && !json_object_get(u->patch, "lat") &&
        !json_object_get(u->patch, "lon")) {
        json_object_del(merged, "lat");
        json_object_del(merged, "lon");
    }
    json_object_update(merged, (json_t *)u->patch);
    /* Nulls in the stored form mean "absent". */
    const char *key;
    void *tmp;
    json_t *value;
    json_object_foreach_safe(merged, tmp, key, value)
    {
        if (json_is_null(value) && !json_object_get(u->patch, key))
            json_object_del(merged, key);
    }
    json_t *doc = bpa_fields_check(merged, u->resource->fields, "", u->details);
    json_decref(merged);
    /* the database's checks too, so that one answer lists every problem */
    status = u->resource->complete(conn, doc, u->details, false);
    if (status == BPA_DB_OK && json_array_size(u->details)) {
        u->refusal = BPA_ERR_VALIDATION_FAILED;
        status = BPA_DB_ABORT;
    }
    char *text = status == BPA_DB_OK ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(u->saving);
    u->saving = doc;
    char *saved = NULL;
    if (status == BPA_DB_OK)
        status = bpa_db_document_save(conn, u->resource->kind, u->id, version, text, &saved);
    free(text);
    if (status == BPA_DB_CONFLICT && u->resource->describe_conflict) {
        u->refusal = BPA_ERR_CONFLICT;
        return BPA_DB_ABORT;
    }
    if (status == BPA_DB_OK && !saved)
        return BPA_DB_RETRY; /* changed between our read and our write: read again */
    free(saved);
    if (status == BPA_DB_OK)
        status = audit(conn, u->request, u->resource, "update", u->id,
                       json_pack("{s:O}", "fields", u->changed));
    if (status == BPA_DB_OK)
        status = bpa_db_document_get(conn, u->resource->kind, u->id, &stored);
    if (status == BPA_DB_OK) {
        u->updated = bpa_resource_present(u->resource, stored);
        free(stored);
    }
    return status;
}

/* The version in an If-Match header ("3" or W/"3"), or NULL when absent.
 * *malformed is set when present but unreadable. */
static const char *if_match_version(const char *header, char out[24], bool *malformed)
{
    *malformed = false;
    if (!header)
        return NULL;
    if (strncmp(header, "W/", 2) == 0)
        header += 2;
    size_t n = strlen(header);
    if (n < 3 || n > 21 || header[0] != '"' || header[n - 1] != '"' ||
        strspn(header + 1, "0123456789") != n - 2) {
        *malformed = true;
        return NULL;
    }
    memcpy(out, header + 1, n - 2);
    out[n - 2] = '\0';
    return out;
}

int bpa_resource_update(struct bpa_request *request, const struct bpa_resource *resource)
{
    char id[20];
    if (!bpa_param_id(request, "id", id))
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
    json_t *details = json_array();
    if (!json_is_object(request->json))
        bpa_field_problem(details, "body", "a JSON object is required");
    /* What the patch may not touch, reported before any database work. */
    const char *key;
    json_t *value;
    json_object_foreach(request->json, key, value)
    {
        for (const char *const *f = resource->create_only; f && *f; f++)
            if (strcmp(key, *f) == 0)
                bpa_field_problem(details, key, "cannot be changed after creation");
    }
    char version[24];
    bool malformed;
    const char *if_match = if_match_version(bpa_header(request, "If-Match"), version, &malformed);
    if (malformed)
        bpa_field_problem(details, "If-Match", "must be an ETag this server issued, e.g. \"3\"");
    if (json_array_size(details))
        return bpa_reply_error(request, BPA_ERR_VALIDATION_FAILED, NULL, details);
    enum bpa_error refused = bpa_access_resource(request, resource->kind, id, true);
    if (refused != BPA_ERR_COUNT) {
        json_decref(details);
        return bpa_reply_error(request, refused, NULL, NULL);
    }

    json_t *changed = json_array();
    json_object_foreach(request->json, key, value) json_array_append_new(changed, json_string(key));
    struct update u = {.resource = resource,
                       .request = request,
                       .id = id,
                       .patch = request->json,
                       .if_match = if_match,
                       .changed = changed,
                       .details = details,
                       .refusal = BPA_ERR_COUNT}; /* when BEGIN itself fails */
    enum bpa_db_status status =
        bpa_db_transaction(request->db, BPA_DB_READ_COMMITTED, run_update, &u);
    int rc;
    if (status == BPA_DB_OK)
        rc = reply_document(request, 200, u.updated, NULL);
    else if (u.refusal == BPA_ERR_VALIDATION_FAILED)
        rc = bpa_reply_error(request, u.refusal, NULL, json_incref(details));
    else if (u.refusal == BPA_ERR_CONFLICT)
        rc = reply_conflict(request, resource, u.saving, id);
    else if (u.refusal != BPA_ERR_COUNT)
        rc = bpa_reply_error(request, u.refusal, NULL, NULL);
    else
        rc = bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    if (status != BPA_DB_OK)
        json_decref(u.updated);
    json_decref(u.saving);
    json_decref(details);
    json_decref(changed);
    return rc;
}

enum bpa_error bpa_resource_access(struct bpa_request *request, const struct bpa_resource *resource,
                                   char id[20], bool writing)
{
    if (!bpa_param_id(request, "id", id))
        return BPA_ERR_NOT_FOUND;
    return bpa_access_resource(request, resource->kind, id, writing);
}

enum bpa_db_status bpa_resource_audit(struct bpa_db_conn *conn, const struct bpa_request *request,
                                      const struct bpa_resource *resource, const char *verb,
                                      const char *id)
{
    return audit(conn, request, resource, verb, id, NULL);
}

/* --- shared completion steps --- */

static bool has_problem(const json_t *details, const char *field)
{
    size_t i;
    const json_t *problem;
    json_array_foreach(details, i, problem)
    {
        const char *named = json_string_value(json_object_get(problem, "field"));
        if (named && strcmp(named, field) == 0)
            return true;
    }
    return false;
}

enum bpa_db_status bpa_complete_location(struct bpa_db_conn *conn, json_t *doc, json_t *details)
{
    if (has_problem(details, "lat") || has_problem(details, "lon"))
        return BPA_DB_OK; /* the coordinates given are wrong: said already */
    bool lat = json_object_get(doc, "lat") != NULL, lon = json_object_get(doc, "lon") != NULL;
    if (lat != lon) {
        bpa_field_problem(details, lat ? "lon" : "lat", "is required when the other is given");
        return BPA_DB_OK;
    }
    const char *postcode = json_string_value(json_object_get(doc, "postcode"));
    if (lat || !postcode)
        return BPA_DB_OK;
    char pc4[5];
    snprintf(pc4, sizeof pc4, "%.4s", postcode);
    char *found = NULL;
    enum bpa_db_status status = bpa_db_postcode_get(conn, pc4, &found);
    json_t *place = found ? json_loads(found, 0, NULL) : NULL;
    free(found);
    if (status == BPA_DB_OK && !place)
        bpa_field_problem(details, "postcode", "is not a known postcode; give lat and lon as well");
    if (place) {
        json_object_set(doc, "lat", json_object_get(place, "lat"));
        json_object_set(doc, "lon", json_object_get(place, "lon"));
        json_decref(place);
    }
    return status;
}

/* Adds {uri: [paths]} for one URI. */
static void note_uri(json_t *where, const json_t *uri, const char *path)
{
    const char *text = json_string_value(uri);
    if (!text)
        return;
    json_t *paths = json_object_get(where, text);
    if (!paths)
        json_object_set_new(where, text, paths = json_array());
    json_array_append_new(paths, json_string(path));
}

enum bpa_db_status bpa_complete_skills(struct bpa_db_conn *conn, const json_t *doc,
                                       const char *const *paths, json_t *details)
{
    json_t *where = json_object();
    for (const char *const *p = paths; *p; p++) {
        char list[64];
        snprintf(list, sizeof list, "%.*s", (int)strcspn(*p, "["), *p);
        const char *member = strstr(*p, "].") ? strstr(*p, "].") + 2 : NULL;
        size_t i;
        json_t *item;
        json_array_foreach(json_object_get(doc, list), i, item)
        {
            char path[128];
            snprintf(path, sizeof path, "%s[%zu]%s%s", list, i, member ? "." : "",
                     member ? member : "");
            note_uri(where, member ? json_object_get(item, member) : item, path);
        }
    }
    json_t *uris = json_array();
    const char *uri;
    json_t *value;
    json_object_foreach(where, uri, value) json_array_append_new(uris, json_string(uri));
    enum bpa_db_status status = BPA_DB_OK;
    if (json_array_size(uris)) {
        char *text = json_dumps(uris, JSON_COMPACT);
        char *unknown_text = NULL;
        status = bpa_db_unknown_skills(conn, text, &unknown_text);
        free(text);
        json_t *unknown = unknown_text ? json_loads(unknown_text, 0, NULL) : NULL;
        free(unknown_text);
        size_t i, j;
        json_t *u, *path;
        json_array_foreach(unknown, i, u)
        {
            json_array_foreach(json_object_get(where, json_string_value(u)), j, path)
                bpa_field_problem(details, json_string_value(path), "is not a known skill URI");
        }
        json_decref(unknown);
    }
    json_decref(uris);
    json_decref(where);
    return status;
}

enum bpa_db_status
bpa_complete_owner(struct bpa_db_conn *conn, const json_t *doc, const char *field,
                   enum bpa_db_status (*exists)(struct bpa_db_conn *, const char *, bool *),
                   json_t *details)
{
    char id[24];
    bool found = false;
    if (!json_is_integer(json_object_get(doc, field)))
        return BPA_DB_OK; /* missing or invalid: said already */
    snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(doc, field)));
    enum bpa_db_status status = exists(conn, id, &found);
    if (status == BPA_DB_OK && !found)
        bpa_field_problem(details, field, "is not a known id");
    return status;
}

void bpa_check_unique_uris(const json_t *doc, const char *list, json_t *details)
{
    const json_t *items = json_object_get(doc, list);
    for (size_t i = 0; i < json_array_size(items); i++) {
        const json_t *uri = json_object_get(json_array_get(items, i), "uri");
        for (size_t j = 0; j < i; j++) {
            if (json_equal((json_t *)uri, json_object_get(json_array_get(items, j), "uri"))) {
                char path[96];
                snprintf(path, sizeof path, "%s[%zu].uri", list, i);
                bpa_field_problem(details, path, "is listed twice");
                break;
            }
        }
    }
}
