#include "scenario/scenario.h"
#include "topology/routing.h"

#include <filesystem>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace sipsim
{
namespace
{

const std::string kDir = SIPSIM_SCENARIOS_DIR;

Scenario
Load(const std::string& file, const std::vector<std::string>& overrides = {})
{
    auto s = LoadScenario(kDir + "/" + file, overrides);
    EXPECT_TRUE(s.Ok()) << file << ": " << s.Error().reason;
    return s.Ok() ? std::move(s).Value() : Scenario{};
}

TEST(ScenarioFiles, EveryShippedFileLoadsAndBuilds)
{
    int count = 0;
    for (const auto& entry : std::filesystem::directory_iterator(kDir))
    {
        if (entry.path().extension() != ".toml")
        {
            continue;
        }
        ++count;
        auto s = LoadScenario(entry.path().string());
        ASSERT_TRUE(s.Ok()) << entry.path() << ": " << s.Error().reason;
        EXPECT_EQ(s->name, entry.path().stem().string());
        auto t = BuildTopology(*s);
        ASSERT_TRUE(t.Ok()) << entry.path() << ": " << t.Error().reason;
        auto r = ComputeRouting(*t);
        ASSERT_TRUE(r.Ok()) << entry.path() << ": " << r.Error().reason;
        EXPECT_FALSE(s->workload.pairs.empty());
        for (const CallPairSpec& p : s->workload.pairs)
        {
            EXPECT_TRUE(SipPath(*t, *r, *t->Find(p.callerNode), *t->Find(p.calleeNode)).Ok());
        }
        auto json = nlohmann::json::parse(ToJson(*s));
        EXPECT_EQ(json["name"], s->name);
    }
    EXPECT_GE(count, 6);
}

TEST(ScenarioFiles, SeedIsRfc3665TwoProxyWithAuth)
{
    Scenario s = Load("two-proxy-auth.toml");
    EXPECT_EQ(s.topology.generator, "seed");
    EXPECT_EQ(s.workload.calls, 1);
    ASSERT_EQ(s.workload.pairs.size(), 1u);
    const CallPairSpec& p = s.workload.pairs[0];
    EXPECT_EQ(p.callerNode, "A");
    EXPECT_EQ(p.calleeNode, "B");
    EXPECT_EQ(p.callerAor, "alice@atlanta.example.com");
    EXPECT_EQ(p.calleeAor, "bob@biloxi.example.com");
    EXPECT_EQ(s.workload.hangup, Hangup::Callee);
    EXPECT_EQ(s.workload.callee.action, CalleeAction::Answer);
    EXPECT_EQ(s.workload.callee.ringTime, std::chrono::seconds(2));
    EXPECT_EQ(s.workload.holdingTime, std::chrono::seconds(5));
    EXPECT_EQ(s.auth.proxies, std::vector<std::string>{"P1"});
    EXPECT_TRUE(s.auth.Challenges("P1"));
    EXPECT_FALSE(s.auth.Challenges("P2"));
    EXPECT_EQ(s.auth.algorithm, AuthAlgorithm::Md5);
    EXPECT_EQ(s.auth.realms.at("P1"), "atlanta.example.com");
    EXPECT_EQ(s.auth.users.at("alice"), "secret");
    EXPECT_EQ(s.sip.transport, Transport::Udp);
    EXPECT_EQ(s.sip.t1, std::chrono::milliseconds(500));
    EXPECT_TRUE(s.sip.recordRoute);
    EXPECT_EQ(s.impairments.defaults.loss.kind, LossModelKind::None);
    EXPECT_EQ(s.impairments.defaults.delay, std::chrono::milliseconds(2));

    auto t = BuildTopology(s);
    ASSERT_TRUE(t.Ok());
    for (const TopoLink& l : t->Links())
    {
        EXPECT_EQ(l.props.ab.delay, std::chrono::milliseconds(2));
        EXPECT_EQ(l.props.ab.loss.kind, LossModelKind::None);
    }
}

TEST(ScenarioFiles, SingleHopUsesDotFileRelativeToScenario)
{
    Scenario s = Load("single-hop.toml");
    EXPECT_TRUE(s.topology.generator.empty());
    EXPECT_EQ(s.topology.file, kDir + "/single-hop.dot");
    EXPECT_EQ(s.workload.hangup, Hangup::Caller);
    auto t = BuildTopology(s);
    ASSERT_TRUE(t.Ok());
    EXPECT_EQ(t->NodeCount(), 2u);
    EXPECT_TRUE(t->NodesWithRole(NodeRole::Proxy).empty());
}

TEST(ScenarioFiles, ProxyChainLengthFromGeneratorParameter)
{
    Scenario s = Load("proxy-chain.toml", {"topology.proxies=7"});
    auto t = BuildTopology(s);
    ASSERT_TRUE(t.Ok());
    EXPECT_EQ(t->NodesWithRole(NodeRole::Proxy).size(), 7u);
    EXPECT_EQ(s.workload.pairs[0].callerNode, "A");
    EXPECT_EQ(s.workload.pairs[0].calleeNode, "B");
}

TEST(ScenarioFiles, LossyAccessHasGilbertElliottOnAP1Only)
{
    Scenario s = Load("lossy-access.toml");
    EXPECT_EQ(s.workload.arrivals, Arrivals::Poisson);
    EXPECT_EQ(s.workload.holdingDistribution, HoldingDistribution::Exponential);
    auto t = BuildTopology(s);
    ASSERT_TRUE(t.Ok()) << t.Error().reason;
    const TopoEdge* access = t->FindLink(*t->Find("A"), *t->Find("P1"));
    for (const LinkDirection* d : {&access->ab, &access->ba})
    {
        EXPECT_EQ(d->loss.kind, LossModelKind::GilbertElliott);
        EXPECT_DOUBLE_EQ(d->loss.p, 0.025);
        EXPECT_DOUBLE_EQ(d->loss.r, 0.5);
        EXPECT_DOUBLE_EQ(d->loss.lossBad, 1.0);
        EXPECT_EQ(d->delay, std::chrono::milliseconds(10)); // from the defaults
        EXPECT_EQ(d->jitter, std::chrono::milliseconds(2));
    }
    EXPECT_EQ(t->FindLink(*t->Find("P1"), *t->Find("P2"))->ab.loss.kind, LossModelKind::None);
}

TEST(ScenarioFiles, RegistrarStarPairsConsecutiveUas)
{
    Scenario s = Load("registrar-star.toml");
    EXPECT_TRUE(s.workload.registerFirst);
    EXPECT_TRUE(s.auth.challengeRegister);
    EXPECT_EQ(s.workload.arrivals, Arrivals::Constant);
    EXPECT_DOUBLE_EQ(s.workload.rate, 2.0); // interval 500ms
    ASSERT_EQ(s.workload.pairs.size(), 10u);
    EXPECT_EQ(s.workload.pairs[0].callerNode, "UA1");
    EXPECT_EQ(s.workload.pairs[0].calleeNode, "UA2");
    EXPECT_EQ(s.workload.pairs[9].calleeNode, "UA20");
    EXPECT_EQ(s.workload.pairs[9].calleeAor, "user20@example.com");
}

TEST(ScenarioFiles, OverloadedProxyProcessing)
{
    Scenario s = Load("overloaded-proxy.toml");
    EXPECT_DOUBLE_EQ(s.workload.rate, 200.0);
    auto t = BuildTopology(s);
    ASSERT_TRUE(t.Ok());
    for (NodeId p : t->NodesWithRole(NodeRole::Proxy))
    {
        EXPECT_EQ(t->Node(p).serviceTime, std::chrono::milliseconds(2));
        EXPECT_EQ(t->Node(p).queueLimit, 500u);
    }
}

TEST(ScenarioFiles, EmptyTextIsTheDefaultSeed)
{
    auto s = ParseScenario("");
    ASSERT_TRUE(s.Ok()) << s.Error().reason;
    EXPECT_EQ(s->topology.generator, "seed");
    EXPECT_EQ(s->workload.calls, 1);
    ASSERT_EQ(s->workload.pairs.size(), 1u);
    EXPECT_EQ(s->workload.pairs[0].callerNode, "A");
    EXPECT_EQ(s->workload.pairs[0].calleeNode, "B");
}

TEST(ScenarioOverrides, EachValueType)
{
    Scenario s = Load("two-proxy-auth.toml",
                      {"workload.calls=25",                // integer
                       "workload.rate=2.5",                // float
                       "workload.arrivals=poisson",        // bare word -> string
                       "sip.t1=\"250ms\"",                 // quoted string
                       "sip.t2=8",                         // number of seconds
                       "sip.record_route=false",           // bool
                       "workload.pairs=[\"bob->alice\"]",  // array
                       "auth.proxies=[\"P2\"]",            // bob's own proxy challenges him
                       "impairments.links.A-P1.loss=0.05", // creates tables
                       "processing.proxies.P2={service_time=\"3ms\"}", // inline table
                       "seed=42"});
    EXPECT_EQ(s.workload.calls, 25);
    EXPECT_DOUBLE_EQ(s.workload.rate, 2.5);
    EXPECT_EQ(s.workload.arrivals, Arrivals::Poisson);
    EXPECT_EQ(s.sip.t1, std::chrono::milliseconds(250));
    EXPECT_EQ(s.sip.t2, std::chrono::seconds(8));
    EXPECT_FALSE(s.sip.recordRoute);
    ASSERT_EQ(s.workload.pairs.size(), 1u);
    EXPECT_EQ(s.workload.pairs[0].callerNode, "B");
    EXPECT_EQ(s.workload.pairs[0].callerAor, "bob@biloxi.example.com");
    EXPECT_EQ(s.seed, 42u);
    auto t = BuildTopology(s);
    ASSERT_TRUE(t.Ok());
    EXPECT_DOUBLE_EQ(t->FindLink(*t->Find("A"), *t->Find("P1"))->ab.loss.p, 0.05);
    EXPECT_EQ(t->Node(*t->Find("P2")).serviceTime, std::chrono::milliseconds(3));
    EXPECT_EQ(t->Node(*t->Find("P1")).serviceTime, Duration(0));
}

TEST(ScenarioOverrides, AppliedInOrderAndBeforeValidation)
{
    // The file alone is fine; the override makes it invalid, and validation sees it.
    auto bad = LoadScenario(kDir + "/two-proxy-auth.toml", {"impairments.loss=2"});
    ASSERT_FALSE(bad.Ok());
    EXPECT_EQ(bad.Error().reason, "impairments.loss: probability 2 outside [0, 1]");
    // A later override wins; an invalid file value can be fixed by one.
    Scenario s = Load("two-proxy-auth.toml", {"workload.calls=-3", "workload.calls=3"});
    EXPECT_EQ(s.workload.calls, 3);
}

TEST(ScenarioOverrides, PerDirectionLinkOverride)
{
    Scenario s = Load("two-proxy-auth.toml", {"impairments.links.P2-B.direction=forward",
                                              "impairments.links.P2-B.delay=40ms"});
    auto t = BuildTopology(s);
    ASSERT_TRUE(t.Ok());
    const NodeId p2 = *t->Find("P2");
    const NodeId b = *t->Find("B");
    EXPECT_EQ(t->FindLink(p2, b)->From(p2).delay, std::chrono::milliseconds(40));
    EXPECT_EQ(t->FindLink(p2, b)->From(b).delay, std::chrono::milliseconds(2));
}

TEST(ScenarioJson, FullResolvedScenarioDeterministic)
{
    Scenario s = Load("lossy-access.toml");
    const std::string a = ToJson(s);
    EXPECT_EQ(a, ToJson(Load("lossy-access.toml")));
    auto j = nlohmann::json::parse(a);
    EXPECT_EQ(j["workload"]["arrivals"], "poisson");
    EXPECT_EQ(j["workload"]["holding_time"], "3s");
    EXPECT_EQ(j["workload"]["pairs"][0]["caller_aor"], "alice@atlanta.example.com");
    EXPECT_EQ(j["sip"]["t1"], "500ms");
    EXPECT_EQ(j["impairments"]["delay"], "10ms");
    EXPECT_EQ(j["impairments"]["links"]["A-P1"]["loss_model"], "gilbert-elliott");
    EXPECT_EQ(j["auth"]["algorithm"], "MD5");
    EXPECT_EQ(j["topology"]["generator"], "seed");
    // Sections appear in a fixed order.
    EXPECT_LT(a.find("\"topology\""), a.find("\"workload\""));
    EXPECT_LT(a.find("\"workload\""), a.find("\"outputs\""));
}

} // namespace
} // namespace sipsim
