/* Unmet demand: the placements that no seeker fits, and why, for the
 * coordinators' report. The same answer as trying every pair with
 * bpa_match_filters (unit-tested against that), found without doing so:
 * only the holders of a placement's essential skills can fit it, and each
 * filter's refusals are counted alone, over columns of the seekers. */
#ifndef BPA_MATCHER_UNMET_H
#define BPA_MATCHER_UNMET_H

#include "matcher.h"

struct bpa_unmet {
    size_t placement; /* its position in the placements given */
    /* Pairs with this placement that each filter refuses, by filter bit
     * index (a pair refused by several counts in each). */
    uint64_t refused[BPA_FILTER_COUNT];
    /* Eligible pairs, all scoring below the minimum (none without one). */
    uint64_t below_min_score;
    /* Per required skill, in the placement's order: the seekers lacking it
     * when it is essential, 0 when it is not. */
    uint64_t missing[BPA_MATCH_MAX_SKILLS];
};

#define BPA_UNMET_MAX_THREADS 16

/* The placements to which no seeker is eligible with a score of at least
 * `min_score` (0: eligible at all), in the order given, as a new array in
 * *unmet (free it). Up to `threads` threads share the work, the caller's
 * one of them (the answer is the same with any number). Returns how many,
 * or -1 when out of memory. */
long bpa_unmet_placements(const struct bpa_match_rules *rules, const struct bpa_seeker *seekers,
                          size_t seeker_count, const struct bpa_placement *placements,
                          size_t placement_count, int min_score, unsigned threads,
                          struct bpa_unmet **unmet);

#endif
