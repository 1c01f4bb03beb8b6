#include "workload.h"

#include "ns3/double.h"
#include "ns3/simulator.h"

#include <algorithm>

namespace sipsim
{

namespace
{

TimePoint
Now()
{
    return ToSipTime(ns3::Simulator::Now());
}

} // namespace

WorkloadDriver::WorkloadDriver(const Workload& workload, std::vector<WorkloadPair> pairs,
                               std::map<NodeId, DrivenUa> uas, CallTracker& calls, int64_t stream)
    : m_workload(workload)
    , m_pairs(std::move(pairs))
    , m_uas(std::move(uas))
    , m_calls(calls)
    , m_interArrival(ns3::CreateObject<ns3::ExponentialRandomVariable>())
{
    m_interArrival->SetAttribute("Mean", ns3::DoubleValue(1.0 / m_workload.rate));
    m_interArrival->SetStream(stream);
}

void
WorkloadDriver::Start(DoneCallback done)
{
    m_onDone = std::move(done);
    if (m_workload.registerFirst)
    {
        ns3::Simulator::ScheduleNow(&WorkloadDriver::Register, this);
    }
    else
    {
        ns3::Simulator::ScheduleNow(&WorkloadDriver::BeginCalls, this);
    }
}

void
WorkloadDriver::Register()
{
    const TimePoint now = Now();
    for (auto& [node, ua] : m_uas)
    {
        RegistrationHandle handle = ua.element->GetCore().Register(now, ua.registrarUri, 3600);
        m_pendingRegistrations.insert({node, handle.value});
    }
    for (auto& [node, ua] : m_uas)
    {
        ua.element->DrainEvents();
        ua.app->Flush();
    }
}

void
WorkloadDriver::OnEvent(NodeId node, const CallEvent& event)
{
    if (m_callsBegun || (event.kind != CallEventKind::Registered &&
                         event.kind != CallEventKind::RegistrationFailed))
    {
        return;
    }
    m_pendingRegistrations.erase({node, event.handle});
    if (m_pendingRegistrations.empty())
    {
        // Out of the element's input handling before any call starts.
        ns3::Simulator::ScheduleNow(&WorkloadDriver::BeginCalls, this);
    }
}

void
WorkloadDriver::BeginCalls()
{
    if (m_callsBegun)
    {
        return;
    }
    m_callsBegun = true;
    m_callsStart = Now();
    if (Exhausted(m_callsStart) || m_pairs.empty())
    {
        m_stopped = true;
        CheckDone();
        return;
    }
    StartCall();
    if (m_workload.arrivals != Arrivals::Sequential)
    {
        ScheduleNextArrival();
    }
}

bool
WorkloadDriver::Exhausted(TimePoint now) const
{
    if (m_workload.calls > 0 && m_started >= static_cast<uint64_t>(m_workload.calls))
    {
        return true;
    }
    if (m_workload.duration.count() > 0)
    {
        return now >= m_callsStart + m_workload.duration;
    }
    return m_workload.calls == 0; // neither a count nor a duration: nothing to place
}

void
WorkloadDriver::ScheduleNextArrival()
{
    const double gap = m_workload.arrivals == Arrivals::Poisson ? m_interArrival->GetValue()
                                                                : 1.0 / m_workload.rate;
    ns3::Simulator::Schedule(ns3::Seconds(gap), [this]() {
        if (m_stopped)
        {
            return;
        }
        if (Exhausted(Now()))
        {
            m_stopped = true;
            CheckDone();
            return;
        }
        StartCall();
        ScheduleNextArrival();
    });
}

void
WorkloadDriver::StartCall()
{
    const TimePoint now = Now();
    const uint64_t index = ++m_started;
    const WorkloadPair& pair = m_pairs[(index - 1) % m_pairs.size()];
    DrivenUa& ua = m_uas.at(pair.caller);
    UserAgent& agent = ua.element->GetCore();

    CallOptions options;
    if (m_workload.hangup == Hangup::Caller)
    {
        options.hangupAfter = m_workload.holdingTime;
        options.exponentialHold =
            m_workload.holdingDistribution == HoldingDistribution::Exponential;
    }
    const CallHandle handle = agent.StartCall(now, pair.calleeUri, options);
    std::string callId = agent.CallIdOf(handle);
    std::vector<CallEvent> early;
    if (callId.empty())
    {
        // The call failed at once and was already freed: its events still name it.
        while (auto event = agent.PollEvent())
        {
            if (callId.empty() && event->handle == handle.value)
            {
                callId = event->callId;
            }
            early.push_back(std::move(*event));
        }
    }
    m_calls.Begin(index, pair.caller, pair.callee, callId);
    if (Exhausted(now))
    {
        m_stopped = true;
    }
    for (const CallEvent& event : early)
    {
        m_calls.OnEvent(pair.caller, event);
    }
    ua.element->DrainEvents();
    ua.app->Flush();
}

void
WorkloadDriver::OnCallEnded(const CallRecord&)
{
    ++m_ended;
    if (m_workload.arrivals == Arrivals::Sequential && !m_stopped)
    {
        ns3::Simulator::ScheduleNow([this]() {
            if (Exhausted(Now()))
            {
                m_stopped = true;
                CheckDone();
                return;
            }
            StartCall();
        });
        return;
    }
    CheckDone();
}

void
WorkloadDriver::CheckDone()
{
    if (!m_done && m_stopped && m_calls.ActiveCalls() == 0)
    {
        m_done = true;
        if (m_onDone)
        {
            m_onDone();
        }
    }
}

double
WorkloadDriver::Progress(TimePoint now) const
{
    if (m_done)
    {
        return 1.0;
    }
    if (m_workload.calls > 0)
    {
        return static_cast<double>(m_ended) / static_cast<double>(m_workload.calls);
    }
    if (m_workload.duration.count() > 0 && m_callsBegun)
    {
        return std::clamp(ToSeconds(now - m_callsStart) / ToSeconds(m_workload.duration), 0.0, 1.0);
    }
    return 0.0;
}

} // namespace sipsim
