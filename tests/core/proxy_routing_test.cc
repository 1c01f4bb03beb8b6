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

} // namespace
} // namespace sipsim
