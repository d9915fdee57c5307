/* Reference data: skills, occupations and postcodes — lookups for the API
 * and batched upserts for the importers. */
#include "internal.h"

#include <stdlib.h>

#define TERM_PAGE(table, fields, extra)                                                            \
    "SELECT COALESCE(json_agg(json_build_object('id', key, 'uri', uri, 'label_en', label_en,"      \
    " 'label_nl', label_nl, " fields ") ORDER BY uri), '[]') FROM (SELECT * FROM " table           \
    " WHERE ($1::text IS NULL OR uri > $1) AND ($2::text IS NULL"                                  \
    " OR lower(label_en) LIKE lower($2) || '%' OR lower(label_nl) LIKE lower($2) || '%')" extra    \
    " ORDER BY uri LIMIT $3) page"

#define TERM_GET(table, fields)                                                                    \
    "SELECT json_build_object('id', key, 'uri', uri, 'label_en', label_en, 'label_nl', label_nl,"  \
    " " fields ") FROM " table " WHERE key = $1"

#define UPSERT(table, column, value)                                                               \
    "WITH up AS (INSERT INTO " table " AS t (uri, label_en, label_nl, " column ")"                 \
    " SELECT uri, label_en, label_nl, " value " FROM jsonb_to_recordset($1::jsonb)"                \
    " AS x(uri text, label_en text, label_nl text, " value " text)"                                \
    " ON CONFLICT (uri) DO UPDATE SET label_en = COALESCE(EXCLUDED.label_en, t.label_en),"         \
    " label_nl = COALESCE(EXCLUDED.label_nl, t.label_nl),"                                         \
    " " column " = COALESCE(EXCLUDED." column ", t." column "), updated_at = now()"                \
    " WHERE (COALESCE(EXCLUDED.label_en, t.label_en), COALESCE(EXCLUDED.label_nl, t.label_nl),"    \
    " COALESCE(EXCLUDED." column ", t." column "))"                                                \
    " IS DISTINCT FROM (t.label_en, t.label_nl, t." column ")"                                     \
    " RETURNING xmax = 0 AS inserted)"                                                             \
    " SELECT json_build_object('inserted', count(*) FILTER (WHERE inserted),"                      \
    " 'updated', count(*) FILTER (WHERE NOT inserted)) FROM up"

const struct bpa_db_statement bpa_db_reference_statements[] = {
    {"skill_get", TERM_GET("skills", "'skill_type', skill_type")},
    {"occupation_get", TERM_GET("occupations", "'isco_group', isco_group")},
    /* $1 after uri, $2 label prefix (LIKE-escaped), $3 limit */
    {"skill_search", TERM_PAGE("skills", "'skill_type', skill_type", "")},
    {"occupation_search", TERM_PAGE("occupations", "'isco_group', isco_group", "")},
    {"postcode_get", "SELECT json_build_object('pc4', pc4, 'lat', lat, 'lon', lon,"
                     " 'place', place, 'municipality', municipality) FROM postcodes"
                     " WHERE pc4 = $1"},
    {"unknown_skills", "SELECT COALESCE(json_agg(u), '[]') FROM jsonb_array_elements_text($1)"
                       " AS u WHERE NOT EXISTS (SELECT 1 FROM skills s WHERE s.uri = u)"},
    {"occupation_known", "SELECT 1 FROM occupations WHERE uri = $1"},
    {"skill_upsert", UPSERT("skills", "skill_type", "skill_type")},
    {"occupation_upsert", UPSERT("occupations", "isco_group", "isco_group")},
    /* $1: [{pc4, lat, lon, place, municipality}] */
    {"postcode_upsert",
     "WITH up AS (INSERT INTO postcodes AS t (pc4, lat, lon, place, municipality)"
     " SELECT pc4, lat, lon, place, municipality FROM jsonb_to_recordset($1::jsonb)"
     " AS x(pc4 integer, lat float8, lon float8, place text, municipality text)"
     " ON CONFLICT (pc4) DO UPDATE SET lat = EXCLUDED.lat, lon = EXCLUDED.lon,"
     " place = EXCLUDED.place, municipality = EXCLUDED.municipality"
     " WHERE (EXCLUDED.lat, EXCLUDED.lon, EXCLUDED.place, EXCLUDED.municipality)"
     " IS DISTINCT FROM (t.lat, t.lon, t.place, t.municipality)"
     " RETURNING xmax = 0 AS inserted)"
     " SELECT json_build_object('inserted', count(*) FILTER (WHERE inserted),"
     " 'updated', count(*) FILTER (WHERE NOT inserted)) FROM up"},
    {NULL, NULL},
};

static const char *const term_get[] = {"skill_get", "occupation_get"};
static const char *const term_search[] = {"skill_search", "occupation_search"};
static const char *const term_upsert[] = {"skill_upsert", "occupation_upsert"};

enum bpa_db_status bpa_db_term_get(struct bpa_db_conn *conn, enum bpa_term kind, const char *key,
                                   char **doc)
{
    return bpa_db_text(conn, term_get[kind], 1, &key, doc);
}

enum bpa_db_status bpa_db_term_search(struct bpa_db_conn *conn, enum bpa_term kind,
                                      const char *after, const char *prefix, const char *limit,
                                      char **items)
{
    const char *params[] = {after, prefix, limit};
    return bpa_db_text(conn, term_search[kind], 3, params, items);
}

enum bpa_db_status bpa_db_term_upsert(struct bpa_db_conn *conn, enum bpa_term kind,
                                      const char *rows, char **counts)
{
    return bpa_db_text(conn, term_upsert[kind], 1, &rows, counts);
}

enum bpa_db_status bpa_db_postcode_upsert(struct bpa_db_conn *conn, const char *rows, char **counts)
{
    return bpa_db_text(conn, "postcode_upsert", 1, &rows, counts);
}

enum bpa_db_status bpa_db_postcode_get(struct bpa_db_conn *conn, const char *pc4, char **doc)
{
    return bpa_db_text(conn, "postcode_get", 1, &pc4, doc);
}

enum bpa_db_status bpa_db_unknown_skills(struct bpa_db_conn *conn, const char *uris, char **unknown)
{
    return bpa_db_text(conn, "unknown_skills", 1, &uris, unknown);
}

enum bpa_db_status bpa_db_occupation_known(struct bpa_db_conn *conn, const char *uri, bool *known)
{
    return bpa_db_row_exists(conn, "occupation_known", uri, known);
}
