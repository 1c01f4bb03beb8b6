// Hand-checked cases for the analytic model: every expected value below is derived in the
// comment next to it from RFC 3261's timer rules, not read back from the implementation.
#include "analytic/call_model.h"
#include "analytic/exchange_chain.h"
#include "analytic/scenario_path.h"
#include "scenario/scenario.h"

#include <cmath>
#include <gtest/gtest.h>

namespace sipsim::analytic
{
namespace
{

const double kT1 = 0.5;
const double kT2 = 4.0;

std::vector<double>
InviteOffsets()
{
    return RetransmitOffsets(kT1, 0.0, 64 * kT1);
}

std::vector<double>
CappedOffsets()
{
    return RetransmitOffsets(kT1, kT2, 64 * kT1);
}

CallModelSpec
Chain(int proxies, double lossForward, double lossReverse, double delay, double ring = 0.0)
{
    CallModelSpec spec;
    spec.elements.push_back("A");
    for (int i = 1; i <= proxies; ++i)
    {
        spec.elements.push_back("P" + std::to_string(i));
    }
    spec.elements.push_back("B");
    spec.hops.assign(spec.elements.size() - 1, HopSpec{lossForward, lossReverse, delay, delay});
    spec.ringTime = ring;
    return spec;
}

TEST(RetransmitOffsets, InviteSendsAtTimerADoublingUntilTimerB)
{
    // Timer A starts at T1 and doubles: 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5; B fires at 32 s.
    EXPECT_EQ(InviteOffsets(), (std::vector<double>{0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5}));
}

TEST(RetransmitOffsets, NonInviteIntervalsCapAtT2)
{
    // Timer E doubles to T2 = 4 s, then stays: 11 sends before Timer F at 32 s.
    EXPECT_EQ(CappedOffsets(),
              (std::vector<double>{0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5}));
}

TEST(RetransmitOffsets, ScaleWithT1)
{
    // T1 = 1 s, T2 = 4 s, timeout 64 s: 0 1 3 7 11 ... 63 (the gaps 1, 2, 4, 4, ...).
    const std::vector<double> o = RetransmitOffsets(1.0, 4.0, 64.0);
    ASSERT_EQ(o.size(), 18u); // 0,1,3 then 7,11,...,63 (15 values)
    EXPECT_DOUBLE_EQ(o.back(), 63.0);
}

TEST(ExchangeChain, InviteAloneFailsWithPToTheSeventh)
{
    const double p = 0.3;
    const ExchangeResult x = SolveExchange(MakeExchange(InviteOffsets(), p, 0.0));
    EXPECT_NEAR(x.failed, std::pow(p, 7), 1e-15);
    EXPECT_NEAR(x.delivered, 1.0 - std::pow(p, 7), 1e-15);
    // Copy k+1 is sent iff the first k were lost: E[sends] = sum_{k<7} p^k.
    EXPECT_NEAR(x.expectedSends, (1.0 - std::pow(p, 7)) / (1.0 - p), 1e-12);
    // First arrival at offset t_k with probability p^k (1 - p).
    const auto atoms = x.firstArrival.Atoms();
    ASSERT_EQ(atoms.size(), 7u);
    for (int k = 0; k < 7; ++k)
    {
        EXPECT_DOUBLE_EQ(atoms[k].first, InviteOffsets()[k]);
        EXPECT_NEAR(atoms[k].second, std::pow(p, k) * (1.0 - p), 1e-15);
    }
}

TEST(ExchangeChain, LostAnswersKeepTheSenderRetransmitting)
{
    // Each try ends the exchange with q = (1-p)^2 (copy and its answer both survive):
    // E[sends] = sum_{k<7} (1-q)^k; P(stopped) = 1 - (1-q)^7.
    const double p = 0.2;
    const double q = (1 - p) * (1 - p);
    const ExchangeResult x = SolveExchange(MakeExchange(InviteOffsets(), p, p));
    EXPECT_NEAR(x.expectedSends, (1 - std::pow(1 - q, 7)) / q, 1e-12);
    EXPECT_NEAR(x.stopped, 1 - std::pow(1 - q, 7), 1e-12);
    EXPECT_NEAR(x.delivered, 1 - std::pow(p, 7), 1e-12);
    EXPECT_NEAR(x.exhausted, x.delivered - x.stopped, 1e-15);
    EXPECT_NEAR(x.failed + x.delivered, 1.0, 1e-15);
    // Every send reaches the receiver with 1 - p.
    EXPECT_NEAR(x.expectedDelivered, (1 - p) * x.expectedSends, 1e-12);
}

TEST(ExchangeChain, FundamentalMatrixMeanMatchesTheDistribution)
{
    const ExchangeResult x = SolveExchange(MakeExchange(CappedOffsets(), 0.4, 0.1));
    EXPECT_NEAR(x.meanFirstArrivalOffset, x.firstArrival.Mean(), 1e-12);
    EXPECT_NEAR(x.firstArrival.Mass(), x.delivered, 1e-15);
}

TEST(ExchangeChain, TotalLossSendsEveryCopyAndFails)
{
    const ExchangeResult x = SolveExchange(MakeExchange(InviteOffsets(), 1.0, 0.0));
    EXPECT_DOUBLE_EQ(x.failed, 1.0);
    EXPECT_DOUBLE_EQ(x.expectedSends, 7.0);
    EXPECT_DOUBLE_EQ(x.expectedDelivered, 0.0);
}

TEST(ExchangeChain, ExternalAnswerStopsRetransmissions)
{
    // Every 100 lost (reply loss 1), but the callee's 180 comes back 10 ms after the copy
    // with probability s: one send then; otherwise all 7 copies and the timer (Exhaust).
    const double s = 0.6;
    ExchangeSpec x = MakeExchange(InviteOffsets(), 0.0, 1.0);
    x.timeout = 32.0;
    x.externalAnswer = DiscreteDistribution::PointMass(0.010, s);
    const ExchangeResult r = SolveExchange(x);
    EXPECT_NEAR(r.expectedSends, s * 1 + (1 - s) * 7, 1e-12);
    EXPECT_NEAR(r.stoppedByExternal, s, 1e-12);
    EXPECT_NEAR(r.exhausted, 1 - s, 1e-12);
    EXPECT_NEAR(r.answerTime.Mass(), s, 1e-12);
    EXPECT_NEAR(r.answerTime.Mean(), 0.010, 1e-12);
}

TEST(ExchangeChain, ExternalAnswerTimedFromTheFirstCopyThatArrives)
{
    // The first copy is lost for sure half the time... here: copy loss p, answers to copies
    // all lost, external answer 0.2 s after the copy that arrives. Copy k+1 arrives first
    // with p^k (1-p); the answer then comes before the next send (gaps >= 0.5 s), so
    // E[sends] = sum_k (k+1) p^k (1-p) + 7 p^7.
    const double p = 0.3;
    ExchangeSpec x = MakeExchange(InviteOffsets(), p, 1.0);
    x.timeout = 32.0;
    x.externalAnswer = DiscreteDistribution::PointMass(0.2);
    const ExchangeResult r = SolveExchange(x);
    double sends = 7 * std::pow(p, 7);
    double time = 0.0;
    for (int k = 0; k < 7; ++k)
    {
        sends += (k + 1) * std::pow(p, k) * (1 - p);
        time += (InviteOffsets()[k] + 0.2) * std::pow(p, k) * (1 - p);
    }
    EXPECT_NEAR(r.expectedSends, sends, 1e-12);
    EXPECT_NEAR(r.answerTime.Mean(), time / (1 - std::pow(p, 7)), 1e-9);
}

TEST(ExchangeChain, ReceiverAnswersOnlyWhenReady)
{
    // A proxy relaying BYE can answer only 1 s after the first copy arrived: copies at 0
    // and 0.5 s go unanswered, the one at 1.5 s is answered (no losses, RTT 10 ms).
    ExchangeSpec x = MakeExchange(CappedOffsets(), 0.0, 0.0);
    x.roundTrip = 0.010;
    x.answerReady = DiscreteDistribution::PointMass(1.0);
    const ExchangeResult r = SolveExchange(x);
    EXPECT_NEAR(r.expectedSends, 3.0, 1e-12);
    EXPECT_NEAR(r.expectedReplies, 1.0, 1e-12);
    EXPECT_NEAR(r.answerTime.Mean(), 1.510, 1e-9);
}

TEST(ExchangeChain, RelayedAnswerAndReadinessComeFromTheSameEvent)
{
    // A proxy relaying BYE is ready 4 ms or 2 s after the first copy (half and half) and
    // then relays the 200 at once (4 ms back to the sender, never lost). Early: 1 send,
    // answer at 8 ms. Late: copies at 0, 0.5, 1.5 s, answer at 2.004 s. A copy that finds
    // the proxy ready would mean the relayed 200 had already arrived, so no copy is ever
    // answered (treating readiness independently would answer the 0.5 s copy half the time).
    ExchangeSpec x = MakeExchange(CappedOffsets(), 0.0, 0.0);
    x.roundTrip = 0.004;
    DiscreteDistribution ready = DiscreteDistribution::PointMass(0.004, 0.5);
    ready.Add(2.0, 0.5);
    x.answerReady = ready;
    x.relayDelay = 0.004;
    const ExchangeResult r = SolveExchange(x);
    EXPECT_NEAR(r.expectedSends, 0.5 * 1 + 0.5 * 3, 1e-12);
    EXPECT_NEAR(r.expectedReplies, 0.0, 1e-12);
    EXPECT_NEAR(r.stoppedByExternal, 1.0, 1e-12);
    EXPECT_NEAR(r.answerTime.Mean(), 0.5 * 0.008 + 0.5 * 2.004, 1e-9);
}

TEST(CallModel, ZeroLossDelayIsTheSumOfPropagationDelays)
{
    // A - P1 - P2 - B, 2 ms per hop each way, no ring time: 3 hops out, 3 back = 12 ms.
    const CallModelResult r = EvaluateCall(Chain(2, 0.0, 0.0, 0.002));
    EXPECT_DOUBLE_EQ(r.average.success, 1.0);
    EXPECT_EQ(r.average.setupDelay.Size(), 1u);
    EXPECT_NEAR(r.average.setupDelay.Mean(), 0.012, 1e-9);
    EXPECT_NEAR(r.average.setupDelay.Quantile(0.99), 0.012, 1e-9);
    EXPECT_NEAR(r.average.retransmissions.at("INVITE"), 0.0, 1e-15);
}

TEST(CallModel, SeedFlowHasTwentyThreeMessages)
{
    // RFC 3665 §3.2: P1 challenges, B rings 2 s and hangs up. F1-F3 are the 407 round (3
    // messages, one round trip A-P1), then 20 messages: INVITE x3, 100 x2, 180 x3,
    // 200 x3, ACK x3, BYE x3, 200 (BYE) x3.
    CallModelSpec spec = Chain(2, 0.0, 0.0, 0.002, 2.0);
    spec.challengers = {1};
    const CallModelResult r = EvaluateCall(spec);
    EXPECT_NEAR(r.challenged.messages, 23.0, 1e-12);
    EXPECT_NEAR(r.plain.messages, 20.0, 1e-12);
    EXPECT_NEAR(r.authExtraMessages, 3.0, 1e-12);
    EXPECT_NEAR(r.challenged.transmissions.at("INVITE"), 4.0, 1e-12);
    EXPECT_NEAR(r.challenged.transmissions.at("407 (INVITE)"), 1.0, 1e-12);
    EXPECT_NEAR(r.challenged.transmissions.at("ACK"), 4.0, 1e-12);
    EXPECT_NEAR(r.challenged.transmissions.at("100 (INVITE)"), 2.0, 1e-12);
    // Set-up: ring 2 s + 6 x 2 ms; the 407 round adds the A-P1 round trip (4 ms).
    EXPECT_NEAR(r.plain.setupDelay.Mean(), 2.012, 1e-9);
    EXPECT_NEAR(r.challenged.setupDelay.Mean(), 2.016, 1e-9);
    EXPECT_NEAR(r.authExtraDelayMean, 0.004, 1e-9);
    // B hangs up: BYE B -> P2 -> P1 -> A and the 200 back, 6 x 2 ms.
    EXPECT_NEAR(r.plain.sdd.Mean(), 0.012, 1e-9);
}

TEST(CallModel, SecondChallengerCostsAFurtherRoundToP2)
{
    // Round to P2: INVITE x2, 100 x1 (from P1), 407 x2, ACK x2 = 7 more messages.
    CallModelSpec spec = Chain(2, 0.0, 0.0, 0.002);
    spec.challengers = {1, 2};
    const CallModelResult r = EvaluateCall(spec);
    EXPECT_NEAR(r.authExtraMessages, 3.0 + 7.0, 1e-12);
    EXPECT_NEAR(r.authExtraDelayMean, 0.004 + 0.008, 1e-9);
}

TEST(CallModel, CredentialReuseMixesPlainAndChallengedCalls)
{
    CallModelSpec spec = Chain(1, 0.0, 0.0, 0.001);
    spec.challengers = {1};
    spec.challengedFraction = 0.25;
    const CallModelResult r = EvaluateCall(spec);
    EXPECT_NEAR(r.average.messages, r.plain.messages + 0.25 * 3.0, 1e-12);
    EXPECT_NEAR(r.average.setupDelay.Mean(), 0.004 + 0.25 * 0.002, 1e-12);
}

TEST(CallModel, OneHopInviteLossOnly)
{
    // UA - UA, forward loss p, nothing lost backwards: the call fails only when all seven
    // INVITE copies are lost; the delay is the first arrival's offset plus 2 d.
    const double p = 0.25;
    const double d = 0.005;
    const CallModelResult r = EvaluateCall(Chain(0, p, 0.0, d));
    EXPECT_NEAR(1.0 - r.average.success, std::pow(p, 7), 1e-15);
    EXPECT_NEAR(r.average.inviteFailure, std::pow(p, 7), 1e-15);
    double mean = 0.0;
    for (int k = 0; k < 7; ++k)
    {
        mean += InviteOffsets()[k] * std::pow(p, k) * (1 - p);
    }
    mean /= 1.0 - std::pow(p, 7);
    EXPECT_NEAR(r.average.setupDelay.Mean(), mean + 2 * d, 1e-9);
    // The CDF at 2 d is P(first copy arrives | success).
    EXPECT_NEAR(r.average.setupDelay.Cdf().front().second, (1 - p) / (1 - std::pow(p, 7)), 1e-12);
}

TEST(CallModel, TwoHopsFailIndependently)
{
    // Forward loss only: each hop's INVITE fails with p^7; no 2xx is lost.
    const double p = 0.4;
    const CallModelResult r = EvaluateCall(Chain(1, p, 0.0, 0.001));
    EXPECT_NEAR(r.average.success, std::pow(1 - std::pow(p, 7), 2), 1e-14);
}

TEST(CallModel, TwoXxLostOnTheWayBackElevenTimesFails)
{
    // Reverse loss q on one hop: the UAS's 11 2xx copies all lost with q^11. The INVITE
    // still arrives (its 100/180 answers only stop retransmissions), so P(fail) = q^11.
    const double q = 0.5;
    const CallModelResult r = EvaluateCall(Chain(0, 0.0, q, 0.001));
    EXPECT_NEAR(r.average.okFailure, std::pow(q, 11), 1e-15);
    EXPECT_NEAR(1 - r.average.success, std::pow(q, 11), 1e-15);
    // 2xx copies: sum_{k<11} q^k (the UAS stops at the first ACK, which is never lost).
    EXPECT_NEAR(r.average.transmissions.at("200 (INVITE)"), (1 - std::pow(q, 11)) / (1 - q), 1e-12);
}

TEST(CallModel, CallersByeEndsTwoXxRetransmissions)
{
    // UA - UA, no delay, forward loss p (ACK and BYE), nothing lost backwards: every 2xx
    // copy reaches A, whose ACK is lost with p. A hangs up 0.7 s after the 2xx; its BYE
    // copies (0, 0.5, 1.5, 3.5 s, ... later) each arrive with 1 - p, and an arrival ends
    // B's 2xx retransmissions. Copy k (at t_k) is sent iff k ACKs were lost and no BYE
    // arrived by t_k: E[sends] = sum_k p^k p^{#BYE copies due by t_k}.
    const double p = 0.5;
    CallModelSpec spec = Chain(0, p, 0.0, 0.0);
    spec.calleeHangsUp = false;
    spec.holdingTime = 0.7;
    const std::vector<double> ok = CappedOffsets();
    double sends = 0.0;
    for (std::size_t k = 0; k < ok.size(); ++k)
    {
        int byeDue = 0;
        for (double b : CappedOffsets())
        {
            byeDue += 0.7 + b <= ok[k] ? 1 : 0;
        }
        sends += std::pow(p, static_cast<double>(k)) * std::pow(p, byeDue);
    }
    // The INVITE itself must get through first (all 7 copies lost with p^7).
    const double invite = 1 - std::pow(p, 7);
    const CallModelResult r = EvaluateCall(spec);
    EXPECT_NEAR(r.average.transmissions.at("200 (INVITE)"), invite * sends, 1e-12);
    // Without the BYE effect (callee hangs up) B would send sum_k p^k copies.
    spec.calleeHangsUp = true;
    EXPECT_NEAR(EvaluateCall(spec).average.transmissions.at("200 (INVITE)"),
                invite * (1 - std::pow(p, 11)) / (1 - p), 1e-12);
}

TEST(CallModel, ProxyCapacityFromServiceTime)
{
    // Lossless, 2 ms per message, each proxy receives 7 messages per call (INVITE, 100,
    // 180 is forwarded: 180, 200, ACK, BYE, 200 (BYE)): 1 / (0.002 x 7) calls/s.
    CallModelSpec spec = Chain(2, 0.0, 0.0, 0.002, 0.5);
    spec.serviceTime = {0.0, 0.002, 0.002, 0.0};
    const CallModelResult r = EvaluateCall(spec);
    EXPECT_NEAR(r.average.received[1], 7.0, 1e-12);
    EXPECT_NEAR(r.capacityCps, 1.0 / 0.014, 1e-9);
    // Service times also delay the INVITE and the 200 at both proxies: +4 x 2 ms.
    EXPECT_NEAR(r.average.setupDelay.Mean(), 0.5 + 0.012 + 0.008, 1e-9);
}

TEST(CallModel, RejectsBadSpecs)
{
    EXPECT_THROW(EvaluateCall(Chain(1, 1.5, 0.0, 0.001)), std::invalid_argument);
    CallModelSpec spec = Chain(1, 0.0, 0.0, 0.001);
    spec.challengers = {2}; // B is not a proxy
    EXPECT_THROW(EvaluateCall(spec), std::invalid_argument);
}

TEST(ScenarioPath, SeedScenarioGivesTheThreeHopPathWithP1Challenging)
{
    auto s = ParseScenario(R"(
[topology]
generator = "seed"
[workload]
calls = 4
[auth]
proxies = ["P1"]
credential_reuse = true
[impairments]
delay = "3ms"
loss = 0.1
)");
    ASSERT_TRUE(s) << s.Error().ToString();
    auto path = PathFromScenario(*s);
    ASSERT_TRUE(path) << path.Error().ToString();
    EXPECT_EQ(path->spec.elements, (std::vector<std::string>{"A", "P1", "P2", "B"}));
    ASSERT_EQ(path->spec.hops.size(), 3u);
    EXPECT_NEAR(path->spec.hops[1].lossForward, 0.1, 1e-12);
    EXPECT_NEAR(path->spec.hops[2].delayReverse, 0.003, 1e-12);
    EXPECT_EQ(path->spec.challengers, (std::vector<std::size_t>{1}));
    // One caller, four calls, reuse on: only the first call is challenged.
    EXPECT_NEAR(path->spec.challengedFraction, 0.25, 1e-12);
}

TEST(ScenarioPath, OnlyTheCallersOwnDomainChallenges)
{
    // Chain A - P1 - P2 - P3 - B: P1 serves A's domain, P3 serves B's. With calls both ways
    // both may challenge, but the modelled path (the first pair, A -> B) meets only P1's
    // challenge (proxies authenticate their own users only).
    auto s = ParseScenario(R"(
[topology]
generator = "chain"
proxies = 3
[workload]
pairs = ["A->B", "B->A"]
[auth]
proxies = ["P1", "P3"]
credential_reuse = false
)");
    ASSERT_TRUE(s) << s.Error().ToString();
    auto path = PathFromScenario(*s);
    ASSERT_TRUE(path) << path.Error().ToString();
    EXPECT_EQ(path->spec.elements.size(), 5u);
    EXPECT_EQ(path->spec.challengers, (std::vector<std::size_t>{1}));
    EXPECT_DOUBLE_EQ(path->spec.challengedFraction, 1.0);
    ASSERT_FALSE(path->notes.empty());
    EXPECT_NE(path->notes.front().find("do not challenge"), std::string::npos);
}

TEST(ScenarioPath, RejectsTcp)
{
    auto s = ParseScenario("[sip]\ntransport = \"tcp\"\n");
    ASSERT_TRUE(s) << s.Error().ToString();
    EXPECT_FALSE(PathFromScenario(*s));
}

} // namespace
} // namespace sipsim::analytic
