/* Fuzzes the declarative JSON body checks (server/fields.c) with a table
 * that holds every field type and flag, nested objects and lists included.
 * The input is a request body, parsed as the daemon parses one.
 *
 * Invariants: every problem is a {field, problem} pair of strings that the
 * error reply can serialise; the result holds only known, writable members
 * of the body; and a body without problems, once normalised and shown
 * again (schedules as intervals), passes unchanged: normalising twice
 * changes nothing.
 *
 * fuzz-links: server/fields.c server/schedule.c
 * fuzz-flags: -max_len=4096
 */
#include "fields.h"
#include "fuzz.h"
#include "schedule.h"

static const char *const languages[] = {"nl", "en", NULL};

static const struct bpa_field deepest[] = {
    {"when", BPA_DATE, BPA_REQUIRED, 0, 0, NULL, NULL},
    {"at", BPA_TIMESTAMP, BPA_NULLABLE, 0, 0, NULL, NULL},
    {0},
};

static const struct bpa_field contact[] = {
    {"name", BPA_TEXT, BPA_REQUIRED, 1, 20, NULL, NULL},
    {"email", BPA_EMAIL, BPA_REQUIRED, 0, 0, NULL, NULL},
    {"phone", BPA_PHONE, BPA_NULLABLE, 0, 0, NULL, NULL},
    {"language", BPA_CHOICE, 0, 0, 0, languages, NULL},
    {"history", BPA_OBJECTS, 0, 0, 3, NULL, deepest},
    {0},
};

static const struct bpa_field fields[] = {
    {"id", BPA_INTEGER, BPA_READ_ONLY, 0, 0, NULL, NULL},
    {"name", BPA_TEXT, BPA_REQUIRED, 1, 30, NULL, NULL},
    {"note", BPA_TEXT, BPA_MULTILINE | BPA_NULLABLE, 0, 200, NULL, NULL},
    {"count", BPA_INTEGER, 0, -5, 1e15, NULL, NULL},
    {"share", BPA_NUMBER, 0, -1.5, 1e300, NULL, NULL},
    {"flag", BPA_BOOLEAN, BPA_NULLABLE, 0, 0, NULL, NULL},
    {"day", BPA_DATE, 0, 0, 0, NULL, NULL},
    {"at", BPA_TIMESTAMP, 0, 0, 0, NULL, NULL},
    {"language", BPA_CHOICE, 0, 0, 0, languages, NULL},
    {"uri", BPA_URI, BPA_NULLABLE, 0, 0, NULL, NULL},
    {"uris", BPA_URIS, 0, 0, 5, NULL, NULL},
    {"codes", BPA_CODES, 0, 0, 5, NULL, NULL},
    {"kvk", BPA_KVK, 0, 0, 0, NULL, NULL},
    {"postcode", BPA_POSTCODE, 0, 0, 0, NULL, NULL},
    {"email", BPA_EMAIL, 0, 0, 0, NULL, NULL},
    {"phone", BPA_PHONE, 0, 0, 0, NULL, NULL},
    {"schedule", BPA_SCHEDULE, 0, 0, 0, NULL, NULL},
    {"contact", BPA_OBJECT, 0, 0, 0, NULL, contact},
    {"contacts", BPA_OBJECTS, 0, 0, 4, NULL, contact},
    {0},
};

static void check_details(const json_t *details)
{
    FUZZ_CHECK(json_is_array(details));
    size_t i;
    json_t *detail;
    json_array_foreach(details, i, detail)
    {
        FUZZ_CHECK(json_is_string(json_object_get(detail, "field")));
        FUZZ_CHECK(json_is_string(json_object_get(detail, "problem")));
    }
    /* the 422 reply carries them: they must serialise */
    char *text = json_dumps(details, JSON_COMPACT);
    FUZZ_CHECK(text != NULL);
    free(text);
}

static void check_members(const json_t *out, const json_t *body, const struct bpa_field *table)
{
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)out, key, value)
    {
        FUZZ_CHECK(json_object_get(body, key) != NULL);
        const struct bpa_field *f = table;
        while (f->name && strcmp(f->name, key) != 0)
            f++;
        FUZZ_CHECK(f->name != NULL);
        FUZZ_CHECK(!(f->flags & BPA_READ_ONLY));
    }
}

/* The normalised body in request form again: a schedule's slots as the
 * intervals the API shows. */
static json_t *shown(const json_t *normal)
{
    json_t *copy = json_deep_copy(normal);
    const char *slots = json_string_value(json_object_get(copy, "schedule"));
    if (slots) {
        json_t *intervals = bpa_schedule_format(slots);
        FUZZ_CHECK(intervals != NULL);
        json_object_set_new(copy, "schedule", intervals);
    }
    return copy;
}

static void fuzz_postcode(const uint8_t *data, size_t size)
{
    struct fuzz_bytes in = {data, size < 16 ? size : 16};
    char *text = fuzz_rest(&in), normal[8], again[8];
    if (bpa_postcode_normalise(text, normal)) {
        FUZZ_CHECK(strlen(normal) == 4 || strlen(normal) == 7);
        FUZZ_CHECK(bpa_postcode_normalise(normal, again) && strcmp(normal, again) == 0);
    }
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_postcode(data, size);
    json_t *body =
        json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
    if (!body)
        return 0;
    json_t *details = json_array();
    json_t *out = bpa_fields_check(body, fields, "", details);
    check_details(details);
    FUZZ_CHECK((out != NULL) == json_is_object(body));
    if (out) {
        check_members(out, body, fields);
        json_t *writable = bpa_fields_writable(out, fields);
        FUZZ_CHECK(json_equal(writable, out));
        json_decref(writable);
    }
    if (out && json_array_size(details) == 0) {
        json_t *again = shown(out), *details2 = json_array();
        json_t *out2 = bpa_fields_check(again, fields, "", details2);
        FUZZ_CHECK(json_array_size(details2) == 0);
        FUZZ_CHECK(json_equal(out, out2));
        json_decref(out2);
        json_decref(details2);
        json_decref(again);
    }
    json_decref(out);
    json_decref(details);
    json_decref(body);
    return 0;
}
