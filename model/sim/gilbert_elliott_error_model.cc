#include "gilbert_elliott_error_model.h"

#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/pointer.h"
#include "ns3/string.h"

namespace sipsim
{

NS_LOG_COMPONENT_DEFINE("GilbertElliottErrorModel");
NS_OBJECT_ENSURE_REGISTERED(GilbertElliottErrorModel);

ns3::TypeId
GilbertElliottErrorModel::GetTypeId()
{
    static ns3::TypeId tid =
        ns3::TypeId("sipsim::GilbertElliottErrorModel")
            .SetParent<ns3::ErrorModel>()
            .SetGroupName("Sipsim")
            .AddConstructor<GilbertElliottErrorModel>()
            .AddAttribute("P", "Probability of moving Good -> Bad after a packet.",
                          ns3::DoubleValue(0.01),
                          ns3::MakeDoubleAccessor(&GilbertElliottErrorModel::m_p),
                          ns3::MakeDoubleChecker<double>(0.0, 1.0))
            .AddAttribute("R", "Probability of moving Bad -> Good after a packet.",
                          ns3::DoubleValue(0.3),
                          ns3::MakeDoubleAccessor(&GilbertElliottErrorModel::m_r),
                          ns3::MakeDoubleChecker<double>(0.0, 1.0))
            .AddAttribute("LossGood", "Loss probability in the Good state (1 - k).",
                          ns3::DoubleValue(0.0),
                          ns3::MakeDoubleAccessor(&GilbertElliottErrorModel::m_lossGood),
                          ns3::MakeDoubleChecker<double>(0.0, 1.0))
            .AddAttribute("LossBad", "Loss probability in the Bad state (1 - h).",
                          ns3::DoubleValue(1.0),
                          ns3::MakeDoubleAccessor(&GilbertElliottErrorModel::m_lossBad),
                          ns3::MakeDoubleChecker<double>(0.0, 1.0))
            .AddAttribute("RanVar", "Uniform [0,1) source for the state and loss draws.",
                          ns3::StringValue("ns3::UniformRandomVariable[Min=0.0|Max=1.0]"),
                          ns3::MakePointerAccessor(&GilbertElliottErrorModel::m_ranvar),
                          ns3::MakePointerChecker<ns3::RandomVariableStream>())
            .AddTraceSource("Bad", "The chain's state (true: Bad).",
                            ns3::MakeTraceSourceAccessor(&GilbertElliottErrorModel::m_bad),
                            "ns3::TracedValueCallback::Bool");
    return tid;
}

GilbertElliottErrorModel::GilbertElliottErrorModel()
    : m_p(0.01), m_r(0.3), m_lossGood(0.0), m_lossBad(1.0), m_bad(false)
{
}

double
GilbertElliottErrorModel::GetStationaryLoss() const
{
    if (m_p + m_r == 0.0)
    {
        return m_lossGood; // the chain never leaves its (Good) initial state
    }
    const double piBad = m_p / (m_p + m_r);
    return piBad * m_lossBad + (1.0 - piBad) * m_lossGood;
}

int64_t
GilbertElliottErrorModel::AssignStreams(int64_t stream)
{
    m_ranvar->SetStream(stream);
    return 1;
}

bool
GilbertElliottErrorModel::DoCorrupt(ns3::Ptr<ns3::Packet> /*p*/)
{
    if (!m_started)
    {
        // Starting in the stationary distribution makes short runs unbiased.
        m_started = true;
        m_bad = m_p + m_r > 0.0 && m_ranvar->GetValue() < m_p / (m_p + m_r);
    }
    // Move the chain, then lose with the new state's probability (as topology.h documents).
    if (m_ranvar->GetValue() < (m_bad ? m_r : m_p))
    {
        m_bad = !m_bad;
    }
    const bool lost = m_ranvar->GetValue() < (m_bad ? m_lossBad : m_lossGood);
    ++m_packets;
    m_losses += lost ? 1 : 0;
    return lost;
}

void
GilbertElliottErrorModel::DoReset()
{
    m_started = false;
    m_bad = false;
    m_packets = 0;
    m_losses = 0;
}

} // namespace sipsim
