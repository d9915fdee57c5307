/* /v1/seekers: job seekers, registered by a partner portal. */
#include "handlers.h"
#include "access.h"
#include "resource.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const statuses[] = {"active", "paused", "placed", "left", NULL};

static const struct bpa_field skill_level_fields[] = {
    {"uri", BPA_URI, BPA_REQUIRED, 0, 0, NULL, NULL},
    {"level", BPA_INTEGER, BPA_REQUIRED, 1, 5, NULL, NULL},
    {0},
};

static const struct bpa_field consent_fields[] = {
    {"purpose", BPA_TEXT, BPA_REQUIRED, 1, 500, NULL, NULL},
    {"text_version", BPA_TEXT, BPA_REQUIRED, 1, 50, NULL, NULL},
    {"given_at", BPA_TIMESTAMP, BPA_REQUIRED, 0, 0, NULL, NULL},
    {0},
};

static const char *const purposes[] = {"matching", "share_contact", "email_updates", NULL};

static const struct bpa_field consent_given_fields[] = {
    {"purpose", BPA_CHOICE, BPA_REQUIRED, 0, 0, purposes, NULL},
    {"given", BPA_BOOLEAN, BPA_REQUIRED, 0, 0, NULL, NULL},
    {"text_version", BPA_TEXT, BPA_REQUIRED, 1, 50, NULL, NULL},
    {0},
};

static const struct bpa_field seeker_fields[] = {
    {"id", BPA_INTEGER, BPA_READ_ONLY, 0, 0, NULL, NULL},
    {"version", BPA_INTEGER, BPA_READ_ONLY, 0, 0, NULL, NULL},
    {"created_at", BPA_TIMESTAMP, BPA_READ_ONLY, 0, 0, NULL, NULL},
    {"updated_at", BPA_TIMESTAMP, BPA_READ_ONLY, 0, 0, NULL, NULL},
    {"portal_id", BPA_INTEGER, 0, 1, 1e15, NULL, NULL}, /* a portal's own by default */
    {"external_ref", BPA_TEXT, BPA_NULLABLE, 1, 100, NULL, NULL},
    {"name", BPA_TEXT, BPA_REQUIRED, 1, 200, NULL, NULL},
    {"email", BPA_EMAIL, BPA_NULLABLE, 0, 0, NULL, NULL},
    {"phone", BPA_PHONE, BPA_NULLABLE, 0, 0, NULL, NULL},
    {"postcode", BPA_POSTCODE, BPA_REQUIRED, 0, 0, NULL, NULL},
    {"lat", BPA_NUMBER, 0, 50.7, 53.7, NULL, NULL},
    {"lon", BPA_NUMBER, 0, 3.2, 7.3, NULL, NULL},
    {"skills", BPA_OBJECTS, 0, 0, 50, NULL, skill_level_fields},
    {"learning_goals", BPA_URIS, 0, 0, 50, NULL, NULL},
    {"availability", BPA_SCHEDULE, BPA_REQUIRED, 0, 0, NULL, NULL},
    {"available_from", BPA_DATE, BPA_REQUIRED, 0, 0, NULL, NULL},
    {"available_until", BPA_DATE, BPA_NULLABLE, 0, 0, NULL, NULL},
    {"max_hours_per_week", BPA_NUMBER, BPA_REQUIRED, 1, 60, NULL, NULL},
    {"max_travel_km", BPA_NUMBER, BPA_REQUIRED, 1, 250, NULL, NULL},
    {"dutch_level", BPA_CHOICE, 0, 0, 0, bpa_cefr_levels, NULL},
    {"certificates", BPA_CODES, 0, 0, 20, NULL, NULL},
    {"consent", BPA_OBJECT, BPA_REQUIRED, 0, 0, NULL, consent_fields},
    /* per purpose, when creating; later through /consents */
    {"consents", BPA_OBJECTS, BPA_CREATE_INPUT, 0, 10, NULL, consent_given_fields},
    {"erased_at", BPA_TIMESTAMP, BPA_READ_ONLY, 0, 0, NULL, NULL},
    {"status", BPA_CHOICE, 0, 0, 0, statuses, NULL},
    {0},
};

static const char *const create_only[] = {"portal_id", "consents", NULL};

static enum bpa_db_status complete_seeker(struct bpa_db_conn *conn, json_t *doc, json_t *details,
                                          bool creating)
{
    enum bpa_db_status status = BPA_DB_OK;
    if (creating)
        status = bpa_complete_owner(conn, doc, "portal_id", bpa_db_portal_exists, details);
    const char *from = json_string_value(json_object_get(doc, "available_from"));
    const char *until = json_string_value(json_object_get(doc, "available_until"));
    if (from && until && strcmp(until, from) < 0)
        bpa_field_problem(details, "available_until", "must not be before available_from");
    bpa_check_unique_uris(doc, "skills", details);
    static const char *const skill_paths[] = {"skills[].uri", "learning_goals[]", NULL};
    if (status == BPA_DB_OK)
        status = bpa_complete_skills(conn, doc, skill_paths, details);
    if (status == BPA_DB_OK)
        status = bpa_complete_location(conn, doc, details);
    return status;
}

/* A portal's reference names one of its seekers: the one already holding
 * it is named, so that a portal that lost a response finds what it made. */
static enum bpa_db_status describe_conflict(struct bpa_db_conn *conn, const json_t *doc,
                                            const char *id, char *message, size_t size,
                                            json_t *details)
{
    char portal[24], *holder = NULL;
    snprintf(portal, sizeof portal, "%lld",
             (long long)json_integer_value(json_object_get(doc, "portal_id")));
    const char *params[] = {portal, json_string_value(json_object_get(doc, "external_ref")), id};
    enum bpa_db_status status =
        params[1] ? bpa_db_call(conn, "seeker_holding_ref", 3, params, &holder) : BPA_DB_OK;
    if (status == BPA_DB_OK && holder) {
        char problem[64];
        snprintf(message, size, "seeker %s already has this external_ref", holder);
        snprintf(problem, sizeof problem, "is already used by seeker %s", holder);
        json_array_append_new(details, json_pack("{s:s, s:s, s:I}", "field", "external_ref",
                                                 "problem", problem, "existing_id",
                                                 (json_int_t)strtoll(holder, NULL, 10)));
    }
    free(holder);
    return status;
}

static struct bpa_reply_memo seeker_replies = BPA_REPLY_MEMO_INIT;

static const struct bpa_resource seekers = {
    .replies = &seeker_replies,
    .kind = BPA_SEEKER,
    .name = "seeker",
    .personal = true,
    .collection = "/v1/seekers",
    .fields = seeker_fields,
    .schedule_field = "availability",
    .create_only = create_only,
    .complete = complete_seeker,
    .describe_conflict = describe_conflict,
};

int bpa_handle_seeker_create(struct bpa_request *request)
{
    return bpa_resource_create(request, &seekers);
}

int bpa_handle_seeker_get(struct bpa_request *request)
{
    return bpa_resource_get(request, &seekers);
}

int bpa_handle_seeker_update(struct bpa_request *request)
{
    /* an erased seeker stays erased: nothing of theirs is stored again */
    char id[20], *erased = NULL;
    enum bpa_db_status status =
        bpa_param_id(request, "id", id)
            ? bpa_db_call(request->db, "seeker_erased", 1, (const char *const[]){id}, &erased)
            : BPA_DB_OK;
    bool gone = erased && strcmp(erased, "t") == 0;
    free(erased);
    if (status != BPA_DB_OK)
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    if (gone && bpa_access_resource(request, BPA_SEEKER, id, true) == BPA_ERR_COUNT)
        return bpa_reply_error(request, BPA_ERR_INVALID_STATE,
                               "this seeker's data was erased and cannot be changed", NULL);
    return bpa_resource_update(request, &seekers);
}

int bpa_handle_seeker_list(struct bpa_request *request)
{
    json_t *details = json_array();
    struct bpa_page page;
    bpa_page_parse(request, true, &page, details);
    char *portal = bpa_query_checked(request, "portal_id", BPA_INTEGER, 1, 1e15, NULL, details);
    char *status_filter = bpa_query_checked(request, "status", BPA_CHOICE, 0, 0, statuses, details);
    char *skill = bpa_query_checked(request, "skill", BPA_URI, 0, 0, NULL, details);
    char *area = bpa_query_checked(request, "postcode_area", BPA_TEXT, 1, 4, NULL, details);
    char *external_ref =
        bpa_query_checked(request, "external_ref", BPA_TEXT, 1, 100, NULL, details);
    if (area && (strspn(area, "0123456789") != strlen(area) || area[0] == '0'))
        bpa_field_problem(details, "postcode_area", "must be 1 to 4 leading digits of a postcode");
    struct bpa_scope scope;
    bool visible = bpa_access_scope(request, BPA_SEEKER, portal, NULL, &scope);
    int rc;
    if (json_array_size(details)) {
        rc = bpa_reply_error(request, BPA_ERR_VALIDATION_FAILED, NULL, json_incref(details));
    } else if (!visible) {
        rc = bpa_reply_page(request, json_array(), &page, "id");
    } else {
        const char *params[] = {page.after,    scope.owner[0] ? scope.owner : portal,
                                status_filter, skill,
                                area,          page.limit,
                                external_ref};
        char *items = NULL;
        enum bpa_db_status status = bpa_db_document_list(request->db, BPA_SEEKER, params, &items);
        rc = status == BPA_DB_OK ? bpa_resource_reply_list(request, &seekers, items, &page)
                                 : bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
        free(items);
    }
    free(portal);
    free(status_filter);
    free(skill);
    free(area);
    free(external_ref);
    bpa_page_free(&page);
    json_decref(details);
    return rc;
}

int bpa_handle_seeker_delete(struct bpa_request *request)
{
    char id[20];
    enum bpa_error refused = bpa_resource_access(request, &seekers, id, true);
    if (refused != BPA_ERR_COUNT)
        return bpa_reply_error(request, refused, NULL, NULL);
    bool deleted = false;
    enum bpa_db_status status = bpa_db_seeker_delete(request->db, id, &deleted);
    if (status == BPA_DB_OK && deleted)
        status = bpa_resource_audit(request->db, request, &seekers, "delete", id);
    if (status != BPA_DB_OK)
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    return deleted ? bpa_reply_empty(request, 204)
                   : bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
}
