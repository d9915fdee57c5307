/* The cheap tests of a pair that score.c and rank.c share: the matcher's
 * own, not part of its interface (matcher.h). */
#ifndef BPA_MATCHER_PAIR_TESTS_H
#define BPA_MATCHER_PAIR_TESTS_H

#include "matcher.h"

#include <math.h>

#define BPA_EARTH_RADIUS_KM 6371.0088

/* A lower bound of cos(x) for 0 <= x <= pi/2: its Taylor series cut after
 * a negative term (the remainder, cos(t) x^8 / 8!, is not negative there).
 * At the academy's latitude it is 0.002 % below cos; no call to cos, which
 * took a fifth of the time of the unmet-demand report. */
static inline double bpa_cos_at_least(double x)
{
    double x2 = x * x;
    return 1 - x2 / 2 * (1 - x2 / 12 * (1 - x2 / 30));
}

/* True when b may lie within `km` of a: a box in latitude and longitude that
 * holds every such point, widened a little against rounding and by the
 * bound on the cosine (so it never drops a pair the exact distance would
 * keep). */
static inline bool bpa_pair_in_box(double lat_a, double lon_a, double lat_b, double lon_b,
                                   double km)
{
    double reach = km / BPA_EARTH_RADIUS_KM * 1.0001;
    if (fabs(lat_b - lat_a) > reach)
        return false;
    double widest = fabs(lat_a) + reach; /* the latitude where a degree of longitude is shortest */
    double cos_widest = widest < M_PI_2 ? bpa_cos_at_least(widest) : 0;
    return cos_widest <= 0 || fabs(lon_b - lon_a) * cos_widest <= reach;
}

/* The dates filter: available by the start (give or take the grace days)
 * and until the end. */
static inline bool bpa_pair_dates_fit(const struct bpa_match_rules *rules,
                                      const struct bpa_seeker *s, const struct bpa_placement *p)
{
    return (int64_t)s->available_from <= (int64_t)p->start + rules->grace_days &&
           s->available_until >= p->end;
}

/* The essential skills of p the seeker lacks, as bits by required index: a
 * merge of two sorted lists, cheaper than the distance. */
static inline uint64_t bpa_pair_missing_essentials(const struct bpa_seeker *s,
                                                   const struct bpa_placement *p)
{
    uint64_t missing = 0;
    unsigned j = 0;
    unsigned required =
        p->required_count < BPA_MATCH_MAX_SKILLS ? p->required_count : BPA_MATCH_MAX_SKILLS;
    for (unsigned i = 0; i < required; i++) {
        const struct bpa_required_skill *r = &p->required[i];
        while (j < s->skill_count && s->skills[j].skill < r->skill)
            j++;
        if (r->essential && !(j < s->skill_count && s->skills[j].skill == r->skill))
            missing |= UINT64_C(1) << i;
    }
    return missing;
}

#endif
