#include "topology/generators.h"

#include <boost/graph/random_spanning_tree.hpp>
#include <random>

namespace sipsim
{

namespace
{

/// Adds nodes and links known to be well-formed (generator-internal names).
class Builder
{
public:
    explicit Builder(const GeneratorOptions& options) : m_options(options) {}

    NodeId Ua(const std::string& name, const std::string& user, const std::string& domain)
    {
        TopoNode node;
        node.name = name;
        node.role = NodeRole::Ua;
        node.domain = domain;
        node.users = {user};
        return *m_topology.AddNode(std::move(node));
    }

    NodeId Proxy(const std::string& name, const std::string& domain, bool registrar)
    {
        TopoNode node;
        node.name = name;
        node.role = NodeRole::Proxy;
        node.registrar = registrar;
        node.domain = domain;
        node.serviceTime = m_options.proxyServiceTime;
        node.queueLimit = m_options.proxyQueueLimit;
        return *m_topology.AddNode(std::move(node));
    }

    NodeId Router(const std::string& name)
    {
        TopoNode node;
        node.name = name;
        node.role = NodeRole::Router;
        return *m_topology.AddNode(std::move(node));
    }

    void Link(NodeId a, NodeId b) { m_topology.AddLink(a, b, m_options.link); }

    Topology Take() { return std::move(m_topology); }

private:
    GeneratorOptions m_options;
    Topology m_topology;
};

const char* const kAtlanta = "atlanta.example.com";
const char* const kBiloxi = "biloxi.example.com";

} // namespace

Topology
MakeSeed(const GeneratorOptions& options)
{
    Builder b(options);
    const NodeId a = b.Ua("A", "alice", kAtlanta);
    const NodeId p1 = b.Proxy("P1", kAtlanta, true);
    const NodeId p2 = b.Proxy("P2", kBiloxi, true);
    const NodeId bob = b.Ua("B", "bob", kBiloxi);
    b.Link(a, p1);
    b.Link(p1, p2);
    b.Link(p2, bob);
    return b.Take();
}

Result<Topology>
MakeChain(int proxies, const GeneratorOptions& options)
{
    if (proxies < 1 || proxies > 1000)
    {
        return MakeError("chain: proxies must be in [1, 1000], got " + std::to_string(proxies));
    }
    Builder b(options);
    const std::string first = proxies == 1 ? "example.com" : kAtlanta;
    const std::string last = proxies == 1 ? "example.com" : kBiloxi;
    NodeId prev = b.Ua("A", "alice", first);
    for (int i = 1; i <= proxies; ++i)
    {
        std::string domain = i == 1         ? first
                             : i == proxies ? last
                                            : "transit" + std::to_string(i) + ".example.com";
        const NodeId p = b.Proxy("P" + std::to_string(i), domain, i == 1 || i == proxies);
        b.Link(prev, p);
        prev = p;
    }
    b.Link(prev, b.Ua("B", "bob", last));
    return b.Take();
}

Result<Topology>
MakeStar(int uas, const GeneratorOptions& options)
{
    if (uas < 1 || uas > 20000)
    {
        return MakeError("star: uas must be in [1, 20000], got " + std::to_string(uas));
    }
    Builder b(options);
    const NodeId p = b.Proxy("P", "example.com", true);
    for (int i = 1; i <= uas; ++i)
    {
        const std::string n = std::to_string(i);
        b.Link(b.Ua("UA" + n, "user" + n, "example.com"), p);
    }
    return b.Take();
}

Result<Topology>
MakeTwoDomains(int uasPerDomain, int routers, const GeneratorOptions& options)
{
    if (uasPerDomain < 1 || uasPerDomain > 10000)
    {
        return MakeError("two-domains: uas must be in [1, 10000], got " +
                         std::to_string(uasPerDomain));
    }
    if (routers < 0 || routers > 1000)
    {
        return MakeError("two-domains: routers must be in [0, 1000], got " +
                         std::to_string(routers));
    }
    Builder b(options);
    const NodeId p1 = b.Proxy("P1", kAtlanta, true);
    const NodeId p2 = b.Proxy("P2", kBiloxi, true);
    for (int i = 1; i <= uasPerDomain; ++i)
    {
        const std::string n = std::to_string(i);
        b.Link(b.Ua("A" + n, "alice" + n, kAtlanta), p1);
    }
    for (int i = 1; i <= uasPerDomain; ++i)
    {
        const std::string n = std::to_string(i);
        b.Link(b.Ua("B" + n, "bob" + n, kBiloxi), p2);
    }
    NodeId prev = p1;
    for (int i = 1; i <= routers; ++i)
    {
        const NodeId r = b.Router("R" + std::to_string(i));
        b.Link(prev, r);
        prev = r;
    }
    b.Link(prev, p2);
    return b.Take();
}

Result<Topology>
MakeRandomTree(int nodes, uint32_t seed, const GeneratorOptions& options)
{
    if (nodes < 3 || nodes > 1000)
    {
        return MakeError("random-tree: nodes must be in [3, 1000], got " + std::to_string(nodes));
    }
    const std::size_t n = static_cast<std::size_t>(nodes);
    using Complete = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;
    Complete complete(n);
    for (std::size_t i = 0; i < n; ++i)
    {
        for (std::size_t j = i + 1; j < n; ++j)
        {
            boost::add_edge(i, j, complete);
        }
    }
    std::vector<std::size_t> parent(n);
    std::mt19937 rng(seed);
    // Wilson's algorithm: a uniformly random spanning tree, i.e. a random labelled tree.
    boost::random_spanning_tree(
        complete, rng,
        boost::predecessor_map(boost::make_iterator_property_map(
                                   parent.begin(), boost::get(boost::vertex_index, complete)))
            .root_vertex(0));
    std::vector<int> degree(n, 0);
    for (std::size_t v = 1; v < n; ++v)
    {
        ++degree[v];
        ++degree[parent[v]];
    }
    Builder b(options);
    std::vector<NodeId> id(n);
    std::vector<std::string> domain(n);
    int proxies = 0;
    for (std::size_t v = 0; v < n; ++v)
    {
        if (degree[v] > 1)
        {
            const std::string k = std::to_string(++proxies);
            domain[v] = "d" + k + ".example.com";
            id[v] = b.Proxy("P" + k, domain[v], true);
        }
    }
    int uas = 0;
    for (std::size_t v = 0; v < n; ++v)
    {
        if (degree[v] == 1)
        {
            // A leaf has exactly one neighbour, which is inner since nodes >= 3.
            const std::size_t up = v == 0 ? std::size_t(-1) : parent[v];
            std::size_t inner = up;
            if (v == 0)
            {
                for (std::size_t w = 1; w < n; ++w)
                {
                    if (parent[w] == 0)
                    {
                        inner = w;
                    }
                }
            }
            const std::string k = std::to_string(++uas);
            id[v] = b.Ua("U" + k, "u" + k, domain[inner]);
        }
    }
    for (std::size_t v = 1; v < n; ++v)
    {
        b.Link(id[parent[v]], id[v]);
    }
    return b.Take();
}

} // namespace sipsim
