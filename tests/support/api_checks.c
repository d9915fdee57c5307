/* What the integration tests check of the API's answers (api_checks.h). */
#include "api_checks.h"

#include <stdio.h>

char api_last_call[300];

void api_note_call(const char *method, const char *path)
{
    snprintf(api_last_call, sizeof api_last_call, "%s %s", method, path);
}

struct http_response api_call(const struct harness_server *server, const char *token,
                              const char *method, const char *path, const char *body)
{
    api_note_call(method, path);
    return http_call_as(server, token, method, path, body);
}

struct http_response api_call_with_key(const struct harness_server *server, const char *token,
                                       const char *method, const char *path, const char *body,
                                       const char *key)
{
    char bearer[160];
    const char *headers[] = {harness_bearer(token, bearer, sizeof bearer),
                             fmt("Idempotency-Key: %s", key), "Content-Type: application/json",
                             NULL};
    snprintf(api_last_call, sizeof api_last_call, "%s %s (Idempotency-Key %s)", method, path, key);
    struct http_response r;
    http_call(server, method, path, headers, body, &r);
    return r;
}

const char *api_text(const json_t *object, const char *name)
{
    const char *text = json_string_value(json_object_get(object, name));
    return text ? text : "";
}

long long api_number(const json_t *object, const char *name)
{
    return (long long)json_integer_value(json_object_get(object, name));
}

bool api_names_field(const struct http_response *response, const char *field)
{
    size_t i;
    json_t *detail;
    json_array_foreach(json_object_get(json_object_get(response->json, "error"), "details"), i,
                       detail)
    {
        if (!strcmp(api_text(detail, "field"), field))
            return true;
    }
    return false;
}

bool api_replayed(const struct http_response *response)
{
    char value[16];
    return http_header(response, "Idempotent-Replayed", value, sizeof value) &&
           !strcmp(value, "true");
}

long long api_new_verified_employer(const struct harness_server *server, const char *token,
                                    const char *body)
{
    struct http_response r = http_call_as(server, token, "POST", "/v1/employers", body);
    long long id = r.status == 201 ? api_number(r.json, "id") : 0;
    http_response_free(&r);
    if (!id)
        return 0;
    r = http_call_as(server, token, "PUT", fmt("/v1/employers/%lld/verified", id),
                     "{\"verified\":true}");
    bool verified = r.status == 200;
    http_response_free(&r);
    return verified ? id : 0;
}

bool api_feed_cast_set_up(const struct harness_server *server, const struct harness_db *db,
                          struct api_feed_cast *cast)
{
    cast->coordinator = harness_login_new_account(server, db->url, "coord@example.org", NULL);
    cast->portal_a_key = harness_new_portal(db->url, "Feed portal A", &cast->portal_a);
    cast->portal_b_key = harness_new_portal(db->url, "Feed portal B", &cast->portal_b);
    cast->employer = api_new_verified_employer(
        server, cast->coordinator,
        "{\"kvk_number\":\"61616161\",\"name\":\"Volgwerk BV\",\"postcode\":\"2516\","
        "\"lat\":52.076,\"lon\":4.336}");
    if (!cast->employer)
        return false;
    cast->employer_user =
        harness_login_new_account(server, db->url, "werk@example.org", fmt("%lld", cast->employer));
    return harness_db_sql(db, "INSERT INTO postcodes VALUES (2516, 52.076, 4.336, 'Den Haag',"
                              " 'Den Haag'), (2522, 52.064, 4.330, 'Den Haag', 'Den Haag')"
                              " ON CONFLICT DO NOTHING") == 0;
}

void api_feed_cast_free(struct api_feed_cast *cast)
{
    free(cast->coordinator);
    free(cast->employer_user);
    free(cast->portal_a_key);
    free(cast->portal_b_key);
}

const char *api_placement_body(long long employer, int capacity)
{
    return fmt("{\"employer_id\":%lld,\"title\":\"Werkplaats\",\"postcode\":\"2516\","
               "\"schedule\":[{\"day\":\"mon\",\"from\":\"08:00\",\"to\":\"16:00\"}],"
               "\"hours_per_week\":8,\"start_date\":\"2027-02-01\",\"end_date\":\"2027-04-01\","
               "\"capacity\":%d}",
               employer, capacity);
}

const char *api_seeker_body(const char *name, const char *extra)
{
    return fmt("{%s\"name\":\"%s\",\"postcode\":\"2522\",\"availability\":[{\"day\":\"mon\","
               "\"from\":\"07:00\",\"to\":\"17:00\"}],\"available_from\":\"2027-01-01\","
               "\"max_hours_per_week\":24,\"max_travel_km\":10,\"consent\":{\"purpose\":"
               "\"matching\",\"text_version\":\"1\",\"given_at\":\"2026-11-01T10:00:00Z\"}}",
               extra, name);
}

bool api_start_with_reference_data(struct harness_server *server, const struct harness_db *db,
                                   const char *const *extra)
{
    int status = 0;
    return harness_server_start(server, db->url, extra, &status) &&
           harness_db_sql_file(db, "tests/integration/fixtures/reference.sql") == 0;
}
