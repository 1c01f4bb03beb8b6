#ifndef SIPSIM_PEER_PEER_OPTIONS_H
#define SIPSIM_PEER_PEER_OPTIONS_H

#include "core/proxy_config.h"
#include "core/user_agent_config.h"
#include "sip/result.h"
#include "sip/types.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sipsim
{

enum class PeerRole
{
    Ua,        ///< a user agent: places calls (--call) and/or answers them
    Proxy,     ///< a stateful proxy (optionally authenticating)
    Registrar, ///< a proxy that is also the registrar of its domain
};

const char* PeerRoleName(PeerRole role);

/// Everything `sipsim peer` can be told, in the scenario vocabulary (users, passwords,
/// realm, T1/T2, ring time, hold time, call rate).
struct PeerOptions
{
    PeerRole role = PeerRole::Ua;
    /// Where to bind (numeric address). Both UDP and TCP listen on this port; `transport`
    /// is what the core uses for what it originates (Via, Contact, next hops).
    Address listen{"127.0.0.1", 5060, Transport::Udp};
    Transport transport = Transport::Udp;

    // ---- user agent --------------------------------------------------------------------
    std::string user = "alice";
    std::string password; ///< empty: no credentials
    std::string domain = "atlanta.example.com";
    std::optional<std::string> callTarget; ///< place calls to this URI
    int calls = 1;                         ///< how many calls to place
    double rate = 1.0;                     ///< calls started per second
    Duration hold = Seconds(1);            ///< the caller hangs up this long after the 2xx
    CalleeBehaviour callee;                ///< how incoming calls are answered
    /// REGISTER sip:user@domain with this registrar URI at start (refreshed by the core).
    std::optional<std::string> registerUri;
    uint32_t expires = 3600;

    /// UA: outbound proxy. Proxy: default route for targets nothing else resolves.
    std::optional<Address> nextHop;

    // ---- proxy / registrar -------------------------------------------------------------
    bool recordRoute = false;
    bool stateless = false;
    /// Static routes: domain -> next hop (host:port), like the simulation's per-domain
    /// routes.
    std::map<std::string, Address> routes;
    bool auth = false;
    std::string realm; ///< empty: the domain
    std::map<std::string, std::string> users;

    TimerConfig timers;
    /// Stop after this many calls have finished (completed or failed); 0 = no limit.
    uint64_t maxCalls = 0;
    /// Stop after this much wall-clock time; zero = no limit.
    Duration duration{0};
    /// Keep serving retransmissions this long after the workload is done (UDP callees
    /// need it when the last 200 to a BYE may be lost).
    Duration linger{0};
    uint64_t seed = 0; ///< 0: drawn from the clock and pid (Call-IDs must differ per run)
    /// Allow a non-loopback listen address and destinations.
    bool allowRemote = false;
};

/// "127.0.0.1:5060", "[::1]:5060" or a bare host (port `defaultPort`). Numeric hosts only.
Result<Address> ParseHostPort(const std::string& text, uint16_t defaultPort, Transport transport);
/// "alice=secret,bob=pass" -> {alice: secret, bob: pass}.
Result<std::map<std::string, std::string>> ParseUserList(const std::string& text);
/// Cross-field checks (calls need a target, rates positive, ...); empty when fine.
std::string ValidatePeerOptions(const PeerOptions& options);

/// A host as it appears in a URI or Via: IPv6 literals in brackets.
std::string UriHost(const std::string& host);
/// The core's configuration for the role, listening on `port` (the port actually bound):
/// our address is the Via sent-by, Contact and Record-Route host.
UserAgentConfig MakeUserAgentConfig(const PeerOptions& options, uint16_t port);
ProxyConfig MakeProxyConfig(const PeerOptions& options, uint16_t port);

} // namespace sipsim

#endif
