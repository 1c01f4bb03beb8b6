#ifndef SIPSIM_RUN_ELEMENTS_H
#define SIPSIM_RUN_ELEMENTS_H

// Endpoint decorators that own a core element (and its random source) and hand the
// element's events to the run as soon as each input has been processed. The cores queue
// events for PollEvent(); the ns-3 application only knows the Endpoint interface, so the
// decorator is where "after every input" is observable.

#include "core/proxy.h"
#include "core/user_agent.h"
#include "ns3_random.h"
#include "sip/endpoint.h"
#include "topology/topology.h"

#include <functional>
#include <memory>

namespace sipsim
{

class UaElement : public Endpoint
{
public:
    using EventSink = std::function<void(NodeId node, const CallEvent& event)>;

    UaElement(NodeId node, UserAgentConfig config, int64_t stream, EventSink sink);

    void HandleDatagram(TimePoint now, std::string_view bytes, const Address& from) override;
    void HandleTimeout(TimePoint now) override;
    void HandleTransportError(TimePoint now, const Address& destination) override;
    std::optional<Transmit> PollTransmit() override { return m_ua.PollTransmit(); }
    std::optional<TimePoint> NextDeadline() const override { return m_ua.NextDeadline(); }

    UserAgent& Ua() { return m_ua; }
    NodeId Node() const { return m_node; }
    /// Hands queued events to the sink. Call after poking the agent from outside
    /// (StartCall, Register), then flush the application.
    void DrainEvents();

private:
    NodeId m_node;
    Ns3RandomSource m_random; ///< declared before m_ua: the agent keeps a reference
    UserAgent m_ua;
    EventSink m_sink;
};

class ProxyElement : public Endpoint
{
public:
    using EventSink = std::function<void(NodeId node, const ProxyEvent& event)>;

    ProxyElement(NodeId node, ProxyConfig config, int64_t stream, EventSink sink);

    void HandleDatagram(TimePoint now, std::string_view bytes, const Address& from) override;
    void HandleTimeout(TimePoint now) override;
    void HandleTransportError(TimePoint now, const Address& destination) override;
    std::optional<Transmit> PollTransmit() override { return m_proxy.PollTransmit(); }
    std::optional<TimePoint> NextDeadline() const override { return m_proxy.NextDeadline(); }

    Proxy& Core() { return m_proxy; }
    NodeId Node() const { return m_node; }
    void DrainEvents();

private:
    NodeId m_node;
    Ns3RandomSource m_random;
    Proxy m_proxy;
    EventSink m_sink;
};

} // namespace sipsim

#endif
