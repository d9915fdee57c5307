/* The coordinators' reports (server/handlers/reports.c): what is counted
 * in SQL, from the summaries a trigger keeps as match_history is written
 * (0021_report_summaries.sql), and the tables the matcher's results are
 * named from. Run by name through bpa_db_call (one JSON value) and
 * bpa_db_each_row. No statement names a seeker: seekers are only counted
 * or grouped by portal.
 *
 * Dates are the academy's days: a range [$1, $2] of dates covers
 * Europe/Amsterdam midnight of $1 up to midnight after $2. */
#include "internal.h"

#define ZONE         "'Europe/Amsterdam'"
#define FROM         "($1::date::timestamp AT TIME ZONE " ZONE ")"
#define UNTIL        "(($2::date + 1)::timestamp AT TIME ZONE " ZONE ")"
#define IN_RANGE(at) "(" at " >= " FROM " AND " at " < " UNTIL ")"

/* The summaries of 0021_report_summaries.sql: steps per day, stays,
 * approvals and their answers. */
#define PERIOD "date_trunc($3::text, day::timestamp)::date"
/* The rows of the range $1..$2 for dimension `d`: the segments within it
 * (from the first that starts in it to the last that ends in it), and the
 * days of the segments its ends cut. */
#define FIRST_WHOLE                                                                                \
    "CASE WHEN report_segment_start($1::date) = $1::date THEN $1::date"                            \
    " ELSE report_segment_end($1::date) + 1 END"
#define LAST_WHOLE                                                                                 \
    "CASE WHEN report_segment_end($2::date) = $2::date THEN $2::date"                              \
    " ELSE report_segment_start($2::date) - 1 END"
#define STEPS_IN_RANGE(d)                                                                          \
    "FROM (SELECT * FROM report_steps WHERE dimension = " d " AND span = 'segment'"                \
    " AND day BETWEEN " FIRST_WHOLE " AND " LAST_WHOLE " UNION ALL SELECT * FROM report_steps"     \
    " WHERE dimension = " d " AND span = 'day' AND day BETWEEN $1::date AND $2::date"              \
    " AND (day < " FIRST_WHOLE " OR day > " LAST_WHOLE ")) r"
/* the count of each step over a group of report_steps' rows, named as the
 * step, in the order of report_funnel.h's bpa_funnel_steps; and those
 * counts of a subquery c */
#define STEP_SUMS                                                                                  \
    "sum(applied) AS applied, sum(proposed) AS proposed, sum(approved) AS approved,"               \
    " sum(accepted) AS accepted, sum(confirmed) AS confirmed, sum(started) AS started,"            \
    " sum(completed) AS completed, sum(dropped_out) AS dropped_out, sum(rejected) AS rejected,"    \
    " sum(declined) AS declined, sum(withdrawn) AS withdrawn, sum(cancelled) AS cancelled"
#define STEPS_OF_C                                                                                 \
    "c.applied, c.proposed, c.approved, c.accepted, c.confirmed, c.started, c.completed,"          \
    " c.dropped_out, c.rejected, c.declined, c.withdrawn, c.cancelled"

#define GROUP_LABEL                                                                                \
    "CASE $4::text WHEN 'employer' THEN (SELECT name FROM employers WHERE id = c.key::bigint)"     \
    " WHEN 'occupation' THEN (SELECT COALESCE(label_en, label_nl) FROM occupations"                \
    " WHERE uri = c.key) ELSE (SELECT name FROM portals WHERE id = c.key::bigint) END"

/* stays in a state that ended in the range */
#define STAYS "SELECT state, seconds FROM report_stays WHERE " IN_RANGE("left_at")

/* approvals in the range, the seconds to the employer's first answer after
 * each, and whether an unanswered one is still waiting for it (its match
 * exists, approved, not accepted yet) */
#define ANSWERS                                                                                    \
    "SELECT a.employer_id, date_part('epoch', a.answered_at - a.approved_at) AS took,"             \
    " a.answered_at IS NULL AND EXISTS (SELECT FROM matches m WHERE m.id = a.match_id"             \
    " AND m.state = 'approved' AND NOT m.employer_accepted) AS waiting"                            \
    " FROM report_answers a WHERE " IN_RANGE("a.approved_at")

/* of seconds, as hours; seconds as a double (date_part), never a numeric
 * (extract), which took half the time of time-in-stage */
#define PERCENTILE(share, seconds)                                                                 \
    "round((percentile_cont(" share ") WITHIN GROUP (ORDER BY " seconds ") / 3600)::numeric,"      \
    " 2)::float8"

/* per employer, of ANSWERS' rows */
#define ANSWER_FIGURES                                                                             \
    "count(*) AS approved, count(took) AS responses, " PERCENTILE(                                 \
        "0.5", "took") " AS median, " PERCENTILE("0.9", "took") " AS p90, count(*) FILTER (WHERE " \
                                                                "waiting) AS waiting"

const struct bpa_db_statement bpa_db_report_statements[] = {
    /* the range reports' statements are planned for the dates asked
     * between these two (handlers/reports.c) */
    {"report_plans_fresh", "SELECT set_config('plan_cache_mode', 'force_custom_plan', false)"},
    {"report_plans_cached", "SELECT set_config('plan_cache_mode', reset_val, false)"
                            " FROM pg_settings WHERE name = 'plan_cache_mode'"},
    /* from, to (dates or NULL) -> {"from", "to"}: by default the last 12
     * months up to today */
    {"report_range",
     "SELECT json_build_object('from', COALESCE($1::date, ((now() AT TIME ZONE " ZONE
     ")::date - interval '12 months')::date), 'to', COALESCE($2::date, (now() AT TIME ZONE " ZONE
     ")::date))"},
    /* from, to, period -> rows: period_start, NULL, NULL, each step's count */
    {"report_funnel", "SELECT " PERIOD ", NULL, NULL, " STEP_SUMS
                      " " STEPS_IN_RANGE("'all'") " GROUP BY 1 ORDER BY 1"},
    /* from, to, period, group -> rows: period_start, key, label, each step's
     * count */
    {"report_funnel_grouped",
     "SELECT c.period, c.key, " GROUP_LABEL ", " STEPS_OF_C " FROM (SELECT " PERIOD " AS period,"
     " NULLIF(key, '') AS key, " STEP_SUMS " " STEPS_IN_RANGE("$4::text") " GROUP BY 1, 2) c"
                                                                          " ORDER BY 1, 2"},
    /* from, to -> [{"state", "stays", "median_hours", "p90_hours"}] */
    {"report_time_in_stage",
     "SELECT COALESCE(json_agg(json_build_object('state', state, 'stays', stays,"
     " 'median_hours', median, 'p90_hours', p90) ORDER BY state), '[]') FROM (SELECT state,"
     " count(*) AS stays, " PERCENTILE("0.5", "seconds") " AS median, " PERCENTILE(
         "0.9", "seconds") " AS p90 FROM (" STAYS ") s GROUP BY state) t"},
    /* from, to -> [{"employer_id", "employer_name", "approved", "responses",
     * "median_hours", "p90_hours", "waiting"}], slowest first */
    {"report_employer_response",
     "SELECT COALESCE(json_agg(json_build_object('employer_id', employer_id, 'employer_name',"
     " (SELECT name FROM employers WHERE id = employer_id), 'approved', approved, 'responses',"
     " responses, 'median_hours', median, 'p90_hours', p90, 'waiting', waiting)"
     " ORDER BY median DESC NULLS LAST, employer_id), '[]') FROM (SELECT employer_id,"
     " " ANSWER_FIGURES " FROM (" ANSWERS ") a GROUP BY employer_id) t"},
    /* placement ids (a JSON array) -> rows: id, occupation URI, its English
     * and Dutch labels, PC4, place */
    {"report_placement_places",
     "SELECT p.id, p.occupation_uri, o.label_en, o.label_nl, left(p.postcode, 4), c.place"
     " FROM placements p LEFT JOIN occupations o ON o.uri = p.occupation_uri"
     " LEFT JOIN postcodes c ON c.pc4 = left(p.postcode, 4)::integer"
     " WHERE p.id IN (SELECT jsonb_array_elements_text($1::jsonb)::bigint)"},
    /* seeker ids (a JSON array) -> rows: id, portal id, portal name */
    {"report_seeker_portals",
     "SELECT s.id, s.portal_id, po.name FROM seekers s JOIN portals po ON po.id = s.portal_id"
     " WHERE s.id IN (SELECT jsonb_array_elements_text($1::jsonb)::bigint)"},
    /* skill URIs (a JSON array) -> {uri: {"label_en", "label_nl"}} */
    {"report_skill_labels",
     "SELECT COALESCE(json_object_agg(uri, json_build_object('label_en', label_en, 'label_nl',"
     " label_nl)), '{}') FROM skills WHERE uri IN (SELECT jsonb_array_elements_text($1::jsonb))"},
    {NULL, NULL},
};
