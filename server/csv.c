/* CSV and TSV records. */
#include "csv.h"

#include <stdlib.h>
#include <string.h>

void bpa_csv_init(struct bpa_csv *csv, FILE *in, char separator, bool quoting)
{
    *csv = (struct bpa_csv){.in = in, .separator = separator, .quoting = quoting};
}

void bpa_csv_free(struct bpa_csv *csv)
{
    free(csv->buffer);
    free(csv->fields);
    *csv = (struct bpa_csv){0};
}

static bool put(struct bpa_csv *csv, size_t *len, char c)
{
    if (*len + 1 >= csv->capacity) {
        size_t grown = csv->capacity ? csv->capacity * 2 : 4096;
        char *bigger = realloc(csv->buffer, grown);
        if (!bigger)
            return false;
        csv->buffer = bigger;
        csv->capacity = grown;
    }
    csv->buffer[(*len)++] = c;
    return true;
}

int bpa_csv_next(struct bpa_csv *csv, char ***fields, size_t *count)
{
    size_t len = 0, starts = 1;
    bool quoted = false, any = false;
    int c;
    if (csv->next_line == 0) {
        csv->next_line = 1;
        int first = fgetc(csv->in);
        if (first == 0xEF) {
            if (fgetc(csv->in) != 0xBB || fgetc(csv->in) != 0xBF)
                return -1; /* not a byte-order mark: not UTF-8 either */
        } else if (first != EOF) {
            ungetc(first, csv->in);
        }
    }
    csv->line = csv->next_line;
    unsigned long lines = 0;
    while ((c = fgetc(csv->in)) != EOF) {
        any = true;
        /* Fields are kept NUL-terminated: a NUL byte would end one early
         * and shift every field after it into the wrong column. */
        if (c == '\0')
            return -1;
        if (quoted) {
            if (c == '"') {
                int next = fgetc(csv->in);
                if (next == '"') {
                    if (!put(csv, &len, '"'))
                        return -1;
                    continue;
                }
                quoted = false;
                if (next == EOF)
                    break;
                c = next; /* falls through to the unquoted handling */
            } else {
                if (c == '\n')
                    lines++;
                if (!put(csv, &len, (char)c))
                    return -1;
                continue;
            }
        }
        if (c == '"' && csv->quoting) {
            quoted = true;
        } else if (c == csv->separator) {
            if (!put(csv, &len, '\0'))
                return -1;
            starts++;
        } else if (c == '\n') {
            break;
        } else if (c != '\r') {
            if (!put(csv, &len, (char)c))
                return -1;
        }
    }
    if (quoted)
        return -1;
    if (!any)
        return 0;
    if (!put(csv, &len, '\0'))
        return -1;
    if (starts > csv->field_capacity) {
        char **bigger = realloc(csv->fields, starts * sizeof *bigger);
        if (!bigger)
            return -1;
        csv->fields = bigger;
        csv->field_capacity = starts;
    }
    char *p = csv->buffer;
    for (size_t i = 0; i < starts; i++) {
        csv->fields[i] = p;
        p += strlen(p) + 1;
    }
    *fields = csv->fields;
    *count = starts;
    csv->next_line += lines + 1;
    return 1;
}
