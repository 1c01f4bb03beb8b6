// ParseInbound: valid messages pass, broken requests get a 400 that the sender can match,
// broken responses and garbage are dropped.
#include "core/inbound.h"
#include "sip/headers.h"

#include <gtest/gtest.h>
#include <string>

namespace sipsim
{
namespace
{

const std::string kInvite =
    "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bK74bf9\r\n"
    "Max-Forwards: 70\r\n"
    "From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n"
    "To: Bob <sip:bob@biloxi.example.com>\r\n"
    "Call-ID: 3848276298220188511@atlanta.example.com\r\n"
    "CSeq: 1 INVITE\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

TEST(ParseInboundTest, ValidRequestPasses)
{
    InboundResult result = ParseInbound(kInvite);
    ASSERT_TRUE(result.message.has_value()) << result.error;
    EXPECT_FALSE(result.badRequest.has_value());
    EXPECT_TRUE(result.error.empty());
    EXPECT_EQ(result.message->Method(), "INVITE");
}

TEST(ParseInboundTest, MissingHeadersGet400CopyingWhatIsThere)
{
    // RFC 4475 insuf: no Call-ID, From or To.
    const std::string bytes = "INVITE sip:user@example.com SIP/2.0\r\n"
                              "CSeq: 193942 INVITE\r\n"
                              "Via: SIP/2.0/UDP 192.0.2.95;branch=z9hG4bKkdj.insuf\r\n"
                              "l: 0\r\n"
                              "\r\n";
    InboundResult result = ParseInbound(bytes);
    EXPECT_FALSE(result.message.has_value());
    EXPECT_FALSE(result.error.empty());
    ASSERT_TRUE(result.badRequest.has_value());
    const SipMessage& bad = *result.badRequest;
    EXPECT_EQ(bad.StatusCode(), 400);
    EXPECT_NE(bad.ReasonPhrase().find("Bad Request"), std::string::npos);
    EXPECT_EQ(*bad.Get("Via"), "SIP/2.0/UDP 192.0.2.95;branch=z9hG4bKkdj.insuf");
    EXPECT_EQ(*bad.Get("CSeq"), "193942 INVITE");
    EXPECT_FALSE(bad.Has("Call-ID"));
    // The 400 itself must be a parseable message.
    EXPECT_TRUE(ParseMessage(bad.Serialize()).Ok());
}

TEST(ParseInboundTest, DuplicatedSingleHeadersAreRejectedWith400)
{
    std::string bytes = kInvite;
    bytes.insert(bytes.find("CSeq"), "Call-ID: other@example.net\r\n");
    InboundResult result = ParseInbound(bytes);
    EXPECT_FALSE(result.message.has_value());
    ASSERT_TRUE(result.badRequest.has_value());
    EXPECT_EQ(*result.badRequest->Get("Call-ID"), "3848276298220188511@atlanta.example.com");
    EXPECT_EQ(result.badRequest->Count("Call-ID"), 1u);
}

TEST(ParseInboundTest, FoldedViaLinesAreCopiedInOrder)
{
    const std::string bytes = "OPTIONS sip:user@example.com SIP/2.0\r\n"
                              "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1,\r\n"
                              "  SIP/2.0/UDP b.example.com;branch=z9hG4bK2\r\n"
                              "v: SIP/2.0/UDP c.example.com;branch=z9hG4bK3\r\n"
                              "CSeq: 1 OPTIONS\r\n"
                              "\r\n";
    InboundResult result = ParseInbound(bytes);
    ASSERT_TRUE(result.badRequest.has_value());
    auto vias = result.badRequest->GetAll("Via");
    ASSERT_EQ(vias.size(), 3u);
    EXPECT_EQ(vias[1], "SIP/2.0/UDP b.example.com;branch=z9hG4bK2");
    EXPECT_EQ(vias[2], "SIP/2.0/UDP c.example.com;branch=z9hG4bK3");
}

TEST(ParseInboundTest, BrokenResponsesAckAndGarbageAreDropped)
{
    const std::string response = "SIP/2.0 200 OK\r\n"
                                 "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\r\n"
                                 "CSeq: 1 INVITE\r\n"
                                 "\r\n";
    InboundResult r1 = ParseInbound(response);
    EXPECT_FALSE(r1.message.has_value());
    EXPECT_FALSE(r1.badRequest.has_value());
    EXPECT_FALSE(r1.error.empty());

    const std::string ack = "ACK sip:user@example.com SIP/2.0\r\n"
                            "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\r\n"
                            "CSeq: 1 ACK\r\n"
                            "\r\n";
    EXPECT_FALSE(ParseInbound(ack).badRequest.has_value());

    for (std::string garbage :
         {std::string(), std::string("\r\n\r\n"), std::string("\0\xff\x01", 3),
          std::string("INVITE"), std::string(":::\r\n:\r\n\r\n"), std::string(5000, 'x')})
    {
        InboundResult r = ParseInbound(garbage);
        EXPECT_FALSE(r.message.has_value());
        EXPECT_FALSE(r.badRequest.has_value());
        EXPECT_FALSE(r.error.empty());
    }
}

TEST(ParseInboundTest, HeaderValuesWithControlCharactersAreNotEchoed)
{
    std::string bytes = kInvite;
    bytes.replace(bytes.find("CSeq: 1 INVITE"), 14, "CSeq: 1\x01 INVITE");
    InboundResult cseq = ParseInbound(bytes);
    ASSERT_TRUE(cseq.badRequest.has_value());
    EXPECT_FALSE(cseq.badRequest->Has("CSeq"));
    bytes = kInvite;
    bytes.replace(bytes.find("To: Bob"), 7,
                  "To: B\x02"
                  "b");
    InboundResult result = ParseInbound(bytes);
    ASSERT_TRUE(result.badRequest.has_value())
        << "error: " << result.error << " ok=" << result.message.has_value();
    EXPECT_FALSE(result.badRequest->Has("To"));
}

TEST(ParseInboundTest, MalformedValuesAreLeftOutSoThe400Parses)
{
    const std::string bytes = "INVITE sip:bob@example.com SIP/2.0\r\n"
                              "Via: SIP/2.0/UDP 192.0.2.101:5060;branch=z9hG4bKbad, junk;;\r\n"
                              "From: <sip:a@example.com>;tag=1\r\n"
                              "To: \"Mr. J. User <sip:j.user@example.com>\r\n"
                              "Call-ID: bad@x\r\n"
                              "CSeq: notanumber INVITE\r\n"
                              "Content-Length: 0\r\n\r\n";
    InboundResult result = ParseInbound(bytes);
    ASSERT_TRUE(result.badRequest.has_value());
    const SipMessage& bad = *result.badRequest;
    EXPECT_EQ(bad.GetAll("Via").size(), 1u);
    EXPECT_EQ(*bad.Get("From"), "<sip:a@example.com>;tag=1");
    EXPECT_EQ(*bad.Get("Call-ID"), "bad@x");
    EXPECT_FALSE(bad.Has("To"));
    EXPECT_FALSE(bad.Has("CSeq"));
    EXPECT_TRUE(ParseMessage(bad.Serialize()).Ok());
}

TEST(ParseInboundTest, OtherSipVersionGets505)
{
    std::string bytes = kInvite;
    bytes.replace(bytes.find("SIP/2.0\r\n"), 7, "SIP/7.0");
    InboundResult result = ParseInbound(bytes);
    ASSERT_TRUE(result.badRequest.has_value());
    EXPECT_EQ(result.badRequest->StatusCode(), 505);
}

TEST(ParseInboundTest, UnusableViaMeansNoAnswer)
{
    const std::string bytes = "INVITE sip:user@example.com SIP/2.0\r\n"
                              "Via: not a via at all\r\n"
                              "CSeq: 1 INVITE\r\n"
                              "\r\n";
    EXPECT_FALSE(ParseInbound(bytes).badRequest.has_value());
}

TEST(ParseInboundTest, ControlCharactersNeverReachTheReasonPhrase)
{
    std::string bytes = kInvite;
    bytes.replace(bytes.find("biloxi"), 6, "bi\x01loxi");
    InboundResult result = ParseInbound(bytes);
    ASSERT_TRUE(result.badRequest.has_value()) << result.error;
    for (char c : result.badRequest->ReasonPhrase())
    {
        EXPECT_GE(static_cast<unsigned char>(c), 0x20);
    }
}

} // namespace
} // namespace sipsim
