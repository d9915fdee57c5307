/* Declarative validation of JSON bodies. */
#include "fields.h"

#include "schedule.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void bpa_field_problem(json_t *details, const char *field, const char *problem)
{
    json_t *detail = json_pack("{s:s, s:s}", "field", field, "problem", problem);
    /* a field path cut inside a UTF-8 character: the problem must still count */
    if (!detail)
        detail = json_pack("{s:s, s:s}", "field", "(not UTF-8 text)", "problem",
                           "a field name or value here is not valid UTF-8 text");
    json_array_append_new(details, detail);
}

static void problemf(json_t *details, const char *field, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static void problemf(json_t *details, const char *field, const char *format, ...)
{
    char text[160];
    va_list args;
    va_start(args, format);
    vsnprintf(text, sizeof text, format, args);
    va_end(args);
    bpa_field_problem(details, field, text);
}

/* Code points in valid UTF-8 (jansson guarantees the encoding); -1 when a
 * control character is present that `multiline` does not allow. */
static long text_length(const char *s, bool multiline)
{
    long n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xC0) != 0x80)
            n++;
        bool control = *p < 0x20 || *p == 0x7F;
        if (control && !(multiline && (*p == '\n' || *p == '\t' || *p == '\r')))
            return -1;
        /* C1 controls U+0080..U+009F are encoded as C2 80..C2 9F */
        if (*p == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
            return -1;
    }
    return n;
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

static bool valid_date(const char *s)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !all_digits(s, 4) ||
        !all_digits(s + 5, 2) || !all_digits(s + 8, 2))
        return false;
    int year = atoi(s), month = atoi(s + 5), day = atoi(s + 8);
    static const int month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1 ||
        day > month_days[month - 1])
        return false;
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return !(month == 2 && day == 29 && !leap);
}

static bool valid_timestamp(const char *s)
{
    /* 2026-05-01T09:30:00Z, 2026-05-01T09:30:00.123+02:00 */
    if (strlen(s) < 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':')
        return false;
    char date[11];
    memcpy(date, s, 10);
    date[10] = '\0';
    if (!valid_date(date) || !all_digits(s + 11, 2) || !all_digits(s + 14, 2) ||
        !all_digits(s + 17, 2) || atoi(s + 11) > 23 || atoi(s + 14) > 59 || atoi(s + 17) > 59)
        return false;
    const char *zone = s + 19;
    if (*zone == '.') {
        size_t digits = strspn(zone + 1, "0123456789");
        if (digits == 0 || digits > 6)
            return false;
        zone += 1 + digits;
    }
    if (strcmp(zone, "Z") == 0)
        return true;
    return strlen(zone) == 6 && (zone[0] == '+' || zone[0] == '-') && all_digits(zone + 1, 2) &&
           zone[3] == ':' && all_digits(zone + 4, 2) && atoi(zone + 1) <= 14;
}

static bool valid_uri(const char *s)
{
    size_t n = strlen(s);
    const char *rest = strncmp(s, "https://", 8) == 0  ? s + 8
                       : strncmp(s, "http://", 7) == 0 ? s + 7
                                                       : NULL;
    if (!rest || n > 300 || s[n - 1] == '/' || !strchr(rest, '/') || *rest == '/')
        return false;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == '"' || *p == '<' || *p == '>' || *p == '\\' ||
            (unsigned char)*p >= 0x7F)
            return false;
    return true;
}

static bool valid_code(const char *s)
{
    size_t n = strlen(s);
    return n >= 2 && n <= 40 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

static bool valid_email(const char *s)
{
    const char *at = strchr(s, '@');
    size_t n = strlen(s);
    if (!at || at == s || strchr(at + 1, '@') || n > 254)
        return false;
    const char *dot = strrchr(at, '.');
    if (!dot || dot == at + 1 || dot[1] == '\0')
        return false;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= ' ' || (unsigned char)*p == 0x7F)
            return false;
    return true;
}

static bool valid_phone(const char *s)
{
    size_t n = strlen(s);
    const char *digits = s[0] == '+' ? s + 1 : s;
    return n >= 6 && n <= 20 && isdigit((unsigned char)digits[0]) &&
           strspn(digits, "0123456789 ()-") == strlen(digits);
}

bool bpa_postcode_normalise(const char *text, char out[8])
{
    char compact[8];
    size_t n = 0;
    bool spaced = false;
    for (const char *p = text; *p; p++) {
        if (*p == ' ' && n == 4 && !spaced) {
            spaced = true; /* one optional space between digits and letters */
            continue;
        }
        if (n == sizeof compact - 1)
            return false;
        compact[n++] = (char)toupper((unsigned char)*p);
    }
    compact[n] = '\0';
    if ((n != 4 && n != 6) || compact[0] < '1' || compact[0] > '9' || !all_digits(compact, 4))
        return false;
    if (n == 4) {
        memcpy(out, compact, 5);
        return true;
    }
    if (!isupper((unsigned char)compact[4]) || !isupper((unsigned char)compact[5]))
        return false;
    /* SA, SD and SS are never issued */
    if (compact[4] == 'S' && (compact[5] == 'A' || compact[5] == 'D' || compact[5] == 'S'))
        return false;
    snprintf(out, 8, "%.4s %.2s", compact, compact + 4);
    return true;
}

/* True for a list of at most f->max items; a problem otherwise. */
static bool list_shape(const json_t *value, const struct bpa_field *f, const char *field,
                       json_t *details)
{
    if (!json_is_array(value)) {
        bpa_field_problem(details, field, "must be a list");
        return false;
    }
    if (json_array_size(value) > (size_t)f->max) {
        problemf(details, field, "must have at most %.0f items", f->max);
        return false;
    }
    return true;
}

/* Distinct strings, each passing `valid`; NULL (and a problem) otherwise. */
static json_t *check_list(const json_t *value, const struct bpa_field *f, const char *field,
                          bool (*valid)(const char *), const char *what, json_t *details)
{
    if (!list_shape(value, f, field, details))
        return NULL;
    json_t *out = json_array();
    size_t i;
    json_t *item;
    json_array_foreach(value, i, item)
    {
        char item_field[200];
        snprintf(item_field, sizeof item_field, "%.150s[%zu]", field, i);
        const char *s = json_string_value(item);
        if (!s || !valid(s)) {
            bpa_field_problem(details, item_field, what);
            continue;
        }
        for (size_t j = 0; j < i; j++)
            if (json_equal(item, json_array_get(value, j))) {
                bpa_field_problem(details, item_field, "is listed twice");
                break;
            }
        json_array_append(out, item);
    }
    return out;
}

static json_t *check_text(const json_t *value, const struct bpa_field *f, const char *field,
                          json_t *details)
{
    const char *s = json_string_value(value);
    if (!s) {
        bpa_field_problem(details, field, "must be a string");
        return NULL;
    }
    /* trim ASCII white space at both ends */
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        n--;
    char *trimmed = strndup(s, n);
    long length = text_length(trimmed, f->flags & BPA_MULTILINE);
    json_t *out = NULL;
    if (length < 0)
        bpa_field_problem(details, field, "must not contain control characters");
    else if (length < (long)f->min)
        problemf(details, field,
                 f->min <= 1 ? "must not be empty" : "must be at least %.0f characters", f->min);
    else if (length > (long)f->max)
        problemf(details, field, "must be at most %.0f characters", f->max);
    else
        out = json_string(trimmed);
    free(trimmed);
    return out;
}

static json_t *check_number(const json_t *value, const struct bpa_field *f, const char *field,
                            json_t *details)
{
    if (f->type == BPA_INTEGER ? !json_is_integer(value) : !json_is_number(value)) {
        bpa_field_problem(details, field,
                          f->type == BPA_INTEGER ? "must be a whole number" : "must be a number");
        return NULL;
    }
    double n = json_number_value(value);
    if (!isfinite(n) || n < f->min || n > f->max) {
        problemf(details, field, "must be from %g to %g", f->min, f->max);
        return NULL;
    }
    return json_deep_copy(value);
}

static json_t *check_value(const json_t *value, const struct bpa_field *f, const char *field,
                           json_t *details)
{
    const char *s = json_string_value(value);
    switch (f->type) {
    case BPA_TEXT:
        return check_text(value, f, field, details);
    case BPA_INTEGER:
    case BPA_NUMBER:
        return check_number(value, f, field, details);
    case BPA_BOOLEAN:
        if (json_is_boolean(value))
            return json_deep_copy(value);
        bpa_field_problem(details, field, "must be true or false");
        return NULL;
    case BPA_DATE:
        if (s && valid_date(s))
            return json_string(s);
        bpa_field_problem(details, field, "must be a date YYYY-MM-DD");
        return NULL;
    case BPA_TIMESTAMP:
        if (s && valid_timestamp(s))
            return json_string(s);
        bpa_field_problem(details, field,
                          "must be a time like 2026-05-01T09:30:00Z (RFC 3339, with a zone)");
        return NULL;
    case BPA_CHOICE:
        for (const char *const *c = f->choices; s && *c; c++)
            if (strcmp(s, *c) == 0)
                return json_string(s);
        {
            char text[256] = "must be one of";
            for (const char *const *c = f->choices; *c; c++)
                snprintf(text + strlen(text), sizeof text - strlen(text), "%s %s",
                         c == f->choices ? "" : ",", *c);
            bpa_field_problem(details, field, text);
        }
        return NULL;
    case BPA_URI:
        if (s && valid_uri(s))
            return json_string(s);
        bpa_field_problem(details, field, "must be an http(s) URI of at most 300 characters");
        return NULL;
    case BPA_URIS:
        return check_list(value, f, field, valid_uri, "must be an http(s) URI", details);
    case BPA_CODES:
        return check_list(value, f, field, valid_code,
                          "must be a code of 2-40 characters a-z, 0-9 and _", details);
    case BPA_KVK:
        if (s && strlen(s) == 8 && all_digits(s, 8) && strcmp(s, "00000000") != 0)
            return json_string(s);
        bpa_field_problem(details, field, "must be a KvK number of 8 digits");
        return NULL;
    case BPA_POSTCODE: {
        char normal[8];
        if (s && bpa_postcode_normalise(s, normal))
            return json_string(normal);
        bpa_field_problem(details, field, "must be a Dutch postcode like \"2516 BE\" or \"2516\"");
        return NULL;
    }
    case BPA_EMAIL:
        if (s && valid_email(s))
            return json_string(s);
        bpa_field_problem(details, field, "must be an e-mail address");
        return NULL;
    case BPA_PHONE:
        if (s && valid_phone(s))
            return json_string(s);
        bpa_field_problem(details, field,
                          "must be a phone number of 6-20 digits, spaces, -, ( ) and a leading +");
        return NULL;
    case BPA_SCHEDULE: {
        bpa_week_text slots;
        return bpa_schedule_parse(value, field, slots, details) ? json_string(slots) : NULL;
    }
    case BPA_OBJECT:
        if (!json_is_object(value)) {
            bpa_field_problem(details, field, "must be an object");
            return NULL;
        }
        return bpa_fields_check(value, f->fields, field, details);
    case BPA_OBJECTS: {
        if (!list_shape(value, f, field, details))
            return NULL;
        json_t *out = json_array();
        size_t i;
        json_t *item;
        json_array_foreach(value, i, item)
        {
            char item_field[200];
            snprintf(item_field, sizeof item_field, "%.150s[%zu]", field, i);
            json_t *checked = json_is_object(item)
                                  ? bpa_fields_check(item, f->fields, item_field, details)
                                  : NULL;
            if (!checked)
                bpa_field_problem(details, item_field, "must be an object");
            else
                json_array_append_new(out, checked);
        }
        return out;
    }
    }
    return NULL;
}

static const struct bpa_field *find(const struct bpa_field *fields, const char *name)
{
    for (const struct bpa_field *f = fields; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

json_t *bpa_fields_check(const json_t *body, const struct bpa_field *fields, const char *path,
                         json_t *details)
{
    if (!json_is_object(body)) {
        bpa_field_problem(details, *path ? path : "body", "must be a JSON object");
        return NULL;
    }
    json_t *out = json_object();
    const char *key;
    json_t *value;
    char field[160];
    json_object_foreach((json_t *)body, key, value)
    {
        snprintf(field, sizeof field, "%s%s%s", path, *path ? "." : "", key);
        const struct bpa_field *f = find(fields, key);
        if (!f) {
            bpa_field_problem(details, field, "is not a known field");
            continue;
        }
        if (f->flags & BPA_READ_ONLY) {
            bpa_field_problem(details, field, "is read-only");
            continue;
        }
        if (json_is_null(value)) {
            if (f->flags & BPA_NULLABLE)
                json_object_set_new(out, key, json_null());
            else
                bpa_field_problem(details, field, "must not be null");
            continue;
        }
        json_t *checked = check_value(value, f, field, details);
        if (checked)
            json_object_set_new(out, key, checked);
    }
    for (const struct bpa_field *f = fields; f->name; f++) {
        if ((f->flags & BPA_REQUIRED) && !json_object_get(body, f->name)) {
            snprintf(field, sizeof field, "%s%s%s", path, *path ? "." : "", f->name);
            bpa_field_problem(details, field, "is required");
        }
    }
    return out;
}

json_t *bpa_fields_writable(const json_t *document, const struct bpa_field *fields)
{
    json_t *copy = json_deep_copy(document);
    for (const struct bpa_field *f = fields; f->name; f++)
        if (f->flags & (BPA_READ_ONLY | BPA_CREATE_INPUT))
            json_object_del(copy, f->name);
    return copy;
}
