// User agent digest authentication (RFC 3261 §22) and registration (§10.2) against
// scripted peers backed by a DigestServer.
#include "auth/digest_server.h"
#include "ua_test_util.h"

#include <gtest/gtest.h>
#include <memory>

namespace sipsim::test
{
namespace
{

using Kind = CallEventKind;

std::vector<AuthHeader>
CredentialsOf(const SipMessage& message, std::string_view headerName)
{
    std::vector<AuthHeader> out;
    for (const auto& field : message.Headers())
    {
        if (HeaderNameEquals(field.name, headerName))
        {
            auto parsed = AuthHeader::Parse(field.value);
            if (parsed.Ok())
            {
                out.push_back(*parsed);
            }
        }
    }
    return out;
}

/// An authenticating outbound proxy and callee in one: INVITEs without good
/// Proxy-Authorization get a 407, others a 200 whose Contact points back here; ACKs are
/// recorded and BYEs answered 200. REGISTERs are challenged with 401 and then bound.
class ChallengingPeer
{
public:
    explicit ChallengingPeer(DigestServerConfig config = {"atlanta.example.com"})
        : server(std::make_unique<DigestServer>(config, Store(), random))
    {
        peer.onMessage = [this](TimePoint now, const SipMessage& message, const Address& from) {
            OnMessage(now, message, from);
        };
    }

    static CredentialStore Store()
    {
        CredentialStore store;
        store.AddUser("alice", "secret");
        return store;
    }

    void OnMessage(TimePoint now, const SipMessage& message, const Address& from)
    {
        if (message.IsResponse() || message.Method() == "ACK")
        {
            return;
        }
        const bool registering = message.Method() == "REGISTER";
        const char* credentialHeader = registering ? "Authorization" : "Proxy-Authorization";
        DigestVerdict verdict =
            challengeAll
                ? server->VerifyAny(now, message.Method(), CredentialsOf(message, credentialHeader))
                : DigestVerdict::Ok;
        verdicts.push_back(verdict);
        if (verdict != DigestVerdict::Ok && message.Method() != "BYE")
        {
            SipMessage challenge = MakeResponseTo(message, registering ? 401 : 407, "",
                                                  "chal" + std::to_string(++tags));
            challenge.Add(
                registering ? "WWW-Authenticate" : "Proxy-Authenticate",
                fixedChallenge
                    ? *fixedChallenge
                    : server->Challenge(now, verdict == DigestVerdict::StaleNonce).ToString());
            peer.Send(challenge, from);
            return;
        }
        SipMessage ok = MakeResponseTo(message, 200, "OK", "peer" + std::to_string(++tags));
        if (message.Method() == "INVITE")
        {
            ok.Add("Contact", "<sip:bob@proxy.example.com>");
        }
        if (registering)
        {
            if (registerMinExpires && Header(message, "Expires") != "0" &&
                std::stoul(Header(message, "Expires")) < *registerMinExpires)
            {
                SipMessage brief = MakeResponseTo(message, 423, "Interval Too Brief", "x");
                brief.Add("Min-Expires", std::to_string(*registerMinExpires));
                peer.Send(brief, from);
                return;
            }
            ok.Add("Contact",
                   Header(message, "Contact") + ";expires=" + Header(message, "Expires"));
        }
        peer.Send(ok, from);
    }

    SplitMixRandom random{99};
    std::unique_ptr<DigestServer> server;
    ScriptedPeer peer{kProxyAddr};
    bool challengeAll = true;
    std::optional<std::string> fixedChallenge;
    std::optional<uint32_t> registerMinExpires;
    std::vector<DigestVerdict> verdicts;
    int tags = 0;
};

class UaAuthTest : public ::testing::Test
{
protected:
    void Build(UserAgentConfig config = AliceConfig())
    {
        config.outboundProxy = kProxyAddr;
        alice = std::make_unique<UserAgent>(config, aliceRandom);
        net.Attach(kAliceAddr, *alice);
        net.Attach(kProxyAddr, proxy.peer);
    }

    void Call(Duration hold = Seconds(1))
    {
        alice->StartCall(net.Now(), "sip:bob@biloxi.example.com", CallOptions{hold, false});
        net.Flush();
        net.RunFor(Seconds(40));
    }

    SplitMixRandom aliceRandom{5};
    VirtualNetwork net{3, Ms(10)};
    ChallengingPeer proxy;
    std::unique_ptr<UserAgent> alice;
};

TEST_F(UaAuthTest, ChallengedInviteIsResentWithCredentialsAndAckCarriesThem)
{
    Build();
    Call();
    auto invites = proxy.peer.Received("INVITE");
    ASSERT_EQ(invites.size(), 2u);
    EXPECT_FALSE(invites[0].Has("Proxy-Authorization"));
    EXPECT_EQ(Header(invites[0], "CSeq"), "1 INVITE");
    EXPECT_EQ(Header(invites[1], "CSeq"), "2 INVITE"); // §22.2: CSeq incremented
    EXPECT_NE(TopBranch(invites[1]), TopBranch(invites[0]));
    EXPECT_EQ(Header(invites[1], "Call-ID"), Header(invites[0], "Call-ID"));
    EXPECT_EQ(Header(invites[1], "From"), Header(invites[0], "From"));
    ASSERT_EQ(proxy.verdicts.size(), 3u); // INVITE, INVITE, BYE
    EXPECT_EQ(proxy.verdicts[0], DigestVerdict::NoCredentials);
    EXPECT_EQ(proxy.verdicts[1], DigestVerdict::Ok);

    auto credentials = CredentialsOf(invites[1], "Proxy-Authorization");
    ASSERT_EQ(credentials.size(), 1u);
    EXPECT_EQ(credentials[0].Get("username"), "alice");
    EXPECT_EQ(credentials[0].Get("realm"), "atlanta.example.com");
    EXPECT_EQ(credentials[0].Get("uri"), "sip:bob@biloxi.example.com");

    auto acks = proxy.peer.Received("ACK");
    ASSERT_EQ(acks.size(), 2u);
    // F3: the transaction's ACK for the 407 (same branch as F1, no credentials).
    EXPECT_EQ(TopBranch(acks[0]), TopBranch(invites[0]));
    EXPECT_EQ(Header(acks[0], "CSeq"), "1 ACK");
    // The ACK for the 2xx repeats the INVITE's credentials (§22) and CSeq number.
    EXPECT_EQ(Header(acks[1], "CSeq"), "2 ACK");
    EXPECT_EQ(Header(acks[1], "Proxy-Authorization"), Header(invites[1], "Proxy-Authorization"));
    EXPECT_EQ(acks[1].RequestUri(), "sip:bob@proxy.example.com");

    auto byes = proxy.peer.Received("BYE");
    ASSERT_EQ(byes.size(), 1u);
    EXPECT_EQ(Header(byes[0], "CSeq"), "3 BYE");

    auto events = DrainEvents(*alice);
    EXPECT_EQ(Kinds(events), (std::vector<Kind>{Kind::InviteSent, Kind::ChallengeReceived,
                                                Kind::AuthenticatedInviteSent, Kind::Established,
                                                Kind::AckSent, Kind::ByeSent, Kind::ByeCompleted}));
    EXPECT_EQ(events[1].time, Ms(20));
    EXPECT_EQ(events[1].statusCode, 407);
    EXPECT_EQ(events[2].time, Ms(20));
    EXPECT_EQ(events[3].time, Ms(40));
    EXPECT_EQ(alice->ActiveCalls(), 0u);
}

TEST_F(UaAuthTest, WrongPasswordGivesUpAfterMaxChallenges)
{
    UserAgentConfig config = AliceConfig();
    config.credentials.password = "wrong";
    config.maxChallenges = 2;
    Build(config);
    Call();
    auto invites = proxy.peer.Received("INVITE");
    ASSERT_EQ(invites.size(), 3u);
    EXPECT_EQ(Header(invites[2], "CSeq"), "3 INVITE");
    EXPECT_EQ(proxy.verdicts[1], DigestVerdict::WrongPassword);
    auto events = DrainEvents(*alice);
    EXPECT_EQ(OfKind(events, Kind::ChallengeReceived).size(), 3u);
    auto failed = OfKind(events, Kind::Failed);
    ASSERT_EQ(failed.size(), 1u);
    EXPECT_EQ(failed[0].statusCode, 407);
    EXPECT_EQ(failed[0].detail.rfind("auth failed", 0), 0u);
    EXPECT_EQ(alice->Counters().authFailures, 1u);
    EXPECT_EQ(alice->ActiveCalls(), 0u);
}

TEST_F(UaAuthTest, SameNonceChallengedAgainMeansRejectedCredentials)
{
    Build();
    proxy.fixedChallenge = "Digest realm=\"atlanta.example.com\", nonce=\"abc123\", qop=\"auth\", "
                           "algorithm=MD5, stale=FALSE";
    Call();
    EXPECT_EQ(proxy.peer.Received("INVITE").size(), 2u);
    auto failed = OfKind(DrainEvents(*alice), Kind::Failed);
    ASSERT_EQ(failed.size(), 1u);
    EXPECT_EQ(failed[0].detail, "auth failed: credentials rejected");
}

TEST_F(UaAuthTest, NoCredentialsFailsAtTheFirstChallenge)
{
    UserAgentConfig config = AliceConfig();
    config.credentials = DigestAccount{};
    Build(config);
    Call();
    EXPECT_EQ(proxy.peer.Received("INVITE").size(), 1u);
    auto failed = OfKind(DrainEvents(*alice), Kind::Failed);
    ASSERT_EQ(failed.size(), 1u);
    EXPECT_EQ(failed[0].detail, "auth failed: no credentials");
}

TEST_F(UaAuthTest, WithoutReuseEveryCallIsChallenged)
{
    Build();
    Call();
    Call();
    EXPECT_EQ(proxy.peer.Received("INVITE").size(), 4u);
    auto events = DrainEvents(*alice);
    EXPECT_EQ(OfKind(events, Kind::ChallengeReceived).size(), 2u);
    EXPECT_EQ(OfKind(events, Kind::Established).size(), 2u);
}

TEST_F(UaAuthTest, WithReuseTheSecondCallIsAuthorisedPreemptively)
{
    UserAgentConfig config = AliceConfig();
    config.reuseCredentials = true;
    Build(config);
    Call();
    Call();
    auto invites = proxy.peer.Received("INVITE");
    ASSERT_EQ(invites.size(), 3u);
    auto preemptive = CredentialsOf(invites[2], "Proxy-Authorization");
    ASSERT_EQ(preemptive.size(), 1u);
    // The BYE of the first call used nc 2; this INVITE is the third use of the nonce.
    EXPECT_EQ(preemptive[0].Get("nc"), "00000003");
    EXPECT_EQ(Header(invites[2], "CSeq"), "1 INVITE");
    auto events = DrainEvents(*alice);
    EXPECT_EQ(OfKind(events, Kind::ChallengeReceived).size(), 1u);
    EXPECT_EQ(OfKind(events, Kind::Established).size(), 2u);
    auto sent = OfKind(events, Kind::InviteSent);
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_EQ(sent[1].detail, "pre-authorised");
}

TEST_F(UaAuthTest, StaleCachedNonceIsAnsweredAgain)
{
    DigestServerConfig serverConfig{"atlanta.example.com"};
    serverConfig.nonceLifetime = Seconds(20);
    proxy.server =
        std::make_unique<DigestServer>(serverConfig, ChallengingPeer::Store(), proxy.random);
    UserAgentConfig config = AliceConfig();
    config.reuseCredentials = true;
    config.maxChallenges = 1;
    Build(config);
    Call();
    Call(); // 40 s later: the cached nonce has expired
    auto invites = proxy.peer.Received("INVITE");
    ASSERT_EQ(invites.size(), 4u);
    EXPECT_EQ(proxy.verdicts[3], DigestVerdict::StaleNonce);
    EXPECT_EQ(OfKind(DrainEvents(*alice), Kind::Established).size(), 2u);
}

TEST_F(UaAuthTest, RegisterAnswersChallengeAndRefreshesAtHalfExpiry)
{
    Build();
    alice->Register(net.Now(), "sip:atlanta.example.com", 60);
    net.Flush();
    net.RunFor(Seconds(45));
    auto registers = proxy.peer.Received("REGISTER");
    ASSERT_EQ(registers.size(), 4u);
    EXPECT_EQ(Header(registers[0], "CSeq"), "1 REGISTER");
    EXPECT_EQ(Header(registers[1], "CSeq"), "2 REGISTER");
    EXPECT_EQ(Header(registers[2], "CSeq"), "3 REGISTER");
    EXPECT_EQ(Header(registers[3], "CSeq"), "4 REGISTER");
    for (const auto& request : registers)
    {
        EXPECT_EQ(Header(request, "Call-ID"), Header(registers[0], "Call-ID"));
        EXPECT_EQ(Header(request, "Expires"), "60");
        EXPECT_EQ(Header(request, "Contact"), "<sip:alice@client.atlanta.example.com>");
        EXPECT_EQ(GetTo(request)->uri, "sip:alice@atlanta.example.com");
    }
    EXPECT_EQ(registers[0].RequestUri(), "sip:atlanta.example.com");
    EXPECT_FALSE(registers[0].Has("Authorization"));
    EXPECT_TRUE(registers[1].Has("Authorization"));
    EXPECT_FALSE(registers[2].Has("Authorization")); // no reuse: challenged again
    auto events = DrainEvents(*alice);
    auto registered = OfKind(events, Kind::Registered);
    ASSERT_EQ(registered.size(), 2u);
    EXPECT_EQ(registered[0].time, Ms(40));
    EXPECT_EQ(registered[0].detail, "expires=60");
    EXPECT_EQ(registered[1].time, Ms(40) + Seconds(30) + Ms(40));
    EXPECT_EQ(proxy.peer.received[2].first, Ms(40) + Seconds(30) + Ms(10)); // refresh REGISTER
}

TEST_F(UaAuthTest, RegisterRefreshReusesCredentialsWhenAsked)
{
    UserAgentConfig config = AliceConfig();
    config.reuseCredentials = true;
    Build(config);
    alice->Register(net.Now(), "sip:atlanta.example.com", 60);
    net.Flush();
    net.RunFor(Seconds(45));
    auto registers = proxy.peer.Received("REGISTER");
    ASSERT_EQ(registers.size(), 3u);
    auto credentials = CredentialsOf(registers[2], "Authorization");
    ASSERT_EQ(credentials.size(), 1u);
    EXPECT_EQ(credentials[0].Get("nc"), "00000002");
    EXPECT_EQ(OfKind(DrainEvents(*alice), Kind::Registered).size(), 2u);
}

TEST_F(UaAuthTest, IntervalTooBriefIsRetriedWithMinExpiresAndUnregisterStops)
{
    proxy.challengeAll = false;
    proxy.registerMinExpires = 300;
    Build();
    RegistrationHandle reg = alice->Register(net.Now(), "sip:atlanta.example.com", 60);
    net.Flush();
    net.RunFor(Seconds(10));
    auto registers = proxy.peer.Received("REGISTER");
    ASSERT_EQ(registers.size(), 2u);
    EXPECT_EQ(Header(registers[1], "Expires"), "300");
    auto registered = OfKind(DrainEvents(*alice), Kind::Registered);
    ASSERT_EQ(registered.size(), 1u);
    EXPECT_EQ(registered[0].detail, "expires=300");

    EXPECT_TRUE(alice->Unregister(net.Now(), reg));
    net.Flush();
    net.RunFor(Seconds(1000));
    registers = proxy.peer.Received("REGISTER");
    ASSERT_EQ(registers.size(), 3u); // no refresh after the removal
    EXPECT_EQ(Header(registers[2], "Expires"), "0");
    EXPECT_EQ(OfKind(DrainEvents(*alice), Kind::Unregistered).size(), 1u);
    EXPECT_FALSE(alice->NextDeadline().has_value());
}

} // namespace
} // namespace sipsim::test
