#include "jitter_channel.h"

#include "ns3/boolean.h"
#include "ns3/log.h"
#include "ns3/mac48-address.h"
#include "ns3/net-device-queue-interface.h"
#include "ns3/point-to-point-net-device.h"
#include "ns3/pointer.h"
#include "ns3/queue.h"
#include "ns3/simulator.h"

namespace sipsim
{

NS_LOG_COMPONENT_DEFINE("JitterPointToPointChannel");
NS_OBJECT_ENSURE_REGISTERED(JitterPointToPointChannel);

ns3::TypeId
JitterPointToPointChannel::GetTypeId()
{
    static ns3::TypeId tid =
        ns3::TypeId("sipsim::JitterPointToPointChannel")
            .SetParent<ns3::PointToPointChannel>()
            .SetGroupName("Sipsim")
            .AddConstructor<JitterPointToPointChannel>()
            .AddAttribute("AllowReorder",
                          "Whether a packet may arrive before one sent earlier in its direction.",
                          ns3::BooleanValue(false),
                          ns3::MakeBooleanAccessor(&JitterPointToPointChannel::m_allowReorder),
                          ns3::MakeBooleanChecker())
            .AddAttribute("ForwardJitter",
                          "Extra delay (s) from the first device to the second; null: none.",
                          ns3::PointerValue(),
                          ns3::MakePointerAccessor(&JitterPointToPointChannel::SetForwardJitter,
                                                   &JitterPointToPointChannel::GetForwardJitter),
                          ns3::MakePointerChecker<ns3::RandomVariableStream>())
            .AddAttribute("ReverseJitter",
                          "Extra delay (s) from the second device to the first; null: none.",
                          ns3::PointerValue(),
                          ns3::MakePointerAccessor(&JitterPointToPointChannel::SetReverseJitter,
                                                   &JitterPointToPointChannel::GetReverseJitter),
                          ns3::MakePointerChecker<ns3::RandomVariableStream>())
            .AddTraceSource(
                "Propagation", "Per packet: direction and delay after serialisation.",
                ns3::MakeTraceSourceAccessor(&JitterPointToPointChannel::m_propagationTrace),
                "sipsim::JitterPointToPointChannel::PropagationTracedCallback");
    return tid;
}

JitterPointToPointChannel::JitterPointToPointChannel() : m_allowReorder(false)
{
}

void
JitterPointToPointChannel::SetJitter(uint32_t direction, ns3::Ptr<ns3::RandomVariableStream> jitter)
{
    NS_ASSERT(direction < 2);
    m_jitter[direction] = jitter;
}

ns3::Ptr<ns3::RandomVariableStream>
JitterPointToPointChannel::GetJitter(uint32_t direction) const
{
    NS_ASSERT(direction < 2);
    return m_jitter[direction];
}

void
JitterPointToPointChannel::SetDirectionDelay(uint32_t direction, ns3::Time delay)
{
    NS_ASSERT(direction < 2);
    m_delay[direction] = delay;
}

ns3::Time
JitterPointToPointChannel::GetDirectionDelay(uint32_t direction) const
{
    NS_ASSERT(direction < 2);
    return m_delay[direction] ? *m_delay[direction] : GetDelay();
}

int64_t
JitterPointToPointChannel::AssignStreams(int64_t stream)
{
    int64_t used = 0;
    for (auto& jitter : m_jitter)
    {
        if (jitter)
        {
            jitter->SetStream(stream + used++);
        }
    }
    return used;
}

bool
JitterPointToPointChannel::TransmitStart(ns3::Ptr<const ns3::Packet> p,
                                         ns3::Ptr<ns3::PointToPointNetDevice> src, ns3::Time txTime)
{
    NS_ASSERT_MSG(IsInitialized(), "JitterPointToPointChannel: link not fully attached");
    const uint32_t direction = src == GetSource(0) ? 0 : 1;
    ns3::Ptr<ns3::PointToPointNetDevice> dst = GetDestination(direction);

    ns3::Time propagation = GetDirectionDelay(direction);
    if (m_jitter[direction])
    {
        propagation += ns3::Seconds(m_jitter[direction]->GetValue());
        propagation = ns3::Max(propagation, ns3::Time(0));
    }
    const ns3::Time now = ns3::Simulator::Now();
    ns3::Time arrival = now + txTime + propagation;
    if (!m_allowReorder)
    {
        // Equal timestamps run in scheduling order, so ties keep FIFO too.
        arrival = ns3::Max(arrival, m_lastArrival[direction]);
    }
    m_lastArrival[direction] = ns3::Max(arrival, m_lastArrival[direction]);

    ns3::Simulator::ScheduleWithContext(dst->GetNode()->GetId(), arrival - now,
                                        &ns3::PointToPointNetDevice::Receive, dst, p->Copy());
    m_propagationTrace(p, direction, arrival - now - txTime);
    return true;
}

void
JitterPointToPointChannel::DoDispose()
{
    m_jitter = {};
    ns3::PointToPointChannel::DoDispose();
}

SipLinkHelper::SipLinkHelper()
{
    m_queueFactory.SetTypeId("ns3::DropTailQueue<Packet>");
    m_deviceFactory.SetTypeId("ns3::PointToPointNetDevice");
    m_channelFactory.SetTypeId(JitterPointToPointChannel::GetTypeId());
}

void
SipLinkHelper::SetDeviceAttribute(const std::string& name, const ns3::AttributeValue& value)
{
    m_deviceFactory.Set(name, value);
}

void
SipLinkHelper::SetChannelAttribute(const std::string& name, const ns3::AttributeValue& value)
{
    m_channelFactory.Set(name, value);
}

ns3::NetDeviceContainer
SipLinkHelper::Install(ns3::Ptr<ns3::Node> a, ns3::Ptr<ns3::Node> b, const LinkImpairment& aToB,
                       const LinkImpairment& bToA) const
{
    auto makeDevice = [this](ns3::Ptr<ns3::Node> node) {
        auto device = m_deviceFactory.Create<ns3::PointToPointNetDevice>();
        device->SetAddress(ns3::Mac48Address::Allocate());
        node->AddDevice(device);
        auto queue = m_queueFactory.Create<ns3::Queue<ns3::Packet>>();
        device->SetQueue(queue);
        if (m_flowControl)
        {
            // As PointToPointHelper does: lets the traffic-control layer see the queue.
            auto ndqi = ns3::CreateObject<ns3::NetDeviceQueueInterface>();
            ndqi->GetTxQueue(0)->ConnectQueueTraces(queue);
            device->AggregateObject(ndqi);
        }
        return device;
    };
    auto devA = makeDevice(a);
    auto devB = makeDevice(b);
    // Loss of a direction is applied where that direction is received.
    if (aToB.loss)
    {
        devB->SetReceiveErrorModel(aToB.loss);
    }
    if (bToA.loss)
    {
        devA->SetReceiveErrorModel(bToA.loss);
    }
    auto channel = m_channelFactory.Create<JitterPointToPointChannel>();
    devA->Attach(channel);
    devB->Attach(channel);
    channel->SetJitter(0, aToB.jitter);
    channel->SetJitter(1, bToA.jitter);
    if (aToB.delay)
    {
        channel->SetDirectionDelay(0, *aToB.delay);
    }
    if (bToA.delay)
    {
        channel->SetDirectionDelay(1, *bToA.delay);
    }
    ns3::NetDeviceContainer devices;
    devices.Add(devA);
    devices.Add(devB);
    return devices;
}

} // namespace sipsim
