/* Who a session token or API key belongs to, remembered for a short while
 * so that most requests need no database round trip to authenticate.
 *
 * Revocation stays immediate on every daemon: the database announces every
 * change that can end or alter a credential (logout, revoked key, disabled
 * portal or account, a portal's budget; triggers of schema/0012 and 0013)
 * on a channel each daemon listens to, and a daemon forgets everything it
 * remembered when it hears one.
 * While it cannot listen it remembers nothing. Entries also lapse after
 * `ttl_seconds`, after which the database is asked again (and a session's
 * last use recorded, so it does not expire idle on a busy daemon). */
#ifndef BPA_CREDENTIAL_CACHE_H
#define BPA_CREDENTIAL_CACHE_H

#include "auth.h"
#include "http.h"

#include <stdbool.h>
#include <stdint.h>

struct bpa_credential_cache;

/* Starts listening on its own connection to `url`; NULL when out of
 * memory or threads. Until the listener is connected nothing is cached. */
struct bpa_credential_cache *bpa_credential_cache_start(const char *url, unsigned ttl_seconds);
void bpa_credential_cache_stop(struct bpa_credential_cache *cache);

/* The principal remembered for the credential hashing to `hash`; false
 * when none is (or nothing may be remembered now). */
bool bpa_credential_cache_get(struct bpa_credential_cache *cache,
                              const char hash[BPA_TOKEN_HASH_SIZE], struct bpa_principal *out);

/* Read before asking the database; give it back to _put, which remembers
 * the answer only if nothing changed in between (0: do not remember). */
uint64_t bpa_credential_cache_generation(struct bpa_credential_cache *cache);

/* Remembers `principal` until the ttl or `valid_seconds` (the credential's
 * own remaining life), whichever comes first. */
void bpa_credential_cache_put(struct bpa_credential_cache *cache, uint64_t generation,
                              const char hash[BPA_TOKEN_HASH_SIZE],
                              const struct bpa_principal *principal, double valid_seconds);

/* Forgets everything now: for the daemon that ended a credential itself,
 * which must not wait for its own announcement. */
void bpa_credential_cache_forget_all(struct bpa_credential_cache *cache);

#endif
