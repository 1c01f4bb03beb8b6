// ns3_baseline: the "bare ns-3" reference for `sipsim run`'s overhead.
//
// It rebuilds a run's network with the same NetworkBuilder from the same scenario file (and
// --set overrides, --run), reads the run's messages.csv and moves exactly the same
// transmissions -- same sending node, receiving node, time and payload size -- over bare
// ns-3 UDP sockets (port 5060, one per node, like SipElementApplication) with no SIP logic:
// no parsing, no transactions, no tracking, no output files.
//
// Dropped transmissions (mode "loss", the default) are sent as well and go through the same
// loss models with the same random streams: each link direction sees the same packets in
// the same order as in the sipsim run, so it draws the same numbers and drops the same
// packets, and the loss-model cost is part of both sides. The program checks this: it
// prints the CSV's delivered count next to its own (they match unless the run had CPU
// queue drops or in-flight messages at its end). Mode "skip" removes the loss models and
// sends only the rows that were delivered.
//
// Output: one JSON line with row counts and the wall time of each phase, so that a runner
// can leave the CSV loading (which sipsim does not do) out of the comparison.

#include "ns3/inet-socket-address.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/point-to-point-net-device.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/udp-socket-factory.h"
#include "scenario/scenario.h"
#include "sim/network_builder.h"
#include "topology/routing.h"

#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace sipsim
{
namespace
{

using Clock = std::chrono::steady_clock;

double
Since(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

/// CPU seconds of this process so far: on a shared machine the steadier measure.
double
CpuSeconds()
{
    return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
}

/// One row of messages.csv, reduced to what the network sees (16 bytes: 25M rows fit).
struct Transmission
{
    int64_t timeNs = 0;
    uint32_t size = 0;
    uint16_t from = 0;
    uint16_t to = 0;
    bool delivered = false;
};

/// Splits one CSV line (RFC 4180 quoting: a Call-ID may hold a comma) into fields.
void
SplitCsv(const std::string& line, std::vector<std::string>& fields)
{
    fields.clear();
    std::string field;
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i)
    {
        const char c = line[i];
        if (quoted)
        {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"')
            {
                field += '"';
                ++i;
            }
            else if (c == '"')
            {
                quoted = false;
            }
            else
            {
                field += c;
            }
        }
        else if (c == '"')
        {
            quoted = true;
        }
        else if (c == ',')
        {
            fields.push_back(std::move(field));
            field.clear();
        }
        else
        {
            field += c;
        }
    }
    fields.push_back(std::move(field));
}

/// "12.345678901" -> nanoseconds, exactly (the CSV writes integer ns as %llu.%09llu).
int64_t
ParseSecondsNs(const std::string& text)
{
    const std::size_t dot = text.find('.');
    int64_t ns = std::stoll(text.substr(0, dot)) * 1000000000LL;
    if (dot != std::string::npos)
    {
        std::string frac = text.substr(dot + 1, 9);
        frac.resize(9, '0');
        ns += std::stoll(frac);
    }
    return ns;
}

struct Loaded
{
    std::vector<Transmission> rows;
    uint64_t skipped = 0; ///< rows to a host that is not a node (unresolvable)
    uint64_t csvDelivered = 0;
};

bool
LoadMessages(const std::string& path, const Topology& topology, Loaded& loaded)
{
    std::ifstream in(path);
    if (!in)
    {
        std::cerr << "ns3_baseline: cannot read " << path << "\n";
        return false;
    }
    std::string line;
    std::vector<std::string> fields;
    std::getline(in, line);
    SplitCsv(line, fields);
    std::map<std::string, std::size_t> column;
    for (std::size_t i = 0; i < fields.size(); ++i)
    {
        column[fields[i]] = i;
    }
    for (const char* name : {"time_s", "from", "to", "size", "status"})
    {
        if (!column.count(name))
        {
            std::cerr << "ns3_baseline: " << path << ": no column '" << name << "'\n";
            return false;
        }
    }
    const std::size_t cTime = column["time_s"], cFrom = column["from"], cTo = column["to"],
                      cSize = column["size"], cStatus = column["status"];
    std::map<std::string, NodeId> ids;
    for (NodeId id = 0; id < topology.NodeCount(); ++id)
    {
        ids[topology.Node(id).name] = id;
    }
    while (std::getline(in, line))
    {
        SplitCsv(line, fields);
        if (fields.size() <= std::max({cTime, cFrom, cTo, cSize, cStatus}))
        {
            continue;
        }
        const bool delivered = fields[cStatus] == "delivered";
        loaded.csvDelivered += delivered ? 1 : 0;
        auto from = ids.find(fields[cFrom]);
        auto to = ids.find(fields[cTo]);
        if (from == ids.end() || to == ids.end())
        {
            ++loaded.skipped;
            continue;
        }
        Transmission t;
        t.timeNs = ParseSecondsNs(fields[cTime]);
        t.size = static_cast<uint32_t>(std::stoul(fields[cSize]));
        t.from = static_cast<uint16_t>(from->second);
        t.to = static_cast<uint16_t>(to->second);
        t.delivered = delivered;
        loaded.rows.push_back(t);
    }
    return true;
}

/// Replays the transmissions with one pending event at a time (like an application with a
/// send schedule), so the scheduler holds what the network holds, not the whole run.
class Replayer
{
public:
    Replayer(const std::vector<Transmission>& rows, NetworkBuilder& network, bool skipDropped)
        : m_rows(rows), m_network(network), m_skipDropped(skipDropped)
    {
    }

    void Install()
    {
        const uint32_t n = m_network.GetNodes().GetN();
        m_sockets.resize(n);
        for (uint32_t id = 0; id < n; ++id)
        {
            if (!m_network.GetAddress(id))
            {
                continue;
            }
            m_sockets[id] = ns3::Socket::CreateSocket(m_network.GetNode(id),
                                                      ns3::UdpSocketFactory::GetTypeId());
            m_sockets[id]->Bind(ns3::InetSocketAddress(ns3::Ipv4Address::GetAny(), 5060));
            m_sockets[id]->SetRecvCallback(ns3::MakeCallback(&Replayer::Receive, this));
        }
        std::size_t maxSize = 0;
        for (const Transmission& t : m_rows)
        {
            maxSize = std::max<std::size_t>(maxSize, t.size);
        }
        // Real payload bytes (as SIP text would be), not ns-3's zero-filled virtual bytes.
        m_payload.assign(maxSize, 'x');
        ScheduleNext();
    }

    uint64_t Sent() const { return m_sent; }
    uint64_t Received() const { return m_received; }
    uint64_t ReceivedBytes() const { return m_receivedBytes; }

private:
    void ScheduleNext()
    {
        while (m_next < m_rows.size() && m_skipDropped && !m_rows[m_next].delivered)
        {
            ++m_next;
        }
        if (m_next >= m_rows.size())
        {
            return;
        }
        const ns3::Time at = ns3::NanoSeconds(m_rows[m_next].timeNs);
        ns3::Simulator::Schedule(at - ns3::Simulator::Now(), &Replayer::SendDue, this);
    }

    /// Sends every row due now, in CSV (= transmission) order.
    void SendDue()
    {
        const int64_t now = ns3::Simulator::Now().GetNanoSeconds();
        while (m_next < m_rows.size() && m_rows[m_next].timeNs <= now)
        {
            const Transmission& t = m_rows[m_next++];
            if (m_skipDropped && !t.delivered)
            {
                continue;
            }
            auto packet = ns3::Create<ns3::Packet>(
                reinterpret_cast<const uint8_t*>(m_payload.data()), t.size);
            m_sockets[t.from]->SendTo(packet, 0,
                                      ns3::InetSocketAddress(*m_network.GetAddress(t.to), 5060));
            ++m_sent;
        }
        ScheduleNext();
    }

    void Receive(ns3::Ptr<ns3::Socket> socket)
    {
        ns3::Address from;
        while (ns3::Ptr<ns3::Packet> packet = socket->RecvFrom(from))
        {
            ++m_received;
            m_receivedBytes += packet->GetSize();
        }
    }

    const std::vector<Transmission>& m_rows;
    NetworkBuilder& m_network;
    bool m_skipDropped;
    std::vector<ns3::Ptr<ns3::Socket>> m_sockets;
    std::string m_payload;
    std::size_t m_next = 0;
    uint64_t m_sent = 0;
    uint64_t m_received = 0;
    uint64_t m_receivedBytes = 0;
};

int
Usage()
{
    std::cerr << "usage: ns3_baseline SCENARIO MESSAGES_CSV [--set path=value]... [--run N] "
                 "[--mode loss|skip]\n"
                 "  loss (default): every row is sent, through the scenario's loss models\n"
                 "  skip: no loss models; only the rows the CSV says were delivered are sent\n";
    return 2;
}

int
Main(int argc, char** argv)
{
    if (argc < 3)
    {
        return Usage();
    }
    const std::string scenarioPath = argv[1];
    const std::string csvPath = argv[2];
    std::vector<std::string> overrides;
    std::optional<uint32_t> run;
    bool skipDropped = false;
    for (int i = 3; i < argc; ++i)
    {
        const std::string arg = argv[i];
        if (arg == "--set" && i + 1 < argc)
        {
            overrides.push_back(argv[++i]);
        }
        else if (arg == "--run" && i + 1 < argc)
        {
            run = static_cast<uint32_t>(std::stoul(argv[++i]));
        }
        else if (arg == "--mode" && i + 1 < argc)
        {
            const std::string mode = argv[++i];
            if (mode != "loss" && mode != "skip")
            {
                return Usage();
            }
            skipDropped = mode == "skip";
        }
        else
        {
            return Usage();
        }
    }

    const auto start = Clock::now();
    auto scenario = LoadScenario(scenarioPath, overrides);
    if (!scenario)
    {
        std::cerr << "ns3_baseline: " << scenario.Error().ToString() << "\n";
        return 2;
    }
    if (run)
    {
        scenario->run = *run;
    }
    auto topology = BuildTopology(*scenario);
    if (!topology)
    {
        std::cerr << "ns3_baseline: " << topology.Error().ToString() << "\n";
        return 2;
    }
    auto routing = ComputeRouting(*topology);
    if (!routing)
    {
        std::cerr << "ns3_baseline: topology: " << routing.Error().ToString() << "\n";
        return 2;
    }
    Loaded loaded;
    if (!LoadMessages(csvPath, *topology, loaded))
    {
        return 2;
    }
    const double loadSeconds = Since(start);
    const double loadCpu = CpuSeconds();

    // As Simulation::Build: streams before any variable is drawn, network streams from 0.
    const auto buildStart = Clock::now();
    ns3::RngSeedManager::SetSeed(scenario->seed);
    ns3::RngSeedManager::SetRun(scenario->run);
    NetworkBuilder network;
    network.Build(*topology, *routing);
    network.AssignStreams(0);
    if (skipDropped)
    {
        for (std::size_t i = 0; i < network.GetLinkCount(); ++i)
        {
            const ns3::NetDeviceContainer& devices = network.GetLinkDevices(i);
            for (uint32_t d = 0; d < devices.GetN(); ++d)
            {
                auto device = ns3::DynamicCast<ns3::PointToPointNetDevice>(devices.Get(d));
                device->SetReceiveErrorModel(nullptr);
            }
        }
    }
    Replayer replayer(loaded.rows, network, skipDropped);
    replayer.Install();
    const double buildSeconds = Since(buildStart);

    const auto runStart = Clock::now();
    const double runCpuStart = CpuSeconds();
    ns3::Simulator::Run();
    const double runSeconds = Since(runStart);
    const double runCpu = CpuSeconds() - runCpuStart;
    const double simulated = ns3::Simulator::Now().GetSeconds();
    ns3::Simulator::Destroy();

    std::printf("{\"mode\": \"%s\", \"rows\": %zu, \"skipped_rows\": %llu, \"sent\": %llu, "
                "\"delivered\": %llu, \"csv_delivered\": %llu, \"delivered_bytes\": %llu, "
                "\"simulated_s\": %.6f, \"load_s\": %.6f, \"build_s\": %.6f, \"run_s\": %.6f, "
                "\"total_s\": %.6f, \"load_cpu_s\": %.6f, \"run_cpu_s\": %.6f}\n",
                skipDropped ? "skip" : "loss", loaded.rows.size(),
                static_cast<unsigned long long>(loaded.skipped),
                static_cast<unsigned long long>(replayer.Sent()),
                static_cast<unsigned long long>(replayer.Received()),
                static_cast<unsigned long long>(loaded.csvDelivered),
                static_cast<unsigned long long>(replayer.ReceivedBytes()), simulated, loadSeconds,
                buildSeconds, runSeconds, Since(start), loadCpu, runCpu);
    return 0;
}

} // namespace
} // namespace sipsim

int
main(int argc, char** argv)
{
    try
    {
        return sipsim::Main(argc, argv);
    }
    catch (const std::exception& e)
    {
        std::cerr << "ns3_baseline: " << e.what() << "\n";
        return 2;
    }
}
