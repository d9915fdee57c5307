// The minimum-cost flow of flow.h with LEMON's NetworkSimplex, the fastest
// of its solvers on sparse networks like a round's. No exception crosses
// into C: running out of memory is answered -1.
#include "flow.h"

#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

#include <new>

using Graph = lemon::SmartDigraph;

extern "C" int bpa_flow_solve(size_t node_count, const int64_t *supply,
                              const struct bpa_flow_arc *arcs, size_t arc_count, int64_t *flow,
                              int64_t *potential)
{
    try {
        Graph graph;
        graph.reserveNode(static_cast<int>(node_count));
        graph.reserveArc(static_cast<int>(arc_count));
        for (size_t v = 0; v < node_count; v++)
            graph.addNode();
        for (size_t a = 0; a < arc_count; a++)
            graph.addArc(graph.nodeFromId(static_cast<int>(arcs[a].tail)),
                         graph.nodeFromId(static_cast<int>(arcs[a].head)));
        Graph::ArcMap<int64_t> cost(graph), capacity(graph);
        Graph::NodeMap<int64_t> supplies(graph);
        for (size_t a = 0; a < arc_count; a++) {
            Graph::Arc arc = graph.arcFromId(static_cast<int>(a));
            cost[arc] = arcs[a].cost;
            capacity[arc] = arcs[a].capacity;
        }
        for (size_t v = 0; v < node_count; v++)
            supplies[graph.nodeFromId(static_cast<int>(v))] = supply[v];
        lemon::NetworkSimplex<Graph, int64_t, int64_t> simplex(graph);
        simplex.costMap(cost).upperMap(capacity).supplyMap(supplies);
        if (simplex.run() != lemon::NetworkSimplex<Graph, int64_t, int64_t>::OPTIMAL)
            return -1;
        for (size_t a = 0; a < arc_count; a++)
            flow[a] = simplex.flow(graph.arcFromId(static_cast<int>(a)));
        for (size_t v = 0; v < node_count; v++)
            potential[v] = simplex.potential(graph.nodeFromId(static_cast<int>(v)));
        return 0;
    } catch (const std::bad_alloc &) {
        return -1;
    }
}
