#include "element_plan.h"

#include "sip/abnf.h"

#include <algorithm>

namespace sipsim
{

namespace
{

TimerConfig
Timers(const SipConfig& sip)
{
    TimerConfig timers;
    timers.t1 = sip.t1;
    timers.t2 = sip.t2;
    timers.t4 = sip.t4;
    return timers;
}

DigestAlgorithm
ToDigestAlgorithm(AuthAlgorithm algorithm)
{
    return algorithm == AuthAlgorithm::Sha256 ? DigestAlgorithm::Sha256 : DigestAlgorithm::Md5;
}

/// The scenario's [workload.callee] and hang-up policy as the UA's answering behaviour.
CalleeBehaviour
MakeCalleeBehaviour(const Workload& workload)
{
    const CalleeSpec& spec = workload.callee;
    CalleeBehaviour b;
    b.ringTime = spec.ringTime;
    b.rejectCode = spec.rejectCode;
    switch (spec.action)
    {
    case CalleeAction::Answer:
        // The core's Busy mode is "486 with probability p, else answer".
        b.mode =
            spec.busyProbability > 0 ? CalleeBehaviour::Mode::Busy : CalleeBehaviour::Mode::Answer;
        b.busyProbability = spec.busyProbability;
        break;
    case CalleeAction::Busy:
        b.mode = CalleeBehaviour::Mode::Busy;
        b.busyProbability = 1.0;
        break;
    case CalleeAction::Reject:
        b.mode = CalleeBehaviour::Mode::Reject;
        break;
    case CalleeAction::NoAnswer:
        b.mode = CalleeBehaviour::Mode::NoAnswer;
        break;
    }
    if (workload.hangup == Hangup::Callee)
    {
        b.hangupAfter = workload.holdingTime;
        b.hangupExponential = workload.holdingDistribution == HoldingDistribution::Exponential;
    }
    return b;
}

std::string
ContactUri(const std::string& user, const std::string& host, Transport transport)
{
    std::string uri = "sip:" + user + "@" + host;
    if (transport == Transport::Tcp)
    {
        uri += ";transport=tcp";
    }
    return uri;
}

std::vector<std::string>
UsersOf(const TopoNode& node)
{
    if (!node.users.empty())
    {
        return node.users;
    }
    return {abnf::ToLower(node.name)};
}

} // namespace

std::string
PasswordOf(const Scenario& scenario, const std::string& user)
{
    auto it = scenario.auth.users.find(user);
    return it == scenario.auth.users.end() ? std::string("secret") : it->second;
}

std::string
ElementHostName(const Topology& topology, NodeId node)
{
    const TopoNode& n = topology.Node(node);
    if (n.domain.empty())
    {
        return abnf::ToLower(n.name);
    }
    if (n.role == NodeRole::Ua)
    {
        // Stops at the second: every UA of a large star would otherwise scan all the others.
        std::size_t inDomain = 0;
        for (NodeId id = 0; id < topology.NodeCount() && inDomain < 2; ++id)
        {
            const TopoNode& other = topology.Node(id);
            inDomain += other.role == NodeRole::Ua && other.domain == n.domain ? 1 : 0;
        }
        // RFC 3665's naming when it is unambiguous: client.atlanta.example.com.
        if (inDomain == 1)
        {
            return "client." + n.domain;
        }
    }
    return abnf::ToLower(n.name) + "." + n.domain;
}

std::string
CallTargetUri(const Topology& topology, const Routing& routing, const ElementPlan& plan,
              const CallPairSpec& pair)
{
    const auto callee = topology.Find(pair.calleeNode);
    if (!callee)
    {
        return "sip:" + pair.calleeAor;
    }
    const std::string& domain = topology.Node(*callee).domain;
    auto host = plan.hostNames.find(*callee);
    if (routing.domainProxy.count(domain) != 0 || host == plan.hostNames.end())
    {
        return "sip:" + pair.calleeAor;
    }
    // No server for the callee's domain (peer to peer): address the callee's host.
    return "sip:" + pair.calleeAor.substr(0, pair.calleeAor.find('@')) + "@" + host->second;
}

ElementPlan
MakeElementPlan(const Scenario& scenario, const Topology& topology, const Routing& routing,
                const std::vector<std::string>& addresses)
{
    ElementPlan plan;
    const Transport transport = scenario.sip.transport;
    auto addressOf = [&](NodeId node) { return Address{addresses.at(node), 5060, transport}; };
    auto isElement = [&](NodeId node) {
        const NodeRole role = topology.Node(node).role;
        return role != NodeRole::Router && !addresses.at(node).empty();
    };

    for (NodeId id = 0; id < topology.NodeCount(); ++id)
    {
        if (!isElement(id))
        {
            continue;
        }
        const std::string host = ElementHostName(topology, id);
        plan.hostNames[id] = host;
        plan.resolver.Add(host, addressOf(id));
        plan.hostToNode[abnf::ToLower(host)] = id;
        plan.hostToNode[topology.Node(id).name] = id;
        plan.resolver.Add(topology.Node(id).name, addressOf(id)); // "sip:bob@B" works too
    }
    // A domain resolves to the server responsible for it (RFC 3263 stand-in), for user agents
    // without an outbound proxy. Proxies route domains by their static routes first.
    for (const auto& [domain, server] : routing.domainProxy)
    {
        if (isElement(server))
        {
            plan.resolver.Add(domain, addressOf(server));
        }
    }

    CredentialStore credentials;
    for (NodeId ua : topology.NodesWithRole(NodeRole::Ua))
    {
        for (const std::string& user : UsersOf(topology.Node(ua)))
        {
            credentials.AddUser(user, PasswordOf(scenario, user));
        }
    }

    for (NodeId id = 0; id < topology.NodeCount(); ++id)
    {
        if (!isElement(id))
        {
            continue;
        }
        const TopoNode& node = topology.Node(id);
        if (node.role == NodeRole::Ua)
        {
            UaPlan ua;
            ua.node = id;
            UserAgentConfig& c = ua.config;
            c.user = UsersOf(node).front();
            c.domain = node.domain;
            c.hostName = plan.hostNames[id];
            c.localAddress = addressOf(id);
            if (auto proxy = routing.outboundProxy.find(id); proxy != routing.outboundProxy.end())
            {
                c.outboundProxy = addressOf(proxy->second);
            }
            c.resolver = plan.resolver;
            c.timers = Timers(scenario.sip);
            c.transport = transport;
            c.credentials = DigestAccount{c.user, PasswordOf(scenario, c.user)};
            c.reuseCredentials = scenario.auth.credentialReuse;
            c.callee = MakeCalleeBehaviour(scenario.workload);
            if (scenario.workload.cancelAfter.count() > 0)
            {
                c.noAnswerTimeout = scenario.workload.cancelAfter;
            }
            plan.registrarUri[id] = "sip:" + node.domain;
            plan.uas.push_back(std::move(ua));
            continue;
        }

        ProxyPlan proxy;
        proxy.node = id;
        ProxyConfig& c = proxy.config;
        c.hostName = plan.hostNames[id];
        c.localAddress = addressOf(id);
        c.domains = {node.domain};
        c.resolver = plan.resolver;
        c.timers = Timers(scenario.sip);
        c.transport = transport;
        c.stateful = scenario.sip.proxyMode == ProxyMode::Stateful;
        c.recordRoute = scenario.sip.recordRoute && node.role == NodeRole::Proxy;
        if (auto routes = routing.sipNextHop.find(id); routes != routing.sipNextHop.end())
        {
            for (const auto& [domain, hop] : routes->second)
            {
                if (hop != id && isElement(hop))
                {
                    c.staticRoutes[abnf::ToLower(domain)] = NextHop::At(addressOf(hop));
                }
            }
        }
        // The server responsible for the domain routes its users by the location service,
        // so it needs the registrar role even when the topology did not ask for it.
        auto responsible = routing.domainProxy.find(node.domain);
        const bool domainServer =
            responsible != routing.domainProxy.end() && responsible->second == id;
        c.registrar = node.registrar || node.role == NodeRole::Registrar || domainServer;
        for (NodeId ua : topology.NodesWithRole(NodeRole::Ua))
        {
            if (topology.Node(ua).domain != node.domain || !isElement(ua))
            {
                continue;
            }
            for (const std::string& user : UsersOf(topology.Node(ua)))
            {
                const std::string aor = "sip:" + user + "@" + node.domain;
                c.knownUsers.push_back(aor);
                if (domainServer && !scenario.workload.registerFirst)
                {
                    proxy.bindings.push_back(
                        {aor, ContactUri(user, plan.hostNames[ua], transport)});
                }
            }
        }
        if (scenario.auth.Challenges(node.name))
        {
            DigestServerConfig auth;
            auto realm = scenario.auth.realms.find(node.name);
            auth.realm = realm != scenario.auth.realms.end() ? realm->second : node.domain;
            auth.algorithm = ToDigestAlgorithm(scenario.auth.algorithm);
            c.auth = auth;
            c.credentials = credentials;
            c.challengeRequests = true;
            c.challengeRegister = scenario.auth.challengeRegister && c.registrar;
        }
        plan.proxies.push_back(std::move(proxy));
    }
    return plan;
}

} // namespace sipsim
