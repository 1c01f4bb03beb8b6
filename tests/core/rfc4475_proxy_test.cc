// RFC 4475 torture messages against the proxy and its registrar: the §3.3 application-layer
// cases a proxy or registrar must act on (cparam01, cparam02, regescrt, regaut01, zeromf,
// unkscm, novelsc, bext01, insuf).
#include "proxy_test_util.h"

#include <fstream>
#include <gtest/gtest.h>
#include <memory>
#include <sstream>

namespace sipsim::proxytest
{
namespace
{

std::string
LoadTorture(const std::string& name)
{
    std::ifstream in(std::string(SIPSIM_SHARED_DIR) + "/data/rfc4475/" + name + ".dat",
                     std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

const Address kSender{"192.0.2.1", 5060, Transport::Udp};
const Address kSender253{"192.0.2.253", 5060, Transport::Udp};

class Rfc4475ProxyTest : public ::testing::Test
{
protected:
    void Build(ProxyConfig config = BasicProxyConfig())
    {
        proxy = std::make_unique<Proxy>(std::move(config), random);
        net.Attach(kProxyAddr, *proxy);
        net.Attach(kSender, sender);
        net.Attach(kSender253, sender253);
    }
    /// Delivers a torture message from `from` and returns what the proxy sent back.
    std::vector<DatagramRecord> Deliver(const std::string& name, const Address& from = kSender)
    {
        const std::string data = LoadTorture(name);
        EXPECT_FALSE(data.empty()) << name;
        const std::size_t before = net.Log().size();
        net.Inject(from, kProxyAddr, data);
        net.RunFor(Milliseconds(100));
        std::vector<DatagramRecord> out;
        for (std::size_t i = before; i < net.Log().size(); ++i)
        {
            if (net.Log()[i].from == kProxyAddr)
            {
                out.push_back(net.Log()[i]);
            }
        }
        return out;
    }
    static SipMessage Only(const std::vector<DatagramRecord>& records)
    {
        EXPECT_EQ(records.size(), 1u);
        if (records.empty())
        {
            return SipMessage();
        }
        auto parsed = ParseMessage(records.front().data);
        EXPECT_TRUE(parsed.Ok()) << records.front().data;
        return parsed.Ok() ? *parsed : SipMessage();
    }
    const Binding* OnlyBinding(const std::string& aor)
    {
        const auto* bindings = proxy->Location().Find(aor);
        EXPECT_NE(bindings, nullptr);
        if (bindings == nullptr)
        {
            return nullptr;
        }
        EXPECT_EQ(bindings->size(), 1u);
        return bindings->empty() ? nullptr : &bindings->front();
    }

    SplitMixRandom random{5};
    VirtualNetwork net{1, Milliseconds(10)};
    Peer sender{kSender};
    Peer sender253{kSender253};
    std::unique_ptr<Proxy> proxy;
};

// §3.3.12: "unknownparam" is a contact-param (no angle brackets), so the binding's URI has
// no parameter and the 200 lists it as a header parameter of the contact.
TEST_F(Rfc4475ProxyTest, Cparam01UnknownparamIsAContactParameter)
{
    Build();
    const SipMessage response = Only(Deliver("cparam01"));
    ASSERT_EQ(response.StatusCode(), 200);
    EXPECT_EQ(HeaderOf(response, "Contact"),
              "<sip:+19725552222@gw1.example.net>;unknownparam;expires=3600");
    const Binding* binding = OnlyBinding("sip:watson@example.com");
    ASSERT_NE(binding, nullptr);
    EXPECT_EQ(binding->contact.uri, "sip:+19725552222@gw1.example.net");
    EXPECT_NE(FindParam(binding->contact.params, "unknownparam"), nullptr);
}

// §3.3.13: inside <> it is a url-parameter and stays in the registered URI.
TEST_F(Rfc4475ProxyTest, Cparam02UnknownparamIsAUriParameter)
{
    Build();
    const SipMessage response = Only(Deliver("cparam02"));
    ASSERT_EQ(response.StatusCode(), 200);
    EXPECT_EQ(HeaderOf(response, "Contact"),
              "<sip:+19725552222@gw1.example.net;unknownparam>;expires=3600");
    const Binding* binding = OnlyBinding("sip:watson@example.com");
    ASSERT_NE(binding, nullptr);
    EXPECT_EQ(binding->contact.uri, "sip:+19725552222@gw1.example.net;unknownparam");
    EXPECT_TRUE(binding->contact.params.empty());
}

// §3.3.14: the escaped Route header in the contact URI survives registration and later
// retrieval.
TEST_F(Rfc4475ProxyTest, RegescrtKeepsTheEscapedHeaderInTheBinding)
{
    Build();
    const SipMessage response = Only(Deliver("regescrt"));
    ASSERT_EQ(response.StatusCode(), 200);
    const std::string contact = "<sip:user@example.com?Route=%3Csip:sip.example.com%3E>";
    EXPECT_EQ(HeaderOf(response, "Contact"), contact + ";expires=3600");
    const Binding* binding = OnlyBinding("sip:user@example.com");
    ASSERT_NE(binding, nullptr);
    EXPECT_EQ(binding->contact.uri, "sip:user@example.com?Route=%3Csip:sip.example.com%3E");

    // A later query (REGISTER without Contact) lists it unchanged.
    SipMessage query = SipMessage::MakeRequest("REGISTER", "sip:example.com");
    query.Add("Via", "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKq1");
    query.Add("Max-Forwards", "70");
    query.Add("From", "<sip:user@example.com>;tag=9");
    query.Add("To", "<sip:user@example.com>");
    query.Add("Call-ID", "regescrt-query");
    query.Add("CSeq", "1 REGISTER");
    query.Add("Content-Length", "0");
    sender.Send(query, kProxyAddr);
    net.Flush();
    net.RunFor(Milliseconds(100));
    ASSERT_EQ(sender.Responses(200).size(), 2u); // the registration's, then the query's
    EXPECT_EQ(HeaderOf(sender.Responses(200)[1], "Contact").rfind(contact + ";expires=", 0), 0u);
}

// §3.3.7: a registrar that does not authenticate ignores the unknown scheme and processes
// the REGISTER as if the field were absent (it has no Contact: a query, answered 200)...
TEST_F(Rfc4475ProxyTest, Regaut01IsProcessedWhenTheRegistrarDoesNotAuthenticate)
{
    Build();
    const SipMessage response = Only(Deliver("regaut01", kSender253));
    EXPECT_EQ(response.StatusCode(), 200);
    EXPECT_FALSE(response.Has("WWW-Authenticate"));
    EXPECT_EQ(proxy->Counters().registerQueries, 1u);
}

// ...and one that does answers 401 with a challenge in a scheme it understands.
TEST_F(Rfc4475ProxyTest, Regaut01IsChallengedWhenTheRegistrarAuthenticates)
{
    ProxyConfig config = BasicProxyConfig();
    DigestServerConfig auth;
    auth.realm = "example.com";
    config.auth = auth;
    config.credentials.AddUser("j.user", "pw");
    config.challengeRegister = true;
    Build(config);
    const SipMessage response = Only(Deliver("regaut01", kSender253));
    ASSERT_EQ(response.StatusCode(), 401);
    auto challenge = AuthHeader::Parse(HeaderOf(response, "WWW-Authenticate"));
    ASSERT_TRUE(challenge.Ok());
    EXPECT_EQ(challenge->scheme, "Digest");
    EXPECT_EQ(challenge->Get("realm").value_or(""), "example.com");
    EXPECT_EQ(proxy->Location().Find("sip:j.user@example.com"), nullptr);
}

// §3.3.11: a proxy does not forward a request with Max-Forwards 0 and answers 483...
TEST_F(Rfc4475ProxyTest, ZeromfGets483)
{
    Build();
    const SipMessage response = Only(Deliver("zeromf"));
    EXPECT_EQ(response.StatusCode(), 483);
    EXPECT_EQ(proxy->Counters().tooManyHops, 1u);
}

// ...unless it chooses to answer the OPTIONS itself (§16.3 step 3, §11).
TEST_F(Rfc4475ProxyTest, ZeromfOptionsMayBeAnsweredByTheProxy)
{
    ProxyConfig config = BasicProxyConfig();
    config.answerOptionsAtZeroMaxForwards = true;
    Build(config);
    const SipMessage response = Only(Deliver("zeromf"));
    EXPECT_EQ(response.StatusCode(), 200);
    EXPECT_FALSE(HeaderOf(response, "Allow").empty());
}

// §3.3.2 / §3.3.3: schemes the proxy cannot route get 416.
TEST_F(Rfc4475ProxyTest, UnkscmAndNovelscGet416)
{
    Build();
    EXPECT_EQ(Only(Deliver("unkscm")).StatusCode(), 416);
    EXPECT_EQ(Only(Deliver("novelsc")).StatusCode(), 416);
}

// §3.3.5: the proxy rejects the Proxy-Require tags it does not understand, listing them;
// Require is for the UAS.
TEST_F(Rfc4475ProxyTest, Bext01Gets420ListingTheProxyRequireTags)
{
    Build();
    const SipMessage response = Only(Deliver("bext01"));
    ASSERT_EQ(response.StatusCode(), 420);
    EXPECT_EQ(HeaderOf(response, "Unsupported"),
              "noProxiesSupportThis, norDoAnyProxiesSupportThis");
}

// §3.3.1: missing To, From and Call-ID: 400 (built from what could be read), not forwarded.
TEST_F(Rfc4475ProxyTest, InsufGets400)
{
    Build();
    const auto sent = Deliver("insuf", Address{"192.0.2.95", 5060, Transport::Udp});
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].StartLine().rfind("SIP/2.0 400", 0), 0u);
    EXPECT_EQ(proxy->Counters().badRequestsSent, 1u);
}

// Every torture message, valid or not, is survived: whatever the proxy sends in reaction
// parses, and it never forwards something it could not parse.
TEST_F(Rfc4475ProxyTest, EveryTortureMessageIsHandledWithoutGarbage)
{
    const char* names[] = {
        "wsinv",    "intmeth",    "esc01",      "escnull",  "esc02",     "lwsdisp",  "longreq",
        "dblreq",   "semiuri",    "transports", "mpart01",  "unreason",  "noreason", "badinv01",
        "clerr",    "ncl",        "scalar02",   "scalarlg", "quotbal",   "ltgtruri", "lwsruri",
        "lwsstart", "trws",       "escruri",    "baddate",  "regbadct",  "badaspec", "baddn",
        "badvers",  "mismatch01", "mismatch02", "bigcode",  "badbranch", "insuf",    "unkscm",
        "novelsc",  "unksm2",     "bext01",     "invut",    "regaut01",  "multi01",  "mcl01",
        "bcast",    "zeromf",     "cparam01",   "cparam02", "regescrt",  "sdp01",    "inv2543"};
    ProxyConfig config = BasicProxyConfig();
    config.defaultRoute = NextHop::At(kSender253); // somewhere to forward to
    Build(config);
    for (const char* name : names)
    {
        SCOPED_TRACE(name);
        for (const auto& record : Deliver(name))
        {
            EXPECT_TRUE(ParseMessage(record.data).Ok()) << record.data;
        }
    }
    net.RunFor(Seconds(64)); // let every transaction run its course
    EXPECT_EQ(proxy->ResponseContextCount(), 0u);
    EXPECT_EQ(proxy->Transactions().ServerTxnCount(), 0u);
    EXPECT_EQ(proxy->Transactions().ClientTxnCount(), 0u);
}

} // namespace
} // namespace sipsim::proxytest
