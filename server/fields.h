/* Declarative validation of JSON request bodies: a table of fields per
 * resource says what each member must be; one call checks a body against
 * it, reports every problem with its field path (e.g. "contacts[1].email")
 * and returns the body normalised (postcodes upper-cased and spaced,
 * schedules as 168 slot characters, strings trimmed). */
#ifndef BPA_FIELDS_H
#define BPA_FIELDS_H

#include <jansson.h>
#include <stdbool.h>

enum bpa_field_type {
    BPA_TEXT,    /* string; min/max: length in characters */
    BPA_INTEGER, /* min/max: range */
    BPA_NUMBER,  /* min/max: range */
    BPA_BOOLEAN,
    BPA_DATE,      /* YYYY-MM-DD */
    BPA_TIMESTAMP, /* RFC 3339, with a time zone */
    BPA_CHOICE,    /* one of `choices` */
    BPA_URI,       /* an http(s) URI, at most 300 characters */
    BPA_URIS,      /* a list of distinct URIs; max: count */
    BPA_CODES,     /* a list of distinct codes [a-z0-9_]{2,40}; max: count */
    BPA_KVK,       /* a chamber-of-commerce number: 8 digits */
    BPA_POSTCODE,  /* PC6 "2516 BE" or PC4 "2516" */
    BPA_EMAIL,
    BPA_PHONE,
    BPA_SCHEDULE, /* see schedule.h */
    BPA_OBJECT,   /* nested `fields` */
    BPA_OBJECTS,  /* a list of objects with `fields`; max: count */
};

enum {
    BPA_REQUIRED = 1 << 0,
    BPA_NULLABLE = 1 << 1,
    BPA_MULTILINE = 1 << 2, /* text may hold line breaks and tabs */
    BPA_READ_ONLY = 1 << 3, /* in responses only; refused in requests */
    /* given when creating; the response shows something else by that name
     * (a seeker's consents: a list in, the current ones out), so an update
     * never merges it back */
    BPA_CREATE_INPUT = 1 << 4,
};

struct bpa_field {
    const char *name; /* NULL ends a table */
    enum bpa_field_type type;
    unsigned flags;
    double min, max;
    const char *const *choices;     /* BPA_CHOICE: NULL-terminated */
    const struct bpa_field *fields; /* BPA_OBJECT, BPA_OBJECTS */
};

/* Checks `body` against `fields`. Problems are appended to `details` as
 * {"field", "problem"}; field names start with `path` ("" at the top).
 * Returns the normalised body (a new reference; NULL when `body` is not an
 * object). Only members present in `body` appear in the result. */
json_t *bpa_fields_check(const json_t *body, const struct bpa_field *fields, const char *path,
                         json_t *details);

/* A copy of `document` without its read-only members: a stored resource
 * turned back into request form, for updates that merge. */
json_t *bpa_fields_writable(const json_t *document, const struct bpa_field *fields);

/* Appends one {"field", "problem"} to `details`. */
void bpa_field_problem(json_t *details, const char *field, const char *problem);

/* Normalises a postcode into `out` ("2516 BE" or "2516"); false if invalid. */
bool bpa_postcode_normalise(const char *text, char out[8]);

#endif
