// Shared pieces of the user agent tests: a scripted SIP peer, two configured UAs on a
// VirtualNetwork, and event helpers.
#ifndef SIPSIM_TESTS_CORE_UA_TEST_UTIL_H
#define SIPSIM_TESTS_CORE_UA_TEST_UTIL_H

#include "core/user_agent.h"
#include "harness/virtual_network.h"
#include "sip/headers.h"

#include <deque>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace sipsim::test
{

/// A peer whose behaviour is a callback: it records every message it receives and sends
/// whatever the callback queues. No timers: tests script the exchange.
class ScriptedPeer : public Endpoint
{
public:
    using Handler = std::function<void(TimePoint, const SipMessage&, const Address&)>;

    explicit ScriptedPeer(Address self) : m_self(std::move(self)) {}

    Handler onMessage;
    std::vector<std::pair<TimePoint, SipMessage>> received;

    void Send(const SipMessage& message, const Address& to)
    {
        m_out.push_back(Transmit{to, message.Serialize(), false, nullptr});
    }
    const Address& Self() const { return m_self; }
    /// Received requests (or responses, for "SIP/2.0") whose start line starts with prefix.
    std::vector<SipMessage> Received(const std::string& method) const
    {
        std::vector<SipMessage> out;
        for (const auto& [time, message] : received)
        {
            if (message.IsRequest() ? message.Method() == method : method == "SIP/2.0")
            {
                out.push_back(message);
            }
        }
        return out;
    }

    void HandleDatagram(TimePoint now, std::string_view bytes, const Address& from) override
    {
        auto parsed = ParseMessage(bytes);
        if (!parsed.Ok())
        {
            return;
        }
        received.emplace_back(now, *parsed);
        if (onMessage)
        {
            onMessage(now, *parsed, from);
        }
    }
    void HandleTimeout(TimePoint) override {}
    void HandleTransportError(TimePoint, const Address&) override {}
    std::optional<Transmit> PollTransmit() override
    {
        if (m_out.empty())
        {
            return std::nullopt;
        }
        Transmit t = std::move(m_out.front());
        m_out.pop_front();
        return t;
    }
    std::optional<TimePoint> NextDeadline() const override { return std::nullopt; }

private:
    Address m_self;
    std::deque<Transmit> m_out;
};

inline const Address kAliceAddr{"192.0.2.101", 5060, Transport::Udp};
inline const Address kBobAddr{"192.0.2.201", 5060, Transport::Udp};
inline const Address kProxyAddr{"192.0.2.11", 5060, Transport::Udp};

inline Resolver
TestResolver()
{
    Resolver resolver;
    resolver.Add("client.atlanta.example.com", kAliceAddr);
    resolver.Add("atlanta.example.com", kProxyAddr);
    resolver.Add("client.biloxi.example.com", kBobAddr);
    resolver.Add("biloxi.example.com", kBobAddr);
    resolver.Add("proxy.example.com", kProxyAddr);
    return resolver;
}

inline UserAgentConfig
AliceConfig()
{
    UserAgentConfig config;
    config.user = "alice";
    config.displayName = "Alice";
    config.domain = "atlanta.example.com";
    config.hostName = "client.atlanta.example.com";
    config.localAddress = kAliceAddr;
    config.resolver = TestResolver();
    config.credentials = DigestAccount{"alice", "secret"};
    return config;
}

inline UserAgentConfig
BobConfig()
{
    UserAgentConfig config;
    config.user = "bob";
    config.displayName = "Bob";
    config.domain = "biloxi.example.com";
    config.hostName = "client.biloxi.example.com";
    config.localAddress = kBobAddr;
    config.resolver = TestResolver();
    return config;
}

inline std::vector<CallEvent>
DrainEvents(UserAgent& ua)
{
    std::vector<CallEvent> events;
    while (auto event = ua.PollEvent())
    {
        events.push_back(std::move(*event));
    }
    return events;
}

inline std::vector<CallEvent>
OfKind(const std::vector<CallEvent>& events, CallEventKind kind)
{
    std::vector<CallEvent> out;
    for (const auto& event : events)
    {
        if (event.kind == kind)
        {
            out.push_back(event);
        }
    }
    return out;
}

inline std::vector<CallEventKind>
Kinds(const std::vector<CallEvent>& events)
{
    std::vector<CallEventKind> out;
    for (const auto& event : events)
    {
        out.push_back(event.kind);
    }
    return out;
}

inline SipMessage
Parse(const std::string& data)
{
    auto parsed = ParseMessage(data);
    return parsed.Ok() ? *parsed : SipMessage();
}

inline std::string
Header(const SipMessage& message, std::string_view name)
{
    const HeaderValue* value = message.Get(name);
    return value ? value->str() : std::string();
}

inline std::string
TopBranch(const SipMessage& message)
{
    auto via = GetTopVia(message);
    return via.Ok() ? std::string(via->Branch()) : std::string();
}

inline std::string
ToTagOf(const SipMessage& message)
{
    auto to = GetTo(message);
    return to.Ok() ? to->Tag() : std::string();
}

inline Duration
Ms(int64_t ms)
{
    return Milliseconds(ms);
}

} // namespace sipsim::test

#endif
