/* See client.h. */
#include "client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static size_t keep(char *data, size_t size, size_t count, void *context)
{
    if (context)
        bench_copy_put(context, "%.*s", (int)(size * count), data);
    return size * count;
}

long bench_http(CURL *curl, const char *url, const char *token, const char *body,
                struct bench_copy *reply)
{
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    char bearer[128];
    if (token) {
        snprintf(bearer, sizeof bearer, "Authorization: Bearer %s", token);
        headers = curl_slist_append(headers, bearer);
    }
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, reply);
    if (body)
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    long status = 0;
    if (curl_easy_perform(curl) == CURLE_OK)
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    return status;
}

static void fail(const char *what, const char *why)
{
    fprintf(stderr, "bench: %s: %s\n", what, why);
    exit(1);
}

void bench_coordinator_token(CURL *curl, const char *database_url, const char *base,
                             const char *email, char token[80])
{
    const char *password = "bench password, long enough";
    char command[1024], url[256], body[256];
    snprintf(command, sizeof command,
             "build/bpa-server create-coordinator %s --database-url '%s' >/dev/null", email,
             database_url);
    FILE *pipe = popen(command, "w");
    fprintf(pipe, "%s\n", password);
    if (pclose(pipe) != 0)
        fail("create-coordinator", "failed");
    snprintf(url, sizeof url, "%s/readyz", base);
    for (int i = 0; i < 600 && bench_http(curl, url, NULL, NULL, NULL) != 200; i++)
        usleep(100000);
    struct bench_copy reply = {0};
    snprintf(body, sizeof body, "{\"email\":\"%s\",\"password\":\"%s\"}", email, password);
    snprintf(url, sizeof url, "%s/v1/auth/login", base);
    bench_http(curl, url, NULL, body, &reply);
    const char *at = reply.buffer ? strstr(reply.buffer, "\"token\":\"") : NULL;
    if (!at)
        fail("login", reply.buffer ? reply.buffer : "no answer");
    snprintf(token, 80, "%.49s", at + 9);
    free(reply.buffer);
}
