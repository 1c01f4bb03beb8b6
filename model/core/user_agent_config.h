#ifndef SIPSIM_CORE_USER_AGENT_CONFIG_H
#define SIPSIM_CORE_USER_AGENT_CONFIG_H

#include "auth/digest_client.h"
#include "resolver.h"
#include "sip/types.h"
#include "txn/timers.h"

#include <cstdint>
#include <optional>
#include <string>

namespace sipsim
{

/// How the UA answers incoming INVITEs.
struct CalleeBehaviour
{
    enum class Mode
    {
        Answer,   ///< ring (optional 180) for ringTime, then 200 with an SDP answer
        Reject,   ///< ring for ringTime, then rejectCode
        Busy,     ///< 486 at once with probability busyProbability, else as Answer
        NoAnswer, ///< ring (optional 180) and never answer; the caller must CANCEL
    };

    Mode mode = Mode::Answer;
    int rejectCode = 603;
    double busyProbability = 0.0;
    /// Time between the INVITE and the final response. Zero answers at once (no 180).
    Duration ringTime = Duration::zero();
    /// Send 180 Ringing when the INVITE arrives (only when ringTime > 0 or NoAnswer).
    bool send180 = true;
    /// The callee hangs up (BYE) this long after the call is established (ACK received).
    std::optional<Duration> hangupAfter;
    /// Draw the hold time from an exponential distribution with mean hangupAfter.
    bool hangupExponential = false;
};

/// Per-call options of UserAgent::StartCall.
struct CallOptions
{
    /// The caller hangs up (BYE) this long after the call is established (2xx received).
    std::optional<Duration> hangupAfter;
    /// Draw the hold time from an exponential distribution with mean hangupAfter.
    bool exponentialHold = false;
};

struct UserAgentConfig
{
    std::string user = "alice";                 ///< user part of the AOR and the Contact
    std::string displayName;                    ///< From display name; empty for none
    std::string domain = "atlanta.example.com"; ///< host part of the AOR
    /// Host for Via sent-by, Contact and the SDP origin, e.g. "client.atlanta.example.com".
    /// Peers must be able to resolve it (Contact is the remote target of the dialog).
    std::string hostName = "client.atlanta.example.com";
    Address localAddress{"192.0.2.101", 5060, Transport::Udp};
    /// Every out-of-dialog request goes here when set (RFC 3261 §8.1.2 outbound proxy),
    /// else to the Request-URI's host resolved by `resolver`. In-dialog requests follow the
    /// dialog's route set.
    std::optional<Address> outboundProxy;
    Resolver resolver;
    TimerConfig timers;
    Transport transport = Transport::Udp;
    /// Digest credentials, used for whatever realm challenges; empty username: none.
    DigestAccount credentials;
    /// Authorise later requests pre-emptively with the last challenge of each realm
    /// (ClientCredentialCache), saving the 401/407 round trip after the first.
    bool reuseCredentials = false;
    /// Authenticated re-sends allowed per request before the request fails "auth failed".
    int maxChallenges = 2;
    CalleeBehaviour callee;
    /// UAC: CANCEL an INVITE still unanswered this long after it was sent (the user gives
    /// up). Unset: wait forever once a provisional arrived (Timer B only guards Calling).
    std::optional<Duration> noAnswerTimeout;
    /// RTP port announced in SDP offers and answers.
    uint16_t rtpPort = 49170;
};

/// A call placed or received by a UserAgent; 0 is "none".
struct CallHandle
{
    uint64_t value = 0;
    explicit operator bool() const { return value != 0; }
    bool operator==(const CallHandle& o) const { return value == o.value; }
    bool operator!=(const CallHandle& o) const { return value != o.value; }
    bool operator<(const CallHandle& o) const { return value < o.value; }
};

/// A registration kept (and refreshed) by a UserAgent; 0 is "none".
struct RegistrationHandle
{
    uint64_t value = 0;
    explicit operator bool() const { return value != 0; }
    bool operator==(const RegistrationHandle& o) const { return value == o.value; }
};

enum class CallEventKind
{
    InviteSent,              ///< UAC: first INVITE sent
    ChallengeReceived,       ///< UAC: 401/407 to any request (statusCode 401/407)
    AuthenticatedInviteSent, ///< UAC: INVITE re-sent with credentials
    ProvisionalReceived,     ///< UAC: 1xx other than 180 (statusCode)
    RingingReceived,         ///< UAC: 180
    Established,             ///< UAC: 2xx received; UAS: ACK received
    AckSent,                 ///< UAC: ACK for a 2xx (detail "retransmission" for re-ACKs)
    CancelSent,              ///< UAC: CANCEL sent
    ByeSent,                 ///< either side
    ByeCompleted,            ///< final response to our BYE (statusCode; 408 "timeout")
    ByeReceived,             ///< the peer hung up (answered 200)
    Failed,                  ///< call failed (statusCode, detail cause)
    Cancelled,               ///< UAC: 487 after our CANCEL; UAS: CANCEL received
    IncomingCall,            ///< UAS: new INVITE accepted for processing
    RingingSent,             ///< UAS: 180 sent
    AnswerSent,              ///< UAS: 200 sent (first time)
    RejectSent,              ///< UAS: final non-2xx sent (statusCode)
    RegisterSent,            ///< REGISTER sent (initial, refresh or authenticated)
    Registered,              ///< 2xx to REGISTER (detail "expires=N")
    Unregistered,            ///< 2xx to a REGISTER with expires 0
    RegistrationFailed,      ///< REGISTER failed (statusCode, detail cause)
    OptionsCompleted,        ///< final response to an OPTIONS (statusCode)
};

const char* CallEventKindName(CallEventKind kind);

/// Something that happened to a call (or registration, or OPTIONS) at an exact time.
struct CallEvent
{
    TimePoint time{0};
    std::string callId;
    CallEventKind kind = CallEventKind::Failed;
    int statusCode = 0;
    std::string detail;
    /// The call (CallHandle value) or registration (RegistrationHandle value) it belongs to.
    uint64_t handle = 0;
};

/// Core-level counters; the transaction layer keeps its own (Transactions().Counters()).
struct UaCounters
{
    uint64_t callsStarted = 0;
    uint64_t callsEstablished = 0; ///< both roles
    uint64_t callsFailed = 0;
    uint64_t callsCancelled = 0;
    uint64_t incomingCalls = 0;
    uint64_t challengesReceived = 0;
    uint64_t authFailures = 0;
    uint64_t okRetransmissions = 0; ///< 2xx re-sent by the UAS core (§13.3.1.4)
    uint64_t ackTimeouts = 0;       ///< 2xx never ACKed within 64*T1
    uint64_t acksSent = 0;          ///< ACKs for 2xx, re-ACKs included
    uint64_t badRequestsSent = 0;   ///< 400 for unparseable requests
    uint64_t rejectedRequests = 0;  ///< §8.2 checks, 481, 500 and friends
    uint64_t registrations = 0;     ///< successful REGISTER transactions
};

} // namespace sipsim

#endif
