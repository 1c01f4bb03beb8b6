#include "analytic/call_model.h"

#include "analytic/exchange_chain.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>

namespace sipsim::analytic
{

namespace
{

const char* const kInvite = "INVITE";
const char* const kTrying = "100 (INVITE)";
const char* const kRinging = "180 (INVITE)";
const char* const kOk = "200 (INVITE)";
const char* const kAck = "ACK";
const char* const kChallenge = "407 (INVITE)";
const char* const kBye = "BYE";
const char* const kByeOk = "200 (BYE)";

/// Expected transmissions, accumulated per hop. `first` is P(at least one copy of that
/// message on that hop), so copies - first counts duplicates on the wire.
class Counter
{
public:
    explicit Counter(const CallModelSpec& spec)
        : m_spec(spec)
        , m_copies(spec.hops.size())
        , m_first(spec.hops.size())
        , m_received(spec.elements.size(), 0.0)
    {
    }

    void Add(std::size_t hop, const char* kind, bool forward, double copies, double first)
    {
        m_copies[hop][kind] += copies;
        m_first[hop][kind] += first;
        const HopSpec& h = m_spec.hops[hop];
        // Copies that arrive: load on the receiving element (a proxy's service queue).
        const double arrive = copies * (1.0 - (forward ? h.lossForward : h.lossReverse));
        m_received[forward ? hop + 1 : hop] += arrive;
    }

    void Fill(CallVariant& v) const
    {
        v.perHop = m_copies;
        v.received = m_received;
        for (std::size_t h = 0; h < m_copies.size(); ++h)
        {
            for (const auto& [kind, copies] : m_copies[h])
            {
                v.transmissions[kind] += copies;
                v.retransmissions[kind] += std::max(0.0, copies - m_first[h].at(kind));
                v.messages += copies;
            }
        }
    }

private:
    const CallModelSpec& m_spec;
    std::vector<std::map<std::string, double>> m_copies;
    std::vector<std::map<std::string, double>> m_first;
    std::vector<double> m_received;
};

struct Schedules
{
    std::vector<double> invite; ///< Timer A, cut by Timer B
    std::vector<double> capped; ///< Timers E/G and the 2xx core timer, cut by 64*T1
    double timeout = 0.0;       ///< 64*T1
};

struct Leg
{
    double reach = 1.0;                                                ///< P(got to the far end)
    DiscreteDistribution delay = DiscreteDistribution::PointMass(0.0); ///< defective
    ExchangeResult last;                                               ///< chain of the last hop
};

/// Time for the INVITE's first copy that arrives to get from element h to h+1 (offset of
/// that copy, propagation, processing at h+1); defective with P(delivered).
DiscreteDistribution
InviteArrival(const CallModelSpec& spec, const Schedules& s, std::size_t h)
{
    const HopSpec& hop = spec.hops[h];
    return SolveExchange(MakeExchange(s.invite, hop.lossForward, hop.lossReverse))
        .firstArrival.Shift(hop.delayForward + spec.serviceTime[h + 1]);
}

/// The INVITE from the caller to element `hops`, hop by hop. Proxies answer every copy with
/// 100 Trying; the far element's answer to each copy is `farReply` (nullptr: counted
/// elsewhere). `back[h]`, when set, is the time from the far element's first receipt of
/// the INVITE until another answer of it (relayed 180, the 2xx, a relayed 407) reaches
/// element h: that stops hop h's retransmissions too.
Leg
ForwardInvite(const CallModelSpec& spec, const Schedules& s, std::size_t hops, const char* farReply,
              const std::vector<std::optional<DiscreteDistribution>>& back, double weight,
              Counter& counter)
{
    std::vector<DiscreteDistribution> arrival(hops);
    for (std::size_t h = 0; h < hops; ++h)
    {
        arrival[h] = InviteArrival(spec, s, h);
    }
    // External answer for hop h: its copy's trip to h+1, the rest of the way to the far
    // element (first arrivals downstream), and the far answer's way back to h.
    std::vector<std::optional<DiscreteDistribution>> external(hops);
    DiscreteDistribution downstream = DiscreteDistribution::PointMass(0.0);
    for (std::size_t h = hops; h-- > 0;)
    {
        const HopSpec& hop = spec.hops[h];
        if (back[h])
        {
            external[h] =
                downstream.Shift(hop.delayForward + spec.serviceTime[h + 1]).Convolve(*back[h]);
        }
        downstream = arrival[h].Convolve(downstream);
    }
    Leg leg;
    for (std::size_t h = 0; h < hops; ++h)
    {
        const HopSpec& hop = spec.hops[h];
        ExchangeSpec x = MakeExchange(s.invite, hop.lossForward, hop.lossReverse);
        x.roundTrip = hop.delayForward + spec.serviceTime[h + 1] + hop.delayReverse;
        x.timeout = s.timeout;
        x.externalAnswer = external[h];
        if (h + 1 == hops && farReply == kRinging)
        {
            // The UAS re-sends its 180 for INVITE copies only until it sends the 2xx.
            x.answerUntil = spec.ringTime;
        }
        const ExchangeResult result = SolveExchange(x);
        const double w = weight * leg.reach;
        counter.Add(h, kInvite, true, w * result.expectedSends, w);
        const char* reply = h + 1 < hops ? kTrying : farReply;
        if (reply != nullptr)
        {
            counter.Add(h, reply, false, w * result.expectedReplies, w * result.delivered);
        }
        leg.delay = leg.delay.Convolve(arrival[h]);
        leg.reach *= result.delivered;
        leg.last = result;
    }
    return leg;
}

/// The holding time: a point, or an exponential as 32 equally likely quantile midpoints.
DiscreteDistribution
Holding(const CallModelSpec& spec)
{
    if (!spec.holdingExponential)
    {
        return DiscreteDistribution::PointMass(spec.holdingTime);
    }
    const int atoms = 32;
    DiscreteDistribution d;
    for (int i = 0; i < atoms; ++i)
    {
        const double q = (i + 0.5) / atoms;
        d.Add(-spec.holdingTime * std::log(1.0 - q), 1.0 / atoms);
    }
    return d;
}

/// back[h] for the callee's answers: the 180 sent once at the INVITE's arrival and
/// relayed by each proxy, and the 2xx sent after the ring time and retransmitted by the
/// UAS (its first copy to reach element h), whichever comes first. The last hop's 180
/// answers INVITE copies directly, so there only the 2xx counts.
std::vector<std::optional<DiscreteDistribution>>
CalleeAnswersBack(const CallModelSpec& spec, const Schedules& s)
{
    const std::size_t hops = spec.hops.size();
    std::vector<std::optional<DiscreteDistribution>> back(hops);
    double delay = 0.0;
    double survive = 1.0;
    for (std::size_t h = hops; h-- > 0;)
    {
        delay += spec.hops[h].delayReverse + (h + 1 < hops ? spec.serviceTime[h + 1] : 0.0);
        survive *= 1.0 - spec.hops[h].lossReverse;
        // Until a 2xx copy reaches element h no ACK can stop the UAS: copy k first with
        // (1 - survive)^k survive.
        const DiscreteDistribution ok = SolveExchange(MakeExchange(s.capped, 1.0 - survive, 0.0))
                                            .firstArrival.Shift(spec.ringTime + delay);
        if (h + 1 == hops || spec.ringTime <= 0.0)
        {
            back[h] = ok;
        }
        else
        {
            back[h] = DiscreteDistribution::PointMass(delay, survive).Min(ok);
        }
    }
    return back;
}

/// One 407 round with the challenger at element `c`: INVITE to c, 407 back hop by hop.
Leg
AuthRound(const CallModelSpec& spec, const Schedules& s, std::size_t c, double weight,
          Counter& counter, CallVariant& v)
{
    // The 407 goes back hop by hop, each hop retransmitting it (Timer G) until its ACK.
    std::vector<ExchangeResult> challenge(c);
    std::vector<std::optional<DiscreteDistribution>> back(c);
    DiscreteDistribution toHere = DiscreteDistribution::PointMass(0.0);
    for (std::size_t h = c; h-- > 0;)
    {
        const HopSpec& hop = spec.hops[h];
        ExchangeSpec x = MakeExchange(s.capped, hop.lossReverse, hop.lossForward);
        x.roundTrip = hop.delayReverse + spec.serviceTime[h] + hop.delayForward;
        x.timeout = s.timeout;
        challenge[h] = SolveExchange(x);
        toHere = toHere.Convolve(
            challenge[h].firstArrival.Shift(hop.delayReverse + spec.serviceTime[h]));
        // The challenger answers INVITE copies itself; upstream hops also stop on the
        // relayed 407.
        if (h + 1 < c)
        {
            back[h] = toHere;
        }
    }
    const DiscreteDistribution all407 = toHere;
    Leg leg = ForwardInvite(spec, s, c, nullptr, back, weight, counter);
    v.authFailure += weight * (1.0 - leg.reach);
    // The challenger re-sends its 407 for every INVITE copy after the first (§17.2.1); the
    // first 407 and its Timer G copies are the chains above.
    const double atFar = weight * leg.reach / std::max(leg.last.delivered, 1e-300);
    counter.Add(c - 1, kChallenge, false,
                atFar * std::max(0.0, leg.last.expectedReplies - leg.last.delivered), 0.0);
    double reach = leg.reach;
    for (std::size_t h = c; h-- > 0;)
    {
        const ExchangeResult& y = challenge[h];
        const double w = weight * reach;
        counter.Add(h, kChallenge, false, w * y.expectedSends, w);
        // The client transaction ACKs every 407 copy it receives, hop by hop (§17.1.1.3).
        counter.Add(h, kAck, true, w * y.expectedDelivered, w * y.delivered);
        v.authFailure += w * (1.0 - y.delivered);
        reach *= y.delivered;
    }
    leg.delay = leg.delay.Convolve(all407); // mass: INVITE and 407 both got through
    leg.reach = reach;
    return leg;
}

/// BYE hop by hop from the side that hangs up; each proxy answers with the 200 it gets
/// from downstream and re-sends it for later copies. Returns the SDD distribution.
DiscreteDistribution
Bye(const CallModelSpec& spec, const Schedules& s, double established, Counter& counter)
{
    const std::size_t hopCount = spec.hops.size();
    const bool forward = !spec.calleeHangsUp; // BYE direction along the path
    // Hops in the BYE's order: the first is at the hanging-up UA.
    std::vector<std::size_t> order(hopCount);
    for (std::size_t i = 0; i < hopCount; ++i)
    {
        order[i] = forward ? i : hopCount - 1 - i;
    }
    std::vector<ExchangeResult> result(hopCount);
    std::vector<double> forwarded(hopCount, 0.0);   // P(the proxy relays a downstream 200)
    std::optional<DiscreteDistribution> downstream; // answer time of the next hop
    for (std::size_t i = hopCount; i-- > 0;)
    {
        const HopSpec& hop = spec.hops[order[i]];
        const std::size_t receiver = forward ? order[i] + 1 : order[i];
        const double dBye = forward ? hop.delayForward : hop.delayReverse;
        const double dOk = forward ? hop.delayReverse : hop.delayForward;
        ExchangeSpec x = MakeExchange(s.capped, forward ? hop.lossForward : hop.lossReverse,
                                      forward ? hop.lossReverse : hop.lossForward);
        x.roundTrip = dBye + spec.serviceTime[receiver] + dOk;
        x.timeout = s.timeout;
        if (downstream)
        {
            const DiscreteDistribution ready = downstream->Shift(spec.serviceTime[receiver]);
            x.answerReady = ready;
            x.relayDelay = dBye + dOk;
            forwarded[i] = ready.Mass();
        }
        result[i] = SolveExchange(x);
        downstream = result[i].answerTime;
    }
    double reach = established;
    for (std::size_t i = 0; i < hopCount; ++i)
    {
        const ExchangeResult& b = result[i];
        counter.Add(order[i], kBye, forward, reach * b.expectedSends, reach);
        counter.Add(order[i], kByeOk, !forward, reach * (b.expectedReplies + forwarded[i]),
                    reach * b.delivered * (i + 1 < hopCount ? forwarded[i] : 1.0));
        reach *= b.delivered;
    }
    return result[0].answerTime.Scale(established);
}

CallVariant
EvaluateVariant(const CallModelSpec& spec, const Schedules& s, bool withAuth)
{
    CallVariant v;
    Counter counter(spec);
    const std::size_t hopCount = spec.hops.size();
    double weight = 1.0; // P(reached this phase)
    DiscreteDistribution delay = DiscreteDistribution::PointMass(0.0);
    if (withAuth)
    {
        for (std::size_t c : spec.challengers)
        {
            Leg round = AuthRound(spec, s, c, weight, counter, v);
            delay = delay.Convolve(round.delay);
            weight *= round.reach;
        }
    }
    // `delay` has mass `weight`; normalise it so the legs below carry their own masses.
    if (weight > 0.0)
    {
        delay = delay.Scale(1.0 / weight);
    }

    const bool rings = spec.ringTime > 0.0;
    Leg invite = ForwardInvite(spec, s, hopCount, rings ? kRinging : nullptr,
                               CalleeAnswersBack(spec, s), weight, counter);
    v.inviteFailure = weight * (1.0 - invite.reach);
    const double atCallee = weight * invite.reach;

    double survivalReverse = 1.0;
    double survivalForward = 1.0;
    double returnDelay = 0.0;
    for (std::size_t h = 0; h < hopCount; ++h)
    {
        survivalReverse *= 1.0 - spec.hops[h].lossReverse;
        survivalForward *= 1.0 - spec.hops[h].lossForward;
        returnDelay += spec.hops[h].delayReverse + spec.serviceTime[h];
    }

    // The 180: the UAS re-sends it for each INVITE copy (counted with the last hop); each
    // proxy relays the first 180 it receives upstream once (a duplicate is absorbed by its
    // client transaction, and its server transaction answers INVITE copies itself).
    if (rings && hopCount > 1)
    {
        const double atLastProxy = weight * invite.reach / std::max(invite.last.delivered, 1e-300);
        double relayed = atLastProxy * invite.last.stopped; // P(last proxy got a 180)
        for (std::size_t h = hopCount - 1; h-- > 0;)
        {
            counter.Add(h, kRinging, false, relayed, relayed);
            relayed *= 1.0 - spec.hops[h].lossReverse;
        }
    }

    // 2xx end to end: the UAS core retransmits until an ACK (end to end) comes back, or,
    // when the caller hangs up, until the caller's BYE arrives.
    ExchangeSpec okSpec = MakeExchange(s.capped, 1.0 - survivalReverse, 1.0 - survivalForward);
    if (!spec.calleeHangsUp)
    {
        DiscreteDistribution bye = Holding(spec).Shift(returnDelay);
        for (std::size_t h = 0; h < hopCount; ++h)
        {
            const HopSpec& hop = spec.hops[h];
            bye =
                bye.Convolve(SolveExchange(MakeExchange(s.capped, hop.lossForward, hop.lossReverse))
                                 .firstArrival.Shift(hop.delayForward + spec.serviceTime[h + 1]));
        }
        okSpec.externalAnswer = bye;
    }
    const ExchangeResult ok = SolveExchange(okSpec);
    const double copies = static_cast<double>(s.capped.size());
    double toHop = 1.0; // P(one 2xx copy survives to be sent on hop h)
    for (std::size_t h = hopCount; h-- > 0;)
    {
        // No copy on hop h only if all K copies died downstream (then none reached the UAC,
        // so the UAS did send all K): P = (1 - toHop)^K.
        counter.Add(h, kOk, false, atCallee * ok.expectedSends * toHop,
                    atCallee * (1.0 - std::pow(1.0 - toHop, copies)));
        toHop *= 1.0 - spec.hops[h].lossReverse;
    }
    double ackSurvive = 1.0; // P(one ACK gets to be sent on hop h)
    for (std::size_t h = 0; h < hopCount; ++h)
    {
        // Every round (2xx copy) gives an ACK on hop h with survivalReverse * ackSurvive;
        // none in all K rounds means no ACK ever reached the UAS, so all K rounds happened.
        counter.Add(h, kAck, true, atCallee * ok.expectedDelivered * ackSurvive,
                    atCallee * (1.0 - std::pow(1.0 - survivalReverse * ackSurvive, copies)));
        ackSurvive *= 1.0 - spec.hops[h].lossForward;
    }
    v.okFailure = atCallee * ok.failed;
    v.ackTimeout = atCallee * ok.exhausted;
    v.success = atCallee * ok.delivered;

    const DiscreteDistribution toCallee = delay.Convolve(invite.delay).Scale(weight);
    const DiscreteDistribution okBack = ok.firstArrival.Shift(returnDelay);
    v.setupDelay = toCallee.Shift(spec.ringTime).Convolve(okBack);
    if (rings)
    {
        // SRD: the first 180 if it survives every hop, else the 2xx (assumption 8).
        v.srd = toCallee.Shift(returnDelay).Scale(ok.delivered * survivalReverse);
        v.srd.Merge(v.setupDelay.Scale(1.0 - survivalReverse));
    }
    else
    {
        v.srd = v.setupDelay;
    }
    v.sdd = Bye(spec, s, v.success, counter);
    counter.Fill(v);
    return v;
}

void
Check(const CallModelSpec& spec)
{
    if (spec.elements.size() < 2 || spec.hops.size() + 1 != spec.elements.size())
    {
        throw std::invalid_argument("the path needs >= 2 elements and one hop between each pair");
    }
    if (!spec.serviceTime.empty() && spec.serviceTime.size() != spec.elements.size())
    {
        throw std::invalid_argument("serviceTime needs one value per element");
    }
    if (!(spec.t1 > 0.0) || spec.t2 < spec.t1)
    {
        throw std::invalid_argument("timers need T1 > 0 and T2 >= T1");
    }
    for (const HopSpec& h : spec.hops)
    {
        for (double p : {h.lossForward, h.lossReverse})
        {
            if (!(p >= 0.0 && p <= 1.0))
            {
                throw std::invalid_argument("loss probabilities must be in [0, 1]");
            }
        }
        if (h.delayForward < 0.0 || h.delayReverse < 0.0)
        {
            throw std::invalid_argument("delays must be >= 0");
        }
    }
    std::size_t previous = 0;
    for (std::size_t c : spec.challengers)
    {
        if (c <= previous || c + 1 >= spec.elements.size())
        {
            throw std::invalid_argument(
                "challengers must be proxy indexes (1 .. proxies) in path order");
        }
        previous = c;
    }
    if (!(spec.challengedFraction >= 0.0 && spec.challengedFraction <= 1.0))
    {
        throw std::invalid_argument("challengedFraction must be in [0, 1]");
    }
}

void
AddScaled(std::map<std::string, double>& to, const std::map<std::string, double>& from, double w)
{
    for (const auto& [k, x] : from)
    {
        to[k] += w * x;
    }
}

CallVariant
Mix(const CallVariant& a, const CallVariant& b, double wb)
{
    const double wa = 1.0 - wb;
    CallVariant m;
    m.success = wa * a.success + wb * b.success;
    m.inviteFailure = wa * a.inviteFailure + wb * b.inviteFailure;
    m.okFailure = wa * a.okFailure + wb * b.okFailure;
    m.authFailure = wa * a.authFailure + wb * b.authFailure;
    m.ackTimeout = wa * a.ackTimeout + wb * b.ackTimeout;
    m.setupDelay = a.setupDelay.Scale(wa);
    m.setupDelay.Merge(b.setupDelay.Scale(wb));
    m.srd = a.srd.Scale(wa);
    m.srd.Merge(b.srd.Scale(wb));
    m.sdd = a.sdd.Scale(wa);
    m.sdd.Merge(b.sdd.Scale(wb));
    m.perHop.resize(a.perHop.size());
    for (std::size_t h = 0; h < a.perHop.size(); ++h)
    {
        AddScaled(m.perHop[h], a.perHop[h], wa);
        AddScaled(m.perHop[h], b.perHop[h], wb);
    }
    AddScaled(m.transmissions, a.transmissions, wa);
    AddScaled(m.transmissions, b.transmissions, wb);
    AddScaled(m.retransmissions, a.retransmissions, wa);
    AddScaled(m.retransmissions, b.retransmissions, wb);
    m.messages = wa * a.messages + wb * b.messages;
    m.received.resize(a.received.size());
    for (std::size_t e = 0; e < a.received.size(); ++e)
    {
        m.received[e] = wa * a.received[e] + wb * b.received[e];
    }
    return m;
}

} // namespace

CallModelResult
EvaluateCall(const CallModelSpec& input)
{
    Check(input);
    CallModelSpec spec = input;
    if (spec.serviceTime.empty())
    {
        spec.serviceTime.assign(spec.elements.size(), 0.0);
    }
    const double timeout = 64.0 * spec.t1; // Timers B, F, H and the 2xx give-up
    const Schedules s{RetransmitOffsets(spec.t1, 0.0, timeout),
                      RetransmitOffsets(spec.t1, spec.t2, timeout), timeout};

    CallModelResult r;
    r.plain = EvaluateVariant(spec, s, false);
    const bool auth = !spec.challengers.empty();
    r.challenged = auth ? EvaluateVariant(spec, s, true) : r.plain;
    r.average = Mix(r.plain, r.challenged, auth ? spec.challengedFraction : 0.0);
    r.authExtraMessages = r.challenged.messages - r.plain.messages;
    r.authExtraDelayMean = r.challenged.setupDelay.Mean() - r.plain.setupDelay.Mean();
    for (std::size_t e = 1; e + 1 < spec.elements.size(); ++e)
    {
        const double work = spec.serviceTime[e] * r.average.received[e];
        if (work > 0.0)
        {
            const double capacity = 1.0 / work;
            r.capacityCps = r.capacityCps == 0.0 ? capacity : std::min(r.capacityCps, capacity);
        }
    }
    return r;
}

} // namespace sipsim::analytic
