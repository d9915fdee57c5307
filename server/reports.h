/* The matcher's side of the coordinators' reports: which open placements
 * no active seeker fits, which active seekers fit no open placement, and
 * which essential skills the seekers lack, computed over the daemon's
 * in-memory index (match_index.h) with the operator's rules. The caller
 * names and groups the results from the database (handlers/reports.c).
 *
 * Each function takes the index's lock for reading for the whole scan, so
 * its figures come from one state of the index. Results are new JSON
 * references the caller owns. Seeker ids appear in results for grouping by
 * portal only; the handler never answers them. */
#ifndef BPA_REPORTS_H
#define BPA_REPORTS_H

#include "match_index.h"

#include <jansson.h>

/* The reason of an eligible pair that scores below the asked minimum. */
#define BPA_REPORT_BELOW_MIN_SCORE "below_min_score"

/* The open placements no active seeker is eligible for with a score of at
 * least `min_score`: [{"placement_id", "reasons": {code: pairs},
 * "missing_skills": {uri: pairs}}], where a pair is one of the placement
 * with each active seeker, "reasons" counts the pairs each filter (or
 * below_min_score) refused, and "missing_skills" the pairs that lacked
 * each essential skill. *placements and *seekers: how many the index held.
 * NULL when out of memory. */
json_t *bpa_report_unmet(struct bpa_match_index *index, const struct bpa_match_rules *rules,
                         int min_score, size_t *placements, size_t *seekers);

/* The active seekers eligible for no open placement: [{"seeker_id",
 * "main_reason", "reasons": {code: pairs}}], "main_reason" being the code
 * that refused most of the seeker's pairs (the first filter on a tie; null
 * when there is no open placement at all). With `all` not NULL, *all is a
 * new array of every active seeker's id (for counting them per portal). */
json_t *bpa_report_unplaced(struct bpa_match_index *index, const struct bpa_match_rules *rules,
                            size_t *placements, size_t *seekers, json_t **all);

/* The essential skills of open placements, by the number of
 * placement-seeker pairs whose seeker lacks it, most first (then by the
 * placements requiring it, then by URI), the first `limit`: [{"uri",
 * "pairs_missing", "placements_requiring", "seekers_having"}]. NULL when out of memory. */
json_t *bpa_report_skills_gap(struct bpa_match_index *index, size_t limit, size_t *placements,
                              size_t *seekers);

#endif
