/* The coordinators' reports through HTTP against PostgreSQL, over one
 * known world built before the tests (which only read it):
 *
 * History (2015, on two draft placements P1 of employer E1 and P2 of E2;
 * times in UTC, Amsterdam is UTC+1 then):
 *   M1 S1 P1 applied 01-05 10:00, approved 01-06 10:00, employer accepts
 *            01-06 14:00, confirmed 01-07 10:00, started 02-02 10:00,
 *            completed 03-02 10:00
 *   M2 S2 P1 proposed 01-10 10:00, approved 12:00, declined 01-11 12:00
 *   M3 S1 P1 applied 02-03 10:00, rejected 02-04 10:00
 *   M4 S2 P2 proposed 02-10 10:00, approved 20:00, withdrawn 02-12 20:00
 *   M5 S1 P2 proposed 03-01 10:00, approved 12:00 (still waiting)
 *   M6 S2 P1 applied 2014-12-31 22:30 (23:30 in Amsterdam: before 2015)
 *   M7 S1 P1 applied 2014-12-31 23:30 (00:30 on 1 January in Amsterdam)
 * S2 is erased afterwards: its matches still count.
 *
 * The matcher's world (open placements of E1, active seekers):
 *   PA 2516, no skills     PB 2516, essential solder and wiring
 *   PC 1011 (Amsterdam, plumber)    PD 2522, essential solder
 *   S1, S3 (solder 2), S4 (max 1 km), all of portal X, in 2522; S5 of
 *   portal Y, in 2522. Every other figure below is worked out by hand from
 *   these. */
#include "api_checks.h"
#include "csv.h"
#include "harness.h"

#include <check.h>
#include <curl/curl.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SKILL   "http://data.europa.eu/esco/skill/test-"
#define PLUMBER "http://data.europa.eu/esco/occupation/test-plumber"
#define YEAR    "from=2015-01-01&to=2015-12-31"
#define SOLDER  SKILL "solder"
#define WIRING  SKILL "wiring"

static struct harness_db db;
static struct harness_server server;
static char *coordinator, *employer_user, *portal_x_key, *portal_y_key;
static long long employer_1, employer_2, portal_x, portal_y;

static const char *const reports[] = {"funnel",     "time-in-stage",         "unmet-demand",
                                      "skills-gap", "seekers-without-match", NULL};

/* --- reading reports --- */

static json_t *report(const char *path)
{
    struct http_response r = api_call(&server, coordinator, "GET", path, NULL);
    API_EXPECT(r, 200, NULL);
    json_t *doc = json_incref(r.json);
    http_response_free(&r);
    return doc;
}

/* The CSV of `path`, asked for by `Accept` (or by ?format=csv when NULL),
 * its records as arrays of strings, the header row first. */
static json_t *report_csv(const char *path, const char *accept, const char *filename)
{
    char auth[300];
    const char *headers[] = {harness_bearer(coordinator, auth, sizeof auth),
                             accept ? fmt("Accept: %s", accept) : NULL, NULL};
    struct http_response r;
    api_note_call("GET", path);
    http_call(&server, "GET", path, headers, NULL, &r);
    API_EXPECT(r, 200, NULL);
    char type[80], disposition[160];
    ck_assert(http_header(&r, "Content-Type", type, sizeof type));
    ck_assert_str_eq(type, "text/csv; charset=utf-8");
    ck_assert(http_header(&r, "Content-Disposition", disposition, sizeof disposition));
    ck_assert_str_eq(disposition, fmt("attachment; filename=\"%s.csv\"", filename));
    FILE *in = fmemopen(r.body, r.body_len, "r");
    struct bpa_csv csv;
    bpa_csv_init(&csv, in, ',', true);
    json_t *records = json_array();
    char **fields;
    size_t count;
    int got;
    while ((got = bpa_csv_next(&csv, &fields, &count)) == 1) {
        json_t *record = json_array();
        for (size_t i = 0; i < count; i++)
            json_array_append_new(record, json_string(fields[i]));
        json_array_append_new(records, record);
    }
    ck_assert_int_eq(got, 0);
    bpa_csv_free(&csv);
    fclose(in);
    http_response_free(&r);
    return records;
}

static const char *cell(const json_t *records, size_t row, size_t column)
{
    return json_string_value(json_array_get(json_array_get(records, row), column));
}

/* The item of `list` whose `member` is `value` (text). */
static json_t *find(const json_t *list, const char *member, const char *value)
{
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item)
    {
        const json_t *v = json_object_get(item, member);
        const char *text = json_is_string(v)    ? json_string_value(v)
                           : json_is_integer(v) ? fmt("%lld", (long long)json_integer_value(v))
                                                : "";
        if (strcmp(text, value) == 0)
            return item;
    }
    return NULL;
}

static long long count_in(const json_t *object, const char *step)
{
    return api_number(object, step);
}

static double number(const json_t *object, const char *member)
{
    return json_number_value(json_object_get(object, member));
}

/* "code:n,code:n" of a ranked list of {code, `count`}, in order. */
static const char *ranked_text(const json_t *list, const char *count)
{
    char *text = fmt("%s", "");
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item) text =
        fmt("%s%s%s:%lld", text, i ? "," : "", api_text(item, "code"), api_number(item, count));
    return text;
}

/* --- the funnel --- */

static void expect_steps(const json_t *entered, const char *expected)
{
    static const char *const steps[] = {
        "applied",     "proposed", "approved", "accepted",  "confirmed", "started", "completed",
        "dropped_out", "rejected", "declined", "withdrawn", "cancelled", NULL};
    char *text = fmt("%s", "");
    for (size_t i = 0; steps[i]; i++)
        text = fmt("%s%s%lld", text, i ? " " : "", count_in(entered, steps[i]));
    ck_assert_str_eq(text, expected);
}

START_TEST(the_funnel_counts_every_step_per_month_with_its_conversions)
{
    json_t *doc = report("/v1/reports/funnel?" YEAR "&period=month");
    ck_assert_str_eq(api_text(doc, "from"), "2015-01-01");
    ck_assert_str_eq(api_text(doc, "period"), "month");
    const json_t *rows = json_object_get(doc, "rows");
    ck_assert_uint_eq(json_array_size(rows), 3);
    /* applied proposed approved accepted confirmed started completed
     * dropped_out rejected declined withdrawn cancelled */
    const json_t *january = json_array_get(rows, 0);
    ck_assert_str_eq(api_text(january, "period_start"), "2015-01-01");
    expect_steps(json_object_get(january, "entered"), "2 1 2 1 1 0 0 0 0 1 0 0");
    const json_t *conversion = json_object_get(january, "conversion");
    ck_assert_double_eq_tol(number(conversion, "approved_from_submitted"), 0.6667, 1e-9);
    ck_assert_double_eq_tol(number(conversion, "confirmed_from_approved"), 0.5, 1e-9);
    ck_assert_double_eq_tol(number(conversion, "started_from_confirmed"), 0, 1e-9);
    ck_assert(json_is_null(json_object_get(conversion, "completed_from_started")));
    expect_steps(json_object_get(json_array_get(rows, 1), "entered"), "1 1 1 0 0 1 0 0 1 0 1 0");
    ck_assert_str_eq(api_text(json_array_get(rows, 2), "period_start"), "2015-03-01");
    expect_steps(json_object_get(json_array_get(rows, 2), "entered"), "0 1 1 0 0 0 1 0 0 0 0 0");
    const json_t *totals = json_object_get(doc, "totals");
    expect_steps(json_object_get(totals, "entered"), "3 3 4 1 1 1 1 0 1 1 1 0");
    conversion = json_object_get(totals, "conversion");
    ck_assert_double_eq_tol(number(conversion, "approved_from_submitted"), 0.6667, 1e-9);
    ck_assert_double_eq_tol(number(conversion, "confirmed_from_approved"), 0.25, 1e-9);
    ck_assert_double_eq_tol(number(conversion, "started_from_confirmed"), 1, 1e-9);
    ck_assert_double_eq_tol(number(conversion, "completed_from_started"), 1, 1e-9);
    json_decref(doc);

    /* a range of one day: 1 January in Amsterdam holds M7's application only */
    doc = report("/v1/reports/funnel?from=2015-01-01&to=2015-01-01&period=week");
    rows = json_object_get(doc, "rows");
    ck_assert_uint_eq(json_array_size(rows), 1);
    ck_assert_str_eq(api_text(json_array_get(rows, 0), "period_start"), "2014-12-29");
    expect_steps(json_object_get(json_array_get(rows, 0), "entered"), "1 0 0 0 0 0 0 0 0 0 0 0");
    json_decref(doc);
}
END_TEST

START_TEST(the_funnel_groups_by_employer_and_portal)
{
    json_t *doc = report("/v1/reports/funnel?" YEAR "&period=quarter&group=employer");
    ck_assert_str_eq(api_text(doc, "group"), "employer");
    const json_t *rows = json_object_get(doc, "rows");
    ck_assert_uint_eq(json_array_size(rows), 2);
    json_t *first = NULL, *second = NULL, *row;
    size_t i;
    json_array_foreach(rows, i, row)
    {
        ck_assert_str_eq(api_text(row, "period_start"), "2015-01-01");
        const json_t *group = json_object_get(row, "group");
        if (strcmp(api_text(group, "key"), fmt("%lld", employer_1)) == 0)
            first = row;
        if (strcmp(api_text(group, "key"), fmt("%lld", employer_2)) == 0)
            second = row;
    }
    ck_assert_ptr_nonnull(first);
    ck_assert_ptr_nonnull(second);
    ck_assert_str_eq(api_text(json_object_get(first, "group"), "label"), "Rapport Een BV");
    expect_steps(json_object_get(first, "entered"), "3 1 2 1 1 1 1 0 1 1 0 0");
    expect_steps(json_object_get(second, "entered"), "0 2 2 0 0 0 0 0 0 0 1 0");
    ck_assert_double_eq_tol(
        number(json_object_get(second, "conversion"), "confirmed_from_approved"), 0, 1e-9);
    json_decref(doc);

    /* all of it through portal X's seekers (S2 was erased, and still counts) */
    doc = report("/v1/reports/funnel?" YEAR "&period=quarter&group=portal");
    rows = json_object_get(doc, "rows");
    ck_assert_uint_eq(json_array_size(rows), 1);
    ck_assert_str_eq(api_text(json_object_get(json_array_get(rows, 0), "group"), "label"),
                     "Report portal X");
    expect_steps(json_object_get(json_array_get(rows, 0), "entered"), "3 3 4 1 1 1 1 0 1 1 1 0");
    json_decref(doc);
}
END_TEST

START_TEST(the_funnel_as_csv_agrees_with_json)
{
    json_t *doc = report("/v1/reports/funnel?" YEAR "&period=month");
    const char *filename = "funnel-2015-01-01-2015-12-31";
    json_t *by_format =
        report_csv("/v1/reports/funnel?" YEAR "&period=month&format=csv", NULL, filename);
    json_t *by_accept =
        report_csv("/v1/reports/funnel?" YEAR "&period=month", "text/csv", filename);
    ck_assert(json_equal(by_format, by_accept));
    ck_assert_str_eq(cell(by_format, 0, 0), "period_start");
    ck_assert_str_eq(cell(by_format, 0, 3), "applied");
    ck_assert_str_eq(cell(by_format, 0, 15), "approved_from_submitted");
    ck_assert_uint_eq(json_array_size(json_array_get(by_format, 0)), 19);
    const json_t *rows = json_object_get(doc, "rows");
    ck_assert_uint_eq(json_array_size(by_format), json_array_size(rows) + 2);
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        ck_assert_str_eq(cell(by_format, i + 1, 0), api_text(row, "period_start"));
        ck_assert_str_eq(cell(by_format, i + 1, 1), "");
        ck_assert_str_eq(cell(by_format, i + 1, 3),
                         fmt("%lld", count_in(json_object_get(row, "entered"), "applied")));
        ck_assert_str_eq(cell(by_format, i + 1, 5),
                         fmt("%lld", count_in(json_object_get(row, "entered"), "approved")));
    }
    size_t total = json_array_size(rows) + 1;
    ck_assert_str_eq(cell(by_format, total, 0), "total");
    ck_assert_str_eq(cell(by_format, total, 5), "4");
    ck_assert_str_eq(cell(by_format, total, 16), "0.25");
    ck_assert_str_eq(cell(by_format, 1, 18), ""); /* January: nothing started */
    json_decref(by_format);
    json_decref(by_accept);
    json_decref(doc);
}
END_TEST

/* --- time in stage --- */

static void expect_stays(const json_t *states, const char *state, long long stays, double median,
                         double p90)
{
    const json_t *item = find(states, "state", state);
    ck_assert_msg(item != NULL, "no stays in %s", state);
    ck_assert_int_eq(api_number(item, "stays"), stays);
    ck_assert_double_eq_tol(number(item, "median_hours"), median, 1e-9);
    ck_assert_double_eq_tol(number(item, "p90_hours"), p90, 1e-9);
}

START_TEST(time_in_stage_gives_medians_and_the_slowest_employers)
{
    json_t *doc = report("/v1/reports/time-in-stage?" YEAR);
    const json_t *states = json_object_get(doc, "states");
    ck_assert_uint_eq(json_array_size(states), 5);
    expect_stays(states, "applied", 2, 24, 24);
    expect_stays(states, "proposed", 3, 2, 8.4);
    expect_stays(states, "approved", 3, 24, 43.2);
    expect_stays(states, "confirmed", 1, 624, 624);
    expect_stays(states, "started", 1, 672, 672);
    const json_t *employers = json_object_get(doc, "employer_response");
    ck_assert_uint_eq(json_array_size(employers), 2);
    const json_t *e1 = json_array_get(employers, 0), *e2 = json_array_get(employers, 1);
    ck_assert_int_eq(api_number(e1, "employer_id"), employer_1);
    ck_assert_str_eq(api_text(e1, "employer_name"), "Rapport Een BV");
    ck_assert_int_eq(api_number(e1, "approved"), 2);
    ck_assert_int_eq(api_number(e1, "responses"), 2);
    ck_assert_double_eq_tol(number(e1, "median_hours"), 14, 1e-9);
    ck_assert_double_eq_tol(number(e1, "p90_hours"), 22, 1e-9);
    ck_assert_int_eq(api_number(e1, "waiting"), 0);
    ck_assert_int_eq(api_number(e2, "employer_id"), employer_2);
    ck_assert_int_eq(api_number(e2, "approved"), 2);
    ck_assert_int_eq(api_number(e2, "responses"), 0);
    ck_assert(json_is_null(json_object_get(e2, "median_hours")));
    ck_assert_int_eq(api_number(e2, "waiting"), 1);

    json_t *csv = report_csv("/v1/reports/time-in-stage?" YEAR, "text/csv",
                             "time-in-stage-2015-01-01-2015-12-31");
    ck_assert_uint_eq(json_array_size(csv), 1 + 5 + 2);
    ck_assert_str_eq(cell(csv, 0, 0), "section");
    ck_assert_str_eq(cell(csv, 1, 0), "state");
    ck_assert_str_eq(cell(csv, 1, 1), api_text(json_array_get(states, 0), "state"));
    size_t proposed = 0;
    for (size_t i = 1; i <= 5; i++)
        if (strcmp(cell(csv, i, 1), "proposed") == 0)
            proposed = i;
    ck_assert_str_eq(cell(csv, proposed, 4), "3");
    ck_assert_str_eq(cell(csv, proposed, 5), "2");
    ck_assert_str_eq(cell(csv, proposed, 6), "8.4");
    ck_assert_str_eq(cell(csv, 6, 0), "employer_response");
    ck_assert_str_eq(cell(csv, 6, 2), fmt("%lld", employer_1));
    ck_assert_str_eq(cell(csv, 6, 3), "Rapport Een BV");
    ck_assert_str_eq(cell(csv, 6, 5), "14");
    ck_assert_str_eq(cell(csv, 7, 5), "");
    ck_assert_str_eq(cell(csv, 7, 8), "1");
    json_decref(csv);

    /* one table of the two, as the console's links ask */
    csv = report_csv("/v1/reports/time-in-stage?" YEAR "&format=csv&table=employer_response", NULL,
                     "time-in-stage-2015-01-01-2015-12-31-employer_response");
    ck_assert_uint_eq(json_array_size(csv), 1 + 2);
    ck_assert_str_eq(cell(csv, 1, 0), "employer_response");
    ck_assert_str_eq(cell(csv, 2, 0), "employer_response");
    json_decref(csv);
    csv = report_csv("/v1/reports/time-in-stage?" YEAR "&format=csv&table=states", NULL,
                     "time-in-stage-2015-01-01-2015-12-31-states");
    ck_assert_uint_eq(json_array_size(csv), 1 + 5);
    ck_assert_str_eq(cell(csv, 5, 0), "state");
    json_decref(csv);
    json_decref(doc);
}
END_TEST

/* --- the matcher's reports --- */

START_TEST(unmet_demand_groups_unfilled_placements_with_their_reasons)
{
    json_t *doc = report("/v1/reports/unmet-demand");
    ck_assert_int_eq(api_number(doc, "open_placements"), 4);
    ck_assert_int_eq(api_number(doc, "active_seekers"), 4);
    ck_assert_int_eq(api_number(doc, "unmet_placements"), 2);
    const json_t *districts = json_object_get(doc, "by_district");
    ck_assert_uint_eq(json_array_size(districts), 2);
    const json_t *amsterdam = json_array_get(districts, 0), *binck = json_array_get(districts, 1);
    ck_assert_str_eq(api_text(amsterdam, "pc4"), "1011");
    ck_assert(json_is_null(json_object_get(amsterdam, "district")));
    ck_assert_str_eq(ranked_text(json_object_get(amsterdam, "reasons"), "pairs"), "too_far:4");
    ck_assert_str_eq(api_text(binck, "pc4"), "2516");
    ck_assert_str_eq(api_text(binck, "district"), "Laak");
    ck_assert_str_eq(api_text(binck, "area"), "Binckhorst");
    ck_assert_str_eq(api_text(binck, "place"), "Den Haag");
    ck_assert_int_eq(api_number(binck, "placements"), 1);
    ck_assert_str_eq(ranked_text(json_object_get(binck, "reasons"), "pairs"),
                     "essential_skill:4,too_far:1");
    const json_t *missing = json_object_get(binck, "missing_skills");
    ck_assert_uint_eq(json_array_size(missing), 2);
    ck_assert_str_eq(api_text(json_array_get(missing, 0), "uri"), WIRING);
    ck_assert_int_eq(api_number(json_array_get(missing, 0), "pairs"), 4);
    ck_assert_str_eq(api_text(json_array_get(missing, 0), "label_en"), "install electrical wiring");
    ck_assert_str_eq(api_text(json_array_get(missing, 1), "uri"), SOLDER);
    ck_assert_int_eq(api_number(json_array_get(missing, 1), "pairs"), 3);
    ck_assert_str_eq(api_text(json_array_get(missing, 1), "label_nl"), "leidingen solderen");

    const json_t *occupations = json_object_get(doc, "by_occupation");
    ck_assert_uint_eq(json_array_size(occupations), 2);
    const json_t *plumber = find(occupations, "occupation_uri", PLUMBER);
    ck_assert_ptr_nonnull(plumber);
    ck_assert_str_eq(api_text(plumber, "label_en"), "plumber");
    ck_assert_str_eq(api_text(plumber, "label_nl"), "loodgieter");
    ck_assert_str_eq(ranked_text(json_object_get(plumber, "reasons"), "pairs"), "too_far:4");
    ck_assert(json_is_null(json_object_get(json_array_get(occupations, 0), "occupation_uri")));

    /* CSV: one row per reason and per missing skill of each group */
    json_t *csv = report_csv("/v1/reports/unmet-demand?format=csv", NULL, "unmet-demand");
    ck_assert_str_eq(cell(csv, 0, 0), "grouping");
    /* occupations: none (2 reasons + 2 skills), plumber (1); districts: 1011 (1), 2516 (4) */
    ck_assert_uint_eq(json_array_size(csv), 1 + 5 + 5);
    size_t last = json_array_size(csv) - 1;
    ck_assert_str_eq(cell(csv, last, 0), "district");
    ck_assert_str_eq(cell(csv, last, 1), "2516");
    ck_assert_str_eq(cell(csv, last, 3), "Binckhorst");
    ck_assert_str_eq(cell(csv, last, 5), "missing_skill");
    ck_assert_str_eq(cell(csv, last, 6), SOLDER);
    ck_assert_str_eq(cell(csv, last, 7), "solder pipes");
    ck_assert_str_eq(cell(csv, last, 8), "3");
    ck_assert_str_eq(cell(csv, last, 9), ""); /* a district has no Dutch label of its own */
    ck_assert_str_eq(cell(csv, last, 10), "leidingen solderen");
    size_t plumbers = 0;
    for (size_t row = 1; row < last; row++)
        if (strcmp(cell(csv, row, 0), "occupation") == 0 &&
            strcmp(cell(csv, row, 1), PLUMBER) == 0) {
            ck_assert_str_eq(cell(csv, row, 9), "loodgieter");
            plumbers++;
        }
    ck_assert_uint_eq(plumbers, 1);
    json_decref(csv);
    /* one grouping: the table of districts, the table of occupations */
    csv = report_csv("/v1/reports/unmet-demand?format=csv&table=by_district", NULL,
                     "unmet-demand-by_district");
    ck_assert_uint_eq(json_array_size(csv), 1 + 5);
    for (size_t row = 1; row <= 5; row++)
        ck_assert_str_eq(cell(csv, row, 0), "district");
    json_decref(csv);
    csv = report_csv("/v1/reports/unmet-demand?format=csv&table=by_occupation", NULL,
                     "unmet-demand-by_occupation");
    ck_assert_uint_eq(json_array_size(csv), 1 + 5);
    for (size_t row = 1; row <= 5; row++)
        ck_assert_str_eq(cell(csv, row, 0), "occupation");
    json_decref(csv);
    json_decref(doc);

    /* nobody scores 100: every placement is unmet, eligible pairs below it */
    doc = report("/v1/reports/unmet-demand?min_score=100");
    ck_assert_int_eq(api_number(doc, "unmet_placements"), 4);
    districts = json_object_get(doc, "by_district");
    binck = find(districts, "pc4", "2516");
    ck_assert_int_eq(api_number(binck, "placements"), 2);
    ck_assert_str_eq(ranked_text(json_object_get(binck, "reasons"), "pairs"),
                     "essential_skill:4,below_min_score:3,too_far:2");
    const json_t *laakkwartier = find(districts, "pc4", "2522");
    ck_assert_str_eq(api_text(laakkwartier, "area"), "Laakkwartier");
    ck_assert_str_eq(ranked_text(json_object_get(laakkwartier, "reasons"), "pairs"),
                     "essential_skill:3,below_min_score:1");
    json_decref(doc);
}
END_TEST

START_TEST(the_skills_gap_counts_pairs_lacking_each_essential_skill)
{
    json_t *doc = report("/v1/reports/skills-gap");
    ck_assert_int_eq(api_number(doc, "limit"), 50);
    const json_t *skills = json_object_get(doc, "skills");
    ck_assert_uint_eq(json_array_size(skills), 2);
    const json_t *solder = json_array_get(skills, 0), *wiring = json_array_get(skills, 1);
    ck_assert_str_eq(api_text(solder, "uri"), SOLDER);
    ck_assert_int_eq(api_number(solder, "pairs_missing"), 6);
    ck_assert_int_eq(api_number(solder, "placements_requiring"), 2);
    ck_assert_int_eq(api_number(solder, "seekers_having"), 1);
    ck_assert_str_eq(api_text(solder, "label_en"), "solder pipes");
    ck_assert_str_eq(api_text(wiring, "uri"), WIRING);
    ck_assert_int_eq(api_number(wiring, "pairs_missing"), 4);
    ck_assert(json_is_null(json_object_get(wiring, "label_nl")));
    json_t *csv = report_csv("/v1/reports/skills-gap", "text/csv", "skills-gap");
    ck_assert_uint_eq(json_array_size(csv), 3);
    ck_assert_str_eq(cell(csv, 0, 3), "pairs_missing");
    ck_assert_str_eq(cell(csv, 1, 0), SOLDER);
    ck_assert_str_eq(cell(csv, 1, 3), "6");
    ck_assert_str_eq(cell(csv, 2, 2), "");
    json_decref(csv);
    json_decref(doc);

    doc = report("/v1/reports/skills-gap?limit=1");
    ck_assert_uint_eq(json_array_size(json_object_get(doc, "skills")), 1);
    json_decref(doc);
}
END_TEST

START_TEST(seekers_without_a_match_are_counted_never_named)
{
    struct http_response r =
        api_call(&server, coordinator, "GET", "/v1/reports/seekers-without-match", NULL);
    API_EXPECT(r, 200, NULL);
    ck_assert_ptr_null(strstr(r.body, "seeker_id"));
    ck_assert_ptr_null(strstr(r.body, "Sanne"));
    ck_assert_int_eq(api_number(r.json, "active_seekers"), 4);
    ck_assert_int_eq(api_number(r.json, "open_placements"), 4);
    ck_assert_int_eq(api_number(r.json, "without_match"), 1);
    ck_assert_str_eq(ranked_text(json_object_get(r.json, "main_reasons"), "seekers"), "too_far:1");
    ck_assert_str_eq(ranked_text(json_object_get(r.json, "reasons"), "pairs"),
                     "too_far:3,essential_skill:2");
    http_response_free(&r);

    json_t *doc = report("/v1/reports/seekers-without-match?group=portal");
    const json_t *portals = json_object_get(doc, "by_portal");
    ck_assert_uint_eq(json_array_size(portals), 2);
    const json_t *x = json_array_get(portals, 0), *y = json_array_get(portals, 1);
    ck_assert_int_eq(api_number(x, "portal_id"), portal_x);
    ck_assert_str_eq(api_text(x, "portal_name"), "Report portal X");
    ck_assert_int_eq(api_number(x, "active_seekers"), 3);
    ck_assert_int_eq(api_number(x, "without_match"), 1);
    ck_assert_int_eq(api_number(y, "portal_id"), portal_y);
    ck_assert_int_eq(api_number(y, "active_seekers"), 1);
    ck_assert_int_eq(api_number(y, "without_match"), 0);
    ck_assert_uint_eq(json_array_size(json_object_get(y, "reasons")), 0);

    json_t *csv = report_csv("/v1/reports/seekers-without-match?group=portal&format=csv", NULL,
                             "seekers-without-match");
    /* all: 1 main reason + 2 reasons; X: the same; Y: one empty row */
    ck_assert_uint_eq(json_array_size(csv), 1 + 3 + 3 + 1);
    ck_assert_str_eq(cell(csv, 1, 0), "");
    ck_assert_str_eq(cell(csv, 1, 4), "main_reason");
    ck_assert_str_eq(cell(csv, 1, 5), "too_far");
    ck_assert_str_eq(cell(csv, 3, 5), "essential_skill");
    ck_assert_str_eq(cell(csv, 3, 6), "2");
    ck_assert_str_eq(cell(csv, 4, 0), fmt("%lld", portal_x));
    ck_assert_str_eq(cell(csv, 7, 2), "1");
    ck_assert_str_eq(cell(csv, 7, 4), "");
    json_decref(csv);
    /* each table of the console alone */
    csv = report_csv("/v1/reports/seekers-without-match?group=portal&format=csv&table=main_reasons",
                     NULL, "seekers-without-match-main_reasons");
    ck_assert_uint_eq(json_array_size(csv), 1 + 1);
    ck_assert_str_eq(cell(csv, 1, 4), "main_reason");
    json_decref(csv);
    csv = report_csv("/v1/reports/seekers-without-match?group=portal&format=csv&table=reasons",
                     NULL, "seekers-without-match-reasons");
    ck_assert_uint_eq(json_array_size(csv), 1 + 2);
    ck_assert_str_eq(cell(csv, 1, 0), "");
    ck_assert_str_eq(cell(csv, 2, 4), "reason");
    json_decref(csv);
    csv = report_csv("/v1/reports/seekers-without-match?group=portal&format=csv&table=by_portal",
                     NULL, "seekers-without-match-by_portal");
    ck_assert_uint_eq(json_array_size(csv), 1 + 3 + 1);
    ck_assert_str_eq(cell(csv, 1, 0), fmt("%lld", portal_x));
    ck_assert_str_eq(cell(csv, 4, 4), "");
    json_decref(csv);
    json_decref(doc);
}
END_TEST

/* --- who, and what they ask --- */

/* The funnel's rows as counted straight from match_history (what the
 * summaries stand for), keyed "period|group key": an oracle for ranges that
 * cut weeks and months anywhere. */
static json_t *funnel_from_history(const char *from, const char *to, const char *period,
                                   const char *group)
{
    static char text[65536];
    ck_assert(harness_db_value(
        &db,
        fmt("SELECT COALESCE(json_object_agg(period || '|' || COALESCE(key, ''), counts), '{}')"
            " FROM (SELECT period, key, json_build_array(%s) AS counts FROM (SELECT"
            " date_trunc('%s', h.at AT TIME ZONE 'Europe/Amsterdam')::date AS period,"
            " CASE '%s' WHEN 'employer' THEN p.employer_id::text WHEN 'portal'"
            " THEN s.portal_id::text END AS key, e.step FROM match_history h"
            " JOIN matches m ON m.id = h.match_id JOIN placements p ON p.id = m.placement_id"
            " JOIN seekers s ON s.id = m.seeker_id CROSS JOIN LATERAL (VALUES (CASE WHEN"
            " h.from_state IS DISTINCT FROM h.to_state THEN h.to_state END), (CASE WHEN"
            " h.action = 'accept' THEN 'accepted' END)) e(step) WHERE e.step IS NOT NULL AND"
            " h.at >= ('%s'::date::timestamp AT TIME ZONE 'Europe/Amsterdam') AND"
            " h.at < (('%s'::date + 1)::timestamp AT TIME ZONE 'Europe/Amsterdam')) x"
            " GROUP BY 1, 2) y",
            "count(*) FILTER (WHERE step = 'applied'), count(*) FILTER (WHERE step = 'proposed'),"
            " count(*) FILTER (WHERE step = 'approved'), count(*) FILTER (WHERE step ="
            " 'accepted'), count(*) FILTER (WHERE step = 'confirmed'), count(*) FILTER (WHERE"
            " step = 'started'), count(*) FILTER (WHERE step = 'completed'), count(*) FILTER"
            " (WHERE step = 'dropped_out'), count(*) FILTER (WHERE step = 'rejected'), count(*)"
            " FILTER (WHERE step = 'declined'), count(*) FILTER (WHERE step = 'withdrawn'),"
            " count(*) FILTER (WHERE step = 'cancelled')",
            period, group ? group : "", from, to),
        text, sizeof text));
    json_t *rows = json_loads(text, 0, NULL);
    ck_assert_msg(rows, "%s", text);
    return rows;
}

/* Every range, cut anywhere in a week or month, every period and group:
 * the funnel's rows equal the history's. */
START_TEST(the_funnel_over_any_range_equals_the_history_counted_directly)
{
    static const char *const ranges[][2] = {
        {"2014-12-31", "2015-12-31"}, {"2015-01-06", "2015-02-11"}, {"2015-01-01", "2015-01-01"},
        {"2015-02-02", "2015-03-01"}, {"2015-01-07", "2015-01-10"}, {"2015-01-11", "2015-03-02"}};
    static const char *const periods[] = {"week", "month", "quarter"};
    static const char *const groups[] = {NULL, "employer", "portal"};
    static const char *const steps[] = {"applied",   "proposed", "approved",  "accepted",
                                        "confirmed", "started",  "completed", "dropped_out",
                                        "rejected",  "declined", "withdrawn", "cancelled"};
    for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++)
        for (size_t p = 0; p < 3; p++)
            for (size_t g = 0; g < 3; g++) {
                const char *path = fmt("/v1/reports/funnel?from=%s&to=%s&period=%s%s%s",
                                       ranges[r][0], ranges[r][1], periods[p],
                                       groups[g] ? "&group=" : "", groups[g] ? groups[g] : "");
                json_t *doc = report(path);
                json_t *expected =
                    funnel_from_history(ranges[r][0], ranges[r][1], periods[p], groups[g]);
                const json_t *rows = json_object_get(doc, "rows"), *row;
                ck_assert_msg(json_array_size(rows) == json_object_size(expected), "%s", path);
                size_t i;
                json_array_foreach(rows, i, row)
                {
                    const json_t *key = json_object_get(json_object_get(row, "group"), "key");
                    const json_t *counts =
                        json_object_get(expected, fmt("%s|%s", api_text(row, "period_start"),
                                                      key ? json_string_value(key) : ""));
                    ck_assert_msg(counts, "%s: row %zu not in the history", path, i);
                    for (size_t k = 0; k < 12; k++)
                        ck_assert_msg(api_number(json_object_get(row, "entered"), steps[k]) ==
                                          json_integer_value(json_array_get(counts, k)),
                                      "%s: row %zu, %s", path, i, steps[k]);
                }
                json_decref(expected);
                json_decref(doc);
            }
}
END_TEST

/* The summaries the trigger kept, row by row as the world was written,
 * equal those made from the whole history in one go (as the migration
 * does for the history before it). */
START_TEST(the_summaries_kept_equal_those_made_from_the_whole_history)
{
    static const char *const paths[] = {
        "/v1/reports/funnel?" YEAR "&period=week", "/v1/reports/funnel?" YEAR "&group=employer",
        "/v1/reports/funnel?" YEAR "&group=occupation", "/v1/reports/funnel?" YEAR "&group=portal",
        "/v1/reports/time-in-stage?" YEAR};
    json_t *kept[5];
    for (size_t i = 0; i < 5; i++)
        kept[i] = report(paths[i]);
    ck_assert_int_eq(harness_db_sql(&db, "SELECT report_summarise_all()"), 0);
    for (size_t i = 0; i < 5; i++) {
        json_t *remade = report(paths[i]);
        char *a = json_dumps(kept[i], JSON_SORT_KEYS), *b = json_dumps(remade, JSON_SORT_KEYS);
        ck_assert_msg(json_equal(kept[i], remade), "%s:\nkept   %s\nremade %s", paths[i], a, b);
        free(a);
        free(b);
        json_decref(remade);
        json_decref(kept[i]);
    }
}
END_TEST

START_TEST(reports_are_for_coordinators)
{
    for (size_t i = 0; reports[i]; i++) {
        const char *path = fmt("/v1/reports/%s", reports[i]);
        API_EXPECT_ANSWER(api_call(&server, NULL, "GET", path, NULL), 401, "unauthenticated");
        API_EXPECT_ANSWER(api_call(&server, employer_user, "GET", path, NULL), 403, "forbidden");
        API_EXPECT_ANSWER(api_call(&server, portal_x_key, "GET", path, NULL), 403, "forbidden");
        API_EXPECT_ANSWER(api_call(&server, coordinator, "GET", path, NULL), 200, NULL);
    }
}
END_TEST

static void expect_refused(const char *path, const char *field)
{
    struct http_response r = api_call(&server, coordinator, "GET", path, NULL);
    API_EXPECT(r, 422, "validation_failed");
    ck_assert_msg(api_names_field(&r, field), "%s: %s", path, r.body);
    http_response_free(&r);
}

START_TEST(bad_parameters_are_refused_naming_the_field)
{
    expect_refused("/v1/reports/funnel?period=year", "period");
    expect_refused("/v1/reports/funnel?group=city", "group");
    expect_refused("/v1/reports/funnel?from=2015-13-01", "from");
    expect_refused("/v1/reports/funnel?to=yesterday", "to");
    expect_refused("/v1/reports/funnel?from=2015-02-01&to=2015-01-01", "to");
    expect_refused("/v1/reports/funnel?format=xml", "format");
    expect_refused("/v1/reports/time-in-stage?from=2015-02-30", "from");
    expect_refused("/v1/reports/unmet-demand?min_score=101", "min_score");
    expect_refused("/v1/reports/unmet-demand?min_score=high", "min_score");
    expect_refused("/v1/reports/skills-gap?limit=0", "limit");
    expect_refused("/v1/reports/seekers-without-match?group=employer", "group");
    expect_refused("/v1/reports/seekers-without-match?format=pdf", "format");
    expect_refused("/v1/reports/time-in-stage?format=csv&table=all", "table");
    expect_refused("/v1/reports/unmet-demand?table=by_portal", "table");
    expect_refused("/v1/reports/seekers-without-match?table=by_district", "table");
}
END_TEST

/* --- the world --- */

static long long created(struct http_response r)
{
    long long id = r.status == 201 ? api_number(r.json, "id") : 0;
    if (!id)
        fprintf(stderr, "reports_test: %s: %ld %s\n", api_last_call, r.status, r.body);
    http_response_free(&r);
    return id;
}

static long long placement(long long employer, const char *postcode, const char *extra, bool open)
{
    long long id = created(api_call(
        &server, coordinator, "POST", "/v1/placements",
        fmt("{%s\"employer_id\":%lld,\"title\":\"Werkplaats\",\"postcode\":\"%s\","
            "\"schedule\":[{\"day\":\"mon\",\"from\":\"08:00\",\"to\":\"16:00\"}],"
            "\"hours_per_week\":8,\"start_date\":\"2027-02-01\",\"end_date\":\"2027-04-01\","
            "\"capacity\":1}",
            extra, employer, postcode)));
    if (id && open) {
        struct http_response r =
            api_call(&server, coordinator, "POST", fmt("/v1/placements/%lld/open", id), NULL);
        if (r.status != 200)
            id = 0;
        http_response_free(&r);
    }
    return id;
}

static long long seeker(const char *key, const char *name, const char *extra)
{
    return created(api_call(&server, key, "POST", "/v1/seekers", api_seeker_body(name, extra)));
}

/* A match with its history, straight into the tables: `history` is rows
 * of VALUES (action, from_state, to_state, actor_kind, at). */
static bool past_match(long long seeker_id, long long placement_id, const char *state,
                       const char *history)
{
    return harness_db_sql(
               &db,
               fmt("WITH m AS (INSERT INTO matches (seeker_id, placement_id, state, score,"
                   " explanation, rules_version) VALUES (%lld, %lld, '%s', 80, '{}', 'r1')"
                   " RETURNING id) INSERT INTO match_history (match_id, action, from_state,"
                   " to_state, actor_kind, at) SELECT m.id, h.action, h.from_state, h.to_state,"
                   " h.actor_kind, h.at::timestamptz FROM m, (VALUES %s) AS h(action,"
                   " from_state, to_state, actor_kind, at)",
                   seeker_id, placement_id, state, history)) == 0;
}

static bool build_history(long long s1, long long s2, long long p1, long long p2)
{
    return past_match(s1, p1, "completed",
                      "('apply', NULL, 'applied', 'portal', '2015-01-05 10:00Z'),"
                      "('approve', 'applied', 'approved', 'coordinator', '2015-01-06 10:00Z'),"
                      "('accept', 'approved', 'approved', 'employer', '2015-01-06 14:00Z'),"
                      "('confirm', 'approved', 'confirmed', 'portal', '2015-01-07 10:00Z'),"
                      "('start', 'confirmed', 'started', 'coordinator', '2015-02-02 10:00Z'),"
                      "('complete', 'started', 'completed', 'coordinator', '2015-03-02 10:00Z')") &&
           past_match(s2, p1, "declined",
                      "('propose', NULL, 'proposed', 'coordinator', '2015-01-10 10:00Z'),"
                      "('approve', 'proposed', 'approved', 'coordinator', '2015-01-10 12:00Z'),"
                      "('decline', 'approved', 'declined', 'employer', '2015-01-11 12:00Z')") &&
           past_match(s1, p1, "rejected",
                      "('apply', NULL, 'applied', 'portal', '2015-02-03 10:00Z'),"
                      "('reject', 'applied', 'rejected', 'coordinator', '2015-02-04 10:00Z')") &&
           past_match(s2, p2, "withdrawn",
                      "('propose', NULL, 'proposed', 'coordinator', '2015-02-10 10:00Z'),"
                      "('approve', 'proposed', 'approved', 'coordinator', '2015-02-10 20:00Z'),"
                      "('withdraw', 'approved', 'withdrawn', 'portal', '2015-02-12 20:00Z')") &&
           past_match(s1, p2, "approved",
                      "('propose', NULL, 'proposed', 'coordinator', '2015-03-01 10:00Z'),"
                      "('approve', 'proposed', 'approved', 'coordinator', '2015-03-01 12:00Z')") &&
           past_match(s2, p1, "rejected",
                      "('apply', NULL, 'applied', 'portal', '2014-12-31 22:30Z')") &&
           past_match(s1, p1, "rejected",
                      "('apply', NULL, 'applied', 'portal', '2014-12-31 23:30Z')");
}

/* The index follows the database through notifications: wait for it. */
static bool index_caught_up(void)
{
    for (int i = 0; i < 100; i++) {
        struct http_response r =
            api_call(&server, coordinator, "GET", "/v1/reports/unmet-demand", NULL);
        bool ready = r.status == 200 && api_number(r.json, "open_placements") == 4 &&
                     api_number(r.json, "active_seekers") == 4;
        http_response_free(&r);
        if (ready)
            return true;
        usleep(100 * 1000);
    }
    return false;
}

static bool set_up(void)
{
    coordinator = harness_login_new_account(&server, db.url, "coord@example.org", NULL);
    portal_x_key = harness_new_portal(db.url, "Report portal X", &portal_x);
    portal_y_key = harness_new_portal(db.url, "Report portal Y", &portal_y);
    employer_1 = api_new_verified_employer(&server, coordinator,
                                           "{\"kvk_number\":\"81818181\",\"name\":\"Rapport Een "
                                           "BV\",\"postcode\":\"2516\",\"lat\":52.076,"
                                           "\"lon\":4.336}");
    employer_2 = api_new_verified_employer(&server, coordinator,
                                           "{\"kvk_number\":\"82828282\",\"name\":\"Rapport Twee "
                                           "BV\",\"postcode\":\"2516\",\"lat\":52.076,"
                                           "\"lon\":4.336}");
    if (!employer_1 || !employer_2)
        return false;
    employer_user =
        harness_login_new_account(&server, db.url, "rapport@example.org", fmt("%lld", employer_1));
    long long p1 = placement(employer_1, "2516", "", false),
              p2 = placement(employer_2, "2516", "", false);
    long long s1 = seeker(portal_x_key, "Sanne", ""), s2 = seeker(portal_x_key, "Said", "");
    long long s3 =
        seeker(portal_x_key, "Sem", "\"skills\":[{\"uri\":\"" SOLDER "\",\"level\":2}],");
    long long s4 = created(
        api_call(&server, portal_x_key, "POST", "/v1/seekers",
                 "{\"name\":\"Saar\",\"postcode\":\"2522\",\"availability\":[{\"day\":\"mon\","
                 "\"from\":\"07:00\",\"to\":\"17:00\"}],\"available_from\":\"2027-01-01\","
                 "\"max_hours_per_week\":24,\"max_travel_km\":1,\"consent\":{\"purpose\":"
                 "\"matching\",\"text_version\":\"1\",\"given_at\":\"2026-11-01T10:00:00Z\"}}"));
    long long s5 = seeker(portal_y_key, "Sofie", "");
    long long open[4] = {
        placement(employer_1, "2516", "", true),
        placement(employer_1, "2516",
                  "\"required_skills\":[{\"uri\":\"" SOLDER
                  "\",\"min_level\":1,\"essential\":true},"
                  "{\"uri\":\"" WIRING "\",\"min_level\":1,\"essential\":true}],",
                  true),
        placement(employer_1, "1011", "\"occupation_uri\":\"" PLUMBER "\",", true),
        placement(employer_1, "2522",
                  "\"required_skills\":[{\"uri\":\"" SOLDER
                  "\",\"min_level\":1,\"essential\":true}],",
                  true),
    };
    if (!p1 || !p2 || !s1 || !s2 || !s3 || !s4 || !s5 || !open[0] || !open[1] || !open[2] ||
        !open[3] || !build_history(s1, s2, p1, p2))
        return false;
    struct http_response r =
        api_call(&server, coordinator, "POST", fmt("/v1/seekers/%lld/erase", s2), NULL);
    bool erased = r.status == 200;
    http_response_free(&r);
    return erased && index_caught_up();
}

int main(void)
{
    if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        return 2;
    harness_db_create(&db);
    const char *const migrate[] = {"--migrate", NULL};
    int failed = 1;
    if (api_start_with_reference_data(&server, &db, migrate)) {
        if (harness_db_sql(&db, "INSERT INTO postcodes VALUES (2516, 52.076, 4.336, 'Den Haag',"
                                " 'Den Haag') ON CONFLICT DO NOTHING") == 0 &&
            set_up()) {
            Suite *s = suite_create("reports");
            TCase *tc = tcase_create("reports");
            tcase_set_timeout(tc, 60);
            tcase_add_test(tc, the_funnel_counts_every_step_per_month_with_its_conversions);
            tcase_add_test(tc, the_funnel_groups_by_employer_and_portal);
            tcase_add_test(tc, the_funnel_as_csv_agrees_with_json);
            tcase_add_test(tc, time_in_stage_gives_medians_and_the_slowest_employers);
            tcase_add_test(tc, unmet_demand_groups_unfilled_placements_with_their_reasons);
            tcase_add_test(tc, the_skills_gap_counts_pairs_lacking_each_essential_skill);
            tcase_add_test(tc, seekers_without_a_match_are_counted_never_named);
            tcase_add_test(tc, the_summaries_kept_equal_those_made_from_the_whole_history);
            tcase_add_test(tc, the_funnel_over_any_range_equals_the_history_counted_directly);
            tcase_add_test(tc, reports_are_for_coordinators);
            tcase_add_test(tc, bad_parameters_are_refused_naming_the_field);
            suite_add_tcase(s, tc);
            failed = harness_run_suite(s);
        } else {
            fprintf(stderr, "reports_test: setting up the world failed\n");
        }
        if (!harness_server_stop_cleanly(&server))
            failed++;
    }
    harness_db_destroy(&db);
    free(coordinator);
    free(employer_user);
    free(portal_x_key);
    free(portal_y_key);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
