#include "core/proxy_routing.h"
#include "core/resolver.h"

#include <gtest/gtest.h>

namespace sipsim
{
namespace
{

const Address kDomainHop{"192.0.2.20", 5060, Transport::Udp};

TEST(Resolver, NamesMatchWithoutRegardToCaseAndLiteralsResolveToThemselves)
{
    Resolver resolver;
    resolver.Add("Proxy1.Example.COM", Address{"192.0.2.1", 5060, Transport::Udp});
    for (const char* host : {"proxy1.example.com", "PROXY1.example.com", "Proxy1.Example.COM"})
    {
        const auto address = resolver.Resolve(host, 5070, Transport::Tcp);
        ASSERT_TRUE(address.has_value()) << host;
        EXPECT_EQ(address->host, "192.0.2.1");
        EXPECT_EQ(address->port, 5070);
        EXPECT_EQ(address->transport, Transport::Tcp);
    }
    EXPECT_FALSE(resolver.Resolve("proxy2.example.com", std::nullopt, Transport::Udp));
    const auto literal = resolver.Resolve("[2001:db8::1]", std::nullopt, Transport::Udp);
    ASSERT_TRUE(literal.has_value());
    EXPECT_EQ(literal->host, "2001:db8::1");
    EXPECT_EQ(literal->port, 5060);
}

TEST(Resolver, CopiesAreIndependentValuesThoughTheyShareTheirTable)
{
    Resolver original;
    original.Add("p1", Address{"192.0.2.1", 5060, Transport::Udp});
    Resolver copy = original;
    copy.Add("p2", Address{"192.0.2.2", 5060, Transport::Udp});
    copy.Add("p1", Address{"192.0.2.9", 5060, Transport::Udp});
    EXPECT_EQ(original.Resolve("p1", std::nullopt, Transport::Udp)->host, "192.0.2.1");
    EXPECT_FALSE(original.Resolve("p2", std::nullopt, Transport::Udp));
    EXPECT_EQ(copy.Resolve("p1", std::nullopt, Transport::Udp)->host, "192.0.2.9");
    EXPECT_EQ(copy.Resolve("p2", std::nullopt, Transport::Udp)->host, "192.0.2.2");
    original.Add("p3", Address{"192.0.2.3", 5060, Transport::Udp});
    EXPECT_FALSE(copy.Resolve("p3", std::nullopt, Transport::Udp));
    EXPECT_FALSE(Resolver{}.Resolve("p1", std::nullopt, Transport::Udp));
}

TEST(ResolveUri, StaticRoutesMatchTheDomainAndHostsInsideIt)
{
    ProxyConfig config;
    config.staticRoutes["biloxi.example.com"] = NextHop::At(kDomainHop);
    auto resolve = [&](const char* uri) { return ResolveUri(*SipUri::Parse(uri), config); };
    for (const char* uri : {"sip:bob@biloxi.example.com", "sip:bob@BILOXI.Example.com",
                            "sip:bob@pc33.biloxi.example.com", "sip:bob@PC33.Biloxi.Example.COM"})
    {
        const auto address = resolve(uri);
        ASSERT_TRUE(address.has_value()) << uri;
        EXPECT_EQ(address->host, kDomainHop.host) << uri;
    }
    // Only whole labels: a host that merely ends in the domain's text is not in it.
    EXPECT_FALSE(resolve("sip:bob@notbiloxi.example.com").has_value());
    EXPECT_FALSE(resolve("sip:bob@example.com").has_value());
}

SipMessage
RequestWithRoutes(const char* requestUri, const char* routes)
{
    SipMessage request = SipMessage::MakeRequest("INVITE", requestUri);
    request.Add("Via", "SIP/2.0/UDP a.example.com;branch=z9hG4bK1");
    request.Add("Route", routes);
    return request;
}

TEST(PostprocessRoute, ALooseTopRouteIsWhereTheCopyGoes)
{
    ProxyConfig config;
    config.staticRoutes["p2.example.com"] = NextHop::At(kDomainHop);
    SipMessage copy = RequestWithRoutes("sip:bob@biloxi.example.com",
                                        "<sip:p2.example.com;lr>, <sip:p3.example.com;lr>");
    const SipMessage before = copy;
    const auto top = PostprocessRoute(copy);
    ASSERT_TRUE(top.has_value());
    EXPECT_EQ(top->host, "p2.example.com");
    EXPECT_EQ(copy, before); // a loose router: nothing rewritten
    const auto hop = NextHopAddress(copy, top, config);
    ASSERT_TRUE(hop.has_value());
    EXPECT_EQ(hop->host, kDomainHop.host);
}

TEST(PostprocessRoute, AStrictRouterTakesTheRequestUriAndTheNextLooseRouteIsReturned)
{
    // §16.6 step 6: the strict router's URI becomes the Request-URI, the old Request-URI
    // the last Route; the Route then on top is returned only when it has lr.
    SipMessage copy = RequestWithRoutes("sip:bob@biloxi.example.com",
                                        "<sip:strict.example.com>, <sip:p3.example.com;lr>");
    const auto top = PostprocessRoute(copy);
    EXPECT_EQ(copy.RequestUri(), "sip:strict.example.com");
    EXPECT_EQ(
        copy.GetAll("Route"),
        (std::vector<std::string_view>{"<sip:p3.example.com;lr>", "<sip:bob@biloxi.example.com>"}));
    ASSERT_TRUE(top.has_value());
    EXPECT_EQ(top->host, "p3.example.com");

    SipMessage alone = RequestWithRoutes("sip:bob@biloxi.example.com", "<sip:strict.example.com>");
    EXPECT_FALSE(PostprocessRoute(alone).has_value()); // on top now: the old Request-URI
    EXPECT_EQ(alone.RequestUri(), "sip:strict.example.com");
    ProxyConfig config;
    config.staticRoutes["strict.example.com"] = NextHop::At(kDomainHop);
    const auto hop = NextHopAddress(alone, std::nullopt, config); // by the Request-URI
    ASSERT_TRUE(hop.has_value());
    EXPECT_EQ(hop->host, kDomainHop.host);
}

} // namespace
} // namespace sipsim
