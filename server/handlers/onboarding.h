/* What sign-up, invitations and password resets share: one-time links
 * (random, stored hashed, used once, expiring), e-mail and feed items
 * through the outbox, throttling of requests anyone may send, and the
 * rules and hashing of a new password. */
#ifndef BPA_ONBOARDING_H
#define BPA_ONBOARDING_H

#include "auth.h"
#include "http.h"

#define BPA_LINK_SIZE 320 /* an origin of up to 200 bytes, a route and a token */

/* Counts this request against the hourly budgets of its client address
 * and of `email`; false when one is spent, with the 429 made (*rc). */
bool bpa_throttle_attempt(struct bpa_request *request, const char *email, int *rc);

/* A new link to the console's `route` ("confirm", "invitation", "reset")
 * for `purpose`, for an account or an invitation (the other NULL), valid
 * `seconds`: its hash stored, the link in `link`. */
enum bpa_db_status bpa_link_issue(struct bpa_db_conn *conn, const struct bpa_config *config,
                                  const char *route, const char *purpose, const char *account,
                                  const char *invitation, unsigned long seconds,
                                  char link[BPA_LINK_SIZE]);
/* The hash of a link's token as a client sent it; false when it cannot be
 * one of ours (answer 410 then, as for an unknown one). */
bool bpa_link_token_hash(const json_t *token, char hash[BPA_TOKEN_HASH_SIZE]);

/* Queues an e-mail of `event` to `address` in `language`, with `members`
 * (stolen) in its payload. */
enum bpa_db_status bpa_mail_to(struct bpa_db_conn *conn, const char *event, const char *address,
                               const char *language, json_t *members);
/* Queues an item of `event` with `members` (stolen) in the coordinators' feed. */
enum bpa_db_status bpa_tell_coordinators(struct bpa_db_conn *conn, const char *event,
                                         json_t *members);

/* Checks a new password at `field` (problems into `details`); when it is
 * good, hashes it into `hash` (false when hashing failed: out of memory). */
bool bpa_new_password(const struct bpa_request *request, const char *password, const char *field,
                      json_t *details, char hash[crypto_pwhash_STRBYTES]);

#endif
