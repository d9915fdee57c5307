/* Request ids: a caller's X-Request-Id is kept when it is sane, otherwise
 * the server makes one. Pure except for the random source. */
#ifndef BPA_REQUEST_ID_H
#define BPA_REQUEST_ID_H

#include <stdbool.h>

#define BPA_REQUEST_ID_MAX 64

/* True for 1..BPA_REQUEST_ID_MAX characters from [A-Za-z0-9._:-]: safe to
 * echo in a header and a log line. */
bool bpa_request_id_is_sane(const char *id);

/* Writes 32 random lower-case hex digits and a NUL into `out`. */
void bpa_request_id_generate(char out[BPA_REQUEST_ID_MAX + 1]);

/* The id to use for a request whose header value is `given` (may be NULL). */
void bpa_request_id_choose(const char *given, char out[BPA_REQUEST_ID_MAX + 1]);

#endif
