/* Request ids. */
#include "request_id.h"

#include <sodium.h>
#include <string.h>

bool bpa_request_id_is_sane(const char *id)
{
    size_t n = 0;
    for (; id[n]; n++) {
        char c = id[n];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == ':' || c == '-';
        if (!ok || n >= BPA_REQUEST_ID_MAX)
            return false;
    }
    return n > 0;
}

void bpa_request_id_generate(char out[BPA_REQUEST_ID_MAX + 1])
{
    unsigned char raw[16];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(out, BPA_REQUEST_ID_MAX + 1, raw, sizeof raw);
}

void bpa_request_id_choose(const char *given, char out[BPA_REQUEST_ID_MAX + 1])
{
    if (given && bpa_request_id_is_sane(given))
        memcpy(out, given, strlen(given) + 1);
    else
        bpa_request_id_generate(out);
}
