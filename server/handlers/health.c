/* Liveness, readiness and metrics: what an orchestrator and a monitoring
 * system ask. None of them needs a credential. */
#include "handlers.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

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

static void append(char **text, size_t *len, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static void append(char **text, size_t *len, const char *format, ...)
{
    if (!*text)
        return;
    va_list args;
    va_start(args, format);
    int need = vsnprintf(NULL, 0, format, args);
    va_end(args);
    char *grown = realloc(*text, *len + (size_t)need + 1);
    if (!grown) {
        free(*text);
        *text = NULL;
        return;
    }
    va_start(args, format);
    vsnprintf(grown + *len, (size_t)need + 1, format, args);
    va_end(args);
    *text = grown;
    *len += (size_t)need;
}

static void append_counter(char **text, size_t *len, const char *name, const char *help,
                           const char *type, unsigned long long value)
{
    append(text, len, "# HELP %s %s\n# TYPE %s %s\n%s %llu\n", name, help, name, type, name, value);
}

int bpa_handle_metrics(struct bpa_request *request)
{
    char *text = calloc(1, 1);
    size_t len = 0;
    if (!text || bpa_metrics_render(request->server->metrics, &text, &len) != 0) {
        free(text);
        return bpa_reply_error(request, BPA_ERR_INTERNAL_ERROR, NULL, NULL);
    }
    struct bpa_db_pool_stats db;
    bpa_db_pool_stats(request->server->pool, &db);
    append(&text, &len,
           "# HELP bpa_db_errors_total Database errors, by kind.\n"
           "# TYPE bpa_db_errors_total counter\n"
           "bpa_db_errors_total{kind=\"connect\"} %llu\n"
           "bpa_db_errors_total{kind=\"unavailable\"} %llu\n"
           "bpa_db_errors_total{kind=\"query\"} %llu\n",
           (unsigned long long)db.connect_failures, (unsigned long long)db.unavailable_errors,
           (unsigned long long)db.query_errors);
    append_counter(&text, &len, "bpa_db_pool_size", "Connections the pool may hold.", "gauge",
                   db.size);
    append_counter(&text, &len, "bpa_db_pool_in_use", "Connections taken by requests now.", "gauge",
                   db.in_use);
    append_counter(&text, &len, "bpa_db_pool_waits_total",
                   "Requests that had to wait for a free connection.", "counter", db.acquire_waits);
    append_counter(&text, &len, "bpa_db_pool_timeouts_total",
                   "Requests that found no free connection in time.", "counter",
                   db.acquire_timeouts);
    append_counter(&text, &len, "bpa_db_connects_total",
                   "Database connections opened, reconnects included.", "counter", db.connects);
    append_counter(&text, &len, "bpa_db_transaction_retries_total",
                   "Transactions run again after a serialization failure or deadlock.", "counter",
                   db.tx_retries);
    if (!text)
        return bpa_reply_error(request, BPA_ERR_INTERNAL_ERROR, NULL, NULL);
    int rc = bpa_reply_text(request, 200, "text/plain; version=0.0.4; charset=utf-8", text, len);
    free(text);
    return rc;
}
