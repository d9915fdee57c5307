/* Onboarding through HTTP, with the daemon's e-mail caught by an SMTP sink:
 * signing up (and confirming, and the coordinator's verification before a
 * placement can open), the same answer for known addresses and KvK
 * numbers, invitations by coordinators and by employer users, forgotten
 * and changed passwords, one's own sessions, one-time links refused when
 * tampered with, expired or used, throttling, and where the links point.
 *
 * Every test speaks as a client address of its own (the daemons trust
 * X-Forwarded-For from 127.0.0.1), so that the per-address throttling of
 * one test never meets another's. */
#include "api_checks.h"
#include "harness.h"
#include "smtp_sink.h"

#include <check.h>
#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PASSWORD     "a long passphrase of mine"
#define NEW_PASSWORD "another passphrase, longer"
#define CLI_PASSWORD "a password of some length" /* harness_login_new_account's */
#define COMMON       "123qweasdzxc"              /* in server/data/common-passwords.txt */
#define WERK_KVK     "55555555"
#define PUBLIC_SITE  "https://bpa.example"

static struct harness_db db;
static struct harness_server server;      /* links at its own address */
static struct harness_server public_site; /* --public-origin PUBLIC_SITE */
static struct smtp_sink sink;
static char *coordinator, *werk_user, *other_user;
static long long coordinator_id, werk_user_id, werkplaats, other_employer;

/* --- calling --- */

static char client_address[32]; /* X-Forwarded-For: this test's client */

/* One request to `to` as `token` (none when NULL), with `extra` headers
 * (NULL-terminated, or NULL). */
static struct http_response send_to(const struct harness_server *to, const char *token,
                                    const char *method, const char *path, const char *body,
                                    const char *const *extra)
{
    const char *headers[16];
    size_t n = 0;
    char bearer[160], forwarded[64];
    if (body)
        headers[n++] = "Content-Type: application/json";
    if (token)
        headers[n++] = harness_bearer(token, bearer, sizeof bearer);
    if (client_address[0]) {
        snprintf(forwarded, sizeof forwarded, "X-Forwarded-For: %s", client_address);
        headers[n++] = forwarded;
    }
    for (size_t i = 0; extra && extra[i] && n < 15; i++)
        headers[n++] = extra[i];
    headers[n] = NULL;
    api_note_call(method, path);
    struct http_response r;
    http_call(to, method, path, headers, body, &r);
    return r;
}

static struct http_response call(const char *token, const char *method, const char *path,
                                 const char *body)
{
    return send_to(&server, token, method, path, body, NULL);
}

/* Calls and checks the status (and error code), then frees the answer. */
#define EXPECT_CALL(token, method, path, body, status_, code_)                                     \
    API_EXPECT_ANSWER(call((token), (method), (path), (body)), (status_), (code_))

/* --- fresh names --- */

static int serial;

/* A client address no other test uses: this process's and a count. */
static void new_client(void)
{
    int pid = (int)getpid();
    snprintf(client_address, sizeof client_address, "10.%d.%d.%d", (pid >> 8) & 255, pid & 255,
             ++serial % 250 + 1);
}

static const char *unique_email(const char *who)
{
    return fmt("%s-%d-%d@onboarding.example", who, (int)getpid(), ++serial);
}

static const char *unique_kvk(void)
{
    return fmt("2%07d", (int)(getpid() % 100000) * 100 + ++serial % 100);
}

/* --- the database --- */

static long long db_number(const char *sql)
{
    char out[64];
    ck_assert_msg(harness_db_value(&db, sql, out, sizeof out), "no single value: %s", sql);
    return atoll(out);
}

static const char *db_text(const char *sql)
{
    char *out = fmt("%s", "");
    ck_assert_msg(harness_db_value(&db, sql, out, 2048), "no single value: %s", sql);
    return out;
}

/* bytea literal of the BLAKE2b-256 of `token`: how it is stored. */
static const char *token_hash(const char *token)
{
    unsigned char digest[32];
    char hex[65];
    crypto_generichash(digest, sizeof digest, (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return fmt("'\\x%s'::bytea", hex);
}

static long long employer_with_kvk(const char *kvk)
{
    return db_number(
        fmt("SELECT COALESCE(max(id), 0) FROM employers WHERE kvk_number = '%s'", kvk));
}

static long long account_with_email(const char *email)
{
    return db_number(
        fmt("SELECT COALESCE(max(id), 0) FROM accounts WHERE lower(email) = lower('%s')", email));
}

/* Waits until every e-mail to `address` is delivered: true when it came to
 * that within 15 s. */
static bool delivered(const char *address)
{
    for (int tries = 0; tries < 300; tries++) {
        if (db_number(fmt("SELECT count(*) FROM notifications WHERE channel = 'email'"
                          " AND lower(address) = lower('%s') AND status <> 'delivered'",
                          address)) == 0)
            return true;
        usleep(50000);
    }
    return false;
}

/* No outbox row and no token row holds `token` as it was sent. */
static void expect_token_nowhere_stored(const char *token)
{
    ck_assert_int_eq(db_number(fmt("SELECT count(*) FROM notifications n"
                                   " WHERE position('%s' IN n::text) > 0",
                                   token)),
                     0);
    ck_assert_int_eq(db_number(fmt("SELECT count(*) FROM one_time_tokens t"
                                   " WHERE position('%s' IN t::text) > 0",
                                   token)),
                     0);
}

/* --- mail --- */

/* The token of the (skip + 1)-th e-mail to `address` with a link to the
 * console's `route` at `origin` (malloc'd), waiting up to 15 s. */
static char *token_in_mail_from(const char *origin, const char *address, const char *route,
                                size_t skip)
{
    const char *prefix = fmt("%s/#/%s/", origin, route);
    char *text = smtp_sink_wait_next(&sink, address, prefix, skip, 15);
    ck_assert_msg(text != NULL, "no e-mail with a link %s... came to %s", prefix, address);
    char *link = smtp_sink_link(text, prefix);
    free(text);
    ck_assert_ptr_nonnull(link);
    char *token = strdup(link + strlen(prefix));
    free(link);
    ck_assert_msg(strncmp(token, "bpa_t_", 6) == 0 && strlen(token) == 6 + 43,
                  "not a one-time token: %s", token);
    return token;
}

static char *token_in_mail(const char *address, const char *route, size_t skip)
{
    return token_in_mail_from(server.base_url, address, route, skip);
}

/* The token with one of its characters changed. */
static const char *tampered(const char *token)
{
    char *changed = fmt("%s", token);
    changed[20] = changed[20] == 'A' ? 'B' : 'A';
    return changed;
}

/* --- sign-up --- */

static const char *signup_body(const char *organisation, const char *kvk, const char *email,
                               const char *language, const char *password)
{
    return fmt("{\"organisation\":{\"name\":\"%s\",\"kvk_number\":\"%s\",\"postcode\":\"2516 AB\","
               "\"address\":\"Binckhorstlaan 36\",\"sector\":\"Bakkerij\"},"
               "\"contact\":{\"name\":\"Sanne de Vries\",\"email\":\"%s\",\"phone\":"
               "\"+31 70 123 4567\",\"language\":\"%s\"},\"password\":\"%s\"}",
               organisation, kvk, email, language, password);
}

/* Signs up and checks the answer every sign-up gets: its body (malloc'd). */
static char *sign_up_at(const struct harness_server *to, const char *kvk, const char *email,
                        const char *language)
{
    struct http_response r =
        send_to(to, NULL, "POST", "/v1/signup",
                signup_body(fmt("Bakkerij %s", kvk), kvk, email, language, PASSWORD), NULL);
    API_EXPECT(r, 202, NULL);
    ck_assert_str_eq(api_text(r.json, "status"), "confirmation_sent");
    ck_assert_uint_eq(json_object_size(r.json), 1);
    char *body = strdup(r.body);
    http_response_free(&r);
    return body;
}

static void sign_up(const char *kvk, const char *email, const char *language)
{
    free(sign_up_at(&server, kvk, email, language));
}

static const char *login_body(const char *email, const char *password)
{
    return fmt("{\"email\":\"%s\",\"password\":\"%s\"}", email, password);
}

/* Logs in (expecting 200): the session token (malloc'd). */
static char *log_in(const char *email, const char *password, const char *const *extra)
{
    struct http_response r =
        send_to(&server, NULL, "POST", "/v1/auth/login", login_body(email, password), extra);
    API_EXPECT(r, 200, NULL);
    char *token = strdup(api_text(r.json, "token"));
    http_response_free(&r);
    return token;
}

static long me_status(const char *token)
{
    struct http_response r = call(token, "GET", "/v1/auth/me", NULL);
    long status = r.status;
    http_response_free(&r);
    return status;
}

/* The coordinators' feed item of `type` about `employer` (a new
 * reference), or NULL. */
static json_t *feed_item(const char *type, long long employer)
{
    struct http_response r = call(coordinator, "GET", "/v1/notifications?limit=200", NULL);
    API_EXPECT(r, 200, NULL);
    json_t *found = NULL;
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(r.json, "items"), i, item)
    {
        if (!found && !strcmp(api_text(item, "type"), type) &&
            api_number(json_object_get(item, "payload"), "employer_id") == employer)
            found = json_deep_copy(item);
    }
    http_response_free(&r);
    return found;
}

static size_t audited(const char *action)
{
    struct http_response r =
        call(coordinator, "GET", fmt("/v1/audit?action=%s&limit=200", action), NULL);
    API_EXPECT(r, 200, NULL);
    size_t count = json_array_size(json_object_get(r.json, "items"));
    http_response_free(&r);
    return count;
}

static const char *token_body(const char *token)
{
    return fmt("{\"token\":\"%s\"}", token);
}

static const char *token_password_body(const char *token, const char *password)
{
    return fmt("{\"token\":\"%s\",\"password\":\"%s\"}", token, password);
}

static const char *placement_body(long long employer)
{
    return fmt("{\"employer_id\":%lld,\"title\":\"Bakken\",\"postcode\":\"2516\",\"schedule\":"
               "[{\"day\":\"tue\",\"from\":\"09:00\",\"to\":\"17:00\"}],\"hours_per_week\":8,"
               "\"start_date\":\"2027-03-01\",\"end_date\":\"2027-05-01\",\"capacity\":1}",
               employer);
}

START_TEST(signing_up_confirming_and_verification_lead_to_an_open_placement)
{
    new_client();
    const char *email = unique_email("sanne"), *kvk = unique_kvk();
    sign_up(kvk, email, "en");

    /* an unverified employer and an unconfirmed account of it */
    long long employer = employer_with_kvk(kvk), account = account_with_email(email);
    ck_assert_int_gt(employer, 0);
    ck_assert_int_gt(account, 0);
    ck_assert_str_eq(db_text(fmt("SELECT concat_ws('|', role, employer_id, name, language,"
                                 " email_confirmed_at IS NULL) FROM accounts WHERE id = %lld",
                                 account)),
                     fmt("employer|%lld|Sanne de Vries|en|t", employer));
    struct http_response r = call(coordinator, "GET", fmt("/v1/employers/%lld", employer), NULL);
    API_EXPECT(r, 200, NULL);
    ck_assert(json_is_false(json_object_get(r.json, "verified")));
    ck_assert_str_eq(api_text(r.json, "name"), fmt("Bakkerij %s", kvk));
    ck_assert_str_eq(api_text(r.json, "sector"), "Bakkerij");
    json_t *contact = json_array_get(json_object_get(r.json, "contacts"), 0);
    ck_assert_str_eq(api_text(contact, "email"), email);
    ck_assert_str_eq(api_text(contact, "name"), "Sanne de Vries");
    http_response_free(&r);

    /* the link, in English, stored hashed, valid for a day */
    char *token = token_in_mail(email, "confirm", 0);
    ck_assert_str_eq(db_text(fmt("SELECT language FROM notifications WHERE channel = 'email'"
                                 " AND event_type = 'email_confirmation' AND address = '%s'",
                                 email)),
                     "en");
    ck_assert_int_eq(db_number(fmt("SELECT count(*) FROM one_time_tokens WHERE token_hash = %s"
                                   " AND purpose = 'confirm_email' AND account_id = %lld"
                                   " AND used_at IS NULL",
                                   token_hash(token), account)),
                     1);
    ck_assert_int_eq(db_number(fmt("SELECT round(extract(epoch FROM expires_at - created_at)"
                                   " / 3600) FROM one_time_tokens WHERE token_hash = %s",
                                   token_hash(token))),
                     24);
    ck_assert_msg(delivered(email), "the confirmation e-mail is not marked delivered");
    expect_token_nowhere_stored(token);
    /* a Dutch sign-up's e-mail is another text */
    const char *dutch = unique_email("dutch");
    sign_up(unique_kvk(), dutch, "nl");
    char *english_mail = smtp_sink_wait(&sink, email, "/#/confirm/", 1);
    char *dutch_mail = smtp_sink_wait(&sink, dutch, "/#/confirm/", 15);
    ck_assert_ptr_nonnull(english_mail);
    ck_assert_ptr_nonnull(dutch_mail);
    char english_subject[200], dutch_subject[200];
    ck_assert(smtp_sink_header(english_mail, "Subject", english_subject, sizeof english_subject));
    ck_assert(smtp_sink_header(dutch_mail, "Subject", dutch_subject, sizeof dutch_subject));
    ck_assert_str_ne(english_subject, dutch_subject);
    free(english_mail);
    free(dutch_mail);

    /* the coordinators hear of it */
    json_t *item = feed_item("signup_received", employer);
    ck_assert_msg(item != NULL, "no signup_received item for employer %lld", employer);
    json_t *payload = json_object_get(item, "payload");
    ck_assert_int_eq(api_number(payload, "account_id"), account);
    ck_assert_str_eq(api_text(payload, "type"), "signup_received");
    ck_assert_ptr_nonnull(json_string_value(json_object_get(payload, "event_id")));
    ck_assert_ptr_nonnull(json_string_value(json_object_get(payload, "occurred_at")));
    json_decref(item);
    ck_assert_uint_ge(audited("signup.create"), 1);

    /* no login before confirming; a wrong password reveals nothing */
    r = call(NULL, "POST", "/v1/auth/login", login_body(email, PASSWORD));
    API_EXPECT(r, 403, "email_not_confirmed");
    http_response_free(&r);
    r = call(NULL, "POST", "/v1/auth/login", login_body(email, "not my passphrase at all"));
    API_EXPECT(r, 401, "invalid_credentials");
    http_response_free(&r);

    r = call(NULL, "POST", "/v1/signup/confirm", token_body(token));
    API_EXPECT(r, 200, NULL);
    ck_assert_str_eq(api_text(r.json, "status"), "confirmed");
    ck_assert_str_eq(api_text(r.json, "email"), email);
    http_response_free(&r);
    ck_assert_int_eq(db_number(fmt("SELECT count(*) FROM one_time_tokens WHERE token_hash = %s"
                                   " AND used_at IS NOT NULL",
                                   token_hash(token))),
                     1);
    ck_assert_uint_ge(audited("signup.confirm"), 1);
    EXPECT_CALL(NULL, "POST", "/v1/signup/confirm", token_body(token), 410, "token_invalid");

    char *session = log_in(email, PASSWORD, NULL);
    r = call(session, "GET", "/v1/auth/me", NULL);
    API_EXPECT(r, 200, NULL);
    ck_assert_str_eq(api_text(r.json, "role"), "employer");
    ck_assert_int_eq(api_number(r.json, "employer_id"), employer);
    ck_assert_str_eq(api_text(r.json, "email"), email);
    ck_assert_str_eq(api_text(r.json, "name"), "Sanne de Vries");
    ck_assert_str_eq(api_text(r.json, "language"), "en");
    http_response_free(&r);

    /* a placement waits for the coordinator's verification */
    r = call(session, "POST", "/v1/placements", placement_body(employer));
    API_EXPECT(r, 201, NULL);
    long long placement = api_number(r.json, "id");
    http_response_free(&r);
    const char *open = fmt("/v1/placements/%lld/open", placement);
    EXPECT_CALL(session, "POST", open, NULL, 409, "employer_not_verified");
    EXPECT_CALL(coordinator, "PUT", fmt("/v1/employers/%lld/verified", employer),
                "{\"verified\":true}", 200, NULL);
    r = call(session, "POST", open, NULL);
    API_EXPECT(r, 200, NULL);
    ck_assert_str_eq(api_text(r.json, "status"), "open");
    http_response_free(&r);
    free(session);
    free(token);
}
END_TEST

START_TEST(a_known_address_gets_the_same_answer_and_nothing_is_created)
{
    new_client();
    char *fresh = sign_up_at(&server, unique_kvk(), unique_email("fresh"), "nl");
    long long accounts = db_number("SELECT count(*) FROM accounts");
    long long employers = db_number("SELECT count(*) FROM employers");

    /* an account's address (an employer user's, any case) */
    const char *kvk = unique_kvk();
    char *known = sign_up_at(&server, kvk, "Werk@Werkplaats.example", "nl");
    ck_assert_str_eq(known, fresh);
    ck_assert_int_eq(employer_with_kvk(kvk), 0);
    ck_assert_int_eq(db_number("SELECT count(*) FROM accounts"), accounts);
    ck_assert_int_eq(db_number("SELECT count(*) FROM employers"), employers);
    char *mail = smtp_sink_wait(&sink, "werk@werkplaats.example", NULL, 15);
    ck_assert_msg(mail != NULL, "no e-mail came to the known address");
    ck_assert_ptr_null(strstr(mail, "/#/confirm/"));
    free(mail);
    ck_assert_int_eq(db_number("SELECT count(*) FROM notifications WHERE channel = 'email'"
                               " AND event_type = 'signup_duplicate'"
                               " AND lower(address) = 'werk@werkplaats.example'"),
                     1);

    /* an unconfirmed sign-up's address, signed up again */
    const char *email = unique_email("twice");
    sign_up(unique_kvk(), email, "en");
    accounts = db_number("SELECT count(*) FROM accounts");
    employers = db_number("SELECT count(*) FROM employers");
    kvk = unique_kvk();
    char *again = sign_up_at(&server, kvk, email, "en");
    ck_assert_str_eq(again, fresh);
    ck_assert_int_eq(employer_with_kvk(kvk), 0);
    ck_assert_int_eq(db_number("SELECT count(*) FROM accounts"), accounts);
    ck_assert_int_eq(db_number("SELECT count(*) FROM employers"), employers);
    ck_assert_int_eq(db_number(fmt("SELECT count(*) FROM notifications WHERE channel = 'email'"
                                   " AND event_type = 'signup_duplicate' AND address = '%s'",
                                   email)),
                     1);
    ck_assert_int_eq(db_number(fmt("SELECT count(*) FROM notifications WHERE channel = 'email'"
                                   " AND event_type = 'email_confirmation' AND address = '%s'",
                                   email)),
                     1);
    ck_assert_msg(delivered(email), "the e-mails are not delivered");
    ck_assert_uint_eq(smtp_sink_count(&sink, email, NULL), 2);
    ck_assert_uint_eq(smtp_sink_count(&sink, email, "/#/confirm/"), 1);
    free(fresh);
    free(known);
    free(again);
}
END_TEST

START_TEST(a_known_kvk_number_tells_the_organisation_and_the_coordinators)
{
    new_client();
    char *fresh = sign_up_at(&server, unique_kvk(), unique_email("fresh"), "nl");
    const char *email = unique_email("colleague");
    long long accounts = db_number("SELECT count(*) FROM accounts");
    char *known = sign_up_at(&server, WERK_KVK, email, "en");
    ck_assert_str_eq(known, fresh);
    ck_assert_int_eq(account_with_email(email), 0);
    ck_assert_int_eq(db_number("SELECT count(*) FROM accounts"), accounts);
    ck_assert_int_eq(db_number("SELECT count(*) FROM employers WHERE kvk_number = '" WERK_KVK "'"),
                     1);

    /* both contacts, each in their language, are told who tried */
    const char *contacts[][2] = {{"contact@werkplaats.example", "nl"},
                                 {"second@werkplaats.example", "en"}};
    for (size_t i = 0; i < 2; i++) {
        char *mail = smtp_sink_wait(&sink, contacts[i][0], email, 15);
        ck_assert_msg(mail != NULL, "%s heard nothing of %s", contacts[i][0], email);
        free(mail);
        ck_assert_str_eq(db_text(fmt("SELECT string_agg(DISTINCT language, ',') FROM notifications"
                                     " WHERE channel = 'email' AND event_type = 'signup_known_kvk'"
                                     " AND address = '%s'",
                                     contacts[i][0])),
                         contacts[i][1]);
    }
    /* the one who tried gets nothing */
    ck_assert_int_eq(
        db_number(fmt("SELECT count(*) FROM notifications WHERE address = '%s'", email)), 0);
    ck_assert_uint_eq(smtp_sink_count(&sink, email, NULL), 0);
    json_t *item = feed_item("signup_known_kvk", werkplaats);
    ck_assert_msg(item != NULL, "no signup_known_kvk item in the coordinators' feed");
    json_decref(item);
    free(fresh);
    free(known);
}
END_TEST

START_TEST(an_invalid_sign_up_names_every_problem_and_creates_nothing)
{
    new_client();
    const char *email = unique_email("invalid");
    struct http_response r = call(
        NULL, "POST", "/v1/signup",
        fmt("{\"organisation\":{\"name\":\"\",\"kvk_number\":\"1234\",\"postcode\":\"9999 ZZ\"},"
            "\"contact\":{\"email\":\"not an address\",\"language\":\"de\"},"
            "\"password\":\"short\"}"));
    API_EXPECT(r, 422, "validation_failed");
    API_EXPECT_FIELD(r, "organisation.name");
    API_EXPECT_FIELD(r, "organisation.kvk_number");
    API_EXPECT_FIELD(r, "organisation.postcode");
    API_EXPECT_FIELD(r, "contact.name");
    API_EXPECT_FIELD(r, "contact.email");
    API_EXPECT_FIELD(r, "contact.language");
    API_EXPECT_FIELD(r, "password");
    http_response_free(&r);

    /* an unknown postcode, with everything else right */
    const char *kvk = unique_kvk();
    r = call(NULL, "POST", "/v1/signup",
             fmt("{\"organisation\":{\"name\":\"Nergens\",\"kvk_number\":\"%s\",\"postcode\":"
                 "\"9999 ZZ\"},\"contact\":{\"name\":\"Nina\",\"email\":\"%s\",\"language\":"
                 "\"nl\"},\"password\":\"" PASSWORD "\"}",
                 kvk, email));
    API_EXPECT(r, 422, "validation_failed");
    API_EXPECT_FIELD(r, "organisation.postcode");
    http_response_free(&r);

    /* a common password; one too long */
    r = call(NULL, "POST", "/v1/signup", signup_body("Bakkerij", kvk, email, "nl", COMMON));
    API_EXPECT(r, 422, "validation_failed");
    API_EXPECT_FIELD(r, "password");
    ck_assert_uint_eq(json_array_size(json_object_get(json_object_get(r.json, "error"), "details")),
                      1);
    http_response_free(&r);
    char long_password[1030];
    memset(long_password, 'x', 1025);
    long_password[1025] = '\0';
    r = call(NULL, "POST", "/v1/signup", signup_body("Bakkerij", kvk, email, "nl", long_password));
    API_EXPECT(r, 422, "validation_failed");
    API_EXPECT_FIELD(r, "password");
    http_response_free(&r);

    ck_assert_int_eq(employer_with_kvk(kvk), 0);
    ck_assert_int_eq(account_with_email(email), 0);
    ck_assert_int_eq(
        db_number(fmt("SELECT count(*) FROM notifications WHERE address = '%s'", email)), 0);
}
END_TEST

START_TEST(confirmation_links_refuse_tampering_expiry_reuse_and_other_purposes)
{
    new_client();
    const char *first = unique_email("first");
    sign_up(unique_kvk(), first, "nl");
    char *token = token_in_mail(first, "confirm", 0);
    EXPECT_CALL(NULL, "POST", "/v1/signup/confirm", token_body(tampered(token)), 410,
                "token_invalid");
    EXPECT_CALL(NULL, "POST", "/v1/signup/confirm",
                token_body("bpa_t_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), 410,
                "token_invalid");
    EXPECT_CALL(NULL, "POST", "/v1/signup/confirm", token_body("nonsense"), 410, "token_invalid");
    /* a token of this purpose opens nothing else */
    EXPECT_CALL(NULL, "POST", "/v1/invitations/preview", token_body(token), 410, "token_invalid");
    EXPECT_CALL(NULL, "POST", "/v1/invitations/accept", token_password_body(token, NEW_PASSWORD),
                410, "token_invalid");
    EXPECT_CALL(NULL, "POST", "/v1/auth/password-reset/confirm",
                token_password_body(token, NEW_PASSWORD), 410, "token_invalid");
    /* none of that used it up */
    EXPECT_CALL(NULL, "POST", "/v1/signup/confirm", token_body(token), 200, NULL);
    EXPECT_CALL(NULL, "POST", "/v1/signup/confirm", token_body(token), 410, "token_invalid");
    free(log_in(first, PASSWORD, NULL)); /* the password did not change */
    free(token);

    /* expired */
    const char *second = unique_email("second");
    sign_up(unique_kvk(), second, "nl");
    token = token_in_mail(second, "confirm", 0);
    ck_assert_int_eq(harness_db_sql(&db, fmt("UPDATE one_time_tokens SET expires_at = now() -"
                                             " interval '1 second' WHERE token_hash = %s",
                                             token_hash(token))),
                     0);
    EXPECT_CALL(NULL, "POST", "/v1/signup/confirm", token_body(token), 410, "token_invalid");
    EXPECT_CALL(NULL, "POST", "/v1/auth/login", login_body(second, PASSWORD), 403,
                "email_not_confirmed");
    free(token);
}
END_TEST

START_TEST(a_forgotten_password_is_reset_through_the_link)
{
    const char *email = unique_email("forgetful");
    char *before = harness_login_new_account(&server, db.url, email, fmt("%lld", werkplaats));
    new_client();
    char *also_before = log_in(email, CLI_PASSWORD, NULL);

    /* the same answer for an unknown address, which gets nothing */
    const char *unknown = unique_email("nobody");
    struct http_response r =
        call(NULL, "POST", "/v1/auth/password-reset", fmt("{\"email\":\"%s\"}", unknown));
    API_EXPECT(r, 202, NULL);
    char *answer = strdup(r.body);
    http_response_free(&r);
    r = call(NULL, "POST", "/v1/auth/password-reset", fmt("{\"email\":\"%s\"}", email));
    API_EXPECT(r, 202, NULL);
    ck_assert_str_eq(r.body, answer);
    ck_assert_str_eq(api_text(r.json, "status"), "reset_sent");
    http_response_free(&r);
    free(answer);
    ck_assert_int_eq(
        db_number(fmt("SELECT count(*) FROM notifications WHERE address = '%s'", unknown)), 0);

    char *token = token_in_mail(email, "reset", 0);
    ck_assert_int_eq(db_number(fmt("SELECT round(extract(epoch FROM expires_at - created_at) / 60)"
                                   " FROM one_time_tokens WHERE token_hash = %s"
                                   " AND purpose = 'reset_password' AND account_id = %lld",
                                   token_hash(token), account_with_email(email))),
                     60);
    ck_assert_msg(delivered(email), "the reset e-mail is not marked delivered");
    expect_token_nowhere_stored(token);

    /* refused passwords and links leave the link working */
    r = call(NULL, "POST", "/v1/auth/password-reset/confirm", token_password_body(token, COMMON));
    API_EXPECT(r, 422, "validation_failed");
    API_EXPECT_FIELD(r, "password");
    http_response_free(&r);
    r = call(NULL, "POST", "/v1/auth/password-reset/confirm", token_password_body(token, "short"));
    API_EXPECT(r, 422, "validation_failed");
    API_EXPECT_FIELD(r, "password");
    http_response_free(&r);
    EXPECT_CALL(NULL, "POST", "/v1/auth/password-reset/confirm",
                token_password_body(tampered(token), NEW_PASSWORD), 410, "token_invalid");
    EXPECT_CALL(NULL, "POST", "/v1/signup/confirm", token_body(token), 410, "token_invalid");

    EXPECT_CALL(NULL, "POST", "/v1/auth/password-reset/confirm",
                token_password_body(token, NEW_PASSWORD), 204, NULL);
    ck_assert_int_eq(me_status(before), 401); /* every session ended */
    ck_assert_int_eq(me_status(also_before), 401);
    EXPECT_CALL(NULL, "POST", "/v1/auth/login", login_body(email, CLI_PASSWORD), 401,
                "invalid_credentials");
    char *after = log_in(email, NEW_PASSWORD, NULL);
    ck_assert_int_eq(me_status(after), 200);
    EXPECT_CALL(NULL, "POST", "/v1/auth/password-reset/confirm",
                token_password_body(token, "yet another passphrase"), 410, "token_invalid");
    ck_assert_uint_ge(audited("password.reset"), 1);
    free(before);
    free(also_before);
    free(after);
    free(token);
}
END_TEST

START_TEST(a_reset_link_confirms_the_address_and_expires)
{
    new_client();
    /* an unconfirmed sign-up resets its password: the link proved the address */
    const char *email = unique_email("unconfirmed");
    sign_up(unique_kvk(), email, "nl");
    EXPECT_CALL(NULL, "POST", "/v1/auth/password-reset", fmt("{\"email\":\"%s\"}", email), 202,
                NULL);
    char *token = token_in_mail(email, "reset", 0);
    EXPECT_CALL(NULL, "POST", "/v1/auth/password-reset/confirm",
                token_password_body(token, NEW_PASSWORD), 204, NULL);
    free(log_in(email, NEW_PASSWORD, NULL));
    free(token);

    /* an expired link */
    EXPECT_CALL(NULL, "POST", "/v1/auth/password-reset", fmt("{\"email\":\"%s\"}", email), 202,
                NULL);
    token = token_in_mail(email, "reset", 1);
    ck_assert_int_eq(harness_db_sql(&db, fmt("UPDATE one_time_tokens SET expires_at = now() -"
                                             " interval '1 second' WHERE token_hash = %s",
                                             token_hash(token))),
                     0);
    EXPECT_CALL(NULL, "POST", "/v1/auth/password-reset/confirm",
                token_password_body(token, "yet another passphrase"), 410, "token_invalid");
    free(log_in(email, NEW_PASSWORD, NULL));
    free(token);

    /* a disabled account gets no link */
    const char *disabled = unique_email("disabled");
    free(harness_login_new_account(&server, db.url, disabled, fmt("%lld", werkplaats)));
    ck_assert_int_eq(harness_db_sql(&db, fmt("UPDATE accounts SET disabled = true"
                                             " WHERE email = '%s'",
                                             disabled)),
                     0);
    EXPECT_CALL(NULL, "POST", "/v1/auth/password-reset", fmt("{\"email\":\"%s\"}", disabled), 202,
                NULL);
    ck_assert_int_eq(
        db_number(fmt("SELECT count(*) FROM notifications WHERE address = '%s'", disabled)), 0);
}
END_TEST

START_TEST(changing_the_password_keeps_this_session_and_ends_the_others)
{
    const char *email = unique_email("changer");
    char *current = harness_login_new_account(&server, db.url, email, fmt("%lld", werkplaats));
    new_client();
    char *other = log_in(email, CLI_PASSWORD, NULL);

    struct http_response r = call(
        current, "PUT", "/v1/auth/password",
        "{\"current_password\":\"not my password at all\",\"new_password\":\"" NEW_PASSWORD "\"}");
    API_EXPECT(r, 422, "validation_failed");
    API_EXPECT_FIELD(r, "current_password");
    http_response_free(&r);
    r = call(current, "PUT", "/v1/auth/password",
             "{\"current_password\":\"" CLI_PASSWORD "\",\"new_password\":\"short\"}");
    API_EXPECT(r, 422, "validation_failed");
    API_EXPECT_FIELD(r, "new_password");
    http_response_free(&r);
    r = call(current, "PUT", "/v1/auth/password",
             "{\"current_password\":\"" CLI_PASSWORD "\",\"new_password\":\"" COMMON "\"}");
    API_EXPECT(r, 422, "validation_failed");
    API_EXPECT_FIELD(r, "new_password");
    http_response_free(&r);
    ck_assert_int_eq(me_status(other), 200); /* nothing changed yet */

    EXPECT_CALL(current, "PUT", "/v1/auth/password",
                "{\"current_password\":\"" CLI_PASSWORD "\",\"new_password\":\"" NEW_PASSWORD "\"}",
                204, NULL);
    ck_assert_int_eq(me_status(current), 200);
    ck_assert_int_eq(me_status(other), 401);
    EXPECT_CALL(NULL, "POST", "/v1/auth/login", login_body(email, CLI_PASSWORD), 401,
                "invalid_credentials");
    char *again = log_in(email, NEW_PASSWORD, NULL);
    free(again);
    free(current);
    free(other);
}
END_TEST

START_TEST(wrong_current_passwords_are_throttled_like_logins)
{
    const char *email = unique_email("guesser");
    char *session = harness_login_new_account(&server, db.url, email, fmt("%lld", werkplaats));
    new_client();
    long status = 0;
    int attempts = 0;
    char retry[32] = "";
    for (; attempts < 10 && status != 429; attempts++) {
        struct http_response r = call(
            session, "PUT", "/v1/auth/password",
            fmt("{\"current_password\":\"guess number %d of many\",\"new_password\":\"" NEW_PASSWORD
                "\"}",
                attempts));
        status = r.status;
        ck_assert_msg(status == 422 || status == 429, "%ld %s", r.status, r.body);
        if (status == 429) {
            ck_assert_str_eq(http_error_code(&r), "too_many_attempts");
            ck_assert(http_header(&r, "Retry-After", retry, sizeof retry));
        }
        http_response_free(&r);
    }
    ck_assert_msg(status == 429, "10 wrong current passwords were never throttled");
    ck_assert_int_eq(attempts, 6); /* --login-max-failures 5 */
    ck_assert_int_gt(atoi(retry), 0);
    free(session);
}
END_TEST

START_TEST(sessions_are_listed_and_ended)
{
    const char *email = unique_email("sessions");
    char *first = harness_login_new_account(&server, db.url, email, fmt("%lld", werkplaats));
    new_client();
    const char *agent[] = {"User-Agent: onboarding-test/1.0", NULL};
    char *mine = log_in(email, CLI_PASSWORD, agent);
    char *second = log_in(email, CLI_PASSWORD, NULL);
    char *third = log_in(email, CLI_PASSWORD, NULL);

    struct http_response r = call(mine, "GET", "/v1/auth/sessions", NULL);
    API_EXPECT(r, 200, NULL);
    json_t *items = json_object_get(r.json, "items");
    ck_assert_uint_eq(json_array_size(items), 4);
    /* newest first: third, second, mine, first */
    long long ids[4];
    int current = -1;
    for (size_t i = 0; i < 4; i++) {
        json_t *item = json_array_get(items, i);
        ids[i] = api_number(item, "id");
        ck_assert_ptr_nonnull(json_string_value(json_object_get(item, "created_at")));
        ck_assert_ptr_nonnull(json_string_value(json_object_get(item, "expires_at")));
        ck_assert_ptr_nonnull(json_object_get(item, "last_used_at"));
        if (json_is_true(json_object_get(item, "current"))) {
            ck_assert_int_eq(current, -1);
            current = (int)i;
        } else {
            ck_assert(json_is_false(json_object_get(item, "current")));
        }
        if (i > 0)
            ck_assert_int_lt(ids[i], ids[i - 1]);
    }
    ck_assert_int_eq(current, 2);
    json_t *this_one = json_array_get(items, 2);
    ck_assert_str_eq(api_text(this_one, "client_address"), client_address);
    ck_assert_str_eq(api_text(this_one, "user_agent"), "onboarding-test/1.0");
    http_response_free(&r);

    /* ending one: the second */
    EXPECT_CALL(mine, "DELETE", fmt("/v1/auth/sessions/%lld", ids[1]), NULL, 204, NULL);
    ck_assert_int_eq(me_status(second), 401);
    EXPECT_CALL(mine, "DELETE", fmt("/v1/auth/sessions/%lld", ids[1]), NULL, 404, "not_found");
    /* someone else's: not found, and not ended */
    EXPECT_CALL(werk_user, "DELETE", fmt("/v1/auth/sessions/%lld", ids[0]), NULL, 404, "not_found");
    ck_assert_int_eq(me_status(third), 200);

    /* ending all others */
    r = call(mine, "DELETE", "/v1/auth/sessions", NULL);
    API_EXPECT(r, 200, NULL);
    ck_assert_int_eq(api_number(r.json, "ended"), 2);
    http_response_free(&r);
    ck_assert_int_eq(me_status(first), 401);
    ck_assert_int_eq(me_status(third), 401);
    ck_assert_int_eq(me_status(mine), 200);
    r = call(mine, "GET", "/v1/auth/sessions", NULL);
    API_EXPECT(r, 200, NULL);
    ck_assert_uint_eq(json_array_size(json_object_get(r.json, "items")), 1);
    ck_assert(json_is_true(
        json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "current")));
    http_response_free(&r);
    ck_assert_int_eq(me_status(werk_user), 200); /* others' sessions untouched */
    free(first);
    free(mine);
    free(second);
    free(third);
}
END_TEST

/* --- invitations --- */

/* Invites as `token` (expecting 201): the invitation (a new reference). */
static json_t *invite(const char *token, const char *body)
{
    struct http_response r = call(token, "POST", "/v1/invitations", body);
    API_EXPECT(r, 201, NULL);
    json_t *invitation = json_incref(r.json);
    http_response_free(&r);
    return invitation;
}

/* The invitation `id` as `token` lists it with ?status=`status`, or NULL. */
static json_t *listed_invitation(const char *token, const char *status, long long id)
{
    json_t *found = NULL;
    char *cursor = NULL;
    for (int pages = 0; pages < 50 && !found; pages++) {
        struct http_response r =
            call(token, "GET",
                 fmt("/v1/invitations?limit=100%s%s%s%s", status ? "&status=" : "",
                     status ? status : "", cursor ? "&cursor=" : "", cursor ? cursor : ""),
                 NULL);
        API_EXPECT(r, 200, NULL);
        size_t i;
        json_t *item;
        json_array_foreach(json_object_get(r.json, "items"), i, item)
        {
            if (!found && api_number(item, "id") == id)
                found = json_deep_copy(item);
        }
        free(cursor);
        const char *next = json_string_value(json_object_get(r.json, "next_cursor"));
        cursor = next ? strdup(next) : NULL;
        http_response_free(&r);
        if (!cursor)
            break;
    }
    free(cursor);
    return found;
}

START_TEST(a_coordinator_invites_a_coordinator)
{
    new_client();
    const char *email = unique_email("nina");
    json_t *invitation =
        invite(coordinator, fmt("{\"email\":\"%s\",\"role\":\"coordinator\",\"name\":\"Nina "
                                "Coordinator\",\"language\":\"en\"}",
                                email));
    long long id = api_number(invitation, "id");
    ck_assert_int_gt(id, 0);
    ck_assert_str_eq(api_text(invitation, "email"), email);
    ck_assert_str_eq(api_text(invitation, "name"), "Nina Coordinator");
    ck_assert_str_eq(api_text(invitation, "role"), "coordinator");
    ck_assert(json_is_null(json_object_get(invitation, "employer_id")));
    ck_assert_str_eq(api_text(invitation, "language"), "en");
    ck_assert_str_eq(api_text(invitation, "status"), "pending");
    ck_assert_ptr_nonnull(json_string_value(json_object_get(invitation, "created_at")));
    ck_assert_ptr_nonnull(json_string_value(json_object_get(invitation, "expires_at")));
    ck_assert_str_eq(api_text(json_object_get(invitation, "invited_by"), "role"), "coordinator");
    ck_assert_int_eq(api_number(json_object_get(invitation, "invited_by"), "account_id"),
                     coordinator_id);
    ck_assert(json_is_null(json_object_get(invitation, "accepted_at")));
    ck_assert(json_is_null(json_object_get(invitation, "revoked_at")));
    ck_assert(json_is_null(json_object_get(invitation, "account_id")));
    json_decref(invitation);
    ck_assert_int_eq(
        db_number(fmt("SELECT round(extract(epoch FROM expires_at - created_at) / 86400)"
                      " FROM invitations WHERE id = %lld",
                      id)),
        7);

    char *token = token_in_mail(email, "invitation", 0);
    ck_assert_int_eq(db_number(fmt("SELECT count(*) FROM one_time_tokens WHERE token_hash = %s"
                                   " AND purpose = 'invitation' AND invitation_id = %lld",
                                   token_hash(token), id)),
                     1);
    ck_assert_str_eq(db_text(fmt("SELECT language FROM notifications WHERE channel = 'email'"
                                 " AND event_type = 'invitation' AND address = '%s'",
                                 email)),
                     "en");
    ck_assert_msg(delivered(email), "the invitation is not marked delivered");
    expect_token_nowhere_stored(token);

    struct http_response r = call(NULL, "POST", "/v1/invitations/preview", token_body(token));
    API_EXPECT(r, 200, NULL);
    ck_assert_str_eq(api_text(r.json, "email"), email);
    ck_assert_str_eq(api_text(r.json, "role"), "coordinator");
    ck_assert(json_is_null(json_object_get(r.json, "employer_id")));
    ck_assert(json_is_null(json_object_get(r.json, "employer_name")));
    ck_assert_str_eq(api_text(r.json, "name"), "Nina Coordinator");
    ck_assert_str_eq(api_text(r.json, "language"), "en");
    ck_assert_ptr_nonnull(json_string_value(json_object_get(r.json, "expires_at")));
    http_response_free(&r);

    r = call(NULL, "POST", "/v1/invitations/accept", token_password_body(token, "short"));
    API_EXPECT(r, 422, "validation_failed");
    API_EXPECT_FIELD(r, "password");
    http_response_free(&r);
    EXPECT_CALL(NULL, "POST", "/v1/invitations/accept",
                token_password_body(tampered(token), PASSWORD), 410, "token_invalid");

    r = call(NULL, "POST", "/v1/invitations/accept", token_password_body(token, PASSWORD));
    API_EXPECT(r, 201, NULL);
    ck_assert_str_eq(api_text(r.json, "token_type"), "Bearer");
    ck_assert_ptr_nonnull(json_string_value(json_object_get(r.json, "expires_at")));
    ck_assert_int_gt(api_number(r.json, "idle_timeout_seconds"), 0);
    ck_assert_str_eq(api_text(json_object_get(r.json, "principal"), "role"), "coordinator");
    char *session = strdup(api_text(r.json, "token"));
    http_response_free(&r);

    r = call(session, "GET", "/v1/auth/me", NULL);
    API_EXPECT(r, 200, NULL);
    ck_assert_str_eq(api_text(r.json, "role"), "coordinator");
    ck_assert_str_eq(api_text(r.json, "email"), email);
    ck_assert_str_eq(api_text(r.json, "name"), "Nina Coordinator");
    ck_assert_str_eq(api_text(r.json, "language"), "en");
    long long account = api_number(r.json, "account_id");
    http_response_free(&r);
    EXPECT_CALL(session, "GET", "/v1/audit?limit=1", NULL, 200, NULL); /* a coordinator's */
    ck_assert_int_eq(db_number(fmt("SELECT count(*) FROM accounts WHERE id = %lld"
                                   " AND email_confirmed_at IS NOT NULL",
                                   account)),
                     1);
    free(log_in(email, PASSWORD, NULL));

    /* used */
    EXPECT_CALL(NULL, "POST", "/v1/invitations/preview", token_body(token), 410, "token_invalid");
    EXPECT_CALL(NULL, "POST", "/v1/invitations/accept", token_password_body(token, PASSWORD), 410,
                "token_invalid");
    json_t *accepted = listed_invitation(coordinator, "accepted", id);
    ck_assert_msg(accepted != NULL, "invitation %lld is not listed as accepted", id);
    ck_assert_str_eq(api_text(accepted, "status"), "accepted");
    ck_assert_int_eq(api_number(accepted, "account_id"), account);
    ck_assert_ptr_nonnull(json_string_value(json_object_get(accepted, "accepted_at")));
    json_decref(accepted);
    ck_assert_uint_ge(audited("invitation.accept"), 1);
    EXPECT_CALL(coordinator, "POST", fmt("/v1/invitations/%lld/resend", id), NULL, 409,
                "invalid_state");
    EXPECT_CALL(coordinator, "DELETE", fmt("/v1/invitations/%lld", id), NULL, 409, "invalid_state");
    free(session);
    free(token);
}
END_TEST

START_TEST(a_coordinator_invites_an_employer_user)
{
    new_client();
    const char *email = unique_email("piet");
    json_t *invitation =
        invite(coordinator, fmt("{\"email\":\"%s\",\"role\":\"employer\",\"employer_id\":%lld,"
                                "\"language\":\"nl\"}",
                                email, werkplaats));
    long long id = api_number(invitation, "id");
    ck_assert_int_eq(api_number(invitation, "employer_id"), werkplaats);
    ck_assert_str_eq(api_text(invitation, "role"), "employer");
    json_decref(invitation);

    char *token = token_in_mail(email, "invitation", 0);
    struct http_response r = call(NULL, "POST", "/v1/invitations/preview", token_body(token));
    API_EXPECT(r, 200, NULL);
    ck_assert_str_eq(api_text(r.json, "role"), "employer");
    ck_assert_int_eq(api_number(r.json, "employer_id"), werkplaats);
    ck_assert_str_eq(api_text(r.json, "employer_name"), "Werkplaats");
    ck_assert(json_is_null(json_object_get(r.json, "name")));
    ck_assert_str_eq(api_text(r.json, "language"), "nl");
    http_response_free(&r);

    /* accepted in the console: the session as a cookie, by the same rule as logging in */
    const char *accept_body =
        fmt("{\"token\":\"%s\",\"password\":\"%s\",\"name\":\"Piet Werk\"}", token, PASSWORD);
    const char *elsewhere[] = {"X-BPA-Console: 1", "Origin: http://evil.example", NULL};
    r = send_to(&server, NULL, "POST", "/v1/invitations/accept", accept_body, elsewhere);
    API_EXPECT(r, 403, "csrf_refused");
    http_response_free(&r);
    const char *console[] = {"X-BPA-Console: 1", fmt("Origin: %s", server.base_url), NULL};
    r = send_to(&server, NULL, "POST", "/v1/invitations/accept", accept_body, console);
    API_EXPECT(r, 201, NULL);
    ck_assert_str_eq(api_text(r.json, "token_type"), "cookie");
    ck_assert_ptr_null(json_object_get(r.json, "token"));
    char cookie[512];
    ck_assert(http_header(&r, "Set-Cookie", cookie, sizeof cookie));
    json_t *principal = json_object_get(r.json, "principal");
    ck_assert_str_eq(api_text(principal, "role"), "employer");
    ck_assert_int_eq(api_number(principal, "employer_id"), werkplaats);
    http_response_free(&r);

    char *session = log_in(email, PASSWORD, NULL);
    r = call(session, "GET", "/v1/auth/me", NULL);
    API_EXPECT(r, 200, NULL);
    ck_assert_str_eq(api_text(r.json, "name"), "Piet Werk");
    ck_assert_str_eq(api_text(r.json, "language"), "nl");
    ck_assert_int_eq(api_number(r.json, "employer_id"), werkplaats);
    http_response_free(&r);
    json_t *accepted = listed_invitation(coordinator, NULL, id);
    ck_assert_ptr_nonnull(accepted);
    ck_assert_str_eq(api_text(accepted, "status"), "accepted");
    json_decref(accepted);

    /* what a coordinator may not ask */
    const char *other = unique_email("nobody");
    r = call(coordinator, "POST", "/v1/invitations",
             fmt("{\"email\":\"%s\",\"role\":\"employer\",\"language\":\"nl\"}", other));
    API_EXPECT(r, 422, "validation_failed");
    API_EXPECT_FIELD(r, "employer_id");
    http_response_free(&r);
    r = call(coordinator, "POST", "/v1/invitations",
             fmt("{\"email\":\"%s\",\"role\":\"coordinator\",\"employer_id\":%lld,"
                 "\"language\":\"nl\"}",
                 other, werkplaats));
    API_EXPECT(r, 422, "validation_failed");
    API_EXPECT_FIELD(r, "employer_id");
    http_response_free(&r);
    r = call(coordinator, "POST", "/v1/invitations",
             fmt("{\"email\":\"%s\",\"role\":\"director\",\"language\":\"fr\"}", other));
    API_EXPECT(r, 422, "validation_failed");
    API_EXPECT_FIELD(r, "role");
    API_EXPECT_FIELD(r, "language");
    http_response_free(&r);
    ck_assert_int_eq(db_number(fmt("SELECT count(*) FROM invitations WHERE email = '%s'", other)),
                     0);

    /* conflicts: an account with the address, a pending invitation for it */
    r = call(coordinator, "POST", "/v1/invitations",
             fmt("{\"email\":\"%s\",\"role\":\"employer\",\"employer_id\":%lld,"
                 "\"language\":\"nl\"}",
                 email, werkplaats));
    API_EXPECT(r, 409, "conflict");
    http_response_free(&r);
    const char *pending = unique_email("pending");
    invitation = invite(coordinator, fmt("{\"email\":\"%s\",\"role\":\"coordinator\","
                                         "\"language\":\"nl\"}",
                                         pending));
    r = call(coordinator, "POST", "/v1/invitations",
             fmt("{\"email\":\"%s\",\"role\":\"employer\",\"employer_id\":%lld,"
                 "\"language\":\"en\"}",
                 pending, werkplaats));
    API_EXPECT(r, 409, "conflict");
    json_t *detail =
        json_array_get(json_object_get(json_object_get(r.json, "error"), "details"), 0);
    ck_assert_int_eq(api_number(detail, "existing_id"), api_number(invitation, "id"));
    http_response_free(&r);
    json_decref(invitation);
    free(session);
    free(token);
}
END_TEST

START_TEST(an_employer_user_invites_colleagues_and_no_one_else)
{
    new_client();
    const char *colleague = unique_email("colleague");
    json_t *invitation = invite(
        werk_user, fmt("{\"email\":\"%s\",\"role\":\"employer\",\"language\":\"en\"}", colleague));
    long long id = api_number(invitation, "id");
    ck_assert_int_eq(api_number(invitation, "employer_id"), werkplaats);
    ck_assert_str_eq(api_text(json_object_get(invitation, "invited_by"), "role"), "employer");
    ck_assert_int_eq(api_number(json_object_get(invitation, "invited_by"), "account_id"),
                     werk_user_id);
    json_decref(invitation);
    const char *second = unique_email("colleague");
    invitation = invite(werk_user, fmt("{\"email\":\"%s\",\"role\":\"employer\",\"employer_id\":"
                                       "%lld,\"language\":\"nl\"}",
                                       second, werkplaats));
    long long second_id = api_number(invitation, "id");
    json_decref(invitation);

    /* not for another organisation, not a coordinator */
    const char *stranger = unique_email("stranger");
    struct http_response r =
        call(werk_user, "POST", "/v1/invitations",
             fmt("{\"email\":\"%s\",\"role\":\"employer\",\"employer_id\":%lld,"
                 "\"language\":\"nl\"}",
                 stranger, other_employer));
    API_EXPECT(r, 404, "not_found");
    API_EXPECT_FIELD(r, "employer_id");
    http_response_free(&r);
    EXPECT_CALL(werk_user, "POST", "/v1/invitations",
                fmt("{\"email\":\"%s\",\"role\":\"coordinator\",\"language\":\"nl\"}", stranger),
                403, "forbidden");
    ck_assert_int_eq(
        db_number(fmt("SELECT count(*) FROM invitations WHERE email = '%s'", stranger)), 0);

    /* their own organisation's, and only to them */
    json_t *listed = listed_invitation(werk_user, "pending", id);
    ck_assert_ptr_nonnull(listed);
    json_decref(listed);
    r = call(werk_user, "GET", "/v1/invitations?limit=100", NULL);
    API_EXPECT(r, 200, NULL);
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(r.json, "items"), i, item)
        ck_assert_int_eq(api_number(item, "employer_id"), werkplaats);
    http_response_free(&r);
    ck_assert_ptr_null(listed_invitation(other_user, NULL, id));
    EXPECT_CALL(other_user, "POST", fmt("/v1/invitations/%lld/resend", id), NULL, 404, "not_found");
    EXPECT_CALL(other_user, "DELETE", fmt("/v1/invitations/%lld", id), NULL, 404, "not_found");
    listed = listed_invitation(coordinator, "pending", id); /* coordinators see all */
    ck_assert_ptr_nonnull(listed);
    json_decref(listed);

    /* they manage their own: resend one, revoke the other */
    r = call(werk_user, "POST", fmt("/v1/invitations/%lld/resend", second_id), NULL);
    API_EXPECT(r, 200, NULL);
    http_response_free(&r);
    EXPECT_CALL(werk_user, "DELETE", fmt("/v1/invitations/%lld", second_id), NULL, 204, NULL);

    char *token = token_in_mail(colleague, "invitation", 0);
    r = call(NULL, "POST", "/v1/invitations/accept", token_password_body(token, PASSWORD));
    API_EXPECT(r, 201, NULL);
    ck_assert_str_eq(api_text(json_object_get(r.json, "principal"), "role"), "employer");
    ck_assert_int_eq(api_number(json_object_get(r.json, "principal"), "employer_id"), werkplaats);
    char *session = strdup(api_text(r.json, "token"));
    http_response_free(&r);
    ck_assert_int_eq(me_status(session), 200);
    free(session);
    free(token);
}
END_TEST

START_TEST(invitations_are_listed_resent_revoked_and_expire)
{
    new_client();
    const char *email = unique_email("resent");
    json_t *invitation =
        invite(coordinator, fmt("{\"email\":\"%s\",\"role\":\"employer\",\"employer_id\":%lld,"
                                "\"language\":\"nl\"}",
                                email, other_employer));
    long long id = api_number(invitation, "id");
    char *old_expiry = strdup(api_text(invitation, "expires_at"));
    json_decref(invitation);
    char *first = token_in_mail(email, "invitation", 0);

    /* resent: a new link, the old one dead */
    sleep(1);
    struct http_response r =
        call(coordinator, "POST", fmt("/v1/invitations/%lld/resend", id), NULL);
    API_EXPECT(r, 200, NULL);
    ck_assert_int_eq(api_number(r.json, "id"), id);
    ck_assert_str_eq(api_text(r.json, "status"), "pending");
    ck_assert_msg(strcmp(api_text(r.json, "expires_at"), old_expiry) > 0, "expiry %s not after %s",
                  api_text(r.json, "expires_at"), old_expiry);
    http_response_free(&r);
    char *second = token_in_mail(email, "invitation", 1);
    ck_assert_str_ne(first, second);
    EXPECT_CALL(NULL, "POST", "/v1/invitations/preview", token_body(first), 410, "token_invalid");
    EXPECT_CALL(NULL, "POST", "/v1/invitations/preview", token_body(second), 200, NULL);

    /* pages */
    const char *another = unique_email("another");
    json_decref(invite(coordinator, fmt("{\"email\":\"%s\",\"role\":\"coordinator\","
                                        "\"language\":\"en\"}",
                                        another)));
    r = call(coordinator, "GET", "/v1/invitations?status=pending&limit=1", NULL);
    API_EXPECT(r, 200, NULL);
    ck_assert_uint_eq(json_array_size(json_object_get(r.json, "items")), 1);
    long long page_one = api_number(json_array_get(json_object_get(r.json, "items"), 0), "id");
    const char *cursor = json_string_value(json_object_get(r.json, "next_cursor"));
    ck_assert_msg(cursor != NULL, "no next_cursor: %s", r.body);
    struct http_response next = call(
        coordinator, "GET", fmt("/v1/invitations?status=pending&limit=1&cursor=%s", cursor), NULL);
    http_response_free(&r);
    API_EXPECT(next, 200, NULL);
    ck_assert_uint_eq(json_array_size(json_object_get(next.json, "items")), 1);
    ck_assert_int_ne(api_number(json_array_get(json_object_get(next.json, "items"), 0), "id"),
                     page_one);
    http_response_free(&next);

    /* revoked: the link dead, nothing more to do with it */
    EXPECT_CALL(coordinator, "DELETE", fmt("/v1/invitations/%lld", id), NULL, 204, NULL);
    EXPECT_CALL(NULL, "POST", "/v1/invitations/preview", token_body(second), 410, "token_invalid");
    EXPECT_CALL(NULL, "POST", "/v1/invitations/accept", token_password_body(second, PASSWORD), 410,
                "token_invalid");
    ck_assert_int_eq(account_with_email(email), 0);
    json_t *revoked = listed_invitation(coordinator, "revoked", id);
    ck_assert_msg(revoked != NULL, "invitation %lld is not listed as revoked", id);
    ck_assert_ptr_nonnull(json_string_value(json_object_get(revoked, "revoked_at")));
    json_decref(revoked);
    EXPECT_CALL(coordinator, "POST", fmt("/v1/invitations/%lld/resend", id), NULL, 409,
                "invalid_state");
    /* a revoked invitation's address may be invited again */
    json_decref(invite(coordinator, fmt("{\"email\":\"%s\",\"role\":\"coordinator\","
                                        "\"language\":\"en\"}",
                                        email)));
    free(first);
    free(second);
    free(old_expiry);

    /* expired: the link refused, listed as expired, and resent */
    const char *late = unique_email("late");
    invitation = invite(coordinator, fmt("{\"email\":\"%s\",\"role\":\"coordinator\","
                                         "\"language\":\"nl\"}",
                                         late));
    id = api_number(invitation, "id");
    json_decref(invitation);
    char *token = token_in_mail(late, "invitation", 0);
    ck_assert_int_eq(harness_db_sql(&db, fmt("UPDATE one_time_tokens SET expires_at = now() -"
                                             " interval '1 second' WHERE token_hash = %s",
                                             token_hash(token))),
                     0);
    EXPECT_CALL(NULL, "POST", "/v1/invitations/preview", token_body(token), 410, "token_invalid");
    EXPECT_CALL(NULL, "POST", "/v1/invitations/accept", token_password_body(token, PASSWORD), 410,
                "token_invalid");
    ck_assert_int_eq(harness_db_sql(&db, fmt("UPDATE invitations SET expires_at = now() -"
                                             " interval '1 second' WHERE id = %lld",
                                             id)),
                     0);
    json_t *expired = listed_invitation(coordinator, "expired", id);
    ck_assert_msg(expired != NULL, "invitation %lld is not listed as expired", id);
    ck_assert_str_eq(api_text(expired, "status"), "expired");
    json_decref(expired);
    r = call(coordinator, "POST", fmt("/v1/invitations/%lld/resend", id), NULL);
    API_EXPECT(r, 200, NULL);
    ck_assert_str_eq(api_text(r.json, "status"), "pending");
    http_response_free(&r);
    free(token);
    token = token_in_mail(late, "invitation", 1);
    r = call(NULL, "POST", "/v1/invitations/accept", token_password_body(token, PASSWORD));
    API_EXPECT(r, 201, NULL);
    http_response_free(&r);
    free(token);

    /* the address got an account by other means meanwhile */
    const char *meanwhile = unique_email("meanwhile");
    json_decref(invite(coordinator, fmt("{\"email\":\"%s\",\"role\":\"coordinator\","
                                        "\"language\":\"nl\"}",
                                        meanwhile)));
    token = token_in_mail(meanwhile, "invitation", 0);
    free(harness_login_new_account(&server, db.url, meanwhile, NULL));
    EXPECT_CALL(NULL, "POST", "/v1/invitations/accept", token_password_body(token, PASSWORD), 409,
                "conflict");
    free(token);
}
END_TEST

START_TEST(an_invitation_honours_idempotency_keys)
{
    new_client();
    const char *email = unique_email("once");
    const char *body =
        fmt("{\"email\":\"%s\",\"role\":\"coordinator\",\"language\":\"nl\"}", email);
    const char *key[] = {fmt("Idempotency-Key: invite-%d-%d", (int)getpid(), ++serial), NULL};
    struct http_response r = send_to(&server, coordinator, "POST", "/v1/invitations", body, key);
    API_EXPECT(r, 201, NULL);
    long long id = api_number(r.json, "id");
    http_response_free(&r);
    r = send_to(&server, coordinator, "POST", "/v1/invitations", body, key);
    API_EXPECT(r, 201, NULL);
    ck_assert_int_eq(api_number(r.json, "id"), id);
    http_response_free(&r);
    r = send_to(&server, coordinator, "POST", "/v1/invitations",
                fmt("{\"email\":\"%s\",\"role\":\"coordinator\",\"language\":\"nl\"}",
                    unique_email("other")),
                key);
    API_EXPECT(r, 422, "idempotency_key_reused");
    http_response_free(&r);
    ck_assert_int_eq(db_number(fmt("SELECT count(*) FROM invitations WHERE email = '%s'", email)),
                     1);
    ck_assert_msg(delivered(email), "the invitation is not delivered");
    ck_assert_uint_eq(smtp_sink_count(&sink, email, NULL), 1);
}
END_TEST

/* --- throttling and links --- */

static long signup_status(const struct harness_server *to, const char *email, char *retry_after,
                          size_t size)
{
    struct http_response r =
        send_to(to, NULL, "POST", "/v1/signup",
                signup_body("Drukte", unique_kvk(), email, "nl", PASSWORD), NULL);
    long status = r.status;
    ck_assert_msg(status == 202 || status == 429, "%ld %s", r.status, r.body);
    if (status == 429) {
        ck_assert_str_eq(http_error_code(&r), "too_many_attempts");
        ck_assert_msg(http_header(&r, "Retry-After", retry_after, size), "no Retry-After");
    }
    http_response_free(&r);
    return status;
}

START_TEST(sign_ups_and_resets_are_throttled_per_address_and_per_email)
{
    char retry[32] = "";
    /* 3 per e-mail address an hour, from wherever, counted across daemons */
    const char *email = unique_email("eager");
    for (int i = 0; i < 3; i++) {
        new_client();
        ck_assert_int_eq(signup_status(i == 1 ? &public_site : &server, email, retry, sizeof retry),
                         202);
    }
    new_client();
    ck_assert_int_eq(signup_status(&public_site, email, retry, sizeof retry), 429);
    ck_assert_int_gt(atoi(retry), 0);
    ck_assert_int_le(atoi(retry), 3600);
    ck_assert_int_eq(signup_status(&server, unique_email("patient"), retry, sizeof retry), 202);

    /* 10 per client address an hour, whatever the addresses */
    new_client();
    for (int i = 0; i < 10; i++)
        ck_assert_int_eq(signup_status(&server, unique_email("busy"), retry, sizeof retry), 202);
    retry[0] = '\0';
    ck_assert_int_eq(signup_status(&server, unique_email("busy"), retry, sizeof retry), 429);
    ck_assert_int_gt(atoi(retry), 0);
    new_client();
    ck_assert_int_eq(signup_status(&server, unique_email("elsewhere"), retry, sizeof retry), 202);

    /* resets likewise, for known and unknown addresses alike */
    const char *forgetful[] = {unique_email("forgetful"), unique_email("unknown")};
    free(harness_login_new_account(&server, db.url, forgetful[0], NULL));
    for (size_t which = 0; which < 2; which++) {
        long status = 0;
        for (int i = 0; i < 4; i++) {
            new_client();
            struct http_response r = call(NULL, "POST", "/v1/auth/password-reset",
                                          fmt("{\"email\":\"%s\"}", forgetful[which]));
            status = r.status;
            if (i < 3)
                API_EXPECT(r, 202, NULL);
            else
                API_EXPECT(r, 429, "too_many_attempts");
            http_response_free(&r);
        }
        ck_assert_int_eq(status, 429);
    }
}
END_TEST

START_TEST(links_point_at_the_public_origin_never_at_the_host_header)
{
    new_client();
    const char *email = unique_email("linked");
    free(harness_login_new_account(&server, db.url, email, fmt("%lld", werkplaats)));
    const char *forged[] = {"Host: evil.example", "X-Forwarded-Host: evil.example", NULL};
    /* without --public-origin: the daemon's own address */
    struct http_response r = send_to(&server, NULL, "POST", "/v1/auth/password-reset",
                                     fmt("{\"email\":\"%s\"}", email), forged);
    API_EXPECT(r, 202, NULL);
    http_response_free(&r);
    char *mail = smtp_sink_wait(&sink, email, "/#/reset/", 15);
    ck_assert_msg(mail != NULL, "no reset e-mail came");
    ck_assert_ptr_null(strstr(mail, "evil.example"));
    free(mail);
    free(token_in_mail(email, "reset", 0));

    /* with it: there */
    r = send_to(&public_site, NULL, "POST", "/v1/auth/password-reset",
                fmt("{\"email\":\"%s\"}", email), forged);
    API_EXPECT(r, 202, NULL);
    http_response_free(&r);
    mail = smtp_sink_wait_next(&sink, email, "/#/reset/", 1, 15);
    ck_assert_msg(mail != NULL, "no second reset e-mail came");
    ck_assert_ptr_null(strstr(mail, "evil.example"));
    ck_assert_ptr_null(strstr(mail, "127.0.0.1"));
    free(mail);
    char *token = token_in_mail_from(PUBLIC_SITE, email, "reset", 0);
    EXPECT_CALL(NULL, "POST", "/v1/auth/password-reset/confirm",
                token_password_body(token, NEW_PASSWORD), 204, NULL);
    free(token);

    /* sign-up and invitation links alike */
    const char *signed_up = unique_email("public");
    const char *host[] = {"Host: evil.example", NULL};
    r = send_to(&public_site, NULL, "POST", "/v1/signup",
                signup_body("Publiek", unique_kvk(), signed_up, "nl", PASSWORD), host);
    API_EXPECT(r, 202, NULL);
    http_response_free(&r);
    token = token_in_mail_from(PUBLIC_SITE, signed_up, "confirm", 0);
    EXPECT_CALL(NULL, "POST", "/v1/signup/confirm", token_body(token), 200, NULL);
    free(token);
    const char *invited = unique_email("invited");
    r = send_to(&public_site, coordinator, "POST", "/v1/invitations",
                fmt("{\"email\":\"%s\",\"role\":\"coordinator\",\"language\":\"nl\"}", invited),
                host);
    API_EXPECT(r, 201, NULL);
    http_response_free(&r);
    free(token_in_mail_from(PUBLIC_SITE, invited, "invitation", 0));
}
END_TEST

START_TEST(no_delivered_email_keeps_its_link_and_no_token_is_stored_raw)
{
    /* after everything above: every e-mail delivered has lost its link */
    for (int tries = 0; tries < 300; tries++) {
        if (db_number("SELECT count(*) FROM notifications WHERE channel = 'email'"
                      " AND status <> 'delivered'") == 0)
            break;
        usleep(50000);
    }
    ck_assert_int_eq(db_number("SELECT count(*) FROM notifications WHERE channel = 'email'"
                               " AND status <> 'delivered'"),
                     0);
    ck_assert_int_eq(db_number("SELECT count(*) FROM notifications WHERE channel = 'email'"
                               " AND event_type IN ('email_confirmation', 'invitation',"
                               " 'password_reset')"),
                     db_number("SELECT count(*) FROM notifications WHERE channel = 'email'"
                               " AND event_type IN ('email_confirmation', 'invitation',"
                               " 'password_reset') AND position('bpa_t_' IN payload::text) = 0"));
    ck_assert_int_gt(db_number("SELECT count(*) FROM one_time_tokens"), 0);
    ck_assert_int_eq(db_number("SELECT count(*) FROM one_time_tokens t"
                               " WHERE position('bpa_t_' IN t::text) > 0"),
                     0);
    ck_assert_int_eq(db_number("SELECT count(*) FROM one_time_tokens"
                               " WHERE length(token_hash) <> 32"),
                     0);
}
END_TEST

/* --- setting up --- */

static long long created(struct http_response r)
{
    if (r.status != 201 && r.status != 200) {
        fprintf(stderr, "setting up failed: %ld %s\n", r.status, r.body);
        exit(2);
    }
    long long id = api_number(r.json, "id");
    http_response_free(&r);
    return id;
}

static long long account_id_of(const char *token)
{
    struct http_response r = call(token, "GET", "/v1/auth/me", NULL);
    long long id = api_number(r.json, "account_id");
    http_response_free(&r);
    return id;
}

/* A daemon sending e-mail to the sink at once, believing X-Forwarded-For
 * from 127.0.0.1, hashing passwords cheaply, with `origin` as its public
 * origin when not NULL. */
static const char *const *daemon_args(bool migrate, const char *origin)
{
    static const char *args[2][32];
    const char *const list[] = {"--smtp-url",
                                sink.url,
                                "--notify-interval-ms",
                                "100",
                                "--notify-backoff-seconds",
                                "0",
                                "--trusted-proxies",
                                "127.0.0.1/32",
                                "--password-opslimit",
                                "1",
                                "--password-memlimit-kib",
                                "8192",
                                "--login-max-failures",
                                "5",
                                "--login-max-failures-per-address",
                                "1000",
                                origin    ? "--public-origin"
                                : migrate ? "--migrate"
                                          : NULL,
                                origin,
                                NULL};
    const char **out = args[origin != NULL];
    memcpy(out, list, sizeof list);
    return out;
}

int main(void)
{
    if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        return 2;
    if (!smtp_sink_start(&sink))
        return 2;
    harness_db_create(&db);
    int status = 0;
    if (!harness_server_start(&server, db.url, daemon_args(true, NULL), &status))
        return 2;
    if (harness_db_sql_file(&db, "tests/integration/fixtures/reference.sql") != 0)
        return 2;
    if (!harness_server_start(&public_site, db.url, daemon_args(false, PUBLIC_SITE), &status))
        return 2;

    coordinator = harness_login_new_account(&server, db.url, "coord@onboarding.example", NULL);
    coordinator_id = account_id_of(coordinator);
    werkplaats = created(call(
        coordinator, "POST", "/v1/employers",
        "{\"kvk_number\":\"" WERK_KVK "\",\"name\":\"Werkplaats\",\"postcode\":\"2516\","
        "\"contacts\":[{\"name\":\"Ans\",\"email\":\"contact@werkplaats.example\",\"language\":"
        "\"nl\"},{\"name\":\"Bob\",\"email\":\"second@werkplaats.example\",\"language\":\"en\"}]"
        "}"));
    created(call(coordinator, "PUT", fmt("/v1/employers/%lld/verified", werkplaats),
                 "{\"verified\":true}"));
    other_employer = created(call(coordinator, "POST", "/v1/employers",
                                  "{\"kvk_number\":\"66666666\",\"name\":\"Andere Zaak\","
                                  "\"postcode\":\"2522\"}"));
    werk_user = harness_login_new_account(&server, db.url, "werk@werkplaats.example",
                                          fmt("%lld", werkplaats));
    werk_user_id = account_id_of(werk_user);
    other_user = harness_login_new_account(&server, db.url, "andere@andere.example",
                                           fmt("%lld", other_employer));

    Suite *s = suite_create("onboarding");
    TCase *tc = tcase_create("flows");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, signing_up_confirming_and_verification_lead_to_an_open_placement);
    tcase_add_test(tc, a_known_address_gets_the_same_answer_and_nothing_is_created);
    tcase_add_test(tc, a_known_kvk_number_tells_the_organisation_and_the_coordinators);
    tcase_add_test(tc, an_invalid_sign_up_names_every_problem_and_creates_nothing);
    tcase_add_test(tc, confirmation_links_refuse_tampering_expiry_reuse_and_other_purposes);
    tcase_add_test(tc, a_forgotten_password_is_reset_through_the_link);
    tcase_add_test(tc, a_reset_link_confirms_the_address_and_expires);
    tcase_add_test(tc, changing_the_password_keeps_this_session_and_ends_the_others);
    tcase_add_test(tc, wrong_current_passwords_are_throttled_like_logins);
    tcase_add_test(tc, sessions_are_listed_and_ended);
    tcase_add_test(tc, a_coordinator_invites_a_coordinator);
    tcase_add_test(tc, a_coordinator_invites_an_employer_user);
    tcase_add_test(tc, an_employer_user_invites_colleagues_and_no_one_else);
    tcase_add_test(tc, invitations_are_listed_resent_revoked_and_expire);
    tcase_add_test(tc, an_invitation_honours_idempotency_keys);
    tcase_add_test(tc, sign_ups_and_resets_are_throttled_per_address_and_per_email);
    tcase_add_test(tc, links_point_at_the_public_origin_never_at_the_host_header);
    tcase_add_test(tc, no_delivered_email_keeps_its_link_and_no_token_is_stored_raw);
    suite_add_tcase(s, tc);
    int failed = harness_run_suite(s);
    if (!harness_server_stop_cleanly(&public_site))
        failed++;
    if (!harness_server_stop_cleanly(&server))
        failed++;
    harness_db_destroy(&db);
    smtp_sink_stop(&sink);
    free(coordinator);
    free(werk_user);
    free(other_user);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
