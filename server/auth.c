/* Passwords and tokens. */
#include "auth.h"
#include "common_passwords.h"

#include <string.h>

const char *bpa_password_problem(const char *password)
{
    size_t bytes = strlen(password), characters = 0;
    bool only_space = true;
    for (const unsigned char *p = (const unsigned char *)password; *p; p++) {
        if ((*p & 0xC0) != 0x80)
            characters++;
        if (*p != ' ' && *p != '\t')
            only_space = false;
    }
    if (characters < 12)
        return "must be at least 12 characters";
    if (bytes > 1024)
        return "must be at most 1024 bytes";
    if (only_space)
        return "must not be only spaces";
    if (bpa_password_is_common(password))
        return "must not be one of the most common passwords";
    return NULL;
}

int bpa_password_hash(const char *password, const struct bpa_password_limits *limits,
                      char out[crypto_pwhash_STRBYTES])
{
    return crypto_pwhash_str(out, password, strlen(password), limits->opslimit, limits->memlimit);
}

bool bpa_password_verify(const char *hash, const char *password)
{
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

bool bpa_password_needs_rehash(const char *hash, const struct bpa_password_limits *limits)
{
    return crypto_pwhash_str_needs_rehash(hash, limits->opslimit, limits->memlimit) != 0;
}

void bpa_token_new(const char *prefix, char out[BPA_TOKEN_SIZE])
{
    unsigned char random[BPA_TOKEN_RANDOM_BYTES];
    randombytes_buf(random, sizeof random);
    size_t n = strlen(prefix);
    memcpy(out, prefix, n);
    sodium_bin2base64(out + n, BPA_TOKEN_SIZE - n, random, sizeof random,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(random, sizeof random);
}

bool bpa_token_shaped(const char *token, const char *prefix)
{
    size_t n = strlen(prefix);
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    return strncmp(token, prefix, n) == 0 && strlen(token + n) == 43 &&
           strspn(token + n, alphabet) == 43;
}

void bpa_token_hash(const char *token, char out[BPA_TOKEN_HASH_SIZE])
{
    unsigned char digest[32];
    crypto_generichash(digest, sizeof digest, (const unsigned char *)token, strlen(token), NULL, 0);
    out[0] = '\\';
    out[1] = 'x';
    sodium_bin2hex(out + 2, BPA_TOKEN_HASH_SIZE - 2, digest, sizeof digest);
}
