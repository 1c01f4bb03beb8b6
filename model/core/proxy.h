#ifndef SIPSIM_CORE_PROXY_H
#define SIPSIM_CORE_PROXY_H

#include "inbound.h"
#include "location_service.h"
#include "proxy_auth.h"
#include "proxy_config.h"
#include "proxy_response_context.h"
#include "registrar.h"
#include "sip/endpoint.h"
#include "sip/message.h"
#include "sip/validated_lines.h"
#include "txn/transaction_layer.h"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sipsim
{

/// A SIP proxy (RFC 3261 §16), optionally registrar (§10.3) and digest authenticator
/// (§22.3), sans-I/O over a TransactionLayer. Stateful by default: each request gets a
/// server transaction and a response context whose branches are client transactions;
/// ProxyConfig::stateful = false gives the §16.11 stateless proxy.
///
/// Source layout: proxy.cc (plumbing, events, replies), proxy_request.cc (validation,
/// routing, forwarding, CANCEL, ACK, REGISTER), proxy_response.cc (response contexts,
/// best response, Timer C, stateless responses); helpers in proxy_validation,
/// proxy_routing, proxy_response_context, proxy_auth, registrar, location_service.
class Proxy : public Endpoint
{
public:
    /// `random` supplies branches, tags and nonces; it must outlive the proxy.
    Proxy(ProxyConfig config, RandomSource& random);
    ~Proxy() override;
    Proxy(const Proxy&) = delete;
    Proxy& operator=(const Proxy&) = delete;

    // ---- Endpoint ----------------------------------------------------------------------
    void HandleDatagram(TimePoint now, std::string_view bytes, const Address& from) override;
    void HandleTimeout(TimePoint now) override;
    void HandleTransportError(TimePoint now, const Address& destination) override;
    std::optional<Transmit> PollTransmit() override;
    std::optional<TimePoint> NextDeadline() const override;
    /// HandleDatagram with the bytes already through ParseInbound (the result depends on
    /// the bytes alone, so it may have been computed elsewhere, e.g. on another thread).
    void HandleInbound(TimePoint now, InboundResult inbound, const Address& from);
    /// Checks header lines against `memo` (shared with other elements) instead of a memo of
    /// its own. The checks are pure functions of the line and remember passes only, so
    /// verdicts are unchanged; but the same From, To, Call-ID, Contact and lower Via lines
    /// cross every hop, and a line one element passed need not be checked at the next.
    void ShareValidatedLines(std::shared_ptr<ValidatedLines> memo);
    /// Lines its own memo holds; a simulation's shared one is the sum over its elements,
    /// capped (Simulation::InstallElements).
    static constexpr std::size_t kValidatedLinesCapacity = 4096;

    // ---- Outputs and state -------------------------------------------------------------
    std::optional<ProxyEvent> PollEvent();
    const ProxyCounters& Counters() const { return m_counters; }
    const ProxyConfig& Config() const { return m_config; }
    /// The bindings this proxy routes by (filled by its registrar role, or provisioned).
    LocationService& Location() { return m_location; }
    const LocationService& Location() const { return m_location; }
    TransactionLayer& Transactions() { return m_txn; }
    const TransactionLayer& Transactions() const { return m_txn; }
    /// Response contexts held (each lives until all its transactions ended).
    std::size_t ResponseContextCount() const { return m_contexts.size(); }
    /// Failed-authentication records held (bounded by the nonce lifetime).
    std::size_t TrackedAuthFailures() const;
    /// Relative CPU cost of handling `message`, for a simulator's service-time model:
    /// ProxyConfig::processingWeight if set, else DefaultProcessingWeight.
    double ProcessingWeight(const SipMessage& message) const;

private:
    /// Where a request came from and how to answer it: its server transaction (0 when
    /// stateless, or for an ACK) and its source address.
    struct Incoming
    {
        ServerTxnId txn;
        Address from;
    };

    // ---- proxy.cc: plumbing ------------------------------------------------------------
    void ProcessTxnEvents(TimePoint now);
    void Emit(TimePoint now, ProxyEventKind kind, const SipMessage& message, int statusCode,
              std::string detail);
    /// Sends our own response to `request` (none to an ACK); counts it.
    void Reply(TimePoint now, const Incoming& in, const SipMessage& request, SipMessage response);
    /// Builds and sends an error or informational response (To tag added for finals).
    void Respond(TimePoint now, const Incoming& in, const SipMessage& request, int code,
                 std::string reason = {}, std::vector<HeaderField> extra = {});
    /// Answers OPTIONS addressed to us (or at Max-Forwards 0): 200 with Allow / Accept.
    void AnswerOptions(TimePoint now, const Incoming& in, const SipMessage& request);
    std::string NewToTag(const SipMessage& request);
    void SendStateless(TimePoint now, const SipMessage& message, const Address& destination);

    // ---- proxy_request.cc --------------------------------------------------------------
    void OnRequest(TimePoint now, const SipMessage& received, const Incoming& in);
    void OnCancel(TimePoint now, const SipMessage& cancel, const Incoming& in);
    /// §16.3 step 6: true when the request may proceed, with the credentials for our realm
    /// removed (§22.3); otherwise it was answered.
    bool Authorize(TimePoint now, SipMessage& request, const Incoming& in);
    /// Whether §16.3 step 6 applies: ACK, CANCEL and other domains' users pass unchallenged.
    bool MustAuthenticate(const SipMessage& request) const;
    void OnRegister(TimePoint now, const SipMessage& request, const Incoming& in);
    /// §16.5: the target URIs, or 0 targets and the error code to answer with.
    std::vector<std::string> DetermineTargets(TimePoint now, const SipMessage& request,
                                              int& errorCode);
    /// §16.6 steps 1-9 for one target; nullopt (and a NoRoute event) without a next hop.
    std::optional<Address> PrepareCopy(TimePoint now, const SipMessage& request,
                                       const std::string& target, SipMessage& copy);
    void ForwardStateful(TimePoint now, const SipMessage& received, const SipMessage& request,
                         const std::vector<std::string>& targets, const Incoming& in,
                         const std::string& loopHash);
    void ForwardStateless(TimePoint now, const SipMessage& received, const SipMessage& request,
                          const std::string& target, const Incoming& in,
                          const std::string& loopHash);

    // ---- proxy_response.cc -------------------------------------------------------------
    void OnResponse(TimePoint now, ClientTxnId txn, SipMessage response);
    /// §16.11 / §16.7 for responses without a client transaction: pop our Via, send on.
    void OnStrayResponse(TimePoint now, SipMessage response);
    void OnClientTimeout(TimePoint now, ClientTxnId txn, TimerId timer);
    void OnClientFailure(TimePoint now, ClientTxnId txn, int code);
    void OnClientTerminated(TimePoint now, ClientTxnId txn);
    void OnServerTerminated(ServerTxnId txn);
    /// Sends a response upstream on the context's server transaction, or statelessly once
    /// that is gone (late 2xx).
    void ForwardResponse(TimePoint now, ResponseContext& context, const SipMessage& response);
    /// Records a final response for a branch and sends the best one when all are done.
    void AddCandidate(TimePoint now, ResponseContext& context, const SipMessage& response);
    void MaybeSendBest(TimePoint now, ResponseContext& context);
    /// A synthetic final (408 / 503) for a branch that ended without one.
    SipMessage SyntheticResponse(const ResponseContext& context, int code);
    void CancelPending(TimePoint now, ResponseContext& context);
    void SendCancel(TimePoint now, ProxyBranch& branch);
    ResponseContext* ContextOfBranch(ClientTxnId txn, uint64_t* contextId = nullptr);
    void EraseIfFinished(uint64_t contextId);

    ProxyConfig m_config;
    RandomSource& m_random;
    TransactionLayer m_txn;
    /// Header lines already checked on arrival; proxies see every call: room for a few seconds of
    /// lines. Possibly shared with the other elements of a simulation (ShareValidatedLines).
    std::shared_ptr<ValidatedLines> m_validated =
        std::make_shared<ValidatedLines>(kValidatedLinesCapacity);
    LocationService m_location;
    Registrar m_registrar;
    std::unique_ptr<ProxyAuthenticator> m_auth;
    ProxyCounters m_counters;
    std::deque<ProxyEvent> m_events;

    uint64_t m_nextContext = 1;
    std::unordered_map<uint64_t, ResponseContext> m_contexts;
    std::unordered_map<uint64_t, uint64_t> m_serverContexts; ///< server txn -> context
    std::unordered_map<uint64_t, uint64_t> m_branchContexts; ///< client txn -> context
    std::unordered_map<uint64_t, uint64_t> m_cancelTxns;     ///< our CANCEL txn -> branch txn
};

} // namespace sipsim

#endif
