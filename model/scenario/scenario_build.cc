// Scenario -> Topology, and the scenario checks that need the topology's node names.

#include "scenario/detail.h"
#include "scenario/scenario.h"
#include "sip/abnf.h"
#include "topology/generators.h"
#include "topology/routing.h"

#include <algorithm>
#include <cctype>

namespace sipsim
{

namespace
{

/// The two nodes a link override names. "A-P1" splits at the dash that leaves two node
/// names, so names containing '-' still work.
std::optional<std::pair<NodeId, NodeId>>
ResolveLinkName(const Topology& t, const std::string& name)
{
    for (auto dash = name.find('-'); dash != std::string::npos; dash = name.find('-', dash + 1))
    {
        auto a = t.Find(name.substr(0, dash));
        auto b = t.Find(name.substr(dash + 1));
        if (a && b)
        {
            return std::pair{*a, *b};
        }
    }
    return std::nullopt;
}

Result<Topology>
Generate(const Scenario& s)
{
    GeneratorOptions options;
    options.link = s.impairments.defaults;
    options.proxyServiceTime = s.processing.defaults.serviceTime;
    options.proxyQueueLimit = s.processing.defaults.queueLimit;
    const TopologySpec& spec = s.topology;
    if (!spec.file.empty())
    {
        auto t = ReadDotFile(spec.file, s.impairments.defaults);
        if (!t)
        {
            return MakeError("topology.file: " + t.Error().reason);
        }
        for (NodeId id : t->NodesWithRole(NodeRole::Proxy))
        {
            TopoNode& node = t->Node(id);
            if (node.serviceTime.count() == 0)
            {
                node.serviceTime = options.proxyServiceTime;
            }
            if (node.queueLimit == 0)
            {
                node.queueLimit = options.proxyQueueLimit;
            }
        }
        return t;
    }
    Result<Topology> t =
        MakeError("topology.generator: unknown generator '" + spec.generator + "'");
    if (spec.generator == "seed")
    {
        t = MakeSeed(options);
    }
    else if (spec.generator == "chain")
    {
        t = MakeChain(spec.proxies, options);
    }
    else if (spec.generator == "star")
    {
        t = MakeStar(spec.uas, options);
    }
    else if (spec.generator == "two-domains")
    {
        t = MakeTwoDomains(spec.uas, spec.routers, options);
    }
    else if (spec.generator == "random-tree")
    {
        t = MakeRandomTree(spec.nodes, spec.treeSeed, options);
    }
    if (!t)
    {
        return MakeError("topology: " + t.Error().reason);
    }
    return t;
}

std::optional<ParseError>
ApplyOverrides(const Scenario& s, Topology& t)
{
    for (const LinkOverride& o : s.impairments.links)
    {
        const std::string key = "impairments.links." + o.a + "-" + o.b;
        auto ends = ResolveLinkName(t, o.a + "-" + o.b);
        if (!ends)
        {
            return MakeError(key + ": no such nodes");
        }
        auto [a, b] = *ends;
        TopoEdge* link = t.FindLink(a, b);
        if (link == nullptr)
        {
            return MakeError(key + ": no link between " + t.Node(a).name + " and " +
                             t.Node(b).name);
        }
        for (NodeId from : {a, b})
        {
            if ((from == a && o.direction == "reverse") || (from == b && o.direction == "forward"))
            {
                continue;
            }
            auto dir = ApplyLinkAttributes(link->From(from), o.attributes);
            if (!dir)
            {
                return MakeError(key + "." + dir.Error().reason);
            }
            link->From(from) = *dir;
        }
    }
    for (const auto& [name, processing] : s.processing.proxies)
    {
        auto id = t.Find(name);
        if (!id || !t.Node(*id).IsSipServer())
        {
            return MakeError("processing.proxies." + name + ": " +
                             (id ? "is not a proxy" : "unknown node"));
        }
        t.Node(*id).serviceTime = processing.serviceTime;
        t.Node(*id).queueLimit = processing.queueLimit;
    }
    return std::nullopt;
}

/// "alice@atlanta.example.com" for the pair endpoint as written.
std::string
AorOf(const Topology& t, NodeId ua, const std::string& written)
{
    const TopoNode& node = t.Node(ua);
    std::string user = written;
    if (user == node.name || std::find(node.users.begin(), node.users.end(),
                                       user.substr(0, user.find('@'))) == node.users.end())
    {
        user = node.users.front();
    }
    return user.substr(0, user.find('@')) + "@" + node.domain;
}

std::optional<ParseError>
ResolvePairs(Scenario& s, const Topology& t, const Routing& routing)
{
    std::vector<CallPairSpec>& pairs = s.workload.pairs;
    if (pairs.empty())
    {
        const auto uas = t.NodesWithRole(NodeRole::Ua);
        if (uas.size() < 2)
        {
            return MakeError("workload.pairs: the topology has fewer than two UAs");
        }
        for (std::size_t i = 0; i + 1 < uas.size(); i += 2)
        {
            CallPairSpec p;
            p.caller = t.Node(uas[i]).name;
            p.callee = t.Node(uas[i + 1]).name;
            pairs.push_back(p);
        }
    }
    for (std::size_t i = 0; i < pairs.size(); ++i)
    {
        CallPairSpec& p = pairs[i];
        const std::string key = "workload.pairs[" + std::to_string(i) + "]";
        auto caller = t.ResolveEndpoint(p.caller);
        if (!caller)
        {
            return MakeError(key + ": unknown caller '" + p.caller + "' (not a ua or user)");
        }
        auto callee = t.ResolveEndpoint(p.callee);
        if (!callee)
        {
            return MakeError(key + ": unknown callee '" + p.callee + "' (not a ua or user)");
        }
        p.callerNode = t.Node(*caller).name;
        p.calleeNode = t.Node(*callee).name;
        p.callerAor = AorOf(t, *caller, p.caller);
        p.calleeAor = AorOf(t, *callee, p.callee);
        if (*caller == *callee)
        {
            return MakeError(key + ": caller and callee are the same ua " + p.callerNode);
        }
        auto path = SipPath(t, routing, *caller, *callee);
        if (!path)
        {
            return MakeError(key + ": " + path.Error().reason);
        }
    }
    return std::nullopt;
}

std::optional<ParseError>
CheckNames(const Scenario& s, const Topology& t, const Routing& routing)
{
    auto proxy = [&t](const std::string& key,
                      const std::string& name) -> std::optional<ParseError> {
        auto id = t.Find(name);
        if (!id)
        {
            return MakeError(key + ": unknown node '" + name + "'");
        }
        if (!t.Node(*id).IsProxy())
        {
            return MakeError(key + ": '" + name + "' is not a proxy");
        }
        return std::nullopt;
    };
    for (const std::string& name : s.auth.proxies)
    {
        if (auto e = proxy("auth.proxies", name))
        {
            return e;
        }
    }
    for (const auto& [name, realm] : s.auth.realms)
    {
        if (auto e = proxy("auth.realms." + name, name))
        {
            return e;
        }
        if (realm.empty())
        {
            return MakeError("auth.realms." + name + ": empty realm");
        }
    }
    if (s.workload.registerFirst)
    {
        for (NodeId ua : t.NodesWithRole(NodeRole::Ua))
        {
            if (routing.domainRegistrar.count(t.Node(ua).domain) == 0)
            {
                return MakeError("workload.register_first: domain " + t.Node(ua).domain +
                                 " has no registrar");
            }
        }
    }
    if (s.workload.calls > 0 && s.outputs.ladderCall > s.workload.calls)
    {
        return MakeError("outputs.ladder_call: " + std::to_string(s.outputs.ladderCall) +
                         " is beyond workload.calls (" + std::to_string(s.workload.calls) + ")");
    }
    return std::nullopt;
}

/// A proxy authenticates only the users of its own domain (it holds their credentials, and
/// the UA answers a challenge from its own realm): one that no caller -- nor, with
/// challenge_register, any registering UA -- belongs to would never challenge, and a sweep
/// over it would measure nothing without saying so.
std::optional<ParseError>
CheckChallengersServeCallers(const Scenario& s, const Topology& t)
{
    for (const std::string& name : s.auth.proxies)
    {
        const std::string& domain = t.Node(*t.Find(name)).domain;
        bool serves = false;
        for (const CallPairSpec& pair : s.workload.pairs)
        {
            const auto caller = t.Find(pair.callerNode);
            serves = serves || (caller && abnf::EqualsNoCase(t.Node(*caller).domain, domain));
        }
        if (s.workload.registerFirst && s.auth.challengeRegister)
        {
            for (NodeId ua : t.NodesWithRole(NodeRole::Ua))
            {
                serves = serves || abnf::EqualsNoCase(t.Node(ua).domain, domain);
            }
        }
        if (!serves)
        {
            return MakeError("auth.proxies: '" + name +
                             "' would never challenge: a proxy "
                             "authenticates only users of its own domain (" +
                             domain + ") and no caller is in it");
        }
    }
    return std::nullopt;
}

} // namespace

namespace detail
{

std::optional<AuthAlgorithm>
ParseAuthAlgorithm(const std::string& text)
{
    std::string t = text;
    std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::toupper(c); });
    if (t == "MD5")
    {
        return AuthAlgorithm::Md5;
    }
    if (t == "SHA-256" || t == "SHA256")
    {
        return AuthAlgorithm::Sha256;
    }
    return std::nullopt;
}

std::optional<ParseError>
ResolveAgainstTopology(Scenario& scenario)
{
    auto t = BuildTopology(scenario);
    if (!t)
    {
        return t.Error();
    }
    auto routing = ComputeRouting(*t);
    if (!routing)
    {
        return MakeError("topology: " + routing.Error().reason);
    }
    if (auto e = CheckNames(scenario, *t, *routing))
    {
        return e;
    }
    if (auto e = ResolvePairs(scenario, *t, *routing))
    {
        return e;
    }
    return CheckChallengersServeCallers(scenario, *t);
}

} // namespace detail

Result<Topology>
BuildTopology(const Scenario& scenario)
{
    auto t = Generate(scenario);
    if (!t)
    {
        return t;
    }
    if (auto e = ApplyOverrides(scenario, *t))
    {
        return *e;
    }
    if (auto e = Validate(*t))
    {
        return MakeError("topology: " + e->reason);
    }
    return t;
}

bool
AuthConfig::Challenges(const std::string& proxy) const
{
    return std::find(proxies.begin(), proxies.end(), proxy) != proxies.end();
}

} // namespace sipsim
