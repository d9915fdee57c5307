/* /v1/skills, /v1/occupations and /v1/postcodes: the reference data. */
#include "handlers.h"
#include "request.h"

#include <stdlib.h>
#include <string.h>

static int term_search(struct bpa_request *request, enum bpa_term kind)
{
    json_t *details = json_array();
    struct bpa_page page;
    bpa_page_parse(request, false, &page, details);
    char *q = bpa_query_checked(request, "q", BPA_TEXT, 1, 100, NULL, details);
    char *prefix = q ? bpa_like_escape(q) : NULL;
    int rc;
    if (json_array_size(details)) {
        rc = bpa_reply_error(request, BPA_ERR_VALIDATION_FAILED, NULL, json_incref(details));
    } else {
        char *items = NULL;
        enum bpa_db_status status =
            bpa_db_term_search(request->db, kind, page.after, prefix, page.limit, &items);
        rc = status == BPA_DB_OK ? bpa_reply_page(request, json_loads(items, 0, NULL), &page, "uri")
                                 : bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
        free(items);
    }
    free(q);
    free(prefix);
    bpa_page_free(&page);
    json_decref(details);
    return rc;
}

static int term_get(struct bpa_request *request, enum bpa_term kind)
{
    char key[101];
    if (!bpa_param_text(request, "id", key, sizeof key))
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
    char *doc = NULL;
    enum bpa_db_status status = bpa_db_term_get(request->db, kind, key, &doc);
    if (status != BPA_DB_OK)
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    json_t *term = doc ? json_loads(doc, 0, NULL) : NULL;
    free(doc);
    return term ? bpa_reply_json(request, 200, term)
                : bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
}

int bpa_handle_skill_search(struct bpa_request *request)
{
    return term_search(request, BPA_SKILL);
}

int bpa_handle_skill_get(struct bpa_request *request)
{
    return term_get(request, BPA_SKILL);
}

int bpa_handle_occupation_search(struct bpa_request *request)
{
    return term_search(request, BPA_OCCUPATION);
}

int bpa_handle_occupation_get(struct bpa_request *request)
{
    return term_get(request, BPA_OCCUPATION);
}

int bpa_handle_postcode_get(struct bpa_request *request)
{
    char pc4[8];
    if (!bpa_param_text(request, "pc4", pc4, sizeof pc4) || strlen(pc4) != 4 ||
        strspn(pc4, "0123456789") != 4 || pc4[0] == '0')
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
    char *doc = NULL;
    enum bpa_db_status status = bpa_db_postcode_get(request->db, pc4, &doc);
    if (status != BPA_DB_OK)
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    json_t *place = doc ? json_loads(doc, 0, NULL) : NULL;
    free(doc);
    return place ? bpa_reply_json(request, 200, place)
                 : bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
}
