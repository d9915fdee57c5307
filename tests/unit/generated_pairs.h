/* Random pairs of a seeker and a placement for the matcher's property
 * tests: small skill ids (1..12) so that pairs share skills, places around
 * The Hague, dates, schedules and levels spread so that every filter both
 * passes and fails. Deterministic: one fixed seed. */
#ifndef BPA_TEST_GENERATED_PAIRS_H
#define BPA_TEST_GENERATED_PAIRS_H

#include "matcher.h"

#include <math.h>

#define RAD(deg) ((deg)*M_PI / 180.0)

struct generated {
    struct bpa_seeker_skill skills[6];
    uint32_t goals[4], certificates[2];
    struct bpa_required_skill required[5];
    uint32_t taught[4], wanted[2];
    struct bpa_seeker seeker;
    struct bpa_placement placement;
};

uint32_t next_random(void);
double uniform(double lo, double hi);
void random_week(struct bpa_week *w, int density);
/* A pair whose arrays point into *g (copy it and the pointers go stale). */
void generate(struct generated *g);

#endif
