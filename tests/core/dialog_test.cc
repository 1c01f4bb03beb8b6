// Dialog state from requests and responses (RFC 3261 §12.1) and routing within it
// (§12.2.1.1): route set order, loose and strict routing.
#include "core/dialog.h"
#include "sip/headers.h"

#include <gtest/gtest.h>

namespace sipsim
{
namespace
{

SipMessage
Invite()
{
    SipMessage invite = SipMessage::MakeRequest("INVITE", "sip:bob@biloxi.example.com");
    invite.Add("Via", "SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bK74bf9");
    invite.Add("Record-Route", "<sip:p2.example.com;lr>");
    invite.Add("Record-Route", "<sip:p1.example.com;lr>");
    invite.Add("From", "Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl");
    invite.Add("To", "Bob <sip:bob@biloxi.example.com>");
    invite.Add("Call-ID", "3848276298220188511@atlanta.example.com");
    invite.Add("CSeq", "2 INVITE");
    invite.Add("Contact", "<sip:alice@client.atlanta.example.com>");
    return invite;
}

SipMessage
Ok(const SipMessage& invite)
{
    SipMessage ok = MakeResponseTo(invite, 200, "OK", "8321234356");
    ok.Add("Record-Route", "<sip:p2.example.com;lr>, <sip:p1.example.com;lr>");
    ok.Add("Contact", "<sip:bob@client.biloxi.example.com>");
    return ok;
}

TEST(DialogTest, UacDialogReversesRecordRouteAndTakesTheContact)
{
    SipMessage invite = Invite();
    invite.Remove("Record-Route");
    Dialog dialog = MakeUacDialog(invite, Ok(Invite()));
    EXPECT_EQ(dialog.callId, "3848276298220188511@atlanta.example.com");
    EXPECT_EQ(dialog.localTag, "9fxced76sl");
    EXPECT_EQ(dialog.remoteTag, "8321234356");
    EXPECT_EQ(dialog.localUri, "Alice <sip:alice@atlanta.example.com>");
    EXPECT_EQ(dialog.remoteUri, "Bob <sip:bob@biloxi.example.com>");
    EXPECT_EQ(dialog.localSeq, 2u);
    EXPECT_FALSE(dialog.remoteSeq.has_value());
    EXPECT_EQ(dialog.routeSet,
              (std::vector<std::string>{"<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"}));
    EXPECT_EQ(dialog.remoteTarget, "sip:bob@client.biloxi.example.com");
}

TEST(DialogTest, UasDialogKeepsRecordRouteOrder)
{
    Dialog dialog = MakeUasDialog(Invite(), "8321234356");
    EXPECT_EQ(dialog.localTag, "8321234356");
    EXPECT_EQ(dialog.remoteTag, "9fxced76sl");
    EXPECT_EQ(dialog.remoteSeq, 2u);
    EXPECT_EQ(dialog.localSeq, 0u);
    EXPECT_EQ(dialog.routeSet,
              (std::vector<std::string>{"<sip:p2.example.com;lr>", "<sip:p1.example.com;lr>"}));
    EXPECT_EQ(dialog.remoteTarget, "sip:alice@client.atlanta.example.com");
    EXPECT_EQ(dialog.localUri, "Bob <sip:bob@biloxi.example.com>");
}

TEST(DialogTest, LooseRoutingKeepsTheRemoteTargetInTheRequestUri)
{
    Dialog dialog = MakeUasDialog(Invite(), "8321234356");
    SipMessage bye = MakeInDialogRequest(dialog, "BYE", 1);
    EXPECT_EQ(bye.RequestUri(), "sip:alice@client.atlanta.example.com");
    auto routes = bye.GetAll("Route");
    ASSERT_EQ(routes.size(), 2u);
    EXPECT_EQ(routes[0], "<sip:p2.example.com;lr>");
    EXPECT_EQ(routes[1], "<sip:p1.example.com;lr>");
    EXPECT_EQ(RouteWithin(dialog).nextHopUri, "sip:p2.example.com;lr");
    EXPECT_EQ(*bye.Get("From"), "Bob <sip:bob@biloxi.example.com>;tag=8321234356");
    EXPECT_EQ(*bye.Get("To"), "Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl");
    EXPECT_EQ(*bye.Get("CSeq"), "1 BYE");
    EXPECT_EQ(*bye.Get("Max-Forwards"), "70");
    EXPECT_FALSE(bye.Has("Via"));
    SipMessage wire = bye;
    wire.Prepend("Via", "SIP/2.0/UDP client.biloxi.example.com;branch=z9hG4bKx");
    EXPECT_TRUE(ParseMessage(wire.Serialize()).Ok());
}

TEST(DialogTest, StrictRouterGetsTheRequestUriAndTheTargetGoesLast)
{
    Dialog dialog;
    dialog.callId = "c";
    dialog.localTag = "a";
    dialog.remoteTag = "b";
    dialog.localUri = "<sip:alice@atlanta.example.com>";
    dialog.remoteUri = "<sip:bob@biloxi.example.com>";
    dialog.routeSet = {"<sip:strict.example.com;method=INVITE>", "<sip:p2.example.com;lr>"};
    dialog.remoteTarget = "sip:bob@client.biloxi.example.com";
    DialogRouting routing = RouteWithin(dialog);
    EXPECT_EQ(routing.requestUri, "sip:strict.example.com");
    EXPECT_EQ(routing.nextHopUri, "sip:strict.example.com;method=INVITE");
    EXPECT_EQ(routing.routes, (std::vector<std::string>{"<sip:p2.example.com;lr>",
                                                        "<sip:bob@client.biloxi.example.com>"}));
}

TEST(DialogTest, RoutingFollowsAFirstRouteChangedAfterItWasRead)
{
    // RouteWithin keeps what it read of the first route; a dialog whose route set is
    // replaced (or a copy edited) must be routed by the new entry, not the remembered one.
    Dialog dialog;
    dialog.routeSet = {"<sip:p1.example.com;lr>"};
    dialog.remoteTarget = "sip:bob@client.biloxi.example.com";
    EXPECT_EQ(RouteWithin(dialog).requestUri, "sip:bob@client.biloxi.example.com");
    Dialog copy = dialog;
    copy.routeSet = {"<sip:strict.example.com>"};
    const DialogRouting strict = RouteWithin(copy);
    EXPECT_EQ(strict.requestUri, "sip:strict.example.com");
    EXPECT_EQ(strict.nextHopUri, "sip:strict.example.com");
    dialog.routeSet = {"<sip:p2.example.com;lr>"};
    EXPECT_EQ(RouteWithin(dialog).nextHopUri, "sip:p2.example.com;lr");
    EXPECT_EQ(RouteWithin(dialog).routes, dialog.routeSet);
}

TEST(DialogTest, EmptyRouteSetGoesStraightToTheTarget)
{
    SipMessage invite = Invite();
    invite.Remove("Record-Route");
    Dialog dialog = MakeUasDialog(invite, "x");
    DialogRouting routing = RouteWithin(dialog);
    EXPECT_EQ(routing.requestUri, "sip:alice@client.atlanta.example.com");
    EXPECT_EQ(routing.nextHopUri, "sip:alice@client.atlanta.example.com");
    EXPECT_TRUE(routing.routes.empty());
}

TEST(DialogTest, Rfc2543PeerWithoutTagsOrContact)
{
    SipMessage invite = SipMessage::MakeRequest("INVITE", "sip:UserB@example.com");
    invite.Add("Via", "SIP/2.0/UDP iftgw.example.com");
    invite.Add("From", "<sip:+13035551111@ift.client.example.net;user=phone>");
    invite.Add("To", "sip:+16505552222@ss1.example.net;user=phone");
    invite.Add("Call-ID", "inv2543.1717@ift.client.example.com");
    invite.Add("CSeq", "56 INVITE");
    Dialog dialog = MakeUasDialog(invite, "t1");
    EXPECT_TRUE(dialog.remoteTag.empty());
    EXPECT_EQ(dialog.remoteTarget, "sip:+13035551111@ift.client.example.net;user=phone");
    SipMessage bye = MakeInDialogRequest(dialog, "BYE", 1);
    EXPECT_EQ(*bye.Get("To"), "<sip:+13035551111@ift.client.example.net;user=phone>");
    auto to = GetTo(bye);
    ASSERT_TRUE(to.Ok());
    EXPECT_TRUE(to->Tag().empty());
}

TEST(DialogTest, HelpersStripTagsAndFindUris)
{
    EXPECT_EQ(WithoutTag("Bob <sip:bob@b.example.com>;tag=1;x=y"),
              "Bob <sip:bob@b.example.com>;x=y");
    EXPECT_EQ(WithoutTag("sip:bob@b.example.com"), "sip:bob@b.example.com");
    EXPECT_EQ(UriOf("\"B\" <sip:bob@b.example.com;lr>;p=1"), "sip:bob@b.example.com;lr");
}

} // namespace
} // namespace sipsim
