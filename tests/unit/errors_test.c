/* The error table and the envelope. */
#include "errors.h"
#include "suites.h"

#include <string.h>

START_TEST(codes_are_unique_snake_case_with_error_statuses)
{
    for (unsigned i = 0; i < BPA_ERR_COUNT; i++) {
        const struct bpa_error_info *info = bpa_error_info((enum bpa_error)i);
        ck_assert_uint_eq(strspn(info->code, "abcdefghijklmnopqrstuvwxyz_"), strlen(info->code));
        ck_assert_msg(info->status >= 400 && info->status <= 599, "%s has status %u", info->code,
                      info->status);
        ck_assert(info->message[0] != '\0');
        ck_assert_int_eq(bpa_error_by_code(info->code), (int)i);
        for (unsigned j = i + 1; j < BPA_ERR_COUNT; j++)
            ck_assert_str_ne(info->code, bpa_error_info((enum bpa_error)j)->code);
    }
}
END_TEST

START_TEST(statuses_follow_the_api_conventions)
{
    ck_assert_uint_eq(bpa_error_info(BPA_ERR_MALFORMED_JSON)->status, 400);
    ck_assert_uint_eq(bpa_error_info(BPA_ERR_NOT_FOUND)->status, 404);
    ck_assert_uint_eq(bpa_error_info(BPA_ERR_METHOD_NOT_ALLOWED)->status, 405);
    ck_assert_uint_eq(bpa_error_info(BPA_ERR_PAYLOAD_TOO_LARGE)->status, 413);
    ck_assert_uint_eq(bpa_error_info(BPA_ERR_UNSUPPORTED_MEDIA_TYPE)->status, 415);
    ck_assert_uint_eq(bpa_error_info(BPA_ERR_VALIDATION_FAILED)->status, 422);
    ck_assert_uint_eq(bpa_error_info(BPA_ERR_DATABASE_UNAVAILABLE)->status, 503);
    ck_assert_int_eq(bpa_error_by_code("no_such_code"), BPA_ERR_COUNT);
}
END_TEST

START_TEST(envelope_shape)
{
    json_t *details = json_pack("[{s:s, s:s}]", "field", "postcode", "problem", "unknown");
    json_t *e =
        bpa_error_envelope(BPA_ERR_VALIDATION_FAILED, "postcode is unknown", details, "req-1");
    json_t *error = json_object_get(e, "error");
    ck_assert_uint_eq(json_object_size(e), 1);
    ck_assert_str_eq(json_string_value(json_object_get(error, "code")), "validation_failed");
    ck_assert_str_eq(json_string_value(json_object_get(error, "message")), "postcode is unknown");
    ck_assert_str_eq(json_string_value(json_object_get(error, "request_id")), "req-1");
    ck_assert_ptr_eq(json_object_get(error, "details"), details);
    json_decref(e);

    e = bpa_error_envelope(BPA_ERR_NOT_FOUND, NULL, NULL, NULL);
    error = json_object_get(e, "error");
    ck_assert_str_eq(json_string_value(json_object_get(error, "message")), "no such resource");
    ck_assert(json_is_array(json_object_get(error, "details")));
    ck_assert_uint_eq(json_array_size(json_object_get(error, "details")), 0);
    ck_assert_ptr_null(json_object_get(error, "request_id"));
    json_decref(e);
}
END_TEST

Suite *errors_suite(void)
{
    Suite *s = suite_create("errors");
    TCase *tc = tcase_create("table");
    tcase_add_test(tc, codes_are_unique_snake_case_with_error_statuses);
    tcase_add_test(tc, statuses_follow_the_api_conventions);
    tcase_add_test(tc, envelope_shape);
    suite_add_tcase(s, tc);
    return s;
}
