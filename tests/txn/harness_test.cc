// The virtual-time harness driving two transaction layers over lossy in-memory links.

#include "harness/virtual_network.h"
#include "txn_test_util.h"

#include <chrono>
#include <gtest/gtest.h>

namespace sipsim::test
{
namespace
{

/// A minimal element on top of a TransactionLayer: answers every request with a fixed
/// final status and remembers what its TU saw.
class TxnEndpoint : public Endpoint
{
public:
    TxnEndpoint(uint64_t seed, int answer = 486)
        : m_random(seed), layer(TimerConfig{}, m_random), m_answer(answer)
    {
    }

    void HandleDatagram(TimePoint now, std::string_view bytes, const Address& from) override
    {
        auto message = ParseMessage(bytes);
        if (!message.Ok())
        {
            return;
        }
        layer.HandleMessage(now, *message, from);
        Pump(now);
    }
    void HandleTimeout(TimePoint now) override
    {
        layer.HandleTimeout(now);
        Pump(now);
    }
    void HandleTransportError(TimePoint now, const Address& destination) override
    {
        layer.HandleTransportError(now, destination);
        Pump(now);
    }
    std::optional<Transmit> PollTransmit() override { return layer.PollTransmit(); }
    std::optional<TimePoint> NextDeadline() const override { return layer.NextDeadline(); }

    std::vector<TxnEvent> seen;

    SplitMixRandom m_random;
    TransactionLayer layer;

private:
    void Pump(TimePoint now)
    {
        while (auto event = layer.PollEvent())
        {
            if (const auto* request = std::get_if<RequestReceived>(&*event))
            {
                layer.SendResponse(
                    now, request->txn,
                    MakeTestResponse(request->request,
                                     request->request.Method() == "INVITE" ? m_answer : 200));
            }
            seen.push_back(std::move(*event));
        }
    }

    int m_answer;
};

template <typename T>
std::size_t
CountOf(const std::vector<TxnEvent>& events)
{
    std::size_t n = 0;
    for (const auto& event : events)
    {
        n += std::holds_alternative<T>(event) ? 1 : 0;
    }
    return n;
}

TEST(VirtualNetwork, LostInviteIsRetransmittedAndLadderIsRecorded)
{
    VirtualNetwork net(1, Milliseconds(10));
    TxnEndpoint alice(1), bob(2, 486);
    net.Attach(kAlice, alice);
    net.Attach(kBob, bob);
    net.DropNth(kAlice, kBob, 1); // the first INVITE
    net.DropNth(kAlice, kBob, 3); // the first ACK

    const ClientTxnId id = alice.layer.SendRequest(net.Now(), MakeTestRequest("INVITE"), kBob);
    ASSERT_TRUE(id);
    net.Flush();
    net.RunUntil(Seconds(60));

    std::vector<std::string> ladder;
    for (const auto& r : net.Log())
    {
        const std::string line = r.StartLine();
        const std::string what =
            line.rfind("SIP/2.0", 0) == 0 ? line.substr(0, 11) : line.substr(0, line.find(' '));
        ladder.push_back(std::to_string(ToSeconds(r.sentAt)).substr(0, 5) + " " + what +
                         (r.Delivered() ? "" : " X"));
    }
    const std::vector<std::string> expected = {
        "0.000 INVITE X",    // dropped
        "0.500 INVITE",      // Timer A
        "0.510 SIP/2.0 486", // Bob answers at once (no 100 needed)
        "0.520 ACK X",       // dropped
        "1.010 SIP/2.0 486", // Timer G at T1
        "1.020 ACK",         // re-ACKed by Alice's Completed state
    };
    EXPECT_EQ(ladder, expected);
    EXPECT_TRUE(net.Log()[1].retransmission);
    EXPECT_TRUE(net.Log()[4].retransmission);
    EXPECT_EQ(CountOf<ResponseReceived>(alice.seen), 1u);
    EXPECT_EQ(CountOf<RequestReceived>(bob.seen), 1u);
    EXPECT_EQ(alice.layer.ClientTxnCount(), 0u);
    EXPECT_EQ(bob.layer.ServerTxnCount(), 0u);
    EXPECT_FALSE(net.NextEventTime().has_value());
}

TEST(VirtualNetwork, UnansweredInviteTimesOutInMicroseconds)
{
    const auto wallStart = std::chrono::steady_clock::now();
    VirtualNetwork net;
    TxnEndpoint alice(1);
    net.Attach(kAlice, alice);
    alice.layer.SendRequest(net.Now(), MakeTestRequest("INVITE"), kBob); // nobody at kBob
    net.Flush();
    net.RunUntil(Seconds(100));
    EXPECT_EQ(net.Matching("INVITE").size(), 7u);
    EXPECT_EQ(net.Log().back().fate, DatagramRecord::Fate::NoRoute);
    EXPECT_EQ(net.Log().back().sentAt, Seconds(31.5));
    EXPECT_EQ(CountOf<ClientTimeout>(alice.seen), 1u);
    EXPECT_EQ(net.Now(), Seconds(100));
    EXPECT_LT(std::chrono::steady_clock::now() - wallStart, std::chrono::milliseconds(250));
}

TEST(VirtualNetwork, TcpToNowhereReportsTransportError)
{
    VirtualNetwork net;
    TxnEndpoint alice(1);
    net.Attach(Tcp(kAlice), alice);
    alice.layer.SendRequest(net.Now(), MakeTestRequest("OPTIONS", "z9hG4bKt", "10.0.0.1", 1, "TCP"),
                            Tcp(kBob));
    net.Flush();
    net.RunUntil(Seconds(1));
    EXPECT_EQ(CountOf<ClientTransportError>(alice.seen), 1u);
    EXPECT_EQ(net.Log().size(), 1u);
}

TEST(VirtualNetwork, RandomLossIsReproducibleAndRecovered)
{
    auto run = [](uint64_t seed) {
        VirtualNetwork net(seed, Milliseconds(20));
        TxnEndpoint alice(1), bob(2, 200);
        net.Attach(kAlice, alice);
        net.Attach(kBob, bob);
        net.SetLossRate(0.3);
        for (int i = 0; i < 20; ++i)
        {
            alice.layer.SendRequest(
                net.Now(), MakeTestRequest("OPTIONS", "z9hG4bKloss" + std::to_string(i)), kBob);
        }
        net.Flush();
        net.RunUntil(Seconds(60));
        std::size_t finals = 0;
        for (const auto& event : alice.seen)
        {
            if (const auto* r = std::get_if<ResponseReceived>(&event))
            {
                finals += r->response.StatusCode() >= 200 ? 1 : 0;
            }
        }
        return std::make_pair(finals, net.DroppedCount());
    };
    const auto a = run(42);
    const auto b = run(42);
    EXPECT_EQ(a, b);
    EXPECT_GT(a.second, 0u);
    EXPECT_EQ(a.first, 20u); // 11 tries at 30% loss each way: all complete
    EXPECT_NE(run(43).second, 0u);
}

TEST(VirtualNetwork, PathDelayAndPredicateDrops)
{
    VirtualNetwork net;
    TxnEndpoint alice(1), bob(2, 200);
    net.Attach(kAlice, alice);
    net.Attach(kBob, bob);
    net.SetPathDelay(kAlice, kBob, Milliseconds(100));
    // Drop every 200 OK once: the first copy is lost, the absorbed retransmission re-sends it.
    net.SetDropPredicate([](const DatagramRecord& r) {
        return r.StartLine().rfind("SIP/2.0 200", 0) == 0 && r.linkIndex == 1;
    });
    alice.layer.SendRequest(net.Now(), MakeTestRequest("OPTIONS"), kBob);
    net.Flush();
    net.RunUntil(Seconds(40));
    const auto oks = net.Matching("SIP/2.0 200");
    ASSERT_EQ(oks.size(), 2u);
    EXPECT_FALSE(oks[0].Delivered());
    EXPECT_EQ(oks[0].sentAt, Milliseconds(100));
    EXPECT_EQ(oks[1].sentAt, Milliseconds(600)); // answer to the Timer E retransmission
    EXPECT_EQ(oks[1].deliverAt, Milliseconds(700));
}

} // namespace
} // namespace sipsim::test
