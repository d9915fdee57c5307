/* Employers, placements, seekers and reference data through the running
 * daemon: happy paths, filters, pagination, If-Match, Idempotency-Key, and
 * a battery of invalid inputs that must each be refused with the documented
 * code and leave the database as it was. */
#include "harness.h"

#include <check.h>
#include <curl/curl.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static struct harness_db db;
static struct harness_server server;

#define SKILL "http://data.europa.eu/esco/skill/test-"

static char coordinator[128]; /* "Authorization: Bearer ..." */

static struct http_response call(const char *method, const char *path, const char *body,
                                 const char *extra_header)
{
    const char *headers[] = {"Content-Type: application/json", coordinator, extra_header, NULL};
    struct http_response r;
    http_call(&server, method, path, body ? headers : headers + 1, body, &r);
    return r;
}

static long long id_of(const struct http_response *r)
{
    return json_integer_value(json_object_get(r->json, "id"));
}

static const char *employer_body(const char *kvk)
{
    return fmt("{\"kvk_number\":\"%s\",\"name\":\"Bouwbedrijf %s\",\"postcode\":\"2516be\","
               "\"contacts\":[{\"name\":\"Ans\",\"email\":\"ans@example.nl\"}]}",
               kvk, kvk);
}

static long long create_employer(const char *kvk, bool verified)
{
    struct http_response r = call("POST", "/v1/employers", employer_body(kvk), NULL);
    ck_assert_msg(r.status == 201, "employer: %ld %s", r.status, r.body);
    long long id = id_of(&r);
    http_response_free(&r);
    if (verified) {
        r = call("PUT", fmt("/v1/employers/%lld/verified", id), "{\"verified\":true}", NULL);
        ck_assert_int_eq(r.status, 200);
        http_response_free(&r);
    }
    return id;
}

static const char *placement_body(long long employer, const char *start, const char *postcode)
{
    return fmt("{\"employer_id\":%lld,\"title\":\"Leidingwerk\",\"postcode\":\"%s\","
               "\"schedule\":[{\"day\":\"mon\",\"from\":\"08:00\",\"to\":\"16:30\"},"
               "{\"day\":\"thu\",\"from\":\"08:00\",\"to\":\"12:00\"}],"
               "\"hours_per_week\":12,\"start_date\":\"%s\",\"end_date\":\"2027-12-31\","
               "\"capacity\":2,\"min_dutch_level\":\"A2\",\"certificates\":[\"vca_basis\"],"
               "\"occupation_uri\":\"http://data.europa.eu/esco/occupation/test-plumber\","
               "\"required_skills\":[{\"uri\":\"" SKILL "solder\",\"min_level\":2,"
               "\"essential\":true},{\"uri\":\"" SKILL "ladder\",\"min_level\":1}],"
               "\"taught_skills\":[\"" SKILL "wiring\"]}",
               employer, postcode, start);
}

static long long create_placement(long long employer, const char *start, const char *postcode)
{
    struct http_response r =
        call("POST", "/v1/placements", placement_body(employer, start, postcode), NULL);
    ck_assert_msg(r.status == 201, "placement: %ld %s", r.status, r.body);
    long long id = id_of(&r);
    http_response_free(&r);
    return id;
}

static const char *seeker_body(int portal, const char *postcode, const char *skill)
{
    return fmt("{\"portal_id\":%d,\"name\":\"Samira\",\"postcode\":\"%s\","
               "\"availability\":[{\"day\":\"mon\",\"from\":\"07:00\",\"to\":\"17:00\"}],"
               "\"available_from\":\"2027-01-01\",\"max_hours_per_week\":24,"
               "\"max_travel_km\":10,\"skills\":[{\"uri\":\"" SKILL "%s\",\"level\":3}],"
               "\"learning_goals\":[\"" SKILL "wiring\"],\"dutch_level\":\"B1\","
               "\"consent\":{\"purpose\":\"matching\",\"text_version\":\"2026-1\","
               "\"given_at\":\"2026-11-20T10:15:00Z\"}}",
               portal, postcode, skill);
}

static long long create_seeker(int portal, const char *postcode, const char *skill)
{
    struct http_response r =
        call("POST", "/v1/seekers", seeker_body(portal, postcode, skill), NULL);
    ck_assert_msg(r.status == 201, "seeker: %ld %s", r.status, r.body);
    long long id = id_of(&r);
    http_response_free(&r);
    return id;
}

/* The ids of a list response's items, as "1,2,3". */
static char *ids_of(const struct http_response *r)
{
    static char out[1024];
    out[0] = '\0';
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(r->json, "items"), i, item)
        snprintf(out + strlen(out), sizeof out - strlen(out), "%s%lld", i ? "," : "",
                 (long long)json_integer_value(json_object_get(item, "id")));
    return out;
}

START_TEST(employer_life)
{
    struct http_response r = call("POST", "/v1/employers", employer_body("10000001"), NULL);
    ck_assert_int_eq(r.status, 201);
    char location[64], etag[16];
    ck_assert(http_header(&r, "Location", location, sizeof location));
    ck_assert_str_eq(location, fmt("/v1/employers/%lld", id_of(&r)));
    ck_assert(http_header(&r, "ETag", etag, sizeof etag));
    ck_assert_str_eq(etag, "\"1\"");
    ck_assert_str_eq(json_string_value(json_object_get(r.json, "postcode")), "2516 BE");
    ck_assert(json_is_false(json_object_get(r.json, "verified")));
    ck_assert_double_eq_tol(json_real_value(json_object_get(r.json, "lat")), 52.076, 1e-9);
    long long id = id_of(&r);
    http_response_free(&r);

    r = call("GET", location, NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(r.json, "contacts"), 0), "language")),
                     "nl");
    http_response_free(&r);

    r = call("PUT", fmt("/v1/employers/%lld/verified", id), "{\"verified\":true}", NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert(json_is_true(json_object_get(r.json, "verified")));
    http_response_free(&r);

    r = call("GET", "/v1/employers?verified=true&q=10000001", NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(ids_of(&r), fmt("%lld", id));
    http_response_free(&r);
    r = call("GET", "/v1/employers?q=%25", NULL, NULL); /* a literal % matches nothing */
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(ids_of(&r), "");
    http_response_free(&r);

    r = call("POST", "/v1/employers", employer_body("10000001"), NULL);
    ck_assert_int_eq(r.status, 409);
    ck_assert_str_eq(http_error_code(&r), "conflict");
    http_response_free(&r);

    /* a new name keeps the verification, another KvK number does not */
    r = call("PATCH", location, "{\"name\":\"Bouwbedrijf Binck\"}", NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert(json_is_true(json_object_get(r.json, "verified")));
    http_response_free(&r);
    r = call("PATCH", location, "{\"kvk_number\":\"10000099\"}", NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert(json_is_false(json_object_get(r.json, "verified")));
    http_response_free(&r);
}
END_TEST

START_TEST(placement_life)
{
    long long unverified = create_employer("10000002", false);
    long long placement = create_placement(unverified, "2027-03-01", "2516 BE");
    struct http_response r = call("GET", fmt("/v1/placements/%lld", placement), NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "draft");
    char *schedule = json_dumps(json_object_get(r.json, "schedule"), JSON_COMPACT);
    ck_assert_str_eq(schedule, "[{\"day\":\"mon\",\"from\":\"08:00\",\"to\":\"17:00\"},"
                               "{\"day\":\"thu\",\"from\":\"08:00\",\"to\":\"12:00\"}]");
    free(schedule);
    http_response_free(&r);

    r = call("POST", fmt("/v1/placements/%lld/open", placement), NULL, NULL);
    ck_assert_int_eq(r.status, 409);
    ck_assert_str_eq(http_error_code(&r), "employer_not_verified");
    http_response_free(&r);
    r = call("PUT", fmt("/v1/employers/%lld/verified", unverified), "{\"verified\":true}", NULL);
    http_response_free(&r);
    r = call("POST", fmt("/v1/placements/%lld/open", placement), NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "open");
    http_response_free(&r);
    r = call("POST", fmt("/v1/placements/%lld/open", placement), NULL, NULL);
    ck_assert_int_eq(r.status, 409);
    ck_assert_str_eq(http_error_code(&r), "invalid_state");
    http_response_free(&r);
    r = call("DELETE", fmt("/v1/placements/%lld", placement), NULL, NULL);
    ck_assert_int_eq(r.status, 409);
    ck_assert_str_eq(http_error_code(&r), "invalid_state");
    http_response_free(&r);
    r = call("POST", fmt("/v1/placements/%lld/close", placement), NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "closed");
    http_response_free(&r);

    long long draft = create_placement(unverified, "2027-03-01", "2516 BE");
    r = call("DELETE", fmt("/v1/placements/%lld", draft), NULL, NULL);
    ck_assert_int_eq(r.status, 204);
    ck_assert_uint_eq(r.body_len, 0);
    http_response_free(&r);
    r = call("GET", fmt("/v1/placements/%lld", draft), NULL, NULL);
    ck_assert_int_eq(r.status, 404);
    http_response_free(&r);
    r = call("DELETE", fmt("/v1/placements/%lld", draft), NULL, NULL);
    ck_assert_int_eq(r.status, 404);
    http_response_free(&r);
}
END_TEST

START_TEST(placement_filters)
{
    long long a = create_employer("10000003", true), b = create_employer("10000004", true);
    long long near_early = create_placement(a, "2027-02-01", "2516 BE");
    long long near_late = create_placement(a, "2027-06-01", "2522");
    long long far = create_placement(b, "2027-02-01", "1011");
    struct http_response r = call("POST", fmt("/v1/placements/%lld/open", near_late), NULL, NULL);
    http_response_free(&r);

    struct {
        const char *query;
        const char *ids;
    } cases[] = {
        {fmt("employer_id=%lld", a), fmt("%lld,%lld", near_early, near_late)},
        {fmt("employer_id=%lld&status=open", a), fmt("%lld", near_late)},
        {fmt("employer_id=%lld&status=draft", a), fmt("%lld", near_early)},
        {fmt("employer_id=%lld&starts_from=2027-03-01", a), fmt("%lld", near_late)},
        {fmt("employer_id=%lld&starts_until=2027-02-01", a), fmt("%lld", near_early)},
        {fmt("employer_id=%lld&near_postcode=2516&within_km=5", b), ""},
        {fmt("employer_id=%lld&near_lat=52.37&near_lon=4.90&within_km=5", b), fmt("%lld", far)},
        {fmt("employer_id=%lld&near_postcode=2516%%20BE&within_km=1", a), fmt("%lld", near_early)},
        {fmt("employer_id=%lld&near_postcode=2516&within_km=2", a),
         fmt("%lld,%lld", near_early, near_late)},
        {fmt("employer_id=%lld&skill=" SKILL "solder", b), fmt("%lld", far)},
        {fmt("employer_id=%lld&skill=" SKILL "wiring", b), ""},
        {fmt("employer_id=%lld&occupation=http://data.europa.eu/esco/occupation/test-plumber", b),
         fmt("%lld", far)},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "/v1/placements?%s", cases[i].query);
        r = call("GET", path, NULL, NULL);
        ck_assert_msg(r.status == 200, "%s: %ld %s", path, r.status, r.body);
        ck_assert_msg(strcmp(ids_of(&r), cases[i].ids) == 0, "%s: got [%s], wanted [%s]", path,
                      ids_of(&r), cases[i].ids);
        http_response_free(&r);
    }
}
END_TEST

START_TEST(seeker_life_and_filters)
{
    long long s1 = create_seeker(1, "2516 BE", "solder");
    long long s2 = create_seeker(2, "2522", "ladder");
    struct http_response r = call("GET", fmt("/v1/seekers/%lld", s1), NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(
        json_string_value(json_object_get(json_object_get(r.json, "consent"), "given_at")),
        "2026-11-20T10:15:00+00:00");
    ck_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "active");
    http_response_free(&r);

    const char *cases[][2] = {
        {"portal_id=1&skill=" SKILL "solder", fmt("%lld", s1)},
        {"portal_id=2&postcode_area=252", fmt("%lld", s2)},
        {"portal_id=2&postcode_area=2516", ""},
        {"portal_id=2&status=paused", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        r = call("GET", fmt("/v1/seekers?%s", cases[i][0]), NULL, NULL);
        ck_assert_msg(r.status == 200, "%s: %s", cases[i][0], r.body);
        ck_assert_msg(strcmp(ids_of(&r), cases[i][1]) == 0, "%s: got [%s] wanted [%s]", cases[i][0],
                      ids_of(&r), cases[i][1]);
        http_response_free(&r);
    }

    r = call("PATCH", fmt("/v1/seekers/%lld", s2),
             "{\"status\":\"paused\",\"available_until\":"
             "\"2027-06-30\"}",
             NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "paused");
    ck_assert_str_eq(json_string_value(json_object_get(r.json, "name")), "Samira");
    http_response_free(&r);
    r = call("PATCH", fmt("/v1/seekers/%lld", s2), "{\"portal_id\":1}", NULL);
    ck_assert_int_eq(r.status, 422);
    http_response_free(&r);

    r = call("DELETE", fmt("/v1/seekers/%lld", s1), NULL, NULL);
    ck_assert_int_eq(r.status, 204);
    http_response_free(&r);
    r = call("GET", fmt("/v1/seekers/%lld", s1), NULL, NULL);
    ck_assert_int_eq(r.status, 404);
    http_response_free(&r);
}
END_TEST

START_TEST(pages_walk_every_item_once)
{
    for (int i = 0; i < 7; i++)
        create_employer(fmt("2000000%d", i), false);
    char seen[1024] = "";
    char path[256] = "/v1/employers?q=Bouwbedrijf%202000000&limit=3";
    int pages = 0;
    for (;;) {
        struct http_response r = call("GET", path, NULL, NULL);
        ck_assert_msg(r.status == 200, "%s: %s", path, r.body);
        snprintf(seen + strlen(seen), sizeof seen - strlen(seen), "%s%s", *seen ? "," : "",
                 ids_of(&r));
        pages++;
        const char *next = json_string_value(json_object_get(r.json, "next_cursor"));
        if (!next) {
            http_response_free(&r);
            break;
        }
        snprintf(path, sizeof path, "/v1/employers?q=Bouwbedrijf%%202000000&limit=3&cursor=%s",
                 next);
        http_response_free(&r);
    }
    ck_assert_int_eq(pages, 3);
    /* seven distinct, ascending ids */
    long long last = 0;
    int count = 0;
    for (char *t = strtok(seen, ","); t; t = strtok(NULL, ",")) {
        ck_assert_int_gt(atoll(t), last);
        last = atoll(t);
        count++;
    }
    ck_assert_int_eq(count, 7);
}
END_TEST

START_TEST(if_match_prevents_lost_updates)
{
    long long id = create_employer("10000005", false);
    struct http_response r = call("PATCH", fmt("/v1/employers/%lld", id),
                                  "{\"name\":\"Nieuwe naam\"}", "If-Match: \"1\"");
    ck_assert_int_eq(r.status, 200);
    char etag[16];
    ck_assert(http_header(&r, "ETag", etag, sizeof etag));
    ck_assert_str_eq(etag, "\"2\"");
    ck_assert_str_eq(json_string_value(json_object_get(r.json, "kvk_number")), "10000005");
    http_response_free(&r);

    r = call("PATCH", fmt("/v1/employers/%lld", id), "{\"name\":\"Oude kopie\"}",
             "If-Match: \"1\"");
    ck_assert_int_eq(r.status, 412);
    ck_assert_str_eq(http_error_code(&r), "precondition_failed");
    http_response_free(&r);
    r = call("GET", fmt("/v1/employers/%lld", id), NULL, NULL);
    ck_assert_str_eq(json_string_value(json_object_get(r.json, "name")), "Nieuwe naam");
    http_response_free(&r);

    /* a new postcode moves the coordinates along */
    r = call("PATCH", fmt("/v1/employers/%lld", id), "{\"postcode\":\"1011 AB\"}", NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_double_eq_tol(json_real_value(json_object_get(r.json, "lat")), 52.374, 1e-9);
    http_response_free(&r);
    r = call("PATCH", fmt("/v1/employers/%lld", id), "{\"name\":\"x\"}", "If-Match: 3");
    ck_assert_int_eq(r.status, 422);
    http_response_free(&r);
}
END_TEST

START_TEST(idempotency_key_replays_the_first_response)
{
    const char *body = employer_body("10000006");
    struct http_response first = call("POST", "/v1/employers", body, "Idempotency-Key: emp-6");
    ck_assert_int_eq(first.status, 201);
    struct http_response again = call("POST", "/v1/employers", body, "Idempotency-Key: emp-6");
    ck_assert_int_eq(again.status, 201);
    ck_assert_str_eq(again.body, first.body);
    char replayed[8], location[64];
    ck_assert(http_header(&again, "Idempotent-Replayed", replayed, sizeof replayed));
    ck_assert(http_header(&again, "Location", location, sizeof location));
    ck_assert_str_eq(location, fmt("/v1/employers/%lld", id_of(&first)));
    http_response_free(&again);
    http_response_free(&first);
    char count[16];
    ck_assert(harness_db_value(&db, "SELECT count(*) FROM employers WHERE kvk_number = '10000006'",
                               count, sizeof count));
    ck_assert_str_eq(count, "1");

    struct http_response other =
        call("POST", "/v1/employers", employer_body("10000007"), "Idempotency-Key: emp-6");
    ck_assert_int_eq(other.status, 422);
    ck_assert_str_eq(http_error_code(&other), "idempotency_key_reused");
    http_response_free(&other);
    ck_assert(harness_db_value(&db, "SELECT count(*) FROM employers WHERE kvk_number = '10000007'",
                               count, sizeof count));
    ck_assert_str_eq(count, "0");

    /* a key is the caller's own: two portals sending the same key and body
     * each create their own seeker */
    const char *seeker = strstr(seeker_body(1, "2522", "solder"), "\"name\""); /* no portal_id */
    long long ids[2];
    for (int i = 0; i < 2; i++) {
        long long portal;
        char *key = harness_new_portal(db.url, fmt("Portaal %d", i), &portal);
        char bearer[128];
        const char *headers[] = {"Content-Type: application/json",
                                 harness_bearer(key, bearer, sizeof bearer),
                                 "Idempotency-Key: same-key", NULL};
        struct http_response r;
        http_call(&server, "POST", "/v1/seekers", headers, fmt("{%s", seeker), &r);
        ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
        ck_assert_int_eq(json_integer_value(json_object_get(r.json, "portal_id")), portal);
        ids[i] = id_of(&r);
        http_response_free(&r);
        free(key);
    }
    ck_assert_int_ne(ids[0], ids[1]);
}
END_TEST

START_TEST(reference_lookups)
{
    struct http_response r = call("GET", "/v1/skills?q=VEILIG%20W", NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_uint_eq(json_array_size(json_object_get(r.json, "items")), 1);
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(r.json, "items"), 0), "id")),
                     "test-ladder");
    http_response_free(&r);
    r = call("GET", "/v1/skills?q=veilig", NULL, NULL); /* Dutch labels of two skills */
    ck_assert_uint_eq(json_array_size(json_object_get(r.json, "items")), 2);
    http_response_free(&r);
    r = call("GET", "/v1/skills?q=install", NULL, NULL);
    ck_assert_uint_eq(json_array_size(json_object_get(r.json, "items")), 1);
    http_response_free(&r);
    r = call("GET", "/v1/skills?limit=3", NULL, NULL);
    ck_assert_uint_eq(json_array_size(json_object_get(r.json, "items")), 3);
    ck_assert(json_is_string(json_object_get(r.json, "next_cursor")));
    http_response_free(&r);
    r = call("GET", "/v1/skills/test-safety", NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(json_string_value(json_object_get(r.json, "skill_type")), "knowledge");
    http_response_free(&r);
    r = call("GET", "/v1/skills/nope", NULL, NULL);
    ck_assert_int_eq(r.status, 404);
    http_response_free(&r);
    r = call("GET", "/v1/occupations?q=loodg", NULL, NULL);
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(r.json, "items"), 0), "isco_group")),
                     "7126");
    http_response_free(&r);
    r = call("GET", "/v1/occupations/test-plumber", NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    http_response_free(&r);
    r = call("GET", "/v1/postcodes/2516", NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "pc4")), 2516);
    http_response_free(&r);
    const char *missing[] = {"/v1/postcodes/9999", "/v1/postcodes/251", "/v1/postcodes/abcd"};
    for (size_t i = 0; i < 3; i++) {
        r = call("GET", missing[i], NULL, NULL);
        ck_assert_int_eq(r.status, 404);
        http_response_free(&r);
    }
}
END_TEST

/* Runs `request` in `n` processes at once; counts the statuses they got. */
static void race(int n, const char *method, const char *path, const char *body, const char *header,
                 int *ok, int *refused, long refused_status)
{
    pid_t children[16];
    ck_assert_int_le(n, 16);
    for (int i = 0; i < n; i++) {
        children[i] = fork();
        ck_assert_int_ge(children[i], 0);
        if (children[i] == 0) {
            struct http_response r = call(method, path, body, header);
            _exit(r.status == 200 || r.status == 201 ? 0 : r.status == refused_status ? 1 : 2);
        }
    }
    *ok = *refused = 0;
    for (int i = 0; i < n; i++) {
        int status;
        waitpid(children[i], &status, 0);
        ck_assert(WIFEXITED(status) && WEXITSTATUS(status) < 2);
        *(WEXITSTATUS(status) == 0 ? ok : refused) += 1;
    }
}

START_TEST(racing_retries_create_once)
{
    int ok, refused;
    race(12, "POST", "/v1/employers", employer_body("10000010"), "Idempotency-Key: race-1", &ok,
         &refused, 0);
    ck_assert_int_eq(ok, 12); /* every retry gets the one creation's response */
    char count[16];
    ck_assert(harness_db_value(&db, "SELECT count(*) FROM employers WHERE kvk_number = '10000010'",
                               count, sizeof count));
    ck_assert_str_eq(count, "1");
}
END_TEST

START_TEST(racing_updates_with_one_etag_let_one_win)
{
    long long id = create_employer("10000011", false);
    int ok, refused;
    race(8, "PATCH", fmt("/v1/employers/%lld", id), "{\"name\":\"Racer\"}", "If-Match: \"1\"", &ok,
         &refused, 412);
    ck_assert_int_eq(ok, 1);
    ck_assert_int_eq(refused, 7);
    struct http_response r = call("GET", fmt("/v1/employers/%lld", id), NULL, NULL);
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "version")), 2);
    http_response_free(&r);
}
END_TEST

/* A fingerprint of every resource table, to prove a refused request
 * changed nothing. */
static void fingerprint(char *out, size_t size)
{
    ck_assert(harness_db_value(
        &db,
        "SELECT md5(concat_ws('|', (SELECT string_agg(id || ':' || version, ',' ORDER BY id)"
        " FROM employers), (SELECT string_agg(id || ':' || version || status, ',' ORDER BY id)"
        " FROM placements), (SELECT string_agg(id || ':' || version, ',' ORDER BY id) FROM"
        " seekers), (SELECT count(*) FROM employer_contacts), (SELECT count(*) FROM"
        " placement_required_skills), (SELECT count(*) FROM seeker_skills),"
        " (SELECT count(*) FROM idempotency_keys)))",
        out, size));
}

START_TEST(invalid_input_is_refused_and_changes_nothing)
{
    long long employer = create_employer("10000008", true);
    long long placement = create_placement(employer, "2027-02-01", "2516");
    long long seeker = create_seeker(1, "2522", "solder");
    const char *good_placement = placement_body(employer, "2027-02-01", "2516");
    (void)good_placement;
    struct {
        const char *method;
        const char *path;
        const char *body;
        long status;
        const char *code;
        const char *field; /* first detail's field, or NULL */
    } cases[] = {
        {"POST", "/v1/employers", "[]", 422, "validation_failed", "body"},
        {"POST", "/v1/employers", "{\"kvk_number\":\"123\",\"name\":\"x\",\"postcode\":\"2516\"}",
         422, "validation_failed", "kvk_number"},
        {"POST", "/v1/employers", "{\"kvk_number\":12345678,\"name\":\"x\",\"postcode\":\"2516\"}",
         422, "validation_failed", "kvk_number"},
        {"POST", "/v1/employers",
         "{\"kvk_number\":\"10000009\",\"name\":\"x\",\"postcode\":\"9999\"}", 422,
         "validation_failed", "postcode"},
        {"POST", "/v1/employers",
         "{\"kvk_number\":\"10000009\",\"name\":\"x\",\"postcode\":\"9999\",\"lat\":52.1}", 422,
         "validation_failed", "lon"},
        {"POST", "/v1/employers",
         "{\"kvk_number\":\"10000009\",\"name\":\"x\",\"postcode\":\"2516\",\"lat\":48.8,\"lon\":2."
         "3}",
         422, "validation_failed", "lat"},
        {"POST", "/v1/employers", "{\"kvk_number\":\"10000009\",\"postcode\":\"2516\"}", 422,
         "validation_failed", "name"},
        {"POST", "/v1/employers",
         "{\"kvk_number\":\"10000009\",\"name\":\"x\",\"postcode\":\"2516\",\"verified\":true}",
         422, "validation_failed", "verified"},
        {"POST", "/v1/employers",
         "{\"kvk_number\":\"10000009\",\"name\":\"x\",\"postcode\":\"2516\",\"contacts\":"
         "[{\"name\":\"a\",\"email\":\"a@b.nl\",\"language\":\"de\"}]}",
         422, "validation_failed", "contacts[0].language"},
        {"POST", "/v1/employers", "{\"kvk_number\":\"10000009\",\"name\":\"x\"", 400,
         "malformed_json", "body"},
        {"POST", "/v1/employers",
         "{\"kvk_number\":\"10000009\",\"name\":\"\\ud800\",\"postcode\":\"2516\"}", 400,
         "malformed_json", "body"}, /* a lone surrogate is not Unicode */
        {"POST", "/v1/employers",
         "{\"kvk_number\":\"10000009\",\"name\":\"a\\u0000b\",\"postcode\":\"2516\"}", 400,
         "malformed_json", "body"},
        {"POST", "/v1/employers",
         "{\"kvk_number\":\"10000009\",\"name\":\"a\\u202eb\\u0007\",\"postcode\":\"2516\"}", 422,
         "validation_failed", "name"},
        {"POST", "/v1/placements",
         fmt("{\"employer_id\":%lld,\"title\":\"t\",\"postcode\":\"2516\",\"schedule\":[{\"day\":"
             "\"mon\",\"from\":\"08:00\",\"to\":\"12:00\"}],\"hours_per_week\":4,\"start_date\":"
             "\"2027-02-01\",\"end_date\":\"2027-01-01\",\"capacity\":1}",
             employer),
         422, "validation_failed", "end_date"},
        {"POST", "/v1/placements",
         fmt("{\"employer_id\":%lld,\"title\":\"t\",\"postcode\":\"2516\",\"schedule\":[{\"day\":"
             "\"mon\",\"from\":\"08:00\",\"to\":\"12:00\"}],\"hours_per_week\":5,\"start_date\":"
             "\"2027-02-01\",\"end_date\":\"2027-03-01\",\"capacity\":1}",
             employer),
         422, "validation_failed", "hours_per_week"},
        {"POST", "/v1/placements",
         fmt("{\"employer_id\":%lld,\"title\":\"t\",\"postcode\":\"2516\",\"schedule\":[{\"day\":"
             "\"mon\",\"from\":\"08:00\",\"to\":\"12:00\"},{\"day\":\"mon\",\"from\":\"11:00\","
             "\"to\":\"13:00\"}],\"hours_per_week\":4,\"start_date\":\"2027-02-01\",\"end_date\":"
             "\"2027-03-01\",\"capacity\":1}",
             employer),
         422, "validation_failed", "schedule[1]"},
        {"POST", "/v1/placements",
         fmt("{\"employer_id\":%lld,\"title\":\"t\",\"postcode\":\"2516\",\"schedule\":[{\"day\":"
             "\"mon\",\"from\":\"08:00\",\"to\":\"12:00\"}],\"hours_per_week\":4,\"start_date\":"
             "\"2027-02-01\",\"end_date\":\"2027-03-01\",\"capacity\":0}",
             employer),
         422, "validation_failed", "capacity"},
        {"POST", "/v1/placements",
         fmt("{\"employer_id\":%lld,\"title\":\"t\",\"postcode\":\"2516\",\"schedule\":[],"
             "\"hours_per_week\":0,\"start_date\":\"2027-02-01\",\"end_date\":\"2027-03-01\","
             "\"capacity\":1}",
             employer),
         422, "validation_failed", "hours_per_week"},
        {"POST", "/v1/placements",
         fmt("{\"employer_id\":%lld,\"title\":\"t\",\"postcode\":\"2516\",\"schedule\":[{\"day\":"
             "\"mon\",\"from\":\"08:00\",\"to\":\"12:00\"}],\"hours_per_week\":4,\"start_date\":"
             "\"2027-02-01\",\"end_date\":\"2027-03-01\",\"capacity\":1,\"required_skills\":"
             "[{\"uri\":\"" SKILL "nope\",\"min_level\":2}]}",
             employer),
         422, "validation_failed", "required_skills[0].uri"},
        {"POST", "/v1/placements",
         fmt("{\"employer_id\":%lld,\"title\":\"t\",\"postcode\":\"2516\",\"schedule\":[{\"day\":"
             "\"mon\",\"from\":\"08:00\",\"to\":\"12:00\"}],\"hours_per_week\":4,\"start_date\":"
             "\"2027-02-01\",\"end_date\":\"2027-03-01\",\"capacity\":1,\"required_skills\":"
             "[{\"uri\":\"" SKILL "solder\",\"min_level\":6}]}",
             employer),
         422, "validation_failed", "required_skills[0].min_level"},
        {"POST", "/v1/placements",
         fmt("{\"employer_id\":%lld,\"title\":\"t\",\"postcode\":\"2516\",\"schedule\":[{\"day\":"
             "\"mon\",\"from\":\"08:00\",\"to\":\"12:00\"}],\"hours_per_week\":4,\"start_date\":"
             "\"2027-02-01\",\"end_date\":\"2027-03-01\",\"capacity\":1,\"min_dutch_level\":"
             "\"D1\"}",
             employer),
         422, "validation_failed", "min_dutch_level"},
        {"POST", "/v1/placements",
         "{\"employer_id\":999999,\"title\":\"t\",\"postcode\":\"2516\",\"schedule\":[{\"day\":"
         "\"mon\",\"from\":\"08:00\",\"to\":\"12:00\"}],\"hours_per_week\":4,\"start_date\":"
         "\"2027-02-01\",\"end_date\":\"2027-03-01\",\"capacity\":1}",
         422, "validation_failed", "employer_id"},
        {"PATCH", fmt("/v1/placements/%lld", placement), "{\"title\":\"\xf0\x9f\x94\xa7\"}", 200,
         NULL, NULL}, /* an emoji is text: accepted (and then reverted below) */
        {"PATCH", fmt("/v1/placements/%lld", placement), "{\"status\":\"open\"}", 422,
         "validation_failed", "status"},
        {"PATCH", fmt("/v1/placements/%lld", placement), "{\"employer_id\":1}", 422,
         "validation_failed", "employer_id"},
        {"PATCH", fmt("/v1/placements/%lld", placement), "{\"title\":null}", 422,
         "validation_failed", "title"},
        {"PATCH", fmt("/v1/placements/%lld", placement), fmt("{\"title\":\"%0300d\"}", 0), 422,
         "validation_failed", "title"},
        {"PATCH", "/v1/placements/abc", "{}", 404, "not_found", NULL},
        {"PATCH", "/v1/placements/999999", "{}", 404, "not_found", NULL},
        {"POST", "/v1/seekers", seeker_body(99, "2522", "solder"), 422, "validation_failed",
         "portal_id"},
        {"POST", "/v1/seekers", seeker_body(1, "2522", "missing"), 422, "validation_failed",
         "skills[0].uri"},
        {"PATCH", fmt("/v1/seekers/%lld", seeker),
         "{\"available_from\":\"2027-05-01\",\"available_until\":\"2027-04-01\"}", 422,
         "validation_failed", "available_until"},
        {"PATCH", fmt("/v1/seekers/%lld", seeker), "{\"consent\":{\"purpose\":\"x\"}}", 422,
         "validation_failed", "consent.text_version"},
        {"PATCH", fmt("/v1/seekers/%lld", seeker), "{\"status\":\"gone\"}", 422,
         "validation_failed", "status"},
        {"PATCH", fmt("/v1/seekers/%lld", seeker), "{\"max_travel_km\":\"ver\"}", 422,
         "validation_failed", "max_travel_km"},
        {"GET", "/v1/placements?limit=0", NULL, 422, "validation_failed", "limit"},
        {"GET", "/v1/placements?limit=501", NULL, 422, "validation_failed", "limit"},
        {"GET", "/v1/placements?cursor=xyz", NULL, 422, "validation_failed", "cursor"},
        {"GET", "/v1/placements?status=gone", NULL, 422, "validation_failed", "status"},
        {"GET", "/v1/placements?near_postcode=2516", NULL, 422, "validation_failed", "within_km"},
        {"GET", "/v1/placements?within_km=5", NULL, 422, "validation_failed", "near_postcode"},
        {"GET", "/v1/placements?starts_from=tomorrow", NULL, 422, "validation_failed",
         "starts_from"},
        {"GET", "/v1/seekers?postcode_area=25%25", NULL, 422, "validation_failed", "postcode_area"},
        {"GET", "/v1/employers?verified=yes", NULL, 422, "validation_failed", "verified"},
        {"PUT", fmt("/v1/employers/%lld/verified", employer), "{\"verified\":\"yes\"}", 422,
         "validation_failed", "verified"},
    };
    char before[64], after[64];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fingerprint(before, sizeof before);
        struct http_response r = call(cases[i].method, cases[i].path, cases[i].body, NULL);
        ck_assert_msg(r.status == cases[i].status, "%s %s %s: %ld %s", cases[i].method,
                      cases[i].path, cases[i].body, r.status, r.body);
        if (cases[i].code) {
            ck_assert_str_eq(http_error_code(&r), cases[i].code);
            json_t *detail =
                json_array_get(json_object_get(json_object_get(r.json, "error"), "details"), 0);
            if (cases[i].field)
                ck_assert_msg(strcmp(json_string_value(json_object_get(detail, "field")),
                                     cases[i].field) == 0,
                              "%s %s: details %s", cases[i].method, cases[i].path, r.body);
            fingerprint(after, sizeof after);
            ck_assert_msg(strcmp(before, after) == 0, "%s %s changed the database", cases[i].method,
                          cases[i].path);
        } else {
            http_response_free(&r);
            r = call("PATCH", cases[i].path, "{\"title\":\"Leidingwerk\"}", NULL);
            ck_assert_int_eq(r.status, 200);
        }
        http_response_free(&r);
    }
}
END_TEST

int main(void)
{
    if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        return 2;
    harness_db_create(&db);
    const char *const extra[] = {"--migrate", NULL};
    int status = 0;
    if (!harness_server_start(&server, db.url, extra, &status)) {
        fprintf(stderr, "bpa-server exited at start (status %d), log %s\n", status,
                server.log_path);
        harness_db_destroy(&db);
        return 2;
    }
    if (harness_db_sql_file(&db, "tests/integration/fixtures/reference.sql") != 0)
        return 2;
    char *token = harness_login_new_account(&server, db.url, "coordinator@example.org", NULL);
    harness_bearer(token, coordinator, sizeof coordinator);
    free(token);

    Suite *s = suite_create("resources");
    TCase *tc = tcase_create("api");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, employer_life);
    tcase_add_test(tc, placement_life);
    tcase_add_test(tc, placement_filters);
    tcase_add_test(tc, seeker_life_and_filters);
    tcase_add_test(tc, pages_walk_every_item_once);
    tcase_add_test(tc, if_match_prevents_lost_updates);
    tcase_add_test(tc, idempotency_key_replays_the_first_response);
    tcase_add_test(tc, reference_lookups);
    tcase_add_test(tc, racing_retries_create_once);
    tcase_add_test(tc, racing_updates_with_one_etag_let_one_win);
    tcase_add_test(tc, invalid_input_is_refused_and_changes_nothing);
    suite_add_tcase(s, tc);
    int failed = harness_run_suite(s);
    if (!harness_server_stop_cleanly(&server))
        failed++;
    harness_db_destroy(&db);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
