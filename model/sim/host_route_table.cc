#include "host_route_table.h"

#include "ns3/abort.h"
#include "ns3/ipv4-route.h"
#include "ns3/node.h"
#include "ns3/output-stream-wrapper.h"
#include "ns3/simulator.h"

#include <ostream>

namespace sipsim
{

NS_OBJECT_ENSURE_REGISTERED(HostRouteTable);

ns3::TypeId
HostRouteTable::GetTypeId()
{
    static ns3::TypeId tid = ns3::TypeId("sipsim::HostRouteTable")
                                 .SetParent<ns3::Ipv4RoutingProtocol>()
                                 .SetGroupName("Sipsim");
    return tid;
}

HostRouteTable::HostRouteTable(std::shared_ptr<const AddressOwners> owners, std::vector<Hop> hops,
                               std::shared_ptr<const std::vector<uint32_t>> hopOfDestination,
                               NodeId self)
    : m_owners(std::move(owners))
    , m_hops(std::move(hops))
    , m_hopOfDestination(std::move(hopOfDestination))
    , m_self(self)
    , m_withdrawn(m_hops.size(), false)
{
    // Hop indexes are checked on lookup: scanning a table shared by thousands of stubs here
    // would cost O(nodes) per node.
    NS_ABORT_MSG_IF(!m_owners || !m_hopOfDestination, "HostRouteTable: no address owners or table");
}

const HostRouteTable::Hop*
HostRouteTable::Find(ns3::Ipv4Address destination) const
{
    auto owner = m_owners->find(destination.Get());
    if (owner == m_owners->end() || owner->second == m_self ||
        owner->second >= m_hopOfDestination->size())
    {
        return nullptr;
    }
    const uint32_t hop = (*m_hopOfDestination)[owner->second];
    NS_ABORT_MSG_IF(hop != kNoHop && hop >= m_hops.size(), "HostRouteTable: hop out of range");
    if (hop != kNoHop && !m_withdrawn[hop])
    {
        return &m_hops[hop];
    }
    // As a connected /30 would: a neighbour's address on a live link stays reachable over it
    // when the routed path is down.
    for (std::size_t i = 0; i < m_hops.size(); ++i)
    {
        if (!m_withdrawn[i] && m_hops[i].gateway == destination)
        {
            return &m_hops[i];
        }
    }
    return nullptr;
}

ns3::Ptr<ns3::Ipv4Route>
HostRouteTable::MakeRoute(const Hop& hop, ns3::Ipv4Address destination) const
{
    // Filled as Ipv4StaticRouting fills a host route's, so what follows cannot tell them apart.
    auto route = ns3::Create<ns3::Ipv4Route>();
    route->SetDestination(destination);
    route->SetSource(m_ipv4->SourceAddressSelection(hop.ifIndex, destination));
    route->SetGateway(hop.gateway);
    route->SetOutputDevice(m_ipv4->GetNetDevice(hop.ifIndex));
    return route;
}

ns3::Ptr<ns3::Ipv4Route>
HostRouteTable::RouteOutput(ns3::Ptr<ns3::Packet>, const ns3::Ipv4Header& header,
                            ns3::Ptr<ns3::NetDevice> oif, ns3::Socket::SocketErrno& sockerr)
{
    const ns3::Ipv4Address destination = header.GetDestination();
    const Hop* hop = Find(destination);
    // A socket bound to another device skips this route, as in Ipv4StaticRouting.
    if (!hop || (oif && oif != m_ipv4->GetNetDevice(hop->ifIndex)))
    {
        sockerr = ns3::Socket::ERROR_NOROUTETOHOST;
        return nullptr;
    }
    sockerr = ns3::Socket::ERROR_NOTERROR;
    return MakeRoute(*hop, destination);
}

bool
HostRouteTable::RouteInput(ns3::Ptr<const ns3::Packet> p, const ns3::Ipv4Header& header,
                           ns3::Ptr<const ns3::NetDevice> idev, UnicastForwardCallback ucb,
                           MulticastForwardCallback, LocalDeliverCallback, ErrorCallback ecb)
{
    // Ipv4ListRouting has delivered local packets before asking; on its own this table
    // still must not forward what is addressed to this node.
    const ns3::Ipv4Address destination = header.GetDestination();
    const Hop* hop = Find(destination);
    if (!hop)
    {
        return false;
    }
    const int32_t iif = m_ipv4->GetInterfaceForDevice(idev);
    if (iif < 0 || m_ipv4->IsDestinationAddress(destination, iif))
    {
        return false;
    }
    if (!m_ipv4->IsForwarding(iif))
    {
        ecb(p, header, ns3::Socket::ERROR_NOROUTETOHOST);
        return true;
    }
    ucb(MakeRoute(*hop, destination), p, header);
    return true;
}

void
HostRouteTable::NotifyInterfaceUp(uint32_t)
{
}

void
HostRouteTable::NotifyInterfaceDown(uint32_t interface)
{
    for (std::size_t i = 0; i < m_hops.size(); ++i)
    {
        if (m_hops[i].ifIndex == interface)
        {
            m_withdrawn[i] = true;
        }
    }
}

void
HostRouteTable::NotifyAddAddress(uint32_t, ns3::Ipv4InterfaceAddress)
{
}

void
HostRouteTable::NotifyRemoveAddress(uint32_t, ns3::Ipv4InterfaceAddress)
{
}

void
HostRouteTable::SetIpv4(ns3::Ptr<ns3::Ipv4> ipv4)
{
    NS_ABORT_MSG_IF(m_ipv4 || !ipv4, "HostRouteTable: SetIpv4 twice or with null");
    for (const Hop& hop : m_hops)
    {
        NS_ABORT_MSG_IF(hop.ifIndex >= ipv4->GetNInterfaces(),
                        "HostRouteTable: no interface " << hop.ifIndex);
    }
    m_ipv4 = ipv4;
}

void
HostRouteTable::PrintRoutingTable(ns3::Ptr<ns3::OutputStreamWrapper> stream,
                                  ns3::Time::Unit unit) const
{
    std::ostream& os = *stream->GetStream();
    os << "Node: " << m_ipv4->GetObject<ns3::Node>()->GetId() << ", Time: " << ns3::Now().As(unit)
       << ", sipsim::HostRouteTable\n";
    std::size_t destinations = 0;
    for (NodeId node = 0; node < m_hopOfDestination->size(); ++node)
    {
        const uint32_t hop = (*m_hopOfDestination)[node];
        destinations += node != m_self && hop < m_hops.size() && !m_withdrawn[hop];
    }
    os << destinations << " destination nodes via " << m_hops.size() << " next hops\n";
    for (std::size_t i = 0; i < m_hops.size(); ++i)
    {
        os << "  via " << m_hops[i].gateway << " interface " << m_hops[i].ifIndex
           << (m_withdrawn[i] ? " (down)" : "") << "\n";
    }
}

void
HostRouteTable::DoDispose()
{
    m_ipv4 = nullptr;
    ns3::Ipv4RoutingProtocol::DoDispose();
}

} // namespace sipsim
