#ifndef SIPSIM_RUN_SIMULATION_H
#define SIPSIM_RUN_SIMULATION_H

// One ns-3 simulation of a scenario: network, SIP elements, observers and workload. The
// runner (runner.h) validates and writes files; this class only simulates and observes.

#include "call_tracker.h"
#include "element_plan.h"
#include "elements.h"
#include "message_tracker.h"
// jitter_channel.h (via network_builder.h) needs the complete device type for Ptr<>.
#include "ns3/point-to-point-net-device.h"
#include "progress.h"
#include "scenario/scenario.h"
#include "sim/network_builder.h"
#include "topology/routing.h"
#include "topology/topology.h"
#include "workload.h"

#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace sipsim
{

struct SimulationOutputs
{
    std::ostream* messagesCsv = nullptr;
    std::ostream* callsCsv = nullptr;
    std::string pcapPrefix; ///< empty: no pcap
    ProgressReporter* progress = nullptr;
};

/// How the run is executed; nothing here changes what is simulated.
struct SimulationExecution
{
    /// Parse received messages on a second thread (ParseAhead): same outputs, less wall time
    /// when a second core is free. Every hop parses, so there is no hand-off.
    bool parseAhead = false;
    /// Every receiver parses the bytes, instead of taking the sender's message (MessageHandOff).
    bool parseEveryHop = false;
    /// Hand-off on, and every handed-off message checked against a parse of its bytes: the
    /// run fails on the first difference (tests prove the hand-off changes nothing).
    bool verifyHandOff = false;
};

class Simulation
{
public:
    Simulation(const Scenario& scenario, const Topology& topology, const Routing& routing,
               SimulationOutputs outputs, SimulationExecution execution = {});
    /// Destroys the ns-3 simulator (and with it the elements) before the observers.
    ~Simulation();
    Simulation(const Simulation&) = delete;
    Simulation& operator=(const Simulation&) = delete;

    /// Builds everything, runs to the end of the workload (plus a drain of T4 so that
    /// late retransmissions settle) or to stop_time, and closes the observers.
    void Run();

    const MessageTracker& Messages() const { return *m_messages; }
    /// Null when every hop parses (--parse-every-hop, --parse-ahead).
    const MessageHandOff* HandOff() const { return m_handOff.get(); }
    CallTracker& Calls() { return *m_calls; }
    const WorkloadDriver& Workload() const { return *m_workload; }
    const ElementPlan& Plan() const { return m_plan; }
    TimePoint EndTime() const { return m_endTime; }

private:
    void Build();
    void InstallElements(int64_t firstStream);
    void ConnectLinkTraces();
    void OnWorkloadDone();
    void ReportProgress(bool final = false);

    const Scenario& m_scenario;
    const Topology& m_topology;
    const Routing& m_routing;
    SimulationOutputs m_outputs;
    /// Before the elements (destroyed with the simulator in ~Simulation), which share it.
    std::shared_ptr<ParseAhead> m_parseAhead;
    /// Shared by the hand-off and the message tracker: each transmission hashed once.
    std::shared_ptr<LastBytesHash> m_bytesHasher;
    std::shared_ptr<MessageHandOff> m_handOff; ///< null: every hop parses
    bool m_verifyHandOff;

    NetworkBuilder m_network;
    ElementPlan m_plan;
    std::vector<std::string> m_nodeNames;
    std::unique_ptr<CallTracker> m_calls;
    std::unique_ptr<MessageTracker> m_messages;
    std::unique_ptr<WorkloadDriver> m_workload;
    std::map<NodeId, DrivenUa> m_uas;
    std::vector<ProxyElement*> m_proxies;
    uint64_t m_txSinceProgress = 0;
    TimePoint m_endTime{0};
    bool m_destroyed = false;
};

} // namespace sipsim

#endif
