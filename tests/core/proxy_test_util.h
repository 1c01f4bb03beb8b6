// Shared pieces of the proxy / registrar tests: a scripted SIP peer that records what it
// receives, request builders and message accessors.
#ifndef SIPSIM_TESTS_CORE_PROXY_TEST_UTIL_H
#define SIPSIM_TESTS_CORE_PROXY_TEST_UTIL_H

#include "core/proxy.h"
#include "harness/virtual_network.h"
#include "sip/headers.h"

#include <deque>
#include <functional>
#include <gtest/gtest.h>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace sipsim::proxytest
{

using test::DatagramRecord;
using test::VirtualNetwork;

/// A peer driven by the test: records every message, answers through `onMessage`.
class Peer : public Endpoint
{
public:
    using Handler = std::function<void(Peer&, TimePoint, const SipMessage&)>;

    explicit Peer(Address self) : m_self(std::move(self)) {}

    Handler onMessage;
    std::vector<SipMessage> received;

    const Address& Self() const { return m_self; }
    void Send(const SipMessage& message, const Address& to)
    {
        m_out.push_back(Transmit{to, message.Serialize(), false, nullptr});
    }
    /// Received requests with that method, or responses when method is "SIP/2.0".
    std::vector<SipMessage> Requests(const std::string& method) const
    {
        std::vector<SipMessage> out;
        for (const auto& m : received)
        {
            if (m.IsRequest() && m.Method() == method)
            {
                out.push_back(m);
            }
        }
        return out;
    }
    /// Received responses with that status code (0: all), optionally to one CSeq method.
    std::vector<SipMessage> Responses(int code = 0, const std::string& cseqMethod = {}) const
    {
        std::vector<SipMessage> out;
        for (const auto& m : received)
        {
            if (!m.IsResponse() || (code != 0 && m.StatusCode() != code))
            {
                continue;
            }
            auto cseq = GetCSeq(m);
            if (!cseqMethod.empty() && (!cseq.Ok() || cseq->method != cseqMethod))
            {
                continue;
            }
            out.push_back(m);
        }
        return out;
    }

    void HandleDatagram(TimePoint now, std::string_view bytes, const Address&) override
    {
        auto parsed = ParseMessage(bytes);
        if (!parsed.Ok())
        {
            return;
        }
        received.push_back(*parsed);
        if (onMessage)
        {
            onMessage(*this, now, received.back());
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

inline const Address kCallerAddr{"192.0.2.101", 5060, Transport::Udp};
inline const Address kCalleeAddr{"192.0.2.201", 5060, Transport::Udp};
inline const Address kCallee2Addr{"192.0.2.202", 5060, Transport::Udp};
inline const Address kProxyAddr{"192.0.2.50", 5060, Transport::Udp};
inline const Address kProxy2Addr{"192.0.2.60", 5060, Transport::Udp};

/// A request from the caller (alice@example.com at 192.0.2.101) with its top Via.
inline SipMessage
MakeRequest(const std::string& method, const std::string& requestUri, const std::string& branch,
            const std::string& callId = "call-1@192.0.2.101", uint32_t cseq = 1,
            const std::string& maxForwards = "70")
{
    SipMessage request = SipMessage::MakeRequest(method, requestUri);
    request.Add("Via", "SIP/2.0/UDP 192.0.2.101:5060;branch=" + branch);
    if (!maxForwards.empty())
    {
        request.Add("Max-Forwards", maxForwards);
    }
    request.Add("From", "<sip:alice@example.com>;tag=a1");
    request.Add("To", "<" + requestUri + ">");
    request.Add("Call-ID", callId);
    request.Add("CSeq", std::to_string(cseq) + " " + method);
    request.Add("Contact", "<sip:alice@192.0.2.101>");
    request.Add("Content-Length", "0");
    return request;
}

/// A response from a scripted UAS to a request it received (Via copied as received; a
/// 101-299 also copies Record-Route, as a UAS does for a dialog, §12.1.1).
inline SipMessage
Answer(const SipMessage& request, int code, const std::string& toTag = "b1")
{
    SipMessage response = MakeResponseTo(request, code, {}, code == 100 ? std::string() : toTag);
    if (code > 100 && code < 300)
    {
        for (const auto& field : request.Headers())
        {
            if (HeaderNameEquals(field.name, "Record-Route"))
            {
                response.Add("Record-Route", field.value);
            }
        }
    }
    return response;
}

/// The ACK a UAC's transaction sends for a non-2xx final (§17.1.1.3), rebuilt from the
/// response alone: its top Via (the INVITE's), From, To, Call-ID and CSeq number.
inline SipMessage
AckFor(const SipMessage& response)
{
    auto to = GetTo(response);
    SipMessage ack = SipMessage::MakeRequest("ACK", to.Ok() ? to->uri : std::string("sip:x"));
    auto vias = response.GetAll("Via");
    if (!vias.empty())
    {
        ack.Add("Via", std::string(vias.front()));
    }
    ack.Add("Max-Forwards", "70");
    for (const char* name : {"From", "To", "Call-ID"})
    {
        if (const HeaderValue* value = response.Get(name))
        {
            ack.Add(name, *value);
        }
    }
    auto cseq = GetCSeq(response);
    ack.Add("CSeq", std::to_string(cseq.Ok() ? cseq->number : 0) + " ACK");
    ack.Add("Content-Length", "0");
    return ack;
}

/// A caller handler that ACKs every non-2xx final response to an INVITE, as the client
/// transaction of a real UA would, so server transactions stop retransmitting.
inline void
AutoAck(Peer& peer, TimePoint, const SipMessage& m)
{
    auto cseq = GetCSeq(m);
    if (m.IsResponse() && m.StatusCode() >= 300 && cseq.Ok() && cseq->method == "INVITE")
    {
        peer.Send(AckFor(m), kProxyAddr);
    }
}

inline std::string
HeaderOf(const SipMessage& message, std::string_view name)
{
    const HeaderValue* value = message.Get(name);
    return value ? value->str() : std::string();
}

inline std::size_t
ViaCount(const SipMessage& message)
{
    return message.GetAll("Via").size();
}

inline std::string
TopBranchOf(const SipMessage& message)
{
    auto via = GetTopVia(message);
    return via.Ok() ? std::string(via->Branch()) : std::string();
}

/// The start lines in the network log, in send order.
inline std::vector<std::string>
StartLines(const VirtualNetwork& net)
{
    std::vector<std::string> out;
    for (const auto& record : net.Log())
    {
        out.push_back(record.StartLine());
    }
    return out;
}

inline std::vector<ProxyEvent>
DrainProxyEvents(Proxy& proxy)
{
    std::vector<ProxyEvent> out;
    while (auto event = proxy.PollEvent())
    {
        out.push_back(std::move(*event));
    }
    return out;
}

/// A stateful proxy "proxy.example.com" for example.com with registrar role, no auth.
inline ProxyConfig
BasicProxyConfig()
{
    ProxyConfig config;
    config.hostName = "proxy.example.com";
    config.localAddress = kProxyAddr;
    config.domains = {"example.com"};
    config.registrar = true;
    config.resolver.Add("proxy.example.com", kProxyAddr);
    return config;
}

/// A stateful proxy for example.com (registrar, bob -> 192.0.2.201) between a caller and two
/// callees, all scripted; the caller ACKs non-2xx finals.
class ProxyTest : public ::testing::Test
{
protected:
    void Build(ProxyConfig config = BasicProxyConfig())
    {
        proxy = std::make_unique<Proxy>(std::move(config), random);
        net.Attach(kProxyAddr, *proxy);
        net.Attach(kCallerAddr, caller);
        net.Attach(kCalleeAddr, callee);
        net.Attach(kCallee2Addr, callee2);
        caller.onMessage = AutoAck;
        proxy->Location().Add("sip:bob@example.com", "sip:bob@192.0.2.201", net.Now(),
                              Seconds(3600));
    }
    void Send(const SipMessage& message)
    {
        caller.Send(message, kProxyAddr);
        net.Flush();
    }
    /// callee answers every INVITE with `codes` in order (100 ms apart is not needed: the
    /// network delay orders them), ACKs and BYEs with nothing / 200.
    static Peer::Handler Answering(std::vector<int> codes)
    {
        return [codes](Peer& peer, TimePoint, const SipMessage& m) {
            if (m.IsRequest() && m.Method() == "INVITE")
            {
                for (int code : codes)
                {
                    peer.Send(Answer(m, code), kProxyAddr);
                }
            }
            else if (m.IsRequest() && m.Method() != "ACK")
            {
                peer.Send(Answer(m, 200), kProxyAddr);
            }
        };
    }
    /// 180 to an INVITE; a CANCEL gets 200 and the INVITE 487.
    static Peer::Handler RingingUntilCancelled()
    {
        return [](Peer& peer, TimePoint, const SipMessage& m) {
            if (!m.IsRequest())
            {
                return;
            }
            if (m.Method() == "INVITE")
            {
                peer.Send(Answer(m, 180), kProxyAddr);
            }
            else if (m.Method() == "CANCEL")
            {
                peer.Send(Answer(m, 200), kProxyAddr);
                for (const auto& invite : peer.Requests("INVITE"))
                {
                    if (TopBranchOf(invite) == TopBranchOf(m))
                    {
                        peer.Send(Answer(invite, 487), kProxyAddr);
                    }
                }
            }
        };
    }

    SplitMixRandom random{7};
    VirtualNetwork net{1, Milliseconds(10)};
    Peer caller{kCallerAddr};
    Peer callee{kCalleeAddr};
    Peer callee2{kCallee2Addr};
    std::unique_ptr<Proxy> proxy;
};

} // namespace sipsim::proxytest

#endif
