// Scenario -> element configurations, on the seed scenario (no simulation needed).
#include "run/element_plan.h"
#include "scenario/scenario.h"

#include <gtest/gtest.h>

namespace sipsim
{
namespace
{

struct SeedPlan
{
    Scenario scenario;
    Topology topology;
    Routing routing;
    ElementPlan plan;
};

SeedPlan
MakeSeedPlan(const std::vector<std::string>& overrides = {})
{
    SeedPlan s;
    auto scenario =
        LoadScenario(std::string(SIPSIM_SCENARIOS_DIR) + "/two-proxy-auth.toml", overrides);
    EXPECT_TRUE(scenario.Ok()) << scenario.Error().reason;
    s.scenario = *scenario;
    s.topology = *BuildTopology(s.scenario);
    s.routing = *ComputeRouting(s.topology);
    std::vector<std::string> addresses;
    for (NodeId id = 0; id < s.topology.NodeCount(); ++id)
    {
        addresses.push_back("10.0.0." + std::to_string(id + 1));
    }
    s.plan = MakeElementPlan(s.scenario, s.topology, s.routing, addresses);
    return s;
}

const UaPlan&
Ua(const SeedPlan& s, const std::string& name)
{
    const NodeId id = *s.topology.Find(name);
    for (const UaPlan& ua : s.plan.uas)
    {
        if (ua.node == id)
        {
            return ua;
        }
    }
    throw std::runtime_error("no UA " + name);
}

const ProxyPlan&
Proxy(const SeedPlan& s, const std::string& name)
{
    const NodeId id = *s.topology.Find(name);
    for (const ProxyPlan& proxy : s.plan.proxies)
    {
        if (proxy.node == id)
        {
            return proxy;
        }
    }
    throw std::runtime_error("no proxy " + name);
}

std::string
AddressOf(const SeedPlan& s, const std::string& name)
{
    return "10.0.0." + std::to_string(*s.topology.Find(name) + 1);
}

TEST(ElementPlan, SeedUserAgents)
{
    const SeedPlan s = MakeSeedPlan();
    ASSERT_EQ(s.plan.uas.size(), 2u);
    const UserAgentConfig& a = Ua(s, "A").config;
    EXPECT_EQ(a.user, "alice");
    EXPECT_EQ(a.domain, "atlanta.example.com");
    EXPECT_EQ(a.hostName, "client.atlanta.example.com");
    EXPECT_EQ(a.localAddress.host, AddressOf(s, "A"));
    ASSERT_TRUE(a.outboundProxy.has_value());
    EXPECT_EQ(a.outboundProxy->host, AddressOf(s, "P1"));
    EXPECT_EQ(a.credentials.username, "alice");
    EXPECT_EQ(a.credentials.password, "secret"); // [auth.users] alice = "secret"
    EXPECT_TRUE(a.reuseCredentials);
    EXPECT_EQ(a.timers.t1, std::chrono::milliseconds(500));
    // B hangs up 5 s after the ACK (RFC 3665 §3.2: the callee sends BYE), ringing 2 s.
    const UserAgentConfig& b = Ua(s, "B").config;
    EXPECT_EQ(b.hostName, "client.biloxi.example.com");
    EXPECT_EQ(b.callee.mode, CalleeBehaviour::Mode::Answer);
    EXPECT_EQ(b.callee.ringTime, std::chrono::seconds(2));
    ASSERT_TRUE(b.callee.hangupAfter.has_value());
    EXPECT_EQ(*b.callee.hangupAfter, std::chrono::seconds(5));
    // Every element resolves every host, so Contact and Record-Route URIs work.
    auto resolved = a.resolver.Resolve("client.biloxi.example.com", std::nullopt, Transport::Udp);
    ASSERT_TRUE(resolved.has_value());
    EXPECT_EQ(resolved->host, AddressOf(s, "B"));
}

TEST(ElementPlan, SeedProxies)
{
    const SeedPlan s = MakeSeedPlan();
    const ProxyPlan& p1 = Proxy(s, "P1");
    ASSERT_TRUE(p1.config.auth.has_value()) << "P1 is listed in [auth].proxies";
    EXPECT_EQ(p1.config.auth->realm, "atlanta.example.com");
    EXPECT_EQ(p1.config.auth->algorithm, DigestAlgorithm::Md5);
    EXPECT_TRUE(p1.config.credentials.Has("alice"));
    EXPECT_TRUE(p1.config.recordRoute);
    EXPECT_TRUE(p1.config.stateful);
    ASSERT_EQ(p1.config.staticRoutes.count("biloxi.example.com"), 1u);
    EXPECT_EQ(p1.config.staticRoutes.at("biloxi.example.com").address->host, AddressOf(s, "P2"));

    const ProxyPlan& p2 = Proxy(s, "P2");
    EXPECT_FALSE(p2.config.auth.has_value());
    EXPECT_TRUE(p2.config.registrar);
    ASSERT_EQ(p2.bindings.size(), 1u) << "bob is provisioned when register_first is false";
    EXPECT_EQ(p2.bindings[0].aor, "sip:bob@biloxi.example.com");
    EXPECT_EQ(p2.bindings[0].contact, "sip:bob@client.biloxi.example.com");
    ASSERT_EQ(p2.config.staticRoutes.count("atlanta.example.com"), 1u);
}

TEST(ElementPlan, ScenarioKnobsReachTheElements)
{
    const SeedPlan s = MakeSeedPlan({"auth.algorithm=SHA-256", "sip.proxy_mode=stateless",
                                     "workload.register_first=true", "workload.hangup=caller",
                                     "workload.cancel_after=3s", "sip.t1=250ms"});
    const ProxyPlan& p1 = Proxy(s, "P1");
    EXPECT_EQ(p1.config.auth->algorithm, DigestAlgorithm::Sha256);
    EXPECT_FALSE(p1.config.stateful);
    EXPECT_TRUE(Proxy(s, "P2").bindings.empty()) << "register_first: the UAs register";
    const UserAgentConfig& b = Ua(s, "B").config;
    EXPECT_FALSE(b.callee.hangupAfter.has_value()) << "the caller hangs up";
    EXPECT_EQ(Ua(s, "A").config.noAnswerTimeout, std::chrono::seconds(3));
    EXPECT_EQ(b.timers.t1, std::chrono::milliseconds(250));
    EXPECT_EQ(s.plan.registrarUri.at(*s.topology.Find("A")), "sip:atlanta.example.com");
}

} // namespace
} // namespace sipsim
