/* Structured logs: one JSON object per line on stderr, written whole so
 * lines from several threads never interleave. */
#ifndef BPA_LOG_H
#define BPA_LOG_H

#include <jansson.h>
#include <stdbool.h>

enum bpa_log_level { BPA_LOG_DEBUG, BPA_LOG_INFO, BPA_LOG_WARN, BPA_LOG_ERROR };

void bpa_log_set_level(enum bpa_log_level level);
bool bpa_log_enabled(enum bpa_log_level level);

/* The level named `name` ("debug", "info", "warn", "error"); false if none. */
bool bpa_log_level_parse(const char *name, enum bpa_log_level *out);
const char *bpa_log_level_name(enum bpa_log_level level);

/* Logs `event` with the members of `fields` (stolen; may be NULL). */
void bpa_log(enum bpa_log_level level, const char *event, json_t *fields);

/* Logs `event` with `members`: JSON object members without the braces,
 * made by the caller (strings through bpa_log_quote). For lines written so
 * often that building them with jansson would show: the request log. */
void bpa_log_members(enum bpa_log_level level, const char *event, const char *members);

/* `text` as a JSON string literal, quotes included, into `out` (cut short
 * to fit `size`, at least 3); bytes that are not UTF-8 become '?'. Returns
 * its length. */
size_t bpa_log_quote(char *out, size_t size, const char *text);

/* Logs `event` with a printf-formatted "message". */
void bpa_logf(enum bpa_log_level level, const char *event, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

#endif
