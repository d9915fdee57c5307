/* Configuration parsing. */
#include "errors.h"
#include "config.h"

#include "client_address.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum kind { STRING, NUMBER, FLAG, LEVEL };

struct option_spec {
    const char *flag;
    const char *env;
    enum kind kind;
    size_t offset;
    unsigned long min, max;
    const char *help;
};

#define AT(field) offsetof(struct bpa_config, field)

static const struct option_spec options[] = {
    {"--listen", "BPA_LISTEN_ADDRESS", STRING, AT(listen_address), 0, 0,
     "IPv4 or IPv6 address to listen on (default 127.0.0.1)"},
    {"--port", "BPA_PORT", NUMBER, AT(port), 1, 65535, "TCP port (default 8080)"},
    {"--database-url", "BPA_DATABASE_URL", STRING, AT(database_url), 0, 0,
     "PostgreSQL connection URL or conninfo string (required)"},
    {"--workers", "BPA_WORKERS", NUMBER, AT(workers), 1, 1000,
     "threads that run request handlers, which may wait on the database (default 8)"},
    {"--http-threads", "BPA_HTTP_THREADS", NUMBER, AT(http_threads), 1, 64,
     "event-loop threads that read requests and write replies (default 1)"},
    {"--max-connections", "BPA_MAX_CONNECTIONS", NUMBER, AT(max_connections), 1, 1000000,
     "open HTTP connections in all (default 4096)"},
    {"--max-connections-per-address", "BPA_MAX_CONNECTIONS_PER_ADDRESS", NUMBER,
     AT(max_connections_per_address), 1, 1000000,
     "open HTTP connections from one client address (default 128)"},
    {"--request-deadline-seconds", "BPA_REQUEST_DEADLINE_SECONDS", NUMBER, AT(request_deadline_s),
     1, 3600, "a request's headers and body must arrive within this long (default 10)"},
    {"--keepalive-seconds", "BPA_KEEPALIVE_SECONDS", NUMBER, AT(keepalive_s), 1, 3600,
     "an idle connection is closed after this long (default 30)"},
    {"--public-origin", "BPA_PUBLIC_ORIGIN", STRING, AT(public_origin), 0, 0,
     "the console's origin, e.g. https://console.example.org: changes authenticated by its "
     "cookie must come from there (default: the origin the request names in Host)"},
    {"--trusted-proxies", "BPA_TRUSTED_PROXIES", STRING, AT(trusted_proxies), 0, 0,
     "comma-separated CIDRs whose X-Forwarded-For/Forwarded/X-Forwarded-Proto are believed "
     "(default none)"},
    {"--rate-limit", "BPA_RATE_LIMIT", NUMBER, AT(rate_limit_per_minute), 1, 100000000,
     "requests per minute for each session or API key, unless a portal has its own (default "
     "1200)"},
    {"--db-connections", "BPA_DB_CONNECTIONS", NUMBER, AT(db_connections), 1, 1000,
     "database connections in the pool (default 8)"},
    {"--max-body-bytes", "BPA_MAX_BODY_BYTES", NUMBER, AT(max_body_bytes), 1, 1UL << 30,
     "largest accepted request body in bytes (default 1048576)"},
    {"--shutdown-timeout", "BPA_SHUTDOWN_TIMEOUT", NUMBER, AT(shutdown_timeout_s), 0, 3600,
     "seconds to let requests in flight finish on SIGTERM (default 30)"},
    {"--log-level", "BPA_LOG_LEVEL", LEVEL, AT(log_level), 0, 0,
     "debug, info, warn or error (default info)"},
    {"--schema-dir", "BPA_SCHEMA_DIR", STRING, AT(schema_dir), 0, 0,
     "folder of NNNN_name.sql migrations (default schema)"},
    {"--migrate", "BPA_MIGRATE", FLAG, AT(migrate), 0, 0,
     "apply pending migrations before serving"},
    {"--enable-test-routes", "BPA_TEST_ROUTES", FLAG, AT(test_routes), 0, 0,
     "serve the /v1/_test routes the integration tests use; never in production"},
    {"--session-idle-seconds", "BPA_SESSION_IDLE_SECONDS", NUMBER, AT(session_idle_s), 1, 2592000,
     "a login session ends after this long unused (default 1800)"},
    {"--session-lifetime-seconds", "BPA_SESSION_LIFETIME_SECONDS", NUMBER, AT(session_lifetime_s),
     1, 2592000, "and in any case this long after login (default 43200)"},
    {"--password-opslimit", "BPA_PASSWORD_OPSLIMIT", NUMBER, AT(password_opslimit), 1, 20,
     "argon2id passes for new password hashes (default 2)"},
    {"--password-memlimit-kib", "BPA_PASSWORD_MEMLIMIT_KIB", NUMBER, AT(password_memlimit_kib),
     8192, 4194304, "argon2id memory for new password hashes, KiB (default 65536)"},
    {"--login-max-failures", "BPA_LOGIN_MAX_FAILURES", NUMBER, AT(login_max_failures), 1, 1000,
     "failed logins per account within the window before 429 (default 5)"},
    {"--login-max-failures-per-address", "BPA_LOGIN_MAX_FAILURES_PER_ADDRESS", NUMBER,
     AT(login_max_failures_per_address), 1, 100000,
     "failed logins per client address within the window before 429 (default 20)"},
    {"--login-window-seconds", "BPA_LOGIN_WINDOW_SECONDS", NUMBER, AT(login_window_s), 1, 86400,
     "the login throttling window (default 900)"},
    {"--match-weights", "BPA_MATCH_WEIGHTS", STRING, AT(match_weights), 0, 0,
     "ranking weights skills,schedule,distance,learning (default 40,25,20,15)"},
    {"--match-schedule-threshold", "BPA_MATCH_SCHEDULE_THRESHOLD", NUMBER,
     AT(match_schedule_threshold_percent), 0, 100,
     "percent of a placement's hours a seeker must be free for (default 50)"},
    {"--match-grace-days", "BPA_MATCH_GRACE_DAYS", NUMBER, AT(match_grace_days), 0, 365,
     "days a seeker may start after a placement's start (default 14)"},
    {"--smtp-url", "BPA_SMTP_URL", STRING, AT(smtp_url), 0, 0,
     "the SMTP relay for employer e-mail, e.g. smtp://relay.example:25"},
    {"--smtp-from", "BPA_SMTP_FROM", STRING, AT(smtp_from), 0, 0,
     "the sender of that e-mail (default noreply@binckpraktijk.invalid)"},
    {"--notify-max-attempts", "BPA_NOTIFY_MAX_ATTEMPTS", NUMBER, AT(notify_max_attempts), 1, 100,
     "deliveries tried before a notification is dead (default 8)"},
    {"--notify-backoff-seconds", "BPA_NOTIFY_BACKOFF_SECONDS", NUMBER, AT(notify_backoff_s), 0,
     86400, "first retry after about this long, doubling each time (default 30)"},
    {"--notify-timeout-seconds", "BPA_NOTIFY_TIMEOUT_SECONDS", NUMBER, AT(notify_timeout_s), 1, 300,
     "timeout of every webhook and SMTP connection (default 10)"},
    {"--notify-interval-ms", "BPA_NOTIFY_INTERVAL_MS", NUMBER, AT(notify_interval_ms), 10, 60000,
     "how often an idle dispatcher looks for due notifications (default 1000)"},
    {"--reminder-days", "BPA_REMINDER_DAYS", NUMBER, AT(reminder_days), 1, 365,
     "remind an employer who leaves an approved match unanswered this long; alert the "
     "coordinators after twice as long (default 3)"},
    {"--webhook-private-addresses", "BPA_WEBHOOK_PRIVATE_ADDRESSES", FLAG, AT(webhook_private_ok),
     0, 0,
     "let webhooks reach loopback, private and link-local addresses (default false: public "
     "addresses only)"},
    {"--webhook-secret-overlap-hours", "BPA_WEBHOOK_SECRET_OVERLAP_HOURS", NUMBER,
     AT(webhook_secret_overlap_h), 0, 720,
     "a portal's old webhook secret stays valid this long after a new one is issued; "
     "deliveries carry both signatures meanwhile (default 24)"},
    {"--mail-dir", "BPA_MAIL_DIR", STRING, AT(mail_dir), 0, 0,
     "with no --smtp-url: write each e-mail as a file <id>.eml in this folder instead (make "
     "run: var/mail)"},
    {"--signup-token-hours", "BPA_SIGNUP_TOKEN_HOURS", NUMBER, AT(signup_token_h), 1, 168,
     "a sign-up's confirmation link works this long (default 24)"},
    {"--reset-token-minutes", "BPA_RESET_TOKEN_MINUTES", NUMBER, AT(reset_token_min), 5, 1440,
     "a password-reset link works this long (default 60)"},
    {"--invitation-days", "BPA_INVITATION_DAYS", NUMBER, AT(invitation_days), 1, 60,
     "an invitation's link works this long (default 7)"},
    {"--signup-max-per-address", "BPA_SIGNUP_MAX_PER_ADDRESS", NUMBER, AT(signup_max_per_address),
     1, 100000, "sign-ups and reset requests per client address per hour (default 10)"},
    {"--signup-max-per-email", "BPA_SIGNUP_MAX_PER_EMAIL", NUMBER, AT(signup_max_per_email), 1,
     1000, "sign-ups and reset requests per e-mail address per hour (default 3)"},
    {"--retain-inactive-seeker-months", "BPA_RETAIN_INACTIVE_SEEKER_MONTHS", NUMBER,
     AT(retain_inactive_seeker_months), 1, 240,
     "a seeker without any change or match event this long is announced to their portal "
     "(webhook seeker_retention_notice), then erased after the grace period (default 24)"},
    {"--retention-grace-days", "BPA_RETENTION_GRACE_DAYS", NUMBER, AT(retention_grace_days), 1, 365,
     "days between that notice and the erasure, unless the seeker is active again "
     "(default 30)"},
    {"--retain-finished-match-months", "BPA_RETAIN_FINISHED_MATCH_MONTHS", NUMBER,
     AT(retain_finished_match_months), 1, 240,
     "a finished match's history loses its notes and who acted this long after it ended "
     "(default 24)"},
    {"--retain-session-days", "BPA_RETAIN_SESSION_DAYS", NUMBER, AT(retain_session_days), 1, 3650,
     "ended or expired login sessions are deleted this long after (default 30)"},
    {"--retain-throttle-days", "BPA_RETAIN_THROTTLE_DAYS", NUMBER, AT(retain_throttle_days), 1, 365,
     "failed logins and sign-up throttling records are deleted after this long (default 1)"},
    {"--retain-idempotency-days", "BPA_RETAIN_IDEMPOTENCY_DAYS", NUMBER,
     AT(retain_idempotency_days), 1, 3650,
     "first answers kept for Idempotency-Key retries are deleted after this long (default 30)"},
    {"--retain-link-days", "BPA_RETAIN_LINK_DAYS", NUMBER, AT(retain_link_days), 1, 365,
     "used or expired one-time links are deleted this long after (default 7)"},
    {"--retain-delivered-body-days", "BPA_RETAIN_DELIVERED_BODY_DAYS", NUMBER,
     AT(retain_delivered_body_days), 1, 3650,
     "a delivered notification's payload is cut to its event id and type this long after "
     "(default 90)"},
    {"--retain-round-months", "BPA_RETAIN_ROUND_MONTHS", NUMBER, AT(retain_round_months), 1, 240,
     "cohort rounds are deleted this long after they were computed (default 24)"},
    {"--retain-change-days", "BPA_RETAIN_CHANGE_DAYS", NUMBER, AT(retain_change_days), 1, 3650,
     "change feed entries are deleted after this long; older cursors get 410 (default 30)"},
    {"--retain-audit-years", "BPA_RETAIN_AUDIT_YEARS", NUMBER, AT(retain_audit_years), 1, 100,
     "audit rows are deleted after this long (default 7)"},
    {"--retention-interval-minutes", "BPA_RETENTION_INTERVAL_MINUTES", NUMBER,
     AT(retention_interval_min), 0, 10080,
     "the retention job runs a few seconds after start, then this often; 0: never "
     "(default 60)"},
    {"--metrics-public", "BPA_METRICS_PUBLIC", FLAG, AT(metrics_public), 0, 0,
     "serve /metrics without a credential (default true; false: coordinators only)"},
    {"--employer", NULL, STRING, AT(employer_id), 0, 0, "create-employer-user: the employer's id"},
    {"--contact-email", NULL, STRING, AT(contact_email), 0, 0,
     "create-portal: the portal's contact address"},
    {"--language", NULL, STRING, AT(language), 0, 0,
     "import-*: the language of an ESCO file's labels, en or nl (default: from the file name)"},
};

#define OPTION_COUNT (sizeof options / sizeof options[0])

static void set_defaults(struct bpa_config *config)
{
    *config = (struct bpa_config){
        .command = BPA_CMD_SERVE,
        .listen_address = "127.0.0.1",
        .port = 8080,
        .database_url = NULL,
        .workers = 8,
        .http_threads = 1,
        .max_connections = 4096,
        .max_connections_per_address = 128,
        .request_deadline_s = 10,
        .keepalive_s = 30,
        .rate_limit_per_minute = 1200,
        .db_connections = 8,
        .max_body_bytes = 1024 * 1024,
        .shutdown_timeout_s = 30,
        .log_level = BPA_LOG_INFO,
        .schema_dir = "schema",
        .session_idle_s = 1800,
        .session_lifetime_s = 43200,
        .password_opslimit = 2,         /* libsodium's "interactive" limits: */
        .password_memlimit_kib = 65536, /* about 0.1 s per login on a server core */
        .login_max_failures = 5,
        .login_max_failures_per_address = 20,
        .login_window_s = 900,
        .match_weights = "40,25,20,15",
        .match_schedule_threshold_percent = 50,
        .match_grace_days = 14,
        .smtp_from = "noreply@binckpraktijk.invalid",
        .notify_max_attempts = 8,
        .notify_backoff_s = 30,
        .notify_timeout_s = 10,
        .webhook_secret_overlap_h = 24,
        .signup_token_h = 24,
        .reset_token_min = 60,
        .invitation_days = 7,
        .signup_max_per_address = 10,
        .signup_max_per_email = 3,
        .notify_interval_ms = 1000,
        .reminder_days = 3,
        .metrics_public = true,
        .retain_inactive_seeker_months = 24,
        .retention_grace_days = 30,
        .retain_finished_match_months = 24,
        .retain_session_days = 30,
        .retain_throttle_days = 1,
        .retain_idempotency_days = 30,
        .retain_link_days = 7,
        .retain_delivered_body_days = 90,
        .retain_round_months = 24,
        .retain_change_days = 30,
        .retain_audit_years = 7,
        .retention_interval_min = 60,
    };
}

static int parse_flag_value(const char *text, bool *out)
{
    static const char *const yes[] = {"1", "true", "yes", "on"};
    static const char *const no[] = {"0", "false", "no", "off", ""};
    for (unsigned i = 0; i < sizeof yes / sizeof yes[0]; i++)
        if (strcmp(text, yes[i]) == 0)
            return *out = true, 0;
    for (unsigned i = 0; i < sizeof no / sizeof no[0]; i++)
        if (strcmp(text, no[i]) == 0)
            return *out = false, 0;
    return -1;
}

/* Stores `value` (from `source`, a flag or variable name) into `config`. */
static int apply(struct bpa_config *config, const struct option_spec *spec, const char *source,
                 const char *value, char *error, size_t size)
{
    char *field = (char *)config + spec->offset;
    switch (spec->kind) {
    case STRING:
        if (value[0] == '\0')
            return bpa_reason(error, size, "%s: must not be empty", source);
        *(const char **)(void *)field = value;
        return 0;
    case NUMBER: {
        char *end = NULL;
        errno = 0;
        unsigned long n = strtoul(value, &end, 10);
        if (value[0] < '0' || value[0] > '9' || *end != '\0' || errno == ERANGE)
            return bpa_reason(error, size, "%s: '%s' is not a whole number", source, value);
        if (n < spec->min || n > spec->max)
            return bpa_reason(error, size, "%s: %lu is outside %lu..%lu", source, n, spec->min,
                              spec->max);
        *(unsigned long *)(void *)field = n;
        return 0;
    }
    case FLAG:
        if (parse_flag_value(value, (bool *)(void *)field) != 0)
            return bpa_reason(error, size, "%s: '%s' is not one of true/false/1/0/yes/no", source,
                              value);
        return 0;
    case LEVEL:
        if (!bpa_log_level_parse(value, (enum bpa_log_level *)(void *)field))
            return bpa_reason(error, size, "%s: '%s' is not one of debug, info, warn, error",
                              source, value);
        return 0;
    }
    return bpa_reason(error, size, "%s: unsupported option kind", source);
}

static const struct option_spec *find_flag(const char *name, size_t len)
{
    for (size_t i = 0; i < OPTION_COUNT; i++)
        if (strlen(options[i].flag) == len && strncmp(options[i].flag, name, len) == 0)
            return &options[i];
    return NULL;
}

int bpa_config_load(struct bpa_config *config, int argc, char *const argv[],
                    bpa_getenv_fn getenv_fn, char *error, size_t error_size)
{
    set_defaults(config);
    for (size_t i = 0; i < OPTION_COUNT; i++) {
        const char *value = options[i].env ? getenv_fn(options[i].env) : NULL;
        if (value && apply(config, &options[i], options[i].env, value, error, error_size) != 0)
            return -1;
    }

    bool have_command = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            config->help = true;
            continue;
        }
        if (strncmp(arg, "--", 2) != 0) {
            if (have_command)
                return bpa_reason(error, error_size, "unexpected argument '%s'", arg);
            static const struct {
                const char *name;
                enum bpa_command command;
                bool takes_file;
            } commands[] = {
                {"serve", BPA_CMD_SERVE, false},
                {"migrate", BPA_CMD_MIGRATE, false},
                {"import-skills", BPA_CMD_IMPORT_SKILLS, true},
                {"import-occupations", BPA_CMD_IMPORT_OCCUPATIONS, true},
                {"import-postcodes", BPA_CMD_IMPORT_POSTCODES, true},
                {"create-coordinator", BPA_CMD_CREATE_COORDINATOR, true},
                {"create-employer-user", BPA_CMD_CREATE_EMPLOYER_USER, true},
                {"create-portal", BPA_CMD_CREATE_PORTAL, true},
                {"disable-portal", BPA_CMD_DISABLE_PORTAL, true},
                {"create-key", BPA_CMD_CREATE_KEY, true},
                {"revoke-key", BPA_CMD_REVOKE_KEY, true},
                {"list-keys", BPA_CMD_LIST_KEYS, true},
            };
            size_t c = 0;
            while (c < sizeof commands / sizeof commands[0] && strcmp(arg, commands[c].name))
                c++;
            if (c == sizeof commands / sizeof commands[0])
                return bpa_reason(error, error_size, "unknown command '%s' (try --help)", arg);
            config->command = commands[c].command;
            if (commands[c].takes_file) {
                if (i + 1 >= argc || strncmp(argv[i + 1], "--", 2) == 0)
                    return bpa_reason(error, error_size, "%s needs an argument (try --help)", arg);
                config->command_file = argv[++i];
            }
            have_command = true;
            continue;
        }
        const char *equals = strchr(arg, '=');
        size_t name_len = equals ? (size_t)(equals - arg) : strlen(arg);
        const struct option_spec *spec = find_flag(arg, name_len);
        if (!spec)
            return bpa_reason(error, error_size, "unknown option '%.*s' (try --help)",
                              (int)name_len, arg);
        const char *value = equals ? equals + 1 : NULL;
        if (!value && spec->kind == FLAG)
            value = "true";
        if (!value) {
            if (i + 1 >= argc)
                return bpa_reason(error, error_size, "%s needs a value", spec->flag);
            value = argv[++i];
        }
        if (apply(config, spec, spec->flag, value, error, error_size) != 0)
            return -1;
    }

    if (config->language && strcmp(config->language, "en") && strcmp(config->language, "nl"))
        return bpa_reason(error, error_size, "--language: '%s' is not en or nl", config->language);
    if (config->trusted_proxies) {
        char reason[200];
        struct bpa_trusted_proxies *proxies =
            bpa_trusted_proxies_parse(config->trusted_proxies, reason, sizeof reason);
        if (!proxies)
            return bpa_reason(error, error_size, "--trusted-proxies: %s", reason);
        bpa_trusted_proxies_free(proxies);
    }
    if (!config->help && !config->database_url)
        return bpa_reason(error, error_size,
                          "no database: set BPA_DATABASE_URL or pass --database-url");
    return 0;
}

void bpa_config_usage(FILE *out, const char *program)
{
    fprintf(out,
            "usage: %s [COMMAND] [options]\n"
            "\n"
            "  serve                     serve the HTTP API (the default)\n"
            "  migrate                   apply pending schema migrations and exit\n"
            "  import-skills FILE        upsert ESCO skills (skills_en.csv, skills_nl.csv,\n"
            "                            or a CSV with uri,label_en,label_nl,skill_type)\n"
            "  import-occupations FILE   the same for occupations (occupations_en.csv ...)\n"
            "  import-postcodes FILE     upsert PC4 centroids from GeoNames' NL.txt\n"
            "  create-coordinator EMAIL  create a coordinator account; the password is\n"
            "                            asked without echo, or read from a piped stdin\n"
            "  create-employer-user EMAIL --employer ID   the same for an employer's user\n"
            "  create-portal NAME [--contact-email E]     create a portal, print its first key\n"
            "  disable-portal ID         disable a portal (its keys stop working)\n"
            "  create-key PORTAL_ID      print a new key for a portal (rotation)\n"
            "  revoke-key KEY_ID         revoke one key\n"
            "  list-keys PORTAL_ID       a portal's keys (never the keys themselves)\n"
            "\n"
            "Every option can also be set by the environment variable beside it;\n"
            "a flag wins over its variable.\n\n",
            program);
    for (size_t i = 0; i < OPTION_COUNT; i++) {
        const struct option_spec *o = &options[i];
        fprintf(out, "  %-22s %-22s %s\n", o->flag, o->env ? o->env : "", o->help);
    }
    fprintf(out, "  %-22s %-22s %s\n", "--help", "", "show this text");
}
