/* The matcher's results as the API shows them: a score and its
 * explanation, in words a coordinator can check. */
#ifndef BPA_MATCH_JSON_H
#define BPA_MATCH_JSON_H

#include "index.h"
#include "matcher.h"

#include <jansson.h>

/* {"score", "eligible", "excluded_by", "explanation": {...}} for one pair
 * (a new reference). Call with the index lock held for reading: skill ids
 * are turned back into URIs through `vocab`. */
json_t *bpa_match_json(const struct bpa_match_rules *rules, const struct bpa_vocab *vocab,
                       const struct bpa_placement *placement, const struct bpa_match_result *r);

#endif
