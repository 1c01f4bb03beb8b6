#ifndef SIPSIM_TXN_TRANSACTION_H
#define SIPSIM_TXN_TRANSACTION_H

// Internal to the transaction layer: the shared output context and the base class of the
// four state machines. TUs use transaction_layer.h only.

#include "sip/message.h"
#include "sip/types.h"
#include "timer_lanes.h"
#include "timers.h"
#include "txn_types.h"

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace sipsim
{

/// Everything a state machine may touch besides itself: the current time, the output
/// queues, the timer queue and the counters. Owned by the TransactionLayer.
class TxnContext
{
public:
    TxnContext(TimerConfig timers, bool recordTraces)
        : m_timers(timers), m_recordTraces(recordTraces)
    {
    }

    TimePoint Now() const { return m_now; }
    void SetNow(TimePoint now) { m_now = now; }
    const TimerConfig& Timers() const { return m_timers; }
    TxnCounters& Counters() { return m_counters; }
    const TxnCounters& Counters() const { return m_counters; }

    /// Queues `data` for `destination`; `message` is what the bytes serialise (Transmit).
    void Send(const Address& destination, SharedBytes data, bool retransmission,
              std::shared_ptr<const SipMessage> message);
    void Emit(TxnEvent event) { m_events.push_back(std::move(event)); }

    /// Whether anybody listens to traces (so machines can skip building them).
    bool Tracing() const { return m_recordTraces || static_cast<bool>(m_traceCallback); }
    void Trace(TransactionTrace trace);
    void SetTraceCallback(TraceCallback callback) { m_traceCallback = std::move(callback); }

    /// Queues a timer armed `after` from now; the entry is only a hint: the owning
    /// transaction's own table decides whether it is still armed when it pops (lazy
    /// invalidation).
    void Schedule(TimePoint deadline, Duration after, uint64_t txn, TimerId timer);
    /// A transaction reached Terminated; the layer erases it at the end of the call.
    void MarkForReaping(uint64_t txn) { m_reap.push_back(txn); }

    TimerLanes& Queue() { return m_queue; }
    const TimerLanes& Queue() const { return m_queue; }
    std::vector<uint64_t>& ReapList() { return m_reap; }
    std::deque<Transmit>& Transmits() { return m_transmits; }
    std::deque<TxnEvent>& Events() { return m_events; }
    std::deque<TransactionTrace>& Traces() { return m_traces; }

private:
    TimePoint m_now{0};
    TimerConfig m_timers;
    bool m_recordTraces;
    TraceCallback m_traceCallback;
    TxnCounters m_counters;
    std::deque<Transmit> m_transmits;
    std::deque<TxnEvent> m_events;
    std::deque<TransactionTrace> m_traces;
    TimerLanes m_queue;
    uint64_t m_sequence = 0;
    std::vector<uint64_t> m_reap;
};

/// State, timer table and identity shared by the four machines. Each subclass implements
/// one RFC figure; every state change goes through TransitionTo, which enforces the
/// figure's arrows and emits the trace record.
class Transaction
{
public:
    static constexpr TimePoint kNever = TimePoint::max();

    Transaction(TxnContext& ctx, uint64_t id, TxnKind kind, TxnState initial, std::string key,
                SipMessage request, Address peer);
    virtual ~Transaction() = default;
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    uint64_t Id() const { return m_id; }
    TxnKind Kind() const { return m_kind; }
    bool IsClient() const
    {
        return m_kind == TxnKind::InviteClient || m_kind == TxnKind::NonInviteClient;
    }
    TxnState State() const { return m_state; }
    bool IsTerminated() const { return m_state == TxnState::Terminated; }
    const std::string& Key() const { return m_key; }
    /// The request, until the machine settles (see ReleaseRequest): empty afterwards.
    const SipMessage& Request() const { return m_request; }
    bool KeepsRequest() const { return m_keepsRequest; }
    /// Client: where the request goes. Server: where the request came from.
    const Address& Peer() const { return m_peer; }
    bool Reliable() const { return IsReliable(m_peer.transport); }
    /// The armed deadline of a timer, or kNever.
    TimePoint Deadline(TimerId timer) const { return m_deadlines[Index(timer)]; }

    /// Moves to `to` when the machine's figure has that arrow; otherwise refuses (returns
    /// false, no trace). Entering Terminated disarms every timer, emits the
    /// Client/ServerTxnTerminated event and queues the transaction for erasure.
    bool TransitionTo(TxnState to, const char* cause, int statusCode = 0);
    /// Whether the machine's figure has an arrow from -> to.
    virtual bool Allowed(TxnState from, TxnState to) const = 0;

    /// Called by the layer when a queued entry pops: fires the timer if it is still armed at
    /// exactly that deadline.
    void FireIfArmed(TimerId timer, TimePoint deadline);
    /// A transport failure towards this transaction's next hop (§17.1.4, §17.2.4).
    virtual void OnTransportError(const Address& destination) = 0;
    /// Silent termination on the TU's request.
    void Abandon() { TransitionTo(TxnState::Terminated, "abandoned by TU"); }

protected:
    virtual void OnTimer(TimerId timer) = 0;

    void Arm(TimerId timer, Duration after);
    void Disarm(TimerId timer) { m_deadlines[Index(timer)] = kNever; }
    TxnContext& Ctx() { return m_ctx; }
    const TimerConfig& Timers() const { return m_ctx.Timers(); }
    /// Enters a zero-length wait (reliable D/I/J/K) as an immediate termination, else arms
    /// the timer.
    void WaitThenTerminate(TimerId timer, const char* cause);

    static std::size_t Index(TimerId timer) { return static_cast<std::size_t>(timer); }

    /// Lets the request go once the machine has its final response: from then on it matches
    /// by its key and re-sends bytes it kept. Held until Timer D, J, L or M (32 s over UDP),
    /// these messages were most of a long run's live heap, and cold memory to free.
    void ReleaseRequest();

private:
    TxnContext& m_ctx;
    uint64_t m_id;
    TxnKind m_kind;
    TxnState m_state;
    std::string m_key;
    SipMessage m_request;
    bool m_keepsRequest = true;
    Address m_peer;
    std::array<TimePoint, kTimerIdCount> m_deadlines;
};

/// Adds one to counters.requestRetransmissions[method] or responseRetransmissions[status].
void CountRetransmission(TxnCounters& counters, const SipMessage& message);

/// What both client machines share: the request bytes kept for retransmission.
class ClientTransaction : public Transaction
{
public:
    ClientTransaction(TxnContext& ctx, uint64_t id, TxnKind kind, TxnState initial, std::string key,
                      SipMessage request, Address destination);

    /// Sends the request and arms the initial timers.
    virtual void Start() = 0;
    /// A response matched this transaction (§17.1.3).
    virtual void OnResponse(const SipMessage& response, const Address& from) = 0;
    void OnTransportError(const Address& destination) override;

protected:
    void SendRequest(bool retransmission);
    /// Emits ResponseReceived to the TU.
    void PassUp(const SipMessage& response, const Address& from);
    /// After the final response: the request is never sent again.
    void Settle();

private:
    SharedBytes m_wire;
    std::shared_ptr<const SipMessage> m_sent; ///< what m_wire serialises, for each Transmit
};

/// What both server machines share: the response destination and the last response sent,
/// re-sent when a request retransmission arrives.
class ServerTransaction : public Transaction
{
public:
    ServerTransaction(TxnContext& ctx, uint64_t id, TxnKind kind, TxnState initial, std::string key,
                      SipMessage request, Address source);

    /// Arms whatever the machine needs on creation.
    virtual void Start() {}
    /// A retransmission of the request that created the transaction arrived.
    virtual void OnRequestRetransmission() = 0;
    /// The TU sends a response; false when the machine does not allow it now.
    virtual bool SendResponse(SipMessage response) = 0;
    void OnTransportError(const Address& destination) override;

    /// Where responses go (§18.2.2), known once the first response has been sent.
    const Address& ResponseTarget() const { return m_responseTarget; }
    /// The last response sent; nullptr before the first and once the machine has settled.
    const SipMessage* LastResponse() const { return m_lastResponse.get(); }

protected:
    /// Serialises, sends and remembers `response` as the last response.
    void SendAndRemember(SipMessage response);
    /// Re-sends the last response (counted as a response retransmission); false if none.
    bool ResendLast();
    /// The bytes of the last response sent.
    const SharedBytes& LastWire() const { return m_lastWire; }
    /// Lets go of the last response's bytes once they will not be sent again.
    void ForgetLastWire() { m_lastWire = SharedBytes(); }
    /// After the final response: only its bytes and status are needed again. A transaction
    /// matched by RFC 2543 rules keeps everything, as those compare To tags of both messages.
    void Settle();

private:
    Address m_responseTarget;
    /// The last response; null before the first and once settled (m_lastWire stays).
    std::shared_ptr<const SipMessage> m_lastResponse;
    SharedBytes m_lastWire;
    int m_lastStatus = 0;
    bool m_hasLast = false;
    bool m_legacy = false; ///< the request's branch lacks the RFC 3261 magic cookie
};

} // namespace sipsim

#endif
