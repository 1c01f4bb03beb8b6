// Proxy response handling (§16.7): CANCEL (§16.10), forking and the best final response
// (6xx, lowest class, 503 -> 500, 401/407 aggregation, 2xx wins), Timer C (§16.8) and
// transport errors (§16.9).
#include "proxy_test_util.h"

#include <gtest/gtest.h>

namespace sipsim::proxytest
{
namespace
{

TEST_F(ProxyTest, CancelGets200AndTheCalleesFinal487FlowsBack)
{
    Build();
    callee.onMessage = RingingUntilCancelled();
    const SipMessage invite = MakeRequest("INVITE", "sip:bob@example.com", "z9hG4bKc1");
    caller.onMessage = [invite](Peer& peer, TimePoint, const SipMessage& m) {
        if (m.IsResponse() && m.StatusCode() == 180)
        {
            peer.Send(MakeCancel(invite), kProxyAddr);
        }
        else if (m.IsResponse() && m.StatusCode() == 487)
        {
            peer.Send(MakeAckForNon2xx(invite, m), kProxyAddr);
        }
    };
    Send(invite);
    net.RunFor(Seconds(1));

    ASSERT_EQ(caller.Responses(200, "CANCEL").size(), 1u);
    ASSERT_EQ(caller.Responses(487, "INVITE").size(), 1u);
    ASSERT_EQ(callee.Requests("CANCEL").size(), 1u);
    // The downstream CANCEL matches the forwarded INVITE's transaction (§9.1).
    EXPECT_EQ(TopBranchOf(callee.Requests("CANCEL")[0]), TopBranchOf(callee.Requests("INVITE")[0]));
    EXPECT_EQ(callee.Requests("ACK").size(), 1u); // the proxy's client transaction ACKs 487
    EXPECT_EQ(proxy->Counters().cancelsReceived, 1u);
    EXPECT_EQ(proxy->Counters().cancelsSent, 1u);
    // Order at the caller: 100, 180, 200 (CANCEL), 487.
    std::vector<int> codes;
    for (const auto& r : caller.Responses())
    {
        codes.push_back(r.StatusCode());
    }
    EXPECT_EQ(codes, (std::vector<int>{100, 180, 200, 487}));
    // No retransmissions: every transaction got what it waited for.
    for (const auto& record : net.Log())
    {
        EXPECT_FALSE(record.retransmission) << record.StartLine();
    }
}

TEST_F(ProxyTest, CancelBeforeProvisionalWaitsForIt)
{
    Build();
    // The callee answers 180 only after 300 ms; the CANCEL arrives before that.
    SipMessage pendingInvite;
    bool haveInvite = false;
    callee.onMessage = [&](Peer& peer, TimePoint, const SipMessage& m) {
        if (m.IsRequest() && m.Method() == "INVITE")
        {
            pendingInvite = m;
            haveInvite = true;
        }
        else if (m.IsRequest() && m.Method() == "CANCEL")
        {
            peer.Send(Answer(m, 200), kProxyAddr);
            peer.Send(Answer(pendingInvite, 487), kProxyAddr);
        }
    };
    const SipMessage invite = MakeRequest("INVITE", "sip:bob@example.com", "z9hG4bKc2");
    Send(invite);
    net.RunFor(Milliseconds(50));
    Send(MakeCancel(invite));
    net.RunFor(Milliseconds(100));
    ASSERT_TRUE(haveInvite);
    EXPECT_EQ(caller.Responses(200, "CANCEL").size(), 1u);
    EXPECT_TRUE(callee.Requests("CANCEL").empty()); // §9.1: not before a provisional
    callee.Send(Answer(pendingInvite, 180), kProxyAddr);
    net.Flush();
    net.RunFor(Milliseconds(200));
    EXPECT_EQ(callee.Requests("CANCEL").size(), 1u);
    EXPECT_EQ(caller.Responses(487, "INVITE").size(), 1u);
}

class ForkingTest : public ProxyTest
{
protected:
    void SetUp() override
    {
        Build();
        proxy->Location().Add("sip:bob@example.com", "sip:bob@192.0.2.202", net.Now(),
                              Seconds(3600));
    }
    std::vector<int> CallerFinals() const
    {
        std::vector<int> codes;
        for (const auto& r : caller.Responses(0, "INVITE"))
        {
            if (r.StatusCode() >= 200)
            {
                codes.push_back(r.StatusCode());
            }
        }
        return codes;
    }
};

TEST_F(ForkingTest, LowestClassWinsOver503)
{
    callee.onMessage = Answering({503});
    callee2.onMessage = Answering({486});
    Send(MakeRequest("INVITE", "sip:bob@example.com", "z9hG4bKf1"));
    net.RunFor(Seconds(1));
    EXPECT_EQ(callee.Requests("INVITE").size(), 1u);
    EXPECT_EQ(callee2.Requests("INVITE").size(), 1u);
    EXPECT_EQ(CallerFinals(), (std::vector<int>{486}));
    EXPECT_EQ(callee.Requests("ACK").size(), 1u);
    EXPECT_EQ(callee2.Requests("ACK").size(), 1u);
}

TEST_F(ForkingTest, Lone503Becomes500)
{
    proxy->Location().Remove("sip:bob@example.com");
    proxy->Location().Add("sip:bob@example.com", "sip:bob@192.0.2.201", net.Now(), Seconds(60));
    callee.onMessage = Answering({503});
    Send(MakeRequest("INVITE", "sip:bob@example.com", "z9hG4bKf2"));
    net.RunFor(Seconds(1));
    EXPECT_EQ(CallerFinals(), (std::vector<int>{500}));
}

TEST_F(ForkingTest, SixHundredCancelsOtherBranchesAndWins)
{
    callee.onMessage = RingingUntilCancelled();
    // callee2 declines 50 ms after the INVITE, once callee has rung.
    SipMessage invite2;
    callee2.onMessage = [&](Peer&, TimePoint, const SipMessage& m) {
        if (m.IsRequest() && m.Method() == "INVITE")
        {
            invite2 = m;
        }
    };
    Send(MakeRequest("INVITE", "sip:bob@example.com", "z9hG4bKf3"));
    net.RunFor(Milliseconds(50));
    callee2.Send(Answer(invite2, 603), kProxyAddr);
    net.Flush();
    net.RunFor(Seconds(1));
    EXPECT_EQ(callee.Requests("CANCEL").size(), 1u);
    EXPECT_EQ(CallerFinals(), (std::vector<int>{603}));
    EXPECT_EQ(caller.Responses(180).size(), 1u);
}

TEST_F(ForkingTest, ChallengesOfAllBranchesAreAggregated)
{
    callee.onMessage = [](Peer& peer, TimePoint, const SipMessage& m) {
        if (m.IsRequest() && m.Method() == "INVITE")
        {
            SipMessage r = Answer(m, 401);
            r.Add("WWW-Authenticate", "Digest realm=\"b1\", nonce=\"n1\"");
            peer.Send(r, kProxyAddr);
        }
    };
    callee2.onMessage = [](Peer& peer, TimePoint, const SipMessage& m) {
        if (m.IsRequest() && m.Method() == "INVITE")
        {
            SipMessage r = Answer(m, 407);
            r.Add("Proxy-Authenticate", "Digest realm=\"b2\", nonce=\"n2\"");
            peer.Send(r, kProxyAddr);
        }
    };
    Send(MakeRequest("INVITE", "sip:bob@example.com", "z9hG4bKf4"));
    net.RunFor(Seconds(1));
    const auto finals = CallerFinals();
    ASSERT_EQ(finals.size(), 1u);
    const SipMessage best = caller.Responses(finals[0])[0];
    EXPECT_EQ(best.Count("WWW-Authenticate"), 1u);
    EXPECT_EQ(best.Count("Proxy-Authenticate"), 1u);
}

TEST_F(ForkingTest, TwoHundredBeatsEarlierFailureAndCancelsTheRest)
{
    callee.onMessage = RingingUntilCancelled();
    callee2.onMessage = Answering({180, 200});
    Send(MakeRequest("INVITE", "sip:bob@example.com", "z9hG4bKf5"));
    net.RunFor(Seconds(1));
    EXPECT_EQ(CallerFinals(), (std::vector<int>{200}));
    EXPECT_EQ(callee.Requests("CANCEL").size(), 1u); // §16.7 step 10
    EXPECT_EQ(callee2.Requests("CANCEL").size(), 0u);
}

TEST_F(ProxyTest, TimerCCancelsARingingBranch)
{
    ProxyConfig config = BasicProxyConfig();
    config.timers.timerC = Seconds(10);
    Build(config);
    callee.onMessage = RingingUntilCancelled();
    const SipMessage invite = MakeRequest("INVITE", "sip:bob@example.com", "z9hG4bKt1");
    caller.onMessage = [invite](Peer& peer, TimePoint, const SipMessage& m) {
        if (m.IsResponse() && m.StatusCode() == 487)
        {
            peer.Send(MakeAckForNon2xx(invite, m), kProxyAddr);
        }
    };
    Send(invite);
    net.RunFor(Seconds(20));

    ASSERT_EQ(callee.Requests("CANCEL").size(), 1u);
    EXPECT_EQ(caller.Responses(487, "INVITE").size(), 1u);
    EXPECT_EQ(proxy->Counters().timerCFired, 1u);
    // Timer C was re-armed by the 180 (arriving at 30 ms) and fired 10 s later.
    const auto cancels = net.Matching("CANCEL");
    ASSERT_EQ(cancels.size(), 1u);
    EXPECT_EQ(cancels[0].sentAt, Milliseconds(30) + Seconds(10));
}

TEST_F(ProxyTest, TimerCWithoutProvisionalActsAs408)
{
    ProxyConfig config = BasicProxyConfig();
    config.timers.timerC = Seconds(10);
    Build(config);
    Send(MakeRequest("INVITE", "sip:bob@example.com", "z9hG4bKt2"));
    net.RunFor(Seconds(20));
    // INVITE retransmitted at 0.5, 1.5, 3.5 and 7.5 s, then Timer C at 10 s.
    EXPECT_EQ(callee.Requests("INVITE").size(), 5u);
    ASSERT_EQ(caller.Responses(408).size(), 1u);
    EXPECT_TRUE(callee.Requests("CANCEL").empty());
    const auto finals = net.Matching("SIP/2.0 408");
    ASSERT_EQ(finals.size(), 1u);
    EXPECT_EQ(finals[0].sentAt, Milliseconds(10) + Seconds(10));
}

TEST_F(ProxyTest, TransportErrorOnTheOnlyBranchGives500Upstream)
{
    Build();
    Send(MakeRequest("INVITE", "sip:bob@example.com", "z9hG4bKe1"));
    net.RunFor(Milliseconds(50));
    ASSERT_EQ(callee.Requests("INVITE").size(), 1u);
    // §16.9: as if the branch answered 503, which alone becomes 500 (§16.7 step 6).
    proxy->HandleTransportError(net.Now(), kCalleeAddr);
    net.Flush();
    net.RunFor(Milliseconds(50));
    EXPECT_EQ(caller.Responses(500).size(), 1u);
    EXPECT_EQ(proxy->Counters().transportErrors, 1u);
}

} // namespace
} // namespace sipsim::proxytest
