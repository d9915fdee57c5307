/* A webhook receiver for the integration tests: an HTTP server on a free
 * port of 127.0.0.1 that records every call it gets and answers 200, or
 * 500 while told to fail.
 *
 * The receiver is a child_server (child_server.h): a process of its own
 * that keeps its state in files in a scratch folder under /tmp, one JSON
 * line per call, and a switch file for failing. Start receivers in main()
 * before the suite runs; any test process may read the calls and flip the
 * switch. */
#ifndef BPA_WEBHOOK_RECEIVER_H
#define BPA_WEBHOOK_RECEIVER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "child_server.h"

struct webhook_receiver {
    struct child_server server; /* its process, port and folder */
    char fail_path[128];        /* there while told to fail */
    char url[64];               /* "http://127.0.0.1:<port>/hook", to register */
};

/* Starts a receiver; false (and nothing left behind) on failure. The
 * struct must stay where it is until webhook_receiver_stop; files left by
 * a receiver never stopped are removed when the process exits. */
bool webhook_receiver_start(struct webhook_receiver *receiver);
/* Stops it and removes its files. */
void webhook_receiver_stop(struct webhook_receiver *receiver);
/* While `failing`, calls are recorded and answered 500. */
void webhook_receiver_fail(const struct webhook_receiver *receiver, bool failing);

/* Every call so far, oldest first (a new array). Each call is an object:
 * "event_id", "event", "timestamp", "signature" (the X-BPA-* headers, null
 * when missing), "body" (the raw text, as signed), "payload" (the body
 * parsed, or null) and "refused" (true when answered 500). */
json_t *webhook_receiver_calls(const struct webhook_receiver *receiver);

enum webhook_answer { WEBHOOK_ANY_ANSWER, WEBHOOK_ACCEPTED, WEBHOOK_REFUSED };

/* Which calls to look for; members left zero match anything. */
struct webhook_filter {
    const char *event;    /* X-BPA-Event */
    const char *event_id; /* X-BPA-Event-Id */
    long long match_id;   /* the payload's match_id */
    enum webhook_answer answer;
};

/* The first call `filter` matches (a new reference), waiting up to
 * `seconds` for it; NULL when none came. */
json_t *webhook_receiver_wait(const struct webhook_receiver *receiver, struct webhook_filter filter,
                              int seconds);
/* How many calls so far `filter` matches. */
size_t webhook_receiver_count(const struct webhook_receiver *receiver,
                              struct webhook_filter filter);

/* Which of the signatures an X-BPA-Signature header lists ("sha256=<hex>",
 * comma-separated) is HMAC-SHA256(secret, timestamp "." body): its
 * position, 0 for the first; -1 when none is (or the header is NULL). */
int webhook_signature_position(const char *header, const char *secret, const char *timestamp,
                               const char *body);
/* The same for a recorded call: its signature, timestamp and body. */
int webhook_call_signed_by(const json_t *call, const char *secret);
/* How many signatures the header lists (0 for NULL). */
size_t webhook_signature_count(const char *header);

#endif
