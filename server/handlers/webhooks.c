/* /v1/portal/webhook: where a portal wants its webhooks, the secrets that
 * sign them (a new one issued while the old stays valid for a while), how
 * its deliveries fare, and a test ping sent at once. */
#include "access.h"
#include "handlers.h"
#include "idempotency.h"
#include "request.h"
#include "webhook.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SIGNATURE_RULE                                                                             \
    "X-BPA-Signature: sha256=hex(HMAC-SHA256(secret, X-BPA-Timestamp + \".\" + body)); during "    \
    "a rotation also the old secret's, after a comma"

static void portal_of(const struct bpa_request *request, char portal[24])
{
    snprintf(portal, 24, "%lld", request->principal.portal_id);
}

struct secret_change {
    struct bpa_request *request;
    struct bpa_idempotency *idempotency;
    const char *url; /* NULL: rotate the secret of the registered URL */
    char secret[65];
    bool registered; /* false: a rotation found no webhook */
    json_t *answer;
};

/* The new secret, its audit row and its kept answer stand or fall
 * together: a secret stored but never shown would sign every later
 * webhook unverifiably. */
static enum bpa_db_status change_secret(struct bpa_db_conn *conn, void *context)
{
    struct secret_change *c = context;
    json_decref(c->answer);
    c->answer = NULL;
    enum bpa_db_status status = bpa_idempotency_claim(conn, c->idempotency);
    if (status != BPA_DB_OK)
        return status;
    char portal[24], hours[24], *issued = NULL;
    portal_of(c->request, portal);
    snprintf(hours, sizeof hours, "%lu", c->request->server->config->webhook_secret_overlap_h);
    status = c->url ? bpa_db_call(conn, "webhook_set", 4,
                                  (const char *const[]){portal, c->url, c->secret, hours}, &issued)
                    : bpa_db_call(conn, "webhook_rotate", 3,
                                  (const char *const[]){portal, c->secret, hours}, &issued);
    c->registered = issued != NULL;
    if (status == BPA_DB_OK && !issued)
        status = BPA_DB_ABORT;
    if (status == BPA_DB_OK) {
        c->answer = json_loads(issued, 0, NULL);
        json_object_set_new(c->answer, "secret", json_string(c->secret));
        json_object_set_new(c->answer, "signature", json_string(SIGNATURE_RULE));
        status = bpa_access_audit(
            conn, c->request, c->url ? "webhook.register" : "webhook.rotate_secret", "portal",
            portal, json_pack("{s:O}", "url", json_object_get(c->answer, "url")));
    }
    if (status == BPA_DB_OK)
        status = bpa_idempotency_keep(conn, c->idempotency, 200, c->answer, NULL, NULL);
    free(issued);
    return status;
}

static int issue_secret(struct bpa_request *request, const char *url,
                        struct bpa_idempotency *idempotency)
{
    struct secret_change c = {.request = request, .idempotency = idempotency, .url = url};
    unsigned char random[32];
    randombytes_buf(random, sizeof random);
    sodium_bin2hex(c.secret, sizeof c.secret, random, sizeof random);
    enum bpa_db_status status =
        bpa_db_transaction(request->db, BPA_DB_READ_COMMITTED, change_secret, &c);
    int rc;
    if (status == BPA_DB_OK)
        rc = bpa_reply_json(request, 200, json_incref(c.answer));
    else if (idempotency->first_answer)
        rc = bpa_idempotency_replay(request, idempotency);
    else if (status == BPA_DB_ABORT && !c.registered)
        rc = bpa_reply_error(request, BPA_ERR_NOT_FOUND, "no webhook is registered", NULL);
    else
        rc = bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    json_decref(c.answer);
    sodium_memzero(c.secret, sizeof c.secret);
    bpa_idempotency_end(idempotency);
    return rc;
}

/* PUT /v1/portal/webhook {"url"}: a new secret each time, shown once. */
int bpa_handle_webhook_register(struct bpa_request *request)
{
    static const struct bpa_field fields[] = {
        {"url", BPA_URI, BPA_REQUIRED, 0, 0, NULL, NULL},
        {0},
    };
    json_t *details = json_array();
    struct bpa_idempotency idempotency;
    json_t *body = bpa_idempotent_body(request, fields, "a JSON object {\"url\"} is required",
                                       &idempotency, details);
    int rc;
    if (json_array_size(details)) {
        rc = bpa_reply_error(request, BPA_ERR_VALIDATION_FAILED, NULL, json_incref(details));
    } else {
        rc = issue_secret(request, json_string_value(json_object_get(body, "url")), &idempotency);
    }
    json_decref(details);
    json_decref(body);
    return rc;
}

/* POST /v1/portal/webhook/secret: a new secret for the registered URL. */
int bpa_handle_webhook_rotate(struct bpa_request *request)
{
    int rc;
    struct bpa_idempotency idempotency;
    if (!bpa_idempotent_no_body(request, &idempotency, &rc))
        return rc;
    return issue_secret(request, NULL, &idempotency);
}

/* GET /v1/portal/webhook */
int bpa_handle_webhook_status(struct bpa_request *request)
{
    char portal[24], *status_text = NULL;
    portal_of(request, portal);
    enum bpa_db_status status =
        bpa_db_call(request->db, "webhook_status", 1, (const char *const[]){portal}, &status_text);
    json_t *shown = status_text ? json_loads(status_text, 0, NULL) : NULL;
    free(status_text);
    if (status != BPA_DB_OK)
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    return shown ? bpa_reply_json(request, 200, shown)
                 : bpa_reply_error(request, BPA_ERR_NOT_FOUND, "no webhook is registered", NULL);
}

static double ms_between(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) * 1e3 + (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

/* POST /v1/portal/webhook/test: a signed ping now, answered with how it
 * went, and recorded as a delivery (delivered, or dead: a test is not
 * retried by itself, but may be by hand). */
int bpa_handle_webhook_test(struct bpa_request *request)
{
    int rc;
    if (!bpa_body_empty(request, &rc))
        return rc;
    char portal[24], *signing_text = NULL;
    portal_of(request, portal);
    enum bpa_db_status status = bpa_db_call(request->db, "webhook_signing", 1,
                                            (const char *const[]){portal}, &signing_text);
    json_t *signing = signing_text ? json_loads(signing_text, 0, NULL) : NULL;
    if (signing_text)
        sodium_memzero(signing_text, strlen(signing_text));
    free(signing_text);
    if (status != BPA_DB_OK || !signing) {
        json_decref(signing);
        return status != BPA_DB_OK
                   ? bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL)
                   : bpa_reply_error(request, BPA_ERR_NOT_FOUND, "no webhook is registered", NULL);
    }

    unsigned char random[16];
    char event_id[33], occurred_at[32];
    randombytes_buf(random, sizeof random);
    sodium_bin2hex(event_id, sizeof event_id, random, sizeof random);
    time_t now = time(NULL);
    struct tm utc;
    gmtime_r(&now, &utc);
    strftime(occurred_at, sizeof occurred_at, "%Y-%m-%dT%H:%M:%SZ", &utc);
    json_t *payload =
        json_pack("{s:s, s:s, s:s, s:I}", "event_id", event_id, "type", "ping", "occurred_at",
                  occurred_at, "portal_id", (json_int_t)request->principal.portal_id);
    struct bpa_webhook_call call = {
        .url = json_string_value(json_object_get(signing, "url")),
        .secret = json_string_value(json_object_get(signing, "secret")),
        .previous_secret = json_string_value(json_object_get(signing, "previous_secret")),
        .event_id = event_id,
        .event_type = "ping",
        .payload = payload,
    };
    long http_status;
    char error[300] = "";
    struct timespec started, ended;
    clock_gettime(CLOCK_MONOTONIC, &started);
    bool delivered =
        bpa_webhook_send(request->server->config, &call, &http_status, error, sizeof error) == 0;
    clock_gettime(CLOCK_MONOTONIC, &ended);
    json_decref(signing);

    char *payload_text = json_dumps(payload, JSON_COMPACT);
    json_decref(payload);
    char *notification = NULL;
    const char *params[] = {portal, event_id, payload_text, delivered ? "true" : "false",
                            delivered ? NULL : error};
    status = bpa_db_call(request->db, "webhook_ping_record", 5, params, &notification);
    free(payload_text);
    if (status == BPA_DB_OK)
        status = bpa_access_audit(request->db, request, "webhook.test", "portal", portal,
                                  json_pack("{s:b}", "delivered", delivered));
    if (status != BPA_DB_OK) {
        free(notification);
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    }
    json_t *answer = json_pack(
        "{s:s, s:b, s:o, s:o, s:f, s:I}", "event_id", event_id, "delivered", delivered,
        "http_status", http_status ? json_integer(http_status) : json_null(), "error",
        delivered ? json_null() : json_string(error), "duration_ms",
        (double)(long long)(ms_between(&started, &ended) * 1000) / 1000, "notification_id",
        (json_int_t)strtoll(notification ? notification : "0", NULL, 10));
    free(notification);
    return bpa_reply_json(request, 200, answer);
}
