// SipElementApplication over TCP: framing, connection reuse, connect failures.

#include "sim_test_util.h"

namespace sipsim::test
{
namespace
{

using ns3::Seconds;

ns3::Ptr<ns3::AttributeValue>
Tcp()
{
    return ns3::EnumValue(SipElementApplication::TCP).Copy();
}

std::string
SipMessage(const std::string& callId, const std::string& body)
{
    return "OPTIONS sip:bob@example.com SIP/2.0\r\n"
           "Via: SIP/2.0/TCP 10.1.1.1;branch=z9hG4bK" +
           callId +
           "\r\n"
           "To: <sip:bob@example.com>\r\n"
           "From: <sip:alice@example.com>;tag=1\r\n"
           "Call-ID: " +
           callId +
           "\r\n"
           "CSeq: 1 OPTIONS\r\n"
           "Content-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
}

TEST_F(TwoNodeTest, TcpFramesMessagesAndRepliesOverTheSameConnection)
{
    ScriptedEndpoint* client = nullptr;
    EchoEndpoint* server = nullptr;
    auto clientApp = Install(0, client, {{"Transport", Tcp()}});
    auto serverApp = Install(1, server, {{"Transport", Tcp()}});
    const Address to = AddressOf(1, 5060, Transport::Tcp);
    const std::string m1 = SipMessage("one", "");
    const std::string m2 = SipMessage("two", std::string(6000, 'b')); // several segments
    const std::string m3 = SipMessage("three", "v=0\r\n");
    At(Seconds(1), [&] {
        // Back to back in one stream: the receiver must split them, keep-alive CRLFs between.
        client->outbox.push_back({to, m1, false, nullptr});
        client->outbox.push_back({to, "\r\n\r\n", false, nullptr});
        client->outbox.push_back({to, m2, false, nullptr});
        clientApp->Flush();
        EXPECT_EQ(clientApp->GetConnectionCount(), 1u);
    });
    At(Seconds(1.5), [&] {
        client->outbox.push_back({to, m3, false, nullptr});
        clientApp->Flush();
        EXPECT_EQ(clientApp->GetConnectionCount(), 1u); // reused
    });
    ns3::Simulator::Stop(Seconds(10));
    ns3::Simulator::Run();

    ASSERT_EQ(server->arrivals.size(), 3u);
    ASSERT_EQ(client->received.size(), 3u);
    EXPECT_EQ(client->received[0].bytes, m1);
    EXPECT_EQ(client->received[1].bytes, m2);
    EXPECT_EQ(client->received[2].bytes, m3);
    EXPECT_EQ(client->received[0].from, to);
    EXPECT_EQ(client->received[0].from.transport, Transport::Tcp);
    // The echo went to the client's ephemeral port, i.e. back over the accepted connection.
    EXPECT_EQ(serverApp->GetConnectionCount(), 1u);
    EXPECT_EQ(clientApp->GetConnectionCount(), 1u);
    EXPECT_TRUE(client->errors.empty());
    EXPECT_EQ(server->errors, 0);
}

/// Shortens SYN retries for one test: ns-3 3.37 ignores the RST|ACK a port without
/// listener answers while in SYN_SENT, so a refused connect fails only when retries run out.
class ShortSynRetries
{
public:
    ShortSynRetries()
    {
        ns3::Config::SetDefault("ns3::TcpSocket::ConnTimeout", ns3::TimeValue(Seconds(0.5)));
        ns3::Config::SetDefault("ns3::TcpSocket::ConnCount", ns3::UintegerValue(2));
    }
    ~ShortSynRetries()
    {
        ns3::Config::SetDefault("ns3::TcpSocket::ConnTimeout", ns3::TimeValue(Seconds(3)));
        ns3::Config::SetDefault("ns3::TcpSocket::ConnCount", ns3::UintegerValue(6));
    }
};

TEST_F(TwoNodeTest, TcpConnectFailureIsReportedToTheCore)
{
    ShortSynRetries shortRetries;
    ScriptedEndpoint* client = nullptr;
    ScriptedEndpoint* server = nullptr;
    auto clientApp = Install(0, client, {{"Transport", Tcp()}});
    Install(1, server, {{"Transport", Tcp()}});
    std::vector<std::string> reasons;
    clientApp->TraceConnectWithoutContext(
        "Drop", Cb<ns3::Ptr<const ns3::Packet>, const Address&, const std::string&>(
                    [&](ns3::Ptr<const ns3::Packet>, const Address&, const std::string& why) {
                        reasons.push_back(why);
                    }));
    const Address closedPort = AddressOf(1, 5999, Transport::Tcp);
    const Address noRoute{"172.16.0.1", 5060, Transport::Tcp};
    At(Seconds(1), [&] {
        client->outbox.push_back({closedPort, SipMessage("a", ""), false, nullptr});
        client->outbox.push_back({closedPort, SipMessage("b", ""), false, nullptr});
        client->outbox.push_back({noRoute, SipMessage("c", ""), false, nullptr});
        clientApp->Flush();
    });
    ns3::Simulator::Stop(Seconds(60));
    ns3::Simulator::Run();

    // The refused connection drops both queued messages; each destination is reported once.
    EXPECT_EQ(std::count(reasons.begin(), reasons.end(), "connect-failed"), 2);
    EXPECT_EQ(std::count(reasons.begin(), reasons.end(), "no-route"), 1);
    ASSERT_EQ(client->errors.size(), 2u);
    std::vector<Address> reported{client->errors[0].second, client->errors[1].second};
    EXPECT_NE(std::find(reported.begin(), reported.end(), closedPort), reported.end());
    EXPECT_NE(std::find(reported.begin(), reported.end(), noRoute), reported.end());
    // No route: at once. Refused: when the SYN retries run out (0.5 s, then 1 s backoff).
    for (const auto& [at, address] : client->errors)
    {
        EXPECT_EQ(at.count(), ToSipTime(Seconds(address == noRoute ? 1 : 2.5)).count())
            << address.ToString();
    }
    EXPECT_EQ(clientApp->GetConnectionCount(), 0u);
    EXPECT_TRUE(server->received.empty());
}

TEST_F(TwoNodeTest, TcpUnframeableStreamClosesTheConnection)
{
    ScriptedEndpoint* client = nullptr;
    ScriptedEndpoint* server = nullptr;
    auto clientApp = Install(0, client, {{"Transport", Tcp()}});
    auto serverApp = Install(1, server, {{"Transport", Tcp()}});
    std::vector<std::string> reasons;
    serverApp->TraceConnectWithoutContext(
        "Drop", Cb<ns3::Ptr<const ns3::Packet>, const Address&, const std::string&>(
                    [&](ns3::Ptr<const ns3::Packet>, const Address&, const std::string& why) {
                        reasons.push_back(why);
                    }));
    const Address to = AddressOf(1, 5060, Transport::Tcp);
    At(Seconds(1), [&] {
        client->outbox.push_back({to, SipMessage("ok", ""), false, nullptr});
        client->outbox.push_back(
            {to, "OPTIONS sip:x SIP/2.0\r\nContent-Length: nope\r\n\r\n", false, nullptr});
        clientApp->Flush();
    });
    ns3::Simulator::Stop(Seconds(10));
    ns3::Simulator::Run();
    ASSERT_EQ(server->received.size(), 1u);
    EXPECT_EQ(server->received[0].bytes, SipMessage("ok", ""));
    EXPECT_EQ(reasons, std::vector<std::string>{"framing-error"});
    EXPECT_EQ(serverApp->GetConnectionCount(), 0u);
}

} // namespace
} // namespace sipsim::test
