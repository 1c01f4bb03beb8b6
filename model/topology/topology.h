#ifndef SIPSIM_TOPOLOGY_TOPOLOGY_H
#define SIPSIM_TOPOLOGY_TOPOLOGY_H

// The ns-3-free description of a simulated network: which nodes exist, what SIP role each
// plays, and how the links between them behave. The ns-3 builder turns this (plus the
// routing in routing.h) into nodes, point-to-point links, static routes and SIP elements.

#include "sip/result.h"
#include "sip/types.h"

#include <boost/graph/adjacency_list.hpp>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sipsim
{

enum class NodeRole
{
    Ua,        ///< SIP user agent: originates and answers calls.
    Proxy,     ///< SIP proxy (optionally also the registrar of its domain).
    Registrar, ///< Registrar-only server: accepts REGISTER, does not route calls.
    Router,    ///< Plain IP router: forwards packets, no SIP.
};

/// "ua", "proxy", "registrar", "router".
const char* NodeRoleName(NodeRole role);

/// A node of the topology. Node identity is its index in the graph (NodeId).
struct TopoNode
{
    std::string name; ///< Unique, e.g. "A", "P1".
    NodeRole role = NodeRole::Router;
    bool registrar = false; ///< Proxy that is also its domain's registrar; true for Registrar.
    std::string domain;     ///< SIP domain served (proxy) or belonged to (UA); empty for routers.
    std::vector<std::string> users; ///< UA only: user parts of the AORs hosted, e.g. "alice".
    Duration serviceTime{0};        ///< Proxy: time to process one message; 0 = instant.
    uint32_t queueLimit = 0;        ///< Proxy: messages waiting for service; 0 = unbounded.
    /// Proxy only: static SIP routes, domain -> node name of the next SIP hop; the key "*"
    /// is the default route. Routes not given here are derived from the graph.
    std::map<std::string, std::string> sipRoutes;

    bool IsSipServer() const { return role == NodeRole::Proxy || role == NodeRole::Registrar; }
    bool IsProxy() const { return role == NodeRole::Proxy; }
};

enum class LossModelKind
{
    None,
    Iid,            ///< Each packet lost independently with probability `p`.
    GilbertElliott, ///< Two-state Markov chain (bursty loss).
};

/// "none", "iid", "gilbert-elliott".
const char* LossModelName(LossModelKind kind);

/// Packet loss on one direction of a link.
/// Gilbert-Elliott: each packet first moves the chain (good -> bad with probability `p`,
/// bad -> good with probability `r`), then is lost with `lossGood` or `lossBad` of the
/// current state. Mean burst length is 1/r packets; stationary P(bad) = p / (p + r).
struct LossModel
{
    LossModelKind kind = LossModelKind::None;
    double p = 0.0;        ///< Iid: loss probability. Gilbert-Elliott: P(good -> bad).
    double r = 0.0;        ///< Gilbert-Elliott: P(bad -> good).
    double lossGood = 0.0; ///< Gilbert-Elliott: loss probability in the good state.
    double lossBad = 1.0;  ///< Gilbert-Elliott: loss probability in the bad state.

    /// Long-run fraction of packets lost.
    double MeanLoss() const;
};

/// The behaviour of one direction of a link (traffic leaving one end toward the other).
struct LinkDirection
{
    Duration delay = std::chrono::milliseconds(1); ///< One-way propagation delay.
    Duration jitter{0};             ///< Extra uniform random delay in [0, jitter] per packet.
    LossModel loss;                 ///< Packet loss applied on this direction.
    uint64_t rateBps = 100'000'000; ///< Transmission rate of the sending device.
    uint32_t queueSize = 100;       ///< Sending device queue, in packets.
};

/// A bidirectional point-to-point link. `ab` is traffic from endpoint `a` to endpoint `b`.
struct TopoEdge
{
    std::size_t a = 0; ///< NodeId of one end (the first-named end in DOT).
    std::size_t b = 0; ///< NodeId of the other end.
    LinkDirection ab;
    LinkDirection ba;

    /// The direction for traffic leaving `from` (which must be a or b).
    const LinkDirection& From(std::size_t from) const { return from == a ? ab : ba; }
    LinkDirection& From(std::size_t from) { return from == a ? ab : ba; }
};

/// The graph: vertices are TopoNode, edges TopoEdge. vecS vertices make NodeId an index.
using TopoGraph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, TopoNode, TopoEdge>;
using NodeId = std::size_t;
inline constexpr NodeId kNoNode = static_cast<NodeId>(-1);

/// A link with both ends resolved, as handed to the ns-3 builder.
struct TopoLink
{
    NodeId a = 0;
    NodeId b = 0;
    TopoEdge props;
};

/// A network topology. Nodes are identified by index (NodeId) in insertion order; names
/// are unique. Links are undirected with per-direction properties.
class Topology
{
public:
    /// Adds a node; returns an error if the name is empty or already taken.
    Result<NodeId> AddNode(TopoNode node);
    /// Adds a link between existing nodes; `link.a`/`link.b` are overwritten with a and b.
    /// Errors on self-loops, unknown ids, or a second link between the same pair.
    Result<std::size_t> AddLink(NodeId a, NodeId b, TopoEdge link);
    /// Adds a symmetric link (both directions get `dir`).
    Result<std::size_t> AddLink(NodeId a, NodeId b, const LinkDirection& dir);

    std::size_t NodeCount() const { return boost::num_vertices(m_graph); }
    std::size_t LinkCount() const { return boost::num_edges(m_graph); }
    const TopoNode& Node(NodeId id) const { return m_graph[id]; }
    TopoNode& Node(NodeId id) { return m_graph[id]; }
    std::optional<NodeId> Find(std::string_view name) const;

    /// All links in insertion order.
    std::vector<TopoLink> Links() const;
    /// The link between a and b (either order), if any.
    const TopoEdge* FindLink(NodeId a, NodeId b) const;
    TopoEdge* FindLink(NodeId a, NodeId b);
    /// Neighbours of a node in ascending NodeId order.
    std::vector<NodeId> Neighbours(NodeId id) const;

    /// Nodes with the given role, ascending NodeId.
    std::vector<NodeId> NodesWithRole(NodeRole role) const;
    /// The UA hosting user `user` (user part of an AOR, or "user@domain"), if any.
    std::optional<NodeId> FindUser(std::string_view user) const;
    /// A UA node name or a user name/AOR resolved to the UA node.
    std::optional<NodeId> ResolveEndpoint(std::string_view nameOrUser) const;

    const TopoGraph& Graph() const { return m_graph; }

private:
    TopoGraph m_graph;
    std::map<std::string, NodeId, std::less<>> m_byName;
};

/// "10ms", "1.5s", "250us", "100ns", "2min"; a bare number is seconds. Rejects negatives.
Result<Duration> ParseDuration(std::string_view text);
/// "100Mbps", "1.5Gbps", "64kbps", "9600bps"; a bare number is bits per second. Must be > 0.
Result<uint64_t> ParseRate(std::string_view text);
/// "lossModel" names: "none", "iid", "gilbert-elliott" (also "ge", "gilbert").
Result<LossModelKind> ParseLossModel(std::string_view text);
/// Role strings: "ua", "proxy", "registrar", "router", and "proxy,registrar" /
/// "proxy+registrar" (a proxy that is also the registrar). Sets role and registrar.
Result<NodeRole> ParseRole(std::string_view text, bool* registrar);

/// Prints a duration compactly for messages and JSON: "10ms", "1.5s", "250us", "0s".
std::string FormatDuration(Duration d);
/// "100Mbps", "1.5Gbps", "64kbps", "9600bps".
std::string FormatRate(uint64_t bps);

/// Applies link attributes given as text on top of `base`: delay, jitter (durations), loss
/// (probability; sets loss_model=iid, or none when 0, unless loss_model is given),
/// loss_model, ge_p, ge_r, ge_loss_good, ge_loss_bad (probabilities; gilbert-elliott only,
/// ge_p and ge_r required when switching to it), rate, queue_size (packets, >= 1).
/// Errors name the attribute: "loss: probability 1.5 outside [0, 1]".
/// True for the attribute names ApplyLinkAttributes() understands.
bool IsLinkAttribute(const std::string& key);
Result<LinkDirection> ApplyLinkAttributes(const LinkDirection& base,
                                          const std::map<std::string, std::string>& attributes);

/// Reads a Graphviz DOT topology. Convention (see scenarios/seed.dot):
///  - Node attributes: role (required: ua|proxy|registrar|router|"proxy,registrar"),
///    registrar (bool), domain (required for ua/proxy/registrar), users ("alice,bob"; a UA
///    with none gets its node name in lower case), service_time (duration), queue_limit
///    (int), sip_routes ("biloxi.example.com=P2,*=P3").
///  - Edge attributes: delay, jitter (durations), loss (probability; implies
///    loss_model=iid when > 0), loss_model (none|iid|gilbert-elliott), ge_p, ge_r,
///    ge_loss_good, ge_loss_bad (probabilities), rate ("100Mbps"), queue_size (packets).
///  - Per direction: in a `graph`, any edge attribute with suffix `_ab` applies to traffic
///    from the first-named node to the second, `_ba` the reverse; the plain name sets both.
///    In a `digraph`, `A -> B [..]` sets the A-to-B direction; if no `B -> A` statement
///    exists the reverse direction copies it, otherwise that statement sets it.
///  - Unset edge attributes take `defaults`. Cosmetic Graphviz attributes (label, color,
///    shape, style, pos, ...) and graph attributes are ignored; any other unknown node or
///    edge attribute is an error.
///  - NodeIds follow the natural order of node names (A, B, P1, P2, P10), since Boost's
///    reader does not keep statement order.
///  - The result is checked with Validate() (routing.h).
Result<Topology> ReadDot(std::istream& in, const LinkDirection& defaults = {});
Result<Topology> ReadDotFile(const std::string& path, const LinkDirection& defaults = {});

/// Writes the topology back as an undirected DOT graph (all attributes, per direction).
std::string WriteDot(const Topology& topology);

} // namespace sipsim

#endif
