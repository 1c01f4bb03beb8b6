#include "elements.h"

namespace sipsim
{

UaElement::UaElement(NodeId node, UserAgentConfig config, int64_t stream, EventSink sink)
    : m_node(node), m_random(stream), m_ua(std::move(config), m_random), m_sink(std::move(sink))
{
}

void
UaElement::HandleDatagram(TimePoint now, std::string_view bytes, const Address& from)
{
    m_ua.HandleDatagram(now, bytes, from);
    DrainEvents();
}

void
UaElement::HandleTimeout(TimePoint now)
{
    m_ua.HandleTimeout(now);
    DrainEvents();
}

void
UaElement::HandleTransportError(TimePoint now, const Address& destination)
{
    m_ua.HandleTransportError(now, destination);
    DrainEvents();
}

void
UaElement::DrainEvents()
{
    while (auto event = m_ua.PollEvent())
    {
        if (m_sink)
        {
            m_sink(m_node, *event);
        }
    }
}

ProxyElement::ProxyElement(NodeId node, ProxyConfig config, int64_t stream, EventSink sink)
    : m_node(node), m_random(stream), m_proxy(std::move(config), m_random), m_sink(std::move(sink))
{
}

void
ProxyElement::HandleDatagram(TimePoint now, std::string_view bytes, const Address& from)
{
    m_proxy.HandleDatagram(now, bytes, from);
    DrainEvents();
}

void
ProxyElement::HandleTimeout(TimePoint now)
{
    m_proxy.HandleTimeout(now);
    DrainEvents();
}

void
ProxyElement::HandleTransportError(TimePoint now, const Address& destination)
{
    m_proxy.HandleTransportError(now, destination);
    DrainEvents();
}

void
ProxyElement::DrainEvents()
{
    while (auto event = m_proxy.PollEvent())
    {
        if (m_sink)
        {
            m_sink(m_node, *event);
        }
    }
}

} // namespace sipsim
