/* What the service holds about a person, handed over (issue 13): a seeker's
 * export for its portal and the coordinators, with the profile, consent
 * history, matches with history and explanation, notification metadata
 * without payloads and the access log naming who read when; 404 for
 * another portal, 403 for employers; sent as a file; the export itself
 * logged. And an account holder's own export, without any password or
 * token hash, its audit rows capped and saying so. */
#include "harness.h"

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
static struct harness_server server;
static char *coordinator, *employer_user, *portal_key, *other_portal_key;
static long long employer, portal, other_portal;

static long long created(struct http_response r)
{
    ck_assert_msg(r.status == 201 || r.status == 200, "creating failed: %ld %s", r.status, r.body);
    long long id = json_integer_value(json_object_get(r.json, "id"));
    http_response_free(&r);
    return id;
}

static void expect_status(struct http_response r, long status)
{
    ck_assert_msg(r.status == status, "expected %ld, got %ld %s", status, r.status, r.body);
    http_response_free(&r);
}

static const char *text_of(const json_t *object, const char *member)
{
    return json_string_value(json_object_get(object, member));
}

static long long number_of(const json_t *object, const char *member)
{
    return json_integer_value(json_object_get(object, member));
}

static long long new_placement(void)
{
    long long id = created(http_call_as(
        &server, employer_user, "POST", "/v1/placements",
        "{\"title\":\"Werkplaats\",\"postcode\":\"2516\",\"schedule\":[{\"day\":\"mon\","
        "\"from\":\"08:00\",\"to\":\"16:00\"}],\"hours_per_week\":8,\"start_date\":"
        "\"2027-02-01\",\"end_date\":\"2027-04-01\",\"capacity\":2}"));
    expect_status(
        http_call_as(&server, employer_user, "POST", fmt("/v1/placements/%lld/open", id), NULL),
        200);
    return id;
}

static long long new_seeker(const char *name)
{
    return created(
        http_call_as(&server, portal_key, "POST", "/v1/seekers",
                     fmt("{\"name\":\"%s\",\"email\":\"%s@example.org\",\"postcode\":\"2522\","
                         "\"availability\":[{\"day\":\"mon\",\"from\":\"07:00\",\"to\":"
                         "\"17:00\"}],\"available_from\":\"2027-01-01\",\"max_hours_per_week\":"
                         "24,\"max_travel_km\":10,\"consent\":{\"purpose\":\"matching\","
                         "\"text_version\":\"v7\",\"given_at\":\"2026-11-01T10:00:00Z\"}}",
                         name, name)));
}

static void act(const char *token, long long match, const char *body, const char *state)
{
    struct http_response r =
        http_call_as(&server, token, "POST", fmt("/v1/matches/%lld/transitions", match), body);
    ck_assert_msg(r.status == 200, "%s: %ld %s", body, r.status, r.body);
    ck_assert_str_eq(text_of(r.json, "state"), state);
    http_response_free(&r);
}

/* The request id a call was answered with. */
static void request_id_of(const struct http_response *r, char out[80])
{
    ck_assert(http_header(r, "X-Request-Id", out, 80));
}

/* The access log's entry of `action` by `kind`, with `request_id` unless NULL. */
static const json_t *logged(const json_t *log, const char *action, const char *kind,
                            const char *request_id)
{
    size_t i;
    const json_t *entry;
    json_array_foreach(log, i, entry)
    {
        if (!strcmp(text_of(entry, "action"), action) &&
            !strcmp(text_of(entry, "principal_kind"), kind) &&
            (!request_id || !strcmp(text_of(entry, "request_id"), request_id)))
            return entry;
    }
    return NULL;
}

static long long account_id(const char *token)
{
    struct http_response r = http_call_as(&server, token, "GET", "/v1/auth/me", NULL);
    ck_assert_int_eq(r.status, 200);
    long long id = number_of(r.json, "account_id");
    http_response_free(&r);
    return id;
}

/* The export `path` as `token`: 200, sent as a file named `file`. */
static struct http_response fetch_export(const char *token, const char *path, const char *file)
{
    struct http_response r = http_call_as(&server, token, "GET", path, NULL);
    ck_assert_msg(r.status == 200, "%s: %ld %s", path, r.status, r.body);
    char disposition[160];
    ck_assert(http_header(&r, "Content-Disposition", disposition, sizeof disposition));
    ck_assert_str_eq(disposition, fmt("attachment; filename=\"%s\"", file));
    ck_assert(json_is_string(json_object_get(r.json, "exported_at")));
    return r;
}

/* What every seeker export holds, as `token` sees it. */
static void check_seeker_export(const json_t *doc, long long seeker, long long match,
                                long long placement, const char *body)
{
    /* the profile, as GET /v1/seekers/{id} shows it */
    const json_t *profile = json_object_get(doc, "seeker");
    ck_assert_int_eq(number_of(profile, "id"), seeker);
    ck_assert_str_eq(text_of(profile, "name"), "Exportina");
    ck_assert_str_eq(text_of(profile, "email"), "Exportina@example.org");
    ck_assert(json_is_array(json_object_get(profile, "availability")));
    ck_assert_str_eq(text_of(json_array_get(json_object_get(profile, "availability"), 0), "day"),
                     "mon");

    /* consents: the current one per purpose and the history */
    const json_t *consents = json_object_get(doc, "consents");
    const json_t *current = json_object_get(consents, "current");
    ck_assert(json_is_true(json_object_get(json_object_get(current, "matching"), "given")));
    ck_assert_str_eq(text_of(json_object_get(current, "share_contact"), "text_version"), "v7");
    ck_assert(json_is_null(json_object_get(current, "email_updates")));
    const json_t *history = json_object_get(consents, "history");
    ck_assert_uint_ge(json_array_size(history), 2);
    size_t i;
    const json_t *record;
    json_array_foreach(history, i, record)
    {
        ck_assert(json_is_integer(json_object_get(record, "id")));
        ck_assert(json_is_boolean(json_object_get(record, "given")));
        ck_assert(json_is_string(json_object_get(record, "recorded_at")));
        ck_assert(json_is_string(json_object_get(json_object_get(record, "recorded_by"), "role")));
        ck_assert_int_eq(number_of(record, "portal_id"), portal);
    }

    /* the match with its history, note and explanation */
    const json_t *matches = json_object_get(doc, "matches");
    ck_assert_uint_eq(json_array_size(matches), 1);
    const json_t *m = json_array_get(matches, 0);
    ck_assert_int_eq(number_of(m, "id"), match);
    ck_assert_int_eq(number_of(m, "placement_id"), placement);
    ck_assert_str_eq(text_of(m, "state"), "approved");
    ck_assert(json_is_object(json_object_get(m, "explanation")));
    ck_assert(json_is_integer(json_object_get(m, "score")));
    const json_t *steps = json_object_get(m, "history");
    ck_assert_uint_eq(json_array_size(steps), 2);
    ck_assert_str_eq(text_of(json_array_get(steps, 0), "action"), "apply");
    ck_assert_str_eq(text_of(json_array_get(steps, 1), "action"), "approve");
    ck_assert_str_eq(text_of(json_array_get(steps, 1), "note"), "past goed bij de werkplaats");

    /* notifications about the match: metadata, never a payload */
    const json_t *notifications = json_object_get(doc, "notifications");
    char count[16];
    ck_assert(harness_db_value(
        &db, fmt("SELECT count(*) FROM notifications WHERE match_id = %lld", match), count,
        sizeof count));
    ck_assert_uint_eq(json_array_size(notifications), strtoull(count, NULL, 10));
    ck_assert_uint_ge(json_array_size(notifications), 3);
    bool received = false, approved = false;
    const json_t *n;
    json_array_foreach(notifications, i, n)
    {
        static const char *const members[] = {
            "id",         "event_type",   "channel", "recipient_kind", "recipient_id", "status",
            "created_at", "delivered_at", NULL};
        ck_assert_uint_eq(json_object_size(n), 8);
        for (const char *const *member = members; *member; member++)
            ck_assert_msg(json_object_get(n, *member), "%s missing", *member);
        received |= !strcmp(text_of(n, "event_type"), "application_received");
        approved |= !strcmp(text_of(n, "event_type"), "match_approved");
    }
    ck_assert(received && approved);
    ck_assert_ptr_null(strstr(body, "payload"));
    ck_assert_ptr_null(strstr(body, "event_id"));

    /* who did what with the seeker's data */
    const json_t *log = json_object_get(doc, "access_log");
    const json_t *entry;
    json_array_foreach(log, i, entry)
    {
        ck_assert_uint_eq(json_object_size(entry), 5);
        ck_assert(json_is_string(json_object_get(entry, "at")));
        ck_assert(json_object_get(entry, "principal_id"));
        ck_assert(json_object_get(entry, "request_id"));
    }
    ck_assert_ptr_nonnull(logged(log, "seeker.create", "portal", NULL));
    ck_assert_ptr_nonnull(logged(log, "match.apply", "portal", NULL));
    ck_assert_ptr_nonnull(logged(log, "match.approve", "coordinator", NULL));
    ck_assert_ptr_nonnull(logged(log, "seeker.list", "coordinator", NULL));
    const json_t *candidates = logged(log, "placement.candidates", "employer", NULL);
    ck_assert_ptr_nonnull(candidates);
    ck_assert_int_eq(number_of(candidates, "principal_id"), account_id(employer_user));
}

START_TEST(a_seekers_export_holds_everything_and_is_logged)
{
    long long seeker = new_seeker("Exportina");
    long long bystander = new_seeker("Bystander");

    /* an employer ranks candidates (pseudonymous), once the index has the seeker */
    long long ranked = new_placement();
    char seen[16] = "0";
    for (int tries = 0; tries < 100 && !strcmp(seen, "0"); tries++) {
        expect_status(http_call_as(&server, employer_user, "GET",
                                   fmt("/v1/placements/%lld/candidates", ranked), NULL),
                      200);
        ck_assert(
            harness_db_value(&db,
                             fmt("SELECT count(*) FROM audit_log WHERE action ="
                                 " 'placement.candidates' AND detail->'seeker_ids' @> '[%lld]'",
                                 seeker),
                             seen, sizeof seen));
        if (!strcmp(seen, "0"))
            usleep(100000);
    }
    ck_assert_str_ne(seen, "0");

    /* a match, applied for and approved with a note */
    long long placement = new_placement();
    long long match =
        created(http_call_as(&server, portal_key, "POST", "/v1/matches",
                             fmt("{\"seeker_id\":%lld,\"placement_id\":%lld}", seeker, placement)));
    act(coordinator, match, "{\"action\":\"approve\",\"note\":\"past goed bij de werkplaats\"}",
        "approved");

    /* a coordinator reads the seeker, and lists seekers */
    struct http_response r =
        http_call_as(&server, coordinator, "GET", fmt("/v1/seekers/%lld", seeker), NULL);
    ck_assert_int_eq(r.status, 200);
    char read_request[80];
    request_id_of(&r, read_request);
    http_response_free(&r);
    expect_status(http_call_as(&server, coordinator, "GET", "/v1/seekers?limit=100", NULL), 200);

    /* the seeker's portal exports */
    const char *path = fmt("/v1/seekers/%lld/export", seeker);
    const char *file = fmt("seeker-%lld-export.json", seeker);
    r = fetch_export(portal_key, path, file);
    char first_export[80];
    request_id_of(&r, first_export);
    check_seeker_export(r.json, seeker, match, placement, r.body);
    const json_t *read =
        logged(json_object_get(r.json, "access_log"), "seeker.read", "coordinator", read_request);
    ck_assert_ptr_nonnull(read);
    ck_assert_int_eq(number_of(read, "principal_id"), account_id(coordinator));
    /* only this seeker's */
    ck_assert_ptr_null(strstr(r.body, "Bystander"));
    ck_assert_ptr_null(logged(json_object_get(r.json, "access_log"), "seeker.export", "portal",
                              NULL)); /* logged once it is read */
    http_response_free(&r);

    /* a coordinator exports: everything, and the portal's export logged */
    r = fetch_export(coordinator, path, file);
    check_seeker_export(r.json, seeker, match, placement, r.body);
    ck_assert_ptr_nonnull(
        logged(json_object_get(r.json, "access_log"), "seeker.export", "portal", first_export));
    http_response_free(&r);
    char count[16];
    ck_assert(harness_db_value(&db,
                               fmt("SELECT count(*) FROM audit_log WHERE action = 'seeker.export'"
                                   " AND resource_type = 'seeker' AND resource_id = '%lld'",
                                   seeker),
                               count, sizeof count));
    ck_assert_str_eq(count, "2");

    /* another portal's seeker is not found; employers may not; nor a seeker that is not */
    r = http_call_as(&server, other_portal_key, "GET", path, NULL);
    ck_assert_int_eq(r.status, 404);
    ck_assert_str_eq(http_error_code(&r), "not_found");
    http_response_free(&r);
    expect_status(http_call_as(&server, employer_user, "GET", path, NULL), 403);
    expect_status(http_call_as(&server, NULL, "GET", path, NULL), 401);
    expect_status(http_call_as(&server, coordinator, "GET", "/v1/seekers/99999999/export", NULL),
                  404);
    /* the other seeker's export knows nothing of the first one's match */
    r = fetch_export(coordinator, fmt("/v1/seekers/%lld/export", bystander),
                     fmt("seeker-%lld-export.json", bystander));
    ck_assert_uint_eq(json_array_size(json_object_get(r.json, "matches")), 0);
    ck_assert_uint_eq(json_array_size(json_object_get(r.json, "notifications")), 0);
    ck_assert_ptr_null(strstr(r.body, "Exportina"));
    http_response_free(&r);
}
END_TEST

/* Neither a password hash nor any session's token hash is in `body`. */
static void holds_no_secrets(const char *body, long long account)
{
    ck_assert_ptr_null(strstr(body, "password_hash"));
    ck_assert_ptr_null(strstr(body, "argon2"));
    ck_assert_ptr_null(strstr(body, "token_hash"));
    ck_assert_ptr_null(strstr(body, "\\\\x"));
    char hashes[4096];
    ck_assert(harness_db_value(&db,
                               fmt("SELECT string_agg(encode(token_hash, 'hex'), ' ') FROM"
                                   " sessions WHERE account_id = %lld",
                                   account),
                               hashes, sizeof hashes));
    for (char *hash = strtok(hashes, " "); hash; hash = strtok(NULL, " "))
        ck_assert_ptr_null(strstr(body, hash));
}

static const json_t *action_in(const json_t *items, const char *action)
{
    size_t i;
    const json_t *item;
    json_array_foreach(items, i, item)
    {
        if (!strcmp(text_of(item, "action"), action))
            return item;
    }
    return NULL;
}

START_TEST(an_account_holders_own_export)
{
    long long coordinator_id = account_id(coordinator);
    long long invitation =
        created(http_call_as(&server, coordinator, "POST", "/v1/invitations",
                             fmt("{\"email\":\"invited-%d@example.org\",\"role\":\"employer\","
                                 "\"employer_id\":%lld,\"language\":\"nl\"}",
                                 (int)getpid(), employer)));

    struct http_response r = fetch_export(coordinator, "/v1/auth/me/export",
                                          fmt("account-%lld-export.json", coordinator_id));
    char this_request[80];
    request_id_of(&r, this_request);
    const json_t *account = json_object_get(r.json, "account");
    ck_assert_int_eq(number_of(account, "id"), coordinator_id);
    ck_assert_str_eq(text_of(account, "email"), "coord@example.org");
    ck_assert_str_eq(text_of(account, "role"), "coordinator");
    ck_assert(json_is_null(json_object_get(account, "employer_id")));
    const json_t *sessions = json_object_get(r.json, "sessions");
    ck_assert_uint_ge(json_array_size(sessions), 1);
    size_t i, current = 0;
    const json_t *session;
    json_array_foreach(sessions, i, session)
    {
        ck_assert(json_is_integer(json_object_get(session, "id")));
        current += json_is_true(json_object_get(session, "current"));
    }
    ck_assert_uint_eq(current, 1);
    const json_t *invitations = json_object_get(r.json, "invitations");
    const json_t *sent = NULL, *item;
    json_array_foreach(invitations, i, item)
    {
        if (number_of(item, "id") == invitation)
            sent = item;
    }
    ck_assert_ptr_nonnull(sent);
    ck_assert_int_eq(number_of(json_object_get(sent, "invited_by"), "account_id"), coordinator_id);
    const json_t *audit = json_object_get(r.json, "audit_log");
    ck_assert(json_is_false(json_object_get(audit, "truncated")));
    ck_assert_int_eq(number_of(audit, "limit"), 10000);
    const json_t *items = json_object_get(audit, "items");
    /* logging in is the holder's own doing: with its address; others' addresses are not theirs */
    ck_assert_str_eq(text_of(action_in(items, "login"), "client_address"), "127.0.0.1");
    const json_t *made = action_in(items, "account.create"); /* by the operator, about it */
    ck_assert_str_eq(text_of(made, "principal_kind"), "operator");
    ck_assert(json_is_null(json_object_get(made, "client_address")));
    const json_t *invited = action_in(items, "invitation.create");
    ck_assert_ptr_nonnull(invited);
    ck_assert_int_eq(number_of(invited, "principal_id"), coordinator_id);
    ck_assert_ptr_null(json_object_get(invited, "detail")); /* it names the invitee */
    holds_no_secrets(r.body, coordinator_id);
    http_response_free(&r);

    /* the export is logged: the next one shows it */
    r = fetch_export(coordinator, "/v1/auth/me/export",
                     fmt("account-%lld-export.json", coordinator_id));
    const json_t *exported =
        action_in(json_object_get(json_object_get(r.json, "audit_log"), "items"), "account.export");
    ck_assert_ptr_nonnull(exported);
    ck_assert_str_eq(text_of(exported, "request_id"), this_request);
    http_response_free(&r);

    /* an employer user's: its own, and nothing naming seekers it ranked */
    long long employer_id = account_id(employer_user);
    long long placement = new_placement();
    expect_status(http_call_as(&server, employer_user, "GET",
                               fmt("/v1/placements/%lld/candidates", placement), NULL),
                  200);
    r = fetch_export(employer_user, "/v1/auth/me/export",
                     fmt("account-%lld-export.json", employer_id));
    account = json_object_get(r.json, "account");
    ck_assert_str_eq(text_of(account, "role"), "employer");
    ck_assert_int_eq(number_of(account, "employer_id"), employer);
    items = json_object_get(json_object_get(r.json, "audit_log"), "items");
    ck_assert_ptr_nonnull(action_in(items, "placement.create"));
    ck_assert_ptr_nonnull(action_in(items, "placement.candidates"));
    ck_assert_ptr_null(strstr(r.body, "seeker_ids"));
    ck_assert_ptr_null(strstr(r.body, "coord@example.org"));
    ck_assert_uint_eq(json_array_size(json_object_get(r.json, "invitations")), 0);
    holds_no_secrets(r.body, employer_id);
    http_response_free(&r);

    /* portals have no account to export */
    expect_status(http_call_as(&server, portal_key, "GET", "/v1/auth/me/export", NULL), 403);
    expect_status(http_call_as(&server, NULL, "GET", "/v1/auth/me/export", NULL), 401);
}
END_TEST

START_TEST(an_accounts_audit_rows_are_capped_and_say_so)
{
    char *busy = harness_login_new_account(&server, db.url, "busy@example.org", NULL);
    long long id = account_id(busy);
    ck_assert_int_eq(harness_db_sql(&db, fmt("INSERT INTO audit_log (principal_kind,"
                                             " principal_id, action) SELECT 'coordinator', %lld,"
                                             " 'test.busy' FROM generate_series(1, 10005)",
                                             id)),
                     0);
    char oldest[24];
    ck_assert(harness_db_value(
        &db,
        fmt("SELECT min(id) FROM audit_log WHERE principal_id = %lld AND action = 'login'", id),
        oldest, sizeof oldest));
    struct http_response r =
        fetch_export(busy, "/v1/auth/me/export", fmt("account-%lld-export.json", id));
    const json_t *audit = json_object_get(r.json, "audit_log");
    ck_assert(json_is_true(json_object_get(audit, "truncated")));
    const json_t *items = json_object_get(audit, "items");
    ck_assert_uint_eq(json_array_size(items), 10000);
    /* the latest, oldest first: the login before the bulk is left out */
    ck_assert_int_lt(number_of(json_array_get(items, 0), "id"),
                     number_of(json_array_get(items, 9999), "id"));
    ck_assert_ptr_null(action_in(items, "login"));
    ck_assert_int_gt(number_of(json_array_get(items, 0), "id"), strtoll(oldest, NULL, 10));
    http_response_free(&r);
    free(busy);
}
END_TEST

/* The world every test starts from; false when it could not be made. */
static bool set_up(void)
{
    coordinator = harness_login_new_account(&server, db.url, "coord@example.org", NULL);
    portal_key = harness_new_portal(db.url, "Export portal", &portal);
    other_portal_key = harness_new_portal(db.url, "Other portal", &other_portal);
    struct http_response r = http_call_as(&server, coordinator, "POST", "/v1/employers",
                                          "{\"kvk_number\":\"77777777\",\"name\":\"Exportwerk BV\","
                                          "\"postcode\":\"2516\",\"lat\":52.076,\"lon\":4.336}");
    employer = json_integer_value(json_object_get(r.json, "id"));
    http_response_free(&r);
    r = http_call_as(&server, coordinator, "PUT", fmt("/v1/employers/%lld/verified", employer),
                     "{\"verified\":true}");
    long verified = r.status;
    http_response_free(&r);
    if (!employer || verified != 200)
        return false;
    employer_user =
        harness_login_new_account(&server, db.url, "werk@example.org", fmt("%lld", employer));
    return harness_db_sql(&db, "INSERT INTO postcodes VALUES (2516, 52.076, 4.336, 'Den Haag',"
                               " 'Den Haag'), (2522, 52.064, 4.330, 'Den Haag', 'Den Haag')") == 0;
}

int main(void)
{
    if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        return 2;
    harness_db_create(&db);
    const char *const migrate[] = {"--migrate", NULL};
    int status = 0, failed = 1;
    if (harness_server_start(&server, db.url, migrate, &status)) {
        if (set_up()) {
            Suite *s = suite_create("export");
            TCase *tc = tcase_create("export");
            tcase_set_timeout(tc, 120);
            tcase_add_test(tc, a_seekers_export_holds_everything_and_is_logged);
            tcase_add_test(tc, an_account_holders_own_export);
            tcase_add_test(tc, an_accounts_audit_rows_are_capped_and_say_so);
            suite_add_tcase(s, tc);
            failed = harness_run_suite(s);
        } else {
            fprintf(stderr, "export_test: setting up failed\n");
        }
        if (!harness_server_stop_cleanly(&server))
            failed++;
    }
    harness_db_destroy(&db);
    free(coordinator);
    free(employer_user);
    free(portal_key);
    free(other_portal_key);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
