/* /v1/audit: the audit trail, for coordinators. */
#include "handlers.h"
#include "request.h"

#include <stdlib.h>

int bpa_handle_audit_list(struct bpa_request *request)
{
    static const char *const kinds[] = {"anonymous", "coordinator", "employer",
                                        "portal",    "operator",    NULL};
    json_t *details = json_array();
    struct bpa_page page;
    bpa_page_parse(request, true, &page, details);
    char *filters[] = {
        bpa_query_checked(request, "principal_kind", BPA_CHOICE, 0, 0, kinds, details),
        bpa_query_checked(request, "principal_id", BPA_INTEGER, 1, 1e15, NULL, details),
        bpa_query_checked(request, "action", BPA_TEXT, 1, 60, NULL, details),
        bpa_query_checked(request, "resource_type", BPA_TEXT, 1, 60, NULL, details),
        bpa_query_checked(request, "resource_id", BPA_TEXT, 1, 60, NULL, details),
        bpa_query_checked(request, "since", BPA_TIMESTAMP, 0, 0, NULL, details),
        bpa_query_checked(request, "until", BPA_TIMESTAMP, 0, 0, NULL, details),
    };
    int rc;
    if (json_array_size(details)) {
        rc = bpa_reply_error(request, BPA_ERR_VALIDATION_FAILED, NULL, json_incref(details));
    } else {
        const char *params[] = {page.after, filters[0], filters[1], filters[2], filters[3],
                                filters[4], filters[5], filters[6], page.limit};
        char *items = NULL;
        enum bpa_db_status status = bpa_db_call(request->db, "audit_list", 9, params, &items);
        rc = status == BPA_DB_OK ? bpa_reply_page(request, json_loads(items, 0, NULL), &page, "id")
                                 : bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
        free(items);
    }
    for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++)
        free(filters[i]);
    bpa_page_free(&page);
    json_decref(details);
    return rc;
}
