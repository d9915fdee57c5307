/* Who may call what: every route of the API against every role
 * (anonymous, coordinator, employer A, employer B, portal A, portal B),
 * from one table that must hold a row for every route the server has.
 * Then lists narrowed to the caller, and the audit trail. */
#include "harness.h"
#include "routes.h"

#include <check.h>
#include <curl/curl.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { ANONYMOUS, COORDINATOR, EMPLOYER_A, EMPLOYER_B, PORTAL_A, PORTAL_B, ROLES };
static const char *const role_names[ROLES] = {"anonymous",  "coordinator", "employer A",
                                              "employer B", "portal A",    "portal B"};

static struct harness_db db;
static struct harness_server server;
static char *tokens[ROLES]; /* NULL for anonymous */
static long long employer_a, employer_b, portal_a, portal_b, placement_open, placement_draft,
    seeker_a, seeker_b, match_a, account_a;

#define SKILL "http://data.europa.eu/esco/skill/test-"

static struct http_response call_as(const char *token, const char *method, const char *path,
                                    const char *body)
{
    return http_call_as(&server, token, method, path, body);
}

static long long create(const char *path, const char *body)
{
    struct http_response r = call_as(tokens[COORDINATOR], "POST", path, body);
    if (r.status != 201) {
        fprintf(stderr, "setting up %s failed: %ld %s\n", path, r.status, r.body);
        exit(2);
    }
    long long id = json_integer_value(json_object_get(r.json, "id"));
    http_response_free(&r);
    return id;
}

static long long new_employer(void)
{
    static int n;
    n++;
    return create(
        "/v1/employers",
        fmt("{\"kvk_number\":\"3%07d\",\"name\":\"Matrix %d\",\"postcode\":\"2516\"}", n, n));
}

static const char *placement_body(long long employer)
{
    return fmt("{\"employer_id\":%lld,\"title\":\"Stage\",\"postcode\":\"2516\",\"schedule\":"
               "[{\"day\":\"tue\",\"from\":\"09:00\",\"to\":\"17:00\"}],\"hours_per_week\":8,"
               "\"start_date\":\"2027-03-01\",\"end_date\":\"2027-05-01\",\"capacity\":1}",
               employer);
}

static const char *seeker_body(long long portal)
{
    return fmt(
        "{\"portal_id\":%lld,\"name\":\"Noor\",\"postcode\":\"2522\",\"availability\":"
        "[{\"day\":\"tue\",\"from\":\"08:00\",\"to\":\"18:00\"}],\"available_from\":"
        "\"2027-01-01\",\"max_hours_per_week\":20,\"max_travel_km\":10,\"consent\":"
        "{\"purpose\":\"matching\",\"text_version\":\"1\",\"given_at\":\"2026-11-01T10:00:00Z\"}}",
        portal);
}

/* A match of a new seeker of portal A with the open placement, proposed
 * by the coordinator. */
static long long new_match(void)
{
    long long seeker = create("/v1/seekers", seeker_body(portal_a));
    return create("/v1/matches",
                  fmt("{\"seeker_id\":%lld,\"placement_id\":%lld}", seeker, placement_open));
}

/* A made-up id for a resource the setting up of a row could not make: the
 * row then fails with the statuses of a missing resource. */
#define NOT_MADE 999999999LL

/* Something a row's placeholder needs, made by the coordinator: its
 * `key` member (NOT_MADE, said on stderr, when that fails). */
static long long made(const char *method, const char *path, const char *body, const char *key)
{
    struct http_response r = call_as(tokens[COORDINATOR], method, path, body);
    long long id = json_integer_value(json_object_get(r.json, key));
    if ((r.status != 201 && r.status != 200) || id <= 0) {
        fprintf(stderr, "making %s %s for a row failed: %ld %s\n", method, path, r.status, r.body);
        id = NOT_MADE;
    }
    http_response_free(&r);
    return id;
}

static int made_count; /* fresh names for what rows make */

/* A new pending invitation of an employer user of A. */
static long long new_invitation(void)
{
    return made("POST", "/v1/invitations",
                fmt("{\"email\":\"invited-%d-%d@example.org\",\"role\":\"employer\","
                    "\"employer_id\":%lld,\"language\":\"nl\"}",
                    (int)getpid(), ++made_count, employer_a),
                "id");
}

/* A new employer user of A, through the operator's command line. */
static long long new_account(void)
{
    char *token = harness_login_new_account(
        &server, db.url, fmt("made-%d-%d@example.org", (int)getpid(), ++made_count),
        fmt("%lld", employer_a));
    struct http_response r = call_as(token, "GET", "/v1/auth/me", NULL);
    long long id = json_integer_value(json_object_get(r.json, "account_id"));
    http_response_free(&r);
    free(token);
    return id > 0 ? id : NOT_MADE;
}

/* The path with its placeholders filled, making fresh resources where a
 * row needs one per call: {EA} employer A, {PO} an open placement of A,
 * {PD} a draft of A, {SA} a seeker of portal A, {NEW_PD} a new draft of A,
 * {NEW_SA} a new seeker of portal A, {PA} portal A, {MA} a match of A,
 * {NEW_MA} a new one, {IA} a pending invitation of an employer user of A
 * (made once), {NEW_IA} a new one, {ACC_A} employer A's account,
 * {NEW_ACC} a new employer user of A, {NEW_KEY} a new key of portal A,
 * {NEW_RD} a new round of seeker A and the open placement. */
static const char *fill(const char *path)
{
    static char out[256];
    char work[256];
    snprintf(work, sizeof work, "%s", path);
    const char *brace;
    while ((brace = strchr(work, '{')) != NULL) {
        const char *end = strchr(brace, '}');
        static long long invitation_a;
        char name[16];
        snprintf(name, sizeof name, "%.*s", (int)(end - brace - 1), brace + 1);
        long long id =
            !strcmp(name, "EA")       ? employer_a
            : !strcmp(name, "PO")     ? placement_open
            : !strcmp(name, "PD")     ? placement_draft
            : !strcmp(name, "SA")     ? seeker_a
            : !strcmp(name, "NEW_PD") ? create("/v1/placements", placement_body(employer_a))
            : !strcmp(name, "NEW_SA") ? create("/v1/seekers", seeker_body(portal_a))
            : !strcmp(name, "PA")     ? portal_a
            : !strcmp(name, "MA")     ? match_a
            : !strcmp(name, "NEW_MA") ? new_match()
            : !strcmp(name, "IA")
                ? (invitation_a ? invitation_a : (invitation_a = new_invitation()))
            : !strcmp(name, "NEW_IA")  ? new_invitation()
            : !strcmp(name, "ACC_A")   ? account_a
            : !strcmp(name, "NEW_ACC") ? new_account()
            : !strcmp(name, "NEW_RD")  ? made("POST", "/v1/rounds",
                                              fmt("{\"mode\":\"stable\",\"seeker_ids\":[%lld],"
                                                   "\"placement_ids\":[%lld]}",
                                                  seeker_a, placement_open),
                                              "id")
            : !strcmp(name, "NEW_KEY")
                ? made("POST", fmt("/v1/portals/%lld/keys", portal_a), NULL, "key_id")
                : -1;
        ck_assert_msg(id > 0, "unknown placeholder %s", name);
        snprintf(out, sizeof out, "%.*s%lld%s", (int)(brace - work), work, id, end + 1);
        snprintf(work, sizeof work, "%s", out);
    }
    snprintf(out, sizeof out, "%s", work);
    return out;
}

/* A body with {EA}, {PORTAL_A} or {KVK} (fresh each time) filled. */
static const char *fill_body(const char *body)
{
    static int kvk;
    if (!body)
        return NULL;
    if (!strcmp(body, "{KVK}"))
        return fmt("{\"kvk_number\":\"4%07d\",\"name\":\"New\",\"postcode\":\"2516\"}", ++kvk);
    if (!strcmp(body, "{PLACEMENT_A}"))
        return placement_body(employer_a);
    if (!strcmp(body, "{SEEKER_A}"))
        return seeker_body(portal_a);
    if (!strcmp(body, "{MATCH_A}")) /* a new seeker of portal A for the open placement */
        return fmt("{\"seeker_id\":%lld,\"placement_id\":%lld}",
                   create("/v1/seekers", seeker_body(portal_a)), placement_open);
    if (!strcmp(body, "{WRONG_LOGIN}")) /* a new account name each time: no throttling */
        return fmt("{\"email\":\"nobody-%d@example.org\",\"password\":\"not it\"}", ++kvk);
    if (!strcmp(body, "{SIGNUP}")) { /* a new organisation and address each time */
        ++kvk;
        return fmt("{\"organisation\":{\"name\":\"Signed up %d\",\"kvk_number\":\"5%07d\","
                   "\"postcode\":\"2516 AB\"},\"contact\":{\"name\":\"Sanne\",\"email\":"
                   "\"signup-%d@example.org\",\"language\":\"nl\"},\"password\":"
                   "\"a long passphrase of mine\"}",
                   kvk, kvk, kvk);
    }
    if (!strcmp(body, "{RESET}")) /* an unknown address each time: no throttling */
        return fmt("{\"email\":\"forgotten-%d@example.org\"}", ++kvk);
    if (!strcmp(body, "{INVITE_A}")) /* a new address, an employer user of A */
        return fmt("{\"email\":\"colleague-%d@example.org\",\"role\":\"employer\","
                   "\"employer_id\":%lld,\"language\":\"nl\"}",
                   ++kvk, employer_a);
    if (!strcmp(body, "{EMPLOYER_A}"))
        return fmt("{\"employer_id\":%lld}", employer_a);
    if (!strcmp(body, "{NEW_CONTACT_A}")) { /* a new contact of employer A, to be erased */
        const char *email = fmt("contact-%d-%d@example.org", (int)getpid(), ++kvk);
        struct http_response r =
            call_as(tokens[COORDINATOR], "PATCH", fmt("/v1/employers/%lld", employer_a),
                    fmt("{\"contacts\":[{\"name\":\"Matrix contact\",\"email\":\"%s\","
                        "\"language\":\"nl\"}]}",
                        email));
        if (r.status != 200)
            fprintf(stderr, "adding a contact for a row failed: %ld %s\n", r.status, r.body);
        http_response_free(&r);
        return fmt("{\"email\":\"%s\"}", email);
    }
    if (!strcmp(body, "{PORTAL}")) /* a new name each time */
        return fmt("{\"name\":\"Matrix portal %d\",\"contact_email\":\"p@example.org\"}", ++kvk);
    return body;
}

struct row {
    const char *method;
    const char *route; /* the pattern of routes.c */
    const char *path;  /* with placeholders */
    const char *body;
    int expect[ROLES];
    bool fresh_session; /* the call ends the session: use a new one per role */
};

#define ALL(code)                                                                                  \
    {                                                                                              \
        code, code, code, code, code, code                                                         \
    }
#define SIGNED_IN(code)                                                                            \
    {                                                                                              \
        401, code, code, code, code, code                                                          \
    }

static const struct row rows[] = {
    {"GET", "/healthz", "/healthz", NULL, ALL(200), false},
    {"GET", "/readyz", "/readyz", NULL, ALL(200), false},
    {"GET", "/metrics", "/metrics", NULL, ALL(200), false},
    {"GET", "/openapi.yaml", "/openapi.yaml", NULL, ALL(200), false},
    {"GET", "/docs", "/docs", NULL, ALL(200), false},
    {"GET", "/", "/", NULL, ALL(200), false},
    /* an asset of another build: not there for anyone */
    {"GET", "/assets/{build}/{file}", "/assets/000000000000/app.js", NULL, ALL(404), false},
    {"POST", "/v1/_test/echo", "/v1/_test/echo", "{}", ALL(200), false},
    {"POST", "/v1/auth/login", "/v1/auth/login", "{WRONG_LOGIN}", ALL(401), false},
    {"POST", "/v1/auth/logout", "/v1/auth/logout", NULL, {401, 204, 204, 204, 403, 403}, true},
    {"GET", "/v1/auth/me", "/v1/auth/me", NULL, SIGNED_IN(200), false},
    /* one's own password and sessions: accounts only; fresh ones, as these end sessions */
    {"PUT",
     "/v1/auth/password",
     "/v1/auth/password",
     "{\"current_password\":\"a password of some length\",\"new_password\":\"another long "
     "passphrase\"}",
     {401, 204, 204, 204, 403, 403},
     true},
    {"GET", "/v1/auth/sessions", "/v1/auth/sessions", NULL, {401, 200, 200, 200, 403, 403}, false},
    {"DELETE",
     "/v1/auth/sessions",
     "/v1/auth/sessions",
     NULL,
     {401, 200, 200, 200, 403, 403},
     true},
    {"DELETE",
     "/v1/auth/sessions/{id}",
     "/v1/auth/sessions/999999",
     NULL,
     {401, 404, 404, 404, 403, 403},
     false},
    /* public: the same answer whoever asks (and whatever is known) */
    {"POST", "/v1/signup", "/v1/signup", "{SIGNUP}", ALL(202), false},
    {"POST", "/v1/signup/confirm", "/v1/signup/confirm",
     "{\"token\":\"bpa_t_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}", ALL(410), false},
    {"POST", "/v1/auth/password-reset", "/v1/auth/password-reset", "{RESET}", ALL(202), false},
    {"POST", "/v1/auth/password-reset/confirm", "/v1/auth/password-reset/confirm",
     "{\"token\":\"bpa_t_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",\"password\":\"a long "
     "passphrase of mine\"}",
     ALL(410), false},
    {"POST", "/v1/invitations/preview", "/v1/invitations/preview",
     "{\"token\":\"bpa_t_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}", ALL(410), false},
    {"POST", "/v1/invitations/accept", "/v1/invitations/accept",
     "{\"token\":\"bpa_t_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",\"password\":\"a long "
     "passphrase of mine\"}",
     ALL(410), false},
    /* invitations: coordinators, and employer users for their own organisation */
    {"GET", "/v1/invitations", "/v1/invitations", NULL, {401, 200, 200, 200, 403, 403}, false},
    {"POST",
     "/v1/invitations",
     "/v1/invitations",
     "{INVITE_A}",
     {401, 201, 201, 404, 403, 403},
     false},
    {"POST",
     "/v1/invitations/{id}/resend",
     "/v1/invitations/{IA}/resend",
     NULL,
     {401, 200, 200, 404, 403, 403},
     false},
    {"DELETE",
     "/v1/invitations/{id}",
     "/v1/invitations/{NEW_IA}",
     NULL,
     {401, 204, 204, 404, 403, 403},
     false},
    /* accounts and portals: coordinators only */
    {"GET", "/v1/accounts", "/v1/accounts", NULL, {401, 200, 403, 403, 403, 403}, false},
    {"GET",
     "/v1/accounts/{id}",
     "/v1/accounts/{ACC_A}",
     NULL,
     {401, 200, 403, 403, 403, 403},
     false},
    {"PUT",
     "/v1/accounts/{id}/disabled",
     "/v1/accounts/{NEW_ACC}/disabled",
     "{\"disabled\":true}",
     {401, 200, 403, 403, 403, 403},
     false},
    {"PUT",
     "/v1/accounts/{id}/employer",
     "/v1/accounts/{NEW_ACC}/employer",
     "{EMPLOYER_A}",
     {401, 200, 403, 403, 403, 403},
     false},
    /* erasing an account: a new one each time, never one the other rows use */
    {"POST",
     "/v1/accounts/{id}/erase",
     "/v1/accounts/{NEW_ACC}/erase",
     NULL,
     {401, 200, 403, 403, 403, 403},
     false},
    {"GET",
     "/v1/auth/me/export",
     "/v1/auth/me/export",
     NULL,
     {401, 200, 200, 200, 403, 403},
     false},
    {"GET",
     "/v1/retention/report",
     "/v1/retention/report",
     NULL,
     {401, 200, 403, 403, 403, 403},
     false},
    {"GET",
     "/v1/reports/funnel",
     "/v1/reports/funnel",
     NULL,
     {401, 200, 403, 403, 403, 403},
     false},
    {"GET",
     "/v1/reports/time-in-stage",
     "/v1/reports/time-in-stage",
     NULL,
     {401, 200, 403, 403, 403, 403},
     false},
    {"GET",
     "/v1/reports/unmet-demand",
     "/v1/reports/unmet-demand",
     NULL,
     {401, 200, 403, 403, 403, 403},
     false},
    {"GET",
     "/v1/reports/skills-gap",
     "/v1/reports/skills-gap",
     NULL,
     {401, 200, 403, 403, 403, 403},
     false},
    {"GET",
     "/v1/reports/seekers-without-match",
     "/v1/reports/seekers-without-match",
     NULL,
     {401, 200, 403, 403, 403, 403},
     false},
    {"GET", "/v1/changes", "/v1/changes", NULL, {401, 200, 403, 403, 200, 200}, false},
    {"GET", "/v1/rounds", "/v1/rounds", NULL, {401, 200, 403, 403, 403, 403}, false},
    {"POST",
     "/v1/rounds",
     "/v1/rounds",
     "{\"mode\":\"optimal\"}",
     {401, 201, 403, 403, 403, 403},
     false},
    {"GET", "/v1/rounds/{id}", "/v1/rounds/{NEW_RD}", NULL, {401, 200, 403, 403, 403, 403}, false},
    {"PATCH",
     "/v1/rounds/{id}/pairs/{seeker_id}",
     "/v1/rounds/{NEW_RD}/pairs/{SA}",
     "{\"dropped\":true}",
     {401, 200, 403, 403, 403, 403},
     false},
    {"POST",
     "/v1/rounds/{id}/commit",
     "/v1/rounds/{NEW_RD}/commit",
     NULL,
     {401, 200, 403, 403, 403, 403},
     false},
    {"POST",
     "/v1/rounds/{id}/recompute",
     "/v1/rounds/{NEW_RD}/recompute",
     NULL,
     {401, 201, 403, 403, 403, 403},
     false},
    {"GET", "/v1/audit", "/v1/audit", NULL, {401, 200, 403, 403, 403, 403}, false},
    {"GET", "/v1/matches", "/v1/matches", NULL, SIGNED_IN(200), false},
    {"POST", "/v1/matches", "/v1/matches", "{MATCH_A}", {401, 201, 403, 403, 201, 404}, false},
    {"GET", "/v1/matches/queue", "/v1/matches/queue", NULL, {401, 200, 403, 403, 403, 403}, false},
    {"GET", "/v1/matches/{id}", "/v1/matches/{MA}", NULL, {401, 200, 404, 404, 200, 404}, false},
    {"POST",
     "/v1/matches/{id}/transitions",
     "/v1/matches/{NEW_MA}/transitions",
     "{\"action\":\"approve\"}",
     {401, 200, 404, 404, 409, 404},
     false},
    {"PUT",
     "/v1/portal/webhook",
     "/v1/portal/webhook",
     "{\"url\":\"http://127.0.0.1:9/hook\"}",
     {401, 403, 403, 403, 200, 200},
     false},
    {"GET",
     "/v1/portal/webhook",
     "/v1/portal/webhook",
     NULL,
     {401, 403, 403, 403, 200, 200},
     false},
    {"POST",
     "/v1/portal/webhook/secret",
     "/v1/portal/webhook/secret",
     NULL,
     {401, 403, 403, 403, 200, 200},
     false},
    /* to a closed port: answered, with the failure in the body */
    {"POST",
     "/v1/portal/webhook/test",
     "/v1/portal/webhook/test",
     NULL,
     {401, 403, 403, 403, 200, 200},
     false},
    {"GET", "/v1/notifications", "/v1/notifications", NULL, SIGNED_IN(200), false},
    {"POST",
     "/v1/notifications/{id}/read",
     "/v1/notifications/999999/read",
     NULL,
     {401, 404, 404, 404, 404, 404},
     false},
    {"GET",
     "/v1/notifications/deliveries",
     "/v1/notifications/deliveries",
     NULL,
     {401, 200, 403, 403, 200, 200},
     false},
    {"POST",
     "/v1/notifications/{id}/retry",
     "/v1/notifications/999999/retry",
     NULL,
     {401, 404, 403, 403, 404, 404},
     false},
    {"GET", "/v1/employers", "/v1/employers", NULL, {401, 200, 200, 200, 403, 403}, false},
    {"POST", "/v1/employers", "/v1/employers", "{KVK}", {401, 201, 403, 403, 403, 403}, false},
    {"GET",
     "/v1/employers/{id}",
     "/v1/employers/{EA}",
     NULL,
     {401, 200, 200, 404, 403, 403},
     false},
    {"PATCH",
     "/v1/employers/{id}",
     "/v1/employers/{EA}",
     "{\"address\":\"Binckhorstlaan 1\"}",
     {401, 200, 200, 404, 403, 403},
     false},
    {"PUT",
     "/v1/employers/{id}/verified",
     "/v1/employers/{EA}/verified",
     "{\"verified\":true}",
     {401, 200, 403, 403, 403, 403},
     false},
    /* a contact of A made for each call, then erased */
    {"POST",
     "/v1/employers/{id}/contacts/erase",
     "/v1/employers/{EA}/contacts/erase",
     "{NEW_CONTACT_A}",
     {401, 200, 403, 403, 403, 403},
     false},
    {"GET", "/v1/portals", "/v1/portals", NULL, {401, 200, 403, 403, 403, 403}, false},
    {"POST", "/v1/portals", "/v1/portals", "{PORTAL}", {401, 201, 403, 403, 403, 403}, false},
    {"GET", "/v1/portals/{id}", "/v1/portals/{PA}", NULL, {401, 200, 403, 403, 403, 403}, false},
    {"PATCH",
     "/v1/portals/{id}",
     "/v1/portals/{PA}",
     "{\"contact_email\":\"portal-a@example.org\"}",
     {401, 200, 403, 403, 403, 403},
     false},
    {"PUT",
     "/v1/portals/{id}/active",
     "/v1/portals/{PA}/active",
     "{\"active\":true}",
     {401, 200, 403, 403, 403, 403},
     false},
    {"GET",
     "/v1/portals/{id}/keys",
     "/v1/portals/{PA}/keys",
     NULL,
     {401, 200, 403, 403, 403, 403},
     false},
    {"POST",
     "/v1/portals/{id}/keys",
     "/v1/portals/{PA}/keys",
     NULL,
     {401, 201, 403, 403, 403, 403},
     false},
    {"DELETE",
     "/v1/portals/{id}/keys/{key_id}",
     "/v1/portals/{PA}/keys/{NEW_KEY}",
     NULL,
     {401, 204, 403, 403, 403, 403},
     false},
    {"PUT",
     "/v1/portals/{id}/rate-limit",
     "/v1/portals/{PA}/rate-limit",
     "{\"requests_per_minute\":null}",
     {401, 200, 403, 403, 403, 403},
     false},
    {"GET", "/v1/placements", "/v1/placements", NULL, SIGNED_IN(200), false},
    {"POST",
     "/v1/placements",
     "/v1/placements",
     "{PLACEMENT_A}",
     {401, 201, 201, 422, 403, 403},
     false},
    {"GET",
     "/v1/placements/{id}",
     "/v1/placements/{PO}",
     NULL,
     {401, 200, 200, 404, 200, 200},
     false},
    {"GET",
     "/v1/placements/{id}",
     "/v1/placements/{PD}",
     NULL,
     {401, 200, 200, 404, 404, 404},
     false},
    {"PATCH",
     "/v1/placements/{id}",
     "/v1/placements/{PO}",
     "{\"capacity\":3}",
     {401, 200, 200, 404, 403, 403},
     false},
    {"DELETE",
     "/v1/placements/{id}",
     "/v1/placements/{NEW_PD}",
     NULL,
     {401, 204, 204, 404, 403, 403},
     false},
    {"POST",
     "/v1/placements/{id}/open",
     "/v1/placements/{NEW_PD}/open",
     NULL,
     {401, 200, 200, 404, 403, 403},
     false},
    {"POST",
     "/v1/placements/{id}/close",
     "/v1/placements/{NEW_PD}/close",
     NULL,
     {401, 200, 200, 404, 403, 403},
     false},
    {"GET",
     "/v1/placements/{id}/candidates",
     "/v1/placements/{PO}/candidates",
     NULL,
     {401, 200, 200, 404, 403, 403},
     false},
    {"GET",
     "/v1/seekers/{id}/matches",
     "/v1/seekers/{SA}/matches",
     NULL,
     {401, 200, 403, 403, 200, 404},
     false},
    {"GET",
     "/v1/seekers/{id}/matches/{placement_id}",
     "/v1/seekers/{SA}/matches/{PO}",
     NULL,
     {401, 200, 403, 403, 200, 404},
     false},
    {"GET", "/v1/seekers", "/v1/seekers", NULL, {401, 200, 403, 403, 200, 200}, false},
    {"POST", "/v1/seekers", "/v1/seekers", "{SEEKER_A}", {401, 201, 403, 403, 201, 422}, false},
    {"GET", "/v1/seekers/{id}", "/v1/seekers/{SA}", NULL, {401, 200, 403, 403, 200, 404}, false},
    {"PATCH",
     "/v1/seekers/{id}",
     "/v1/seekers/{SA}",
     "{\"max_travel_km\":12}",
     {401, 200, 403, 403, 200, 404},
     false},
    {"DELETE",
     "/v1/seekers/{id}",
     "/v1/seekers/{NEW_SA}",
     NULL,
     {401, 204, 403, 403, 204, 404},
     false},
    /* consents, export and erasure: the seeker's portal and coordinators */
    {"GET",
     "/v1/seekers/{id}/consents",
     "/v1/seekers/{SA}/consents",
     NULL,
     {401, 200, 403, 403, 200, 404},
     false},
    {"POST",
     "/v1/seekers/{id}/consents",
     "/v1/seekers/{SA}/consents",
     "{\"purpose\":\"email_updates\",\"given\":true,\"text_version\":\"1\"}",
     {401, 201, 403, 403, 201, 404},
     false},
    {"GET",
     "/v1/seekers/{id}/export",
     "/v1/seekers/{SA}/export",
     NULL,
     {401, 200, 403, 403, 200, 404},
     false},
    /* a new seeker each time: the shared one stays */
    {"POST",
     "/v1/seekers/{id}/erase",
     "/v1/seekers/{NEW_SA}/erase",
     NULL,
     {401, 200, 403, 403, 200, 404},
     false},
    {"GET", "/v1/skills", "/v1/skills", NULL, SIGNED_IN(200), false},
    {"GET", "/v1/skills/{id}", "/v1/skills/test-solder", NULL, SIGNED_IN(200), false},
    {"GET", "/v1/occupations", "/v1/occupations", NULL, SIGNED_IN(200), false},
    {"GET", "/v1/occupations/{id}", "/v1/occupations/test-plumber", NULL, SIGNED_IN(200), false},
    {"GET", "/v1/postcodes/{pc4}", "/v1/postcodes/2516", NULL, SIGNED_IN(200), false},
};
#define ROW_COUNT (sizeof rows / sizeof rows[0])

START_TEST(every_route_has_a_row)
{
    for (size_t i = 0; i < bpa_all_route_count; i++) {
        bool found = false;
        for (size_t j = 0; j < ROW_COUNT && !found; j++)
            found = !strcmp(rows[j].method, bpa_all_routes[i].method) &&
                    !strcmp(rows[j].route, bpa_all_routes[i].pattern);
        ck_assert_msg(found, "%s %s has no row in the access matrix", bpa_all_routes[i].method,
                      bpa_all_routes[i].pattern);
    }
}
END_TEST

START_TEST(every_role_gets_the_expected_status)
{
    char failures[8192] = "";
    for (size_t i = 0; i < ROW_COUNT; i++) {
        const struct row *row = &rows[i];
        for (int role = 0; role < ROLES; role++) {
            const char *token = tokens[role];
            char *fresh = NULL;
            if (row->fresh_session &&
                (role == COORDINATOR || role == EMPLOYER_A || role == EMPLOYER_B)) {
                fresh = harness_login_new_account(
                    &server, db.url, fmt("fresh-%zu-%d@example.org", i, role),
                    role == COORDINATOR
                        ? NULL
                        : fmt("%lld", role == EMPLOYER_A ? employer_a : employer_b));
                token = fresh;
            }
            struct http_response r =
                call_as(token, row->method, fill(row->path), fill_body(row->body));
            if (r.status != row->expect[role])
                snprintf(failures + strlen(failures), sizeof failures - strlen(failures),
                         "\n  %s %s as %s: %ld, expected %d %s", row->method, row->path,
                         role_names[role], r.status, row->expect[role], r.body);
            http_response_free(&r);
            free(fresh);
        }
    }
    ck_assert_msg(!failures[0], "unexpected statuses:%s", failures);
}
END_TEST

/* The ids a list answered, as "1,2". */
static const char *listed(int role, const char *path)
{
    static char out[512];
    struct http_response r = call_as(tokens[role], "GET", path, NULL);
    ck_assert_int_eq(r.status, 200);
    out[0] = '\0';
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(r.json, "items"), i, item)
        snprintf(out + strlen(out), sizeof out - strlen(out), "%s%lld", i ? "," : "",
                 (long long)json_integer_value(json_object_get(item, "id")));
    http_response_free(&r);
    return out;
}

START_TEST(lists_show_only_what_the_caller_may_see)
{
    /* a fresh world of one employer and one portal each */
    ck_assert_str_eq(listed(EMPLOYER_B, "/v1/employers"), fmt("%lld", employer_b));
    ck_assert_str_eq(listed(EMPLOYER_B, fmt("/v1/employers?q=Matrix%%201")), "");
    const char *b_placements = listed(EMPLOYER_B, "/v1/placements");
    ck_assert_str_eq(b_placements, "");
    ck_assert_str_eq(listed(EMPLOYER_B, fmt("/v1/placements?employer_id=%lld", employer_a)), "");
    ck_assert_str_eq(listed(PORTAL_B, fmt("/v1/seekers")), fmt("%lld", seeker_b));
    ck_assert_str_eq(listed(PORTAL_B, fmt("/v1/seekers?portal_id=%lld", portal_a)), "");
    /* portals see open placements only, whatever they ask */
    const char *open_only = listed(PORTAL_A, fmt("/v1/placements?employer_id=%lld", employer_a));
    ck_assert_ptr_nonnull(strstr(open_only, fmt("%lld", placement_open)));
    ck_assert_str_eq(listed(PORTAL_A, "/v1/placements?status=draft"), "");
}
END_TEST

START_TEST(reads_of_seekers_and_logins_are_audited)
{
    struct http_response r =
        call_as(tokens[PORTAL_A], "GET", fmt("/v1/seekers/%lld", seeker_a), NULL);
    ck_assert_int_eq(r.status, 200);
    char request_id[80];
    ck_assert(http_header(&r, "X-Request-Id", request_id, sizeof request_id));
    http_response_free(&r);
    r = call_as(
        tokens[COORDINATOR], "GET",
        fmt("/v1/audit?action=seeker.read&resource_id=%lld&principal_kind=portal", seeker_a), NULL);
    ck_assert_int_eq(r.status, 200);
    json_t *items = json_object_get(r.json, "items");
    ck_assert_uint_ge(json_array_size(items), 1);
    json_t *last = json_array_get(items, json_array_size(items) - 1);
    ck_assert_str_eq(json_string_value(json_object_get(last, "request_id")), request_id);
    http_response_free(&r);

    r = call_as(tokens[COORDINATOR], "GET", "/v1/audit?action=login_failed", NULL);
    ck_assert_uint_ge(json_array_size(json_object_get(r.json, "items")), 1);
    http_response_free(&r);
    r = call_as(tokens[COORDINATOR], "GET", "/v1/audit?action=api_key.create", NULL);
    ck_assert_uint_ge(json_array_size(json_object_get(r.json, "items")), 2);
    http_response_free(&r);
    /* and nobody, not even the database's owner, rewrites it */
    ck_assert_int_ne(harness_db_sql(&db, "UPDATE audit_log SET action = 'x'"), 0);
    ck_assert_int_ne(harness_db_sql(&db, "DELETE FROM audit_log"), 0);
}
END_TEST

int main(void)
{
    if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        return 2;
    harness_db_create(&db);
    /* every row calls from 127.0.0.1: sign-ups and resets unthrottled */
    const char *const extra[] = {"--migrate", "--login-max-failures-per-address",
                                 "1000",      "--password-opslimit",
                                 "1",         "--password-memlimit-kib",
                                 "8192",      "--signup-max-per-address",
                                 "100000",    NULL};
    int status = 0;
    if (!harness_server_start(&server, db.url, extra, &status))
        return 2;
    if (harness_db_sql_file(&db, "tests/integration/fixtures/reference.sql") != 0)
        return 2;

    tokens[COORDINATOR] = harness_login_new_account(&server, db.url, "coord@example.org", NULL);
    employer_a = new_employer();
    employer_b = new_employer();
    tokens[EMPLOYER_A] =
        harness_login_new_account(&server, db.url, "a@example.org", fmt("%lld", employer_a));
    tokens[EMPLOYER_B] =
        harness_login_new_account(&server, db.url, "b@example.org", fmt("%lld", employer_b));
    struct http_response r = call_as(tokens[EMPLOYER_A], "GET", "/v1/auth/me", NULL);
    account_a = json_integer_value(json_object_get(r.json, "account_id"));
    http_response_free(&r);
    tokens[PORTAL_A] = harness_new_portal(db.url, "Matrix portal A", &portal_a);
    tokens[PORTAL_B] = harness_new_portal(db.url, "Matrix portal B", &portal_b);
    r = call_as(tokens[COORDINATOR], "PUT", fmt("/v1/employers/%lld/verified", employer_a),
                "{\"verified\":true}");
    http_response_free(&r);
    placement_open = create("/v1/placements", placement_body(employer_a));
    r = call_as(tokens[COORDINATOR], "POST", fmt("/v1/placements/%lld/open", placement_open), NULL);
    http_response_free(&r);
    placement_draft = create("/v1/placements", placement_body(employer_a));
    seeker_a = create("/v1/seekers", seeker_body(portal_a));
    seeker_b = create("/v1/seekers", seeker_body(portal_b));
    match_a = new_match();

    Suite *s = suite_create("access");
    TCase *tc = tcase_create("matrix");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, every_route_has_a_row);
    tcase_add_test(tc, every_role_gets_the_expected_status);
    tcase_add_test(tc, lists_show_only_what_the_caller_may_see);
    tcase_add_test(tc, reads_of_seekers_and_logins_are_audited);
    suite_add_tcase(s, tc);
    int failed = harness_run_suite(s);
    int stopped = harness_server_stop(&server, SIGTERM);
    if (!WIFEXITED(stopped) || WEXITSTATUS(stopped) != 0)
        failed++;
    harness_db_destroy(&db);
    for (int i = 0; i < ROLES; i++)
        free(tokens[i]);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
