// User agents behind a record-routing proxy (route sets, loose routing, the callee's BYE
// as in RFC 3665 §3.2 F18) and over a reliable transport.
#include "ua_test_util.h"

#include <gtest/gtest.h>
#include <memory>

namespace sipsim::test
{
namespace
{

using Kind = CallEventKind;

/// A stateless, record-routing proxy at proxy.example.com: pops its own Route entry, adds
/// its Via (and Record-Route to INVITEs), forwards by Route else Request-URI; responses go
/// to the next Via.
class RecordRoutingProxy
{
public:
    RecordRoutingProxy()
    {
        peer.onMessage = [this](TimePoint, const SipMessage& message, const Address&) {
            Forward(message);
        };
    }

    void Forward(const SipMessage& message)
    {
        SipMessage out = message;
        if (message.IsResponse())
        {
            out.RemoveFirstValue("Via");
            auto via = GetTopVia(out);
            if (!via.Ok())
            {
                return;
            }
            if (auto destination = resolver.Resolve(via->host, via->port, Transport::Udp))
            {
                peer.Send(out, *destination);
            }
            return;
        }
        auto routes = out.GetAll("Route");
        if (!routes.empty() && routes.front().find("proxy.example.com") != std::string_view::npos)
        {
            out.RemoveFirstValue("Route");
        }
        out.Prepend("Via", "SIP/2.0/UDP proxy.example.com:5060;branch=z9hG4bKproxy" +
                               std::to_string(++branches));
        if (out.Method() == "INVITE")
        {
            out.Prepend("Record-Route", "<sip:proxy.example.com;lr>");
        }
        routes = out.GetAll("Route");
        const std::string next = routes.empty() ? out.RequestUri() : UriOf(std::string(routes[0]));
        auto uri = SipUri::Parse(next);
        if (!uri.Ok())
        {
            return;
        }
        if (auto destination = resolver.Resolve(*uri, Transport::Udp))
        {
            peer.Send(out, *destination);
        }
    }

    ScriptedPeer peer{kProxyAddr};
    Resolver resolver = TestResolver();
    int branches = 0;
};

TEST(UaRoutingTest, InDialogRequestsFollowTheRecordRoutedPath)
{
    SplitMixRandom aliceRandom{1};
    SplitMixRandom bobRandom{2};
    UserAgentConfig aliceConfig = AliceConfig();
    aliceConfig.outboundProxy = kProxyAddr;
    UserAgentConfig bobConfig = BobConfig();
    bobConfig.callee.ringTime = Seconds(1);
    bobConfig.callee.hangupAfter = Seconds(2);
    UserAgent alice(aliceConfig, aliceRandom);
    UserAgent bob(bobConfig, bobRandom);
    RecordRoutingProxy proxy;
    VirtualNetwork net(1, Ms(10));
    net.Attach(kAliceAddr, alice);
    net.Attach(kBobAddr, bob);
    net.Attach(kProxyAddr, proxy.peer);

    alice.StartCall(net.Now(), "sip:bob@biloxi.example.com");
    net.Flush();
    net.RunFor(Seconds(60));

    std::vector<DatagramRecord> fromAlice;
    std::vector<DatagramRecord> fromBob;
    for (const auto& record : net.Log())
    {
        EXPECT_TRUE(record.from == kProxyAddr || record.to == kProxyAddr) << record.StartLine();
        (record.from == kAliceAddr ? fromAlice : fromBob).push_back(record);
    }
    SipMessage invite = Parse(fromAlice.at(0).data);
    EXPECT_FALSE(invite.Has("Route")); // the outbound proxy is a next hop, not a Route
    ASSERT_EQ(fromAlice.size(), 3u);   // INVITE, ACK, 200 to the BYE
    SipMessage ack = Parse(fromAlice[1].data);
    EXPECT_EQ(ack.Method(), "ACK");
    EXPECT_EQ(ack.RequestUri(), "sip:bob@client.biloxi.example.com");
    EXPECT_EQ(Header(ack, "Route"), "<sip:proxy.example.com;lr>");
    EXPECT_EQ(fromAlice[1].to, kProxyAddr);
    EXPECT_EQ(Parse(fromAlice[2].data).StatusCode(), 200);

    // Bob's side: the BYE (F18) goes to the proxy with the route set; CSeq 1 of his own.
    SipMessage bye;
    for (const auto& record : fromBob)
    {
        if (record.from == kBobAddr && record.StartLine().rfind("BYE", 0) == 0)
        {
            bye = Parse(record.data);
            EXPECT_EQ(record.to, kProxyAddr);
        }
    }
    EXPECT_EQ(bye.RequestUri(), "sip:alice@client.atlanta.example.com");
    EXPECT_EQ(Header(bye, "Route"), "<sip:proxy.example.com;lr>");
    EXPECT_EQ(Header(bye, "CSeq"), "1 BYE");

    auto aliceEvents = DrainEvents(alice);
    EXPECT_EQ(Kinds(aliceEvents),
              (std::vector<Kind>{Kind::InviteSent, Kind::RingingReceived, Kind::Established,
                                 Kind::AckSent, Kind::ByeReceived}));
    auto bobEvents = DrainEvents(bob);
    ASSERT_EQ(OfKind(bobEvents, Kind::ByeCompleted).size(), 1u);
    EXPECT_EQ(OfKind(bobEvents, Kind::ByeCompleted)[0].statusCode, 200);
    // 10 ms per hop, two hops: ringing at 40 ms, answer 1 s after the INVITE reached Bob.
    EXPECT_EQ(aliceEvents[1].time, Ms(40));
    EXPECT_EQ(aliceEvents[2].time, Ms(1040));
    EXPECT_EQ(alice.ActiveCalls(), 0u);
    EXPECT_EQ(bob.ActiveCalls(), 0u);
}

TEST(UaRoutingTest, ReliableTransportHasNoRetransmissionsButStillTimesOutTheAck)
{
    const Address aliceTcp{kAliceAddr.host, 5060, Transport::Tcp};
    const Address bobTcp{kBobAddr.host, 5060, Transport::Tcp};
    SplitMixRandom aliceRandom{1};
    SplitMixRandom bobRandom{2};
    UserAgentConfig aliceConfig = AliceConfig();
    aliceConfig.transport = Transport::Tcp;
    aliceConfig.localAddress = aliceTcp;
    UserAgentConfig bobConfig = BobConfig();
    bobConfig.transport = Transport::Tcp;
    bobConfig.localAddress = bobTcp;
    UserAgent alice(aliceConfig, aliceRandom);
    UserAgent bob(bobConfig, bobRandom);
    VirtualNetwork net(1, Ms(10));
    net.Attach(aliceTcp, alice);
    net.Attach(bobTcp, bob);
    net.SetDropPredicate(
        [](const DatagramRecord& record) { return record.StartLine().rfind("ACK", 0) == 0; });

    alice.StartCall(net.Now(), "sip:bob@biloxi.example.com");
    net.Flush();
    net.RunFor(Seconds(60));

    SipMessage invite = Parse(net.Log().at(0).data);
    EXPECT_EQ(Header(invite, "Via").rfind("SIP/2.0/TCP client.atlanta.example.com:5060;", 0), 0u);
    EXPECT_EQ(Header(invite, "Contact"), "<sip:alice@client.atlanta.example.com;transport=tcp>");
    std::size_t oks = 0;
    std::size_t byes = 0;
    for (const auto& record : net.Log())
    {
        EXPECT_FALSE(record.retransmission) << record.StartLine();
        oks += record.from == bobTcp && record.StartLine() == "SIP/2.0 200 OK";
        byes += record.StartLine().rfind("BYE", 0) == 0;
        if (record.StartLine().rfind("BYE", 0) == 0)
        {
            EXPECT_EQ(record.sentAt, Ms(10) + Seconds(32));
            EXPECT_EQ(record.to, aliceTcp);
        }
    }
    EXPECT_EQ(oks, 1u);
    EXPECT_EQ(byes, 1u);
    EXPECT_EQ(bob.Counters().ackTimeouts, 1u);
    EXPECT_EQ(alice.ActiveCalls(), 0u);
    EXPECT_EQ(bob.ActiveCalls(), 0u);
}

} // namespace
} // namespace sipsim::test
