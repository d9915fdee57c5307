/* Personal data through HTTP (issue 13), two daemons on one database, the
 * portal's webhook going to a receiver and the employers' e-mail to an SMTP
 * sink that this test starts:
 *
 * - the pg_dump marker test: a seeker with a unique marker in every field
 *   that can hold one, taken through matches, notifications, idempotency
 *   answers and the audit trail, then erased; no marker is left anywhere in
 *   a dump of the whole database (data only, and everything);
 * - accounts and employer contacts erased likewise;
 * - withdrawing consent for matching: out of the rankings of the other
 *   daemon within a second, open matches cancelled with notifications that
 *   carry ids only, new applications refused; consent given again ranks the
 *   seeker again; withdrawing share_contact hides the contact from employers;
 * - the consents API: purposes, who may record them, Idempotency-Key. */
#include "api_checks.h"
#include "harness.h"
#include "smtp_sink.h"
#include "webhook_receiver.h"

#include <check.h>
#include <ctype.h>
#include <curl/curl.h>
#include <math.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SKILL    "http://data.europa.eu/esco/skill/test-"
#define PASSWORD "a long passphrase of mine"
#define CONTACT  "contact@privacy.example" /* the employer's contact: gets its e-mail */

static struct harness_db db;
static struct harness_server daemon_a, daemon_b; /* one database */
static struct smtp_sink sink;                    /* the employers' e-mail */
static struct webhook_receiver hooks;            /* portal A's webhook */
static char *coordinator, *employer_user, *portal_a_key, *portal_b_key;
static long long coordinator_id, employer, portal_a, portal_b;

/* --- calling --- */

static struct http_response call(const char *token, const char *method, const char *path,
                                 const char *body)
{
    return api_call(&daemon_a, token, method, path, body);
}

static struct http_response call_with_key(const char *token, const char *method, const char *path,
                                          const char *body, const char *key)
{
    return api_call_with_key(&daemon_a, token, method, path, body, key);
}

/* Calls and checks the status (and error code), then frees the answer. */
#define EXPECT_CALL(token, method, path, body, status_, code_)                                     \
    API_EXPECT_ANSWER(call((token), (method), (path), (body)), (status_), (code_))

/* The id of what `r` created (201, or 200); fails the test otherwise. */
static long long created(struct http_response r)
{
    API_EXPECT(r, r.status == 200 ? 200 : 201, NULL);
    long long id = api_number(r.json, "id");
    http_response_free(&r);
    return id;
}

static long long db_number(const char *sql)
{
    char out[64];
    ck_assert_msg(harness_db_value(&db, sql, out, sizeof out), "no single value: %s", sql);
    return atoll(out);
}

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* --- markers --- */

/* A marker no other text in the database holds: "mk", 12 random hex
 * digits and `suffix`, in lower case (addresses may be lowered). */
static void new_marker(char *out, size_t size, const char *suffix)
{
    unsigned char random[6];
    char hex[13];
    randombytes_buf(random, sizeof random);
    sodium_bin2hex(hex, sizeof hex, random, sizeof random);
    snprintf(out, size, "mk%s%s", hex, suffix);
}

/* A Dutch mobile number no one else has: "+316" and 8 random digits. */
static void new_phone(char *out, size_t size)
{
    snprintf(out, size, "+316%08u", (unsigned)(randombytes_uniform(90000000) + 10000000));
}

struct marker {
    const char *what; /* where it was put */
    char value[80];
};

static char *lowered(const char *text)
{
    char *copy = strdup(text);
    for (char *c = copy; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    return copy;
}

/* Where `at` lies in a pg_dump: the table whose COPY block holds it (or
 * the statement before it), and its line, cut short. */
static void describe_place(const char *dump, const char *at, char *out, size_t size)
{
    const char *line = at;
    while (line > dump && line[-1] != '\n')
        line--;
    const char *end = strchr(at, '\n');
    int line_len = (int)(end ? end - line : (long)strlen(line));
    const char *block = NULL;
    for (const char *p = line; p > dump && !block; p--)
        if (p[-1] == '\n' &&
            (!strncmp(p, "COPY ", 5) || !strncmp(p, "CREATE ", 7) || !strncmp(p, "INSERT ", 7)))
            block = p;
    const char *block_end = block ? strchr(block, '\n') : NULL;
    int block_len = block ? (int)(block_end ? block_end - block : (long)strlen(block)) : 0;
    snprintf(out, size, "in [%.*s]: %.*s", block_len > 90 ? 90 : block_len, block ? block : "",
             line_len > 240 ? 240 : line_len, line);
}

/* The failures (appended to `failures`): markers found (`present` false)
 * or missing (`present` true) in `dump`. */
static void check_markers(const char *dump, const struct marker *markers, size_t count,
                          bool present, const char *which, char *failures, size_t size)
{
    char *haystack = lowered(dump);
    for (size_t i = 0; i < count; i++) {
        char *needle = lowered(markers[i].value);
        const char *at = strstr(haystack, needle);
        if (present && !at) {
            snprintf(failures + strlen(failures), size - strlen(failures),
                     "\n  %s: the %s marker %s is not in the dump before erasing (a test bug)",
                     which, markers[i].what, markers[i].value);
        } else if (!present) {
            for (int shown = 0; at && shown < 3; shown++) {
                char place[400];
                describe_place(dump, dump + (at - haystack), place, sizeof place);
                snprintf(failures + strlen(failures), size - strlen(failures),
                         "\n  %s: the %s marker %s is still there %s", which, markers[i].what,
                         markers[i].value, place);
                at = strstr(at + 1, needle);
            }
        }
        free(needle);
    }
    free(haystack);
}

/* The output of pg_dump of the test database (malloc'd): `option` is
 * "--data-only", or NULL for everything. Fails the test when it fails. */
static char *pg_dump(const char *option)
{
    int out[2];
    ck_assert_int_eq(pipe(out), 0);
    fflush(NULL);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        dup2(out[1], STDOUT_FILENO);
        close(out[0]);
        close(out[1]);
        const char *args[] = {"pg_dump", "--no-owner", "--dbname", db.url, option, NULL};
        execvp("pg_dump", (char *const *)args);
        execv("/usr/lib/postgresql/15/bin/pg_dump", (char *const *)args);
        _exit(127);
    }
    close(out[1]);
    size_t len = 0, size = 1 << 20;
    char *text = malloc(size);
    ssize_t n;
    while (text && (n = read(out[0], text + len, size - len - 1)) > 0) {
        len += (size_t)n;
        if (size - len < 4096)
            text = realloc(text, size *= 2);
    }
    close(out[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    ck_assert_ptr_nonnull(text);
    text[len] = '\0';
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "pg_dump %s failed (status %d; 127: not found)", option ? option : "",
                  WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    ck_assert_msg(strstr(text, "COPY public.seekers") != NULL, "the dump has no seekers table");
    return text;
}

/* No marker anywhere in a data-only dump or in a full one. */
static void expect_nowhere(const struct marker *markers, size_t count)
{
    static char failures[16384];
    failures[0] = '\0';
    char *data = pg_dump("--data-only"), *full = pg_dump(NULL);
    check_markers(data, markers, count, false, "pg_dump --data-only", failures, sizeof failures);
    check_markers(full, markers, count, false, "pg_dump", failures, sizeof failures);
    free(data);
    free(full);
    ck_assert_msg(!failures[0], "personal data left after erasure:%s", failures);
}

/* Every marker in a data-only dump: they were stored where the test thinks. */
static void expect_everywhere_before(const struct marker *markers, size_t count)
{
    static char failures[8192];
    failures[0] = '\0';
    char *data = pg_dump("--data-only");
    check_markers(data, markers, count, true, "pg_dump --data-only", failures, sizeof failures);
    free(data);
    ck_assert_msg(!failures[0], "markers not stored:%s", failures);
}

/* --- the world --- */

static long long new_placement(long long for_employer, int capacity)
{
    long long id = created(
        call(coordinator, "POST", "/v1/placements", api_placement_body(for_employer, capacity)));
    EXPECT_CALL(coordinator, "POST", fmt("/v1/placements/%lld/open", id), NULL, 200, NULL);
    return id;
}

static long long new_seeker(const char *portal_key, const char *name, const char *extra)
{
    return created(call(portal_key, "POST", "/v1/seekers", api_seeker_body(name, extra)));
}

static long long apply(const char *portal_key, long long seeker, long long placement)
{
    return created(call(portal_key, "POST", "/v1/matches",
                        fmt("{\"seeker_id\":%lld,\"placement_id\":%lld}", seeker, placement)));
}

static void act(const char *token, long long match, const char *body, const char *state)
{
    struct http_response r = call(token, "POST", fmt("/v1/matches/%lld/transitions", match), body);
    API_EXPECT(r, 200, NULL);
    if (state)
        ck_assert_str_eq(api_text(r.json, "state"), state);
    http_response_free(&r);
}

/* A match taken to confirmed: applied, approved, accepted by the employer
 * and confirmed by the portal, so that the employer sees the contact. */
static void confirm_match(const char *portal_key, long long match, const char *approve_body)
{
    act(coordinator, match, approve_body, "approved");
    act(employer_user, match, "{\"action\":\"accept\"}", "approved");
    act(portal_key, match, "{\"action\":\"confirm\"}", "confirmed");
}

static long long account_id_of(const char *token)
{
    struct http_response r = call(token, "GET", "/v1/auth/me", NULL);
    API_EXPECT(r, 200, NULL);
    long long id = api_number(r.json, "account_id");
    http_response_free(&r);
    return id;
}

/* Whether `seeker` is among the candidates `to` ranks for `placement`. */
static bool ranked_on(const struct harness_server *to, long long placement, long long seeker)
{
    struct http_response r = api_call(
        to, coordinator, "GET", fmt("/v1/placements/%lld/candidates?limit=200", placement), NULL);
    API_EXPECT(r, 200, NULL);
    bool found = false;
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(r.json, "items"), i, item) found =
        found || api_number(item, "seeker_id") == seeker;
    http_response_free(&r);
    return found;
}

/* Polls `to` every 50 ms, up to `seconds`, until `seeker` is (`wanted`) or
 * is not ranked for `placement`: how long that took, or -1. */
static double ranked_within(const struct harness_server *to, long long placement, long long seeker,
                            bool wanted, double seconds, const struct timespec *since)
{
    for (;;) {
        if (ranked_on(to, placement, seeker) == wanted)
            return seconds_since(since);
        if (seconds_since(since) > seconds)
            return -1;
        usleep(50000);
    }
}

/* Waits until no notification `where` (an SQL condition on notifications)
 * is left to deliver: true when that came within 15 s. */
static bool dispatched(const char *where)
{
    for (int tries = 0; tries < 300; tries++) {
        if (db_number(fmt("SELECT count(*) FROM notifications WHERE (%s)"
                          " AND status IN ('pending', 'failed')",
                          where)) == 0)
            return true;
        usleep(50000);
    }
    return false;
}

/* The last step of a match's history, as a coordinator sees it (a new reference). */
static json_t *match_as_coordinator(long long match)
{
    struct http_response r = call(coordinator, "GET", fmt("/v1/matches/%lld", match), NULL);
    API_EXPECT(r, 200, NULL);
    json_t *doc = json_incref(r.json);
    http_response_free(&r);
    return doc;
}

/* --- the pg_dump marker test --- */

START_TEST(an_erased_seeker_leaves_no_marker_anywhere_in_the_database)
{
    char name[40], email[40], phone[24], external_ref[40], purpose[40], version[40],
        second_version[40], note[40], certificate[40];
    new_marker(name, sizeof name, "name");
    new_marker(email, sizeof email, "mail");
    new_phone(phone, sizeof phone);
    new_marker(external_ref, sizeof external_ref, "ref");
    new_marker(purpose, sizeof purpose, "purpose");
    new_marker(version, sizeof version, "ver");
    new_marker(second_version, sizeof second_version, "ver2");
    new_marker(note, sizeof note, "note");
    new_marker(certificate, sizeof certificate, "cert");
    const char *postcode = "2522 KX", *lat = "52.0651937", *lon = "4.3318264";
    struct marker m[] = {
        {"name", ""},
        {"e-mail (local part)", ""},
        {"phone", ""},
        {"external_ref", ""},
        {"consent purpose text", ""},
        {"consent text_version", ""},
        {"second consent's text_version", ""},
        {"match transition note", ""},
        {"certificate", ""},
        {"exact postcode", ""},
        {"exact latitude", ""},
        {"exact longitude", ""},
    };
    const char *values[] = {name,           email, phone + 1,   external_ref, purpose, version,
                            second_version, note,  certificate, postcode,     lat,     lon};
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
        snprintf(m[i].value, sizeof m[i].value, "%s", values[i]);
    const size_t marker_count = sizeof m / sizeof m[0];

    long long placement = new_placement(employer, 1);
    long long other_placement = new_placement(employer, 2); /* for the rankings */

    /* created with an Idempotency-Key: idempotency_keys keeps the document */
    struct http_response r = call_with_key(
        portal_a_key, "POST", "/v1/seekers",
        fmt("{\"external_ref\":\"%s\",\"name\":\"%s\",\"email\":\"%s@example.org\","
            "\"phone\":\"%s\",\"postcode\":\"%s\",\"lat\":%s,\"lon\":%s,\"skills\":[{\"uri\":"
            "\"" SKILL "solder\",\"level\":3}],\"learning_goals\":[\"" SKILL "wiring\"],"
            "\"certificates\":[\"%s\"],\"availability\":[{\"day\":\"mon\",\"from\":\"07:00\","
            "\"to\":\"17:00\"}],\"available_from\":\"2027-01-01\",\"max_hours_per_week\":24,"
            "\"max_travel_km\":10,\"consent\":{\"purpose\":\"%s\",\"text_version\":\"%s\","
            "\"given_at\":\"2026-11-01T10:00:00Z\"}}",
            external_ref, name, email, phone, postcode, lat, lon, certificate, purpose, version),
        fmt("create-%d-%u", (int)getpid(), (unsigned)randombytes_random()));
    API_EXPECT(r, 201, NULL);
    long long seeker = api_number(r.json, "id");
    http_response_free(&r);

    /* a second consent, with a key too; a change (an audit row with a detail) */
    r = call_with_key(portal_a_key, "POST", fmt("/v1/seekers/%lld/consents", seeker),
                      fmt("{\"purpose\":\"email_updates\",\"given\":true,\"text_version\":\"%s\"}",
                          second_version),
                      fmt("consent-%d-%u", (int)getpid(), (unsigned)randombytes_random()));
    API_EXPECT(r, 201, NULL);
    http_response_free(&r);
    EXPECT_CALL(portal_a_key, "PATCH", fmt("/v1/seekers/%lld", seeker), "{\"max_travel_km\":12}",
                200, NULL);

    /* through a match to the employer knowing the contact */
    long long match = apply(portal_a_key, seeker, placement);
    confirm_match(portal_a_key, match, fmt("{\"action\":\"approve\",\"note\":\"%s\"}", note));
    r = call(employer_user, "GET", fmt("/v1/matches/%lld", match), NULL);
    API_EXPECT(r, 200, NULL);
    ck_assert_str_eq(api_text(json_object_get(r.json, "seeker_contact"), "name"), name);
    http_response_free(&r);

    /* the dispatcher ran: the portal's webhook and the employer's e-mail came */
    json_t *hook = webhook_receiver_wait(&hooks,
                                         (struct webhook_filter){.event = "match_approved",
                                                                 .match_id = match,
                                                                 .answer = WEBHOOK_ACCEPTED},
                                         15);
    ck_assert_msg(hook != NULL, "the match_approved webhook never came");
    json_decref(hook);
    char *mail = smtp_sink_wait(&sink, CONTACT, fmt("match %lld,", match), 15);
    ck_assert_msg(mail != NULL, "the employer's e-mail about match %lld never came", match);
    free(mail);
    ck_assert_msg(dispatched(fmt("match_id = %lld", match)),
                  "notifications of match %lld still undelivered", match);

    /* read by a coordinator and the portal: audit rows */
    EXPECT_CALL(coordinator, "GET", fmt("/v1/seekers/%lld", seeker), NULL, 200, NULL);
    EXPECT_CALL(coordinator, "GET", fmt("/v1/seekers?external_ref=%s", external_ref), NULL, 200,
                NULL);
    EXPECT_CALL(coordinator, "GET", fmt("/v1/seekers/%lld/matches", seeker), NULL, 200, NULL);
    EXPECT_CALL(portal_a_key, "GET", fmt("/v1/seekers/%lld/consents", seeker), NULL, 200, NULL);
    /* the export's own trace, whatever it answers today (not this test's subject) */
    r = call(coordinator, "GET", fmt("/v1/seekers/%lld/export", seeker), NULL);
    http_response_free(&r);
    struct timespec since;
    clock_gettime(CLOCK_MONOTONIC, &since);
    ck_assert_msg(ranked_within(&daemon_b, other_placement, seeker, true, 5, &since) >= 0,
                  "the seeker was never ranked before erasure");

    json_t *before = match_as_coordinator(match);
    long long score = api_number(before, "score");
    char state[32];
    snprintf(state, sizeof state, "%s", api_text(before, "state"));
    size_t steps = json_array_size(json_object_get(before, "history"));
    json_decref(before);
    r = call(portal_a_key, "GET", fmt("/v1/seekers/%lld/consents", seeker), NULL);
    API_EXPECT(r, 200, NULL);
    size_t consents = json_array_size(json_object_get(r.json, "history"));
    http_response_free(&r);

    expect_everywhere_before(m, marker_count);

    /* --- erased --- */
    r = call(coordinator, "POST", fmt("/v1/seekers/%lld/erase", seeker), NULL);
    API_EXPECT(r, 200, NULL);
    ck_assert_int_eq(api_number(r.json, "seeker_id"), seeker);
    ck_assert_msg(json_is_string(json_object_get(r.json, "erased_at")), "%s", r.body);
    ck_assert_msg(json_is_false(json_object_get(r.json, "already_erased")), "%s", r.body);
    char erased_at[64];
    snprintf(erased_at, sizeof erased_at, "%s", api_text(r.json, "erased_at"));
    static const char *const erased_fields[] = {"name", "email", "phone", "external_ref"};
    for (size_t i = 0; i < sizeof erased_fields / sizeof erased_fields[0]; i++) {
        bool listed = false;
        size_t j;
        json_t *field;
        json_array_foreach(json_object_get(r.json, "fields"), j, field) listed =
            listed ||
            !strcmp(json_string_value(field) ? json_string_value(field) : "", erased_fields[i]);
        ck_assert_msg(listed, "the summary does not list %s: %s", erased_fields[i], r.body);
    }
    ck_assert_msg(api_number(r.json, "matches_kept_anonymous") == 1, "%s", r.body);
    ck_assert_msg(api_number(r.json, "history_notes_removed") >= 1, "%s", r.body);
    ck_assert_msg(api_number(r.json, "notifications_scrubbed") >= 1, "%s", r.body);
    ck_assert_msg(api_number(r.json, "audit_details_scrubbed") >= 1, "%s", r.body);
    ck_assert_msg(api_number(r.json, "idempotency_answers_removed") >= 1, "%s", r.body);
    http_response_free(&r);

    /* the proof: no marker in a dump of the whole database */
    expect_nowhere(m, marker_count);
    ck_assert_int_eq(db_number(fmt("SELECT count(*) FROM notifications WHERE match_id = %lld"
                                   " AND payload ? 'seeker_id'",
                                   match)),
                     0);
    ck_assert_int_eq(db_number(fmt("SELECT count(*) FROM audit_log WHERE resource_type = 'seeker'"
                                   " AND resource_id = '%lld' AND detail IS NOT NULL"
                                   " AND action <> 'seeker.erase'",
                                   seeker)),
                     0);
    ck_assert_int_eq(
        db_number(fmt("SELECT count(*) FROM idempotency_keys WHERE location = '/v1/seekers/%lld'",
                      seeker)),
        0);

    /* again: nothing more to do */
    r = call(portal_a_key, "POST", fmt("/v1/seekers/%lld/erase", seeker), NULL);
    API_EXPECT(r, 200, NULL);
    ck_assert_msg(json_is_true(json_object_get(r.json, "already_erased")), "%s", r.body);
    ck_assert_str_eq(api_text(r.json, "erased_at"), erased_at);
    static const char *const counts[] = {"matches_kept_anonymous", "history_notes_removed",
                                         "notifications_scrubbed", "audit_details_scrubbed",
                                         "idempotency_answers_removed"};
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
        ck_assert_msg(json_is_integer(json_object_get(r.json, counts[i])) &&
                          api_number(r.json, counts[i]) == 0,
                      "a second erasure's %s: %s", counts[i], r.body);
    http_response_free(&r);

    /* the match stays as anonymous statistics: its state (or cancelled, as
     * the erasure ends open matches as a withdrawal of consent would),
     * score, explanation and history, without notes */
    json_t *after = match_as_coordinator(match);
    ck_assert_msg(!strcmp(api_text(after, "state"), state) ||
                      !strcmp(api_text(after, "state"), "cancelled"),
                  "match %lld went from %s to %s", match, state, api_text(after, "state"));
    ck_assert_int_eq(api_number(after, "score"), score);
    ck_assert(json_is_object(json_object_get(after, "explanation")));
    ck_assert_uint_ge(json_array_size(json_object_get(after, "history")), steps);
    size_t i;
    json_t *step;
    json_array_foreach(json_object_get(after, "history"), i, step) ck_assert_msg(
        json_is_null(json_object_get(step, "note")), "a note is left: %s", json_dumps(step, 0));
    json_decref(after);
    const char *viewers[] = {coordinator, employer_user, portal_a_key};
    for (size_t v = 0; v < 3; v++) {
        r = call(viewers[v], "GET", fmt("/v1/matches/%lld", match), NULL);
        API_EXPECT(r, 200, NULL);
        for (size_t k = 0; k < marker_count; k++)
            ck_assert_msg(!strstr(r.body, m[k].value), "the %s is still shown: %s", m[k].what,
                          r.body);
        http_response_free(&r);
    }

    /* the seeker is read as erased */
    r = call(portal_a_key, "GET", fmt("/v1/seekers/%lld", seeker), NULL);
    API_EXPECT(r, 200, NULL);
    ck_assert_str_eq(api_text(r.json, "name"), "erased");
    ck_assert_msg(json_is_null(json_object_get(r.json, "email")), "%s", r.body);
    ck_assert_msg(json_is_null(json_object_get(r.json, "phone")), "%s", r.body);
    ck_assert_msg(json_is_null(json_object_get(r.json, "external_ref")), "%s", r.body);
    ck_assert_str_eq(api_text(r.json, "postcode"), "2522");
    ck_assert_msg(fabs(json_number_value(json_object_get(r.json, "lat")) - 52.064) < 1e-6 &&
                      fabs(json_number_value(json_object_get(r.json, "lon")) - 4.33) < 1e-6,
                  "not the PC4's centroid: %s", r.body);
    ck_assert_uint_eq(json_array_size(json_object_get(r.json, "certificates")), 0);
    ck_assert_uint_eq(json_array_size(json_object_get(r.json, "skills")), 0);
    ck_assert_uint_eq(json_array_size(json_object_get(r.json, "learning_goals")), 0);
    ck_assert_str_eq(api_text(r.json, "status"), "left");
    ck_assert_str_eq(api_text(r.json, "erased_at"), erased_at);
    ck_assert_str_eq(api_text(json_object_get(r.json, "consent"), "purpose"), "erased");
    ck_assert_str_eq(api_text(json_object_get(r.json, "consent"), "text_version"), "erased");
    for (size_t k = 0; k < marker_count; k++)
        ck_assert_msg(!strstr(r.body, m[k].value), "the %s is still shown: %s", m[k].what, r.body);
    http_response_free(&r);
    r = call(portal_a_key, "PATCH", fmt("/v1/seekers/%lld", seeker), "{\"max_travel_km\":15}");
    API_EXPECT(r, 409, "invalid_state");
    http_response_free(&r);
    /* the consents' history stays (purpose, given, time), closed by a
     * withdrawal per purpose: nothing is consented to any more */
    r = call(coordinator, "GET", fmt("/v1/seekers/%lld/consents", seeker), NULL);
    API_EXPECT(r, 200, NULL);
    size_t purposes = 0;
    const char *kind;
    json_t *current;
    json_object_foreach(json_object_get(r.json, "current"), kind, current)
    {
        if (json_is_null(current))
            continue;
        purposes++;
        ck_assert_msg(json_is_false(json_object_get(current, "given")), "%s still given: %s", name,
                      r.body);
    }
    ck_assert_uint_eq(json_array_size(json_object_get(r.json, "history")), consents + purposes);
    http_response_free(&r);

    /* out of the rankings, on both daemons */
    clock_gettime(CLOCK_MONOTONIC, &since);
    ck_assert_msg(ranked_within(&daemon_a, other_placement, seeker, false, 1, &since) >= 0,
                  "the erased seeker is still ranked by daemon A");
    ck_assert_msg(ranked_within(&daemon_b, other_placement, seeker, false, 1, &since) >= 0,
                  "the erased seeker is still ranked by daemon B");

    /* audited */
    r = call(coordinator, "GET", fmt("/v1/audit?action=seeker.erase&resource_id=%lld", seeker),
             NULL);
    API_EXPECT(r, 200, NULL);
    ck_assert_msg(json_array_size(json_object_get(r.json, "items")) >= 1, "%s", r.body);
    http_response_free(&r);
}
END_TEST

START_TEST(only_the_seekers_portal_and_coordinators_erase)
{
    long long seeker = new_seeker(portal_a_key, "Eigen", "");
    long long theirs = new_seeker(portal_b_key, "Ander", "");
    EXPECT_CALL(portal_b_key, "POST", fmt("/v1/seekers/%lld/erase", seeker), NULL, 404,
                "not_found");
    EXPECT_CALL(employer_user, "POST", fmt("/v1/seekers/%lld/erase", seeker), NULL, 403, NULL);
    EXPECT_CALL(NULL, "POST", fmt("/v1/seekers/%lld/erase", seeker), NULL, 401, NULL);
    EXPECT_CALL(coordinator, "POST", "/v1/seekers/999999999/erase", NULL, 404, "not_found");
    /* untouched by the refusals */
    struct http_response r = call(portal_a_key, "GET", fmt("/v1/seekers/%lld", seeker), NULL);
    API_EXPECT(r, 200, NULL);
    ck_assert_str_eq(api_text(r.json, "name"), "Eigen");
    http_response_free(&r);
    r = call(portal_a_key, "POST", fmt("/v1/seekers/%lld/erase", seeker), NULL);
    API_EXPECT(r, 200, NULL);
    ck_assert(json_is_false(json_object_get(r.json, "already_erased")));
    http_response_free(&r);
    r = call(coordinator, "POST", fmt("/v1/seekers/%lld/erase", theirs), NULL);
    API_EXPECT(r, 200, NULL);
    http_response_free(&r);
    r = call(portal_b_key, "GET", fmt("/v1/seekers/%lld", theirs), NULL);
    API_EXPECT(r, 200, NULL);
    ck_assert_str_eq(api_text(r.json, "name"), "erased");
    http_response_free(&r);
}
END_TEST

/* --- accounts and contacts --- */

START_TEST(an_erased_account_leaves_no_marker_anywhere_in_the_database)
{
    char local[40], name[40], email[80];
    new_marker(local, sizeof local, "acct");
    new_marker(name, sizeof name, "acctname");
    snprintf(email, sizeof email, "%s@example.org", local);
    struct marker markers[] = {{"account e-mail", ""}, {"account name", ""}};
    snprintf(markers[0].value, sizeof markers[0].value, "%s", local);
    snprintf(markers[1].value, sizeof markers[1].value, "%s", name);

    /* invited by a coordinator, with a name; the link comes by e-mail */
    struct http_response r =
        call(coordinator, "POST", "/v1/invitations",
             fmt("{\"email\":\"%s\",\"name\":\"%s\",\"role\":\"employer\",\"employer_id\":%lld,"
                 "\"language\":\"nl\"}",
                 email, name, employer));
    API_EXPECT(r, 201, NULL);
    http_response_free(&r);
    const char *prefix = fmt("%s/#/invitation/", daemon_a.base_url);
    char *text = smtp_sink_wait(&sink, email, prefix, 15);
    ck_assert_msg(text != NULL, "no invitation came to %s", email);
    char *link = smtp_sink_link(text, prefix);
    free(text);
    ck_assert_ptr_nonnull(link);
    r = call(NULL, "POST", "/v1/invitations/accept",
             fmt("{\"token\":\"%s\",\"password\":\"%s\",\"name\":\"%s\"}", link + strlen(prefix),
                 PASSWORD, name));
    free(link);
    API_EXPECT(r, 201, NULL);
    char *session = strdup(api_text(r.json, "token"));
    http_response_free(&r);
    long long account = account_id_of(session);
    r = call(coordinator, "GET", fmt("/v1/accounts/%lld", account), NULL);
    API_EXPECT(r, 200, NULL);
    ck_assert_str_eq(api_text(r.json, "name"), name);
    http_response_free(&r);
    /* a failed login with the address: login_failures and the audit hold it */
    r = call(NULL, "POST", "/v1/auth/login",
             fmt("{\"email\":\"%s\",\"password\":\"not the password\"}", email));
    API_EXPECT(r, 401, NULL);
    http_response_free(&r);
    ck_assert_msg(dispatched(fmt("lower(address) = lower('%s')", email)),
                  "e-mail to %s still undelivered", email);
    expect_everywhere_before(markers, 2);

    /* nobody erases themselves */
    EXPECT_CALL(coordinator, "POST", fmt("/v1/accounts/%lld/erase", coordinator_id), NULL, 409,
                NULL);
    EXPECT_CALL(coordinator, "POST", "/v1/accounts/999999999/erase", NULL, 404, "not_found");
    EXPECT_CALL(employer_user, "POST", fmt("/v1/accounts/%lld/erase", account), NULL, 403, NULL);

    r = call(coordinator, "POST", fmt("/v1/accounts/%lld/erase", account), NULL);
    API_EXPECT(r, 200, NULL);
    ck_assert_msg(json_is_object(r.json), "%s", r.body);
    http_response_free(&r);
    expect_nowhere(markers, 2);

    r = call(coordinator, "GET", fmt("/v1/accounts/%lld", account), NULL);
    API_EXPECT(r, 200, NULL);
    ck_assert_str_eq(api_text(r.json, "email"), fmt("erased-%lld@erased.invalid", account));
    ck_assert_msg(json_is_null(json_object_get(r.json, "name")), "%s", r.body);
    ck_assert_msg(json_is_true(json_object_get(r.json, "disabled")), "%s", r.body);
    http_response_free(&r);
    /* its session ended; its address and password no longer log in */
    EXPECT_CALL(session, "GET", "/v1/auth/me", NULL, 401, NULL);
    EXPECT_CALL(NULL, "POST", "/v1/auth/login",
                fmt("{\"email\":\"%s\",\"password\":\"%s\"}", email, PASSWORD), 401, NULL);
    free(session);
    ck_assert_int_eq(
        db_number(fmt("SELECT count(*) FROM sessions WHERE account_id = %lld", account)), 0);
    r = call(coordinator, "GET", fmt("/v1/audit?action=account.erase&resource_id=%lld", account),
             NULL);
    API_EXPECT(r, 200, NULL);
    ck_assert_uint_eq(json_array_size(json_object_get(r.json, "items")), 1);
    http_response_free(&r);
}
END_TEST

START_TEST(an_erased_contact_leaves_no_marker_anywhere_in_the_database)
{
    char local[40], name[40], phone[24], email[80];
    new_marker(local, sizeof local, "contact");
    new_marker(name, sizeof name, "contactname");
    new_phone(phone, sizeof phone);
    snprintf(email, sizeof email, "%s@example.org", local);
    struct marker markers[] = {{"contact e-mail", ""}, {"contact name", ""}, {"contact phone", ""}};
    snprintf(markers[0].value, sizeof markers[0].value, "%s", local);
    snprintf(markers[1].value, sizeof markers[1].value, "%s", name);
    snprintf(markers[2].value, sizeof markers[2].value, "%s", phone + 1);

    long long company = created(
        call(coordinator, "POST", "/v1/employers",
             fmt("{\"kvk_number\":\"7%07u\",\"name\":\"Contactbedrijf %u\",\"postcode\":\"2516\","
                 "\"contacts\":[{\"name\":\"%s\",\"email\":\"%s\",\"phone\":\"%s\",\"language\":"
                 "\"nl\"},{\"name\":\"Blijft\",\"email\":\"stays@privacy.example\",\"language\":"
                 "\"en\"}]}",
                 (unsigned)randombytes_uniform(10000000), (unsigned)randombytes_uniform(1000000),
                 name, email, phone)));
    EXPECT_CALL(coordinator, "PUT", fmt("/v1/employers/%lld/verified", company),
                "{\"verified\":true}", 200, NULL);
    /* e-mail to the contact: a match approved, and an invitation */
    long long placement = new_placement(company, 1);
    long long match = apply(portal_a_key, new_seeker(portal_a_key, "Kandidaat", ""), placement);
    act(coordinator, match, "{\"action\":\"approve\"}", "approved");
    char *mail = smtp_sink_wait(&sink, email, fmt("match %lld,", match), 15);
    ck_assert_msg(mail != NULL, "the contact's e-mail about match %lld never came", match);
    free(mail);
    EXPECT_CALL(coordinator, "POST", "/v1/invitations",
                fmt("{\"email\":\"%s\",\"role\":\"employer\",\"employer_id\":%lld,"
                    "\"language\":\"nl\"}",
                    email, company),
                201, NULL);
    mail = smtp_sink_wait(&sink, email, "/#/invitation/", 15);
    ck_assert_msg(mail != NULL, "the contact's invitation never came");
    free(mail);
    ck_assert_msg(dispatched(fmt("lower(address) = lower('%s')", email)),
                  "e-mail to %s still undelivered", email);
    expect_everywhere_before(markers, 3);

    EXPECT_CALL(employer_user, "POST", fmt("/v1/employers/%lld/contacts/erase", company),
                fmt("{\"email\":\"%s\"}", email), 403, NULL);
    EXPECT_CALL(coordinator, "POST", fmt("/v1/employers/%lld/contacts/erase", company),
                "{\"email\":\"nobody@privacy.example\"}", 404, "not_found");
    EXPECT_CALL(coordinator, "POST", fmt("/v1/employers/%lld/contacts/erase", company),
                "{\"email\":\"not an address\"}", 422, "validation_failed");
    struct http_response r =
        call(coordinator, "POST", fmt("/v1/employers/%lld/contacts/erase", company),
             fmt("{\"email\":\"%s\"}", email));
    API_EXPECT(r, 200, NULL);
    ck_assert_msg(json_is_object(r.json), "%s", r.body);
    http_response_free(&r);
    expect_nowhere(markers, 3);

    /* the other contact, the placement and the match stay */
    r = call(coordinator, "GET", fmt("/v1/employers/%lld", company), NULL);
    API_EXPECT(r, 200, NULL);
    json_t *contacts = json_object_get(r.json, "contacts");
    ck_assert_msg(
        json_array_size(contacts) == 1 &&
            !strcmp(api_text(json_array_get(contacts, 0), "email"), "stays@privacy.example"),
        "%s", r.body);
    http_response_free(&r);
    EXPECT_CALL(coordinator, "GET", fmt("/v1/placements/%lld", placement), NULL, 200, NULL);
    json_t *kept = match_as_coordinator(match);
    ck_assert_str_eq(api_text(kept, "state"), "approved");
    json_decref(kept);
}
END_TEST

/* --- consent for matching withdrawn --- */

/* The recorded call's body holds nothing of the seeker but ids. */
static void expect_ids_only(const json_t *call_record, const char *name, const char *email,
                            const char *phone)
{
    const char *body = api_text(call_record, "body");
    ck_assert_msg(!strstr(body, name) && !strstr(body, email) && !strstr(body, phone + 1),
                  "personal data in a webhook: %s", body);
    static const char *const allowed[] = {"event_id", "type",        "occurred_at", "state",
                                          "reason",   "reason_code", NULL};
    const char *member;
    json_t *value;
    json_object_foreach(json_object_get(call_record, "payload"), member, value)
    {
        size_t len = strlen(member);
        bool ok = len > 3 && !strcmp(member + len - 3, "_id") && json_is_integer(value);
        for (size_t i = 0; allowed[i] && !ok; i++)
            ok = !strcmp(member, allowed[i]);
        ck_assert_msg(ok, "a webhook member %s that is not an id: %s", member, body);
    }
}

static const char *consent_body(const char *purpose, bool given, const char *version)
{
    return fmt("{\"purpose\":\"%s\",\"given\":%s,\"text_version\":\"%s\"}", purpose,
               given ? "true" : "false", version);
}

START_TEST(withdrawing_consent_for_matching_ends_matching_everywhere_at_once)
{
    char name[40], local[40], phone[24];
    new_marker(name, sizeof name, "withdrawn");
    new_marker(local, sizeof local, "wmail");
    new_phone(phone, sizeof phone);
    long long seeker = new_seeker(
        portal_a_key, name, fmt("\"email\":\"%s@example.org\",\"phone\":\"%s\",", local, phone));
    long long applied_to = new_placement(employer, 2), approved_at = new_placement(employer, 2);
    long long ranking = new_placement(employer, 2), later = new_placement(employer, 2);
    long long applied = apply(portal_a_key, seeker, applied_to);
    long long approved = apply(portal_a_key, seeker, approved_at);
    act(coordinator, approved, "{\"action\":\"approve\"}", "approved");

    /* the other daemon ranks the seeker */
    struct timespec since;
    clock_gettime(CLOCK_MONOTONIC, &since);
    ck_assert_msg(ranked_within(&daemon_b, ranking, seeker, true, 5, &since) >= 0,
                  "daemon B never ranked seeker %lld", seeker);

    /* withdrawn on daemon A: gone from daemon B's rankings within a second */
    struct http_response r = call(portal_a_key, "POST", fmt("/v1/seekers/%lld/consents", seeker),
                                  consent_body("matching", false, "v2"));
    clock_gettime(CLOCK_MONOTONIC, &since);
    API_EXPECT(r, 201, NULL);
    ck_assert_str_eq(api_text(r.json, "purpose"), "matching");
    ck_assert(json_is_false(json_object_get(r.json, "given")));
    ck_assert_str_eq(api_text(r.json, "text_version"), "v2");
    http_response_free(&r);
    double took = ranked_within(&daemon_b, ranking, seeker, false, 1, &since);
    ck_assert_msg(took >= 0, "seeker %lld still ranked by daemon B a second after withdrawal",
                  seeker);
    ck_assert_msg(ranked_within(&daemon_a, ranking, seeker, false, 1, &since) >= 0,
                  "still ranked by daemon A");

    /* its open matches cancelled by the system, for that reason */
    const long long matches[] = {applied, approved};
    for (size_t i = 0; i < 2; i++) {
        json_t *doc = match_as_coordinator(matches[i]);
        ck_assert_msg(!strcmp(api_text(doc, "state"), "cancelled"), "match %lld is %s", matches[i],
                      api_text(doc, "state"));
        json_t *history = json_object_get(doc, "history");
        json_t *last = json_array_get(history, json_array_size(history) - 1);
        ck_assert_str_eq(api_text(last, "action"), "cancel");
        ck_assert_str_eq(api_text(last, "actor_kind"), "system");
        ck_assert_str_eq(api_text(last, "reason_code"), "consent_withdrawn");
        json_decref(doc);
        /* the usual notifications, ids only */
        json_t *hook = webhook_receiver_wait(&hooks,
                                             (struct webhook_filter){.event = "match_cancelled",
                                                                     .match_id = matches[i],
                                                                     .answer = WEBHOOK_ACCEPTED},
                                             15);
        ck_assert_msg(hook != NULL, "no match_cancelled webhook for match %lld", matches[i]);
        expect_ids_only(hook, name, local, phone);
        json_decref(hook);
    }
    /* the employer knew of the approved one: told by e-mail, without the seeker */
    char *mail =
        smtp_sink_wait(&sink, CONTACT, fmt("Een match is geannuleerd (match %lld,", approved), 15);
    ck_assert_msg(mail != NULL, "no cancellation e-mail about match %lld", approved);
    ck_assert_msg(!strstr(mail, name) && !strstr(mail, local) && !strstr(mail, phone + 1),
                  "personal data in the e-mail: %s", mail);
    free(mail);
    ck_assert_int_eq(db_number(fmt("SELECT count(*) FROM notifications WHERE match_id IN"
                                   " (%lld, %lld) AND (payload::text LIKE '%%%s%%'"
                                   " OR payload::text LIKE '%%%s%%')",
                                   applied, approved, name, local)),
                     0);

    /* no new application or proposal */
    r = call(portal_a_key, "POST", "/v1/matches",
             fmt("{\"seeker_id\":%lld,\"placement_id\":%lld}", seeker, later));
    API_EXPECT(r, 409, "consent_missing");
    http_response_free(&r);
    r = call(coordinator, "POST", "/v1/matches",
             fmt("{\"seeker_id\":%lld,\"placement_id\":%lld}", seeker, later));
    API_EXPECT(r, 409, "consent_missing");
    http_response_free(&r);

    /* the history keeps both */
    r = call(portal_a_key, "GET", fmt("/v1/seekers/%lld/consents", seeker), NULL);
    API_EXPECT(r, 200, NULL);
    json_t *current = json_object_get(json_object_get(r.json, "current"), "matching");
    ck_assert_msg(json_is_false(json_object_get(current, "given")), "%s", r.body);
    ck_assert_str_eq(api_text(current, "text_version"), "v2");
    int matching_rows = 0;
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(r.json, "history"), i, row)
    {
        if (strcmp(api_text(row, "purpose"), "matching"))
            continue;
        if (matching_rows++ == 0) { /* newest first */
            ck_assert_msg(json_is_false(json_object_get(row, "given")), "%s", r.body);
            ck_assert_str_eq(api_text(json_object_get(row, "recorded_by"), "role"), "portal");
            ck_assert_int_eq(api_number(json_object_get(row, "recorded_by"), "id"), portal_a);
            ck_assert_int_eq(api_number(row, "portal_id"), portal_a);
        } else {
            ck_assert_msg(json_is_true(json_object_get(row, "given")), "%s", r.body);
        }
    }
    ck_assert_msg(matching_rows == 2, "%d rows for matching: %s", matching_rows, r.body);
    http_response_free(&r);
    r = call(portal_a_key, "GET", fmt("/v1/seekers/%lld", seeker), NULL);
    API_EXPECT(r, 200, NULL);
    ck_assert_msg(json_is_false(json_object_get(
                      json_object_get(json_object_get(r.json, "consents"), "matching"), "given")),
                  "%s", r.body);
    http_response_free(&r);

    /* given again: ranked again, and may apply */
    r = call(coordinator, "POST", fmt("/v1/seekers/%lld/consents", seeker),
             consent_body("matching", true, "v3"));
    clock_gettime(CLOCK_MONOTONIC, &since);
    API_EXPECT(r, 201, NULL);
    http_response_free(&r);
    ck_assert_msg(ranked_within(&daemon_b, ranking, seeker, true, 1, &since) >= 0,
                  "seeker %lld not ranked again by daemon B a second after consent", seeker);
    apply(portal_a_key, seeker, later);
}
END_TEST

START_TEST(withdrawing_consent_to_share_contact_hides_it_from_employers)
{
    char name[40];
    new_marker(name, sizeof name, "share");
    long long seeker = new_seeker(portal_a_key, name, "\"email\":\"share@example.org\",");
    long long match = apply(portal_a_key, seeker, new_placement(employer, 1));
    confirm_match(portal_a_key, match, "{\"action\":\"approve\"}");
    struct http_response r = call(employer_user, "GET", fmt("/v1/matches/%lld", match), NULL);
    API_EXPECT(r, 200, NULL);
    ck_assert_str_eq(api_text(json_object_get(r.json, "seeker_contact"), "name"), name);
    http_response_free(&r);

    r = call(portal_a_key, "POST", fmt("/v1/seekers/%lld/consents", seeker),
             consent_body("share_contact", false, "v2"));
    API_EXPECT(r, 201, NULL);
    http_response_free(&r);
    r = call(employer_user, "GET", fmt("/v1/matches/%lld", match), NULL);
    API_EXPECT(r, 200, NULL);
    ck_assert_msg(json_is_null(json_object_get(r.json, "seeker_contact")), "%s", r.body);
    ck_assert_msg(!strstr(r.body, name) && !strstr(r.body, "share@example.org"), "%s", r.body);
    ck_assert_str_eq(api_text(r.json, "state"), "confirmed"); /* the match goes on */
    http_response_free(&r);
    r = call(employer_user, "GET", "/v1/matches?state=confirmed&limit=200", NULL);
    API_EXPECT(r, 200, NULL);
    ck_assert_msg(!strstr(r.body, name), "the list shows the contact: %s", r.body);
    http_response_free(&r);
    /* the portal still sees its own seeker */
    r = call(portal_a_key, "GET", fmt("/v1/seekers/%lld", seeker), NULL);
    API_EXPECT(r, 200, NULL);
    ck_assert_str_eq(api_text(r.json, "name"), name);
    ck_assert_msg(
        json_is_false(json_object_get(
            json_object_get(json_object_get(r.json, "consents"), "share_contact"), "given")),
        "%s", r.body);
    http_response_free(&r);
}
END_TEST

/* --- the consents API --- */

START_TEST(consents_are_recorded_by_the_portal_or_a_coordinator_with_history)
{
    long long seeker = new_seeker(portal_a_key, "Toestemming", "");
    const char *path = fmt("/v1/seekers/%lld/consents", seeker);
    char consents_path[64];
    snprintf(consents_path, sizeof consents_path, "%s", path);

    /* a new seeker: matching and share_contact given, as its single consent meant */
    struct http_response r = call(portal_a_key, "GET", consents_path, NULL);
    API_EXPECT(r, 200, NULL);
    json_t *current = json_object_get(r.json, "current");
    ck_assert_msg(
        json_is_true(json_object_get(json_object_get(current, "matching"), "given")) &&
            json_is_true(json_object_get(json_object_get(current, "share_contact"), "given")) &&
            json_is_null(json_object_get(current, "email_updates")),
        "%s", r.body);
    ck_assert_str_eq(api_text(json_object_get(current, "matching"), "text_version"), "1");
    size_t rows = json_array_size(json_object_get(r.json, "history"));
    ck_assert_uint_eq(rows, 2);
    http_response_free(&r);

    /* what is refused */
    r = call(portal_a_key, "POST", consents_path, consent_body("marketing", true, "1"));
    API_EXPECT(r, 422, "validation_failed");
    ck_assert_msg(api_names_field(&r, "purpose"), "%s", r.body);
    http_response_free(&r);
    r = call(portal_a_key, "POST", consents_path,
             "{\"purpose\":\"email_updates\",\"text_version\":\"1\"}");
    API_EXPECT(r, 422, "validation_failed");
    ck_assert_msg(api_names_field(&r, "given"), "%s", r.body);
    http_response_free(&r);
    r = call(
        portal_a_key, "POST", consents_path,
        consent_body("email_updates", true, "123456789012345678901234567890123456789012345678901"));
    API_EXPECT(r, 422, "validation_failed");
    ck_assert_msg(api_names_field(&r, "text_version"), "%s", r.body);
    http_response_free(&r);
    EXPECT_CALL(portal_b_key, "GET", consents_path, NULL, 404, "not_found");
    EXPECT_CALL(portal_b_key, "POST", consents_path, consent_body("email_updates", true, "1"), 404,
                "not_found");
    EXPECT_CALL(employer_user, "GET", consents_path, NULL, 403, NULL);
    EXPECT_CALL(employer_user, "POST", consents_path, consent_body("email_updates", true, "1"), 403,
                NULL);
    EXPECT_CALL(NULL, "GET", consents_path, NULL, 401, NULL);
    EXPECT_CALL(coordinator, "GET", "/v1/seekers/999999999/consents", NULL, 404, "not_found");
    EXPECT_CALL(coordinator, "POST", "/v1/seekers/999999999/consents",
                consent_body("email_updates", true, "1"), 404, "not_found");

    /* the portal records, with a key: a retry gets the same answer, one row */
    const char *body = consent_body("email_updates", true, "e-1");
    r = call_with_key(portal_a_key, "POST", consents_path, body, "consent-once");
    API_EXPECT(r, 201, NULL);
    ck_assert(!api_replayed(&r));
    ck_assert_str_eq(api_text(r.json, "purpose"), "email_updates");
    ck_assert(json_is_true(json_object_get(r.json, "given")));
    ck_assert_str_eq(api_text(r.json, "text_version"), "e-1");
    ck_assert_msg(json_is_integer(json_object_get(r.json, "id")) &&
                      json_is_string(json_object_get(r.json, "recorded_at")),
                  "%s", r.body);
    ck_assert_str_eq(api_text(json_object_get(r.json, "recorded_by"), "role"), "portal");
    ck_assert_int_eq(api_number(json_object_get(r.json, "recorded_by"), "id"), portal_a);
    ck_assert_int_eq(api_number(r.json, "portal_id"), portal_a);
    struct http_response again =
        call_with_key(portal_a_key, "POST", consents_path, body, "consent-once");
    API_EXPECT(again, 201, NULL);
    ck_assert(api_replayed(&again));
    ck_assert_str_eq(again.body, r.body);
    http_response_free(&again);
    http_response_free(&r);
    r = call_with_key(portal_a_key, "POST", consents_path,
                      consent_body("email_updates", false, "e-1"), "consent-once");
    API_EXPECT(r, 422, "idempotency_key_reused");
    http_response_free(&r);

    /* a coordinator records for any seeker */
    r = call(coordinator, "POST", consents_path, consent_body("email_updates", false, "e-2"));
    API_EXPECT(r, 201, NULL);
    ck_assert_str_eq(api_text(json_object_get(r.json, "recorded_by"), "role"), "coordinator");
    ck_assert_int_eq(api_number(json_object_get(r.json, "recorded_by"), "id"), coordinator_id);
    ck_assert_int_eq(api_number(r.json, "portal_id"), portal_a);
    http_response_free(&r);

    r = call(portal_a_key, "GET", consents_path, NULL);
    API_EXPECT(r, 200, NULL);
    json_t *history = json_object_get(r.json, "history");
    ck_assert_msg(json_array_size(history) == rows + 2, "%s", r.body);
    json_t *newest = json_array_get(history, 0);
    ck_assert_str_eq(api_text(newest, "text_version"), "e-2");
    ck_assert(json_is_false(json_object_get(newest, "given")));
    ck_assert_str_eq(api_text(json_object_get(newest, "recorded_by"), "role"), "coordinator");
    ck_assert_str_eq(api_text(json_array_get(history, 1), "text_version"), "e-1");
    json_t *updates = json_object_get(json_object_get(r.json, "current"), "email_updates");
    ck_assert_msg(json_is_false(json_object_get(updates, "given")) &&
                      !strcmp(api_text(updates, "text_version"), "e-2") &&
                      json_is_string(json_object_get(updates, "recorded_at")),
                  "%s", r.body);
    http_response_free(&r);

    /* the seeker's document shows the current ones */
    r = call(portal_a_key, "GET", fmt("/v1/seekers/%lld", seeker), NULL);
    API_EXPECT(r, 200, NULL);
    json_t *shown = json_object_get(r.json, "consents");
    ck_assert_msg(
        json_is_true(json_object_get(json_object_get(shown, "matching"), "given")) &&
            json_is_false(json_object_get(json_object_get(shown, "email_updates"), "given")) &&
            json_is_null(json_object_get(r.json, "erased_at")),
        "%s", r.body);
    http_response_free(&r);

    /* audited */
    static const char *const actions[] = {"consent.give", "consent.withdraw"};
    for (size_t i = 0; i < 2; i++) {
        r = call(coordinator, "GET",
                 fmt("/v1/audit?action=%s&resource_id=%lld", actions[i], seeker), NULL);
        API_EXPECT(r, 200, NULL);
        ck_assert_msg(json_array_size(json_object_get(r.json, "items")) == 1, "%s: %s", actions[i],
                      r.body);
        http_response_free(&r);
    }
}
END_TEST

START_TEST(a_new_seeker_may_bring_consents_per_purpose)
{
    struct http_response r =
        call(portal_a_key, "POST", "/v1/seekers",
             api_seeker_body("Meer toestemming",
                             "\"consents\":[{\"purpose\":\"email_updates\",\"given\":true,"
                             "\"text_version\":\"e-7\"}],"));
    API_EXPECT(r, 201, NULL);
    long long seeker = api_number(r.json, "id");
    json_t *shown = json_object_get(r.json, "consents");
    ck_assert_msg(
        json_is_true(json_object_get(json_object_get(shown, "matching"), "given")) &&
            json_is_true(json_object_get(json_object_get(shown, "share_contact"), "given")) &&
            !strcmp(api_text(json_object_get(shown, "email_updates"), "text_version"), "e-7"),
        "%s", r.body);
    http_response_free(&r);
    r = call(coordinator, "GET", fmt("/v1/seekers/%lld/consents", seeker), NULL);
    API_EXPECT(r, 200, NULL);
    ck_assert_uint_eq(json_array_size(json_object_get(r.json, "history")), 3);
    http_response_free(&r);
    r = call(portal_a_key, "POST", "/v1/seekers",
             api_seeker_body("Verkeerd", "\"consents\":[{\"purpose\":\"marketing\",\"given\":true,"
                                         "\"text_version\":\"1\"}],"));
    API_EXPECT(r, 422, "validation_failed");
    http_response_free(&r);
}
END_TEST

/* --- the daemons --- */

/* A daemon whose dispatcher runs often and retries at once, with e-mail to
 * the sink, webhooks to this test's receiver on 127.0.0.1, cheap password
 * hashes, and no retention job (not this test's subject). */
static const char *const *daemon_args(bool migrate)
{
    static const char *args[2][24];
    const char *const list[] = {"--smtp-url",
                                sink.url,
                                "--webhook-private-addresses",
                                "--notify-interval-ms",
                                "100",
                                "--notify-backoff-seconds",
                                "0",
                                "--password-opslimit",
                                "1",
                                "--password-memlimit-kib",
                                "8192",
                                "--login-max-failures-per-address",
                                "1000",
                                "--retention-interval-minutes",
                                "0",
                                migrate ? "--migrate" : NULL,
                                NULL};
    const char **out = args[migrate];
    memcpy(out, list, sizeof list);
    return out;
}

static bool set_up(void)
{
    coordinator = harness_login_new_account(&daemon_a, db.url, "coord@privacy.example", NULL);
    struct http_response r = http_call_as(&daemon_a, coordinator, "GET", "/v1/auth/me", NULL);
    coordinator_id = api_number(r.json, "account_id");
    http_response_free(&r);
    r = http_call_as(&daemon_a, coordinator, "POST", "/v1/employers",
                     "{\"kvk_number\":\"33333333\",\"name\":\"Werkplaats\",\"postcode\":\"2516\","
                     "\"contacts\":[{\"name\":\"Ans\",\"email\":\"" CONTACT
                     "\",\"language\":\"nl\"}]}");
    employer = api_number(r.json, "id");
    bool ready = r.status == 201;
    http_response_free(&r);
    r = http_call_as(&daemon_a, coordinator, "PUT", fmt("/v1/employers/%lld/verified", employer),
                     "{\"verified\":true}");
    ready = ready && r.status == 200;
    http_response_free(&r);
    employer_user =
        harness_login_new_account(&daemon_a, db.url, "werk@privacy.example", fmt("%lld", employer));
    portal_a_key = harness_new_portal(db.url, "Privacy portal A", &portal_a);
    portal_b_key = harness_new_portal(db.url, "Privacy portal B", &portal_b);
    r = http_call_as(&daemon_a, portal_a_key, "PUT", "/v1/portal/webhook",
                     fmt("{\"url\":\"%s\"}", hooks.url));
    ready = ready && r.status == 200;
    if (!ready)
        fprintf(stderr, "setting up failed: %ld %s\n", r.status, r.body);
    http_response_free(&r);
    return ready;
}

static int run_tests(void)
{
    Suite *s = suite_create("privacy");
    TCase *erasure = tcase_create("erasure");
    tcase_set_timeout(erasure, 180);
    tcase_add_test(erasure, an_erased_seeker_leaves_no_marker_anywhere_in_the_database);
    tcase_add_test(erasure, only_the_seekers_portal_and_coordinators_erase);
    tcase_add_test(erasure, an_erased_account_leaves_no_marker_anywhere_in_the_database);
    tcase_add_test(erasure, an_erased_contact_leaves_no_marker_anywhere_in_the_database);
    suite_add_tcase(s, erasure);
    TCase *consent = tcase_create("consent");
    tcase_set_timeout(consent, 120);
    tcase_add_test(consent, withdrawing_consent_for_matching_ends_matching_everywhere_at_once);
    tcase_add_test(consent, withdrawing_consent_to_share_contact_hides_it_from_employers);
    tcase_add_test(consent, consents_are_recorded_by_the_portal_or_a_coordinator_with_history);
    tcase_add_test(consent, a_new_seeker_may_bring_consents_per_purpose);
    suite_add_tcase(s, consent);
    return harness_run_suite(s);
}

int main(void)
{
    if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        return 2;
    /* a sink or receiver left running on an early return is removed at exit */
    if (!smtp_sink_start(&sink) || !webhook_receiver_start(&hooks))
        return 2;
    harness_db_create(&db);
    int status = 0, failed = 2;
    if (harness_server_start(&daemon_a, db.url, daemon_args(true), &status)) {
        if (harness_db_sql_file(&db, "tests/integration/fixtures/reference.sql") == 0 &&
            harness_server_start(&daemon_b, db.url, daemon_args(false), &status)) {
            failed = set_up() ? run_tests() : 2;
            if (!harness_server_stop_cleanly(&daemon_b))
                failed++;
        }
        if (!harness_server_stop_cleanly(&daemon_a))
            failed++;
    }
    harness_db_destroy(&db);
    webhook_receiver_stop(&hooks);
    smtp_sink_stop(&sink);
    free(coordinator);
    free(employer_user);
    free(portal_a_key);
    free(portal_b_key);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
