/* The notification dispatcher. */
#include "dispatcher.h"

#include "email_text.h"
#include "log.h"
#include "webhook.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BATCH_SIZE 5UL /* rows claimed per round */

/* A claimed outbox row: 0, or -1 with the reason in `error`. */
static int send_webhook(const struct bpa_config *config, const json_t *item, char *error,
                        size_t size)
{
    struct bpa_webhook_call call = {
        .url = json_string_value(json_object_get(item, "url")),
        .secret = json_string_value(json_object_get(item, "secret")),
        .previous_secret = json_string_value(json_object_get(item, "previous_secret")),
        .event_id = json_string_value(json_object_get(item, "event_id")),
        .event_type = json_string_value(json_object_get(item, "event_type")),
        .payload = json_object_get(item, "payload"),
    };
    if (!call.url || !call.secret) {
        snprintf(error, size, "the portal has no webhook registered");
        return -1;
    }
    long status;
    return bpa_webhook_send(config, &call, &status, error, size);
}

struct message {
    const char *data;
    size_t left;
};

static size_t read_message(char *buffer, size_t size, size_t count, void *context)
{
    struct message *m = context;
    size_t n = size * count < m->left ? size * count : m->left;
    memcpy(buffer, m->data, n);
    m->data += n;
    m->left -= n;
    return n;
}

/* Without a relay, for trying the service out: the message as a file
 * <id>.eml in --mail-dir, written whole before it gets its name. */
static int write_email(const struct bpa_config *config, const json_t *item, const char *message,
                       char *error, size_t size)
{
    char path[1024], partial[1040];
    snprintf(path, sizeof path, "%s/%lld.eml", config->mail_dir,
             (long long)json_integer_value(json_object_get(item, "id")));
    snprintf(partial, sizeof partial, "%s.partial", path);
    FILE *f = fopen(partial, "w");
    bool written = f && fputs(message, f) >= 0;
    if (f && fclose(f) != 0)
        written = false;
    if (!written || rename(partial, path) != 0) {
        snprintf(error, size, "could not write %.200s", path);
        unlink(partial);
        return -1;
    }
    return 0;
}

static int send_email(const struct bpa_config *config, const json_t *item, char *error, size_t size)
{
    const char *to = json_string_value(json_object_get(item, "address"));
    if (!config->smtp_url && !config->mail_dir) {
        snprintf(error, size, "no SMTP relay is configured (BPA_SMTP_URL)");
        return -1;
    }
    char subject[128], text[2048], message_text[3072], date[64];
    bpa_email_text(item, subject, sizeof subject, text, sizeof text);
    time_t now = time(NULL);
    struct tm utc;
    gmtime_r(&now, &utc);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &utc);
    snprintf(message_text, sizeof message_text,
             "Date: %s\r\nFrom: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s@bpa>\r\n"
             "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
             "Content-Transfer-Encoding: 8bit\r\n\r\n%s",
             date, config->smtp_from, to, subject,
             json_string_value(json_object_get(item, "event_id")), text);
    if (!config->smtp_url)
        return write_email(config, item, message_text, error, size);
    struct message m = {message_text, strlen(message_text)};
    struct curl_slist *recipients = curl_slist_append(NULL, to);
    CURL *curl = curl_easy_init();
    char from[300];
    snprintf(from, sizeof from, "<%s>", config->smtp_from);
    curl_easy_setopt(curl, CURLOPT_URL, config->smtp_url);
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_message);
    curl_easy_setopt(curl, CURLOPT_READDATA, &m);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)config->notify_timeout_s);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long)config->notify_timeout_s);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    CURLcode rc = curl_easy_perform(curl);
    curl_slist_free_all(recipients);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK) {
        snprintf(error, size, "%s", curl_easy_strerror(rc));
        return -1;
    }
    return 0;
}

struct round {
    const struct bpa_config *config;
    unsigned delivered, failed;
};

/* Claims due rows in one short statement, sends each outside any
 * transaction, and records each outcome on its own: no lock is held while a
 * receiver is slow, and a row whose outcome was never recorded (a crash, the
 * database away) is due again when its claim runs out. Not OK when the
 * claim or a record failed. */
static enum bpa_db_status deliver_due(struct bpa_db_conn *conn, struct round *round)
{
    char batch[8], lease[32];
    snprintf(batch, sizeof batch, "%lu", BATCH_SIZE);
    snprintf(lease, sizeof lease, "%lu", (BATCH_SIZE + 1) * round->config->notify_timeout_s + 30);
    char *due_text = NULL;
    enum bpa_db_status status =
        bpa_db_call(conn, "outbox_claim", 2, (const char *const[]){batch, lease}, &due_text);
    json_t *due = due_text ? json_loads(due_text, 0, NULL) : NULL;
    free(due_text);
    size_t i;
    json_t *item;
    json_array_foreach(due, i, item)
    {
        char id[24], error[300] = "";
        snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(item, "id")));
        const char *channel = json_string_value(json_object_get(item, "channel"));
        int rc = strcmp(channel, "webhook") == 0
                     ? send_webhook(round->config, item, error, sizeof error)
                     : send_email(round->config, item, error, sizeof error);
        enum bpa_db_status recorded;
        if (rc == 0) {
            recorded = bpa_db_call(conn, "outbox_delivered", 1, (const char *const[]){id}, NULL);
            round->delivered += recorded == BPA_DB_OK;
        } else {
            /* exponential back-off with jitter: base * 2^attempts, +-50 % */
            long long attempts = json_integer_value(json_object_get(item, "attempts"));
            double wait = (double)round->config->notify_backoff_s *
                          (double)(1ULL << (attempts < 16 ? attempts : 16));
            wait *= 0.5 + (double)randombytes_uniform(1000) / 1000.0;
            char max[16], seconds[32];
            snprintf(max, sizeof max, "%lu", round->config->notify_max_attempts);
            snprintf(seconds, sizeof seconds, "%.3f", wait);
            recorded = bpa_db_call(conn, "outbox_failed", 4,
                                   (const char *const[]){id, error, max, seconds}, NULL);
            round->failed += recorded == BPA_DB_OK;
            bpa_log(BPA_LOG_WARN, "notification_failed",
                    json_pack("{s:s, s:s, s:s}", "id", id, "channel", channel, "error", error));
        }
        if (recorded != BPA_DB_OK)
            status = recorded;
    }
    json_decref(due);
    return status;
}

static enum bpa_db_status remind(struct bpa_db_conn *conn, void *context)
{
    const struct bpa_config *config = context;
    char days[16];
    snprintf(days, sizeof days, "%lu", config->reminder_days);
    return bpa_db_call(conn, "remind_waiting", 1, (const char *const[]){days}, NULL);
}

/* Sleeps `ms` in slices of at most 50 ms: a stop is noticed within one
 * slice, so shutting down never waits out a long --notify-interval-ms
 * (up to a minute). */
static void pause_unless_stopped(struct bpa_dispatcher *d, unsigned long ms)
{
    while (ms > 0 && !atomic_load(&d->stop)) {
        unsigned long slice = ms < 50 ? ms : 50;
        struct timespec pause = {.tv_sec = 0, .tv_nsec = (long)slice * 1000000L};
        nanosleep(&pause, NULL);
        ms -= slice;
    }
}

static void *run(void *context)
{
    struct bpa_dispatcher *d = context;
    while (!atomic_load(&d->stop)) {
        struct bpa_db_conn *conn;
        struct round round = {.config = d->config};
        enum bpa_db_status recorded = BPA_DB_UNAVAILABLE;
        if (bpa_db_pool_acquire(d->pool, 1000, &conn) == BPA_DB_OK) {
            /* the connection lost and not reopened: nothing to claim with
             * (it would only log "connection pointer is NULL") */
            recorded = bpa_db_transaction(conn, BPA_DB_READ_COMMITTED, remind, (void *)d->config);
            if (recorded != BPA_DB_UNAVAILABLE)
                recorded = deliver_due(conn, &round);
            bpa_db_pool_release(d->pool, conn);
        }
        bool busy = recorded == BPA_DB_OK && round.delivered + round.failed > 0;
        if (busy)
            bpa_log(BPA_LOG_INFO, "notifications_dispatched",
                    json_pack("{s:i, s:i}", "delivered", round.delivered, "failed", round.failed));
        /* idle, or the outcomes were not recorded (the database is away):
         * pause rather than send the same batch again at once */
        if (!busy)
            pause_unless_stopped(d, d->config->notify_interval_ms);
    }
    return NULL;
}

int bpa_dispatcher_start(struct bpa_dispatcher *dispatcher, const struct bpa_config *config,
                         struct bpa_db_pool *pool)
{
    dispatcher->config = config;
    dispatcher->pool = pool;
    atomic_store(&dispatcher->stop, false);
    return pthread_create(&dispatcher->thread, NULL, run, dispatcher) == 0 ? 0 : -1;
}

void bpa_dispatcher_stop(struct bpa_dispatcher *dispatcher)
{
    atomic_store(&dispatcher->stop, true);
    pthread_join(dispatcher->thread, NULL);
}
