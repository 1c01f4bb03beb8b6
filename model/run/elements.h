#ifndef SIPSIM_RUN_ELEMENTS_H
#define SIPSIM_RUN_ELEMENTS_H

// Endpoint decorators that own a core element (and its random source) and hand the
// element's events to the run as soon as each input has been processed. The cores queue
// events for PollEvent(); the ns-3 application only knows the Endpoint interface, so the
// decorator is where "after every input" is observable.

#include "core/proxy.h"
#include "core/user_agent.h"
#include "message_handoff.h"
#include "ns3_random.h"
#include "parse_ahead.h"
#include "sip/endpoint.h"
#include "topology/topology.h"

#include <functional>
#include <memory>
#include <utility>

namespace sipsim
{

/// A user agent or proxy core on a node: Core is constructed from (Config, RandomSource&)
/// and queues Event values for PollEvent().
template <typename Core, typename Config, typename Event> class CoreElement : public Endpoint
{
public:
    using EventSink = std::function<void(NodeId node, const Event& event)>;

    CoreElement(NodeId node, Config config, int64_t stream, EventSink sink)
        : m_node(node)
        , m_random(stream)
        , m_core(std::move(config), m_random)
        , m_sink(std::move(sink))
    {
    }

    void HandleDatagram(TimePoint now, std::string_view bytes, const Address& from) override
    {
        if (std::shared_ptr<const SipMessage> sent = m_handOff ? m_handOff->Take(bytes) : nullptr)
        {
            if (m_verifyHandOff)
            {
                VerifyHandOff(*sent, bytes);
            }
            InboundResult in;
            in.message = *sent;
            m_core.HandleInbound(now, std::move(in), from);
        }
        else if (std::optional<InboundResult> parsed =
                     m_parseAhead ? m_parseAhead->Take(bytes) : std::nullopt)
        {
            m_core.HandleInbound(now, std::move(*parsed), from);
        }
        else
        {
            m_core.HandleDatagram(now, bytes, from);
        }
        DrainEvents();
    }
    void HandleTimeout(TimePoint now) override
    {
        m_core.HandleTimeout(now);
        DrainEvents();
    }
    void HandleTransportError(TimePoint now, const Address& destination) override
    {
        m_core.HandleTransportError(now, destination);
        DrainEvents();
    }
    std::optional<Transmit> PollTransmit() override
    {
        std::optional<Transmit> transmit = m_core.PollTransmit();
        if (transmit && m_handOff)
        {
            m_handOff->Submit(transmit->data, std::move(transmit->message));
        }
        else if (transmit && m_parseAhead)
        {
            m_parseAhead->Submit(transmit->data);
        }
        return transmit;
    }
    std::optional<TimePoint> NextDeadline() const override { return m_core.NextDeadline(); }

    /// Hands every message this element sends to `parseAhead` and takes what arrives from
    /// it when found there (see ParseAhead); null: parse on arrival.
    void SetParseAhead(std::shared_ptr<ParseAhead> parseAhead)
    {
        m_parseAhead = std::move(parseAhead);
    }

    /// Hands the message behind every transmission to `handOff`, and takes the message
    /// behind arriving bytes from it when found there (see MessageHandOff); null: parse.
    /// `verify`: parse anyway and throw unless that gives the same message (VerifyHandOff).
    void SetHandOff(std::shared_ptr<MessageHandOff> handOff, bool verify)
    {
        m_handOff = std::move(handOff);
        m_verifyHandOff = verify;
    }

    /// One memo of validated header lines for every element of a simulation (see
    /// ShareValidatedLines in the cores): same verdicts, fewer checks.
    void ShareValidatedLines(std::shared_ptr<ValidatedLines> memo)
    {
        m_core.ShareValidatedLines(std::move(memo));
    }

    Core& GetCore() { return m_core; }
    NodeId Node() const { return m_node; }
    /// Hands queued events to the sink. Call after poking the core from outside
    /// (StartCall, Register), then flush the application.
    void DrainEvents()
    {
        while (auto event = m_core.PollEvent())
        {
            if (m_sink)
            {
                m_sink(m_node, *event);
            }
        }
    }

private:
    NodeId m_node;
    Ns3RandomSource m_random; ///< declared before m_core: the core keeps a reference
    Core m_core;
    EventSink m_sink;
    std::shared_ptr<ParseAhead> m_parseAhead;
    std::shared_ptr<MessageHandOff> m_handOff;
    bool m_verifyHandOff = false;
};

using UaElement = CoreElement<UserAgent, UserAgentConfig, CallEvent>;
using ProxyElement = CoreElement<Proxy, ProxyConfig, ProxyEvent>;

} // namespace sipsim

#endif
