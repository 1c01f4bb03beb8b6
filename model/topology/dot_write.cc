// Topology -> Graphviz DOT, in the dialect ReadDot() accepts (so the output reads back).

#include "topology/topology.h"

#include <sstream>

namespace sipsim
{

namespace
{

void
WriteDirection(std::ostream& os, const LinkDirection& d, const char* suffix)
{
    os << "delay" << suffix << "=\"" << FormatDuration(d.delay) << "\", ";
    os << "jitter" << suffix << "=\"" << FormatDuration(d.jitter) << "\", ";
    os << "rate" << suffix << "=\"" << FormatRate(d.rateBps) << "\", ";
    os << "queue_size" << suffix << "=" << d.queueSize << ", ";
    os << "loss_model" << suffix << "=\"" << LossModelName(d.loss.kind) << "\"";
    if (d.loss.kind == LossModelKind::Iid)
    {
        os << ", loss" << suffix << "=" << d.loss.p;
    }
    else if (d.loss.kind == LossModelKind::GilbertElliott)
    {
        os << ", ge_p" << suffix << "=" << d.loss.p << ", ge_r" << suffix << "=" << d.loss.r
           << ", ge_loss_good" << suffix << "=" << d.loss.lossGood << ", ge_loss_bad" << suffix
           << "=" << d.loss.lossBad;
    }
}

} // namespace

std::string
WriteDot(const Topology& topology)
{
    std::ostringstream os;
    os << "graph topology {\n";
    for (NodeId id = 0; id < topology.NodeCount(); ++id)
    {
        const TopoNode& n = topology.Node(id);
        os << "    \"" << n.name << "\" [role=\"" << NodeRoleName(n.role)
           << (n.role == NodeRole::Proxy && n.registrar ? ",registrar" : "") << "\"";
        if (!n.domain.empty())
        {
            os << ", domain=\"" << n.domain << "\"";
        }
        if (!n.users.empty())
        {
            os << ", users=\"";
            for (std::size_t i = 0; i < n.users.size(); ++i)
            {
                os << (i != 0 ? "," : "") << n.users[i];
            }
            os << "\"";
        }
        if (n.serviceTime.count() != 0)
        {
            os << ", service_time=\"" << FormatDuration(n.serviceTime) << "\"";
        }
        if (n.queueLimit != 0)
        {
            os << ", queue_limit=" << n.queueLimit;
        }
        if (!n.sipRoutes.empty())
        {
            os << ", sip_routes=\"";
            bool first = true;
            for (const auto& [domain, next] : n.sipRoutes)
            {
                os << (first ? "" : ",") << domain << "=" << next;
                first = false;
            }
            os << "\"";
        }
        os << "];\n";
    }
    for (const TopoLink& link : topology.Links())
    {
        os << "    \"" << topology.Node(link.a).name << "\" -- \"" << topology.Node(link.b).name
           << "\" [";
        WriteDirection(os, link.props.ab, "_ab");
        os << ", ";
        WriteDirection(os, link.props.ba, "_ba");
        os << "];\n";
    }
    os << "}\n";
    return os.str();
}

} // namespace sipsim
