#ifndef SIPSIM_SIM_GILBERT_ELLIOTT_ERROR_MODEL_H
#define SIPSIM_SIM_GILBERT_ELLIOTT_ERROR_MODEL_H

#include "ns3/error-model.h"
#include "ns3/random-variable-stream.h"
#include "ns3/traced-value.h"

#include <cstdint>

namespace sipsim
{

/// Two-state Markov (Gilbert-Elliott) packet loss: bursty loss that an iid RateErrorModel
/// cannot produce. Per packet: the state moves Good->Bad with P and Bad->Good with R, then
/// the packet is lost with the new state's probability (LossGood = 1-k, LossBad = 1-h). The first
/// state is drawn from the stationary distribution
///   pi_B = P / (P + R),  pi_G = R / (P + R),  loss = pi_G*LossGood + pi_B*LossBad,
/// and a Bad sojourn lasts 1/R packets on average.
///
/// The model is per packet stream, so for independent directions attach one instance per
/// direction as the ReceiveErrorModel of the receiving NetDevice (see SipLinkHelper).
class GilbertElliottErrorModel : public ns3::ErrorModel
{
public:
    static ns3::TypeId GetTypeId();

    GilbertElliottErrorModel();

    /// Analytic stationary loss ratio of the configured chain.
    double GetStationaryLoss() const;
    bool IsBad() const { return m_bad; }
    uint64_t GetPacketCount() const { return m_packets; }
    uint64_t GetLossCount() const { return m_losses; }

    /// Fixes the random stream; returns the number of streams used (1).
    int64_t AssignStreams(int64_t stream);

private:
    bool DoCorrupt(ns3::Ptr<ns3::Packet> p) override;
    void DoReset() override;

    double m_p;
    double m_r;
    double m_lossGood;
    double m_lossBad;
    ns3::Ptr<ns3::RandomVariableStream> m_ranvar;
    bool m_started = false;
    ns3::TracedValue<bool> m_bad;
    uint64_t m_packets = 0;
    uint64_t m_losses = 0;
};

} // namespace sipsim

#endif
