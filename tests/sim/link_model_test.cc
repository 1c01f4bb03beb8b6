// Link impairments: Gilbert-Elliott and iid loss, per-direction jitter, reordering,
// reproducibility under RngRun.

#include "sim/gilbert_elliott_error_model.h"
#include "sim/jitter_channel.h"
#include "sim_test_util.h"

#include <cmath>

namespace sipsim::test
{
namespace
{

using ns3::MilliSeconds;
using ns3::Seconds;

constexpr uint16_t kPort = 9;
constexpr uint32_t kPayload = 12;
/// Serialisation of one test packet at 1 Gbps: payload + UDP + IP + PPP headers.
const ns3::Time kTx = ns3::NanoSeconds((kPayload + 8 + 20 + 2) * 8);

struct Sample
{
    uint32_t seq;
    ns3::Time delay; ///< propagation part of the one-way delay (serialisation removed)
};

struct LinkRun
{
    std::vector<Sample> aToB; ///< in arrival order
    std::vector<Sample> bToA;
};

struct LinkSpec
{
    LinkImpairment ab;
    LinkImpairment ba;
    bool allowReorder = false;
    uint32_t packets = 1000;
    ns3::Time interval = MilliSeconds(1);
    int64_t stream = -1; ///< >= 0: AssignStreams from here
};

/// Two nodes over a SipLinkHelper link (1 Gbps, 5 ms); each end sends `packets` numbered
/// UDP datagrams to the other, one per `interval`.
LinkRun
RunLink(const LinkSpec& spec)
{
    ns3::NodeContainer nodes;
    nodes.Create(2);
    SipLinkHelper link;
    link.SetDeviceAttribute("DataRate", ns3::StringValue("1Gbps"));
    link.SetChannelAttribute("Delay", ns3::TimeValue(MilliSeconds(5)));
    link.SetChannelAttribute("AllowReorder", ns3::BooleanValue(spec.allowReorder));
    link.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", ns3::StringValue("100000p"));
    auto devices = link.Install(nodes.Get(0), nodes.Get(1), spec.ab, spec.ba);
    if (spec.stream >= 0)
    {
        auto channel = ns3::DynamicCast<JitterPointToPointChannel>(devices.Get(0)->GetChannel());
        int64_t s = spec.stream + channel->AssignStreams(spec.stream);
        for (const auto& loss : {spec.ab.loss, spec.ba.loss})
        {
            if (auto ge = ns3::DynamicCast<GilbertElliottErrorModel>(loss))
            {
                s += ge->AssignStreams(s);
            }
            else if (auto rate = ns3::DynamicCast<ns3::RateErrorModel>(loss))
            {
                s += rate->AssignStreams(s);
            }
        }
    }
    ns3::InternetStackHelper stack;
    stack.Install(nodes);
    ns3::Ipv4AddressHelper addresses("10.2.0.0", "255.255.255.252");
    auto interfaces = addresses.Assign(devices);

    LinkRun run;
    std::vector<ns3::Ptr<ns3::Socket>> sockets;
    for (uint32_t i = 0; i < 2; ++i)
    {
        auto socket = ns3::Socket::CreateSocket(nodes.Get(i), ns3::UdpSocketFactory::GetTypeId());
        socket->Bind(ns3::InetSocketAddress(ns3::Ipv4Address::GetAny(), kPort));
        auto* out = i == 1 ? &run.aToB : &run.bToA;
        const ns3::Time start = Seconds(1);
        const ns3::Time interval = spec.interval;
        socket->SetRecvCallback(
            Cb<ns3::Ptr<ns3::Socket>>([out, start, interval](ns3::Ptr<ns3::Socket> s) {
                while (auto p = s->Recv())
                {
                    uint32_t seq = 0;
                    p->CopyData(reinterpret_cast<uint8_t*>(&seq), sizeof seq);
                    const ns3::Time sent = start + interval * seq;
                    out->push_back({seq, ns3::Simulator::Now() - sent - kTx});
                }
            }));
        sockets.push_back(socket);
    }
    for (uint32_t seq = 0; seq < spec.packets; ++seq)
    {
        for (uint32_t i = 0; i < 2; ++i)
        {
            ns3::Simulator::Schedule(Seconds(1) + spec.interval * seq,
                                     [socket = sockets[i], to = interfaces.GetAddress(1 - i), seq] {
                                         uint8_t buffer[kPayload] = {};
                                         std::memcpy(buffer, &seq, sizeof seq);
                                         socket->SendTo(ns3::Create<ns3::Packet>(buffer, kPayload),
                                                        0, ns3::InetSocketAddress(to, kPort));
                                     });
        }
    }
    ns3::Simulator::Run();
    ns3::Simulator::Destroy();
    return run;
}

ns3::Ptr<GilbertElliottErrorModel>
MakeGe(double p, double r, double lossGood, double lossBad)
{
    auto ge = ns3::CreateObject<GilbertElliottErrorModel>();
    ge->SetAttribute("P", ns3::DoubleValue(p));
    ge->SetAttribute("R", ns3::DoubleValue(r));
    ge->SetAttribute("LossGood", ns3::DoubleValue(lossGood));
    ge->SetAttribute("LossBad", ns3::DoubleValue(lossBad));
    return ge;
}

/// Standard deviation of the loss ratio over n packets of a stationary Gilbert-Elliott
/// chain: Var(X) plus the lag covariances (lb-lg)^2 piB piG lambda^k, lambda = 1-p-r.
double
GeLossSd(double p, double r, double lossGood, double lossBad, double n)
{
    const double piB = p / (p + r);
    const double mean = piB * lossBad + (1 - piB) * lossGood;
    const double lambda = 1 - p - r;
    const double covSum =
        (lossBad - lossGood) * (lossBad - lossGood) * piB * (1 - piB) * lambda / (1 - lambda);
    return std::sqrt((mean * (1 - mean) + 2 * covSum) / n);
}

class LinkModelTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ns3::RngSeedManager::SetSeed(1);
        ns3::RngSeedManager::SetRun(1);
    }
    void TearDown() override { ns3::Simulator::Destroy(); }
};

TEST_F(LinkModelTest, GilbertElliottLossMatchesStationaryAnalysis)
{
    constexpr double p = 0.02, r = 0.25, lg = 0.01, lb = 0.6;
    constexpr int kPackets = 100000;
    for (int64_t stream : {11, 12, 13})
    {
        auto ge = MakeGe(p, r, lg, lb);
        ge->AssignStreams(stream);
        auto packet = ns3::Create<ns3::Packet>(100);
        int lost = 0;
        for (int i = 0; i < kPackets; ++i)
        {
            lost += ge->IsCorrupt(packet) ? 1 : 0;
        }
        const double expected = (p / (p + r)) * lb + (r / (p + r)) * lg;
        EXPECT_NEAR(ge->GetStationaryLoss(), expected, 1e-12);
        EXPECT_NEAR(static_cast<double>(lost) / kPackets, expected,
                    5 * GeLossSd(p, r, lg, lb, kPackets))
            << "stream " << stream;
        EXPECT_EQ(ge->GetLossCount(), static_cast<uint64_t>(lost));
    }
}

TEST_F(LinkModelTest, GilbertElliottBurstsLastOneOverRPackets)
{
    constexpr double p = 0.02, r = 0.25;
    constexpr int kPackets = 100000;
    // Pure Gilbert (Bad always loses, Good never): a loss burst is a Bad sojourn.
    auto ge = MakeGe(p, r, 0.0, 1.0);
    ge->AssignStreams(21);
    auto packet = ns3::Create<ns3::Packet>(100);
    std::vector<int> bursts;
    int run = 0;
    for (int i = 0; i < kPackets; ++i)
    {
        if (ge->IsCorrupt(packet))
        {
            ++run;
        }
        else if (run > 0)
        {
            bursts.push_back(run);
            run = 0;
        }
    }
    ASSERT_GT(bursts.size(), 1000u);
    double mean = 0;
    for (int b : bursts)
    {
        mean += b;
    }
    mean /= static_cast<double>(bursts.size());
    // Geometric sojourn: sd sqrt(1-r)/r per burst.
    const double sd = std::sqrt(1 - r) / r / std::sqrt(static_cast<double>(bursts.size()));
    EXPECT_NEAR(mean, 1 / r, 5 * sd);
    // Burstiness: far above what iid loss of the same rate would give (1 / (1 - loss)).
    EXPECT_GT(mean, 2.0);
}

TEST_F(LinkModelTest, GilbertElliottBadSojournIsOneOverRWithPartialLoss)
{
    constexpr double p = 0.05, r = 0.1;
    auto ge = MakeGe(p, r, 0.05, 0.5);
    ge->AssignStreams(31);
    std::vector<int> sojourns;
    int inBad = 0;
    auto packet = ns3::Create<ns3::Packet>(1);
    for (int i = 0; i < 100000; ++i)
    {
        ge->IsCorrupt(packet);
        if (ge->IsBad())
        {
            ++inBad;
        }
        else if (inBad > 0)
        {
            sojourns.push_back(inBad);
            inBad = 0;
        }
    }
    double mean = 0;
    for (int s : sojourns)
    {
        mean += s;
    }
    mean /= static_cast<double>(sojourns.size());
    const double sd = std::sqrt(1 - r) / r / std::sqrt(static_cast<double>(sojourns.size()));
    EXPECT_NEAR(mean, 1 / r, 5 * sd);
}

TEST_F(LinkModelTest, GilbertElliottOnOneDirectionOnly)
{
    constexpr double p = 0.05, r = 0.2, lg = 0.0, lb = 0.8;
    constexpr uint32_t kPackets = 20000;
    LinkSpec spec;
    spec.ab.loss = MakeGe(p, r, lg, lb);
    spec.packets = kPackets;
    spec.interval = ns3::MicroSeconds(100);
    spec.stream = 40;
    const LinkRun run = RunLink(spec);
    const double loss = 1.0 - static_cast<double>(run.aToB.size()) / kPackets;
    const double expected = (p / (p + r)) * lb;
    EXPECT_NEAR(loss, expected, 5 * GeLossSd(p, r, lg, lb, kPackets));
    EXPECT_EQ(run.bToA.size(), kPackets); // the reverse direction is untouched
}

TEST_F(LinkModelTest, IidLossRatioWithinBounds)
{
    constexpr double rate = 0.1;
    constexpr uint32_t kPackets = 20000;
    auto iid = ns3::CreateObject<ns3::RateErrorModel>();
    iid->SetUnit(ns3::RateErrorModel::ERROR_UNIT_PACKET);
    iid->SetRate(rate);
    LinkSpec spec;
    spec.ba.loss = iid;
    spec.packets = kPackets;
    spec.interval = ns3::MicroSeconds(100);
    spec.stream = 50;
    const LinkRun run = RunLink(spec);
    const double loss = 1.0 - static_cast<double>(run.bToA.size()) / kPackets;
    EXPECT_NEAR(loss, rate, 5 * std::sqrt(rate * (1 - rate) / kPackets));
    EXPECT_EQ(run.aToB.size(), kPackets);
}

struct Stats
{
    double mean = 0;
    double sd = 0;
    int inversions = 0;
};

Stats
Measure(const std::vector<Sample>& samples)
{
    Stats s;
    for (const Sample& x : samples)
    {
        s.mean += x.delay.GetSeconds();
    }
    s.mean /= static_cast<double>(samples.size());
    for (const Sample& x : samples)
    {
        s.sd += std::pow(x.delay.GetSeconds() - s.mean, 2);
    }
    s.sd = std::sqrt(s.sd / static_cast<double>(samples.size() - 1));
    for (std::size_t i = 1; i < samples.size(); ++i)
    {
        s.inversions += samples[i].seq < samples[i - 1].seq ? 1 : 0;
    }
    return s;
}

ns3::Ptr<ns3::RandomVariableStream>
Uniform(double min, double max)
{
    auto u = ns3::CreateObject<ns3::UniformRandomVariable>();
    u->SetAttribute("Min", ns3::DoubleValue(min));
    u->SetAttribute("Max", ns3::DoubleValue(max));
    return u;
}

TEST_F(LinkModelTest, UniformJitterWithReorderHasTheDrawnDistribution)
{
    constexpr uint32_t kPackets = 10000;
    LinkSpec spec;
    spec.ab.jitter = Uniform(0, 0.010);
    spec.allowReorder = true;
    spec.packets = kPackets;
    spec.stream = 60;
    const LinkRun run = RunLink(spec);
    ASSERT_EQ(run.aToB.size(), kPackets);
    const Stats s = Measure(run.aToB);
    // 5 ms + U[0, 10 ms]: mean 10 ms, sd 10/sqrt(12) ms.
    const double sd = 0.010 / std::sqrt(12.0);
    EXPECT_NEAR(s.mean, 0.010, 5 * sd / std::sqrt(kPackets));
    EXPECT_NEAR(s.sd, sd, 0.05 * sd);
    EXPECT_GT(s.inversions, 1000); // 1 ms apart with 10 ms of jitter: heavy reordering
    // Jitter is per direction: the reverse one has the constant 5 ms.
    const Stats back = Measure(run.bToA);
    EXPECT_NEAR(back.mean, 0.005, 1e-12);
    EXPECT_NEAR(back.sd, 0.0, 1e-12);
}

TEST_F(LinkModelTest, NoReorderKeepsFifoAndOnlyAddsDelay)
{
    constexpr uint32_t kPackets = 10000;
    LinkSpec spec;
    spec.ab.jitter = Uniform(0, 0.010);
    spec.ba.jitter = Uniform(0, 0.010);
    spec.allowReorder = false;
    spec.packets = kPackets;
    spec.stream = 60;
    const LinkRun run = RunLink(spec);
    for (const auto* dir : {&run.aToB, &run.bToA})
    {
        ASSERT_EQ(dir->size(), kPackets);
        const Stats s = Measure(*dir);
        EXPECT_EQ(s.inversions, 0);
        for (const Sample& x : *dir)
        {
            ASSERT_GE(x.delay, MilliSeconds(5));
            ASSERT_LE(x.delay, MilliSeconds(15));
        }
        // Holding packets behind slower predecessors raises the mean above 10 ms.
        EXPECT_GT(s.mean, 0.0105);
    }
}

TEST_F(LinkModelTest, NormalJitterAroundTheBaseDelay)
{
    constexpr uint32_t kPackets = 10000;
    auto normal = ns3::CreateObject<ns3::NormalRandomVariable>();
    normal->SetAttribute("Mean", ns3::DoubleValue(0.0));
    normal->SetAttribute("Variance", ns3::DoubleValue(0.001 * 0.001)); // sd 1 ms
    LinkSpec spec;
    spec.ba.jitter = normal;
    spec.allowReorder = true;
    spec.packets = kPackets;
    spec.interval = MilliSeconds(2);
    spec.stream = 70;
    const LinkRun run = RunLink(spec);
    const Stats s = Measure(run.bToA);
    EXPECT_NEAR(s.mean, 0.005, 5 * 0.001 / std::sqrt(kPackets));
    EXPECT_NEAR(s.sd, 0.001, 0.05 * 0.001);
    EXPECT_GT(s.inversions, 0); // 2 ms apart, sd 1 ms: occasional overtaking
}

TEST_F(LinkModelTest, PerDirectionBaseDelay)
{
    LinkSpec spec;
    spec.ab.delay = MilliSeconds(7);
    spec.ba.delay = MilliSeconds(2);
    spec.packets = 10;
    const LinkRun run = RunLink(spec);
    ASSERT_EQ(run.aToB.size(), 10u);
    ASSERT_EQ(run.bToA.size(), 10u);
    EXPECT_EQ(run.aToB[0].delay, MilliSeconds(7));
    EXPECT_EQ(run.bToA[0].delay, MilliSeconds(2));
}

std::vector<std::pair<uint32_t, int64_t>>
Fingerprint(uint32_t rngRun)
{
    ns3::RngSeedManager::SetRun(rngRun);
    LinkSpec spec;
    spec.ab.loss = MakeGe(0.05, 0.3, 0.01, 0.7);
    spec.ab.jitter = Uniform(0, 0.004);
    spec.ba.loss = MakeGe(0.05, 0.3, 0.01, 0.7);
    spec.allowReorder = true;
    spec.packets = 2000;
    spec.stream = 100;
    const LinkRun run = RunLink(spec);
    std::vector<std::pair<uint32_t, int64_t>> print;
    for (const auto* dir : {&run.aToB, &run.bToA})
    {
        for (const Sample& x : *dir)
        {
            print.emplace_back(x.seq, x.delay.GetNanoSeconds());
        }
        print.emplace_back(~0u, 0);
    }
    return print;
}

TEST_F(LinkModelTest, SameRunReproducesDifferentRunDiffers)
{
    const auto first = Fingerprint(1);
    const auto again = Fingerprint(1);
    const auto other = Fingerprint(2);
    EXPECT_EQ(first, again);
    EXPECT_NE(first, other);
    EXPECT_GT(first.size(), 3000u);
}

} // namespace
} // namespace sipsim::test
