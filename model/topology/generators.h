#ifndef SIPSIM_TOPOLOGY_GENERATORS_H
#define SIPSIM_TOPOLOGY_GENERATORS_H

// Built-in topologies. Every link gets `link` in both directions; proxies get
// `proxyServiceTime`. Node names are stable so scenarios can refer to them ("A-P1").

#include "topology/topology.h"

#include <cstdint>

namespace sipsim
{

/// Parameters shared by all generators.
struct GeneratorOptions
{
    LinkDirection link;           ///< Applied to every link, both directions.
    Duration proxyServiceTime{0}; ///< Applied to every proxy.
    uint32_t proxyQueueLimit = 0; ///< Applied to every proxy.
};

/// RFC 3665 §3.2: A (alice@atlanta.example.com) - P1 (proxy+registrar, atlanta.example.com)
/// - P2 (proxy+registrar, biloxi.example.com) - B (bob@biloxi.example.com).
Topology MakeSeed(const GeneratorOptions& options = {});

/// A - P1 - ... - Pn - B. n == 1: A, B and P1 share "example.com". n >= 2: A is in
/// atlanta.example.com behind P1, B in biloxi.example.com behind Pn, and Pi (1 < i < n)
/// serves "transit<i>.example.com". Error if n < 1.
Result<Topology> MakeChain(int proxies, const GeneratorOptions& options = {});

/// UA1..UAk (users user1..userk, domain example.com) each linked to P (proxy+registrar).
/// Error if k < 1.
Result<Topology> MakeStar(int uas, const GeneratorOptions& options = {});

/// A1..An (alice1.., atlanta.example.com) around P1; B1..Bn (bob1.., biloxi.example.com)
/// around P2; P1 - R1 - ... - Rm - P2 through plain routers. Error if n < 1 or m < 0.
Result<Topology> MakeTwoDomains(int uasPerDomain, int routers,
                                const GeneratorOptions& options = {});

/// A uniformly random tree on `nodes` vertices (Boost random_spanning_tree over the
/// complete graph, std::mt19937 seeded with `seed`): leaves become UAs U<i> (user u<i>),
/// inner vertices proxies P<i> each serving d<i>.example.com; a UA joins the domain of the
/// proxy it hangs off. Same (nodes, seed) always gives the same tree. Error unless 3 <= nodes <=
/// 1000.
Result<Topology> MakeRandomTree(int nodes, uint32_t seed, const GeneratorOptions& options = {});

} // namespace sipsim

#endif
