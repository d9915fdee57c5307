/* Structured logs on stderr. */
#include "log.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
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

/* Writes `{"time":...,"level":...,"event":...` then `members` (JSON
 * members without braces, or "") as one line with one write(). */
static void write_line(enum bpa_log_level level, const char *event, const char *members)
{
    char when[32], small[2048];
    format_now(when);
#define LINE "{\"time\":\"%s\",\"level\":\"%s\",\"event\":\"%s\"%s%s}\n"
    const char *comma = members[0] ? "," : "";
    int len = snprintf(small, sizeof small, LINE, when, names[level], event, comma, members);
    if (len < 0)
        return;
    char *line = small;
    if ((size_t)len >= sizeof small) {
        if (!(line = malloc((size_t)len + 1)))
            return;
        snprintf(line, (size_t)len + 1, LINE, when, names[level], event, comma, members);
    }
#undef LINE
    ssize_t written = write(STDERR_FILENO, line, (size_t)len);
    (void)written;
    if (line != small)
        free(line);
}

void bpa_log(enum bpa_log_level level, const char *event, json_t *fields)
{
    if (!bpa_log_enabled(level)) {
        json_decref(fields);
        return;
    }
    char *text =
        fields ? json_dumps(fields, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6))
               : NULL;
    json_decref(fields);
    if (text) { /* "{...}": the members are what lies between the braces */
        text[strlen(text) - 1] = '\0';
        write_line(level, event, text + 1);
    } else if (!fields) {
        write_line(level, event, "");
    }
    free(text);
}

void bpa_log_members(enum bpa_log_level level, const char *event, const char *members)
{
    if (bpa_log_enabled(level))
        write_line(level, event, members);
}

/* Whether `text` is well-formed UTF-8 (what a JSON string may hold). */
static bool utf8_valid(const unsigned char *text)
{
    static const uint32_t least[] = {0, 0x80, 0x800, 0x10000}; /* no overlong forms */
    while (*text) {
        unsigned char lead = *text;
        int more = lead < 0x80 ? 0 : lead < 0xC0 ? -1 : lead < 0xE0 ? 1 : lead < 0xF0 ? 2 : 3;
        if (more < 0 || lead > 0xF4)
            return false;
        uint32_t point = more ? lead & (0x3Fu >> more) : lead;
        for (int i = 1; i <= more; i++) {
            if ((text[i] & 0xC0) != 0x80) /* also stops at the NUL */
                return false;
            point = point << 6 | (text[i] & 0x3Fu);
        }
        if (point < least[more] || point > 0x10FFFF || (point >= 0xD800 && point <= 0xDFFF))
            return false;
        text += 1 + more;
    }
    return true;
}

size_t bpa_log_quote(char *out, size_t size, const char *text)
{
    static const char hex[] = "0123456789abcdef";
    bool keep_utf8 = utf8_valid((const unsigned char *)text);
    if (size < 3)
        return 0;
    size_t n = 0;
    out[n++] = '"';
    const unsigned char *c = (const unsigned char *)text;
    for (; *c && n + 8 < size; c++) {
        if (*c == '"' || *c == '\\') {
            out[n++] = '\\';
            out[n++] = (char)*c;
        } else if (*c < 0x20) {
            n += (size_t)snprintf(out + n, size - n, "\\u00%c%c", hex[*c >> 4], hex[*c & 15]);
        } else {
            out[n++] = *c < 0x80 || keep_utf8 ? (char)*c : '?';
        }
    }
    if (*c && keep_utf8) { /* cut short: drop the character the cut may have split */
        while (n > 1 && ((unsigned char)out[n - 1] & 0xC0) == 0x80)
            n--;
        if (n > 1 && (unsigned char)out[n - 1] >= 0xC0)
            n--;
    }
    out[n++] = '"';
    out[n] = '\0';
    return n;
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
