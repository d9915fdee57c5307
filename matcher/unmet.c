/* Unmet demand (unmet.h). Two steps:
 *
 * 1. Does anyone fit a placement? Only a seeker holding all of its
 *    essential skills can: the candidates are the intersection of the
 *    lists of their holders (per-skill lists of seekers, in order), walked
 *    from the shortest and tried on columns of the seekers' fields, so
 *    that a seeker is read whole only for what is rare or costly.
 * 2. For the placements nobody fits, why: the essential skills from the
 *    same lists (a seeker lacks skill k unless holding it, so those lacking
 *    k are all but its holders, and those lacking any are all but the
 *    candidates of step 1), the other filters over groups of seekers
 *    (refusals.c). */
#include "unmet.h"
#include "pair_tests.h"
#include "refusals.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* What step 1 reads of each candidate before the seeker itself. */
struct columns {
    size_t count;
    double *x, *y, *z;  /* the seeker's place as a unit vector */
    double *near, *far; /* the travel limit's edges (bpa_travel_limit) */
    double *km;         /* the travel limit */
    int32_t *from, *until;
    uint8_t *dutch;
    double *max_hours;
    struct bpa_week *weeks;
    /* The seekers holding each skill: positions holders[first[k] ..
     * first[k + 1]) for skill ids k <= top_skill. */
    uint32_t top_skill;
    size_t *first;
    uint32_t *holders;
};

static void columns_free(struct columns *c)
{
    free(c->x), free(c->y), free(c->z), free(c->near), free(c->far), free(c->km);
    free(c->from), free(c->until), free(c->dutch), free(c->max_hours), free(c->weeks);
    free(c->first), free(c->holders);
}

/* Per-skill lists by counting sort; a skill listed twice counts once. */
static bool columns_index_skills(struct columns *c, const struct bpa_seeker *seekers)
{
    size_t held = 0;
    c->top_skill = 0;
    for (size_t j = 0; j < c->count; j++)
        for (unsigned k = 0; k < seekers[j].skill_count; k++) {
            held++;
            if (seekers[j].skills[k].skill > c->top_skill)
                c->top_skill = seekers[j].skills[k].skill;
        }
    c->first = calloc((size_t)c->top_skill + 2, sizeof *c->first);
    c->holders = malloc((held ? held : 1) * sizeof *c->holders);
    if (!c->first || !c->holders)
        return false;
    for (size_t j = 0; j < c->count; j++)
        for (unsigned k = 0; k < seekers[j].skill_count; k++)
            if (k == 0 || seekers[j].skills[k].skill != seekers[j].skills[k - 1].skill)
                c->first[seekers[j].skills[k].skill + 1]++;
    for (uint32_t k = 1; k <= c->top_skill + 1; k++)
        c->first[k] += c->first[k - 1];
    size_t *next = malloc(((size_t)c->top_skill + 1) * sizeof *next);
    if (!next)
        return false;
    memcpy(next, c->first, ((size_t)c->top_skill + 1) * sizeof *next);
    for (size_t j = 0; j < c->count; j++)
        for (unsigned k = 0; k < seekers[j].skill_count; k++)
            if (k == 0 || seekers[j].skills[k].skill != seekers[j].skills[k - 1].skill)
                c->holders[next[seekers[j].skills[k].skill]++] = (uint32_t)j;
    free(next);
    return true;
}

static bool columns_make(struct columns *c, const struct bpa_seeker *seekers, size_t count)
{
    memset(c, 0, sizeof *c);
    c->count = count;
    size_t n = count ? count : 1;
    c->x = malloc(n * sizeof *c->x), c->y = malloc(n * sizeof *c->y);
    c->z = malloc(n * sizeof *c->z), c->near = malloc(n * sizeof *c->near);
    c->far = malloc(n * sizeof *c->far), c->km = malloc(n * sizeof *c->km);
    c->from = malloc(n * sizeof *c->from), c->until = malloc(n * sizeof *c->until);
    c->dutch = malloc(n * sizeof *c->dutch), c->max_hours = malloc(n * sizeof *c->max_hours);
    c->weeks = malloc(n * sizeof *c->weeks);
    if (!c->x || !c->y || !c->z || !c->near || !c->far || !c->km || !c->from || !c->until ||
        !c->dutch || !c->max_hours || !c->weeks || !columns_index_skills(c, seekers))
        return false;
    for (size_t j = 0; j < count; j++) {
        const struct bpa_seeker *s = &seekers[j];
        bpa_unit_vector(s->lat, s->lon, &c->x[j], &c->y[j], &c->z[j]);
        bpa_travel_limit(s->max_travel_km, &c->near[j], &c->far[j]);
        c->km[j] = s->max_travel_km;
        c->weeks[j] = s->availability;
        c->from[j] = s->available_from;
        c->until[j] = s->available_until;
        c->dutch[j] = s->dutch_level;
        c->max_hours[j] = s->max_hours_per_week;
    }
    return true;
}

static size_t holders_of(const struct columns *c, uint32_t skill, const uint32_t **holders)
{
    if (skill > c->top_skill) {
        *holders = NULL;
        return 0;
    }
    *holders = c->holders + c->first[skill];
    return c->first[skill + 1] - c->first[skill];
}

static unsigned required_counted(const struct bpa_placement *p)
{
    return p->required_count < BPA_MATCH_MAX_SKILLS ? p->required_count : BPA_MATCH_MAX_SKILLS;
}

/* The seekers holding every essential skill of a placement, in order: the
 * shortest list of holders, each sought in the others as they advance. */
struct candidates {
    const uint32_t *lists[BPA_MATCH_MAX_SKILLS];
    size_t lengths[BPA_MATCH_MAX_SKILLS], at[BPA_MATCH_MAX_SKILLS];
    unsigned count;     /* lists; none: every seeker is a candidate */
    size_t next, total; /* in the shortest list, or of all seekers */
};

static void candidates_start(struct candidates *k, const struct columns *c,
                             const struct bpa_placement *p)
{
    k->count = 0;
    for (unsigned r = 0; r < required_counted(p); r++)
        if (p->required[r].essential) {
            unsigned l = k->count++;
            k->lengths[l] = holders_of(c, p->required[r].skill, &k->lists[l]);
            k->at[l] = 0;
            if (k->lengths[l] < k->lengths[0]) { /* the shortest first */
                const uint32_t *list = k->lists[l];
                size_t length = k->lengths[l];
                k->lists[l] = k->lists[0], k->lengths[l] = k->lengths[0];
                k->lists[0] = list, k->lengths[0] = length;
            }
        }
    k->next = 0;
    k->total = k->count ? k->lengths[0] : c->count;
}

/* The next candidate's position into *seeker; false after the last. */
static bool candidates_next(struct candidates *k, size_t *seeker)
{
    while (k->next < k->total) {
        size_t j = k->count ? k->lists[0][k->next] : k->next;
        k->next++;
        bool everywhere = true;
        for (unsigned l = 1; l < k->count && everywhere; l++) {
            while (k->at[l] < k->lengths[l] && k->lists[l][k->at[l]] < j)
                k->at[l]++;
            everywhere = k->at[l] < k->lengths[l] && k->lists[l][k->at[l]] == j;
        }
        if (everywhere) {
            *seeker = j;
            return true;
        }
    }
    return false;
}

/* True when the score of eligible pair (s, p) surely stays below
 * `min_score`: its components as bpa_match_evaluate computes them, but
 * the distance's at most that of the chord between the places (an arc is
 * never shorter), round below the minimum with room for rounding. Spares
 * bpa_match_evaluate's trigonometry for most pairs. */
static bool surely_below(const struct bpa_match_rules *rules, const struct bpa_seeker *s,
                         const struct bpa_placement *p, double chord2, double schedule,
                         int min_score)
{
    double total = rules->weight_skills + rules->weight_schedule + rules->weight_distance +
                   rules->weight_learning;
    if (total <= 0)
        return true; /* every score is 0 */
    double closest_km = BPA_EARTH_RADIUS_KM * sqrt(chord2) * (1 - 1e-9);
    double closeness = s->max_travel_km > 0 ? 1 - closest_km / s->max_travel_km : 0;
    closeness = closeness < 0 ? 0 : closeness > 1 ? 1 : closeness;
    double known = rules->weight_schedule * schedule + rules->weight_distance * closeness;
    double short_of = (min_score - 0.5 - 1e-6) * total / 100; /* what `best` must stay below */
    if (known + rules->weight_skills + rules->weight_learning < short_of)
        return true; /* even with the best skills and learning, read from the seeker's lists */
    uint8_t levels[BPA_MATCH_MAX_SKILLS];
    bool lacking;
    unsigned taught_among_goals;
    double best = known + rules->weight_skills * bpa_pair_skills(s, p, levels, &lacking) +
                  rules->weight_learning * bpa_pair_learning(s, p, &taught_among_goals);
    return best < short_of;
}

/* Step 1: true when some seeker is eligible for p with at least
 * `min_score`. When none is, *holders counts the seekers holding all of
 * p's essential skills, and *eligible the eligible ones (all below the
 * minimum). Each candidate meets the filters' tests in the filters' own
 * terms, on the columns first; the seeker is read for its certificates,
 * the exact distance near the limit, and the score. */
BPA_WITH_POPCOUNT
static bool someone_fits(const struct bpa_match_rules *rules, const struct bpa_seeker *seekers,
                         const struct columns *c, const struct bpa_placement *p, int min_score,
                         uint64_t *holders, uint64_t *eligible)
{
    struct candidates candidates;
    candidates_start(&candidates, c, p);
    *holders = *eligible = 0;
    double px, py, pz;
    bpa_unit_vector(p->lat, p->lon, &px, &py, &pz);
    int64_t latest_start = (int64_t)p->start + rules->grace_days;
    unsigned hours = bpa_week_hours(&p->schedule);
    unsigned least = bpa_least_overlap(rules, hours);
    size_t j;
    while (candidates_next(&candidates, &j)) {
        ++*holders;
        double dx = c->x[j] - px, dy = c->y[j] - py, dz = c->z[j] - pz;
        double chord2 = dx * dx + dy * dy + dz * dz;
        const struct bpa_week *w = &c->weeks[j];
        unsigned overlap = (unsigned)(__builtin_popcountll(w->bits[0] & p->schedule.bits[0]) +
                                      __builtin_popcountll(w->bits[1] & p->schedule.bits[1]) +
                                      __builtin_popcountll(w->bits[2] & p->schedule.bits[2]));
        if (!p->open || c->dutch[j] < p->min_dutch_level || (int64_t)c->from[j] > latest_start ||
            c->until[j] < p->end || c->max_hours[j] < p->hours_per_week || chord2 > c->far[j] ||
            overlap < least)
            continue;
        const struct bpa_seeker *s = &seekers[j];
        if (bpa_pair_common(p->certificates, p->certificate_count, s->certificates,
                            s->certificate_count) < p->certificate_count ||
            (chord2 >= c->near[j] &&
             bpa_match_distance_km(s->lat, s->lon, p->lat, p->lon) > c->km[j]))
            continue;
        if (min_score <= 0)
            return true;
        if (!surely_below(rules, s, p, chord2, hours ? (double)overlap / hours : 0, min_score)) {
            struct bpa_match_result r;
            bpa_match_evaluate(rules, s, p, &r);
            if (r.score >= min_score)
                return true;
        }
        ++*eligible;
    }
    return false;
}

/* Step 2's essential skills, each alone, from the lists of holders. */
static void count_missing_skills(const struct columns *c, const struct bpa_placement *p,
                                 struct bpa_unmet *u)
{
    for (unsigned k = 0; k < required_counted(p); k++) {
        const uint32_t *ignored;
        if (p->required[k].essential)
            u->missing[k] = c->count - holders_of(c, p->required[k].skill, &ignored);
    }
}

/* The placements are shared out among the threads in chunks, each with
 * its own results, joined in order at the end. */
#define CHUNK 64

struct chunk {
    struct bpa_unmet *found;
    size_t count;
};

struct work {
    const struct bpa_match_rules *rules;
    const struct bpa_seeker *seekers;
    const struct columns *columns;
    const struct bpa_refusals *groups;
    const struct bpa_placement *placements;
    size_t placement_count;
    int min_score;
    struct chunk *chunks;
    size_t chunk_count;
    atomic_size_t next_chunk;
    atomic_bool out_of_memory;
};

/* Steps 1 and 2 (but the dates) for placements [from, to). */
static bool work_on(struct work *w, size_t from, size_t to, struct chunk *chunk)
{
    size_t capacity = 0;
    for (size_t i = from; i < to; i++) {
        const struct bpa_placement *p = &w->placements[i];
        uint64_t holders, eligible;
        if (someone_fits(w->rules, w->seekers, w->columns, p, w->min_score, &holders, &eligible))
            continue;
        if (chunk->count == capacity) {
            capacity = capacity ? capacity * 2 : 8;
            struct bpa_unmet *more = realloc(chunk->found, capacity * sizeof *more);
            if (!more)
                return false;
            chunk->found = more;
        }
        struct bpa_unmet *u = &chunk->found[chunk->count++];
        memset(u, 0, sizeof *u);
        u->placement = i;
        u->below_min_score = eligible;
        bpa_refusals_count(w->groups, w->rules, p, u->refused);
        u->refused[__builtin_ctz(BPA_FILTER_ESSENTIAL_SKILL)] = w->columns->count - holders;
        count_missing_skills(w->columns, p, u);
    }
    return true;
}

static void *work_on_chunks(void *arg)
{
    struct work *w = arg;
    for (size_t k; (k = atomic_fetch_add(&w->next_chunk, 1)) < w->chunk_count;) {
        size_t from = k * CHUNK,
               to = from + CHUNK < w->placement_count ? from + CHUNK : w->placement_count;
        if (!work_on(w, from, to, &w->chunks[k]))
            atomic_store(&w->out_of_memory, true);
    }
    return NULL;
}

/* The chunks' results as one array, freeing theirs. */
static struct bpa_unmet *join_chunks(struct chunk *chunks, size_t chunk_count, size_t *count)
{
    *count = 0;
    for (size_t k = 0; k < chunk_count; k++)
        *count += chunks[k].count;
    struct bpa_unmet *all = malloc((*count ? *count : 1) * sizeof *all), *at = all;
    for (size_t k = 0; k < chunk_count; k++) {
        if (at && chunks[k].count) {
            memcpy(at, chunks[k].found, chunks[k].count * sizeof *at);
            at += chunks[k].count;
        }
        free(chunks[k].found);
    }
    return all;
}

long bpa_unmet_placements(const struct bpa_match_rules *rules, const struct bpa_seeker *seekers,
                          size_t seeker_count, const struct bpa_placement *placements,
                          size_t placement_count, int min_score, unsigned threads,
                          struct bpa_unmet **unmet)
{
    struct columns columns = {0};
    struct work w = {.rules = rules,
                     .seekers = seekers,
                     .columns = &columns,
                     .placements = placements,
                     .placement_count = placement_count,
                     .min_score = min_score,
                     .chunk_count = (placement_count + CHUNK - 1) / CHUNK};
    atomic_init(&w.next_chunk, 0);
    atomic_init(&w.out_of_memory, false);
    w.chunks = calloc(w.chunk_count ? w.chunk_count : 1, sizeof *w.chunks);
    struct bpa_refusals *groups = NULL;
    bool complete = w.chunks && columns_make(&columns, seekers, seeker_count) &&
                    (groups = bpa_refusals_new(seekers, seeker_count));
    size_t count = 0;
    struct bpa_unmet *found = NULL;
    if (complete) {
        w.groups = groups;
        pthread_t helpers[BPA_UNMET_MAX_THREADS];
        unsigned started = 0;
        for (unsigned t = 1; t < threads && t < BPA_UNMET_MAX_THREADS; t++)
            started += pthread_create(&helpers[started], NULL, work_on_chunks, &w) == 0;
        work_on_chunks(&w); /* the caller works too, so that none started is fine */
        for (unsigned t = 0; t < started; t++)
            pthread_join(helpers[t], NULL);
        found = join_chunks(w.chunks, w.chunk_count, &count);
        complete = !atomic_load(&w.out_of_memory) && found &&
                   bpa_refusals_count_dates(groups, rules, placements, found, count);
    }
    bpa_refusals_free(groups);
    columns_free(&columns);
    free(w.chunks);
    if (!complete) {
        free(found);
        return -1;
    }
    *unmet = found;
    return (long)count;
}
