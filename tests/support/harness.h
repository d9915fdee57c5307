/* The integration-test harness: a throwaway PostgreSQL database, a real
 * bpa-server process on a free port, and an HTTP client (libcurl).
 *
 * Without BPA_DATABASE_URL the harness creates a cluster in a temporary
 * folder (scripts/pg-local.sh) and removes it afterwards; with it, each
 * test binary creates a database of its own on that server and drops it
 * afterwards. Tests run from the project root. */
#ifndef BPA_HARNESS_H
#define BPA_HARNESS_H

#include <check.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct harness_db {
    char cluster_dir[256]; /* empty when BPA_DATABASE_URL names the server */
    char admin_url[1024];  /* a database on the server to create others from */
    char name[64];         /* the test's own database */
    char url[2048];        /* conninfo of the test's own database */
};

/* Prepares a fresh, empty database. Aborts the test run on failure. */
void harness_db_create(struct harness_db *db);
/* Drops the database; stops and removes a cluster the harness created. */
void harness_db_destroy(struct harness_db *db);
/* Drops the test database and creates it again, empty. */
void harness_db_recreate(struct harness_db *db);
/* True when the harness owns the cluster and may stop and start it. */
bool harness_db_owns_cluster(const struct harness_db *db);
void harness_db_stop_server(struct harness_db *db);
void harness_db_start_server(struct harness_db *db);
/* Runs SQL on the test database; 0 on success. */
int harness_db_sql(const struct harness_db *db, const char *sql);
/* Runs the SQL file at `path` on the test database; 0 on success. */
int harness_db_sql_file(const struct harness_db *db, const char *path);
/* The single value `sql` selects, as text; false on error or not one row. */
bool harness_db_value(const struct harness_db *db, const char *sql, char *out, size_t size);

/* Runs `suite` (each test in a process of its own, as Check does by
 * default); returns how many tests failed. */
int harness_run_suite(Suite *suite);

struct harness_server {
    pid_t pid;
    int port;
    char log_path[256];
    char base_url[64];
};

/* Starts bpa-server (BPA_SERVER_BIN, default build/san/bpa-server) with
 * --database-url, --port, --enable-test-routes and the NULL-terminated
 * `extra` arguments, and waits until /healthz answers. Returns false if
 * the process exits first (its exit status in *status). */
bool harness_server_start(struct harness_server *server, const char *db_url,
                          const char *const *extra, int *status);
/* Sends `signal_number` and waits for the exit; returns the wait status. */
int harness_server_stop(struct harness_server *server, int signal_number);
/* Stops the daemon with SIGTERM; true when it exited 0, else says so on
 * stderr with its log's path. */
bool harness_server_stop_cleanly(struct harness_server *server);
/* The server's log so far (malloc'd, NUL-terminated). */
char *harness_server_log(const struct harness_server *server);

/* Runs bpa-server to completion with `args` (NULL-terminated, after the
 * program name); returns the wait status and its stdout and stderr in
 * *output. `input`, when not NULL, is written to its stdin. */
int harness_run_command(const char *const *args, char **output);
int harness_run_command_input(const char *const *args, const char *input, char **output);

/* Creates an account through the operator command line (`role`:
 * "coordinator", or "employer" with `employer_id`) and logs it in through
 * `server`: the session token (malloc'd). Aborts the test on failure. */
char *harness_login_new_account(const struct harness_server *server, const char *db_url,
                                const char *email, const char *employer_id);

/* Creates a portal through the operator command line: its first API key
 * (malloc'd) and its id in *portal_id. */
char *harness_new_portal(const char *db_url, const char *name, long long *portal_id);

/* printf into one of 96 rotating static buffers of 2 KiB: for building
 * paths and bodies inline; a result lives for the next 95 calls. */
char *fmt(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* "Authorization: Bearer <token>" in a static buffer of the caller's. */
const char *harness_bearer(const char *token, char *buffer, size_t size);

struct http_response {
    long status;
    char *headers; /* raw header block */
    char *body;
    size_t body_len;
    json_t *json; /* the parsed body, or NULL */
};

/* One request to server->base_url + path. `headers` is NULL-terminated
 * ("Name: value"); `body` may be NULL. */
void http_call(const struct harness_server *server, const char *method, const char *path,
               const char *const *headers, const char *body, struct http_response *out);
/* One request as the holder of `token` (none when NULL), with a JSON body
 * when `body` is not NULL. */
struct http_response http_call_as(const struct harness_server *server, const char *token,
                                  const char *method, const char *path, const char *body);
/* A header's value (copied into `out`), or false. Case-insensitive name. */
bool http_header(const struct http_response *response, const char *name, char *out, size_t size);
/* The error code of an error envelope, or "" when the body is not one. */
const char *http_error_code(const struct http_response *response);
void http_response_free(struct http_response *response);

/* Raw TCP to the server: connect, and read everything until the peer
 * closes (for requests libcurl cannot send half of). */
int raw_connect(const struct harness_server *server);
bool raw_send(int fd, const char *data);
char *raw_read_all(int fd);

#endif
