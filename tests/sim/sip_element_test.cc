// SipElementApplication over UDP: delivery, the single timer, traces, errors, the CPU queue.

#include "sim_test_util.h"

namespace sipsim::test
{
namespace
{

using ns3::MilliSeconds;
using ns3::Seconds;

ns3::Ptr<ns3::AttributeValue>
Attr(const ns3::AttributeValue& v)
{
    return v.Copy();
}

/// One-way latency of `bytes` over the 10 Mbps / 5 ms link (UDP+IP+PPP headers, no
/// fragmentation).
ns3::Time
OneWay(std::size_t bytes)
{
    return MilliSeconds(5) + ns3::NanoSeconds((bytes + 8 + 20 + 2) * 8 * 100);
}

TEST(ToSipAddress, WritesTheDottedQuadAsNs3PrintsIt)
{
    // Every octet width (1, 2 and 3 digits) in every position, and the extremes.
    std::vector<uint32_t> addresses = {0, 0xffffffffu, 0x0a000001u, 0xc0a80164u};
    for (const uint32_t octet : {0u, 7u, 10u, 99u, 100u, 255u})
    {
        for (int shift = 0; shift < 32; shift += 8)
        {
            addresses.push_back((octet << shift) | (0x01010101u & ~(0xffu << shift)));
        }
    }
    for (const uint32_t ip : addresses)
    {
        std::ostringstream printed;
        ns3::Ipv4Address(ip).Print(printed);
        const Address address =
            ToSipAddress(ns3::InetSocketAddress(ns3::Ipv4Address(ip), 5070), Transport::Udp);
        EXPECT_EQ(address.host, printed.str());
        EXPECT_EQ(address.port, 5070);
    }
}

TEST_F(TwoNodeTest, EchoDeliversBytesIntactAndTimerFiresOnTime)
{
    ScriptedEndpoint* client = nullptr;
    EchoEndpoint* server = nullptr;
    auto clientApp = Install(0, client);
    auto serverApp = Install(1, server);

    // Binary-safe payload (NULs, high bytes), and one larger than the MTU (IP fragments).
    std::string small("INVITE\0\xff\r\n", 10);
    std::string large(4000, 'x');
    for (std::size_t i = 0; i < large.size(); ++i)
    {
        large[i] = static_cast<char>(i * 7);
    }
    At(Seconds(1), [&] {
        client->outbox.push_back({AddressOf(1), small, false, nullptr});
        clientApp->Flush();
    });
    At(Seconds(1.5), [&] {
        client->outbox.push_back({AddressOf(1), large, false, nullptr});
        clientApp->Flush();
    });
    ns3::Simulator::Stop(Seconds(10));
    ns3::Simulator::Run();

    ASSERT_EQ(server->arrivals.size(), 2u);
    EXPECT_EQ(server->arrivals[0], ToSipTime(Seconds(1) + OneWay(small.size())));
    // The timer fired exactly at each deadline, once each: no stale events.
    ASSERT_EQ(server->timeouts.size(), 2u);
    EXPECT_EQ(server->timeouts[0], server->arrivals[0] + EchoEndpoint::kDelay);
    EXPECT_EQ(server->timeouts[1], server->arrivals[1] + EchoEndpoint::kDelay);
    EXPECT_EQ(serverApp->GetTimerSchedules(), 2u);
    EXPECT_FALSE(serverApp->IsTimerArmed());

    ASSERT_EQ(client->received.size(), 2u);
    EXPECT_EQ(client->received[0].bytes, small);
    EXPECT_EQ(client->received[1].bytes, large);
    EXPECT_EQ(client->received[0].from, AddressOf(1));
    EXPECT_EQ(client->received[0].at, server->timeouts[0] + ToSipTime(OneWay(small.size())));
    // The client never had a deadline: its timer was never armed.
    EXPECT_EQ(clientApp->GetTimerSchedules(), 0u);
}

TEST_F(TwoNodeTest, OneTimerEventRescheduledOnlyWhenTheDeadlineChanges)
{
    ScriptedEndpoint* client = nullptr;
    EchoEndpoint* server = nullptr;
    auto clientApp = Install(0, client);
    auto serverApp = Install(1, server);
    for (double t : {1.0, 1.1, 1.2})
    {
        At(Seconds(t), [&] {
            client->outbox.push_back({AddressOf(1), "ping", false, nullptr});
            clientApp->Flush();
        });
    }
    std::vector<std::pair<bool, ns3::Time>> checks;
    for (double t : {0.5, 1.15, 1.25, 2.05, 2.5})
    {
        At(Seconds(t),
           [&] { checks.emplace_back(serverApp->IsTimerArmed(), serverApp->GetTimerExpiry()); });
    }
    ns3::Simulator::Run();

    ASSERT_EQ(server->arrivals.size(), 3u);
    const ns3::Time a0 = ToNs3Time(server->arrivals[0]);
    const ns3::Time a1 = ToNs3Time(server->arrivals[1]);
    ASSERT_EQ(checks.size(), 5u);
    EXPECT_FALSE(checks[0].first);
    // Later arrivals do not move the earliest deadline: the event stays as it was.
    EXPECT_TRUE(checks[1].first);
    EXPECT_EQ(checks[1].second, a0 + Seconds(1));
    EXPECT_EQ(checks[2].second, a0 + Seconds(1));
    EXPECT_EQ(checks[3].second, a1 + Seconds(1));
    EXPECT_FALSE(checks[4].first);
    // One schedule per deadline, one timeout per schedule.
    EXPECT_EQ(serverApp->GetTimerSchedules(), 3u);
    EXPECT_EQ(server->timeouts.size(), 3u);
    EXPECT_EQ(client->received.size(), 3u);
}

TEST_F(TwoNodeTest, EarlierDeadlineCancelsTheOldEvent)
{
    ScriptedEndpoint* e = nullptr;
    auto app = Install(0, e);
    At(Seconds(0.1), [&] {
        e->deadline = ToSipTime(Seconds(5));
        app->Flush();
    });
    At(Seconds(1), [&] {
        e->deadline = ToSipTime(Seconds(3));
        app->Flush();
    });
    // A deadline already in the past fires at once, not never.
    At(Seconds(4), [&] {
        e->deadline = ToSipTime(Seconds(3.5));
        app->Flush();
    });
    ns3::Simulator::Run();
    ASSERT_EQ(e->timeouts.size(), 2u);
    EXPECT_EQ(e->timeouts[0], ToSipTime(Seconds(3)));
    EXPECT_EQ(e->timeouts[1], ToSipTime(Seconds(4)));
    EXPECT_EQ(app->GetTimerSchedules(), 3u);
    EXPECT_EQ(ns3::Simulator::Now(), Seconds(4)); // the 5 s event was cancelled
}

TEST_F(TwoNodeTest, TracesReportTxRxAndRetransmissionFlag)
{
    ScriptedEndpoint* client = nullptr;
    ScriptedEndpoint* server = nullptr;
    auto clientApp = Install(0, client);
    auto serverApp = Install(1, server);
    std::vector<std::tuple<std::string, Address, bool>> tx;
    std::vector<std::pair<std::string, Address>> rx;
    auto payload = [](ns3::Ptr<const ns3::Packet> p) {
        std::string s(p->GetSize(), '\0');
        p->CopyData(reinterpret_cast<uint8_t*>(s.data()), s.size());
        return s;
    };
    clientApp->TraceConnectWithoutContext(
        "Tx", Cb<ns3::Ptr<const ns3::Packet>, const Address&, bool>(
                  [&](ns3::Ptr<const ns3::Packet> p, const Address& to, bool re) {
                      tx.emplace_back(payload(p), to, re);
                  }));
    serverApp->TraceConnectWithoutContext(
        "Rx", Cb<ns3::Ptr<const ns3::Packet>, const Address&>(
                  [&](ns3::Ptr<const ns3::Packet> p, const Address& from) {
                      rx.emplace_back(payload(p), from);
                  }));
    std::vector<std::string> events;
    serverApp->TraceConnectWithoutContext(
        "CoreEvent",
        Cb<const std::string&, const std::string&>(
            [&](const std::string& k, const std::string& d) { events.push_back(k + "=" + d); }));

    At(Seconds(1), [&] {
        client->outbox.push_back({AddressOf(1), "first", false, nullptr});
        client->outbox.push_back({AddressOf(1), "again", true, nullptr});
        clientApp->Flush();
        serverApp->NotifyCoreEvent("call", "started");
    });
    ns3::Simulator::Run();

    ASSERT_EQ(tx.size(), 2u);
    EXPECT_EQ(tx[0], std::make_tuple(std::string("first"), AddressOf(1), false));
    EXPECT_EQ(tx[1], std::make_tuple(std::string("again"), AddressOf(1), true));
    ASSERT_EQ(rx.size(), 2u);
    EXPECT_EQ(rx[0], std::make_pair(std::string("first"), AddressOf(0)));
    EXPECT_EQ(server->received.size(), 2u);
    EXPECT_EQ(events, std::vector<std::string>{"call=started"});
}

TEST_F(TwoNodeTest, UndeliverableSendsAreDroppedAndReported)
{
    ScriptedEndpoint* e = nullptr;
    auto app = Install(0, e);
    std::vector<std::string> reasons;
    app->TraceConnectWithoutContext(
        "Drop", Cb<ns3::Ptr<const ns3::Packet>, const Address&, const std::string&>(
                    [&](ns3::Ptr<const ns3::Packet>, const Address&, const std::string& why) {
                        reasons.push_back(why);
                    }));
    const Address noRoute{"172.16.0.1", 5060, Transport::Udp};
    const Address name{"proxy.example.com", 5060, Transport::Udp};
    const Address tcp{"10.1.1.2", 5060, Transport::Tcp};
    At(Seconds(1), [&] {
        e->outbox.push_back({noRoute, "x", false, nullptr});
        e->outbox.push_back({name, "x", false, nullptr});
        e->outbox.push_back({tcp, "x", false, nullptr});
        app->Flush();
    });
    ns3::Simulator::Run();
    EXPECT_EQ(reasons,
              (std::vector<std::string>{"no-route", "unresolvable", "transport-mismatch"}));
    ASSERT_EQ(e->errors.size(), 3u);
    EXPECT_EQ(e->errors[0].second, noRoute);
    EXPECT_EQ(e->errors[1].second, name);
    EXPECT_EQ(e->errors[0].first, ToSipTime(Seconds(1)));
}

TEST_F(TwoNodeTest, ResolverMapsHostNames)
{
    ScriptedEndpoint* client = nullptr;
    ScriptedEndpoint* server = nullptr;
    auto clientApp = Install(0, client);
    Install(1, server);
    clientApp->SetResolver([](const std::string& host) -> std::optional<ns3::Ipv4Address> {
        if (host == "server.example.com")
        {
            return ns3::Ipv4Address("10.1.1.2");
        }
        return std::nullopt;
    });
    At(Seconds(1), [&] {
        Transmit hello;
        hello.destination = Address{"server.example.com", 5060, Transport::Udp};
        hello.data = "hi";
        client->outbox.push_back(std::move(hello));
        clientApp->Flush();
    });
    ns3::Simulator::Run();
    ASSERT_EQ(server->received.size(), 1u);
    EXPECT_EQ(server->received[0].bytes, "hi");
    EXPECT_TRUE(client->errors.empty());
}

TEST_F(TwoNodeTest, ProcessingQueueIsFifoAndDropsBeyondLimit)
{
    ScriptedEndpoint* client = nullptr;
    ScriptedEndpoint* server = nullptr;
    auto clientApp = Install(0, client);
    auto serverApp = Install(1, server,
                             {{"ProcessingDelay", Attr(ns3::TimeValue(MilliSeconds(10)))},
                              {"ServiceQueueLimit", Attr(ns3::UintegerValue(3))}});
    std::vector<std::pair<ns3::Time, std::string>> arrivals;
    std::vector<std::string> dropped;
    auto payload = [](ns3::Ptr<const ns3::Packet> p) {
        std::string s(p->GetSize(), '\0');
        p->CopyData(reinterpret_cast<uint8_t*>(s.data()), s.size());
        return s;
    };
    serverApp->TraceConnectWithoutContext(
        "Rx", Cb<ns3::Ptr<const ns3::Packet>, const Address&>(
                  [&](ns3::Ptr<const ns3::Packet> p, const Address&) {
                      arrivals.emplace_back(ns3::Simulator::Now(), payload(p));
                  }));
    serverApp->TraceConnectWithoutContext(
        "Drop", Cb<ns3::Ptr<const ns3::Packet>, const Address&, const std::string&>(
                    [&](ns3::Ptr<const ns3::Packet> p, const Address&, const std::string& why) {
                        EXPECT_EQ(why, "queue-overflow");
                        dropped.push_back(payload(p));
                    }));
    At(Seconds(1), [&] {
        for (int i = 0; i < 10; ++i)
        {
            client->outbox.push_back({AddressOf(1), "m" + std::to_string(i), false, nullptr});
        }
        clientApp->Flush();
    });
    At(Seconds(1.012), [&] { EXPECT_EQ(serverApp->GetServiceQueueLength(), 3u); });
    At(Seconds(1.018), [&] { EXPECT_EQ(serverApp->GetServiceQueueLength(), 2u); });
    ns3::Simulator::Run();

    ASSERT_EQ(arrivals.size(), 10u);
    // m0 in service, m1..m3 wait, m4..m9 find three waiting and are shed.
    EXPECT_EQ(dropped, (std::vector<std::string>{"m4", "m5", "m6", "m7", "m8", "m9"}));
    ASSERT_EQ(server->received.size(), 4u);
    ns3::Time end(0);
    for (int i = 0; i < 4; ++i)
    {
        EXPECT_EQ(server->received[i].bytes, "m" + std::to_string(i));
        end = ns3::Max(end, arrivals[i].first) + MilliSeconds(10);
        EXPECT_EQ(server->received[i].at, ToSipTime(end)) << i;
    }
}

TEST_F(TwoNodeTest, RandomServiceTimeHasTheConfiguredMean)
{
    ScriptedEndpoint* client = nullptr;
    ScriptedEndpoint* server = nullptr;
    auto clientApp = Install(0, client);
    auto service = ns3::CreateObject<ns3::ExponentialRandomVariable>();
    service->SetAttribute("Mean", ns3::DoubleValue(0.005));
    service->SetAttribute("Bound", ns3::DoubleValue(0.0));
    auto serverApp = Install(1, server, {{"ServiceTime", Attr(ns3::PointerValue(service))}});
    serverApp->AssignStreams(7);
    constexpr int kMessages = 2000;
    for (int i = 0; i < kMessages; ++i)
    {
        // 50 ms apart: the server is idle at each arrival, so delay == service time.
        At(Seconds(1) + MilliSeconds(50 * i), [&] {
            client->outbox.push_back({AddressOf(1), "msg", false, nullptr});
            clientApp->Flush();
        });
    }
    ns3::Simulator::Run();
    ASSERT_EQ(server->received.size(), static_cast<std::size_t>(kMessages));
    double sum = 0;
    for (int i = 0; i < kMessages; ++i)
    {
        const ns3::Time sent = Seconds(1) + MilliSeconds(50 * i);
        sum += (ToNs3Time(server->received[i].at) - sent - OneWay(3)).GetSeconds();
    }
    // Exponential: sd == mean, so the sample mean's sd is 5 ms / sqrt(2000) ~ 0.11 ms.
    EXPECT_NEAR(sum / kMessages, 0.005, 5 * 0.005 / std::sqrt(kMessages));
}

TEST_F(TwoNodeTest, HelperGivesEachElementItsOwnServiceTimeVariable)
{
    SipElementHelper helper([](ns3::Ptr<ns3::Node>) { return std::make_unique<EchoEndpoint>(); });
    helper.SetAttribute("ServiceTime",
                        ns3::StringValue("ns3::ExponentialRandomVariable[Mean=0.004]"));
    auto apps = helper.Install(nodes);
    ASSERT_EQ(apps.GetN(), 2u);
    ns3::PointerValue first;
    ns3::PointerValue second;
    apps.Get(0)->GetAttribute("ServiceTime", first);
    apps.Get(1)->GetAttribute("ServiceTime", second);
    auto x = first.Get<ns3::ExponentialRandomVariable>();
    auto y = second.Get<ns3::ExponentialRandomVariable>();
    ASSERT_TRUE(x && y);
    EXPECT_NE(x, y);
    EXPECT_DOUBLE_EQ(x->GetMean(), 0.004);
    EXPECT_DOUBLE_EQ(y->GetMean(), 0.004);
    EXPECT_NE(x->GetValue(), y->GetValue()); // distinct streams
}

TEST_F(TwoNodeTest, StopApplicationCancelsTheTimerAndIgnoresLateTraffic)
{
    ScriptedEndpoint* client = nullptr;
    EchoEndpoint* server = nullptr;
    auto clientApp = Install(0, client);
    auto serverApp = Install(1, server);
    serverApp->SetStopTime(Seconds(1.5));
    At(Seconds(1), [&] {
        client->outbox.push_back({AddressOf(1), "a", false, nullptr});
        clientApp->Flush();
    });
    At(Seconds(2), [&] {
        client->outbox.push_back({AddressOf(1), "b", false, nullptr});
        clientApp->Flush();
    });
    ns3::Simulator::Run();
    EXPECT_EQ(server->arrivals.size(), 1u);
    EXPECT_TRUE(server->timeouts.empty()); // the 2.005 s deadline died with the app
    EXPECT_TRUE(client->received.empty());
}

} // namespace
} // namespace sipsim::test
