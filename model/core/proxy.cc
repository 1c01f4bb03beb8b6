// Proxy plumbing: inputs, transaction events, our own responses, events and counters.
#include "proxy.h"

#include "inbound.h"
#include "proxy_validation.h"
#include "sip/headers.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <type_traits>
#include <variant>

namespace sipsim
{

namespace
{

/// The transaction layer's timers: a proxy that answers INVITEs with 100 itself turns the
/// layer's automatic 100 off, so an INVITE it rejects at once (407, 404) gets no 100.
TimerConfig
LayerTimers(const ProxyConfig& config)
{
    TimerConfig timers = config.timers;
    if (config.sendTryingImmediately)
    {
        timers.trying100Delay = Milliseconds(-1);
    }
    return timers;
}

} // namespace

const char*
ProxyEventKindName(ProxyEventKind kind)
{
    switch (kind)
    {
    case ProxyEventKind::ChallengeSent:
        return "ChallengeSent";
    case ProxyEventKind::AuthSucceeded:
        return "AuthSucceeded";
    case ProxyEventKind::AuthFailed:
        return "AuthFailed";
    case ProxyEventKind::AuthRejected:
        return "AuthRejected";
    case ProxyEventKind::RequestRejected:
        return "RequestRejected";
    case ProxyEventKind::LoopDetected:
        return "LoopDetected";
    case ProxyEventKind::TooManyHops:
        return "TooManyHops";
    case ProxyEventKind::NoRoute:
        return "NoRoute";
    case ProxyEventKind::TimerC:
        return "TimerC";
    case ProxyEventKind::CancelReceived:
        return "CancelReceived";
    case ProxyEventKind::BestResponse:
        return "BestResponse";
    case ProxyEventKind::Registered:
        return "Registered";
    case ProxyEventKind::Unregistered:
        return "Unregistered";
    case ProxyEventKind::RegisterRejected:
        return "RegisterRejected";
    }
    return "?";
}

double
DefaultProcessingWeight(const SipMessage& message, const std::string& realm)
{
    if (message.IsResponse())
    {
        return 0.5;
    }
    double weight = message.Method() == "INVITE" || message.Method() == "REGISTER" ? 1.5 : 1.0;
    if (!realm.empty())
    {
        const std::string needle = "realm=\"" + realm + "\"";
        for (const HeaderField& field : message.Headers())
        {
            if ((HeaderNameEquals(field.name, "Proxy-Authorization") ||
                 HeaderNameEquals(field.name, "Authorization")) &&
                field.value.find(needle) != std::string::npos)
            {
                weight += 1.0; // a digest to verify
                break;
            }
        }
    }
    return weight;
}

Proxy::Proxy(ProxyConfig config, RandomSource& random)
    : m_config(std::move(config))
    , m_random(random)
    , m_txn(LayerTimers(m_config), random)
    , m_registrar(m_config.registrarConfig, m_location)
{
    // Static routes are looked up by lower-case host.
    std::map<std::string, NextHop, std::less<>> routes;
    for (auto& [domain, hop] : m_config.staticRoutes)
    {
        std::string key = domain;
        std::transform(key.begin(), key.end(), key.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        routes.emplace(std::move(key), std::move(hop));
    }
    m_config.staticRoutes = std::move(routes);
    if (m_config.auth)
    {
        m_auth = std::make_unique<ProxyAuthenticator>(*m_config.auth, m_config.credentials, random,
                                                      m_config.maxAuthFailures);
    }
}

Proxy::~Proxy() = default;

void
Proxy::HandleDatagram(TimePoint now, std::string_view bytes, const Address& from)
{
    HandleInbound(now, ParseInbound(bytes, m_validated.get()), from);
}

void
Proxy::ShareValidatedLines(std::shared_ptr<ValidatedLines> memo)
{
    m_validated = std::move(memo);
}

void
Proxy::HandleInbound(TimePoint now, InboundResult in, const Address& from)
{
    ++m_counters.datagramsReceived;
    if (!in.message)
    {
        if (in.badRequest)
        {
            // §8.2.6 via §16.3 step 1: answered statelessly, it may not be a transaction.
            ++m_counters.badRequestsSent;
            ++m_counters.responsesGenerated[400];
            SipMessage response = StampReceived(*in.badRequest, from);
            SendStateless(now, response, ResponseDestination(response, from));
        }
        else
        {
            ++m_counters.unparseable;
        }
        return;
    }
    SipMessage& message = *in.message;
    if (m_config.observer)
    {
        m_config.observer(message);
    }
    if (message.IsResponse())
    {
        ++m_counters.responsesReceived[message.StatusCode()];
    }
    if (m_config.stateful)
    {
        m_txn.HandleMessage(now, std::move(message), from);
        ProcessTxnEvents(now);
        return;
    }
    if (message.IsRequest())
    {
        OnRequest(now, StampReceived(message, from), Incoming{ServerTxnId{}, from});
    }
    else
    {
        OnStrayResponse(now, message);
    }
}

void
Proxy::HandleTimeout(TimePoint now)
{
    m_txn.HandleTimeout(now);
    ProcessTxnEvents(now);
}

void
Proxy::HandleTransportError(TimePoint now, const Address& destination)
{
    m_txn.HandleTransportError(now, destination);
    ProcessTxnEvents(now);
}

std::optional<Transmit>
Proxy::PollTransmit()
{
    return m_txn.PollTransmit();
}

std::optional<TimePoint>
Proxy::NextDeadline() const
{
    return m_txn.NextDeadline();
}

std::optional<ProxyEvent>
Proxy::PollEvent()
{
    if (m_events.empty())
    {
        return std::nullopt;
    }
    ProxyEvent event = std::move(m_events.front());
    m_events.pop_front();
    return event;
}

std::size_t
Proxy::TrackedAuthFailures() const
{
    return m_auth ? m_auth->TrackedFailures() : 0;
}

double
Proxy::ProcessingWeight(const SipMessage& message) const
{
    if (m_config.processingWeight)
    {
        return m_config.processingWeight(message);
    }
    return DefaultProcessingWeight(message, m_auth ? m_auth->Realm() : std::string());
}

void
Proxy::ProcessTxnEvents(TimePoint now)
{
    while (auto event = m_txn.PollEvent())
    {
        std::visit(
            [&](auto& ev) {
                using T = std::decay_t<decltype(ev)>;
                if constexpr (std::is_same_v<T, RequestReceived>)
                {
                    if (ev.request.Method() == "CANCEL")
                    {
                        OnCancel(now, ev.request, Incoming{ev.txn, ev.from});
                    }
                    else
                    {
                        OnRequest(now, ev.request, Incoming{ev.txn, ev.from});
                    }
                }
                else if constexpr (std::is_same_v<T, AckReceived>)
                {
                    // The ACK for a 2xx is its own end-to-end request: forwarded statelessly.
                    OnRequest(now, ev.request, Incoming{ServerTxnId{}, ev.from});
                }
                else if constexpr (std::is_same_v<T, ResponseReceived>)
                {
                    OnResponse(now, ev.txn, std::move(ev.response));
                }
                else if constexpr (std::is_same_v<T, StrayResponse>)
                {
                    OnStrayResponse(now, std::move(ev.response));
                }
                else if constexpr (std::is_same_v<T, ClientTimeout>)
                {
                    OnClientTimeout(now, ev.txn, ev.timer);
                }
                else if constexpr (std::is_same_v<T, ClientTransportError>)
                {
                    ++m_counters.transportErrors;
                    OnClientFailure(now, ev.txn, 503); // §16.9
                }
                else if constexpr (std::is_same_v<T, ClientTxnTerminated>)
                {
                    OnClientTerminated(now, ev.txn);
                }
                else if constexpr (std::is_same_v<T, ServerTxnTerminated>)
                {
                    OnServerTerminated(ev.txn);
                }
                // ServerTimeout and ServerTransportError need nothing from the core: the
                // response is dropped and the branches go on (§16.9).
            },
            *event);
    }
}

void
Proxy::Emit(TimePoint now, ProxyEventKind kind, const SipMessage& message, int statusCode,
            std::string detail)
{
    if (m_config.maxQueuedEvents == 0)
    {
        ++m_counters.eventsDropped;
        return;
    }
    if (m_events.size() >= m_config.maxQueuedEvents)
    {
        m_events.pop_front();
        ++m_counters.eventsDropped;
    }
    ProxyEvent event;
    event.time = now;
    event.kind = kind;
    event.callId = CallIdView(message); // empty when missing or malformed
    if (message.IsRequest())
    {
        event.method = message.Method();
    }
    else if (auto cseq = GetCSeq(message); cseq.Ok())
    {
        event.method = cseq->method;
    }
    event.statusCode = statusCode;
    event.detail = std::move(detail);
    m_events.push_back(std::move(event));
}

std::string
Proxy::NewToTag(const SipMessage& request)
{
    return m_config.stateful ? m_random.Token(10) : StatelessToTag(request);
}

void
Proxy::SendStateless(TimePoint now, const SipMessage& message, const Address& destination)
{
    m_txn.SendStateless(now, message, destination);
}

void
Proxy::Reply(TimePoint now, const Incoming& in, const SipMessage& request, SipMessage response)
{
    if (request.Method() == "ACK")
    {
        return; // nothing answers an ACK
    }
    ++m_counters.responsesGenerated[response.StatusCode()];
    if (in.txn && m_txn.SendResponse(now, in.txn, response))
    {
        return;
    }
    SendStateless(now, response, ResponseDestination(response, in.from));
}

void
Proxy::Respond(TimePoint now, const Incoming& in, const SipMessage& request, int code,
               std::string reason, std::vector<HeaderField> extra)
{
    SipMessage response = MakeResponseTo(request, code, std::move(reason),
                                         code >= 200 ? NewToTag(request) : std::string());
    auto& headers = response.MutableHeaders();
    auto at = std::find_if(headers.begin(), headers.end(), [](const HeaderField& f) {
        return HeaderNameEquals(f.name, "Content-Length");
    });
    headers.insert(at, extra.begin(), extra.end());
    Reply(now, in, request, std::move(response));
}

void
Proxy::AnswerOptions(TimePoint now, const Incoming& in, const SipMessage& request)
{
    std::string allow = "INVITE, ACK, CANCEL, BYE, OPTIONS";
    if (m_config.registrar)
    {
        allow += ", REGISTER";
    }
    std::vector<HeaderField> extra = {{"Allow", allow}, {"Accept", "application/sdp"}};
    if (!m_config.supportedOptionTags.empty())
    {
        extra.push_back({"Supported", JoinList(m_config.supportedOptionTags)});
    }
    Respond(now, in, request, 200, "OK", std::move(extra));
}

} // namespace sipsim
