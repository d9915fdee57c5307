/* Fuzzes the validation of each resource's request body as the create
 * endpoints run it: the resource's own field table (employers, placements,
 * seekers), then its `complete` step (dates in order, hours within the
 * schedule, skills listed once, owner, skill and postcode look-ups) against
 * a small fake database. The first byte picks the resource; the rest is the
 * body.
 *
 * Invariants: problems serialise; a body without problems is stored as
 * JSON text, and that stored document, shown as the API shows it and sent
 * back as an update would, passes unchanged.
 *
 * fuzz-links: tests/fuzz/resource_employers.c tests/fuzz/resource_placements.c
 * fuzz-links: tests/fuzz/resource_seekers.c server/handlers/resource.c
 * fuzz-links: server/fields.c server/schedule.c
 * fuzz-flags: -max_len=6000
 */
#include "db/db.h"
#include "fuzz.h"
#include "handlers/resource.h"

const struct bpa_resource *fuzz_resource_employers(void);
const struct bpa_resource *fuzz_resource_placements(void);
const struct bpa_resource *fuzz_resource_seekers(void);

/* --- the database, faked: what `complete` asks of it --- */

static bool known_owner(const char *id)
{
    FUZZ_CHECK(strspn(id, "-0123456789") == strlen(id) && *id);
    long long n = strtoll(id, NULL, 10);
    return n >= 1 && n <= 1000;
}

enum bpa_db_status bpa_db_employer_exists(struct bpa_db_conn *conn, const char *id, bool *found)
{
    (void)conn;
    *found = known_owner(id);
    return BPA_DB_OK;
}

enum bpa_db_status bpa_db_portal_exists(struct bpa_db_conn *conn, const char *id, bool *found)
{
    (void)conn;
    *found = known_owner(id);
    return BPA_DB_OK;
}

enum bpa_db_status bpa_db_occupation_known(struct bpa_db_conn *conn, const char *uri, bool *known)
{
    (void)conn;
    *known = strstr(uri, "/occupation/") != NULL;
    return BPA_DB_OK;
}

enum bpa_db_status bpa_db_unknown_skills(struct bpa_db_conn *conn, const char *uris, char **unknown)
{
    (void)conn;
    json_t *list = json_loads(uris, 0, NULL), *out = json_array();
    FUZZ_CHECK(json_is_array(list) && json_array_size(list) > 0);
    size_t i;
    json_t *uri;
    json_array_foreach(list, i, uri)
    {
        FUZZ_CHECK(json_is_string(uri));
        if (!strstr(json_string_value(uri), "/skill/"))
            json_array_append(out, uri);
    }
    *unknown = json_dumps(out, JSON_COMPACT);
    json_decref(out);
    json_decref(list);
    return BPA_DB_OK;
}

enum bpa_db_status bpa_db_postcode_get(struct bpa_db_conn *conn, const char *pc4, char **doc)
{
    (void)conn;
    FUZZ_CHECK(strlen(pc4) == 4 && strspn(pc4, "0123456789") == 4);
    *doc = pc4[0] <= '5' ? strdup("{\"pc4\": 2516, \"lat\": 52.0705, \"lon\": 4.3007}") : NULL;
    return BPA_DB_OK;
}

/* --- the harness --- */

static void check_details(const json_t *details)
{
    size_t i;
    json_t *detail;
    json_array_foreach(details, i, detail)
    {
        FUZZ_CHECK(json_is_string(json_object_get(detail, "field")));
        FUZZ_CHECK(json_is_string(json_object_get(detail, "problem")));
    }
    char *text = json_dumps(details, JSON_COMPACT);
    FUZZ_CHECK(text != NULL);
    free(text);
}

/* What the database adds to a saved document: its read-only members. */
static char *store(json_t *doc, enum bpa_document kind)
{
    json_t *stored = json_deep_copy(doc);
    json_object_set_new(stored, "id", json_integer(42));
    json_object_set_new(stored, "version", json_integer(1));
    json_object_set_new(stored, "created_at", json_string("2026-05-01T09:30:00Z"));
    json_object_set_new(stored, "updated_at", json_string("2026-05-01T09:30:00Z"));
    if (kind == BPA_PLACEMENT)
        json_object_set_new(stored, "status", json_string("draft"));
    if (kind == BPA_EMPLOYER)
        json_object_set_new(stored, "verified", json_false());
    char *text = json_dumps(stored, JSON_COMPACT);
    json_decref(stored);
    return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const struct bpa_resource *resource = data[0] % 3 == 0   ? fuzz_resource_employers()
                                          : data[0] % 3 == 1 ? fuzz_resource_placements()
                                                             : fuzz_resource_seekers();
    json_t *body = json_loadb((const char *)data + 1, size - 1,
                              JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
    if (!body)
        return 0;
    json_t *details = json_array();
    json_t *doc = bpa_fields_check(body, resource->fields, "", details);
    check_details(details);
    if (doc && json_array_size(details) == 0) {
        /* bpa_access_claim gives a new item its caller as owner */
        const char *owner = resource->kind == BPA_PLACEMENT ? "employer_id"
                            : resource->kind == BPA_SEEKER  ? "portal_id"
                                                            : NULL;
        if (owner && !json_object_get(doc, owner))
            json_object_set_new(doc, owner, json_integer(7));
        static char connection;
        enum bpa_db_status status =
            resource->complete((struct bpa_db_conn *)(void *)&connection, doc, details, true);
        FUZZ_CHECK(status == BPA_DB_OK);
        check_details(details);
    }
    if (doc && json_array_size(details) == 0) {
        char *stored = store(doc, resource->kind);
        FUZZ_CHECK(stored != NULL);
        json_t *shown = bpa_resource_present(resource, stored);
        FUZZ_CHECK(shown != NULL);
        json_t *patch = bpa_fields_writable(shown, resource->fields);
        json_t *details2 = json_array();
        json_t *again = bpa_fields_check(patch, resource->fields, "", details2);
        FUZZ_CHECK(json_array_size(details2) == 0);
        FUZZ_CHECK(json_equal(again, doc));
        json_decref(again);
        json_decref(details2);
        json_decref(patch);
        json_decref(shown);
        free(stored);
    }
    json_decref(doc);
    json_decref(details);
    json_decref(body);
    return 0;
}
