/* One signed webhook call. */
#include "webhook.h"

#include "address.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void bpa_webhook_signature(const char *secret, const char *timestamp, const char *body,
                           char out[72])
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&state, (const unsigned char *)timestamp, strlen(timestamp));
    crypto_auth_hmacsha256_update(&state, (const unsigned char *)".", 1);
    crypto_auth_hmacsha256_update(&state, (const unsigned char *)body, strlen(body));
    crypto_auth_hmacsha256_final(&state, mac);
    memcpy(out, "sha256=", 7);
    sodium_bin2hex(out + 7, 65, mac, sizeof mac);
}

static size_t ignore(char *data, size_t size, size_t count, void *context)
{
    (void)data;
    (void)context;
    return size * count;
}

/* Opens the socket of a webhook connection only to a public address. The
 * check is on the address connected to, after resolution, so a name that
 * later resolves elsewhere cannot get around it. */
static curl_socket_t open_public_only(void *refused, curlsocktype purpose,
                                      struct curl_sockaddr *address)
{
    (void)purpose;
    if (!bpa_address_is_public(&address->addr)) {
        *(bool *)refused = true;
        return CURL_SOCKET_BAD;
    }
    return socket(address->family, address->socktype, address->protocol);
}

int bpa_webhook_send(const struct bpa_config *config, const struct bpa_webhook_call *call,
                     long *http_status, char *error, size_t size)
{
    *http_status = 0;
    char *body = json_dumps(call->payload, JSON_COMPACT | JSON_SORT_KEYS);
    if (!body) {
        snprintf(error, size, "the payload could not be written");
        return -1;
    }
    /* Signed at each attempt. During a rotation with the new secret and
     * the old, new first: a receiver that knows either accepts the call. */
    char timestamp[24], signature[72], previous[72], headers_text[4][200];
    snprintf(timestamp, sizeof timestamp, "%lld", (long long)time(NULL));
    bpa_webhook_signature(call->secret, timestamp, body, signature);
    if (call->previous_secret)
        bpa_webhook_signature(call->previous_secret, timestamp, body, previous);
    snprintf(headers_text[0], sizeof headers_text[0], "X-BPA-Event-Id: %s", call->event_id);
    snprintf(headers_text[1], sizeof headers_text[1], "X-BPA-Event: %s", call->event_type);
    snprintf(headers_text[2], sizeof headers_text[2], "X-BPA-Timestamp: %s", timestamp);
    snprintf(headers_text[3], sizeof headers_text[3], "X-BPA-Signature: %s%s%s", signature,
             call->previous_secret ? ", " : "", call->previous_secret ? previous : "");
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    for (int i = 0; i < 4; i++)
        headers = curl_slist_append(headers, headers_text[i]);
    CURL *curl = curl_easy_init();
    curl_easy_setopt(curl, CURLOPT_URL, call->url);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https"); /* never file:, gopher: ... */
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)config->notify_timeout_s);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long)config->notify_timeout_s);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, ignore);
    bool refused = false;
    if (!config->webhook_private_ok) {
        curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, open_public_only);
        curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, &refused);
    }
    CURLcode rc = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, http_status);
    curl_easy_cleanup(curl);
    curl_slist_free_all(headers);
    sodium_memzero(previous, sizeof previous);
    free(body);
    if (rc != CURLE_OK && refused) {
        snprintf(error, size,
                 "the webhook's address is not public (see --webhook-private-addresses)");
        return -1;
    }
    if (rc != CURLE_OK) {
        snprintf(error, size, "%s", curl_easy_strerror(rc));
        return -1;
    }
    if (*http_status < 200 || *http_status > 299) {
        snprintf(error, size, "the receiver answered HTTP %ld", *http_status);
        return -1;
    }
    return 0;
}
