/* The operator's command line. */
#include "admin.h"

#include "access.h"
#include "auth.h"
#include "log.h"

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
    const char *params[] = {email, hash, role, config->employer_id};
    char *id = NULL;
    enum bpa_db_status status = bpa_db_call(conn, "account_create", 4, params, &id);
    if (status == BPA_DB_CONFLICT) {
        fprintf(stderr, "bpa-server: an account with e-mail %s exists already\n", email);
        return 1;
    }
    if (status == BPA_DB_OK)
        status = bpa_access_audit_operator(conn, "account.create", "account", id,
                                           json_pack("{s:s, s:s}", "email", email, "role", role));
    if (status != BPA_DB_OK) {
        free(id);
        return failed("creating the account failed", status);
    }
    print_json(json_pack("{s:I, s:s, s:s, s:s?}", "account_id", (json_int_t)atoll(id), "email",
                         email, "role", role, "employer_id", config->employer_id));
    free(id);
    return 0;
}

/* Makes a key for `portal_id` and prints it with `extra` members (stolen). */
static int create_key(struct bpa_db_conn *conn, const char *portal_id, json_t *extra)
{
    char key[BPA_TOKEN_SIZE], hash[BPA_TOKEN_HASH_SIZE];
    bpa_token_new(BPA_KEY_PREFIX, key);
    bpa_token_hash(key, hash);
    const char *params[] = {hash, portal_id};
    char *key_id = NULL;
    enum bpa_db_status status = bpa_db_call(conn, "key_create", 2, params, &key_id);
    if (status == BPA_DB_OK && !key_id) {
        fprintf(stderr, "bpa-server: there is no portal %s\n", portal_id);
        json_decref(extra);
        return 1;
    }
    if (status == BPA_DB_OK)
        status = bpa_access_audit_operator(conn, "api_key.create", "portal", portal_id,
                                           json_pack("{s:s}", "key_id", key_id));
    if (status != BPA_DB_OK) {
        free(key_id);
        json_decref(extra);
        return failed("creating the key failed", status);
    }
    json_t *out = json_pack("{s:I, s:I, s:s}", "portal_id", (json_int_t)atoll(portal_id), "key_id",
                            (json_int_t)atoll(key_id), "api_key", key);
    json_object_update(out, extra);
    json_decref(extra);
    print_json(out);
    fprintf(stderr, "bpa-server: store this API key now: it is shown only once.\n");
    sodium_memzero(key, sizeof key);
    free(key_id);
    return 0;
}

static int create_portal(struct bpa_db_conn *conn, const struct bpa_config *config)
{
    const char *params[] = {config->command_file, config->contact_email};
    char *id = NULL;
    enum bpa_db_status status = bpa_db_call(conn, "portal_create", 2, params, &id);
    if (status == BPA_DB_CONFLICT || status == BPA_DB_INVALID) {
        fprintf(stderr,
                "bpa-server: a portal named '%s' exists already, or the name or e-mail "
                "is not valid\n",
                config->command_file);
        return 1;
    }
    if (status == BPA_DB_OK)
        status = bpa_access_audit_operator(conn, "portal.create", "portal", id,
                                           json_pack("{s:s}", "name", config->command_file));
    int rc = status == BPA_DB_OK
                 ? create_key(conn, id, json_pack("{s:s}", "name", config->command_file))
                 : failed("creating the portal failed", status);
    free(id);
    return rc;
}

static bool is_id(const char *text)
{
    size_t n = strlen(text);
    return n > 0 && n < 19 && strspn(text, "0123456789") == n;
}

static int simple_change(struct bpa_db_conn *conn, const char *statement, int count,
                         const char *const *params, const char *action, const char *type,
                         const char *missing)
{
    char *row = NULL;
    enum bpa_db_status status = bpa_db_call(conn, statement, count, params, &row);
    if (status == BPA_DB_OK && !row) {
        fprintf(stderr, "bpa-server: %s\n", missing);
        return 1;
    }
    free(row);
    if (status == BPA_DB_OK)
        status = bpa_access_audit_operator(conn, action, type, params[0], NULL);
    if (status != BPA_DB_OK)
        return failed("the change failed", status);
    print_json(json_pack("{s:s, s:s}", "done", action, "id", params[0]));
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
    switch (config->command) {
    case BPA_CMD_DISABLE_PORTAL: {
        const char *params[] = {arg, "false"};
        return simple_change(conn, "portal_set_active", 2, params, "portal.disable", "portal",
                             "there is no such portal");
    }
    case BPA_CMD_CREATE_KEY:
        return create_key(conn, arg, json_object());
    case BPA_CMD_REVOKE_KEY:
        return simple_change(conn, "key_revoke", 1, &arg, "api_key.revoke", "api_key",
                             "there is no such key, or it is revoked already");
    case BPA_CMD_LIST_KEYS: {
        char *list = NULL;
        enum bpa_db_status status = bpa_db_call(conn, "key_list", 1, &arg, &list);
        if (status != BPA_DB_OK)
            return failed("listing keys failed", status);
        print_json(json_loads(list, 0, NULL));
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
