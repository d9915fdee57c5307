/* See copy.h. */
#include "copy.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

void bench_copy_put(struct bench_copy *c, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int need = vsnprintf(NULL, 0, format, args);
    va_end(args);
    if (c->len + (size_t)need + 1 > c->capacity) {
        c->capacity = (c->len + (size_t)need + 1) * 2;
        c->buffer = realloc(c->buffer, c->capacity);
        if (!c->buffer) {
            fprintf(stderr, "bench: out of memory\n");
            exit(1);
        }
    }
    va_start(args, format);
    vsnprintf(c->buffer + c->len, (size_t)need + 1, format, args);
    va_end(args);
    c->len += (size_t)need;
}

static void fail(const char *command, const char *message)
{
    fprintf(stderr, "bench: %s: %s", command, message);
    exit(1);
}

void bench_copy_in(PGconn *db, const char *command, struct bench_copy *c)
{
    PGresult *r = PQexec(db, command);
    if (PQresultStatus(r) != PGRES_COPY_IN)
        fail(command, PQerrorMessage(db));
    PQclear(r);
    if (PQputCopyData(db, c->buffer, (int)c->len) != 1 || PQputCopyEnd(db, NULL) != 1)
        fail(command, PQerrorMessage(db));
    r = PQgetResult(db);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        fail(command, PQresultErrorMessage(r));
    PQclear(r);
    c->len = 0;
}

void bench_week_text(const struct bpa_week *week, char out[169])
{
    for (int s = 0; s < 168; s++)
        out[s] = (week->bits[s / 64] >> (s % 64)) & 1 ? '1' : '0';
    out[168] = '\0';
}

void bench_day_text(int32_t day, char out[16])
{
    time_t t = (time_t)day * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 16, "%Y-%m-%d", &tm);
}

const char *const bench_cefr[7] = {"none", "A1", "A2", "B1", "B2", "C1", "C2"};
