#include "analytic/exchange_chain.h"

#include <Eigen/Dense>
#include <algorithm>
#include <stdexcept>

namespace sipsim::analytic
{

std::vector<double>
RetransmitOffsets(double t1, double cap, double timeout)
{
    if (!(t1 > 0.0))
    {
        throw std::invalid_argument("T1 must be > 0");
    }
    std::vector<double> offsets{0.0};
    double interval = t1;
    // Timers fire on exact multiples of T1, so compare with a tolerance far below 1 ns.
    while (offsets.back() + interval < timeout - 1e-12)
    {
        offsets.push_back(offsets.back() + interval);
        interval *= 2.0;
        if (cap > 0.0 && interval > cap)
        {
            interval = cap;
        }
    }
    return offsets;
}

namespace
{

enum Absorbing
{
    kStopReply = 0,
    kStopExternal,
    kFail,
    kExhaust,
    kAbsorbing
};

/// One transient state's outgoing probabilities and what the step costs.
struct Step
{
    double sends = 0.0;    ///< P(a copy is transmitted on leaving this state)
    double arrivals = 0.0; ///< P(that copy arrives)
    double replies = 0.0;  ///< P(the receiver answers it)
    double replyStop = 0.0;
    double replyStopTime = 0.0;    ///< when the answer reaches the sender
    DiscreteDistribution external; ///< external stop probability mass by time
};

/// Adds `part` with weight w to `sum` (mixture over a hidden variable).
void
Accumulate(ExchangeResult& sum, const ExchangeResult& part, double w)
{
    sum.delivered += w * part.delivered;
    sum.stopped += w * part.stopped;
    sum.stoppedByExternal += w * part.stoppedByExternal;
    sum.failed += w * part.failed;
    sum.exhausted += w * part.exhausted;
    sum.expectedSends += w * part.expectedSends;
    sum.expectedDelivered += w * part.expectedDelivered;
    sum.expectedReplies += w * part.expectedReplies;
    sum.firstArrival.Merge(part.firstArrival.Scale(w));
    sum.answerTime.Merge(part.answerTime.Scale(w));
    sum.meanFirstArrivalOffset += w * part.meanFirstArrivalOffset;
}

/// The chain for an external answer independent of the receiver's answers.
ExchangeResult
SolveChain(const ExchangeSpec& spec)
{
    const std::vector<double>& t = spec.offsets;
    const int k = static_cast<int>(t.size());
    if (k < 1)
    {
        throw std::invalid_argument("an exchange needs at least one send");
    }
    const double pm = spec.lossMessage;
    const double pr = spec.lossReply;
    const double arrive = 1.0 - pm;
    const double end = spec.timeout > 0.0 ? spec.timeout : t.back();

    const std::optional<DiscreteDistribution>& external = spec.externalAnswer;
    // P(receiver can answer copy j | first arrival was copy a) (1-based a <= j): copy j
    // arrives t_j - t_a after the first one did.
    auto ready = [&](int a, int j) {
        const double y = t[j - 1] - t[a - 1];
        // A copy arriving exactly when the 2xx goes out finds it already sent: the ring
        // timer was scheduled first (simulators run equal-time events in that order).
        if (spec.answerUntil && y >= *spec.answerUntil - 1e-12)
        {
            return 0.0;
        }
        return spec.answerReady ? spec.answerReady->MassUpTo(y) : 1.0;
    };
    // P(external answer not yet at the sender x seconds after copy a was sent).
    auto tail = [&](double x) { return external ? 1.0 - external->MassUpTo(x) : 1.0; };

    // Indexes: U_j -> j (0..k); D_{a,j} -> k + 1 + offset(a) + (j - a).
    std::vector<int> dBase(k + 2, 0);
    int n = k + 1;
    for (int a = 1; a <= k; ++a)
    {
        dBase[a] = n;
        n += k - a + 1;
    }
    auto u = [](int j) { return j; };
    auto d = [&](int a, int j) { return dBase[a] + (j - a); };

    Eigen::MatrixXd q = Eigen::MatrixXd::Zero(n, n);
    Eigen::MatrixXd r = Eigen::MatrixXd::Zero(n, kAbsorbing);
    std::vector<Step> steps(n);

    for (int j = 0; j < k; ++j)
    {
        // From U_j: send copy j+1 at t[j]; if it arrives it is the first (a = j+1).
        Step& s = steps[u(j)];
        const double answered = arrive * ready(j + 1, j + 1) * (1.0 - pr);
        s.sends = 1.0;
        s.arrivals = arrive;
        s.replies = arrive * ready(j + 1, j + 1);
        s.replyStop = answered;
        s.replyStopTime = t[j] + spec.roundTrip;
        q(u(j), u(j + 1)) = pm;
        q(u(j), d(j + 1, j + 1)) = arrive - answered;
        r(u(j), kStopReply) = answered;
    }
    r(u(k), kFail) = 1.0;

    for (int a = 1; a <= k; ++a)
    {
        for (int j = a; j <= k; ++j)
        {
            Step& s = steps[d(a, j)];
            const int from = d(a, j);
            // Does the external answer arrive before the next copy is due (or the timer)?
            // The first window starts before 0 so an answer with zero delay still counts.
            const double prev = j == a ? -1.0 : t[j - 1] - t[a - 1];
            const double next = (j < k ? t[j] : end) - t[a - 1];
            const double alive = tail(prev);
            double hazard = 0.0;
            if (external && alive > 0.0)
            {
                s.external = external->Window(prev, next).Scale(1.0 / alive).Shift(t[a - 1]);
                hazard = s.external.Mass();
            }
            r(from, kStopExternal) = hazard;
            const double go = 1.0 - hazard;
            if (j == k)
            {
                r(from, kExhaust) = go;
                continue;
            }
            const double answered = go * arrive * ready(a, j + 1) * (1.0 - pr);
            s.sends = go;
            s.arrivals = go * arrive;
            s.replies = go * arrive * ready(a, j + 1);
            s.replyStop = answered;
            s.replyStopTime = t[j] + spec.roundTrip;
            r(from, kStopReply) = answered;
            q(from, d(a, j + 1)) = go - answered;
        }
    }

    // Start row of N = (I - Q)^-1: x = N^T e_0 solves (I - Q)^T x = e_0.
    const Eigen::MatrixXd identity = Eigen::MatrixXd::Identity(n, n);
    const Eigen::PartialPivLU<Eigen::MatrixXd> lu((identity - q).transpose());
    const Eigen::VectorXd visits = lu.solve(Eigen::VectorXd::Unit(n, 0));
    const Eigen::RowVectorXd absorb = visits.transpose() * r;

    ExchangeResult out;
    out.failed = absorb(kFail);
    out.exhausted = absorb(kExhaust);
    out.stoppedByExternal = absorb(kStopExternal);
    out.stopped = absorb(kStopReply) + absorb(kStopExternal);
    out.delivered = 1.0 - out.failed;
    double firstOffset = 0.0;
    for (int s = 0; s < n; ++s)
    {
        const double v = visits(s);
        const Step& step = steps[s];
        out.expectedSends += v * step.sends;
        out.expectedDelivered += v * step.arrivals;
        out.expectedReplies += v * step.replies;
        out.answerTime.Add(step.replyStopTime, v * step.replyStop);
        out.answerTime.Merge(step.external.Scale(v));
    }
    // The first arrival is copy j+1 exactly when the chain leaves U_j by an arrival.
    for (int j = 0; j < k; ++j)
    {
        out.firstArrival.Add(t[j], visits(u(j)) * arrive);
        firstOffset += visits(u(j)) * arrive * t[j];
    }
    out.meanFirstArrivalOffset = out.delivered > 0.0 ? firstOffset / out.delivered : 0.0;
    return out;
}

} // namespace

ExchangeResult
SolveExchange(const ExchangeSpec& spec)
{
    if (!spec.relayDelay || !spec.answerReady)
    {
        return SolveChain(spec);
    }
    // The relayed answer and the answers to later copies both hinge on when the receiver
    // becomes ready: condition on that time (each atom), where the chain is Markov again
    // (the relayed copy is then an independent coin), and mix.
    ExchangeResult sum;
    ExchangeSpec part = spec;
    part.relayDelay.reset();
    for (const auto& [c, w] : spec.answerReady->Atoms())
    {
        part.answerReady = DiscreteDistribution::PointMass(c);
        part.externalAnswer =
            DiscreteDistribution::PointMass(c + *spec.relayDelay, 1.0 - spec.lossReply);
        Accumulate(sum, SolveChain(part), w);
    }
    const double never = 1.0 - spec.answerReady->Mass();
    if (never > 0.0)
    {
        part.answerReady = DiscreteDistribution(); // never ready: no answer at all
        part.externalAnswer.reset();
        Accumulate(sum, SolveChain(part), never);
    }
    return sum;
}

} // namespace sipsim::analytic
