/* A minimum-cost flow, for the optimal assignment of a cohort round
 * (round.c): LEMON's network simplex behind a C interface. LEMON is a
 * well-kept C++ library of graph algorithms (header-only here); GLPK's
 * solvers were measured too slow for a round and its fast one is disabled
 * in GLPK 5 (bench/README.md). */
#ifndef BPA_MATCHER_FLOW_H
#define BPA_MATCHER_FLOW_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bpa_flow_arc {
    uint32_t tail, head; /* nodes 0..node_count-1 */
    int64_t cost;        /* per unit */
    int64_t capacity;    /* lower bound 0 */
};

/* Finds a flow meeting every node's supply (positive: out, negative: in;
 * they sum to 0) at the least cost. Writes each arc's flow and each node's
 * potential, such that an arc's reduced cost, cost + potential[tail] -
 * potential[head], is >= 0 when its flow is 0 and <= 0 when full. 0; -1
 * when no flow meets the supplies or memory ran out. */
int bpa_flow_solve(size_t node_count, const int64_t *supply, const struct bpa_flow_arc *arcs,
                   size_t arc_count, int64_t *flow, int64_t *potential);

#ifdef __cplusplus
}
#endif

#endif
