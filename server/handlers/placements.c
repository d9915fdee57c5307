/* /v1/placements: work-learning places, from draft to open to closed. */
#include "handlers.h"
#include "access.h"
#include "resource.h"
#include "schedule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const bpa_cefr_levels[] = {"none", "A1", "A2", "B1", "B2", "C1", "C2", NULL};
static const char *const statuses[] = {"draft", "open", "closed", NULL};

static const struct bpa_field required_skill_fields[] = {
    {"uri", BPA_URI, BPA_REQUIRED, 0, 0, NULL, NULL},
    {"min_level", BPA_INTEGER, BPA_REQUIRED, 1, 5, NULL, NULL},
    {"essential", BPA_BOOLEAN, 0, 0, 0, NULL, NULL},
    {0},
};

static const struct bpa_field placement_fields[] = {
    {"id", BPA_INTEGER, BPA_READ_ONLY, 0, 0, NULL, NULL},
    {"status", BPA_CHOICE, BPA_READ_ONLY, 0, 0, statuses, NULL},
    {"version", BPA_INTEGER, BPA_READ_ONLY, 0, 0, NULL, NULL},
    {"created_at", BPA_TIMESTAMP, BPA_READ_ONLY, 0, 0, NULL, NULL},
    {"updated_at", BPA_TIMESTAMP, BPA_READ_ONLY, 0, 0, NULL, NULL},
    {"employer_id", BPA_INTEGER, 0, 1, 1e15, NULL, NULL}, /* an employer's own by default */
    {"title", BPA_TEXT, BPA_REQUIRED, 1, 200, NULL, NULL},
    {"description", BPA_TEXT, BPA_MULTILINE, 0, 5000, NULL, NULL},
    {"occupation_uri", BPA_URI, BPA_NULLABLE, 0, 0, NULL, NULL},
    {"postcode", BPA_POSTCODE, BPA_REQUIRED, 0, 0, NULL, NULL},
    {"lat", BPA_NUMBER, 0, 50.7, 53.7, NULL, NULL},
    {"lon", BPA_NUMBER, 0, 3.2, 7.3, NULL, NULL},
    {"schedule", BPA_SCHEDULE, BPA_REQUIRED, 0, 0, NULL, NULL},
    {"hours_per_week", BPA_NUMBER, BPA_REQUIRED, 1, 60, NULL, NULL},
    {"start_date", BPA_DATE, BPA_REQUIRED, 0, 0, NULL, NULL},
    {"end_date", BPA_DATE, BPA_REQUIRED, 0, 0, NULL, NULL},
    {"capacity", BPA_INTEGER, BPA_REQUIRED, 1, 100, NULL, NULL},
    {"min_dutch_level", BPA_CHOICE, 0, 0, 0, bpa_cefr_levels, NULL},
    {"certificates", BPA_CODES, 0, 0, 20, NULL, NULL},
    {"required_skills", BPA_OBJECTS, 0, 0, 50, NULL, required_skill_fields},
    {"taught_skills", BPA_URIS, 0, 0, 50, NULL, NULL},
    {0},
};

static const char *const create_only[] = {"employer_id", NULL};

static enum bpa_db_status complete_placement(struct bpa_db_conn *conn, json_t *doc, json_t *details,
                                             bool creating)
{
    enum bpa_db_status status = BPA_DB_OK;
    if (creating)
        status = bpa_complete_owner(conn, doc, "employer_id", bpa_db_employer_exists, details);
    const char *start = json_string_value(json_object_get(doc, "start_date"));
    const char *end = json_string_value(json_object_get(doc, "end_date"));
    if (start && end && strcmp(end, start) <= 0)
        bpa_field_problem(details, "end_date", "must be after start_date");
    const char *slots = json_string_value(json_object_get(doc, "schedule"));
    double hours = json_number_value(json_object_get(doc, "hours_per_week"));
    if (slots && hours > bpa_schedule_hours(slots))
        bpa_field_problem(details, "hours_per_week", "is more than the schedule's hours");
    bpa_check_unique_uris(doc, "required_skills", details);

    const char *occupation = json_string_value(json_object_get(doc, "occupation_uri"));
    if (status == BPA_DB_OK && occupation) {
        bool known = false;
        status = bpa_db_occupation_known(conn, occupation, &known);
        if (status == BPA_DB_OK && !known)
            bpa_field_problem(details, "occupation_uri", "is not a known occupation URI");
    }
    static const char *const skill_paths[] = {"required_skills[].uri", "taught_skills[]", NULL};
    if (status == BPA_DB_OK)
        status = bpa_complete_skills(conn, doc, skill_paths, details);
    if (status == BPA_DB_OK)
        status = bpa_complete_location(conn, doc, details);
    return status;
}

static struct bpa_reply_memo placement_replies = BPA_REPLY_MEMO_INIT;

static const struct bpa_resource placements = {
    .replies = &placement_replies,
    .kind = BPA_PLACEMENT,
    .name = "placement",
    .collection = "/v1/placements",
    .fields = placement_fields,
    .schedule_field = "schedule",
    .create_only = create_only,
    .complete = complete_placement,
};

int bpa_handle_placement_create(struct bpa_request *request)
{
    return bpa_resource_create(request, &placements);
}

int bpa_handle_placement_get(struct bpa_request *request)
{
    return bpa_resource_get(request, &placements);
}

static bool start_placement_read(struct bpa_request *request, struct bpa_db_pipeline *pipeline,
                                 bpa_db_read_done done)
{
    return bpa_resource_read_start(request, &placements, pipeline, done);
}

static int answer_placement_read(struct bpa_request *request, const char *stored)
{
    return bpa_resource_read_answer(request, &placements, stored);
}

const struct bpa_single_read bpa_placement_read = {start_placement_read, answer_placement_read};

int bpa_handle_placement_update(struct bpa_request *request)
{
    return bpa_resource_update(request, &placements);
}

/* near_postcode or near_lat/near_lon, with within_km: the centre of a
 * distance filter, into lat/lon (malloc'd) or problems. Not OK when the
 * postcode could not be looked up. */
static enum bpa_db_status read_centre(struct bpa_request *request, json_t *details, char **lat,
                                      char **lon, char **km)
{
    enum bpa_db_status status = BPA_DB_OK;
    char *postcode = bpa_query_checked(request, "near_postcode", BPA_POSTCODE, 0, 0, NULL, details);
    *lat = bpa_query_checked(request, "near_lat", BPA_NUMBER, 50.7, 53.7, NULL, details);
    *lon = bpa_query_checked(request, "near_lon", BPA_NUMBER, 3.2, 7.3, NULL, details);
    *km = bpa_query_checked(request, "within_km", BPA_NUMBER, 0.1, 500, NULL, details);
    bool point = *lat || *lon;
    if ((*lat == NULL) != (*lon == NULL))
        bpa_field_problem(details, *lat ? "near_lon" : "near_lat", "is required with the other");
    if (postcode && point)
        bpa_field_problem(details, "near_postcode", "give a postcode or a point, not both");
    if ((postcode || point) != (*km != NULL))
        bpa_field_problem(details, *km ? "near_postcode" : "within_km",
                          *km ? "a centre (near_postcode or near_lat/near_lon) is required"
                              : "is required with a centre");
    if (postcode && json_array_size(details) == 0) {
        char pc4[5], *found = NULL;
        snprintf(pc4, sizeof pc4, "%.4s", postcode);
        status = bpa_db_postcode_get(request->db, pc4, &found);
        json_t *place = found ? json_loads(found, 0, NULL) : NULL;
        if (status == BPA_DB_OK && !place)
            bpa_field_problem(details, "near_postcode", "is not a known postcode");
        if (place) {
            *lat = json_dumps(json_object_get(place, "lat"), JSON_ENCODE_ANY);
            *lon = json_dumps(json_object_get(place, "lon"), JSON_ENCODE_ANY);
        }
        json_decref(place);
        free(found);
    }
    free(postcode);
    return status;
}

int bpa_handle_placement_list(struct bpa_request *request)
{
    json_t *details = json_array();
    struct bpa_page page;
    bpa_page_parse(request, true, &page, details);
    char *status_filter = bpa_query_checked(request, "status", BPA_CHOICE, 0, 0, statuses, details);
    char *employer = bpa_query_checked(request, "employer_id", BPA_INTEGER, 1, 1e15, NULL, details);
    char *occupation = bpa_query_checked(request, "occupation", BPA_URI, 0, 0, NULL, details);
    char *skill = bpa_query_checked(request, "skill", BPA_URI, 0, 0, NULL, details);
    char *from = bpa_query_checked(request, "starts_from", BPA_DATE, 0, 0, NULL, details);
    char *until = bpa_query_checked(request, "starts_until", BPA_DATE, 0, 0, NULL, details);
    char *lat = NULL, *lon = NULL, *km = NULL;
    enum bpa_db_status centre = read_centre(request, details, &lat, &lon, &km);
    struct bpa_scope scope;
    bool visible = bpa_access_scope(request, BPA_PLACEMENT, employer, status_filter, &scope);
    int rc;
    if (centre != BPA_DB_OK) { /* never a list without the distance filter asked for */
        rc = bpa_reply_error(request, bpa_error_from_db(centre), NULL, NULL);
    } else if (json_array_size(details)) {
        rc = bpa_reply_error(request, BPA_ERR_VALIDATION_FAILED, NULL, json_incref(details));
    } else if (!visible) {
        rc = bpa_reply_page(request, json_array(), &page, "id");
    } else {
        const char *params[] = {page.after,
                                scope.status ? scope.status : status_filter,
                                scope.owner[0] ? scope.owner : employer,
                                occupation,
                                skill,
                                lat,
                                lon,
                                km,
                                from,
                                until,
                                page.limit};
        char *items = NULL;
        enum bpa_db_status status =
            bpa_db_document_list(request->db, BPA_PLACEMENT, params, &items);
        rc = status == BPA_DB_OK ? bpa_resource_reply_list(request, &placements, items, &page)
                                 : bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
        free(items);
    }
    char *owned[] = {status_filter, employer, occupation, skill, from, until, lat, lon, km};
    for (size_t i = 0; i < sizeof owned / sizeof owned[0]; i++)
        free(owned[i]);
    bpa_page_free(&page);
    json_decref(details);
    return rc;
}

struct transition {
    const struct bpa_request *request;
    const char *id;
    const char *to; /* "open" or "closed" */
    enum bpa_error refusal;
    char current[16];
};

static enum bpa_db_status run_transition(struct bpa_db_conn *conn, void *context)
{
    struct transition *t = context;
    t->refusal = BPA_ERR_COUNT;
    char *text = NULL;
    enum bpa_db_status status = bpa_db_placement_state(conn, t->id, &text);
    json_t *state = text ? json_loads(text, 0, NULL) : NULL;
    free(text);
    if (status != BPA_DB_OK)
        return status;
    if (!state) {
        t->refusal = BPA_ERR_NOT_FOUND;
        return BPA_DB_ABORT;
    }
    snprintf(t->current, sizeof t->current, "%s",
             json_string_value(json_object_get(state, "status")));
    bool verified = json_is_true(json_object_get(state, "verified"));
    json_decref(state);
    if (strcmp(t->current, t->to) == 0) {
        t->refusal = BPA_ERR_INVALID_STATE;
        return BPA_DB_ABORT;
    }
    if (strcmp(t->to, "open") == 0 && !verified) {
        t->refusal = BPA_ERR_EMPLOYER_NOT_VERIFIED;
        return BPA_DB_ABORT;
    }
    status = bpa_db_placement_set_status(conn, t->id, t->to);
    return status == BPA_DB_OK ? bpa_resource_audit(conn, t->request, &placements,
                                                    strcmp(t->to, "open") ? "close" : "open", t->id)
                               : status;
}

static int transition(struct bpa_request *request, const char *to)
{
    char id[20];
    enum bpa_error refused = bpa_resource_access(request, &placements, id, true);
    if (refused != BPA_ERR_COUNT)
        return bpa_reply_error(request, refused, NULL, NULL);
    struct transition t = {
        .request = request, .id = id, .to = to, .refusal = BPA_ERR_COUNT}; /* if BEGIN fails */
    enum bpa_db_status status =
        bpa_db_transaction(request->db, BPA_DB_READ_COMMITTED, run_transition, &t);
    if (status == BPA_DB_OK)
        return bpa_resource_get(request, &placements);
    if (t.refusal == BPA_ERR_INVALID_STATE) {
        char message[96];
        snprintf(message, sizeof message, "the placement is %s already", t.current);
        return bpa_reply_error(request, t.refusal, message,
                               json_pack("[{s:s, s:s}]", "field", "status", "problem", message));
    }
    if (t.refusal != BPA_ERR_COUNT)
        return bpa_reply_error(request, t.refusal, NULL, NULL);
    return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
}

int bpa_handle_placement_open(struct bpa_request *request)
{
    return transition(request, "open");
}

int bpa_handle_placement_close(struct bpa_request *request)
{
    return transition(request, "closed");
}

int bpa_handle_placement_delete(struct bpa_request *request)
{
    char id[20];
    enum bpa_error refused = bpa_resource_access(request, &placements, id, true);
    if (refused != BPA_ERR_COUNT)
        return bpa_reply_error(request, refused, NULL, NULL);
    bool deleted = false;
    enum bpa_db_status status = bpa_db_placement_delete_draft(request->db, id, &deleted);
    if (status == BPA_DB_OK && deleted)
        status = bpa_resource_audit(request->db, request, &placements, "delete", id);
    if (status != BPA_DB_OK)
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    if (deleted)
        return bpa_reply_empty(request, 204);
    char *doc = NULL;
    status = bpa_db_document_get(request->db, BPA_PLACEMENT, id, &doc);
    bool exists = doc != NULL;
    free(doc);
    if (status != BPA_DB_OK)
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    if (!exists)
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
    return bpa_reply_error(request, BPA_ERR_INVALID_STATE,
                           "only a draft placement can be deleted; close it instead", NULL);
}
