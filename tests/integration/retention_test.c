/* The retention job (issue 13): rows kept past their period go, kind by
 * kind, in batches; the dry run counts exactly what the next run changes;
 * an inactive seeker's portal is told by webhook, and after the grace
 * period the seeker is erased; audit rows go after their years; and two
 * daemons on one database take turns.
 *
 * One daemon with the job off (--retention-interval-minutes 0) serves the
 * API throughout. Each run is a daemon started with the default interval,
 * whose first run comes two seconds after start: the tests backdate rows
 * with SQL, start such a daemon, wait for its run in its metrics, and stop
 * it. */
#include "api_checks.h"
#include "harness.h"
#include "webhook_receiver.h"

#include <check.h>
#include <curl/curl.h>
#include <libpq-fe.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct harness_db db;
static struct harness_server control; /* the job off: the API */
static char *coordinator;
static long long employer;
static struct webhook_receiver hooks; /* the webhook of the portal told about inactive seekers */

static const char *const kinds[] = {
    "sessions",         "throttle",         "idempotency",    "links",
    "delivered_bodies", "finished_matches", "seeker_notices", "inactive_seekers",
    "rounds",           "changes",          "audit"};
#define KINDS (sizeof kinds / sizeof kinds[0])

/* The position of the kind `name` in kinds[] (and in a run's rows). */
static size_t kind(const char *name)
{
    size_t k = 0;
    while (k < KINDS - 1 && strcmp(kinds[k], name) != 0)
        k++;
    return k;
}

/* --- the database --- */

static void sql(const char *statement)
{
    ck_assert_msg(harness_db_sql(&db, statement) == 0, "%s", statement);
}

static long long db_number(const char *query)
{
    char value[32];
    ck_assert_msg(harness_db_value(&db, query, value, sizeof value), "%s", query);
    return atoll(value);
}

static bool db_true(const char *query)
{
    char value[8];
    ck_assert_msg(harness_db_value(&db, query, value, sizeof value), "%s", query);
    return !strcmp(value, "t");
}

/* --- the API --- */

static struct http_response call(const char *token, const char *method, const char *path,
                                 const char *body)
{
    return http_call_as(&control, token, method, path, body);
}

static long long created(struct http_response r)
{
    ck_assert_msg(r.status == 201 || r.status == 200, "creating failed: %ld %s", r.status, r.body);
    long long id = json_integer_value(json_object_get(r.json, "id"));
    http_response_free(&r);
    return id;
}

static long long new_seeker(const char *portal_key, const char *name)
{
    return created(
        call(portal_key, "POST", "/v1/seekers",
             fmt("{\"name\":\"%s\",\"email\":\"%s@example.org\",\"postcode\":\"2522\","
                 "\"availability\":[{\"day\":\"mon\",\"from\":\"07:00\",\"to\":\"17:00\"}],"
                 "\"available_from\":\"2027-01-01\",\"max_hours_per_week\":24,\"max_travel_km\":10,"
                 "\"consent\":{\"purpose\":\"matching\",\"text_version\":\"1\","
                 "\"given_at\":\"2026-11-01T10:00:00Z\"}}",
                 name, name)));
}

/* A seeker without any activity for 25 months (the period is 24). */
static long long inactive_seeker(const char *portal_key, const char *name)
{
    long long id = new_seeker(portal_key, name);
    sql(fmt("UPDATE seekers SET last_activity_at = now() - interval '25 months' WHERE id = %lld",
            id));
    return id;
}

static long long new_match(const char *portal_key, long long seeker)
{
    long long placement = created(
        call(coordinator, "POST", "/v1/placements",
             fmt("{\"employer_id\":%lld,\"title\":\"Werkplaats\",\"postcode\":\"2516\","
                 "\"schedule\":[{\"day\":\"mon\",\"from\":\"08:00\",\"to\":\"16:00\"}],"
                 "\"hours_per_week\":8,\"start_date\":\"2027-02-01\",\"end_date\":\"2027-04-01\","
                 "\"capacity\":2}",
                 employer)));
    struct http_response r =
        call(coordinator, "POST", fmt("/v1/placements/%lld/open", placement), NULL);
    ck_assert_msg(r.status == 200, "opening: %ld %s", r.status, r.body);
    http_response_free(&r);
    return created(call(portal_key, "POST", "/v1/matches",
                        fmt("{\"seeker_id\":%lld,\"placement_id\":%lld}", seeker, placement)));
}

/* The dry run (a new reference). */
static json_t *report(void)
{
    struct http_response r = call(coordinator, "GET", "/v1/retention/report", NULL);
    ck_assert_msg(r.status == 200, "the report: %ld %s", r.status, r.body);
    json_t *body = json_incref(r.json);
    http_response_free(&r);
    return body;
}

static long long would(const json_t *report, const char *kind)
{
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(report, "kinds"), i, item)
    {
        if (!strcmp(json_string_value(json_object_get(item, "kind")), kind))
            return json_integer_value(json_object_get(item, "would_affect"));
    }
    ck_abort_msg("the report has no kind %s", kind);
    return -1;
}

/* --- daemons that run the job --- */

static const char *const retaining_args[] = {"--webhook-private-addresses", "--notify-interval-ms",
                                             "100", NULL};

static void start_retaining(struct harness_server *daemon)
{
    int status = 0;
    ck_assert_msg(harness_server_start(daemon, db.url, retaining_args, &status), "status %d",
                  status);
}

/* A figure of the daemon's /metrics: the line starting `name` (with its
 * labels), or -1. */
static long long metric(const struct harness_server *daemon, const char *name)
{
    struct http_response r;
    http_call(daemon, "GET", "/metrics", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    long long value = -1;
    char *at = r.body;
    size_t len = strlen(name);
    while (at && *at) {
        if (!strncmp(at, name, len) && at[len] == ' ') {
            value = atoll(at + len + 1);
            break;
        }
        at = strchr(at, '\n');
        at = at ? at + 1 : NULL;
    }
    http_response_free(&r);
    return value;
}

static long long rows_of(const struct harness_server *daemon, const char *kind)
{
    return metric(daemon, fmt("bpa_retention_rows_total{kind=\"%s\"}", kind));
}

static void wait_for_runs(const struct harness_server *daemon, long long runs, int seconds)
{
    long long done = 0;
    for (int tries = 0; tries < seconds * 10; tries++) {
        if ((done = metric(daemon, "bpa_retention_runs_total")) >= runs)
            return;
        usleep(100000);
    }
    ck_abort_msg("%lld runs after %d s, not %lld", done, seconds, runs);
}

static bool logged(const struct harness_server *daemon, const char *text)
{
    char *log = harness_server_log(daemon);
    bool found = strstr(log, text) != NULL;
    free(log);
    return found;
}

/* One run by a daemon of its own: the rows it changed per kind. */
static void one_run(long long rows[KINDS])
{
    struct harness_server daemon;
    start_retaining(&daemon);
    wait_for_runs(&daemon, 1, 30);
    for (size_t k = 0; k < KINDS; k++)
        rows[k] = rows_of(&daemon, kinds[k]);
    ck_assert_msg(logged(&daemon, "\"event\":\"retention_run\""), "no retention_run line");
    ck_assert(harness_server_stop_cleanly(&daemon));
}

/* --- rows past their period, and rows within it --- */

static const char *const TOKEN = "decode(md5(random()::text) || md5(random()::text), 'hex')";

static long long account_id(void)
{
    return db_number("SELECT id FROM accounts WHERE email = 'coord@example.org'");
}

START_TEST(the_report_counts_exactly_what_a_run_changes)
{
    long long rows[KINDS];
    one_run(rows); /* what earlier tests left */
    json_t *before = report();
    ck_assert_ptr_nonnull(json_string_value(json_object_get(before, "generated_at")));
    json_t *settings = json_object_get(before, "settings");
    ck_assert_int_eq(json_integer_value(json_object_get(settings, "retain-audit-years")), 7);
    ck_assert_int_eq(json_integer_value(json_object_get(settings, "retain-session-days")), 30);
    ck_assert_int_eq(json_integer_value(json_object_get(settings, "retention-grace-days")), 30);
    ck_assert_int_eq(json_integer_value(json_object_get(settings, "retention-interval-minutes")),
                     0);
    ck_assert_uint_eq(json_array_size(json_object_get(before, "kinds")), KINDS);
    for (size_t k = 0; k < KINDS; k++) {
        ck_assert_msg(would(before, kinds[k]) == 0, "%s: %lld after a run", kinds[k],
                      would(before, kinds[k]));
        json_t *item = json_array_get(json_object_get(before, "kinds"), k);
        ck_assert_str_eq(json_string_value(json_object_get(item, "kind")), kinds[k]);
        ck_assert_uint_gt(strlen(json_string_value(json_object_get(item, "rule"))), 20);
    }
    json_decref(before);

    long long account = account_id();
    /* sessions: expired or revoked 31 days ago go; 29 days ago stay */
    sql(fmt("INSERT INTO sessions (token_hash, account_id, expires_at, revoked_at) VALUES"
            " (%s, %lld, now() - interval '31 days', NULL),"
            " (%s, %lld, now() + interval '1 day', now() - interval '31 days'),"
            " (%s, %lld, now() - interval '29 days', NULL),"
            " (%s, %lld, now() + interval '1 day', now() - interval '29 days')",
            TOKEN, account, TOKEN, account, TOKEN, account, TOKEN, account));
    /* throttling: 2 days old go, 12 hours old stay */
    sql("INSERT INTO login_failures (subject, at) SELECT 'account:report@example.org',"
        " now() - interval '2 days' FROM generate_series(1, 3)");
    sql("INSERT INTO login_failures (subject, at) VALUES ('account:report@example.org',"
        " now() - interval '12 hours')");
    sql("INSERT INTO throttle_events (subject, at) VALUES ('signup-email:r@example.org',"
        " now() - interval '2 days'), ('signup-email:r@example.org', now() - interval '2 days'),"
        " ('signup-email:r@example.org', now() - interval '12 hours')");
    /* idempotency answers: 31 days old go */
    sql("INSERT INTO idempotency_keys (scope, key, request_hash, response_status, response_body,"
        " created_at) VALUES ('report', 'old-1', 'h', 201, '{}', now() - interval '31 days'),"
        " ('report', 'old-2', 'h', 201, '{}', now() - interval '31 days'),"
        " ('report', 'recent', 'h', 201, '{}', now() - interval '29 days')");
    /* one-time links: expired or used 8 days ago go */
    sql(fmt("INSERT INTO one_time_tokens (token_hash, purpose, account_id, expires_at, used_at)"
            " VALUES (%s, 'reset_password', %lld, now() - interval '8 days', NULL),"
            " (%s, 'reset_password', %lld, now() + interval '1 hour', now() - interval '8 days'),"
            " (%s, 'reset_password', %lld, now() - interval '6 days', NULL),"
            " (%s, 'reset_password', %lld, now() + interval '1 hour', NULL)",
            TOKEN, account, TOKEN, account, TOKEN, account, TOKEN, account));
    /* notifications delivered 91 days ago lose their payload but for the
     * event id and type; one already reduced, one too recent, one never
     * delivered stay as they are */
    sql("INSERT INTO notifications (event_id, event_type, channel, recipient_kind, payload,"
        " status, delivered_at) VALUES"
        " ('rp-1', 'reminder', 'feed', 'coordinator', '{\"event_id\":\"rp-1\",\"type\":"
        "\"reminder\",\"match_id\":1,\"seeker_id\":2}', 'delivered', now() - interval '91 days'),"
        " ('rp-2', 'reminder', 'feed', 'coordinator', '{\"event_id\":\"rp-2\",\"type\":"
        "\"reminder\",\"match_id\":1}', 'delivered', now() - interval '91 days'),"
        " ('rp-3', 'reminder', 'feed', 'coordinator', '{\"event_id\":\"rp-3\",\"type\":"
        "\"reminder\"}', 'delivered', now() - interval '91 days'),"
        " ('rp-4', 'reminder', 'feed', 'coordinator', '{\"event_id\":\"rp-4\",\"type\":"
        "\"reminder\",\"match_id\":1}', 'delivered', now() - interval '89 days'),"
        " ('rp-5', 'reminder', 'webhook', 'portal', '{\"event_id\":\"rp-5\",\"type\":"
        "\"reminder\",\"match_id\":1}', 'dead', NULL)");
    /* a match finished 25 months ago loses its history's notes and actors;
     * one finished 23 months ago keeps them */
    long long portal;
    char *key = harness_new_portal(db.url, "Report portal", &portal);
    long long old_match = new_match(key, new_seeker(key, "Finished"));
    long long recent_match = new_match(key, new_seeker(key, "Recent"));
    sql(fmt("INSERT INTO match_history (match_id, action, from_state, to_state, actor_kind,"
            " actor_id, note) VALUES (%lld, 'complete', 'started', 'completed', 'coordinator',"
            " %lld, 'went well, says Ria'), (%lld, 'complete', 'started', 'completed',"
            " 'system', NULL, NULL), (%lld, 'complete', 'started', 'completed', 'coordinator',"
            " %lld, 'a note kept')",
            old_match, account, old_match, recent_match, account));
    sql(fmt("UPDATE matches SET state = 'completed', state_since = now() - interval '25 months'"
            " WHERE id = %lld",
            old_match));
    sql(fmt("UPDATE matches SET state = 'completed', state_since = now() - interval '23 months'"
            " WHERE id = %lld",
            recent_match));
    long long history = db_number(fmt("SELECT count(*) FROM match_history WHERE match_id = %lld"
                                      " AND (note IS NOT NULL OR actor_id IS NOT NULL)",
                                      old_match));
    ck_assert_int_ge(history, 2); /* the application's (by the portal) and the note */
    /* seekers: one to be told (inactive 25 months), one not yet (23), one
     * to be erased (told 31 days ago), one told too recently */
    long long told = inactive_seeker(key, "Toldnow");
    long long active = new_seeker(key, "Active");
    sql(fmt("UPDATE seekers SET last_activity_at = now() - interval '23 months' WHERE id = %lld",
            active));
    long long due = inactive_seeker(key, "Erasable");
    long long waiting = inactive_seeker(key, "Waiting");
    sql(fmt("UPDATE seekers SET retention_notice_at = now() - interval '31 days' WHERE id = %lld",
            due));
    sql(fmt("UPDATE seekers SET retention_notice_at = now() - interval '29 days' WHERE id = %lld",
            waiting));
    /* rounds: computed 25 months ago go (the newer one they were recomputed
     * as too, when old enough), 23 months ago stay */
    sql("WITH old AS (INSERT INTO rounds (mode, params, rules_version, input_digest, result,"
        " computed_ms, created_at) VALUES ('stable', '{}', 'r', 'd', '{}', 1,"
        " now() - interval '25 months'), ('optimal', '{}', 'r', 'd', '{}', 1,"
        " now() - interval '25 months') RETURNING id)"
        " INSERT INTO round_pairs (round_id, seeker_id, placement_id, employer_id, score,"
        " distance_km, explanation) SELECT id, 1, 1, 1, 50, 1.5, '{}' FROM old");
    sql("INSERT INTO rounds (mode, params, rules_version, input_digest, result, computed_ms,"
        " created_at) VALUES ('stable', '{}', 'r', 'd', '{}', 1, now() - interval '23 months')");
    sql("UPDATE rounds SET status = 'superseded', recomputed_as = (SELECT max(id) FROM rounds)"
        " WHERE id = (SELECT min(id) FROM rounds)");
    /* the change feed: every entry so far made 31 days old goes (the world
     * above wrote some), one 29 days old stays */
    sql("UPDATE changes SET at = now() - interval '31 days'");
    long long changes = db_number("SELECT count(*) FROM changes");
    sql("INSERT INTO changes (seq, kind, subject_id, data, at) VALUES (nextval('change_seq'),"
        " 'placement_closed', 1, '{}', now() - interval '29 days')");
    /* audit rows: 8 years old go, 6 years old stay */
    sql("INSERT INTO audit_log (at, principal_kind, action) VALUES"
        " (now() - interval '8 years', 'operator', 'test.report_old'),"
        " (now() - interval '8 years', 'operator', 'test.report_old'),"
        " (now() - interval '6 years', 'operator', 'test.report_recent')");

    const long long expected[KINDS] = {2, 5, 2, 2, 2, history, 1, 1, 2, changes, 2};
    json_t *dry = report();
    for (size_t k = 0; k < KINDS; k++)
        ck_assert_msg(would(dry, kinds[k]) == expected[k], "%s: the report says %lld, not %lld",
                      kinds[k], would(dry, kinds[k]), expected[k]);
    json_decref(dry);
    /* the dry run changed nothing */
    ck_assert_int_eq(db_number("SELECT count(*) FROM audit_log WHERE action = 'test.report_old'"),
                     2);

    one_run(rows);
    for (size_t k = 0; k < KINDS; k++)
        ck_assert_msg(rows[k] == expected[k], "%s: the run changed %lld, the report said %lld",
                      kinds[k], rows[k], expected[k]);
    /* a cursor from before the deleted entries now gets 410 */
    ck_assert_int_ge(db_number("SELECT purged_through FROM change_feed_horizon"), changes);
    json_t *after = report();
    for (size_t k = 0; k < KINDS; k++)
        ck_assert_msg(would(after, kinds[k]) == 0, "%s: %lld left", kinds[k],
                      would(after, kinds[k]));
    json_decref(after);

    /* what is within its period is still there, as it was */
    ck_assert_int_eq(db_number(fmt("SELECT count(*) FROM sessions WHERE account_id = %lld AND"
                                   " (expires_at < now() OR revoked_at IS NOT NULL)",
                                   account)),
                     2);
    ck_assert_int_eq(
        db_number(
            "SELECT count(*) FROM login_failures WHERE subject = 'account:report@example.org'"),
        1);
    ck_assert_int_eq(db_number("SELECT count(*) FROM throttle_events"
                               " WHERE subject = 'signup-email:r@example.org'"),
                     1);
    ck_assert_int_eq(db_number("SELECT count(*) FROM idempotency_keys WHERE scope = 'report'"), 1);
    ck_assert_int_eq(
        db_number(fmt("SELECT count(*) FROM one_time_tokens WHERE account_id = %lld", account)), 2);
    ck_assert(db_true("SELECT payload = '{\"event_id\":\"rp-1\",\"type\":\"reminder\"}'"
                      " FROM notifications WHERE event_id = 'rp-1'"));
    ck_assert(db_true("SELECT payload = '{\"event_id\":\"rp-2\",\"type\":\"reminder\"}'"
                      " FROM notifications WHERE event_id = 'rp-2'"));
    ck_assert(db_true("SELECT payload ? 'match_id' FROM notifications WHERE event_id = 'rp-4'"));
    ck_assert(db_true("SELECT payload ? 'match_id' FROM notifications WHERE event_id = 'rp-5'"));
    ck_assert_int_eq(db_number(fmt("SELECT count(*) FROM match_history WHERE match_id = %lld"
                                   " AND (note IS NOT NULL OR actor_id IS NOT NULL)",
                                   old_match)),
                     0);
    ck_assert_int_eq(
        db_number(fmt("SELECT count(*) FROM match_history WHERE match_id = %lld", old_match)),
        history + 1); /* the rows stay, anonymous */
    ck_assert(db_true(fmt("SELECT note = 'a note kept' FROM match_history WHERE match_id = %lld"
                          " AND note IS NOT NULL",
                          recent_match)));
    ck_assert(db_true(fmt("SELECT retention_notice_at > now() - interval '1 minute' AND"
                          " erased_at IS NULL FROM seekers WHERE id = %lld",
                          told)));
    ck_assert(
        db_true(fmt("SELECT retention_notice_at IS NULL FROM seekers WHERE id = %lld", active)));
    ck_assert(db_true(fmt("SELECT erased_at IS NOT NULL AND name = 'erased' AND email IS NULL"
                          " FROM seekers WHERE id = %lld",
                          due)));
    ck_assert(db_true(fmt("SELECT erased_at IS NULL AND name = 'Waiting' FROM seekers"
                          " WHERE id = %lld",
                          waiting)));
    ck_assert_int_eq(db_number("SELECT count(*) FROM audit_log WHERE action LIKE 'test.report%'"),
                     1);
    free(key);
}
END_TEST

START_TEST(old_throttle_rows_go_in_batches)
{
    long long rows[KINDS];
    sql("INSERT INTO login_failures (subject, at) SELECT 'address:192.0.2.' || (n % 200),"
        " now() - interval '3 days' FROM generate_series(1, 1200) AS n");
    sql("INSERT INTO throttle_events (subject, at) SELECT 'signup-address:192.0.2.' || (n % 50),"
        " now() - interval '3 days' FROM generate_series(1, 700) AS n");
    sql("INSERT INTO login_failures (subject) SELECT 'address:198.51.100.1'"
        " FROM generate_series(1, 10)");
    long long old = db_number("SELECT (SELECT count(*) FROM login_failures"
                              " WHERE at < now() - interval '1 day') + (SELECT count(*) FROM"
                              " throttle_events WHERE at < now() - interval '1 day')");
    ck_assert_int_ge(old, 1900);
    json_t *dry = report();
    ck_assert_int_eq(would(dry, "throttle"), old);
    json_decref(dry);
    one_run(rows);
    ck_assert_int_eq(rows[kind("throttle")], old); /* 500 a statement: several batches */
    ck_assert_int_eq(db_number("SELECT count(*) FROM login_failures"
                               " WHERE at < now() - interval '1 day'"),
                     0);
    ck_assert_int_eq(db_number("SELECT count(*) FROM throttle_events"
                               " WHERE at < now() - interval '1 day'"),
                     0);
    ck_assert_int_eq(
        db_number("SELECT count(*) FROM login_failures WHERE subject = 'address:198.51.100.1'"),
        10);
}
END_TEST

/* The calls of the retention notice about `seeker` (a new array). */
static json_t *notices_about(long long seeker)
{
    json_t *calls = webhook_receiver_calls(&hooks), *found = json_array();
    size_t i;
    json_t *c;
    json_array_foreach(calls, i, c)
    {
        json_t *payload = json_object_get(c, "payload");
        if (json_integer_value(json_object_get(payload, "seeker_id")) == seeker &&
            !strcmp(json_string_value(json_object_get(payload, "type")), "seeker_retention_notice"))
            json_array_append(found, c);
    }
    json_decref(calls);
    return found;
}

START_TEST(an_inactive_seeker_is_announced_then_erased)
{
    long long portal, silent_portal, rows[KINDS];
    char *key = harness_new_portal(db.url, "Told portal", &portal);
    char *silent_key = harness_new_portal(db.url, "Portal without webhook", &silent_portal);
    struct http_response r =
        call(key, "PUT", "/v1/portal/webhook", fmt("{\"url\":\"%s\"}", hooks.url));
    ck_assert_msg(r.status == 200, "registering the webhook: %ld %s", r.status, r.body);
    char *secret = strdup(json_string_value(json_object_get(r.json, "secret")));
    http_response_free(&r);

    long long seeker = inactive_seeker(key, "Markeroldname");
    long long unwebhooked = inactive_seeker(silent_key, "Markersilent");
    long long returning = inactive_seeker(key, "Markerreturning");

    one_run(rows);
    ck_assert_int_ge(rows[kind("seeker_notices")], 3);
    /* the portal is told, once, with ids and the date only */
    json_t *call_record = webhook_receiver_wait(
        &hooks, (struct webhook_filter){.event = "seeker_retention_notice"}, 15);
    ck_assert_msg(call_record != NULL, "no retention notice came");
    json_decref(call_record);
    json_t *notices = NULL;
    for (int tries = 0; tries < 100; tries++) { /* the other one's may come after */
        json_t *other = notices_about(returning);
        bool both = json_array_size(other) == 1;
        json_decref(other);
        json_decref(notices);
        notices = notices_about(seeker);
        if (both && json_array_size(notices) == 1)
            break;
        usleep(100000);
    }
    ck_assert_uint_eq(json_array_size(notices), 1);
    json_t *notice = json_array_get(notices, 0);
    ck_assert_int_eq(webhook_call_signed_by(notice, secret), 0);
    json_t *payload = json_object_get(notice, "payload");
    ck_assert_str_eq(json_string_value(json_object_get(payload, "type")),
                     "seeker_retention_notice");
    ck_assert_str_eq(json_string_value(json_object_get(payload, "event_id")),
                     json_string_value(json_object_get(notice, "event_id")));
    ck_assert_ptr_nonnull(json_string_value(json_object_get(payload, "occurred_at")));
    ck_assert_uint_eq(json_object_size(payload), 5); /* event_id, type, occurred_at, seeker_id,
                                                        anonymise_after */
    ck_assert_ptr_null(strstr(json_string_value(json_object_get(notice, "body")), "Marker"));
    ck_assert(db_true(fmt("SELECT ('%s'::timestamptz - retention_notice_at) BETWEEN"
                          " interval '30 days' - interval '1 minute' AND interval '30 days'"
                          " + interval '1 minute' FROM seekers WHERE id = %lld",
                          json_string_value(json_object_get(payload, "anonymise_after")), seeker)));
    json_decref(notices);
    /* the portal without a webhook gets no delivery, but the period starts */
    ck_assert_int_eq(db_number(fmt("SELECT count(*) FROM notifications WHERE event_type ="
                                   " 'seeker_retention_notice' AND recipient_id = %lld",
                                   silent_portal)),
                     0);
    ck_assert(db_true(
        fmt("SELECT retention_notice_at IS NOT NULL FROM seekers WHERE id = %lld", unwebhooked)));
    /* told, not yet erased */
    ck_assert(db_true(fmt("SELECT erased_at IS NULL AND name = 'Markeroldname' FROM seekers"
                          " WHERE id = %lld",
                          seeker)));

    /* one comes back: a match event is activity */
    new_match(key, returning);
    ck_assert(db_true(fmt("SELECT retention_notice_at IS NULL AND last_activity_at >"
                          " now() - interval '1 minute' FROM seekers WHERE id = %lld",
                          returning)));

    /* the grace period passes */
    sql(fmt("UPDATE seekers SET retention_notice_at = retention_notice_at - interval '31 days'"
            " WHERE id IN (%lld, %lld, %lld) AND retention_notice_at IS NOT NULL",
            seeker, unwebhooked, returning));
    json_t *dry = report();
    long long erasable = would(dry, "inactive_seekers");
    ck_assert_int_ge(erasable, 2);
    json_decref(dry);
    one_run(rows);
    ck_assert_int_eq(rows[kind("inactive_seekers")], erasable);
    for (int i = 0; i < 2; i++) {
        long long id = i ? unwebhooked : seeker;
        ck_assert(db_true(fmt("SELECT erased_at IS NOT NULL AND name = 'erased' AND email IS NULL"
                              " FROM seekers WHERE id = %lld",
                              id)));
        ck_assert(db_true(fmt("SELECT detail->>'by' = 'retention' FROM audit_log"
                              " WHERE action = 'seeker.erase' AND principal_kind = 'operator'"
                              " AND resource_type = 'seeker' AND resource_id = '%lld'",
                              id)));
    }
    ck_assert(db_true(fmt("SELECT erased_at IS NULL AND name = 'Markerreturning' FROM seekers"
                          " WHERE id = %lld",
                          returning)));
    /* told once only */
    notices = notices_about(seeker);
    ck_assert_uint_eq(json_array_size(notices), 1);
    json_decref(notices);
    free(secret);
    free(silent_key);
    free(key);
}
END_TEST

START_TEST(audit_rows_go_after_their_years)
{
    long long rows[KINDS];
    sql("INSERT INTO audit_log (at, principal_kind, action) VALUES"
        " (now() - interval '7 years 1 day', 'operator', 'test.audit_old'),"
        " (now() - interval '9 years', 'operator', 'test.audit_old'),"
        " (now() - interval '6 years 364 days', 'operator', 'test.audit_kept')");
    /* outside the retention job the trail stays append-only */
    ck_assert_int_ne(harness_db_sql(&db, "DELETE FROM audit_log WHERE action = 'test.audit_old'"),
                     0);
    ck_assert_int_ne(harness_db_sql(&db, "UPDATE audit_log SET action = 'test.x'"
                                         " WHERE action = 'test.audit_old'"),
                     0);
    one_run(rows);
    ck_assert_int_ge(rows[kind("audit")], 2);
    ck_assert_int_eq(db_number("SELECT count(*) FROM audit_log WHERE action = 'test.audit_old'"),
                     0);
    ck_assert_int_eq(db_number("SELECT count(*) FROM audit_log WHERE action = 'test.audit_kept'"),
                     1);
}
END_TEST

/* Whether some connection to the test database waits for a lock. */
static bool someone_waits(void)
{
    return db_number("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                     " AND wait_event_type = 'Lock'") > 0;
}

START_TEST(two_daemons_take_turns)
{
    long long portal;
    char *key = harness_new_portal(db.url, "Turns portal", &portal);
    long long seeker = inactive_seeker(key, "Turns");
    sql(fmt("UPDATE seekers SET retention_notice_at = now() - interval '31 days' WHERE id = %lld",
            seeker));
    /* a request, as it were, holds the seeker: the first daemon's run
     * waits for it in the middle, holding the job's lock */
    PGconn *holder = PQconnectdb(db.url);
    ck_assert_int_eq(PQstatus(holder), CONNECTION_OK);
    PQclear(PQexec(holder, "BEGIN"));
    PGresult *held =
        PQexec(holder, fmt("SELECT 1 FROM seekers WHERE id = %lld FOR UPDATE", seeker));
    ck_assert_int_eq(PQresultStatus(held), PGRES_TUPLES_OK);
    PQclear(held);

    struct harness_server first, second;
    start_retaining(&first);
    for (int tries = 0; tries < 300 && !someone_waits(); tries++)
        usleep(100000);
    ck_assert_msg(someone_waits(), "the first daemon's run never reached the held seeker");
    start_retaining(&second);
    for (int tries = 0; tries < 300 && !logged(&second, "\"event\":\"retention_skipped\""); tries++)
        usleep(100000);
    ck_assert_msg(logged(&second, "another daemon is running it"),
                  "the second daemon did not leave the run to the first");
    ck_assert_int_eq(metric(&second, "bpa_retention_runs_total"), 0);
    ck_assert_int_eq(metric(&first, "bpa_retention_runs_total"), 0); /* still waiting */
    ck_assert(db_true(fmt("SELECT erased_at IS NULL FROM seekers WHERE id = %lld", seeker)));

    PQclear(PQexec(holder, "COMMIT"));
    PQfinish(holder);
    wait_for_runs(&first, 1, 30);
    ck_assert_int_ge(rows_of(&first, "inactive_seekers"), 1);
    ck_assert(db_true(fmt("SELECT erased_at IS NOT NULL FROM seekers WHERE id = %lld", seeker)));
    /* the job's lock is free again (taken here for a moment, and let go) */
    ck_assert(db_true("SELECT pg_try_advisory_lock(7301160503)"));
    ck_assert_int_eq(metric(&second, "bpa_retention_runs_total"), 0);
    ck_assert(harness_server_stop_cleanly(&second));
    ck_assert(harness_server_stop_cleanly(&first));
    free(key);
}
END_TEST

START_TEST(the_job_is_off_with_interval_0_and_the_report_is_for_coordinators)
{
    /* the API's daemon has run for a while with the job off */
    ck_assert_int_eq(metric(&control, "bpa_retention_runs_total"), 0);
    ck_assert(!logged(&control, "\"event\":\"retention_run\""));
    ck_assert(!logged(&control, "\"event\":\"retention_skipped\""));
    for (size_t k = 0; k < KINDS; k++)
        ck_assert_int_eq(rows_of(&control, kinds[k]), 0);

    long long portal;
    char *key = harness_new_portal(db.url, "Curious portal", &portal);
    struct http_response r = call(key, "GET", "/v1/retention/report", NULL);
    ck_assert_int_eq(r.status, 403);
    http_response_free(&r);
    r = call(NULL, "GET", "/v1/retention/report", NULL);
    ck_assert_int_eq(r.status, 401);
    http_response_free(&r);
    free(key);
}
END_TEST

static int run_tests(void)
{
    Suite *s = suite_create("retention");
    TCase *t = tcase_create("retention");
    tcase_set_timeout(t, 180);
    tcase_add_test(t, the_report_counts_exactly_what_a_run_changes);
    tcase_add_test(t, old_throttle_rows_go_in_batches);
    tcase_add_test(t, an_inactive_seeker_is_announced_then_erased);
    tcase_add_test(t, audit_rows_go_after_their_years);
    tcase_add_test(t, two_daemons_take_turns);
    tcase_add_test(t, the_job_is_off_with_interval_0_and_the_report_is_for_coordinators);
    suite_add_tcase(s, t);
    return harness_run_suite(s);
}

static const char *const control_args[] = {"--migrate",
                                           "--retention-interval-minutes",
                                           "0",
                                           "--webhook-private-addresses",
                                           "--notify-interval-ms",
                                           "100",
                                           NULL};

int main(void)
{
    if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        return 2;
    if (!webhook_receiver_start(&hooks))
        return 2;
    harness_db_create(&db);
    int failed = 2;
    if (api_start_with_reference_data(&control, &db, control_args)) {
        coordinator = harness_login_new_account(&control, db.url, "coord@example.org", NULL);
        employer = api_new_verified_employer(
            &control, coordinator,
            "{\"kvk_number\":\"66666666\",\"name\":\"Leerbedrijf\",\"postcode\":\"2516\"}");
        failed = employer ? run_tests() : 2;
        if (!harness_server_stop_cleanly(&control))
            failed++;
    }
    harness_db_destroy(&db);
    webhook_receiver_stop(&hooks);
    free(coordinator);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
