/* Text written into a growing buffer, for large replies (the reports'
 * JSON and CSV): appends without stdio's formatting, integers by hand, and
 * the quoting of JSON strings and CSV fields. Out of memory is remembered
 * and reported once, by bpa_text_finish. */
#ifndef BPA_TEXT_H
#define BPA_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bpa_text {
    char *data;
    size_t len, capacity;
    bool out_of_memory;
};

void bpa_text_put(struct bpa_text *t, const char *s);
void bpa_text_putn(struct bpa_text *t, const char *s, size_t n);
void bpa_text_char(struct bpa_text *t, char c);
void bpa_text_int(struct bpa_text *t, int64_t value);
/* `s` as a JSON string, or null when NULL. */
void bpa_text_json_string(struct bpa_text *t, const char *s);
/* `s` as one CSV field, quoted when it holds a separator, a quote or a
 * line break (RFC 4180). */
void bpa_text_csv_field(struct bpa_text *t, const char *s);

/* The text (NUL-terminated; its length in *len when not NULL), owned by
 * the caller; NULL, with everything freed, when memory ran out. */
char *bpa_text_finish(struct bpa_text *t, size_t *len);

#endif
