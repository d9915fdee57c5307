/* An SMTP sink for the integration tests: a server on a free port of
 * 127.0.0.1 that speaks just enough SMTP to take every message it is sent
 * (no TLS, no authentication) and records it.
 *
 * Like the webhook receiver, the sink is a child_server (child_server.h):
 * a process of its own that keeps one JSON line per message in a scratch
 * folder under /tmp. Start sinks in main() before the suite runs; any test
 * process may read what came.
 *
 * Each message is recorded as sent (its envelope and raw text, dots
 * unstuffed) and as read: its header lines unfolded and RFC 2047 encoded
 * words decoded, a blank line, and its body decoded from quoted-printable
 * or base64 when its Content-Transfer-Encoding says so; line ends as "\n".
 * Searches and links work on that text. One part only: a multipart
 * message's body is kept as it came. */
#ifndef BPA_SMTP_SINK_H
#define BPA_SMTP_SINK_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "child_server.h"

struct smtp_sink {
    struct child_server server; /* its process, port and folder */
    char url[64];               /* "smtp://127.0.0.1:<port>", for --smtp-url */
};

/* Starts a sink; false (and nothing left behind) on failure. The struct
 * must stay where it is until smtp_sink_stop; files left by a sink never
 * stopped are removed when the process that started it exits. */
bool smtp_sink_start(struct smtp_sink *sink);
/* Stops it and removes its files. */
void smtp_sink_stop(struct smtp_sink *sink);

/* Every message so far, oldest first (a new array). Each is an object:
 * "from" (MAIL FROM), "to" (the RCPT TO addresses), "raw" (the message as
 * sent) and "text" (as read: see above). */
json_t *smtp_sink_messages(const struct smtp_sink *sink);

/* The text (malloc'd) of the first message to `address` (a recipient of
 * its envelope, any case; NULL: anyone) whose text contains `contains`
 * (NULL: anything), waiting up to `seconds` for it; NULL when none came. */
char *smtp_sink_wait(const struct smtp_sink *sink, const char *address, const char *contains,
                     int seconds);
/* The same for the one after the first `skip` such messages: e.g. skip 1
 * for the second e-mail of a kind to an address. */
char *smtp_sink_wait_next(const struct smtp_sink *sink, const char *address, const char *contains,
                          size_t skip, int seconds);
/* How many messages so far are to `address` and contain `contains` (NULL:
 * any, as above). */
size_t smtp_sink_count(const struct smtp_sink *sink, const char *address, const char *contains);

/* The first link in a message's text that starts with `prefix` (e.g.
 * "http://127.0.0.1:8080/#/confirm/"), malloc'd: up to the first white
 * space, quote or angle bracket, without trailing punctuation. NULL when
 * the text has none. */
char *smtp_sink_link(const char *text, const char *prefix);
/* A header's value in a message's text (the first of that name, any case),
 * copied into `out`; false when it has none. */
bool smtp_sink_header(const char *text, const char *name, char *out, size_t size);

#endif
