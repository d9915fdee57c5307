/* Cohort rounds: placing a group of seekers over a set of placements at
 * once, each placement taking up to its free places and each seeker at most
 * one. Pure: no I/O; LEMON's network simplex (flow.h) solves the optimal
 * assignment.
 *
 * Three steps. bpa_round_score() scores every pair once and keeps the
 * eligible ones (hard filters pass, score >= min_score) as preference keys.
 * bpa_round_stable() and bpa_round_optimal() assign from those keys; either
 * may run on the same scored round.
 *
 * Determinism: seekers and placements are put in id order first, so the
 * input's order does not matter, and every preference is strict: a higher
 * score first, then the shorter distance (to the metre), then the lower id. */
#ifndef BPA_MATCHER_ROUND_H
#define BPA_MATCHER_ROUND_H

#include "matcher.h"

#include <stddef.h>
#include <stdint.h>

#define BPA_ROUND_NONE UINT32_MAX /* a seeker left unassigned */

struct bpa_round_input {
    const struct bpa_match_rules *rules;
    const struct bpa_seeker *seekers; /* any order; ids distinct */
    size_t seeker_count;
    const struct bpa_placement *placements; /* any order; ids distinct */
    const uint32_t *free_places;            /* per placement, parallel to placements */
    size_t placement_count;
    int min_score; /* 0..100 */
};

/* A preference key: one eligible pair seen from one side. Smaller is
 * better: (100 - score) in bits 56..63, the distance in metres (capped at
 * 2^24 - 1) in bits 32..55, and in bits 0..31 the other side's position in
 * id order. So a seeker's keys order its placements and a placement's keys
 * order its seekers, both by score, distance, id. */
static inline int bpa_round_key_score(uint64_t key)
{
    return 100 - (int)(key >> 56);
}
static inline uint32_t bpa_round_key_metres(uint64_t key)
{
    return (uint32_t)(key >> 32) & 0xFFFFFF;
}
static inline uint32_t bpa_round_key_other(uint64_t key)
{
    return (uint32_t)key;
}
/* The same pair's key with another side's position in the low bits. */
static inline uint64_t bpa_round_key_with(uint64_t key, uint32_t other)
{
    return (key & ~(uint64_t)UINT32_MAX) | other;
}

/* The scored round. Positions (0..count-1) are in id order: seeker
 * position s is input->seekers[seeker_input[s]], likewise placements. */
struct bpa_round {
    size_t seeker_count, placement_count;
    uint32_t *seeker_input, *placement_input;
    uint32_t *free_places; /* per placement position */
    /* seeker s's eligible placements, best first:
     * keys[first[s]] .. keys[first[s + 1] - 1], other = placement position */
    size_t *first;
    uint64_t *keys;
    size_t edge_count;
};

/* Scores every pair (after the same cheap prefilter as the rankings) and
 * keeps the eligible ones whose placement has a free place. 0, or -1 when out of memory (`out` then
 * holds nothing to free). */
int bpa_round_score(const struct bpa_round_input *input, struct bpa_round *out);
void bpa_round_free(struct bpa_round *round);

/* An assignment: per seeker position, the placement position it got, or
 * BPA_ROUND_NONE. */

/* Seeker-proposing deferred acceptance with capacities: the seeker-optimal
 * stable assignment. 0, or -1 when out of memory. */
int bpa_round_stable(const struct bpa_round *round, uint32_t *assigned);

struct bpa_round_solver_stats {
    unsigned passes;       /* solves of a growing subset of the pairs */
    size_t arcs_solved;    /* pairs in the last solve */
    bool solver_failed;    /* the flow could not be solved (out of memory) */
    bool prices_disagreed; /* the pricing check failed, so every pair was given */
};

/* The greatest total score subject to the free places, then the most
 * seekers placed (a min-cost flow on each seeker's best pairs, grown until
 * the duals prove no other pair could raise the total). 0, or -1 when the
 * solver failed or memory ran out. */
int bpa_round_optimal(const struct bpa_round *round, uint32_t *assigned,
                      struct bpa_round_solver_stats *stats);

#define BPA_ROUND_NO_PAIR UINT64_MAX /* no key is: its score byte would be 255 */

/* The key of seeker s's pair with placement p, or BPA_ROUND_NO_PAIR.
 * Binary search over s's keys is not possible (they are sorted by key), so
 * this scans s's list: for explanations and checks, not inner loops. */
uint64_t bpa_round_pair_key(const struct bpa_round *round, uint32_t seeker, uint32_t placement);

/* Pairs (s, p), eligible, where s prefers p to what it got and p has a free
 * place or prefers s to one it took. 0 for a stable assignment. */
size_t bpa_round_blocking_pairs(const struct bpa_round *round, const uint32_t *assigned);

/* The sum of the assigned pairs' scores, and how many were assigned. */
long bpa_round_total_score(const struct bpa_round *round, const uint32_t *assigned, size_t *placed);

#endif
