#ifndef SIPSIM_RUN_WORKLOAD_H
#define SIPSIM_RUN_WORKLOAD_H

// Places the scenario's calls: optional REGISTER round first, then N calls (or calls for a
// duration) with sequential / constant / Poisson arrivals over the caller->callee pairs in
// round-robin order. Every action runs in its own ns-3 event, never inside an element's
// input handling, so the cores are never re-entered.

#include "call_tracker.h"
#include "elements.h"
#include "ns3/ptr.h"
#include "ns3/random-variable-stream.h"
#include "scenario/scenario.h"
#include "sim/sip_element_application.h"

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace sipsim
{

/// One caller -> callee pair resolved to nodes.
struct WorkloadPair
{
    NodeId caller = kNoNode;
    NodeId callee = kNoNode;
    std::string calleeUri; ///< "sip:bob@biloxi.example.com"
};

/// A user agent the workload drives: its core wrapper and the application that sends.
struct DrivenUa
{
    UaElement* element = nullptr;
    ns3::Ptr<SipElementApplication> app;
    std::string registrarUri;
};

class WorkloadDriver
{
public:
    using DoneCallback = std::function<void()>;

    /// `stream`: ns-3 stream number for the Poisson inter-arrival draws.
    WorkloadDriver(const Workload& workload, std::vector<WorkloadPair> pairs,
                   std::map<NodeId, DrivenUa> uas, CallTracker& calls, int64_t stream);

    /// Schedules the first action at the current simulation time.
    void Start(DoneCallback done);
    /// Every UA event (registrations are the workload's business).
    void OnEvent(NodeId node, const CallEvent& event);
    /// From CallTracker: a call's row was written.
    void OnCallEnded(const CallRecord& record);

    uint64_t CallsStarted() const { return m_started; }
    uint64_t CallsEnded() const { return m_ended; }
    /// 0..1 for the progress bar: calls ended / calls, or elapsed / duration.
    double Progress(TimePoint now) const;
    bool Done() const { return m_done; }

private:
    void Register();
    void BeginCalls();
    void StartCall();
    void ScheduleNextArrival();
    /// True when no further call may start.
    bool Exhausted(TimePoint now) const;
    void CheckDone();

    Workload m_workload;
    std::vector<WorkloadPair> m_pairs;
    std::map<NodeId, DrivenUa> m_uas;
    CallTracker& m_calls;
    ns3::Ptr<ns3::ExponentialRandomVariable> m_interArrival;
    DoneCallback m_onDone;

    std::set<std::pair<NodeId, uint64_t>> m_pendingRegistrations;
    bool m_callsBegun = false;
    TimePoint m_callsStart{0};
    uint64_t m_started = 0;
    uint64_t m_ended = 0;
    bool m_stopped = false; ///< no further arrivals
    bool m_done = false;
};

} // namespace sipsim

#endif
