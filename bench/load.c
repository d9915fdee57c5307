/* HTTP load: one thread and one libcurl handle (kept alive) per client. */
#include "load.h"

#include <curl/curl.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct client {
    const struct bench_load *load;
    unsigned index;
    double seconds;
    double interval; /* seconds between this client's requests; 0: back to back */
    size_t done;
    bool failed;
    double *latencies; /* ms, for paced clients */
    size_t capacity;
};

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static size_t drop(char *data, size_t size, size_t count, void *context)
{
    (void)data;
    (void)context;
    return size * count;
}

static void *run_client(void *argument)
{
    struct client *c = argument;
    const struct bench_load *load = c->load;
    CURL *curl = curl_easy_init();
    char bearer[160];
    snprintf(bearer, sizeof bearer, "Authorization: Bearer %s", load->token);
    struct curl_slist *headers = curl_slist_append(NULL, bearer);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, drop);
    double start = now_s();
    /* paced clients start spread over one interval */
    double due = start + c->interval * c->index / load->clients;
    for (size_t n = c->index;; n += load->clients) {
        if (c->interval > 0) {
            double wait = due - now_s();
            if (wait > 0) {
                struct timespec pause = {(time_t)wait, (long)((wait - floor(wait)) * 1e9)};
                nanosleep(&pause, NULL);
            }
        }
        if (now_s() - start >= c->seconds)
            break;
        curl_easy_setopt(curl, CURLOPT_URL, load->urls[n % load->url_count]);
        long status = 0;
        if (curl_easy_perform(curl) == CURLE_OK)
            curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        if (status != 200)
            c->failed = true;
        if (c->interval > 0 && c->done < c->capacity)
            c->latencies[c->done] = (now_s() - due) * 1000;
        c->done++;
        due += c->interval;
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return NULL;
}

/* Runs the clients; the latencies of all of them in *all (malloc'd). */
static bool run(const struct bench_load *load, double seconds, double interval, size_t *total,
                double **all)
{
    struct client *clients = calloc(load->clients, sizeof *clients);
    pthread_t *threads = calloc(load->clients, sizeof *threads);
    size_t capacity = interval > 0 ? (size_t)(seconds / interval) + 2 : 0;
    for (unsigned i = 0; i < load->clients; i++) {
        clients[i] = (struct client){.load = load,
                                     .index = i,
                                     .seconds = seconds,
                                     .interval = interval,
                                     .capacity = capacity};
        clients[i].latencies = capacity ? calloc(capacity, sizeof(double)) : NULL;
        pthread_create(&threads[i], NULL, run_client, &clients[i]);
    }
    bool ok = true;
    *total = 0;
    *all = capacity ? malloc(capacity * load->clients * sizeof(double)) : NULL;
    size_t kept = 0;
    for (unsigned i = 0; i < load->clients; i++) {
        pthread_join(threads[i], NULL);
        ok = ok && !clients[i].failed;
        *total += clients[i].done;
        for (size_t j = 0; j < clients[i].done && j < capacity; j++)
            (*all)[kept++] = clients[i].latencies[j];
        free(clients[i].latencies);
    }
    free(threads);
    free(clients);
    if (capacity)
        *total = kept;
    return ok;
}

double bench_load_peak(const struct bench_load *load, double seconds)
{
    size_t total = 0;
    double *none = NULL;
    bool ok = run(load, seconds, 0, &total, &none);
    free(none);
    return ok ? (double)total / seconds : -1;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

void bench_load_at_rate(const struct bench_load *load, double per_second, double seconds,
                        double *median, double *p99)
{
    size_t total = 0;
    double *latencies = NULL;
    bool ok = run(load, seconds, load->clients / per_second, &total, &latencies);
    *median = *p99 = -1;
    if (ok && total) {
        qsort(latencies, total, sizeof *latencies, by_value);
        *median = latencies[total / 2];
        size_t at = (size_t)ceil(0.99 * (double)total) - 1;
        *p99 = latencies[at < total ? at : total - 1];
    }
    free(latencies);
}
