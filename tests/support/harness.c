/* The integration-test harness. */
#include "harness.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "harness: %s: %s\n", what, detail ? detail : "");
    exit(2);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return strdup("");
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = calloc(1, (size_t)size + 1);
    if (text && fread(text, 1, (size_t)size, f) != (size_t)size)
        text[0] = '\0';
    fclose(f);
    return text;
}

static void sleep_ms(long ms)
{
    struct timespec t = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

/* --- database --- */

static void pg_local(const struct harness_db *db, const char *verb)
{
    char command[512];
    snprintf(command, sizeof command, "BPA_PG_FSYNC=off scripts/pg-local.sh %s '%s' >/dev/null",
             verb, db->cluster_dir);
    if (system(command) != 0)
        die("scripts/pg-local.sh failed", verb);
}

static PGresult *admin_exec(const struct harness_db *db, const char *sql)
{
    PGconn *pg = PQconnectdb(db->admin_url);
    if (PQstatus(pg) != CONNECTION_OK)
        die("cannot connect to the test server", PQerrorMessage(pg));
    PGresult *r = PQexec(pg, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
        die(sql, PQresultErrorMessage(r));
    PQfinish(pg);
    return r;
}

/* A conninfo string for database `name` with every other setting of `pg`. */
static void conninfo_for(PGconn *pg, const char *name, char *out, size_t size)
{
    PQconninfoOption *options = PQconninfo(pg);
    size_t used = 0;
    for (PQconninfoOption *o = options; o && o->keyword; o++) {
        if (!o->val || !*o->val || strcmp(o->keyword, "dbname") == 0)
            continue;
        used += (size_t)snprintf(out + used, size - used, "%s='", o->keyword);
        for (const char *c = o->val; *c && used + 3 < size; c++) {
            if (*c == '\'' || *c == '\\')
                out[used++] = '\\';
            out[used++] = *c;
        }
        used += (size_t)snprintf(out + used, size - used, "' ");
    }
    snprintf(out + used, size - used, "dbname='%s'", name);
    PQconninfoFree(options);
}

void harness_db_create(struct harness_db *db)
{
    memset(db, 0, sizeof *db);
    const char *external = getenv("BPA_DATABASE_URL");
    if (external && *external) {
        snprintf(db->admin_url, sizeof db->admin_url, "%s", external);
    } else {
        snprintf(db->cluster_dir, sizeof db->cluster_dir, "/tmp/bpa-test.XXXXXX");
        if (!mkdtemp(db->cluster_dir))
            die("mkdtemp", db->cluster_dir);
        pg_local(db, "start");
        snprintf(db->admin_url, sizeof db->admin_url, "postgresql:///postgres?host=%s&user=bpa",
                 db->cluster_dir);
    }
    unsigned char random[4];
    randombytes_buf(random, sizeof random);
    snprintf(db->name, sizeof db->name, "bpa_test_%d_%02x%02x%02x%02x", (int)getpid(), random[0],
             random[1], random[2], random[3]);
    char sql[128];
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", db->name); /* a name of our own making */
    PQclear(admin_exec(db, sql));
    PGconn *pg = PQconnectdb(db->admin_url);
    conninfo_for(pg, db->name, db->url, sizeof db->url);
    PQfinish(pg);
}

void harness_db_destroy(struct harness_db *db)
{
    if (harness_db_owns_cluster(db)) {
        pg_local(db, "stop");
        char command[512];
        snprintf(command, sizeof command, "rm -rf '%s'", db->cluster_dir);
        if (system(command) != 0)
            fprintf(stderr, "harness: could not remove %s\n", db->cluster_dir);
        return;
    }
    char sql[160];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", db->name);
    PQclear(admin_exec(db, sql));
}

void harness_db_recreate(struct harness_db *db)
{
    char sql[160];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", db->name);
    PQclear(admin_exec(db, sql));
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", db->name);
    PQclear(admin_exec(db, sql));
}

bool harness_db_owns_cluster(const struct harness_db *db)
{
    return db->cluster_dir[0] != '\0';
}

void harness_db_stop_server(struct harness_db *db)
{
    pg_local(db, "stop");
}

void harness_db_start_server(struct harness_db *db)
{
    pg_local(db, "start");
}

int harness_db_sql_file(const struct harness_db *db, const char *path)
{
    char *sql = slurp(path);
    int rc = sql && *sql ? harness_db_sql(db, sql) : 1;
    free(sql);
    return rc;
}

bool harness_db_value(const struct harness_db *db, const char *sql, char *out, size_t size)
{
    PGconn *pg = PQconnectdb(db->url);
    PGresult *r = PQexec(pg, sql);
    bool ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
    if (ok)
        snprintf(out, size, "%s", PQgetvalue(r, 0, 0));
    else
        fprintf(stderr, "harness: %s: %s", sql, PQresultErrorMessage(r));
    PQclear(r);
    PQfinish(pg);
    return ok;
}

int harness_db_sql(const struct harness_db *db, const char *sql)
{
    PGconn *pg = PQconnectdb(db->url);
    int rc = PQstatus(pg) == CONNECTION_OK ? 0 : 1;
    if (rc == 0) {
        PGresult *r = PQexec(pg, sql);
        rc = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK ? 0 : 1;
        if (rc)
            fprintf(stderr, "harness: %s: %s", sql, PQresultErrorMessage(r));
        PQclear(r);
    }
    PQfinish(pg);
    return rc;
}

int harness_run_suite(Suite *suite)
{
    SRunner *runner = srunner_create(suite);
    srunner_run_all(runner, CK_ENV);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed;
}

/* --- the daemon --- */

static const char *server_binary(void)
{
    const char *bin = getenv("BPA_SERVER_BIN");
    return bin && *bin ? bin : "build/san/bpa-server";
}

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0)
        die("cannot find a free port", NULL);
    close(fd);
    return ntohs(a.sin_port);
}

/* Starts argv with stdout and stderr to `output_path` and, when `input` is
 * not NULL, that text on its stdin. */
static pid_t spawn_with_input(const char *const *argv, const char *output_path, const char *input)
{
    int pipe_fds[2] = {-1, -1};
    if (input && pipe(pipe_fds) != 0)
        die("pipe", NULL);
    pid_t pid = fork();
    if (pid < 0)
        die("fork", NULL);
    if (pid == 0) {
        /* A test that fails exits at once; its daemons must not outlive it. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int fd = open(output_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0)
            _exit(127);
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        close(fd);
        if (input) {
            dup2(pipe_fds[0], STDIN_FILENO);
            close(pipe_fds[0]);
            close(pipe_fds[1]);
        }
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    if (input) {
        close(pipe_fds[0]);
        ssize_t written = write(pipe_fds[1], input, strlen(input));
        (void)written;
        close(pipe_fds[1]);
    }
    return pid;
}

static pid_t spawn(const char *const *argv, const char *output_path)
{
    return spawn_with_input(argv, output_path, NULL);
}

/* The daemons' logs this process made, removed when it exits (tests leave
 * nothing in /tmp) unless BPA_KEEP_LOGS is set, to read them after a
 * failure. */
static char made_logs[64][256];
static size_t made_log_count;
static pid_t logs_owner;

static void remove_made_logs(void)
{
    if (getpid() != logs_owner || getenv("BPA_KEEP_LOGS"))
        return;
    for (size_t i = 0; i < made_log_count; i++)
        unlink(made_logs[i]);
}

static void remember_log(const char *path)
{
    if (made_log_count == 0 && logs_owner == 0)
        atexit(remove_made_logs); /* inherited by the test processes Check forks */
    if (getpid() != logs_owner) { /* a forked test: the logs it makes are its own */
        logs_owner = getpid();
        made_log_count = 0;
    }
    if (made_log_count < sizeof made_logs / sizeof made_logs[0])
        snprintf(made_logs[made_log_count++], sizeof made_logs[0], "%s", path);
}

bool harness_server_start(struct harness_server *server, const char *db_url,
                          const char *const *extra, int *status)
{
    memset(server, 0, sizeof *server);
    server->port = free_port();
    snprintf(server->base_url, sizeof server->base_url, "http://127.0.0.1:%d", server->port);
    snprintf(server->log_path, sizeof server->log_path, "/tmp/bpa-server-%d-%d.log", (int)getpid(),
             server->port);
    char port[16];
    snprintf(port, sizeof port, "%d", server->port);
    const char *argv[32] = {server_binary(),        "--database-url", db_url, "--port", port,
                            "--enable-test-routes", "--log-level",    "debug"};
    size_t argc = 8;
    for (size_t i = 0; extra && extra[i] && argc < 31; i++)
        argv[argc++] = extra[i];
    argv[argc] = NULL;
    server->pid = spawn(argv, server->log_path);
    remember_log(server->log_path);

    for (int tries = 0; tries < 600; tries++) {
        int wstatus;
        if (waitpid(server->pid, &wstatus, WNOHANG) == server->pid) {
            if (status)
                *status = wstatus;
            server->pid = 0;
            return false;
        }
        struct http_response r;
        http_call(server, "GET", "/healthz", NULL, NULL, &r);
        long code = r.status;
        http_response_free(&r);
        if (code == 200)
            return true;
        sleep_ms(50);
    }
    kill(server->pid, SIGKILL);
    waitpid(server->pid, NULL, 0);
    server->pid = 0;
    die("bpa-server did not answer /healthz within 30 s; its log", server->log_path);
    return false;
}

int harness_server_stop(struct harness_server *server, int signal_number)
{
    int wstatus = -1;
    if (server->pid > 0) {
        kill(server->pid, signal_number);
        waitpid(server->pid, &wstatus, 0);
        server->pid = 0;
    }
    return wstatus;
}

bool harness_server_stop_cleanly(struct harness_server *server)
{
    int stopped = harness_server_stop(server, SIGTERM);
    bool clean = WIFEXITED(stopped) && WEXITSTATUS(stopped) == 0;
    if (!clean)
        fprintf(stderr,
                "bpa-server did not exit 0 on SIGTERM (status %d); log %s (kept with "
                "BPA_KEEP_LOGS=1)\n",
                stopped, server->log_path);
    return clean;
}

char *harness_server_log(const struct harness_server *server)
{
    return slurp(server->log_path);
}

int harness_run_command(const char *const *args, char **output)
{
    return harness_run_command_input(args, NULL, output);
}

int harness_run_command_input(const char *const *args, const char *input, char **output)
{
    const char *argv[32] = {server_binary()};
    size_t argc = 1;
    for (size_t i = 0; args[i] && argc < 31; i++)
        argv[argc++] = args[i];
    argv[argc] = NULL;
    char path[128];
    snprintf(path, sizeof path, "/tmp/bpa-command-%d.log", (int)getpid());
    int wstatus = 0;
    waitpid(spawn_with_input(argv, path, input), &wstatus, 0);
    *output = slurp(path);
    unlink(path);
    return wstatus;
}

/* The JSON object a command printed (its output also holds log lines). */
static json_t *printed_object(const char *output)
{
    const char *start = strstr(output, "{\n");
    return start ? json_loads(start, JSON_DISABLE_EOF_CHECK, NULL) : NULL;
}

char *harness_login_new_account(const struct harness_server *server, const char *db_url,
                                const char *email, const char *employer_id)
{
    const char *args[] = {employer_id ? "create-employer-user" : "create-coordinator",
                          email,
                          "--database-url",
                          db_url,
                          employer_id ? "--employer" : NULL,
                          employer_id,
                          NULL};
    char *out;
    int status = harness_run_command_input(args, "a password of some length\n", &out);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        die("creating an account failed", out);
    free(out);
    char body[512];
    snprintf(body, sizeof body, "{\"email\":\"%s\",\"password\":\"a password of some length\"}",
             email);
    const char *headers[] = {"Content-Type: application/json", NULL};
    struct http_response r;
    http_call(server, "POST", "/v1/auth/login", headers, body, &r);
    const char *token = json_string_value(json_object_get(r.json, "token"));
    if (r.status != 200 || !token)
        die("logging in failed", r.body);
    char *copy = strdup(token);
    http_response_free(&r);
    return copy;
}

char *harness_new_portal(const char *db_url, const char *name, long long *portal_id)
{
    const char *args[] = {"create-portal", name, "--database-url", db_url, NULL};
    char *out;
    int status = harness_run_command(args, &out);
    json_t *printed = printed_object(out);
    const char *key = json_string_value(json_object_get(printed, "api_key"));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !key)
        die("creating a portal failed", out);
    free(out);
    char *copy = strdup(key);
    *portal_id = json_integer_value(json_object_get(printed, "portal_id"));
    json_decref(printed);
    return copy;
}

char *fmt(const char *format, ...)
{
    static char buffers[96][2048];
    static int next;
    char *out = buffers[next++ % 96];
    va_list args;
    va_start(args, format);
    vsnprintf(out, sizeof buffers[0], format, args);
    va_end(args);
    return out;
}

const char *harness_bearer(const char *token, char *buffer, size_t size)
{
    snprintf(buffer, size, "Authorization: Bearer %s", token);
    return buffer;
}

/* --- HTTP --- */

struct http_response http_call_as(const struct harness_server *server, const char *token,
                                  const char *method, const char *path, const char *body)
{
    char bearer[128];
    const char *headers[] = {"Content-Type: application/json",
                             token ? harness_bearer(token, bearer, sizeof bearer) : NULL, NULL};
    struct http_response r;
    http_call(server, method, path, body ? headers : headers + 1, body, &r);
    return r;
}

struct buffer {
    char *data;
    size_t len;
};

static size_t collect(char *data, size_t size, size_t count, void *context)
{
    struct buffer *b = context;
    size_t n = size * count;
    char *grown = realloc(b->data, b->len + n + 1);
    if (!grown)
        return 0;
    memcpy(grown + b->len, data, n);
    b->data = grown;
    b->len += n;
    b->data[b->len] = '\0';
    return n;
}

/* With BPA_RESPONSE_LOG set, every response is appended to that file as
 * one JSON line, for api-docs/check-responses.mjs to hold against the
 * OpenAPI document. */
static void record_response(const char *method, const char *path,
                            const struct http_response *response)
{
    const char *log = getenv("BPA_RESPONSE_LOG");
    if (!log || !*log || response->status == 0)
        return;
    char content_type[128] = "";
    http_header(response, "Content-Type", content_type, sizeof content_type);
    json_t *line = json_pack("{s:s, s:s#, s:i, s:s, s:s#}", "method", method, "path", path,
                             strcspn(path, "?"), "status", (int)response->status, "content_type",
                             content_type, "body", response->body, response->body_len);
    char *text = json_dumps(line, JSON_COMPACT);
    json_decref(line);
    FILE *f = text ? fopen(log, "a") : NULL;
    if (f) {
        fprintf(f, "%s\n", text); /* one write per line: safe across Check's processes */
        fclose(f);
    }
    free(text);
}

void http_call(const struct harness_server *server, const char *method, const char *path,
               const char *const *headers, const char *body, struct http_response *out)
{
    memset(out, 0, sizeof *out);
    CURL *curl = curl_easy_init();
    char url[512];
    snprintf(url, sizeof url, "%s%s", server->base_url, path);
    struct buffer head = {0}, content = {0};
    struct curl_slist *list = NULL;
    for (size_t i = 0; headers && headers[i]; i++)
        list = curl_slist_append(list, headers[i]);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &head);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &content);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    else
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    if (body) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    if (curl_easy_perform(curl) == CURLE_OK)
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out->status);
    curl_slist_free_all(list);
    curl_easy_cleanup(curl);
    out->headers = head.data ? head.data : strdup("");
    out->body = content.data ? content.data : strdup("");
    out->body_len = content.len;
    out->json = json_loadb(out->body, out->body_len, JSON_DECODE_ANY, NULL);
    record_response(method, path, out);
}

bool http_header(const struct http_response *response, const char *name, char *out, size_t size)
{
    size_t name_len = strlen(name);
    for (const char *line = response->headers; line && *line;) {
        const char *end = strstr(line, "\r\n");
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (len > name_len && line[name_len] == ':' && strncasecmp(line, name, name_len) == 0) {
            const char *value = line + name_len + 1;
            while (*value == ' ')
                value++;
            snprintf(out, size, "%.*s", (int)(line + len - value), value);
            return true;
        }
        line = end ? end + 2 : line + len;
    }
    return false;
}

const char *http_error_code(const struct http_response *response)
{
    const char *code =
        json_string_value(json_object_get(json_object_get(response->json, "error"), "code"));
    return code ? code : "";
}

void http_response_free(struct http_response *response)
{
    free(response->headers);
    free(response->body);
    json_decref(response->json);
    memset(response, 0, sizeof *response);
}

/* --- raw TCP --- */

int raw_connect(const struct harness_server *server)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)server->port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct timeval timeout = {.tv_sec = 20};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

bool raw_send(int fd, const char *data)
{
    size_t len = strlen(data);
    return send(fd, data, len, MSG_NOSIGNAL) == (ssize_t)len;
}

char *raw_read_all(int fd)
{
    struct buffer b = {0};
    char chunk[4096];
    ssize_t n;
    while ((n = recv(fd, chunk, sizeof chunk, 0)) > 0)
        collect(chunk, 1, (size_t)n, &b);
    close(fd);
    return b.data ? b.data : strdup("");
}
