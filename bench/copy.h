/* Rows written to PostgreSQL with COPY, as the benchmarks fill their
 * worlds: text gathered in a buffer, then sent in one go. */
#ifndef BPA_BENCH_COPY_H
#define BPA_BENCH_COPY_H

#include "matcher.h"

#include <libpq-fe.h>
#include <stddef.h>

struct bench_copy {
    char *buffer;
    size_t len, capacity;
};

/* Appends printf-formatted text. */
void bench_copy_put(struct bench_copy *c, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* Sends the text with `command` (COPY ... FROM STDIN) and empties it;
 * exits the benchmark with the database's message when that fails. */
void bench_copy_in(PGconn *db, const char *command, struct bench_copy *c);

/* Values as COPY's text wants them: a week as 168 '0'/'1', a day (since
 * 1970) as YYYY-MM-DD, a Dutch level (0..6) by its CEFR name. */
void bench_week_text(const struct bpa_week *week, char out[169]);
void bench_day_text(int32_t day, char out[16]);
extern const char *const bench_cefr[7];

#endif
