// Proxy behaviour over a virtual network with scripted peers: forwarding (§16.6),
// validation (§16.3: 400, 483, 482, 420, 416), targets (§16.5: 404, 480), stateless mode
// (§16.11), route processing (§16.4, §16.12), stray responses and state release.
#include "proxy_test_util.h"

#include <gtest/gtest.h>

namespace sipsim::proxytest
{
namespace
{

TEST_F(ProxyTest, ForwardsInviteToRegisteredContactWithViaRecordRouteAndMaxForwards)
{
    Build();
    Send(MakeRequest("INVITE", "sip:bob@example.com", "z9hG4bKa1"));
    net.RunFor(Milliseconds(100));

    ASSERT_EQ(callee.Requests("INVITE").size(), 1u);
    const SipMessage forwarded = callee.Requests("INVITE")[0];
    EXPECT_EQ(forwarded.RequestUri(), "sip:bob@192.0.2.201");
    EXPECT_EQ(HeaderOf(forwarded, "Max-Forwards"), "69");
    EXPECT_EQ(HeaderOf(forwarded, "Record-Route"), "<sip:proxy.example.com;lr>");
    auto vias = GetVias(forwarded);
    ASSERT_TRUE(vias.Ok());
    ASSERT_EQ(vias->size(), 2u);
    EXPECT_EQ((*vias)[0].host, "proxy.example.com");
    EXPECT_EQ((*vias)[0].port, 5060);
    EXPECT_EQ((*vias)[0].Branch().rfind("z9hG4bK", 0), 0u);
    EXPECT_NE((*vias)[0].Branch().find('.'), std::string::npos); // loop-detection part
    EXPECT_EQ((*vias)[1].Branch(), "z9hG4bKa1");
    // §16.2: 100 Trying to the caller at once, and it is the only response so far.
    ASSERT_EQ(caller.received.size(), 1u);
    EXPECT_EQ(caller.received[0].StatusCode(), 100);
    EXPECT_EQ(proxy->Counters().requestsForwarded.at("INVITE"), 1u);
}

TEST_F(ProxyTest, StampedViaKeepsItsPlaceAtTheTop)
{
    Build();
    SipMessage request = MakeRequest("INVITE", "sip:bob@example.com", "z9hG4bKa2");
    // A host name in sent-by: the proxy adds received= (§18.2.1).
    request.Set("Via", "SIP/2.0/UDP client.example.com:5060;branch=z9hG4bKa2");
    Send(request);
    net.RunFor(Milliseconds(100));

    ASSERT_EQ(callee.Requests("INVITE").size(), 1u);
    const SipMessage forwarded = callee.Requests("INVITE")[0];
    auto vias = GetVias(forwarded);
    ASSERT_TRUE(vias.Ok());
    ASSERT_EQ(vias->size(), 2u);
    EXPECT_EQ((*vias)[1].Received(), "192.0.2.101");
    // §7.3.1: Via belongs at the top; the stamp must not move the caller's Via (and the
    // proxy's above it) below the other headers.
    const std::vector<HeaderField>& lines = forwarded.Headers();
    ASSERT_GE(lines.size(), 3u);
    EXPECT_EQ(lines[0].name, "Via");
    EXPECT_EQ(lines[1].name, "Via");
    EXPECT_EQ(lines[2].name, "Max-Forwards");
}

TEST_F(ProxyTest, AddsMaxForwardsSeventyWhenAbsent)
{
    Build();
    Send(MakeRequest("INVITE", "sip:bob@example.com", "z9hG4bKa1", "c@x", 1, ""));
    net.RunFor(Milliseconds(100));
    ASSERT_EQ(callee.Requests("INVITE").size(), 1u);
    EXPECT_EQ(HeaderOf(callee.Requests("INVITE")[0], "Max-Forwards"), "70");
}

TEST_F(ProxyTest, ResponsesFlowBackAndHundredIsNotForwarded)
{
    Build();
    callee.onMessage = Answering({100, 180, 200});
    Send(MakeRequest("INVITE", "sip:bob@example.com", "z9hG4bKa1"));
    net.RunFor(Milliseconds(200));

    // The caller sees the proxy's own 100, then 180 and 200 from the callee; the callee's
    // 100 is absorbed (§16.7 step 5).
    std::vector<int> codes;
    for (const auto& r : caller.Responses())
    {
        codes.push_back(r.StatusCode());
    }
    EXPECT_EQ(codes, (std::vector<int>{100, 180, 200}));
    for (const auto& r : caller.Responses())
    {
        EXPECT_EQ(ViaCount(r), 1u);
        EXPECT_EQ(TopBranchOf(r), "z9hG4bKa1");
    }
    EXPECT_EQ(HeaderOf(caller.Responses(200)[0], "Record-Route"), "<sip:proxy.example.com;lr>");
    EXPECT_EQ(proxy->Counters().responsesForwarded.count(100), 0u);
}

TEST_F(ProxyTest, MaxForwardsZeroGets483)
{
    Build();
    Send(MakeRequest("INVITE", "sip:bob@example.com", "z9hG4bKa1", "c@x", 1, "0"));
    net.RunFor(Milliseconds(100));
    EXPECT_TRUE(callee.received.empty());
    ASSERT_EQ(caller.Responses(483).size(), 1u);
    EXPECT_FALSE(GetTo(caller.Responses(483)[0])->Tag().empty());
    EXPECT_EQ(caller.Responses(100).size(), 0u); // rejected at once, no 100
    EXPECT_EQ(proxy->Counters().tooManyHops, 1u);
    auto events = DrainProxyEvents(*proxy);
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.back().kind, ProxyEventKind::TooManyHops);
}

TEST_F(ProxyTest, OptionsWithMaxForwardsZeroIsAnsweredWhenConfigured)
{
    ProxyConfig config = BasicProxyConfig();
    config.answerOptionsAtZeroMaxForwards = true;
    Build(config);
    Send(MakeRequest("OPTIONS", "sip:bob@example.com", "z9hG4bKo1", "c@x", 1, "0"));
    net.RunFor(Milliseconds(100));
    EXPECT_TRUE(callee.received.empty());
    ASSERT_EQ(caller.Responses(200).size(), 1u);
    EXPECT_NE(HeaderOf(caller.Responses(200)[0], "Allow").find("OPTIONS"), std::string::npos);
}

TEST_F(ProxyTest, OptionsToTheProxyOrItsDomainIsAnsweredLocally)
{
    Build();
    Send(MakeRequest("OPTIONS", "sip:example.com", "z9hG4bKo2", "o1@x"));
    Send(MakeRequest("OPTIONS", "sip:proxy.example.com", "z9hG4bKo3", "o2@x"));
    net.RunFor(Milliseconds(100));
    EXPECT_EQ(caller.Responses(200, "OPTIONS").size(), 2u);
    EXPECT_TRUE(callee.received.empty());
}

TEST_F(ProxyTest, LoopBetweenTwoProxiesGets482)
{
    ProxyConfig c1 = BasicProxyConfig();
    c1.staticRoutes["loop.example.net"] = NextHop::At(kProxy2Addr);
    Build(c1);
    ProxyConfig c2 = BasicProxyConfig();
    c2.hostName = "proxy2.example.org";
    c2.localAddress = kProxy2Addr;
    c2.domains = {"example.org"};
    c2.staticRoutes["loop.example.net"] = NextHop::At(kProxyAddr);
    SplitMixRandom random2{8};
    Proxy proxy2(c2, random2);
    net.Attach(kProxy2Addr, proxy2);

    Send(MakeRequest("INVITE", "sip:x@loop.example.net", "z9hG4bKloop"));
    net.RunFor(Seconds(1));

    EXPECT_EQ(proxy->Counters().loopsDetected, 1u);
    ASSERT_EQ(caller.Responses(482).size(), 1u);
    // It went round exactly once: proxy -> proxy2 -> proxy.
    EXPECT_EQ(proxy->Counters().requestsForwarded.at("INVITE"), 1u);
    EXPECT_EQ(proxy2.Counters().requestsForwarded.at("INVITE"), 1u);
}

TEST_F(ProxyTest, SpiralWithChangedRequestUriIsNotALoop)
{
    // proxy: bob@example.com -> bob@example.org (proxy2's domain);
    // proxy2: bob@example.org -> carol@example.com (back to proxy);
    // proxy: carol@example.com -> the callee. Our Via is in the request on the second
    // pass, but the Request-URI changed: a spiral (§16.3 step 4).
    ProxyConfig c1 = BasicProxyConfig();
    c1.staticRoutes["example.org"] = NextHop::At(kProxy2Addr);
    Build(c1);
    proxy->Location().Remove("sip:bob@example.com");
    proxy->Location().Add("sip:bob@example.com", "sip:bob@example.org", net.Now(), Seconds(60));
    proxy->Location().Add("sip:carol@example.com", "sip:carol@192.0.2.201", net.Now(), Seconds(60));
    ProxyConfig c2 = BasicProxyConfig();
    c2.hostName = "proxy2.example.org";
    c2.localAddress = kProxy2Addr;
    c2.domains = {"example.org"};
    c2.staticRoutes["example.com"] = NextHop::At(kProxyAddr);
    SplitMixRandom random2{8};
    Proxy proxy2(c2, random2);
    proxy2.Location().Add("sip:bob@example.org", "sip:carol@example.com", net.Now(), Seconds(60));
    net.Attach(kProxy2Addr, proxy2);

    callee.onMessage = Answering({180});
    Send(MakeRequest("INVITE", "sip:bob@example.com", "z9hG4bKspiral"));
    net.RunFor(Seconds(1));

    EXPECT_EQ(proxy->Counters().loopsDetected, 0u);
    ASSERT_EQ(callee.Requests("INVITE").size(), 1u);
    const SipMessage arrived = callee.Requests("INVITE")[0];
    EXPECT_EQ(arrived.RequestUri(), "sip:carol@192.0.2.201");
    EXPECT_EQ(ViaCount(arrived), 4u);
    EXPECT_EQ(HeaderOf(arrived, "Max-Forwards"), "67");
}

TEST_F(ProxyTest, UnknownProxyRequireGets420WithUnsupported)
{
    Build();
    SipMessage invite = MakeRequest("INVITE", "sip:bob@example.com", "z9hG4bKa1");
    invite.Add("Proxy-Require", "foo, bar");
    invite.Add("Require", "baz"); // for the UAS; a proxy ignores Require
    Send(invite);
    net.RunFor(Milliseconds(100));
    EXPECT_TRUE(callee.received.empty());
    ASSERT_EQ(caller.Responses(420).size(), 1u);
    EXPECT_EQ(HeaderOf(caller.Responses(420)[0], "Unsupported"), "foo, bar");
}

TEST_F(ProxyTest, KnownProxyRequireTagIsForwarded)
{
    ProxyConfig config = BasicProxyConfig();
    config.supportedOptionTags = {"foo"};
    Build(config);
    SipMessage invite = MakeRequest("INVITE", "sip:bob@example.com", "z9hG4bKa1");
    invite.Add("Proxy-Require", "foo");
    Send(invite);
    net.RunFor(Milliseconds(100));
    ASSERT_EQ(callee.Requests("INVITE").size(), 1u);
    EXPECT_EQ(HeaderOf(callee.Requests("INVITE")[0], "Proxy-Require"), "foo");
}

TEST_F(ProxyTest, UnknownUriSchemeGets416)
{
    Build();
    Send(MakeRequest("INVITE", "tel:+15551234", "z9hG4bKa1"));
    net.RunFor(Milliseconds(100));
    ASSERT_EQ(caller.Responses(416).size(), 1u);
    EXPECT_EQ(proxy->Counters().unsupportedSchemes, 1u);
}

TEST_F(ProxyTest, UnknownUserGets404AndKnownUnregisteredUser480)
{
    ProxyConfig config = BasicProxyConfig();
    config.knownUsers = {"sip:carol@example.com"};
    Build(config);
    Send(MakeRequest("INVITE", "sip:nobody@example.com", "z9hG4bKa1", "c1@x"));
    Send(MakeRequest("INVITE", "sip:carol@example.com", "z9hG4bKa2", "c2@x"));
    net.RunFor(Milliseconds(100));
    EXPECT_EQ(caller.Responses(404).size(), 1u);
    EXPECT_EQ(caller.Responses(480).size(), 1u);
    EXPECT_TRUE(callee.received.empty());
}

TEST_F(ProxyTest, UnparseableRequestGets400)
{
    Build();
    net.Inject(kCallerAddr, kProxyAddr,
               "INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.101:5060;"
               "branch=z9hG4bKbad\r\nFrom: <sip:a@example.com>;tag=1\r\nTo: <sip:bob@example."
               "com>\r\nCall-ID: bad@x\r\nCSeq: 1 BYE\r\nMax-Forwards: 70\r\n"
               "Content-Length: 0\r\n\r\n");
    net.RunFor(Milliseconds(100));
    EXPECT_EQ(caller.Responses(400).size(), 1u);
    EXPECT_TRUE(callee.received.empty());
}

TEST_F(ProxyTest, StatelessProxyForwardsBothWaysWithDeterministicBranch)
{
    ProxyConfig config = BasicProxyConfig();
    config.stateful = false;
    Build(config);
    callee.onMessage = Answering({180, 200});
    const SipMessage invite = MakeRequest("INVITE", "sip:bob@example.com", "z9hG4bKs1");
    Send(invite);
    net.RunFor(Milliseconds(100));
    Send(invite); // a retransmission: forwarded again, same branch (§16.11)
    Send(MakeCancel(invite));
    net.RunFor(Milliseconds(100));

    const auto invites = callee.Requests("INVITE");
    ASSERT_EQ(invites.size(), 2u);
    EXPECT_EQ(TopBranchOf(invites[0]), TopBranchOf(invites[1]));
    EXPECT_EQ(ViaCount(invites[0]), 2u);
    EXPECT_EQ(HeaderOf(invites[0], "Max-Forwards"), "69");
    ASSERT_EQ(callee.Requests("CANCEL").size(), 1u);
    EXPECT_EQ(TopBranchOf(callee.Requests("CANCEL")[0]), TopBranchOf(invites[0]));

    // No 100 of its own; the callee's responses come back with our Via removed.
    EXPECT_EQ(caller.Responses(100).size(), 0u);
    EXPECT_EQ(caller.Responses(180).size(), 2u);
    ASSERT_EQ(caller.Responses(200, "INVITE").size(), 2u);
    EXPECT_EQ(ViaCount(caller.Responses(200, "INVITE")[0]), 1u);
    EXPECT_EQ(TopBranchOf(caller.Responses(200, "INVITE")[0]), "z9hG4bKs1");
    EXPECT_EQ(proxy->ResponseContextCount(), 0u);
    EXPECT_EQ(proxy->Transactions().ServerTxnCount(), 0u);
    EXPECT_EQ(proxy->Transactions().ClientTxnCount(), 0u);
}

TEST_F(ProxyTest, StatelessProxyAbsorbsAckForItsOwnError)
{
    ProxyConfig config = BasicProxyConfig();
    config.stateful = false;
    Build(config);
    const SipMessage invite = MakeRequest("INVITE", "sip:nobody@example.com", "z9hG4bKs2");
    Send(invite);
    net.RunFor(Milliseconds(100));
    ASSERT_EQ(caller.Responses(404).size(), 1u);
    Send(MakeAckForNon2xx(invite, caller.Responses(404)[0]));
    Send(invite); // retransmission: the same answer, same To tag
    net.RunFor(Milliseconds(100));
    ASSERT_EQ(caller.Responses(404).size(), 2u);
    EXPECT_EQ(GetTo(caller.Responses(404)[0])->Tag(), GetTo(caller.Responses(404)[1])->Tag());
    EXPECT_TRUE(callee.received.empty()); // the ACK was not forwarded
}

TEST_F(ProxyTest, LooseRouteToUsIsPoppedAndNextRouteFollowed)
{
    Build();
    SipMessage bye = MakeRequest("BYE", "sip:bob@192.0.2.201", "z9hG4bKr1", "dlg@x", 2);
    bye.Set("To", "<sip:bob@example.com>;tag=b1");
    bye.Add("Route", "<sip:proxy.example.com;lr>, <sip:192.0.2.202;lr>");
    Send(bye);
    net.RunFor(Milliseconds(100));
    ASSERT_EQ(callee2.Requests("BYE").size(), 1u); // the next Route, not the Request-URI
    const SipMessage forwarded = callee2.Requests("BYE")[0];
    EXPECT_EQ(forwarded.RequestUri(), "sip:bob@192.0.2.201");
    EXPECT_EQ(HeaderOf(forwarded, "Route"), "<sip:192.0.2.202;lr>");
    EXPECT_FALSE(forwarded.Has("Record-Route")); // BYE creates no dialog
}

TEST_F(ProxyTest, StrictRouterRequestUriIsRestoredFromLastRoute)
{
    Build();
    // A strict router put our Record-Route URI in the Request-URI and moved the real
    // target to the end of Route (§16.4).
    SipMessage bye = MakeRequest("BYE", "sip:proxy.example.com;lr", "z9hG4bKr2", "dlg@x", 2);
    bye.Set("To", "<sip:bob@example.com>;tag=b1");
    bye.Add("Route", "<sip:bob@192.0.2.201>");
    Send(bye);
    net.RunFor(Milliseconds(100));
    ASSERT_EQ(callee.Requests("BYE").size(), 1u);
    EXPECT_EQ(callee.Requests("BYE")[0].RequestUri(), "sip:bob@192.0.2.201");
    EXPECT_FALSE(callee.Requests("BYE")[0].Has("Route"));
}

TEST_F(ProxyTest, NextHopStrictRouterGetsRequestUriFormat)
{
    Build();
    SipMessage bye = MakeRequest("BYE", "sip:bob@192.0.2.201", "z9hG4bKr3", "dlg@x", 2);
    bye.Set("To", "<sip:bob@example.com>;tag=b1");
    bye.Add("Route", "<sip:192.0.2.202>");
    Send(bye);
    net.RunFor(Milliseconds(100));
    ASSERT_EQ(callee2.Requests("BYE").size(), 1u);
    const SipMessage forwarded = callee2.Requests("BYE")[0];
    EXPECT_EQ(forwarded.RequestUri(), "sip:192.0.2.202");
    EXPECT_EQ(HeaderOf(forwarded, "Route"), "<sip:bob@192.0.2.201>");
}

TEST_F(ProxyTest, StrayResponseWithOurViaIsForwardedStatelessly)
{
    Build();
    SipMessage ok = SipMessage::MakeResponse(200, "OK");
    ok.Add("Via", "SIP/2.0/UDP proxy.example.com:5060;branch=z9hG4bKgone.1234");
    ok.Add("Via", "SIP/2.0/UDP 192.0.2.101:5060;branch=z9hG4bKorig");
    ok.Add("From", "<sip:alice@example.com>;tag=a1");
    ok.Add("To", "<sip:bob@example.com>;tag=b1");
    ok.Add("Call-ID", "late@x");
    ok.Add("CSeq", "1 INVITE");
    ok.Add("Content-Length", "0");
    callee.Send(ok, kProxyAddr);
    SipMessage foreign = ok;
    foreign.RemoveFirstValue("Via"); // top Via not ours: dropped
    callee.Send(foreign, kProxyAddr);
    net.Flush();
    net.RunFor(Milliseconds(100));
    ASSERT_EQ(caller.Responses(200).size(), 1u);
    EXPECT_EQ(ViaCount(caller.Responses(200)[0]), 1u);
    EXPECT_EQ(proxy->Counters().responsesDropped, 1u);
}

TEST_F(ProxyTest, WithoutImmediateTryingTheTransactionLayerSends100After200ms)
{
    ProxyConfig config = BasicProxyConfig();
    config.sendTryingImmediately = false;
    Build(config); // the callee stays silent, so no provisional preempts the 100
    Send(MakeRequest("INVITE", "sip:bob@example.com", "z9hG4bKy1"));
    // A BYE (non-INVITE) never gets a 100 from the proxy (§16.2).
    SipMessage bye = MakeRequest("BYE", "sip:bob@192.0.2.201", "z9hG4bKy2", "other@x");
    bye.Set("To", "<sip:bob@example.com>;tag=b1");
    Send(bye);
    net.RunFor(Seconds(1));
    const auto trying = net.Matching("SIP/2.0 100");
    ASSERT_EQ(trying.size(), 1u);
    EXPECT_EQ(trying[0].sentAt, Milliseconds(210));
    EXPECT_EQ(GetCSeq(*ParseMessage(trying[0].data))->method, "INVITE");
}

TEST_F(ProxyTest, NoRouteActsAs408)
{
    Build();
    Send(MakeRequest("INVITE", "sip:x@unknown.example.net", "z9hG4bKn1"));
    net.RunFor(Milliseconds(100));
    EXPECT_EQ(caller.Responses(408).size(), 1u);
    EXPECT_EQ(proxy->Counters().noRoute, 1u);
}

TEST_F(ProxyTest, StateIsReleasedWhenTransactionsEnd)
{
    Build();
    callee.onMessage = Answering({180, 200});
    SipMessage invite = MakeRequest("INVITE", "sip:bob@example.com", "z9hG4bKm1");
    Send(invite);
    net.RunFor(Milliseconds(100));
    // ACK for the 2xx, routed by the Record-Route set like a UA would.
    SipMessage ack = MakeRequest("ACK", "sip:bob@192.0.2.201", "z9hG4bKm2", "call-1@192.0.2.101");
    ack.Set("To", HeaderOf(caller.Responses(200)[0], "To"));
    ack.Add("Route", "<sip:proxy.example.com;lr>");
    Send(ack);
    SipMessage bye =
        MakeRequest("BYE", "sip:bob@192.0.2.201", "z9hG4bKm3", "call-1@192.0.2.101", 2);
    bye.Set("To", HeaderOf(caller.Responses(200)[0], "To"));
    bye.Add("Route", "<sip:proxy.example.com;lr>");
    Send(bye);
    net.RunFor(Milliseconds(100));
    EXPECT_EQ(callee.Requests("ACK").size(), 1u);
    EXPECT_EQ(callee.Requests("BYE").size(), 1u);
    EXPECT_EQ(caller.Responses(200, "BYE").size(), 1u);
    EXPECT_GE(proxy->ResponseContextCount(), 1u);

    net.RunFor(Seconds(40)); // Timers L/M (32 s), J (32 s), K (5 s)
    EXPECT_EQ(proxy->ResponseContextCount(), 0u);
    EXPECT_EQ(proxy->Transactions().ServerTxnCount(), 0u);
    EXPECT_EQ(proxy->Transactions().ClientTxnCount(), 0u);
    EXPECT_FALSE(proxy->NextDeadline().has_value());
}

TEST_F(ProxyTest, ProcessingWeightHookAndObserver)
{
    ProxyConfig config = BasicProxyConfig();
    int observed = 0;
    config.observer = [&observed](const SipMessage&) { ++observed; };
    Build(config);
    const SipMessage invite = MakeRequest("INVITE", "sip:bob@example.com", "z9hG4bKp1");
    EXPECT_DOUBLE_EQ(proxy->ProcessingWeight(invite), 1.5);
    EXPECT_DOUBLE_EQ(proxy->ProcessingWeight(Answer(invite, 180)), 0.5);
    Send(invite);
    net.RunFor(Milliseconds(100));
    EXPECT_EQ(observed, 1);

    ProxyConfig weighted = BasicProxyConfig();
    weighted.processingWeight = [](const SipMessage& m) { return m.IsRequest() ? 3.0 : 1.0; };
    SplitMixRandom r{3};
    Proxy custom(weighted, r);
    EXPECT_DOUBLE_EQ(custom.ProcessingWeight(invite), 3.0);
}

/// Caller -> proxy (example.com) -> proxy2 (example.org) -> callee, each proxy with the
/// given memo of validated lines; returns the INVITEs the callee received, as bytes.
std::vector<std::string>
RunThroughTwoProxies(std::shared_ptr<ValidatedLines> memo1, std::shared_ptr<ValidatedLines> memo2,
                     const SipMessage& invite)
{
    VirtualNetwork net;
    Peer caller(kCallerAddr);
    Peer callee(kCalleeAddr);
    ProxyConfig c1 = BasicProxyConfig();
    c1.staticRoutes["example.org"] = NextHop::At(kProxy2Addr);
    ProxyConfig c2 = BasicProxyConfig();
    c2.hostName = "proxy2.example.org";
    c2.localAddress = kProxy2Addr;
    c2.domains = {"example.org"};
    SplitMixRandom random1{7};
    SplitMixRandom random2{8};
    Proxy proxy1(c1, random1);
    Proxy proxy2(c2, random2);
    proxy2.Location().Add("sip:bob@example.org", "sip:bob@192.0.2.201", net.Now(), Seconds(60));
    proxy1.ShareValidatedLines(std::move(memo1));
    proxy2.ShareValidatedLines(std::move(memo2));
    net.Attach(kProxyAddr, proxy1);
    net.Attach(kProxy2Addr, proxy2);
    net.Attach(kCallerAddr, caller);
    net.Attach(kCalleeAddr, callee);
    caller.Send(invite, kProxyAddr);
    net.Flush();
    net.RunFor(Milliseconds(100));
    std::vector<std::string> arrived;
    for (const SipMessage& m : callee.Requests("INVITE"))
    {
        arrived.push_back(m.Serialize());
    }
    return arrived;
}

TEST(ProxySharedValidatedLines, ALinePassedAtOneHopIsNotCheckedAgainAtTheNext)
{
    const SipMessage invite = MakeRequest("INVITE", "sip:bob@example.org", "z9hG4bKshared");
    auto own1 = std::make_shared<ValidatedLines>(256);
    auto own2 = std::make_shared<ValidatedLines>(256);
    const auto separate = RunThroughTwoProxies(own1, own2, invite);
    auto shared = std::make_shared<ValidatedLines>(256);
    const auto together = RunThroughTwoProxies(shared, shared, invite);

    ASSERT_EQ(separate.size(), 1u);
    EXPECT_EQ(together, separate); // same forwarding, byte for byte
    // From, To, Call-ID and the caller's Via line reach both proxies: the second one finds
    // them already passed, so the shared memo holds fewer lines than the two own ones.
    EXPECT_GT(own2->Size(), 0u);
    EXPECT_LT(shared->Size(), own1->Size() + own2->Size());
    EXPECT_GE(shared->Size(), own1->Size());

    // It remembers passes only: a broken From still fails at a proxy sharing it.
    SipMessage broken = MakeRequest("INVITE", "sip:bob@example.org", "z9hG4bKbroken");
    broken.Remove("From");
    broken.Add("From", "<sip:alice@example.com;tag=1");
    EXPECT_TRUE(RunThroughTwoProxies(shared, shared, broken).empty());
}

} // namespace
} // namespace sipsim::proxytest
