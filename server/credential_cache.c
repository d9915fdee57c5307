/* The credential cache: a direct-mapped table (a newer entry replaces an
 * older one in its slot) under one mutex, and a listener thread. Bounded
 * memory, no eviction bookkeeping; a lookup costs a hash-slot compare. */
#include "credential_cache.h"

#include "db/db.h"
#include "log.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SLOTS   4096 /* a power of two */
#define CHANNEL "bpa_credentials"

struct slot {
    char hash[BPA_TOKEN_HASH_SIZE]; /* "" when empty */
    struct bpa_principal principal;
    int64_t until_ms; /* monotonic */
};

struct bpa_credential_cache {
    pthread_mutex_t lock;
    uint64_t generation; /* 0 while not listening; changes whenever everything is forgotten */
    uint64_t next_generation;
    int64_t ttl_ms;
    char *url;
    atomic_bool stopping;
    pthread_t listener;
    struct slot slots[SLOTS];
};

static int64_t now_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* The hash is hex text ("\\x..." then 64 digits): its last digits spread well. */
static struct slot *slot_of(struct bpa_credential_cache *cache, const char *hash)
{
    size_t len = strlen(hash), index = 0;
    for (size_t i = len > 8 ? len - 8 : 0; i < len; i++)
        index = index * 31 + (unsigned char)hash[i];
    return &cache->slots[index & (SLOTS - 1)];
}

/* Under lock. `listening`: whether what is remembered from now on can be
 * trusted to be forgotten in time. */
static void forget_all(struct bpa_credential_cache *cache, bool listening)
{
    for (size_t i = 0; i < SLOTS; i++)
        cache->slots[i].hash[0] = '\0';
    cache->generation = listening ? ++cache->next_generation : 0;
}

void bpa_credential_cache_forget_all(struct bpa_credential_cache *cache)
{
    if (!cache)
        return;
    pthread_mutex_lock(&cache->lock);
    forget_all(cache, cache->generation != 0);
    pthread_mutex_unlock(&cache->lock);
}

static void heard(const char *payload, void *context)
{
    (void)payload; /* rare: forgetting everything is simpler than finding what */
    bpa_credential_cache_forget_all(context);
}

static void *listen_for_changes(void *argument)
{
    struct bpa_credential_cache *cache = argument;
    struct bpa_db_listener *listener = NULL;
    while (!atomic_load(&cache->stopping)) {
        if (!listener) {
            listener = bpa_db_listener_open(cache->url, CHANNEL);
            if (!listener) {
                struct timespec pause = {.tv_sec = 1};
                nanosleep(&pause, NULL);
                continue;
            }
            /* Changes made while deaf were not heard: start afresh. */
            pthread_mutex_lock(&cache->lock);
            forget_all(cache, true);
            pthread_mutex_unlock(&cache->lock);
        }
        if (bpa_db_listener_wait(listener, 500, heard, cache) != 0) {
            pthread_mutex_lock(&cache->lock);
            forget_all(cache, false);
            pthread_mutex_unlock(&cache->lock);
            bpa_log(BPA_LOG_WARN, "credential_listener_lost", NULL);
            bpa_db_listener_close(listener);
            listener = NULL;
        }
    }
    bpa_db_listener_close(listener);
    return NULL;
}

struct bpa_credential_cache *bpa_credential_cache_start(const char *url, unsigned ttl_seconds)
{
    struct bpa_credential_cache *cache = calloc(1, sizeof *cache);
    if (!cache || !(cache->url = strdup(url))) {
        free(cache);
        return NULL;
    }
    cache->ttl_ms = (int64_t)ttl_seconds * 1000;
    pthread_mutex_init(&cache->lock, NULL);
    if (pthread_create(&cache->listener, NULL, listen_for_changes, cache) != 0) {
        pthread_mutex_destroy(&cache->lock);
        free(cache->url);
        free(cache);
        return NULL;
    }
    return cache;
}

void bpa_credential_cache_stop(struct bpa_credential_cache *cache)
{
    if (!cache)
        return;
    atomic_store(&cache->stopping, true);
    pthread_join(cache->listener, NULL);
    pthread_mutex_destroy(&cache->lock);
    free(cache->url);
    free(cache);
}

bool bpa_credential_cache_get(struct bpa_credential_cache *cache,
                              const char hash[BPA_TOKEN_HASH_SIZE], struct bpa_principal *out)
{
    bool found = false;
    int64_t now = now_ms();
    pthread_mutex_lock(&cache->lock);
    struct slot *slot = slot_of(cache, hash);
    if (cache->generation && strcmp(slot->hash, hash) == 0 && slot->until_ms > now) {
        *out = slot->principal;
        found = true;
    }
    pthread_mutex_unlock(&cache->lock);
    return found;
}

uint64_t bpa_credential_cache_generation(struct bpa_credential_cache *cache)
{
    pthread_mutex_lock(&cache->lock);
    uint64_t generation = cache->generation;
    pthread_mutex_unlock(&cache->lock);
    return generation;
}

void bpa_credential_cache_put(struct bpa_credential_cache *cache, uint64_t generation,
                              const char hash[BPA_TOKEN_HASH_SIZE],
                              const struct bpa_principal *principal, double valid_seconds)
{
    int64_t life = valid_seconds * 1000 < (double)cache->ttl_ms ? (int64_t)(valid_seconds * 1000)
                                                                : cache->ttl_ms;
    if (!generation || life <= 0)
        return;
    int64_t until = now_ms() + life;
    pthread_mutex_lock(&cache->lock);
    if (generation == cache->generation) {
        struct slot *slot = slot_of(cache, hash);
        memcpy(slot->hash, hash, BPA_TOKEN_HASH_SIZE);
        slot->principal = *principal;
        slot->until_ms = until;
    }
    pthread_mutex_unlock(&cache->lock);
}
