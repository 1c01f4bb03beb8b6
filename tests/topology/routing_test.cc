#include "topology/generators.h"
#include "topology/routing.h"

#include <gtest/gtest.h>
#include <sstream>

namespace sipsim
{
namespace
{

Topology
Dot(const std::string& text)
{
    std::istringstream in(text);
    auto t = ReadDot(in);
    EXPECT_TRUE(t.Ok()) << t.Error().reason;
    return t.Ok() ? std::move(t).Value() : Topology{};
}

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

using Strings = std::vector<std::string>;

TEST(TopologyRouting, SeedNextHops)
{
    Topology t = MakeSeed();
    auto r = ComputeRouting(t);
    ASSERT_TRUE(r.Ok()) << r.Error().reason;
    const NodeId a = *t.Find("A"), p1 = *t.Find("P1"), p2 = *t.Find("P2"), b = *t.Find("B");
    EXPECT_EQ(r->ip.NextHop(a, b), p1);
    EXPECT_EQ(r->ip.NextHop(p1, b), p2);
    EXPECT_EQ(r->ip.NextHop(p2, b), b);
    EXPECT_EQ(r->ip.NextHop(b, a), p2);
    EXPECT_EQ(r->ip.NextHop(a, a), kNoNode);
    EXPECT_EQ(r->ip.PathDelay(a, b), std::chrono::milliseconds(3));
    EXPECT_EQ(Names(t, r->IpPath(b, a)), (Strings{"B", "P2", "P1", "A"}));

    EXPECT_EQ(r->domainProxy.at("atlanta.example.com"), p1);
    EXPECT_EQ(r->domainProxy.at("biloxi.example.com"), p2);
    EXPECT_EQ(r->domainRegistrar.at("biloxi.example.com"), p2);
    EXPECT_EQ(r->outboundProxy.at(a), p1);
    EXPECT_EQ(r->outboundProxy.at(b), p2);
    EXPECT_EQ(r->sipNextHop.at(p1).at("biloxi.example.com"), p2);
    EXPECT_EQ(r->sipNextHop.at(p1).at("atlanta.example.com"), p1); // local delivery
    EXPECT_EQ(r->sipNextHop.at(p2).at("atlanta.example.com"), p1);

    auto path = SipPath(t, *r, a, b);
    ASSERT_TRUE(path.Ok());
    EXPECT_EQ(Names(t, *path), (Strings{"A", "P1", "P2", "B"}));
    auto back = SipPath(t, *r, b, a);
    EXPECT_EQ(Names(t, *back), (Strings{"B", "P2", "P1", "A"}));
}

TEST(TopologyRouting, ChainSipHopsFollowTheChain)
{
    auto t = MakeChain(4);
    ASSERT_TRUE(t.Ok());
    auto r = ComputeRouting(*t);
    ASSERT_TRUE(r.Ok());
    const NodeId p1 = *t->Find("P1"), p2 = *t->Find("P2"), p3 = *t->Find("P3");
    EXPECT_EQ(r->sipNextHop.at(p1).at("biloxi.example.com"), p2);
    EXPECT_EQ(r->sipNextHop.at(p2).at("biloxi.example.com"), p3);
    EXPECT_EQ(r->sipNextHop.at(p3).at("atlanta.example.com"), p2);
    auto path = SipPath(*t, *r, *t->Find("A"), *t->Find("B"));
    ASSERT_TRUE(path.Ok());
    EXPECT_EQ(Names(*t, *path), (Strings{"A", "P1", "P2", "P3", "P4", "B"}));
}

TEST(TopologyRouting, RoutersAreSkippedBySip)
{
    auto t = MakeTwoDomains(1, 3);
    ASSERT_TRUE(t.Ok());
    auto r = ComputeRouting(*t);
    ASSERT_TRUE(r.Ok());
    const NodeId p1 = *t->Find("P1");
    EXPECT_EQ(r->sipNextHop.at(p1).at("biloxi.example.com"), *t->Find("P2"));
    EXPECT_EQ(r->ip.NextHop(p1, *t->Find("P2")), *t->Find("R1"));
    EXPECT_EQ(Names(*t, r->IpPath(*t->Find("A1"), *t->Find("B1"))),
              (Strings{"A1", "P1", "R1", "R2", "R3", "P2", "B1"}));
}

// A diamond: S reaches D via X or Y at equal cost; the lower NodeId (X) must win.
const char* const kDiamond = R"(graph {
    S [role=router]; X [role=router]; Y [role=router]; D [role=router];
    S -- Y [delay="1ms"]; S -- X [delay="1ms"]; X -- D [delay="1ms"]; Y -- D [delay="1ms"];
})";

TEST(TopologyRouting, TieBreakIsDeterministicLowestNodeId)
{
    Topology t = Dot(kDiamond);
    const NodeId s = *t.Find("S"), x = *t.Find("X"), y = *t.Find("Y"), d = *t.Find("D");
    ASSERT_LT(x, y);
    for (int i = 0; i < 5; ++i)
    {
        auto r = ComputeRouting(t);
        ASSERT_TRUE(r.Ok());
        EXPECT_EQ(r->ip.NextHop(s, d), x);
        EXPECT_EQ(r->ip.NextHop(d, s), x);
    }
    // A 2 ms direct link ties on delay with S-X-D and must win on hop count.
    Topology direct = Dot(R"(graph {
        S [role=router]; X [role=router]; D [role=router];
        S -- X [delay="1ms"]; X -- D [delay="1ms"]; S -- D [delay="2ms"]; })");
    auto r = ComputeRouting(direct);
    EXPECT_EQ(r->ip.NextHop(*direct.Find("S"), *direct.Find("D")), *direct.Find("D"));
}

TEST(TopologyRouting, PerDirectionDelaysPickDifferentPaths)
{
    // S->D is cheaper via X, D->S is cheaper via Y.
    Topology t = Dot(R"(graph {
        S [role=router]; X [role=router]; Y [role=router]; D [role=router];
        S -- X [delay="1ms"]; X -- D [delay_ab="1ms", delay_ba="50ms"];
        S -- Y [delay="1ms"]; Y -- D [delay_ab="50ms", delay_ba="1ms"]; })");
    auto r = ComputeRouting(t);
    ASSERT_TRUE(r.Ok());
    const NodeId s = *t.Find("S"), x = *t.Find("X"), y = *t.Find("Y"), d = *t.Find("D");
    EXPECT_EQ(r->ip.NextHop(s, d), x);
    EXPECT_EQ(r->ip.NextHop(d, s), y);
    EXPECT_EQ(r->ip.PathDelay(s, d), std::chrono::milliseconds(2));
    EXPECT_EQ(r->ip.PathDelay(d, s), std::chrono::milliseconds(2));
}

TEST(TopologyRouting, OutboundProxyIsNearestOfOwnDomain)
{
    Topology t = Dot(R"(graph {
        A [role=ua, domain="a.com"];
        Far [role=proxy, domain="a.com"]; Near [role=proxy, domain="a.com"];
        Other [role=proxy, domain="b.com"]; B [role=ua, domain="b.com"];
        A -- Other [delay="1ms"]; A -- Far [delay="9ms"]; A -- Near [delay="2ms"];
        Near -- Far [delay="1ms"]; Other -- B; Far -- Other; })");
    auto r = ComputeRouting(t);
    ASSERT_TRUE(r.Ok());
    EXPECT_EQ(r->outboundProxy.at(*t.Find("A")), *t.Find("Near"));
    // No registrar in a.com: the lowest-NodeId proxy is responsible.
    EXPECT_EQ(r->domainProxy.at("a.com"), *t.Find("Far"));
}

TEST(TopologyRouting, StaticSipRoutes)
{
    // P would go straight to Q by IP, but is configured to send b.com via M.
    Topology t = Dot(R"(graph {
        A [role=ua, domain="a.com"]; P [role=proxy, domain="a.com", sip_routes="b.com=M"];
        M [role=proxy, domain="m.com"]; Q [role=proxy, domain="b.com"]; B [role=ua, domain="b.com"];
        A -- P; P -- Q; P -- M; M -- Q; Q -- B; })");
    auto r = ComputeRouting(t);
    ASSERT_TRUE(r.Ok()) << r.Error().reason;
    auto path = SipPath(t, *r, *t.Find("A"), *t.Find("B"));
    ASSERT_TRUE(path.Ok());
    EXPECT_EQ(Names(t, *path), (Strings{"A", "P", "M", "Q", "B"}));
}

TEST(TopologyRouting, PeerToPeerWithoutProxies)
{
    Topology t = Dot(R"(graph { A [role=ua, domain=x]; B [role=ua, domain=x]; A -- B; })");
    auto r = ComputeRouting(t);
    ASSERT_TRUE(r.Ok());
    EXPECT_TRUE(r->outboundProxy.empty());
    auto path = SipPath(t, *r, 0, 1);
    ASSERT_TRUE(path.Ok());
    EXPECT_EQ(Names(t, *path), (Strings{"A", "B"}));
}

// --- Validation: each error names the culprit in one line. ---

void
ExpectInvalid(const Topology& t, const std::string& fragment,
              const std::vector<CallPair>& pairs = {})
{
    auto error = Validate(t, pairs);
    ASSERT_TRUE(error.has_value()) << "expected: " << fragment;
    EXPECT_NE(error->reason.find(fragment), std::string::npos)
        << "'" << error->reason << "' lacks '" << fragment << "'";
}

TEST(TopologyValidate, SipRouteLoop)
{
    std::istringstream in(R"(graph {
        A [role=ua, domain="a.com"]; P [role=proxy, domain="a.com", sip_routes="b.com=M"];
        M [role=proxy, domain="m.com", sip_routes="b.com=P"];
        Q [role=proxy, domain="b.com"]; B [role=ua, domain="b.com"];
        A -- P; P -- M; M -- Q; Q -- B; })");
    auto t = ReadDot(in);
    ASSERT_FALSE(t.Ok());
    EXPECT_EQ(t.Error().reason, "SIP route loop for domain b.com: M -> P -> M");
}

TEST(TopologyValidate, Errors)
{
    Topology seed = MakeSeed();
    ExpectInvalid(Topology{}, "topology has no nodes");
    {
        Topology t = MakeSeed();
        t.Node(*t.Find("P1")).domain.clear();
        ExpectInvalid(t, "node P1: proxy needs a domain");
    }
    {
        Topology t = MakeSeed();
        t.Node(*t.Find("P1")).users = {"carol"};
        ExpectInvalid(t, "node P1: users are only valid on a ua");
    }
    {
        Topology t = MakeSeed();
        t.Node(*t.Find("A")).registrar = true;
        ExpectInvalid(t, "node A: registrar=true needs role proxy or registrar");
    }
    {
        Topology t = MakeSeed();
        t.Node(*t.Find("A")).serviceTime = std::chrono::milliseconds(1);
        ExpectInvalid(t, "node A: service_time/queue_limit are only valid");
    }
    {
        Topology t = MakeSeed();
        t.Node(*t.Find("P1")).sipRoutes["x"] = "Nowhere";
        ExpectInvalid(t, "node P1: sip_routes: unknown node 'Nowhere'");
        t.Node(*t.Find("P1")).sipRoutes["x"] = "B";
        ExpectInvalid(t, "node P1: sip_routes: next hop 'B' must be another proxy");
    }
    {
        Topology t = MakeSeed();
        t.Node(*t.Find("B")).domain = "atlanta.example.com";
        t.Node(*t.Find("B")).users = {"alice"};
        ExpectInvalid(t, "user alice@atlanta.example.com is on both A and B");
    }
    {
        Topology t = MakeSeed();
        t.FindLink(*t.Find("A"), *t.Find("P1"))->ba.loss.p = 1.5;
        ExpectInvalid(t, "link A-P1 (P1->A): loss p 1.5");
        t.FindLink(*t.Find("A"), *t.Find("P1"))->ba.loss.p = 0;
        t.FindLink(*t.Find("A"), *t.Find("P1"))->ab.delay = Duration(-1);
        ExpectInvalid(t, "link A-P1 (A->P1): delay must be >= 0");
    }
    {
        Topology t = MakeSeed();
        TopoNode lonely;
        lonely.name = "C";
        lonely.role = NodeRole::Ua;
        lonely.domain = "atlanta.example.com";
        lonely.users = {"carol"};
        t.AddNode(lonely);
        ExpectInvalid(t, "node C: ua is not linked to any node");
    }
    {
        Topology t = MakeSeed();
        t.Node(*t.Find("B")).domain = "chicago.example.com";
        ExpectInvalid(t, "domain chicago.example.com (of ua B) has no proxy");
    }
    {
        // Two islands: each UA has its proxy, but P1 cannot reach biloxi's proxy.
        Topology t;
        for (const char* n : {"A", "P1", "P2", "B"})
        {
            TopoNode node;
            node.name = n;
            node.role = n[0] == 'P' ? NodeRole::Proxy : NodeRole::Ua;
            node.domain = (n[0] == 'A' || std::string(n) == "P1") ? "a.com" : "b.com";
            if (node.role == NodeRole::Ua)
            {
                node.users = {n};
            }
            t.AddNode(node);
        }
        t.AddLink(0, 1, LinkDirection{});
        t.AddLink(2, 3, LinkDirection{});
        ExpectInvalid(t, "proxy P2: no route to P1, the proxy of a.com (disconnected)");
    }
    ExpectInvalid(seed, "pair A->Z: unknown callee 'Z'", {{"A", "Z"}});
    ExpectInvalid(seed, "pair P1->B: unknown caller 'P1'", {{"P1", "B"}});
    ExpectInvalid(seed, "pair alice->A: caller and callee are the same ua", {{"alice", "A"}});
    EXPECT_FALSE(Validate(seed, {{"alice", "bob@biloxi.example.com"}}).has_value());
}

TEST(TopologyValidate, DisconnectedPeerToPeerCallee)
{
    Topology t = Dot(R"(graph { A [role=ua, domain=x]; B [role=ua, domain=x];
        C [role=ua, domain=x]; D [role=ua, domain=x]; A -- B; C -- D; })");
    ExpectInvalid(t, "pair A->C: C is unreachable from A (disconnected)", {{"A", "C"}});
    EXPECT_FALSE(Validate(t, {{"A", "B"}}).has_value());
}

} // namespace
} // namespace sipsim
