/* The most common passwords, refused as new ones (bpa_password_problem).
 *
 * The list is server/data/common-passwords.txt (from zxcvbn-ts, MIT: see
 * server/data/LICENSE-common-passwords), compiled into
 * build/gen/common_passwords.c lower-cased and sorted bytewise. */
#ifndef BPA_COMMON_PASSWORDS_H
#define BPA_COMMON_PASSWORDS_H

#include <stdbool.h>
#include <stddef.h>

/* Generated: the entries, sorted as strcmp orders them; their number; the
 * length in bytes of the longest. */
extern const char *const bpa_common_passwords[];
extern const size_t bpa_common_password_count;
extern const size_t bpa_common_password_longest;

/* True when `password`, with its ASCII letters lower-cased, is on the list. */
bool bpa_password_is_common(const char *password);

#endif
