/* Request budgets: each session and each API key may make so many requests
 * a minute (the daemon's default, or its portal's own), counted across
 * every daemon on the database.
 *
 * Each daemon counts in memory and, about once a second, adds what it
 * counted to a shared table and learns the totals of all daemons
 * (schema/0013): no database write per request. The price is that the
 * daemons together may let through up to a second's worth of requests per
 * daemon beyond the budget. Budgets run per calendar minute (UTC). */
#ifndef BPA_RATE_LIMIT_H
#define BPA_RATE_LIMIT_H

#include "db/db.h"

#include <stdbool.h>

struct bpa_rate_limits;

/* Starts the thread that shares the counts through `pool`; NULL when out
 * of memory or threads. */
struct bpa_rate_limits *bpa_rate_limits_start(struct bpa_db_pool *pool);
void bpa_rate_limits_stop(struct bpa_rate_limits *limits);

struct bpa_rate_decision {
    bool allowed;
    unsigned long long limit, remaining;
    unsigned reset_seconds; /* until the budget is whole again */
};

/* Counts one request of `credential` (at most 39 bytes, e.g. "key:12")
 * against `per_minute`, and says whether it is within the budget. */
void bpa_rate_limits_take(struct bpa_rate_limits *limits, const char *credential,
                          unsigned long long per_minute, struct bpa_rate_decision *out);

#endif
