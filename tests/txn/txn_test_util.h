#ifndef SIPSIM_TESTS_TXN_TXN_TEST_UTIL_H
#define SIPSIM_TESTS_TXN_TXN_TEST_UTIL_H

// Drives a TransactionLayer directly in virtual time: no harness, no parsing.

#include "sip/headers.h"
#include "sip/message.h"
#include "txn/transaction_layer.h"

#include <string>
#include <variant>
#include <vector>

namespace sipsim::test
{

inline const Address kAlice{"10.0.0.1", 5060, Transport::Udp};
inline const Address kBob{"10.0.0.2", 5060, Transport::Udp};

/// A request as a UAC at kAlice would send it to kBob.
inline SipMessage
MakeTestRequest(const std::string& method, const std::string& branch = "z9hG4bKtest1",
                const std::string& sentBy = "10.0.0.1:5060", uint32_t cseq = 1,
                const std::string& transport = "UDP")
{
    SipMessage request = SipMessage::MakeRequest(method, "sip:bob@10.0.0.2");
    std::string via = "SIP/2.0/" + transport + " " + sentBy;
    if (!branch.empty())
    {
        via += ";branch=" + branch;
    }
    request.Add("Via", via);
    request.Add("Max-Forwards", "70");
    request.Add("Route", "<sip:proxy.example.com;lr>");
    request.Add("From", "\"Alice\" <sip:alice@10.0.0.1>;tag=fromtag1");
    request.Add("To", "<sip:bob@10.0.0.2>");
    request.Add("Call-ID", "call-1@10.0.0.1");
    request.Add("CSeq", std::to_string(cseq) + " " + method);
    request.Add("Content-Length", "0");
    return request;
}

inline SipMessage
MakeTestResponse(const SipMessage& request, int code, const std::string& toTag = "totag1")
{
    return MakeResponseTo(request, code, std::string(DefaultReasonPhrase(code)),
                          code == 100 ? std::string_view() : std::string_view(toTag));
}

struct SentRecord
{
    TimePoint time;
    Transmit transmit;
    std::string StartLine() const
    {
        return transmit.data.Str().substr(0, transmit.data.Str().find("\r\n"));
    }
};

struct EventRecord
{
    TimePoint time;
    TxnEvent event;
};

/// Owns a layer and records everything it emits with the virtual time.
class LayerDriver
{
public:
    explicit LayerDriver(TimerConfig timers = {}, LayerOptions options = {}, uint64_t seed = 7)
        : random(seed), layer(timers, random, WithTraces(options))
    {
    }

    void Drain()
    {
        while (auto transmit = layer.PollTransmit())
        {
            sent.push_back(SentRecord{now, std::move(*transmit)});
        }
        while (auto event = layer.PollEvent())
        {
            events.push_back(EventRecord{now, std::move(*event)});
        }
        while (auto trace = layer.PollTrace())
        {
            traces.push_back(std::move(*trace));
        }
    }

    /// Fires every deadline up to `until` in order, then sets now = until.
    void RunUntil(TimePoint until)
    {
        while (auto deadline = layer.NextDeadline())
        {
            if (*deadline > until)
            {
                break;
            }
            now = *deadline;
            layer.HandleTimeout(now);
            Drain();
        }
        now = until;
    }

    void At(TimePoint time) { RunUntil(time); }

    void Receive(const SipMessage& message, const Address& from)
    {
        layer.HandleMessage(now, message, from);
        Drain();
    }

    ClientTxnId Send(SipMessage request, const Address& to = kBob, ClientTxnOptions options = {})
    {
        const ClientTxnId id = layer.SendRequest(now, std::move(request), to, options);
        Drain();
        return id;
    }

    bool Respond(ServerTxnId txn, SipMessage response)
    {
        const bool ok = layer.SendResponse(now, txn, std::move(response));
        Drain();
        return ok;
    }

    template <typename T> std::vector<T> EventsOf() const
    {
        std::vector<T> out;
        for (const auto& record : events)
        {
            if (const T* event = std::get_if<T>(&record.event))
            {
                out.push_back(*event);
            }
        }
        return out;
    }

    template <typename T> std::vector<TimePoint> EventTimes() const
    {
        std::vector<TimePoint> out;
        for (const auto& record : events)
        {
            if (std::holds_alternative<T>(record.event))
            {
                out.push_back(record.time);
            }
        }
        return out;
    }

    /// Send times of transmits whose start line begins with `prefix`.
    std::vector<double> SendTimes(const std::string& prefix) const
    {
        std::vector<double> out;
        for (const auto& record : sent)
        {
            if (record.transmit.data.Str().compare(0, prefix.size(), prefix) == 0)
            {
                out.push_back(ToSeconds(record.time));
            }
        }
        return out;
    }

    /// The last received RequestReceived's server transaction.
    ServerTxnId LastServerTxn() const
    {
        for (auto it = events.rbegin(); it != events.rend(); ++it)
        {
            if (const auto* received = std::get_if<RequestReceived>(&it->event))
            {
                return received->txn;
            }
        }
        return ServerTxnId{};
    }

    SplitMixRandom random;
    TransactionLayer layer;
    TimePoint now{0};
    std::vector<SentRecord> sent;
    std::vector<EventRecord> events;
    std::vector<TransactionTrace> traces;

private:
    static LayerOptions WithTraces(LayerOptions options)
    {
        options.recordTraces = true;
        return options;
    }
};

inline Address
Tcp(Address address)
{
    address.transport = Transport::Tcp;
    return address;
}

} // namespace sipsim::test

#endif
