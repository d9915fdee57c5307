/* A reader of comma-separated (RFC 4180: quoted fields may hold commas,
 * quotes doubled, and line breaks) and tab-separated (no quoting) files,
 * record by record. */
#ifndef BPA_CSV_H
#define BPA_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct bpa_csv {
    FILE *in;       /* borrowed */
    char separator; /* ',' or '\t' */
    bool quoting;   /* honour double quotes (CSV) */
    char *buffer;   /* the current record's fields, NUL-separated */
    size_t capacity;
    char **fields;
    size_t field_capacity;
    unsigned long line;      /* the line the current record started on */
    unsigned long next_line; /* 0 before the first record */
};

void bpa_csv_init(struct bpa_csv *csv, FILE *in, char separator, bool quoting);
void bpa_csv_free(struct bpa_csv *csv);

/* Reads the next record: 1 with *fields and *count set (valid until the
 * next call), 0 at the end, -1 on a malformed record (an unterminated
 * quote) or out of memory. A UTF-8 byte-order mark at the start is skipped. */
int bpa_csv_next(struct bpa_csv *csv, char ***fields, size_t *count);

#endif
