/* Cohort rounds: scoring every pair once, then deferred acceptance or a
 * min-cost flow over the eligible pairs. See round.h. */
#include "round.h"

#include "flow.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_METRES 0xFFFFFF

/* --- scoring --- */

struct by_id {
    const void *items;
    size_t stride;
};

static int64_t id_at(const struct by_id *order, uint32_t i)
{
    return *(const int64_t *)(const void *)((const char *)order->items + i * order->stride);
}

/* Positions 0..count-1 sorted by the items' ids (an insertion-free merge
 * sort would do as well; qsort_r is not in C11, so a small local sort). */
static void sort_by_id(uint32_t *positions, size_t count, const struct by_id *order)
{
    for (size_t i = 0; i < count; i++)
        positions[i] = (uint32_t)i;
    /* shell sort: no recursion, no allocation, fast enough for 10^5 items */
    static const size_t gaps[] = {88573, 29524, 9841, 3280, 1093, 364, 121, 40, 13, 4, 1};
    for (size_t g = 0; g < sizeof gaps / sizeof gaps[0]; g++) {
        size_t gap = gaps[g];
        for (size_t i = gap; i < count; i++) {
            uint32_t moving = positions[i];
            int64_t id = id_at(order, moving);
            size_t j = i;
            for (; j >= gap && id_at(order, positions[j - gap]) > id; j -= gap)
                positions[j] = positions[j - gap];
            positions[j] = moving;
        }
    }
}

static int ascending(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static uint64_t pair_key(int score, double distance_km, uint32_t other)
{
    double metres = round(distance_km * 1000);
    uint64_t m = metres > MAX_METRES ? MAX_METRES : (uint64_t)metres;
    return (uint64_t)(100 - score) << 56 | m << 32 | other;
}

void bpa_round_free(struct bpa_round *round)
{
    free(round->seeker_input);
    free(round->placement_input);
    free(round->free_places);
    free(round->first);
    free(round->keys);
    memset(round, 0, sizeof *round);
}

/* Appends `count` keys, growing the array by half as much again. */
static int append(struct bpa_round *round, size_t *room, const uint64_t *keys, size_t count)
{
    if (count == 0) /* keys may still be NULL */
        return 0;
    if (round->edge_count + count > *room) {
        size_t wanted = *room + *room / 2 + count + 1024;
        uint64_t *grown = realloc(round->keys, wanted * sizeof *grown);
        if (!grown)
            return -1;
        round->keys = grown;
        *room = wanted;
    }
    memcpy(round->keys + round->edge_count, keys, count * sizeof *keys);
    round->edge_count += count;
    return 0;
}

int bpa_round_score(const struct bpa_round_input *input, struct bpa_round *out)
{
    memset(out, 0, sizeof *out);
    size_t n = input->seeker_count, m = input->placement_count, room = 0;
    out->seeker_count = n;
    out->placement_count = m;
    out->seeker_input = malloc((n + 1) * sizeof *out->seeker_input);
    out->placement_input = malloc((m + 1) * sizeof *out->placement_input);
    out->free_places = malloc((m + 1) * sizeof *out->free_places);
    out->first = malloc((n + 1) * sizeof *out->first);
    uint64_t *row = malloc((m + 1) * sizeof *row);
    if (!out->seeker_input || !out->placement_input || !out->free_places || !out->first || !row)
        goto failed;
    sort_by_id(out->seeker_input, n, &(struct by_id){input->seekers, sizeof *input->seekers});
    sort_by_id(out->placement_input, m,
               &(struct by_id){input->placements, sizeof *input->placements});
    for (size_t p = 0; p < m; p++)
        out->free_places[p] = input->free_places[out->placement_input[p]];
    for (size_t s = 0; s < n; s++) {
        const struct bpa_seeker *seeker = &input->seekers[out->seeker_input[s]];
        size_t count = 0;
        for (size_t p = 0; p < m; p++) {
            const struct bpa_placement *placement = &input->placements[out->placement_input[p]];
            if (out->free_places[p] == 0 || !bpa_match_may_fit(input->rules, seeker, placement))
                continue;
            struct bpa_match_result r;
            bpa_match_evaluate(input->rules, seeker, placement, &r);
            if (r.failed == 0 && r.score >= input->min_score)
                row[count++] = pair_key(r.score, r.distance_km, (uint32_t)p);
        }
        qsort(row, count, sizeof *row, ascending);
        out->first[s] = out->edge_count;
        if (append(out, &room, row, count) != 0)
            goto failed;
    }
    out->first[n] = out->edge_count;
    free(row);
    return 0;
failed:
    free(row);
    bpa_round_free(out);
    return -1;
}

uint64_t bpa_round_pair_key(const struct bpa_round *round, uint32_t seeker, uint32_t placement)
{
    for (size_t e = round->first[seeker]; e < round->first[seeker + 1]; e++)
        if (bpa_round_key_other(round->keys[e]) == placement)
            return round->keys[e];
    return BPA_ROUND_NO_PAIR;
}

long bpa_round_total_score(const struct bpa_round *round, const uint32_t *assigned, size_t *placed)
{
    long total = 0;
    *placed = 0;
    for (uint32_t s = 0; s < round->seeker_count; s++) {
        if (assigned[s] == BPA_ROUND_NONE)
            continue;
        total += bpa_round_key_score(bpa_round_pair_key(round, s, assigned[s]));
        ++*placed;
    }
    return total;
}

/* --- stable: deferred acceptance --- */

/* Each placement holds its accepted seekers' keys (placement side) in a
 * max-heap, so its least preferred is at the root. */
struct holding {
    uint64_t *keys;
    size_t *base, *count;
};

static void sift_down(uint64_t *heap, size_t count, size_t i)
{
    for (;;) {
        size_t worst = i, left = 2 * i + 1, right = left + 1;
        if (left < count && heap[left] > heap[worst])
            worst = left;
        if (right < count && heap[right] > heap[worst])
            worst = right;
        if (worst == i)
            return;
        uint64_t t = heap[i];
        heap[i] = heap[worst];
        heap[worst] = t;
        i = worst;
    }
}

static void sift_up(uint64_t *heap, size_t i)
{
    while (i > 0 && heap[(i - 1) / 2] < heap[i]) {
        uint64_t t = heap[i];
        heap[i] = heap[(i - 1) / 2];
        heap[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
}

/* Seeker s proposes down its list until held; returns the seeker the
 * placement let go for it, or BPA_ROUND_NONE. */
static uint32_t propose(const struct bpa_round *round, struct holding *h, size_t *next, uint32_t s)
{
    while (next[s] < round->first[s + 1]) {
        uint64_t key = round->keys[next[s]++];
        uint32_t p = bpa_round_key_other(key);
        uint64_t *heap = h->keys + h->base[p], mine = bpa_round_key_with(key, s);
        if (h->count[p] < round->free_places[p]) {
            heap[h->count[p]] = mine;
            sift_up(heap, h->count[p]++);
            return BPA_ROUND_NONE;
        }
        if (mine < heap[0]) {
            uint32_t let_go = bpa_round_key_other(heap[0]);
            heap[0] = mine;
            sift_down(heap, h->count[p], 0);
            return let_go;
        }
    }
    return BPA_ROUND_NONE; /* list exhausted: unassigned */
}

int bpa_round_stable(const struct bpa_round *round, uint32_t *assigned)
{
    size_t n = round->seeker_count, m = round->placement_count, places = 0;
    struct holding h = {
        .base = malloc((m + 1) * sizeof *h.base),
        .count = calloc(m + 1, sizeof *h.count),
    };
    size_t *next = malloc((n + 1) * sizeof *next);
    if (h.base && h.count)
        for (size_t p = 0; p < m; p++) {
            h.base[p] = places;
            places += round->free_places[p];
        }
    h.keys = malloc((places + 1) * sizeof *h.keys);
    if (!h.base || !h.count || !next || !h.keys) {
        free(h.base);
        free(h.count);
        free(h.keys);
        free(next);
        return -1;
    }
    for (size_t s = 0; s < n; s++)
        next[s] = round->first[s];
    /* the order of proposals does not change the outcome: one seeker at a
     * time, following whoever was let go */
    for (uint32_t s = 0; s < n; s++)
        for (uint32_t free_one = s; free_one != BPA_ROUND_NONE;)
            free_one = propose(round, &h, next, free_one);
    for (size_t s = 0; s < n; s++)
        assigned[s] = BPA_ROUND_NONE;
    for (uint32_t p = 0; p < m; p++)
        for (size_t i = 0; i < h.count[p]; i++)
            assigned[bpa_round_key_other(h.keys[h.base[p] + i])] = p;
    free(h.base);
    free(h.count);
    free(h.keys);
    free(next);
    return 0;
}

size_t bpa_round_blocking_pairs(const struct bpa_round *round, const uint32_t *assigned)
{
    size_t m = round->placement_count, blocking = 0;
    uint64_t *worst = calloc(m + 1, sizeof *worst); /* 0: none taken */
    uint32_t *taken = calloc(m + 1, sizeof *taken);
    if (!worst || !taken) {
        free(worst);
        free(taken);
        return SIZE_MAX;
    }
    for (uint32_t s = 0; s < round->seeker_count; s++) {
        uint32_t p = assigned[s];
        if (p == BPA_ROUND_NONE)
            continue;
        uint64_t key = bpa_round_key_with(bpa_round_pair_key(round, s, p), s);
        taken[p]++;
        if (key > worst[p])
            worst[p] = key;
    }
    for (uint32_t s = 0; s < round->seeker_count; s++)
        /* the seeker's list is in its order of preference: every pair before
         * the one it got is one it prefers */
        for (size_t e = round->first[s]; e < round->first[s + 1]; e++) {
            uint32_t p = bpa_round_key_other(round->keys[e]);
            if (p == assigned[s])
                break;
            uint64_t mine = bpa_round_key_with(round->keys[e], s);
            if (taken[p] < round->free_places[p] || mine < worst[p])
                blocking++;
        }
    free(worst);
    free(taken);
    return blocking;
}

/* --- optimal: a min-cost flow --- *
 *
 * Seekers supply one unit each; it flows to the sink either straight (left
 * unassigned, cost 0) or through one placement (cost -score), and each
 * placement passes on at most its free places. LEMON's network simplex
 * solves it (flow.h). Only each seeker's best pairs are given to the solver
 * at first; the node potentials of its answer then price every pair left
 * out, and any that could lower the cost is added before solving again.
 * When none can, the answer is optimal over all pairs (LP duality), found
 * on a network far smaller than all of them. */

#define FIRST_PASS_PAIRS 8 /* per seeker, in the first solve (bench/README.md) */

struct network {
    size_t nodes, count, room;
    struct bpa_flow_arc *arcs; /* to the sink: seekers', then placements'; then pairs */
    int64_t *supply, *flow, *potential;
    int64_t per_point;
};

/* The cost of a pair: its score first, then one unit for being placed at
 * all, so that among equal totals the solver places more seekers. */
static int64_t arc_cost(const struct network *net, uint64_t key)
{
    return -(bpa_round_key_score(key) * net->per_point + 1);
}

static int add_arc(struct network *net, uint32_t tail, uint32_t head, int64_t cost,
                   int64_t capacity)
{
    if (net->count == net->room) {
        size_t wanted = net->room * 2 + 1024;
        struct bpa_flow_arc *grown = realloc(net->arcs, wanted * sizeof *grown);
        int64_t *flow = realloc(net->flow, wanted * sizeof *flow);
        if (grown)
            net->arcs = grown;
        if (flow)
            net->flow = flow;
        if (!grown || !flow)
            return -1;
        net->room = wanted;
    }
    net->arcs[net->count++] =
        (struct bpa_flow_arc){.tail = tail, .head = head, .cost = cost, .capacity = capacity};
    return 0;
}

/* Gives the solver the pair of seeker s at keys[e]. */
static int give(struct network *net, const struct bpa_round *round, uint8_t *given, uint32_t s,
                size_t e)
{
    uint64_t key = round->keys[e];
    given[e] = 1;
    return add_arc(net, s, (uint32_t)round->seeker_count + bpa_round_key_other(key),
                   arc_cost(net, key), 1);
}

static int64_t reduced_cost(const struct network *net, uint32_t tail, uint32_t head, int64_t cost)
{
    return cost + net->potential[tail] - net->potential[head];
}

/* Whether the answer and its potentials meet complementary slackness on
 * every arc given: the proof that pricing the others is sound. */
static bool potentials_prove(const struct network *net)
{
    for (size_t a = 0; a < net->count; a++) {
        const struct bpa_flow_arc *arc = &net->arcs[a];
        int64_t rc = reduced_cost(net, arc->tail, arc->head, arc->cost);
        if ((net->flow[a] < arc->capacity && rc < 0) || (net->flow[a] > 0 && rc > 0))
            return false;
    }
    return true;
}

static void network_free(struct network *net)
{
    free(net->arcs);
    free(net->supply);
    free(net->flow);
    free(net->potential);
}

/* The network with each seeker's first pairs; 0, or -1 when out of memory. */
static int network_start(struct network *net, const struct bpa_round *round, uint8_t *given)
{
    uint32_t n = (uint32_t)round->seeker_count, m = (uint32_t)round->placement_count;
    uint32_t sink = n + m;
    net->nodes = (size_t)sink + 1;
    net->per_point = (int64_t)n + 1;
    net->supply = calloc(net->nodes, sizeof *net->supply);
    net->potential = calloc(net->nodes, sizeof *net->potential);
    if (!net->supply || !net->potential)
        return -1;
    for (uint32_t s = 0; s < n; s++)
        net->supply[s] = 1;
    net->supply[sink] = -(int64_t)n;
    for (uint32_t s = 0; s < n; s++)
        if (add_arc(net, s, sink, 0, 1) != 0)
            return -1;
    for (uint32_t p = 0; p < m; p++)
        if (add_arc(net, n + p, sink, 0, round->free_places[p]) != 0)
            return -1;
    for (uint32_t s = 0; s < n; s++)
        for (size_t e = round->first[s];
             e < round->first[s + 1] && e < round->first[s] + FIRST_PASS_PAIRS; e++)
            if (give(net, round, given, s, e) != 0)
                return -1;
    return 0;
}

/* Prices the pairs left out and gives those that could lower the cost (or
 * all of them): how many, or -1 when out of memory. */
static long price_the_rest(struct network *net, const struct bpa_round *round, uint8_t *given,
                           bool give_all)
{
    long added = 0;
    uint32_t n = (uint32_t)round->seeker_count;
    for (uint32_t s = 0; s < n; s++)
        for (size_t e = round->first[s]; e < round->first[s + 1]; e++) {
            uint64_t key = round->keys[e];
            if (given[e] || (!give_all && reduced_cost(net, s, n + bpa_round_key_other(key),
                                                       arc_cost(net, key)) >= 0))
                continue;
            if (give(net, round, given, s, e) != 0)
                return -1;
            added++;
        }
    return added;
}

int bpa_round_optimal(const struct bpa_round *round, uint32_t *assigned,
                      struct bpa_round_solver_stats *stats)
{
    size_t n = round->seeker_count, m = round->placement_count;
    memset(stats, 0, sizeof *stats);
    for (size_t s = 0; s < n; s++)
        assigned[s] = BPA_ROUND_NONE;
    if (n == 0 || round->edge_count == 0)
        return 0;
    if (n + m + 1 > INT32_MAX / 2)
        return -1;
    struct network net = {0};
    uint8_t *given = calloc(round->edge_count, 1); /* per pair: in the network */
    int rc = given && network_start(&net, round, given) == 0 ? 0 : -1;
    while (rc == 0) {
        stats->passes++;
        stats->arcs_solved = net.count - n - m;
        if (bpa_flow_solve(net.nodes, net.supply, net.arcs, net.count, net.flow, net.potential) !=
            0) {
            stats->solver_failed = true;
            rc = -1;
            break;
        }
        bool proven = potentials_prove(&net);
        stats->prices_disagreed |= !proven; /* then trust nothing: give every pair */
        long added = price_the_rest(&net, round, given, !proven);
        if (added < 0)
            rc = -1;
        if (added <= 0)
            break;
    }
    for (size_t a = n + m; rc == 0 && a < net.count; a++)
        if (net.flow[a] > 0)
            assigned[net.arcs[a].tail] = net.arcs[a].head - (uint32_t)n;
    network_free(&net);
    free(given);
    return rc;
}
