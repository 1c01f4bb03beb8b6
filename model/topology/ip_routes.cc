#include "topology/ip_routes.h"

#include <algorithm>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <utility>

namespace sipsim
{

Result<IpRoutes>
IpRoutes::Compute(const Topology& t)
{
    const std::size_t n = t.NodeCount();
    IpRoutes r;
    // Cost = delay * scale + 1 per link orders paths by delay, then hop count (hops < scale).
    r.m_hopScale = static_cast<int64_t>(n) + 1;
    // Per node, its arcs (neighbour, cost) in ascending neighbour order: the tie-break.
    std::vector<std::vector<std::pair<NodeId, int64_t>>> out(n);
    for (const TopoLink& link : t.Links())
    {
        for (auto [from, to] : {std::pair{link.a, link.b}, std::pair{link.b, link.a}})
        {
            const int64_t delay = link.props.From(from).delay.count();
            if (delay > (kUnreachable / 4) / r.m_hopScale)
            {
                return MakeError("link " + t.Node(link.a).name + "-" + t.Node(link.b).name +
                                 ": delay too large");
            }
            out[from].push_back({to, delay * r.m_hopScale + 1});
        }
    }
    for (auto& arcs : out)
    {
        std::sort(arcs.begin(), arcs.end());
    }

    // Topology refuses parallel links, so one arc means one neighbour.
    r.m_anchor.assign(n, kNoNode);
    r.m_costToAnchor.assign(n, 0);
    r.m_costFromAnchor.assign(n, 0);
    for (NodeId v = 0; v < n; ++v)
    {
        if (out[v].size() != 1 || out[out[v][0].first].size() < 2)
        {
            continue;
        }
        r.m_anchor[v] = out[v][0].first;
        r.m_costToAnchor[v] = out[v][0].second;
    }
    for (const TopoLink& link : t.Links())
    {
        for (auto [from, to] : {std::pair{link.a, link.b}, std::pair{link.b, link.a}})
        {
            if (r.m_anchor[to] == from)
            {
                r.m_costFromAnchor[to] = link.props.From(from).delay.count() * r.m_hopScale + 1;
            }
        }
    }

    std::vector<NodeId> core;
    r.m_coreIndex.assign(n, 0);
    for (NodeId v = 0; v < n; ++v)
    {
        if (r.m_anchor[v] == kNoNode)
        {
            r.m_coreIndex[v] = core.size();
            core.push_back(v);
        }
    }
    const std::size_t c = core.size();
    r.m_coreCount = c;
    using Arcs =
        boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property,
                              boost::property<boost::edge_weight_t, int64_t>>;
    Arcs arcs(c);
    for (NodeId v : core)
    {
        for (const auto& [to, cost] : out[v])
        {
            if (r.m_anchor[to] == kNoNode)
            {
                boost::add_edge(r.m_coreIndex[v], r.m_coreIndex[to], cost, arcs);
            }
        }
    }
    r.m_coreCost.assign(c * c, kUnreachable);
    for (std::size_t s = 0; s < c; ++s)
    {
        boost::dijkstra_shortest_paths(
            arcs, s,
            boost::distance_map(
                boost::make_iterator_property_map(r.m_coreCost.begin() + s * c,
                                                  boost::get(boost::vertex_index, arcs)))
                .distance_inf(kUnreachable));
    }
    // A stub never lies on a shortest path between core nodes, so the first arc (lowest
    // neighbour) that starts one is among the core arcs.
    r.m_coreNextHop.assign(c * c, kNoNode);
    for (std::size_t s = 0; s < c; ++s)
    {
        for (std::size_t d = 0; d < c; ++d)
        {
            const int64_t cost = r.m_coreCost[s * c + d];
            if (s == d || cost == kUnreachable)
            {
                continue;
            }
            for (const auto& [v, arcCost] : out[core[s]])
            {
                if (r.m_anchor[v] != kNoNode)
                {
                    continue;
                }
                const int64_t rest = r.m_coreCost[r.m_coreIndex[v] * c + d];
                if (rest != kUnreachable && arcCost + rest == cost)
                {
                    r.m_coreNextHop[s * c + d] = v;
                    break;
                }
            }
        }
    }
    return r;
}

int64_t
IpRoutes::CoreCost(NodeId from, NodeId to) const
{
    return m_coreCost[m_coreIndex[from] * m_coreCount + m_coreIndex[to]];
}

int64_t
IpRoutes::Cost(NodeId from, NodeId to) const
{
    if (from == to)
    {
        return 0;
    }
    const NodeId a = Attachment(from);
    const NodeId b = Attachment(to);
    const int64_t between = a == b ? 0 : CoreCost(a, b);
    if (between == kUnreachable)
    {
        return kUnreachable;
    }
    return between + (a == from ? 0 : m_costToAnchor[from]) + (b == to ? 0 : m_costFromAnchor[to]);
}

NodeId
IpRoutes::NextHop(NodeId from, NodeId to) const
{
    if (from == to || !Reachable(from, to))
    {
        return kNoNode;
    }
    if (m_anchor[from] != kNoNode)
    {
        return m_anchor[from];
    }
    if (m_anchor[to] == from)
    {
        return to;
    }
    return m_coreNextHop[m_coreIndex[from] * m_coreCount + m_coreIndex[Attachment(to)]];
}

Duration
IpRoutes::PathDelay(NodeId from, NodeId to) const
{
    const int64_t cost = Cost(from, to);
    return cost == kUnreachable ? Duration::max() : Duration(cost / m_hopScale);
}

std::vector<NodeId>
IpRoutes::Path(NodeId from, NodeId to) const
{
    if (from >= NodeCount() || to >= NodeCount())
    {
        return {};
    }
    std::vector<NodeId> path{from};
    for (NodeId cur = from; cur != to;)
    {
        cur = NextHop(cur, to);
        if (cur == kNoNode || path.size() > NodeCount())
        {
            return {};
        }
        path.push_back(cur);
    }
    return path;
}

} // namespace sipsim
