/* Each filter's refusals over groups of seekers (refusals.h). Every count
 * equals the number of seekers for whom bpa_match_filters sets that
 * filter's bit; tests/unit/unmet_test.c checks it against every pair. */
#include "refusals.h"
#include "pair_tests.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FILTER(bit) __builtin_ctz(bit) /* a filter's index in refused[] */

/* The square of the map a seeker lives in, about CELL_KM on a side:
 * seekers are grouped by square, and sorted by travel limit within one.
 * Seekers with one week of availability are sorted by the hours they can
 * work; all seekers by the first day they are available. */
#define CELL_KM 1.0
struct in_cell {
    int64_t row, column;
    double lat, lon, km;
};
struct with_week {
    struct bpa_week week;
    double max_hours;
};
struct dates {
    int32_t from, until;
};

struct bpa_refusals {
    const struct bpa_seeker *seekers;
    size_t count;
    /* cells: the seekers of cell g are [cell_first[g], cell_first[g + 1]);
     * each lies within the chord `cell_reach[g]` of the cell's centre, its
     * first seeker's place (cell_x, cell_y, cell_z) */
    size_t cells;
    size_t *cell_first;
    double *cell_x, *cell_y, *cell_z, *cell_reach;
    /* of each seeker, in cell order: the place as a unit vector and in
     * radians, and the travel limit, in km and as bpa_travel_limit's
     * squared chords (ascending within a cell) */
    double *x, *y, *z, *lat, *lon, *km, *near, *far;
    /* weeks: the seekers of week g are [week_first[g], week_first[g + 1]) */
    size_t weeks;
    size_t *week_first;
    struct bpa_week *week;
    double *max_hours;         /* of each seeker, by week, ascending within one */
    uint64_t below_level[257]; /* below_level[l]: seekers whose Dutch is below l */
    struct dates *by_from;     /* sorted by from */
    int32_t *untils;           /* the distinct ends of availability, ascending */
    size_t until_count;
};

static int by_cell_then_km(const void *a, const void *b)
{
    const struct in_cell *x = a, *y = b;
    if (x->row != y->row)
        return x->row < y->row ? -1 : 1;
    if (x->column != y->column)
        return x->column < y->column ? -1 : 1;
    return (x->km > y->km) - (x->km < y->km);
}

static int by_week_then_hours(const void *a, const void *b)
{
    const struct with_week *x = a, *y = b;
    int order = memcmp(&x->week, &y->week, sizeof x->week);
    if (order)
        return order;
    return (x->max_hours > y->max_hours) - (x->max_hours < y->max_hours);
}

static int by_from(const void *a, const void *b)
{
    const struct dates *x = a, *y = b;
    return (x->from > y->from) - (x->from < y->from);
}

static int ascending_int32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

static double chord(double ax, double ay, double az, double bx, double by, double bz)
{
    return sqrt((ax - bx) * (ax - bx) + (ay - by) * (ay - by) + (az - bz) * (az - bz));
}

static bool group_cells(struct bpa_refusals *r)
{
    size_t n = r->count, room = n ? n : 1;
    struct in_cell *sorted = malloc(room * sizeof *sorted);
    r->cell_first = malloc((n + 1) * sizeof *r->cell_first);
    double **columns[] = {&r->cell_x, &r->cell_y, &r->cell_z, &r->cell_reach, &r->x,    &r->y,
                          &r->z,      &r->lat,    &r->lon,    &r->km,         &r->near, &r->far};
    bool made = sorted && r->cell_first;
    for (size_t i = 0; i < sizeof columns / sizeof *columns; i++)
        made = (*columns[i] = malloc(room * sizeof(double))) && made;
    if (!made) {
        free(sorted);
        return false;
    }
    double side = CELL_KM / BPA_EARTH_RADIUS_KM; /* radians */
    for (size_t j = 0; j < n; j++) {
        const struct bpa_seeker *s = &r->seekers[j];
        sorted[j] = (struct in_cell){(int64_t)floor(s->lat / side), (int64_t)floor(s->lon / side),
                                     s->lat, s->lon, s->max_travel_km};
    }
    qsort(sorted, n, sizeof *sorted, by_cell_then_km);
    r->cells = 0;
    for (size_t j = 0; j < n; j++) {
        r->lat[j] = sorted[j].lat, r->lon[j] = sorted[j].lon, r->km[j] = sorted[j].km;
        bpa_unit_vector(sorted[j].lat, sorted[j].lon, &r->x[j], &r->y[j], &r->z[j]);
        bpa_travel_limit(sorted[j].km, &r->near[j], &r->far[j]);
        size_t g = r->cells;
        if (j == 0 || sorted[j].row != sorted[j - 1].row ||
            sorted[j].column != sorted[j - 1].column) {
            g = r->cells++;
            r->cell_first[g] = j;
            r->cell_x[g] = r->x[j], r->cell_y[g] = r->y[j], r->cell_z[g] = r->z[j];
            r->cell_reach[g] = 0;
        } else {
            g--;
        }
        double from_centre =
            chord(r->x[j], r->y[j], r->z[j], r->cell_x[g], r->cell_y[g], r->cell_z[g]);
        if (from_centre > r->cell_reach[g])
            r->cell_reach[g] = from_centre;
    }
    r->cell_first[r->cells] = n;
    free(sorted);
    return true;
}

static bool group_weeks(struct bpa_refusals *r)
{
    size_t n = r->count;
    struct with_week *sorted = malloc((n ? n : 1) * sizeof *sorted);
    r->week_first = malloc((n + 1) * sizeof *r->week_first);
    r->week = malloc((n ? n : 1) * sizeof *r->week);
    r->max_hours = malloc((n ? n : 1) * sizeof *r->max_hours);
    if (!sorted || !r->week_first || !r->week || !r->max_hours) {
        free(sorted);
        return false;
    }
    for (size_t j = 0; j < n; j++)
        sorted[j] =
            (struct with_week){r->seekers[j].availability, r->seekers[j].max_hours_per_week};
    qsort(sorted, n, sizeof *sorted, by_week_then_hours);
    r->weeks = 0;
    for (size_t j = 0; j < n; j++) {
        if (j == 0 || memcmp(&sorted[j].week, &sorted[j - 1].week, sizeof sorted[j].week)) {
            r->week_first[r->weeks] = j;
            r->week[r->weeks++] = sorted[j].week;
        }
        r->max_hours[j] = sorted[j].max_hours;
    }
    r->week_first[r->weeks] = n;
    free(sorted);
    return true;
}

static bool sort_dates(struct bpa_refusals *r)
{
    size_t n = r->count;
    r->by_from = malloc((n ? n : 1) * sizeof *r->by_from);
    r->untils = malloc((n ? n : 1) * sizeof *r->untils);
    if (!r->by_from || !r->untils)
        return false;
    for (size_t j = 0; j < n; j++) {
        r->by_from[j] = (struct dates){r->seekers[j].available_from, r->seekers[j].available_until};
        r->untils[j] = r->seekers[j].available_until;
    }
    qsort(r->by_from, n, sizeof *r->by_from, by_from);
    qsort(r->untils, n, sizeof *r->untils, ascending_int32);
    r->until_count = 0;
    for (size_t j = 0; j < n; j++)
        if (j == 0 || r->untils[j] != r->untils[r->until_count - 1])
            r->untils[r->until_count++] = r->untils[j];
    return true;
}

struct bpa_refusals *bpa_refusals_new(const struct bpa_seeker *seekers, size_t count)
{
    struct bpa_refusals *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->seekers = seekers;
    r->count = count;
    uint64_t at_level[257] = {0};
    for (size_t j = 0; j < count; j++)
        at_level[seekers[j].dutch_level]++;
    for (unsigned level = 1; level <= 256; level++)
        r->below_level[level] = r->below_level[level - 1] + at_level[level - 1];
    if (!group_cells(r) || !group_weeks(r) || !sort_dates(r)) {
        bpa_refusals_free(r);
        return NULL;
    }
    return r;
}

void bpa_refusals_free(struct bpa_refusals *r)
{
    if (!r)
        return;
    free(r->cell_first), free(r->cell_x), free(r->cell_y), free(r->cell_z), free(r->cell_reach);
    free(r->x), free(r->y), free(r->z), free(r->lat), free(r->lon), free(r->km), free(r->near);
    free(r->far);
    free(r->week_first), free(r->week), free(r->max_hours);
    free(r->by_from), free(r->untils);
    free(r);
}

/* The first index in [lo, hi) of ascending `v` whose value is at least
 * `x` (or, `strictly`, above it); hi when none is. */
static size_t first_reaching(const double *v, size_t lo, size_t hi, double x, bool strictly)
{
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strictly ? v[mid] > x : v[mid] >= x)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* Seekers farther from p than their limit. Per cell, the chords from p to
 * its seekers lie within the cell's reach of the chord to its centre (the
 * triangle inequality): seekers whose limit's far edge is below that range
 * are too far, those whose near edge is above it within; only those whose
 * limit falls in the range, about CELL_KM wide, are tested one by one. */
static uint64_t too_far(const struct bpa_refusals *r, const struct bpa_placement *p)
{
    double px, py, pz;
    bpa_unit_vector(p->lat, p->lon, &px, &py, &pz);
    uint64_t refused = 0;
    for (size_t g = 0; g < r->cells; g++) {
        double to_centre = chord(r->cell_x[g], r->cell_y[g], r->cell_z[g], px, py, pz);
        double least = to_centre > r->cell_reach[g] ? to_centre - r->cell_reach[g] : 0;
        double most = to_centre + r->cell_reach[g];
        size_t lo = r->cell_first[g], hi = r->cell_first[g + 1];
        size_t unsure = first_reaching(r->far, lo, hi, least * least, false);
        size_t sure_within = first_reaching(r->near, unsure, hi, most * most, true);
        refused += unsure - lo;
        for (size_t j = unsure; j < sure_within; j++) {
            double dx = r->x[j] - px, dy = r->y[j] - py, dz = r->z[j] - pz;
            double chord2 = dx * dx + dy * dy + dz * dz;
            refused += chord2 > r->far[j] ||
                       (chord2 >= r->near[j] &&
                        bpa_match_distance_km(r->lat[j], r->lon[j], p->lat, p->lon) > r->km[j]);
        }
    }
    return refused;
}

/* Seekers refused by the schedule: a week overlapping too little refuses
 * all its seekers, another those who cannot work the placement's hours. */
BPA_WITH_POPCOUNT
static uint64_t schedule_refusals(const struct bpa_refusals *r, const struct bpa_placement *p,
                                  unsigned least)
{
    uint64_t refused = 0;
    const struct bpa_week *s = &p->schedule;
    for (size_t g = 0; g < r->weeks; g++) {
        const struct bpa_week *w = &r->week[g];
        unsigned overlap = (unsigned)(__builtin_popcountll(w->bits[0] & s->bits[0]) +
                                      __builtin_popcountll(w->bits[1] & s->bits[1]) +
                                      __builtin_popcountll(w->bits[2] & s->bits[2]));
        size_t lo = r->week_first[g], hi = r->week_first[g + 1];
        refused += overlap < least
                       ? hi - lo
                       : first_reaching(r->max_hours, lo, hi, p->hours_per_week, false) - lo;
    }
    return refused;
}

static uint64_t certificate_refusals(const struct bpa_refusals *r, const struct bpa_placement *p)
{
    uint64_t refused = 0;
    if (p->certificate_count)
        for (size_t j = 0; j < r->count; j++)
            refused +=
                bpa_pair_common(p->certificates, p->certificate_count, r->seekers[j].certificates,
                                r->seekers[j].certificate_count) < p->certificate_count;
    return refused;
}

/* --- the dates, for all placements in one sweep --- */

struct by_start {
    int64_t latest_start; /* the placement's start plus the grace days */
    size_t unmet;         /* its position in the unmet array */
};

static int by_latest_start(const void *a, const void *b)
{
    const struct by_start *x = a, *y = b;
    return (x->latest_start > y->latest_start) - (x->latest_start < y->latest_start);
}

/* How many of `untils` are below `day`. */
static size_t untils_below(const int32_t *untils, size_t count, int32_t day)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (untils[mid] >= day)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* A seeker fits a placement's dates when available from by its latest
 * start and until its end. Placements are taken by latest start; the
 * seekers available from by then are added to a Fenwick tree over their
 * ends, which counts those ending too early. */
bool bpa_refusals_count_dates(const struct bpa_refusals *r, const struct bpa_match_rules *rules,
                              const struct bpa_placement *placements, struct bpa_unmet *unmet,
                              size_t count)
{
    struct by_start *order = malloc((count ? count : 1) * sizeof *order);
    uint64_t *tree = calloc(r->until_count + 1, sizeof *tree);
    if (!order || !tree) {
        free(order);
        free(tree);
        return false;
    }
    for (size_t i = 0; i < count; i++)
        order[i] =
            (struct by_start){(int64_t)placements[unmet[i].placement].start + rules->grace_days, i};
    qsort(order, count, sizeof *order, by_latest_start);
    size_t added = 0;
    for (size_t i = 0; i < count; i++) {
        for (; added < r->count && r->by_from[added].from <= order[i].latest_start; added++)
            for (size_t k = untils_below(r->untils, r->until_count, r->by_from[added].until) + 1;
                 k <= r->until_count; k += k & -k)
                tree[k]++;
        struct bpa_unmet *u = &unmet[order[i].unmet];
        uint64_t ending_early = 0; /* of those added, available until before the end */
        for (size_t k = untils_below(r->untils, r->until_count, placements[u->placement].end);
             k > 0; k -= k & -k)
            ending_early += tree[k];
        u->refused[FILTER(BPA_FILTER_DATES)] = r->count - (added - ending_early);
    }
    free(order);
    free(tree);
    return true;
}

void bpa_refusals_count(const struct bpa_refusals *r, const struct bpa_match_rules *rules,
                        const struct bpa_placement *p, uint64_t refused[BPA_FILTER_COUNT])
{
    refused[FILTER(BPA_FILTER_PLACEMENT_NOT_OPEN)] = p->open ? 0 : r->count;
    refused[FILTER(BPA_FILTER_LANGUAGE)] = r->below_level[p->min_dutch_level];
    refused[FILTER(BPA_FILTER_TOO_FAR)] = too_far(r, p);
    refused[FILTER(BPA_FILTER_SCHEDULE)] =
        schedule_refusals(r, p, bpa_least_overlap(rules, bpa_week_hours(&p->schedule)));
    refused[FILTER(BPA_FILTER_CERTIFICATE)] = certificate_refusals(r, p);
}
