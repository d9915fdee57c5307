/* Liveness, readiness and metrics: what an orchestrator and a monitoring
 * system ask. None of them needs a credential. */
#include "handlers.h"

#include "event_loop.h"
#include "long_poll.h"

#include <stdlib.h>
#include <string.h>

int bpa_handle_healthz(struct bpa_request *request)
{
    return bpa_reply_json(request, 200, json_pack("{s:s}", "status", "ok"));
}

struct schema_check {
    const struct bpa_migrations *migrations;
    bool current;
};

static enum bpa_db_status check_schema(struct bpa_db_conn *conn, void *context)
{
    struct schema_check *check = context;
    return bpa_db_schema_current(conn, check->migrations->names_array,
                                 check->migrations->checksums_array, check->migrations->count,
                                 &check->current);
}

int bpa_handle_readyz(struct bpa_request *request)
{
    const struct bpa_migrations *migrations = request->server->migrations;
    struct schema_check check = {.migrations = migrations};
    enum bpa_db_status status =
        bpa_db_transaction(request->db, BPA_DB_READ_COMMITTED, check_schema, &check);
    if (status != BPA_DB_OK)
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    if (!check.current)
        return bpa_reply_error(request, BPA_ERR_SCHEMA_NOT_CURRENT, NULL, NULL);
    return bpa_reply_json(request, 200,
                          json_pack("{s:s, s:s}", "status", "ready", "schema",
                                    migrations->items[migrations->count - 1].name));
}

int bpa_handle_metrics(struct bpa_request *request)
{
    struct bpa_db_pool_stats db;
    bpa_db_pool_stats(request->server->pool, &db);
    for (unsigned i = 0; i < request->server->loop_count; i++) {
        uint64_t reads, failures;
        bpa_db_pipeline_stats(request->server->loops[i].reads, &reads, &failures);
        db.pipeline_reads += reads;
        db.pipeline_failures += failures;
    }
    char *text = bpa_metrics_render(request->server->metrics, &db);
    char waiting[160];
    int waiting_len =
        snprintf(waiting, sizeof waiting,
                 "# HELP bpa_long_poll_waiting Requests parked until the change feed has news.\n"
                 "# TYPE bpa_long_poll_waiting gauge\nbpa_long_poll_waiting %u\n",
                 request->server->long_poll ? bpa_long_poll_parked(request->server->long_poll) : 0);
    size_t len = text ? strlen(text) : 0;
    char *whole = text ? realloc(text, len + (size_t)waiting_len + 1) : NULL;
    if (!whole) {
        free(text);
        return bpa_reply_error(request, BPA_ERR_INTERNAL_ERROR, NULL, NULL);
    }
    memcpy(whole + len, waiting, (size_t)waiting_len + 1);
    int rc = bpa_reply_text(request, 200, "text/plain; version=0.0.4; charset=utf-8", whole,
                            len + (size_t)waiting_len);
    free(whole);
    return rc;
}
