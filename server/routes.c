/* The route table. */
#include "routes.h"

#include "handlers/handlers.h"

#include <stdlib.h>
#include <string.h>

#define TEST_PREFIX "/v1/_test/"

const struct bpa_route bpa_all_routes[] = {
    {"GET", "/healthz", bpa_handle_healthz, 0},
    {"GET", "/readyz", bpa_handle_readyz, BPA_ROUTE_NEEDS_DB},
    {"GET", "/metrics", bpa_handle_metrics, 0},
    {"POST", TEST_PREFIX "echo", bpa_handle_test_echo, BPA_ROUTE_NEEDS_DB},
};

const size_t bpa_all_route_count = sizeof bpa_all_routes / sizeof bpa_all_routes[0];

bool bpa_route_is_test(const struct bpa_route *route)
{
    return strncmp(route->pattern, TEST_PREFIX, strlen(TEST_PREFIX)) == 0;
}

struct bpa_route *bpa_routes_enabled(bool test_routes, size_t *count)
{
    struct bpa_route *routes = malloc(sizeof bpa_all_routes);
    *count = 0;
    if (!routes)
        return NULL;
    for (size_t i = 0; i < bpa_all_route_count; i++)
        if (test_routes || !bpa_route_is_test(&bpa_all_routes[i]))
            routes[(*count)++] = bpa_all_routes[i];
    return routes;
}
