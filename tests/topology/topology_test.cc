#include "topology/topology.h"

#include <gtest/gtest.h>

namespace sipsim
{
namespace
{

TEST(TopologyUnits, ParsesDurations)
{
    EXPECT_EQ(*ParseDuration("10ms"), std::chrono::milliseconds(10));
    EXPECT_EQ(*ParseDuration("1.5s"), std::chrono::milliseconds(1500));
    EXPECT_EQ(*ParseDuration("250us"), std::chrono::microseconds(250));
    EXPECT_EQ(*ParseDuration("100ns"), std::chrono::nanoseconds(100));
    EXPECT_EQ(*ParseDuration("2min"), std::chrono::seconds(120));
    EXPECT_EQ(*ParseDuration("0.5"), std::chrono::milliseconds(500)); // bare = seconds
    EXPECT_EQ(*ParseDuration(" 3 ms "), std::chrono::milliseconds(3));
    EXPECT_EQ(*ParseDuration("0"), Duration(0));
}

TEST(TopologyUnits, RejectsBadDurations)
{
    EXPECT_FALSE(ParseDuration("").Ok());
    EXPECT_FALSE(ParseDuration("ms").Ok());
    EXPECT_FALSE(ParseDuration("10 parsecs").Ok());
    EXPECT_FALSE(ParseDuration("inf").Ok());
    EXPECT_FALSE(ParseDuration("1e300s").Ok());
    auto negative = ParseDuration("-1ms");
    ASSERT_FALSE(negative.Ok());
    EXPECT_NE(negative.Error().reason.find("negative"), std::string::npos);
}

TEST(TopologyUnits, ParsesRates)
{
    EXPECT_EQ(*ParseRate("100Mbps"), 100'000'000u);
    EXPECT_EQ(*ParseRate("1.5Gbps"), 1'500'000'000u);
    EXPECT_EQ(*ParseRate("64kbps"), 64'000u);
    EXPECT_EQ(*ParseRate("9600bps"), 9600u);
    EXPECT_EQ(*ParseRate("9600"), 9600u);
    EXPECT_FALSE(ParseRate("0Mbps").Ok());
    EXPECT_FALSE(ParseRate("10MB/s").Ok());
    EXPECT_FALSE(ParseRate("fast").Ok());
}

TEST(TopologyUnits, FormatsRoundTrip)
{
    EXPECT_EQ(FormatDuration(std::chrono::milliseconds(10)), "10ms");
    EXPECT_EQ(FormatDuration(std::chrono::milliseconds(1500)), "1.5s");
    EXPECT_EQ(FormatDuration(std::chrono::microseconds(250)), "250us");
    EXPECT_EQ(FormatDuration(Duration(0)), "0s");
    EXPECT_EQ(FormatRate(100'000'000), "100Mbps");
    EXPECT_EQ(FormatRate(64'000), "64kbps");
    for (const char* text : {"10ms", "1.5s", "250us", "7ns", "12.345678ms"})
    {
        EXPECT_EQ(FormatDuration(*ParseDuration(text)), text);
    }
}

TEST(TopologyRoles, ParsesCombinedRoles)
{
    bool registrar = false;
    EXPECT_EQ(*ParseRole("proxy", &registrar), NodeRole::Proxy);
    EXPECT_FALSE(registrar);
    EXPECT_EQ(*ParseRole("proxy,registrar", &registrar), NodeRole::Proxy);
    EXPECT_TRUE(registrar);
    EXPECT_EQ(*ParseRole("registrar + proxy", &registrar), NodeRole::Proxy);
    EXPECT_TRUE(registrar);
    EXPECT_EQ(*ParseRole("registrar", &registrar), NodeRole::Registrar);
    EXPECT_TRUE(registrar);
    EXPECT_EQ(*ParseRole("ua", &registrar), NodeRole::Ua);
    EXPECT_EQ(*ParseRole("router", &registrar), NodeRole::Router);
    EXPECT_FALSE(ParseRole("switch", &registrar).Ok());
    EXPECT_FALSE(ParseRole("ua,proxy", &registrar).Ok());
}

TEST(TopologyLossModel, MeanLoss)
{
    LossModel ge;
    ge.kind = LossModelKind::GilbertElliott;
    ge.p = 0.1;
    ge.r = 0.4;
    ge.lossGood = 0.0;
    ge.lossBad = 1.0;
    EXPECT_DOUBLE_EQ(ge.MeanLoss(), 0.2);
    LossModel iid;
    iid.kind = LossModelKind::Iid;
    iid.p = 0.03;
    EXPECT_DOUBLE_EQ(iid.MeanLoss(), 0.03);
    EXPECT_DOUBLE_EQ(LossModel{}.MeanLoss(), 0.0);
}

TEST(TopologyLinkAttributes, AppliesOnTopOfBase)
{
    LinkDirection base;
    auto d = ApplyLinkAttributes(base, {{"delay", "7ms"},
                                        {"loss", "0.01"},
                                        {"rate", "10Mbps"},
                                        {"queue_size", "50"},
                                        {"jitter", "1ms"}});
    ASSERT_TRUE(d.Ok()) << d.Error().reason;
    EXPECT_EQ(d->delay, std::chrono::milliseconds(7));
    EXPECT_EQ(d->jitter, std::chrono::milliseconds(1));
    EXPECT_EQ(d->loss.kind, LossModelKind::Iid);
    EXPECT_DOUBLE_EQ(d->loss.p, 0.01);
    EXPECT_EQ(d->rateBps, 10'000'000u);
    EXPECT_EQ(d->queueSize, 50u);

    auto zero = ApplyLinkAttributes(*d, {{"loss", "0"}});
    EXPECT_EQ(zero->loss.kind, LossModelKind::None);
    EXPECT_EQ(zero->delay, std::chrono::milliseconds(7)); // untouched fields kept
}

TEST(TopologyLinkAttributes, GilbertElliott)
{
    auto d = ApplyLinkAttributes({}, {{"loss_model", "gilbert-elliott"},
                                      {"ge_p", "0.05"},
                                      {"ge_r", "0.5"},
                                      {"ge_loss_bad", "0.9"}});
    ASSERT_TRUE(d.Ok()) << d.Error().reason;
    EXPECT_EQ(d->loss.kind, LossModelKind::GilbertElliott);
    EXPECT_DOUBLE_EQ(d->loss.p, 0.05);
    EXPECT_DOUBLE_EQ(d->loss.r, 0.5);
    EXPECT_DOUBLE_EQ(d->loss.lossGood, 0.0);
    EXPECT_DOUBLE_EQ(d->loss.lossBad, 0.9);
}

TEST(TopologyLinkAttributes, ErrorsNameTheAttribute)
{
    auto expect = [](std::map<std::string, std::string> attrs, const std::string& text) {
        auto d = ApplyLinkAttributes({}, attrs);
        ASSERT_FALSE(d.Ok());
        EXPECT_NE(d.Error().reason.find(text), std::string::npos) << d.Error().reason;
    };
    expect({{"loss", "1.5"}}, "loss: probability 1.5 outside [0, 1]");
    expect({{"loss", "-0.1"}}, "loss: probability");
    expect({{"loss", "lots"}}, "loss: invalid probability");
    expect({{"delay", "-1ms"}}, "delay: negative duration");
    expect({{"jitter", "5 fortnights"}}, "jitter: invalid duration unit");
    expect({{"rate", "fast"}}, "rate: invalid rate");
    expect({{"queue_size", "0"}}, "queue_size:");
    expect({{"loss_model", "bursty"}}, "loss_model: unknown loss model");
    expect({{"loss_model", "gilbert-elliott"}, {"ge_p", "0.1"}}, "needs ge_p and ge_r");
    expect({{"ge_p", "0.1"}}, "ge_p: only valid with loss_model=gilbert-elliott");
    expect({{"loss_model", "ge"}, {"ge_p", "0.1"}, {"ge_r", "2"}}, "ge_r: probability 2");
    expect({{"colour", "red"}}, "unknown link attribute 'colour'");
}

TEST(TopologyGraph, NodesLinksAndLookups)
{
    Topology t;
    TopoNode a;
    a.name = "A";
    a.role = NodeRole::Ua;
    a.domain = "example.com";
    a.users = {"alice"};
    const NodeId ida = *t.AddNode(a);
    TopoNode p;
    p.name = "P";
    p.role = NodeRole::Proxy;
    p.domain = "example.com";
    const NodeId idp = *t.AddNode(p);
    EXPECT_FALSE(t.AddNode(p).Ok()); // duplicate name
    EXPECT_FALSE(t.AddNode(TopoNode{}).Ok());

    LinkDirection d;
    d.delay = std::chrono::milliseconds(3);
    ASSERT_TRUE(t.AddLink(idp, ida, d).Ok());
    EXPECT_FALSE(t.AddLink(ida, idp, d).Ok()); // same pair, either order
    EXPECT_FALSE(t.AddLink(ida, ida, d).Ok());
    EXPECT_FALSE(t.AddLink(ida, 7, d).Ok());

    EXPECT_EQ(t.NodeCount(), 2u);
    EXPECT_EQ(t.LinkCount(), 1u);
    EXPECT_EQ(*t.Find("P"), idp);
    EXPECT_FALSE(t.Find("Q").has_value());
    ASSERT_NE(t.FindLink(ida, idp), nullptr);
    EXPECT_EQ(t.FindLink(ida, idp)->a, idp);
    EXPECT_EQ(t.Links()[0].a, idp);
    EXPECT_EQ(t.Neighbours(ida), std::vector<NodeId>{idp});
    EXPECT_EQ(*t.FindUser("alice"), ida);
    EXPECT_EQ(*t.FindUser("alice@example.com"), ida);
    EXPECT_FALSE(t.FindUser("alice@elsewhere.com").has_value());
    EXPECT_EQ(*t.ResolveEndpoint("A"), ida);
    EXPECT_EQ(*t.ResolveEndpoint("alice"), ida);
    EXPECT_FALSE(t.ResolveEndpoint("P").has_value()); // not a UA
}

TEST(TopologyGraph, EdgeDirectionAccessor)
{
    TopoEdge e;
    e.a = 4;
    e.b = 9;
    e.ab.delay = std::chrono::milliseconds(1);
    e.ba.delay = std::chrono::milliseconds(2);
    EXPECT_EQ(e.From(4).delay, std::chrono::milliseconds(1));
    EXPECT_EQ(e.From(9).delay, std::chrono::milliseconds(2));
}

} // namespace
} // namespace sipsim
