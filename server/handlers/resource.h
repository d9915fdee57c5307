/* What employers, placements and seekers share: create (with
 * Idempotency-Key), get (with ETag), update (a merge of the stored document
 * and the request, with If-Match), and turning stored documents into
 * responses. Each resource supplies a field table and a `complete` step. */
#ifndef BPA_RESOURCE_H
#define BPA_RESOURCE_H

#include "fields.h"
#include "handlers/reply_memo.h"
#include "http.h"
#include "request.h"

struct bpa_resource {
    enum bpa_document kind;
    const char *name;       /* "employer": audit actions are name.create ... */
    bool personal;          /* a person's data: reads are audited too */
    const char *collection; /* "/v1/employers": Location is collection/id */
    const struct bpa_field *fields;
    const char *schedule_field;     /* stored as slots, shown as intervals; or NULL */
    struct bpa_reply_memo *replies; /* the replies to reads (reply_memo.h) */
    /* Fields that only a create may set. NULL-terminated. */
    const char *const *create_only;
    /* Checks across fields and against the database (referenced rows,
     * postcodes); may add members such as lat/lon. Problems go to
     * `details`. Runs inside the saving transaction, and also on a
     * document with invalid fields left out, to list every problem. */
    enum bpa_db_status (*complete)(struct bpa_db_conn *conn, json_t *doc, json_t *details,
                                   bool creating);
    /* When saving `doc` (resource `id`, NULL when creating) met a unique
     * value already taken: who holds it, as a message and details. NULL:
     * a plain 409. Runs after the rollback. */
    enum bpa_db_status (*describe_conflict)(struct bpa_db_conn *conn, const json_t *doc,
                                            const char *id, char *message, size_t size,
                                            json_t *details);
};

int bpa_resource_create(struct bpa_request *request, const struct bpa_resource *resource);
int bpa_resource_get(struct bpa_request *request, const struct bpa_resource *resource);
int bpa_resource_update(struct bpa_request *request, const struct bpa_resource *resource);

/* The get without a worker (struct bpa_single_read): starts reading the
 * document on `pipeline`, false when it cannot (personal data, whose
 * reads are audited, or no pipeline); then answers from what was read. */
bool bpa_resource_read_start(struct bpa_request *request, const struct bpa_resource *resource,
                             struct bpa_db_pipeline *pipeline, bpa_db_read_done done);
int bpa_resource_read_answer(struct bpa_request *request, const struct bpa_resource *resource,
                             const char *stored);

/* For an action on one resource: its id (path parameter "id") and whether
 * the principal may (BPA_ERR_COUNT) or what to answer instead. */
enum bpa_error bpa_resource_access(struct bpa_request *request, const struct bpa_resource *resource,
                                   char id[20], bool writing);

/* Appends "<name>.<verb>" for resource `id` to the audit trail. */
enum bpa_db_status bpa_resource_audit(struct bpa_db_conn *conn, const struct bpa_request *request,
                                      const struct bpa_resource *resource, const char *verb,
                                      const char *id);

/* A stored document (JSON text) as the API shows it, or NULL. */
json_t *bpa_resource_present(const struct bpa_resource *resource, const char *stored);

/* Replies to a list: `items` is the JSON text of a page from the database. */
int bpa_resource_reply_list(struct bpa_request *request, const struct bpa_resource *resource,
                            const char *items, const struct bpa_page *page);

/* --- shared `complete` steps --- */

/* Sets lat/lon from the postcode unless both are given. */
enum bpa_db_status bpa_complete_location(struct bpa_db_conn *conn, json_t *doc, json_t *details);

/* Reports every skill URI in the document that is not a known skill. `paths`
 * names where URIs are: "required_skills[].uri" (a list of objects) or
 * "taught_skills[]" (a list of URIs). */
enum bpa_db_status bpa_complete_skills(struct bpa_db_conn *conn, const json_t *doc,
                                       const char *const *paths, json_t *details);

/* On create: reports `field` (an id) when `exists` finds no such row. */
enum bpa_db_status
bpa_complete_owner(struct bpa_db_conn *conn, const json_t *doc, const char *field,
                   enum bpa_db_status (*exists)(struct bpa_db_conn *, const char *, bool *),
                   json_t *details);

/* Reports the same URI twice in the list of objects `list`. */
void bpa_check_unique_uris(const json_t *doc, const char *list, json_t *details);

#endif
