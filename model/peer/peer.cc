// `sipsim peer`: the core's UserAgent / Proxy on real sockets. This file builds the
// element from PeerOptions and drives it (workload, events, stop conditions); the sockets
// are EventLoop's business and the SIP behaviour entirely the core's.
#include "peer.h"

#include "core/proxy.h"
#include "core/user_agent.h"
#include "sip/headers.h"
#include "sip/message.h"

#include <chrono>
#include <cinttypes>
#include <csignal>
#include <cstdio>
#include <ostream>
#include <set>
#include <unistd.h>

namespace sipsim
{

namespace
{

std::string
FirstLine(std::string_view bytes)
{
    const auto end = bytes.find_first_of("\r\n");
    std::string line(bytes.substr(0, std::min<std::size_t>(end, 200)));
    for (char& c : line)
    {
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e)
        {
            c = '.'; // keep one message per log line whatever arrives
        }
    }
    return line;
}

std::string
FormatTime(TimePoint t)
{
    char text[32];
    std::snprintf(text, sizeof(text), "%.6f", ToSeconds(t));
    return text;
}

const char*
SignalName(int signal)
{
    switch (signal)
    {
    case SIGINT:
        return "SIGINT";
    case SIGTERM:
        return "SIGTERM";
    default:
        return "signal";
    }
}

} // namespace

// ---- Driver: what every role shares ---------------------------------------------------

class Peer::Driver : public LoopDriver
{
public:
    Driver(const PeerOptions& options, EventLoop& loop) : m_options(options), m_loop(loop) {}

    void SetLog(std::ostream* log) { m_log = log; }

    /// Every message on the wire: the log line, per-kind counters, then the role's view.
    void OnWire(const WireEvent& event)
    {
        const bool rx = event.direction == WireDirection::Rx;
        const auto parsed = ParseMessage(event.bytes, Framing::Datagram);
        const std::string kind = MessageKind(parsed.Ok() ? &*parsed : nullptr);
        if (m_log != nullptr)
        {
            const auto callId =
                parsed.Ok() ? GetCallId(*parsed) : Result<std::string>(MakeError(""));
            *m_log << FormatTime(event.time) << (rx ? " RX " : " TX ") << event.peer.ToString()
                   << " " << TransportName(event.peer.transport) << " " << FirstLine(event.bytes)
                   << (callId.Ok() ? " [" + *callId + "]" : std::string())
                   << (event.retransmission ? " (retransmission)" : "") << std::endl;
        }
        ++(rx ? m_rx : m_tx)[kind];
        if (event.retransmission)
        {
            ++m_retransmissions[kind];
        }
        if (parsed.Ok())
        {
            OnMessage(event, *parsed);
        }
    }

    bool Finished(TimePoint now) const override { return m_finishAt && now >= *m_finishAt; }

    std::optional<TimePoint> NextWake() const override
    {
        std::optional<TimePoint> wake = m_finishAt;
        if (m_options.duration > Duration::zero() && !m_finishAt)
        {
            wake = m_options.duration;
        }
        if (const auto role = RoleWake(); role && (!wake || *role < *wake))
        {
            wake = role;
        }
        return wake;
    }

    /// Fills the parts of the summary the driver knows.
    void Fill(PeerSummary& summary) const
    {
        summary.stopReason = m_loop.StopSignal() != 0 ? SignalName(m_loop.StopSignal())
                             : m_stopReason.empty()   ? "stopped"
                                                      : m_stopReason;
        summary.attempted = m_stats.Attempted();
        summary.established = m_stats.Established();
        summary.completed = m_stats.Completed();
        summary.failed = m_stats.Failed();
        summary.cancelled = m_stats.Cancelled();
        summary.active = m_stats.Unfinished();
        for (const auto& [code, count] : m_stats.FailureCodes())
        {
            summary.failedByCause[std::to_string(code)] += count;
        }
        // A call whose last word was a challenge was not pursued: it failed (the caller
        // gave up, or our re-challenge after wrong credentials ended it).
        for (const auto& [code, count] : m_stats.PendingChallenges())
        {
            summary.failed += count;
            summary.active -= count;
            summary.failedByCause[std::to_string(code)] += count;
        }
        summary.setupDelay = ComputeSampleStats(m_stats.SetupDelays());
        summary.setupDelayMeasured = SetupDelayMeasured();
        summary.retransmissionsByMessage = m_retransmissions;
        summary.rx = m_rx;
        summary.tx = m_tx;
        FillElement(summary);
    }

protected:
    virtual void OnMessage(const WireEvent& event, const SipMessage& message)
    {
        (void)event;
        (void)message;
    }
    virtual std::optional<TimePoint> RoleWake() const { return std::nullopt; }
    /// The role's own workload is over (a caller placed and ended all its calls).
    virtual bool WorkloadDone() const { return false; }
    virtual void FillElement(PeerSummary& summary) const = 0;
    virtual std::string SetupDelayMeasured() const = 0;

    void LogEvent(TimePoint time, const std::string& text)
    {
        if (m_log != nullptr)
        {
            // Flushed per line: scripts follow the log while the peer runs.
            *m_log << FormatTime(time) << " EV " << text << std::endl;
        }
    }

    /// Decides when to stop; called at the end of every step.
    void UpdateStop(TimePoint now)
    {
        if (m_finishAt)
        {
            return;
        }
        if (m_options.duration > Duration::zero() && now >= m_options.duration)
        {
            m_finishAt = now;
            m_stopReason = "duration";
        }
        else if (m_options.maxCalls != 0 && m_stats.Finished() >= m_options.maxCalls)
        {
            m_finishAt = now + m_options.linger;
            m_stopReason = "max-calls";
        }
        else if (WorkloadDone())
        {
            m_finishAt = now + m_options.linger;
            m_stopReason = "calls done";
        }
    }

    const PeerOptions& m_options;
    EventLoop& m_loop;
    std::ostream* m_log = nullptr;
    CallStats m_stats;

private:
    std::optional<TimePoint> m_finishAt;
    std::string m_stopReason;
    std::map<std::string, uint64_t> m_rx;
    std::map<std::string, uint64_t> m_tx;
    std::map<std::string, uint64_t> m_retransmissions;
};

// ---- User agent -----------------------------------------------------------------------

class Peer::UaDriver : public Driver
{
public:
    UaDriver(const PeerOptions& options, EventLoop& loop, UserAgent& ua)
        : Driver(options, loop), m_ua(ua)
    {
    }

    void OnStep(TimePoint now) override
    {
        if (m_options.registerUri && !m_registered)
        {
            m_registered = true;
            m_ua.Register(now, *m_options.registerUri, m_options.expires);
        }
        while (m_options.callTarget && m_placed < m_options.calls && now >= NextStart())
        {
            CallOptions callOptions;
            callOptions.hangupAfter = m_options.hold;
            const CallHandle handle = m_ua.StartCall(now, *m_options.callTarget, callOptions);
            m_uac.insert(handle.value);
            ++m_placed;
            DrainEvents();
        }
        DrainEvents();
        UpdateStop(now);
    }

protected:
    std::optional<TimePoint> RoleWake() const override
    {
        if (m_options.callTarget && m_placed < m_options.calls)
        {
            return NextStart();
        }
        return std::nullopt;
    }

    bool WorkloadDone() const override
    {
        return m_options.callTarget && m_placed == m_options.calls &&
               m_uacEnded == static_cast<uint64_t>(m_options.calls);
    }

    std::string SetupDelayMeasured() const override
    {
        // The caller's view is the simulation's (INVITE -> 2xx); a callee sees the set-up
        // complete when the ACK arrives.
        return m_options.callTarget ? "INVITE sent -> 2xx received"
                                    : "INVITE received -> ACK received";
    }

    void FillElement(PeerSummary& summary) const override
    {
        const UaCounters& c = m_ua.Counters();
        const TxnCounters& t = m_ua.Transactions().Counters();
        summary.requestsAbsorbed = t.requestsAbsorbed;
        summary.responsesAbsorbed = t.responsesAbsorbed;
        summary.element = {{"calls_started", c.callsStarted},
                           {"incoming_calls", c.incomingCalls},
                           {"calls_established", c.callsEstablished},
                           {"calls_failed", c.callsFailed},
                           {"calls_cancelled", c.callsCancelled},
                           {"byes_received", m_byesReceived},
                           {"registrations", m_registrations},
                           {"registration_failures", m_registrationFailures},
                           {"challenges_received", c.challengesReceived},
                           {"auth_failures", c.authFailures},
                           {"ok_retransmissions", c.okRetransmissions},
                           {"ack_timeouts", c.ackTimeouts},
                           {"acks_sent", c.acksSent},
                           {"bad_requests_sent", c.badRequestsSent},
                           {"rejected_requests", c.rejectedRequests},
                           {"client_timeouts", t.clientTimeouts},
                           {"server_timeouts", t.serverTimeouts},
                           {"transport_errors", t.transportErrors},
                           {"stray_responses", t.strayResponses},
                           {"malformed_dropped", t.malformedDropped},
                           {"auto_trying", t.autoTrying}};
    }

private:
    TimePoint NextStart() const
    {
        return Duration(static_cast<int64_t>(static_cast<double>(m_placed) / m_options.rate * 1e9));
    }

    void DrainEvents()
    {
        while (std::optional<CallEvent> event = m_ua.PollEvent())
        {
            const std::string key = std::to_string(event->handle);
            LogEvent(event->time,
                     std::string("call ") + key + " " + CallEventKindName(event->kind) +
                         (event->statusCode != 0 ? " " + std::to_string(event->statusCode)
                                                 : std::string()) +
                         (event->detail.empty() ? "" : " (" + event->detail + ")") + " [" +
                         event->callId + "]");
            bool ended = false;
            switch (event->kind)
            {
            case CallEventKind::InviteSent:
            case CallEventKind::IncomingCall:
                m_stats.Attempt(key, event->time);
                break;
            case CallEventKind::Established:
                m_stats.Establish(key, event->time);
                break;
            case CallEventKind::ByeReceived:
                ++m_byesReceived;
                ended = m_stats.Complete(key);
                break;
            case CallEventKind::ByeCompleted:
                ended = m_stats.Complete(key);
                break;
            case CallEventKind::Failed:
            case CallEventKind::RejectSent:
                ended = m_stats.Fail(key, event->statusCode);
                break;
            case CallEventKind::Cancelled:
                ended = m_stats.Cancel(key);
                break;
            case CallEventKind::Registered:
                ++m_registrations;
                break;
            case CallEventKind::RegistrationFailed:
                ++m_registrationFailures;
                break;
            default:
                break;
            }
            if (ended && m_uac.count(event->handle) != 0)
            {
                ++m_uacEnded;
            }
        }
    }

    UserAgent& m_ua;
    int m_placed = 0;
    std::set<uint64_t> m_uac; ///< handles of the calls we placed
    uint64_t m_uacEnded = 0;
    uint64_t m_byesReceived = 0; ///< BYE transactions answered (retransmissions not counted)
    bool m_registered = false;   ///< the REGISTER of --register went out
    uint64_t m_registrations = 0;
    uint64_t m_registrationFailures = 0;
};

// ---- Proxy / registrar ----------------------------------------------------------------

class Peer::ProxyDriver : public Driver
{
public:
    ProxyDriver(const PeerOptions& options, EventLoop& loop, Proxy& proxy)
        : Driver(options, loop), m_proxy(proxy)
    {
    }

    void OnStep(TimePoint now) override
    {
        while (std::optional<ProxyEvent> event = m_proxy.PollEvent())
        {
            ++m_events[ProxyEventKindName(event->kind)];
            LogEvent(event->time,
                     std::string(ProxyEventKindName(event->kind)) + " " + event->method +
                         (event->statusCode != 0 ? " " + std::to_string(event->statusCode)
                                                 : std::string()) +
                         (event->detail.empty() ? "" : " (" + event->detail + ")") + " [" +
                         event->callId + "]");
        }
        UpdateStop(now);
    }

protected:
    /// A proxy has no call objects: a call is an INVITE Call-ID, followed through what the
    /// proxy sends back upstream (responses only ever travel toward the request's sender).
    void OnMessage(const WireEvent& event, const SipMessage& message) override
    {
        const auto callId = GetCallId(message);
        if (!callId.Ok())
        {
            return;
        }
        if (event.direction == WireDirection::Rx)
        {
            if (message.IsRequest() && message.Method() == "INVITE")
            {
                const auto to = GetTo(message);
                if (to.Ok() && to->Tag().empty())
                {
                    m_stats.Attempt(*callId, event.time);
                }
            }
            return;
        }
        if (!message.IsResponse())
        {
            return;
        }
        const auto cseq = GetCSeq(message);
        const int code = message.StatusCode();
        if (!cseq.Ok() || code < 200)
        {
            return;
        }
        if (cseq->method == "INVITE")
        {
            if (code < 300)
            {
                m_stats.Establish(*callId, event.time);
            }
            else if (code == 401 || code == 407)
            {
                m_stats.Challenge(*callId, code);
            }
            else if (code == 487)
            {
                m_stats.Cancel(*callId);
            }
            else
            {
                m_stats.Fail(*callId, code);
            }
        }
        else if (cseq->method == "BYE" && code < 300)
        {
            m_stats.Complete(*callId);
        }
    }

    std::string SetupDelayMeasured() const override
    {
        return "first INVITE received -> 2xx forwarded";
    }

    void FillElement(PeerSummary& summary) const override
    {
        const ProxyCounters& c = m_proxy.Counters();
        const TxnCounters& t = m_proxy.Transactions().Counters();
        summary.requestsAbsorbed = t.requestsAbsorbed;
        summary.responsesAbsorbed = t.responsesAbsorbed;
        auto sum = [](const auto& map) {
            uint64_t total = 0;
            for (const auto& entry : map)
            {
                total += entry.second;
            }
            return total;
        };
        summary.element = {{"datagrams_received", c.datagramsReceived},
                           {"unparseable", c.unparseable},
                           {"bad_requests_sent", c.badRequestsSent},
                           {"requests_received", sum(c.requestsReceived)},
                           {"requests_forwarded", sum(c.requestsForwarded)},
                           {"responses_forwarded", sum(c.responsesForwarded)},
                           {"responses_generated", sum(c.responsesGenerated)},
                           {"challenges_sent", c.challengesSent},
                           {"auth_successes", c.authSuccesses},
                           {"auth_failures", c.authFailures},
                           {"auth_rejected", c.authRejected},
                           {"loops_detected", c.loopsDetected},
                           {"no_route", c.noRoute},
                           {"not_found", c.notFound},
                           {"registrations", c.registrations},
                           {"branch_timeouts", c.branchTimeouts},
                           {"transport_errors", c.transportErrors},
                           {"client_timeouts", t.clientTimeouts},
                           {"server_timeouts", t.serverTimeouts},
                           {"response_contexts_held", m_proxy.ResponseContextCount()}};
        for (const auto& [kind, count] : m_events)
        {
            summary.element["event_" + kind] = count;
        }
    }

private:
    Proxy& m_proxy;
    std::map<std::string, uint64_t> m_events;
};

// ---- Peer -----------------------------------------------------------------------------

Peer::Peer(PeerOptions options) : m_options(std::move(options))
{
}

Peer::~Peer() = default;

uint16_t
Peer::LocalPort() const
{
    return m_loop ? m_loop->LocalPort() : m_options.listen.port;
}

bool
Peer::Open(std::string& error)
{
    error = ValidatePeerOptions(m_options);
    if (!error.empty())
    {
        return false;
    }
    EventLoopConfig loopConfig;
    loopConfig.host = m_options.listen.host;
    loopConfig.port = m_options.listen.port;
    loopConfig.loopbackOnly = !m_options.allowRemote;
    m_loop = std::make_unique<EventLoop>(loopConfig);
    if (!m_loop->Open(error))
    {
        return false;
    }

    uint64_t seed = m_options.seed;
    if (seed == 0)
    {
        // Call-IDs, tags and branches must differ between runs against the same peer.
        seed = static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()) ^
               (static_cast<uint64_t>(getpid()) << 32);
    }
    m_random = std::make_unique<SplitMixRandom>(seed);

    if (m_options.role == PeerRole::Ua)
    {
        auto ua = std::make_unique<UserAgent>(MakeUserAgentConfig(m_options, m_loop->LocalPort()),
                                              *m_random);
        m_driver = std::make_unique<UaDriver>(m_options, *m_loop, *ua);
        m_endpoint = std::move(ua);
    }
    else
    {
        auto proxy =
            std::make_unique<Proxy>(MakeProxyConfig(m_options, m_loop->LocalPort()), *m_random);
        m_driver = std::make_unique<ProxyDriver>(m_options, *m_loop, *proxy);
        m_endpoint = std::move(proxy);
    }
    Driver* driver = m_driver.get();
    m_loop->SetWireObserver([driver](const WireEvent& event) { driver->OnWire(event); });
    return true;
}

PeerSummary
Peer::Run(std::ostream* log)
{
    m_driver->SetLog(log);
    m_loop->Run(*m_endpoint, *m_driver);
    PeerSummary summary;
    summary.role = PeerRoleName(m_options.role);
    summary.listen = UriHost(m_options.listen.host) + ":" + std::to_string(m_loop->LocalPort());
    summary.transport = TransportName(m_options.transport);
    summary.elapsedSeconds = ToSeconds(m_loop->Now());
    summary.io = m_loop->Counters();
    summary.retransmissionsSent = summary.io.retransmissionsSent;
    m_driver->Fill(summary);
    if (log != nullptr)
    {
        log->flush();
    }
    return summary;
}

} // namespace sipsim
