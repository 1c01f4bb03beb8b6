#ifndef SIPSIM_TESTS_SIM_TEST_UTIL_H
#define SIPSIM_TESTS_SIM_TEST_UTIL_H

// Shared fixtures for the ns-3 glue tests: scriptable endpoints and a two-node network.

#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"
#include "sim/sip_element_application.h"
#include "sim/sip_element_helper.h"

#include <gtest/gtest.h>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sipsim::test
{

struct Received
{
    TimePoint at;
    std::string bytes;
    Address from;
};

/// Sends what the test queues, records what arrives, and fires deadlines the test sets.
class ScriptedEndpoint : public Endpoint
{
public:
    void HandleDatagram(TimePoint now, std::string_view bytes, const Address& from) override
    {
        received.push_back({now, std::string(bytes), from});
    }
    void HandleTimeout(TimePoint now) override
    {
        timeouts.push_back(now);
        if (deadline && *deadline <= now)
        {
            deadline.reset();
        }
    }
    void HandleTransportError(TimePoint now, const Address& destination) override
    {
        errors.push_back({now, destination});
    }
    std::optional<Transmit> PollTransmit() override
    {
        if (outbox.empty())
        {
            return std::nullopt;
        }
        Transmit t = std::move(outbox.front());
        outbox.erase(outbox.begin());
        return t;
    }
    std::optional<TimePoint> NextDeadline() const override { return deadline; }

    std::vector<Transmit> outbox;
    std::optional<TimePoint> deadline;
    std::vector<Received> received;
    std::vector<TimePoint> timeouts;
    std::vector<std::pair<TimePoint, Address>> errors;
};

/// Answers every datagram with the same bytes, to the source, one second later.
class EchoEndpoint : public Endpoint
{
public:
    static constexpr Duration kDelay = std::chrono::seconds(1);

    void HandleDatagram(TimePoint now, std::string_view bytes, const Address& from) override
    {
        arrivals.push_back(now);
        pending.emplace(now + kDelay, Transmit{from, std::string(bytes), false, nullptr});
    }
    void HandleTimeout(TimePoint now) override
    {
        timeouts.push_back(now);
        while (!pending.empty() && pending.begin()->first <= now)
        {
            outbox.push_back(std::move(pending.begin()->second));
            pending.erase(pending.begin());
        }
    }
    void HandleTransportError(TimePoint, const Address&) override { ++errors; }
    std::optional<Transmit> PollTransmit() override
    {
        if (outbox.empty())
        {
            return std::nullopt;
        }
        Transmit t = std::move(outbox.front());
        outbox.erase(outbox.begin());
        return t;
    }
    std::optional<TimePoint> NextDeadline() const override
    {
        if (pending.empty())
        {
            return std::nullopt;
        }
        return pending.begin()->first;
    }

    std::multimap<TimePoint, Transmit> pending;
    std::vector<Transmit> outbox;
    std::vector<TimePoint> arrivals;
    std::vector<TimePoint> timeouts;
    int errors = 0;
};

/// Two nodes, 10 Mbps / 5 ms point-to-point, 10.1.1.1 <-> 10.1.1.2, one element on each.
class TwoNodeTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ns3::RngSeedManager::SetSeed(1);
        ns3::RngSeedManager::SetRun(1);
        nodes.Create(2);
        ns3::PointToPointHelper p2p;
        p2p.SetDeviceAttribute("DataRate", ns3::StringValue("10Mbps"));
        p2p.SetChannelAttribute("Delay", ns3::StringValue("5ms"));
        devices = p2p.Install(nodes);
        ns3::InternetStackHelper stack;
        stack.Install(nodes);
        ns3::Ipv4AddressHelper addresses("10.1.1.0", "255.255.255.0");
        interfaces = addresses.Assign(devices);
    }
    void TearDown() override { ns3::Simulator::Destroy(); }

    /// Installs an element on node `i` running `endpoint`; returns the app.
    template <class E>
    ns3::Ptr<SipElementApplication> Install(
        uint32_t i, E*& endpoint,
        const std::map<std::string, ns3::Ptr<ns3::AttributeValue>>& attributes = {})
    {
        auto owned = std::make_unique<E>();
        endpoint = owned.get();
        auto shared = std::make_shared<std::unique_ptr<Endpoint>>(std::move(owned));
        SipElementHelper helper([shared](ns3::Ptr<ns3::Node>) { return std::move(*shared); });
        for (const auto& [name, value] : attributes)
        {
            helper.SetAttribute(name, *value);
        }
        auto apps = helper.Install(nodes.Get(i));
        apps.Start(ns3::Seconds(0));
        return ns3::DynamicCast<SipElementApplication>(apps.Get(0));
    }

    Address AddressOf(uint32_t i, uint16_t port = 5060, Transport t = Transport::Udp) const
    {
        std::ostringstream host;
        interfaces.GetAddress(i).Print(host);
        return Address{host.str(), port, t};
    }

    ns3::NodeContainer nodes;
    ns3::NetDeviceContainer devices;
    ns3::Ipv4InterfaceContainer interfaces;
};

/// An ns-3 callback from a lambda (for trace sinks).
template <class... Args, class F>
ns3::Callback<void, Args...>
Cb(F f)
{
    return ns3::Callback<void, Args...>(std::move(f));
}

/// Runs `f` at simulated time `at`.
template <class F>
void
At(ns3::Time at, F f)
{
    ns3::Simulator::Schedule(at - ns3::Simulator::Now(), std::function<void()>(std::move(f)));
}

} // namespace sipsim::test

#endif
