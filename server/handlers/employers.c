/* /v1/employers: the organisations offering work-learning places. */
#include "handlers.h"
#include "access.h"
#include "resource.h"

#include <stdlib.h>
#include <string.h>

static const char *const languages[] = {"nl", "en", NULL};

static const struct bpa_field contact_fields[] = {
    {"name", BPA_TEXT, BPA_REQUIRED, 1, 200, NULL, NULL},
    {"email", BPA_EMAIL, BPA_REQUIRED, 0, 0, NULL, NULL},
    {"phone", BPA_PHONE, BPA_NULLABLE, 0, 0, NULL, NULL},
    {"language", BPA_CHOICE, 0, 0, 0, languages, NULL},
    {0},
};

static const struct bpa_field employer_fields[] = {
    {"id", BPA_INTEGER, BPA_READ_ONLY, 0, 0, NULL, NULL},
    {"verified", BPA_BOOLEAN, BPA_READ_ONLY, 0, 0, NULL, NULL},
    {"version", BPA_INTEGER, BPA_READ_ONLY, 0, 0, NULL, NULL},
    {"created_at", BPA_TIMESTAMP, BPA_READ_ONLY, 0, 0, NULL, NULL},
    {"updated_at", BPA_TIMESTAMP, BPA_READ_ONLY, 0, 0, NULL, NULL},
    {"kvk_number", BPA_KVK, BPA_REQUIRED, 0, 0, NULL, NULL},
    {"name", BPA_TEXT, BPA_REQUIRED, 1, 200, NULL, NULL},
    {"address", BPA_TEXT, BPA_NULLABLE, 1, 300, NULL, NULL},
    {"postcode", BPA_POSTCODE, BPA_REQUIRED, 0, 0, NULL, NULL},
    {"lat", BPA_NUMBER, 0, 50.7, 53.7, NULL, NULL},
    {"lon", BPA_NUMBER, 0, 3.2, 7.3, NULL, NULL},
    {"sector", BPA_TEXT, BPA_NULLABLE, 1, 100, NULL, NULL},
    {"contacts", BPA_OBJECTS, 0, 0, 20, NULL, contact_fields},
    {0},
};

static enum bpa_db_status complete_employer(struct bpa_db_conn *conn, json_t *doc, json_t *details,
                                            bool creating)
{
    (void)creating;
    return bpa_complete_location(conn, doc, details);
}

static struct bpa_reply_memo employer_replies = BPA_REPLY_MEMO_INIT;

static const struct bpa_resource employers = {
    .replies = &employer_replies,
    .kind = BPA_EMPLOYER,
    .name = "employer",
    .collection = "/v1/employers",
    .fields = employer_fields,
    .complete = complete_employer,
};

int bpa_handle_employer_create(struct bpa_request *request)
{
    return bpa_resource_create(request, &employers);
}

int bpa_handle_employer_get(struct bpa_request *request)
{
    return bpa_resource_get(request, &employers);
}

static bool start_employer_read(struct bpa_request *request, struct bpa_db_pipeline *pipeline,
                                bpa_db_read_done done)
{
    return bpa_resource_read_start(request, &employers, pipeline, done);
}

static int answer_employer_read(struct bpa_request *request, const char *stored)
{
    return bpa_resource_read_answer(request, &employers, stored);
}

const struct bpa_single_read bpa_employer_read = {start_employer_read, answer_employer_read};

int bpa_handle_employer_update(struct bpa_request *request)
{
    return bpa_resource_update(request, &employers);
}

int bpa_handle_employer_list(struct bpa_request *request)
{
    json_t *details = json_array();
    struct bpa_page page;
    bpa_page_parse(request, true, &page, details);
    char *verified = bpa_query_checked(request, "verified", BPA_BOOLEAN, 0, 0, NULL, details);
    char *q = bpa_query_checked(request, "q", BPA_TEXT, 1, 100, NULL, details);
    char *pattern = q ? bpa_like_escape(q) : NULL;
    struct bpa_scope scope;
    bpa_access_scope(request, BPA_EMPLOYER, NULL, NULL, &scope);
    int rc;
    if (json_array_size(details)) {
        rc = bpa_reply_error(request, BPA_ERR_VALIDATION_FAILED, NULL, json_incref(details));
    } else {
        const char *params[] = {page.after, verified, pattern, page.limit,
                                scope.owner[0] ? scope.owner : NULL};
        char *items = NULL;
        enum bpa_db_status status = bpa_db_document_list(request->db, BPA_EMPLOYER, params, &items);
        rc = status == BPA_DB_OK ? bpa_resource_reply_list(request, &employers, items, &page)
                                 : bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
        free(items);
    }
    free(verified);
    free(q);
    free(pattern);
    bpa_page_free(&page);
    json_decref(details);
    return rc;
}

/* PUT /v1/employers/{id}/verified {"verified": true|false} */
int bpa_handle_employer_verify(struct bpa_request *request)
{
    char id[20];
    if (!bpa_param_id(request, "id", id))
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
    static const struct bpa_field fields[] = {
        {"verified", BPA_BOOLEAN, BPA_REQUIRED, 0, 0, NULL, NULL},
        {0},
    };
    int rc;
    json_t *body = bpa_body_checked(request, fields, "a JSON object is required", &rc);
    if (!body)
        return rc;
    bool found = false;
    bool verified = json_is_true(json_object_get(body, "verified"));
    enum bpa_db_status status = bpa_db_employer_set_verified(request->db, id, verified, &found);
    json_decref(body);
    if (status == BPA_DB_OK && found)
        status = bpa_resource_audit(request->db, request, &employers,
                                    verified ? "verify" : "unverify", id);
    if (status != BPA_DB_OK)
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    if (!found)
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
    return bpa_resource_get(request, &employers);
}
