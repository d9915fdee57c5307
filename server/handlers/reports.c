/* GET /v1/reports/{funnel, time-in-stage, unmet-demand, skills-gap,
 * seekers-without-match}: the academy's figures for its funders and
 * partners, for coordinators. The funnel and the time in each stage are
 * counted in SQL from the summaries of match_history (db/reports.c); the
 * other three come from the matcher over the daemon's index (reports.c),
 * named and grouped from the database. Each answers JSON, or with `Accept: text/csv` or
 * `?format=csv` one CSV table (RFC 4180) made from the same document (the
 * funnel: from the same rows, report_funnel.c), so both always agree. No
 * report names a seeker or gives a seeker's id. */
#include "handlers.h"

#include "report_funnel.h"
#include "reports.h"
#include "request.h"
#include "text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Missing skills listed per group of unmet placements: the most missed. */
#define GROUP_SKILLS 10

/* --- parameters and replies --- */

static const char *const formats[] = {"json", "csv", NULL};

/* Whether the caller asked for CSV; false with a problem in `details`
 * for an unknown format. */
static bool wants_csv(const struct bpa_request *request, json_t *details)
{
    char *format = bpa_query_checked(request, "format", BPA_CHOICE, 0, 0, formats, details);
    bool csv = format && strcmp(format, "csv") == 0;
    const char *accept = bpa_header(request, "Accept");
    if (!format && accept && strstr(accept, "text/csv"))
        csv = true;
    free(format);
    return csv;
}

/* A date range: `from` and `to` (dates, to not before from), by default
 * the last 12 months; the dates used are copied into `from` and `to`. */
static bool read_range(struct bpa_request *request, char from[11], char to[11], json_t *details,
                       enum bpa_db_status *status)
{
    char *given_from = bpa_query_checked(request, "from", BPA_DATE, 0, 0, NULL, details);
    char *given_to = bpa_query_checked(request, "to", BPA_DATE, 0, 0, NULL, details);
    if (given_from && given_to && strcmp(given_from, given_to) > 0)
        bpa_field_problem(details, "to", "must not be before from");
    *status = BPA_DB_OK;
    char *range = NULL;
    if (json_array_size(details) == 0)
        *status = bpa_db_call(request->db, "report_range", 2,
                              (const char *const[]){given_from, given_to}, &range);
    json_t *dates = range ? json_loads(range, 0, NULL) : NULL;
    snprintf(from, 11, "%s", dates ? json_string_value(json_object_get(dates, "from")) : "");
    snprintf(to, 11, "%s", dates ? json_string_value(json_object_get(dates, "to")) : "");
    json_decref(dates);
    free(range);
    free(given_from);
    free(given_to);
    return *status == BPA_DB_OK && json_array_size(details) == 0;
}

/* One CSV field; numbers as the JSON reply writes them. */
static void csv_field(struct bpa_text *out, const json_t *value)
{
    if (json_is_string(value)) {
        bpa_text_csv_field(out, json_string_value(value));
    } else if (json_is_number(value) || json_is_boolean(value)) {
        char *text = json_dumps(value, JSON_ENCODE_ANY | JSON_REAL_PRECISION(12));
        bpa_text_put(out, text ? text : "");
        free(text);
    }
}

/* The table: a header row of `columns`, then `rows` (arrays of scalars),
 * each record ended by CRLF. */
static char *csv_table(const char *const *columns, const json_t *rows, size_t *len)
{
    struct bpa_text out = {0};
    for (size_t c = 0; columns[c]; c++) {
        bpa_text_put(&out, c ? "," : "");
        bpa_text_put(&out, columns[c]);
    }
    bpa_text_put(&out, "\r\n");
    size_t i, c;
    json_t *row, *value;
    json_array_foreach(rows, i, row)
    {
        json_array_foreach(row, c, value)
        {
            if (c)
                bpa_text_char(&out, ',');
            csv_field(&out, value);
        }
        bpa_text_put(&out, "\r\n");
    }
    return bpa_text_finish(&out, len);
}

/* A CSV table, to be saved as `filename`.csv. */
static int reply_csv_text(struct bpa_request *request, const char *text, size_t len,
                          const char *filename)
{
    char disposition[200];
    snprintf(disposition, sizeof disposition, "attachment; filename=\"%s.csv\"", filename);
    request->reply_disposition = disposition;
    int rc = bpa_reply_text(request, 200, "text/csv; charset=utf-8", text, len);
    request->reply_disposition = NULL;
    return rc;
}

/* A report as its document, or as the CSV table `flatten` makes of it:
 * the rows of one of its tables (`table`, as the console shows them), or
 * with NULL of all. */
typedef json_t *(*flatten_fn)(const json_t *doc, const char *table);

static int reply_report(struct bpa_request *request, json_t *doc, bool csv,
                        const char *const *columns, flatten_fn flatten, const char *table,
                        const char *filename)
{
    if (!csv)
        return bpa_reply_json(request, 200, doc);
    json_t *rows = flatten(doc, table);
    json_decref(doc);
    size_t len = 0;
    char *text = csv_table(columns, rows, &len);
    json_decref(rows);
    if (!text)
        return bpa_reply_error(request, BPA_ERR_INTERNAL_ERROR, NULL, NULL);
    char name[128];
    snprintf(name, sizeof name, "%s%s%s", filename, table ? "-" : "", table ? table : "");
    int rc = reply_csv_text(request, text, len, name);
    free(text);
    return rc;
}

/* Whether the CSV of `table` (NULL: of all tables) holds table `name`. */
static bool holds(const char *table, const char *name)
{
    return !table || strcmp(table, name) == 0;
}

static int reply_invalid(struct bpa_request *request, json_t *details)
{
    return bpa_reply_error(request, BPA_ERR_VALIDATION_FAILED, NULL, details);
}

/* --- funnel --- */

static const char *const periods[] = {"week", "month", "quarter", NULL};
static const char *const funnel_groups[] = {"employer", "occupation", "portal", NULL};

/* A statement over a range of dates, planned for the dates asked: a cached
 * generic plan guesses a narrow range, and for a year sorted every stay on
 * disk (316 ms, where the plan for the year's dates took 140). Its value
 * as JSON, or with `row` not NULL its rows, each to `row`. */
static json_t *call_over_range(struct bpa_db_conn *conn, const char *statement, int count,
                               const char *const *params, bpa_db_row_fn row, void *rows,
                               enum bpa_db_status *status)
{
    *status = bpa_db_call(conn, "report_plans_fresh", 0, NULL, NULL);
    json_t *value = NULL;
    if (*status == BPA_DB_OK && row)
        *status = bpa_db_each_row(conn, statement, count, params, row, rows);
    else if (*status == BPA_DB_OK)
        value = bpa_call_json(conn, statement, count, params, status);
    enum bpa_db_status restored = bpa_db_call(conn, "report_plans_cached", 0, NULL, NULL);
    if (*status == BPA_DB_OK && restored != BPA_DB_OK) {
        *status = restored;
        json_decref(value);
        value = NULL;
    }
    return value;
}

int bpa_handle_report_funnel(struct bpa_request *request)
{
    json_t *details = json_array();
    bool csv = wants_csv(request, details);
    char *period = bpa_query_checked(request, "period", BPA_CHOICE, 0, 0, periods, details);
    char *group = bpa_query_checked(request, "group", BPA_CHOICE, 0, 0, funnel_groups, details);
    char from[11], to[11];
    enum bpa_db_status status = BPA_DB_OK;
    struct bpa_funnel funnel = {0};
    char *text = NULL;
    size_t len = 0;
    if (read_range(request, from, to, details, &status)) {
        const char *params[] = {from, to, period ? period : "month", group};
        call_over_range(request->db, group ? "report_funnel_grouped" : "report_funnel",
                        group ? 4 : 3, params, bpa_funnel_add_row, &funnel, &status);
        if (status == BPA_DB_OK && !funnel.failed)
            text = csv ? bpa_funnel_csv(&funnel, &len)
                       : bpa_funnel_json(&funnel, from, to, params[2], group);
    }
    bpa_funnel_free(&funnel);
    free(period);
    free(group);
    if (json_array_size(details))
        return reply_invalid(request, details);
    json_decref(details);
    if (status != BPA_DB_OK)
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    if (!text)
        return bpa_reply_error(request, BPA_ERR_INTERNAL_ERROR, NULL, NULL);
    if (!csv)
        return bpa_reply_json_text(request, 200, text);
    char filename[64];
    snprintf(filename, sizeof filename, "funnel-%s-%s", from, to);
    int rc = reply_csv_text(request, text, len, filename);
    free(text);
    return rc;
}

/* --- time in stage --- */

static const char *const stage_columns[] = {
    "section",      "state",     "employer_id", "employer_name", "count",
    "median_hours", "p90_hours", "approved",    "waiting",       NULL};

static const char *const stage_tables[] = {"states", "employer_response", NULL};

static json_t *stage_rows(const json_t *doc, const char *table)
{
    json_t *rows = json_array(), *item;
    size_t i;
    json_array_foreach(holds(table, "states") ? json_object_get(doc, "states") : NULL, i, item)
        json_array_append_new(
            rows, json_pack("[s, O, n, n, O, O, O, n, n]", "state", json_object_get(item, "state"),
                            json_object_get(item, "stays"), json_object_get(item, "median_hours"),
                            json_object_get(item, "p90_hours")));
    json_array_foreach(holds(table, "employer_response") ? json_object_get(doc, "employer_response")
                                                         : NULL,
                       i, item)
        json_array_append_new(
            rows,
            json_pack("[s, n, O, O, O, O, O, O, O]", "employer_response",
                      json_object_get(item, "employer_id"), json_object_get(item, "employer_name"),
                      json_object_get(item, "responses"), json_object_get(item, "median_hours"),
                      json_object_get(item, "p90_hours"), json_object_get(item, "approved"),
                      json_object_get(item, "waiting")));
    return rows;
}

int bpa_handle_report_time_in_stage(struct bpa_request *request)
{
    json_t *details = json_array();
    bool csv = wants_csv(request, details);
    char *table = bpa_query_checked(request, "table", BPA_CHOICE, 0, 0, stage_tables, details);
    char from[11], to[11];
    enum bpa_db_status status;
    json_t *states = NULL, *employers = NULL;
    if (read_range(request, from, to, details, &status)) {
        const char *params[] = {from, to};
        states =
            call_over_range(request->db, "report_time_in_stage", 2, params, NULL, NULL, &status);
        if (states)
            employers = call_over_range(request->db, "report_employer_response", 2, params, NULL,
                                        NULL, &status);
    }
    if (json_array_size(details)) {
        json_decref(states);
        free(table);
        return reply_invalid(request, details);
    }
    json_decref(details);
    if (!states || !employers) {
        json_decref(states);
        free(table);
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    }
    json_t *doc = json_pack("{s:s, s:s, s:s, s:o, s:o}", "report", "time-in-stage", "from", from,
                            "to", to, "states", states, "employer_response", employers);
    char filename[64];
    snprintf(filename, sizeof filename, "time-in-stage-%s-%s", from, to);
    int rc = reply_report(request, doc, csv, stage_columns, stage_rows, table, filename);
    free(table);
    return rc;
}

/* --- counting helpers for the matcher's reports --- */

/* Adds the counts of `from` ({name: n}) to `into`. */
static void add_counts(json_t *into, const json_t *from)
{
    const char *name;
    json_t *n;
    json_object_foreach((json_t *)from, name, n) json_object_set_new(
        into, name,
        json_integer(json_integer_value(json_object_get(into, name)) + json_integer_value(n)));
}

struct counted {
    const char *name;
    json_int_t n;
};

static int most_first(const void *a, const void *b)
{
    const struct counted *x = a, *y = b;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* {name: n} as [{`name_member`: name, `count_member`: n}], most first
 * (then by name), at most `limit`. */
static json_t *ranked(const json_t *counts, const char *name_member, const char *count_member,
                      size_t limit)
{
    size_t n = json_object_size(counts), i = 0;
    struct counted *items = malloc((n + 1) * sizeof *items);
    json_t *list = json_array();
    const char *name;
    json_t *value;
    if (!items)
        return list;
    json_object_foreach((json_t *)counts, name, value) items[i++] =
        (struct counted){name, json_integer_value(value)};
    qsort(items, n, sizeof *items, most_first);
    for (i = 0; i < n && i < limit; i++)
        json_array_append_new(
            list, json_pack("{s:s, s:I}", name_member, items[i].name, count_member, items[i].n));
    free(items);
    return list;
}

/* Rows of a statement keyed by their first column: {id: [columns...]}. */
static int keep_row(const char *const *values, int count, void *context)
{
    json_t *row = json_array();
    for (int c = 1; c < count; c++)
        json_array_append_new(row, values[c] ? json_string(values[c]) : json_null());
    json_object_set_new(context, values[0], row);
    return 0;
}

static json_t *rows_by_id(struct bpa_db_conn *conn, const char *statement, const json_t *ids,
                          enum bpa_db_status *status)
{
    char *list = json_dumps(ids, JSON_COMPACT);
    json_t *rows = json_object();
    *status = list
                  ? bpa_db_each_row(conn, statement, 1, (const char *const[]){list}, keep_row, rows)
                  : BPA_DB_HARD;
    free(list);
    return rows;
}

static const char *column(const json_t *row, size_t c)
{
    return json_string_value(json_array_get(row, c));
}

/* Sets "label_en" and "label_nl" of every item of the `lists` (arrays of
 * arrays of {"uri"}) from the skills table, in one query. */
static enum bpa_db_status name_skills(struct bpa_db_conn *conn, json_t *const *lists, size_t count)
{
    json_t *uris = json_array(), *list, *group, *item;
    size_t i, j;
    for (size_t l = 0; l < count; l++)
        json_array_foreach(lists[l], i, list) json_array_foreach(list, j, item)
            json_array_append(uris, json_object_get(item, "uri"));
    char *text = json_dumps(uris, JSON_COMPACT);
    json_decref(uris);
    enum bpa_db_status status = BPA_DB_HARD;
    json_t *labels =
        text ? bpa_call_json(conn, "report_skill_labels", 1, (const char *const[]){text}, &status)
             : NULL;
    free(text);
    for (size_t l = 0; l < count; l++)
        json_array_foreach(lists[l], i, list) json_array_foreach(list, j, item)
        {
            group = json_object_get(labels, json_string_value(json_object_get(item, "uri")));
            json_t *en = json_object_get(group, "label_en"),
                   *nl = json_object_get(group, "label_nl");
            json_object_set(item, "label_en", en ? en : json_null());
            json_object_set(item, "label_nl", nl ? nl : json_null());
        }
    json_decref(labels);
    return status;
}

/* --- unmet demand --- */

/* The Laak district (stadsdeel) of The Hague and its areas, by PC4: the
 * academy's home. Read from street addresses (../shared/data/postcodes/
 * pc4_laak_binckhorst_notes.csv), as no official postcode-to-district
 * table exists; 2525 and 2526 lie outside Laak. */
static const struct {
    int pc4;
    const char *area;
} laak[] = {
    {2516, "Binckhorst"},   {2521, "Laakhaven"},    {2522, "Laakkwartier"},
    {2523, "Laakkwartier"}, {2524, "Laakkwartier"},
};

static const char *laak_area(int pc4)
{
    for (size_t i = 0; i < sizeof laak / sizeof laak[0]; i++)
        if (laak[i].pc4 == pc4)
            return laak[i].area;
    return NULL;
}

/* A group of unmet placements: {"placements", "reasons", "missing"}. */
static json_t *group_of(json_t *groups, const char *key, json_t *fresh /* stolen */)
{
    json_t *group = json_object_get(groups, key);
    if (group) {
        json_decref(fresh);
        return group;
    }
    json_object_set_new(fresh, "placements", json_integer(0));
    json_object_set_new(fresh, "reasons", json_object());
    json_object_set_new(fresh, "missing", json_object());
    json_object_set_new(groups, key, fresh);
    return fresh;
}

static void group_add(json_t *group, const json_t *item)
{
    json_object_set_new(group, "placements",
                        json_integer(json_integer_value(json_object_get(group, "placements")) + 1));
    add_counts(json_object_get(group, "reasons"), json_object_get(item, "reasons"));
    add_counts(json_object_get(group, "missing"), json_object_get(item, "missing_skills"));
}

static int more_placements_first(const void *a, const void *b)
{
    json_t *const *x = a, *const *y = b;
    json_int_t m = json_integer_value(json_object_get(*x, "placements")),
               n = json_integer_value(json_object_get(*y, "placements"));
    if (m != n)
        return m > n ? -1 : 1;
    return strcmp(json_string_value(json_object_get(*x, "key")),
                  json_string_value(json_object_get(*y, "key")));
}

/* The groups as a list, most placements first, their counts ranked; the
 * internal "key" removed, the missing skills' lists appended to `skills`. */
static json_t *group_list(json_t *groups, json_t *skills)
{
    size_t n = json_object_size(groups), i = 0;
    json_t **items = malloc((n + 1) * sizeof *items), *list = json_array(), *group;
    const char *key;
    if (!items)
        return list;
    json_object_foreach(groups, key, group)
    {
        json_object_set_new(group, "key", json_string(key));
        items[i++] = group;
    }
    qsort(items, n, sizeof *items, more_placements_first);
    for (i = 0; i < n; i++) {
        group = items[i];
        json_object_del(group, "key");
        json_object_set_new(group, "reasons",
                            ranked(json_object_get(group, "reasons"), "code", "pairs", SIZE_MAX));
        json_t *missing = ranked(json_object_get(group, "missing"), "uri", "pairs", GROUP_SKILLS);
        json_object_del(group, "missing");
        json_object_set_new(group, "missing_skills", missing);
        json_array_append(skills, missing);
        json_array_append(list, group);
    }
    free(items);
    return list;
}

/* the labels in English, then, for the console's Dutch readers, in Dutch */
static const char *const unmet_columns[] = {"grouping",   "key",      "label",         "area",
                                            "placements", "item",     "item_code",     "item_label",
                                            "pairs",      "label_nl", "item_label_nl", NULL};

/* Appends the items of `tail` (stolen) to `row`. */
static void extend_new(json_t *row, json_t *tail)
{
    json_array_extend(row, tail);
    json_decref(tail);
}

static void unmet_group_rows(json_t *rows, const char *grouping, const json_t *groups,
                             const char *key_member, const char *label_member)
{
    size_t i, j;
    json_t *group, *item;
    json_array_foreach(groups, i, group)
    {
        json_t *head =
            json_pack("[s, O, O, O?, O]", grouping, json_object_get(group, key_member),
                      json_object_get(group, label_member), json_object_get(group, "area"),
                      json_object_get(group, "placements"));
        json_t *label_nl = json_object_get(group, "label_nl"); /* districts have none */
        size_t before = json_array_size(rows);
        json_array_foreach(json_object_get(group, "reasons"), j, item)
        {
            json_t *row = json_copy(head);
            extend_new(row,
                       json_pack("[s, O, n, O, O?, n]", "reason", json_object_get(item, "code"),
                                 json_object_get(item, "pairs"), label_nl));
            json_array_append_new(rows, row);
        }
        json_array_foreach(json_object_get(group, "missing_skills"), j, item)
        {
            json_t *row = json_copy(head);
            extend_new(row,
                       json_pack("[s, O, O, O, O?, O?]", "missing_skill",
                                 json_object_get(item, "uri"), json_object_get(item, "label_en"),
                                 json_object_get(item, "pairs"), label_nl,
                                 json_object_get(item, "label_nl")));
            json_array_append_new(rows, row);
        }
        if (json_array_size(rows) == before) { /* no seeker to pair with at all */
            extend_new(head, json_pack("[n, n, n, n, O?, n]", label_nl));
            json_array_append(rows, head);
        }
        json_decref(head);
    }
}

static const char *const unmet_tables[] = {"by_occupation", "by_district", NULL};

static json_t *unmet_rows(const json_t *doc, const char *table)
{
    json_t *rows = json_array();
    if (holds(table, "by_occupation"))
        unmet_group_rows(rows, "occupation", json_object_get(doc, "by_occupation"),
                         "occupation_uri", "label_en");
    if (holds(table, "by_district"))
        unmet_group_rows(rows, "district", json_object_get(doc, "by_district"), "pc4", "place");
    return rows;
}

/* The unmet placements grouped by occupation and by district, into `doc`. */
static enum bpa_db_status group_unmet(struct bpa_db_conn *conn, const json_t *unmet, json_t *doc)
{
    json_t *ids = json_array(), *item;
    size_t i;
    json_array_foreach(unmet, i, item)
        json_array_append(ids, json_object_get(item, "placement_id"));
    enum bpa_db_status status;
    json_t *places = rows_by_id(conn, "report_placement_places", ids, &status);
    json_decref(ids);
    json_t *occupations = json_object(), *districts = json_object();
    json_array_foreach(unmet, i, item)
    {
        char id[24];
        snprintf(id, sizeof id, "%lld",
                 (long long)json_integer_value(json_object_get(item, "placement_id")));
        const json_t *place = json_object_get(places, id);
        if (!place) /* closed since the scan */
            continue;
        const char *uri = column(place, 0), *pc4 = column(place, 3);
        group_add(group_of(occupations, uri ? uri : "",
                           json_pack("{s:s?, s:s?, s:s?}", "occupation_uri", uri, "label_en",
                                     column(place, 1), "label_nl", column(place, 2))),
                  item);
        const char *area = laak_area(pc4 ? atoi(pc4) : 0);
        group_add(
            group_of(districts, pc4 ? pc4 : "",
                     json_pack("{s:s?, s:s?, s:s?, s:s?}", "pc4", pc4, "district",
                               area ? "Laak" : NULL, "area", area, "place", column(place, 4))),
            item);
    }
    json_decref(places);
    json_t *skills = json_array();
    json_object_set_new(doc, "by_occupation", group_list(occupations, skills));
    json_object_set_new(doc, "by_district", group_list(districts, skills));
    json_decref(occupations);
    json_decref(districts);
    if (status == BPA_DB_OK)
        status = name_skills(conn, &skills, 1);
    json_decref(skills);
    return status;
}

int bpa_handle_report_unmet_demand(struct bpa_request *request)
{
    json_t *details = json_array();
    bool csv = wants_csv(request, details);
    char *min_score = bpa_query_checked(request, "min_score", BPA_INTEGER, 0, 100, NULL, details);
    int minimum = min_score ? atoi(min_score) : 0;
    free(min_score);
    char *table = bpa_query_checked(request, "table", BPA_CHOICE, 0, 0, unmet_tables, details);
    if (json_array_size(details)) {
        free(table);
        return reply_invalid(request, details);
    }
    json_decref(details);
    size_t placements = 0, seekers = 0;
    json_t *unmet = bpa_report_unmet(request->server->index, &request->server->rules, minimum,
                                     &placements, &seekers);
    if (!unmet) {
        free(table);
        return bpa_reply_error(request, BPA_ERR_INTERNAL_ERROR, NULL, NULL);
    }
    json_t *doc =
        json_pack("{s:s, s:i, s:I, s:I, s:I}", "report", "unmet-demand", "min_score", minimum,
                  "open_placements", (json_int_t)placements, "active_seekers", (json_int_t)seekers,
                  "unmet_placements", (json_int_t)json_array_size(unmet));
    enum bpa_db_status status = group_unmet(request->db, unmet, doc);
    json_decref(unmet);
    if (status != BPA_DB_OK) {
        json_decref(doc);
        free(table);
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    }
    int rc = reply_report(request, doc, csv, unmet_columns, unmet_rows, table, "unmet-demand");
    free(table);
    return rc;
}

/* --- skills gap --- */

static const char *const gap_columns[] = {
    "uri", "label_en", "label_nl", "pairs_missing", "placements_requiring", "seekers_having", NULL};

static json_t *gap_rows(const json_t *doc, const char *table)
{
    (void)table; /* one table */
    json_t *rows = json_array(), *item;
    size_t i;
    json_array_foreach(json_object_get(doc, "skills"), i, item)
    {
        json_t *row = json_array();
        for (size_t c = 0; gap_columns[c]; c++)
            json_array_append(row, json_object_get(item, gap_columns[c]));
        json_array_append_new(rows, row);
    }
    return rows;
}

int bpa_handle_report_skills_gap(struct bpa_request *request)
{
    json_t *details = json_array();
    bool csv = wants_csv(request, details);
    char *limit = bpa_query_checked(request, "limit", BPA_INTEGER, 1, 500, NULL, details);
    size_t most = limit ? (size_t)atol(limit) : 50;
    free(limit);
    if (json_array_size(details))
        return reply_invalid(request, details);
    json_decref(details);
    size_t placements = 0, seekers = 0;
    json_t *skills = bpa_report_skills_gap(request->server->index, most, &placements, &seekers);
    if (!skills)
        return bpa_reply_error(request, BPA_ERR_INTERNAL_ERROR, NULL, NULL);
    json_t *lists = json_pack("[O]", skills);
    enum bpa_db_status status = name_skills(request->db, &lists, 1);
    json_decref(lists);
    if (status != BPA_DB_OK) {
        json_decref(skills);
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    }
    json_t *doc = json_pack("{s:s, s:I, s:I, s:I, s:o}", "report", "skills-gap", "limit",
                            (json_int_t)most, "open_placements", (json_int_t)placements,
                            "active_seekers", (json_int_t)seekers, "skills", skills);
    return reply_report(request, doc, csv, gap_columns, gap_rows, NULL, "skills-gap");
}

/* --- seekers without a match --- */

/* {"active_seekers", "without_match", "main_reasons", "reasons"} of a
 * group being counted. */
static json_t *seeker_group(void)
{
    return json_pack("{s:i, s:i, s:{}, s:{}}", "active_seekers", 0, "without_match", 0,
                     "main_reasons", "reasons");
}

static void bump(json_t *object, const char *member)
{
    json_object_set_new(object, member,
                        json_integer(json_integer_value(json_object_get(object, member)) + 1));
}

static void count_unplaced(json_t *group, const json_t *item)
{
    bump(group, "without_match");
    const char *main_reason = json_string_value(json_object_get(item, "main_reason"));
    if (main_reason)
        bump(json_object_get(group, "main_reasons"), main_reason);
    add_counts(json_object_get(group, "reasons"), json_object_get(item, "reasons"));
}

/* The counts ranked, as answered. */
static void seeker_group_finish(json_t *group)
{
    json_object_set_new(
        group, "main_reasons",
        ranked(json_object_get(group, "main_reasons"), "code", "seekers", SIZE_MAX));
    json_object_set_new(group, "reasons",
                        ranked(json_object_get(group, "reasons"), "code", "pairs", SIZE_MAX));
}

static int portal_order(const void *a, const void *b)
{
    json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "portal_id")),
               y = json_integer_value(json_object_get(*(json_t *const *)b, "portal_id"));
    return (x > y) - (x < y);
}

/* Counts per portal into doc's "by_portal". */
static enum bpa_db_status group_by_portal(struct bpa_db_conn *conn, const json_t *all,
                                          const json_t *unplaced, json_t *doc)
{
    enum bpa_db_status status;
    json_t *portals = rows_by_id(conn, "report_seeker_portals", all, &status);
    json_t *groups = json_object(), *item;
    size_t i;
    json_array_foreach(all, i, item)
    {
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)json_integer_value(item));
        const json_t *portal = json_object_get(portals, id);
        if (!portal)
            continue;
        json_t *group = json_object_get(groups, column(portal, 0));
        if (!group) {
            group = seeker_group();
            json_object_set_new(group, "portal_id", json_integer(atoll(column(portal, 0))));
            json_object_set_new(group, "portal_name", json_string(column(portal, 1)));
            json_object_set_new(groups, column(portal, 0), group);
        }
        bump(group, "active_seekers");
    }
    json_array_foreach(unplaced, i, item)
    {
        char id[24];
        snprintf(id, sizeof id, "%lld",
                 (long long)json_integer_value(json_object_get(item, "seeker_id")));
        const char *portal = column(json_object_get(portals, id), 0);
        json_t *group = portal ? json_object_get(groups, portal) : NULL;
        if (group)
            count_unplaced(group, item);
    }
    size_t n = json_object_size(groups);
    json_t **sorted = malloc((n + 1) * sizeof *sorted), *list = json_array(), *group;
    const char *key;
    i = 0;
    json_object_foreach(groups, key, group) if (sorted) sorted[i++] = group;
    if (sorted)
        qsort(sorted, i, sizeof *sorted, portal_order);
    for (size_t k = 0; sorted && k < i; k++) {
        seeker_group_finish(sorted[k]);
        json_array_append(list, sorted[k]);
    }
    free(sorted);
    json_object_set_new(doc, "by_portal", list);
    json_decref(groups);
    json_decref(portals);
    return status;
}

static const char *const unplaced_columns[] = {
    "portal_id", "portal_name", "active_seekers", "without_match", "item", "code", "count", NULL};

/* The rows of one group: its main reasons, its reasons (pairs), or both
 * (and a row of the group alone when it has neither). */
static void unplaced_group_rows(json_t *rows, const json_t *group, bool main, bool reasons)
{
    json_t *head =
        json_pack("[O?, O?, O, O]", json_object_get(group, "portal_id"),
                  json_object_get(group, "portal_name"), json_object_get(group, "active_seekers"),
                  json_object_get(group, "without_match"));
    size_t before = json_array_size(rows), i;
    json_t *item;
    json_array_foreach(main ? json_object_get(group, "main_reasons") : NULL, i, item)
    {
        json_t *row = json_copy(head);
        extend_new(row, json_pack("[s, O, O]", "main_reason", json_object_get(item, "code"),
                                  json_object_get(item, "seekers")));
        json_array_append_new(rows, row);
    }
    json_array_foreach(reasons ? json_object_get(group, "reasons") : NULL, i, item)
    {
        json_t *row = json_copy(head);
        extend_new(row, json_pack("[s, O, O]", "reason", json_object_get(item, "code"),
                                  json_object_get(item, "pairs")));
        json_array_append_new(rows, row);
    }
    if (json_array_size(rows) == before && main && reasons) {
        extend_new(head, json_pack("[n, n, n]"));
        json_array_append(rows, head);
    }
    json_decref(head);
}

static const char *const unplaced_tables[] = {"main_reasons", "reasons", "by_portal", NULL};

static json_t *unplaced_rows(const json_t *doc, const char *table)
{
    json_t *rows = json_array(), *group;
    size_t i;
    if (holds(table, "main_reasons") || holds(table, "reasons"))
        unplaced_group_rows(rows, doc, holds(table, "main_reasons"), holds(table, "reasons"));
    json_array_foreach(holds(table, "by_portal") ? json_object_get(doc, "by_portal") : NULL, i,
                       group) unplaced_group_rows(rows, group, true, true);
    return rows;
}

static const char *const seeker_groups[] = {"portal", NULL};

int bpa_handle_report_seekers_without_match(struct bpa_request *request)
{
    json_t *details = json_array();
    bool csv = wants_csv(request, details);
    char *group = bpa_query_checked(request, "group", BPA_CHOICE, 0, 0, seeker_groups, details);
    bool by_portal = group != NULL;
    free(group);
    char *table = bpa_query_checked(request, "table", BPA_CHOICE, 0, 0, unplaced_tables, details);
    if (json_array_size(details)) {
        free(table);
        return reply_invalid(request, details);
    }
    json_decref(details);
    size_t placements = 0, seekers = 0;
    json_t *all = NULL;
    json_t *unplaced = bpa_report_unplaced(request->server->index, &request->server->rules,
                                           &placements, &seekers, by_portal ? &all : NULL);
    json_t *doc = seeker_group(), *item;
    size_t i;
    json_array_foreach(unplaced, i, item) count_unplaced(doc, item);
    seeker_group_finish(doc);
    json_object_set_new(doc, "active_seekers", json_integer((json_int_t)seekers));
    json_object_set_new(doc, "open_placements", json_integer((json_int_t)placements));
    json_object_set_new(doc, "report", json_string("seekers-without-match"));
    json_object_set_new(doc, "group", by_portal ? json_string("portal") : json_null());
    enum bpa_db_status status = BPA_DB_OK;
    if (by_portal)
        status = group_by_portal(request->db, all, unplaced, doc);
    json_decref(all);
    json_decref(unplaced);
    if (status != BPA_DB_OK) {
        json_decref(doc);
        free(table);
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    }
    int rc = reply_report(request, doc, csv, unplaced_columns, unplaced_rows, table,
                          "seekers-without-match");
    free(table);
    return rc;
}
