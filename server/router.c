/* Route matching. */
#include "router.h"

#include <stdio.h>
#include <string.h>

bool bpa_route_pattern_matches(const char *pattern, const char *path,
                               struct bpa_route_params *params)
{
    struct bpa_route_params found = {0};
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (*p == '{') {
            const char *close = strchr(p, '}');
            size_t value_len = strcspn(s, "/");
            if (!close || value_len == 0 || found.count == BPA_ROUTE_MAX_PARAMS)
                return false;
            found.items[found.count++] = (struct bpa_route_param){
                .name = p + 1,
                .name_len = (size_t)(close - p - 1),
                .value = s,
                .value_len = value_len,
            };
            p = close + 1;
            s += value_len;
        } else if (*p++ != *s++) {
            return false;
        }
    }
    if (*p || *s)
        return false;
    if (params)
        *params = found;
    return true;
}

static void append_method(char *allow, size_t size, const char *method)
{
    size_t used = strlen(allow);
    /* Each method once, e.g. two routes with different patterns that both
     * match one path. */
    for (const char *at = allow; (at = strstr(at, method)) != NULL; at += strlen(method)) {
        bool starts = at == allow || at[-1] == ' ';
        char after = at[strlen(method)];
        if (starts && (after == ',' || after == '\0'))
            return;
    }
    int n = snprintf(allow + used, size - used, "%s%s", used ? ", " : "", method);
    (void)n;
}

enum bpa_route_outcome bpa_router_match(const struct bpa_route *routes, size_t count,
                                        const char *method, const char *path, size_t *index,
                                        struct bpa_route_params *params, char *allow,
                                        size_t allow_size)
{
    const char *wanted = strcmp(method, "HEAD") == 0 ? "GET" : method;
    bool path_known = false;
    if (allow_size)
        allow[0] = '\0';
    for (size_t i = 0; i < count; i++) {
        if (!bpa_route_pattern_matches(routes[i].pattern, path, NULL))
            continue;
        if (strcmp(routes[i].method, wanted) == 0) {
            *index = i;
            bpa_route_pattern_matches(routes[i].pattern, path, params);
            return BPA_ROUTE_FOUND;
        }
        path_known = true;
        append_method(allow, allow_size, routes[i].method);
        if (strcmp(routes[i].method, "GET") == 0)
            append_method(allow, allow_size, "HEAD");
    }
    return path_known ? BPA_ROUTE_METHOD_NOT_ALLOWED : BPA_ROUTE_NOT_FOUND;
}
