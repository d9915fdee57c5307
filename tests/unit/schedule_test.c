/* Weekly schedules: parsing, the half-hour rounding rule, merging, errors. */
#include "schedule.h"
#include "suites.h"

#include <string.h>

static json_t *intervals(const char *json)
{
    json_t *v = json_loads(json, 0, NULL);
    ck_assert_ptr_nonnull(v);
    return v;
}

static unsigned parse_ok(const char *json, bpa_week_text slots)
{
    json_t *in = intervals(json), *details = json_array();
    ck_assert_msg(bpa_schedule_parse(in, "schedule", slots, details), "%s refused", json);
    ck_assert_uint_eq(json_array_size(details), 0);
    json_decref(in);
    json_decref(details);
    return bpa_schedule_hours(slots);
}

START_TEST(half_hours_round_to_the_nearest_hour)
{
    bpa_week_text slots;
    ck_assert_uint_eq(parse_ok("[{\"day\":\"mon\",\"from\":\"08:00\",\"to\":\"16:30\"}]", slots),
                      9);
    ck_assert_int_eq(slots[8], '1');
    ck_assert_int_eq(slots[16], '1');
    ck_assert_int_eq(slots[17], '0');
    ck_assert_uint_eq(parse_ok("[{\"day\":\"tue\",\"from\":\"08:45\",\"to\":\"12:00\"}]", slots),
                      3);
    ck_assert_int_eq(slots[24 + 8], '0');
    ck_assert_int_eq(slots[24 + 9], '1');
    ck_assert_uint_eq(parse_ok("[{\"day\":\"sun\",\"from\":\"23:00\",\"to\":\"24:00\"}]", slots),
                      1);
    ck_assert_int_eq(slots[167], '1');
    ck_assert_uint_eq(parse_ok("[]", slots), 0);
}
END_TEST

START_TEST(format_merges_adjacent_hours)
{
    bpa_week_text slots;
    parse_ok("[{\"day\":\"wed\",\"from\":\"13:00\",\"to\":\"17:00\"},"
             "{\"day\":\"wed\",\"from\":\"09:00\",\"to\":\"13:00\"},"
             "{\"day\":\"fri\",\"from\":\"00:00\",\"to\":\"24:00\"}]",
             slots);
    json_t *out = bpa_schedule_format(slots);
    char *text = json_dumps(out, JSON_COMPACT | JSON_PRESERVE_ORDER);
    ck_assert_str_eq(text, "[{\"day\":\"wed\",\"from\":\"09:00\",\"to\":\"17:00\"},"
                           "{\"day\":\"fri\",\"from\":\"00:00\",\"to\":\"24:00\"}]");
    free(text);
    json_decref(out);
    ck_assert_ptr_null(bpa_schedule_format("0101"));
}
END_TEST

static void assert_refused(const char *json, const char *field, const char *problem)
{
    bpa_week_text slots;
    json_t *in = intervals(json), *details = json_array();
    ck_assert_msg(!bpa_schedule_parse(in, "schedule", slots, details), "%s accepted", json);
    json_t *first = json_array_get(details, 0);
    ck_assert_str_eq(json_string_value(json_object_get(first, "field")), field);
    ck_assert_msg(strstr(json_string_value(json_object_get(first, "problem")), problem),
                  "%s: problem '%s' lacks '%s'", json,
                  json_string_value(json_object_get(first, "problem")), problem);
    json_decref(in);
    json_decref(details);
}

START_TEST(bad_intervals_name_their_field)
{
    assert_refused("{}", "schedule", "list");
    assert_refused("[1]", "schedule[0]", "object");
    assert_refused("[{\"day\":\"maandag\",\"from\":\"08:00\",\"to\":\"09:00\"}]", "schedule[0].day",
                   "mon, tue");
    assert_refused("[{\"day\":\"mon\",\"from\":\"8:00\",\"to\":\"09:00\"}]", "schedule[0].from",
                   "HH:MM");
    assert_refused("[{\"day\":\"mon\",\"from\":\"08:60\",\"to\":\"09:00\"}]", "schedule[0].from",
                   "HH:MM");
    assert_refused("[{\"day\":\"mon\",\"from\":\"08:00\",\"to\":\"24:30\"}]", "schedule[0].to",
                   "HH:MM");
    assert_refused("[{\"day\":\"mon\",\"from\":\"22:00\",\"to\":\"02:00\"}]", "schedule[0].to",
                   "after 'from'");
    assert_refused("[{\"day\":\"mon\",\"from\":\"08:10\",\"to\":\"08:35\"}]", "schedule[0]",
                   "covers no hour");
    assert_refused("[{\"day\":\"mon\",\"from\":\"08:00\",\"to\":\"12:00\"},"
                   "{\"day\":\"mon\",\"from\":\"11:30\",\"to\":\"14:00\"}]",
                   "schedule[1]", "overlaps");
    assert_refused("[{\"day\":\"mon\",\"from\":\"08:00\",\"to\":\"09:00\",\"x\":1}]",
                   "schedule[0].x", "unknown");
}
END_TEST

/* Found by tests/fuzz/schedule_fuzz.c: a long unknown member whose field
 * name was cut inside a UTF-8 character lost its problem, and the schedule
 * passed without the interval. */
START_TEST(a_long_unknown_member_still_refuses_the_interval)
{
    char json[400], key[200];
    /* "schedule[0]." and 114 bytes leave the first "é" cut by the 127-byte field name */
    memset(key, 'a', 114);
    strcpy(key + 114, "\xC3\xA9\xC3\xA9");
    snprintf(json, sizeof json, "[{\"day\":\"mon\",\"from\":\"08:00\",\"to\":\"12:00\",\"%s\":1}]",
             key);
    bpa_week_text slots;
    json_t *in = intervals(json), *details = json_array();
    ck_assert(!bpa_schedule_parse(in, "schedule", slots, details));
    ck_assert_uint_eq(json_array_size(details), 1);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(details, 0), "problem")),
                     "unknown field");
    json_decref(in);
    json_decref(details);
}
END_TEST

Suite *schedule_suite(void)
{
    Suite *s = suite_create("schedule");
    TCase *tc = tcase_create("intervals");
    tcase_add_test(tc, half_hours_round_to_the_nearest_hour);
    tcase_add_test(tc, format_merges_adjacent_hours);
    tcase_add_test(tc, bad_intervals_name_their_field);
    tcase_add_test(tc, a_long_unknown_member_still_refuses_the_interval);
    suite_add_tcase(s, tc);
    return s;
}
