/* A cohort round's parameters, inputs and result. See round_run.h. */
#include "round_run.h"

#include "fields.h"
#include "index.h"
#include "match_json.h"

#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* --- parameters --- */

static const char *const modes[] = {"stable", "optimal", NULL};

static const struct bpa_field param_fields[] = {
    {"mode", BPA_CHOICE, BPA_REQUIRED, 0, 0, modes, NULL},
    {"name", BPA_TEXT, 0, 1, 200, NULL, NULL},
    {"min_score", BPA_INTEGER, 0, 0, 100, NULL, NULL},
    {"portal_id", BPA_INTEGER, 0, 1, 1e15, NULL, NULL},
    {"postcode_prefix", BPA_TEXT, 0, 1, 4, NULL, NULL},
    {"employer_id", BPA_INTEGER, 0, 1, 1e15, NULL, NULL},
    {"start_from", BPA_DATE, 0, 0, 0, NULL, NULL},
    {"start_until", BPA_DATE, 0, 0, 0, NULL, NULL},
    {"occupation_uri", BPA_URI, 0, 0, 0, NULL, NULL},
    {0},
};

/* A list of distinct positive ids, sorted. */
static json_t *read_ids(const json_t *value, const char *field, size_t max, json_t *details)
{
    if (!json_is_array(value) || json_array_size(value) == 0 || json_array_size(value) > max) {
        char problem[96];
        snprintf(problem, sizeof problem, "give a list of 1 to %zu ids", max);
        bpa_field_problem(details, field, problem);
        return NULL;
    }
    size_t i;
    json_t *id, *ids = json_array();
    json_array_foreach(value, i, id)
    {
        if (!json_is_integer(id) || json_integer_value(id) < 1) {
            char where[64];
            snprintf(where, sizeof where, "%s[%zu]", field, i);
            bpa_field_problem(details, where, "must be a positive integer id");
            json_decref(ids);
            return NULL;
        }
        json_array_append(ids, id);
    }
    return ids;
}

json_t *bpa_round_params_read(const json_t *body, json_t *details)
{
    if (!json_is_object(body)) {
        bpa_field_problem(details, "", "a JSON object is required");
        return NULL;
    }
    json_t *rest = json_deep_copy(body);
    json_t *seeker_ids = json_object_get(body, "seeker_ids");
    json_t *placement_ids = json_object_get(body, "placement_ids");
    json_object_del(rest, "seeker_ids");
    json_object_del(rest, "placement_ids");
    size_t before = json_array_size(details);
    json_t *params = bpa_fields_check(rest, param_fields, "", details);
    json_decref(rest);
    if (seeker_ids && !json_is_null(seeker_ids))
        json_object_set_new(params, "seeker_ids",
                            read_ids(seeker_ids, "seeker_ids", BPA_ROUND_MAX_SEEKERS, details));
    if (placement_ids && !json_is_null(placement_ids))
        json_object_set_new(
            params, "placement_ids",
            read_ids(placement_ids, "placement_ids", BPA_ROUND_MAX_PLACEMENTS, details));
    const char *prefix = json_string_value(json_object_get(params, "postcode_prefix"));
    if (prefix &&
        (prefix[0] < '1' || prefix[0] > '9' || strspn(prefix, "0123456789") != strlen(prefix)))
        bpa_field_problem(details, "postcode_prefix",
                          "must be 1 to 4 digits of a postcode, e.g. 25");
    const char *from = json_string_value(json_object_get(params, "start_from"));
    const char *until = json_string_value(json_object_get(params, "start_until"));
    if (from && until && strcmp(from, until) > 0)
        bpa_field_problem(details, "start_until", "must not be before start_from");
    if (json_array_size(details) > before) {
        json_decref(params);
        return NULL;
    }
    if (!json_object_get(params, "min_score"))
        json_object_set_new(params, "min_score", json_integer(0));
    return params;
}

/* --- inputs --- */

struct loading {
    struct bpa_round_inputs *inputs;
    crypto_generichash_state hash;
    bool digest_only, out_of_memory;
    size_t room_seekers, room_placements;
};

static void hash_row(struct loading *l, const char *const *values, int count)
{
    for (int c = 0; c < count; c++) {
        const char *v = values[c] ? values[c] : "\x01"; /* NULL differs from "" */
        crypto_generichash_update(&l->hash, (const unsigned char *)v, strlen(v) + 1);
    }
}

static void *keep_holder(struct loading *l, size_t size)
{
    struct bpa_round_inputs *in = l->inputs;
    void **grown = realloc(in->holders, (in->holder_count + 1) * sizeof *grown);
    void *holder = grown ? malloc(size) : NULL;
    if (grown)
        in->holders = grown;
    if (!holder)
        return NULL;
    in->holders[in->holder_count++] = holder;
    return holder;
}

static bool grow(void **array, size_t *room, size_t count, size_t item)
{
    if (count < *room)
        return true;
    size_t wanted = *room ? *room * 2 : 256;
    void *grown = realloc(*array, wanted * item);
    if (!grown)
        return false;
    *array = grown;
    *room = wanted;
    return true;
}

static int take_seeker(const char *const *values, int count, void *context)
{
    struct loading *l = context;
    struct bpa_round_inputs *in = l->inputs;
    if (count < 13)
        return 1;
    hash_row(l, values, count);
    if (l->digest_only) {
        in->seeker_count++;
        return 0;
    }
    struct bpa_seeker_holder *h = keep_holder(l, sizeof *h);
    if (!h || !grow((void **)&in->seekers, &l->room_seekers, in->seeker_count, sizeof *in->seekers))
        return l->out_of_memory = true, 1;
    bpa_match_read_seeker(values, in->vocab, true, h);
    in->seekers[in->seeker_count++] = h->seeker;
    return 0;
}

/* Room for one more placement in the three arrays that hold them. */
static bool room_for_placement(struct bpa_round_inputs *in, size_t *room)
{
    if (in->placement_count < *room)
        return true;
    size_t wanted = *room ? *room * 2 : 256;
    void *placements = realloc(in->placements, wanted * sizeof *in->placements);
    if (placements)
        in->placements = placements;
    void *free_places =
        placements ? realloc(in->free_places, wanted * sizeof *in->free_places) : NULL;
    if (free_places)
        in->free_places = free_places;
    void *employers =
        free_places ? realloc(in->employer_of, wanted * sizeof *in->employer_of) : NULL;
    if (employers)
        in->employer_of = employers;
    if (!employers)
        return false;
    *room = wanted;
    return true;
}

/* the 13 matcher columns, then free places and employer */
static int take_placement(const char *const *values, int count, void *context)
{
    struct loading *l = context;
    struct bpa_round_inputs *in = l->inputs;
    if (count < 15)
        return 1;
    hash_row(l, values, count);
    if (l->digest_only) {
        in->placement_count++;
        return 0;
    }
    size_t n = in->placement_count;
    struct bpa_placement_holder *h = keep_holder(l, sizeof *h);
    if (!h || !room_for_placement(in, &l->room_placements))
        return l->out_of_memory = true, 1;
    bpa_match_read_placement(values, in->vocab, true, h);
    in->placements[n] = h->placement;
    in->free_places[n] = (uint32_t)strtoul(values[13], NULL, 10);
    in->employer_of[n] = strtoll(values[14], NULL, 10);
    in->placement_count++;
    return 0;
}

static const char *integer_text(const json_t *params, const char *name, char out[24])
{
    json_t *value = json_object_get(params, name);
    if (!value)
        return NULL;
    snprintf(out, 24, "%lld", (long long)json_integer_value(value));
    return out;
}

struct load_work {
    const json_t *params;
    const char *rules_version;
    struct loading *loading;
};

static enum bpa_db_status read_inputs(struct bpa_db_conn *conn, void *context)
{
    struct load_work *w = context;
    struct loading *l = w->loading;
    struct bpa_round_inputs *in = l->inputs;
    /* a retried transaction starts over */
    for (size_t i = 0; i < in->holder_count; i++)
        free(in->holders[i]);
    in->holder_count = in->seeker_count = in->placement_count = 0;
    crypto_generichash_init(&l->hash, NULL, 0, 32);
    crypto_generichash_update(&l->hash, (const unsigned char *)w->rules_version,
                              strlen(w->rules_version) + 1);
    char portal[24], employer[24];
    char *seeker_ids = json_dumps(json_object_get(w->params, "seeker_ids"), JSON_COMPACT);
    char *placement_ids = json_dumps(json_object_get(w->params, "placement_ids"), JSON_COMPACT);
    const char *seeker_params[] = {
        seeker_ids, integer_text(w->params, "portal_id", portal),
        json_string_value(json_object_get(w->params, "postcode_prefix"))};
    const char *placement_params[] = {
        placement_ids, integer_text(w->params, "employer_id", employer),
        json_string_value(json_object_get(w->params, "start_from")),
        json_string_value(json_object_get(w->params, "start_until")),
        json_string_value(json_object_get(w->params, "occupation_uri"))};
    enum bpa_db_status status =
        bpa_db_each_row(conn, "round_seekers", 3, seeker_params, take_seeker, l);
    if (status == BPA_DB_OK)
        status = bpa_db_each_row(conn, "round_placements", 5, placement_params, take_placement, l);
    free(seeker_ids);
    free(placement_ids);
    return status;
}

enum bpa_db_status bpa_round_inputs_load(struct bpa_db_conn *conn, const json_t *params,
                                         const char *rules_version, bool digest_only,
                                         struct bpa_round_inputs *inputs)
{
    memset(inputs, 0, sizeof *inputs);
    inputs->vocab = bpa_vocab_new();
    if (!inputs->vocab)
        return BPA_DB_HARD;
    struct loading l = {.inputs = inputs, .digest_only = digest_only};
    struct load_work w = {.params = params, .rules_version = rules_version, .loading = &l};
    enum bpa_db_status status = bpa_db_transaction(conn, BPA_DB_REPEATABLE_READ, read_inputs, &w);
    if (status == BPA_DB_ABORT && l.out_of_memory)
        status = BPA_DB_HARD;
    unsigned char digest[32];
    crypto_generichash_final(&l.hash, digest, sizeof digest);
    sodium_bin2hex(inputs->digest, sizeof inputs->digest, digest, sizeof digest);
    return status;
}

void bpa_round_inputs_free(struct bpa_round_inputs *inputs)
{
    for (size_t i = 0; i < inputs->holder_count; i++)
        free(inputs->holders[i]);
    free(inputs->holders);
    free(inputs->seekers);
    free(inputs->placements);
    free(inputs->free_places);
    free(inputs->employer_of);
    bpa_vocab_free(inputs->vocab);
    memset(inputs, 0, sizeof *inputs);
}

/* --- the result --- */

struct outcome {
    const struct bpa_match_rules *rules;
    const struct bpa_round_inputs *in;
    const struct bpa_round *round;
    const uint32_t *assigned;
    int min_score;
    uint32_t *filled;   /* per placement position */
    uint32_t *eligible; /* seekers eligible per placement position */
};

static const struct bpa_seeker *seeker_at(const struct outcome *o, uint32_t s)
{
    return &o->in->seekers[o->round->seeker_input[s]];
}

static const struct bpa_placement *placement_at(const struct outcome *o, uint32_t p)
{
    return &o->in->placements[o->round->placement_input[p]];
}

static double one_decimal(double value)
{
    return round(value * 10) / 10;
}

static json_t *mode_totals(const struct bpa_round *round, const uint32_t *assigned)
{
    size_t placed;
    long total = bpa_round_total_score(round, assigned, &placed);
    return json_pack("{s:I, s:I, s:f, s:I}", "placed", (json_int_t)placed, "total_score",
                     (json_int_t)total, "mean_score",
                     placed ? one_decimal((double)total / (double)placed) : 0.0, "blocking_pairs",
                     (json_int_t)bpa_round_blocking_pairs(round, assigned));
}

/* Why a seeker's pairs, or a placement's, fail: the filters' codes and
 * below_min_score, counted over the whole other side, most common first. */
static json_t *why_not(const struct outcome *o, uint32_t seeker, uint32_t placement)
{
    size_t counts[BPA_FILTER_COUNT + 1] = {0};
    bool for_seeker = seeker != BPA_ROUND_NONE;
    size_t others = for_seeker ? o->round->placement_count : o->round->seeker_count;
    for (uint32_t i = 0; i < others; i++) {
        struct bpa_match_result r;
        bpa_match_evaluate(o->rules, seeker_at(o, for_seeker ? seeker : i),
                           placement_at(o, for_seeker ? i : placement), &r);
        for (unsigned f = 0; f < BPA_FILTER_COUNT; f++)
            counts[f] += (r.failed >> f) & 1;
        counts[BPA_FILTER_COUNT] += r.failed == 0 && r.score < o->min_score;
    }
    json_t *list = json_array();
    for (;;) {
        unsigned best = 0;
        for (unsigned f = 1; f <= BPA_FILTER_COUNT; f++)
            if (counts[f] > counts[best])
                best = f;
        if (counts[best] == 0 || json_array_size(list) == 3)
            return list;
        json_array_append_new(list, json_pack("{s:s, s:I}", "code",
                                              best < BPA_FILTER_COUNT ? bpa_match_filter_code(best)
                                                                      : "below_min_score",
                                              "count", (json_int_t)counts[best]));
        counts[best] = 0;
    }
}

/* Who took placement p, best first (at most three). */
static json_t *taken_by(const struct outcome *o, uint32_t p)
{
    uint64_t best[3];
    size_t count = 0;
    for (uint32_t s = 0; s < o->round->seeker_count; s++) {
        if (o->assigned[s] != p)
            continue;
        uint64_t key = bpa_round_key_with(bpa_round_pair_key(o->round, s, p), s);
        size_t at = count < 3 ? count++ : 3;
        while (at > 0 && best[at - 1] > key) {
            if (at < 3)
                best[at] = best[at - 1];
            at--;
        }
        if (at < 3)
            best[at] = key;
    }
    json_t *list = json_array();
    for (size_t i = 0; i < count; i++)
        json_array_append_new(list,
                              json_pack("{s:I, s:i}", "seeker_id",
                                        (json_int_t)seeker_at(o, bpa_round_key_other(best[i]))->id,
                                        "score", bpa_round_key_score(best[i])));
    return list;
}

static json_t *unassigned_seeker(const struct outcome *o, uint32_t s)
{
    json_t *item = json_pack("{s:I}", "seeker_id", (json_int_t)seeker_at(o, s)->id);
    const struct bpa_round *r = o->round;
    if (r->first[s] == r->first[s + 1]) {
        json_object_set_new(item, "reason", json_string("no_eligible_placement"));
        json_object_set_new(item, "why_not", why_not(o, s, BPA_ROUND_NONE));
        return item;
    }
    json_t *contested = json_array();
    for (size_t e = r->first[s]; e < r->first[s + 1] && json_array_size(contested) < 3; e++) {
        uint32_t p = bpa_round_key_other(r->keys[e]);
        json_array_append_new(contested, json_pack("{s:I, s:i, s:o}", "placement_id",
                                                   (json_int_t)placement_at(o, p)->id, "score",
                                                   bpa_round_key_score(r->keys[e]), "taken_by",
                                                   taken_by(o, p)));
    }
    json_object_set_new(item, "reason", json_string("places_went_to_others"));
    json_object_set_new(item, "contested", contested);
    return item;
}

static json_t *placement_left(const struct outcome *o, uint32_t p)
{
    uint32_t places = o->round->free_places[p];
    json_t *item = json_pack(
        "{s:I, s:I, s:I, s:I, s:I, s:I}", "placement_id", (json_int_t)placement_at(o, p)->id,
        "employer_id", (json_int_t)o->in->employer_of[o->round->placement_input[p]], "places",
        (json_int_t)places, "filled", (json_int_t)o->filled[p], "left",
        (json_int_t)(places - o->filled[p]), "eligible_seekers", (json_int_t)o->eligible[p]);
    if (o->eligible[p] == 0) {
        json_object_set_new(item, "reason", json_string("no_eligible_seeker"));
        json_object_set_new(item, "why_not", why_not(o, BPA_ROUND_NONE, p));
    } else {
        /* both modes place every eligible seeker somewhere before leaving a
         * place empty: deferred acceptance would hold them here, and the
         * flow would gain by sending them here */
        json_object_set_new(item, "reason", json_string("eligible_seekers_placed_elsewhere"));
    }
    return item;
}

static json_t *pair_json(const struct outcome *o, uint32_t s)
{
    uint32_t p = o->assigned[s];
    const struct bpa_placement *placement = placement_at(o, p);
    struct bpa_match_result r;
    bpa_match_evaluate(o->rules, seeker_at(o, s), placement, &r);
    json_t *pair = json_pack("{s:I, s:I, s:I}", "seeker_id", (json_int_t)seeker_at(o, s)->id,
                             "placement_id", (json_int_t)placement->id, "employer_id",
                             (json_int_t)o->in->employer_of[o->round->placement_input[p]]);
    json_object_update_new(pair, bpa_match_json(o->rules, o->in->vocab, placement, &r));
    /* the distance as the explanation gives it, so that the two agree */
    json_object_set(pair, "distance_km",
                    json_object_get(json_object_get(pair, "explanation"), "distance_km"));
    json_object_del(pair, "eligible");
    json_object_del(pair, "excluded_by");
    return pair;
}

/* places and filled per employer, in employer id order */
static json_t *per_employer(const struct outcome *o)
{
    json_t *by_id = json_object();
    for (uint32_t p = 0; p < o->round->placement_count; p++) {
        char key[24];
        snprintf(key, sizeof key, "%lld",
                 (long long)o->in->employer_of[o->round->placement_input[p]]);
        json_t *e = json_object_get(by_id, key);
        if (!e) {
            e = json_pack("{s:I, s:i, s:i}", "employer_id",
                          (json_int_t)o->in->employer_of[o->round->placement_input[p]], "places", 0,
                          "filled", 0);
            json_object_set_new(by_id, key, e);
        }
        json_object_set_new(e, "places",
                            json_integer(json_integer_value(json_object_get(e, "places")) +
                                         o->round->free_places[p]));
        json_object_set_new(
            e, "filled",
            json_integer(json_integer_value(json_object_get(e, "filled")) + o->filled[p]));
    }
    json_t *list = json_array();
    const char *key;
    json_t *e;
    json_object_foreach(by_id, key, e) json_array_append(list, e);
    json_decref(by_id);
    return list;
}

static int by_employer_id(const void *a, const void *b)
{
    json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "employer_id"));
    json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "employer_id"));
    return x < y ? -1 : x > y;
}

static json_t *sorted_by_employer(json_t *list)
{
    size_t n = json_array_size(list);
    json_t **items = malloc((n + 1) * sizeof *items);
    for (size_t i = 0; items && i < n; i++)
        items[i] = json_incref(json_array_get(list, i));
    if (items)
        qsort(items, n, sizeof *items, by_employer_id);
    json_t *sorted = json_array();
    for (size_t i = 0; items && i < n; i++)
        json_array_append_new(sorted, items[i]);
    free(items);
    json_decref(list);
    return sorted;
}

static json_t *comparison(const struct bpa_round *round, const uint32_t *stable,
                          const uint32_t *optimal)
{
    size_t only_optimal = 0, only_stable = 0, differ = 0;
    for (size_t s = 0; s < round->seeker_count; s++) {
        only_optimal += stable[s] == BPA_ROUND_NONE && optimal[s] != BPA_ROUND_NONE;
        only_stable += stable[s] != BPA_ROUND_NONE && optimal[s] == BPA_ROUND_NONE;
        differ += stable[s] != optimal[s];
    }
    return json_pack(
        "{s:o, s:o, s:I, s:I, s:I, s:s}", "stable", mode_totals(round, stable), "optimal",
        mode_totals(round, optimal), "placed_only_by_optimal", (json_int_t)only_optimal,
        "placed_only_by_stable", (json_int_t)only_stable, "seekers_placed_differently",
        (json_int_t)differ, "note",
        "Stable gives every seeker the best place no one with a better claim wanted: no seeker "
        "and placement would both rather have each other. It does not aim at the most matches "
        "or the highest total; optimal does, and may then give someone a place they like less "
        "than one that went to another.");
}

static int build(struct outcome *o, const uint32_t *stable, const uint32_t *optimal,
                 json_t **result, json_t **pairs)
{
    const struct bpa_round *r = o->round;
    size_t places = 0;
    for (uint32_t s = 0; s < r->seeker_count; s++) {
        if (o->assigned[s] != BPA_ROUND_NONE)
            o->filled[o->assigned[s]]++;
        for (size_t e = r->first[s]; e < r->first[s + 1]; e++)
            o->eligible[bpa_round_key_other(r->keys[e])]++;
    }
    json_t *unassigned = json_array(), *left = json_array();
    *pairs = json_array();
    for (uint32_t s = 0; s < r->seeker_count; s++)
        json_array_append_new(o->assigned[s] == BPA_ROUND_NONE ? unassigned : *pairs,
                              o->assigned[s] == BPA_ROUND_NONE ? unassigned_seeker(o, s)
                                                               : pair_json(o, s));
    size_t filled = 0;
    for (uint32_t p = 0; p < r->placement_count; p++) {
        places += r->free_places[p];
        filled += o->filled[p];
        if (o->filled[p] < r->free_places[p])
            json_array_append_new(left, placement_left(o, p));
    }
    json_t *totals = mode_totals(r, o->assigned);
    json_object_set_new(totals, "unassigned",
                        json_integer((json_int_t)json_array_size(unassigned)));
    json_object_set_new(totals, "places_filled", json_integer((json_int_t)filled));
    json_object_set_new(totals, "places_left", json_integer((json_int_t)(places - filled)));
    *result = json_pack(
        "{s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:o}", "seeker_count",
        (json_int_t)r->seeker_count, "placement_count", (json_int_t)r->placement_count, "places",
        (json_int_t)places, "eligible_pairs", (json_int_t)r->edge_count, "totals", totals,
        "comparison", comparison(r, stable, optimal), "employers",
        sorted_by_employer(per_employer(o)), "unassigned", unassigned, "placements_left", left);
    return *result && *pairs ? 0 : -1;
}

int bpa_round_compute(const struct bpa_match_rules *rules, const struct bpa_round_inputs *inputs,
                      const char *mode, int min_score, json_t **result, json_t **pairs)
{
    *result = *pairs = NULL;
    struct bpa_round_input input = {.rules = rules,
                                    .seekers = inputs->seekers,
                                    .seeker_count = inputs->seeker_count,
                                    .placements = inputs->placements,
                                    .free_places = inputs->free_places,
                                    .placement_count = inputs->placement_count,
                                    .min_score = min_score};
    struct bpa_round round;
    if (bpa_round_score(&input, &round) != 0)
        return -1;
    size_t n = round.seeker_count, m = round.placement_count;
    uint32_t *stable = malloc((n + 1) * sizeof *stable);
    uint32_t *optimal = malloc((n + 1) * sizeof *optimal);
    uint32_t *filled = calloc(m + 1, sizeof *filled), *eligible = calloc(m + 1, sizeof *eligible);
    struct bpa_round_solver_stats stats;
    int rc = -1;
    if (stable && optimal && filled && eligible && bpa_round_stable(&round, stable) == 0 &&
        bpa_round_optimal(&round, optimal, &stats) == 0) {
        struct outcome o = {.rules = rules,
                            .in = inputs,
                            .round = &round,
                            .assigned = strcmp(mode, "optimal") == 0 ? optimal : stable,
                            .min_score = min_score,
                            .filled = filled,
                            .eligible = eligible};
        rc = build(&o, stable, optimal, result, pairs);
    }
    free(stable);
    free(optimal);
    free(filled);
    free(eligible);
    bpa_round_free(&round);
    if (rc != 0) {
        json_decref(*result);
        json_decref(*pairs);
        *result = *pairs = NULL;
    }
    return rc;
}
