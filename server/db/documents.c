/* Employers, placements and seekers: their documents (the views of
 * 0005_documents.sql), saves (the functions of 0006_saves.sql), pages of
 * lists with filters, and the few state changes. */
#include "internal.h"

#include <stdlib.h>

/* Per kind: the statement names, indexed by enum bpa_document. */
static const char *const get_statement[] = {"employer_get", "placement_get", "seeker_get"};
static const char *const save_statement[] = {"employer_save", "placement_save", "seeker_save"};
static const char *const list_statement[] = {"employer_list", "placement_list", "seeker_list"};
static const int list_params[] = {5, 11, 7};

#define PAGE(view, filters)                                                                        \
    "SELECT COALESCE(json_agg(doc ORDER BY id), '[]') FROM (SELECT id, doc FROM " view             \
    " WHERE ($1::bigint IS NULL OR id > $1) AND " filters " ORDER BY id LIMIT "

const struct bpa_db_statement bpa_db_document_statements[] = {
    {"employer_get", "SELECT doc FROM employer_documents WHERE id = $1"},
    {"placement_get", "SELECT doc FROM placement_documents WHERE id = $1"},
    {"seeker_get", "SELECT doc FROM seeker_documents WHERE id = $1"},
    {"employer_save", "SELECT bpa_save_employer($1, $2, $3::jsonb)"},
    {"placement_save", "SELECT bpa_save_placement($1, $2, $3::jsonb)"},
    {"seeker_save", "SELECT bpa_save_seeker($1, $2, $3::jsonb)"},
    /* $2 verified, $3 name contains (LIKE-escaped), $4 limit, $5 only this id */
    {"employer_list",
     PAGE("employer_documents", "($2::boolean IS NULL OR verified = $2)"
                                " AND ($3::text IS NULL OR name ILIKE '%' || $3 || '%')"
                                " AND ($5::bigint IS NULL OR id = $5)") "$4) page"},
    /* $2 status, $3 employer, $4 occupation, $5 required skill, $6 $7 $8 lat lon km,
     * $9 $10 start date range, $11 limit */
    {"placement_list",
     PAGE("placement_documents",
          "($2::text IS NULL OR status = $2) AND ($3::bigint IS NULL OR employer_id = $3)"
          " AND ($4::text IS NULL OR occupation_uri = $4)"
          " AND ($5::text IS NULL OR EXISTS (SELECT 1 FROM placement_required_skills r"
          "      WHERE r.placement_id = id AND r.skill_uri = $5))"
          " AND ($6::float8 IS NULL OR bpa_distance_km($6, $7::float8, lat, lon) <= $8::float8)"
          " AND ($9::date IS NULL OR start_date >= $9) AND ($10::date IS NULL OR start_date <= "
          "$10)") "$11) page"},
    /* $2 portal, $3 status, $4 skill, $5 postcode prefix (LIKE-escaped), $6 limit,
     * $7 the portal's own reference */
    {"seeker_list",
     PAGE("seeker_documents",
          "($2::bigint IS NULL OR portal_id = $2) AND ($3::text IS NULL OR status = $3)"
          " AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM seeker_skills k"
          "      WHERE k.seeker_id = id AND k.skill_uri = $4))"
          " AND ($5::text IS NULL OR postcode LIKE $5 || '%')"
          " AND ($7::text IS NULL OR id IN (SELECT x.id FROM seekers x"
          "      WHERE x.external_ref = $7 AND ($2::bigint IS NULL OR x.portal_id = $2)))") "$6) "
                                                                                            "page"},
    /* portal, external_ref, a seeker to leave out (or NULL): who holds the reference */
    {"seeker_holding_ref", "SELECT id FROM seekers WHERE portal_id = $1 AND external_ref = $2"
                           " AND id IS DISTINCT FROM $3::bigint"},
    {"employer_exists", "SELECT 1 FROM employers WHERE id = $1"},
    {"portal_exists", "SELECT 1 FROM portals WHERE id = $1"},
    {"employer_set_verified", "UPDATE employers SET verified = $2 WHERE id = $1 RETURNING id"},
    {"placement_state", "SELECT json_build_object('status', p.status, 'verified', e.verified)"
                        " FROM placements p JOIN employers e ON e.id = p.employer_id"
                        " WHERE p.id = $1 FOR UPDATE OF p"},
    {"placement_set_status", "UPDATE placements SET status = $2 WHERE id = $1"},
    {"placement_delete_draft",
     "DELETE FROM placements WHERE id = $1 AND status = 'draft' RETURNING id"},
    {"seeker_delete", "DELETE FROM seekers WHERE id = $1 RETURNING id"},
    {NULL, NULL},
};

enum bpa_db_status bpa_db_document_get(struct bpa_db_conn *conn, enum bpa_document kind,
                                       const char *id, char **doc)
{
    return bpa_db_text(conn, get_statement[kind], 1, &id, doc);
}

bool bpa_db_document_read(struct bpa_db_pipeline *pipeline, enum bpa_document kind, const char *id,
                          bpa_db_read_done done, void *context)
{
    return bpa_db_pipeline_read(pipeline, get_statement[kind], 1, &id, done, context);
}

enum bpa_db_status bpa_db_document_save(struct bpa_db_conn *conn, enum bpa_document kind,
                                        const char *id, const char *version, const char *doc,
                                        char **saved)
{
    const char *params[] = {id, version, doc};
    return bpa_db_text(conn, save_statement[kind], 3, params, saved);
}

enum bpa_db_status bpa_db_document_list(struct bpa_db_conn *conn, enum bpa_document kind,
                                        const char *const *params, char **items)
{
    return bpa_db_text(conn, list_statement[kind], list_params[kind], params, items);
}

enum bpa_db_status bpa_db_employer_exists(struct bpa_db_conn *conn, const char *id, bool *found)
{
    return bpa_db_row_exists(conn, "employer_exists", id, found);
}

enum bpa_db_status bpa_db_portal_exists(struct bpa_db_conn *conn, const char *id, bool *found)
{
    return bpa_db_row_exists(conn, "portal_exists", id, found);
}

enum bpa_db_status bpa_db_employer_set_verified(struct bpa_db_conn *conn, const char *id,
                                                bool verified, bool *found)
{
    const char *params[] = {id, verified ? "true" : "false"};
    char *one;
    enum bpa_db_status status = bpa_db_text(conn, "employer_set_verified", 2, params, &one);
    *found = one != NULL;
    free(one);
    return status;
}

enum bpa_db_status bpa_db_placement_state(struct bpa_db_conn *conn, const char *id, char **state)
{
    return bpa_db_text(conn, "placement_state", 1, &id, state);
}

enum bpa_db_status bpa_db_placement_set_status(struct bpa_db_conn *conn, const char *id,
                                               const char *status)
{
    const char *params[] = {id, status};
    PGresult *r;
    enum bpa_db_status result = bpa_db_exec(conn, "placement_set_status", 2, params, &r);
    PQclear(r);
    return result;
}

enum bpa_db_status bpa_db_placement_delete_draft(struct bpa_db_conn *conn, const char *id,
                                                 bool *deleted)
{
    return bpa_db_row_exists(conn, "placement_delete_draft", id, deleted);
}

enum bpa_db_status bpa_db_seeker_delete(struct bpa_db_conn *conn, const char *id, bool *deleted)
{
    return bpa_db_row_exists(conn, "seeker_delete", id, deleted);
}
