/* The benchmark world generator. */
#include "world.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint32_t next(struct bench_world *w)
{
    uint64_t x = w->state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    w->state = x;
    return (uint32_t)(x >> 11);
}

static double uniform(struct bench_world *w)
{
    return (next(w) & 0xFFFFFF) / 16777216.0;
}

int bench_world_init(struct bench_world *world, const char *geonames_tsv, unsigned vocabulary,
                     uint64_t seed)
{
    memset(world, 0, sizeof *world);
    FILE *f = fopen(geonames_tsv, "r");
    if (!f)
        return -1;
    char line[512];
    size_t capacity = 0;
    while (fgets(line, sizeof line, f)) {
        char *fields[12];
        int n = 0;
        for (char *p = line; n < 12; n++) {
            fields[n] = p;
            p = strchr(p, '\t');
            if (!p)
                break;
            *p++ = '\0';
        }
        if (n < 10)
            continue;
        if (world->place_count == capacity) {
            capacity = capacity ? capacity * 2 : 4096;
            world->places = realloc(world->places, capacity * sizeof *world->places);
        }
        world->places[world->place_count++] =
            (struct bench_place){atoi(fields[1]), atof(fields[9]), atof(fields[10])};
    }
    fclose(f);
    world->vocabulary = vocabulary;
    world->state = seed ? seed : 88172645463325252ULL;
    world->today = (int32_t)(time(NULL) / 86400);
    return world->place_count ? 0 : -1;
}

void bench_world_free(struct bench_world *world)
{
    free(world->places);
}

#define RAD(d) ((d)*M_PI / 180.0)

static bool within(const struct bench_place *at, double lat, double lon, double km)
{
    return bpa_match_distance_km(RAD(lat), RAD(lon), RAD(at->lat), RAD(at->lon)) <= km;
}

size_t bench_world_restrict(struct bench_world *world, double lat, double lon, double km)
{
    size_t kept = 0;
    for (size_t i = 0; i < world->place_count; i++)
        kept += within(&world->places[i], lat, lon, km);
    if (kept == 0)
        return 0;
    kept = 0;
    for (size_t i = 0; i < world->place_count; i++)
        if (within(&world->places[i], lat, lon, km))
            world->places[kept++] = world->places[i];
    world->place_count = kept;
    return kept;
}

/* Skewed skill ids: a few common skills, a long tail, as real profiles have. */
static uint32_t skill(struct bench_world *w)
{
    double u = uniform(w);
    return 1 + (uint32_t)(w->vocabulary * u * u * u);
}

static int by_id(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* `n` distinct skill ids, sorted, `stride` bytes apart. */
static unsigned distinct_skills(struct bench_world *w, void *base, size_t stride, unsigned n)
{
    unsigned made = 0;
    for (unsigned tries = 0; made < n && tries < 100; tries++) {
        uint32_t id = skill(w);
        bool seen = false;
        for (unsigned i = 0; i < made; i++)
            seen |= *(uint32_t *)(void *)((char *)base + i * stride) == id;
        if (!seen)
            *(uint32_t *)(void *)((char *)base + made++ * stride) = id;
    }
    qsort(base, made, stride, by_id);
    return made;
}

static struct bpa_week weekdays(unsigned first_day, unsigned last_day, unsigned from, unsigned to)
{
    struct bpa_week week = {{0}};
    for (unsigned d = first_day; d <= last_day; d++)
        for (unsigned h = from; h < to; h++)
            week.bits[(d * 24 + h) / 64] |= UINT64_C(1) << ((d * 24 + h) % 64);
    return week;
}

static const struct bench_place *somewhere(struct bench_world *w)
{
    return &w->places[next(w) % w->place_count];
}

void bench_placement(struct bench_world *w, int64_t id, struct bpa_placement *p,
                     struct bpa_required_skill *required, uint32_t *taught, int *pc4)
{
    const struct bench_place *at = somewhere(w);
    unsigned days = 2 + next(w) % 4, from = 7 + next(w) % 3, hours = 6 + next(w) % 3;
    memset(p, 0, sizeof *p);
    p->id = id;
    p->lat = RAD(at->lat + (uniform(w) - 0.5) * 0.02);
    p->lon = RAD(at->lon + (uniform(w) - 0.5) * 0.03);
    p->schedule = weekdays(0, days - 1, from, from + hours);
    p->hours_per_week = days * hours;
    p->start = w->today + (int32_t)(next(w) % 90);
    p->end = p->start + 14 + (int32_t)(next(w) % 170);
    p->min_dutch_level = (uint8_t)(next(w) % 4);
    p->open = next(w) % 20 != 0;
    p->required_count = (uint16_t)distinct_skills(w, required, sizeof *required, 2 + next(w) % 5);
    for (unsigned i = 0; i < p->required_count; i++) {
        required[i].min_level = (uint8_t)(1 + next(w) % 4);
        required[i].essential = next(w) % 3 == 0;
    }
    p->required = required;
    p->taught_count = (uint16_t)distinct_skills(w, taught, sizeof *taught, 1 + next(w) % 3);
    p->taught = taught;
    *pc4 = at->pc4;
}

void bench_seeker(struct bench_world *w, int64_t id, struct bpa_seeker *s,
                  struct bpa_seeker_skill *skills, uint32_t *goals, int *pc4)
{
    const struct bench_place *at = somewhere(w);
    memset(s, 0, sizeof *s);
    s->id = id;
    s->lat = RAD(at->lat + (uniform(w) - 0.5) * 0.02);
    s->lon = RAD(at->lon + (uniform(w) - 0.5) * 0.03);
    s->max_travel_km = 5 + next(w) % 26;
    s->max_hours_per_week = 16 + next(w) % 25;
    unsigned first = next(w) % 2, last = 3 + next(w) % 3;
    s->availability = weekdays(first, last, 7, 17 + next(w) % 3);
    s->available_from = w->today + (int32_t)(next(w) % 60);
    s->available_until =
        next(w) % 3 ? BPA_NO_END_DAY : s->available_from + 120 + (int32_t)(next(w) % 200);
    s->dutch_level = (uint8_t)(next(w) % 7);
    s->skill_count = (uint16_t)distinct_skills(w, skills, sizeof *skills, 3 + next(w) % 6);
    for (unsigned i = 0; i < s->skill_count; i++)
        skills[i].level = (uint8_t)(1 + next(w) % 5);
    s->skills = skills;
    s->goal_count = (uint16_t)distinct_skills(w, goals, sizeof *goals, 1 + next(w) % 3);
    s->goals = goals;
    *pc4 = at->pc4;
}
