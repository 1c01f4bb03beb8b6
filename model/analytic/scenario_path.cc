#include "analytic/scenario_path.h"

#include "topology/routing.h"

#include <algorithm>
#include <set>
#include <sstream>

namespace sipsim::analytic
{

namespace
{

/// Loss and delay of one direction along the IP path between two SIP elements.
void
Accumulate(const Topology& topology, const std::vector<NodeId>& ipPath, bool reverse, double& loss,
           double& delay, bool& bursty)
{
    double survive = 1.0;
    delay = 0.0;
    for (std::size_t i = 0; i + 1 < ipPath.size(); ++i)
    {
        const NodeId from = reverse ? ipPath[ipPath.size() - 1 - i] : ipPath[i];
        const NodeId to = reverse ? ipPath[ipPath.size() - 2 - i] : ipPath[i + 1];
        const TopoEdge* edge = topology.FindLink(from, to);
        if (edge == nullptr)
        {
            continue;
        }
        const LinkDirection& dir = edge->From(from);
        survive *= 1.0 - dir.loss.MeanLoss();
        bursty = bursty || dir.loss.kind == LossModelKind::GilbertElliott;
        // Uniform jitter in [0, j] adds j/2 on average (assumption 2: constant delays).
        delay += ToSeconds(dir.delay) + 0.5 * ToSeconds(dir.jitter);
    }
    loss = 1.0 - survive;
}

} // namespace

Result<ScenarioPath>
PathFromScenario(const Scenario& scenario)
{
    if (scenario.sip.transport != Transport::Udp)
    {
        return MakeError("sip.transport: the analytic model covers UDP only");
    }
    if (scenario.sip.proxyMode != ProxyMode::Stateful)
    {
        return MakeError("sip.proxy_mode: the analytic model covers stateful proxies only");
    }
    if (scenario.workload.pairs.empty())
    {
        return MakeError("workload.pairs: no caller/callee pair to model");
    }
    auto topology = BuildTopology(scenario);
    if (!topology)
    {
        return topology.Error();
    }
    auto routing = ComputeRouting(*topology);
    if (!routing)
    {
        return routing.Error();
    }
    const CallPairSpec& pair = scenario.workload.pairs.front();
    const auto caller = topology->Find(pair.callerNode);
    const auto callee = topology->Find(pair.calleeNode);
    if (!caller || !callee)
    {
        return MakeError("workload.pairs: unknown caller or callee");
    }
    auto path = SipPath(*topology, *routing, *caller, *callee);
    if (!path)
    {
        return path.Error();
    }

    ScenarioPath out;
    CallModelSpec& spec = out.spec;
    bool bursty = false;
    // Proxies authenticate only their own users (From in their domain): a listed proxy of
    // another domain lets the INVITE through unchallenged.
    const std::string& callerDomain = topology->Node(*caller).domain;
    bool foreignChallenger = false;
    for (std::size_t i = 0; i < path->size(); ++i)
    {
        const TopoNode& node = topology->Node((*path)[i]);
        spec.elements.push_back(node.name);
        spec.serviceTime.push_back(node.IsSipServer() ? ToSeconds(node.serviceTime) : 0.0);
        if (node.IsProxy() && scenario.auth.Challenges(node.name))
        {
            if (node.domain == callerDomain)
            {
                spec.challengers.push_back(i);
            }
            else
            {
                foreignChallenger = true;
            }
        }
        if (i + 1 < path->size())
        {
            const std::vector<NodeId> ip = routing->IpPath((*path)[i], (*path)[i + 1]);
            HopSpec hop;
            Accumulate(*topology, ip, false, hop.lossForward, hop.delayForward, bursty);
            Accumulate(*topology, ip, true, hop.lossReverse, hop.delayReverse, bursty);
            spec.hops.push_back(hop);
        }
    }
    spec.t1 = ToSeconds(scenario.sip.t1);
    spec.t2 = ToSeconds(scenario.sip.t2);
    const auto& callee_ = scenario.workload.callee;
    spec.ringTime = ToSeconds(callee_.ringTime);
    spec.calleeHangsUp = scenario.workload.hangup == Hangup::Callee;
    spec.holdingTime = ToSeconds(scenario.workload.holdingTime);
    spec.holdingExponential =
        scenario.workload.holdingDistribution == HoldingDistribution::Exponential;

    if (!spec.challengers.empty() && scenario.auth.credentialReuse)
    {
        // Calls use the pairs round-robin; each distinct caller is challenged once.
        const std::size_t calls = std::max(1, scenario.workload.calls);
        std::set<std::string> callers;
        for (std::size_t i = 0; i < std::min(calls, scenario.workload.pairs.size()); ++i)
        {
            callers.insert(scenario.workload.pairs[i].callerNode);
        }
        spec.challengedFraction =
            std::min(1.0, static_cast<double>(callers.size()) / static_cast<double>(calls));
    }
    if (foreignChallenger)
    {
        out.notes.push_back("listed auth proxies outside the caller's domain (" + callerDomain +
                            ") do not challenge its calls");
    }
    if (bursty)
    {
        out.notes.push_back("Gilbert-Elliott links enter with their mean loss (the model "
                            "assumes independent losses)");
    }
    if (callee_.action != CalleeAction::Answer || callee_.busyProbability > 0.0)
    {
        out.notes.push_back("the callee is modelled as answering every call");
    }
    if (scenario.workload.pairs.size() > 1)
    {
        out.notes.push_back("the path of the first workload pair is modelled (" + pair.callerNode +
                            " -> " + pair.calleeNode + ")");
    }
    for (double s : spec.serviceTime)
    {
        if (s > 0.0)
        {
            out.notes.push_back("proxy service times add a fixed delay per message; "
                                "queueing is not modelled (see capacity_cps)");
            break;
        }
    }
    return out;
}

} // namespace sipsim::analytic
