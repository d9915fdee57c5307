/* Declarative field checks: types, ranges, lengths, normalisation, paths. */
#include "fields.h"
#include "suites.h"

#include <string.h>

static const char *const colours[] = {"red", "green", NULL};

static const struct bpa_field item_fields[] = {
    {"email", BPA_EMAIL, BPA_REQUIRED, 0, 0, NULL, NULL},
    {0},
};

static const struct bpa_field fields[] = {
    {"id", BPA_INTEGER, BPA_READ_ONLY, 0, 0, NULL, NULL},
    {"name", BPA_TEXT, BPA_REQUIRED, 1, 5, NULL, NULL},
    {"note", BPA_TEXT, BPA_MULTILINE | BPA_NULLABLE, 0, 50, NULL, NULL},
    {"count", BPA_INTEGER, 0, 1, 10, NULL, NULL},
    {"share", BPA_NUMBER, 0, 0, 1, NULL, NULL},
    {"when", BPA_DATE, 0, 0, 0, NULL, NULL},
    {"at", BPA_TIMESTAMP, 0, 0, 0, NULL, NULL},
    {"colour", BPA_CHOICE, 0, 0, 0, colours, NULL},
    {"kvk", BPA_KVK, 0, 0, 0, NULL, NULL},
    {"postcode", BPA_POSTCODE, 0, 0, 0, NULL, NULL},
    {"phone", BPA_PHONE, 0, 0, 0, NULL, NULL},
    {"codes", BPA_CODES, 0, 0, 2, NULL, NULL},
    {"uris", BPA_URIS, 0, 0, 3, NULL, NULL},
    {"people", BPA_OBJECTS, 0, 0, 2, NULL, item_fields},
    {0},
};

static json_t *check(const char *body, json_t **details)
{
    json_t *in = json_loads(body, 0, NULL);
    ck_assert_msg(in != NULL, "bad test JSON %s", body);
    *details = json_array();
    json_t *out = bpa_fields_check(in, fields, "", *details);
    json_decref(in);
    return out;
}

START_TEST(valid_input_is_normalised)
{
    json_t *details;
    json_t *out = check("{\"name\":\"  Ans \",\"note\":\"a\\nb\",\"count\":3,\"share\":0.5,"
                        "\"when\":\"2028-02-29\",\"at\":\"2026-05-01T09:30:00.5+02:00\","
                        "\"colour\":\"red\",\"kvk\":\"12345678\",\"postcode\":\"2516be\","
                        "\"phone\":\"+31 70 123 4567\",\"codes\":[\"vca_basis\"],"
                        "\"uris\":[\"http://data.europa.eu/esco/skill/x\"],"
                        "\"people\":[{\"email\":\"a@b.nl\"}]}",
                        &details);
    ck_assert_msg(json_array_size(details) == 0, "%s", json_dumps(details, 0));
    ck_assert_str_eq(json_string_value(json_object_get(out, "name")), "Ans");
    ck_assert_str_eq(json_string_value(json_object_get(out, "postcode")), "2516 BE");
    ck_assert_int_eq(json_integer_value(json_object_get(out, "count")), 3);
    json_decref(out);
    json_decref(details);
}
END_TEST

struct refusal {
    const char *body;
    const char *field;
    const char *problem;
};

START_TEST(each_bad_field_is_named)
{
    static const struct refusal cases[] = {
        {"{}", "name", "is required"},
        {"{\"name\":\"\"}", "name", "must not be empty"},
        {"{\"name\":\"   \"}", "name", "must not be empty"},
        {"{\"name\":\"toolong\"}", "name", "at most 5"},
        {"{\"name\":\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\"}", NULL, NULL}, /* 5 characters */
        {"{\"name\":\"a\\u0007b\"}", "name", "control"},
        {"{\"name\":\"a\\u0085b\"}", "name", "control"},
        {"{\"name\":\"a\\nb\"}", "name", "control"},
        {"{\"name\":7}", "name", "string"},
        {"{\"name\":null}", "name", "null"},
        {"{\"name\":\"a\",\"id\":3}", "id", "read-only"},
        {"{\"name\":\"a\",\"nme\":3}", "nme", "not a known field"},
        {"{\"name\":\"a\",\"count\":1.5}", "count", "whole number"},
        {"{\"name\":\"a\",\"count\":11}", "count", "from 1 to 10"},
        {"{\"name\":\"a\",\"count\":\"3\"}", "count", "whole number"},
        {"{\"name\":\"a\",\"share\":true}", "share", "number"},
        {"{\"name\":\"a\",\"when\":\"2027-02-29\"}", "when", "YYYY-MM-DD"},
        {"{\"name\":\"a\",\"when\":\"2027-13-01\"}", "when", "YYYY-MM-DD"},
        {"{\"name\":\"a\",\"at\":\"2026-05-01 09:30\"}", "at", "RFC 3339"},
        {"{\"name\":\"a\",\"at\":\"2026-05-01T09:30:00\"}", "at", "RFC 3339"},
        {"{\"name\":\"a\",\"colour\":\"blue\"}", "colour", "red, green"},
        {"{\"name\":\"a\",\"kvk\":\"1234567\"}", "kvk", "8 digits"},
        {"{\"name\":\"a\",\"kvk\":\"1234567a\"}", "kvk", "8 digits"},
        {"{\"name\":\"a\",\"postcode\":\"0516 BE\"}", "postcode", "Dutch postcode"},
        {"{\"name\":\"a\",\"postcode\":\"2516 SS\"}", "postcode", "Dutch postcode"},
        {"{\"name\":\"a\",\"postcode\":\"2516 B\"}", "postcode", "Dutch postcode"},
        {"{\"name\":\"a\",\"phone\":\"call me\"}", "phone", "phone number"},
        {"{\"name\":\"a\",\"codes\":[\"VCA\"]}", "codes[0]", "code"},
        {"{\"name\":\"a\",\"codes\":[\"ab\",\"ab\"]}", "codes[1]", "twice"},
        {"{\"name\":\"a\",\"codes\":[\"ab\",\"cd\",\"ef\"]}", "codes", "at most 2"},
        {"{\"name\":\"a\",\"uris\":[\"ftp://x/y\"]}", "uris[0]", "URI"},
        {"{\"name\":\"a\",\"uris\":[\"http://x/\"]}", "uris[0]", "URI"},
        {"{\"name\":\"a\",\"people\":[{\"email\":\"nope\"}]}", "people[0].email", "e-mail"},
        {"{\"name\":\"a\",\"people\":[{}]}", "people[0].email", "is required"},
        {"{\"name\":\"a\",\"people\":[3]}", "people[0]", "object"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *details;
        json_t *out = check(cases[i].body, &details);
        if (!cases[i].field) {
            ck_assert_msg(json_array_size(details) == 0, "%s refused", cases[i].body);
        } else {
            json_t *first = json_array_get(details, 0);
            const char *field = json_string_value(json_object_get(first, "field"));
            const char *problem = json_string_value(json_object_get(first, "problem"));
            ck_assert_msg(field && strcmp(field, cases[i].field) == 0 &&
                              strstr(problem, cases[i].problem),
                          "%s: got %s '%s', wanted %s '%s'", cases[i].body, field, problem,
                          cases[i].field, cases[i].problem);
        }
        json_decref(out);
        json_decref(details);
    }
}
END_TEST

START_TEST(writable_drops_read_only_members)
{
    json_t *doc = json_pack("{s:i, s:s}", "id", 4, "name", "x");
    json_t *w = bpa_fields_writable(doc, fields);
    ck_assert_ptr_null(json_object_get(w, "id"));
    ck_assert_ptr_nonnull(json_object_get(w, "name"));
    json_decref(w);
    json_decref(doc);
}
END_TEST

START_TEST(postcodes_normalise)
{
    char out[8];
    ck_assert(bpa_postcode_normalise("2516BE", out));
    ck_assert_str_eq(out, "2516 BE");
    ck_assert(bpa_postcode_normalise("2516 be", out));
    ck_assert_str_eq(out, "2516 BE");
    ck_assert(bpa_postcode_normalise("2516", out));
    ck_assert_str_eq(out, "2516");
    ck_assert(!bpa_postcode_normalise("25166", out));
    ck_assert(!bpa_postcode_normalise("2516  BE", out));
    ck_assert(!bpa_postcode_normalise("", out));
}
END_TEST

Suite *fields_suite(void)
{
    Suite *s = suite_create("fields");
    TCase *tc = tcase_create("check");
    tcase_add_test(tc, valid_input_is_normalised);
    tcase_add_test(tc, each_bad_field_is_named);
    tcase_add_test(tc, writable_drops_read_only_members);
    tcase_add_test(tc, postcodes_normalise);
    suite_add_tcase(s, tc);
    return s;
}
