#include "topology/routing.h"
#include "topology/topology.h"

#include <gtest/gtest.h>
#include <sstream>

namespace sipsim
{
namespace
{

Result<Topology>
Read(const std::string& text, const LinkDirection& defaults = {})
{
    std::istringstream in(text);
    return ReadDot(in, defaults);
}

void
ExpectError(const std::string& text, const std::string& fragment)
{
    auto t = Read(text);
    ASSERT_FALSE(t.Ok()) << "accepted: " << text;
    EXPECT_NE(t.Error().reason.find(fragment), std::string::npos)
        << "error '" << t.Error().reason << "' lacks '" << fragment << "'";
    EXPECT_EQ(t.Error().reason.find('\n'), std::string::npos) << "one line only";
}

const char* const kSeed = R"(graph seed {
    A  [role="ua", domain="atlanta.example.com", users="alice"];
    P1 [role="proxy,registrar", domain="atlanta.example.com", service_time="1ms", queue_limit=20];
    P2 [role=proxy, registrar=true, domain="biloxi.example.com"];
    B  [role="ua", domain="biloxi.example.com", users="bob, robert", label="Bob"];
    A  -- P1 [delay="10ms", jitter="1ms", loss=0.01, rate="10Mbps", queue_size=50];
    P1 -- P2 [delay="1.5s"];
    P2 -- B  [delay="250us", loss_ab=0.2, delay_ba="3ms"];
})";

TEST(TopologyReadDot, NodeAttributes)
{
    auto t = Read(kSeed);
    ASSERT_TRUE(t.Ok()) << t.Error().reason;
    ASSERT_EQ(t->NodeCount(), 4u);
    // NodeIds follow the natural order of names.
    EXPECT_EQ(t->Node(0).name, "A");
    EXPECT_EQ(t->Node(1).name, "B");
    EXPECT_EQ(t->Node(2).name, "P1");
    EXPECT_EQ(t->Node(3).name, "P2");
    const TopoNode& p1 = t->Node(*t->Find("P1"));
    EXPECT_EQ(p1.role, NodeRole::Proxy);
    EXPECT_TRUE(p1.registrar);
    EXPECT_EQ(p1.domain, "atlanta.example.com");
    EXPECT_EQ(p1.serviceTime, std::chrono::milliseconds(1));
    EXPECT_EQ(p1.queueLimit, 20u);
    EXPECT_TRUE(t->Node(*t->Find("P2")).registrar);
    const TopoNode& b = t->Node(*t->Find("B"));
    EXPECT_EQ(b.role, NodeRole::Ua);
    EXPECT_EQ(b.users, (std::vector<std::string>{"bob", "robert"}));
}

TEST(TopologyReadDot, EdgeAttributesAndUnits)
{
    auto t = Read(kSeed);
    ASSERT_TRUE(t.Ok()) << t.Error().reason;
    const NodeId a = *t->Find("A");
    const NodeId p1 = *t->Find("P1");
    const TopoEdge* access = t->FindLink(a, p1);
    ASSERT_NE(access, nullptr);
    for (const LinkDirection* d : {&access->ab, &access->ba})
    {
        EXPECT_EQ(d->delay, std::chrono::milliseconds(10));
        EXPECT_EQ(d->jitter, std::chrono::milliseconds(1));
        EXPECT_EQ(d->loss.kind, LossModelKind::Iid);
        EXPECT_DOUBLE_EQ(d->loss.p, 0.01);
        EXPECT_EQ(d->rateBps, 10'000'000u);
        EXPECT_EQ(d->queueSize, 50u);
    }
    EXPECT_EQ(t->FindLink(p1, *t->Find("P2"))->ab.delay, std::chrono::milliseconds(1500));
}

TEST(TopologyReadDot, PerDirectionSuffixesFollowStatementOrder)
{
    auto t = Read(kSeed);
    ASSERT_TRUE(t.Ok()) << t.Error().reason;
    const NodeId p2 = *t->Find("P2");
    const NodeId b = *t->Find("B");
    const TopoEdge* e = t->FindLink(b, p2);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->a, p2); // "P2 -- B": a is the first-named node
    EXPECT_EQ(e->From(p2).delay, std::chrono::microseconds(250));
    EXPECT_EQ(e->From(p2).loss.kind, LossModelKind::Iid);
    EXPECT_DOUBLE_EQ(e->From(p2).loss.p, 0.2);
    EXPECT_EQ(e->From(b).delay, std::chrono::milliseconds(3));
    EXPECT_EQ(e->From(b).loss.kind, LossModelKind::None);
}

TEST(TopologyReadDot, DefaultsFillUnsetAttributes)
{
    LinkDirection defaults;
    defaults.delay = std::chrono::milliseconds(42);
    defaults.rateBps = 1'000'000;
    auto t =
        Read(R"(graph { A [role=ua, domain=x]; B [role=ua, domain=x]; A -- B [rate="2Mbps"]; })",
             defaults);
    ASSERT_TRUE(t.Ok()) << t.Error().reason;
    const TopoEdge e = t->Links()[0].props; // Links() returns a copy
    EXPECT_EQ(e.ab.delay, std::chrono::milliseconds(42));
    EXPECT_EQ(e.ab.rateBps, 2'000'000u);
    // A UA without users gets its lower-cased name.
    EXPECT_EQ(t->Node(*t->Find("A")).users, std::vector<std::string>{"a"});
}

TEST(TopologyReadDot, DigraphSeparateDirections)
{
    auto t = Read(R"(digraph {
        A [role=ua, domain=x]; B [role=ua, domain=x]; C [role=ua, domain=x];
        A -> B [delay="5ms", loss=0.1];
        B -> A [delay="7ms"];
        B -> C [delay="9ms"];
    })");
    ASSERT_TRUE(t.Ok()) << t.Error().reason;
    EXPECT_EQ(t->LinkCount(), 2u);
    const NodeId a = *t->Find("A");
    const NodeId b = *t->Find("B");
    const NodeId c = *t->Find("C");
    const TopoEdge* ab = t->FindLink(a, b);
    EXPECT_EQ(ab->From(a).delay, std::chrono::milliseconds(5));
    EXPECT_DOUBLE_EQ(ab->From(a).loss.p, 0.1);
    EXPECT_EQ(ab->From(b).delay, std::chrono::milliseconds(7));
    EXPECT_EQ(ab->From(b).loss.kind, LossModelKind::None);
    // A lone directed statement describes both directions.
    const TopoEdge* bc = t->FindLink(b, c);
    EXPECT_EQ(bc->From(c).delay, std::chrono::milliseconds(9));
}

TEST(TopologyReadDot, GilbertElliottEdge)
{
    auto t = Read(R"(graph { A [role=ua, domain=x]; B [role=ua, domain=x];
        A -- B [loss_model="gilbert-elliott", ge_p=0.01, ge_r=0.3, ge_loss_good=0.001, ge_loss_bad=0.7]; })");
    ASSERT_TRUE(t.Ok()) << t.Error().reason;
    const LossModel l = t->Links()[0].props.ba.loss;
    EXPECT_EQ(l.kind, LossModelKind::GilbertElliott);
    EXPECT_DOUBLE_EQ(l.p, 0.01);
    EXPECT_DOUBLE_EQ(l.r, 0.3);
    EXPECT_DOUBLE_EQ(l.lossGood, 0.001);
    EXPECT_DOUBLE_EQ(l.lossBad, 0.7);
}

TEST(TopologyReadDot, SipRoutesAndCosmeticAttributes)
{
    auto t = Read(R"(graph { rankdir=LR; node [shape=box];
        A [role=ua, domain="a.com", color=red];
        P [role=proxy, domain="a.com", sip_routes="b.com=Q"];
        Q [role=proxy, domain="b.com"];
        B [role=ua, domain="b.com"];
        A -- P [label="access", style=dashed]; P -- Q; Q -- B; })");
    ASSERT_TRUE(t.Ok()) << t.Error().reason;
    EXPECT_EQ(t->Node(*t->Find("P")).sipRoutes.at("b.com"), "Q");
}

TEST(TopologyReadDot, WriteDotRoundTrips)
{
    auto t = Read(kSeed);
    ASSERT_TRUE(t.Ok());
    const std::string dot = WriteDot(*t);
    auto again = Read(dot);
    ASSERT_TRUE(again.Ok()) << again.Error().reason << "\n" << dot;
    EXPECT_EQ(WriteDot(*again), dot);
    EXPECT_EQ(again->FindLink(*again->Find("P2"), *again->Find("B"))->From(*again->Find("B")).delay,
              std::chrono::milliseconds(3));
}

TEST(TopologyReadDot, SeedFileParses)
{
    auto t = ReadDotFile(std::string(SIPSIM_SCENARIOS_DIR) + "/seed.dot");
    ASSERT_TRUE(t.Ok()) << t.Error().reason;
    EXPECT_EQ(t->NodeCount(), 4u);
    EXPECT_EQ(t->LinkCount(), 3u);
}

TEST(TopologyReadDot, Errors)
{
    ExpectError("graph { A -- ", "DOT syntax error");
    ExpectError("not a graph at all", "DOT syntax error");
    ExpectError("graph { A [domain=x]; }", "node A: missing attribute 'role'");
    ExpectError("graph { A [role=switch, domain=x]; }", "node A: role: unknown role 'switch'");
    ExpectError("graph { A [role=ua, domain=x, colour=red]; }",
                "node A: unknown attribute 'colour'");
    ExpectError("graph { A [role=ua, domain=x]; B [role=ua, domain=x]; A -- B [loss=1.5]; }",
                "edge A -- B: loss: probability 1.5 outside [0, 1]");
    ExpectError("graph { A [role=ua, domain=x]; B [role=ua, domain=x]; A -- B [loss_ba=2]; }",
                "edge A -- B: loss_ba: probability 2");
    ExpectError("graph { A [role=ua, domain=x]; B [role=ua, domain=x]; A -- B [delay=\"-3ms\"]; }",
                "edge A -- B: delay: negative duration");
    ExpectError(
        "graph { A [role=ua, domain=x]; B [role=ua, domain=x]; A -- B [delay=\"3 days\"]; }",
        "edge A -- B: delay: invalid duration unit");
    ExpectError("graph { A [role=ua, domain=x]; B [role=ua, domain=x]; A -- B [speed=3]; }",
                "edge A -- B: unknown attribute 'speed'");
    ExpectError("graph { A [role=ua, domain=x]; B [role=ua, domain=x]; A -- B; B -- A; }",
                "edge B -- A: duplicate link");
    ExpectError("digraph { A [role=ua, domain=x]; B [role=ua, domain=x]; A -> B; A -> B; }",
                "edge A -> B: duplicate edge");
    ExpectError("digraph { A [role=ua, domain=x]; B [role=ua, domain=x]; A -> B [delay_ab=1]; }",
                "give each direction its own edge statement");
    ExpectError("graph { A [role=ua, domain=x]; A -- A; }", "edge A -- A: self-loop");
    ExpectError("graph { A [role=ua, domain=x]; B [role=ua]; A -- B; }",
                "node B: ua needs a domain");
    ExpectError("graph { A [role=ua, domain=x]; B [role=ua, domain=x, queue_limit=-1]; A -- B; }",
                "node B: queue_limit");
    ExpectError("graph { A [role=ua, domain=x]; B [role=ua, domain=x, registrar=maybe]; A -- B; }",
                "node B: registrar: invalid boolean");
    ExpectError("graph { A [role=proxy, domain=x, sip_routes=\"oops\"]; }",
                "node A: sip_routes: 'oops' is not domain=node");
}

TEST(TopologyReadDot, MissingFile)
{
    auto t = ReadDotFile("/nonexistent/topology.dot");
    ASSERT_FALSE(t.Ok());
    EXPECT_NE(t.Error().reason.find("/nonexistent/topology.dot"), std::string::npos);
}

} // namespace
} // namespace sipsim
