// MakeResponseTo (§8.2.6), MakeAckForNon2xx (§17.1.1.3) and MakeCancel (§9.1).
#include "sip/headers.h"

#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace sipsim
{
namespace
{

// RFC 3665 §3.2 F5-like INVITE after one proxy hop.
SipMessage
Invite()
{
    SipMessage m = SipMessage::MakeRequest("INVITE", "sip:bob@biloxi.example.com");
    m.Add("Via", "SIP/2.0/UDP ss1.atlanta.example.com:5060;branch=z9hG4bK2d4790.1");
    m.Add("Via", "SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bK74bf9;"
                 "received=192.0.2.101");
    m.Add("Max-Forwards", "69");
    m.Add("Route", "<sip:ss2.biloxi.example.com;lr>");
    m.Add("Route", "<sip:ss3.biloxi.example.com;lr>");
    m.Add("Record-Route", "<sip:ss1.atlanta.example.com;lr>");
    m.Add("From", "Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl");
    m.Add("To", "Bob <sip:bob@biloxi.example.com>");
    m.Add("Call-ID", "3848276298220188511@atlanta.example.com");
    m.Add("CSeq", "2 INVITE");
    m.Add("Contact", "<sip:alice@client.atlanta.example.com;transport=udp>");
    m.Add("Timestamp", "54");
    m.SetBody("v=0\r\n", "application/sdp");
    return m;
}

std::vector<std::string>
Lines(const SipMessage& m, const std::string& name)
{
    std::vector<std::string> values;
    for (const auto& field : m.Headers())
    {
        if (HeaderNameEquals(field.name, name))
        {
            values.push_back(field.value.str());
        }
    }
    return values;
}

TEST(MakeResponseTo, CopiesDialogHeadersAndAddsTag)
{
    SipMessage invite = Invite();
    SipMessage response = MakeResponseTo(invite, 180, "Ringing", "314159");
    EXPECT_TRUE(response.IsResponse());
    EXPECT_EQ(response.StatusCode(), 180);
    EXPECT_EQ(response.ReasonPhrase(), "Ringing");
    EXPECT_EQ(Lines(response, "Via"), Lines(invite, "Via"));
    EXPECT_EQ(*response.Get("From"), *invite.Get("From"));
    EXPECT_EQ(*response.Get("To"), "Bob <sip:bob@biloxi.example.com>;tag=314159");
    EXPECT_EQ(*response.Get("Call-ID"), *invite.Get("Call-ID"));
    EXPECT_EQ(*response.Get("CSeq"), "2 INVITE");
    EXPECT_EQ(*response.Get("Content-Length"), "0");
    EXPECT_TRUE(response.Body().empty());
    EXPECT_FALSE(response.Has("Route"));
    EXPECT_FALSE(response.Has("Contact"));
    EXPECT_FALSE(response.Has("Timestamp"));
    EXPECT_FALSE(response.Has("Max-Forwards"));
    auto to = GetTo(response);
    ASSERT_TRUE(to.Ok());
    EXPECT_EQ(to->Tag(), "314159");
    EXPECT_EQ(ValidateSemantics(response), std::nullopt);
    EXPECT_EQ(CheckMandatoryHeaders(response), std::nullopt);
}

TEST(MakeResponseTo, SharesTheRequestsParsedTopVia)
{
    const SipMessage request = Invite();
    const auto top = TopVia(request);
    ASSERT_NE(top, nullptr);
    const SipMessage response = MakeResponseTo(request, 180, "", "t1");
    EXPECT_EQ(TopVia(response), top); // same Via lines, same parsed object
    EXPECT_EQ(TopVia(response)->ToString(), GetTopVia(response)->ToString());

    const SipMessage unparsed = Invite(); // nothing read its top Via yet
    EXPECT_FALSE(MakeResponseTo(unparsed, 100, "").HasParsedTopVia());
}

TEST(MakeResponseTo, KeepsExistingTagAndDefaultsReason)
{
    SipMessage invite = Invite();
    invite.Set("To", "sip:bob@biloxi.example.com;tag=abc");
    SipMessage response = MakeResponseTo(invite, 486, "", "other");
    EXPECT_EQ(response.ReasonPhrase(), "Busy Here");
    EXPECT_EQ(*response.Get("To"), "sip:bob@biloxi.example.com;tag=abc");

    SipMessage noTag = MakeResponseTo(Invite(), 100, "Trying");
    EXPECT_EQ(*noTag.Get("To"), "Bob <sip:bob@biloxi.example.com>");
    // §8.2.6.1: a 100 echoes the Timestamp.
    ASSERT_TRUE(noTag.Has("Timestamp"));
    EXPECT_EQ(*noTag.Get("Timestamp"), "54");
}

TEST(MakeAckForNon2xx, FollowsSection17_1_1_3)
{
    SipMessage invite = Invite();
    SipMessage response = MakeResponseTo(invite, 407, "Proxy Authentication Required", "a6c85");
    response.RemoveFirstValue("Via"); // as received by the client: only its own Via
    SipMessage ack = MakeAckForNon2xx(invite, response);
    EXPECT_TRUE(ack.IsRequest());
    EXPECT_EQ(ack.Method(), "ACK");
    EXPECT_EQ(ack.RequestUri(), invite.RequestUri());
    EXPECT_EQ(Lines(ack, "Via"),
              (std::vector<std::string>{
                  "SIP/2.0/UDP ss1.atlanta.example.com:5060;branch=z9hG4bK2d4790.1"}));
    EXPECT_EQ(Lines(ack, "Route"), Lines(invite, "Route"));
    EXPECT_FALSE(ack.Has("Record-Route"));
    EXPECT_FALSE(ack.Has("Contact"));
    EXPECT_EQ(*ack.Get("From"), *invite.Get("From"));
    EXPECT_EQ(*ack.Get("To"), "Bob <sip:bob@biloxi.example.com>;tag=a6c85");
    EXPECT_EQ(*ack.Get("Call-ID"), *invite.Get("Call-ID"));
    EXPECT_EQ(*ack.Get("CSeq"), "2 ACK");
    EXPECT_EQ(*ack.Get("Max-Forwards"), "69");
    EXPECT_EQ(*ack.Get("Content-Length"), "0");
    EXPECT_TRUE(ack.Body().empty());
    EXPECT_EQ(ValidateSemantics(ack), std::nullopt);
    EXPECT_EQ(CheckMandatoryHeaders(ack), std::nullopt);
}

TEST(MakeAckForNon2xx, TopViaFromCommaListAndDefaultMaxForwards)
{
    SipMessage invite = SipMessage::MakeRequest("INVITE", "sip:b@example.com");
    invite.Add("Via", "SIP/2.0/TCP a.example.com;branch=z9hG4bKa, SIP/2.0/UDP b.example.com");
    invite.Add("From", "<sip:a@example.com>;tag=1");
    invite.Add("To", "<sip:b@example.com>");
    invite.Add("Call-ID", "c1");
    invite.Add("CSeq", "7 INVITE");
    SipMessage response = MakeResponseTo(invite, 603, "Decline", "t2");
    SipMessage ack = MakeAckForNon2xx(invite, response);
    EXPECT_EQ(Lines(ack, "Via"),
              (std::vector<std::string>{"SIP/2.0/TCP a.example.com;branch=z9hG4bKa"}));
    EXPECT_EQ(*ack.Get("Max-Forwards"), "70");
    EXPECT_EQ(*ack.Get("CSeq"), "7 ACK");
    EXPECT_FALSE(ack.Has("Route"));
}

TEST(MakeCancel, FollowsSection9_1)
{
    SipMessage invite = Invite();
    SipMessage cancel = MakeCancel(invite);
    EXPECT_EQ(cancel.Method(), "CANCEL");
    EXPECT_EQ(cancel.RequestUri(), invite.RequestUri());
    EXPECT_EQ(Lines(cancel, "Via"),
              (std::vector<std::string>{
                  "SIP/2.0/UDP ss1.atlanta.example.com:5060;branch=z9hG4bK2d4790.1"}));
    EXPECT_EQ(Lines(cancel, "Route"), Lines(invite, "Route"));
    EXPECT_EQ(*cancel.Get("From"), *invite.Get("From"));
    EXPECT_EQ(*cancel.Get("To"), *invite.Get("To"));
    EXPECT_EQ(*cancel.Get("Call-ID"), *invite.Get("Call-ID"));
    EXPECT_EQ(*cancel.Get("CSeq"), "2 CANCEL");
    EXPECT_EQ(*cancel.Get("Max-Forwards"), "69");
    EXPECT_EQ(*cancel.Get("Content-Length"), "0");
    EXPECT_FALSE(cancel.Has("Contact"));
    EXPECT_FALSE(cancel.Has("Content-Type"));
    EXPECT_TRUE(cancel.Body().empty());
    EXPECT_EQ(ValidateSemantics(cancel), std::nullopt);
    // CANCEL and the INVITE share the transaction key (§9.1): same top branch and sent-by.
    auto cancelVia = GetTopVia(cancel);
    auto inviteVia = GetTopVia(invite);
    ASSERT_TRUE(cancelVia.Ok() && inviteVia.Ok());
    EXPECT_EQ(cancelVia->Branch(), inviteVia->Branch());
    EXPECT_EQ(cancelVia->SentBy(), inviteVia->SentBy());
}

// Builder output survives a serialise / parse round trip.
TEST(Builders, OutputParses)
{
    SipMessage invite = Invite();
    for (const SipMessage& m : {MakeResponseTo(invite, 200, "OK", "x1"), MakeCancel(invite),
                                MakeAckForNon2xx(invite, MakeResponseTo(invite, 404, "", "y"))})
    {
        auto parsed = ParseMessage(m.Serialize());
        ASSERT_TRUE(parsed.Ok()) << parsed.Error().ToString() << "\n" << m.Serialize();
        EXPECT_EQ(*parsed, m);
    }
}

} // namespace
} // namespace sipsim
