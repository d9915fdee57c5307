/* bpa-server: configuration, start-up checks, signals, and an orderly stop. */
#include "config.h"
#include "admin.h"
#include "auth.h"
#include "client_address.h"
#include "credential_cache.h"
#include "dispatcher.h"
#include "http.h"
#include "import.h"
#include "log.h"
#include "retention.h"
#include "routes.h"

#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How long start-up waits for the database to accept connections. */
#define STARTUP_DB_WAIT_S 30

static const char *env(const char *name)
{
    return getenv(name);
}

/* Waits for the database, or for a stop signal (false then). */
static bool wait_for_database(const char *url, const sigset_t *stop_signals)
{
    char error[512];
    for (int waited = 0;; waited++) {
        if (bpa_db_ping(url, error, sizeof error) == BPA_DB_OK)
            return true;
        if (waited >= STARTUP_DB_WAIT_S) {
            bpa_log(BPA_LOG_ERROR, "database_unreachable", json_pack("{s:s}", "message", error));
            return false;
        }
        if (waited % 5 == 0)
            bpa_log(BPA_LOG_WARN, "waiting_for_database", json_pack("{s:s}", "message", error));
        struct timespec second = {.tv_sec = 1};
        if (sigtimedwait(stop_signals, NULL, &second) > 0)
            return false;
    }
}

/* Applies pending migrations when asked, then insists the schema is current. */
static bool prepare_schema(const struct bpa_config *config, const struct bpa_migrations *set)
{
    char error[1024];
    if (config->migrate || config->command == BPA_CMD_MIGRATE) {
        unsigned applied = 0;
        if (bpa_migrations_apply(config->database_url, set, &applied, error, sizeof error) != 0) {
            bpa_log(BPA_LOG_ERROR, "migration_failed", json_pack("{s:s}", "message", error));
            return false;
        }
        bpa_log(BPA_LOG_INFO, "migrations_done",
                json_pack("{s:i, s:i}", "applied", applied, "known", (int)set->count));
    }
    if (bpa_migrations_verify(config->database_url, set, error, sizeof error) != 0) {
        bpa_log(BPA_LOG_ERROR, "schema_not_current", json_pack("{s:s}", "message", error));
        return false;
    }
    return true;
}

static int serve(const struct bpa_config *config, const struct bpa_migrations *migrations,
                 sigset_t *stop_signals)
{
    size_t route_count = 0;
    struct bpa_route *routes =
        bpa_routes_enabled(config->test_routes, config->metrics_public, &route_count);
    const char **methods = calloc(route_count + 1, sizeof *methods);
    const char **patterns = calloc(route_count + 1, sizeof *patterns);
    struct bpa_server server = {
        .config = config,
        .migrations = migrations,
        .routes = routes,
        .route_count = route_count,
        .pool = bpa_db_pool_new(config->database_url, (unsigned)config->db_connections),
    };
    int rc = 1;
    if (!routes || !methods || !patterns || !server.pool) {
        bpa_log(BPA_LOG_ERROR, "out_of_memory", NULL);
        goto out;
    }
    for (size_t i = 0; i < route_count; i++) {
        methods[i] = routes[i].method;
        patterns[i] = routes[i].pattern;
    }
    if (!(server.metrics = bpa_metrics_new(route_count, methods, patterns))) {
        bpa_log(BPA_LOG_ERROR, "out_of_memory", NULL);
        goto out;
    }
    pthread_mutex_init(&server.lock, NULL);
    pthread_cond_init(&server.idle, NULL);
    char error[512];
    struct bpa_dispatcher *dispatching = NULL;
    struct bpa_retention *retaining = NULL;

    /* Logins for unknown accounts check this, so they cost what a real
     * check costs. */
    char dummy[crypto_pwhash_STRBYTES];
    const struct bpa_password_limits limits = {config->password_opslimit,
                                               (size_t)config->password_memlimit_kib * 1024};
    if (bpa_password_hash("no account has this password", &limits, dummy) != 0) {
        bpa_log(BPA_LOG_ERROR, "out_of_memory", NULL);
        goto out_sync;
    }
    server.dummy_password_hash = dummy;

    bpa_match_rules_default(&server.rules);
    server.rules.schedule_threshold = (double)config->match_schedule_threshold_percent / 100;
    server.rules.grace_days = (int)config->match_grace_days;
    if (bpa_match_rules_set_weights(&server.rules, config->match_weights, error, sizeof error) !=
        0) {
        bpa_log(BPA_LOG_ERROR, "bad_match_rules", json_pack("{s:s}", "message", error));
        goto out_sync;
    }
    static struct bpa_match_index index;
    if (bpa_match_index_start(&index, config->database_url, server.pool) != 0)
        goto out_sync;
    server.index = &index;
    /* Sessions are remembered at most a quarter of their idle time, so a
     * refresh (which records their use) always comes in time. */
    unsigned long remember_s = config->session_idle_s / 4 < 30 ? config->session_idle_s / 4 : 30;
    if (!(server.credentials =
              bpa_credential_cache_start(config->database_url, (unsigned)remember_s)))
        goto out_sync;
    if (!(server.limits = bpa_rate_limits_start(server.pool)))
        goto out_sync;
    static struct bpa_dispatcher dispatcher;
    if (bpa_dispatcher_start(&dispatcher, config, server.pool) != 0)
        goto out_sync;
    dispatching = &dispatcher;
    static struct bpa_retention retention;
    if (bpa_retention_start(&retention, config, server.pool, server.metrics) != 0)
        goto out_sync;
    retaining = &retention;
    bpa_log(BPA_LOG_INFO, "match_rules", json_pack("{s:s}", "version", server.rules.version));

    /* checked by bpa_config_load: only memory can fail here */
    struct bpa_trusted_proxies *proxies =
        bpa_trusted_proxies_parse(config->trusted_proxies, error, sizeof error);
    if (!proxies) {
        bpa_log(BPA_LOG_ERROR, "out_of_memory", NULL);
        goto out_sync;
    }
    server.proxies = proxies;
    if (bpa_http_start(&server, error, sizeof error) != 0) {
        bpa_log(BPA_LOG_ERROR, "listen_failed", json_pack("{s:s}", "message", error));
        goto out_sync;
    }
    bpa_log(BPA_LOG_INFO, "listening",
            json_pack("{s:s, s:i, s:i, s:i, s:b}", "address", config->listen_address, "port",
                      (int)config->port, "workers", (int)config->workers, "db_connections",
                      (int)config->db_connections, "test_routes", config->test_routes));
    int signal_number = 0;
    sigwait(stop_signals, &signal_number);
    bpa_log(BPA_LOG_INFO, "stopping", json_pack("{s:s}", "signal", strsignal(signal_number)));
    bpa_http_stop(&server);
    rc = 0;
out_sync:
    if (retaining)
        bpa_retention_stop(retaining);
    if (dispatching)
        bpa_dispatcher_stop(dispatching);
    if (server.index)
        bpa_match_index_stop(server.index);
    bpa_credential_cache_stop(server.credentials);
    bpa_rate_limits_stop(server.limits);
    bpa_trusted_proxies_free(server.proxies);
    pthread_cond_destroy(&server.idle);
    pthread_mutex_destroy(&server.lock);
out:
    bpa_metrics_free(server.metrics);
    bpa_db_pool_free(server.pool);
    free(patterns);
    free(methods);
    free(routes);
    if (rc == 0)
        bpa_log(BPA_LOG_INFO, "stopped", NULL);
    return rc;
}

/* Runs an import command; prints its summary as JSON on stdout. */
static int import(const struct bpa_config *config)
{
    json_t *summary = NULL;
    char error[512];
    int rc;
    if (config->command == BPA_CMD_IMPORT_POSTCODES)
        rc = bpa_import_postcodes(config->database_url, config->command_file, &summary, error,
                                  sizeof error);
    else
        rc =
            bpa_import_terms(config->database_url,
                             config->command == BPA_CMD_IMPORT_SKILLS ? BPA_SKILL : BPA_OCCUPATION,
                             config->command_file, config->language, &summary, error, sizeof error);
    if (rc != 0) {
        bpa_log(BPA_LOG_ERROR, "import_failed", json_pack("{s:s}", "message", error));
        return 1;
    }
    char *text = json_dumps(summary, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    printf("%s\n", text);
    free(text);
    json_decref(summary);
    return 0;
}

int main(int argc, char **argv)
{
    struct bpa_config config;
    char error[512];
    if (bpa_config_load(&config, argc, argv, env, error, sizeof error) != 0) {
        fprintf(stderr, "bpa-server: %s\n", error);
        return 2;
    }
    if (config.help) {
        bpa_config_usage(stdout, "bpa-server");
        return 0;
    }
    bpa_log_set_level(config.log_level);
    if (sodium_init() < 0) {
        bpa_log(BPA_LOG_ERROR, "sodium_init_failed", NULL);
        return 1;
    }

    /* Every thread inherits this mask; the main thread takes the stop
     * signals with sigwait, so no handler runs in a random thread. */
    signal(SIGPIPE, SIG_IGN);
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);

    struct bpa_migrations migrations;
    if (bpa_migrations_load(config.schema_dir, &migrations, error, sizeof error) != 0) {
        bpa_log(BPA_LOG_ERROR, "schema_unreadable", json_pack("{s:s}", "message", error));
        return 1;
    }
    int rc = 1;
    if (wait_for_database(config.database_url, &stop_signals) &&
        prepare_schema(&config, &migrations)) {
        if (config.command == BPA_CMD_SERVE)
            rc = serve(&config, &migrations, &stop_signals);
        else if (config.command == BPA_CMD_MIGRATE)
            rc = 0;
        else if (config.command <= BPA_CMD_IMPORT_POSTCODES)
            rc = import(&config);
        else
            rc = bpa_admin_run(&config);
    }
    bpa_migrations_free(&migrations);
    return rc;
}
