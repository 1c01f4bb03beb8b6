// IpRoutes against a plain all-pairs reference: the stub shortcut must not change any route.

#include "topology/generators.h"
#include "topology/ip_routes.h"

#include <gtest/gtest.h>
#include <random>

namespace sipsim
{
namespace
{

TopoNode
Router(const std::string& name)
{
    TopoNode node;
    node.name = name;
    return node;
}

/// Floyd-Warshall on the same costs, and the lowest-NodeId neighbour that starts a
/// shortest path: the definition IpRoutes documents, computed the slow way.
struct Reference
{
    explicit Reference(const Topology& t)
    {
        const std::size_t n = t.NodeCount();
        const int64_t scale = static_cast<int64_t>(n) + 1;
        constexpr int64_t inf = IpRoutes::kUnreachable;
        cost.assign(n, std::vector<int64_t>(n, inf));
        arc.assign(n, std::vector<int64_t>(n, inf));
        for (NodeId v = 0; v < n; ++v)
        {
            cost[v][v] = 0;
        }
        for (const TopoLink& link : t.Links())
        {
            arc[link.a][link.b] = link.props.ab.delay.count() * scale + 1;
            arc[link.b][link.a] = link.props.ba.delay.count() * scale + 1;
            cost[link.a][link.b] = arc[link.a][link.b];
            cost[link.b][link.a] = arc[link.b][link.a];
        }
        for (NodeId k = 0; k < n; ++k)
        {
            for (NodeId i = 0; i < n; ++i)
            {
                for (NodeId j = 0; j < n; ++j)
                {
                    if (cost[i][k] != inf && cost[k][j] != inf &&
                        cost[i][k] + cost[k][j] < cost[i][j])
                    {
                        cost[i][j] = cost[i][k] + cost[k][j];
                    }
                }
            }
        }
    }

    NodeId NextHop(NodeId s, NodeId d) const
    {
        if (s == d || cost[s][d] == IpRoutes::kUnreachable)
        {
            return kNoNode;
        }
        for (NodeId v = 0; v < cost.size(); ++v)
        {
            if (arc[s][v] != IpRoutes::kUnreachable && cost[v][d] != IpRoutes::kUnreachable &&
                arc[s][v] + cost[v][d] == cost[s][d])
            {
                return v;
            }
        }
        return kNoNode;
    }

    std::vector<std::vector<int64_t>> cost;
    std::vector<std::vector<int64_t>> arc;
};

void
ExpectSameRoutes(const Topology& t, const IpRoutes& routes)
{
    const Reference reference(t);
    const std::size_t n = t.NodeCount();
    ASSERT_EQ(routes.NodeCount(), n);
    for (NodeId s = 0; s < n; ++s)
    {
        for (NodeId d = 0; d < n; ++d)
        {
            ASSERT_EQ(routes.Cost(s, d), reference.cost[s][d]) << s << "->" << d;
            ASSERT_EQ(routes.NextHop(s, d), reference.NextHop(s, d)) << s << "->" << d;
        }
    }
}

TEST(IpRoutes, RandomGraphsWithStubsMatchAllPairsReference)
{
    std::mt19937 rng(7);
    for (int round = 0; round < 40; ++round)
    {
        Topology t;
        const int core = 1 + static_cast<int>(rng() % 6);
        const int stubs = static_cast<int>(rng() % 8);
        for (int i = 0; i < core + stubs + 2; ++i)
        {
            ASSERT_TRUE(t.AddNode(Router("N" + std::to_string(i))));
        }
        auto dir = [&] {
            LinkDirection d;
            // Few distinct delays, so equal-delay paths and hop-count ties are common.
            d.delay = std::chrono::milliseconds(rng() % 3);
            return d;
        };
        auto link = [&](NodeId a, NodeId b) {
            TopoEdge e;
            e.ab = dir();
            e.ba = dir();
            t.AddLink(a, b, e); // a second link between a pair is refused: fine
        };
        for (int i = 1; i < core; ++i) // a random core, sometimes disconnected
        {
            if (rng() % 5 != 0)
            {
                link(static_cast<NodeId>(rng() % i), static_cast<NodeId>(i));
            }
        }
        for (int i = 0; i < core; ++i)
        {
            link(static_cast<NodeId>(rng() % core), static_cast<NodeId>(rng() % core));
        }
        for (int i = core; i < core + stubs; ++i) // stubs, and stubs on stubs (chains)
        {
            link(static_cast<NodeId>(rng() % i), static_cast<NodeId>(i));
        }
        // Two nodes linked only to each other: both have one neighbour, neither is a stub.
        link(static_cast<NodeId>(core + stubs), static_cast<NodeId>(core + stubs + 1));
        auto routes = IpRoutes::Compute(t);
        ASSERT_TRUE(routes) << routes.Error().reason;
        ExpectSameRoutes(t, *routes);
    }
}

TEST(IpRoutes, StarUasAreStubsOfTheHub)
{
    auto star = MakeStar(50);
    ASSERT_TRUE(star);
    const Topology& t = *star;
    auto routes = IpRoutes::Compute(t);
    ASSERT_TRUE(routes);
    ExpectSameRoutes(t, *routes);
    std::size_t stubs = 0;
    for (NodeId v = 0; v < t.NodeCount(); ++v)
    {
        if (routes->Anchor(v) != kNoNode)
        {
            ++stubs;
            EXPECT_EQ(t.Neighbours(v).size(), 1u);
            EXPECT_EQ(routes->Anchor(v), t.Neighbours(v)[0]);
        }
    }
    EXPECT_EQ(stubs, 50u);
}

TEST(IpRoutes, PathDelayIsTheDelayPartOfTheCost)
{
    Topology t;
    for (const char* name : {"A", "H", "B"})
    {
        ASSERT_TRUE(t.AddNode(Router(name)));
    }
    LinkDirection ah, ha, hb, bh;
    ah.delay = std::chrono::milliseconds(3);
    ha.delay = std::chrono::milliseconds(4);
    hb.delay = std::chrono::milliseconds(5);
    bh.delay = std::chrono::milliseconds(6);
    TopoEdge e1, e2;
    e1.ab = ah;
    e1.ba = ha;
    e2.ab = hb;
    e2.ba = bh;
    ASSERT_TRUE(t.AddLink(0, 1, e1));
    ASSERT_TRUE(t.AddLink(1, 2, e2));
    auto routes = IpRoutes::Compute(t);
    ASSERT_TRUE(routes);
    EXPECT_EQ(routes->Anchor(0), 1u);
    EXPECT_EQ(routes->Anchor(2), 1u);
    EXPECT_EQ(routes->PathDelay(0, 2), std::chrono::milliseconds(8));
    EXPECT_EQ(routes->PathDelay(2, 0), std::chrono::milliseconds(10));
    EXPECT_EQ(routes->PathDelay(1, 0), std::chrono::milliseconds(4));
    EXPECT_EQ(routes->PathDelay(0, 0), Duration(0));
    EXPECT_EQ(routes->Path(0, 2), (std::vector<NodeId>{0, 1, 2}));
}

} // namespace
} // namespace sipsim
