/* Step 2 of unmet demand (unmet.c): how many seekers each filter refuses
 * for a placement, counted over groups of seekers instead of seeker by
 * seeker. Seekers share places (postcode centroids) and weeks of
 * availability, so a placement's distance is computed once per place and
 * its overlap once per week; the dates are counted for all placements in
 * one sweep. The matcher's own, not part of its interface (matcher.h). */
#ifndef BPA_MATCHER_REFUSALS_H
#define BPA_MATCHER_REFUSALS_H

#include "unmet.h"

struct bpa_refusals;

/* The groups of `seekers` (borrowed: they must outlive the result), or
 * NULL when out of memory. */
struct bpa_refusals *bpa_refusals_new(const struct bpa_seeker *seekers, size_t count);
void bpa_refusals_free(struct bpa_refusals *groups);

/* Sets refused[] for every filter but the essential skills and the dates,
 * for placement p: the number of seekers bpa_match_filters would refuse
 * for it. Safe to call from several threads at once. */
void bpa_refusals_count(const struct bpa_refusals *groups, const struct bpa_match_rules *rules,
                        const struct bpa_placement *p, uint64_t refused[BPA_FILTER_COUNT]);

/* Sets the dates' refusals of unmet[i], the placement at unmet[i].placement
 * in `placements`, for all of them in one sweep. False when out of memory. */
bool bpa_refusals_count_dates(const struct bpa_refusals *groups,
                              const struct bpa_match_rules *rules,
                              const struct bpa_placement *placements, struct bpa_unmet *unmet,
                              size_t count);

#endif
