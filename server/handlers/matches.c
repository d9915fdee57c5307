/* Rankings: placements for a seeker, candidates for a placement, and one
 * pair explained. The scanned side comes from the daemon's index, the
 * other from the database; every item carries its score and explanation. */
#include "access.h"
#include "handlers.h"
#include "match_json.h"
#include "request.h"

#include <stdlib.h>
#include <string.h>

struct rank_query {
    struct bpa_rank_options options;
    char *occupation; /* URI, or NULL */
    bool include_excluded;
};

static bool read_query(struct bpa_request *request, struct rank_query *q, json_t *details)
{
    memset(q, 0, sizeof *q);
    q->options.limit = 20;
    char *limit = bpa_query_checked(request, "limit", BPA_INTEGER, 1, 200, NULL, details);
    char *min_score = bpa_query_checked(request, "min_score", BPA_INTEGER, 0, 100, NULL, details);
    char *within = bpa_query_checked(request, "within_km", BPA_NUMBER, 0.1, 500, NULL, details);
    char *excluded =
        bpa_query_checked(request, "include_excluded", BPA_BOOLEAN, 0, 0, NULL, details);
    q->occupation = bpa_query_checked(request, "occupation", BPA_URI, 0, 0, NULL, details);
    if (limit)
        q->options.limit = (size_t)atol(limit);
    if (min_score)
        q->options.min_score = atoi(min_score);
    if (within)
        q->options.within_km = strtod(within, NULL);
    q->include_excluded = excluded && strcmp(excluded, "true") == 0;
    free(limit);
    free(min_score);
    free(within);
    free(excluded);
    return json_array_size(details) == 0;
}

/* Excluded placements for a seeker, nearest first (then by id, so that
 * every daemon answers alike), up to `limit`. */
struct excluded {
    size_t position;
    double distance_km;
    int64_t id;
};

static int nearest_first(const void *a, const void *b)
{
    const struct excluded *x = a, *y = b;
    if (x->distance_km != y->distance_km)
        return x->distance_km < y->distance_km ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static json_t *excluded_placements(const struct bpa_server *server, const struct bpa_seeker *seeker,
                                   size_t limit)
{
    const struct bpa_placement_index *placements = &server->index->placements;
    struct excluded *found = malloc((placements->count + 1) * sizeof *found);
    size_t n = 0;
    for (size_t i = 0; found && i < placements->count; i++) {
        struct bpa_match_result r;
        bpa_match_evaluate(&server->rules, seeker, &placements->items[i], &r);
        if (r.failed)
            found[n++] = (struct excluded){i, r.distance_km, placements->items[i].id};
    }
    if (found)
        qsort(found, n, sizeof *found, nearest_first);
    json_t *items = json_array();
    for (size_t i = 0; i < n && i < limit; i++) {
        const struct bpa_placement *p = &placements->items[found[i].position];
        struct bpa_match_result r;
        bpa_match_evaluate(&server->rules, seeker, p, &r);
        json_t *item = json_pack("{s:I}", "placement_id", (json_int_t)p->id);
        json_object_update_new(item, bpa_match_json(&server->rules, server->index->vocab, p, &r));
        json_array_append_new(items, item);
    }
    free(found);
    return items;
}

/* BPA_ERR_CONSENT_MISSING when seeker `id` may not be ranked (no consent
 * for matching, or erased), BPA_ERR_COUNT when it may. */
static enum bpa_error consent_to_rank(struct bpa_request *request, const char *id)
{
    char *allowed = NULL;
    enum bpa_db_status status =
        bpa_db_call(request->db, "seeker_matching_allowed", 1, (const char *const[]){id}, &allowed);
    bool may = allowed && strcmp(allowed, "t") == 0, known = allowed != NULL;
    free(allowed);
    if (status != BPA_DB_OK)
        return bpa_error_from_db(status);
    return may || !known ? BPA_ERR_COUNT : BPA_ERR_CONSENT_MISSING;
}

int bpa_handle_seeker_matches(struct bpa_request *request)
{
    char id[20];
    if (!bpa_param_id(request, "id", id))
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
    enum bpa_error refused = bpa_access_resource(request, BPA_SEEKER, id, false);
    if (refused == BPA_ERR_COUNT)
        refused = consent_to_rank(request, id);
    if (refused != BPA_ERR_COUNT)
        return bpa_reply_error(request, refused, NULL, NULL);
    json_t *details = json_array();
    struct rank_query q;
    if (!read_query(request, &q, details)) {
        free(q.occupation);
        return bpa_reply_error(request, BPA_ERR_VALIDATION_FAILED, NULL, details);
    }
    json_decref(details);

    const struct bpa_server *server = request->server;
    struct bpa_match_index *index = server->index;
    static __thread struct bpa_seeker_holder seeker;
    struct bpa_ranked *ranked = malloc(q.options.limit * sizeof *ranked);
    bool found = false;
    pthread_rwlock_rdlock(&index->lock);
    /* An active seeker is in the index, as fresh as the placements ranked
     * against it; only others are read from the database (under the lock,
     * as their skills are named in the index's vocabulary). */
    const struct bpa_seeker *profile = bpa_seeker_index_find(&index->seekers, atoll(id));
    enum bpa_db_status status = BPA_DB_OK;
    if (profile)
        found = true;
    else if ((status = bpa_match_load_seeker(request->db, index->vocab, id, &seeker, &found)) ==
             BPA_DB_OK)
        profile = &seeker.seeker;
    json_t *items = json_array(), *excluded = NULL;
    if (status == BPA_DB_OK && found && ranked) {
        if (q.occupation) /* an occupation no placement has ranks nothing */
            q.options.occupation = bpa_vocab_id(index->vocab, q.occupation, false);
        size_t n = q.occupation && !q.options.occupation
                       ? 0
                       : bpa_rank_placements(&server->rules, profile, index->placements.items,
                                             index->placements.count, &q.options, ranked);
        for (size_t i = 0; i < n; i++) {
            const struct bpa_placement *p =
                bpa_placement_index_find(&index->placements, ranked[i].id);
            struct bpa_match_result r;
            bpa_match_evaluate(&server->rules, profile, p, &r);
            json_t *item = json_pack("{s:I}", "placement_id", (json_int_t)p->id);
            json_object_update_new(item, bpa_match_json(&server->rules, index->vocab, p, &r));
            json_array_append_new(items, item);
        }
        if (q.include_excluded)
            excluded = excluded_placements(server, profile, q.options.limit);
    }
    pthread_rwlock_unlock(&index->lock);
    free(ranked);
    free(q.occupation);
    if (status == BPA_DB_OK && found)
        status = bpa_access_audit(request->db, request, "seeker.rank", "seeker", id, NULL);
    if (status != BPA_DB_OK || !found) {
        json_decref(items);
        json_decref(excluded);
        return bpa_reply_error(request,
                               status != BPA_DB_OK ? bpa_error_from_db(status) : BPA_ERR_NOT_FOUND,
                               NULL, NULL);
    }
    json_t *body = json_pack("{s:I, s:s, s:o}", "seeker_id", (json_int_t)atoll(id), "rules_version",
                             server->rules.version, "items", items);
    if (excluded)
        json_object_set_new(body, "excluded", excluded);
    return bpa_reply_json(request, 200, body);
}

int bpa_handle_placement_candidates(struct bpa_request *request)
{
    char id[20];
    if (!bpa_param_id(request, "id", id))
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
    enum bpa_error refused = bpa_access_resource(request, BPA_PLACEMENT, id, false);
    if (refused != BPA_ERR_COUNT)
        return bpa_reply_error(request, refused, NULL, NULL);
    json_t *details = json_array();
    struct rank_query q;
    read_query(request, &q, details);
    if (q.include_excluded || q.occupation)
        bpa_field_problem(details, q.occupation ? "occupation" : "include_excluded",
                          "is for rankings of placements only");
    free(q.occupation);
    if (json_array_size(details))
        return bpa_reply_error(request, BPA_ERR_VALIDATION_FAILED, NULL, details);
    json_decref(details);

    const struct bpa_server *server = request->server;
    struct bpa_match_index *index = server->index;
    bool pseudonymous = request->principal.role == BPA_ROLE_EMPLOYER;
    static __thread struct bpa_placement_holder placement;
    struct bpa_ranked *ranked = malloc(q.options.limit * sizeof *ranked);
    bool found = false;
    pthread_rwlock_rdlock(&index->lock);
    enum bpa_db_status status =
        bpa_match_load_placement(request->db, index->vocab, id, &placement, &found);
    json_t *items = json_array(), *seen = json_array();
    if (status == BPA_DB_OK && found && ranked) {
        size_t n = bpa_rank_seekers(&server->rules, &placement.placement, index->seekers.items,
                                    index->seekers.count, &q.options, ranked);
        for (size_t i = 0; i < n; i++) {
            const struct bpa_seeker *s = bpa_seeker_index_find(&index->seekers, ranked[i].id);
            struct bpa_match_result r;
            bpa_match_evaluate(&server->rules, s, &placement.placement, &r);
            /* employers' profiles are read after the lock is released */
            json_t *item = pseudonymous ? json_pack("{s:n}", "candidate")
                                        : json_pack("{s:I}", "seeker_id", (json_int_t)s->id);
            json_object_update_new(
                item, bpa_match_json(&server->rules, index->vocab, &placement.placement, &r));
            json_array_append_new(items, item);
            json_array_append_new(seen, json_integer(s->id));
        }
    }
    pthread_rwlock_unlock(&index->lock);
    free(ranked);
    size_t i;
    json_t *item;
    json_array_foreach(pseudonymous ? items : NULL, i, item)
    {
        char seeker_id[24];
        snprintf(seeker_id, sizeof seeker_id, "%lld",
                 (long long)json_integer_value(json_array_get(seen, i)));
        json_t *profile = bpa_seeker_profile(request->db, seeker_id);
        json_object_set_new(item, "candidate", profile ? profile : json_null());
    }
    if (status == BPA_DB_OK && found)
        status = bpa_access_audit(request->db, request, "placement.candidates", "placement", id,
                                  json_pack("{s:O}", "seeker_ids", seen));
    json_decref(seen);
    if (status != BPA_DB_OK || !found) {
        json_decref(items);
        return bpa_reply_error(request,
                               status != BPA_DB_OK ? bpa_error_from_db(status) : BPA_ERR_NOT_FOUND,
                               NULL, NULL);
    }
    return bpa_reply_json(request, 200,
                          json_pack("{s:I, s:s, s:o}", "placement_id", (json_int_t)atoll(id),
                                    "rules_version", server->rules.version, "items", items));
}

int bpa_handle_match_pair(struct bpa_request *request)
{
    char seeker_id[20], placement_id[20];
    if (!bpa_param_id(request, "id", seeker_id) ||
        !bpa_param_id(request, "placement_id", placement_id))
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
    enum bpa_error refused = bpa_access_resource(request, BPA_SEEKER, seeker_id, false);
    if (refused == BPA_ERR_COUNT)
        refused = bpa_access_resource(request, BPA_PLACEMENT, placement_id, false);
    if (refused == BPA_ERR_COUNT)
        refused = consent_to_rank(request, seeker_id);
    if (refused != BPA_ERR_COUNT)
        return bpa_reply_error(request, refused, NULL, NULL);
    const struct bpa_server *server = request->server;
    struct bpa_match_index *index = server->index;
    static __thread struct bpa_seeker_holder seeker;
    static __thread struct bpa_placement_holder placement;
    bool seeker_found = false, placement_found = false;
    pthread_rwlock_rdlock(&index->lock);
    enum bpa_db_status status =
        bpa_match_load_seeker(request->db, index->vocab, seeker_id, &seeker, &seeker_found);
    if (status == BPA_DB_OK)
        status = bpa_match_load_placement(request->db, index->vocab, placement_id, &placement,
                                          &placement_found);
    json_t *body = NULL;
    if (status == BPA_DB_OK && seeker_found && placement_found) {
        struct bpa_match_result r;
        bpa_match_evaluate(&server->rules, &seeker.seeker, &placement.placement, &r);
        body = json_pack("{s:I, s:I}", "seeker_id", (json_int_t)atoll(seeker_id), "placement_id",
                         (json_int_t)atoll(placement_id));
        json_object_update_new(
            body, bpa_match_json(&server->rules, index->vocab, &placement.placement, &r));
    }
    pthread_rwlock_unlock(&index->lock);
    if (body)
        status = bpa_access_audit(request->db, request, "seeker.rank", "seeker", seeker_id, NULL);
    if (status != BPA_DB_OK || !body) {
        json_decref(body);
        return bpa_reply_error(request,
                               status != BPA_DB_OK ? bpa_error_from_db(status) : BPA_ERR_NOT_FOUND,
                               NULL, NULL);
    }
    return bpa_reply_json(request, 200, body);
}
