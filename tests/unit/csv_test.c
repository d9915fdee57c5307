/* The CSV and TSV reader. */
#include "csv.h"
#include "suites.h"

#include <string.h>

static FILE *text(const char *s)
{
    FILE *f = fmemopen((void *)s, strlen(s), "r");
    ck_assert_ptr_nonnull(f);
    return f;
}

START_TEST(quoted_fields_hold_commas_quotes_and_line_breaks)
{
    FILE *f = text("\xEF\xBB\xBF"
                   "a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\n2,\"two\nlines\",\n3\n");
    struct bpa_csv csv;
    bpa_csv_init(&csv, f, ',', true);
    char **fields;
    size_t n;
    ck_assert_int_eq(bpa_csv_next(&csv, &fields, &n), 1);
    ck_assert_uint_eq(n, 3);
    ck_assert_str_eq(fields[0], "a");
    ck_assert_str_eq(fields[2], "c");
    ck_assert_int_eq(bpa_csv_next(&csv, &fields, &n), 1);
    ck_assert_str_eq(fields[1], "x, y");
    ck_assert_str_eq(fields[2], "say \"hi\"");
    ck_assert_int_eq(bpa_csv_next(&csv, &fields, &n), 1);
    ck_assert_uint_eq(csv.line, 3);
    ck_assert_str_eq(fields[1], "two\nlines");
    ck_assert_str_eq(fields[2], "");
    ck_assert_int_eq(bpa_csv_next(&csv, &fields, &n), 1);
    ck_assert_uint_eq(csv.line, 5);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(bpa_csv_next(&csv, &fields, &n), 0);
    bpa_csv_free(&csv);
    fclose(f);
}
END_TEST

START_TEST(an_unterminated_quote_is_an_error)
{
    FILE *f = text("a,\"open\n");
    struct bpa_csv csv;
    bpa_csv_init(&csv, f, ',', true);
    char **fields;
    size_t n;
    ck_assert_int_eq(bpa_csv_next(&csv, &fields, &n), -1);
    bpa_csv_free(&csv);
    fclose(f);
}
END_TEST

START_TEST(tabs_without_quoting)
{
    FILE *f = text("NL\t2516\t\"Den Haag\"\t\t52.07\n");
    struct bpa_csv csv;
    bpa_csv_init(&csv, f, '\t', false);
    char **fields;
    size_t n;
    ck_assert_int_eq(bpa_csv_next(&csv, &fields, &n), 1);
    ck_assert_uint_eq(n, 5);
    ck_assert_str_eq(fields[2], "\"Den Haag\"");
    ck_assert_str_eq(fields[3], "");
    ck_assert_str_eq(fields[4], "52.07");
    bpa_csv_free(&csv);
    fclose(f);
}
END_TEST

/* Found by tests/fuzz/csv_fuzz.c: a NUL byte ended its field early and
 * moved the fields after it into the wrong columns ("Den Haag" was lost). */
START_TEST(a_nul_byte_is_an_error)
{
    static const char tsv[] = "NL\t25\0"
                              "16\tDen Haag\n";
    FILE *f = fmemopen((void *)tsv, sizeof tsv - 1, "r");
    ck_assert_ptr_nonnull(f);
    struct bpa_csv csv;
    bpa_csv_init(&csv, f, '\t', false);
    char **fields;
    size_t n;
    ck_assert_int_eq(bpa_csv_next(&csv, &fields, &n), -1);
    bpa_csv_free(&csv);
    fclose(f);
}
END_TEST

Suite *csv_suite(void)
{
    Suite *s = suite_create("csv");
    TCase *tc = tcase_create("read");
    tcase_add_test(tc, quoted_fields_hold_commas_quotes_and_line_breaks);
    tcase_add_test(tc, an_unterminated_quote_is_an_error);
    tcase_add_test(tc, tabs_without_quoting);
    tcase_add_test(tc, a_nul_byte_is_an_error);
    suite_add_tcase(s, tc);
    return s;
}
