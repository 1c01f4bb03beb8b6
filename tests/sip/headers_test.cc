// Typed header parsers (Via, name-addr, Contact, CSeq, auth headers) and message getters.
#include "sip/headers.h"

#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace sipsim
{
namespace
{

TEST(Via, ParsesFields)
{
    auto via = Via::Parse(
        "SIP/2.0/UDP pc33.atlanta.com:5066;branch=z9hG4bK776asdhds;received=192.0.2.1;rport=5067;"
        "maddr=224.2.0.1;ttl=16;ext");
    ASSERT_TRUE(via.Ok()) << via.Error().reason;
    EXPECT_EQ(via->protocolName, "SIP");
    EXPECT_EQ(via->protocolVersion, "2.0");
    EXPECT_EQ(via->transport, "UDP");
    EXPECT_EQ(via->host, "pc33.atlanta.com");
    EXPECT_EQ(via->port, std::optional<uint16_t>(5066));
    EXPECT_EQ(via->SentBy(), "pc33.atlanta.com:5066");
    EXPECT_EQ(via->Branch(), "z9hG4bK776asdhds");
    EXPECT_EQ(via->Received(), std::optional<std::string>("192.0.2.1"));
    EXPECT_TRUE(via->HasRport());
    EXPECT_EQ(via->Rport(), std::optional<uint16_t>(5067));
    EXPECT_EQ(via->Maddr(), std::optional<std::string>("224.2.0.1"));
    EXPECT_EQ(via->Ttl(), std::optional<int>(16));
    ASSERT_EQ(via->params.size(), 6u);
    EXPECT_EQ(via->params[5], (GenericParam{"ext", std::nullopt}));
}

TEST(Via, CanonicalFormRoundTrips)
{
    const std::vector<std::string> vias = {
        "SIP/2.0/UDP host.example.com;branch=z9hG4bKabc",
        "SIP/2.0/TCP 192.0.2.1:5070;branch=z9hG4bKx;rport",
        "SIP/2.0/TLS [2001:db8::1]:5061;branch=z9hG4bKy;received=2001:db8::2",
        "SIP/2.0/SCTP t2.example.com;branch=z9hG4bKklasjdhf",
        "SIP/2.0/UDP iftgw.example.com",
        "SIP/2.0/UDP h.example.com;branch=z9hG4bKz;x=\"quoted; value\"",
    };
    for (const auto& text : vias)
    {
        auto via = Via::Parse(text);
        ASSERT_TRUE(via.Ok()) << text << ": " << via.Error().reason;
        EXPECT_EQ(via->ToString(), text);
        auto again = Via::Parse(via->ToString());
        ASSERT_TRUE(again.Ok());
        EXPECT_EQ(*again, *via);
    }
}

// LWS around '/', ':', ';' and '=' (RFC 4475 wsinv).
TEST(Via, ToStringWritesEveryFieldInOrder)
{
    // Via::ToString writes through a cursor into a buffer sized up front: every combination
    // of port, host form and parameter shape must come out exactly as the plain rule says.
    const std::vector<std::optional<uint16_t>> ports = {std::nullopt, 0, 5, 5060, 65535};
    const std::vector<std::string> hosts = {"a", "pc33.atlanta.example.com", "[2001:db8::9:1]",
                                            "192.0.2.101"};
    const std::vector<std::vector<GenericParam>> paramSets = {
        {},
        {{"branch", std::string("z9hG4bK776asdhds")}},
        {{"rport", std::nullopt}, {"branch", std::string("z9hG4bK.x")}},
        {{"branch", std::string("z9hG4bKnashds8.0123456789abcdef")},
         {"received", std::string("192.0.2.1")},
         {"rport", std::string("5060")},
         {"x", std::string()}}};
    for (const auto& port : ports)
    {
        for (const std::string& host : hosts)
        {
            for (const auto& params : paramSets)
            {
                Via via;
                via.transport = host.size() % 2 ? "UDP" : "TCP";
                via.host = host;
                via.port = port;
                via.params = params;
                std::string expected = "SIP/2.0/" + via.transport + " " + host;
                if (port)
                {
                    expected += ":" + std::to_string(*port);
                }
                for (const GenericParam& param : params)
                {
                    expected += ";" + param.name + (param.value ? "=" + *param.value : "");
                }
                EXPECT_EQ(via.ToString(), expected);
            }
        }
    }
}

TEST(Via, ToleratesLinearWhitespace)
{
    auto via = Via::Parse("SIP  /    2.0   / udp  192.168.255.111 : 5070  ; branch= z9hG4bK30239 ");
    ASSERT_TRUE(via.Ok()) << via.Error().reason;
    EXPECT_EQ(via->transport, "UDP");
    EXPECT_EQ(via->host, "192.168.255.111");
    EXPECT_EQ(via->port, std::optional<uint16_t>(5070));
    EXPECT_EQ(via->Branch(), "z9hG4bK30239");
    EXPECT_EQ(via->ToString(), "SIP/2.0/UDP 192.168.255.111:5070;branch=z9hG4bK30239");
}

TEST(Via, ValuelessRportAndMissingParams)
{
    auto via = Via::Parse("SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-d87543-1;rport");
    ASSERT_TRUE(via.Ok());
    EXPECT_TRUE(via->HasRport());
    EXPECT_FALSE(via->Rport().has_value());
    auto bare = Via::Parse("SIP/2.0/UDP host");
    ASSERT_TRUE(bare.Ok());
    EXPECT_EQ(bare->Branch(), "");
    EXPECT_FALSE(bare->HasRport());
    EXPECT_FALSE(bare->Received().has_value());
    EXPECT_FALSE(bare->Ttl().has_value());
    EXPECT_FALSE(bare->port.has_value());
    EXPECT_EQ(bare->SentBy(), "host");
}

TEST(Via, RejectsMalformed)
{
    struct Case
    {
        const char* text;
        const char* reasonPart;
    };
    const std::vector<Case> cases = {
        {"", "sent-protocol"},
        {"SIP/2.0 host", "sent-protocol"},
        {"SIP/2.0/UDP", "sent-by"},
        {"SIP/2.0/UDPhost", "sent-by"},
        {"SIP/2.0/UDP host:99999", "port"},
        {"SIP/2.0/UDP host:", "port"},
        {"SIP/2.0/UDP bad_host", "host"},
        {"SIP/2.0/UDP [::1", "IPv6"},
        {"SIP/2.0/UDP host;ttl=256", "ttl"},
        {"SIP/2.0/UDP host;ttl=abc", "ttl"},
        {"SIP/2.0/UDP host;rport=x", "rport"},
        {"SIP/2.0/UDP host;rport=70000", "rport"},
        {"SIP/2.0/UDP host;branch", "branch"},
        {"SIP/2.0/UDP host;received=not_an_ip", "received"},
        {"SIP/2.0/UDP host;maddr=", "empty value"},
        {"SIP/2.0/UDP 192.0.2.15;;", "parameter"},
        {"SIP/2.0/UDP host extra", "unexpected"},
        {"SIP/2.0/UDP host;x=\"open", "unterminated"},
    };
    for (const auto& c : cases)
    {
        auto via = Via::Parse(c.text);
        ASSERT_FALSE(via.Ok()) << c.text;
        EXPECT_NE(via.Error().reason.find(c.reasonPart), std::string::npos)
            << c.text << ": " << via.Error().reason;
        EXPECT_EQ(via.Error().reason.rfind("Via:", 0), 0u) << via.Error().reason;
    }
}

struct NameAddrCase
{
    const char* text;
    std::optional<std::string> displayName;
    const char* uri;
    bool angleBrackets;
    std::vector<GenericParam> params;
};

TEST(NameAddr, Forms)
{
    const std::vector<NameAddrCase> cases = {
        {"\"Bob\" <sip:bob@biloxi.com>;tag=a6c85cf",
         "\"Bob\"",
         "sip:bob@biloxi.com",
         true,
         {{"tag", "a6c85cf"}}},
        {"<sip:bob@biloxi.com;transport=tcp>",
         std::nullopt,
         "sip:bob@biloxi.com;transport=tcp",
         true,
         {}},
        {"sip:bob@biloxi.com;tag=1;x",
         std::nullopt,
         "sip:bob@biloxi.com",
         false,
         {{"tag", "1"}, {"x", std::nullopt}}},
        {"caller<sip:caller@example.com>;tag=323",
         "caller",
         "sip:caller@example.com",
         true,
         {{"tag", "323"}}},
        {"token1~` token2'+_ token3*%!.- <sip:mundane@example.com>",
         "token1~` token2'+_ token3*%!.-",
         "sip:mundane@example.com",
         true,
         {}},
        {"A. Bell <sip:a.g.bell@example.com>;tag=qweoiqpe",
         "A. Bell",
         "sip:a.g.bell@example.com",
         true,
         {{"tag", "qweoiqpe"}}},
        {"\"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com> ; tag = 98asjd8",
         "\"J Rosenberg \\\\\\\"\"",
         "sip:jdrosen@example.com",
         true,
         {{"tag", "98asjd8"}}},
        {"sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n",
         std::nullopt,
         "sip:vivekg@chair-dnrc.example.com",
         false,
         {{"tag", "1918181833n"}}},
        {"\"\" <sip:anon@example.com>", "\"\"", "sip:anon@example.com", true, {}},
        {"isbn:2983792873", std::nullopt, "isbn:2983792873", false, {}},
        {"<http://www.example.com>;tag=3234233",
         std::nullopt,
         "http://www.example.com",
         true,
         {{"tag", "3234233"}}},
        {"<sip:user@example.com?Route=%3Csip:sip.example.com%3E>",
         std::nullopt,
         "sip:user@example.com?Route=%3Csip:sip.example.com%3E",
         true,
         {}},
        {"<sip:a@b>;p=\"x;y,z\"", std::nullopt, "sip:a@b", true, {{"p", "\"x;y,z\""}}},
        {"<sip:a@b>;maddr=[2001:db8::1]",
         std::nullopt,
         "sip:a@b",
         true,
         {{"maddr", "[2001:db8::1]"}}},
    };
    for (const auto& c : cases)
    {
        auto addr = NameAddr::Parse(c.text);
        ASSERT_TRUE(addr.Ok()) << c.text << ": " << addr.Error().reason;
        EXPECT_EQ(addr->displayName, c.displayName) << c.text;
        EXPECT_EQ(addr->uri, c.uri) << c.text;
        EXPECT_EQ(addr->angleBrackets, c.angleBrackets) << c.text;
        EXPECT_EQ(addr->params, c.params) << c.text;
    }
}

TEST(NameAddr, RejectsMalformed)
{
    struct Case
    {
        const char* text;
        const char* reasonPart;
    };
    const std::vector<Case> cases = {
        {"", "empty"},
        {"\"Mr. J. User <sip:j.user@example.com>", "unbalanced quotes"},             // quotbal
        {"Bell, Alexander <sip:a.g.bell@example.com>;tag=43", "must be quoted"},     // baddn
        {"\"Watson, Thomas\" < sip:t.watson@example.org >", "whitespace inside <>"}, // badaspec
        {"sip:user@example.com?Route=%3Csip:sip.example.com%3E", "enclosed in <>"},  // regbadct
        {"sip:a@b, sip:c@d", "enclosed in <>"},
        {"<sip:a@b", "missing '>'"},
        {"\"Bob\" sip:bob@biloxi.com", "followed by <URI>"},
        {"<>", "empty URI"},
        {"<sip:bad_host.example.com>", "host"},
        {"<nocolon>", "scheme"},
        {"<1abc:x>", "scheme"},
        {"<sip:a@b>;", "parameter"},
        {"<sip:a@b>;;;;", "parameter"},
        {"<sip:a@b> junk", "unexpected"},
        {"<sip:a@b>;tag=", "empty value"},
        {"sip:a@b;p=\"open", "unbalanced quotes"},
        {"\"ctl\x01\" <sip:a@b>", "unbalanced quotes or invalid character"},
    };
    for (const auto& c : cases)
    {
        auto addr = NameAddr::Parse(c.text);
        ASSERT_FALSE(addr.Ok()) << c.text;
        EXPECT_NE(addr.Error().reason.find(c.reasonPart), std::string::npos)
            << c.text << ": " << addr.Error().reason;
    }
}

TEST(NameAddr, ToStringAndAccessors)
{
    auto addr = NameAddr::Parse("\"Alice\"   <sip:alice@atlanta.com> ; tag = 1928301774");
    ASSERT_TRUE(addr.Ok());
    EXPECT_EQ(addr->Tag(), "1928301774");
    EXPECT_EQ(addr->ToString(), "\"Alice\" <sip:alice@atlanta.com>;tag=1928301774");
    addr->SetTag("xyz");
    EXPECT_EQ(addr->Tag(), "xyz");
    EXPECT_EQ(addr->ToString(), "\"Alice\" <sip:alice@atlanta.com>;tag=xyz");
    auto sip = addr->Sip();
    ASSERT_TRUE(sip.Ok());
    EXPECT_EQ(sip->user, "alice");

    auto bare = NameAddr::Parse("sip:bob@biloxi.com");
    ASSERT_TRUE(bare.Ok());
    EXPECT_EQ(bare->Tag(), "");
    EXPECT_EQ(bare->ToString(), "sip:bob@biloxi.com");
    bare->SetTag("88sja8x");
    EXPECT_EQ(bare->ToString(), "sip:bob@biloxi.com;tag=88sja8x");
    auto back = NameAddr::Parse(bare->ToString());
    ASSERT_TRUE(back.Ok());
    EXPECT_EQ(*back, *bare);

    // A URI with its own parameters is bracketed so they stay URI parameters.
    NameAddr built;
    built.uri = "sip:p1.example.com;lr";
    built.angleBrackets = false;
    EXPECT_EQ(built.ToString(), "<sip:p1.example.com;lr>");
    auto nonSip = NameAddr::Parse("<tel:+1234>");
    ASSERT_TRUE(nonSip.Ok());
    EXPECT_FALSE(nonSip->Sip().Ok());
}

TEST(NameAddr, ExpiresRange)
{
    auto ok = NameAddr::Parse("<sip:a@b>;expires=4294967295");
    ASSERT_TRUE(ok.Ok());
    EXPECT_EQ(ok->Expires(), std::optional<uint32_t>(4294967295u));
    auto big = NameAddr::Parse("<sip:a@b>;expires=4294967296");
    ASSERT_TRUE(big.Ok());
    EXPECT_FALSE(big->Expires().has_value());
    auto none = NameAddr::Parse("<sip:a@b>");
    ASSERT_TRUE(none.Ok());
    EXPECT_FALSE(none->Expires().has_value());
}

TEST(ContactList, StarAndLists)
{
    auto star = ContactList::Parse("  * ");
    ASSERT_TRUE(star.Ok());
    EXPECT_TRUE(star->star);
    EXPECT_TRUE(star->contacts.empty());

    auto list = ContactList::Parse("\"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; "
                                   "newparam = newvalue ; secondparam ; q = 0.33, "
                                   "<sip:b@example.com>;expires=3600, sip:c@example.com");
    ASSERT_TRUE(list.Ok()) << list.Error().reason;
    EXPECT_FALSE(list->star);
    ASSERT_EQ(list->contacts.size(), 3u);
    EXPECT_EQ(list->contacts[0].params,
              (std::vector<GenericParam>{
                  {"newparam", "newvalue"}, {"secondparam", std::nullopt}, {"q", "0.33"}}));
    EXPECT_EQ(list->contacts[1].Expires(), std::optional<uint32_t>(3600));
    EXPECT_EQ(list->contacts[2].uri, "sip:c@example.com");
}

TEST(ContactList, RejectsMalformed)
{
    const std::vector<std::string> cases = {
        "",
        "*, <sip:a@b>",
        "<sip:a@b>;expires=280297596632815",
        "<sip:a@b>;expires=-1",
        "<sip:a@b>;q=1.5",
        "<sip:a@b>;q=0.1234",
        "<sip:a@b>, ,<sip:c@d>",
        "\"Joe\" <sip:joe@example.org>;;;;",
    };
    for (const auto& text : cases)
    {
        auto list = ContactList::Parse(text);
        ASSERT_FALSE(list.Ok()) << text;
        EXPECT_EQ(list.Error().reason.rfind("Contact:", 0), 0u) << list.Error().reason;
    }
}

TEST(CSeq, ParsesAndFormats)
{
    struct Case
    {
        const char* text;
        uint32_t number;
        const char* method;
    };
    const std::vector<Case> cases = {
        {"314159 INVITE", 314159, "INVITE"},
        {"0009   INVITE", 9, "INVITE"},
        {" 1\tACK ", 1, "ACK"},
        {"2147483647 BYE", 2147483647u, "BYE"},
        {"139122385 !interesting-Method0123456789_*+`.%indeed'~", 139122385,
         "!interesting-Method0123456789_*+`.%indeed'~"},
    };
    for (const auto& c : cases)
    {
        auto cseq = CSeq::Parse(c.text);
        ASSERT_TRUE(cseq.Ok()) << c.text << ": " << cseq.Error().reason;
        EXPECT_EQ(cseq->number, c.number);
        EXPECT_EQ(cseq->method, c.method);
    }
    EXPECT_EQ((CSeq{42, "REGISTER"}).ToString(), "42 REGISTER");
}

TEST(CSeq, RejectsMalformed)
{
    const std::vector<std::string> cases = {
        "",
        "INVITE",
        "12",
        "12INVITE",
        "-1 INVITE",
        "2147483648 INVITE",
        "36893488147419103232 REGISTER",
        "1 INV ITE",
        "1 INV;ITE",
        "4294967296 OPTIONS",
    };
    for (const auto& text : cases)
    {
        auto cseq = CSeq::Parse(text);
        ASSERT_FALSE(cseq.Ok()) << text;
        EXPECT_EQ(cseq.Error().reason.rfind("CSeq:", 0), 0u) << cseq.Error().reason;
    }
}

// RFC 3261 §25 / §22.4 style challenge and credentials.
TEST(AuthHeader, DigestChallenge)
{
    auto auth = AuthHeader::Parse("Digest realm=\"atlanta.com\", domain=\"sip:ss1.carrier.com\",\n"
                                  " qop=\"auth,auth-int\",nonce=\"f84f1cec41e6cbe5aea9c8e88d359\", "
                                  "opaque=\"\", stale=FALSE, algorithm=MD5");
    ASSERT_FALSE(auth.Ok()); // a raw newline is not LWS once a header is unfolded
    auth = AuthHeader::Parse("Digest realm=\"atlanta.com\", domain=\"sip:ss1.carrier.com\", "
                             "qop=\"auth,auth-int\",nonce=\"f84f1cec41e6cbe5aea9c8e88d359\", "
                             "opaque=\"\", stale=FALSE, algorithm=MD5");
    ASSERT_TRUE(auth.Ok()) << auth.Error().reason;
    EXPECT_EQ(auth->scheme, "Digest");
    ASSERT_EQ(auth->params.size(), 7u);
    EXPECT_EQ(auth->Get("REALM"), std::optional<std::string>("atlanta.com"));
    EXPECT_EQ(auth->Get("opaque"), std::optional<std::string>(""));
    EXPECT_EQ(auth->Get("stale"), std::optional<std::string>("FALSE"));
    EXPECT_EQ(auth->params[6], (AuthParam{"algorithm", "MD5", false}));
    EXPECT_EQ(auth->GetList("qop"), (std::vector<std::string>{"auth", "auth-int"}));
    EXPECT_EQ(auth->GetList("domain"), (std::vector<std::string>{"sip:ss1.carrier.com"}));
    EXPECT_TRUE(auth->GetList("missing").empty());
    EXPECT_FALSE(auth->Get("username").has_value());
    EXPECT_EQ(auth->ToString(),
              "Digest realm=\"atlanta.com\", domain=\"sip:ss1.carrier.com\", "
              "qop=\"auth,auth-int\", nonce=\"f84f1cec41e6cbe5aea9c8e88d359\", opaque=\"\", "
              "stale=FALSE, algorithm=MD5");
}

// RFC 2617 §3.5 credentials (qop and nc are tokens there).
TEST(AuthHeader, DigestCredentialsRoundTrip)
{
    const std::string text =
        "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", "
        "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\", qop=auth, "
        "nc=00000001, cnonce=\"0a4f113b\", response=\"6629fae49393a05397450978507c4ef1\", "
        "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";
    auto auth = AuthHeader::Parse(text);
    ASSERT_TRUE(auth.Ok()) << auth.Error().reason;
    EXPECT_EQ(auth->Get("username"), std::optional<std::string>("Mufasa"));
    EXPECT_EQ(auth->Get("uri"), std::optional<std::string>("/dir/index.html"));
    EXPECT_EQ(auth->Get("nc"), std::optional<std::string>("00000001"));
    EXPECT_EQ(auth->Get("qop"), std::optional<std::string>("auth"));
    EXPECT_EQ(auth->ToString(), text);
    auto again = AuthHeader::Parse(auth->ToString());
    ASSERT_TRUE(again.Ok());
    EXPECT_EQ(*again, *auth);
}

TEST(AuthHeader, EscapesAndSet)
{
    auto auth = AuthHeader::Parse("Digest  realm = \"a \\\"quoted\\\" \\\\ realm\" ,nonce=\"n\"");
    ASSERT_TRUE(auth.Ok()) << auth.Error().reason;
    EXPECT_EQ(auth->Get("realm"), std::optional<std::string>("a \"quoted\" \\ realm"));
    EXPECT_EQ(auth->ToString(), "Digest realm=\"a \\\"quoted\\\" \\\\ realm\", nonce=\"n\"");
    auth->Set("nonce", "m", true);
    auth->Set("algorithm", "SHA-256", false);
    auth->Set("userhash", "true", false);
    EXPECT_EQ(auth->params.size(), 4u);
    EXPECT_EQ(auth->ToString(), "Digest realm=\"a \\\"quoted\\\" \\\\ realm\", nonce=\"m\", "
                                "algorithm=SHA-256, userhash=true");
    auto other = AuthHeader::Parse("NoOneKnowsThisScheme opaque-data=here");
    ASSERT_TRUE(other.Ok());
    EXPECT_EQ(other->scheme, "NoOneKnowsThisScheme");
    EXPECT_EQ(other->Get("opaque-data"), std::optional<std::string>("here"));
}

TEST(AuthHeader, RejectsMalformed)
{
    const std::vector<std::string> cases = {
        "",
        "Digest",
        "Digest realm",
        "Digest realm=",
        "Digest realm=\"unterminated",
        "Digest realm=\"a\" nonce=\"b\"",
        "Digest realm=\"a\",, nonce=\"b\"",
        "Digest realm=\"a\", realm=\"b\"",
        "Digest nc=0000001",
        "Digest nc=0000000g",
        "Digest response=\"xyz\"",
        "Digest stale=maybe",
        "\"Digest\" realm=\"a\"",
    };
    for (const auto& text : cases)
    {
        auto auth = AuthHeader::Parse(text);
        ASSERT_FALSE(auth.Ok()) << text;
        EXPECT_EQ(auth.Error().reason.rfind("auth:", 0), 0u) << auth.Error().reason;
    }
}

TEST(DefaultReasonPhrase, KnownAndUnknownCodes)
{
    EXPECT_EQ(DefaultReasonPhrase(100), "Trying");
    EXPECT_EQ(DefaultReasonPhrase(180), "Ringing");
    EXPECT_EQ(DefaultReasonPhrase(183), "Session Progress");
    EXPECT_EQ(DefaultReasonPhrase(200), "OK");
    EXPECT_EQ(DefaultReasonPhrase(302), "Moved Temporarily");
    EXPECT_EQ(DefaultReasonPhrase(407), "Proxy Authentication Required");
    EXPECT_EQ(DefaultReasonPhrase(416), "Unsupported URI Scheme");
    EXPECT_EQ(DefaultReasonPhrase(481), "Call/Transaction Does Not Exist");
    EXPECT_EQ(DefaultReasonPhrase(487), "Request Terminated");
    EXPECT_EQ(DefaultReasonPhrase(504), "Server Time-out");
    EXPECT_EQ(DefaultReasonPhrase(513), "Message Too Large");
    EXPECT_EQ(DefaultReasonPhrase(606), "Not Acceptable");
    EXPECT_EQ(DefaultReasonPhrase(499), "Client Error");
    EXPECT_EQ(DefaultReasonPhrase(799), "Unknown");
    // Every code RFC 3261 §21 defines has its own phrase.
    for (int code :
         {100, 180, 181, 182, 183, 200, 300, 301, 302, 305, 380, 400, 401, 402, 403, 404, 405,
          406, 407, 408, 410, 413, 414, 415, 416, 420, 421, 423, 480, 481, 482, 483, 484, 485,
          486, 487, 488, 491, 493, 500, 501, 502, 503, 504, 505, 513, 600, 603, 604, 606})
    {
        std::string_view phrase = DefaultReasonPhrase(code);
        EXPECT_NE(phrase, "Provisional") << code;
        EXPECT_NE(phrase, "Success") << code;
        EXPECT_NE(phrase, "Redirection") << code;
        EXPECT_NE(phrase, "Client Error") << code;
        EXPECT_NE(phrase, "Server Error") << code;
        EXPECT_NE(phrase, "Global Failure") << code;
    }
}

SipMessage
SampleRequest()
{
    SipMessage m = SipMessage::MakeRequest("INVITE", "sip:bob@biloxi.com");
    m.Add("Via", "SIP/2.0/UDP p1.example.com;branch=z9hG4bK1, SIP/2.0/TCP p2.example.com:5070"
                 ";branch=z9hG4bK2");
    m.Add("v", "SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK3;received=192.0.2.101");
    m.Add("Max-Forwards", "69");
    m.Add("To", "Bob <sip:bob@biloxi.com>");
    m.Add("f", "Alice <sip:alice@atlanta.com>;tag=1928301774");
    m.Add("i", "a84b4c76e66710@pc33.atlanta.com");
    m.Add("CSeq", "314159 INVITE");
    m.Add("Contact", "<sip:alice@pc33.atlanta.com>;expires=60");
    m.Add("m", "sip:alice2@pc34.atlanta.com;q=0.5");
    m.Add("Route", "<sip:p1.example.com;lr>, <sip:p2.example.com;lr>");
    m.Add("Route", "<sip:p3.example.com;lr>");
    m.Add("Record-Route", "<sip:rr.example.com;lr>");
    m.Add("Supported", "replaces, timer");
    m.Add("k", "100rel");
    m.Add("Require", "");
    m.Add("Expires", "120");
    m.Add("Content-Length", "0");
    return m;
}

TEST(TypedGetters, ReadTheMessage)
{
    SipMessage m = SampleRequest();
    auto vias = GetVias(m);
    ASSERT_TRUE(vias.Ok()) << vias.Error().reason;
    ASSERT_EQ(vias->size(), 3u);
    EXPECT_EQ((*vias)[0].Branch(), "z9hG4bK1");
    EXPECT_EQ((*vias)[1].SentBy(), "p2.example.com:5070");
    EXPECT_EQ((*vias)[1].transport, "TCP");
    EXPECT_EQ((*vias)[2].Received(), std::optional<std::string>("192.0.2.101"));
    auto top = GetTopVia(m);
    ASSERT_TRUE(top.Ok());
    EXPECT_EQ(*top, (*vias)[0]);

    auto from = GetFrom(m);
    ASSERT_TRUE(from.Ok());
    EXPECT_EQ(from->Tag(), "1928301774");
    auto to = GetTo(m);
    ASSERT_TRUE(to.Ok());
    EXPECT_EQ(to->displayName, std::optional<std::string>("Bob"));
    EXPECT_EQ(to->Tag(), "");
    auto callId = GetCallId(m);
    ASSERT_TRUE(callId.Ok());
    EXPECT_EQ(*callId, "a84b4c76e66710@pc33.atlanta.com");
    auto cseq = GetCSeq(m);
    ASSERT_TRUE(cseq.Ok());
    EXPECT_EQ(*cseq, (CSeq{314159, "INVITE"}));
    auto hops = GetMaxForwards(m);
    ASSERT_TRUE(hops.Ok());
    EXPECT_EQ(*hops, 69);
    auto expires = GetExpires(m);
    ASSERT_TRUE(expires.Ok());
    EXPECT_EQ(*expires, 120u);
    auto length = GetContentLength(m);
    ASSERT_TRUE(length.Ok());
    EXPECT_EQ(*length, 0u);

    auto contacts = GetContacts(m);
    ASSERT_TRUE(contacts.Ok()) << contacts.Error().reason;
    ASSERT_EQ(contacts->contacts.size(), 2u);
    EXPECT_EQ(contacts->contacts[0].Expires(), std::optional<uint32_t>(60));
    EXPECT_EQ(contacts->contacts[1].uri, "sip:alice2@pc34.atlanta.com");

    auto routes = GetRoutes(m, "Route");
    ASSERT_TRUE(routes.Ok()) << routes.Error().reason;
    ASSERT_EQ(routes->size(), 3u);
    EXPECT_EQ((*routes)[2].uri, "sip:p3.example.com;lr");
    auto recordRoutes = GetRoutes(m, "Record-Route");
    ASSERT_TRUE(recordRoutes.Ok());
    EXPECT_EQ(recordRoutes->size(), 1u);

    EXPECT_EQ(GetOptionTags(m, "Supported"),
              (std::vector<std::string>{"replaces", "timer", "100rel"}));
    EXPECT_TRUE(GetOptionTags(m, "Require").empty());
    EXPECT_TRUE(GetOptionTags(m, "Proxy-Require").empty());
}

TEST(TypedGetters, ReportMissingAndMalformed)
{
    SipMessage empty = SipMessage::MakeRequest("OPTIONS", "sip:a@b");
    EXPECT_FALSE(GetVias(empty).Ok());
    EXPECT_FALSE(GetTopVia(empty).Ok());
    EXPECT_NE(GetFrom(empty).Error().reason.find("From"), std::string::npos);
    EXPECT_NE(GetTo(empty).Error().reason.find("To"), std::string::npos);
    EXPECT_FALSE(GetCSeq(empty).Ok());
    EXPECT_FALSE(GetCallId(empty).Ok());
    EXPECT_FALSE(GetMaxForwards(empty).Ok());
    EXPECT_FALSE(GetExpires(empty).Ok());
    EXPECT_FALSE(GetContentLength(empty).Ok());
    // Absent list headers are simply empty.
    auto contacts = GetContacts(empty);
    ASSERT_TRUE(contacts.Ok());
    EXPECT_TRUE(contacts->contacts.empty());
    EXPECT_FALSE(contacts->star);
    auto routes = GetRoutes(empty, "Route");
    ASSERT_TRUE(routes.Ok());
    EXPECT_TRUE(routes->empty());

    SipMessage bad = SipMessage::MakeRequest("OPTIONS", "sip:a@b");
    bad.Add("Max-Forwards", "256");
    bad.Add("Expires", "4294967296");
    bad.Add("Content-Length", "-1");
    bad.Add("Call-ID", "has space@host");
    bad.Add("Via", "SIP/2.0/UDP ok.example.com, SIP/2.0/UDP bad_host");
    bad.Add("Contact", "*");
    bad.Add("Contact", "<sip:a@b>");
    bad.Add("Route", "sip:p1.example.com");
    bad.Add("To", "Bell, Alexander <sip:a@b>");
    EXPECT_NE(GetMaxForwards(bad).Error().reason.find("Max-Forwards"), std::string::npos);
    EXPECT_NE(GetExpires(bad).Error().reason.find("Expires"), std::string::npos);
    EXPECT_NE(GetContentLength(bad).Error().reason.find("Content-Length"), std::string::npos);
    EXPECT_NE(GetCallId(bad).Error().reason.find("Call-ID"), std::string::npos);
    EXPECT_NE(GetVias(bad).Error().reason.find("host"), std::string::npos);
    EXPECT_TRUE(GetTopVia(bad).Ok()); // only the top entry is parsed
    EXPECT_NE(GetContacts(bad).Error().reason.find("'*'"), std::string::npos);
    EXPECT_NE(GetRoutes(bad, "Route").Error().reason.find("<>"), std::string::npos);
    EXPECT_EQ(GetTo(bad).Error().reason.rfind("To: ", 0), 0u);
}

// GetTopRouteUri is GetRoutes(...).front().uri when every entry is valid, and checks the top
// entry alone: the error of a bad top entry is the same, a bad lower one goes unseen.
TEST(TypedGetters, TopRouteUriAgreesWithGetRoutes)
{
    const std::vector<std::vector<std::string>> cases = {
        {},
        {"<sip:p1.example.com;lr>"},
        {"  ", "\"P 1\" <sip:p1.example.com;lr>;x=1, <sip:p2.example.com>"},
        {"<sip:a@b;lr>,<sip:c@d>", "<sip:e@f>"},
        {"sip:p1.example.com"},
        {", <sip:p1.example.com;lr>"},
        {"<sip:p1 .example.com>"},
    };
    for (const auto& lines : cases)
    {
        SipMessage m = SipMessage::MakeRequest("OPTIONS", "sip:a@b");
        for (const std::string& line : lines)
        {
            m.Add("Route", line);
        }
        const auto all = GetRoutes(m, "Route");
        const auto top = GetTopRouteUri(m, "Route");
        ASSERT_EQ(top.Ok(), all.Ok()) << testing::PrintToString(lines);
        if (!all.Ok())
        {
            EXPECT_EQ(top.Error().reason, all.Error().reason);
            continue;
        }
        ASSERT_EQ(top->has_value(), !all->empty());
        if (!all->empty())
        {
            EXPECT_EQ(**top, all->front().uri);
        }
    }
    SipMessage lowerBad = SipMessage::MakeRequest("OPTIONS", "sip:a@b");
    lowerBad.Add("Route", "<sip:p1.example.com;lr>, sip:bare.example.com");
    EXPECT_FALSE(GetRoutes(lowerBad, "Route").Ok());
    ASSERT_TRUE(GetTopRouteUri(lowerBad, "Route").Ok());
    EXPECT_EQ(**GetTopRouteUri(lowerBad, "Route"), "sip:p1.example.com;lr");
}

TEST(TopVia, ParsedOnceAndForgottenWhenViaLinesChange)
{
    auto parsed = ParseMessage("INVITE sip:b@example.com SIP/2.0\r\n"
                               "Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bK1, "
                               "SIP/2.0/UDP a.example.com;branch=z9hG4bK0\r\n"
                               "CSeq: 1 INVITE\r\n\r\n");
    ASSERT_TRUE(parsed.Ok()) << parsed.Error().reason;
    SipMessage m = *parsed;
    EXPECT_TRUE(m.HasParsedTopVia()); // validation parsed it
    const auto first = TopVia(m);
    ASSERT_NE(first, nullptr);
    EXPECT_EQ(first->Branch(), "z9hG4bK1");
    EXPECT_EQ(TopVia(m), first); // the same object: not parsed again

    // Other headers cannot move the top Via: the memo survives their changes.
    m.Add("Contact", "<sip:a@a.example.com>");
    m.Prepend("Record-Route", "<sip:p1.example.com;lr>");
    m.Set("Max-Forwards", "69");
    m.Remove("Contact");
    m.RemoveFirstValue("Record-Route");
    m.SetBody("v=0\r\n", "application/sdp");
    EXPECT_EQ(TopVia(m), first);
    m.Add("v", "SIP/2.0/UDP below.example.com;branch=z9hG4bKb"); // compact Via: dropped
    EXPECT_NE(TopVia(m), first);
    EXPECT_EQ(TopVia(m)->Branch(), "z9hG4bK1");
    m.Set("Via", "SIP/2.0/UDP p1.example.com;branch=z9hG4bK1, " // back in the first line
                 "SIP/2.0/UDP a.example.com;branch=z9hG4bK0");

    m.RemoveFirstValue("Via");
    ASSERT_NE(TopVia(m), nullptr);
    EXPECT_EQ(TopVia(m)->Branch(), "z9hG4bK0");
    EXPECT_EQ(first->Branch(), "z9hG4bK1"); // earlier readers keep what they read

    m.Prepend("Via", "SIP/2.0/UDP p2.example.com;branch=z9hG4bK2");
    EXPECT_EQ(TopVia(m)->Branch(), "z9hG4bK2");

    TopVia(m);
    m.MutableHeaders().front().value = "SIP/2.0/UDP p3.example.com;branch=z9hG4bK3";
    EXPECT_EQ(TopVia(m)->Branch(), "z9hG4bK3");

    m.Set("Via", "SIP/2.0/UDP bad_host");
    EXPECT_EQ(TopVia(m), nullptr);
    EXPECT_FALSE(GetTopVia(m).Ok());
    m.Remove("Via");
    EXPECT_EQ(TopVia(m), nullptr);
    m.Add("Via", "SIP/2.0/TCP p4.example.com;branch=z9hG4bK4");
    ASSERT_NE(TopVia(m), nullptr);
    EXPECT_EQ(TopVia(m)->transport, "TCP");
}

TEST(CallIdView, AgreesWithGetCallId)
{
    SipMessage m = SipMessage::MakeRequest("OPTIONS", "sip:b@example.com");
    EXPECT_EQ(CallIdView(m), "");
    EXPECT_FALSE(GetCallId(m).Ok());
    m.Add("i", "  a84b4c76e66710@pc33.atlanta.example.com ");
    ASSERT_TRUE(GetCallId(m).Ok());
    EXPECT_EQ(CallIdView(m), *GetCallId(m));
    EXPECT_EQ(CallIdView(m), "a84b4c76e66710@pc33.atlanta.example.com");
    m.Set("Call-ID", "two words");
    EXPECT_FALSE(GetCallId(m).Ok());
    EXPECT_EQ(CallIdView(m), "");
}

TEST(RequestSipUri, ParsedOnceSharedByCopiesAndDroppedWithTheUri)
{
    auto parsed = ParseMessage("INVITE sip:bob@biloxi.example.com;transport=udp SIP/2.0\r\n"
                               "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\r\n"
                               "CSeq: 1 INVITE\r\n\r\n");
    ASSERT_TRUE(parsed.Ok()) << parsed.Error().reason;
    SipMessage m = *parsed;
    EXPECT_TRUE(m.HasParsedRequestUri()); // validation parsed it
    const auto first = RequestSipUri(m);
    ASSERT_NE(first, nullptr);
    EXPECT_EQ(*first, *SipUri::Parse(m.RequestUri()));
    EXPECT_EQ(RequestSipUri(m), first); // the same object: not parsed again
    const SipMessage copy = m;
    EXPECT_EQ(RequestSipUri(copy), first);
    m.Set("Max-Forwards", "69"); // headers do not touch it
    EXPECT_EQ(RequestSipUri(m), first);
    m.SetRequestUri(m.RequestUri()); // the same text, as a proxy's usual target: kept
    EXPECT_EQ(RequestSipUri(m), first);

    m.SetRequestUri("sip:carol@chicago.example.com");
    ASSERT_NE(RequestSipUri(m), nullptr);
    EXPECT_EQ(RequestSipUri(m)->host, "chicago.example.com");
    EXPECT_EQ(first->host, "biloxi.example.com"); // earlier readers keep what they read
    EXPECT_EQ(RequestSipUri(copy), first);        // and so does the copy

    m.SetRequestUri("tel:+1-212-555-0101"); // another scheme
    EXPECT_EQ(RequestSipUri(m), nullptr);
    m.SetRequestUri("sip:bad host@example.com"); // malformed
    EXPECT_EQ(RequestSipUri(m), nullptr);
    EXPECT_FALSE(SipUri::Parse(m.RequestUri()).Ok());
    // A message built without parsing has no memo until the first reader.
    const SipMessage built = SipMessage::MakeRequest("OPTIONS", "sip:p1.example.com");
    EXPECT_FALSE(built.HasParsedRequestUri());
    ASSERT_NE(RequestSipUri(built), nullptr);
    EXPECT_TRUE(built.HasParsedRequestUri());
}

} // namespace
} // namespace sipsim
