#include "core/proxy_validation.h"
#include "sip/message.h"

#include <gtest/gtest.h>
#include <string>

namespace sipsim
{
namespace
{

SipMessage
Invite(const std::string& requestUri, const std::string& vias, const std::string& toTag)
{
    auto parsed = ParseMessage("INVITE " + requestUri + " SIP/2.0\r\n" + "Via: " + vias +
                               "\r\n"
                               "Route: <sip:p2.example.com;lr>\r\n"
                               "From: <sip:a@example.com>;tag=f1\r\n"
                               "To: <sip:b@example.com>" +
                               toTag +
                               "\r\n"
                               "Call-ID: c1@example.com\r\nCSeq: 7 INVITE\r\n\r\n");
    EXPECT_TRUE(parsed.Ok()) << parsed.Error().reason;
    return *parsed;
}

TEST(LoopHash, HashesTheTopViaTextAndTheRoutingInputs)
{
    const std::string top = "SIP/2.0/UDP a.example.com;branch=z9hG4bKa;received=192.0.2.1";
    const std::string below = "SIP/2.0/UDP b.example.com;branch=z9hG4bKb";
    const SipMessage request = Invite("sip:b@example.com", top + ", " + below, "");
    const std::string hash = LoopHash(request);
    EXPECT_EQ(hash.size(), 16u);
    EXPECT_EQ(hash, LoopHash(request, top)); // the top element, as written
    EXPECT_NE(hash, LoopHash(request, below));
    // The To tag is left out (a CANCEL or non-2xx ACK hashes like its INVITE) ...
    EXPECT_EQ(hash, LoopHash(Invite("sip:b@example.com", top + ", " + below, ";tag=t9")));
    // ... and so are the Vias below the top one; the Request-URI (a spiral) and the Route
    // set are not.
    EXPECT_EQ(hash, LoopHash(Invite("sip:b@example.com", top, "")));
    EXPECT_NE(hash, LoopHash(Invite("sip:b@other.example.com", top + ", " + below, "")));
    SipMessage rerouted = request;
    rerouted.Set("Route", "<sip:p3.example.com;lr>");
    EXPECT_NE(hash, LoopHash(rerouted));
    SipMessage noVia = request;
    noVia.Remove("Via");
    EXPECT_EQ(LoopHash(noVia), "");
}

} // namespace
} // namespace sipsim
