#ifndef SIPSIM_CORE_USER_AGENT_H
#define SIPSIM_CORE_USER_AGENT_H

#include "auth/digest_client.h"
#include "dialog.h"
#include "inbound.h"
#include "sip/endpoint.h"
#include "sip/hash_bytes.h"
#include "sip/message.h"
#include "sip/validated_lines.h"
#include "txn/transaction_layer.h"
#include "ua_auth.h"
#include "ua_timers.h"
#include "uas_checks.h"
#include "user_agent_config.h"

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

/// A SIP user agent (RFC 3261 §8, §12-15, §22) over a TransactionLayer, sans-I/O: it
/// places calls (UAC), answers them per CalleeBehaviour (UAS), registers, and reports what
/// happens as CallEvents with exact timestamps. One Call object holds one call's state and
/// is freed once its dialog ended and the transactions it still needs are gone.
///
/// Source layout: user_agent.cc (plumbing, timers, events), user_agent_uac.cc (calls
/// placed), user_agent_uas.cc (calls received), user_agent_register.cc (REGISTER, OPTIONS).
class UserAgent : public Endpoint
{
public:
    /// `random` supplies tags, Call-IDs, branches, cnonces and behaviour draws; it must
    /// outlive the agent.
    UserAgent(UserAgentConfig config, RandomSource& random);
    ~UserAgent() override;
    UserAgent(const UserAgent&) = delete;
    UserAgent& operator=(const UserAgent&) = delete;

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
    static constexpr std::size_t kValidatedLinesCapacity = 512;

    // ---- UAC ---------------------------------------------------------------------------
    /// Sends an INVITE with an SDP offer to `targetUri`. The handle is valid even when the
    /// call fails at once (unresolvable target: a Failed event).
    CallHandle StartCall(TimePoint now, const std::string& targetUri, CallOptions options = {});
    /// Ends an established call with BYE. False when there is no such established call.
    bool HangUp(TimePoint now, CallHandle call);
    /// Cancels a pending outgoing INVITE (§9.1). The CANCEL leaves once a provisional has
    /// arrived (at once if one has). False when the call is not pending.
    bool Cancel(TimePoint now, CallHandle call);
    /// Registers the AOR sip:user@domain with `registrarUri`, refreshing at half the granted
    /// expiry. expires 0 removes the binding.
    RegistrationHandle Register(TimePoint now, const std::string& registrarUri, uint32_t expires);
    /// Removes the binding (REGISTER with Expires: 0) and stops refreshing.
    bool Unregister(TimePoint now, RegistrationHandle registration);
    /// Sends an OPTIONS; its outcome is an OptionsCompleted event. Returns the Call-ID.
    std::string Options(TimePoint now, const std::string& targetUri);

    // ---- Outputs and state -------------------------------------------------------------
    std::optional<CallEvent> PollEvent();
    /// Calls whose state is held (pending, established, or winding down).
    std::size_t ActiveCalls() const { return m_calls.size(); }
    /// Whether the call's state is still held.
    bool HasCall(CallHandle call) const { return m_calls.count(call.value) != 0; }
    /// The Call-ID of a held call; empty otherwise.
    std::string CallIdOf(CallHandle call) const;
    const UaCounters& Counters() const { return m_counters; }
    TransactionLayer& Transactions() { return m_txn; }
    const TransactionLayer& Transactions() const { return m_txn; }
    const UserAgentConfig& Config() const { return m_config; }
    /// Changes how later incoming calls are answered.
    void SetCalleeBehaviour(CalleeBehaviour behaviour) { m_config.callee = behaviour; }
    const ClientCredentialCache& CredentialCache() const { return m_credentialCache; }

private:
    enum class Phase
    {
        Pending,     ///< INVITE in progress (either side)
        Established, ///< UAC: 2xx received; UAS: 2xx sent (confirmed when the ACK comes)
        Terminating, ///< our BYE is in progress
        Terminated,  ///< over; state kept only for transactions that still need it
    };

    /// One request of ours that may be challenged and re-sent.
    struct Outgoing
    {
        SipMessage request;
        Address destination;
        AuthAttempts auth;
        ClientTxnId txn;
    };

    struct Call
    {
        uint64_t handle = 0;
        bool uac = true;
        Phase phase = Phase::Pending;
        std::string callId;
        std::string localTag;
        std::optional<Dialog> dialog;
        std::vector<uint64_t> txns; ///< transactions mapped to this call in m_txnOwners
        // UAC
        Outgoing invite;
        CallOptions options;
        bool provisional = false;
        bool cancelRequested = false;
        bool cancelSent = false;
        std::string cancelCause;
        std::optional<SipMessage>
            ack; ///< the ACK for our dialog's 2xx, re-sent for retransmissions
        Address ackDestination;
        Outgoing bye;
        // UAS
        ServerTxnId inviteServerTxn;
        SipMessage inviteRequest;
        Address inviteSource;
        std::string mergeKey; ///< key in m_uasInvites
        bool finalSent = false;
        int pendingFinal = 0; ///< what the Ring timer sends
        std::optional<SipMessage> ok;
        Address okDestination;
        Duration okInterval{0};
    };

    struct Registration
    {
        uint64_t handle = 0;
        std::string registrarUri;
        std::string callId;
        std::string localTag;
        uint32_t cseq = 0;
        uint32_t expires = 0;
        bool stopping = false;
        bool intervalRetried = false;
        bool done = false;
        Outgoing out;
    };

    struct OptionsRequest
    {
        uint64_t handle = 0;
        bool done = false;
        Outgoing out;
    };

    enum class Purpose
    {
        Invite,
        Bye,
        Cancel,
        Register,
        Options,
        InviteServer,
        Detached, ///< sent for a call we no longer track (BYE to an extra fork)
    };

    struct TxnOwner
    {
        uint64_t owner = 0;
        Purpose purpose = Purpose::Invite;
    };

    // ---- user_agent.cc: plumbing -------------------------------------------------------
    void ProcessTxnEvents(TimePoint now);
    void OnTimer(TimePoint now, const UaTimerKey& key);
    void Emit(TimePoint now, const std::string& callId, CallEventKind kind, int statusCode,
              std::string detail, uint64_t handle);
    uint64_t NewHandle() { return m_nextHandle++; }
    std::string NewTag() { return m_random.Token(10); }
    std::string NewCallId();
    std::string ContactValue() const;
    std::string FromValue() const; ///< AOR with display name, no tag
    std::string SdpBody();
    /// Prepends our Via with a fresh branch (replacing any top Via of ours).
    void StampVia(SipMessage& request);
    /// Out-of-dialog next hop: outbound proxy, else the Request-URI's host.
    std::optional<Address> OutOfDialogDestination(const std::string& requestUri) const;
    std::optional<Address> ResolveUri(const std::string& uri) const;
    /// Sends through a new client transaction and maps it to its owner.
    ClientTxnId SendTracked(TimePoint now, Outgoing& out, uint64_t owner, Purpose purpose);
    void MapTxn(uint64_t txn, uint64_t owner, Purpose purpose);
    void UnmapTxn(uint64_t txn);
    Call* FindCall(uint64_t handle);
    Call* FindDialog(const std::string& callId, const std::string& localTag);
    /// Marks the call over: timers off, transactions it no longer needs unmapped. The
    /// object itself is freed by Reap() at the end of the current input, so references
    /// held by callers stay valid until then.
    void EndCall(Call& call);
    void ScheduleReap(uint64_t handle) { m_reap.push_back(handle); }
    /// Frees calls that are over and hold no transactions, and finished registrations and
    /// OPTIONS requests. Every public entry point ends with it.
    void Reap();
    /// Bumps CSeq, draws a new branch and answers a 401/407; false (with `error`) when it
    /// must not be retried.
    bool PrepareAuthRetry(const SipMessage& response, Outgoing& out, std::string& error);
    Duration HoldTime(Duration mean, bool exponential);

    // ---- user_agent_uac.cc -------------------------------------------------------------
    void OnInviteResponse(TimePoint now, Call& call, const SipMessage& response);
    void OnInvite2xx(TimePoint now, Call& call, const SipMessage& response);
    void SendAck(TimePoint now, Call& call, bool retransmission);
    void AckAndByeFork(TimePoint now, Call& call, const SipMessage& response);
    /// ACKs a 2xx that creates a dialog we do not want (another fork, or a call that already
    /// failed, was cancelled or was forgotten), then ends that dialog with BYE (§13.2.2.4,
    /// §15). `invite` supplies the credentials for the ACK when it is still known. A
    /// retransmission of the same 2xx only gets the ACK again.
    void AckAndByeUnwanted(TimePoint now, const SipMessage& response, const SipMessage* invite);
    void SendCancel(TimePoint now, Call& call);
    void SendBye(TimePoint now, Call& call, const std::string& why);
    void OnByeResponse(TimePoint now, Call& call, const SipMessage& response);
    void OnStrayResponse(TimePoint now, const SipMessage& response);
    void FailCall(TimePoint now, Call& call, int code, const std::string& cause);
    /// Timer B/F or a transport error on one of our client transactions (§8.1.3.1: a 408
    /// or 503 for the TU).
    void OnClientFailure(TimePoint now, ClientTxnId txn, int code, const std::string& cause);

    // ---- user_agent_uas.cc -------------------------------------------------------------
    void OnRequest(TimePoint now, ServerTxnId txn, const SipMessage& request, const Address& from);
    void OnNewInvite(TimePoint now, ServerTxnId txn, const SipMessage& request,
                     const Address& from);
    void OnInDialogRequest(TimePoint now, ServerTxnId txn, const SipMessage& request);
    void OnCancelRequest(TimePoint now, ServerTxnId txn, const SipMessage& request);
    void OnAck(TimePoint now, const SipMessage& ack);
    void Respond(TimePoint now, ServerTxnId txn, const SipMessage& request, int code,
                 const std::string& reason, const std::string& toTag = {});
    void SendFinal(TimePoint now, Call& call, int code);
    void SendOk(TimePoint now, Call& call);
    void RetransmitOk(TimePoint now, Call& call);
    void OnAckTimeout(TimePoint now, Call& call);
    bool IsMergedRequest(const SipMessage& request, ServerTxnId txn) const;

    // ---- user_agent_register.cc ---------------------------------------------------------
    void SendRegister(TimePoint now, Registration& reg);
    void OnRegisterResponse(TimePoint now, Registration& reg, const SipMessage& response);
    void OnRegisterFailure(TimePoint now, Registration& reg, int code, const std::string& cause);
    void OnOptionsResponse(TimePoint now, OptionsRequest& options, const SipMessage& response);

    UserAgentConfig m_config;
    RandomSource& m_random;
    TransactionLayer m_txn;
    /// Header lines already checked on arrival; a UA sees only its own calls, and there may be
    /// thousands of UAs. Possibly shared with the other elements of a simulation.
    std::shared_ptr<ValidatedLines> m_validated =
        std::make_shared<ValidatedLines>(kValidatedLinesCapacity);
    UasCapabilities m_caps;
    ClientCredentialCache m_credentialCache;
    UaTimerQueue m_timers;
    UaCounters m_counters;
    std::deque<CallEvent> m_events;
    uint64_t m_nextHandle = 1;
    uint64_t m_sdpVersion = 0;
    std::unordered_map<uint64_t, Call> m_calls;
    std::unordered_map<std::string, uint64_t, BytesHasher>
        m_dialogIndex; ///< Call-ID + '\n' + local tag
    std::unordered_map<uint64_t, Registration> m_registrations;
    std::unordered_map<uint64_t, OptionsRequest> m_options;
    std::unordered_map<uint64_t, TxnOwner> m_txnOwners; ///< transaction id -> owner
    /// Call-ID + From tag + CSeq of INVITEs being served, for merged requests (§8.2.2.2).
    std::unordered_map<std::string, uint64_t, BytesHasher> m_uasInvites;
    std::vector<uint64_t> m_reap;

    /// A dialog AckAndByeUnwanted ended, kept so 2xx retransmissions get the same ACK
    /// again rather than another BYE.
    struct UnwantedDialog
    {
        std::string key; ///< Call-ID + '\n' + local tag + '\n' + remote tag
        SipMessage ack;
        Address destination;
    };
    /// The most recent unwanted dialogs, oldest first; bounded by kMaxUnwantedDialogs.
    std::deque<UnwantedDialog> m_unwantedDialogs;
    static constexpr std::size_t kMaxUnwantedDialogs = 32;
};

} // namespace sipsim

#endif
