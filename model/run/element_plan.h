#ifndef SIPSIM_RUN_ELEMENT_PLAN_H
#define SIPSIM_RUN_ELEMENT_PLAN_H

// Scenario + topology + routing + addresses -> the configuration of every SIP element.
// Plain data and no ns-3, so the mapping is unit-testable on its own.

#include "core/proxy_config.h"
#include "core/resolver.h"
#include "core/user_agent_config.h"
#include "scenario/scenario.h"
#include "topology/routing.h"
#include "topology/topology.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sipsim
{

struct UaPlan
{
    NodeId node = 0;
    UserAgentConfig config;
};

/// A location-service entry provisioned before the run (calls without register_first).
struct StaticBinding
{
    std::string aor;     ///< "sip:bob@biloxi.example.com"
    std::string contact; ///< "sip:bob@client.biloxi.example.com"
};

struct ProxyPlan
{
    NodeId node = 0;
    ProxyConfig config;
    std::vector<StaticBinding> bindings;
};

struct ElementPlan
{
    std::vector<UaPlan> uas;        ///< ascending NodeId
    std::vector<ProxyPlan> proxies; ///< proxies and registrar-only servers, ascending NodeId
    std::map<NodeId, std::string> hostNames;
    /// Every element host name and node name -> its SIP address (shared by all elements).
    Resolver resolver;
    /// Host names and node names -> node, to name the ends of a transmission.
    std::map<std::string, NodeId> hostToNode;
    /// The registrar URI each UA registers with ("sip:atlanta.example.com").
    std::map<NodeId, std::string> registrarUri;
};

/// The host name of a SIP element: "client.<domain>" for the only UA of a domain, else
/// "<node name in lower case>.<domain>"; proxies and registrars "<node>.<domain>"; the node
/// name for nodes without a domain.
std::string ElementHostName(const Topology& topology, NodeId node);

/// Builds every element's configuration. `addresses[node]` is the node's SIP (IPv4) address
/// as text, empty for nodes without one.
ElementPlan MakeElementPlan(const Scenario& scenario, const Topology& topology,
                            const Routing& routing, const std::vector<std::string>& addresses);

/// The Request-URI of a call: the callee's AOR ("sip:bob@biloxi.example.com"), or, when no
/// server is responsible for the callee's domain, the user at the callee's host.
std::string CallTargetUri(const Topology& topology, const Routing& routing, const ElementPlan& plan,
                          const CallPairSpec& pair);

/// The password of `user`: [auth.users], else "secret" (scenario.h).
std::string PasswordOf(const Scenario& scenario, const std::string& user);

} // namespace sipsim

#endif
