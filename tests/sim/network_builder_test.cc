// NetworkBuilder: topology -> ns-3 nodes, links, addresses, routes, impairments.

#include "sim/gilbert_elliott_error_model.h"
#include "sim/network_builder.h"
#include "sim_test_util.h"

#include <cstdio>
#include <filesystem>
#include <sstream>

namespace sipsim::test
{
namespace
{

using ns3::MilliSeconds;
using ns3::Seconds;

TopoNode
Node(const std::string& name, NodeRole role, const std::string& domain)
{
    TopoNode node;
    node.name = name;
    node.role = role;
    node.domain = domain;
    return node;
}

LinkDirection
Dir(int delayMs)
{
    LinkDirection d;
    d.delay = std::chrono::milliseconds(delayMs);
    return d;
}

TopoEdge
Edge(LinkDirection ab, LinkDirection ba)
{
    TopoEdge e;
    e.ab = ab;
    e.ba = ba;
    return e;
}

/// A(ua) -10/12ms- R(router) -20ms- P(proxy) -30/5ms- B(ua), plus a slow A-P shortcut.
class NetworkBuilderTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ns3::RngSeedManager::SetSeed(1);
        ns3::RngSeedManager::SetRun(1);
        a = *topology.AddNode(Node("A", NodeRole::Ua, "a.example.com"));
        r = *topology.AddNode(Node("R", NodeRole::Router, ""));
        TopoNode proxy = Node("P", NodeRole::Proxy, "b.example.com");
        proxy.serviceTime = std::chrono::microseconds(2500);
        proxy.queueLimit = 5;
        p = *topology.AddNode(proxy);
        b = *topology.AddNode(Node("B", NodeRole::Ua, "b.example.com"));
        LinkDirection ar = Dir(10);
        ar.queueSize = 7;
        ar.rateBps = 2'000'000;
        ASSERT_TRUE(topology.AddLink(a, r, Edge(ar, Dir(12))));
        ASSERT_TRUE(topology.AddLink(r, p, Dir(20)));
        ASSERT_TRUE(topology.AddLink(p, b, Edge(Dir(30), Dir(5))));
        LinkDirection slow = Dir(100);
        slow.loss.kind = LossModelKind::GilbertElliott;
        slow.loss.p = 0.1;
        slow.loss.r = 0.5;
        LinkDirection slowBack = Dir(100);
        slowBack.loss.kind = LossModelKind::Iid;
        slowBack.loss.p = 0.2;
        slowBack.jitter = std::chrono::milliseconds(3);
        ASSERT_TRUE(topology.AddLink(a, p, Edge(slow, slowBack)));

        auto computed = ComputeRouting(topology);
        ASSERT_TRUE(computed) << computed.Error().reason;
        routing = std::move(*computed);
        // Shortest one-way delay paths (the A-P shortcut loses to A-R-P); B is a stub on P.
        constexpr NodeId A = 0, R = 1, P = 2, B = 3;
        const std::vector<std::vector<NodeId>> nextHops = {
            {kNoNode, R, R, R}, {A, kNoNode, P, P}, {R, R, kNoNode, B}, {P, P, P, kNoNode}};
        for (NodeId from = 0; from < 4; ++from)
        {
            for (NodeId to = 0; to < 4; ++to)
            {
                ASSERT_EQ(routing.ip.NextHop(from, to), nextHops[from][to]) << from << "->" << to;
            }
        }
        ASSERT_EQ(routing.ip.Anchor(b), p);
        ASSERT_EQ(routing.domainProxy.at("b.example.com"), P);
    }
    void TearDown() override
    {
        ns3::Simulator::Destroy();
        ns3::Names::Clear();
    }

    Topology topology;
    Routing routing;
    NodeId a = 0, r = 0, p = 0, b = 0;
};

TEST_F(NetworkBuilderTest, NamesAddressesAndDeviceSettings)
{
    NetworkBuilder builder;
    builder.Build(topology, routing);
    ASSERT_EQ(builder.GetNodes().GetN(), 4u);
    EXPECT_EQ(ns3::Names::Find<ns3::Node>("R"), builder.GetNode(r));
    EXPECT_EQ(builder.GetNode("B"), builder.GetNode(b));
    EXPECT_EQ(builder.GetAddress("A"), ns3::Ipv4Address("10.0.0.1"));
    EXPECT_EQ(builder.GetAddress("R"), ns3::Ipv4Address("10.0.0.2"));
    EXPECT_EQ(builder.GetAddress("P"), ns3::Ipv4Address("10.0.0.6"));
    EXPECT_EQ(builder.GetAddress("B"), ns3::Ipv4Address("10.0.0.10"));
    EXPECT_FALSE(builder.GetAddress("nobody"));
    EXPECT_EQ(builder.Resolve("b.example.com"), builder.GetAddress("P"));
    EXPECT_EQ(builder.Resolve("B"), builder.GetAddress("B"));
    EXPECT_EQ(builder.Resolve("192.0.2.1"), ns3::Ipv4Address("192.0.2.1"));
    EXPECT_FALSE(builder.Resolve("a.example.com")); // no proxy serves it
    EXPECT_EQ(builder.GetResolver()("P"), builder.GetAddress("P"));

    ASSERT_EQ(builder.GetLinkCount(), 4u);
    auto devA = ns3::DynamicCast<ns3::PointToPointNetDevice>(builder.GetLinkDevices(0).Get(0));
    auto devR = ns3::DynamicCast<ns3::PointToPointNetDevice>(builder.GetLinkDevices(0).Get(1));
    EXPECT_EQ(devA->GetNode(), builder.GetNode(a));
    EXPECT_EQ(devA->GetQueue()->GetMaxSize(), ns3::QueueSize("7p"));
    EXPECT_EQ(devR->GetQueue()->GetMaxSize(), ns3::QueueSize("100p"));
    ns3::DataRateValue rate;
    devA->GetAttribute("DataRate", rate);
    EXPECT_EQ(rate.Get(), ns3::DataRate(2'000'000));
    EXPECT_EQ(builder.GetLinkChannel(2)->GetDirectionDelay(0), MilliSeconds(30));
    EXPECT_EQ(builder.GetLinkChannel(2)->GetDirectionDelay(1), MilliSeconds(5));

    // Loss of a direction sits on its receiving device.
    auto ge = ns3::DynamicCast<GilbertElliottErrorModel>(builder.GetLossModel(3, true));
    ASSERT_TRUE(ge);
    ns3::PointerValue attached;
    builder.GetLinkDevices(3).Get(1)->GetAttribute("ReceiveErrorModel", attached);
    EXPECT_EQ(attached.Get<ns3::ErrorModel>(), ge);
    auto iid = ns3::DynamicCast<ns3::RateErrorModel>(builder.GetLossModel(3, false));
    ASSERT_TRUE(iid);
    EXPECT_DOUBLE_EQ(iid->GetRate(), 0.2);
    builder.GetLinkDevices(3).Get(0)->GetAttribute("ReceiveErrorModel", attached);
    EXPECT_EQ(attached.Get<ns3::ErrorModel>(), iid);
    EXPECT_FALSE(builder.GetLossModel(0, true));
    EXPECT_TRUE(builder.GetLinkChannel(3)->GetJitter(1));
    EXPECT_FALSE(builder.GetLinkChannel(3)->GetJitter(0));
    // Streams: one jitter and two loss models.
    EXPECT_EQ(builder.AssignStreams(10), 3);
}

TEST_F(NetworkBuilderTest, StaticRoutesFollowTheTopologyInBothDirections)
{
    NetworkBuilder builder;
    builder.Build(topology, routing);
    ScriptedEndpoint* alice = nullptr;
    EchoEndpoint* bob = nullptr;
    auto make = [&](ns3::Ptr<ns3::Node> node) -> std::unique_ptr<Endpoint> {
        if (node == builder.GetNode("A"))
        {
            auto e = std::make_unique<ScriptedEndpoint>();
            alice = e.get();
            return e;
        }
        auto e = std::make_unique<EchoEndpoint>();
        bob = e.get();
        return e;
    };
    SipElementHelper helper(make);
    ns3::ApplicationContainer apps = helper.Install("A");
    apps.Add(helper.Install(builder.GetNode(b)));
    for (uint32_t i = 0; i < apps.GetN(); ++i)
    {
        ns3::DynamicCast<SipElementApplication>(apps.Get(i))->SetResolver(builder.GetResolver());
    }
    auto aliceApp = ns3::DynamicCast<SipElementApplication>(apps.Get(0));
    At(Seconds(1), [&] {
        Transmit hello;
        hello.destination = Address{"B", 5060, Transport::Udp}; // resolved by the builder
        hello.data = "hello bob";
        alice->outbox.push_back(hello);
        aliceApp->Flush();
    });
    ns3::Simulator::Run();

    ASSERT_EQ(bob->arrivals.size(), 1u);
    // A->R->P->B: 10 + 20 + 30 ms plus three serialisations (the shortcut would be 130 ms).
    const ns3::Time there = ToNs3Time(bob->arrivals[0]) - Seconds(1);
    EXPECT_GE(there, MilliSeconds(60));
    EXPECT_LT(there, MilliSeconds(61));
    ASSERT_EQ(alice->received.size(), 1u);
    EXPECT_EQ(alice->received[0].bytes, "hello bob");
    EXPECT_EQ(alice->received[0].from.host, "10.0.0.10");
    // Back B->P->R->A: 5 + 20 + 12 ms.
    const ns3::Time back = ToNs3Time(alice->received[0].at - bob->timeouts[0]);
    EXPECT_GE(back, MilliSeconds(37));
    EXPECT_LT(back, MilliSeconds(38));
}

/// The route node `from`'s stack picks for a packet it sends to `destination`.
ns3::Ptr<ns3::Ipv4Route>
RouteFrom(ns3::Ptr<ns3::Node> from, const char* destination, ns3::Socket::SocketErrno& error)
{
    ns3::Ipv4Header header;
    header.SetDestination(ns3::Ipv4Address(destination));
    return from->GetObject<ns3::Ipv4>()->GetRoutingProtocol()->RouteOutput(
        ns3::Create<ns3::Packet>(), header, nullptr, error);
}

TEST_F(NetworkBuilderTest, HostRoutesFollowThePathsAndUnknownAddressesHaveNoRoute)
{
    NetworkBuilder builder;
    builder.Build(topology, routing);
    // Links in order: A-R 10.0.0.1/.2, R-P .5/.6, P-B .9/.10, A-P .13/.14.
    ns3::Socket::SocketErrno error = ns3::Socket::ERROR_NOTERROR;
    auto toB = RouteFrom(builder.GetNode(a), "10.0.0.10", error);
    ASSERT_TRUE(toB);
    EXPECT_EQ(toB->GetGateway(), ns3::Ipv4Address("10.0.0.2"));
    EXPECT_EQ(toB->GetSource(), ns3::Ipv4Address("10.0.0.1"));
    EXPECT_EQ(toB->GetDestination(), ns3::Ipv4Address("10.0.0.10"));
    EXPECT_EQ(error, ns3::Socket::ERROR_NOTERROR);
    // P's end of the shortcut is on A's own /30, yet its routed path goes through R.
    auto toShortcutEnd = RouteFrom(builder.GetNode(a), "10.0.0.14", error);
    ASSERT_TRUE(toShortcutEnd);
    EXPECT_EQ(toShortcutEnd->GetGateway(), ns3::Ipv4Address("10.0.0.2"));
    auto back = RouteFrom(builder.GetNode(b), "10.0.0.13", error);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->GetGateway(), ns3::Ipv4Address("10.0.0.9"));

    EXPECT_FALSE(RouteFrom(builder.GetNode(a), "172.16.0.1", error));
    EXPECT_EQ(error, ns3::Socket::ERROR_NOROUTETOHOST);
    // The host routes are the only routing protocol: no Ipv4StaticRouting, whose connected
    // /30s, added with a scan of the table each, made a large star's hub quadratic to build.
    auto list = ns3::DynamicCast<ns3::Ipv4ListRouting>(
        builder.GetNode(a)->GetObject<ns3::Ipv4>()->GetRoutingProtocol());
    ASSERT_TRUE(list);
    EXPECT_EQ(list->GetNRoutingProtocols(), 1u);

    // ns-3's PrintRoutingTable lists the hashed table's next hops.
    std::ostringstream dump;
    builder.GetNode(a)->GetObject<ns3::Ipv4>()->GetRoutingProtocol()->PrintRoutingTable(
        ns3::Create<ns3::OutputStreamWrapper>(&dump));
    EXPECT_NE(dump.str().find("sipsim::HostRouteTable\n3 destination nodes via 2 next hops\n"
                              "  via 10.0.0.2 interface 1\n  via 10.0.0.14 interface 2\n"),
              std::string::npos)
        << dump.str();

    // An interface going down takes the routes through it along, as static routes go.
    auto ipv4 = builder.GetNode(a)->GetObject<ns3::Ipv4>();
    ipv4->SetDown(ipv4->GetInterfaceForAddress(ns3::Ipv4Address("10.0.0.1")));
    EXPECT_FALSE(RouteFrom(builder.GetNode(a), "10.0.0.10", error));
    EXPECT_EQ(error, ns3::Socket::ERROR_NOROUTETOHOST);
    // The shortcut's far end is still connected.
    auto direct = RouteFrom(builder.GetNode(a), "10.0.0.14", error);
    ASSERT_TRUE(direct);
    EXPECT_EQ(direct->GetSource(), ns3::Ipv4Address("10.0.0.13"));
}

TEST_F(NetworkBuilderTest, ConfigureElementAppliesTheNodeCpuModel)
{
    NetworkBuilder builder;
    builder.Build(topology, routing);
    auto app = ns3::CreateObject<SipElementApplication>();
    builder.ConfigureElement(p, *app);
    ns3::TimeValue delay;
    ns3::UintegerValue limit;
    app->GetAttribute("ProcessingDelay", delay);
    app->GetAttribute("ServiceQueueLimit", limit);
    EXPECT_EQ(delay.Get(), ns3::MicroSeconds(2500));
    EXPECT_EQ(limit.Get(), 5u);
    builder.ConfigureElement(a, *app);
    app->GetAttribute("ProcessingDelay", delay);
    EXPECT_TRUE(delay.Get().IsZero());
}

TEST_F(NetworkBuilderTest, PcapFilesPerDevice)
{
    const auto dir = std::filesystem::temp_directory_path() / "sipsim_sim_pcap_test";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    NetworkBuilder builder;
    builder.Build(topology, routing);
    builder.EnablePcap((dir / "net").string());
    ns3::Simulator::Run();
    ns3::Simulator::Destroy();
    // Named nodes name the files; A has devices 1 (to R) and 2 (to P), 0 is the loopback.
    EXPECT_TRUE(std::filesystem::exists(dir / "net-A-1.pcap"));
    EXPECT_TRUE(std::filesystem::exists(dir / "net-B-1.pcap"));
    std::filesystem::remove_all(dir);
}

} // namespace
} // namespace sipsim::test
