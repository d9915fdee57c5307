/* Rows written to PostgreSQL with COPY, as the benchmarks fill their
 * worlds: text gathered in a buffer, then sent in one go. */
#ifndef BPA_BENCH_COPY_H
#define BPA_BENCH_COPY_H

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

#endif
