#ifndef SIPSIM_TOPOLOGY_ROUTING_H
#define SIPSIM_TOPOLOGY_ROUTING_H

// Validation and routes derived from the graph, as plain data: the ns-3 builder turns
// `ip` into static routes and `sipNextHop`/`outboundProxy` into SIP configuration.

#include "topology/ip_routes.h"
#include "topology/topology.h"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sipsim
{

/// An endpoint pair to check for reachability: UA node names or user names/AORs.
struct CallPair
{
    std::string caller;
    std::string callee;
};

/// Checks a topology; returns the first problem as one line, or nothing when valid:
/// at least one node; roles consistent (users only on UAs, sip_routes only on proxies,
/// service time/queue limit only on SIP servers); UAs and SIP servers have a domain; each
/// UA domain has a proxy; every UA is linked; link delay/jitter >= 0, probabilities in
/// [0, 1]; unique user AORs; static SIP routes name existing SIP servers; no SIP next-hop
/// loop; each pair's caller and callee exist and are connected, via SIP, to each other.
std::optional<ParseError> Validate(const Topology& topology,
                                   const std::vector<CallPair>& pairs = {});

/// Routes derived from a topology.
struct Routing
{
    /// IP next hops and path delays between all nodes.
    IpRoutes ip;
    /// domain -> the SIP server responsible for it: its registrar proxy if any, else its
    /// lowest-NodeId proxy.
    std::map<std::string, NodeId> domainProxy;
    /// domain -> its registrar (a registrar proxy or registrar-only node, lowest NodeId).
    std::map<std::string, NodeId> domainRegistrar;
    /// UA -> outbound proxy: the nearest (by pathDelay, then NodeId) proxy of its domain.
    std::map<NodeId, NodeId> outboundProxy;
    /// proxy -> (domain -> next SIP hop). For the proxy's own responsibility (it is
    /// domainProxy[domain]) the entry is the proxy itself (deliver locally). Otherwise it is
    /// a static route if configured, else the first proxy on the IP path toward
    /// domainProxy[domain], else domainProxy[domain] directly.
    std::map<NodeId, std::map<std::string, NodeId>> sipNextHop;

    /// Node path caller..callee following ip.NextHop; empty if unreachable.
    std::vector<NodeId> IpPath(NodeId from, NodeId to) const { return ip.Path(from, to); }
};

/// Computes routing for a valid topology. Errors (one line) on unreachable SIP hops or a
/// SIP next-hop loop, e.g. "SIP route loop for domain biloxi.example.com: P1 -> P2 -> P1".
Result<Routing> ComputeRouting(const Topology& topology);

/// The SIP elements a request from UA `caller` to UA `callee` traverses: caller, outbound
/// proxy, the proxies chosen by sipNextHop, callee. Error if a hop is missing or loops.
Result<std::vector<NodeId>> SipPath(const Topology& topology, const Routing& routing, NodeId caller,
                                    NodeId callee);

} // namespace sipsim

#endif
