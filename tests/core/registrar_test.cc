// Registrar (RFC 3261 §10.3) and location service: bindings with expiry, Contact "*",
// 423, CSeq ordering, queries, purge; and the proxy's registrar role end to end, with 401
// digest challenges.
#include "auth/digest_client.h"
#include "core/registrar.h"
#include "proxy_test_util.h"

#include <gtest/gtest.h>
#include <memory>

namespace sipsim::proxytest
{
namespace
{

SipMessage
Register(const std::vector<std::string>& contacts, std::optional<uint32_t> expires,
         uint32_t cseq = 1, const std::string& callId = "reg-1@192.0.2.101",
         const std::string& aor = "sip:alice@example.com")
{
    SipMessage request = SipMessage::MakeRequest("REGISTER", "sip:example.com");
    request.Add("Via", "SIP/2.0/UDP 192.0.2.101:5060;branch=z9hG4bKr" + std::to_string(cseq));
    request.Add("Max-Forwards", "70");
    request.Add("From", "<" + aor + ">;tag=r1");
    request.Add("To", "<" + aor + ">");
    request.Add("Call-ID", callId);
    request.Add("CSeq", std::to_string(cseq) + " REGISTER");
    for (const auto& contact : contacts)
    {
        request.Add("Contact", contact);
    }
    if (expires)
    {
        request.Add("Expires", std::to_string(*expires));
    }
    request.Add("Content-Length", "0");
    return request;
}

std::vector<std::string>
ContactsOf(const SipMessage& response)
{
    std::vector<std::string> out;
    for (std::string_view value : response.GetAll("Contact"))
    {
        out.emplace_back(value);
    }
    return out;
}

class RegistrarTest : public ::testing::Test
{
protected:
    RegisterResult Process(const SipMessage& request, TimePoint now = TimePoint{0})
    {
        return registrar.Process(now, request, {"example.com"}, "tag1");
    }
    std::size_t BindingsAt(TimePoint now, const std::string& aor = "sip:alice@example.com")
    {
        return location.Lookup(aor, now).size();
    }

    LocationService location;
    RegistrarConfig config = [] {
        RegistrarConfig c;
        c.minExpires = 60;
        c.maxExpires = 7200;
        return c;
    }();
    Registrar registrar{config, location};
};

TEST(LocationServiceTest, CanonicalAorDropsParametersAndUnescapes)
{
    EXPECT_EQ(LocationService::CanonicalAor("sip:%61lice@Example.COM;user=phone?x=y"),
              "sip:alice@example.com");
    EXPECT_EQ(LocationService::CanonicalAor("sips:bob@example.com:5071"),
              "sips:bob@example.com:5071");
    EXPECT_FALSE(LocationService::CanonicalAor("tel:+15551234").has_value());
}

TEST(LocationServiceTest, LookupOrdersByQAndHidesExpiredBindingsUntilPurged)
{
    LocationService location;
    Binding low;
    low.contact = *NameAddr::Parse("<sip:a@192.0.2.1>;q=0.5");
    low.expiresAt = Seconds(100);
    Binding high;
    high.contact = *NameAddr::Parse("<sip:a@192.0.2.2>;q=0.9");
    high.expiresAt = Seconds(50);
    location.Add("sip:a@example.com", low);
    location.Add("sip:a@example.com", high);
    auto found = location.Lookup("sip:a@example.com", Seconds(10));
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[0].contact.uri, "sip:a@192.0.2.2");
    EXPECT_EQ(found[0].RemainingSeconds(Seconds(10)), 40u);

    EXPECT_EQ(location.Lookup("sip:a@example.com", Seconds(60)).size(), 1u);
    EXPECT_EQ(location.BindingCount(), 2u); // still stored
    EXPECT_EQ(location.Purge(Seconds(60)), 1u);
    EXPECT_EQ(location.BindingCount(), 1u);
    EXPECT_EQ(location.Purge(Seconds(100)), 1u);
    EXPECT_EQ(location.AorCount(), 0u);
}

TEST_F(RegistrarTest, RegisterAddsBindingAndListsItWithExpires)
{
    const auto result = Process(Register({"<sip:alice@192.0.2.101>"}, 120));
    EXPECT_EQ(result.response.StatusCode(), 200);
    EXPECT_EQ(result.outcome, RegisterOutcome::Registered);
    EXPECT_EQ(result.aor, "sip:alice@example.com");
    EXPECT_EQ(ContactsOf(result.response),
              (std::vector<std::string>{"<sip:alice@192.0.2.101>;expires=120"}));
    EXPECT_EQ(GetTo(result.response)->Tag(), "tag1");
    EXPECT_FALSE(result.response.Has("Record-Route"));
    EXPECT_EQ(BindingsAt(Seconds(119)), 1u);
    EXPECT_EQ(BindingsAt(Seconds(120)), 0u); // expired exactly at its end
}

TEST_F(RegistrarTest, ContactExpiresParameterWinsOverHeaderAndDefaultApplies)
{
    auto result = Process(Register({"<sip:a@192.0.2.1>;expires=300", "<sip:a@192.0.2.2>"}, 600));
    EXPECT_EQ(ContactsOf(result.response),
              (std::vector<std::string>{"<sip:a@192.0.2.1>;expires=300",
                                        "<sip:a@192.0.2.2>;expires=600"}));
    result = Process(Register({"<sip:a@192.0.2.3>"}, std::nullopt, 2));
    EXPECT_EQ(ContactsOf(result.response).back(), "<sip:a@192.0.2.3>;expires=3600");
    // Longer than allowed: shortened to maxExpires.
    result = Process(Register({"<sip:a@192.0.2.4>"}, 100000, 3));
    EXPECT_EQ(ContactsOf(result.response).back(), "<sip:a@192.0.2.4>;expires=7200");
}

TEST_F(RegistrarTest, TooBriefIntervalGets423WithMinExpiresAndChangesNothing)
{
    const auto result = Process(Register({"<sip:alice@192.0.2.101>"}, 30));
    EXPECT_EQ(result.response.StatusCode(), 423);
    EXPECT_EQ(HeaderOf(result.response, "Min-Expires"), "60");
    EXPECT_EQ(result.outcome, RegisterOutcome::Rejected);
    EXPECT_EQ(location.AorCount(), 0u);
}

TEST_F(RegistrarTest, ExpiresZeroRemovesOneBindingAndStarRemovesAll)
{
    Process(Register({"<sip:a@192.0.2.1>", "<sip:a@192.0.2.2>", "<sip:a@192.0.2.3>"}, 600));
    auto result = Process(Register({"<sip:a@192.0.2.2>;expires=0"}, std::nullopt, 2));
    EXPECT_EQ(result.response.StatusCode(), 200);
    EXPECT_EQ(ContactsOf(result.response).size(), 2u);

    // "*" needs Expires: 0 and nothing else.
    EXPECT_EQ(Process(Register({"*"}, 10, 3)).response.StatusCode(), 400);
    EXPECT_EQ(Process(Register({"*"}, std::nullopt, 4)).response.StatusCode(), 400);
    EXPECT_EQ(BindingsAt(Seconds(1)), 2u);

    result = Process(Register({"*"}, 0, 5));
    EXPECT_EQ(result.response.StatusCode(), 200);
    EXPECT_EQ(result.outcome, RegisterOutcome::Unregistered);
    EXPECT_TRUE(ContactsOf(result.response).empty());
    EXPECT_EQ(location.AorCount(), 0u);
}

TEST_F(RegistrarTest, QueryListsCurrentBindingsWithRemainingTime)
{
    Process(Register({"<sip:alice@192.0.2.101>"}, 120));
    const auto result = Process(Register({}, std::nullopt, 2), Seconds(30));
    EXPECT_EQ(result.outcome, RegisterOutcome::Queried);
    EXPECT_EQ(ContactsOf(result.response),
              (std::vector<std::string>{"<sip:alice@192.0.2.101>;expires=90"}));
}

TEST_F(RegistrarTest, OutOfOrderCSeqOnTheSameCallIdFails)
{
    Process(Register({"<sip:alice@192.0.2.101>"}, 120, 5));
    auto result = Process(Register({"<sip:alice@192.0.2.101>"}, 600, 5));
    EXPECT_EQ(result.response.StatusCode(), 400);
    EXPECT_EQ(
        location.Lookup("sip:alice@example.com", TimePoint{0})[0].RemainingSeconds(TimePoint{0}),
        120u);
    // Another Call-ID (another UA) may update it whatever its CSeq.
    result = Process(Register({"<sip:alice@192.0.2.101>"}, 600, 1, "other@x"));
    EXPECT_EQ(result.response.StatusCode(), 200);
    EXPECT_EQ(
        location.Lookup("sip:alice@example.com", TimePoint{0})[0].RemainingSeconds(TimePoint{0}),
        600u);
    EXPECT_EQ(location.BindingCount(), 1u); // equivalent URI: updated, not added
}

TEST_F(RegistrarTest, ForeignAorGets404AndRequireGets420)
{
    auto result =
        Process(Register({"<sip:x@192.0.2.1>"}, 60, 1, "c@x", "sip:alice@elsewhere.example"));
    EXPECT_EQ(result.response.StatusCode(), 404);
    SipMessage request = Register({"<sip:x@192.0.2.1>"}, 60);
    request.Add("Require", "gruu");
    result = Process(request);
    EXPECT_EQ(result.response.StatusCode(), 420);
    EXPECT_EQ(HeaderOf(result.response, "Unsupported"), "gruu");
}

class RegistrarProxyTest : public ::testing::Test
{
protected:
    void Build(ProxyConfig config)
    {
        proxy = std::make_unique<Proxy>(std::move(config), random);
        net.Attach(kProxyAddr, *proxy);
        net.Attach(kCallerAddr, alice);
        net.Attach(kCalleeAddr, bob);
    }
    void Send(Peer& from, const SipMessage& message)
    {
        from.Send(message, kProxyAddr);
        net.Flush();
        net.RunFor(Milliseconds(100));
    }

    SplitMixRandom random{3};
    SplitMixRandom clientRandom{4};
    VirtualNetwork net{1, Milliseconds(10)};
    Peer alice{kCallerAddr};
    Peer bob{kCalleeAddr};
    std::unique_ptr<Proxy> proxy;
};

TEST_F(RegistrarProxyTest, RegisteredContactReceivesCalls)
{
    Build(BasicProxyConfig());
    SipMessage reg =
        Register({"<sip:bob@192.0.2.201>"}, 3600, 1, "bobreg@x", "sip:bob@example.com");
    Send(bob, reg);
    ASSERT_EQ(bob.Responses(200).size(), 1u);
    EXPECT_EQ(proxy->Counters().registrations, 1u);
    EXPECT_EQ(DrainProxyEvents(*proxy).back().kind, ProxyEventKind::Registered);

    Send(alice, MakeRequest("INVITE", "sip:bob@example.com", "z9hG4bKi1"));
    ASSERT_EQ(bob.Requests("INVITE").size(), 1u);
    EXPECT_EQ(bob.Requests("INVITE")[0].RequestUri(), "sip:bob@192.0.2.201");

    // After the binding expires the user is unknown again.
    net.RunFor(Seconds(3600));
    Send(alice, MakeRequest("INVITE", "sip:bob@example.com", "z9hG4bKi2", "c2@x"));
    EXPECT_EQ(alice.Responses(404).size(), 1u);
}

TEST_F(RegistrarProxyTest, RegistrarChallengesWith401AndAcceptsTheOwnerOnly)
{
    ProxyConfig config = BasicProxyConfig();
    DigestServerConfig auth;
    auth.realm = "example.com";
    config.auth = auth;
    config.credentials.AddUser("bob", "bobpw");
    config.credentials.AddUser("alice", "alicepw");
    config.challengeRegister = true;
    Build(config);

    Send(bob, Register({"<sip:bob@192.0.2.201>"}, 3600, 1, "bobreg@x", "sip:bob@example.com"));
    ASSERT_EQ(bob.Responses(401).size(), 1u);
    auto challenge = AuthHeader::Parse(HeaderOf(bob.Responses(401)[0], "WWW-Authenticate"));
    ASSERT_TRUE(challenge.Ok());

    auto answer = [&](const std::string& user, const std::string& password, uint32_t cseq) {
        SipMessage reg =
            Register({"<sip:bob@192.0.2.201>"}, 3600, cseq, "bobreg@x", "sip:bob@example.com");
        auto credentials = BuildDigestCredentials(*challenge, DigestAccount{user, password},
                                                  DigestRequest{"REGISTER", "sip:example.com", ""},
                                                  cseq, clientRandom);
        EXPECT_TRUE(credentials.Ok());
        reg.Add("Authorization", credentials->ToString());
        return reg;
    };
    // Alice's valid credentials do not let her change Bob's bindings (§10.3 step 4).
    Send(bob, answer("alice", "alicepw", 2));
    EXPECT_EQ(bob.Responses(403).size(), 1u);
    EXPECT_EQ(proxy->Location().AorCount(), 0u);

    Send(bob, answer("bob", "bobpw", 3));
    EXPECT_EQ(bob.Responses(200).size(), 1u);
    EXPECT_EQ(proxy->Location().Lookup("sip:bob@example.com", net.Now()).size(), 1u);
    EXPECT_EQ(proxy->Counters().registerChallenges, 1u);
    EXPECT_EQ(proxy->Counters().proxyChallenges, 0u); // REGISTER to us is not proxied
}

TEST_F(RegistrarProxyTest, RegisterForAnotherDomainIsForwarded)
{
    ProxyConfig config = BasicProxyConfig();
    config.staticRoutes["other.example"] = NextHop::At(kCalleeAddr);
    Build(config);
    SipMessage reg =
        Register({"<sip:carol@192.0.2.101>"}, 600, 1, "c@x", "sip:carol@other.example");
    reg.SetRequestUri("sip:other.example");
    Send(alice, reg);
    EXPECT_EQ(bob.Requests("REGISTER").size(), 1u);
    EXPECT_EQ(proxy->Location().AorCount(), 0u);
    EXPECT_FALSE(bob.Requests("REGISTER")[0].Has("Record-Route"));
}

} // namespace
} // namespace sipsim::proxytest
