/* Structured logs on stderr. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static enum bpa_log_level threshold = BPA_LOG_INFO;
static const char *const names[] = {"debug", "info", "warn", "error"};

void bpa_log_set_level(enum bpa_log_level level)
{
    threshold = level;
}

bool bpa_log_enabled(enum bpa_log_level level)
{
    return level >= threshold;
}

bool bpa_log_level_parse(const char *name, enum bpa_log_level *out)
{
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(name, names[i]) == 0) {
            *out = (enum bpa_log_level)i;
            return true;
        }
    }
    return false;
}

const char *bpa_log_level_name(enum bpa_log_level level)
{
    return names[level];
}

static void format_now(char out[32])
{
    struct timespec now;
    struct tm utc;
    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &utc);
    size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &utc);
    snprintf(out + n, 32 - n, ".%03ldZ", now.tv_nsec / 1000000L);
}

void bpa_log(enum bpa_log_level level, const char *event, json_t *fields)
{
    if (!bpa_log_enabled(level)) {
        json_decref(fields);
        return;
    }
    char when[32];
    format_now(when);
    json_t *line =
        json_pack("{s:s, s:s, s:s}", "time", when, "level", names[level], "event", event);
    if (fields) {
        json_object_update(line, fields);
        json_decref(fields);
    }
    char *text = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
    json_decref(line);
    if (!text)
        return;
    size_t len = strlen(text);
    text[len] = '\n'; /* replaces the NUL: one write() for the whole line */
    ssize_t written = write(STDERR_FILENO, text, len + 1);
    (void)written;
    free(text);
}

void bpa_logf(enum bpa_log_level level, const char *event, const char *format, ...)
{
    if (!bpa_log_enabled(level))
        return;
    char message[1024];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    bpa_log(level, event, json_pack("{s:s}", "message", message));
}
