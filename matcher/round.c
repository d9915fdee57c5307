/* Cohort rounds: scoring every pair once, then deferred acceptance or a
 * min-cost flow over the eligible pairs. See round.h. */
#include "round.h"

#include <glpk.h>
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
 * placement passes on at most its free places. GLPK's out-of-kilter
 * algorithm solves it (its RELAX-IV is disabled in Debian's build, for its
 * licence). Only each seeker's best pairs are given to the solver at first;
 * the node potentials of its answer then price every pair left out, and any
 * that could lower the cost is added before solving again. When none can,
 * the answer is optimal over all pairs (LP duality), found on a network far
 * smaller than all of them. */

struct arc_data {
    double cap, cost, flow;
};
struct vertex_data {
    double supply, potential;
};

#define FIRST_PASS_PAIRS 8 /* per seeker; measured in bench/README.md */

/* The cost of a pair: its score first, then one unit for being placed at
 * all, so that among equal totals the solver places more seekers. */
static double arc_cost(uint64_t key, double per_point)
{
    return -(bpa_round_key_score(key) * per_point + 1);
}

static void add_arc(glp_graph *graph, int from, int to, double cap, double cost)
{
    glp_arc *arc = glp_add_arc(graph, from, to);
    struct arc_data *data = arc->data;
    *data = (struct arc_data){.cap = cap, .cost = cost};
}

static double potential(const glp_graph *graph, int vertex)
{
    return ((const struct vertex_data *)graph->v[vertex]->data)->potential;
}

/* The reduced cost of an arc under the potentials (the duals of the
 * vertices' flow balance): cost - pi(tail) + pi(head). */
static double reduced_cost(const glp_graph *graph, int tail, int head, double cost)
{
    return cost - potential(graph, tail) + potential(graph, head);
}

/* Whether the answer and its potentials meet complementary slackness on
 * every arc given: the proof that pricing the others is sound. */
static bool potentials_prove(const glp_graph *graph)
{
    for (int v = 1; v <= graph->nv; v++)
        for (const glp_arc *arc = graph->v[v]->out; arc; arc = arc->t_next) {
            const struct arc_data *data = arc->data;
            double rc = reduced_cost(graph, v, arc->head->i, data->cost);
            if ((data->flow < data->cap - 0.5 && rc < -0.5) || (data->flow > 0.5 && rc > 0.5))
                return false;
        }
    return true;
}

/* Gives the solver seeker s's pairs up to and including `until`. */
static size_t give_until(glp_graph *graph, const struct bpa_round *round, size_t *given, size_t s,
                         size_t until, double per_point)
{
    size_t added = 0, n = round->seeker_count;
    for (; given[s] <= until && given[s] < round->first[s + 1]; given[s]++, added++)
        add_arc(graph, (int)s + 1, (int)(n + bpa_round_key_other(round->keys[given[s]]) + 1), 1,
                arc_cost(round->keys[given[s]], per_point));
    return added;
}

static glp_graph *network(const struct bpa_round *round, size_t *given, double per_point)
{
    size_t n = round->seeker_count, m = round->placement_count;
    glp_graph *graph = glp_create_graph(sizeof(struct vertex_data), sizeof(struct arc_data));
    int sink = (int)(n + m + 1);
    glp_add_vertices(graph, sink);
    for (int v = 1; v <= sink; v++) {
        struct vertex_data *data = graph->v[v]->data;
        data->supply = v <= (int)n ? 1 : v == sink ? -(double)n : 0;
    }
    for (size_t s = 0; s < n; s++) {
        add_arc(graph, (int)s + 1, sink, 1, 0);
        given[s] = round->first[s];
        give_until(graph, round, given, s, round->first[s] + FIRST_PASS_PAIRS - 1, per_point);
    }
    for (size_t p = 0; p < m; p++)
        add_arc(graph, (int)(n + p + 1), sink, round->free_places[p], 0);
    return graph;
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
    /* integral costs within the solver's range: 101 * per_point < 2^31 / 4 */
    if (n + m + 1 > INT_MAX / 2 || n > 5000000)
        return -1;
    double per_point = (double)n + 1;
    size_t *given = malloc(n * sizeof *given); /* seeker s's pairs [first, given) are in */
    if (!given)
        return -1;
    glp_term_out(GLP_OFF);
    glp_graph *graph = network(round, given, per_point);
    int rc = 0;
    for (;;) {
        stats->passes++;
        stats->arcs_solved = (size_t)graph->na - n - m;
        int status = glp_mincost_okalg(
            graph, offsetof(struct vertex_data, supply), -1, offsetof(struct arc_data, cap),
            offsetof(struct arc_data, cost), NULL, offsetof(struct arc_data, flow),
            offsetof(struct vertex_data, potential));
        if (status != 0) {
            stats->glpk_status = status;
            rc = -1;
            break;
        }
        size_t added = 0;
        if (!potentials_prove(graph)) { /* then trust nothing: give every pair */
            stats->prices_disagreed = true;
            for (size_t s = 0; s < n; s++)
                added += give_until(graph, round, given, s, SIZE_MAX - 1, per_point);
        }
        /* price the pairs left out; give those that could lower the cost,
         * with the seeker's better ones, so that what is given stays a
         * prefix of each seeker's list */
        for (size_t s = 0; s < n; s++)
            for (size_t e = given[s]; e < round->first[s + 1]; e++) {
                int head = (int)(n + bpa_round_key_other(round->keys[e]) + 1);
                if (reduced_cost(graph, (int)s + 1, head, arc_cost(round->keys[e], per_point)) <
                    -0.5)
                    added += give_until(graph, round, given, s, e, per_point);
            }
        if (added == 0)
            break;
    }
    int sink = (int)(n + m + 1);
    for (size_t s = 0; rc == 0 && s < n; s++)
        for (glp_arc *arc = graph->v[s + 1]->out; arc; arc = arc->t_next) {
            const struct arc_data *data = arc->data;
            if (arc->head->i != sink && data->flow > 0.5)
                assigned[s] = (uint32_t)(arc->head->i - (int)n - 1);
        }
    glp_delete_graph(graph);
    /* GLPK keeps an environment per thread until freed: the daemon's
     * workers live long and solve rarely */
    glp_free_env();
    free(given);
    return rc;
}
