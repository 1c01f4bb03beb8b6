#include "topology/generators.h"
#include "topology/routing.h"

#include <gtest/gtest.h>

namespace sipsim
{
namespace
{

std::vector<std::string>
Names(const Topology& t, const std::vector<NodeId>& ids)
{
    std::vector<std::string> out;
    for (NodeId id : ids)
    {
        out.push_back(t.Node(id).name);
    }
    return out;
}

bool
Linked(const Topology& t, const char* a, const char* b)
{
    return t.FindLink(*t.Find(a), *t.Find(b)) != nullptr;
}

TEST(TopologyGenerators, SeedIsRfc3665TwoProxyPath)
{
    GeneratorOptions options;
    options.link.delay = std::chrono::milliseconds(7);
    options.proxyServiceTime = std::chrono::microseconds(100);
    Topology t = MakeSeed(options);
    EXPECT_FALSE(Validate(t).has_value());
    ASSERT_EQ(t.NodeCount(), 4u);
    ASSERT_EQ(t.LinkCount(), 3u);
    EXPECT_TRUE(Linked(t, "A", "P1"));
    EXPECT_TRUE(Linked(t, "P1", "P2"));
    EXPECT_TRUE(Linked(t, "P2", "B"));
    const TopoNode& a = t.Node(*t.Find("A"));
    EXPECT_EQ(a.role, NodeRole::Ua);
    EXPECT_EQ(a.domain, "atlanta.example.com");
    EXPECT_EQ(a.users, std::vector<std::string>{"alice"});
    const TopoNode& p2 = t.Node(*t.Find("P2"));
    EXPECT_EQ(p2.role, NodeRole::Proxy);
    EXPECT_TRUE(p2.registrar);
    EXPECT_EQ(p2.domain, "biloxi.example.com");
    EXPECT_EQ(p2.serviceTime, std::chrono::microseconds(100));
    EXPECT_EQ(t.Node(*t.Find("B")).users, std::vector<std::string>{"bob"});
    for (const TopoLink& l : t.Links())
    {
        EXPECT_EQ(l.props.ab.delay, std::chrono::milliseconds(7));
        EXPECT_EQ(l.props.ba.delay, std::chrono::milliseconds(7));
    }
}

TEST(TopologyGenerators, ChainShape)
{
    auto t = MakeChain(5);
    ASSERT_TRUE(t.Ok());
    EXPECT_FALSE(Validate(*t).has_value());
    EXPECT_EQ(t->NodeCount(), 7u);
    EXPECT_EQ(t->LinkCount(), 6u);
    EXPECT_EQ(Names(*t, t->NodesWithRole(NodeRole::Proxy)),
              (std::vector<std::string>{"P1", "P2", "P3", "P4", "P5"}));
    EXPECT_TRUE(Linked(*t, "A", "P1"));
    EXPECT_TRUE(Linked(*t, "P3", "P4"));
    EXPECT_TRUE(Linked(*t, "P5", "B"));
    EXPECT_EQ(t->Node(*t->Find("P1")).domain, "atlanta.example.com");
    EXPECT_EQ(t->Node(*t->Find("P3")).domain, "transit3.example.com");
    EXPECT_EQ(t->Node(*t->Find("B")).domain, "biloxi.example.com");

    auto one = MakeChain(1);
    ASSERT_TRUE(one.Ok());
    EXPECT_FALSE(Validate(*one).has_value());
    EXPECT_EQ(one->Node(*one->Find("B")).domain, "example.com");

    auto bad = MakeChain(0);
    ASSERT_FALSE(bad.Ok());
    EXPECT_NE(bad.Error().reason.find("chain: proxies"), std::string::npos);
}

TEST(TopologyGenerators, StarShape)
{
    auto t = MakeStar(6);
    ASSERT_TRUE(t.Ok());
    EXPECT_FALSE(Validate(*t).has_value());
    EXPECT_EQ(t->NodeCount(), 7u);
    EXPECT_EQ(t->LinkCount(), 6u);
    const NodeId p = *t->Find("P");
    EXPECT_TRUE(t->Node(p).registrar);
    EXPECT_EQ(t->Neighbours(p).size(), 6u);
    EXPECT_EQ(*t->FindUser("user4"), *t->Find("UA4"));
    EXPECT_FALSE(MakeStar(0).Ok());
}

TEST(TopologyGenerators, TwoDomainsShape)
{
    auto t = MakeTwoDomains(3, 2);
    ASSERT_TRUE(t.Ok());
    EXPECT_FALSE(Validate(*t).has_value());
    EXPECT_EQ(t->NodeCount(), 2u + 6u + 2u);
    EXPECT_EQ(t->LinkCount(), 6u + 3u);
    EXPECT_TRUE(Linked(*t, "P1", "R1"));
    EXPECT_TRUE(Linked(*t, "R1", "R2"));
    EXPECT_TRUE(Linked(*t, "R2", "P2"));
    EXPECT_TRUE(Linked(*t, "A3", "P1"));
    EXPECT_TRUE(Linked(*t, "B2", "P2"));
    EXPECT_EQ(t->Node(*t->Find("R1")).role, NodeRole::Router);
    EXPECT_EQ(t->Node(*t->Find("B3")).domain, "biloxi.example.com");

    auto direct = MakeTwoDomains(1, 0);
    ASSERT_TRUE(direct.Ok());
    EXPECT_TRUE(Linked(*direct, "P1", "P2"));
    EXPECT_FALSE(MakeTwoDomains(0, 1).Ok());
    EXPECT_FALSE(MakeTwoDomains(10001, 1).Ok());
    EXPECT_FALSE(MakeTwoDomains(1, -1).Ok());
}

TEST(TopologyGenerators, RandomTreeIsATreeWithUasAtLeaves)
{
    for (uint32_t seed : {1u, 2u, 3u, 99u})
    {
        auto t = MakeRandomTree(25, seed);
        ASSERT_TRUE(t.Ok());
        EXPECT_FALSE(Validate(*t).has_value()) << Validate(*t)->reason;
        EXPECT_EQ(t->NodeCount(), 25u);
        EXPECT_EQ(t->LinkCount(), 24u); // n - 1 links + connected (Validate) = tree
        for (NodeId id = 0; id < t->NodeCount(); ++id)
        {
            const TopoNode& n = t->Node(id);
            const auto degree = t->Neighbours(id).size();
            if (n.role == NodeRole::Ua)
            {
                EXPECT_EQ(degree, 1u);
                const TopoNode& up = t->Node(t->Neighbours(id)[0]);
                EXPECT_EQ(up.role, NodeRole::Proxy);
                EXPECT_EQ(n.domain, up.domain);
            }
            else
            {
                EXPECT_EQ(n.role, NodeRole::Proxy);
                EXPECT_GT(degree, 1u);
            }
        }
        auto routing = ComputeRouting(*t);
        ASSERT_TRUE(routing.Ok());
        for (NodeId a = 0; a < t->NodeCount(); ++a)
        {
            for (NodeId b = 0; b < t->NodeCount(); ++b)
            {
                EXPECT_FALSE(routing->IpPath(a, b).empty());
            }
        }
    }
}

TEST(TopologyGenerators, RandomTreeIsDeterministicPerSeed)
{
    auto a = MakeRandomTree(30, 7);
    auto b = MakeRandomTree(30, 7);
    auto c = MakeRandomTree(30, 8);
    ASSERT_TRUE(a.Ok() && b.Ok() && c.Ok());
    EXPECT_EQ(WriteDot(*a), WriteDot(*b));
    EXPECT_NE(WriteDot(*a), WriteDot(*c));
    EXPECT_FALSE(MakeRandomTree(2, 1).Ok());
}

} // namespace
} // namespace sipsim
