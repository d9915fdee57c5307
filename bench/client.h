/* The benchmarks' HTTP client: one request through libcurl, and a
 * coordinator's token from a daemon the benchmark started. */
#ifndef BPA_BENCH_CLIENT_H
#define BPA_BENCH_CLIENT_H

#include "copy.h"

#include <curl/curl.h>

/* One request to `url`: GET, or POST with the JSON `body`; as the bearer of
 * `token` when not NULL; the answer's body appended to `reply` when not
 * NULL. The status, or 0 when there was no answer. */
long bench_http(CURL *curl, const char *url, const char *token, const char *body,
                struct bench_copy *reply);

/* Makes the coordinator `email` on the database at `database_url` (the
 * operator's command), waits for the daemon at `base` (http://host:port)
 * to be ready, and logs in: the session token into `token`. Exits the
 * benchmark when any step fails. */
void bench_coordinator_token(CURL *curl, const char *database_url, const char *base,
                             const char *email, char token[80]);

#endif
