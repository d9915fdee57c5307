/* The daemon's configuration: environment variables, overridden by
 * command-line flags. One table of options drives parsing and --help. */
#ifndef BPA_CONFIG_H
#define BPA_CONFIG_H

#include "log.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum bpa_command {
    BPA_CMD_SERVE,
    BPA_CMD_MIGRATE,
    BPA_CMD_IMPORT_SKILLS,
    BPA_CMD_IMPORT_OCCUPATIONS,
    BPA_CMD_IMPORT_POSTCODES,
    BPA_CMD_CREATE_COORDINATOR,
    BPA_CMD_CREATE_EMPLOYER_USER,
    BPA_CMD_CREATE_PORTAL,
    BPA_CMD_DISABLE_PORTAL,
    BPA_CMD_CREATE_KEY,
    BPA_CMD_REVOKE_KEY,
    BPA_CMD_LIST_KEYS,
};

/* Strings are borrowed from argv, the environment or static defaults. */
struct bpa_config {
    enum bpa_command command;
    const char *command_file;  /* the argument of a command: a file, an e-mail, a name, an id */
    const char *language;      /* of the labels in an ESCO file: "en", "nl" or NULL */
    const char *employer_id;   /* create-employer-user: the employer */
    const char *contact_email; /* create-portal */
    const char *listen_address;
    unsigned long port;
    const char *database_url;
    unsigned long workers;      /* handler threads */
    unsigned long http_threads; /* event loops */
    unsigned long max_connections;
    unsigned long max_connections_per_address;
    unsigned long request_deadline_s; /* headers and body, from the first byte we wait for */
    unsigned long keepalive_s;        /* idle connections */
    const char *trusted_proxies;      /* CIDR list, NULL: believe no forwarded header */
    const char *public_origin;        /* the console's origin, NULL: the request's own Host */
    unsigned long rate_limit_per_minute;
    unsigned long db_connections;
    unsigned long max_body_bytes;
    unsigned long shutdown_timeout_s;
    enum bpa_log_level log_level;
    const char *schema_dir;
    unsigned long session_idle_s;
    unsigned long session_lifetime_s;
    unsigned long password_opslimit;
    unsigned long password_memlimit_kib;
    unsigned long login_max_failures;
    unsigned long login_max_failures_per_address;
    unsigned long login_window_s;
    const char *match_weights;
    unsigned long match_schedule_threshold_percent;
    unsigned long match_grace_days;
    const char *smtp_url; /* smtp://relay:25 or smtps://...; NULL: e-mail cannot go */
    const char *smtp_from;
    unsigned long notify_max_attempts;
    unsigned long notify_backoff_s;
    unsigned long notify_timeout_s;
    unsigned long notify_interval_ms;
    unsigned long reminder_days;
    bool metrics_public;
    bool webhook_private_ok;
    unsigned long webhook_secret_overlap_h; /* hours an old webhook secret stays valid */
    const char *mail_dir;                   /* e-mail as files, when no SMTP relay is set */
    unsigned long signup_token_h, reset_token_min, invitation_days; /* one-time links' life */
    unsigned long signup_max_per_address, signup_max_per_email;     /* per hour */
    /* retention (retention.c): how long each kind of data is kept */
    unsigned long retain_inactive_seeker_months; /* then the portal is told ... */
    unsigned long retention_grace_days;          /* ... and the seeker erased this long after */
    unsigned long retain_finished_match_months;  /* history notes and actor ids */
    unsigned long retain_session_days;           /* after a session ended or expired */
    unsigned long retain_throttle_days;          /* failed logins, sign-up throttling */
    unsigned long retain_idempotency_days;       /* kept first answers */
    unsigned long retain_link_days;              /* after a one-time link was used or expired */
    unsigned long retain_delivered_body_days;    /* delivered notifications' payloads */
    unsigned long retain_round_months;           /* cohort rounds, from their computing */
    unsigned long retain_change_days;            /* the change feed's entries */
    unsigned long retain_audit_years;
    unsigned long retention_interval_min; /* 0: the job does not run */
    bool migrate;
    bool test_routes;
    bool help;
};

typedef const char *(*bpa_getenv_fn)(const char *name);

/* Fills `config` from defaults, then `getenv_fn`, then argv[1..argc-1].
 * Returns 0, or -1 with a one-line reason in `error`. */
int bpa_config_load(struct bpa_config *config, int argc, char *const argv[],
                    bpa_getenv_fn getenv_fn, char *error, size_t error_size);

/* Writes the --help text. */
void bpa_config_usage(FILE *out, const char *program);

#endif
