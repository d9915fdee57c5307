/* Notifications end to end: a webhook receiver and an SMTP sink started by
 * the test, the story from application to completion, signed webhooks,
 * e-mail in the contact's language, feeds, retries until dead and a retry
 * that delivers, and a dispatcher that was killed picking up again. */
#include "harness.h"
#include "smtp_sink.h"
#include "webhook_receiver.h"

#include <check.h>
#include <curl/curl.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static struct harness_db db;
static struct harness_server server, other; /* two daemons, two dispatchers */
static char *coordinator, *employer_user, *portal_key, *secret;
static long long employer, portal;
static struct webhook_receiver hooks; /* the portal's webhook */
static struct smtp_sink sink;         /* the e-mail of the employer */

/* --- helpers --- */

static struct http_response call(const char *token, const char *method, const char *path,
                                 const char *body)
{
    return http_call_as(&server, token, method, path, body);
}

static long long created(struct http_response r)
{
    if (r.status != 201 && r.status != 200) {
        fprintf(stderr, "creating failed: %ld %s\n", r.status, r.body);
        exit(2);
    }
    long long id = json_integer_value(json_object_get(r.json, "id"));
    http_response_free(&r);
    return id;
}

static void expect_act(const char *token, long long match, const char *action)
{
    struct http_response r = call(token, "POST", fmt("/v1/matches/%lld/transitions", match),
                                  fmt("{\"action\":\"%s\"}", action));
    ck_assert_msg(r.status == 200, "%s: %ld %s", action, r.status, r.body);
    http_response_free(&r);
}

static long long new_match(void)
{
    long long placement = created(
        call(employer_user, "POST", "/v1/placements",
             "{\"title\":\"Installatie\",\"postcode\":\"2516\",\"lat\":52.076,\"lon\":4.336,"
             "\"schedule\":[{\"day\":\"mon\",\"from\":\"08:00\",\"to\":\"16:00\"}],"
             "\"hours_per_week\":8,\"start_date\":\"2027-02-01\",\"end_date\":\"2027-04-01\","
             "\"capacity\":1}"));
    struct http_response r =
        call(employer_user, "POST", fmt("/v1/placements/%lld/open", placement), NULL);
    http_response_free(&r);
    long long seeker = created(
        call(portal_key, "POST", "/v1/seekers",
             "{\"name\":\"Noor Geheim\",\"email\":\"noor@example.org\",\"postcode\":\"2522\","
             "\"lat\":52.064,\"lon\":4.33,\"availability\":[{\"day\":\"mon\",\"from\":\"07:00\","
             "\"to\":\"17:00\"}],\"available_from\":\"2027-01-01\",\"max_hours_per_week\":24,"
             "\"max_travel_km\":10,\"consent\":{\"purpose\":\"matching\",\"text_version\":\"1\","
             "\"given_at\":\"2026-11-01T10:00:00Z\"}}"));
    return created(call(portal_key, "POST", "/v1/matches",
                        fmt("{\"seeker_id\":%lld,\"placement_id\":%lld}", seeker, placement)));
}

/* The receiver's record of `event` for `match`, waiting up to 10 s. */
static json_t *webhook_call(long long match, const char *event, bool accepted)
{
    struct webhook_filter filter = {
        .event = event, .match_id = match, .answer = accepted ? WEBHOOK_ACCEPTED : WEBHOOK_REFUSED};
    return webhook_receiver_wait(&hooks, filter, 10);
}

/* The e-mail to `address` with `subject`, waiting up to 10 s. */
static char *email_to(const char *address, const char *subject)
{
    return smtp_sink_wait(&sink, address, fmt("Subject: %s", subject), 10);
}

/* A daemon whose dispatcher runs often, retries at once, gives up after
 * three attempts and may reach this test's receivers on 127.0.0.1. */
static const char *const *daemon_args(bool migrate)
{
    static const char *args[12];
    const char *const list[] = {"--webhook-private-addresses",
                                "--smtp-url",
                                sink.url,
                                "--notify-interval-ms",
                                "100",
                                "--notify-backoff-seconds",
                                "0",
                                "--notify-max-attempts",
                                "3",
                                migrate ? "--migrate" : NULL,
                                NULL};
    memcpy(args, list, sizeof list);
    return args;
}

START_TEST(the_story_notifies_both_sides)
{
    long long match = new_match();
    expect_act(coordinator, match, "approve");

    json_t *hook = webhook_call(match, "match_approved", true);
    ck_assert_msg(hook != NULL, "the portal's webhook never came");
    const char *body = json_string_value(json_object_get(hook, "body"));
    const char *timestamp = json_string_value(json_object_get(hook, "timestamp"));
    ck_assert_ptr_nonnull(json_string_value(json_object_get(hook, "event_id")));
    ck_assert_ptr_null(strstr(body, "Noor")); /* ids, never personal data */
    ck_assert_ptr_null(strstr(body, "noor@"));
    /* the receiver's check: HMAC-SHA256(secret, timestamp "." body), one signature */
    const char *signature = json_string_value(json_object_get(hook, "signature"));
    ck_assert_uint_eq(webhook_signature_count(signature), 1);
    ck_assert_int_eq(webhook_signature_position(signature, secret, timestamp, body), 0);
    /* two dispatchers ran: still one delivery of this event */
    usleep(500000);
    const char *event_id = json_string_value(json_object_get(hook, "event_id"));
    ck_assert_uint_eq(webhook_receiver_count(&hooks, (struct webhook_filter){.event_id = event_id}),
                      1);
    json_decref(hook);

    char *mail = email_to("contact@werkplaats.example", "Een kandidaat voor uw werkleerplek");
    ck_assert_msg(mail != NULL, "the employer's e-mail never came");
    ck_assert_ptr_null(strstr(mail, "Noor"));
    free(mail);

    expect_act(employer_user, match, "accept");
    hook = webhook_call(match, "employer_answered", true);
    ck_assert_ptr_nonnull(hook);
    json_decref(hook);
    expect_act(portal_key, match, "confirm");
    mail = email_to("contact@werkplaats.example", "De kandidaat heeft gereageerd");
    ck_assert_ptr_nonnull(mail);
    free(mail);
    expect_act(coordinator, match, "start");
    expect_act(coordinator, match, "complete");

    struct http_response r = call(coordinator, "GET", fmt("/v1/matches/%lld", match), NULL);
    ck_assert_uint_eq(json_array_size(json_object_get(r.json, "history")), 6);
    http_response_free(&r);

    /* feeds: the employer heard of the approval; marking it read */
    r = call(employer_user, "GET", "/v1/notifications", NULL);
    ck_assert_int_eq(r.status, 200);
    json_t *first = NULL;
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(r.json, "items"), i,
                       item) if (json_integer_value(json_object_get(item, "match_id")) == match &&
                                 !strcmp(json_string_value(json_object_get(item, "type")),
                                         "match_approved")) first = item;
    ck_assert_ptr_nonnull(first);
    ck_assert(json_is_false(json_object_get(first, "read")));
    long long id = json_integer_value(json_object_get(first, "id"));
    http_response_free(&r);
    r = call(employer_user, "POST", fmt("/v1/notifications/%lld/read", id), NULL);
    ck_assert_int_eq(r.status, 204);
    http_response_free(&r);
    r = call(portal_key, "POST", fmt("/v1/notifications/%lld/read", id), NULL); /* not theirs */
    ck_assert_int_eq(r.status, 404);
    http_response_free(&r);
    r = call(coordinator, "GET", "/v1/notifications", NULL);
    ck_assert_ptr_nonnull(strstr(r.body, "application_received"));
    http_response_free(&r);
}
END_TEST

START_TEST(a_failing_receiver_gets_retries_then_dead_then_a_retry_delivers)
{
    webhook_receiver_fail(&hooks, true);
    long long match = new_match();
    expect_act(coordinator, match, "approve");
    /* 3 attempts, then dead */
    long long dead = 0;
    for (int tries = 0; tries < 200 && !dead; tries++) {
        struct http_response r =
            call(coordinator, "GET", "/v1/notifications/deliveries?status=dead", NULL);
        size_t i;
        json_t *item;
        json_array_foreach(
            json_object_get(r.json, "items"), i,
            item) if (json_integer_value(json_object_get(item, "match_id")) == match &&
                      !strcmp(json_string_value(json_object_get(item, "channel")), "webhook"))
        {
            dead = json_integer_value(json_object_get(item, "id"));
            ck_assert_int_eq(json_integer_value(json_object_get(item, "attempts")), 3);
            ck_assert_ptr_nonnull(
                strstr(json_string_value(json_object_get(item, "last_error")), "500"));
        }
        http_response_free(&r);
        if (!dead)
            usleep(50000);
    }
    ck_assert_msg(dead, "the failing webhook never became dead");
    webhook_receiver_fail(&hooks, false);
    struct http_response r =
        call(coordinator, "POST", fmt("/v1/notifications/%lld/retry", dead), NULL);
    ck_assert_int_eq(r.status, 200);
    http_response_free(&r);
    json_t *hook = webhook_call(match, "match_approved", true);
    ck_assert_msg(hook != NULL, "the retried webhook never came");
    json_decref(hook);
}
END_TEST

START_TEST(unanswered_employers_are_reminded_then_coordinators_alerted)
{
    long long match = new_match();
    expect_act(coordinator, match, "approve");
    /* as if the employer had been silent for 4 days (reminder after 3) */
    ck_assert_int_eq(harness_db_sql(&db, fmt("UPDATE matches SET state_since = now() -"
                                             " interval '4 days' WHERE id = %lld",
                                             match)),
                     0);
    char *mail = email_to("contact@werkplaats.example", "Herinnering");
    ck_assert_msg(mail != NULL, "no reminder came");
    free(mail);
    ck_assert_int_eq(harness_db_sql(&db, fmt("UPDATE matches SET state_since = now() -"
                                             " interval '7 days' WHERE id = %lld",
                                             match)),
                     0);
    bool alerted = false;
    for (int tries = 0; tries < 100 && !alerted; tries++) {
        struct http_response r = call(coordinator, "GET", "/v1/notifications", NULL);
        alerted =
            strstr(r.body, fmt("\"type\":\"reminder_alert\",\"match_id\":%lld", match)) != NULL;
        http_response_free(&r);
        if (!alerted)
            usleep(50000);
    }
    ck_assert_msg(alerted, "no alert reached the coordinators");
    char count[16];
    ck_assert(harness_db_value(&db,
                               fmt("SELECT count(DISTINCT event_id) FROM notifications"
                                   " WHERE match_id = %lld AND event_type LIKE 'reminder%%'",
                                   match),
                               count, sizeof count));
    ck_assert_str_eq(count, "2"); /* once each, though every round looks */
}
END_TEST

START_TEST(a_killed_dispatcher_loses_nothing)
{
    long long match = new_match();
    int status = harness_server_stop(&server, SIGKILL);
    ck_assert(WIFSIGNALED(status));
    /* while no daemon runs, a change commits its notifications */
    ck_assert_int_eq(
        harness_db_sql(&db, fmt("UPDATE matches SET state = 'approved' WHERE id = %lld;"
                                " SELECT bpa_notify_match(%lld, 'match_approved')",
                                match, match)),
        0);
    ck_assert(harness_server_start(&server, db.url, daemon_args(false), &status));
    json_t *hook = webhook_call(match, "match_approved", true);
    ck_assert_msg(hook != NULL, "the restarted dispatcher did not deliver");
    json_decref(hook);
}
END_TEST

int main(void)
{
    if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        return 2;
    if (!smtp_sink_start(&sink) || !webhook_receiver_start(&hooks))
        return 2;

    harness_db_create(&db);
    int status = 0;
    if (!harness_server_start(&server, db.url, daemon_args(true), &status))
        return 2;
    if (!harness_server_start(&other, db.url, daemon_args(false), &status))
        return 2;
    coordinator = harness_login_new_account(&server, db.url, "coord@example.org", NULL);
    portal_key = harness_new_portal(db.url, "Notified portal", &portal);
    struct http_response r =
        call(coordinator, "POST", "/v1/employers",
             "{\"kvk_number\":\"44444444\",\"name\":\"Werkplaats\",\"postcode\":\"2516\","
             "\"lat\":52.076,\"lon\":4.336,\"contacts\":[{\"name\":\"Ans\",\"email\":"
             "\"contact@werkplaats.example\",\"language\":\"nl\"}]}");
    employer = created(r);
    r = call(coordinator, "PUT", fmt("/v1/employers/%lld/verified", employer),
             "{\"verified\":true}");
    http_response_free(&r);
    employer_user =
        harness_login_new_account(&server, db.url, "werk@example.org", fmt("%lld", employer));
    r = call(portal_key, "PUT", "/v1/portal/webhook", fmt("{\"url\":\"%s\"}", hooks.url));
    if (r.status != 200) {
        fprintf(stderr, "registering the webhook failed: %ld %s\n", r.status, r.body);
        return 2;
    }
    secret = strdup(json_string_value(json_object_get(r.json, "secret")));
    http_response_free(&r);

    Suite *s = suite_create("notifications");
    TCase *tc = tcase_create("delivery");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, the_story_notifies_both_sides);
    tcase_add_test(tc, a_failing_receiver_gets_retries_then_dead_then_a_retry_delivers);
    tcase_add_test(tc, unanswered_employers_are_reminded_then_coordinators_alerted);
    tcase_add_test(tc, a_killed_dispatcher_loses_nothing);
    suite_add_tcase(s, tc);
    /* the last test restarts the daemon: run in this process to keep it */
    SRunner *runner = srunner_create(s);
    srunner_set_fork_status(runner, CK_NOFORK);
    srunner_run_all(runner, CK_ENV);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    for (struct harness_server *d = &server; d; d = d == &server ? &other : NULL) {
        status = harness_server_stop(d, SIGTERM);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            failed++;
    }
    harness_db_destroy(&db);
    webhook_receiver_stop(&hooks);
    smtp_sink_stop(&sink);
    free(coordinator);
    free(employer_user);
    free(portal_key);
    free(secret);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
