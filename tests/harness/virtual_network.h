#ifndef SIPSIM_TESTS_HARNESS_VIRTUAL_NETWORK_H
#define SIPSIM_TESTS_HARNESS_VIRTUAL_NETWORK_H

#include "sip/endpoint.h"
#include "sip/types.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <queue>
#include <string>
#include <utility>
#include <vector>

namespace sipsim::test
{

/// One datagram the network saw, in send order.
struct DatagramRecord
{
    enum class Fate
    {
        InFlight,  ///< sent, not yet delivered
        Delivered, ///< handed to the destination endpoint at deliverAt
        Dropped,   ///< lost by a scripted drop, the predicate or random loss
        NoRoute,   ///< no endpoint attached at the destination address
    };

    TimePoint sentAt{0};
    TimePoint deliverAt{0}; ///< sentAt + link delay (also for dropped datagrams)
    Address from;
    Address to;
    std::string data;
    bool retransmission = false; ///< as flagged by the sender's Transmit
    std::size_t linkIndex = 0;   ///< 1-based position among datagrams sent on from->to
    Fate fate = Fate::InFlight;

    /// The first line ("INVITE sip:bob@b SIP/2.0", "SIP/2.0 180 Ringing").
    std::string StartLine() const;
    bool Delivered() const { return fate == Fate::Delivered; }
};

/// In-memory network of sans-I/O endpoints in virtual time, the quinn-proto `Pair::step()`
/// idea generalised: time jumps straight to the next event (a delivery or an endpoint's
/// NextDeadline), so a 32 s Timer B run takes microseconds. After every input to an
/// endpoint its PollTransmit queue is drained onto the links. Links are one-way, keyed by
/// (source address, destination address), with a fixed delay, scripted drops and random
/// loss from a seeded SplitMixRandom, so runs are reproducible.
class VirtualNetwork
{
public:
    using DropPredicate = std::function<bool(const DatagramRecord&)>;

    explicit VirtualNetwork(uint64_t seed = 1, Duration defaultDelay = Milliseconds(10));

    /// Makes `endpoint` reachable at `address` (call again for more addresses, e.g. UDP and
    /// TCP). Datagrams it sends leave from its attached address with the destination's
    /// transport, else from its first address. The endpoint must outlive the network.
    void Attach(const Address& address, Endpoint& endpoint);

    void SetDefaultDelay(Duration delay) { m_defaultDelay = delay; }
    /// One-way delay from -> to.
    void SetLinkDelay(const Address& from, const Address& to, Duration delay);
    /// The same delay both ways.
    void SetPathDelay(const Address& a, const Address& b, Duration delay);
    /// Drops the k-th (1-based) datagram sent on from -> to.
    void DropNth(const Address& from, const Address& to, std::size_t k);
    /// Drops every datagram for which the predicate is true (checked before random loss).
    void SetDropPredicate(DropPredicate predicate) { m_dropPredicate = std::move(predicate); }
    /// Independent random loss with probability p on from -> to (overrides the global rate).
    void SetLossRate(const Address& from, const Address& to, double p);
    void SetLossRate(double p) { m_lossRate = p; }

    /// Bytes from an address that has no endpoint (a scripted peer): delivered to `to` after
    /// `delay` like any other datagram, recorded in the log.
    void Inject(const Address& from, const Address& to, std::string data,
                Duration delay = Duration::zero());
    /// Drains every endpoint's PollTransmit at Now(); call after driving an endpoint directly
    /// (e.g. telling a UA to place a call).
    void Flush();

    TimePoint Now() const { return m_now; }
    /// The time of the next delivery or endpoint deadline, if any.
    std::optional<TimePoint> NextEventTime() const;
    /// Advances to the next event and processes it (a delivery, or HandleTimeout on one
    /// endpoint). False when nothing is pending.
    bool Step();
    /// Processes every event up to and including `until`, then sets Now() to `until`.
    /// Returns the number of events processed.
    std::size_t RunUntil(TimePoint until);
    /// RunUntil(Now() + duration).
    std::size_t RunFor(Duration duration) { return RunUntil(m_now + duration); }

    const std::vector<DatagramRecord>& Log() const { return m_log; }
    /// The records on from -> to, in send order.
    std::vector<DatagramRecord> Between(const Address& from, const Address& to) const;
    /// Records whose start line begins with `prefix` ("INVITE", "SIP/2.0 200").
    std::vector<DatagramRecord> Matching(const std::string& prefix) const;
    std::size_t DeliveredCount() const;
    std::size_t DroppedCount() const;
    /// Stops runaway loops (an endpoint whose deadline never advances): Step() refuses to
    /// process more than this many events at one instant.
    void SetMaxEventsPerInstant(std::size_t limit) { m_maxEventsPerInstant = limit; }

private:
    struct Attached
    {
        Endpoint* endpoint;
        std::vector<Address> addresses;
    };
    struct Pending
    {
        TimePoint at{0};
        uint64_t sequence = 0;
        std::size_t record = 0;      ///< index into m_log, for deliveries
        bool transportError = false; ///< report a failure to `errorTarget` instead
        Endpoint* errorTarget = nullptr;
        Address errorDestination;
        bool operator>(const Pending& o) const
        {
            return at != o.at ? at > o.at : sequence > o.sequence;
        }
    };
    using Link = std::pair<Address, Address>;

    Attached* Find(Endpoint& endpoint);
    Endpoint* EndpointAt(const Address& address) const;
    void Drain(Attached& source);
    void Enqueue(const Address& from, const Address& to, std::string data, bool retransmission,
                 Duration extraDelay, Endpoint* sender);
    Duration DelayOf(const Link& link) const;
    void Advance(TimePoint at);

    TimePoint m_now{0};
    Duration m_defaultDelay;
    double m_lossRate = 0.0;
    SplitMixRandom m_random;
    std::vector<Attached> m_endpoints;
    std::map<Address, Endpoint*> m_byAddress;
    std::map<Link, Duration> m_delays;
    std::map<Link, double> m_lossRates;
    std::map<Link, std::vector<std::size_t>> m_scriptedDrops;
    std::map<Link, std::size_t> m_linkCounts;
    DropPredicate m_dropPredicate;
    std::priority_queue<Pending, std::vector<Pending>, std::greater<Pending>> m_pending;
    uint64_t m_sequence = 0;
    std::vector<DatagramRecord> m_log;
    std::size_t m_maxEventsPerInstant = 100000;
    std::size_t m_eventsThisInstant = 0;
};

} // namespace sipsim::test

#endif
