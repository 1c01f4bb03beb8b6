#ifndef SIPSIM_TXN_TRANSACTION_LAYER_H
#define SIPSIM_TXN_TRANSACTION_LAYER_H

#include "sip/flat_map.h"
#include "sip/hash_bytes.h"
#include "sip/message.h"
#include "sip/types.h"
#include "timers.h"
#include "txn_types.h"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

namespace sipsim
{

class Transaction;
class TxnContext;

/// The RFC 3261 §17 transaction layer of one endpoint (UA or proxy), sans-I/O in the
/// quinn-proto shape:
///
///   feed:  HandleMessage(now, parsed message, from)   HandleTimeout(now)
///          HandleTransportError(now, destination)
///   TU:    SendRequest / SendResponse / SendStateless
///   drain: PollTransmit() and PollEvent() until empty; NextDeadline() to re-arm the timer
///
/// Four machines (InviteClientTransaction, NonInviteClientTransaction,
/// InviteServerTransaction, NonInviteServerTransaction) implement RFC 3261 Figures 5-8 as
/// updated by RFC 6026 (Accepted states, Timers L and M). Transactions are erased as soon as
/// they terminate; a ClientTxnTerminated / ServerTxnTerminated event tells the TU.
class TransactionLayer
{
public:
    TransactionLayer(TimerConfig timers, RandomSource& random, LayerOptions options = {});
    ~TransactionLayer();
    TransactionLayer(const TransactionLayer&) = delete;
    TransactionLayer& operator=(const TransactionLayer&) = delete;

    // ---- Inputs ------------------------------------------------------------------------

    /// A message that arrived from `from` (already parsed and validated by the owner).
    /// Requests are matched to server transactions (§17.2.3; RFC 2543 fallback without the
    /// magic cookie): retransmissions are absorbed (re-sending the last response), an ACK for
    /// a non-2xx final is absorbed, and new requests (CANCEL included) create a server
    /// transaction and surface as RequestReceived; ACKs matching nothing surface as
    /// AckReceived. Responses are matched to client transactions (§17.1.3); unmatched ones
    /// surface as StrayResponse.
    /// By value: a received request is stamped (§18.2.1) and kept by its transaction, and
    /// a message the caller gives up (std::move) is changed in place, not copied.
    void HandleMessage(TimePoint now, SipMessage message, const Address& from);
    /// Fires every transaction timer due at or before `now`.
    void HandleTimeout(TimePoint now);
    /// Terminates (with a transport-error event) every transaction whose next hop is
    /// `destination`.
    void HandleTransportError(TimePoint now, const Address& destination);

    // ---- Commands from the TU ----------------------------------------------------------

    /// Creates an INVITE or non-INVITE client transaction and sends the request. A top Via
    /// without a branch gets "z9hG4bK" + a random token (a Via is added only when
    /// LayerOptions::sentBy is set). ACK must go through SendStateless; an ACK here is sent
    /// statelessly and returns ClientTxnId{} (0). Also returns 0 for a request without Via.
    ClientTxnId SendRequest(TimePoint now, SipMessage request, const Address& destination,
                            ClientTxnOptions options = {});
    /// Sends a response within a server transaction to ResponseDestination() of the
    /// request. Returns false (nothing sent) for an unknown transaction or a response the
    /// state machine does not allow (e.g. a provisional after the final response).
    /// In the INVITE server's Accepted state further 2xx responses are sent (RFC 6026 §8.5).
    bool SendResponse(TimePoint now, ServerTxnId txn, SipMessage response);
    /// Sends without a transaction: ACK for 2xx, 2xx retransmissions by the UAS core,
    /// stateless proxy forwarding. `retransmission` marks (and counts) a resend by the TU.
    void SendStateless(TimePoint now, const SipMessage& message, const Address& destination,
                       bool retransmission = false);
    /// The TU gives up on a client transaction (e.g. no final response after CANCEL): it is
    /// terminated silently, with a ClientTxnTerminated event. False when unknown.
    bool AbandonClientTxn(TimePoint now, ClientTxnId txn);
    /// Re-arms Timer C of a client INVITE transaction at now + TimerConfig::timerC (§16.8:
    /// "reset the timer with any value it chooses"). False when unknown.
    bool RestartTimerC(TimePoint now, ClientTxnId txn);

    // ---- Outputs -----------------------------------------------------------------------

    std::optional<Transmit> PollTransmit();
    std::optional<TxnEvent> PollEvent();
    /// State changes, when LayerOptions::recordTraces is set.
    std::optional<TransactionTrace> PollTrace();
    /// Also called for every state change, whether or not traces are recorded.
    void SetTraceCallback(TraceCallback callback);
    /// The earliest pending timer, or std::nullopt when no timer is armed.
    std::optional<TimePoint> NextDeadline() const;

    // ---- Queries -----------------------------------------------------------------------

    /// The INVITE server transaction a CANCEL refers to (§9.2: same matching as §17.2.3
    /// except the method), if it still exists.
    std::optional<ServerTxnId> FindInviteServerTxnForCancel(const SipMessage& cancel) const;
    std::optional<TxnState> ClientState(ClientTxnId txn) const;
    std::optional<TxnState> ServerState(ServerTxnId txn) const;
    /// The request that created the transaction (with received/rport stamped for servers);
    /// nullptr when unknown or once the transaction has its final response (it lets the
    /// request go then). Valid until the next call into the layer.
    const SipMessage* ClientRequest(ClientTxnId txn) const;
    const SipMessage* ServerRequest(ServerTxnId txn) const;
    /// The source address of the request of a server transaction.
    std::optional<Address> ServerRequestSource(ServerTxnId txn) const;
    std::size_t ClientTxnCount() const;
    std::size_t ServerTxnCount() const;
    const TxnCounters& Counters() const;
    const TimerConfig& Timers() const;

private:
    Transaction* FindClient(ClientTxnId txn) const;
    Transaction* FindServer(ServerTxnId txn) const;
    void HandleRequest(SipMessage request, const Address& from);
    void HandleResponse(const SipMessage& response, const Address& from);
    /// Erases terminated transactions and drops stale timer-queue heads; every public
    /// mutating call ends with it.
    void Reap();

    std::unique_ptr<TxnContext> m_ctx;
    RandomSource& m_random;
    LayerOptions m_options;
    uint64_t m_nextId = 1;
    IdMap<std::unique_ptr<Transaction>> m_txns;
    // Keys are views of the indexed transaction's Key(): a transaction lives on the heap
    // until Reap() has erased its entry, and the key text is then not copied per index.
    absl::flat_hash_map<std::string_view, uint64_t, BytesHasher> m_clientIndex; ///< "branch;METHOD"
    absl::flat_hash_map<std::string_view, uint64_t, BytesHasher> m_serverIndex; ///< §17.2.3 key
    std::string m_lookupKey; ///< scratch for client-index lookups
};

/// Where a response goes (§18.2.2 with RFC 3581 rport): over the same connection for
/// reliable transports; else the top Via's maddr (port from sent-by, default 5060), else
/// received (port from rport, else sent-by, else 5060), else sent-by. `requestSource` gives
/// the transport and is the fallback when the response has no usable Via.
Address ResponseDestination(const SipMessage& response, const Address& requestSource);

/// A fresh RFC 3261 branch: "z9hG4bK" followed by 16 random [0-9a-z] characters.
std::string MakeBranch(RandomSource& random);

} // namespace sipsim

#endif
