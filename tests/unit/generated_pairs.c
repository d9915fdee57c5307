/* The random pairs of generated_pairs.h. */
#include "generated_pairs.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static uint64_t state = 42;
uint32_t next_random(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (uint32_t)state;
}
double uniform(double lo, double hi)
{
    return lo + (hi - lo) * (next_random() / 4294967296.0);
}

static int by_skill(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

void random_week(struct bpa_week *w, int density)
{
    memset(w, 0, sizeof *w);
    for (int slot = 0; slot < 168; slot++)
        if ((int)(next_random() % 100) < density)
            w->bits[slot / 64] |= UINT64_C(1) << (slot % 64);
}

/* Distinct sorted ids out of 1..12, `n` of them, `stride` bytes apart. */
static void distinct_ids(void *base, size_t stride, unsigned n)
{
    unsigned used = 0, made = 0;
    while (made < n) {
        uint32_t id = 1 + next_random() % 12;
        if (used & (1u << id))
            continue;
        used |= 1u << id;
        *(uint32_t *)(void *)((char *)base + made++ * stride) = id;
    }
    qsort(base, n, stride, by_skill);
}

void generate(struct generated *g)
{
    memset(g, 0, sizeof *g);
    struct bpa_seeker *s = &g->seeker;
    struct bpa_placement *p = &g->placement;
    s->skill_count = (uint16_t)(next_random() % 7);
    distinct_ids(g->skills, sizeof g->skills[0], s->skill_count);
    for (unsigned i = 0; i < s->skill_count; i++)
        g->skills[i].level = (uint8_t)(1 + next_random() % 5);
    s->goal_count = (uint16_t)(next_random() % 5);
    distinct_ids(g->goals, sizeof g->goals[0], s->goal_count);
    p->required_count = (uint16_t)(next_random() % 6);
    distinct_ids(g->required, sizeof g->required[0], p->required_count);
    for (unsigned i = 0; i < p->required_count; i++) {
        g->required[i].min_level = (uint8_t)(1 + next_random() % 5);
        g->required[i].essential = next_random() % 3 == 0;
    }
    p->taught_count = (uint16_t)(next_random() % 5);
    distinct_ids(g->taught, sizeof g->taught[0], p->taught_count);
    s->skills = g->skills;
    s->goals = g->goals;
    p->required = g->required;
    p->taught = g->taught;
    s->id = next_random() % 1000;
    p->id = next_random() % 1000;
    s->lat = RAD(uniform(51.9, 52.2));
    s->lon = RAD(uniform(4.1, 4.5));
    p->lat = RAD(uniform(51.9, 52.2));
    p->lon = RAD(uniform(4.1, 4.5));
    s->max_travel_km = uniform(1, 40);
    s->max_hours_per_week = uniform(8, 40);
    p->hours_per_week = uniform(8, 40);
    s->available_from = 20000 + (int32_t)(next_random() % 40);
    s->available_until = next_random() % 2 ? BPA_NO_END_DAY : 20100 + (int32_t)(next_random() % 60);
    p->start = 20000 + (int32_t)(next_random() % 30);
    p->end = p->start + 14 + (int32_t)(next_random() % 100);
    s->dutch_level = (uint8_t)(next_random() % 7);
    p->min_dutch_level = (uint8_t)(next_random() % 4);
    p->open = next_random() % 8 != 0;
    random_week(&s->availability, (int)(next_random() % 80));
    random_week(&p->schedule, 5 + (int)(next_random() % 30));
}
