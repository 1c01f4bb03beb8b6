// The seed flow, RFC 3665 §3.2 "Session Establishment Through Two Proxies", end to end in
// virtual time: Alice's UserAgent -> Proxy 1 (ss1.atlanta.example.com, digest 407,
// Record-Route) -> Proxy 2 (ss2.biloxi.example.com, registrar for biloxi, Record-Route) ->
// Bob's UserAgent, who rings, answers and hangs up. Every message F1..F23 is checked
// against the table in tests/data/seed/README.md; then F1 is lost once.
#include "core/proxy.h"
#include "core/user_agent.h"
#include "harness/virtual_network.h"
#include "sip/headers.h"

#include <gtest/gtest.h>
#include <memory>
#include <string>
#include <vector>

namespace sipsim::seedflow
{
namespace
{

using test::DatagramRecord;
using test::VirtualNetwork;

const Address kAlice{"192.0.2.101", 5060, Transport::Udp};
const Address kProxy1{"192.0.2.111", 5060, Transport::Udp};
const Address kProxy2{"192.0.2.222", 5060, Transport::Udp};
const Address kBob{"192.0.2.201", 5060, Transport::Udp};
constexpr const char* kSs1 = "<sip:ss1.atlanta.example.com;lr>";
constexpr const char* kSs2 = "<sip:ss2.biloxi.example.com;lr>";
constexpr const char* kBobContact = "sip:bob@client.biloxi.example.com";

Resolver
SeedResolver()
{
    Resolver resolver;
    resolver.Add("client.atlanta.example.com", kAlice);
    resolver.Add("ss1.atlanta.example.com", kProxy1);
    resolver.Add("ss2.biloxi.example.com", kProxy2);
    resolver.Add("client.biloxi.example.com", kBob);
    return resolver;
}

/// What the RFC 3665 §3.2 table says about one message.
struct Expect
{
    const char* label;
    Address from;
    Address to;
    const char* startsWith; ///< start-line prefix
    std::size_t vias;
    int maxForwards; ///< -1 for responses
    std::vector<std::string> recordRoute;
    std::vector<std::string> route;
};

std::vector<Expect>
SeedTable()
{
    const std::vector<std::string> none;
    const std::vector<std::string> rr = {kSs2, kSs1};
    return {
        {"F1", kAlice, kProxy1, "INVITE sip:bob@biloxi.example.com", 1, 70, none, none},
        {"F2", kProxy1, kAlice, "SIP/2.0 407", 1, -1, none, none},
        {"F3", kAlice, kProxy1, "ACK sip:bob@biloxi.example.com", 1, 70, none, none},
        {"F4", kAlice, kProxy1, "INVITE sip:bob@biloxi.example.com", 1, 70, none, none},
        {"F5", kProxy1, kProxy2, "INVITE sip:bob@biloxi.example.com", 2, 69, {kSs1}, none},
        {"F6", kProxy1, kAlice, "SIP/2.0 100", 1, -1, none, none},
        {"F7", kProxy2, kBob, "INVITE sip:bob@client.biloxi.example.com", 3, 68, rr, none},
        {"F8", kProxy2, kProxy1, "SIP/2.0 100", 2, -1, none, none},
        {"F9", kBob, kProxy2, "SIP/2.0 180", 3, -1, rr, none},
        {"F10", kProxy2, kProxy1, "SIP/2.0 180", 2, -1, rr, none},
        {"F11", kProxy1, kAlice, "SIP/2.0 180", 1, -1, rr, none},
        {"F12", kBob, kProxy2, "SIP/2.0 200", 3, -1, rr, none},
        {"F13", kProxy2, kProxy1, "SIP/2.0 200", 2, -1, rr, none},
        {"F14", kProxy1, kAlice, "SIP/2.0 200", 1, -1, rr, none},
        {"F15",
         kAlice,
         kProxy1,
         "ACK sip:bob@client.biloxi.example.com",
         1,
         70,
         none,
         {kSs1, kSs2}},
        {"F16", kProxy1, kProxy2, "ACK sip:bob@client.biloxi.example.com", 2, 69, none, {kSs2}},
        {"F17", kProxy2, kBob, "ACK sip:bob@client.biloxi.example.com", 3, 68, none, none},
        {"F18",
         kBob,
         kProxy2,
         "BYE sip:alice@client.atlanta.example.com",
         1,
         70,
         none,
         {kSs2, kSs1}},
        {"F19", kProxy2, kProxy1, "BYE sip:alice@client.atlanta.example.com", 2, 69, none, {kSs1}},
        {"F20", kProxy1, kAlice, "BYE sip:alice@client.atlanta.example.com", 3, 68, none, none},
        {"F21", kAlice, kProxy1, "SIP/2.0 200", 3, -1, none, none},
        {"F22", kProxy1, kProxy2, "SIP/2.0 200", 2, -1, none, none},
        {"F23", kProxy2, kBob, "SIP/2.0 200", 1, -1, none, none},
    };
}

std::vector<std::string>
ListOf(const SipMessage& message, std::string_view name)
{
    std::vector<std::string> out;
    for (std::string_view value : message.GetAll(name))
    {
        out.emplace_back(value);
    }
    return out;
}

/// host:branch of every Via, top first (received= aside, which each hop adds).
std::vector<std::string>
ViaPath(const SipMessage& message)
{
    std::vector<std::string> out;
    auto vias = GetVias(message);
    if (vias.Ok())
    {
        for (const Via& via : *vias)
        {
            out.push_back(via.host + ";" + std::string(via.Branch()));
        }
    }
    return out;
}

std::string
HeaderOf(const SipMessage& message, std::string_view name)
{
    const HeaderValue* value = message.Get(name);
    return value ? value->str() : std::string();
}

class SeedFlowTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        UserAgentConfig alice;
        alice.user = "alice";
        alice.displayName = "Alice";
        alice.domain = "atlanta.example.com";
        alice.hostName = "client.atlanta.example.com";
        alice.localAddress = kAlice;
        alice.outboundProxy = kProxy1;
        alice.resolver = SeedResolver();
        alice.credentials = DigestAccount{"alice", "alice-secret"};

        UserAgentConfig bob;
        bob.user = "bob";
        bob.displayName = "Bob";
        bob.domain = "biloxi.example.com";
        bob.hostName = "client.biloxi.example.com";
        bob.localAddress = kBob;
        bob.resolver = SeedResolver();
        bob.callee.mode = CalleeBehaviour::Mode::Answer;
        bob.callee.ringTime = Seconds(2);
        bob.callee.send180 = true;
        bob.callee.hangupAfter = Seconds(5); // Bob hangs up (F18)

        ProxyConfig p1;
        p1.hostName = "ss1.atlanta.example.com";
        p1.localAddress = kProxy1;
        p1.domains = {"atlanta.example.com"};
        p1.resolver = SeedResolver();
        p1.staticRoutes["biloxi.example.com"] = NextHop::Host("ss2.biloxi.example.com");
        DigestServerConfig digest;
        digest.realm = "atlanta.example.com";
        digest.algorithm = DigestAlgorithm::Md5;
        p1.auth = digest;
        p1.credentials.AddUser("alice", "alice-secret");

        ProxyConfig p2;
        p2.hostName = "ss2.biloxi.example.com";
        p2.localAddress = kProxy2;
        p2.domains = {"biloxi.example.com"};
        p2.resolver = SeedResolver();
        p2.staticRoutes["atlanta.example.com"] = NextHop::Host("ss1.atlanta.example.com");
        p2.registrar = true;

        aliceUa = std::make_unique<UserAgent>(alice, aliceRandom);
        bobUa = std::make_unique<UserAgent>(bob, bobRandom);
        proxy1 = std::make_unique<Proxy>(p1, proxy1Random);
        proxy2 = std::make_unique<Proxy>(p2, proxy2Random);
        // Bob's registration, provisioned (a REGISTER would add messages to the flow).
        proxy2->Location().Add("sip:bob@biloxi.example.com", kBobContact, TimePoint{0},
                               Seconds(3600));
        net.Attach(kAlice, *aliceUa);
        net.Attach(kBob, *bobUa);
        net.Attach(kProxy1, *proxy1);
        net.Attach(kProxy2, *proxy2);
    }

    void RunCall()
    {
        aliceUa->StartCall(net.Now(), "sip:bob@biloxi.example.com");
        net.Flush();
        net.RunFor(Seconds(60));
    }

    /// The records that are not lost, each parsed.
    std::vector<std::pair<DatagramRecord, SipMessage>> Delivered() const
    {
        std::vector<std::pair<DatagramRecord, SipMessage>> out;
        for (const auto& record : net.Log())
        {
            if (record.fate == DatagramRecord::Fate::Dropped)
            {
                continue;
            }
            auto parsed = ParseMessage(record.data);
            EXPECT_TRUE(parsed.Ok()) << record.data;
            out.emplace_back(record, parsed.Ok() ? *parsed : SipMessage());
        }
        return out;
    }

    /// Checks one message against its table row.
    static void CheckRow(const Expect& row, const DatagramRecord& record, const SipMessage& m)
    {
        SCOPED_TRACE(row.label);
        EXPECT_TRUE(record.Delivered());
        EXPECT_EQ(record.from, row.from);
        EXPECT_EQ(record.to, row.to);
        EXPECT_EQ(record.StartLine().rfind(row.startsWith, 0), 0u) << record.StartLine();
        EXPECT_EQ(m.GetAll("Via").size(), row.vias);
        if (row.maxForwards >= 0)
        {
            EXPECT_EQ(HeaderOf(m, "Max-Forwards"), std::to_string(row.maxForwards));
        }
        EXPECT_EQ(ListOf(m, "Record-Route"), row.recordRoute);
        EXPECT_EQ(ListOf(m, "Route"), row.route);
        for (const char* name : {"From", "To", "Call-ID", "CSeq", "Content-Length"})
        {
            EXPECT_TRUE(m.Has(name)) << name;
        }
        EXPECT_FALSE(GetFrom(m)->Tag().empty());
    }

    SplitMixRandom aliceRandom{101};
    SplitMixRandom bobRandom{201};
    SplitMixRandom proxy1Random{111};
    SplitMixRandom proxy2Random{222};
    VirtualNetwork net{1, Milliseconds(10)};
    std::unique_ptr<UserAgent> aliceUa;
    std::unique_ptr<UserAgent> bobUa;
    std::unique_ptr<Proxy> proxy1;
    std::unique_ptr<Proxy> proxy2;
};

TEST_F(SeedFlowTest, TwentyThreeMessagesInOrderWithTheirHeaders)
{
    RunCall();
    auto messages = Delivered();
    std::vector<std::string> lines;
    for (const auto& [record, m] : messages)
    {
        lines.push_back(record.from.ToString() + " -> " + record.to.ToString() + " " +
                        record.StartLine());
    }
    ASSERT_EQ(messages.size(), 23u) << ::testing::PrintToString(lines);

    // F5 and F6 leave Proxy 1 at the same instant; the table order is one valid order.
    if (messages[4].first.StartLine().rfind("SIP/2.0 100", 0) == 0)
    {
        EXPECT_EQ(messages[4].first.sentAt, messages[5].first.sentAt);
        std::swap(messages[4], messages[5]);
    }
    const auto table = SeedTable();
    for (std::size_t i = 0; i < table.size(); ++i)
    {
        CheckRow(table[i], messages[i].first, messages[i].second);
    }
    auto M = [&](int f) -> const SipMessage& { return messages[f - 1].second; };

    // Zero loss: nothing was sent twice.
    for (const auto& record : net.Log())
    {
        EXPECT_FALSE(record.retransmission) << record.StartLine();
        EXPECT_TRUE(record.Delivered()) << record.StartLine();
    }

    // One Call-ID throughout; Alice's CSeq 1 for the challenged INVITE, 2 after.
    const std::string callId = HeaderOf(M(1), "Call-ID");
    for (const auto& [record, m] : messages)
    {
        EXPECT_EQ(HeaderOf(m, "Call-ID"), callId);
    }
    EXPECT_EQ(GetCSeq(M(1))->number, 1u);
    EXPECT_EQ(HeaderOf(M(3), "CSeq"), "1 ACK");
    EXPECT_EQ(GetCSeq(M(4))->number, 2u);
    EXPECT_EQ(HeaderOf(M(15), "CSeq"), "2 ACK");
    EXPECT_EQ(GetCSeq(M(18))->method, "BYE");

    // F2: Proxy 1's digest challenge; F3 ACKs it (same To tag); F4 answers it.
    auto challenge = AuthHeader::Parse(HeaderOf(M(2), "Proxy-Authenticate"));
    ASSERT_TRUE(challenge.Ok());
    EXPECT_EQ(challenge->Get("realm").value_or(""), "atlanta.example.com");
    EXPECT_EQ(challenge->Get("algorithm").value_or(""), "MD5");
    EXPECT_EQ(challenge->Get("qop").value_or(""), "auth");
    EXPECT_FALSE(GetTo(M(2))->Tag().empty());
    EXPECT_EQ(GetTo(M(3))->Tag(), GetTo(M(2))->Tag());
    EXPECT_FALSE(M(1).Has("Proxy-Authorization"));
    auto credentials = AuthHeader::Parse(HeaderOf(M(4), "Proxy-Authorization"));
    ASSERT_TRUE(credentials.Ok());
    EXPECT_EQ(credentials->Get("username").value_or(""), "alice");
    EXPECT_EQ(credentials->Get("nonce"), challenge->Get("nonce"));
    EXPECT_NE(GetTopVia(M(4))->Branch(), GetTopVia(M(1))->Branch()); // a new transaction
    EXPECT_EQ(proxy1->Counters().authSuccesses, 1u);
    EXPECT_EQ(proxy1->Counters().proxyChallenges, 1u);
    // Proxy 1 consumed the credentials for its realm (§22.3).
    EXPECT_FALSE(M(5).Has("Proxy-Authorization"));
    EXPECT_FALSE(M(16).Has("Proxy-Authorization"));

    // Vias stack on the way in and unstack on the way out, with received= from each hop.
    auto vias7 = GetVias(M(7));
    ASSERT_TRUE(vias7.Ok());
    EXPECT_EQ((*vias7)[0].host, "ss2.biloxi.example.com");
    EXPECT_EQ((*vias7)[1].host, "ss1.atlanta.example.com");
    EXPECT_EQ((*vias7)[1].Received().value_or(""), "192.0.2.111");
    EXPECT_EQ((*vias7)[2].host, "client.atlanta.example.com");
    EXPECT_EQ((*vias7)[2].Received().value_or(""), "192.0.2.101");
    EXPECT_EQ(ViaPath(M(9)), ViaPath(M(7)));
    EXPECT_EQ(ViaPath(M(12)), ViaPath(M(7)));
    EXPECT_EQ(ViaPath(M(11)), std::vector<std::string>{ViaPath(M(7))[2]});
    EXPECT_EQ(ViaPath(M(14)), std::vector<std::string>{ViaPath(M(7))[2]});
    // A response carries the received= each hop stamped on the request's Vias (§18.2.1).
    EXPECT_EQ(GetTopVia(M(9))->Received().value_or(""), "192.0.2.222");
    auto vias17 = GetVias(M(17));
    ASSERT_TRUE(vias17.Ok());
    EXPECT_EQ((*vias17)[0].host, "ss2.biloxi.example.com");
    EXPECT_EQ((*vias17)[1].host, "ss1.atlanta.example.com");
    EXPECT_EQ((*vias17)[2].host, "client.atlanta.example.com");
    EXPECT_EQ(ViaPath(M(21)), ViaPath(M(20)));
    EXPECT_EQ(ViaPath(M(23)), std::vector<std::string>{ViaPath(M(18))[0]});
    // Each proxy branch is its own: the ACK (F16/F17) and BYE do not reuse the INVITE's.
    EXPECT_NE(GetTopVia(M(16))->Branch(), GetTopVia(M(5))->Branch());
    EXPECT_NE(GetTopVia(M(17))->Branch(), GetTopVia(M(7))->Branch());

    // Proxy 2 retargeted to Bob's registered contact (F7); the 100s stayed hop-by-hop.
    EXPECT_EQ(M(7).RequestUri(), kBobContact);
    EXPECT_EQ(GetCSeq(M(8))->method, "INVITE");
    EXPECT_EQ(net.Matching("SIP/2.0 100").size(), 2u);
    EXPECT_EQ(proxy1->Counters().responsesForwarded.count(100), 0u);
    EXPECT_EQ(proxy2->Counters().responsesForwarded.count(100), 0u);

    // Bob's tag from the 180 on, the same in 200, ACK, BYE and its 200.
    const std::string bobTag = GetTo(M(9))->Tag();
    EXPECT_FALSE(bobTag.empty());
    EXPECT_TRUE(GetTo(M(8))->Tag().empty());
    for (int f : {10, 11, 12, 13, 14, 15, 16, 17})
    {
        EXPECT_EQ(GetTo(M(f))->Tag(), bobTag) << "F" << f;
    }
    // Bob's BYE and its 200: From is Bob, To is Alice with her tag.
    for (int f : {18, 19, 20, 21, 22, 23})
    {
        EXPECT_EQ(GetFrom(M(f))->Tag(), bobTag) << "F" << f;
        EXPECT_EQ(GetTo(M(f))->Tag(), GetFrom(M(1))->Tag()) << "F" << f;
    }

    // SDP offer in the INVITEs, answer in the 200s, unchanged by the proxies.
    EXPECT_FALSE(M(4).Body().empty());
    EXPECT_EQ(M(5).Body(), M(4).Body());
    EXPECT_EQ(M(7).Body(), M(4).Body());
    EXPECT_FALSE(M(12).Body().empty());
    EXPECT_EQ(M(14).Body(), M(12).Body());

    // In-dialog requests go to the contacts once the Route set is used up.
    EXPECT_EQ(M(17).RequestUri(), kBobContact);
    EXPECT_EQ(M(20).RequestUri().rfind("sip:alice@client.atlanta.example.com", 0), 0u);

    // Both UAs saw a complete call.
    bool aliceEstablished = false;
    while (auto event = aliceUa->PollEvent())
    {
        aliceEstablished = aliceEstablished || event->kind == CallEventKind::Established;
    }
    EXPECT_TRUE(aliceEstablished);
}

TEST_F(SeedFlowTest, ProxiesReleaseAllStateAfterTheCall)
{
    RunCall();
    net.RunFor(Seconds(60));
    for (Proxy* proxy : {proxy1.get(), proxy2.get()})
    {
        EXPECT_EQ(proxy->ResponseContextCount(), 0u);
        EXPECT_EQ(proxy->Transactions().ServerTxnCount(), 0u);
        EXPECT_EQ(proxy->Transactions().ClientTxnCount(), 0u);
    }
    EXPECT_EQ(aliceUa->ActiveCalls(), 0u);
    EXPECT_EQ(bobUa->ActiveCalls(), 0u);
}

TEST_F(SeedFlowTest, LostF1IsRetransmittedAfterHalfASecond)
{
    net.DropNth(kAlice, kProxy1, 1);
    RunCall();
    const auto invites = net.Between(kAlice, kProxy1);
    ASSERT_GE(invites.size(), 2u);
    EXPECT_EQ(invites[0].fate, DatagramRecord::Fate::Dropped);
    EXPECT_EQ(invites[0].StartLine(), invites[1].StartLine());
    EXPECT_EQ(invites[0].data, invites[1].data); // the same INVITE, Timer A
    EXPECT_TRUE(invites[1].retransmission);
    EXPECT_EQ(invites[1].sentAt - invites[0].sentAt, Milliseconds(500));

    // Then the flow runs as without loss: 23 delivered messages, no other retransmission.
    auto messages = Delivered();
    ASSERT_EQ(messages.size(), 23u);
    EXPECT_EQ(messages[1].first.StartLine().rfind("SIP/2.0 407", 0), 0u);
    EXPECT_EQ(messages[1].first.sentAt, Milliseconds(510));
    std::size_t retransmissions = 0;
    for (const auto& record : net.Log())
    {
        retransmissions += record.retransmission ? 1 : 0;
    }
    EXPECT_EQ(retransmissions, 1u);
    EXPECT_EQ(messages.back().first.StartLine().rfind("SIP/2.0 200", 0), 0u);
}

} // namespace
} // namespace sipsim::seedflow
