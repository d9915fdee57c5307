/* bpa_log_quote: JSON string literals for the request log, which must stay
 * valid JSON whatever bytes a path holds. */
#include "log.h"
#include "suites.h"

#include <jansson.h>
#include <string.h>

/* The literal parses back (as JSON) to `expected`. */
static void quotes_as(const char *text, size_t size, const char *expected)
{
    char out[64];
    ck_assert_uint_le(size, sizeof out);
    size_t n = bpa_log_quote(out, size, text);
    ck_assert_uint_eq(n, strlen(out));
    ck_assert_uint_lt(n, size);
    json_error_t error;
    json_t *back = json_loads(out, JSON_DECODE_ANY, &error);
    ck_assert_msg(back != NULL, "%s is not JSON: %s", out, error.text);
    ck_assert_str_eq(json_string_value(back), expected);
    json_decref(back);
}

START_TEST(plain_text_is_quoted)
{
    quotes_as("/v1/placements/1", 64, "/v1/placements/1");
    quotes_as("", 64, "");
}
END_TEST

START_TEST(quotes_backslashes_and_controls_are_escaped)
{
    quotes_as("a\"b\\c", 64, "a\"b\\c");
    quotes_as("tab\there\nnew\x01", 64, "tab\there\nnew\x01");
}
END_TEST

START_TEST(utf8_is_kept_and_other_bytes_become_question_marks)
{
    quotes_as("/caf\xc3\xa9", 64, "/caf\xc3\xa9");
    quotes_as("/caf\xe9", 64, "/caf?");          /* Latin-1, not UTF-8 */
    quotes_as("/\xc0\xaf", 64, "/??");           /* an overlong '/' */
    quotes_as("/\xed\xa0\x80", 64, "/???");      /* a surrogate */
    quotes_as("/\xf4\x90\x80\x80", 64, "/????"); /* beyond U+10FFFF */
}
END_TEST

START_TEST(a_long_text_is_cut_without_splitting_a_character)
{
    quotes_as("abcdefghijklmnopqrstuvwxyz", 12, "abc");
    /* "é" is two bytes: a cut between them drops both */
    quotes_as("ab\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 12, "ab");
    char out[2];
    ck_assert_uint_eq(bpa_log_quote(out, sizeof out, "x"), 0);
}
END_TEST

Suite *log_suite(void)
{
    Suite *s = suite_create("log");
    TCase *tc = tcase_create("quote");
    tcase_add_test(tc, plain_text_is_quoted);
    tcase_add_test(tc, quotes_backslashes_and_controls_are_escaped);
    tcase_add_test(tc, utf8_is_kept_and_other_bytes_become_question_marks);
    tcase_add_test(tc, a_long_text_is_cut_without_splitting_a_character);
    suite_add_tcase(s, tc);
    return s;
}
