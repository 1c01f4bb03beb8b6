#ifndef SIPSIM_TOPOLOGY_IP_ROUTES_H
#define SIPSIM_TOPOLOGY_IP_ROUTES_H

// Shortest IP paths between all pairs of nodes, in memory that grows with the square of the
// core of the graph rather than of all its nodes.

#include "topology/topology.h"

#include <cstdint>
#include <vector>

namespace sipsim
{

/// Paths by one-way delay in the direction of travel, then by hop count; among equal paths
/// the lowest-NodeId neighbour is the next hop.
///
/// A stub -- a node with one neighbour, which itself has more (a UA on an access link) -- is
/// a dead end, so no shortest path passes through it: its paths are its link plus its
/// anchor's, and paths toward it are the anchor's plus the link. Only the other nodes (the
/// core) get Dijkstra runs and tables, so a star of N UAs costs O(N) rather than O(N^2).
class IpRoutes
{
public:
    /// Errors (one line) when a link's delay would overflow the path arithmetic.
    static Result<IpRoutes> Compute(const Topology& topology);

    std::size_t NodeCount() const { return m_anchor.size(); }
    /// The neighbour `from` forwards to for `to`; kNoNode when from == to or unreachable.
    NodeId NextHop(NodeId from, NodeId to) const;
    /// One-way delay along the path; Duration::max() when unreachable.
    Duration PathDelay(NodeId from, NodeId to) const;
    /// Orders paths as routing does: delay, then hop count. INT64_MAX when unreachable.
    int64_t Cost(NodeId from, NodeId to) const;
    bool Reachable(NodeId from, NodeId to) const { return Cost(from, to) != kUnreachable; }
    /// A stub's only neighbour; kNoNode for a core node.
    NodeId Anchor(NodeId node) const { return m_anchor[node]; }
    /// Nodes from..to following NextHop; empty if unreachable.
    std::vector<NodeId> Path(NodeId from, NodeId to) const;

    static constexpr int64_t kUnreachable = INT64_MAX;

private:
    /// The core node that stands for `node`: itself, or a stub's anchor.
    NodeId Attachment(NodeId node) const
    {
        return m_anchor[node] == kNoNode ? node : m_anchor[node];
    }
    int64_t CoreCost(NodeId from, NodeId to) const;

    int64_t m_hopScale = 1; ///< cost = delay * m_hopScale + hops
    std::vector<NodeId> m_anchor;
    std::vector<int64_t> m_costToAnchor;   ///< per stub: its link toward the anchor
    std::vector<int64_t> m_costFromAnchor; ///< per stub: the anchor's link toward it
    std::vector<std::size_t> m_coreIndex;  ///< per core node: its row; stubs: unused
    std::size_t m_coreCount = 0;
    std::vector<int64_t> m_coreCost;   ///< row-major core x core
    std::vector<NodeId> m_coreNextHop; ///< row-major core x core
};

} // namespace sipsim

#endif
