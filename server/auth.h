/* Secrets with libsodium: argon2id password hashes, and the random bearer
 * tokens of sessions and API keys, which the database only ever sees
 * hashed (BLAKE2b-256).
 *
 * Tokens are a kind prefix and 32 random bytes in URL-safe base64:
 * "bpa_s_..." for a login session, "bpa_k_..." for a portal's API key. */
#ifndef BPA_AUTH_H
#define BPA_AUTH_H

#include <sodium.h>
#include <stdbool.h>
#include <stddef.h>

#define BPA_SESSION_PREFIX     "bpa_s_"
#define BPA_KEY_PREFIX         "bpa_k_"
#define BPA_LINK_PREFIX        "bpa_t_" /* a one-time link's token */
#define BPA_TOKEN_RANDOM_BYTES 32
/* prefix + 43 base64 characters + NUL */
#define BPA_TOKEN_SIZE 64
/* "\x" + 64 hex digits + NUL: the hash as a PostgreSQL bytea literal */
#define BPA_TOKEN_HASH_SIZE 67

struct bpa_password_limits {
    unsigned long long opslimit;
    size_t memlimit; /* bytes */
};

/* The rules a new password must meet: NULL when it does, else why not. */
const char *bpa_password_problem(const char *password);

/* Hashes `password` (argon2id, with `limits`) into `out`; 0 or -1 (out of
 * memory). */
int bpa_password_hash(const char *password, const struct bpa_password_limits *limits,
                      char out[crypto_pwhash_STRBYTES]);

/* True when `password` matches `hash` (constant time, as libsodium does). */
bool bpa_password_verify(const char *hash, const char *password);

/* True when `hash` was made with other limits than `limits`. */
bool bpa_password_needs_rehash(const char *hash, const struct bpa_password_limits *limits);

/* A new random token with `prefix` (BPA_SESSION_PREFIX, BPA_KEY_PREFIX or
 * BPA_LINK_PREFIX). */
void bpa_token_new(const char *prefix, char out[BPA_TOKEN_SIZE]);

/* True for a string shaped like a token of `prefix`. */
bool bpa_token_shaped(const char *token, const char *prefix);

/* The token's hash as a bytea literal "\x...". */
void bpa_token_hash(const char *token, char out[BPA_TOKEN_HASH_SIZE]);

#endif
