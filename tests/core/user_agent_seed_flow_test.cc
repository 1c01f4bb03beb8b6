// The seed call flow (RFC 3665 §3.2, F1..F23) end to end: two user agents and two
// proxies (core/proxy.h), the first authenticating, the second a registrar Bob registers
// with. Checks the UA side of the exchange: 23 messages, lossless, in the expected roles.
#include "core/proxy.h"
#include "ua_test_util.h"

#include <gtest/gtest.h>
#include <map>

namespace sipsim::test
{
namespace
{

using Kind = CallEventKind;

const Address kP1{"192.0.2.111", 5060, Transport::Udp};
const Address kP2{"192.0.2.222", 5060, Transport::Udp};

Resolver
SeedResolver()
{
    Resolver resolver;
    resolver.Add("client.atlanta.example.com", kAliceAddr);
    resolver.Add("client.biloxi.example.com", kBobAddr);
    resolver.Add("ss1.atlanta.example.com", kP1);
    resolver.Add("ss2.biloxi.example.com", kP2);
    resolver.Add("biloxi.example.com", kP2);
    resolver.Add("atlanta.example.com", kP1);
    return resolver;
}

TEST(UaSeedFlowTest, TwoProxiesWithAuthenticationGive23Messages)
{
    SplitMixRandom r1{1}, r2{2}, r3{3}, r4{4};

    ProxyConfig p1Config;
    p1Config.hostName = "ss1.atlanta.example.com";
    p1Config.localAddress = kP1;
    p1Config.domains = {"atlanta.example.com"};
    p1Config.resolver = SeedResolver();
    p1Config.staticRoutes["biloxi.example.com"] = NextHop::Host("ss2.biloxi.example.com");
    p1Config.auth = DigestServerConfig{"atlanta.example.com"};
    p1Config.credentials.AddUser("alice", "secret");
    ProxyConfig p2Config;
    p2Config.hostName = "ss2.biloxi.example.com";
    p2Config.localAddress = kP2;
    p2Config.domains = {"biloxi.example.com"};
    p2Config.resolver = SeedResolver();
    p2Config.registrar = true;
    Proxy p1(p1Config, r1);
    Proxy p2(p2Config, r2);

    UserAgentConfig aliceConfig = AliceConfig();
    aliceConfig.resolver = SeedResolver();
    aliceConfig.outboundProxy = kP1;
    UserAgentConfig bobConfig = BobConfig();
    bobConfig.resolver = SeedResolver();
    bobConfig.outboundProxy = kP2;
    bobConfig.callee.ringTime = Seconds(1);
    bobConfig.callee.hangupAfter = Seconds(5);
    UserAgent alice(aliceConfig, r3);
    UserAgent bob(bobConfig, r4);

    VirtualNetwork net(1, Ms(10));
    net.Attach(kAliceAddr, alice);
    net.Attach(kBobAddr, bob);
    net.Attach(kP1, p1);
    net.Attach(kP2, p2);

    bob.Register(net.Now(), "sip:biloxi.example.com", 3600);
    net.Flush();
    net.RunFor(Seconds(1));
    ASSERT_EQ(OfKind(DrainEvents(bob), Kind::Registered).size(), 1u);

    const std::size_t first = net.Log().size();
    alice.StartCall(net.Now(), "sip:bob@biloxi.example.com");
    net.Flush();
    net.RunFor(Seconds(20));

    std::vector<DatagramRecord> flow(net.Log().begin() + static_cast<std::ptrdiff_t>(first),
                                     net.Log().end());
    std::map<std::string, int> counts;
    for (const auto& record : flow)
    {
        EXPECT_TRUE(record.Delivered());
        EXPECT_FALSE(record.retransmission) << record.StartLine();
        const std::string line = record.StartLine();
        counts[line.rfind("SIP/2.0 ", 0) == 0 ? line.substr(8, 3)
                                              : line.substr(0, line.find(' '))]++;
    }
    EXPECT_EQ(flow.size(), 23u);
    EXPECT_EQ(counts["INVITE"], 4); // F1, F4, F5, F7
    EXPECT_EQ(counts["407"], 1);    // F2
    EXPECT_EQ(counts["ACK"], 4);    // F3, F15-F17
    EXPECT_EQ(counts["100"], 2);    // F6, F8
    EXPECT_EQ(counts["180"], 3);
    EXPECT_EQ(counts["200"], 6); // F12-F14, F21-F23
    EXPECT_EQ(counts["BYE"], 3); // F18-F20, from Bob

    // F17 reaches Bob with three Vias; F18 leaves Bob towards Proxy 2 with the route set.
    for (const auto& record : flow)
    {
        if (record.to == kBobAddr && record.StartLine().rfind("ACK", 0) == 0)
        {
            EXPECT_EQ(Parse(record.data).GetAll("Via").size(), 3u);
        }
        if (record.from == kBobAddr && record.StartLine().rfind("BYE", 0) == 0)
        {
            SipMessage bye = Parse(record.data);
            EXPECT_EQ(record.to, kP2);
            EXPECT_EQ(bye.GetAll("Route").size(), 2u);
            EXPECT_EQ(bye.RequestUri(), "sip:alice@client.atlanta.example.com");
        }
    }

    auto aliceEvents = DrainEvents(alice);
    EXPECT_EQ(
        Kinds(aliceEvents),
        (std::vector<Kind>{Kind::InviteSent, Kind::ChallengeReceived, Kind::AuthenticatedInviteSent,
                           Kind::ProvisionalReceived, Kind::RingingReceived, Kind::Established,
                           Kind::AckSent, Kind::ByeReceived}));
    auto bobEvents = DrainEvents(bob);
    EXPECT_EQ(OfKind(bobEvents, Kind::ByeCompleted).size(), 1u);
    net.RunFor(Seconds(120));
    EXPECT_EQ(alice.ActiveCalls(), 0u);
    EXPECT_EQ(bob.ActiveCalls(), 0u);
}

} // namespace
} // namespace sipsim::test
