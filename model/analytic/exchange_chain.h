#ifndef SIPSIM_ANALYTIC_EXCHANGE_CHAIN_H
#define SIPSIM_ANALYTIC_EXCHANGE_CHAIN_H

// The building block of the model: one message retransmitted over UDP by RFC 3261 rules
// until an answer reaches the sender, as an absorbing Markov chain.
//
// The sender transmits copies at fixed offsets t_1 = 0 < t_2 < ... < t_K (the schedule, cut
// off by its timeout). Each copy is lost independently with probability `lossMessage`. The
// receiver answers each copy that arrives once it is able to (`answerReady`: at once for
// a UA or a proxy's 100 Trying; only after the downstream 200 for a proxy relaying BYE);
// each answer is lost with `lossReply`. Independently of the copies, an `externalAnswer`
// may reach the sender: the callee's 180 forwarded back through the proxies stops every
// hop's INVITE retransmissions, a proxy's forwarded 200 stops a BYE hop. The sender stops
// at the first answer of either kind. Assumption: an answer to a copy arrives before the
// next copy is due (round-trip time < T1).
//
// Transient states: U_j (j copies sent, none arrived; U_0 is the start) and D_{a,j} (j
// copies sent, copy a was the first to arrive, no answer yet). The first arrival index `a`
// is part of the state because the external answer's timing is counted from that copy.
// Absorbing states: StopReply, StopExternal, Fail (U_K: the timer fires with nothing
// delivered), Exhaust (D_{a,K}: delivered, but no answer before the timer). The chain is
// acyclic, so I - Q is invertible for any loss (including 1); the start row of the
// fundamental matrix N = (I - Q)^-1 is the probability of passing through each state, and
// absorption probabilities, expected transmissions and the time distributions follow from
// it.

#include "analytic/distribution.h"

#include <optional>
#include <utility>
#include <vector>

namespace sipsim::analytic
{

/// Send offsets (seconds) of a message retransmitted over UDP: first copy at 0, then after
/// intervals starting at `t1` and doubling, capped at `cap` (T2) when cap > 0, for offsets
/// strictly below `timeout` (64*T1). INVITE (Timer A, no cap): 0, 0.5, 1.5, 3.5, 7.5, 15.5,
/// 31.5 s for T1 = 500 ms. Non-INVITE (Timer E), INVITE responses (Timer G) and the UAS's
/// 2xx (cap T2 = 4 s): 0, 0.5, 1.5, 3.5, 7.5, 11.5, ..., 31.5 s (11 copies).
std::vector<double> RetransmitOffsets(double t1, double cap, double timeout);

struct ExchangeSpec
{
    std::vector<double> offsets; ///< RetransmitOffsets(); at least one.
    double lossMessage = 0.0;    ///< Per copy of the message, in [0, 1].
    double lossReply = 0.0;      ///< Per answer to a copy, in [0, 1].
    double roundTrip = 0.0;      ///< Copy sent -> its answer at the sender (seconds).
    double timeout = 0.0;        ///< Sender gives up (64*T1); 0 = at the last copy.
    /// Time from sending the first copy that arrives until an external answer reaches the
    /// sender; defective (mass = P(it ever comes)). Unset = none.
    std::optional<DiscreteDistribution> externalAnswer;
    /// Time from the first copy's arrival until the receiver can answer copies; defective.
    /// Unset = at once.
    std::optional<DiscreteDistribution> answerReady;
    /// Copies arriving later than this after the first one are no longer answered (a UAS
    /// absorbs INVITE copies once it has sent its 2xx). Unset = always answered.
    std::optional<double> answerUntil;
    /// When set, the external answer is the receiver's own answer relayed the moment it
    /// becomes ready (a proxy forwarding the downstream 200 for BYE): it reaches the
    /// sender `relayDelay` (message + answer propagation) after readiness, unless lost
    /// with lossReply. Both that answer and the answers to later copies depend on when the
    /// receiver becomes ready, so the chain is solved for each readiness time and mixed.
    std::optional<double> relayDelay;
};

/// An exchange with only a schedule and the two loss probabilities set.
inline ExchangeSpec
MakeExchange(std::vector<double> offsets, double lossMessage, double lossReply)
{
    ExchangeSpec spec;
    spec.offsets = std::move(offsets);
    spec.lossMessage = lossMessage;
    spec.lossReply = lossReply;
    return spec;
}

struct ExchangeResult
{
    double delivered = 0.0;         ///< P(at least one copy arrives) = 1 - failed
    double stopped = 0.0;           ///< P(an answer reached the sender before the timeout)
    double stoppedByExternal = 0.0; ///< Part of `stopped` due to the external answer
    double failed = 0.0;            ///< P(no copy arrives before the timeout)
    double exhausted = 0.0;         ///< P(arrived, but no answer before the timeout)
    double expectedSends = 0.0;     ///< E[copies transmitted] (first + retransmissions)
    double expectedDelivered = 0.0; ///< E[copies that arrive]
    double expectedReplies = 0.0;   ///< E[answers the receiver transmits to copies]
    /// Offset (from the first send) of the first copy that arrives, before propagation
    /// delay; defective, with mass `delivered`.
    DiscreteDistribution firstArrival;
    /// Time from the first send until an answer reaches the sender; mass `stopped`.
    DiscreteDistribution answerTime;
    /// E[offset of the first arrival | delivered] from the fundamental matrix with the
    /// offsets as rewards (a cross-check of firstArrival.Mean()).
    double meanFirstArrivalOffset = 0.0;
};

/// Builds the chain and solves it with Eigen (LU on (I - Q)^T for the start row of N).
ExchangeResult SolveExchange(const ExchangeSpec& spec);

} // namespace sipsim::analytic

#endif
