#ifndef SIPSIM_TXN_TXN_TYPES_H
#define SIPSIM_TXN_TXN_TYPES_H

#include "sip/message.h"
#include "sip/types.h"
#include "timers.h"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <variant>

namespace sipsim
{

/// Handle of a client transaction. Values are unique within one TransactionLayer across
/// both client and server transactions and are never reused; 0 is "none".
struct ClientTxnId
{
    uint64_t value = 0;
    explicit operator bool() const { return value != 0; }
    bool operator==(const ClientTxnId& o) const { return value == o.value; }
    bool operator!=(const ClientTxnId& o) const { return value != o.value; }
    bool operator<(const ClientTxnId& o) const { return value < o.value; }
};

/// Handle of a server transaction (see ClientTxnId).
struct ServerTxnId
{
    uint64_t value = 0;
    explicit operator bool() const { return value != 0; }
    bool operator==(const ServerTxnId& o) const { return value == o.value; }
    bool operator!=(const ServerTxnId& o) const { return value != o.value; }
    bool operator<(const ServerTxnId& o) const { return value < o.value; }
};

/// The four RFC 3261 §17 state machines.
enum class TxnKind : uint8_t
{
    InviteClient,
    NonInviteClient,
    InviteServer,
    NonInviteServer,
};

/// Union of the states of the four machines; each machine only uses its own subset
/// (Figures 5-8 of RFC 3261 as updated by RFC 6026).
enum class TxnState : uint8_t
{
    Calling,    ///< INVITE client
    Trying,     ///< non-INVITE client and server
    Proceeding, ///< all four
    Accepted,   ///< INVITE client and server (RFC 6026)
    Completed,  ///< all four
    Confirmed,  ///< INVITE server
    Terminated, ///< all four
};

const char* TxnKindName(TxnKind kind);
const char* TxnStateName(TxnState state);

/// One state change of one transaction, for traces and golden-sequence tests.
struct TransactionTrace
{
    TimePoint time{0};
    std::string transactionKey; ///< "branch;sent-by;METHOD" (server) or "branch;METHOD" (client)
    TxnKind kind = TxnKind::InviteClient;
    TxnState fromState = TxnState::Calling;
    TxnState toState = TxnState::Calling;
    std::string cause; ///< e.g. "rx 180", "Timer B", "tx 486", "ACK"
};

// ---- Events to the transaction user (TU) ---------------------------------------------

/// A new request created a server transaction (CANCEL included: it is its own transaction;
/// see TransactionLayer::FindInviteServerTxnForCancel).
struct RequestReceived
{
    ServerTxnId txn;
    SipMessage request;
    Address from;
};

/// An ACK that no transaction absorbs: the ACK for a 2xx (§17.2.3, §13.3.1.4), or one that
/// matched an INVITE server transaction in Accepted (RFC 6026 §8.7); `txn` is set then.
struct AckReceived
{
    ServerTxnId txn;
    SipMessage request;
    Address from;
};

/// A response for a client transaction: provisionals, the final response, and in the INVITE
/// client's Accepted state every further 2xx (retransmissions and other forks), so the TU
/// can ACK each one.
struct ResponseReceived
{
    ClientTxnId txn;
    SipMessage response;
    Address from;
};

/// A response matching no client transaction (e.g. a 2xx retransmission after Timer M, or
/// any response at a stateless proxy).
struct StrayResponse
{
    SipMessage response;
    Address from;
};

/// Timer B or F fired: the request got no final response (the TU treats it as a 408,
/// §8.1.3.1). Also Timer C when it was armed; the transaction then stays alive and the TU
/// decides (CANCEL or a synthetic 408, §16.8).
struct ClientTimeout
{
    ClientTxnId txn;
    TimerId timer = TimerId::B;
};

/// Timer H fired: the ACK for a non-2xx final response never came (§17.2.1).
struct ServerTimeout
{
    ServerTxnId txn;
    TimerId timer = TimerId::H;
};

/// The transport could not deliver the request (§17.1.4); the transaction is terminated.
struct ClientTransportError
{
    ClientTxnId txn;
    Address destination;
};

/// The transport could not deliver a response (§17.2.4); the transaction is terminated.
struct ServerTransportError
{
    ServerTxnId txn;
    Address destination;
};

/// The transaction is gone; the TU may free state keyed by it. Emitted after the event
/// (if any) that caused the termination.
struct ClientTxnTerminated
{
    ClientTxnId txn;
};

struct ServerTxnTerminated
{
    ServerTxnId txn;
};

using TxnEvent = std::variant<RequestReceived, AckReceived, ResponseReceived, StrayResponse,
                              ClientTimeout, ServerTimeout, ClientTransportError,
                              ServerTransportError, ClientTxnTerminated, ServerTxnTerminated>;

// ---- Configuration and counters -------------------------------------------------------

struct LayerOptions
{
    /// sent-by ("host:port") for a Via the layer adds to a request that has none (its
    /// transport is the destination's); empty means "never add a Via".
    std::string sentBy;
    /// §18.2.1 / RFC 3581: add received= (and fill rport) to the top Via of received
    /// requests, so responses built from them route back to the packet source.
    bool stampReceived = true;
    /// Keep TransactionTrace records for PollTrace(). Off by default: a long simulation
    /// would otherwise accumulate them; a trace callback works either way.
    bool recordTraces = false;
};

/// Per-transaction options for TransactionLayer::SendRequest.
struct ClientTxnOptions
{
    /// Arm Timer C (TimerConfig::timerC) on an INVITE client transaction, as a stateful
    /// proxy does (§16.6 step 11); reset by provisionals other than 100 (§16.7 step 2).
    bool timerC = false;
};

/// Counters for metrics. Retransmissions are bytes the layer re-sent on its own (timer
/// driven, or re-sending the last response when a request retransmission arrived).
struct TxnCounters
{
    std::map<std::string, uint64_t> requestRetransmissions; ///< by method (ACK included)
    std::map<int, uint64_t> responseRetransmissions;        ///< by status code
    uint64_t requestsAbsorbed = 0;  ///< received request retransmissions absorbed
    uint64_t responsesAbsorbed = 0; ///< received response retransmissions absorbed
    uint64_t strayResponses = 0;
    uint64_t clientTimeouts = 0; ///< Timer B / F
    uint64_t serverTimeouts = 0; ///< Timer H
    uint64_t transportErrors = 0;
    uint64_t malformedDropped = 0; ///< messages without a usable Via / CSeq
    uint64_t clientTxnsCreated = 0;
    uint64_t serverTxnsCreated = 0;
    uint64_t autoTrying = 0; ///< 100 Trying sent by the layer itself
};

using TraceCallback = std::function<void(const TransactionTrace&)>;

} // namespace sipsim

#endif
