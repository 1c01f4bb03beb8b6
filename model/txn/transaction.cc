#include "transaction.h"

#include "matching.h"
#include "sip/headers.h"
#include "transaction_layer.h"

#include <string>
#include <utility>

namespace sipsim
{

const char*
TxnKindName(TxnKind kind)
{
    switch (kind)
    {
    case TxnKind::InviteClient:
        return "InviteClient";
    case TxnKind::NonInviteClient:
        return "NonInviteClient";
    case TxnKind::InviteServer:
        return "InviteServer";
    case TxnKind::NonInviteServer:
        return "NonInviteServer";
    }
    return "?";
}

const char*
TxnStateName(TxnState state)
{
    switch (state)
    {
    case TxnState::Calling:
        return "Calling";
    case TxnState::Trying:
        return "Trying";
    case TxnState::Proceeding:
        return "Proceeding";
    case TxnState::Accepted:
        return "Accepted";
    case TxnState::Completed:
        return "Completed";
    case TxnState::Confirmed:
        return "Confirmed";
    case TxnState::Terminated:
        return "Terminated";
    }
    return "?";
}

void
CountRetransmission(TxnCounters& counters, const SipMessage& message)
{
    if (message.IsRequest())
    {
        ++counters.requestRetransmissions[message.Method()];
    }
    else
    {
        ++counters.responseRetransmissions[message.StatusCode()];
    }
}

// ---- TxnContext -------------------------------------------------------------------------

void
TxnContext::Send(const Address& destination, SharedBytes data, bool retransmission,
                 std::shared_ptr<const SipMessage> message)
{
    m_transmits.push_back(
        Transmit{destination, std::move(data), retransmission, std::move(message)});
}

void
TxnContext::Trace(TransactionTrace trace)
{
    if (m_traceCallback)
    {
        m_traceCallback(trace);
    }
    if (m_recordTraces)
    {
        m_traces.push_back(std::move(trace));
    }
}

void
TxnContext::Schedule(TimePoint deadline, Duration after, uint64_t txn, TimerId timer)
{
    m_queue.push(TimerEntry{deadline, m_sequence++, txn, timer}, after);
}

// ---- Transaction ------------------------------------------------------------------------

Transaction::Transaction(TxnContext& ctx, uint64_t id, TxnKind kind, TxnState initial,
                         std::string key, SipMessage request, Address peer)
    : m_ctx(ctx)
    , m_id(id)
    , m_kind(kind)
    , m_state(initial)
    , m_key(std::move(key))
    , m_request(std::move(request))
    , m_peer(std::move(peer))
{
    m_deadlines.fill(kNever);
}

bool
Transaction::TransitionTo(TxnState to, const char* cause, int statusCode)
{
    if (!Allowed(m_state, to))
    {
        return false;
    }
    const TxnState from = m_state;
    m_state = to;
    if (m_ctx.Tracing())
    {
        std::string text = cause;
        if (statusCode != 0)
        {
            text += ' ';
            text += std::to_string(statusCode);
        }
        m_ctx.Trace(TransactionTrace{m_ctx.Now(), m_key, m_kind, from, to, std::move(text)});
    }
    if (to == TxnState::Terminated)
    {
        m_deadlines.fill(kNever);
        if (IsClient())
        {
            m_ctx.Emit(ClientTxnTerminated{ClientTxnId{m_id}});
        }
        else
        {
            m_ctx.Emit(ServerTxnTerminated{ServerTxnId{m_id}});
        }
        m_ctx.MarkForReaping(m_id);
    }
    return true;
}

void
Transaction::ReleaseRequest()
{
    m_request = SipMessage();
    m_keepsRequest = false;
}

void
Transaction::FireIfArmed(TimerId timer, TimePoint deadline)
{
    if (m_deadlines[Index(timer)] != deadline || IsTerminated())
    {
        return; // re-armed or cancelled since this entry was queued
    }
    m_deadlines[Index(timer)] = kNever;
    OnTimer(timer);
}

void
Transaction::Arm(TimerId timer, Duration after)
{
    const TimePoint deadline = m_ctx.Now() + after;
    m_deadlines[Index(timer)] = deadline;
    m_ctx.Schedule(deadline, after, m_id, timer);
}

void
Transaction::WaitThenTerminate(TimerId timer, const char* cause)
{
    const Duration wait = InitialTimerValue(Timers(), timer, Reliable());
    if (wait <= Duration::zero())
    {
        TransitionTo(TxnState::Terminated, cause);
        return;
    }
    Arm(timer, wait);
}

// ---- ClientTransaction ------------------------------------------------------------------

ClientTransaction::ClientTransaction(TxnContext& ctx, uint64_t id, TxnKind kind, TxnState initial,
                                     std::string key, SipMessage request, Address destination)
    : Transaction(ctx, id, kind, initial, std::move(key), std::move(request),
                  std::move(destination))
    , m_wire(Request().Serialize())
    , m_sent(std::make_shared<const SipMessage>(Request()))
{
}

void
ClientTransaction::SendRequest(bool retransmission)
{
    if (retransmission)
    {
        CountRetransmission(Ctx().Counters(), Request());
    }
    Ctx().Send(Peer(), m_wire, retransmission, m_sent);
}

void
ClientTransaction::PassUp(const SipMessage& response, const Address& from)
{
    Ctx().Emit(ResponseReceived{ClientTxnId{Id()}, response, from});
}

void
ClientTransaction::Settle()
{
    ReleaseRequest();
    m_wire = SharedBytes();
    m_sent.reset();
}

void
ClientTransaction::OnTransportError(const Address& destination)
{
    if (!Allowed(State(), TxnState::Terminated))
    {
        return; // nothing was sent yet, so the failure is not ours
    }
    ++Ctx().Counters().transportErrors;
    Ctx().Emit(ClientTransportError{ClientTxnId{Id()}, destination});
    TransitionTo(TxnState::Terminated, "transport error");
}

// ---- ServerTransaction ------------------------------------------------------------------

ServerTransaction::ServerTransaction(TxnContext& ctx, uint64_t id, TxnKind kind, TxnState initial,
                                     std::string key, SipMessage request, Address source)
    : Transaction(ctx, id, kind, initial, std::move(key), std::move(request), source)
    , m_responseTarget(std::move(source))
{
    const auto topVia = TopVia(Request());
    m_legacy = !topVia || !HasCookie(topVia->Branch());
}

void
ServerTransaction::SendAndRemember(SipMessage response)
{
    if (!m_hasLast)
    {
        // Every response carries the request's Via (§8.2.6.2): route once per transaction.
        m_responseTarget = ResponseDestination(response, Peer());
    }
    m_lastWire = response.Serialize();
    m_lastStatus = response.StatusCode();
    m_lastResponse = std::make_shared<const SipMessage>(std::move(response));
    m_hasLast = true;
    Ctx().Send(m_responseTarget, m_lastWire, false, m_lastResponse);
}

bool
ServerTransaction::ResendLast()
{
    if (!m_hasLast)
    {
        return false;
    }
    ++Ctx().Counters().responseRetransmissions[m_lastStatus];
    // Null once settled: the receiver then parses the bytes.
    Ctx().Send(m_responseTarget, m_lastWire, true, m_lastResponse);
    return true;
}

void
ServerTransaction::Settle()
{
    if (m_legacy)
    {
        return;
    }
    ReleaseRequest();
    m_lastResponse.reset();
}

void
ServerTransaction::OnTransportError(const Address& destination)
{
    if (!Allowed(State(), TxnState::Terminated))
    {
        return; // nothing was sent yet, so the failure is not ours
    }
    ++Ctx().Counters().transportErrors;
    Ctx().Emit(ServerTransportError{ServerTxnId{Id()}, destination});
    TransitionTo(TxnState::Terminated, "transport error");
}

} // namespace sipsim
