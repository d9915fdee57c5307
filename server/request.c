/* Reading requests: parameters, headers and pages. */
#include "request.h"

#include <math.h>
#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct bpa_route_param *find_param(const struct bpa_request *request, const char *name)
{
    for (unsigned i = 0; i < request->params.count; i++) {
        const struct bpa_route_param *p = &request->params.items[i];
        if (p->name_len == strlen(name) && strncmp(p->name, name, p->name_len) == 0)
            return p;
    }
    return NULL;
}

bool bpa_param_text(const struct bpa_request *request, const char *name, char *out, size_t size)
{
    const struct bpa_route_param *p = find_param(request, name);
    if (!p || p->value_len >= size)
        return false;
    memcpy(out, p->value, p->value_len);
    out[p->value_len] = '\0';
    return true;
}

bool bpa_param_id(const struct bpa_request *request, const char *name, char out[20])
{
    if (!bpa_param_text(request, name, out, 19))
        return false;
    size_t n = strlen(out);
    return n > 0 && strspn(out, "0123456789") == n && out[0] != '0';
}

const char *bpa_query(const struct bpa_request *request, const char *name)
{
    return MHD_lookup_connection_value(request->connection, MHD_GET_ARGUMENT_KIND, name);
}

const char *bpa_header(const struct bpa_request *request, const char *name)
{
    return MHD_lookup_connection_value(request->connection, MHD_HEADER_KIND, name);
}

const char *bpa_cookie(const struct bpa_request *request, const char *name)
{
    return MHD_lookup_connection_value(request->connection, MHD_COOKIE_KIND, name);
}

bool bpa_request_names_console(const struct bpa_request *request)
{
    const char *marker = bpa_header(request, BPA_CONSOLE_HEADER);
    return marker && strcmp(marker, "1") == 0;
}

bool bpa_request_from_console(const struct bpa_request *request)
{
    const char *origin = bpa_header(request, "Origin");
    if (!bpa_request_names_console(request) || !origin)
        return false;
    const char *expected = request->server->config->public_origin;
    if (expected)
        return strcmp(origin, expected) == 0;
    /* the origin this request was sent to: scheme and Host */
    const char *host = bpa_header(request, "Host");
    const char *scheme = request->https ? "https://" : "http://";
    size_t scheme_len = strlen(scheme);
    return host && strncmp(origin, scheme, scheme_len) == 0 &&
           strcmp(origin + scheme_len, host) == 0;
}

char *bpa_query_checked(const struct bpa_request *request, const char *name,
                        enum bpa_field_type type, double min, double max,
                        const char *const *choices, json_t *details)
{
    const char *text = bpa_query(request, name);
    if (!text)
        return NULL;
    /* Query values are strings; numbers and booleans are read from them. */
    json_t *value = NULL;
    if (type == BPA_INTEGER || type == BPA_NUMBER) {
        char *end;
        double n = strtod(text, &end);
        /* beyond 2^53 (or not finite) a double is no integer we could cast */
        bool whole = type == BPA_INTEGER && fabs(n) < 9007199254740992.0 && n == floor(n);
        if (*text && !*end)
            value = whole ? json_integer((long long)n) : json_real(n);
    } else if (type == BPA_BOOLEAN) {
        value = !strcmp(text, "true") ? json_true() : !strcmp(text, "false") ? json_false() : NULL;
    } else {
        value = json_string(text);
    }
    struct bpa_field spec[] = {{name, type, 0, min, max, choices, NULL}, {0}};
    json_t *wrapped = json_pack("{s:o?}", name, value);
    size_t before = json_array_size(details);
    json_t *checked = value ? bpa_fields_check(wrapped, spec, "", details) : NULL;
    if (!value)
        bpa_field_problem(details, name,
                          type == BPA_BOOLEAN                         ? "must be true or false"
                          : type == BPA_INTEGER || type == BPA_NUMBER ? "must be a finite number"
                                                                      : "must be UTF-8 text");
    char *out = NULL;
    json_t *member = json_object_get(checked, name);
    if (member && json_array_size(details) == before)
        out = json_is_string(member) ? strdup(json_string_value(member))
                                     : json_dumps(member, JSON_ENCODE_ANY);
    json_decref(checked);
    json_decref(wrapped);
    return out;
}

bool bpa_page_parse(const struct bpa_request *request, bool numeric_keys, struct bpa_page *page,
                    json_t *details)
{
    memset(page, 0, sizeof *page);
    page->requested = 50;
    char *limit = bpa_query_checked(request, "limit", BPA_INTEGER, 1, 500, NULL, details);
    if (limit)
        page->requested = atol(limit);
    free(limit);
    snprintf(page->limit, sizeof page->limit, "%ld", page->requested + 1);

    const char *cursor = bpa_query(request, "cursor");
    if (!cursor)
        return true;
    unsigned char decoded[400];
    size_t len = 0;
    bool valid = strlen(cursor) <= 520 &&
                 sodium_base642bin(decoded, sizeof decoded - 1, cursor, strlen(cursor), NULL, &len,
                                   NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0 &&
                 len >= 4 && memcmp(decoded, "c1:", 3) == 0 && !memchr(decoded, '\0', len);
    decoded[valid ? len : 0] = '\0';
    if (valid && numeric_keys)
        valid = len - 3 <= 18 && strspn((char *)decoded + 3, "0123456789") == len - 3;
    if (!valid) {
        bpa_field_problem(details, "cursor", "is not a cursor this server issued");
        return false;
    }
    page->after = strdup((char *)decoded + 3);
    return page->after != NULL;
}

void bpa_page_free(struct bpa_page *page)
{
    free(page->after);
    page->after = NULL;
}

int bpa_reply_page(struct bpa_request *request, json_t *items, const struct bpa_page *page,
                   const char *key)
{
    json_t *next = json_null();
    if (json_array_size(items) > (size_t)page->requested) {
        json_array_remove(items, (size_t)page->requested);
        json_t *last = json_object_get(json_array_get(items, (size_t)page->requested - 1), key);
        char raw[400];
        if (json_is_integer(last))
            snprintf(raw, sizeof raw, "c1:%lld", (long long)json_integer_value(last));
        else
            snprintf(raw, sizeof raw, "c1:%s",
                     json_string_value(last) ? json_string_value(last) : "");
        char encoded[sodium_base64_ENCODED_LEN(400, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
        sodium_bin2base64(encoded, sizeof encoded, (unsigned char *)raw, strlen(raw),
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        next = json_string(encoded);
    }
    return bpa_reply_json(request, 200,
                          json_pack("{s:o, s:o}", "items", items, "next_cursor", next));
}

json_t *bpa_call_json(struct bpa_db_conn *conn, const char *statement, int count,
                      const char *const *params, enum bpa_db_status *status)
{
    char *text = NULL;
    *status = bpa_db_call(conn, statement, count, params, &text);
    json_t *value = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
    if (*status == BPA_DB_OK && text && !value)
        *status = BPA_DB_HARD;
    free(text);
    return value;
}

int bpa_reply_listed(struct bpa_request *request, const char *statement)
{
    json_t *details = json_array();
    struct bpa_page page;
    bpa_page_parse(request, true, &page, details);
    int rc;
    if (json_array_size(details)) {
        rc = bpa_reply_error(request, BPA_ERR_VALIDATION_FAILED, NULL, json_incref(details));
    } else {
        char *items = NULL;
        enum bpa_db_status status = bpa_db_call(
            request->db, statement, 2, (const char *const[]){page.after, page.limit}, &items);
        rc = status == BPA_DB_OK ? bpa_reply_page(request, json_loads(items, 0, NULL), &page, "id")
                                 : bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
        free(items);
    }
    bpa_page_free(&page);
    json_decref(details);
    return rc;
}

char *bpa_like_escape(const char *text)
{
    char *out = malloc(strlen(text) * 2 + 1);
    if (!out)
        return NULL;
    char *o = out;
    for (const char *p = text; *p; p++) {
        if (*p == '%' || *p == '_' || *p == '\\')
            *o++ = '\\';
        *o++ = *p;
    }
    *o = '\0';
    return out;
}

bool bpa_body_empty(struct bpa_request *request, int *rc)
{
    if (!request->json || (json_is_object(request->json) && !json_object_size(request->json)))
        return true;
    *rc = bpa_reply_error(
        request, BPA_ERR_VALIDATION_FAILED, NULL,
        json_pack("[{s:s, s:s}]", "field", "body", "problem", "must be empty or {}"));
    return false;
}

json_t *bpa_body_checked(struct bpa_request *request, const struct bpa_field *fields,
                         const char *missing, int *rc)
{
    json_t *details = json_array();
    json_t *body = bpa_fields_check(request->json, fields, "", details);
    if (!request->json)
        bpa_field_problem(details, "body", missing);
    if (json_array_size(details)) {
        json_decref(body);
        *rc = bpa_reply_error(request, BPA_ERR_VALIDATION_FAILED, NULL, details);
        return NULL;
    }
    json_decref(details);
    return body;
}
