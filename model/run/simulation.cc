#include "simulation.h"

#include "ns3/enum.h"
#include "ns3/ipv4-l3-protocol.h"
#include "ns3/ipv4.h"
#include "ns3/names.h"
#include "ns3/node.h"
#include "ns3/nstime.h"
#include "ns3/point-to-point-net-device.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <sstream>

namespace sipsim
{

namespace
{

std::string
Ipv4Text(const ns3::Ipv4Address& address)
{
    std::ostringstream text;
    address.Print(text);
    return text.str();
}

TimePoint
Now()
{
    return ToSipTime(ns3::Simulator::Now());
}

/// Lifetime of provisioned bindings: longer than any run.
constexpr Duration kForever = std::chrono::hours(24 * 365 * 100);

} // namespace

Simulation::Simulation(const Scenario& scenario, const Topology& topology, const Routing& routing,
                       SimulationOutputs outputs, SimulationExecution execution)
    : m_scenario(scenario)
    , m_topology(topology)
    , m_routing(routing)
    , m_outputs(std::move(outputs))
    , m_parseAhead(execution.parseAhead ? std::make_shared<ParseAhead>() : nullptr)
    , m_bytesHasher(std::make_shared<LastBytesHash>())
    , m_handOff(execution.parseAhead || execution.parseEveryHop
                    ? nullptr
                    : std::make_shared<MessageHandOff>(4096, m_bytesHasher))
    , m_verifyHandOff(execution.verifyHandOff)
{
}

Simulation::~Simulation()
{
    if (!m_destroyed)
    {
        ns3::Simulator::Destroy();
        ns3::Names::Clear();
    }
}

void
Simulation::Build()
{
    // Before any random variable exists: streams draw from (seed, run).
    ns3::RngSeedManager::SetSeed(m_scenario.seed);
    ns3::RngSeedManager::SetRun(m_scenario.run);

    m_network.Build(m_topology, m_routing);
    const int64_t networkStreams = m_network.AssignStreams(0);

    std::vector<std::string> addresses(m_topology.NodeCount());
    for (NodeId id = 0; id < m_topology.NodeCount(); ++id)
    {
        m_nodeNames.push_back(m_topology.Node(id).name);
        if (auto address = m_network.GetAddress(id))
        {
            addresses[id] = Ipv4Text(*address);
        }
    }
    m_plan = MakeElementPlan(m_scenario, m_topology, m_routing, addresses);

    MessageTracker::Options options;
    options.nodeNames = m_nodeNames;
    options.hostToNode = m_plan.hostToNode;
    options.streamTransport = m_scenario.sip.transport == Transport::Tcp;
    options.retransmissionWindow = 64 * m_scenario.sip.t1 + m_scenario.sip.t4;
    options.hasher = m_bytesHasher;
    options.ladderCall = static_cast<uint64_t>(std::max(0, m_scenario.outputs.ladderCall));
    for (NodeId id = 0; id < m_topology.NodeCount(); ++id)
    {
        auto ipv4 = m_network.GetNode(id)->GetObject<ns3::Ipv4>();
        for (uint32_t i = 0; ipv4 && i < ipv4->GetNInterfaces(); ++i)
        {
            for (uint32_t j = 0; j < ipv4->GetNAddresses(i); ++j)
            {
                const ns3::Ipv4Address local = ipv4->GetAddress(i, j).GetLocal();
                if (!local.IsLocalhost())
                {
                    options.addressToNode[local.Get()] = id;
                }
            }
        }
    }
    // Ended calls keep their Call-ID -> index mapping as long as a retransmission of theirs
    // can still be on its way.
    m_calls = std::make_unique<CallTracker>(m_nodeNames, m_outputs.callsCsv,
                                            options.retransmissionWindow);
    m_messages = std::make_unique<MessageTracker>(
        options, m_outputs.messagesCsv,
        [this](const std::string& callId) { return m_calls->IndexOf(callId); },
        [this](const ObservedMessage& message) { m_calls->OnMessage(message); });

    InstallElements(networkStreams);
    ConnectLinkTraces();
    if (!m_outputs.pcapPrefix.empty())
    {
        m_network.EnablePcap(m_outputs.pcapPrefix);
    }
}

void
Simulation::InstallElements(int64_t firstStream)
{
    int64_t stream = firstStream;
    const bool tcp = m_scenario.sip.transport == Transport::Tcp;
    auto install = [&](NodeId node, std::unique_ptr<Endpoint> endpoint, Duration serviceTime,
                       uint32_t queueLimit) {
        auto app = ns3::CreateObject<SipElementApplication>();
        app->SetAttribute("Transport", ns3::EnumValue(tcp ? SipElementApplication::TCP
                                                          : SipElementApplication::UDP));
        app->SetAttribute("ProcessingDelay", ns3::TimeValue(ToNs3Time(serviceTime)));
        app->SetAttribute("ServiceQueueLimit", ns3::UintegerValue(queueLimit));
        app->SetResolver(m_network.GetResolver());
        app->SetEndpoint(std::move(endpoint));
        m_network.GetNode(node)->AddApplication(app);
        app->SetStartTime(ns3::Seconds(0));
        app->TraceConnectWithoutContext(
            "Tx", ns3::Callback<void, ns3::Ptr<const ns3::Packet>, const Address&, bool>(
                      [this, node](ns3::Ptr<const ns3::Packet> p, const Address& to, bool re) {
                          m_messages->OnTx(Now(), node, p, to, re);
                          if (++m_txSinceProgress % 256 == 0)
                          {
                              ReportProgress();
                          }
                      }));
        app->TraceConnectWithoutContext(
            "Rx", ns3::Callback<void, ns3::Ptr<const ns3::Packet>, const Address&>(
                      [this, node](ns3::Ptr<const ns3::Packet> p, const Address& from) {
                          m_messages->OnRx(Now(), node, p, from);
                      }));
        app->TraceConnectWithoutContext(
            "Drop",
            ns3::Callback<void, ns3::Ptr<const ns3::Packet>, const Address&, const std::string&>(
                [this, node](ns3::Ptr<const ns3::Packet> p, const Address& peer,
                             const std::string& reason) {
                    m_messages->OnAppDrop(Now(), node, p, peer, reason);
                }));
        return app;
    };

    auto uaSink = [this](NodeId node, const CallEvent& event) {
        m_calls->OnEvent(node, event);
        if (m_workload)
        {
            m_workload->OnEvent(node, event);
        }
    };
    // One memo of validated header lines for all elements, as large as theirs together: a
    // line checked at one hop is not checked again at the next (see ShareValidatedLines).
    // Capped: for thousands of UAs the sum would be a table of tens of megabytes, allocated
    // at the first line. When full the memo starts over, which costs checks, never verdicts.
    constexpr std::size_t kMaxSharedLines = std::size_t{1} << 16;
    auto validated = std::make_shared<ValidatedLines>(
        std::min(kMaxSharedLines, m_plan.uas.size() * UserAgent::kValidatedLinesCapacity +
                                      m_plan.proxies.size() * Proxy::kValidatedLinesCapacity));
    for (const UaPlan& ua : m_plan.uas)
    {
        auto element = std::make_unique<UaElement>(ua.node, ua.config, stream++, uaSink);
        element->SetParseAhead(m_parseAhead);
        element->SetHandOff(m_handOff, m_verifyHandOff);
        element->ShareValidatedLines(validated);
        UaElement* raw = element.get();
        auto app = install(ua.node, std::move(element), Duration::zero(), 0);
        m_uas[ua.node] = DrivenUa{raw, app, m_plan.registrarUri.at(ua.node)};
    }
    for (const ProxyPlan& proxy : m_plan.proxies)
    {
        auto element = std::make_unique<ProxyElement>(proxy.node, proxy.config, stream++,
                                                      ProxyElement::EventSink());
        element->SetParseAhead(m_parseAhead);
        element->SetHandOff(m_handOff, m_verifyHandOff);
        element->ShareValidatedLines(validated);
        for (const StaticBinding& binding : proxy.bindings)
        {
            element->GetCore().Location().Add(binding.aor, binding.contact, TimePoint(0), kForever);
        }
        m_proxies.push_back(element.get());
        const TopoNode& node = m_topology.Node(proxy.node);
        install(proxy.node, std::move(element), node.serviceTime, node.queueLimit);
    }

    std::vector<WorkloadPair> pairs;
    for (const CallPairSpec& spec : m_scenario.workload.pairs)
    {
        WorkloadPair pair;
        pair.caller = m_topology.Find(spec.callerNode).value_or(kNoNode);
        pair.callee = m_topology.Find(spec.calleeNode).value_or(kNoNode);
        pair.calleeUri = CallTargetUri(m_topology, m_routing, m_plan, spec);
        pairs.push_back(pair);
    }
    m_workload = std::make_unique<WorkloadDriver>(m_scenario.workload, std::move(pairs), m_uas,
                                                  *m_calls, stream++);
    m_calls->SetEndCallback([this](const CallRecord& record) {
        m_workload->OnCallEnded(record);
        ReportProgress();
    });
}

void
Simulation::ConnectLinkTraces()
{
    for (std::size_t i = 0; i < m_network.GetLinkCount(); ++i)
    {
        const ns3::NetDeviceContainer& devices = m_network.GetLinkDevices(i);
        for (uint32_t d = 0; d < devices.GetN(); ++d)
        {
            auto device = ns3::DynamicCast<ns3::PointToPointNetDevice>(devices.Get(d));
            if (!device)
            {
                continue;
            }
            for (const char* source : {"PhyRxDrop", "MacTxDrop", "PhyTxDrop"})
            {
                const std::string reason = std::string("link-") + source;
                device->TraceConnectWithoutContext(
                    source, ns3::Callback<void, ns3::Ptr<const ns3::Packet>>(
                                [this, reason](ns3::Ptr<const ns3::Packet> p) {
                                    m_messages->OnLinkDrop(p, reason);
                                }));
            }
        }
    }
    for (NodeId id = 0; id < m_topology.NodeCount(); ++id)
    {
        auto ip = m_network.GetNode(id)->GetObject<ns3::Ipv4L3Protocol>();
        if (!ip)
        {
            continue;
        }
        ip->TraceConnectWithoutContext(
            "Drop", ns3::Callback<void, const ns3::Ipv4Header&, ns3::Ptr<const ns3::Packet>,
                                  ns3::Ipv4L3Protocol::DropReason, ns3::Ptr<ns3::Ipv4>, uint32_t>(
                        [this](const ns3::Ipv4Header&, ns3::Ptr<const ns3::Packet> p,
                               ns3::Ipv4L3Protocol::DropReason, ns3::Ptr<ns3::Ipv4>,
                               uint32_t) { m_messages->OnLinkDrop(p, "ip"); }));
    }
}

void
Simulation::ReportProgress(bool final)
{
    if (m_outputs.progress && m_workload)
    {
        const TimePoint now = Now();
        m_outputs.progress->Update(m_workload->Progress(now), ToSeconds(now),
                                   m_workload->CallsEnded(), final);
    }
}

void
Simulation::OnWorkloadDone()
{
    // Let retransmissions and answers already on their way settle (T4: the longest a
    // message stays in the network), then stop: registration refreshes and idle timers
    // would otherwise keep the simulation going.
    ns3::Simulator::Stop(ToNs3Time(m_scenario.sip.t4));
}

void
Simulation::Run()
{
    Build();
    if (m_scenario.stopTime.count() > 0)
    {
        ns3::Simulator::Stop(ToNs3Time(m_scenario.stopTime));
    }
    m_workload->Start([this]() { OnWorkloadDone(); });
    ns3::Simulator::Run();
    m_endTime = Now();
    m_messages->Finish();
    m_calls->Finish();
    ReportProgress(true);
    ns3::Simulator::Destroy();
    ns3::Names::Clear();
    m_destroyed = true;
    m_parseAhead.reset(); // the elements are gone: this joins the worker
}

} // namespace sipsim
