/* GET /v1/retention/report: the retention job's dry run, for coordinators.
 * What the next run would remove or anonymise, per kind, counted under the
 * daemon's own settings; nothing is changed. */
#include "handlers.h"

#include "retention.h"

int bpa_handle_retention_report(struct bpa_request *request)
{
    json_t *report = NULL;
    enum bpa_db_status status = bpa_retention_report(request->db, request->server->config, &report);
    if (status != BPA_DB_OK || !report) {
        json_decref(report);
        return bpa_reply_error(
            request, status != BPA_DB_OK ? bpa_error_from_db(status) : BPA_ERR_INTERNAL_ERROR, NULL,
            NULL);
    }
    return bpa_reply_json(request, 200, report);
}
