/* Cohort rounds (coordinators): compute one from today's data, read it,
 * drop pairs, commit its pairs as proposed matches, recompute it. The
 * computing is round_run.c's and the matcher's; here is the life of a
 * round: computed, then committed once or superseded by a recomputation. */
#include "handlers.h"

#include "access.h"
#include "idempotency.h"
#include "match_index.h"
#include "request.h"
#include "round_run.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static double ms_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) * 1e3 +
           (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

/* The employers' names, for people reading the result. */
static void name_employers(struct bpa_db_conn *conn, json_t *employers)
{
    json_t *ids = json_array(), *e;
    size_t i;
    json_array_foreach(employers, i, e) json_array_append(ids, json_object_get(e, "employer_id"));
    char *list = json_dumps(ids, JSON_COMPACT);
    json_decref(ids);
    enum bpa_db_status status;
    json_t *names =
        bpa_call_json(conn, "round_employer_names", 1, (const char *const[]){list}, &status);
    free(list);
    json_array_foreach(employers, i, e)
    {
        char key[24];
        snprintf(key, sizeof key, "%lld",
                 (long long)json_integer_value(json_object_get(e, "employer_id")));
        json_t *name = json_object_get(names, key);
        json_object_set(e, "name", name ? name : json_null());
    }
    json_decref(names);
}

/* --- computing and storing --- */

struct storing {
    const struct bpa_request *request;
    const json_t *params;
    const char *digest;
    json_t *result, *pairs;
    long computed_ms;
    const char *replaces; /* a recomputation: the round it supersedes */
    enum bpa_error refused;
    char id[24];
};

static enum bpa_error refusal_of(const char *round_status)
{
    if (!round_status)
        return BPA_ERR_NOT_FOUND;
    if (strcmp(round_status, "committed") == 0)
        return BPA_ERR_ROUND_COMMITTED;
    if (strcmp(round_status, "superseded") == 0)
        return BPA_ERR_ROUND_SUPERSEDED;
    return BPA_ERR_COUNT;
}

/* Locks round `id` and says whether it may still change. */
static enum bpa_db_status lock_computed(struct bpa_db_conn *conn, const char *id,
                                        enum bpa_error *refused)
{
    enum bpa_db_status status;
    json_t *round = bpa_call_json(conn, "round_lock", 1, &id, &status);
    *refused = status == BPA_DB_OK ? refusal_of(json_string_value(json_object_get(round, "status")))
                                   : BPA_ERR_COUNT;
    json_decref(round);
    return status != BPA_DB_OK ? status : *refused != BPA_ERR_COUNT ? BPA_DB_ABORT : BPA_DB_OK;
}

static enum bpa_db_status store(struct bpa_db_conn *conn, void *context)
{
    struct storing *s = context;
    enum bpa_db_status status = BPA_DB_OK;
    if (s->replaces)
        status = lock_computed(conn, s->replaces, &s->refused);
    char *params = json_dumps(s->params, JSON_COMPACT),
         *result = json_dumps(s->result, JSON_COMPACT);
    char ms[24], account[24], *id = NULL;
    snprintf(ms, sizeof ms, "%ld", s->computed_ms);
    snprintf(account, sizeof account, "%lld", s->request->principal.id);
    const char *values[] = {json_string_value(json_object_get(s->params, "name")),
                            json_string_value(json_object_get(s->params, "mode")),
                            params,
                            s->request->server->rules.version,
                            s->digest,
                            result,
                            ms,
                            account};
    if (status == BPA_DB_OK)
        status = bpa_db_call(conn, "round_insert", 8, values, &id);
    free(params);
    free(result);
    char *pairs = status == BPA_DB_OK ? json_dumps(s->pairs, JSON_COMPACT) : NULL;
    if (status == BPA_DB_OK)
        status = bpa_db_call(conn, "round_pairs_insert", 2, (const char *const[]){id, pairs}, NULL);
    free(pairs);
    if (status == BPA_DB_OK && s->replaces)
        status =
            bpa_db_call(conn, "round_supersede", 2, (const char *const[]){s->replaces, id}, NULL);
    /* a round ranks every seeker it selects: audited as rankings are */
    if (status == BPA_DB_OK)
        status = bpa_access_audit(
            conn, s->request, s->replaces ? "round.recompute" : "round.create", "round", id,
            json_pack("{s:O?, s:s?}", "seeker_count", json_object_get(s->result, "seeker_count"),
                      "replaces", s->replaces));
    if (status == BPA_DB_OK)
        snprintf(s->id, sizeof s->id, "%s", id);
    free(id);
    return status;
}

/* Whether the inputs of `round` (its params and input_digest) changed
 * since it was computed: its selection read again and hashed with today's
 * rules, which differ from its own when the rules changed. */
static enum bpa_db_status inputs_changed(struct bpa_request *request, const json_t *round,
                                         bool *changed)
{
    struct bpa_round_inputs now;
    enum bpa_db_status status = bpa_round_inputs_load(request->db, json_object_get(round, "params"),
                                                      request->server->rules.version, true, &now);
    *changed = status == BPA_DB_OK &&
               strcmp(now.digest, json_string_value(json_object_get(round, "input_digest"))) != 0;
    bpa_round_inputs_free(&now);
    return status;
}

/* The stored round as answered: its document, and whether its inputs have
 * changed since (only while it may still be committed). */
static json_t *round_document(struct bpa_request *request, const char *id,
                              enum bpa_db_status *status)
{
    json_t *doc = bpa_call_json(request->db, "round_get", 1, &id, status);
    if (*status != BPA_DB_OK || !doc)
        return doc;
    bool stale = false;
    if (strcmp(json_string_value(json_object_get(doc, "status")), "computed") == 0)
        *status = inputs_changed(request, doc, &stale);
    json_object_del(doc, "input_digest");
    json_object_set_new(doc, "stale", json_boolean(stale));
    return doc;
}

/* Computes a round under `params` and stores it; answers 201 with it. */
static int compute_and_store(struct bpa_request *request, json_t *params, const char *replaces)
{
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    const struct bpa_match_rules *rules = &request->server->rules;
    struct bpa_round_inputs inputs;
    enum bpa_db_status status =
        bpa_round_inputs_load(request->db, params, rules->version, false, &inputs);
    if (status != BPA_DB_OK) {
        bpa_round_inputs_free(&inputs);
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    }
    if (inputs.seeker_count > BPA_ROUND_MAX_SEEKERS ||
        inputs.placement_count > BPA_ROUND_MAX_PLACEMENTS) {
        char problem[160];
        snprintf(problem, sizeof problem,
                 "the selection holds %zu seekers and %zu placements; a round takes at most %d "
                 "and %d: narrow it",
                 inputs.seeker_count, inputs.placement_count, BPA_ROUND_MAX_SEEKERS,
                 BPA_ROUND_MAX_PLACEMENTS);
        bpa_round_inputs_free(&inputs);
        return bpa_reply_error(request, BPA_ERR_VALIDATION_FAILED, NULL,
                               json_pack("[{s:s, s:s}]", "field", "", "problem", problem));
    }
    struct storing s = {.request = request,
                        .params = params,
                        .digest = inputs.digest,
                        .replaces = replaces,
                        .refused = BPA_ERR_COUNT};
    int computed = bpa_round_compute(
        rules, &inputs, json_string_value(json_object_get(params, "mode")),
        (int)json_integer_value(json_object_get(params, "min_score")), &s.result, &s.pairs);
    if (computed != 0) {
        bpa_round_inputs_free(&inputs);
        return bpa_reply_error(request, BPA_ERR_INTERNAL_ERROR, "the round could not be computed",
                               NULL);
    }
    name_employers(request->db, json_object_get(s.result, "employers"));
    s.computed_ms = (long)ms_since(&start);
    status = bpa_db_transaction(request->db, BPA_DB_READ_COMMITTED, store, &s);
    bpa_round_inputs_free(&inputs);
    json_decref(s.result);
    json_decref(s.pairs);
    if (s.refused != BPA_ERR_COUNT)
        return bpa_reply_error(request, s.refused, NULL, NULL);
    if (status != BPA_DB_OK)
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    json_t *doc = round_document(request, s.id, &status);
    if (status != BPA_DB_OK || !doc) {
        json_decref(doc);
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    }
    char location[48];
    snprintf(location, sizeof location, "/v1/rounds/%s", s.id);
    request->reply_location = location;
    int rc = bpa_reply_json(request, 201, doc);
    request->reply_location = NULL;
    return rc;
}

/* POST /v1/rounds */
int bpa_handle_round_create(struct bpa_request *request)
{
    json_t *details = json_array();
    json_t *params = bpa_round_params_read(request->json, details);
    if (!params)
        return bpa_reply_error(request, BPA_ERR_VALIDATION_FAILED, NULL, details);
    json_decref(details);
    int rc = compute_and_store(request, params, NULL);
    json_decref(params);
    return rc;
}

/* POST /v1/rounds/{id}/recompute: the same parameters over today's data,
 * as a new round; the old one is superseded. */
int bpa_handle_round_recompute(struct bpa_request *request)
{
    char id[20];
    int rc;
    if (!bpa_param_id(request, "id", id))
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
    if (!bpa_body_empty(request, &rc))
        return rc;
    enum bpa_db_status status;
    json_t *old = bpa_call_json(request->db, "round_lock", 1, (const char *const[]){id}, &status);
    enum bpa_error refused = status == BPA_DB_OK
                                 ? refusal_of(json_string_value(json_object_get(old, "status")))
                                 : bpa_error_from_db(status);
    if (refused != BPA_ERR_COUNT) {
        json_decref(old);
        return bpa_reply_error(request, refused, NULL, NULL);
    }
    rc = compute_and_store(request, json_object_get(old, "params"), id);
    json_decref(old);
    return rc;
}

/* GET /v1/rounds/{id} */
int bpa_handle_round_get(struct bpa_request *request)
{
    char id[20];
    if (!bpa_param_id(request, "id", id))
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
    enum bpa_db_status status;
    json_t *doc = round_document(request, id, &status);
    if (status != BPA_DB_OK || !doc) {
        json_decref(doc);
        return bpa_reply_error(request,
                               status != BPA_DB_OK ? bpa_error_from_db(status) : BPA_ERR_NOT_FOUND,
                               NULL, NULL);
    }
    return bpa_reply_json(request, 200, doc);
}

/* GET /v1/rounds: newest first */
int bpa_handle_round_list(struct bpa_request *request)
{
    return bpa_reply_listed(request, "round_list");
}

/* --- dropping a pair --- */

struct dropping {
    const char *round, *seeker, *dropped;
    enum bpa_error refused;
    json_t *pair;
};

static enum bpa_db_status drop(struct bpa_db_conn *conn, void *context)
{
    struct dropping *d = context;
    json_decref(d->pair);
    d->pair = NULL;
    enum bpa_db_status status = lock_computed(conn, d->round, &d->refused);
    if (status == BPA_DB_OK)
        d->pair = bpa_call_json(conn, "round_pair_drop", 3,
                                (const char *const[]){d->round, d->seeker, d->dropped}, &status);
    return status;
}

/* PATCH /v1/rounds/{id}/pairs/{seeker_id} {"dropped": bool} */
int bpa_handle_round_pair_drop(struct bpa_request *request)
{
    static const struct bpa_field fields[] = {
        {"dropped", BPA_BOOLEAN, BPA_REQUIRED, 0, 0, NULL, NULL},
        {0},
    };
    char round[20], seeker[20];
    int rc;
    if (!bpa_param_id(request, "id", round) || !bpa_param_id(request, "seeker_id", seeker))
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
    json_t *body = bpa_body_checked(request, fields, "give {\"dropped\": true} or false", &rc);
    if (!body)
        return rc;
    struct dropping d = {.round = round,
                         .seeker = seeker,
                         .dropped = json_is_true(json_object_get(body, "dropped")) ? "t" : "f",
                         .refused = BPA_ERR_COUNT};
    json_decref(body);
    enum bpa_db_status status = bpa_db_transaction(request->db, BPA_DB_READ_COMMITTED, drop, &d);
    if (d.refused != BPA_ERR_COUNT)
        rc = bpa_reply_error(request, d.refused, NULL, NULL);
    else if (status != BPA_DB_OK)
        rc = bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    else if (!d.pair)
        rc = bpa_reply_error(request, BPA_ERR_NOT_FOUND, "this seeker has no pair in the round",
                             NULL);
    else
        return bpa_reply_json(request, 200, d.pair);
    json_decref(d.pair);
    return rc;
}

/* --- commit --- */

struct committing {
    struct bpa_request *request;
    struct bpa_idempotency *idempotency;
    const char *round;
    bool stale;
    enum bpa_error refused;
    json_t *answer;
};

/* One pair: a proposed match, or the reason it can no longer be one. */
static enum bpa_db_status commit_pair(struct bpa_db_conn *conn, struct committing *c,
                                      const json_t *pair, const char *rules_version,
                                      json_t *created, json_t *skipped)
{
    char seeker[24], placement[24], score[8];
    snprintf(seeker, sizeof seeker, "%lld",
             (long long)json_integer_value(json_object_get(pair, "seeker_id")));
    snprintf(placement, sizeof placement, "%lld",
             (long long)json_integer_value(json_object_get(pair, "placement_id")));
    snprintf(score, sizeof score, "%lld",
             (long long)json_integer_value(json_object_get(pair, "score")));
    char *obstacle = NULL, *allowed = NULL, *match = NULL;
    enum bpa_db_status status = bpa_db_call(conn, "round_pair_obstacle", 2,
                                            (const char *const[]){seeker, placement}, &obstacle);
    /* held until commit, as for any proposal: a withdrawal of consent waits */
    if (status == BPA_DB_OK && !obstacle)
        status = bpa_db_call(conn, "seeker_matching_allowed", 1, (const char *const[]){seeker},
                             &allowed);
    if (status == BPA_DB_OK && !obstacle && (!allowed || strcmp(allowed, "t") != 0))
        obstacle = strdup("consent_withdrawn");
    free(allowed);
    if (status == BPA_DB_OK && obstacle) {
        json_array_append_new(skipped, json_pack("{s:I, s:I, s:s}", "seeker_id",
                                                 (json_int_t)atoll(seeker), "placement_id",
                                                 (json_int_t)atoll(placement), "reason", obstacle));
        free(obstacle);
        return status;
    }
    free(obstacle);
    char *explanation = json_dumps(json_object_get(pair, "explanation"), JSON_COMPACT);
    const char *params[] = {seeker, placement, "proposed", score, explanation, rules_version};
    if (status == BPA_DB_OK)
        status = bpa_db_call(conn, "match_insert", 6, params, &match);
    free(explanation);
    if (status == BPA_DB_OK)
        status = bpa_match_record(conn, c->request, match, "propose", NULL, "proposed", NULL, NULL);
    if (status == BPA_DB_OK)
        json_array_append_new(created,
                              json_pack("{s:I, s:I, s:I}", "match_id", (json_int_t)atoll(match),
                                        "seeker_id", (json_int_t)atoll(seeker), "placement_id",
                                        (json_int_t)atoll(placement)));
    free(match);
    return status;
}

static enum bpa_db_status commit(struct bpa_db_conn *conn, void *context)
{
    struct committing *c = context;
    json_decref(c->answer);
    c->answer = NULL;
    enum bpa_db_status status = bpa_idempotency_claim(conn, c->idempotency);
    json_t *round =
        status == BPA_DB_OK ? bpa_call_json(conn, "round_lock", 1, &c->round, &status) : NULL;
    c->refused = status == BPA_DB_OK
                     ? refusal_of(json_string_value(json_object_get(round, "status")))
                     : BPA_ERR_COUNT;
    if (c->refused != BPA_ERR_COUNT)
        status = BPA_DB_ABORT;
    json_t *pairs = status == BPA_DB_OK
                        ? bpa_call_json(conn, "round_pairs_to_commit", 1, &c->round, &status)
                        : NULL;
    json_t *created = json_array(), *skipped = json_array(), *pair;
    size_t i;
    json_array_foreach(status == BPA_DB_OK ? pairs : NULL, i, pair)
    {
        status =
            commit_pair(conn, c, pair, json_string_value(json_object_get(round, "rules_version")),
                        created, skipped);
        if (status != BPA_DB_OK)
            break;
    }
    json_decref(pairs);
    json_decref(round);
    json_t *outcome = json_pack("{s:o, s:o}", "created", created, "skipped", skipped);
    char *outcome_text = json_dumps(outcome, JSON_COMPACT), account[24];
    snprintf(account, sizeof account, "%lld", c->request->principal.id);
    if (status == BPA_DB_OK)
        status = bpa_db_call(conn, "round_mark_committed", 3,
                             (const char *const[]){c->round, account, outcome_text}, NULL);
    if (status == BPA_DB_OK)
        status = bpa_access_audit(conn, c->request, "round.commit", "round", c->round,
                                  json_pack("{s:I, s:I}", "created",
                                            (json_int_t)json_array_size(created), "skipped",
                                            (json_int_t)json_array_size(skipped)));
    free(outcome_text);
    if (status == BPA_DB_OK) {
        c->answer =
            json_pack("{s:I, s:b}", "round_id", (json_int_t)atoll(c->round), "stale", c->stale);
        json_object_update(c->answer, outcome);
        status = bpa_idempotency_keep(conn, c->idempotency, 200, c->answer, NULL, NULL);
    }
    json_decref(outcome);
    return status;
}

/* POST /v1/rounds/{id}/commit */
int bpa_handle_round_commit(struct bpa_request *request)
{
    char id[20];
    int rc;
    if (!bpa_param_id(request, "id", id))
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
    struct bpa_idempotency idempotency;
    if (!bpa_idempotent_no_body(request, &idempotency, &rc))
        return rc;
    enum bpa_db_status status;
    /* read apart from the transaction: loading inputs is a transaction of its own */
    json_t *round = bpa_call_json(request->db, "round_lock", 1, (const char *const[]){id}, &status);
    struct committing c = {
        .request = request, .idempotency = &idempotency, .round = id, .refused = BPA_ERR_COUNT};
    if (status == BPA_DB_OK &&
        refusal_of(json_string_value(json_object_get(round, "status"))) == BPA_ERR_COUNT)
        status = inputs_changed(request, round, &c.stale);
    json_decref(round);
    if (status == BPA_DB_OK)
        status = bpa_db_transaction(request->db, BPA_DB_READ_COMMITTED, commit, &c);
    if (status == BPA_DB_OK && c.answer)
        rc = bpa_reply_json(request, 200, json_incref(c.answer));
    else if (idempotency.first_answer)
        rc = bpa_idempotency_replay(request, &idempotency);
    else if (c.refused != BPA_ERR_COUNT)
        rc = bpa_reply_error(request, c.refused, NULL, NULL);
    else
        rc = bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    json_decref(c.answer);
    bpa_idempotency_end(&idempotency);
    return rc;
}
