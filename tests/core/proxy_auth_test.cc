// Proxy digest authentication (§22.3): 407 challenges, consumed credentials, 403 after
// repeated wrong passwords, stale nonces, and who is not challenged.
#include "auth/digest_client.h"
#include "proxy_test_util.h"

#include <gtest/gtest.h>

namespace sipsim::proxytest
{
namespace
{

class AuthTest : public ProxyTest
{
protected:
    void SetUp() override
    {
        ProxyConfig config = BasicProxyConfig();
        DigestServerConfig auth;
        auth.realm = "example.com";
        auth.nonceLifetime = Seconds(5);
        config.auth = auth;
        config.credentials.AddUser("alice", "secret");
        config.maxAuthFailures = 2;
        Build(config);
    }
    /// The INVITE with credentials answering the last challenge the caller received.
    SipMessage Authorized(const std::string& password, uint32_t cseq, const std::string& branch)
    {
        const SipMessage challenge = caller.Responses(407).back();
        auto header = AuthHeader::Parse(HeaderOf(challenge, "Proxy-Authenticate"));
        EXPECT_TRUE(header.Ok());
        auto credentials = BuildDigestCredentials(
            *header, DigestAccount{"alice", password},
            DigestRequest{"INVITE", "sip:bob@example.com", ""}, 1, clientRandom);
        EXPECT_TRUE(credentials.Ok());
        SipMessage invite = MakeRequest("INVITE", "sip:bob@example.com", branch, "auth@x", cseq);
        invite.Add("Proxy-Authorization", credentials->ToString());
        return invite;
    }
    SplitMixRandom clientRandom{99};
};

TEST_F(AuthTest, ValidCredentialsAreConsumedAndForwarded)
{
    const SipMessage first = MakeRequest("INVITE", "sip:bob@example.com", "z9hG4bKu1", "auth@x");
    Send(first);
    net.RunFor(Milliseconds(100));
    ASSERT_EQ(caller.Responses(407).size(), 1u);
    EXPECT_EQ(caller.Responses(100).size(), 0u); // challenged at once, no 100
    Send(Authorized("secret", 2, "z9hG4bKu2"));
    net.RunFor(Milliseconds(100));
    ASSERT_EQ(callee.Requests("INVITE").size(), 1u);
    EXPECT_FALSE(callee.Requests("INVITE")[0].Has("Proxy-Authorization")); // §22.3
    EXPECT_EQ(proxy->Counters().authSuccesses, 1u);
    EXPECT_EQ(proxy->Counters().proxyChallenges, 1u);
    EXPECT_TRUE(callee.Requests("ACK").empty()); // the ACK for the 407 stays here
}

TEST_F(AuthTest, WrongPasswordIsRejectedWith403AfterConfiguredAttempts)
{
    const SipMessage first = MakeRequest("INVITE", "sip:bob@example.com", "z9hG4bKw1", "auth@x");
    Send(first);
    net.RunFor(Milliseconds(100));
    const SipMessage second = Authorized("wrong", 2, "z9hG4bKw2");
    Send(second);
    net.RunFor(Milliseconds(100));
    ASSERT_EQ(caller.Responses(407).size(), 2u); // first failure: challenged again
    Send(Authorized("wrong", 3, "z9hG4bKw3"));
    net.RunFor(Milliseconds(100));
    EXPECT_EQ(caller.Responses(403).size(), 1u);
    EXPECT_EQ(proxy->Counters().authFailures, 2u);
    EXPECT_EQ(proxy->Counters().authRejected, 1u);
    EXPECT_TRUE(callee.received.empty());
}

TEST_F(AuthTest, ExpiredNonceIsRechallengedWithStale)
{
    const SipMessage first = MakeRequest("INVITE", "sip:bob@example.com", "z9hG4bKn1", "auth@x");
    Send(first);
    net.RunFor(Milliseconds(100));
    net.RunFor(Seconds(10)); // past the 5 s nonce lifetime
    const SipMessage late = Authorized("secret", 2, "z9hG4bKn2");
    Send(late);
    net.RunFor(Milliseconds(100));
    ASSERT_EQ(caller.Responses(407).size(), 2u);
    auto challenge = AuthHeader::Parse(HeaderOf(caller.Responses(407)[1], "Proxy-Authenticate"));
    ASSERT_TRUE(challenge.Ok());
    EXPECT_EQ(challenge->Get("stale").value_or(""), "TRUE");
    EXPECT_EQ(proxy->Counters().staleChallenges, 1u);
    EXPECT_EQ(proxy->Counters().authFailures, 0u); // not a password failure
    Send(Authorized("secret", 3, "z9hG4bKn3"));
    net.RunFor(Milliseconds(100));
    EXPECT_EQ(callee.Requests("INVITE").size(), 1u);
}

TEST_F(AuthTest, UsersOfOtherDomainsAndCancelAreNotChallenged)
{
    SipMessage foreign = MakeRequest("INVITE", "sip:bob@example.com", "z9hG4bKx1", "f@x");
    foreign.Set("From", "<sip:carol@elsewhere.example>;tag=c1");
    Send(foreign);
    SipMessage cancel = MakeRequest("CANCEL", "sip:bob@example.com", "z9hG4bKx2", "g@x");
    Send(cancel);
    net.RunFor(Milliseconds(100));
    EXPECT_EQ(caller.Responses(407).size(), 0u);
    EXPECT_EQ(callee.Requests("INVITE").size(), 1u);
    EXPECT_EQ(callee.Requests("CANCEL").size(), 1u); // no INVITE to apply it to: forwarded
}

/// The Proxy-Authorization values of a forwarded request, in order.
std::vector<std::string>
CredentialLines(const SipMessage& request)
{
    std::vector<std::string> values;
    for (const HeaderField& field : request.Headers())
    {
        if (HeaderNameEquals(field.name, "Proxy-Authorization"))
        {
            values.push_back(field.value.str());
        }
    }
    return values;
}

const char* const kOtherRealmCredentials =
    R"(Digest username="alice", realm="other.example", nonce="n1", uri="sip:bob@example.com", )"
    R"(response="0123456789abcdef0123456789abcdef")";

TEST_F(AuthTest, OnlyOurRealmsCredentialsAreConsumedOtherRealmsAndLinesStay)
{
    Send(MakeRequest("INVITE", "sip:bob@example.com", "z9hG4bKr1", "auth@x"));
    net.RunFor(Milliseconds(100));
    const SipMessage authorized = Authorized("secret", 2, "z9hG4bKr2");
    const std::string ours = HeaderOf(authorized, "Proxy-Authorization");
    // Ours twice, around another realm's line and an unrelated header: every line for our
    // realm goes, by position, and the lines between them keep their order.
    SipMessage invite = authorized;
    invite.Remove("Proxy-Authorization");
    invite.Add("Proxy-Authorization", ours);
    invite.Add("Proxy-Authorization", kOtherRealmCredentials);
    invite.Add("Subject", "kept");
    invite.Add("Proxy-Authorization", ours);
    Send(invite);
    net.RunFor(Milliseconds(100));
    ASSERT_EQ(callee.Requests("INVITE").size(), 1u);
    const SipMessage forwarded = callee.Requests("INVITE")[0]; // Requests() returns a copy
    EXPECT_EQ(CredentialLines(forwarded), std::vector<std::string>{kOtherRealmCredentials});
    EXPECT_EQ(HeaderOf(forwarded, "Subject"), "kept");
    EXPECT_EQ(proxy->Counters().authSuccesses, 1u);
}

TEST_F(AuthTest, CredentialsForOurRealmAreConsumedFromRequestsWeDoNotChallenge)
{
    // A user of another domain is not challenged here, but credentials for our realm are
    // still ours to consume (§22.3); another realm's stay for the proxies further on.
    SipMessage foreign = MakeRequest("INVITE", "sip:bob@example.com", "z9hG4bKr3", "f2@x");
    foreign.Set("From", "<sip:carol@elsewhere.example>;tag=c2");
    foreign.Add("Proxy-Authorization", kOtherRealmCredentials);
    foreign.Add("Proxy-Authorization",
                R"(Digest username="carol", realm="example.com", nonce="n2", )"
                R"(uri="sip:bob@example.com", response="00000000000000000000000000000000")");
    Send(foreign);
    net.RunFor(Milliseconds(100));
    ASSERT_EQ(callee.Requests("INVITE").size(), 1u);
    EXPECT_EQ(CredentialLines(callee.Requests("INVITE")[0]),
              std::vector<std::string>{kOtherRealmCredentials});
    EXPECT_EQ(caller.Responses(407).size(), 0u);
}

TEST_F(ProxyTest, StatelessProxyChallengesAndKeepsTheAckForItsChallenge)
{
    ProxyConfig config = BasicProxyConfig();
    config.stateful = false;
    DigestServerConfig auth;
    auth.realm = "example.com";
    config.auth = auth;
    config.credentials.AddUser("alice", "secret");
    Build(config);
    Send(MakeRequest("INVITE", "sip:bob@example.com", "z9hG4bKsl1"));
    net.RunFor(Milliseconds(100));
    ASSERT_EQ(caller.Responses(407).size(), 1u);
    EXPECT_EQ(caller.Requests("ACK").size(), 0u);
    EXPECT_TRUE(callee.received.empty()); // AutoAck's ACK was absorbed, not forwarded
    EXPECT_EQ(proxy->Counters().requestsReceived.at("ACK"), 1u);
}

} // namespace
} // namespace sipsim::proxytest
