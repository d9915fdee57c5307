/* The pieces of a pair's tests and score that score.c, rank.c, unmet.c
 * and refusals.c share: the matcher's own, not part of its interface
 * (matcher.h). */
#ifndef BPA_MATCHER_PAIR_TESTS_H
#define BPA_MATCHER_PAIR_TESTS_H

#include "matcher.h"

#include <math.h>

#define BPA_EARTH_RADIUS_KM 6371.0088

/* For a function whose loop counts bits of weeks: on x86-64 a second copy
 * uses the processor's popcount instruction where it has one (chosen when
 * the program loads) instead of a call into libgcc per word. */
#if defined(__x86_64__) && defined(__GNUC__)
#define BPA_WITH_POPCOUNT __attribute__((target_clones("popcnt", "default")))
#else
#define BPA_WITH_POPCOUNT
#endif

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

/* A travel limit as a squared chord between two unit vectors,
 * 4 sin^2(km / 2R), which the exact distance (haversine) exceeds exactly
 * when the chord does; widened down (`near`) and up (`far`) by a margin
 * over both computations' rounding. A chord below `near` is within the
 * limit, one above `far` beyond it; in between the exact distance decides. */
static inline void bpa_travel_limit(double km, double *near, double *far)
{
    double half_angle = km / (2 * BPA_EARTH_RADIUS_KM);
    if (km < 0) { /* nothing is within */
        *near = *far = -1;
    } else if (half_angle >= M_PI_2) { /* everything is: a chord is at most 2 */
        *near = *far = 5;
    } else {
        double chord2 = 4 * sin(half_angle) * sin(half_angle);
        double margin = chord2 * 1e-6 + 1e-20;
        *near = chord2 - margin;
        *far = chord2 + margin;
    }
}

static inline void bpa_unit_vector(double lat, double lon, double *x, double *y, double *z)
{
    *x = cos(lat) * cos(lon);
    *y = cos(lat) * sin(lon);
    *z = sin(lat);
}

/* The least overlap, in hours, that passes the schedule threshold: the
 * filter's own division for each possible overlap, so that a test of the
 * overlap becomes an integer comparison that agrees with it exactly. */
static inline unsigned bpa_least_overlap(const struct bpa_match_rules *rules, unsigned hours)
{
    for (unsigned overlap = 0; overlap <= hours; overlap++)
        if ((hours ? (double)overlap / hours : 0) >= rules->schedule_threshold)
            return overlap;
    return hours + 1;
}

/* How many of `wanted` (sorted) are in `held` (sorted). */
static inline unsigned bpa_pair_common(const uint32_t *wanted, unsigned wanted_count,
                                       const uint32_t *held, unsigned held_count)
{
    unsigned found = 0, i = 0, j = 0;
    while (i < wanted_count && j < held_count) {
        if (wanted[i] == held[j]) {
            found++;
            i++;
            j++;
        } else if (wanted[i] < held[j]) {
            i++;
        } else {
            j++;
        }
    }
    return found;
}

/* The skills component: sum(w * min(1, level / min_level)) / sum(w) over
 * the required skills, essential ones weighing 2; the seeker's level of
 * each into `levels` (0: missing), and whether an essential one is. */
static inline double bpa_pair_skills(const struct bpa_seeker *s, const struct bpa_placement *p,
                                     uint8_t levels[BPA_MATCH_MAX_SKILLS], bool *lacking)
{
    double weighed = 0, weights = 0;
    unsigned j = 0;
    unsigned required =
        p->required_count < BPA_MATCH_MAX_SKILLS ? p->required_count : BPA_MATCH_MAX_SKILLS;
    *lacking = false;
    for (unsigned i = 0; i < required; i++) {
        const struct bpa_required_skill *r = &p->required[i];
        while (j < s->skill_count && s->skills[j].skill < r->skill)
            j++;
        uint8_t level =
            j < s->skill_count && s->skills[j].skill == r->skill ? s->skills[j].level : 0;
        levels[i] = level;
        if (r->essential && level == 0)
            *lacking = true;
        double w = r->essential ? 2 : 1;
        double share = r->min_level ? (double)level / r->min_level : 1;
        weighed += w * (share < 1 ? share : 1);
        weights += w;
    }
    return weights > 0 ? weighed / weights : 1;
}

/* The learning component: the share of what p teaches that the seeker
 * wants to learn (how many into *taught_among_goals), 0.5 when it teaches
 * nothing listed. */
static inline double bpa_pair_learning(const struct bpa_seeker *s, const struct bpa_placement *p,
                                       unsigned *taught_among_goals)
{
    *taught_among_goals = bpa_pair_common(p->taught, p->taught_count, s->goals, s->goal_count);
    return p->taught_count ? (double)*taught_among_goals / p->taught_count : 0.5;
}

#endif
