/* Matching a request's method and path against the route table: patterns
 * like "/v1/seekers/{id}/matches", with {name} matching one non-empty path
 * segment. Pure: no I/O, no allocation. */
#ifndef BPA_ROUTER_H
#define BPA_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#define BPA_ROUTE_MAX_PARAMS 4

struct bpa_request;
struct bpa_single_read; /* http.h */
typedef int (*bpa_handler_fn)(struct bpa_request *request);

/* Who may call a route (route level; whose resource it is, access.c
 * decides): PUBLIC needs no credential, otherwise the caller's role must be
 * one of the route's. */
enum bpa_route_flags {
    BPA_ROUTE_NEEDS_DB = 1 << 0, /* the handler gets a pooled connection, or 503 */
    BPA_ROUTE_PUBLIC = 1 << 1,
    BPA_ROUTE_COORDINATOR = 1 << 2,
    BPA_ROUTE_EMPLOYER = 1 << 3,
    BPA_ROUTE_PORTAL = 1 << 4,
    BPA_ROUTE_ANY_ROLE = BPA_ROUTE_COORDINATOR | BPA_ROUTE_EMPLOYER | BPA_ROUTE_PORTAL,
};

struct bpa_route {
    const char *method; /* "GET", "POST", ...; GET routes answer HEAD too */
    const char *pattern;
    bpa_handler_fn handler;
    unsigned flags;
    const struct bpa_single_read *read; /* NULL, or how to answer without a worker */
};

/* A matched parameter: name points into the pattern, value into the path
 * (neither NUL-terminated where the match stopped). */
struct bpa_route_param {
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
};

struct bpa_route_params {
    unsigned count;
    struct bpa_route_param items[BPA_ROUTE_MAX_PARAMS];
};

enum bpa_route_outcome { BPA_ROUTE_FOUND, BPA_ROUTE_NOT_FOUND, BPA_ROUTE_METHOD_NOT_ALLOWED };

/* Finds the route for `method` and `path`. On FOUND, *index is the route's
 * position and `params` holds its parameters. On METHOD_NOT_ALLOWED, `allow`
 * holds the methods the path accepts ("GET, HEAD, POST"). */
enum bpa_route_outcome bpa_router_match(const struct bpa_route *routes, size_t count,
                                        const char *method, const char *path, size_t *index,
                                        struct bpa_route_params *params, char *allow,
                                        size_t allow_size);

/* True when `path` matches `pattern`; fills `params` (which may be NULL). */
bool bpa_route_pattern_matches(const char *pattern, const char *path,
                               struct bpa_route_params *params);

#endif
