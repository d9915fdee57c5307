/* Fuzzes routing (server/router.c over the table of server/routes.c) and
 * the reading of path parameters (bpa_param_id and bpa_param_text of
 * server/request.c), with a method and a path as libmicrohttpd hands them
 * over: any bytes, percent-escapes already decoded. The first byte picks
 * the method, the table (test routes, public /metrics) or a mode where the
 * input also gives the pattern; the rest is the path.
 *
 * Invariants: a route found matches the method and the path, its
 * parameters are the path's non-empty segments that, put back into the
 * pattern, give the path again, and an id read from one is 1-18 digits
 * without a leading zero; "method not allowed" lists only methods of routes
 * that match the path, never the one asked; "not found" means no pattern
 * matches.
 *
 * fuzz-links: server/router.c server/routes.c server/request.c
 * fuzz-links: server/fields.c server/schedule.c
 * fuzz-flags: -max_len=512
 */
#include "fuzz.h"
#include "request.h"
#include "routes.h"

static const char *const methods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};

/* The pattern with each {name} replaced by its parameter: the path again. */
static void check_params(const char *pattern, const char *path,
                         const struct bpa_route_params *params)
{
    FUZZ_CHECK(params->count <= BPA_ROUTE_MAX_PARAMS);
    char rebuilt[1024];
    size_t n = 0;
    unsigned used = 0;
    const char *end = path + strlen(path);
    for (const char *p = pattern; *p;) {
        if (*p == '{') {
            FUZZ_CHECK(used < params->count);
            const struct bpa_route_param *param = &params->items[used++];
            FUZZ_CHECK(param->name == p + 1);
            FUZZ_CHECK(param->name[param->name_len] == '}');
            FUZZ_CHECK(param->value >= path && param->value + param->value_len <= end);
            FUZZ_CHECK(param->value_len > 0 && !memchr(param->value, '/', param->value_len));
            FUZZ_CHECK(n + param->value_len < sizeof rebuilt);
            memcpy(rebuilt + n, param->value, param->value_len);
            n += param->value_len;
            p += param->name_len + 2;
        } else {
            FUZZ_CHECK(n + 1 < sizeof rebuilt);
            rebuilt[n++] = *p++;
        }
    }
    rebuilt[n] = '\0';
    FUZZ_CHECK(used == params->count);
    FUZZ_CHECK(strcmp(rebuilt, path) == 0);
}

/* What handlers read from the parameters. */
static void read_params(const struct bpa_route_params *params)
{
    struct bpa_request request = {.params = *params};
    for (unsigned i = 0; i < params->count; i++) {
        const struct bpa_route_param *p = &params->items[i];
        char name[512], text[32], id[20];
        FUZZ_CHECK(p->name_len < sizeof name);
        memcpy(name, p->name, p->name_len);
        name[p->name_len] = '\0';
        /* a name given twice (only in fuzzed patterns) finds the first */
        for (const struct bpa_route_param *q = params->items; q < p; q++)
            if (q->name_len == strlen(name) && memcmp(q->name, name, q->name_len) == 0)
                p = q;
        if (bpa_param_text(&request, name, text, sizeof text))
            FUZZ_CHECK(p->value_len < sizeof text && memcmp(text, p->value, p->value_len) == 0);
        else
            FUZZ_CHECK(p->value_len >= sizeof text);
        if (bpa_param_id(&request, name, id)) {
            size_t n = strlen(id);
            FUZZ_CHECK(n >= 1 && n <= 18 && strspn(id, "0123456789") == n && id[0] != '0');
        }
    }
}

static void fuzz_pattern(struct fuzz_bytes *in)
{
    const uint8_t *newline = memchr(in->data, '\n', in->size);
    char *pattern = fuzz_text(in, newline ? (size_t)(newline - in->data) : in->size);
    fuzz_u8(in);
    char *path = fuzz_rest(in);
    struct bpa_route_params params;
    if (bpa_route_pattern_matches(pattern, path, &params)) {
        /* a '{' without its '}' never matches */
        check_params(pattern, path, &params);
        read_params(&params);
    }
    free(pattern);
    free(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_bytes in = {data, size};
    uint8_t choice = fuzz_u8(&in);
    if (choice == 0xFF) {
        fuzz_pattern(&in);
        return 0;
    }
    const char *method = methods[(choice & 7) % 7];
    size_t count;
    struct bpa_route *routes = bpa_routes_enabled(choice & 8, choice & 16, &count);
    FUZZ_CHECK(routes != NULL && count <= bpa_all_route_count);
    char *path = fuzz_rest(&in);

    size_t index = count;
    struct bpa_route_params params = {0};
    char allow[64]; /* as server/http.c */
    enum bpa_route_outcome outcome =
        bpa_router_match(routes, count, method, path, &index, &params, allow, sizeof allow);
    const char *wanted = strcmp(method, "HEAD") == 0 ? "GET" : method;
    switch (outcome) {
    case BPA_ROUTE_FOUND:
        FUZZ_CHECK(index < count && strcmp(routes[index].method, wanted) == 0);
        check_params(routes[index].pattern, path, &params);
        read_params(&params);
        break;
    case BPA_ROUTE_METHOD_NOT_ALLOWED: {
        FUZZ_CHECK(allow[0] != '\0' && memchr(allow, '\0', sizeof allow));
        char copy[64], *save = NULL;
        memcpy(copy, allow, sizeof copy);
        for (char *m = strtok_r(copy, ", ", &save); m; m = strtok_r(NULL, ", ", &save)) {
            FUZZ_CHECK(strcmp(m, wanted) != 0);
            bool offered = false;
            for (size_t i = 0; i < count; i++)
                offered |= bpa_route_pattern_matches(routes[i].pattern, path, NULL) &&
                           (strcmp(routes[i].method, m) == 0 ||
                            (strcmp(m, "HEAD") == 0 && strcmp(routes[i].method, "GET") == 0));
            FUZZ_CHECK(offered);
        }
        break;
    }
    case BPA_ROUTE_NOT_FOUND:
        for (size_t i = 0; i < count; i++)
            FUZZ_CHECK(!bpa_route_pattern_matches(routes[i].pattern, path, NULL));
        break;
    default:
        FUZZ_CHECK(!"an outcome the router does not define");
    }
    free(path);
    free(routes);
    return 0;
}
