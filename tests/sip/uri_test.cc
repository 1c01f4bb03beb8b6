#include "sip/uri.h"

#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace sipsim
{
namespace
{

// Canonical URIs must parse and serialise back to exactly the same text.
TEST(SipUri, CanonicalFormsRoundTrip)
{
    const std::vector<std::string> uris = {
        "sip:alice@atlanta.com",
        "sips:alice@atlanta.com:5061",
        "sip:alice:secretword@atlanta.com;transport=tcp",
        "sips:alice@atlanta.com?subject=project%20x&priority=urgent",
        "sip:+1-212-555-1212:1234@gateway.com;user=phone",
        "sips:1212@gateway.com",
        "sip:alice@192.0.2.4",
        "sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com",
        "sip:alice;day=tuesday@atlanta.com",
        "sip:[2001:db8::10]:5070;lr",
        "sip:[::ffff:192.0.2.1]",
        "sip:host.example.com.",
        "sip:user@example.com;maddr=239.255.255.1;ttl=15",
        "sip:user:@example.com",
        "sip:h;lr;foo=[x]",
        "sip:services.example.com;lr;unknownwith=value;unknown-no-value",
        "sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31",
        "sip:user@example.com?Route=%3Csip:sip.example.com%3E",
        "sip:a@b?h=",
    };
    for (const auto& text : uris)
    {
        auto uri = SipUri::Parse(text);
        ASSERT_TRUE(uri.Ok()) << text << ": " << uri.Error().reason;
        EXPECT_EQ(uri->ToString(), text);
    }
}

TEST(SipUriTarget, ReadsWhatParseReadsFromEveryValidUri)
{
    const std::vector<std::string> users = {"",
                                            "alice@",
                                            "alice:secret@",
                                            "a%20b@",
                                            "user;par=u%40example.net@",
                                            "+1-212-555-1212:1234@"};
    const std::vector<std::string> hosts = {"example.com", "P1.Example.COM.", "192.0.2.4",
                                            "[2001:db8::10]", "[::ffff:192.0.2.128]"};
    const std::vector<std::string> ports = {"", ":0", ":5060", ":5070", ":65535"};
    const std::vector<std::string> tails = {
        "",       ";lr", ";transport=tcp;lr", ";maddr=[2001:db8::1];x=a:b", "?Subject=a%3Ab&X=y",
        ";lr?h=1"};
    int checked = 0;
    for (const char* scheme : {"sip:", "sips:", "SIP:", "sIpS:"})
    {
        for (const std::string& user : users)
        {
            for (const std::string& host : hosts)
            {
                for (const std::string& port : ports)
                {
                    for (const std::string& tail : tails)
                    {
                        const std::string text = scheme + user + host + port + tail;
                        const auto uri = SipUri::Parse(text);
                        ASSERT_TRUE(uri.Ok()) << text << ": " << uri.Error().reason;
                        const auto target = SipUriTarget::OfValidUri(text);
                        ASSERT_TRUE(target) << text;
                        EXPECT_EQ(target->secure, uri->scheme == "sips") << text;
                        EXPECT_EQ(target->user, uri->user) << text;
                        EXPECT_EQ(target->host, uri->host) << text;
                        EXPECT_EQ(target->port, uri->port) << text;
                        EXPECT_EQ(target->PortOrDefault(), uri->PortOrDefault()) << text;
                        ++checked;
                    }
                }
            }
        }
    }
    EXPECT_EQ(checked, 4 * 6 * 5 * 5 * 6);
    EXPECT_FALSE(SipUriTarget::OfValidUri("tel:+1-212-555-1212"));
    EXPECT_FALSE(SipUriTarget::OfValidUri("example.com"));
}

TEST(SipUri, Components)
{
    auto uri = SipUri::Parse("SIPS:alice:pw%21@Atlanta.COM:5070;transport=TCP;lr?subject=hi");
    ASSERT_TRUE(uri.Ok()) << uri.Error().reason;
    EXPECT_EQ(uri->scheme, "sips");
    EXPECT_EQ(uri->user, "alice");
    ASSERT_TRUE(uri->password.has_value());
    EXPECT_EQ(*uri->password, "pw%21");
    EXPECT_EQ(uri->host, "Atlanta.COM");
    ASSERT_TRUE(uri->port.has_value());
    EXPECT_EQ(*uri->port, 5070);
    ASSERT_EQ(uri->params.size(), 2u);
    EXPECT_EQ(uri->params[0], (GenericParam{"transport", std::string("TCP")}));
    EXPECT_EQ(uri->params[1], (GenericParam{"lr", std::nullopt}));
    EXPECT_TRUE(uri->HasLr());
    ASSERT_NE(uri->Param("TRANSPORT"), nullptr);
    EXPECT_EQ(*uri->Param("TRANSPORT")->value, "TCP");
    ASSERT_EQ(uri->headers.size(), 1u);
    EXPECT_EQ(uri->headers[0], (GenericParam{"subject", std::string("hi")}));
    EXPECT_EQ(uri->HostPort(), "Atlanta.COM:5070");
    EXPECT_EQ(uri->PortOrDefault(), 5070);
}

TEST(SipUri, DefaultsAndHostPort)
{
    auto sip = SipUri::Parse("sip:example.com");
    ASSERT_TRUE(sip.Ok());
    EXPECT_TRUE(sip->user.empty());
    EXPECT_FALSE(sip->password.has_value());
    EXPECT_FALSE(sip->port.has_value());
    EXPECT_EQ(sip->PortOrDefault(), 5060);
    EXPECT_EQ(sip->HostPort(), "example.com");
    auto sips = SipUri::Parse("sips:example.com");
    ASSERT_TRUE(sips.Ok());
    EXPECT_EQ(sips->PortOrDefault(), 5061);
    auto v6 = SipUri::Parse("sip:[2001:db8::1]:5062");
    ASSERT_TRUE(v6.Ok());
    EXPECT_EQ(v6->host, "[2001:db8::1]");
    EXPECT_EQ(v6->HostPort(), "[2001:db8::1]:5062");
}

// The user part may contain ';', '?', '/', ',' (user-unreserved): the first '@' ends it.
TEST(SipUri, UserUnreservedCharacters)
{
    auto semi = SipUri::Parse("sip:user;par=u%40example.net@example.com");
    ASSERT_TRUE(semi.Ok()) << semi.Error().reason;
    EXPECT_EQ(semi->user, "user;par=u%40example.net");
    EXPECT_EQ(semi->UnescapedUser(), "user;par=u@example.net");
    EXPECT_EQ(semi->host, "example.com");
    EXPECT_TRUE(semi->params.empty());

    auto weird = SipUri::Parse("sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,"
                               "weird!*pas$wo~d_too.(doesn't-it)@example.com");
    ASSERT_TRUE(weird.Ok()) << weird.Error().reason;
    EXPECT_EQ(weird->user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    EXPECT_EQ(*weird->password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    EXPECT_EQ(weird->host, "example.com");
}

TEST(SipUri, Escapes)
{
    auto uri = SipUri::Parse("sip:sips%3Auser%40example.com@example.net");
    ASSERT_TRUE(uri.Ok());
    EXPECT_EQ(uri->UnescapedUser(), "sips:user@example.com");
    auto nul = SipUri::Parse("sip:null-%00-null@example.com");
    ASSERT_TRUE(nul.Ok());
    EXPECT_EQ(nul->UnescapedUser(), std::string("null-\0-null", 11));
    EXPECT_EQ(PercentDecode("a%20b%2"), "a b%2");
    EXPECT_EQ(PercentDecode("%zz%4a%4A"), "%zzJJ");
}

TEST(SipUri, RejectsMalformed)
{
    struct Case
    {
        const char* text;
        const char* why;
    };
    const std::vector<Case> cases = {
        {"", "empty"},
        {"tel:+12125551212", "other scheme"},
        {"sip:", "no host"},
        {"sip:@example.com", "empty user"},
        {"sip:us er@example.com", "space"},
        {"sip:user@example.com:65536", "port too large"},
        {"sip:user@example.com:", "empty port"},
        {"sip:user@example.com:5o60", "non-numeric port"},
        {"sip:user@exa_mple.com", "underscore in host"},
        {"sip:user@-example.com", "label starting with '-'"},
        {"sip:user@example.123", "numeric toplabel"},
        {"sip:user@192.0.2.256", "IPv4 octet out of range"},
        {"sip:[2001:db8::1", "unterminated IPv6 reference"},
        {"sip:[2001:db8:::1]", "triple colon"},
        {"sip:[1:2:3:4:5:6:7:8:9]", "nine groups"},
        {"sip:[1:2:3:4:5:6:7]", "seven groups without ::"},
        {"sip:[12345::1]", "five hex digits"},
        {"sip:[::1.2.3]", "bad embedded IPv4"},
        {"sip:user%ZZ@example.com", "bad escape"},
        {"sip:user@example.com;", "empty parameter"},
        {"sip:user@example.com;ttl=256", "ttl out of range"},
        {"sip:user@example.com;maddr=bad_host", "bad maddr"},
        {"sip:user@example.com;transport=", "empty value"},
        {"sip:user@example.com;a\"b", "quote in parameter"},
        {"sip:user@example.com?noequals", "header without '='"},
        {"sip:user@example.com?=v", "empty header name"},
        {"sip:<user@example.com>", "angle bracket"},
        {"sip:us\"er@example.com", "quote in user"},
        {"sip:user:pa:ss@example.com", "':' in password"},
        {"sip:a@b.com;transport=tcp;transport=udp", "repeated parameter (§19.1.1)"},
        {"sip:a@b.com;x=1;X=1", "repeated parameter, other case"},
    };
    for (const auto& c : cases)
    {
        auto uri = SipUri::Parse(c.text);
        EXPECT_FALSE(uri.Ok()) << c.text << " (" << c.why << ")";
        if (!uri.Ok())
        {
            EXPECT_FALSE(uri.Error().reason.empty());
        }
    }
}

TEST(SipUri, SchemeDetection)
{
    EXPECT_TRUE(IsSipScheme("sip:a@b"));
    EXPECT_TRUE(IsSipScheme("SIPS:a@b"));
    EXPECT_FALSE(IsSipScheme("sipx:a@b"));
    EXPECT_FALSE(IsSipScheme("tel:123"));
    EXPECT_FALSE(IsSipScheme("sip"));
}

// RFC 3261 §19.1.4: pairs of equivalent URIs.
TEST(SipUri, EquivalentExamples)
{
    const std::vector<std::pair<std::string, std::string>> pairs = {
        {"sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp"},
        {"sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5"},
        {"sip:carol@chicago.com", "sip:carol@chicago.com;security=on"},
        {"sip:carol@chicago.com;newparam=5", "sip:carol@chicago.com;security=on"},
        {"sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
         "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com"},
        {"sip:alice@atlanta.com?subject=project%20x&priority=urgent",
         "sip:alice@atlanta.com?priority=urgent&subject=project%20x"},
    };
    for (const auto& [a, b] : pairs)
    {
        auto ua = SipUri::Parse(a);
        auto ub = SipUri::Parse(b);
        ASSERT_TRUE(ua.Ok() && ub.Ok()) << a << " / " << b;
        EXPECT_TRUE(ua->Equivalent(*ub)) << a << " vs " << b;
        EXPECT_TRUE(ub->Equivalent(*ua)) << b << " vs " << a;
    }
}

// RFC 3261 §19.1.4: pairs that are not equivalent, plus the parameter rules.
TEST(SipUri, NotEquivalentExamples)
{
    const std::vector<std::pair<std::string, std::string>> pairs = {
        {"SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP"},
        {"sip:bob@biloxi.com", "sip:bob@biloxi.com:5060"},
        {"sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp"},
        {"sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp"},
        {"sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting"},
        {"sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4"},
        {"sip:alice@atlanta.com", "sips:alice@atlanta.com"},
        {"sip:alice@atlanta.com", "sip:alice:pw@atlanta.com"},
        {"sip:alice:pw@atlanta.com", "sip:alice:PW@atlanta.com"},
        {"sip:alice@atlanta.com;user=phone", "sip:alice@atlanta.com"},
        {"sip:alice@atlanta.com;ttl=1", "sip:alice@atlanta.com"},
        {"sip:alice@atlanta.com;method=INVITE", "sip:alice@atlanta.com"},
        {"sip:alice@atlanta.com;maddr=239.1.1.1", "sip:alice@atlanta.com"},
        {"sip:alice@atlanta.com;newparam=5", "sip:alice@atlanta.com;newparam=6"},
        {"sip:alice@atlanta.com?a=b", "sip:alice@atlanta.com?a=B"},
    };
    for (const auto& [a, b] : pairs)
    {
        auto ua = SipUri::Parse(a);
        auto ub = SipUri::Parse(b);
        ASSERT_TRUE(ua.Ok() && ub.Ok()) << a << " / " << b;
        EXPECT_FALSE(ua->Equivalent(*ub)) << a << " vs " << b;
        EXPECT_FALSE(ub->Equivalent(*ua)) << b << " vs " << a;
    }
}

TEST(SipUri, StructuralEquality)
{
    auto a = SipUri::Parse("sip:alice@atlanta.com;transport=tcp");
    auto b = SipUri::Parse("sip:alice@atlanta.com;transport=tcp");
    auto c = SipUri::Parse("sip:alice@ATLANTA.com;transport=tcp");
    ASSERT_TRUE(a.Ok() && b.Ok() && c.Ok());
    EXPECT_TRUE(*a == *b);
    EXPECT_FALSE(*a == *c); // equivalent, but not the same text
    EXPECT_TRUE(a->Equivalent(*c));
}

TEST(GenericParams, FindSetRemove)
{
    std::vector<GenericParam> params;
    SetParam(params, "tag", std::string("abc"));
    SetParam(params, "lr");
    ASSERT_EQ(params.size(), 2u);
    ASSERT_NE(FindParam(params, "TAG"), nullptr);
    EXPECT_EQ(*FindParam(params, "TAG")->value, "abc");
    SetParam(params, "Tag", std::string("xyz"));
    ASSERT_EQ(params.size(), 2u);
    EXPECT_EQ(params[0].name, "Tag");
    EXPECT_EQ(*params[0].value, "xyz");
    params.push_back(GenericParam{"lr", std::string("on")});
    EXPECT_EQ(RemoveParam(params, "LR"), 2u);
    EXPECT_EQ(params.size(), 1u);
    EXPECT_EQ(FindParam(params, "lr"), nullptr);
    EXPECT_EQ(RemoveParam(params, "missing"), 0u);
}

TEST(SipUri, BuildAndSerialise)
{
    SipUri uri;
    uri.user = "bob";
    uri.host = "biloxi.com";
    uri.port = 5080;
    SetParam(uri.params, "transport", std::string("tcp"));
    uri.headers.push_back(GenericParam{"subject", std::string("hi%20there")});
    EXPECT_EQ(uri.ToString(), "sip:bob@biloxi.com:5080;transport=tcp?subject=hi%20there");
    auto back = SipUri::Parse(uri.ToString());
    ASSERT_TRUE(back.Ok());
    EXPECT_EQ(*back, uri);
}

} // namespace
} // namespace sipsim
