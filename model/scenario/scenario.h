#ifndef SIPSIM_SCENARIO_SCENARIO_H
#define SIPSIM_SCENARIO_SCENARIO_H

// A scenario: what network to build and what the SIP elements do on it, parsed from TOML.
// Every field has a default, so an empty file is the seed scenario. Durations are strings
// with units ("10ms", "1.5s") or numbers in seconds. See scenarios/two-proxy-auth.toml.

#include "sip/result.h"
#include "sip/types.h"
#include "topology/topology.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sipsim
{

/// [topology]: exactly one of `file` or `generator`.
struct TopologySpec
{
    std::string file;               ///< DOT path; stored resolved against the scenario's dir.
    std::string generator = "seed"; ///< seed|chain|star|two-domains|random-tree ("" if file).
    int proxies = 2;                ///< chain: number of proxies (>= 1).
    int uas = 4;                    ///< star: UAs; two-domains: UAs per domain (>= 1).
    int routers = 1;                ///< two-domains: routers between the edge proxies (>= 0).
    int nodes = 10;                 ///< random-tree: vertices (>= 3).
    uint32_t treeSeed = 1;          ///< random-tree: `tree_seed`.
};

enum class Arrivals
{
    Sequential, ///< Next call starts when the previous one ends.
    Constant,   ///< Fixed interval between call starts.
    Poisson,    ///< Exponential inter-arrival times with mean 1/rate.
};

enum class HoldingDistribution
{
    Constant,
    Exponential,
};

enum class CalleeAction
{
    Answer,   ///< 180 Ringing for ringTime, then 200 OK (or 486 with busyProbability).
    Busy,     ///< 486 Busy Here.
    Reject,   ///< Final response `rejectCode` after ringTime.
    NoAnswer, ///< Rings until the caller cancels (cancelAfter) or Timer C fires.
};

enum class Hangup
{
    Callee, ///< The callee sends BYE (RFC 3665 §3.2: B hangs up).
    Caller,
};

/// [workload.callee]
struct CalleeSpec
{
    CalleeAction action = CalleeAction::Answer;
    Duration ringTime = std::chrono::seconds(2); ///< 180 Ringing -> final response.
    double busyProbability = 0.0; ///< Answer only: chance to reply 486 instead, in [0, 1].
    int rejectCode = 486;         ///< Reject only: 300..699.
};

/// One caller -> callee pair, as written and resolved against the topology.
struct CallPairSpec
{
    std::string caller; ///< As written: UA node name, user name or AOR.
    std::string callee;
    std::string callerNode; ///< Resolved UA node names.
    std::string calleeNode;
    std::string callerAor; ///< "user@domain" of the resolved users.
    std::string calleeAor;
};

/// [workload]
struct Workload
{
    int calls = 1;        ///< Calls to place (>= 0); 0 with a duration = unlimited.
    Duration duration{0}; ///< Stop starting calls after this; 0 = no limit.
    Arrivals arrivals = Arrivals::Sequential;
    double rate = 1.0;    ///< Constant/Poisson: calls per second (> 0).
    Duration interval{0}; ///< Constant: alternative to rate; when set, rate = 1 / interval.
    /// "A->B" strings or {caller, callee} tables. Empty = consecutive UAs paired in NodeId
    /// order (UA1->UA2, UA3->UA4, ...). Calls use the pairs round-robin.
    std::vector<CallPairSpec> pairs;
    Duration holdingTime = std::chrono::seconds(5); ///< `holding_time` (mean if exponential).
    HoldingDistribution holdingDistribution = HoldingDistribution::Constant;
    Hangup hangup = Hangup::Callee;
    Duration cancelAfter{0};    ///< Caller CANCELs an unanswered call after this; 0 = never.
    bool registerFirst = false; ///< UAs REGISTER with their registrar before any call.
    CalleeSpec callee;
};

enum class AuthAlgorithm
{
    Md5,
    Sha256,
};

/// [auth]: Proxy-Authorization (407) challenges by the listed proxies.
struct AuthConfig
{
    std::vector<std::string> proxies; ///< Proxy node names that challenge; empty = no auth.
    /// Per-proxy realm (`[auth.realms]`); a proxy not listed uses its domain.
    std::map<std::string, std::string> realms;
    AuthAlgorithm algorithm = AuthAlgorithm::Md5;
    bool credentialReuse = true;    ///< UAs send credentials pre-emptively after a challenge.
    bool challengeRegister = false; ///< Registrars answer REGISTER with 401 first.
    /// `[auth.users]` user -> password; users not listed use password "secret".
    std::map<std::string, std::string> users;

    bool Challenges(const std::string& proxy) const;
};

enum class ProxyMode
{
    Stateful,
    Stateless,
};

/// [sip]
struct SipConfig
{
    Transport transport = Transport::Udp;
    Duration t1 = std::chrono::milliseconds(500);
    Duration t2 = std::chrono::seconds(4);
    Duration t4 = std::chrono::seconds(5);
    bool recordRoute = true;
    ProxyMode proxyMode = ProxyMode::Stateful;
};

/// A per-link override, `[impairments.links.A-P1]`: link attributes as in DOT (delay,
/// jitter, loss, loss_model, ge_p, ge_r, ge_loss_good, ge_loss_bad, rate, queue_size),
/// applied with ApplyLinkAttributes() on top of the link's own values.
struct LinkOverride
{
    std::string a; ///< First-named node ("A" in "A-P1").
    std::string b;
    /// "both" (default), "forward" (a -> b only) or "reverse" (b -> a only).
    std::string direction = "both";
    std::map<std::string, std::string> attributes; ///< Normalised text values ("10ms").
};

/// [impairments]: defaults for links that do not set their own, then per-link overrides.
struct Impairments
{
    LinkDirection defaults;          ///< delay, jitter, loss, loss_model, ge_*, rate, queue_size.
    std::vector<LinkOverride> links; ///< Sorted by key.
};

/// [processing]: proxy message processing, modelled as a single-server queue.
struct ProxyProcessing
{
    Duration serviceTime{0}; ///< Per message; 0 = instant.
    uint32_t queueLimit = 0; ///< Waiting messages; 0 = unbounded (excess is dropped).
};

struct Processing
{
    ProxyProcessing defaults;                       ///< All proxies.
    std::map<std::string, ProxyProcessing> proxies; ///< `[processing.proxies.P1]`.
};

/// [outputs]
struct Outputs
{
    int ladderCall = 1; ///< 1-based call to draw as a ladder diagram; 0 = none.
    bool pcap = false;
    /// messages.csv, one row per transmission (about 2.5 GB per million seed calls). Off,
    /// the run still counts every message for summary.json.
    bool messages = true;
};

struct Scenario
{
    std::string path; ///< The file loaded ("" when parsed from a string).
    std::string name; ///< Defaults to the file's stem.
    std::string description;
    uint32_t seed = 1;    ///< RNG seed (ns-3 SetSeed).
    uint32_t run = 1;     ///< RNG run number (ns-3 SetRun).
    Duration stopTime{0}; ///< Hard simulation stop; 0 = when the workload is done.
    TopologySpec topology;
    Workload workload;
    AuthConfig auth;
    SipConfig sip;
    Impairments impairments;
    Processing processing;
    Outputs outputs;
};

/// Loads a scenario file. `overrides` are "dotted.path=value" strings (from --set), applied
/// in order before validation; the value is read as a TOML value (number, bool, "string",
/// array, inline table), and as a plain string when it is not one ("poisson", "500ms").
/// Errors, one line each, name the dotted key: unknown keys, wrong types, out-of-range
/// values, bad topology, unknown or unreachable pair endpoints.
Result<Scenario> LoadScenario(const std::string& path,
                              const std::vector<std::string>& overrides = {});
/// As LoadScenario, from TOML text; a topology `file` is resolved against `baseDir`.
Result<Scenario> ParseScenario(const std::string& toml, const std::string& baseDir = ".",
                               const std::vector<std::string>& overrides = {});

/// Builds the topology the scenario describes: the generator or DOT file, with
/// impairments.defaults for unset link attributes, then the per-link overrides and
/// processing applied. Also validated against the workload pairs.
Result<Topology> BuildTopology(const Scenario& scenario);

/// The fully resolved scenario as JSON (keys in a fixed order; durations as "10ms"
/// strings), for summary.json.
std::string ToJson(const Scenario& scenario);

/// Names for enums, as written in TOML.
const char* ArrivalsName(Arrivals arrivals);
const char* CalleeActionName(CalleeAction action);
const char* AuthAlgorithmName(AuthAlgorithm algorithm); ///< "MD5", "SHA-256".

} // namespace sipsim

#endif
