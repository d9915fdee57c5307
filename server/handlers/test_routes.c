/* Routes for the integration tests of the request pipeline (body limits,
 * media types, JSON errors, the database round trip, graceful shutdown).
 * Served only with --enable-test-routes; they reveal nothing and change
 * nothing, but they are not part of the product. */
#include "handlers.h"

#include <stdlib.h>

struct echo {
    const char *in;
    char *out;
};

static enum bpa_db_status echo_through_db(struct bpa_db_conn *conn, void *context)
{
    struct echo *echo = context;
    free(echo->out);
    echo->out = NULL;
    return bpa_db_echo_json(conn, echo->in, &echo->out);
}

/* POST /v1/_test/echo: the JSON body, normalised by PostgreSQL's jsonb. */
int bpa_handle_test_echo(struct bpa_request *request)
{
    if (!request->json)
        return bpa_reply_error(request, BPA_ERR_VALIDATION_FAILED, "a JSON body is required",
                               json_pack("[{s:s, s:s}]", "field", "body", "problem", "missing"));
    char *in = json_dumps(request->json, JSON_COMPACT | JSON_ENCODE_ANY);
    struct echo echo = {.in = in};
    enum bpa_db_status status =
        bpa_db_transaction(request->db, BPA_DB_READ_COMMITTED, echo_through_db, &echo);
    free(in);
    json_t *normalised = status == BPA_DB_OK ? json_loads(echo.out, JSON_DECODE_ANY, NULL) : NULL;
    free(echo.out);
    if (status != BPA_DB_OK)
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    if (!normalised)
        return bpa_reply_error(request, BPA_ERR_INTERNAL_ERROR, NULL, NULL);
    return bpa_reply_json(request, 200, json_pack("{s:o}", "echo", normalised));
}
