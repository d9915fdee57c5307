/* The route table. */
#include "routes.h"

#include "handlers/handlers.h"

#include <stdlib.h>
#include <string.h>

#define TEST_PREFIX "/v1/_test/"
#define DB          BPA_ROUTE_NEEDS_DB

const struct bpa_route bpa_all_routes[] = {
    {"GET", "/healthz", bpa_handle_healthz, 0},
    {"GET", "/readyz", bpa_handle_readyz, DB},
    {"GET", "/metrics", bpa_handle_metrics, 0},
    {"GET", "/openapi.yaml", bpa_handle_openapi, 0},
    {"GET", "/docs", bpa_handle_docs, 0},
    {"GET", "/v1/employers", bpa_handle_employer_list, DB},
    {"POST", "/v1/employers", bpa_handle_employer_create, DB},
    {"GET", "/v1/employers/{id}", bpa_handle_employer_get, DB},
    {"PATCH", "/v1/employers/{id}", bpa_handle_employer_update, DB},
    {"PUT", "/v1/employers/{id}/verified", bpa_handle_employer_verify, DB},
    {"GET", "/v1/placements", bpa_handle_placement_list, DB},
    {"POST", "/v1/placements", bpa_handle_placement_create, DB},
    {"GET", "/v1/placements/{id}", bpa_handle_placement_get, DB},
    {"PATCH", "/v1/placements/{id}", bpa_handle_placement_update, DB},
    {"DELETE", "/v1/placements/{id}", bpa_handle_placement_delete, DB},
    {"POST", "/v1/placements/{id}/open", bpa_handle_placement_open, DB},
    {"POST", "/v1/placements/{id}/close", bpa_handle_placement_close, DB},
    {"GET", "/v1/seekers", bpa_handle_seeker_list, DB},
    {"POST", "/v1/seekers", bpa_handle_seeker_create, DB},
    {"GET", "/v1/seekers/{id}", bpa_handle_seeker_get, DB},
    {"PATCH", "/v1/seekers/{id}", bpa_handle_seeker_update, DB},
    {"DELETE", "/v1/seekers/{id}", bpa_handle_seeker_delete, DB},
    {"GET", "/v1/skills", bpa_handle_skill_search, DB},
    {"GET", "/v1/skills/{id}", bpa_handle_skill_get, DB},
    {"GET", "/v1/occupations", bpa_handle_occupation_search, DB},
    {"GET", "/v1/occupations/{id}", bpa_handle_occupation_get, DB},
    {"GET", "/v1/postcodes/{pc4}", bpa_handle_postcode_get, DB},
    {"POST", TEST_PREFIX "echo", bpa_handle_test_echo, DB},
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
