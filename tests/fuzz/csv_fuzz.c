/* Fuzzes the CSV and TSV record reader (server/csv.c) that the reference
 * data imports read operators' downloads with. The first byte picks CSV
 * (quoting) or TSV; the rest is the file.
 *
 * Invariants: every record has at least one field; fields are strings
 * inside the reader's buffer; line numbers only grow, by at least one per
 * record; a TSV record's fields are its line split at tabs (carriage
 * returns dropped), nothing lost or moved; the reader stops (end or a
 * malformed record) within as many records as the file has bytes.
 *
 * fuzz-links: server/csv.c
 * fuzz-flags: -max_len=4096
 */
#include "csv.h"
#include "fuzz.h"

/* A TSV line split at tabs, without the reader: field `i` must be `field`. */
static void check_tsv(const uint8_t *line, size_t n, char **fields, size_t count)
{
    size_t i = 0, at = 0;
    char *expected = malloc(n + 1);
    FUZZ_CHECK(expected != NULL);
    for (size_t k = 0; k <= n; k++) {
        if (k == n || line[k] == '\t') {
            FUZZ_CHECK(i < count);
            FUZZ_CHECK(strlen(fields[i]) == at && memcmp(fields[i], expected, at) == 0);
            i++;
            at = 0;
        } else if (line[k] != '\r') {
            expected[at++] = (char)line[k];
        }
    }
    FUZZ_CHECK(i == count);
    free(expected);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    bool quoting = data[0] & 1;
    /* fmemopen refuses a zero-sized buffer: an empty file is one byte less */
    static const char empty[1];
    FILE *in =
        size > 1 ? fmemopen((void *)(data + 1), size - 1, "rb") : fmemopen((void *)empty, 1, "rb");
    FUZZ_CHECK(in != NULL);
    if (size == 1)
        fgetc(in);
    struct bpa_csv csv;
    bpa_csv_init(&csv, in, quoting ? ',' : '\t', quoting);
    char **fields;
    size_t count, records = 0;
    unsigned long last_line = 0;
    int rc;
    long start = 0;
    while ((rc = bpa_csv_next(&csv, &fields, &count)) == 1) {
        long end = ftell(in);
        FUZZ_CHECK(end > start && (size_t)end <= size - 1);
        if (!quoting) {
            /* the record's line: from where the last one ended, without its '\n' and a
             * byte-order mark the reader skipped */
            const uint8_t *line = data + 1 + start;
            size_t n = (size_t)(end - start);
            if (start == 0 && n >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3))
                line += 3, n -= 3;
            if (n && line[n - 1] == '\n')
                n--;
            check_tsv(line, n, fields, count);
        }
        start = end;
        records++;
        FUZZ_CHECK(records <= size);
        FUZZ_CHECK(count >= 1 && count <= size);
        FUZZ_CHECK(csv.line > last_line && csv.next_line > csv.line);
        last_line = csv.line;
        for (size_t i = 0; i < count; i++) {
            FUZZ_CHECK(fields[i] >= csv.buffer && fields[i] < csv.buffer + csv.capacity);
            size_t n = strlen(fields[i]);
            FUZZ_CHECK(fields[i] + n < csv.buffer + csv.capacity);
            if (!quoting)
                FUZZ_CHECK(strcspn(fields[i], "\t\n") == n);
        }
    }
    FUZZ_CHECK(rc == 0 || rc == -1);
    bpa_csv_free(&csv);
    fclose(in);
    return 0;
}
