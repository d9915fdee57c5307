/* Matcher results as JSON. */
#include "match_json.h"

#include <math.h>

static double rounded(double value, double unit)
{
    return round(value / unit) * unit;
}

json_t *bpa_match_json(const struct bpa_match_rules *rules, const struct bpa_vocab *vocab,
                       const struct bpa_placement *p, const struct bpa_match_result *r)
{
    json_t *excluded = json_array(), *failed = json_array();
    for (unsigned i = 0; i < BPA_FILTER_COUNT; i++)
        if (r->failed & (1u << i))
            json_array_append_new(excluded, json_string(bpa_match_filter_code(i)));
    json_t *matched = json_array(), *missing = json_array();
    for (unsigned i = 0; i < p->required_count && i < BPA_MATCH_MAX_SKILLS; i++) {
        const struct bpa_required_skill *s = &p->required[i];
        const char *uri = bpa_vocab_text(vocab, s->skill);
        json_t *item =
            json_pack("{s:s, s:i, s:i, s:b}", "uri", uri ? uri : "", "required_level", s->min_level,
                      "seeker_level", r->seeker_levels[i], "essential", s->essential);
        json_array_append_new(r->seeker_levels[i] >= s->min_level ? matched : missing, item);
    }
    json_decref(failed);
    json_t *explanation = json_pack(
        "{s:s, s:{s:f, s:f, s:f, s:f}, s:{s:f, s:f, s:f, s:f}, s:f, s:i, s:i, s:o, s:o, s:i, s:i}",
        "rules_version", rules->version, "components", "skills", rounded(r->skills, 0.0001),
        "schedule", rounded(r->schedule, 0.0001), "distance", rounded(r->distance, 0.0001),
        "learning", rounded(r->learning, 0.0001), "weights", "skills", rules->weight_skills,
        "schedule", rules->weight_schedule, "distance", rules->weight_distance, "learning",
        rules->weight_learning, "distance_km", rounded(r->distance_km, 0.01),
        "overlap_hours_per_week", r->overlap_hours, "placement_schedule_hours", r->placement_hours,
        "matched_skills", matched, "missing_skills", missing, "taught_skills", p->taught_count,
        "taught_skills_among_goals", r->taught_among_goals);
    return json_pack("{s:i, s:b, s:o, s:o}", "score", r->score, "eligible", r->failed == 0,
                     "excluded_by", excluded, "explanation", explanation);
}
