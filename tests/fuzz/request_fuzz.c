/* Fuzzes what handlers read from a request besides its body
 * (server/request.c): query parameters checked against field rules, the
 * page (limit and the opaque cursor), LIKE escaping of a search text; and
 * the headers Authorization (the token's shape and hash, server/auth.c),
 * X-Request-Id (server/request_id.c), If-Match and Idempotency-Key
 * (server/handlers/resource.c and idempotency.c, compiled in here because
 * their readers are static there).
 *
 * The input is lines "name=value", the request's query arguments and
 * headers. libmicrohttpd's look-up is replaced by one over those lines (the
 * harness defines MHD_lookup_connection_value, which the executable's
 * definition wins over the library's), so the daemon's own code runs, with
 * no connection.
 *
 * Invariants: a parameter is either read (a value within its rule, no
 * problem added) or refused (a problem that serialises); a page asks for
 * 1-500 items; a cursor this server issues reads back as the key it was
 * made from; a token of the right shape is its prefix and 43 base64url
 * characters, and hashes to a bytea literal; a request id kept is a sane
 * one; an If-Match version is digits; the LIKE pattern unescapes to the text.
 *
 * fuzz-links: server/request.c server/request_id.c server/auth.c server/fields.c
 * fuzz-links: server/schedule.c
 * fuzz-flags: -max_len=2048
 */
#include "../../server/handlers/idempotency.c"
#include "../../server/handlers/resource.c"

#include "auth.h"
#include "fuzz.h"
#include "request_id.h"

#include <microhttpd.h>
#include <strings.h>

/* --- the request, faked --- */

#define MAX_VALUES 32

static struct {
    char *name, *value;
} values[MAX_VALUES];
static size_t value_count;

const char *MHD_lookup_connection_value(struct MHD_Connection *connection, enum MHD_ValueKind kind,
                                        const char *key)
{
    (void)connection;
    for (size_t i = 0; i < value_count; i++)
        if (kind == MHD_HEADER_KIND ? strcasecmp(values[i].name, key) == 0
                                    : strcmp(values[i].name, key) == 0)
            return values[i].value;
    return NULL;
}

static json_t *replied; /* the body of the last reply */

int bpa_reply_json(struct bpa_request *request, unsigned status, json_t *body)
{
    (void)request;
    FUZZ_CHECK(status == 200 && body != NULL);
    json_decref(replied);
    replied = body;
    return MHD_YES;
}

static void add_value(const char *name, const char *value)
{
    if (value_count == MAX_VALUES)
        return;
    values[value_count].name = strdup(name);
    values[value_count].value = strdup(value);
    value_count++;
}

static void clear_values(void)
{
    for (size_t i = 0; i < value_count; i++) {
        free(values[i].name);
        free(values[i].value);
    }
    value_count = 0;
}

/* --- the harness --- */

static const char *const statuses[] = {"draft", "open", "closed", NULL};

/* The rules the list endpoints give their query parameters. */
static const struct bpa_field rules[] = {
    {"employer_id", BPA_INTEGER, 0, 1, 1e15, NULL, NULL},
    {"near_lat", BPA_NUMBER, 0, 50.7, 53.7, NULL, NULL},
    {"within_km", BPA_NUMBER, 0, 0.1, 500, NULL, NULL},
    {"verified", BPA_BOOLEAN, 0, 0, 0, NULL, NULL},
    {"status", BPA_CHOICE, 0, 0, 0, statuses, NULL},
    {"skill", BPA_URI, 0, 0, 0, NULL, NULL},
    {"starts_from", BPA_DATE, 0, 0, 0, NULL, NULL},
    {"since", BPA_TIMESTAMP, 0, 0, 0, NULL, NULL},
    {"near_postcode", BPA_POSTCODE, 0, 0, 0, NULL, NULL},
    {"q", BPA_TEXT, 0, 1, 100, NULL, NULL},
    {"postcode_area", BPA_TEXT, 0, 1, 4, NULL, NULL},
    {0},
};

static void check_details(const json_t *details)
{
    char *text = json_dumps(details, JSON_COMPACT);
    FUZZ_CHECK(text != NULL);
    free(text);
}

static void check_value(const struct bpa_field *rule, const char *out)
{
    char *end;
    switch (rule->type) {
    case BPA_INTEGER:
    case BPA_NUMBER: {
        double n = strtod(out, &end);
        FUZZ_CHECK(*out && !*end && n >= rule->min && n <= rule->max);
        if (rule->type == BPA_INTEGER)
            FUZZ_CHECK(strspn(out, "0123456789") == strlen(out));
        break;
    }
    case BPA_BOOLEAN:
        FUZZ_CHECK(strcmp(out, "true") == 0 || strcmp(out, "false") == 0);
        break;
    case BPA_DATE:
        FUZZ_CHECK(strlen(out) == 10);
        break;
    case BPA_POSTCODE: {
        char again[8];
        FUZZ_CHECK(bpa_postcode_normalise(out, again) && strcmp(again, out) == 0);
        break;
    }
    default:
        break;
    }
}

static void fuzz_queries(struct bpa_request *request, json_t *details)
{
    for (const struct bpa_field *rule = rules; rule->name; rule++) {
        size_t before = json_array_size(details);
        char *out = bpa_query_checked(request, rule->name, rule->type, rule->min, rule->max,
                                      rule->choices, details);
        const char *given = bpa_query(request, rule->name);
        if (out) {
            FUZZ_CHECK(given && json_array_size(details) == before);
            check_value(rule, out);
        } else {
            FUZZ_CHECK(json_array_size(details) == before + (given != NULL));
        }
        if (out && strcmp(rule->name, "q") == 0) {
            char *pattern = bpa_like_escape(out), *o = pattern;
            for (const char *p = out; *p; p++) {
                if (*p == '%' || *p == '_' || *p == '\\')
                    FUZZ_CHECK(*o++ == '\\');
                FUZZ_CHECK(*o++ == *p);
            }
            FUZZ_CHECK(*o == '\0');
            free(pattern);
        }
        free(out);
    }
}

/* A page made by the server: its cursor reads back as its last key. */
static void fuzz_cursor_round_trip(struct bpa_request *request, bool numeric, uint64_t number,
                                   const char *text)
{
    char key[32];
    snprintf(key, sizeof key, "%llu", (unsigned long long)(number % 1000000000000000ULL + 1));
    json_t *items = json_array();
    for (int i = 0; i < 2; i++)
        json_array_append_new(items,
                              numeric ? json_pack("{s:I}", "id", (json_int_t)strtoll(key, NULL, 10))
                                      : json_pack("{s:s?}", "uri", i ? NULL : text));
    struct bpa_page page = {.limit = "2", .requested = 1};
    if (json_array_size(items) != 2) { /* text is not UTF-8 */
        json_decref(items);
        return;
    }
    bpa_reply_page(request, items, &page, numeric ? "id" : "uri");
    const char *cursor = json_string_value(json_object_get(replied, "next_cursor"));
    FUZZ_CHECK(cursor != NULL);
    clear_values();
    add_value("cursor", cursor);
    json_t *details = json_array();
    struct bpa_page again;
    bool ok = bpa_page_parse(request, numeric, &again, details);
    /* a key the server pages by: an id, or a URI (at most 300 characters;
     * bpa_page_parse reads cursors of at most 520 characters, 390 bytes) */
    if (numeric || (*text && strlen(text) <= 300)) {
        FUZZ_CHECK(ok && again.after && strcmp(again.after, numeric ? key : text) == 0);
        FUZZ_CHECK(json_array_size(details) == 0);
    }
    bpa_page_free(&again);
    json_decref(details);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_bytes in = {data, size};
    uint8_t flags = fuzz_u8(&in);
    /* lines of name=value; the last is kept whole for the cursor round trip */
    while (in.size) {
        const uint8_t *newline = memchr(in.data, '\n', in.size);
        char *line = fuzz_text(&in, newline ? (size_t)(newline - in.data) : in.size);
        fuzz_u8(&in);
        char *equals = strchr(line, '=');
        if (equals) {
            *equals = '\0';
            add_value(line, equals + 1);
        }
        free(line);
    }
    struct bpa_request request = {.connection = NULL};
    json_t *details = json_array();

    fuzz_queries(&request, details);

    struct bpa_page page;
    size_t before = json_array_size(details);
    bool ok = bpa_page_parse(&request, flags & 1, &page, details);
    FUZZ_CHECK(page.requested >= 1 && page.requested <= 500);
    FUZZ_CHECK(strtol(page.limit, NULL, 10) == page.requested + 1);
    const char *cursor = bpa_query(&request, "cursor");
    if (!ok)
        FUZZ_CHECK(cursor && json_array_size(details) > before);
    FUZZ_CHECK(!ok || !cursor == !page.after);
    if (page.after && (flags & 1))
        FUZZ_CHECK(strlen(page.after) <= 18 &&
                   strspn(page.after, "0123456789") == strlen(page.after));
    bpa_page_free(&page);
    check_details(details);

    /* as bpa_access_authenticate reads the credential, before the database */
    const char *authorization = bpa_header(&request, "Authorization");
    if (authorization && strncmp(authorization, "Bearer ", 7) == 0) {
        const char *token = authorization + 7;
        bool session = bpa_token_shaped(token, BPA_SESSION_PREFIX);
        if (session || bpa_token_shaped(token, BPA_KEY_PREFIX)) {
            FUZZ_CHECK(strlen(token) == 6 + 43 && strlen(token) < BPA_TOKEN_SIZE);
            char hash[BPA_TOKEN_HASH_SIZE];
            bpa_token_hash(token, hash);
            FUZZ_CHECK(strncmp(hash, "\\x", 2) == 0 && strlen(hash) == BPA_TOKEN_HASH_SIZE - 1);
            FUZZ_CHECK(strspn(hash + 2, "0123456789abcdef") == 64);
        }
    }

    char id[BPA_REQUEST_ID_MAX + 1];
    const char *given = bpa_header(&request, "X-Request-Id");
    bpa_request_id_choose(given, id);
    FUZZ_CHECK(bpa_request_id_is_sane(id));
    FUZZ_CHECK(!given || !bpa_request_id_is_sane(given) || strcmp(given, id) == 0);

    char version[24];
    bool malformed;
    const char *if_match = if_match_version(bpa_header(&request, "If-Match"), version, &malformed);
    FUZZ_CHECK(!(if_match && malformed));
    if (if_match)
        FUZZ_CHECK(strlen(if_match) >= 1 && strspn(if_match, "0123456789") == strlen(if_match));
    const char *key = bpa_header(&request, "Idempotency-Key");
    if (key && valid_key(key))
        FUZZ_CHECK(strlen(key) >= 1 && strlen(key) <= 200 && !strpbrk(key, " \t\r\n"));

    /* the last value given, as the key of a page the server makes */
    const char *last = value_count ? values[value_count - 1].value : "";
    char *text = strdup(last);
    uint64_t number = 0;
    for (size_t i = 0; i < 8 && text[i]; i++)
        number = number << 8 | (unsigned char)text[i];
    fuzz_cursor_round_trip(&request, flags & 2, number, text);
    free(text);

    json_decref(replied);
    replied = NULL;
    json_decref(details);
    clear_values();
    return 0;
}
