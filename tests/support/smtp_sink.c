/* The tests' SMTP sink (see smtp_sink.h). */
#include "smtp_sink.h"

#include <ctype.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

/* --- text --- */

struct text {
    char *data;
    size_t len;
};

static void add(struct text *t, const char *data, size_t len)
{
    char *grown = realloc(t->data, t->len + len + 1);
    if (!grown)
        abort();
    memcpy(grown + t->len, data, len);
    t->data = grown;
    t->len += len;
    t->data[t->len] = '\0';
}

static void add_char(struct text *t, char c)
{
    add(t, &c, 1);
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)toupper((unsigned char)c);
    return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static int base64_value(char c)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *at = c ? strchr(alphabet, c) : NULL;
    return at ? (int)(at - alphabet) : -1;
}

/* Quoted-printable (RFC 2045; `header`: RFC 2047's Q, '_' a space). */
static void add_quoted_printable(struct text *out, const char *in, size_t len, bool header)
{
    for (size_t i = 0; i < len; i++) {
        if (in[i] == '=' && i + 1 < len && (in[i + 1] == '\r' || in[i + 1] == '\n')) {
            i += in[i + 1] == '\r' && i + 2 < len && in[i + 2] == '\n' ? 2 : 1; /* soft break */
        } else if (in[i] == '=' && i + 2 < len && hex_value(in[i + 1]) >= 0 &&
                   hex_value(in[i + 2]) >= 0) {
            add_char(out, (char)(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2])));
            i += 2;
        } else {
            add_char(out, header && in[i] == '_' ? ' ' : in[i]);
        }
    }
}

static void add_base64(struct text *out, const char *in, size_t len)
{
    unsigned bits = 0;
    int count = 0;
    for (size_t i = 0; i < len; i++) {
        int v = base64_value(in[i]);
        if (v < 0)
            continue; /* white space, line ends, padding */
        bits = (bits << 6) | (unsigned)v;
        count += 6;
        if (count >= 8) {
            count -= 8;
            add_char(out, (char)((bits >> count) & 0xff));
        }
    }
}

/* One unfolded header line, its encoded words ("=?utf-8?Q?...?=")
 * decoded; the white space between two encoded words is dropped. */
static void add_header_line(struct text *out, const char *line, size_t len)
{
    bool after_word = false;
    size_t i = 0;
    while (i < len) {
        const char *start = line + i;
        const char *q1 = NULL, *q2 = NULL, *end = NULL;
        if (len - i > 2 && start[0] == '=' && start[1] == '?') {
            q1 = memchr(start + 2, '?', len - i - 2);
            q2 = q1 && q1 + 2 < line + len && q1[2] == '?' ? q1 + 2 : NULL;
            for (const char *p = q2 ? q2 + 1 : NULL; p && p + 1 < line + len && !end; p++)
                if (p[0] == '?' && p[1] == '=')
                    end = p;
        }
        if (end) {
            char encoding = (char)toupper((unsigned char)q1[1]);
            if (encoding == 'B')
                add_base64(out, q2 + 1, (size_t)(end - q2 - 1));
            else
                add_quoted_printable(out, q2 + 1, (size_t)(end - q2 - 1), true);
            i = (size_t)(end + 2 - line);
            after_word = true;
            continue;
        }
        if (after_word && (line[i] == ' ' || line[i] == '\t')) {
            size_t blank = strspn(line + i, " \t");
            if (i + blank + 1 < len && line[i + blank] == '=' && line[i + blank + 1] == '?') {
                i += blank;
                continue;
            }
        }
        after_word = false;
        add_char(out, line[i++]);
    }
    add_char(out, '\n');
}

/* The message as read (see smtp_sink.h), malloc'd. */
static char *readable(const char *raw)
{
    size_t len = strlen(raw), head_len = len, body_at = len;
    /* the header ends at the first empty line */
    for (const char *p = raw; (p = strchr(p, '\n')) != NULL; p++) {
        if (p[1] == '\n' || (p[1] == '\r' && p[2] == '\n')) {
            head_len = (size_t)(p + 1 - raw);
            body_at = head_len + (p[1] == '\n' ? 1 : 2);
            break;
        }
    }
    struct text out = {0}, line = {0};
    enum { AS_IS, QUOTED_PRINTABLE, BASE64 } encoding = AS_IS;
    /* header lines, unfolded: a line starting with white space goes on */
    for (size_t i = 0; i < head_len;) {
        size_t end = i;
        while (end < head_len && raw[end] != '\n')
            end++;
        size_t stop = end > i && raw[end - 1] == '\r' ? end - 1 : end;
        if (line.len && raw[i] != ' ' && raw[i] != '\t') {
            add_header_line(&out, line.data, line.len);
            line.len = 0;
        }
        add(&line, raw + i, stop - i);
        i = end + 1;
    }
    if (line.len)
        add_header_line(&out, line.data, line.len);
    free(line.data);
    char value[64];
    if (out.data && smtp_sink_header(out.data, "Content-Transfer-Encoding", value, sizeof value)) {
        if (strcasecmp(value, "quoted-printable") == 0)
            encoding = QUOTED_PRINTABLE;
        else if (strcasecmp(value, "base64") == 0)
            encoding = BASE64;
    }
    add_char(&out, '\n');
    struct text body = {0};
    if (encoding == QUOTED_PRINTABLE)
        add_quoted_printable(&body, raw + body_at, len - body_at, false);
    else if (encoding == BASE64)
        add_base64(&body, raw + body_at, len - body_at);
    else
        add(&body, raw + body_at, len - body_at);
    for (size_t i = 0; i < body.len; i++)
        if (!(body.data[i] == '\r' && i + 1 < body.len && body.data[i + 1] == '\n'))
            add_char(&out, body.data[i]);
    free(body.data);
    return out.data;
}

/* --- receiving --- */

/* Set in the sink's process: the sink it serves. */
static const struct smtp_sink *serving_sink;

static void record(const char *from, json_t *to, const char *raw)
{
    char *text = readable(raw);
    json_t *message =
        json_pack("{s:s, s:O, s:s, s:s}", "from", from, "to", to, "raw", raw, "text", text);
    if (message)
        child_server_record(&serving_sink->server, message);
    json_decref(message);
    free(text);
}

/* "<a@b.c> SIZE=12" → "a@b.c" */
static json_t *address_of(const char *argument)
{
    argument += strspn(argument, " ");
    const char *start = *argument == '<' ? argument + 1 : argument;
    size_t len = strcspn(start, *argument == '<' ? ">" : " \r\n");
    return json_stringn(start, len);
}

static void reply(FILE *out, const char *text)
{
    fputs(text, out);
    fflush(out);
}

/* One SMTP session on `fd`. */
static void *session(void *context)
{
    int fd = (int)(intptr_t)context;
    int write_fd = dup(fd);
    FILE *in = fdopen(fd, "r");
    FILE *out = write_fd >= 0 ? fdopen(write_fd, "w") : NULL;
    if (!in || !out) {
        if (in)
            fclose(in);
        else
            close(fd);
        if (out)
            fclose(out);
        else if (write_fd >= 0)
            close(write_fd);
        return NULL;
    }
    reply(out, "220 sink ESMTP ready\r\n");
    char *line = NULL;
    size_t size = 0;
    char *from = strdup("");
    json_t *to = json_array();
    while (getline(&line, &size, in) > 0) {
        if (strncasecmp(line, "EHLO", 4) == 0) {
            reply(out, "250-sink\r\n250 8BITMIME\r\n");
        } else if (strncasecmp(line, "MAIL FROM:", 10) == 0) {
            json_t *address = address_of(line + 10);
            free(from);
            from = strdup(json_string_value(address) ? json_string_value(address) : "");
            json_decref(address);
            json_array_clear(to);
            reply(out, "250 sender ok\r\n");
        } else if (strncasecmp(line, "RCPT TO:", 8) == 0) {
            json_array_append_new(to, address_of(line + 8));
            reply(out, "250 recipient ok\r\n");
        } else if (strncasecmp(line, "DATA", 4) == 0) {
            reply(out, "354 end with <CRLF>.<CRLF>\r\n");
            struct text raw = {0};
            ssize_t n;
            bool ended = false;
            while (!ended && (n = getline(&line, &size, in)) > 0) {
                if (strcmp(line, ".\r\n") == 0 || strcmp(line, ".\n") == 0)
                    ended = true;
                else /* a leading dot was doubled by the client */
                    add(&raw, line + (line[0] == '.'), (size_t)n - (line[0] == '.'));
            }
            if (!ended) {
                free(raw.data);
                break;
            }
            record(from, to, raw.data ? raw.data : "");
            free(raw.data);
            json_array_clear(to);
            reply(out, "250 queued\r\n");
        } else if (strncasecmp(line, "RSET", 4) == 0) {
            json_array_clear(to);
            reply(out, "250 ok\r\n");
        } else if (strncasecmp(line, "QUIT", 4) == 0) {
            reply(out, "221 bye\r\n");
            break;
        } else if (strncasecmp(line, "STARTTLS", 8) == 0 || strncasecmp(line, "AUTH", 4) == 0) {
            reply(out, "502 not here\r\n");
        } else {
            reply(out, "250 ok\r\n"); /* HELO, NOOP, VRFY... */
        }
    }
    free(line);
    free(from);
    json_decref(to);
    fclose(in);
    fclose(out);
    return NULL;
}

static void *accept_sessions(void *context)
{
    int listener = (int)(intptr_t)context;
    for (;;) {
        int fd = accept(listener, NULL, NULL);
        if (fd < 0)
            continue;
        pthread_t thread;
        if (pthread_create(&thread, NULL, session, (void *)(intptr_t)fd) == 0)
            pthread_detach(thread);
        else
            close(fd);
    }
    return NULL;
}

static bool serve(int listener, void *context)
{
    serving_sink = context;
    signal(SIGPIPE, SIG_IGN); /* a client that leaves mid-reply */
    pthread_t thread;
    return pthread_create(&thread, NULL, accept_sessions, (void *)(intptr_t)listener) == 0;
}

bool smtp_sink_start(struct smtp_sink *sink)
{
    memset(sink, 0, sizeof *sink);
    if (!child_server_start(&sink->server, "bpa-smtp", serve, sink))
        return false;
    snprintf(sink->url, sizeof sink->url, "smtp://127.0.0.1:%d", sink->server.port);
    return true;
}

void smtp_sink_stop(struct smtp_sink *sink)
{
    child_server_stop(&sink->server);
}

/* --- reading what came --- */

json_t *smtp_sink_messages(const struct smtp_sink *sink)
{
    return child_server_log(&sink->server);
}

struct wanted {
    const char *address, *contains;
};

static bool matches(const json_t *message, const void *filter)
{
    const struct wanted *wanted = filter;
    const char *text = json_string_value(json_object_get(message, "text"));
    if (wanted->contains && (!text || !strstr(text, wanted->contains)))
        return false;
    if (!wanted->address)
        return true;
    size_t i;
    json_t *to;
    json_array_foreach(json_object_get(message, "to"), i, to)
    {
        const char *recipient = json_string_value(to);
        if (recipient && strcasecmp(recipient, wanted->address) == 0)
            return true;
    }
    return false;
}

char *smtp_sink_wait_next(const struct smtp_sink *sink, const char *address, const char *contains,
                          size_t skip, int seconds)
{
    struct wanted wanted = {address, contains};
    json_t *message = child_server_wait(&sink->server, matches, &wanted, skip, seconds);
    char *text = message ? strdup(json_string_value(json_object_get(message, "text"))) : NULL;
    json_decref(message);
    return text;
}

char *smtp_sink_wait(const struct smtp_sink *sink, const char *address, const char *contains,
                     int seconds)
{
    return smtp_sink_wait_next(sink, address, contains, 0, seconds);
}

size_t smtp_sink_count(const struct smtp_sink *sink, const char *address, const char *contains)
{
    struct wanted wanted = {address, contains};
    return child_server_count(&sink->server, matches, &wanted);
}

char *smtp_sink_link(const char *text, const char *prefix)
{
    const char *start = text && prefix && *prefix ? strstr(text, prefix) : NULL;
    if (!start)
        return NULL;
    size_t len = strcspn(start, " \t\r\n<>\"'");
    while (len > strlen(prefix) && strchr(".,;:!?)]", start[len - 1]))
        len--;
    return strndup(start, len);
}

bool smtp_sink_header(const char *text, const char *name, char *out, size_t size)
{
    size_t name_len = strlen(name);
    for (const char *line = text; line && *line && *line != '\n';) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (len > name_len && line[name_len] == ':' && strncasecmp(line, name, name_len) == 0) {
            const char *value = line + name_len + 1;
            value += strspn(value, " \t");
            size_t value_len = (size_t)(line + len - value);
            while (value_len && (value[value_len - 1] == ' ' || value[value_len - 1] == '\r'))
                value_len--;
            snprintf(out, size, "%.*s", (int)value_len, value);
            return true;
        }
        line = end ? end + 1 : line + len;
    }
    return false;
}
