/* Request ids: which incoming ids are kept, and what generated ones look like. */
#include "request_id.h"
#include "suites.h"

#include <string.h>

START_TEST(sane_ids_are_kept)
{
    char out[BPA_REQUEST_ID_MAX + 1];
    const char *kept[] = {"a", "abc-123", "portal:req_9.x", "0123456789abcdef0123456789abcdef"};
    for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++) {
        bpa_request_id_choose(kept[i], out);
        ck_assert_str_eq(out, kept[i]);
    }
}
END_TEST

START_TEST(insane_ids_are_replaced)
{
    char long_id[BPA_REQUEST_ID_MAX + 2];
    memset(long_id, 'a', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    const char *refused[] = {"", "with space", "new\nline", "quote\"", "<script>", "é", long_id};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        ck_assert_msg(!bpa_request_id_is_sane(refused[i]), "'%s' should be refused", refused[i]);
        char out[BPA_REQUEST_ID_MAX + 1];
        bpa_request_id_choose(refused[i], out);
        ck_assert_uint_eq(strlen(out), 32);
        ck_assert(bpa_request_id_is_sane(out));
    }
}
END_TEST

START_TEST(longest_sane_id_is_kept)
{
    char id[BPA_REQUEST_ID_MAX + 1];
    memset(id, 'z', BPA_REQUEST_ID_MAX);
    id[BPA_REQUEST_ID_MAX] = '\0';
    ck_assert(bpa_request_id_is_sane(id));
}
END_TEST

START_TEST(generated_ids_are_hex_and_differ)
{
    char a[BPA_REQUEST_ID_MAX + 1], b[BPA_REQUEST_ID_MAX + 1];
    bpa_request_id_choose(NULL, a);
    bpa_request_id_generate(b);
    ck_assert_uint_eq(strlen(a), 32);
    ck_assert_uint_eq(strspn(a, "0123456789abcdef"), 32);
    ck_assert_str_ne(a, b);
}
END_TEST

Suite *request_id_suite(void)
{
    Suite *s = suite_create("request_id");
    TCase *tc = tcase_create("choose");
    tcase_add_test(tc, sane_ids_are_kept);
    tcase_add_test(tc, insane_ids_are_replaced);
    tcase_add_test(tc, longest_sane_id_is_kept);
    tcase_add_test(tc, generated_ids_are_hex_and_differ);
    suite_add_tcase(s, tc);
    return s;
}
