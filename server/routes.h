/* The route table: every endpoint of the API, in one place. */
#ifndef BPA_ROUTES_H
#define BPA_ROUTES_H

#include "router.h"

#include <stdbool.h>
#include <stddef.h>

/* Every route, test routes included (for the contract test). */
extern const struct bpa_route bpa_all_routes[];
extern const size_t bpa_all_route_count;

/* True for the routes served only with --enable-test-routes. */
bool bpa_route_is_test(const struct bpa_route *route);

/* The routes to serve: a malloc'd array of *count routes. /metrics asks
 * for a coordinator unless `metrics_public`. */
struct bpa_route *bpa_routes_enabled(bool test_routes, bool metrics_public, size_t *count);

#endif
