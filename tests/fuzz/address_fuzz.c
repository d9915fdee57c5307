/* Fuzzes where webhooks may go: the address check (server/address.c) and
 * the webhook call's use of it on the socket it opens (open_public_only,
 * static in server/webhook.c, compiled in here), the URL check a portal's
 * webhook passes at registration (a BPA_URI field, server/fields.c) as
 * libcurl then reads it, and the signature a webhook call sends.
 *
 * The first byte picks the mode. Addresses: a family and 16 address bytes.
 * URLs: the rest is the URL; then a secret, timestamp and body to sign.
 *
 * Invariants: the ranges address.h names are never public, in IPv4 or as
 * IPv4-mapped IPv6, and a mapped address answers as its IPv4 address does;
 * a webhook call opens a socket exactly for public addresses; a URL the
 * registration accepts is, when libcurl can read it, http or https with a
 * host; a signature is "sha256=" and 64 lower-case hex digits.
 *
 * fuzz-links: server/address.c server/fields.c server/schedule.c
 * fuzz-flags: -max_len=1024
 */
#include "../../server/webhook.c"

#include "fields.h"
#include "fuzz.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stddef.h>
#include <unistd.h>

/* The address.h list, written out again from the RFCs' prefixes. */
static bool closed_v4(const uint8_t a[4])
{
    return a[0] == 0 || a[0] == 10 || a[0] == 127 || (a[0] == 100 && (a[1] & 0xC0) == 64) ||
           (a[0] == 169 && a[1] == 254) || (a[0] == 172 && (a[1] & 0xF0) == 16) ||
           (a[0] == 192 && a[1] == 168) || (a[0] == 192 && a[1] == 0 && a[2] == 0) ||
           (a[0] == 198 && (a[1] & 0xFE) == 18) || a[0] >= 224;
}

static bool closed_v6(const uint8_t a[16])
{
    static const uint8_t zero[16] = {0}, loopback[16] = {[15] = 1};
    return !memcmp(a, zero, 16) || !memcmp(a, loopback, 16) || (a[0] & 0xFE) == 0xFC ||
           (a[0] == 0xFE && (a[1] & 0xC0) == 0x80) || a[0] == 0xFF;
}

/* As libcurl hands an address to the open-socket callback: the sockaddr
 * at the end, as long as its family needs. */
static bool webhook_opens(const struct sockaddr *address, socklen_t length)
{
    struct curl_sockaddr *c = calloc(1, offsetof(struct curl_sockaddr, addr) + length);
    FUZZ_CHECK(c != NULL);
    c->family = address->sa_family;
    c->socktype = SOCK_STREAM;
    c->protocol = IPPROTO_TCP;
    c->addrlen = length;
    memcpy(&c->addr, address, length);
    bool refused = false;
    curl_socket_t s = open_public_only(&refused, CURLSOCKTYPE_IPCXN, c);
    FUZZ_CHECK((s == CURL_SOCKET_BAD) == refused);
    if (s != CURL_SOCKET_BAD)
        close(s);
    free(c);
    return !refused;
}

static void fuzz_address(struct fuzz_bytes *in)
{
    uint8_t family = fuzz_u8(in), bytes[16];
    for (int i = 0; i < 16; i++)
        bytes[i] = fuzz_u8(in);
    if (family % 3 == 0) {
        struct sockaddr_in v4 = {.sin_family = AF_INET, .sin_port = htons(443)};
        memcpy(&v4.sin_addr, bytes, 4);
        bool open = bpa_address_is_public((const struct sockaddr *)&v4);
        FUZZ_CHECK(!(open && closed_v4(bytes)));
        /* the same address, IPv4-mapped */
        struct sockaddr_in6 mapped = {.sin6_family = AF_INET6, .sin6_port = htons(443)};
        mapped.sin6_addr.s6_addr[10] = mapped.sin6_addr.s6_addr[11] = 0xFF;
        memcpy(mapped.sin6_addr.s6_addr + 12, bytes, 4);
        FUZZ_CHECK(bpa_address_is_public((const struct sockaddr *)&mapped) == open);
        FUZZ_CHECK(webhook_opens((const struct sockaddr *)&v4, sizeof v4) == open);
    } else if (family % 3 == 1) {
        struct sockaddr_in6 v6 = {.sin6_family = AF_INET6, .sin6_port = htons(443)};
        memcpy(v6.sin6_addr.s6_addr, bytes, 16);
        bool open = bpa_address_is_public((const struct sockaddr *)&v6);
        FUZZ_CHECK(!(open && closed_v6(bytes)));
        static const uint8_t mapped_prefix[12] = {[10] = 0xFF, [11] = 0xFF};
        if (memcmp(bytes, mapped_prefix, 12) == 0)
            FUZZ_CHECK(!(open && closed_v4(bytes + 12)));
        FUZZ_CHECK(webhook_opens((const struct sockaddr *)&v6, sizeof v6) == open);
    } else {
        /* another family: never public */
        struct sockaddr other = {.sa_family = (sa_family_t)(family == 2 ? AF_UNIX : family)};
        memcpy(other.sa_data, bytes, sizeof other.sa_data);
        FUZZ_CHECK(!bpa_address_is_public(&other));
    }
}

static void fuzz_url(struct fuzz_bytes *in)
{
    const uint8_t *newline = memchr(in->data, '\n', in->size);
    char *url = fuzz_text(in, newline ? (size_t)(newline - in->data) : in->size);
    fuzz_u8(in);
    /* the registration's check, as PUT /v1/portal/webhook runs it */
    static const struct bpa_field fields[] = {
        {"url", BPA_URI, BPA_REQUIRED, 0, 0, NULL, NULL},
        {0},
    };
    json_t *body = json_pack("{s:s}", "url", url), *details = json_array();
    json_t *checked = body ? bpa_fields_check(body, fields, "", details) : NULL;
    if (checked && json_array_size(details) == 0) {
        CURLU *parsed = curl_url();
        FUZZ_CHECK(parsed != NULL);
        if (curl_url_set(parsed, CURLUPART_URL, url, 0) == CURLUE_OK) {
            char *scheme = NULL, *host = NULL;
            FUZZ_CHECK(curl_url_get(parsed, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK);
            FUZZ_CHECK(strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0);
            FUZZ_CHECK(curl_url_get(parsed, CURLUPART_HOST, &host, 0) == CURLUE_OK && *host);
            curl_free(scheme);
            curl_free(host);
        }
        curl_url_cleanup(parsed);
    }
    json_decref(checked);
    json_decref(details);
    json_decref(body);

    char *secret = fuzz_text(in, fuzz_u8(in)), *timestamp = fuzz_text(in, fuzz_u8(in));
    char *payload = fuzz_rest(in), signature[72];
    bpa_webhook_signature(secret, timestamp, payload, signature);
    FUZZ_CHECK(strlen(signature) == 71 && strncmp(signature, "sha256=", 7) == 0);
    FUZZ_CHECK(strspn(signature + 7, "0123456789abcdef") == 64);
    free(secret);
    free(timestamp);
    free(payload);
    free(url);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_bytes in = {data, size};
    if (fuzz_u8(&in) & 1)
        fuzz_url(&in);
    else
        fuzz_address(&in);
    return 0;
}
