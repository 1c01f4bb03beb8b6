#ifndef SIPSIM_SIM_NETWORK_BUILDER_H
#define SIPSIM_SIM_NETWORK_BUILDER_H

#include "jitter_channel.h"
#include "ns3/error-model.h"
#include "ns3/ipv4-address.h"
#include "ns3/net-device-container.h"
#include "ns3/node-container.h"
#include "sip_element_application.h"
#include "topology/routing.h"
#include "topology/topology.h"

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sipsim
{

struct NetworkBuilderOptions
{
    /// Links get consecutive /30 subnets from this base (10.0.0.0/8 holds 4M links).
    std::string networkBase = "10.0.0.0";
    /// JitterPointToPointChannel "AllowReorder" for every link.
    bool allowReorder = false;
};

/// Turns a Topology (+ its Routing) into ns-3: one node per topology node (registered in
/// ns3::Names under its name, so call Names::Clear() between simulations), one
/// point-to-point link per edge with per-direction delay, rate, queue size (the device
/// queue is the only buffer: no queue disc), jitter (uniform [0, jitter]) and loss (iid
/// RateErrorModel or GilbertElliottErrorModel on the receiving device), a /30 per link and
/// host routes from routing.ip (a HostRouteTable, the only protocol of an
/// Ipv4ListRouting), so IP paths are exactly the topology's.
///
/// A node's SIP address is the address of its first link. SIP elements themselves are
/// installed by the caller (SipElementHelper); Resolve() maps names for them.
class NetworkBuilder
{
public:
    explicit NetworkBuilder(NetworkBuilderOptions options = {});

    /// Builds everything; call once, before Simulator::Run(). The topology must be valid.
    void Build(const Topology& topology, const Routing& routing);

    const ns3::NodeContainer& GetNodes() const { return m_nodes; }
    ns3::Ptr<ns3::Node> GetNode(NodeId id) const { return m_nodes.Get(id); }
    ns3::Ptr<ns3::Node> GetNode(const std::string& name) const;
    /// The node's SIP address; std::nullopt for unknown or unlinked nodes.
    std::optional<ns3::Ipv4Address> GetAddress(NodeId id) const;
    std::optional<ns3::Ipv4Address> GetAddress(const std::string& name) const;
    /// Dotted quad, node name, or SIP domain (-> its responsible proxy), like a DNS.
    std::optional<ns3::Ipv4Address> Resolve(const std::string& host) const;
    /// Resolve() as a self-contained SipElementApplication resolver.
    SipElementApplication::Resolver GetResolver() const;
    /// Applies the node's settings to the element running on it: the resolver, and for SIP
    /// servers the CPU model (ProcessingDelay = serviceTime, ServiceQueueLimit = queueLimit).
    void ConfigureElement(NodeId id, SipElementApplication& app) const;

    std::size_t GetLinkCount() const { return m_links.size(); }
    /// Devices of link `i` (Topology::Links() order): device 0 on link.a, 1 on link.b.
    const ns3::NetDeviceContainer& GetLinkDevices(std::size_t i) const;
    ns3::Ptr<JitterPointToPointChannel> GetLinkChannel(std::size_t i) const;
    /// Loss model of one direction (null when lossless); aToB: traffic from link.a to b.
    ns3::Ptr<ns3::ErrorModel> GetLossModel(std::size_t i, bool aToB) const;

    /// Fixes the streams of every jitter and loss variable; returns the number used.
    int64_t AssignStreams(int64_t stream);
    /// Pcap on every link device: <prefix>-<node name>-<device id>.pcap.
    void EnablePcap(const std::string& prefix) const;

private:
    using NameTable = std::map<std::string, ns3::Ipv4Address>;
    static std::optional<ns3::Ipv4Address> Resolve(const NameTable& names, const std::string& host);

    struct Link
    {
        NodeId a = 0;
        NodeId b = 0;
        ns3::NetDeviceContainer devices;
        std::array<uint32_t, 2> ifIndex{}; ///< Ipv4 interface of each end
        std::array<ns3::Ipv4Address, 2> address;
        std::array<ns3::Ptr<ns3::ErrorModel>, 2> loss; ///< [0]: a->b, [1]: b->a
    };

    LinkImpairment MakeImpairment(const LinkDirection& direction) const;
    void AddRoutes(const Topology& topology, const Routing& routing);

    NetworkBuilderOptions m_options;
    ns3::NodeContainer m_nodes;
    std::vector<Link> m_links;
    std::vector<std::optional<ns3::Ipv4Address>> m_nodeAddress;
    std::vector<std::pair<Duration, uint32_t>> m_cpu; ///< serviceTime, queueLimit
    std::map<std::string, NodeId> m_ids;
    std::shared_ptr<const NameTable> m_names; ///< node names and domains
};

} // namespace sipsim

#endif
