/* One webhook call: signed, sent with libcurl, to public addresses only
 * unless the operator allows others. Used by the dispatcher for the
 * outbox and by POST /v1/portal/webhook/test for a ping. */
#ifndef BPA_WEBHOOK_H
#define BPA_WEBHOOK_H

#include "config.h"

#include <jansson.h>
#include <stddef.h>

struct bpa_webhook_call {
    const char *url;
    const char *secret;
    const char *previous_secret; /* still valid during a rotation, or NULL */
    const char *event_id, *event_type;
    const json_t *payload;
};

/* 0 when the receiver answered 2xx; -1 with the reason in `error`
 * otherwise. *http_status is the receiver's status (0: none came). */
int bpa_webhook_send(const struct bpa_config *config, const struct bpa_webhook_call *call,
                     long *http_status, char *error, size_t size);

/* The signature for `body` sent at `timestamp`:
 * "sha256=" + hex HMAC-SHA256(secret, timestamp + "." + body). */
void bpa_webhook_signature(const char *secret, const char *timestamp, const char *body,
                           char out[72]);

#endif
