#include "network_builder.h"

#include "gilbert_elliott_error_model.h"
#include "host_route_table.h"
#include "ns3/abort.h"
#include "ns3/boolean.h"
#include "ns3/data-rate.h"
#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-interface-container.h"
#include "ns3/ipv4-list-routing-helper.h"
#include "ns3/ipv4-list-routing.h"
#include "ns3/ipv4.h"
#include "ns3/names.h"
#include "ns3/net-device-queue-interface.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/point-to-point-net-device.h"
#include "ns3/queue-size.h"
#include "ns3/queue.h"
#include "ns3/uinteger.h"

namespace sipsim
{

namespace
{

/// What Ipv4AddressHelper::Assign does for one /30 (hosts .1 and .2 of `network`), without
/// its process-wide registry of allocated addresses: the registry keeps a range per /30
/// (.0 and .3 stay free) and scans them all on each allocation, which made building a
/// 16000-UA star quadratic (43% of its time). These addresses are unique by construction.
ns3::Ipv4InterfaceContainer
AssignSubnet(const ns3::NetDeviceContainer& devices, uint32_t network)
{
    ns3::Ipv4InterfaceContainer interfaces;
    for (uint32_t i = 0; i < devices.GetN(); ++i)
    {
        const ns3::Ptr<ns3::NetDevice> device = devices.Get(i);
        // With flow control off a device has no queue interface, so Assign would not
        // install a queue disc either.
        NS_ABORT_MSG_IF(device->GetObject<ns3::NetDeviceQueueInterface>(),
                        "NetworkBuilder: link devices must have flow control off");
        const ns3::Ptr<ns3::Ipv4> ipv4 = device->GetNode()->GetObject<ns3::Ipv4>();
        int32_t interface = ipv4->GetInterfaceForDevice(device);
        if (interface == -1)
        {
            interface = static_cast<int32_t>(ipv4->AddInterface(device));
        }
        ipv4->AddAddress(interface, ns3::Ipv4InterfaceAddress(ns3::Ipv4Address(network + 1 + i),
                                                              ns3::Ipv4Mask("255.255.255.252")));
        ipv4->SetMetric(interface, 1);
        ipv4->SetUp(interface);
        interfaces.Add(ipv4, interface);
    }
    return interfaces;
}

} // namespace

NetworkBuilder::NetworkBuilder(NetworkBuilderOptions options)
    : m_options(std::move(options)), m_names(std::make_shared<const NameTable>())
{
}

LinkImpairment
NetworkBuilder::MakeImpairment(const LinkDirection& direction) const
{
    LinkImpairment impairment;
    impairment.delay = ToNs3Time(direction.delay);
    if (direction.jitter.count() > 0)
    {
        auto jitter = ns3::CreateObject<ns3::UniformRandomVariable>();
        jitter->SetAttribute("Min", ns3::DoubleValue(0.0));
        jitter->SetAttribute("Max", ns3::DoubleValue(ToSeconds(direction.jitter)));
        impairment.jitter = jitter;
    }
    const LossModel& loss = direction.loss;
    switch (loss.kind)
    {
    case LossModelKind::None:
        break;
    case LossModelKind::Iid: {
        auto model = ns3::CreateObject<ns3::RateErrorModel>();
        model->SetUnit(ns3::RateErrorModel::ERROR_UNIT_PACKET);
        model->SetRate(loss.p);
        impairment.loss = model;
        break;
    }
    case LossModelKind::GilbertElliott: {
        auto model = ns3::CreateObject<GilbertElliottErrorModel>();
        model->SetAttribute("P", ns3::DoubleValue(loss.p));
        model->SetAttribute("R", ns3::DoubleValue(loss.r));
        model->SetAttribute("LossGood", ns3::DoubleValue(loss.lossGood));
        model->SetAttribute("LossBad", ns3::DoubleValue(loss.lossBad));
        impairment.loss = model;
        break;
    }
    }
    return impairment;
}

void
NetworkBuilder::Build(const Topology& topology, const Routing& routing)
{
    NS_ABORT_MSG_IF(m_nodes.GetN() != 0, "NetworkBuilder::Build called twice");
    const std::size_t n = topology.NodeCount();
    m_nodes.Create(n);
    for (NodeId id = 0; id < n; ++id)
    {
        ns3::Names::Add(topology.Node(id).name, m_nodes.Get(id));
        m_ids[topology.Node(id).name] = id;
        m_cpu.emplace_back(topology.Node(id).serviceTime, topology.Node(id).queueLimit);
    }

    // Paths must be the topology's, not OSPF-like hop counts: AddRoutes gives every node a
    // HostRouteTable as its only routing protocol (the list delivers local packets itself).
    // No Ipv4StaticRouting: it would add a connected /30 per interface, each after a scan of
    // the ones before (O(UAs^2) at a star's hub), for addresses the host routes cover anyway.
    ns3::Ipv4ListRoutingHelper listRouting;
    ns3::InternetStackHelper stack;
    stack.SetRoutingHelper(listRouting);
    // SIP runs over IPv4 only; an idle IPv6 stack per node was a quarter of building a large
    // star (its extension registry alone).
    stack.SetIpv6StackInstall(false);
    stack.Install(m_nodes);

    SipLinkHelper linkHelper;
    linkHelper.SetFlowControl(false);
    linkHelper.SetChannelAttribute("AllowReorder", ns3::BooleanValue(m_options.allowReorder));
    const uint32_t networkBase = ns3::Ipv4Address(m_options.networkBase.c_str()).Get();
    NS_ABORT_MSG_IF(uint64_t{networkBase} + 4 * uint64_t{topology.LinkCount()} > UINT32_MAX,
                    "NetworkBuilder: too many links for " << m_options.networkBase);
    uint32_t nextNetwork = networkBase;

    m_nodeAddress.assign(n, std::nullopt);
    for (const TopoLink& topoLink : topology.Links())
    {
        Link link;
        link.a = topoLink.a;
        link.b = topoLink.b;
        const LinkImpairment ab = MakeImpairment(topoLink.props.ab);
        const LinkImpairment ba = MakeImpairment(topoLink.props.ba);
        link.loss = {ab.loss, ba.loss};
        link.devices = linkHelper.Install(m_nodes.Get(link.a), m_nodes.Get(link.b), ab, ba);
        const LinkDirection* dirs[2] = {&topoLink.props.ab, &topoLink.props.ba};
        for (uint32_t end = 0; end < 2; ++end)
        {
            // The rate and queue of a direction belong to its sending device.
            auto device = ns3::DynamicCast<ns3::PointToPointNetDevice>(link.devices.Get(end));
            device->SetDataRate(ns3::DataRate(dirs[end]->rateBps));
            device->GetQueue()->SetMaxSize(
                ns3::QueueSize(ns3::QueueSizeUnit::PACKETS, dirs[end]->queueSize));
        }
        const ns3::Ipv4InterfaceContainer interfaces = AssignSubnet(link.devices, nextNetwork);
        nextNetwork += 4;
        for (uint32_t end = 0; end < 2; ++end)
        {
            link.ifIndex[end] = interfaces.Get(end).second;
            link.address[end] = interfaces.GetAddress(end);
            const NodeId node = end == 0 ? link.a : link.b;
            if (!m_nodeAddress[node])
            {
                m_nodeAddress[node] = link.address[end];
            }
        }
        m_links.push_back(std::move(link));
    }

    NameTable names;
    for (NodeId id = 0; id < n; ++id)
    {
        if (m_nodeAddress[id])
        {
            names[topology.Node(id).name] = *m_nodeAddress[id];
        }
    }
    for (const auto& [domain, proxy] : routing.domainProxy)
    {
        if (m_nodeAddress[proxy] && !names.count(domain))
        {
            names[domain] = *m_nodeAddress[proxy];
        }
    }
    m_names = std::make_shared<const NameTable>(std::move(names));
    AddRoutes(topology, routing);
}

void
NetworkBuilder::AddRoutes(const Topology& topology, const Routing& routing)
{
    const std::size_t n = topology.NodeCount();
    NS_ABORT_MSG_IF(routing.ip.NodeCount() != n, "NetworkBuilder: routing/topology mismatch");
    // Packets to any address of a node follow the node's next hops.
    auto owners = std::make_shared<AddressOwners>();
    // Per node: neighbour -> index into its hops.
    std::vector<std::map<NodeId, uint32_t>> hopIndex(n);
    std::vector<std::vector<HostRouteTable::Hop>> hops(n);
    // Topology refuses parallel links, so each neighbour is one hop.
    auto addHop = [&](NodeId node, NodeId neighbour, HostRouteTable::Hop hop) {
        hopIndex[node][neighbour] = static_cast<uint32_t>(hops[node].size());
        hops[node].push_back(hop);
    };
    for (const Link& link : m_links)
    {
        (*owners)[link.address[0].Get()] = link.a;
        (*owners)[link.address[1].Get()] = link.b;
        addHop(link.a, link.b, {link.ifIndex[0], link.address[1]});
        addHop(link.b, link.a, {link.ifIndex[1], link.address[0]});
    }
    // A stub (one neighbour) sends everything it can reach through its one hop: one table
    // per anchor serves all the stubs on it, so a star's tables stay O(nodes) in all.
    std::map<NodeId, std::shared_ptr<const std::vector<uint32_t>>> stubTables;
    for (NodeId from = 0; from < n; ++from)
    {
        const NodeId anchor = routing.ip.Anchor(from);
        std::shared_ptr<const std::vector<uint32_t>> table;
        if (anchor != kNoNode)
        {
            NS_ABORT_MSG_IF(hops[from].size() != 1, "NetworkBuilder: stub "
                                                        << topology.Node(from).name
                                                        << " has more than one link");
            auto& shared = stubTables[anchor];
            if (!shared)
            {
                std::vector<uint32_t> viaAnchor(n, HostRouteTable::kNoHop);
                for (NodeId to = 0; to < n; ++to)
                {
                    if (to == anchor || routing.ip.Reachable(anchor, to))
                    {
                        viaAnchor[to] = 0;
                    }
                }
                shared = std::make_shared<const std::vector<uint32_t>>(std::move(viaAnchor));
            }
            table = shared;
        }
        else
        {
            std::vector<uint32_t> hopOfDestination(n, HostRouteTable::kNoHop);
            for (NodeId to = 0; to < n; ++to)
            {
                const NodeId hop = routing.ip.NextHop(from, to);
                if (hop == kNoNode)
                {
                    continue;
                }
                auto found = hopIndex[from].find(hop);
                NS_ABORT_MSG_IF(found == hopIndex[from].end(),
                                "NetworkBuilder: next hop " << topology.Node(hop).name << " of "
                                                            << topology.Node(from).name
                                                            << " is not a neighbour");
                hopOfDestination[to] = found->second;
            }
            table = std::make_shared<const std::vector<uint32_t>>(std::move(hopOfDestination));
        }
        auto list = ns3::DynamicCast<ns3::Ipv4ListRouting>(
            m_nodes.Get(from)->GetObject<ns3::Ipv4>()->GetRoutingProtocol());
        list->AddRoutingProtocol(ns3::CreateObject<HostRouteTable>(owners, std::move(hops[from]),
                                                                   std::move(table), from),
                                 10);
    }
}

ns3::Ptr<ns3::Node>
NetworkBuilder::GetNode(const std::string& name) const
{
    return ns3::Names::Find<ns3::Node>(name);
}

std::optional<ns3::Ipv4Address>
NetworkBuilder::GetAddress(NodeId id) const
{
    return id < m_nodeAddress.size() ? m_nodeAddress[id] : std::nullopt;
}

std::optional<ns3::Ipv4Address>
NetworkBuilder::GetAddress(const std::string& name) const
{
    auto it = m_ids.find(name);
    return it == m_ids.end() ? std::nullopt : GetAddress(it->second);
}

std::optional<ns3::Ipv4Address>
NetworkBuilder::Resolve(const std::string& host) const
{
    return Resolve(*m_names, host);
}

std::optional<ns3::Ipv4Address>
NetworkBuilder::Resolve(const NameTable& names, const std::string& host)
{
    if (auto ip = ParseIpv4(host))
    {
        return ip;
    }
    auto it = names.find(host);
    return it == names.end() ? std::nullopt : std::optional<ns3::Ipv4Address>(it->second);
}

SipElementApplication::Resolver
NetworkBuilder::GetResolver() const
{
    // Every element holds one: they share the table rather than copy it.
    return [names = m_names](const std::string& host) { return Resolve(*names, host); };
}

void
NetworkBuilder::ConfigureElement(NodeId id, SipElementApplication& app) const
{
    app.SetResolver(GetResolver());
    const auto& [serviceTime, queueLimit] = m_cpu.at(id);
    app.SetAttribute("ProcessingDelay", ns3::TimeValue(ToNs3Time(serviceTime)));
    app.SetAttribute("ServiceQueueLimit", ns3::UintegerValue(queueLimit));
}

const ns3::NetDeviceContainer&
NetworkBuilder::GetLinkDevices(std::size_t i) const
{
    return m_links.at(i).devices;
}

ns3::Ptr<JitterPointToPointChannel>
NetworkBuilder::GetLinkChannel(std::size_t i) const
{
    return ns3::DynamicCast<JitterPointToPointChannel>(m_links.at(i).devices.Get(0)->GetChannel());
}

ns3::Ptr<ns3::ErrorModel>
NetworkBuilder::GetLossModel(std::size_t i, bool aToB) const
{
    return m_links.at(i).loss[aToB ? 0 : 1];
}

int64_t
NetworkBuilder::AssignStreams(int64_t stream)
{
    int64_t used = 0;
    for (std::size_t i = 0; i < m_links.size(); ++i)
    {
        used += GetLinkChannel(i)->AssignStreams(stream + used);
        for (const auto& loss : m_links[i].loss)
        {
            if (auto ge = ns3::DynamicCast<GilbertElliottErrorModel>(loss))
            {
                used += ge->AssignStreams(stream + used);
            }
            else if (auto rate = ns3::DynamicCast<ns3::RateErrorModel>(loss))
            {
                used += rate->AssignStreams(stream + used);
            }
        }
    }
    return used;
}

void
NetworkBuilder::EnablePcap(const std::string& prefix) const
{
    ns3::PointToPointHelper pcap;
    for (const Link& link : m_links)
    {
        pcap.EnablePcap(prefix, link.devices);
    }
}

} // namespace sipsim
