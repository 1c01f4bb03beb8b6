#include "topology/topology.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace sipsim
{

const char*
NodeRoleName(NodeRole role)
{
    switch (role)
    {
    case NodeRole::Ua:
        return "ua";
    case NodeRole::Proxy:
        return "proxy";
    case NodeRole::Registrar:
        return "registrar";
    case NodeRole::Router:
        return "router";
    }
    return "?";
}

const char*
LossModelName(LossModelKind kind)
{
    switch (kind)
    {
    case LossModelKind::None:
        return "none";
    case LossModelKind::Iid:
        return "iid";
    case LossModelKind::GilbertElliott:
        return "gilbert-elliott";
    }
    return "?";
}

double
LossModel::MeanLoss() const
{
    switch (kind)
    {
    case LossModelKind::None:
        return 0.0;
    case LossModelKind::Iid:
        return p;
    case LossModelKind::GilbertElliott: {
        if (p + r <= 0.0)
        {
            return lossGood; // The chain never leaves the good state.
        }
        const double bad = p / (p + r);
        return (1.0 - bad) * lossGood + bad * lossBad;
    }
    }
    return 0.0;
}

Result<NodeId>
Topology::AddNode(TopoNode node)
{
    if (node.name.empty())
    {
        return MakeError("node has an empty name");
    }
    if (m_byName.count(node.name) != 0)
    {
        return MakeError("duplicate node '" + node.name + "'");
    }
    if (node.role == NodeRole::Registrar)
    {
        node.registrar = true;
    }
    std::string name = node.name;
    const NodeId id = boost::add_vertex(std::move(node), m_graph);
    m_byName.emplace(std::move(name), id);
    return id;
}

Result<std::size_t>
Topology::AddLink(NodeId a, NodeId b, TopoEdge link)
{
    if (a >= NodeCount() || b >= NodeCount())
    {
        return MakeError("link refers to an unknown node");
    }
    if (a == b)
    {
        return MakeError("link " + Node(a).name + "-" + Node(a).name + " is a self-loop");
    }
    if (FindLink(a, b) != nullptr)
    {
        return MakeError("duplicate link " + Node(a).name + "-" + Node(b).name);
    }
    link.a = a;
    link.b = b;
    boost::add_edge(a, b, std::move(link), m_graph);
    return LinkCount() - 1;
}

Result<std::size_t>
Topology::AddLink(NodeId a, NodeId b, const LinkDirection& dir)
{
    TopoEdge link;
    link.ab = dir;
    link.ba = dir;
    return AddLink(a, b, std::move(link));
}

std::optional<NodeId>
Topology::Find(std::string_view name) const
{
    auto it = m_byName.find(name);
    if (it == m_byName.end())
    {
        return std::nullopt;
    }
    return it->second;
}

std::vector<TopoLink>
Topology::Links() const
{
    std::vector<TopoLink> links;
    links.reserve(LinkCount());
    for (auto [it, end] = boost::edges(m_graph); it != end; ++it)
    {
        const TopoEdge& e = m_graph[*it];
        links.push_back(TopoLink{e.a, e.b, e});
    }
    return links;
}

const TopoEdge*
Topology::FindLink(NodeId a, NodeId b) const
{
    if (a >= NodeCount() || b >= NodeCount())
    {
        return nullptr;
    }
    auto [e, found] = boost::edge(a, b, m_graph);
    return found ? &m_graph[e] : nullptr;
}

TopoEdge*
Topology::FindLink(NodeId a, NodeId b)
{
    if (a >= NodeCount() || b >= NodeCount())
    {
        return nullptr;
    }
    auto [e, found] = boost::edge(a, b, m_graph);
    return found ? &m_graph[e] : nullptr;
}

std::vector<NodeId>
Topology::Neighbours(NodeId id) const
{
    std::vector<NodeId> out;
    for (auto [it, end] = boost::adjacent_vertices(id, m_graph); it != end; ++it)
    {
        out.push_back(*it);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<NodeId>
Topology::NodesWithRole(NodeRole role) const
{
    std::vector<NodeId> out;
    for (NodeId id = 0; id < NodeCount(); ++id)
    {
        if (Node(id).role == role)
        {
            out.push_back(id);
        }
    }
    return out;
}

std::optional<NodeId>
Topology::FindUser(std::string_view user) const
{
    std::string_view name = user;
    std::string_view domain;
    if (auto at = user.find('@'); at != std::string_view::npos)
    {
        name = user.substr(0, at);
        domain = user.substr(at + 1);
    }
    for (NodeId id = 0; id < NodeCount(); ++id)
    {
        const TopoNode& node = Node(id);
        if (node.role != NodeRole::Ua || (!domain.empty() && node.domain != domain))
        {
            continue;
        }
        if (std::find(node.users.begin(), node.users.end(), name) != node.users.end())
        {
            return id;
        }
    }
    return std::nullopt;
}

std::optional<NodeId>
Topology::ResolveEndpoint(std::string_view nameOrUser) const
{
    if (auto id = Find(nameOrUser); id && Node(*id).role == NodeRole::Ua)
    {
        return id;
    }
    return FindUser(nameOrUser);
}

namespace
{

std::string_view
Trim(std::string_view s)
{
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    {
        s.remove_prefix(1);
    }
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    {
        s.remove_suffix(1);
    }
    return s;
}

/// Splits "1.5ms" into 1.5 and "ms". False if there is no leading finite number.
bool
SplitNumber(std::string_view text, double* value, std::string* unit)
{
    text = Trim(text);
    std::string s(text);
    if (s.empty())
    {
        return false;
    }
    char* end = nullptr;
    *value = std::strtod(s.c_str(), &end);
    if (end == s.c_str() || !std::isfinite(*value))
    {
        return false;
    }
    // strtod accepts "inf"/"nan"/hex; only plain decimal numbers are wanted.
    for (const char* c = s.c_str(); c != end; ++c)
    {
        if (!std::isdigit(static_cast<unsigned char>(*c)) && *c != '.' && *c != '-' && *c != '+' &&
            *c != 'e' && *c != 'E')
        {
            return false;
        }
    }
    std::string rest(Trim(std::string_view(end)));
    std::transform(rest.begin(), rest.end(), rest.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    *unit = rest;
    return true;
}

} // namespace

Result<Duration>
ParseDuration(std::string_view text)
{
    double value = 0;
    std::string unit;
    if (!SplitNumber(text, &value, &unit))
    {
        return MakeError("invalid duration '" + std::string(text) + "' (expected e.g. 10ms, 1.5s)");
    }
    double scale = 0;
    if (unit.empty() || unit == "s" || unit == "sec")
    {
        scale = 1e9;
    }
    else if (unit == "ms")
    {
        scale = 1e6;
    }
    else if (unit == "us")
    {
        scale = 1e3;
    }
    else if (unit == "ns")
    {
        scale = 1;
    }
    else if (unit == "min")
    {
        scale = 60e9;
    }
    else if (unit == "h")
    {
        scale = 3600e9;
    }
    else
    {
        return MakeError("invalid duration unit '" + unit + "' in '" + std::string(text) +
                         "' (use ns, us, ms, s, min, h)");
    }
    if (value < 0)
    {
        return MakeError("negative duration '" + std::string(text) + "'");
    }
    const double ns = value * scale;
    if (ns > static_cast<double>(std::numeric_limits<int64_t>::max() / 2))
    {
        return MakeError("duration '" + std::string(text) + "' is too large");
    }
    return Duration(static_cast<int64_t>(std::llround(ns)));
}

Result<uint64_t>
ParseRate(std::string_view text)
{
    double value = 0;
    std::string unit;
    if (!SplitNumber(text, &value, &unit))
    {
        return MakeError("invalid rate '" + std::string(text) + "' (expected e.g. 100Mbps)");
    }
    double scale = 0;
    if (unit.empty() || unit == "bps")
    {
        scale = 1;
    }
    else if (unit == "kbps")
    {
        scale = 1e3;
    }
    else if (unit == "mbps")
    {
        scale = 1e6;
    }
    else if (unit == "gbps")
    {
        scale = 1e9;
    }
    else
    {
        return MakeError("invalid rate unit '" + unit + "' in '" + std::string(text) +
                         "' (use bps, kbps, Mbps, Gbps)");
    }
    const double bps = value * scale;
    if (bps < 1 || bps > 1e15)
    {
        return MakeError("rate '" + std::string(text) + "' out of range (1bps..1000Tbps)");
    }
    return static_cast<uint64_t>(std::llround(bps));
}

Result<LossModelKind>
ParseLossModel(std::string_view text)
{
    const std::string_view t = Trim(text);
    if (t == "none" || t.empty())
    {
        return LossModelKind::None;
    }
    if (t == "iid" || t == "bernoulli")
    {
        return LossModelKind::Iid;
    }
    if (t == "gilbert-elliott" || t == "gilbert_elliott" || t == "ge" || t == "gilbert")
    {
        return LossModelKind::GilbertElliott;
    }
    return MakeError("unknown loss model '" + std::string(text) +
                     "' (use none, iid, gilbert-elliott)");
}

Result<NodeRole>
ParseRole(std::string_view text, bool* registrar)
{
    bool isProxy = false;
    bool isRegistrar = false;
    std::optional<NodeRole> single;
    std::string_view rest = text;
    int parts = 0;
    while (true)
    {
        const auto sep = rest.find_first_of(",+");
        const std::string_view part = Trim(rest.substr(0, sep));
        ++parts;
        if (part == "proxy")
        {
            isProxy = true;
        }
        else if (part == "registrar")
        {
            isRegistrar = true;
        }
        else if (part == "ua")
        {
            single = NodeRole::Ua;
        }
        else if (part == "router")
        {
            single = NodeRole::Router;
        }
        else
        {
            return MakeError("unknown role '" + std::string(text) +
                             "' (use ua, proxy, registrar, router, proxy,registrar)");
        }
        if (sep == std::string_view::npos)
        {
            break;
        }
        rest = rest.substr(sep + 1);
    }
    if (single && parts > 1)
    {
        return MakeError("role '" + std::string(text) + "' combines " + NodeRoleName(*single) +
                         " with another role");
    }
    if (registrar != nullptr)
    {
        *registrar = isRegistrar;
    }
    if (single)
    {
        return *single;
    }
    return isProxy ? NodeRole::Proxy : NodeRole::Registrar;
}

namespace
{

std::string
FormatScaled(double value, const char* unit)
{
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.10g%s", value, unit);
    return buf;
}

} // namespace

std::string
FormatDuration(Duration d)
{
    const int64_t ns = d.count();
    if (ns == 0)
    {
        return "0s";
    }
    // The largest unit the value reaches; %.10g keeps it exact for sub-microsecond parts.
    if (ns >= 1'000'000'000 || ns <= -1'000'000'000)
    {
        return FormatScaled(static_cast<double>(ns) / 1e9, "s");
    }
    if (ns >= 1'000'000 || ns <= -1'000'000)
    {
        return FormatScaled(static_cast<double>(ns) / 1e6, "ms");
    }
    if (ns >= 1'000 || ns <= -1'000)
    {
        return FormatScaled(static_cast<double>(ns) / 1e3, "us");
    }
    return FormatScaled(static_cast<double>(ns), "ns");
}

std::string
FormatRate(uint64_t bps)
{
    const double v = static_cast<double>(bps);
    if (bps >= 1'000'000'000)
    {
        return FormatScaled(v / 1e9, "Gbps");
    }
    if (bps >= 1'000'000)
    {
        return FormatScaled(v / 1e6, "Mbps");
    }
    if (bps >= 1'000)
    {
        return FormatScaled(v / 1e3, "kbps");
    }
    return FormatScaled(v, "bps");
}

} // namespace sipsim
