#include "virtual_network.h"

#include <algorithm>

namespace sipsim::test
{

std::string
DatagramRecord::StartLine() const
{
    const auto end = data.find("\r\n");
    return data.substr(0, end == std::string::npos ? data.size() : end);
}

VirtualNetwork::VirtualNetwork(uint64_t seed, Duration defaultDelay)
    : m_defaultDelay(defaultDelay), m_random(seed)
{
}

void
VirtualNetwork::Attach(const Address& address, Endpoint& endpoint)
{
    m_byAddress[address] = &endpoint;
    if (Attached* existing = Find(endpoint))
    {
        existing->addresses.push_back(address);
        return;
    }
    m_endpoints.push_back(Attached{&endpoint, {address}});
}

void
VirtualNetwork::SetLinkDelay(const Address& from, const Address& to, Duration delay)
{
    m_delays[Link{from, to}] = delay;
}

void
VirtualNetwork::SetPathDelay(const Address& a, const Address& b, Duration delay)
{
    SetLinkDelay(a, b, delay);
    SetLinkDelay(b, a, delay);
}

void
VirtualNetwork::DropNth(const Address& from, const Address& to, std::size_t k)
{
    m_scriptedDrops[Link{from, to}].push_back(k);
}

void
VirtualNetwork::SetLossRate(const Address& from, const Address& to, double p)
{
    m_lossRates[Link{from, to}] = p;
}

VirtualNetwork::Attached*
VirtualNetwork::Find(Endpoint& endpoint)
{
    for (auto& attached : m_endpoints)
    {
        if (attached.endpoint == &endpoint)
        {
            return &attached;
        }
    }
    return nullptr;
}

Endpoint*
VirtualNetwork::EndpointAt(const Address& address) const
{
    const auto it = m_byAddress.find(address);
    return it == m_byAddress.end() ? nullptr : it->second;
}

Duration
VirtualNetwork::DelayOf(const Link& link) const
{
    const auto it = m_delays.find(link);
    return it == m_delays.end() ? m_defaultDelay : it->second;
}

void
VirtualNetwork::Inject(const Address& from, const Address& to, std::string data, Duration delay)
{
    Enqueue(from, to, std::move(data), false, delay, nullptr);
}

void
VirtualNetwork::Enqueue(const Address& from, const Address& to, std::string data,
                        bool retransmission, Duration delay, Endpoint* sender)
{
    const Link link{from, to};
    DatagramRecord record;
    record.sentAt = m_now;
    record.deliverAt = m_now + delay;
    record.from = from;
    record.to = to;
    record.data = std::move(data);
    record.retransmission = retransmission;
    record.linkIndex = ++m_linkCounts[link];

    if (EndpointAt(to) == nullptr)
    {
        record.fate = DatagramRecord::Fate::NoRoute;
        m_log.push_back(std::move(record));
        if (sender != nullptr && IsReliable(to.transport))
        {
            // A TCP connect would fail: tell the sender, as the I/O layer would.
            Pending error;
            error.at = m_now;
            error.sequence = m_sequence++;
            error.record = m_log.size() - 1;
            error.transportError = true;
            error.errorTarget = sender;
            error.errorDestination = to;
            m_pending.push(std::move(error));
        }
        return;
    }

    bool drop = false;
    if (const auto it = m_scriptedDrops.find(link); it != m_scriptedDrops.end())
    {
        drop =
            std::find(it->second.begin(), it->second.end(), record.linkIndex) != it->second.end();
    }
    if (!drop && m_dropPredicate)
    {
        drop = m_dropPredicate(record);
    }
    if (!drop)
    {
        const auto it = m_lossRates.find(link);
        const double p = it == m_lossRates.end() ? m_lossRate : it->second;
        // Draw only on lossy links so adding loss elsewhere does not shift this stream.
        drop = p > 0.0 && m_random.NextUnit() < p;
    }
    record.fate = drop ? DatagramRecord::Fate::Dropped : DatagramRecord::Fate::InFlight;
    m_log.push_back(std::move(record));
    if (!drop)
    {
        Pending delivery;
        delivery.at = m_log.back().deliverAt;
        delivery.sequence = m_sequence++;
        delivery.record = m_log.size() - 1;
        m_pending.push(std::move(delivery));
    }
}

void
VirtualNetwork::Drain(Attached& source)
{
    while (auto transmit = source.endpoint->PollTransmit())
    {
        const Address* from = &source.addresses.front();
        for (const auto& address : source.addresses)
        {
            if (address.transport == transmit->destination.transport)
            {
                from = &address;
                break;
            }
        }
        const Link link{*from, transmit->destination};
        Enqueue(*from, transmit->destination, std::move(transmit->data), transmit->retransmission,
                DelayOf(link), source.endpoint);
    }
}

void
VirtualNetwork::Flush()
{
    for (auto& attached : m_endpoints)
    {
        Drain(attached);
    }
}

std::optional<TimePoint>
VirtualNetwork::NextEventTime() const
{
    std::optional<TimePoint> next;
    if (!m_pending.empty())
    {
        next = m_pending.top().at;
    }
    for (const auto& attached : m_endpoints)
    {
        if (const auto deadline = attached.endpoint->NextDeadline())
        {
            if (!next || *deadline < *next)
            {
                next = deadline;
            }
        }
    }
    if (next && *next < m_now)
    {
        next = m_now; // a deadline already in the past fires now
    }
    return next;
}

void
VirtualNetwork::Advance(TimePoint at)
{
    if (at != m_now)
    {
        m_now = at;
        m_eventsThisInstant = 0;
    }
}

bool
VirtualNetwork::Step()
{
    const auto next = NextEventTime();
    if (!next || m_eventsThisInstant >= m_maxEventsPerInstant)
    {
        return false;
    }
    Advance(*next);
    ++m_eventsThisInstant;

    // Deliveries before timers at the same instant: deterministic, and what a real event
    // loop that reads sockets before firing timers would do.
    if (!m_pending.empty() && m_pending.top().at <= m_now)
    {
        const Pending event = m_pending.top();
        m_pending.pop();
        if (event.transportError)
        {
            event.errorTarget->HandleTransportError(m_now, event.errorDestination);
            Drain(*Find(*event.errorTarget));
            return true;
        }
        DatagramRecord& record = m_log[event.record];
        record.fate = DatagramRecord::Fate::Delivered;
        const std::string data = record.data; // the log may grow while the endpoint runs
        const Address from = record.from;
        Endpoint* target = EndpointAt(record.to);
        target->HandleDatagram(m_now, data, from);
        Drain(*Find(*target));
        return true;
    }
    for (auto& attached : m_endpoints)
    {
        const auto deadline = attached.endpoint->NextDeadline();
        if (deadline && *deadline <= m_now)
        {
            attached.endpoint->HandleTimeout(m_now);
            Drain(attached);
            return true;
        }
    }
    return false;
}

std::size_t
VirtualNetwork::RunUntil(TimePoint until)
{
    std::size_t events = 0;
    for (auto next = NextEventTime(); next && *next <= until; next = NextEventTime())
    {
        if (!Step())
        {
            break;
        }
        ++events;
    }
    Advance(std::max(m_now, until));
    return events;
}

std::vector<DatagramRecord>
VirtualNetwork::Between(const Address& from, const Address& to) const
{
    std::vector<DatagramRecord> out;
    for (const auto& record : m_log)
    {
        if (record.from == from && record.to == to)
        {
            out.push_back(record);
        }
    }
    return out;
}

std::vector<DatagramRecord>
VirtualNetwork::Matching(const std::string& prefix) const
{
    std::vector<DatagramRecord> out;
    for (const auto& record : m_log)
    {
        if (record.data.compare(0, prefix.size(), prefix) == 0)
        {
            out.push_back(record);
        }
    }
    return out;
}

std::size_t
VirtualNetwork::DeliveredCount() const
{
    return static_cast<std::size_t>(std::count_if(
        m_log.begin(), m_log.end(), [](const DatagramRecord& r) { return r.Delivered(); }));
}

std::size_t
VirtualNetwork::DroppedCount() const
{
    return static_cast<std::size_t>(
        std::count_if(m_log.begin(), m_log.end(), [](const DatagramRecord& r) {
            return r.fate == DatagramRecord::Fate::Dropped;
        }));
}

} // namespace sipsim::test
