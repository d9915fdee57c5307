/* The operator's command line: reads its arguments and a password, runs
 * the shared steps of registry.h, prints the result as JSON. */
#include "admin.h"

#include "auth.h"
#include "log.h"
#include "registry.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* Reads one line into `out` without its newline; echo off on a terminal. */
static bool read_line(const char *prompt, char *out, size_t size)
{
    bool terminal = isatty(STDIN_FILENO);
    struct termios saved, quiet;
    if (terminal) {
        fprintf(stderr, "%s", prompt);
        tcgetattr(STDIN_FILENO, &saved);
        quiet = saved;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    bool ok = fgets(out, (int)size, stdin) != NULL;
    if (!ok)
        out[0] = '\0';
    if (terminal) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        fprintf(stderr, "\n");
    }
    out[strcspn(out, "\r\n")] = '\0';
    return ok;
}

/* A new password from the terminal (asked twice) or from piped stdin. */
static bool read_password(char out[1100])
{
    if (!read_line("password: ", out, 1100)) {
        fprintf(stderr, "bpa-server: no password given on stdin\n");
        return false;
    }
    const char *problem = bpa_password_problem(out);
    if (problem) {
        fprintf(stderr, "bpa-server: the password %s\n", problem);
        return false;
    }
    if (isatty(STDIN_FILENO)) {
        char again[1100];
        bool same = read_line("again: ", again, sizeof again) && strcmp(again, out) == 0;
        sodium_memzero(again, sizeof again);
        if (!same) {
            fprintf(stderr, "bpa-server: the passwords differ\n");
            return false;
        }
    }
    return true;
}

static void print_json(json_t *value)
{
    char *text = json_dumps(value, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(value);
    printf("%s\n", text);
    free(text);
}

static int failed(const char *what, enum bpa_db_status status)
{
    fprintf(stderr, "bpa-server: %s (database status %d)\n", what, (int)status);
    return 1;
}

/* The operator's steps, each in a transaction of its own (registry.h). */
struct operator_step {
    const struct bpa_new_account *account; /* create-coordinator, create-employer-user */
    const char *portal_id;                 /* create-key, revoke-key, disable-portal */
    const char *name, *contact_email;      /* create-portal */
    const char *key_id;                    /* revoke-key */
    char id[24];                           /* the account or portal made */
    struct bpa_new_key key;
    bool found;
    enum bpa_registry_outcome outcome;
};

static enum bpa_db_status create_account_step(struct bpa_db_conn *conn, void *context)
{
    struct operator_step *step = context;
    return bpa_registry_account_create(conn, NULL, step->account, step->id);
}

static enum bpa_db_status create_portal_step(struct bpa_db_conn *conn, void *context)
{
    struct operator_step *step = context;
    return bpa_registry_portal_create(conn, NULL, step->name, step->contact_email, step->id,
                                      &step->key);
}

static enum bpa_db_status create_key_step(struct bpa_db_conn *conn, void *context)
{
    struct operator_step *step = context;
    return bpa_registry_key_issue(conn, NULL, step->portal_id, &step->key, &step->found);
}

static enum bpa_db_status revoke_key_step(struct bpa_db_conn *conn, void *context)
{
    struct operator_step *step = context;
    return bpa_registry_key_revoke(conn, NULL, step->key_id, NULL, &step->outcome);
}

static enum bpa_db_status disable_portal_step(struct bpa_db_conn *conn, void *context)
{
    struct operator_step *step = context;
    return bpa_registry_portal_set_active(conn, NULL, step->portal_id, false, &step->outcome);
}

static int create_account(struct bpa_db_conn *conn, const struct bpa_config *config,
                          const char *role)
{
    const char *email = config->command_file;
    if (!strchr(email, '@') || strlen(email) > 254) {
        fprintf(stderr, "bpa-server: '%s' is not an e-mail address\n", email);
        return 2;
    }
    if (strcmp(role, "employer") == 0) {
        bool found = false;
        if (!config->employer_id || bpa_db_employer_exists(conn, config->employer_id, &found) ||
            !found) {
            fprintf(stderr, "bpa-server: give --employer ID of a stored employer\n");
            return 2;
        }
    }
    char password[1100], hash[crypto_pwhash_STRBYTES];
    if (!read_password(password))
        return 2;
    const struct bpa_password_limits limits = {config->password_opslimit,
                                               (size_t)config->password_memlimit_kib * 1024};
    int rc = bpa_password_hash(password, &limits, hash);
    sodium_memzero(password, sizeof password);
    if (rc != 0)
        return failed("hashing the password ran out of memory", BPA_DB_HARD);
    const struct bpa_new_account account = {
        .email = email,
        .password_hash = hash,
        .role = role,
        .employer_id = config->employer_id,
    };
    struct operator_step step = {.account = &account};
    enum bpa_db_status status =
        bpa_db_transaction(conn, BPA_DB_READ_COMMITTED, create_account_step, &step);
    if (status == BPA_DB_CONFLICT) {
        fprintf(stderr, "bpa-server: an account with e-mail %s exists already\n", email);
        return 1;
    }
    if (status != BPA_DB_OK)
        return failed("creating the account failed", status);
    print_json(json_pack("{s:I, s:s, s:s, s:s?}", "account_id", (json_int_t)atoll(step.id), "email",
                         email, "role", role, "employer_id", account.employer_id));
    return 0;
}

/* Prints a new key with `extra` members (stolen), once. */
static int print_key(const char *portal_id, struct bpa_new_key *key, json_t *extra)
{
    json_t *out = json_pack("{s:I, s:I, s:s}", "portal_id", (json_int_t)atoll(portal_id), "key_id",
                            (json_int_t)atoll(key->key_id), "api_key", key->api_key);
    json_object_update(out, extra);
    json_decref(extra);
    print_json(out);
    fprintf(stderr, "bpa-server: store this API key now: it is shown only once.\n");
    bpa_registry_key_wipe(key);
    return 0;
}

static int create_key(struct bpa_db_conn *conn, const char *portal_id)
{
    struct operator_step step = {.portal_id = portal_id};
    enum bpa_db_status status =
        bpa_db_transaction(conn, BPA_DB_READ_COMMITTED, create_key_step, &step);
    if (status == BPA_DB_OK && !step.found) {
        fprintf(stderr, "bpa-server: there is no portal %s\n", portal_id);
        return 1;
    }
    if (status != BPA_DB_OK)
        return failed("creating the key failed", status);
    return print_key(portal_id, &step.key, json_object());
}

static int create_portal(struct bpa_db_conn *conn, const struct bpa_config *config)
{
    struct operator_step step = {.name = config->command_file,
                                 .contact_email = config->contact_email};
    enum bpa_db_status status =
        bpa_db_transaction(conn, BPA_DB_READ_COMMITTED, create_portal_step, &step);
    if (status == BPA_DB_CONFLICT || status == BPA_DB_INVALID) {
        fprintf(stderr,
                "bpa-server: a portal named '%s' exists already, or the name or e-mail "
                "is not valid\n",
                config->command_file);
        return 1;
    }
    if (status != BPA_DB_OK)
        return failed("creating the portal failed", status);
    return print_key(step.id, &step.key, json_pack("{s:s}", "name", config->command_file));
}

static bool is_id(const char *text)
{
    size_t n = strlen(text);
    return n > 0 && n < 19 && strspn(text, "0123456789") == n;
}

/* Revoking a key or disabling a portal: {"done": action, "id"}. With
 * `once`, doing it again is refused (a key is revoked once; a portal may
 * be disabled again). */
static int change(struct bpa_db_conn *conn, bpa_db_work_fn work, struct operator_step *step,
                  bool once, const char *action, const char *id, const char *missing)
{
    enum bpa_db_status status = bpa_db_transaction(conn, BPA_DB_READ_COMMITTED, work, step);
    if (status != BPA_DB_OK)
        return failed("the change failed", status);
    if (step->outcome == BPA_REGISTRY_MISSING ||
        (once && step->outcome == BPA_REGISTRY_UNCHANGED)) {
        fprintf(stderr, "bpa-server: %s\n", missing);
        return 1;
    }
    print_json(json_pack("{s:s, s:s}", "done", action, "id", id));
    return 0;
}

static int run(struct bpa_db_conn *conn, const struct bpa_config *config)
{
    const char *arg = config->command_file;
    switch (config->command) {
    case BPA_CMD_CREATE_COORDINATOR:
        return create_account(conn, config, "coordinator");
    case BPA_CMD_CREATE_EMPLOYER_USER:
        return create_account(conn, config, "employer");
    case BPA_CMD_CREATE_PORTAL:
        return create_portal(conn, config);
    default:
        break;
    }
    if (!is_id(arg)) {
        fprintf(stderr, "bpa-server: '%s' is not an id\n", arg);
        return 2;
    }
    struct operator_step step = {.portal_id = arg, .key_id = arg};
    switch (config->command) {
    case BPA_CMD_DISABLE_PORTAL:
        return change(conn, disable_portal_step, &step, false, "portal.disable", arg,
                      "there is no such portal");
    case BPA_CMD_CREATE_KEY:
        return create_key(conn, arg);
    case BPA_CMD_REVOKE_KEY:
        return change(conn, revoke_key_step, &step, true, "api_key.revoke", arg,
                      "there is no such key, or it is revoked already");
    case BPA_CMD_LIST_KEYS: {
        char *list = NULL;
        enum bpa_db_status status = bpa_registry_key_list(conn, arg, &list);
        if (status != BPA_DB_OK)
            return failed("listing keys failed", status);
        print_json(list ? json_loads(list, 0, NULL) : json_array()); /* no portal: no keys */
        free(list);
        return 0;
    }
    default:
        fprintf(stderr, "bpa-server: not an operator command\n");
        return 2;
    }
}

int bpa_admin_run(const struct bpa_config *config)
{
    struct bpa_db_pool *pool = bpa_db_pool_new(config->database_url, 1);
    struct bpa_db_conn *conn = NULL;
    enum bpa_db_status status = pool ? bpa_db_pool_acquire(pool, 5000, &conn) : BPA_DB_HARD;
    int rc = status == BPA_DB_OK ? run(conn, config) : failed("no database connection", status);
    if (conn)
        bpa_db_pool_release(pool, conn);
    bpa_db_pool_free(pool);
    return rc;
}
