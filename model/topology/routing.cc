#include "topology/routing.h"

#include <algorithm>
#include <set>
#include <sstream>

namespace sipsim
{

namespace
{

std::string
LinkName(const Topology& t, NodeId a, NodeId b)
{
    return t.Node(a).name + "-" + t.Node(b).name;
}

std::optional<ParseError>
CheckDirection(const Topology& t, const TopoLink& link, NodeId from, NodeId to,
               const LinkDirection& d)
{
    const std::string where = "link " + LinkName(t, link.a, link.b) + " (" + t.Node(from).name +
                              "->" + t.Node(to).name + "): ";
    if (d.delay.count() < 0)
    {
        return MakeError(where + "delay must be >= 0");
    }
    if (d.jitter.count() < 0)
    {
        return MakeError(where + "jitter must be >= 0");
    }
    if (d.rateBps == 0)
    {
        return MakeError(where + "rate must be > 0");
    }
    if (d.queueSize == 0)
    {
        return MakeError(where + "queue_size must be >= 1");
    }
    const LossModel& l = d.loss;
    struct Prob
    {
        const char* name;
        double value;
    };
    for (const Prob& p : {Prob{"loss p", l.p}, Prob{"loss r", l.r}, Prob{"loss_good", l.lossGood},
                          Prob{"loss_bad", l.lossBad}})
    {
        if (!(p.value >= 0.0 && p.value <= 1.0))
        {
            std::ostringstream os;
            os << where << p.name << " " << p.value << " outside [0, 1]";
            return MakeError(os.str());
        }
    }
    return std::nullopt;
}

std::optional<ParseError>
CheckNode(const Topology& t, NodeId id)
{
    const TopoNode& n = t.Node(id);
    const std::string where = "node " + n.name + ": ";
    const bool sip = n.role != NodeRole::Router;
    if (sip && n.domain.empty())
    {
        return MakeError(where + NodeRoleName(n.role) + " needs a domain");
    }
    if (n.role != NodeRole::Ua && !n.users.empty())
    {
        return MakeError(where + "users are only valid on a ua");
    }
    if (n.role == NodeRole::Ua && n.users.empty())
    {
        return MakeError(where + "ua has no users");
    }
    if (n.registrar && !n.IsSipServer())
    {
        return MakeError(where + "registrar=true needs role proxy or registrar");
    }
    if (!n.IsSipServer() && (n.serviceTime.count() != 0 || n.queueLimit != 0))
    {
        return MakeError(where + "service_time/queue_limit are only valid on a proxy or registrar");
    }
    if (n.serviceTime.count() < 0)
    {
        return MakeError(where + "service_time must be >= 0");
    }
    if (!n.IsProxy() && !n.sipRoutes.empty())
    {
        return MakeError(where + "sip_routes are only valid on a proxy");
    }
    for (const auto& [domain, next] : n.sipRoutes)
    {
        auto target = t.Find(next);
        if (!target)
        {
            return MakeError(where + "sip_routes: unknown node '" + next + "'");
        }
        if (!t.Node(*target).IsProxy() || *target == id)
        {
            return MakeError(where + "sip_routes: next hop '" + next + "' must be another proxy");
        }
    }
    return std::nullopt;
}

/// Routing without the topology checks of Validate(); reports SIP loops/unreachability.
Result<Routing>
Derive(const Topology& t)
{
    const std::size_t n = t.NodeCount();
    auto ip = IpRoutes::Compute(t);
    if (!ip)
    {
        return ip.Error();
    }
    Routing r;
    r.ip = std::move(*ip);
    const IpRoutes& routes = r.ip;

    for (NodeId id = 0; id < n; ++id)
    {
        const TopoNode& node = t.Node(id);
        if (node.IsProxy())
        {
            auto it = r.domainProxy.find(node.domain);
            // A registrar proxy is responsible for its domain; else the first proxy is.
            if (it == r.domainProxy.end() || (node.registrar && !t.Node(it->second).registrar))
            {
                r.domainProxy[node.domain] = id;
            }
        }
        if (node.registrar && r.domainRegistrar.count(node.domain) == 0)
        {
            r.domainRegistrar[node.domain] = id;
        }
    }
    const std::vector<NodeId> proxies = t.NodesWithRole(NodeRole::Proxy);
    for (NodeId ua : t.NodesWithRole(NodeRole::Ua))
    {
        NodeId best = kNoNode;
        for (NodeId p : proxies)
        {
            if (t.Node(p).domain == t.Node(ua).domain && routes.Reachable(ua, p) &&
                (best == kNoNode || routes.Cost(ua, p) < routes.Cost(ua, best)))
            {
                best = p;
            }
        }
        if (best != kNoNode)
        {
            r.outboundProxy[ua] = best;
        }
    }
    for (const auto& [domain, home] : r.domainProxy)
    {
        // firstProxy[v]: the first proxy after v on the IP path toward home (memoised, so
        // each domain costs O(nodes) rather than O(nodes * path length)).
        constexpr NodeId kUnknown = kNoNode - 1;
        std::vector<NodeId> firstProxy(n, kUnknown);
        auto first = [&](NodeId from) {
            std::vector<NodeId> walked;
            NodeId found = kNoNode;
            for (NodeId v = from;;)
            {
                if (firstProxy[v] != kUnknown)
                {
                    found = firstProxy[v];
                    break;
                }
                walked.push_back(v);
                const NodeId hop = routes.NextHop(v, home);
                if (hop == kNoNode || t.Node(hop).IsProxy())
                {
                    found = hop;
                    break;
                }
                v = hop;
            }
            for (NodeId v : walked)
            {
                firstProxy[v] = found;
            }
            return found;
        };
        std::vector<NodeId> next(n, kNoNode);
        for (NodeId p : proxies)
        {
            const TopoNode& node = t.Node(p);
            auto route = node.sipRoutes.find(domain);
            if (route == node.sipRoutes.end())
            {
                route = node.sipRoutes.find("*");
            }
            if (home == p)
            {
                next[p] = p;
            }
            else if (route != node.sipRoutes.end())
            {
                next[p] = *t.Find(route->second);
            }
            else
            {
                next[p] = first(p);
            }
            if (next[p] == kNoNode || (next[p] != p && !routes.Reachable(p, next[p])))
            {
                return MakeError("proxy " + node.name + ": no route to " + t.Node(home).name +
                                 ", the proxy of " + domain + " (disconnected)");
            }
        }
        // Every chain must end at home: walk each once, colouring nodes as we go.
        enum : char
        {
            kNew,
            kOnPath,
            kDone
        };
        std::vector<char> state(n, kNew);
        state[home] = kDone;
        for (NodeId p : proxies)
        {
            std::vector<NodeId> chain;
            NodeId cur = p;
            while (state[cur] == kNew)
            {
                state[cur] = kOnPath;
                chain.push_back(cur);
                cur = next[cur];
            }
            if (state[cur] == kOnPath)
            {
                std::string text;
                for (NodeId id : chain)
                {
                    text += t.Node(id).name + " -> ";
                }
                return MakeError("SIP route loop for domain " + domain + ": " + text +
                                 t.Node(cur).name);
            }
            for (NodeId id : chain)
            {
                state[id] = kDone;
            }
        }
        for (NodeId p : proxies)
        {
            r.sipNextHop[p][domain] = next[p];
        }
    }
    return r;
}

} // namespace

std::optional<ParseError>
Validate(const Topology& topology, const std::vector<CallPair>& pairs)
{
    const Topology& t = topology;
    if (t.NodeCount() == 0)
    {
        return MakeError("topology has no nodes");
    }
    std::map<std::string, NodeId> aors;
    for (NodeId id = 0; id < t.NodeCount(); ++id)
    {
        if (auto error = CheckNode(t, id))
        {
            return error;
        }
        for (const std::string& user : t.Node(id).users)
        {
            const std::string aor = user + "@" + t.Node(id).domain;
            auto [it, inserted] = aors.emplace(aor, id);
            if (!inserted)
            {
                return MakeError("user " + aor + " is on both " + t.Node(it->second).name +
                                 " and " + t.Node(id).name);
            }
        }
    }
    for (const TopoLink& link : t.Links())
    {
        if (auto e = CheckDirection(t, link, link.a, link.b, link.props.ab))
        {
            return e;
        }
        if (auto e = CheckDirection(t, link, link.b, link.a, link.props.ba))
        {
            return e;
        }
    }
    const bool anyServer =
        !t.NodesWithRole(NodeRole::Proxy).empty() || !t.NodesWithRole(NodeRole::Registrar).empty();
    std::set<std::string> proxyDomains;
    for (NodeId p : t.NodesWithRole(NodeRole::Proxy))
    {
        proxyDomains.insert(t.Node(p).domain);
    }
    for (NodeId ua : t.NodesWithRole(NodeRole::Ua))
    {
        const TopoNode& node = t.Node(ua);
        if (t.Neighbours(ua).empty())
        {
            return MakeError("node " + node.name + ": ua is not linked to any node");
        }
        // Without any SIP server UAs call each other directly (peer to peer).
        if (anyServer && proxyDomains.count(node.domain) == 0)
        {
            return MakeError("domain " + node.domain + " (of ua " + node.name + ") has no proxy");
        }
    }
    auto routing = Derive(t);
    if (!routing)
    {
        return routing.Error();
    }
    for (NodeId ua : t.NodesWithRole(NodeRole::Ua))
    {
        if (anyServer && routing->outboundProxy.count(ua) == 0)
        {
            return MakeError("node " + t.Node(ua).name + ": no proxy of " + t.Node(ua).domain +
                             " is reachable (disconnected)");
        }
    }
    for (const CallPair& pair : pairs)
    {
        const std::string where = "pair " + pair.caller + "->" + pair.callee + ": ";
        auto caller = t.ResolveEndpoint(pair.caller);
        if (!caller)
        {
            return MakeError(where + "unknown caller '" + pair.caller + "' (not a ua or user)");
        }
        auto callee = t.ResolveEndpoint(pair.callee);
        if (!callee)
        {
            return MakeError(where + "unknown callee '" + pair.callee + "' (not a ua or user)");
        }
        if (*caller == *callee)
        {
            return MakeError(where + "caller and callee are the same ua");
        }
        auto path = SipPath(t, *routing, *caller, *callee);
        if (!path)
        {
            return MakeError(where + path.Error().reason);
        }
    }
    return std::nullopt;
}

Result<Routing>
ComputeRouting(const Topology& topology)
{
    return Derive(topology);
}

Result<std::vector<NodeId>>
SipPath(const Topology& topology, const Routing& routing, NodeId caller, NodeId callee)
{
    const Topology& t = topology;
    std::vector<NodeId> path{caller};
    auto outbound = routing.outboundProxy.find(caller);
    if (outbound != routing.outboundProxy.end())
    {
        const std::string& domain = t.Node(callee).domain;
        auto home = routing.domainProxy.find(domain);
        if (home == routing.domainProxy.end())
        {
            return MakeError("domain " + domain + " of " + t.Node(callee).name + " has no proxy");
        }
        NodeId cur = outbound->second;
        path.push_back(cur);
        while (cur != home->second)
        {
            cur = routing.sipNextHop.at(cur).at(domain);
            if (std::find(path.begin(), path.end(), cur) != path.end())
            {
                return MakeError("SIP route loop for domain " + domain + " at " + t.Node(cur).name);
            }
            path.push_back(cur);
        }
    }
    path.push_back(callee);
    for (std::size_t i = 0; i + 1 < path.size(); ++i)
    {
        if (routing.ip.NextHop(path[i], path[i + 1]) == kNoNode)
        {
            return MakeError(t.Node(path[i + 1]).name + " is unreachable from " +
                             t.Node(path[i]).name + " (disconnected)");
        }
    }
    return path;
}

} // namespace sipsim
