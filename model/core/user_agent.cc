// UserAgent plumbing: inputs, transaction events, timers, events out, and the helpers the
// UAC, UAS and registration parts share.
#include "user_agent.h"

#include "inbound.h"
#include "sip/headers.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <type_traits>
#include <variant>

namespace sipsim
{

namespace
{

bool
IsDisplayToken(const std::string& name)
{
    return std::all_of(name.begin(), name.end(), [](unsigned char c) {
        return std::isalnum(c) != 0 || c == ' ' ||
               std::string_view("-.!%*_+`'~").find(static_cast<char>(c)) != std::string_view::npos;
    });
}

std::string
Quoted(const std::string& text)
{
    std::string out = "\"";
    for (char c : text)
    {
        if (c == '"' || c == '\\')
        {
            out += '\\';
        }
        out += c;
    }
    out += '"';
    return out;
}

/// A 400 for an unparseable request goes where a response to it would (§18.2.2): the top
/// Via, with received= added when the packet came from elsewhere (§18.2.1).
Address
BadRequestDestination(SipMessage& response, const Address& from)
{
    auto via = GetTopVia(response);
    if (via.Ok() && via->host != from.host)
    {
        Via stamped = *via;
        SetParam(stamped.params, "received", from.host);
        response.RemoveFirstValue("Via");
        response.Prepend("Via", stamped.ToString());
    }
    return ResponseDestination(response, from);
}

} // namespace

UserAgent::UserAgent(UserAgentConfig config, RandomSource& random)
    : m_config(std::move(config)), m_random(random), m_txn(m_config.timers, random, LayerOptions{})
{
    m_caps.user = m_config.user;
    m_caps.hostName = m_config.hostName;
}

UserAgent::~UserAgent() = default;

// ---- Endpoint -------------------------------------------------------------------------

void
UserAgent::HandleDatagram(TimePoint now, std::string_view bytes, const Address& from)
{
    HandleInbound(now, ParseInbound(bytes, m_validated.get()), from);
}

void
UserAgent::ShareValidatedLines(std::shared_ptr<ValidatedLines> memo)
{
    m_validated = std::move(memo);
}

void
UserAgent::HandleInbound(TimePoint now, InboundResult inbound, const Address& from)
{
    if (!inbound.message)
    {
        if (inbound.badRequest)
        {
            SipMessage response = std::move(*inbound.badRequest);
            const Address destination = BadRequestDestination(response, from);
            m_txn.SendStateless(now, response, destination);
            ++m_counters.badRequestsSent;
        }
        return;
    }
    m_txn.HandleMessage(now, std::move(*inbound.message), from);
    ProcessTxnEvents(now);
    Reap();
}

void
UserAgent::HandleTimeout(TimePoint now)
{
    m_txn.HandleTimeout(now);
    ProcessTxnEvents(now);
    while (std::optional<UaTimerKey> due = m_timers.PopDue(now))
    {
        OnTimer(now, *due);
        ProcessTxnEvents(now);
    }
    Reap();
}

void
UserAgent::HandleTransportError(TimePoint now, const Address& destination)
{
    m_txn.HandleTransportError(now, destination);
    ProcessTxnEvents(now);
    Reap();
}

std::optional<Transmit>
UserAgent::PollTransmit()
{
    return m_txn.PollTransmit();
}

std::optional<TimePoint>
UserAgent::NextDeadline() const
{
    std::optional<TimePoint> txn = m_txn.NextDeadline();
    std::optional<TimePoint> own = m_timers.Next();
    if (txn && own)
    {
        return std::min(*txn, *own);
    }
    return txn ? txn : own;
}

std::optional<CallEvent>
UserAgent::PollEvent()
{
    if (m_events.empty())
    {
        return std::nullopt;
    }
    CallEvent event = std::move(m_events.front());
    m_events.pop_front();
    return event;
}

std::string
UserAgent::CallIdOf(CallHandle call) const
{
    const auto it = m_calls.find(call.value);
    return it != m_calls.end() ? it->second.callId : std::string();
}

// ---- Transaction events and timers ----------------------------------------------------

void
UserAgent::ProcessTxnEvents(TimePoint now)
{
    while (std::optional<TxnEvent> event = m_txn.PollEvent())
    {
        std::visit(
            [&](auto& e) {
                using T = std::decay_t<decltype(e)>;
                if constexpr (std::is_same_v<T, RequestReceived>)
                {
                    OnRequest(now, e.txn, e.request, e.from);
                }
                else if constexpr (std::is_same_v<T, AckReceived>)
                {
                    OnAck(now, e.request);
                }
                else if constexpr (std::is_same_v<T, StrayResponse>)
                {
                    OnStrayResponse(now, e.response);
                }
                else if constexpr (std::is_same_v<T, ResponseReceived>)
                {
                    const auto it = m_txnOwners.find(e.txn.value);
                    if (it == m_txnOwners.end())
                    {
                        OnStrayResponse(now, e.response);
                        return;
                    }
                    const TxnOwner owner = it->second;
                    switch (owner.purpose)
                    {
                    case Purpose::Invite:
                        if (Call* call = FindCall(owner.owner))
                        {
                            OnInviteResponse(now, *call, e.response);
                        }
                        break;
                    case Purpose::Bye:
                        if (Call* call = FindCall(owner.owner);
                            call != nullptr && call->bye.txn == e.txn)
                        {
                            OnByeResponse(now, *call, e.response);
                        }
                        break;
                    case Purpose::Register:
                        if (auto reg = m_registrations.find(owner.owner);
                            reg != m_registrations.end() && reg->second.out.txn == e.txn)
                        {
                            OnRegisterResponse(now, reg->second, e.response);
                        }
                        break;
                    case Purpose::Options:
                        if (auto opt = m_options.find(owner.owner);
                            opt != m_options.end() && opt->second.out.txn == e.txn)
                        {
                            OnOptionsResponse(now, opt->second, e.response);
                        }
                        break;
                    default:
                        break; // CANCEL's own 200, detached BYEs: nothing to do
                    }
                }
                else if constexpr (std::is_same_v<T, ClientTimeout>)
                {
                    OnClientFailure(now, e.txn, 408, "timeout");
                }
                else if constexpr (std::is_same_v<T, ClientTransportError>)
                {
                    OnClientFailure(now, e.txn, 503, "transport error");
                }
                else if constexpr (std::is_same_v<T, ServerTransportError>)
                {
                    const auto it = m_txnOwners.find(e.txn.value);
                    if (it != m_txnOwners.end() && it->second.purpose == Purpose::InviteServer)
                    {
                        if (Call* call = FindCall(it->second.owner))
                        {
                            FailCall(now, *call, 503, "transport error");
                        }
                    }
                }
                else if constexpr (std::is_same_v<T, ClientTxnTerminated> ||
                                   std::is_same_v<T, ServerTxnTerminated>)
                {
                    UnmapTxn(e.txn.value);
                }
                // ServerTimeout (Timer H): the ACK for our non-2xx never came; the call is
                // already over for the TU.
            },
            *event);
    }
}

void
UserAgent::OnTimer(TimePoint now, const UaTimerKey& key)
{
    if (key.timer == UaTimer::RegisterRefresh)
    {
        if (auto reg = m_registrations.find(key.owner); reg != m_registrations.end())
        {
            SendRegister(now, reg->second);
        }
        return;
    }
    Call* call = FindCall(key.owner);
    if (call == nullptr)
    {
        return;
    }
    switch (key.timer)
    {
    case UaTimer::Ring:
        SendFinal(now, *call, call->pendingFinal);
        break;
    case UaTimer::Retransmit2xx:
        RetransmitOk(now, *call);
        break;
    case UaTimer::AckTimeout:
        OnAckTimeout(now, *call);
        break;
    case UaTimer::Hangup:
        if (call->phase == Phase::Established)
        {
            SendBye(now, *call, "hangup");
        }
        break;
    case UaTimer::NoAnswer:
        if (call->uac && call->phase == Phase::Pending && !call->cancelRequested)
        {
            call->cancelCause = "no answer";
            call->cancelRequested = true;
            if (call->provisional)
            {
                SendCancel(now, *call);
            }
        }
        break;
    case UaTimer::CancelGiveUp:
        if (call->phase == Phase::Pending)
        {
            // §9.1: no final response 64*T1 after the CANCEL; the INVITE is given up.
            m_txn.AbandonClientTxn(now, call->invite.txn);
            ++m_counters.callsCancelled;
            Emit(now, call->callId, CallEventKind::Cancelled, 0, "no final response to INVITE",
                 call->handle);
            EndCall(*call);
        }
        break;
    default:
        break;
    }
}

void
UserAgent::Emit(TimePoint now, const std::string& callId, CallEventKind kind, int statusCode,
                std::string detail, uint64_t handle)
{
    m_events.push_back(CallEvent{now, callId, kind, statusCode, std::move(detail), handle});
}

// ---- Shared helpers --------------------------------------------------------------------

std::string
UserAgent::NewCallId()
{
    return m_random.Token(20) + "@" + m_config.hostName;
}

std::string
UserAgent::ContactValue() const
{
    std::string contact = "<sip:" + m_config.user + "@" + m_config.hostName;
    if (m_config.localAddress.port != 5060)
    {
        contact += ":" + std::to_string(m_config.localAddress.port);
    }
    if (m_config.transport == Transport::Tcp)
    {
        contact += ";transport=tcp";
    }
    return contact + ">";
}

std::string
UserAgent::FromValue() const
{
    std::string aor = "<sip:" + m_config.user + "@" + m_config.domain + ">";
    if (m_config.displayName.empty())
    {
        return aor;
    }
    return (IsDisplayToken(m_config.displayName) ? m_config.displayName
                                                 : Quoted(m_config.displayName)) +
           " " + aor;
}

std::string
UserAgent::SdpBody()
{
    // Session id and version from a counter: unique per offer without spending randomness.
    char idText[24];
    const auto idEnd =
        std::to_chars(idText, idText + sizeof idText, 2890844526ULL + m_sdpVersion++).ptr;
    const std::string_view id(idText, static_cast<std::size_t>(idEnd - idText));
    char portText[8];
    const auto portEnd = std::to_chars(portText, portText + sizeof portText, m_config.rtpPort).ptr;
    const std::string_view port(portText, static_cast<std::size_t>(portEnd - portText));
    // Appended into one buffer: a chain of operator+ made a temporary string per piece.
    std::string body;
    body.reserve(128 + m_config.user.size() + m_config.hostName.size() +
                 m_config.localAddress.host.size());
    for (const std::string_view piece :
         {std::string_view("v=0\r\no="), std::string_view(m_config.user), std::string_view(" "), id,
          std::string_view(" "), id, std::string_view(" IN IP4 "),
          std::string_view(m_config.hostName), std::string_view("\r\ns=-\r\nc=IN IP4 "),
          std::string_view(m_config.localAddress.host), std::string_view("\r\nt=0 0\r\nm=audio "),
          port, std::string_view(" RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")})
    {
        body += piece;
    }
    return body;
}

void
UserAgent::StampVia(SipMessage& request)
{
    // Our requests carry exactly one Via, ours; each new transaction needs a new branch.
    // It goes first, the layout of the RFC 3665 examples (Via, Max-Forwards, To, ...).
    Via via;
    via.transport = TransportName(m_config.transport);
    via.host = m_config.hostName;
    via.port = m_config.localAddress.port;
    via.params.push_back(GenericParam{"branch", MakeBranch(m_random)});
    request.Remove("Via");
    auto& headers = request.MutableHeaders();
    headers.insert(headers.begin(), HeaderField{CanonicalHeaderName("Via"), via.ToString()});
    // Remembered as built: the transaction layer and the receivers read it without parsing.
    request.RememberTopVia(std::make_shared<const Via>(std::move(via)));
}

std::optional<Address>
UserAgent::ResolveUri(const std::string& uri) const
{
    auto sip = SipUri::Parse(uri);
    if (!sip.Ok())
    {
        return std::nullopt;
    }
    return m_config.resolver.Resolve(*sip, m_config.transport);
}

std::optional<Address>
UserAgent::OutOfDialogDestination(const std::string& requestUri) const
{
    if (m_config.outboundProxy)
    {
        return m_config.outboundProxy;
    }
    return ResolveUri(requestUri);
}

ClientTxnId
UserAgent::SendTracked(TimePoint now, Outgoing& out, uint64_t owner, Purpose purpose)
{
    if (purpose != Purpose::Cancel)
    {
        StampVia(out.request);
    }
    out.txn = m_txn.SendRequest(now, out.request, out.destination);
    if (out.txn)
    {
        MapTxn(out.txn.value, owner, purpose);
    }
    return out.txn;
}

void
UserAgent::MapTxn(uint64_t txn, uint64_t owner, Purpose purpose)
{
    m_txnOwners[txn] = TxnOwner{owner, purpose};
    if (purpose != Purpose::Register && purpose != Purpose::Options && purpose != Purpose::Detached)
    {
        if (Call* call = FindCall(owner))
        {
            call->txns.push_back(txn);
        }
    }
}

void
UserAgent::UnmapTxn(uint64_t txn)
{
    const auto it = m_txnOwners.find(txn);
    if (it == m_txnOwners.end())
    {
        return;
    }
    const TxnOwner owner = it->second;
    m_txnOwners.erase(it);
    if (owner.purpose == Purpose::Register || owner.purpose == Purpose::Options ||
        owner.purpose == Purpose::Detached)
    {
        return;
    }
    if (Call* call = FindCall(owner.owner))
    {
        call->txns.erase(std::remove(call->txns.begin(), call->txns.end(), txn), call->txns.end());
        ScheduleReap(owner.owner);
    }
}

UserAgent::Call*
UserAgent::FindCall(uint64_t handle)
{
    const auto it = m_calls.find(handle);
    return it != m_calls.end() ? &it->second : nullptr;
}

UserAgent::Call*
UserAgent::FindDialog(const std::string& callId, const std::string& localTag)
{
    const auto it = m_dialogIndex.find(callId + '\n' + localTag);
    return it != m_dialogIndex.end() ? FindCall(it->second) : nullptr;
}

void
UserAgent::EndCall(Call& call)
{
    call.phase = Phase::Terminated;
    m_timers.DisarmAll(call.handle);
    if (!call.mergeKey.empty())
    {
        m_uasInvites.erase(call.mergeKey);
        call.mergeKey.clear();
    }
    // Keep only the INVITE client transaction of an answered call: 2xx retransmissions
    // reach us through it until Timer M and must be ACKed again (§13.2.2.4).
    const bool keepInvite = call.uac && call.dialog.has_value();
    std::vector<uint64_t> release;
    for (uint64_t txn : call.txns)
    {
        if (!(keepInvite && txn == call.invite.txn.value))
        {
            release.push_back(txn);
        }
    }
    for (uint64_t txn : release)
    {
        UnmapTxn(txn);
    }
    ScheduleReap(call.handle);
}

void
UserAgent::Reap()
{
    for (uint64_t handle : m_reap)
    {
        if (auto it = m_calls.find(handle); it != m_calls.end())
        {
            const Call& call = it->second;
            if (call.phase == Phase::Terminated && call.txns.empty())
            {
                m_timers.DisarmAll(handle);
                m_dialogIndex.erase(call.callId + '\n' + call.localTag);
                m_calls.erase(it);
            }
        }
        else if (auto reg = m_registrations.find(handle);
                 reg != m_registrations.end() && reg->second.done)
        {
            m_timers.DisarmAll(handle);
            m_registrations.erase(reg);
        }
        else if (auto opt = m_options.find(handle); opt != m_options.end() && opt->second.done)
        {
            m_options.erase(opt);
        }
    }
    m_reap.clear();
}

bool
UserAgent::PrepareAuthRetry(const SipMessage& response, Outgoing& out, std::string& error)
{
    SipMessage retry = out.request;
    std::optional<std::string> problem =
        AnswerChallenges(response, retry, out.auth, m_config.credentials, m_config.maxChallenges,
                         m_config.reuseCredentials ? &m_credentialCache : nullptr, m_random);
    if (problem)
    {
        error = *problem;
        return false;
    }
    // §22.2 / §8.1.3.5: a retry is a new transaction with the next CSeq.
    auto cseq = GetCSeq(retry);
    if (!cseq.Ok())
    {
        error = "auth failed: request without CSeq";
        return false;
    }
    CSeq next = *cseq;
    ++next.number;
    retry.Set("CSeq", next.ToString());
    out.request = std::move(retry);
    return true;
}

Duration
UserAgent::HoldTime(Duration mean, bool exponential)
{
    if (!exponential)
    {
        return mean;
    }
    // Inverse transform; 1 - U lies in (0, 1], so the logarithm is finite.
    const double draw = -std::log(1.0 - m_random.NextUnit());
    return Duration(static_cast<int64_t>(static_cast<double>(mean.count()) * draw));
}

} // namespace sipsim
