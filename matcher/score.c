/* Scoring one pair: hard filters, four components, the weighted score, and
 * everything the explanation needs. */
#include "matcher.h"
#include "pair_tests.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const filter_codes[BPA_FILTER_COUNT] = {
    "placement_not_open", "too_far",         "dates",    "language",
    "certificate",        "essential_skill", "schedule",
};

const char *bpa_match_filter_code(unsigned index)
{
    return index < BPA_FILTER_COUNT ? filter_codes[index] : "unknown";
}

void bpa_match_rules_version(struct bpa_match_rules *rules)
{
    snprintf(rules->version, sizeof rules->version, "r1;w=%g/%g/%g/%g;t=%g;g=%d",
             rules->weight_skills, rules->weight_schedule, rules->weight_distance,
             rules->weight_learning, rules->schedule_threshold, rules->grace_days);
}

void bpa_match_rules_default(struct bpa_match_rules *rules)
{
    *rules = (struct bpa_match_rules){
        .weight_skills = 40,
        .weight_schedule = 25,
        .weight_distance = 20,
        .weight_learning = 15,
        .schedule_threshold = 0.5,
        .grace_days = 14,
    };
    bpa_match_rules_version(rules);
}

int bpa_match_rules_set_weights(struct bpa_match_rules *rules, const char *text, char *error,
                                size_t error_size)
{
    double w[4];
    const char *p = text;
    for (int i = 0; i < 4; i++) {
        char *end;
        w[i] = strtod(p, &end);
        if (end == p || !isfinite(w[i]) || w[i] < 0 || w[i] > 1000 ||
            (i < 3 ? *end != ',' : *end != '\0')) {
            snprintf(error, error_size,
                     "weights '%s': give four non-negative numbers, skills,schedule,distance,"
                     "learning (e.g. 40,25,20,15)",
                     text);
            return -1;
        }
        p = end + 1;
    }
    if (w[0] + w[1] + w[2] + w[3] <= 0) {
        snprintf(error, error_size, "weights '%s': at least one must be above zero", text);
        return -1;
    }
    rules->weight_skills = w[0];
    rules->weight_schedule = w[1];
    rules->weight_distance = w[2];
    rules->weight_learning = w[3];
    bpa_match_rules_version(rules);
    return 0;
}

double bpa_match_distance_km(double lat1, double lon1, double lat2, double lon2)
{
    double dlat = sin((lat2 - lat1) / 2), dlon = sin((lon2 - lon1) / 2);
    double h = dlat * dlat + cos(lat1) * cos(lat2) * dlon * dlon;
    return 2 * BPA_EARTH_RADIUS_KM * asin(sqrt(h < 1 ? h : 1));
}

void bpa_week_from_text(struct bpa_week *week, const char *slots)
{
    memset(week, 0, sizeof *week);
    for (unsigned s = 0; s < 168 && slots[s]; s++)
        if (slots[s] == '1')
            week->bits[s / 64] |= UINT64_C(1) << (s % 64);
}

unsigned bpa_week_hours(const struct bpa_week *week)
{
    return (unsigned)(__builtin_popcountll(week->bits[0]) + __builtin_popcountll(week->bits[1]) +
                      __builtin_popcountll(week->bits[2]));
}

static unsigned overlap_hours(const struct bpa_week *a, const struct bpa_week *b)
{
    return (unsigned)(__builtin_popcountll(a->bits[0] & b->bits[0]) +
                      __builtin_popcountll(a->bits[1] & b->bits[1]) +
                      __builtin_popcountll(a->bits[2] & b->bits[2]));
}

/* The filters both bpa_match_evaluate and bpa_match_filters test alike. */
static unsigned plain_filters(const struct bpa_match_rules *rules, const struct bpa_seeker *s,
                              const struct bpa_placement *p)
{
    unsigned failed = 0;
    if (!p->open)
        failed |= BPA_FILTER_PLACEMENT_NOT_OPEN;
    if (!bpa_pair_dates_fit(rules, s, p))
        failed |= BPA_FILTER_DATES;
    if (s->dutch_level < p->min_dutch_level)
        failed |= BPA_FILTER_LANGUAGE;
    if (bpa_pair_common(p->certificates, p->certificate_count, s->certificates,
                        s->certificate_count) < p->certificate_count)
        failed |= BPA_FILTER_CERTIFICATE;
    return failed;
}

/* The same tests as bpa_match_evaluate's, in the same terms (the distance
 * only when the box cannot decide); unit-tested against it. */
unsigned bpa_match_filters(const struct bpa_match_rules *rules, const struct bpa_seeker *s,
                           const struct bpa_placement *p, uint64_t *missing)
{
    unsigned failed = plain_filters(rules, s, p);
    if (!bpa_pair_in_box(s->lat, s->lon, p->lat, p->lon, s->max_travel_km) ||
        bpa_match_distance_km(s->lat, s->lon, p->lat, p->lon) > s->max_travel_km)
        failed |= BPA_FILTER_TOO_FAR;
    uint64_t lacking = bpa_pair_missing_essentials(s, p);
    if (lacking)
        failed |= BPA_FILTER_ESSENTIAL_SKILL;
    if (missing)
        *missing = lacking;
    unsigned hours = bpa_week_hours(&p->schedule);
    double schedule = hours ? (double)overlap_hours(&s->availability, &p->schedule) / hours : 0;
    if (schedule < rules->schedule_threshold || s->max_hours_per_week < p->hours_per_week)
        failed |= BPA_FILTER_SCHEDULE;
    return failed;
}

void bpa_match_evaluate(const struct bpa_match_rules *rules, const struct bpa_seeker *s,
                        const struct bpa_placement *p, struct bpa_match_result *out)
{
    memset(out, 0, sizeof *out);
    unsigned failed = plain_filters(rules, s, p);

    out->distance_km = bpa_match_distance_km(s->lat, s->lon, p->lat, p->lon);
    if (out->distance_km > s->max_travel_km)
        failed |= BPA_FILTER_TOO_FAR;

    bool lacking;
    out->skills = bpa_pair_skills(s, p, out->seeker_levels, &lacking);
    if (lacking)
        failed |= BPA_FILTER_ESSENTIAL_SKILL;

    out->placement_hours = bpa_week_hours(&p->schedule);
    out->overlap_hours = overlap_hours(&s->availability, &p->schedule);
    out->schedule = out->placement_hours ? (double)out->overlap_hours / out->placement_hours : 0;
    if (out->schedule < rules->schedule_threshold || s->max_hours_per_week < p->hours_per_week)
        failed |= BPA_FILTER_SCHEDULE;

    double closeness = s->max_travel_km > 0 ? 1 - out->distance_km / s->max_travel_km : 0;
    out->distance = closeness < 0 ? 0 : closeness > 1 ? 1 : closeness;

    out->learning = bpa_pair_learning(s, p, &out->taught_among_goals);

    double total = rules->weight_skills + rules->weight_schedule + rules->weight_distance +
                   rules->weight_learning;
    double weighted = rules->weight_skills * out->skills + rules->weight_schedule * out->schedule +
                      rules->weight_distance * out->distance +
                      rules->weight_learning * out->learning;
    out->score = total > 0 ? (int)lround(100 * weighted / total) : 0;
    out->failed = failed;
}
