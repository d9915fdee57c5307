/* A cohort round from the database's side: its parameters, its inputs
 * read from one snapshot (with a digest that shows later changes), and the
 * matcher's outcome (matcher/round.h) written out as the result the API
 * shows: pairs with explanations, unassigned seekers and unfilled places
 * with reasons, totals, and the comparison of the two modes. */
#ifndef BPA_ROUND_RUN_H
#define BPA_ROUND_RUN_H

#include "db/db.h"
#include "match_index.h"
#include "round.h"

#include <jansson.h>

#define BPA_ROUND_MAX_SEEKERS    50000
#define BPA_ROUND_MAX_PLACEMENTS 10000

/* A request's parameters checked and normalised (a new reference), or NULL
 * with the problems appended to `details`. */
json_t *bpa_round_params_read(const json_t *body, json_t *details);

/* What a round is computed from. */
struct bpa_round_inputs {
    struct bpa_vocab *vocab; /* the round's own: ids only mean something here */
    struct bpa_seeker *seekers;
    struct bpa_placement *placements;
    uint32_t *free_places;
    int64_t *employer_of; /* per placement */
    size_t seeker_count, placement_count;
    void **holders; /* the profiles' arrays */
    size_t holder_count;
    char digest[65]; /* hex: of every value read, and the rules' version */
};

/* Reads the seekers and placements `params` select, in one REPEATABLE READ
 * transaction. With `digest_only`, profiles are not kept. */
enum bpa_db_status bpa_round_inputs_load(struct bpa_db_conn *conn, const json_t *params,
                                         const char *rules_version, bool digest_only,
                                         struct bpa_round_inputs *inputs);
void bpa_round_inputs_free(struct bpa_round_inputs *inputs);

/* Runs both modes on `inputs` and writes the outcome of `mode`: *result
 * the document stored with the round, *pairs the pairs with their
 * explanations (both new references). 0, or -1 when out of memory or the
 * solver failed. */
int bpa_round_compute(const struct bpa_match_rules *rules, const struct bpa_round_inputs *inputs,
                      const char *mode, int min_score, json_t **result, json_t **pairs);

#endif
