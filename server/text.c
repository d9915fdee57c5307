/* The growing text buffer of text.h. */
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for `more` bytes and a NUL after them. */
static bool reserve(struct bpa_text *t, size_t more)
{
    if (t->out_of_memory)
        return false;
    if (t->len + more + 1 <= t->capacity)
        return true;
    size_t capacity = t->capacity ? t->capacity : 4096;
    while (capacity < t->len + more + 1)
        capacity *= 2;
    char *data = realloc(t->data, capacity);
    if (!data) {
        t->out_of_memory = true;
        return false;
    }
    t->data = data;
    t->capacity = capacity;
    return true;
}

void bpa_text_putn(struct bpa_text *t, const char *s, size_t n)
{
    if (!reserve(t, n))
        return;
    memcpy(t->data + t->len, s, n);
    t->len += n;
}

void bpa_text_put(struct bpa_text *t, const char *s)
{
    bpa_text_putn(t, s, strlen(s));
}

void bpa_text_char(struct bpa_text *t, char c)
{
    if (reserve(t, 1))
        t->data[t->len++] = c;
}

void bpa_text_int(struct bpa_text *t, int64_t value)
{
    char digits[24], *at = digits + sizeof digits;
    uint64_t magnitude = value < 0 ? 0 - (uint64_t)value : (uint64_t)value;
    do {
        *--at = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude);
    if (value < 0)
        *--at = '-';
    bpa_text_putn(t, at, (size_t)(digits + sizeof digits - at));
}

void bpa_text_json_string(struct bpa_text *t, const char *s)
{
    if (!s) {
        bpa_text_put(t, "null");
        return;
    }
    bpa_text_char(t, '"');
    for (const char *run = s;; s++) {
        unsigned char c = (unsigned char)*s;
        if (c && c != '"' && c != '\\' && c >= 0x20)
            continue;
        bpa_text_putn(t, run, (size_t)(s - run)); /* the plain characters before */
        if (!c)
            break;
        char escaped[8];
        if (c == '"' || c == '\\')
            snprintf(escaped, sizeof escaped, "\\%c", c);
        else if (c == '\n')
            snprintf(escaped, sizeof escaped, "\\n");
        else if (c == '\t')
            snprintf(escaped, sizeof escaped, "\\t");
        else if (c == '\r')
            snprintf(escaped, sizeof escaped, "\\r");
        else
            snprintf(escaped, sizeof escaped, "\\u%04X", c);
        bpa_text_put(t, escaped);
        run = s + 1;
    }
    bpa_text_char(t, '"');
}

void bpa_text_csv_field(struct bpa_text *t, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        bpa_text_put(t, s);
        return;
    }
    bpa_text_char(t, '"');
    for (; *s; s++) {
        if (*s == '"')
            bpa_text_char(t, '"');
        bpa_text_char(t, *s);
    }
    bpa_text_char(t, '"');
}

char *bpa_text_finish(struct bpa_text *t, size_t *len)
{
    if (!reserve(t, 0)) {
        free(t->data);
        *t = (struct bpa_text){0};
        return NULL;
    }
    t->data[t->len] = '\0';
    if (len)
        *len = t->len;
    char *data = t->data;
    *t = (struct bpa_text){0};
    return data;
}
