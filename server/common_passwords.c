/* The common-password list's look-up. */
#include "common_passwords.h"

#include <stdlib.h>
#include <string.h>

static unsigned char lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* strcmp of the key lower-cased against a (lower-case) entry. */
static int compare(const void *key, const void *entry)
{
    const unsigned char *k = key, *e = *(const unsigned char *const *)entry;
    while (*k && lower(*k) == *e) {
        k++;
        e++;
    }
    return (int)lower(*k) - (int)*e;
}

bool bpa_password_is_common(const char *password)
{
    if (strlen(password) > bpa_common_password_longest)
        return false;
    return bsearch(password, bpa_common_passwords, bpa_common_password_count,
                   sizeof bpa_common_passwords[0], compare) != NULL;
}
