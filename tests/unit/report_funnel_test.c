/* The funnel's text (server/report_funnel.h): the JSON parses back to the
 * rows, with labels that need escaping, their conversions and totals; the
 * CSV reads back to the same figures, quoted where it must be. */
#include "csv.h"
#include "report_funnel.h"
#include "suites.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const label = "Bakkerij \"De Laak\", Binckhorst\n\t\\ \x01";

/* Two rows: one with every step, one with nothing to convert. */
static void two_rows(struct bpa_funnel *f)
{
    const char *first[] = {"2026-01-01", "7", label, "2", "1", "2", "1", "1",
                           "1",          "1", "0",   "0", "0", "0", "0"};
    const char *second[] = {"2026-02-01", "8", NULL, "0", "0", "0", "0", "0",
                            "0",          "0", "0",  "0", "0", "0", "0"};
    ck_assert_int_eq(bpa_funnel_add_row(first, 15, f), 0);
    ck_assert_int_eq(bpa_funnel_add_row(second, 15, f), 0);
}

START_TEST(the_json_parses_back_to_the_rows)
{
    struct bpa_funnel f = {0};
    two_rows(&f);
    char *text = bpa_funnel_json(&f, "2026-01-01", "2026-12-31", "month", "employer");
    json_error_t error;
    json_t *doc = json_loads(text, 0, &error);
    ck_assert_msg(doc != NULL, "%s: %s", error.text, text);
    ck_assert_str_eq(json_string_value(json_object_get(doc, "group")), "employer");
    json_t *row = json_array_get(json_object_get(doc, "rows"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(row, "period_start")), "2026-01-01");
    json_t *group = json_object_get(row, "group");
    ck_assert_str_eq(json_string_value(json_object_get(group, "key")), "7");
    ck_assert_str_eq(json_string_value(json_object_get(group, "label")), label);
    json_t *entered = json_object_get(row, "entered");
    ck_assert_int_eq(json_integer_value(json_object_get(entered, "applied")), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(entered, "cancelled")), 0);
    json_t *conversion = json_object_get(row, "conversion");
    ck_assert_double_eq(json_real_value(json_object_get(conversion, "approved_from_submitted")),
                        round(2.0 / 3 * 1e4) / 1e4);
    ck_assert_double_eq(json_real_value(json_object_get(conversion, "completed_from_started")),
                        1.0);
    row = json_array_get(json_object_get(doc, "rows"), 1);
    ck_assert(json_is_null(json_object_get(json_object_get(row, "group"), "label")));
    ck_assert(json_is_null(
        json_object_get(json_object_get(row, "conversion"), "confirmed_from_approved")));
    json_t *totals = json_object_get(doc, "totals");
    ck_assert_int_eq(
        json_integer_value(json_object_get(json_object_get(totals, "entered"), "approved")), 2);
    json_decref(doc);
    free(text);
    bpa_funnel_free(&f);
}
END_TEST

START_TEST(ungrouped_rows_have_no_group)
{
    struct bpa_funnel f = {0};
    two_rows(&f);
    char *text = bpa_funnel_json(&f, "2026-01-01", "2026-12-31", "week", NULL);
    json_t *doc = json_loads(text, 0, NULL);
    ck_assert_ptr_nonnull(doc);
    ck_assert(json_is_null(json_object_get(doc, "group")));
    ck_assert_ptr_null(json_object_get(json_array_get(json_object_get(doc, "rows"), 0), "group"));
    json_decref(doc);
    free(text);
    bpa_funnel_free(&f);
    text = bpa_funnel_json(&f, "2026-01-01", "2026-12-31", "week", NULL); /* no rows */
    doc = json_loads(text, 0, NULL);
    ck_assert_uint_eq(json_array_size(json_object_get(doc, "rows")), 0);
    json_decref(doc);
    free(text);
}
END_TEST

START_TEST(the_csv_reads_back_to_the_same_figures)
{
    struct bpa_funnel f = {0};
    two_rows(&f);
    size_t len;
    char *text = bpa_funnel_csv(&f, &len);
    FILE *in = fmemopen(text, len, "r");
    struct bpa_csv csv;
    bpa_csv_init(&csv, in, ',', true);
    char **fields;
    size_t n;
    ck_assert_int_eq(bpa_csv_next(&csv, &fields, &n), 1);
    ck_assert_uint_eq(n, 19);
    ck_assert_str_eq(fields[15], "approved_from_submitted");
    ck_assert_int_eq(bpa_csv_next(&csv, &fields, &n), 1);
    ck_assert_str_eq(fields[2], label);
    ck_assert_str_eq(fields[3], "2");
    ck_assert_str_eq(fields[15], "0.6667");
    ck_assert_str_eq(fields[18], "1.0");
    ck_assert_int_eq(bpa_csv_next(&csv, &fields, &n), 1);
    ck_assert_str_eq(fields[2], "");
    ck_assert_str_eq(fields[16], ""); /* nothing approved: no conversion */
    ck_assert_int_eq(bpa_csv_next(&csv, &fields, &n), 1);
    ck_assert_str_eq(fields[0], "total");
    ck_assert_str_eq(fields[5], "2");
    ck_assert_int_eq(bpa_csv_next(&csv, &fields, &n), 0);
    bpa_csv_free(&csv);
    fclose(in);
    free(text);
    bpa_funnel_free(&f);
}
END_TEST

/* Every conversion of small counts is written as "%.12g" would write the
 * rounded share, with ".0" when that has no point (the JSON replies'
 * reals). */
START_TEST(conversions_are_written_as_the_json_replies_write_reals)
{
    enum { MOST = 120 };
    struct bpa_funnel f = {0};
    char part[12], whole[12];
    for (int w = 1; w <= MOST; w++)
        for (int p = 0; p <= MOST + 40; p += 1 + (p > MOST)) {
            snprintf(part, sizeof part, "%d", p);
            snprintf(whole, sizeof whole, "%d", w);
            const char *row[] = {"2026-01-01", NULL, NULL, whole, "0", part, "0", "0",
                                 "0",          "0",  "0",  "0",   "0", "0",  "0"};
            ck_assert_int_eq(bpa_funnel_add_row(row, 15, &f), 0);
        }
    size_t len;
    char *text = bpa_funnel_csv(&f, &len);
    FILE *in = fmemopen(text, len, "r");
    struct bpa_csv csv;
    bpa_csv_init(&csv, in, ',', true);
    char **fields;
    size_t n;
    ck_assert_int_eq(bpa_csv_next(&csv, &fields, &n), 1); /* the header */
    for (size_t r = 0; r < f.count; r++) {
        ck_assert_int_eq(bpa_csv_next(&csv, &fields, &n), 1);
        double share =
            round((double)f.rows[r].entered[2] / (double)f.rows[r].entered[0] * 1e4) / 1e4;
        char expected[40];
        snprintf(expected, sizeof expected, "%.12g", share);
        if (!strpbrk(expected, ".e"))
            strcat(expected, ".0");
        ck_assert_str_eq(fields[15], expected);
    }
    bpa_csv_free(&csv);
    fclose(in);
    free(text);
    bpa_funnel_free(&f);
}
END_TEST

Suite *report_funnel_suite(void)
{
    Suite *s = suite_create("report_funnel");
    TCase *tc = tcase_create("report_funnel");
    tcase_add_test(tc, the_json_parses_back_to_the_rows);
    tcase_add_test(tc, ungrouped_rows_have_no_group);
    tcase_add_test(tc, the_csv_reads_back_to_the_same_figures);
    tcase_add_test(tc, conversions_are_written_as_the_json_replies_write_reals);
    suite_add_tcase(s, tc);
    return s;
}
