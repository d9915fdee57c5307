/* Coordinators manage accounts, partner portals and portal keys through the
 * API: lists and filters, disabling an account (its sessions end at once,
 * on every daemon), moving an employer user, portals made with a first key
 * that works at once, keys issued and revoked, inactive portals, replays
 * with Idempotency-Key, 403 for every other role, the audit trail, and the
 * operator's command line working on the same rows. */
#include "api_checks.h"
#include "harness.h"

#include <check.h>
#include <curl/curl.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static struct harness_db db;
static struct harness_server first, second;
static char *coordinator, *employer_user, *portal_key;
static long long coordinator_id, employer_a, employer_b, portal_id;

/* --- calling the daemons --- */

static struct http_response call(const char *token, const char *method, const char *path,
                                 const char *body)
{
    return http_call_as(&first, token, method, path, body);
}

static long status_on(const struct harness_server *server, const char *token, const char *method,
                      const char *path, const char *body)
{
    struct http_response r = http_call_as(server, token, method, path, body);
    long status = r.status;
    http_response_free(&r);
    return status;
}

static long status_of(const char *token, const char *method, const char *path, const char *body)
{
    return status_on(&first, token, method, path, body);
}

static struct http_response call_with_key(const char *token, const char *method, const char *path,
                                          const char *body, const char *key)
{
    return api_call_with_key(&first, token, method, path, body, key);
}

static long long integer_of(const json_t *object, const char *member)
{
    return json_integer_value(json_object_get(object, member));
}

static const char *text_of(const json_t *object, const char *member)
{
    return json_string_value(json_object_get(object, member));
}

static const json_t *error_details(const struct http_response *r)
{
    return json_object_get(json_object_get(r->json, "error"), "details");
}

static void expect_error(struct http_response *r, long status, const char *code)
{
    ck_assert_msg(r->status == status, "expected %ld, got %ld: %s", status, r->status, r->body);
    ck_assert_str_eq(http_error_code(r), code);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Waits until `server` answers GET `path` by the holder of `token` with
 * `status`: a change is announced to every daemon at its commit, so this
 * should take milliseconds. Fails after 5 s. */
static void answers_soon(const struct harness_server *server, const char *token, const char *path,
                         long status)
{
    double start = now_s();
    long last;
    while ((last = status_on(server, token, "GET", path, NULL)) != status) {
        ck_assert_msg(now_s() - start < 5, "%s: still %ld after 5 s", path, last);
        usleep(2000);
    }
}

/* Setting up failed: stop what was started, and leave nothing behind. */
static void give_up(const char *what, const char *detail)
{
    fprintf(stderr, "accounts_test: %s failed: %s\n", what, detail ? detail : "");
    harness_server_stop(&first, SIGTERM);
    harness_server_stop(&second, SIGTERM);
    harness_db_destroy(&db);
    exit(2);
}

static long long new_employer(void)
{
    static int n;
    n++;
    struct http_response r = call(
        coordinator, "POST", "/v1/employers",
        fmt("{\"kvk_number\":\"5%07d\",\"name\":\"Accounts %d\",\"postcode\":\"2516\"}", n, n));
    if (r.status != 201) /* before the tests run: no ck_assert */
        give_up("creating an employer", r.body);
    long long id = integer_of(r.json, "id");
    http_response_free(&r);
    return id;
}

/* The id of the account with `email`, from the database. */
static long long account_id(const char *email)
{
    char id[24];
    ck_assert(harness_db_value(&db, fmt("SELECT id FROM accounts WHERE email = '%s'", email), id,
                               sizeof id));
    return atoll(id);
}

static struct http_response login(const char *email)
{
    const char *headers[] = {"Content-Type: application/json", NULL};
    struct http_response r;
    http_call(&first, "POST", "/v1/auth/login", headers,
              fmt("{\"email\":\"%s\",\"password\":\"a password of some length\"}", email), &r);
    return r;
}

/* A page's items' ids, as "1,2,3". */
static const char *ids_of(const json_t *page)
{
    static char text[2048];
    text[0] = '\0';
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(page, "items"), i, item)
    {
        snprintf(text + strlen(text), sizeof text - strlen(text), "%s%lld", i ? "," : "",
                 integer_of(item, "id"));
    }
    return text;
}

/* A new portal through the API: its answer (the caller frees it). */
static struct http_response new_portal(const char *name)
{
    struct http_response r =
        call(coordinator, "POST", "/v1/portals",
             fmt("{\"name\":\"%s\",\"contact_email\":\"it@portal.example\"}", name));
    ck_assert_msg(r.status == 201, "creating portal %s: %ld %s", name, r.status, r.body);
    return r;
}

/* --- accounts --- */

START_TEST(accounts_are_listed_filtered_and_shown)
{
    /* one of each status: an unconfirmed one (as sign-up makes) and a disabled one */
    ck_assert_int_eq(
        harness_db_sql(&db, "INSERT INTO accounts (email, password_hash, role, employer_id)"
                            " SELECT 'unconfirmed@example.org', '$argon2id$x', 'employer', id"
                            " FROM employers ORDER BY id LIMIT 1;"
                            "INSERT INTO accounts (email, password_hash, role, disabled,"
                            " email_confirmed_at) VALUES ('gone@example.org', '$argon2id$x',"
                            " 'coordinator', true, now())"),
        0);
    long long unconfirmed = account_id("unconfirmed@example.org");
    long long gone = account_id("gone@example.org");

    struct http_response r = call(coordinator, "GET", "/v1/accounts", NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_ge(json_array_size(json_object_get(r.json, "items")), 4);
    ck_assert(json_is_null(json_object_get(r.json, "next_cursor")));
    json_t *mine = json_array_get(json_object_get(r.json, "items"), 0);
    ck_assert_int_eq(integer_of(mine, "id"), coordinator_id);
    static const char *const members[] = {
        "id",       "email",           "name",       "role",         "employer_id", "language",
        "disabled", "email_confirmed", "created_at", "last_login_at"};
    ck_assert_uint_eq(json_object_size(mine), sizeof members / sizeof members[0]);
    for (size_t i = 0; i < sizeof members / sizeof members[0]; i++)
        ck_assert_msg(json_object_get(mine, members[i]), "no %s", members[i]);
    ck_assert_str_eq(text_of(mine, "role"), "coordinator");
    ck_assert(json_is_null(json_object_get(mine, "employer_id")));
    ck_assert_str_eq(text_of(mine, "language"), "nl");
    ck_assert(json_is_true(json_object_get(mine, "email_confirmed"))); /* the operator made it */
    ck_assert(json_is_false(json_object_get(mine, "disabled")));
    ck_assert(json_is_string(json_object_get(mine, "last_login_at")));
    ck_assert_ptr_null(strstr(r.body, "argon2"));
    http_response_free(&r);

    r = call(coordinator, "GET", "/v1/accounts?role=employer", NULL);
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(r.json, "items"), i, item)
    {
        ck_assert_str_eq(text_of(item, "role"), "employer");
    }
    ck_assert_uint_ge(i, 2);
    http_response_free(&r);

    r = call(coordinator, "GET", "/v1/accounts?status=unconfirmed", NULL);
    ck_assert_str_eq(ids_of(r.json), fmt("%lld", unconfirmed));
    http_response_free(&r);
    r = call(coordinator, "GET", "/v1/accounts?status=disabled&role=coordinator", NULL);
    ck_assert_str_eq(ids_of(r.json), fmt("%lld", gone));
    http_response_free(&r);
    r = call(coordinator, "GET", "/v1/accounts?status=active", NULL);
    ck_assert_ptr_null(strstr(fmt(",%s,", ids_of(r.json)), fmt(",%lld,", gone)));
    ck_assert_ptr_null(strstr(fmt(",%s,", ids_of(r.json)), fmt(",%lld,", unconfirmed)));
    http_response_free(&r);
    r = call(coordinator, "GET", fmt("/v1/accounts?employer_id=%lld", employer_b), NULL);
    ck_assert_uint_eq(json_array_size(json_object_get(r.json, "items")), 0);
    http_response_free(&r);

    /* pages, one account each */
    r = call(coordinator, "GET", "/v1/accounts?limit=1", NULL);
    ck_assert_uint_eq(json_array_size(json_object_get(r.json, "items")), 1);
    const char *cursor = text_of(r.json, "next_cursor");
    ck_assert_ptr_nonnull(cursor);
    struct http_response next =
        call(coordinator, "GET", fmt("/v1/accounts?limit=1&cursor=%s", cursor), NULL);
    ck_assert_int_eq(next.status, 200);
    ck_assert_int_gt(integer_of(json_array_get(json_object_get(next.json, "items"), 0), "id"),
                     integer_of(json_array_get(json_object_get(r.json, "items"), 0), "id"));
    http_response_free(&next);
    http_response_free(&r);

    /* every problem at once */
    r = call(coordinator, "GET", "/v1/accounts?role=portal&status=gone&employer_id=x&cursor=zz",
             NULL);
    expect_error(&r, 422, "validation_failed");
    ck_assert(api_names_field(&r, "role") && api_names_field(&r, "status") &&
              api_names_field(&r, "employer_id") && api_names_field(&r, "cursor"));
    http_response_free(&r);

    r = call(coordinator, "GET", fmt("/v1/accounts/%lld", unconfirmed), NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(text_of(r.json, "email"), "unconfirmed@example.org");
    ck_assert(json_is_false(json_object_get(r.json, "email_confirmed")));
    ck_assert(json_is_null(json_object_get(r.json, "last_login_at")));
    http_response_free(&r);
    r = call(coordinator, "GET", "/v1/accounts/999999", NULL);
    expect_error(&r, 404, "not_found");
    http_response_free(&r);
}
END_TEST

START_TEST(a_disabled_account_is_refused_at_once_on_every_daemon)
{
    char *token =
        harness_login_new_account(&first, db.url, "leaver@example.org", fmt("%lld", employer_a));
    long long id = account_id("leaver@example.org");
    for (int i = 0; i < 3; i++) { /* both daemons remember it */
        ck_assert_int_eq(status_on(&first, token, "GET", "/v1/auth/me", NULL), 200);
        ck_assert_int_eq(status_on(&second, token, "GET", "/v1/auth/me", NULL), 200);
    }
    struct http_response r =
        call(coordinator, "PUT", fmt("/v1/accounts/%lld/disabled", id), "{\"disabled\":true}");
    ck_assert_int_eq(r.status, 200);
    ck_assert(json_is_true(json_object_get(r.json, "disabled")));
    ck_assert_int_eq(integer_of(r.json, "id"), id);
    http_response_free(&r);
    /* at once on the daemon that disabled it, within moments on the other */
    ck_assert_int_eq(status_on(&first, token, "GET", "/v1/auth/me", NULL), 401);
    answers_soon(&second, token, "/v1/auth/me", 401);
    r = login("leaver@example.org");
    ck_assert_int_eq(r.status, 401);
    http_response_free(&r);
    r = call(coordinator, "GET", "/v1/accounts?status=disabled&role=employer", NULL);
    ck_assert_ptr_nonnull(strstr(fmt(",%s,", ids_of(r.json)), fmt(",%lld,", id)));
    http_response_free(&r);

    /* enabled again: its old sessions stay ended, a new login works */
    r = call(coordinator, "PUT", fmt("/v1/accounts/%lld/disabled", id), "{\"disabled\":false}");
    ck_assert_int_eq(r.status, 200);
    ck_assert(json_is_false(json_object_get(r.json, "disabled")));
    http_response_free(&r);
    ck_assert_int_eq(status_on(&first, token, "GET", "/v1/auth/me", NULL), 401);
    ck_assert_int_eq(status_on(&second, token, "GET", "/v1/auth/me", NULL), 401);
    r = login("leaver@example.org");
    ck_assert_int_eq(r.status, 200);
    http_response_free(&r);

    /* not yourself; bad bodies; unknown accounts */
    r = call(coordinator, "PUT", fmt("/v1/accounts/%lld/disabled", coordinator_id),
             "{\"disabled\":true}");
    expect_error(&r, 409, "invalid_state");
    http_response_free(&r);
    ck_assert_int_eq(status_of(coordinator, "GET", "/v1/auth/me", NULL), 200);
    r = call(coordinator, "PUT", fmt("/v1/accounts/%lld/disabled", id),
             "{\"disabled\":\"yes\",\"why\":1}");
    expect_error(&r, 422, "validation_failed");
    ck_assert(api_names_field(&r, "disabled") && api_names_field(&r, "why"));
    http_response_free(&r);
    r = call(coordinator, "PUT", "/v1/accounts/999999/disabled", "{\"disabled\":true}");
    expect_error(&r, 404, "not_found");
    http_response_free(&r);
    free(token);
}
END_TEST

START_TEST(an_employer_user_moves_to_another_employer)
{
    char *token =
        harness_login_new_account(&first, db.url, "mover@example.org", fmt("%lld", employer_a));
    long long id = account_id("mover@example.org");
    ck_assert_int_eq(status_of(token, "GET", fmt("/v1/employers/%lld", employer_a), NULL), 200);
    ck_assert_int_eq(status_of(token, "GET", fmt("/v1/employers/%lld", employer_b), NULL), 404);

    struct http_response r = call(coordinator, "PUT", fmt("/v1/accounts/%lld/employer", id),
                                  fmt("{\"employer_id\":%lld}", employer_b));
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(integer_of(r.json, "employer_id"), employer_b);
    http_response_free(&r);
    r = call(token, "GET", "/v1/auth/me", NULL);
    ck_assert_int_eq(integer_of(r.json, "employer_id"), employer_b);
    http_response_free(&r);
    ck_assert_int_eq(status_of(token, "GET", fmt("/v1/employers/%lld", employer_a), NULL), 404);
    ck_assert_int_eq(status_of(token, "GET", fmt("/v1/employers/%lld", employer_b), NULL), 200);
    answers_soon(&second, token, fmt("/v1/employers/%lld", employer_a), 404);

    /* an unknown employer; a coordinator belongs to none */
    r = call(coordinator, "PUT", fmt("/v1/accounts/%lld/employer", id), "{\"employer_id\":999999}");
    expect_error(&r, 422, "validation_failed");
    ck_assert(api_names_field(&r, "employer_id"));
    http_response_free(&r);
    r = call(coordinator, "PUT", fmt("/v1/accounts/%lld/employer", id), "{}");
    expect_error(&r, 422, "validation_failed");
    ck_assert(api_names_field(&r, "employer_id"));
    http_response_free(&r);
    r = call(coordinator, "PUT", fmt("/v1/accounts/%lld/employer", coordinator_id),
             fmt("{\"employer_id\":%lld}", employer_a));
    expect_error(&r, 409, "invalid_state");
    http_response_free(&r);
    r = call(coordinator, "GET", fmt("/v1/accounts/%lld", coordinator_id), NULL);
    ck_assert(json_is_null(json_object_get(r.json, "employer_id")));
    http_response_free(&r);
    free(token);
}
END_TEST

/* --- portals and keys --- */

START_TEST(a_portal_is_made_with_a_key_that_works_at_once)
{
    struct http_response r = new_portal("Wijkteam Laak");
    char location[64];
    ck_assert(http_header(&r, "Location", location, sizeof location));
    long long id = integer_of(r.json, "id");
    ck_assert_str_eq(location, fmt("/v1/portals/%lld", id));
    static const char *const members[] = {"id",          "name",       "contact_email",
                                          "active",      "created_at", "rate_limit_per_minute",
                                          "active_keys", "key_id",     "api_key"};
    ck_assert_uint_eq(json_object_size(r.json), sizeof members / sizeof members[0]);
    for (size_t i = 0; i < sizeof members / sizeof members[0]; i++)
        ck_assert_msg(json_object_get(r.json, members[i]), "no %s", members[i]);
    ck_assert_str_eq(text_of(r.json, "name"), "Wijkteam Laak");
    ck_assert_str_eq(text_of(r.json, "contact_email"), "it@portal.example");
    ck_assert(json_is_true(json_object_get(r.json, "active")));
    ck_assert(json_is_null(json_object_get(r.json, "rate_limit_per_minute")));
    ck_assert_int_eq(integer_of(r.json, "active_keys"), 1);
    ck_assert_int_gt(integer_of(r.json, "key_id"), 0);
    char *key = strdup(text_of(r.json, "api_key"));
    ck_assert_int_eq(strncmp(key, "bpa_k_", 6), 0);
    http_response_free(&r);

    /* at once, on both daemons */
    ck_assert_int_eq(status_on(&first, key, "GET", "/v1/seekers", NULL), 200);
    ck_assert_int_eq(status_on(&second, key, "GET", "/v1/seekers", NULL), 200);
    r = call(key, "GET", "/v1/auth/me", NULL);
    ck_assert_int_eq(integer_of(r.json, "portal_id"), id);
    http_response_free(&r);

    /* shown without the key */
    r = call(coordinator, "GET", fmt("/v1/portals/%lld", id), NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(integer_of(r.json, "id"), id);
    ck_assert_ptr_null(json_object_get(r.json, "api_key"));
    ck_assert_ptr_null(strstr(r.body, "bpa_k_"));
    http_response_free(&r);
    r = call(coordinator, "GET", "/v1/portals?limit=500", NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(fmt(",%s,", ids_of(r.json)), fmt(",%lld,", id)));
    ck_assert_ptr_nonnull(strstr(fmt(",%s,", ids_of(r.json)), fmt(",%lld,", portal_id)));
    ck_assert_ptr_null(strstr(r.body, "bpa_k_"));
    http_response_free(&r);
    r = call(coordinator, "GET", "/v1/portals?limit=1", NULL);
    ck_assert_uint_eq(json_array_size(json_object_get(r.json, "items")), 1);
    ck_assert(json_is_string(json_object_get(r.json, "next_cursor")));
    http_response_free(&r);
    r = call(coordinator, "GET", "/v1/portals/999999", NULL);
    expect_error(&r, 404, "not_found");
    http_response_free(&r);

    /* a taken name; every problem at once */
    r = call(coordinator, "POST", "/v1/portals", "{\"name\":\"Wijkteam Laak\"}");
    expect_error(&r, 409, "conflict");
    ck_assert_int_eq(integer_of(json_array_get(error_details(&r), 0), "existing_id"), id);
    http_response_free(&r);
    r = call(coordinator, "POST", "/v1/portals",
             "{\"name\":\"\",\"contact_email\":\"nope\",\"active\":false}");
    expect_error(&r, 422, "validation_failed");
    ck_assert(api_names_field(&r, "name") && api_names_field(&r, "contact_email") &&
              api_names_field(&r, "active"));
    http_response_free(&r);
    r = call(coordinator, "POST", "/v1/portals", NULL);
    expect_error(&r, 422, "validation_failed");
    http_response_free(&r);

    /* renamed, e-mail changed and cleared */
    r = call(coordinator, "PATCH", fmt("/v1/portals/%lld", id),
             "{\"contact_email\":\"ict@laak.example\"}");
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(text_of(r.json, "contact_email"), "ict@laak.example");
    ck_assert_str_eq(text_of(r.json, "name"), "Wijkteam Laak");
    http_response_free(&r);
    r = call(coordinator, "PATCH", fmt("/v1/portals/%lld", id),
             "{\"name\":\"Wijkteam Laak-Noord\",\"contact_email\":null}");
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(text_of(r.json, "name"), "Wijkteam Laak-Noord");
    ck_assert(json_is_null(json_object_get(r.json, "contact_email")));
    http_response_free(&r);
    r = call(coordinator, "PATCH", fmt("/v1/portals/%lld", id),
             "{\"name\":\"Accounts test portal\"}");
    expect_error(&r, 409, "conflict");
    ck_assert_int_eq(integer_of(json_array_get(error_details(&r), 0), "existing_id"), portal_id);
    http_response_free(&r);
    r = call(coordinator, "PATCH", fmt("/v1/portals/%lld", id), "{\"name\":null,\"id\":3}");
    expect_error(&r, 422, "validation_failed");
    ck_assert(api_names_field(&r, "name") && api_names_field(&r, "id"));
    http_response_free(&r);
    r = call(coordinator, "PATCH", "/v1/portals/999999", "{\"name\":\"Nobody\"}");
    expect_error(&r, 404, "not_found");
    http_response_free(&r);
    free(key);
}
END_TEST

START_TEST(keys_are_issued_listed_and_revoked)
{
    struct http_response r = new_portal("Rotating keys");
    long long id = integer_of(r.json, "id");
    long long first_id = integer_of(r.json, "key_id");
    char *first_key = strdup(text_of(r.json, "api_key"));
    http_response_free(&r);

    r = call(coordinator, "POST", fmt("/v1/portals/%lld/keys", id), NULL);
    ck_assert_int_eq(r.status, 201);
    ck_assert_uint_eq(json_object_size(r.json), 3);
    ck_assert_int_eq(integer_of(r.json, "portal_id"), id);
    long long second_id = integer_of(r.json, "key_id");
    char *second_key = strdup(text_of(r.json, "api_key"));
    http_response_free(&r);
    ck_assert_int_eq(status_of(second_key, "GET", "/v1/seekers", NULL), 200);
    ck_assert_int_eq(status_of(first_key, "GET", "/v1/seekers", NULL), 200);
    ck_assert_int_eq(status_on(&second, first_key, "GET", "/v1/seekers", NULL), 200);

    r = call(coordinator, "GET", fmt("/v1/portals/%lld/keys", id), NULL);
    ck_assert_int_eq(r.status, 200);
    json_t *items = json_object_get(r.json, "items");
    ck_assert_uint_eq(json_array_size(items), 2);
    ck_assert_int_eq(integer_of(json_array_get(items, 0), "key_id"), first_id);
    ck_assert_int_eq(integer_of(json_array_get(items, 1), "key_id"), second_id);
    ck_assert_uint_eq(json_object_size(json_array_get(items, 0)), 4);
    ck_assert(json_is_null(json_object_get(json_array_get(items, 0), "revoked_at")));
    ck_assert(json_is_string(json_object_get(json_array_get(items, 0), "last_used_at")));
    ck_assert_ptr_null(strstr(r.body, "bpa_k_"));
    http_response_free(&r);
    r = call(coordinator, "GET", fmt("/v1/portals/%lld", id), NULL);
    ck_assert_int_eq(integer_of(r.json, "active_keys"), 2);
    http_response_free(&r);

    /* the old key stops at once, everywhere; the new one goes on */
    ck_assert_int_eq(
        status_of(coordinator, "DELETE", fmt("/v1/portals/%lld/keys/%lld", id, first_id), NULL),
        204);
    ck_assert_int_eq(status_of(first_key, "GET", "/v1/seekers", NULL), 401);
    answers_soon(&second, first_key, "/v1/seekers", 401);
    ck_assert_int_eq(status_of(second_key, "GET", "/v1/seekers", NULL), 200);
    r = call(coordinator, "DELETE", fmt("/v1/portals/%lld/keys/%lld", id, first_id), NULL);
    expect_error(&r, 409, "invalid_state");
    http_response_free(&r);
    r = call(coordinator, "GET", fmt("/v1/portals/%lld/keys", id), NULL);
    ck_assert(json_is_string(
        json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "revoked_at")));
    http_response_free(&r);
    r = call(coordinator, "GET", fmt("/v1/portals/%lld", id), NULL);
    ck_assert_int_eq(integer_of(r.json, "active_keys"), 1);
    http_response_free(&r);

    /* another portal's key, unknown portals */
    r = call(coordinator, "DELETE", fmt("/v1/portals/%lld/keys/%lld", portal_id, second_id), NULL);
    expect_error(&r, 404, "not_found");
    http_response_free(&r);
    ck_assert_int_eq(status_of(second_key, "GET", "/v1/seekers", NULL), 200);
    r = call(coordinator, "GET", "/v1/portals/999999/keys", NULL);
    expect_error(&r, 404, "not_found");
    http_response_free(&r);
    r = call(coordinator, "POST", "/v1/portals/999999/keys", NULL);
    expect_error(&r, 404, "not_found");
    http_response_free(&r);
    r = call(coordinator, "POST", fmt("/v1/portals/%lld/keys", id), "{\"name\":\"x\"}");
    expect_error(&r, 422, "validation_failed");
    http_response_free(&r);
    free(first_key);
    free(second_key);
}
END_TEST

START_TEST(an_inactive_portals_keys_stop_at_once)
{
    struct http_response r = new_portal("Pausing portal");
    long long id = integer_of(r.json, "id");
    char *key = strdup(text_of(r.json, "api_key"));
    http_response_free(&r);
    ck_assert_int_eq(status_on(&first, key, "GET", "/v1/seekers", NULL), 200);
    ck_assert_int_eq(status_on(&second, key, "GET", "/v1/seekers", NULL), 200);

    r = call(coordinator, "PUT", fmt("/v1/portals/%lld/active", id), "{\"active\":false}");
    ck_assert_int_eq(r.status, 200);
    ck_assert(json_is_false(json_object_get(r.json, "active")));
    ck_assert_int_eq(integer_of(r.json, "active_keys"), 1); /* not revoked: paused */
    http_response_free(&r);
    ck_assert_int_eq(status_on(&first, key, "GET", "/v1/seekers", NULL), 401);
    answers_soon(&second, key, "/v1/seekers", 401);
    /* again: nothing changes, still 200 */
    ck_assert_int_eq(
        status_of(coordinator, "PUT", fmt("/v1/portals/%lld/active", id), "{\"active\":false}"),
        200);

    r = call(coordinator, "PUT", fmt("/v1/portals/%lld/active", id), "{\"active\":true}");
    ck_assert_int_eq(r.status, 200);
    ck_assert(json_is_true(json_object_get(r.json, "active")));
    http_response_free(&r);
    ck_assert_int_eq(status_on(&first, key, "GET", "/v1/seekers", NULL), 200);
    answers_soon(&second, key, "/v1/seekers", 200);

    r = call(coordinator, "PUT", fmt("/v1/portals/%lld/active", id), "{\"active\":1}");
    expect_error(&r, 422, "validation_failed");
    ck_assert(api_names_field(&r, "active"));
    http_response_free(&r);
    r = call(coordinator, "PUT", "/v1/portals/999999/active", "{\"active\":false}");
    expect_error(&r, 404, "not_found");
    http_response_free(&r);
    free(key);
}
END_TEST

START_TEST(a_retry_with_the_same_idempotency_key_gets_the_first_answer)
{
    const char *body = "{\"name\":\"Retried portal\"}";
    struct http_response once = call_with_key(coordinator, "POST", "/v1/portals", body, "p-1");
    ck_assert_int_eq(once.status, 201);
    struct http_response again = call_with_key(coordinator, "POST", "/v1/portals", body, "p-1");
    ck_assert_int_eq(again.status, 201);
    char replayed[8];
    ck_assert(http_header(&again, "Idempotent-Replayed", replayed, sizeof replayed));
    ck_assert(json_equal(once.json, again.json)); /* the key too: the house rule */
    char location[64];
    ck_assert(http_header(&again, "Location", location, sizeof location));
    ck_assert_str_eq(location, fmt("/v1/portals/%lld", integer_of(once.json, "id")));
    long long id = integer_of(once.json, "id");
    char count[8];
    ck_assert(harness_db_value(&db, "SELECT count(*) FROM portals WHERE name = 'Retried portal'",
                               count, sizeof count));
    ck_assert_str_eq(count, "1");
    struct http_response other =
        call_with_key(coordinator, "POST", "/v1/portals", "{\"name\":\"Another portal\"}", "p-1");
    expect_error(&other, 422, "idempotency_key_reused");
    http_response_free(&other);
    /* a refused request keeps nothing: the key is free after a 409 */
    other = call_with_key(coordinator, "POST", "/v1/portals", body, "p-2");
    expect_error(&other, 409, "conflict");
    http_response_free(&other);
    other = call_with_key(coordinator, "POST", "/v1/portals", "{\"name\":\"Second try\"}", "p-2");
    ck_assert_int_eq(other.status, 201);
    http_response_free(&other);
    http_response_free(&once);
    http_response_free(&again);

    const char *keys = fmt("/v1/portals/%lld/keys", id);
    once = call_with_key(coordinator, "POST", keys, NULL, "k-1");
    ck_assert_int_eq(once.status, 201);
    again = call_with_key(coordinator, "POST", keys, NULL, "k-1");
    ck_assert_int_eq(again.status, 201);
    ck_assert(http_header(&again, "Idempotent-Replayed", replayed, sizeof replayed));
    ck_assert(json_equal(once.json, again.json));
    ck_assert_int_eq(status_of(text_of(again.json, "api_key"), "GET", "/v1/seekers", NULL), 200);
    http_response_free(&once);
    http_response_free(&again);
    struct http_response list = call(coordinator, "GET", keys, NULL);
    ck_assert_uint_eq(json_array_size(json_object_get(list.json, "items")), 2);
    http_response_free(&list);
}
END_TEST

/* --- who may --- */

START_TEST(employer_users_and_portals_are_refused)
{
    const char *const routes[][3] = {
        {"GET", "/v1/accounts", NULL},
        {"GET", "/v1/accounts/1", NULL},
        {"PUT", "/v1/accounts/1/disabled", "{\"disabled\":true}"},
        {"PUT", "/v1/accounts/1/employer", "{\"employer_id\":1}"},
        {"GET", "/v1/portals", NULL},
        {"POST", "/v1/portals", "{\"name\":\"Not mine to make\"}"},
        {"GET", "/v1/portals/1", NULL},
        {"PATCH", "/v1/portals/1", "{\"name\":\"Not mine\"}"},
        {"PUT", "/v1/portals/1/active", "{\"active\":false}"},
        {"GET", "/v1/portals/1/keys", NULL},
        {"POST", "/v1/portals/1/keys", NULL},
        {"DELETE", "/v1/portals/1/keys/1", NULL},
    };
    const char *const callers[] = {employer_user, portal_key};
    for (size_t c = 0; c < 2; c++)
        for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
            struct http_response r = call(callers[c], routes[i][0], routes[i][1], routes[i][2]);
            ck_assert_msg(r.status == 403, "%s %s by %s: %ld", routes[i][0], routes[i][1],
                          c ? "a portal" : "an employer user", r.status);
            http_response_free(&r);
            ck_assert_int_eq(status_of(NULL, routes[i][0], routes[i][1], routes[i][2]), 401);
        }
    /* nothing changed */
    ck_assert_int_eq(status_of(portal_key, "GET", "/v1/seekers", NULL), 200);
    char count[8];
    ck_assert(harness_db_value(&db, "SELECT count(*) FROM portals WHERE name LIKE 'Not mine%'",
                               count, sizeof count));
    ck_assert_str_eq(count, "0");
}
END_TEST

/* --- the audit trail and the command line --- */

static bool audited(const char *query, const char *action)
{
    struct http_response r = call(coordinator, "GET", fmt("/v1/audit?%s", query), NULL);
    ck_assert_int_eq(r.status, 200);
    bool found = false;
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(r.json, "items"), i, row)
    {
        if (strcmp(text_of(row, "action"), action) == 0 &&
            strcmp(text_of(row, "principal_kind"), "coordinator") == 0 &&
            integer_of(row, "principal_id") == coordinator_id)
            found = true;
    }
    http_response_free(&r);
    return found;
}

START_TEST(every_change_is_in_the_audit_trail)
{
    struct http_response r = new_portal("Audited portal");
    long long id = integer_of(r.json, "id");
    long long key = integer_of(r.json, "key_id");
    http_response_free(&r);
    ck_assert_int_eq(status_of(coordinator, "PATCH", fmt("/v1/portals/%lld", id),
                               "{\"contact_email\":\"audit@portal.example\"}"),
                     200);
    ck_assert_int_eq(status_of(coordinator, "POST", fmt("/v1/portals/%lld/keys", id), NULL), 201);
    ck_assert_int_eq(
        status_of(coordinator, "DELETE", fmt("/v1/portals/%lld/keys/%lld", id, key), NULL), 204);
    ck_assert_int_eq(
        status_of(coordinator, "PUT", fmt("/v1/portals/%lld/active", id), "{\"active\":false}"),
        200);
    ck_assert_int_eq(
        status_of(coordinator, "PUT", fmt("/v1/portals/%lld/active", id), "{\"active\":true}"),
        200);
    const char *portal = fmt("resource_type=portal&resource_id=%lld&limit=500", id);
    ck_assert(audited(portal, "portal.create"));
    ck_assert(audited(portal, "api_key.create"));
    ck_assert(audited(portal, "portal.update"));
    ck_assert(audited(portal, "portal.disable"));
    ck_assert(audited(portal, "portal.enable"));
    ck_assert(audited(fmt("resource_type=api_key&resource_id=%lld", key), "api_key.revoke"));

    free(harness_login_new_account(&first, db.url, "audited@example.org", fmt("%lld", employer_a)));
    long long account = account_id("audited@example.org");
    ck_assert_int_eq(status_of(coordinator, "PUT", fmt("/v1/accounts/%lld/disabled", account),
                               "{\"disabled\":true}"),
                     200);
    ck_assert_int_eq(status_of(coordinator, "PUT", fmt("/v1/accounts/%lld/disabled", account),
                               "{\"disabled\":false}"),
                     200);
    ck_assert_int_eq(status_of(coordinator, "PUT", fmt("/v1/accounts/%lld/employer", account),
                               fmt("{\"employer_id\":%lld}", employer_b)),
                     200);
    const char *rows = fmt("resource_type=account&resource_id=%lld", account);
    ck_assert(audited(rows, "account.disable"));
    ck_assert(audited(rows, "account.enable"));
    ck_assert(audited(rows, "account.move"));
}
END_TEST

/* What the output of a command printed, as JSON (skipping log lines). */
static json_t *command(const char *const *args, int expected_exit)
{
    char *out;
    int status = harness_run_command(args, &out);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == expected_exit, "%s: %s", args[0],
                  out);
    const char *start = strpbrk(out, "[{");
    while (start && strncmp(start, "{\"time\"", 7) == 0)
        start = strpbrk(strchr(start, '\n'), "[{");
    json_t *printed = start ? json_loads(start, JSON_DISABLE_EOF_CHECK, NULL) : NULL;
    free(out);
    return printed;
}

START_TEST(the_command_line_and_the_api_work_on_the_same_portals)
{
    long long id;
    char *key = harness_new_portal(db.url, "Operator's portal", &id);
    struct http_response r = call(coordinator, "GET", fmt("/v1/portals/%lld", id), NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(text_of(r.json, "name"), "Operator's portal");
    ck_assert_int_eq(integer_of(r.json, "active_keys"), 1);
    http_response_free(&r);
    /* the operator's name is taken for the API, and the API's for the operator */
    r = call(coordinator, "POST", "/v1/portals", "{\"name\":\"Operator's portal\"}");
    expect_error(&r, 409, "conflict");
    http_response_free(&r);
    r = new_portal("Made through the API");
    http_response_free(&r);
    const char *const taken[] = {"create-portal", "Made through the API", "--database-url", db.url,
                                 NULL};
    json_decref(command(taken, 1));

    /* a key the API issued, listed and revoked by the operator */
    r = call(coordinator, "POST", fmt("/v1/portals/%lld/keys", id), NULL);
    long long api_key_id = integer_of(r.json, "key_id");
    char *api_key = strdup(text_of(r.json, "api_key"));
    http_response_free(&r);
    const char *const list[] = {"list-keys", fmt("%lld", id), "--database-url", db.url, NULL};
    json_t *keys = command(list, 0);
    ck_assert_uint_eq(json_array_size(keys), 2);
    ck_assert_int_eq(integer_of(json_array_get(keys, 1), "key_id"), api_key_id);
    json_decref(keys);
    const char *const revoke[] = {"revoke-key", fmt("%lld", api_key_id), "--database-url", db.url,
                                  NULL};
    json_t *done = command(revoke, 0);
    ck_assert_str_eq(text_of(done, "done"), "api_key.revoke");
    json_decref(done);
    json_decref(command(revoke, 1)); /* revoked already */
    answers_soon(&first, api_key, "/v1/seekers", 401);
    r = call(coordinator, "DELETE", fmt("/v1/portals/%lld/keys/%lld", id, api_key_id), NULL);
    expect_error(&r, 409, "invalid_state");
    http_response_free(&r);

    /* disabled by the operator, enabled again through the API */
    const char *const disable[] = {"disable-portal", fmt("%lld", id), "--database-url", db.url,
                                   NULL};
    json_decref(command(disable, 0));
    answers_soon(&first, key, "/v1/seekers", 401);
    r = call(coordinator, "GET", fmt("/v1/portals/%lld", id), NULL);
    ck_assert(json_is_false(json_object_get(r.json, "active")));
    http_response_free(&r);
    ck_assert_int_eq(
        status_of(coordinator, "PUT", fmt("/v1/portals/%lld/active", id), "{\"active\":true}"),
        200);
    ck_assert_int_eq(status_of(key, "GET", "/v1/seekers", NULL), 200);
    ck_assert(audited(fmt("resource_type=portal&resource_id=%lld", id), "portal.enable"));
    free(api_key);
    free(key);
}
END_TEST

int main(void)
{
    if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        return 2;
    harness_db_create(&db);
    const char *const migrate[] = {
        "--migrate", "--password-opslimit", "1", "--password-memlimit-kib", "8192", NULL};
    const char *const plain[] = {"--password-opslimit", "1", "--password-memlimit-kib", "8192",
                                 NULL};
    int status = 0;
    if (!harness_server_start(&first, db.url, migrate, &status) ||
        !harness_server_start(&second, db.url, plain, &status))
        give_up("starting bpa-server", fmt("it exited with status %d", status));
    if (harness_db_sql_file(&db, "tests/integration/fixtures/reference.sql") != 0)
        give_up("loading the reference data", NULL);
    coordinator = harness_login_new_account(&first, db.url, "coordinator@example.org", NULL);
    char id[24];
    if (!harness_db_value(&db, "SELECT id FROM accounts WHERE email = 'coordinator@example.org'",
                          id, sizeof id))
        give_up("finding the coordinator's account", NULL);
    coordinator_id = atoll(id);
    employer_a = new_employer();
    employer_b = new_employer();
    employer_user =
        harness_login_new_account(&first, db.url, "employer@example.org", fmt("%lld", employer_a));
    portal_key = harness_new_portal(db.url, "Accounts test portal", &portal_id);

    Suite *s = suite_create("accounts");
    TCase *tc = tcase_create("coordinators");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, accounts_are_listed_filtered_and_shown);
    tcase_add_test(tc, a_disabled_account_is_refused_at_once_on_every_daemon);
    tcase_add_test(tc, an_employer_user_moves_to_another_employer);
    tcase_add_test(tc, a_portal_is_made_with_a_key_that_works_at_once);
    tcase_add_test(tc, keys_are_issued_listed_and_revoked);
    tcase_add_test(tc, an_inactive_portals_keys_stop_at_once);
    tcase_add_test(tc, a_retry_with_the_same_idempotency_key_gets_the_first_answer);
    tcase_add_test(tc, employer_users_and_portals_are_refused);
    tcase_add_test(tc, every_change_is_in_the_audit_trail);
    tcase_add_test(tc, the_command_line_and_the_api_work_on_the_same_portals);
    suite_add_tcase(s, tc);
    int failed = harness_run_suite(s);

    if (!harness_server_stop_cleanly(&first) || !harness_server_stop_cleanly(&second))
        failed++;
    free(coordinator);
    free(employer_user);
    free(portal_key);
    harness_db_destroy(&db);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
