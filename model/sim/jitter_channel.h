#ifndef SIPSIM_SIM_JITTER_CHANNEL_H
#define SIPSIM_SIM_JITTER_CHANNEL_H

#include "ns3/error-model.h"
#include "ns3/net-device-container.h"
#include "ns3/node.h"
#include "ns3/object-factory.h"
#include "ns3/point-to-point-channel.h"
#include "ns3/random-variable-stream.h"
#include "ns3/traced-callback.h"

#include <array>
#include <optional>
#include <string>

namespace sipsim
{

/// A point-to-point channel whose propagation delay varies per packet and per direction:
///   propagation = max(0, delay of the direction + jitter draw in seconds)
/// where a direction's delay is the "Delay" attribute unless SetDirectionDelay overrides it.
/// so a zero-mean Normal jitters around Delay and a Uniform[0, x] only adds delay.
/// With AllowReorder false (the default, like one physical link) a packet never overtakes
/// the previous one in its direction: arrival = max(previous arrival, now + tx + propagation),
/// which makes the delay distribution's upper tail heavier than the jitter draw.
/// Direction 0 is from the first attached device to the second.
class JitterPointToPointChannel : public ns3::PointToPointChannel
{
public:
    typedef void (*PropagationTracedCallback)(ns3::Ptr<const ns3::Packet> packet,
                                              uint32_t direction, ns3::Time delay);

    static ns3::TypeId GetTypeId();

    JitterPointToPointChannel();

    /// Extra delay source for one direction (0 or 1), in seconds; null: constant delay.
    void SetJitter(uint32_t direction, ns3::Ptr<ns3::RandomVariableStream> jitter);
    ns3::Ptr<ns3::RandomVariableStream> GetJitter(uint32_t direction) const;
    /// Base delay of one direction, for asymmetric links.
    void SetDirectionDelay(uint32_t direction, ns3::Time delay);
    ns3::Time GetDirectionDelay(uint32_t direction) const;

    bool TransmitStart(ns3::Ptr<const ns3::Packet> p, ns3::Ptr<ns3::PointToPointNetDevice> src,
                       ns3::Time txTime) override;

    int64_t AssignStreams(int64_t stream);

protected:
    void DoDispose() override;

private:
    // Attribute accessors.
    void SetForwardJitter(ns3::Ptr<ns3::RandomVariableStream> j) { m_jitter[0] = j; }
    ns3::Ptr<ns3::RandomVariableStream> GetForwardJitter() const { return m_jitter[0]; }
    void SetReverseJitter(ns3::Ptr<ns3::RandomVariableStream> j) { m_jitter[1] = j; }
    ns3::Ptr<ns3::RandomVariableStream> GetReverseJitter() const { return m_jitter[1]; }

    bool m_allowReorder;
    std::array<ns3::Ptr<ns3::RandomVariableStream>, 2> m_jitter;
    std::array<std::optional<ns3::Time>, 2> m_delay;
    std::array<ns3::Time, 2> m_lastArrival;
    /// Delay from the end of serialisation to arrival (propagation plus reorder hold-back).
    ns3::TracedCallback<ns3::Ptr<const ns3::Packet>, uint32_t, ns3::Time> m_propagationTrace;
};

/// Impairments of one link direction. `loss` becomes the ReceiveErrorModel of the receiving
/// device, so the two directions lose independently; share nothing between directions.
struct LinkImpairment
{
    ns3::Ptr<ns3::ErrorModel> loss;             ///< null: lossless
    ns3::Ptr<ns3::RandomVariableStream> jitter; ///< seconds; null: constant delay
    std::optional<ns3::Time> delay;             ///< null: the channel's Delay attribute
};

/// PointToPointHelper's Install, with a JitterPointToPointChannel and per-direction loss.
/// The devices are ordinary PointToPointNetDevices, so PointToPointHelper's pcap/ascii
/// tracing (EnablePcapAll) applies to them.
class SipLinkHelper
{
public:
    SipLinkHelper();

    void SetDeviceAttribute(const std::string& name, const ns3::AttributeValue& value);
    /// "Delay", "AllowReorder".
    void SetChannelAttribute(const std::string& name, const ns3::AttributeValue& value);

    template <typename... Ts> void SetQueue(const std::string& type, Ts&&... args)
    {
        m_queueFactory.SetTypeId(type);
        m_queueFactory.Set(std::forward<Ts>(args)...);
    }

    /// Whether the device queue is exposed to the traffic-control layer (default true, as
    /// PointToPointHelper). Ipv4AddressHelper then puts a default queue disc in front of it;
    /// with false the device's own queue is the only buffer, so its size is the limit.
    void SetFlowControl(bool enable) { m_flowControl = enable; }

    /// Device 0 is on `a`; `aToB` impairs what a sends to b.
    ns3::NetDeviceContainer Install(ns3::Ptr<ns3::Node> a, ns3::Ptr<ns3::Node> b,
                                    const LinkImpairment& aToB = {},
                                    const LinkImpairment& bToA = {}) const;

private:
    ns3::ObjectFactory m_queueFactory;
    ns3::ObjectFactory m_channelFactory;
    ns3::ObjectFactory m_deviceFactory;
    bool m_flowControl = true;
};

} // namespace sipsim

#endif
