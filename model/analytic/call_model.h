#ifndef SIPSIM_ANALYTIC_CALL_MODEL_H
#define SIPSIM_ANALYTIC_CALL_MODEL_H

// Analytic model of one call over a UA - N proxies - UA path with per-hop loss and delay,
// composed of retransmission exchanges (exchange_chain.h). Assumptions (README "Analytic
// model"; the simulator does not make them, which is what the comparison tests measure):
//
//  1. UDP, stateful proxies, Record-Route (ACK and BYE traverse the proxies).
//  2. Losses are independent per copy and per hop (Gilbert-Elliott links enter with their
//     mean loss). Delays are constant (mean jitter is added); no queueing: a proxy adds a
//     fixed service time per message, never waits, and never drops for overload.
//  3. Round-trip times are below T1, so an answer arrives before the next retransmission.
//  4. INVITE is retransmitted hop by hop (Timer A: 0, T1, 3T1, ... < 64*T1) and stopped by
//     the first answer to reach the sender: the next hop's answer to a copy (100 Trying
//     from a proxy, the UAS's latest provisional, a challenger's 407) or the far end's
//     answer relayed back (the 180 sent once by the UAS; the 407 of a challenger further
//     on). The next hop forwards on the first copy that arrives. A hop fails only when all
//     7 copies are lost; if copies arrive but no answer comes back before Timer B the call
//     still proceeds (later 2xx traffic moves the sender on).
//  5. The UAS core retransmits the 2xx end to end (T1 doubling, capped at T2, for 64*T1);
//     proxies forward every copy (RFC 6026 Accepted); the UAC ACKs every 2xx copy it gets,
//     the UAS stops at the first ACK. The call is set up when the first 2xx reaches the
//     UAC; it fails when no 2xx copy arrives (ackTimeout counts calls set up at the UAC
//     whose every ACK was lost).
//     With caller hang-up, the caller's BYE (holding time after the first 2xx) reaching
//     the callee also ends the callee's 2xx retransmissions.
//  6. Only proxies of the caller's own domain challenge (PathFromScenario). A challenging
//     proxy answers the credential-less INVITE with 407 at once (no 100); the
//     407 goes back hop by hop, each hop retransmitting it with Timer G (capped at T2)
//     until its hop-by-hop ACK arrives (and re-sending it for each INVITE retransmission).
//     The UAC then sends the INVITE with credentials immediately. With several
//     challengers the rounds happen in path order, each one reaching one proxy further.
//  7. BYE goes hop by hop with Timer E (capped at T2). The far UA answers each copy with
//     200; a proxy can answer only once its own downstream BYE transaction got the 200,
//     which it then relays at once and re-sends for later copies. The downstream answer
//     time enters the upstream hop through its distribution (correlations between the
//     hops are ignored).
//  8. Only the first 180 is forwarded upstream; a lost 180 is not repaired (it only
//     affects SRD, which then equals the set-up delay).
// Times are seconds; the set-up delay is from the UAC's first INVITE (the challenged one
// when there is a 407 round) to the first 2xx at the UAC, including the callee's ring time.

#include "analytic/distribution.h"

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace sipsim::analytic
{

/// One SIP hop between consecutive SIP elements. Forward = caller -> callee direction.
struct HopSpec
{
    double lossForward = 0.0;
    double lossReverse = 0.0;
    double delayForward = 0.0; ///< One-way, seconds.
    double delayReverse = 0.0;
};

struct CallModelSpec
{
    std::vector<std::string> elements; ///< Caller, proxies in order, callee (>= 2).
    std::vector<HopSpec> hops;         ///< elements.size() - 1 hops.
    std::vector<double> serviceTime;   ///< Per element (UAs 0); empty = all 0.
    double t1 = 0.5;
    double t2 = 4.0;
    double ringTime = 0.0;     ///< UAS: INVITE arrival -> 200 OK (180 sent at once if > 0).
    bool calleeHangsUp = true; ///< Direction of the BYE.
    /// Caller hang-up only: answer -> BYE. The caller's BYE reaching the callee also ends
    /// the callee's 2xx retransmissions when every ACK was lost.
    double holdingTime = 0.0;
    bool holdingExponential = false; ///< Exponential with mean holdingTime (else constant).
    /// Element indexes of the proxies that challenge with 407 (1 .. elements.size()-2).
    std::vector<std::size_t> challengers;
    /// Fraction of calls that meet the challenges: 1 without credential reuse; with reuse
    /// only a caller's first call is challenged.
    double challengedFraction = 1.0;
};

/// Expected numbers for one kind of call (per call attempt).
struct CallVariant
{
    double success = 0.0;            ///< P(first 2xx reaches the caller)
    double inviteFailure = 0.0;      ///< P(an INVITE hop never delivered: Timer B / 408)
    double okFailure = 0.0;          ///< P(INVITE delivered end to end but no 2xx copy arrived)
    double authFailure = 0.0;        ///< P(a 407 round failed: INVITE or 407 never arrived)
    double ackTimeout = 0.0;         ///< P(set up at the caller but no ACK reached the callee)
    DiscreteDistribution setupDelay; ///< Defective: mass = success.
    DiscreteDistribution srd;        ///< INVITE -> first 180 or 2xx; mass = success.
    DiscreteDistribution sdd;        ///< BYE -> its 200 at the hanging-up UA.
    /// Expected transmissions per hop and message key ("INVITE", "100 (INVITE)",
    /// "180 (INVITE)", "200 (INVITE)", "ACK", "407 (INVITE)", "BYE", "200 (BYE)").
    std::vector<std::map<std::string, double>> perHop;
    std::map<std::string, double> transmissions;   ///< Summed over hops.
    std::map<std::string, double> retransmissions; ///< Copies beyond the first per hop.
    double messages = 0.0;                         ///< All transmissions.
    std::vector<double> received; ///< Per element: expected messages that arrive there.
};

struct CallModelResult
{
    CallVariant plain;               ///< A call without 407 rounds.
    CallVariant challenged;          ///< A call with every challenger's 407 round.
    CallVariant average;             ///< Mixed by challengedFraction (what a workload measures).
    double authExtraMessages = 0.0;  ///< challenged.messages - plain.messages
    double authExtraDelayMean = 0.0; ///< Difference of the mean set-up delays.
    /// Calls/s a proxy can serve at 100 % utilisation: 1 / (service time x messages it
    /// receives per call), the smallest over proxies with a service time; 0 = unlimited.
    double capacityCps = 0.0;
};

/// Throws std::invalid_argument for inconsistent specs (sizes, probabilities, T1 <= 0).
CallModelResult EvaluateCall(const CallModelSpec& spec);

} // namespace sipsim::analytic

#endif
