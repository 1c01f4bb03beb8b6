#ifndef SIPSIM_CORE_PROXY_CONFIG_H
#define SIPSIM_CORE_PROXY_CONFIG_H

#include "auth/digest_server.h"
#include "registrar.h"
#include "resolver.h"
#include "sip/message.h"
#include "sip/types.h"
#include "txn/timers.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sipsim
{

/// Where a static route sends requests: a fixed address, or a host the Resolver maps.
struct NextHop
{
    std::optional<Address> address; ///< used as is when set
    std::string host;               ///< else resolved (registered name or IP literal)
    std::optional<uint16_t> port;

    static NextHop At(Address address)
    {
        NextHop hop;
        hop.address = std::move(address);
        return hop;
    }
    static NextHop Host(std::string host, std::optional<uint16_t> port = std::nullopt)
    {
        NextHop hop;
        hop.host = std::move(host);
        hop.port = port;
        return hop;
    }
};

struct ProxyConfig
{
    /// Our name in Via sent-by and in Record-Route <sip:hostName;lr>; Route values naming
    /// it (or localAddress.host) with our port are popped (§16.4).
    std::string hostName = "ss1.atlanta.example.com";
    Address localAddress{"192.0.2.111", 5060, Transport::Udp};
    /// Domains we are responsible for (§16.5): their Request-URIs go to the location
    /// service (registrar) or a static route; their users are authenticated.
    std::vector<std::string> domains = {"atlanta.example.com"};
    Resolver resolver;
    /// Transaction timers; timers.timerC is Timer C (§16.6 step 11).
    TimerConfig timers;
    /// Transport for forwarded requests when a URI does not ask for another.
    Transport transport = Transport::Udp;

    /// false: §16.11 stateless proxy (no transactions, deterministic branches, no 100,
    /// responses routed back by Via).
    bool stateful = true;
    /// Insert Record-Route <sip:hostName;lr> into dialog-creating requests (INVITE,
    /// SUBSCRIBE, REFER) so in-dialog requests come back through us.
    bool recordRoute = true;
    /// Answer INVITEs with 100 Trying as soon as they are forwarded (§16.2); false leaves
    /// it to the transaction layer's 200 ms rule (timers.trying100Delay).
    bool sendTryingImmediately = true;
    /// Loop-hash part in our branches and 482 for a request that looped (§16.3 step 4).
    bool loopDetection = true;

    /// Next proxy toward a domain (RFC 3263 stand-in): requests whose target host is the
    /// domain (or a host in it, when the Resolver does not know the host) go there without
    /// a Route being pushed (§16.6 step 7 local policy).
    std::map<std::string, NextHop, std::less<>> staticRoutes;
    /// Next hop for targets nothing else resolves.
    std::optional<NextHop> defaultRoute;

    /// Proxy-Require option tags we understand; any other gets 420 (§16.3 step 5).
    std::vector<std::string> supportedOptionTags;
    /// §16.3 step 3 allows answering an OPTIONS with Max-Forwards 0 ourselves (200 with
    /// Allow); the default is the 483 RFC 4475 §3.3.11 expects of a proxy.
    bool answerOptionsAtZeroMaxForwards = false;

    /// Registrar role: REGISTER for our domains is answered from / into the location
    /// service; requests for our domains are routed to the registered contacts.
    bool registrar = false;
    RegistrarConfig registrarConfig;
    /// AORs (canonical, e.g. "sip:bob@biloxi.example.com") that exist although not
    /// registered: 480 instead of 404 (§16.5).
    std::vector<std::string> knownUsers;

    /// Digest authentication (realm, algorithm, qop, nonce lifetime); unset disables it.
    std::optional<DigestServerConfig> auth;
    CredentialStore credentials;
    /// 407 for requests whose From is in our domains (never ACK or CANCEL, §22.1).
    bool challengeRequests = true;
    /// Also challenge requests inside a dialog (To tag present). Off: the dialog was
    /// authorised when it was created, as most deployments do.
    bool challengeInDialog = false;
    /// 401 for REGISTER at our registrar (§10.3 step 3).
    bool challengeRegister = false;
    /// Failed attempts (wrong password, unknown user, replayed nc) tolerated per Call-ID and
    /// user; the next one is answered 403. 0 never gives up re-challenging.
    int maxAuthFailures = 3;

    /// Relative CPU cost of handling a message, for a simulator's service-time model
    /// (Proxy::ProcessingWeight); unset uses DefaultProcessingWeight.
    std::function<double(const SipMessage&)> processingWeight;
    /// Called with every message that parsed, before it is processed.
    std::function<void(const SipMessage&)> observer;
    /// PollEvent queue bound; older events are dropped (and counted) beyond it.
    std::size_t maxQueuedEvents = 10000;
};

/// Counters for metrics, cumulative since construction.
struct ProxyCounters
{
    uint64_t datagramsReceived = 0;
    uint64_t unparseable = 0;     ///< dropped: garbage or an unparseable response
    uint64_t badRequestsSent = 0; ///< 400 for requests that did not parse
    std::map<std::string, uint64_t> requestsReceived;  ///< by method (retransmissions absorbed
                                                       ///< by transactions not counted)
    std::map<int, uint64_t> responsesReceived;         ///< by code
    std::map<std::string, uint64_t> requestsForwarded; ///< by method
    std::map<int, uint64_t> responsesForwarded;        ///< by code
    std::map<int, uint64_t> responsesGenerated;        ///< our own answers, by code
    uint64_t statelessRequests = 0;  ///< requests forwarded without a client transaction
    uint64_t statelessResponses = 0; ///< responses forwarded without a server transaction
    uint64_t responsesAbsorbed = 0;  ///< 100s, late finals, answers to our CANCELs
    uint64_t responsesDropped = 0;   ///< stray responses whose top Via is not ours

    uint64_t challengesSent = 0;     ///< 407 + 401
    uint64_t proxyChallenges = 0;    ///< 407
    uint64_t registerChallenges = 0; ///< 401
    uint64_t staleChallenges = 0;    ///< challenges with stale=true
    uint64_t authSuccesses = 0;
    uint64_t authFailures = 0; ///< wrong password, unknown user, replayed nc
    uint64_t authRejected = 0; ///< 403 after maxAuthFailures

    uint64_t loopsDetected = 0;      ///< 482
    uint64_t tooManyHops = 0;        ///< 483
    uint64_t badExtensions = 0;      ///< 420
    uint64_t unsupportedSchemes = 0; ///< 416
    uint64_t notFound = 0;           ///< 404
    uint64_t unavailable = 0;        ///< 480
    uint64_t noRoute = 0;            ///< targets without a next hop

    uint64_t contextsCreated = 0;
    uint64_t branchesCreated = 0;
    uint64_t cancelsReceived = 0; ///< CANCELs matching a transaction of ours
    uint64_t cancelsSent = 0;     ///< CANCELs we generated for pending branches
    uint64_t timerCFired = 0;
    uint64_t branchTimeouts = 0;  ///< branches that ended without a final response (408)
    uint64_t transportErrors = 0; ///< branches that failed to send (503)

    uint64_t registrations = 0; ///< REGISTER answered 200 adding/refreshing bindings
    uint64_t deregistrations = 0;
    uint64_t registerQueries = 0;
    uint64_t registerRejected = 0;
    uint64_t eventsDropped = 0;
};

enum class ProxyEventKind
{
    ChallengeSent,    ///< 407 or 401 (statusCode; detail "stale" for stale=true)
    AuthSucceeded,    ///< detail: username
    AuthFailed,       ///< wrong credentials, re-challenged (detail: verdict)
    AuthRejected,     ///< 403 after maxAuthFailures (detail: username)
    RequestRejected,  ///< any other error response of our own (statusCode, detail: why)
    LoopDetected,     ///< 482 sent
    TooManyHops,      ///< 483 sent
    NoRoute,          ///< a target had no next hop (detail: URI)
    TimerC,           ///< Timer C fired on a branch (detail "cancel" or "408")
    CancelReceived,   ///< a CANCEL matched a pending INVITE
    BestResponse,     ///< a final response chosen among branches was sent (statusCode)
    Registered,       ///< detail: AOR
    Unregistered,     ///< detail: AOR
    RegisterRejected, ///< statusCode, detail: AOR
};

const char* ProxyEventKindName(ProxyEventKind kind);

/// A notable event at a proxy, with its exact time.
struct ProxyEvent
{
    TimePoint time{0};
    ProxyEventKind kind = ProxyEventKind::RequestRejected;
    std::string callId;
    std::string method;
    int statusCode = 0;
    std::string detail;
};

/// The default relative cost of a message (a request 1.0, INVITE and REGISTER 1.5, a
/// response 0.5, plus 1.0 when it carries credentials for `realm`, which costs a hash).
double DefaultProcessingWeight(const SipMessage& message, const std::string& realm);

} // namespace sipsim

#endif
