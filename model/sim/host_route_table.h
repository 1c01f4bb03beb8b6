#ifndef SIPSIM_SIM_HOST_ROUTE_TABLE_H
#define SIPSIM_SIM_HOST_ROUTE_TABLE_H

#include "ns3/ipv4-routing-protocol.h"
#include "ns3/ipv4.h"
#include "topology/topology.h"

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

namespace sipsim
{

/// Which topology node owns each interface address; one table serves every node.
using AddressOwners = std::unordered_map<uint32_t, NodeId>;

/// A node's host routes to every address of every other node, looked up by hashing the
/// destination: O(1) per packet. Stubs (one link) share one table per anchor, so a star's
/// tables take O(nodes) memory in all. It stands in for N^2 Ipv4StaticRouting host routes,
/// whose table refuses duplicates by a linear scan on every add (cubic set-up) and is
/// scanned again on every lookup.
///
/// Meant as the only protocol of an Ipv4ListRouting (which delivers local packets itself):
/// an address that is not another node's gets no route. Routes through an interface that
/// goes down are dropped for good, as Ipv4StaticRouting drops its own; a neighbour's address
/// on a live link then still goes over that link, as its connected /30 would.
class HostRouteTable : public ns3::Ipv4RoutingProtocol
{
public:
    /// A next hop: the node's interface toward a neighbour and the neighbour's address on it.
    struct Hop
    {
        uint32_t ifIndex = 0;
        ns3::Ipv4Address gateway;
    };
    static constexpr uint32_t kNoHop = UINT32_MAX;

    static ns3::TypeId GetTypeId();

    /// (*hopOfDestination)[node] indexes hops, or is kNoHop when the node is unreachable.
    /// `self` is never routed here (stubs share one table per anchor, which lists them).
    HostRouteTable(std::shared_ptr<const AddressOwners> owners, std::vector<Hop> hops,
                   std::shared_ptr<const std::vector<uint32_t>> hopOfDestination, NodeId self);

    ns3::Ptr<ns3::Ipv4Route> RouteOutput(ns3::Ptr<ns3::Packet> p, const ns3::Ipv4Header& header,
                                         ns3::Ptr<ns3::NetDevice> oif,
                                         ns3::Socket::SocketErrno& sockerr) override;
    bool RouteInput(ns3::Ptr<const ns3::Packet> p, const ns3::Ipv4Header& header,
                    ns3::Ptr<const ns3::NetDevice> idev, UnicastForwardCallback ucb,
                    MulticastForwardCallback mcb, LocalDeliverCallback lcb,
                    ErrorCallback ecb) override;
    void NotifyInterfaceUp(uint32_t interface) override;
    void NotifyInterfaceDown(uint32_t interface) override;
    void NotifyAddAddress(uint32_t interface, ns3::Ipv4InterfaceAddress address) override;
    void NotifyRemoveAddress(uint32_t interface, ns3::Ipv4InterfaceAddress address) override;
    void SetIpv4(ns3::Ptr<ns3::Ipv4> ipv4) override;
    void PrintRoutingTable(ns3::Ptr<ns3::OutputStreamWrapper> stream,
                           ns3::Time::Unit unit = ns3::Time::S) const override;

protected:
    void DoDispose() override;

private:
    /// The live hop toward `destination`, or nullptr.
    const Hop* Find(ns3::Ipv4Address destination) const;
    ns3::Ptr<ns3::Ipv4Route> MakeRoute(const Hop& hop, ns3::Ipv4Address destination) const;

    std::shared_ptr<const AddressOwners> m_owners;
    std::vector<Hop> m_hops;
    std::shared_ptr<const std::vector<uint32_t>> m_hopOfDestination;
    NodeId m_self;
    std::vector<bool> m_withdrawn; ///< per hop: its interface went down
    ns3::Ptr<ns3::Ipv4> m_ipv4;
};

} // namespace sipsim

#endif
