/* Rankings: a scan with a cheap box-and-dates prefilter, then full scoring
 * of what is left, kept in a bounded heap. */
#include "matcher.h"
#include "pair_tests.h"

#include <math.h>
#include <stdlib.h>

bool bpa_ranked_before(const struct bpa_ranked *a, const struct bpa_ranked *b)
{
    if (a->score != b->score)
        return a->score > b->score;
    if (a->distance_km != b->distance_km)
        return a->distance_km < b->distance_km;
    return a->id < b->id;
}

/* The heap's root is the item that ranks last. */
static void swap(struct bpa_ranked *a, struct bpa_ranked *b)
{
    struct bpa_ranked t = *a;
    *a = *b;
    *b = t;
}

static void sift_down(struct bpa_topk *top, size_t i)
{
    for (;;) {
        size_t worst = i, left = 2 * i + 1, right = left + 1;
        if (left < top->count && bpa_ranked_before(&top->items[worst], &top->items[left]))
            worst = left;
        if (right < top->count && bpa_ranked_before(&top->items[worst], &top->items[right]))
            worst = right;
        if (worst == i)
            return;
        swap(&top->items[i], &top->items[worst]);
        i = worst;
    }
}

void bpa_topk_offer(struct bpa_topk *top, const struct bpa_ranked *item)
{
    if (top->capacity == 0)
        return;
    if (top->count < top->capacity) {
        size_t i = top->count++;
        top->items[i] = *item;
        while (i > 0 && bpa_ranked_before(&top->items[(i - 1) / 2], &top->items[i])) {
            swap(&top->items[(i - 1) / 2], &top->items[i]);
            i = (i - 1) / 2;
        }
    } else if (bpa_ranked_before(item, &top->items[0])) {
        top->items[0] = *item;
        sift_down(top, 0);
    }
}

static int best_first(const void *a, const void *b)
{
    const struct bpa_ranked *x = a, *y = b;
    return bpa_ranked_before(x, y) ? -1 : bpa_ranked_before(y, x) ? 1 : 0;
}

void bpa_topk_finish(struct bpa_topk *top)
{
    qsort(top->items, top->count, sizeof top->items[0], best_first);
}

bool bpa_match_may_fit(const struct bpa_match_rules *rules, const struct bpa_seeker *seeker,
                       const struct bpa_placement *placement)
{
    /* essential skills before the box: in a crowded region they reject most */
    return placement->open && bpa_pair_dates_fit(rules, seeker, placement) &&
           seeker->dutch_level >= placement->min_dutch_level &&
           !bpa_pair_missing_essentials(seeker, placement) &&
           bpa_pair_in_box(seeker->lat, seeker->lon, placement->lat, placement->lon,
                           seeker->max_travel_km);
}

static void consider(const struct bpa_match_rules *rules, const struct bpa_seeker *s,
                     const struct bpa_placement *p, const struct bpa_rank_options *options,
                     int64_t id, struct bpa_topk *top)
{
    struct bpa_match_result r;
    bpa_match_evaluate(rules, s, p, &r);
    if (r.failed || r.score < options->min_score ||
        (options->within_km > 0 && r.distance_km > options->within_km))
        return;
    struct bpa_ranked ranked = {.id = id, .score = r.score, .distance_km = r.distance_km};
    bpa_topk_offer(top, &ranked);
}

size_t bpa_rank_placements(const struct bpa_match_rules *rules, const struct bpa_seeker *seeker,
                           const struct bpa_placement *placements, size_t count,
                           const struct bpa_rank_options *options, struct bpa_ranked *out)
{
    struct bpa_topk top = {.items = out, .capacity = options->limit};
    double reach = seeker->max_travel_km;
    if (options->within_km > 0 && options->within_km < reach)
        reach = options->within_km;
    for (size_t i = 0; i < count; i++) {
        const struct bpa_placement *p = &placements[i];
        if (!p->open || !bpa_pair_in_box(seeker->lat, seeker->lon, p->lat, p->lon, reach) ||
            !bpa_pair_dates_fit(rules, seeker, p) || seeker->dutch_level < p->min_dutch_level ||
            (options->occupation && p->occupation != options->occupation))
            continue;
        consider(rules, seeker, p, options, p->id, &top);
    }
    bpa_topk_finish(&top);
    return top.count;
}

size_t bpa_rank_seekers(const struct bpa_match_rules *rules, const struct bpa_placement *placement,
                        const struct bpa_seeker *seekers, size_t count,
                        const struct bpa_rank_options *options, struct bpa_ranked *out)
{
    struct bpa_topk top = {.items = out, .capacity = options->limit};
    if (!placement->open)
        return 0;
    for (size_t i = 0; i < count; i++) {
        const struct bpa_seeker *s = &seekers[i];
        double reach = s->max_travel_km;
        if (options->within_km > 0 && options->within_km < reach)
            reach = options->within_km;
        if (!bpa_pair_in_box(s->lat, s->lon, placement->lat, placement->lon, reach) ||
            !bpa_pair_dates_fit(rules, s, placement) || s->dutch_level < placement->min_dutch_level)
            continue;
        consider(rules, s, placement, options, s->id, &top);
    }
    bpa_topk_finish(&top);
    return top.count;
}
