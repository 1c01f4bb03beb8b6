// Graphviz DOT <-> Topology. Boost's reader fills string attributes into a scratch graph
// through dynamic_properties; the typed Topology is then built and checked here.

#include "topology/routing.h"
#include "topology/topology.h"

#include <algorithm>
#include <array>
#include <boost/graph/graphviz.hpp>
#include <boost/property_map/dynamic_property_map.hpp>
#include <cctype>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

namespace sipsim
{

namespace
{

using Attributes = std::map<std::string, std::string>;

/// Attributes Graphviz uses for drawing; accepted and ignored.
const std::set<std::string> kCosmetic = {
    "label",     "xlabel",    "shape",      "color",  "fillcolor", "fontcolor", "fontname",
    "fontsize",  "style",     "pos",        "width",  "height",    "penwidth",  "arrowhead",
    "arrowtail", "dir",       "weight",     "len",    "comment",   "tooltip",   "group",
    "headlabel", "taillabel", "constraint", "minlen", "rank",
};

const std::set<std::string> kNodeKeys = {"role",         "registrar",   "domain",    "users",
                                         "service_time", "queue_limit", "sip_routes"};

/// Where Boost's reader stores what it parses: one attribute map per vertex / edge.
/// Edges are keyed by the address of their property, which a listS graph keeps stable.
struct AttributeStore
{
    std::map<std::size_t, Attributes> vertices;
    std::map<const void*, Attributes> edges;
};

template <typename Graph> class StoreMap : public boost::dynamic_property_map
{
public:
    using Vertex = typename boost::graph_traits<Graph>::vertex_descriptor;
    using Edge = typename boost::graph_traits<Graph>::edge_descriptor;

    StoreMap(std::string name, AttributeStore* store, const std::type_info& key)
        : m_name(std::move(name)), m_store(store), m_key(key)
    {
    }

    boost::any get(const boost::any& key) override { return get_string(key); }

    std::string get_string(const boost::any& key) override
    {
        Attributes* attrs = Lookup(key);
        if (attrs == nullptr)
        {
            return "";
        }
        auto it = attrs->find(m_name);
        return it == attrs->end() ? "" : it->second;
    }

    void put(const boost::any& key, const boost::any& value) override
    {
        Attributes* attrs = Lookup(key);
        if (attrs == nullptr)
        {
            return; // Graph attributes: nothing in them is ours.
        }
        if (const auto* s = boost::any_cast<std::string>(&value))
        {
            (*attrs)[m_name] = *s;
        }
    }

    const std::type_info& key() const override { return m_key; }
    const std::type_info& value() const override { return typeid(std::string); }

private:
    Attributes* Lookup(const boost::any& key)
    {
        if (const auto* v = boost::any_cast<Vertex>(&key))
        {
            return &m_store->vertices[*v];
        }
        if (const auto* e = boost::any_cast<Edge>(&key))
        {
            return &m_store->edges[e->get_property()];
        }
        return nullptr;
    }

    std::string m_name;
    AttributeStore* m_store;
    const std::type_info& m_key;
};

struct RawEdgeProps
{
    int unused = 0; // Gives each edge a distinct property object to key on.
};

using RawUndirected = boost::adjacency_list<boost::listS, boost::vecS, boost::undirectedS,
                                            boost::no_property, RawEdgeProps>;
using RawDirected = boost::adjacency_list<boost::listS, boost::vecS, boost::directedS,
                                          boost::no_property, RawEdgeProps>;

/// What the DOT text says, independent of Boost types.
struct RawDot
{
    bool directed = false;
    std::vector<Attributes> nodes; ///< Includes "node_id".
    struct RawEdge
    {
        std::size_t from;
        std::size_t to;
        Attributes attrs;
    };
    std::vector<RawEdge> edges; ///< In statement order.
};

template <typename Graph>
void
ParseWith(const std::string& text, RawDot* out)
{
    Graph g;
    AttributeStore store;
    boost::dynamic_properties dp(
        [&store](const std::string& name, const boost::any& key, const boost::any&) {
            return boost::shared_ptr<boost::dynamic_property_map>(
                new StoreMap<Graph>(name, &store, key.type()));
        });
    boost::read_graphviz(text, g, dp, "node_id");
    out->directed = boost::is_directed(g);
    out->nodes.resize(boost::num_vertices(g));
    for (std::size_t v = 0; v < boost::num_vertices(g); ++v)
    {
        out->nodes[v] = store.vertices[v];
    }
    for (auto [it, end] = boost::edges(g); it != end; ++it)
    {
        const auto e = *it;
        out->edges.push_back(RawDot::RawEdge{boost::source(e, g), boost::target(e, g),
                                             store.edges[e.get_property()]});
    }
}

/// "P10" after "P2": digit runs compare by value.
bool
NaturalLess(const std::string& a, const std::string& b)
{
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < a.size() && j < b.size())
    {
        if (std::isdigit(static_cast<unsigned char>(a[i])) &&
            std::isdigit(static_cast<unsigned char>(b[j])))
        {
            std::size_t ie = i;
            std::size_t je = j;
            while (ie < a.size() && std::isdigit(static_cast<unsigned char>(a[ie])))
            {
                ++ie;
            }
            while (je < b.size() && std::isdigit(static_cast<unsigned char>(b[je])))
            {
                ++je;
            }
            std::string na = a.substr(i, ie - i);
            std::string nb = b.substr(j, je - j);
            na.erase(0, std::min(na.find_first_not_of('0'), na.size()));
            nb.erase(0, std::min(nb.find_first_not_of('0'), nb.size()));
            if (na.size() != nb.size())
            {
                return na.size() < nb.size();
            }
            if (na != nb)
            {
                return na < nb;
            }
            i = ie;
            j = je;
            continue;
        }
        if (a[i] != b[j])
        {
            return a[i] < b[j];
        }
        ++i;
        ++j;
    }
    return a.size() - i < b.size() - j || (a.size() - i == b.size() - j && a < b);
}

std::vector<std::string>
SplitList(const std::string& text, const char* separators)
{
    std::vector<std::string> out;
    std::string current;
    auto flush = [&]() {
        if (!current.empty())
        {
            out.push_back(current);
        }
        current.clear();
    };
    for (char c : text)
    {
        if (std::strchr(separators, c) != nullptr)
        {
            flush();
        }
        else
        {
            current += c;
        }
    }
    flush();
    return out;
}

Result<bool>
ParseBool(const std::string& text)
{
    if (text == "true" || text == "1" || text == "yes")
    {
        return true;
    }
    if (text == "false" || text == "0" || text == "no")
    {
        return false;
    }
    return MakeError("invalid boolean '" + text + "'");
}

Result<TopoNode>
BuildNode(const Attributes& attrs)
{
    TopoNode node;
    node.name = attrs.at("node_id");
    const std::string where = "node " + node.name + ": ";
    for (const auto& [key, value] : attrs)
    {
        if (key != "node_id" && kNodeKeys.count(key) == 0 && kCosmetic.count(key) == 0)
        {
            return MakeError(where + "unknown attribute '" + key + "'");
        }
    }
    auto role = attrs.find("role");
    if (role == attrs.end())
    {
        return MakeError(where + "missing attribute 'role'");
    }
    auto parsed = ParseRole(role->second, &node.registrar);
    if (!parsed)
    {
        return MakeError(where + "role: " + parsed.Error().reason);
    }
    node.role = *parsed;
    if (auto it = attrs.find("registrar"); it != attrs.end())
    {
        auto b = ParseBool(it->second);
        if (!b)
        {
            return MakeError(where + "registrar: " + b.Error().reason);
        }
        node.registrar = node.registrar || *b;
    }
    if (auto it = attrs.find("domain"); it != attrs.end())
    {
        node.domain = it->second;
    }
    if (auto it = attrs.find("users"); it != attrs.end())
    {
        node.users = SplitList(it->second, ", ;");
    }
    if (node.role == NodeRole::Ua && node.users.empty())
    {
        std::string user = node.name;
        std::transform(user.begin(), user.end(), user.begin(),
                       [](unsigned char c) { return std::tolower(c); });
        node.users.push_back(user);
    }
    if (auto it = attrs.find("service_time"); it != attrs.end())
    {
        auto d = ParseDuration(it->second);
        if (!d)
        {
            return MakeError(where + "service_time: " + d.Error().reason);
        }
        node.serviceTime = *d;
    }
    if (auto it = attrs.find("queue_limit"); it != attrs.end())
    {
        char* end = nullptr;
        const long long q = std::strtoll(it->second.c_str(), &end, 10);
        if (end == it->second.c_str() || *end != '\0' || q < 0 || q > 1'000'000)
        {
            return MakeError(where + "queue_limit: '" + it->second +
                             "' is not a count in [0, 1000000]");
        }
        node.queueLimit = static_cast<uint32_t>(q);
    }
    if (auto it = attrs.find("sip_routes"); it != attrs.end())
    {
        for (const std::string& route : SplitList(it->second, ", ;"))
        {
            const auto eq = route.find('=');
            if (eq == std::string::npos || eq == 0 || eq + 1 == route.size())
            {
                return MakeError(where + "sip_routes: '" + route +
                                 "' is not domain=node (or *=node)");
            }
            node.sipRoutes[route.substr(0, eq)] = route.substr(eq + 1);
        }
    }
    return node;
}

/// Splits edge attributes into both-direction, a->b and b->a sets ("delay_ab").
Result<std::array<Attributes, 3>>
SplitDirections(const Attributes& attrs, const std::string& where, bool allowSuffix)
{
    std::array<Attributes, 3> out; // both, ab, ba
    for (const auto& [key, value] : attrs)
    {
        if (kCosmetic.count(key) != 0)
        {
            continue;
        }
        std::string base = key;
        int slot = 0;
        if (key.size() > 3 && (key.compare(key.size() - 3, 3, "_ab") == 0 ||
                               key.compare(key.size() - 3, 3, "_ba") == 0))
        {
            base = key.substr(0, key.size() - 3);
            slot = key.back() == 'b' ? 1 : 2;
        }
        if (!IsLinkAttribute(base))
        {
            return MakeError(where + "unknown attribute '" + key + "'");
        }
        if (slot != 0 && !allowSuffix)
        {
            return MakeError(where + "attribute '" + key +
                             "': in a digraph give each direction its own edge statement");
        }
        out[slot][base] = value;
    }
    return out;
}

Result<LinkDirection>
Direction(const LinkDirection& defaults, const Attributes& both, const Attributes& own,
          const std::string& where, const char* suffix)
{
    Attributes merged = both;
    for (const auto& [k, v] : own)
    {
        merged[k] = v;
    }
    auto dir = ApplyLinkAttributes(defaults, merged);
    if (!dir)
    {
        // Name the suffixed attribute when that is what the user wrote.
        std::string reason = dir.Error().reason;
        const auto colon = reason.find(':');
        if (colon != std::string::npos && own.count(reason.substr(0, colon)) != 0)
        {
            reason.insert(colon, suffix);
        }
        return MakeError(where + reason);
    }
    return dir;
}

Result<Topology>
Translate(const RawDot& raw, const LinkDirection& defaults)
{
    std::vector<std::size_t> order(raw.nodes.size());
    for (std::size_t i = 0; i < order.size(); ++i)
    {
        order[i] = i;
    }
    std::sort(order.begin(), order.end(), [&raw](std::size_t x, std::size_t y) {
        return NaturalLess(raw.nodes[x].at("node_id"), raw.nodes[y].at("node_id"));
    });
    Topology topology;
    std::vector<NodeId> idOf(raw.nodes.size());
    for (std::size_t raw_id : order)
    {
        auto node = BuildNode(raw.nodes[raw_id]);
        if (!node)
        {
            return node.Error();
        }
        auto id = topology.AddNode(std::move(*node));
        if (!id)
        {
            return id.Error();
        }
        idOf[raw_id] = *id;
    }

    const char* op = raw.directed ? " -> " : " -- ";
    std::set<std::pair<NodeId, NodeId>> seenDirected;
    std::map<std::pair<NodeId, NodeId>, std::size_t> reverseOf; // (to, from) -> edge index
    for (std::size_t i = 0; i < raw.edges.size(); ++i)
    {
        const auto& e = raw.edges[i];
        const NodeId a = idOf[e.from];
        const NodeId b = idOf[e.to];
        const std::string where =
            "edge " + topology.Node(a).name + op + topology.Node(b).name + ": ";
        if (a == b)
        {
            return MakeError(where + "self-loop");
        }
        auto split = SplitDirections(e.attrs, where, !raw.directed);
        if (!split)
        {
            return split.Error();
        }
        const auto& [both, ab, ba] = *split;
        auto forward = Direction(defaults, both, ab, where, "_ab");
        if (!forward)
        {
            return forward.Error();
        }
        if (!raw.directed)
        {
            auto backward = Direction(defaults, both, ba, where, "_ba");
            if (!backward)
            {
                return backward.Error();
            }
            if (topology.FindLink(a, b) != nullptr)
            {
                return MakeError(where + "duplicate link");
            }
            TopoEdge link;
            link.ab = *forward;
            link.ba = *backward;
            topology.AddLink(a, b, std::move(link));
            continue;
        }
        if (!seenDirected.insert({a, b}).second)
        {
            return MakeError(where + "duplicate edge");
        }
        if (TopoEdge* link = topology.FindLink(a, b))
        {
            link->From(a) = *forward; // The reverse statement of an existing link.
            continue;
        }
        TopoEdge link;
        link.ab = *forward;
        link.ba = *forward; // Until a b -> a statement says otherwise.
        topology.AddLink(a, b, std::move(link));
    }
    return topology;
}

} // namespace

Result<Topology>
ReadDot(std::istream& in, const LinkDirection& defaults)
{
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();
    RawDot raw;
    try
    {
        try
        {
            ParseWith<RawUndirected>(text, &raw);
        }
        catch (const boost::directed_graph_error&)
        {
            // The text is a digraph: read it as one.
            raw = RawDot{};
            ParseWith<RawDirected>(text, &raw);
        }
    }
    catch (const boost::bad_graphviz_syntax& e)
    {
        std::string what = e.what();
        std::replace(what.begin(), what.end(), '\n', ' ');
        return MakeError("DOT syntax error: " + what);
    }
    catch (const std::exception& e)
    {
        std::string what = e.what();
        std::replace(what.begin(), what.end(), '\n', ' ');
        return MakeError("DOT error: " + what);
    }
    auto topology = Translate(raw, defaults);
    if (!topology)
    {
        return topology;
    }
    if (auto error = Validate(*topology))
    {
        return *error;
    }
    return topology;
}

Result<Topology>
ReadDotFile(const std::string& path, const LinkDirection& defaults)
{
    std::ifstream in(path);
    if (!in)
    {
        return MakeError("cannot open topology file '" + path + "'");
    }
    auto topology = ReadDot(in, defaults);
    if (!topology)
    {
        return MakeError(path + ": " + topology.Error().reason);
    }
    return topology;
}

} // namespace sipsim
