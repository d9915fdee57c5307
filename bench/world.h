/* Synthetic but realistic worlds for the benchmarks: placements and job
 * seekers spread over real Dutch PC4 centroids (GeoNames, from
 * ../shared/data/postcodes/), skills drawn from the full ESCO vocabulary
 * with a skewed (Zipf-like) distribution, weekday schedules, and dates in
 * the coming months. Deterministic for a given seed. */
#ifndef BPA_BENCH_WORLD_H
#define BPA_BENCH_WORLD_H

#include "matcher.h"

#include <stddef.h>

struct bench_place {
    int pc4;
    double lat, lon; /* degrees */
};

struct bench_world {
    struct bench_place *places;
    size_t place_count;
    unsigned vocabulary; /* skill ids 1..vocabulary */
    uint64_t state;      /* the random generator's */
    int32_t today;       /* days since 1970 */
};

/* Reads the GeoNames TSV; 0, or -1 when it cannot be read. */
int bench_world_init(struct bench_world *world, const char *geonames_tsv, unsigned vocabulary,
                     uint64_t seed);
void bench_world_free(struct bench_world *world);

/* Keeps only the postcodes whose centroid lies within `km` of (lat, lon),
 * in degrees: a world in one region, where most pairs are within travel
 * distance. Returns how many are left (0 leaves the world unchanged). */
size_t bench_world_restrict(struct bench_world *world, double lat, double lon, double km);

/* Fills `p` (arrays in `required`, `taught`: room for 8 each) with a
 * placement at a random postcode; `pc4` receives its postcode. */
void bench_placement(struct bench_world *world, int64_t id, struct bpa_placement *p,
                     struct bpa_required_skill *required, uint32_t *taught, int *pc4);
/* The same for a seeker (`skills`, `goals`: room for 10 each). */
void bench_seeker(struct bench_world *world, int64_t id, struct bpa_seeker *s,
                  struct bpa_seeker_skill *skills, uint32_t *goals, int *pc4);

#endif
