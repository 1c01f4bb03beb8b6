// INVITE and non-INVITE client transactions (RFC 3261 §17.1, RFC 6026 §8.4).

#include "txn_test_util.h"

#include <chrono>
#include <gtest/gtest.h>

namespace sipsim::test
{
namespace
{

TEST(InviteClient, UdpRetransmitsAtExactTimesThenTimerB)
{
    const auto wallStart = std::chrono::steady_clock::now();
    LayerDriver d;
    const ClientTxnId id = d.Send(MakeTestRequest("INVITE"));
    ASSERT_TRUE(id);
    EXPECT_EQ(d.layer.ClientState(id), TxnState::Calling);
    d.RunUntil(Seconds(100));

    EXPECT_EQ(d.SendTimes("INVITE"), (std::vector<double>{0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5}));
    ASSERT_EQ(d.sent.size(), 7u);
    EXPECT_FALSE(d.sent[0].transmit.retransmission);
    for (std::size_t i = 1; i < d.sent.size(); ++i)
    {
        EXPECT_TRUE(d.sent[i].transmit.retransmission);
        EXPECT_EQ(d.sent[i].transmit.data, d.sent[0].transmit.data);
        // Retransmissions share the bytes the transaction kept rather than copying them.
        EXPECT_EQ(d.sent[i].transmit.data.data(), d.sent[0].transmit.data.data());
        EXPECT_EQ(d.sent[i].transmit.destination, kBob);
    }
    const auto timeouts = d.EventsOf<ClientTimeout>();
    ASSERT_EQ(timeouts.size(), 1u);
    EXPECT_EQ(timeouts[0].txn, id);
    EXPECT_EQ(timeouts[0].timer, TimerId::B);
    EXPECT_EQ(d.EventTimes<ClientTimeout>(), std::vector<TimePoint>{Seconds(32)});
    EXPECT_EQ(d.EventsOf<ClientTxnTerminated>().size(), 1u);
    EXPECT_EQ(d.layer.ClientTxnCount(), 0u);
    EXPECT_FALSE(d.layer.NextDeadline().has_value());
    EXPECT_EQ(d.layer.Counters().requestRetransmissions.at("INVITE"), 6u);
    EXPECT_EQ(d.layer.Counters().clientTimeouts, 1u);

    const auto wall = std::chrono::steady_clock::now() - wallStart;
    EXPECT_LT(wall, std::chrono::milliseconds(250)) << "virtual time must not wait";
}

TEST(InviteClient, ProvisionalStopsRetransmissionAndTimerB)
{
    LayerDriver d;
    const SipMessage invite = MakeTestRequest("INVITE");
    const ClientTxnId id = d.Send(invite);
    d.At(Seconds(1));
    d.Receive(MakeTestResponse(invite, 100), kBob);
    EXPECT_EQ(d.layer.ClientState(id), TxnState::Proceeding);
    d.RunUntil(Seconds(100));
    EXPECT_EQ(d.SendTimes("INVITE"), (std::vector<double>{0, 0.5}));
    EXPECT_TRUE(d.EventsOf<ClientTimeout>().empty());
    EXPECT_EQ(d.layer.ClientState(id), TxnState::Proceeding);
    ASSERT_EQ(d.EventsOf<ResponseReceived>().size(), 1u);
    EXPECT_EQ(d.EventsOf<ResponseReceived>()[0].response.StatusCode(), 100);
    EXPECT_FALSE(d.layer.NextDeadline().has_value());
}

TEST(InviteClient, Non2xxIsAckedPerSection17113AndTimerDAbsorbs)
{
    LayerDriver d;
    const SipMessage invite = MakeTestRequest("INVITE");
    const ClientTxnId id = d.Send(invite);
    d.At(Seconds(0.2));
    d.Receive(MakeTestResponse(invite, 180), kBob);
    d.At(Seconds(2));
    const SipMessage busy = MakeTestResponse(invite, 486);
    d.Receive(busy, kBob);
    EXPECT_EQ(d.layer.ClientState(id), TxnState::Completed);

    ASSERT_EQ(d.SendTimes("ACK"), std::vector<double>{2});
    const std::string& wire = d.sent.back().transmit.data;
    auto ack = ParseMessage(wire);
    ASSERT_TRUE(ack.Ok()) << ack.Error().ToString();
    EXPECT_EQ(ack->Method(), "ACK");
    EXPECT_EQ(ack->RequestUri(), invite.RequestUri());
    EXPECT_EQ(ack->GetAll("Via").size(), 1u);
    EXPECT_EQ(*ack->Get("Via"), *invite.Get("Via")); // same branch: hop-by-hop ACK
    EXPECT_EQ(*ack->Get("From"), *invite.Get("From"));
    EXPECT_EQ(*ack->Get("Call-ID"), *invite.Get("Call-ID"));
    EXPECT_EQ(*ack->Get("Route"), *invite.Get("Route"));
    EXPECT_EQ(*ack->Get("To"), *busy.Get("To")); // carries the UAS tag
    EXPECT_EQ(GetTo(*ack)->Tag(), "totag1");
    EXPECT_EQ(*GetCSeq(*ack), (CSeq{1, "ACK"}));
    EXPECT_EQ(d.sent.back().transmit.destination, kBob);

    // The ACK was lost: each final retransmission is absorbed and re-ACKed.
    d.At(Seconds(10));
    d.Receive(busy, kBob);
    d.At(Seconds(20));
    d.Receive(busy, kBob);
    EXPECT_EQ(d.SendTimes("ACK"), (std::vector<double>{2, 10, 20}));
    EXPECT_TRUE(d.sent.back().transmit.retransmission);
    EXPECT_EQ(d.layer.Counters().requestRetransmissions.at("ACK"), 2u);
    EXPECT_EQ(d.EventsOf<ResponseReceived>().size(), 2u); // 180 and the first 486 only

    d.RunUntil(Seconds(33.999));
    EXPECT_EQ(d.layer.ClientState(id), TxnState::Completed);
    d.RunUntil(Seconds(34));
    EXPECT_FALSE(d.layer.ClientState(id).has_value()); // Timer D = 32 s after the 486
    EXPECT_EQ(d.EventTimes<ClientTxnTerminated>(), std::vector<TimePoint>{Seconds(34)});
    d.Receive(busy, kBob);
    EXPECT_EQ(d.EventsOf<StrayResponse>().size(), 1u);
}

TEST(InviteClient, Rfc6026AcceptedPassesEvery2xxUntilTimerM)
{
    LayerDriver d;
    const SipMessage invite = MakeTestRequest("INVITE");
    const ClientTxnId id = d.Send(invite);
    d.At(Seconds(1));
    const SipMessage ok = MakeTestResponse(invite, 200);
    d.Receive(ok, kBob);
    EXPECT_EQ(d.layer.ClientState(id), TxnState::Accepted);
    EXPECT_TRUE(d.SendTimes("ACK").empty()); // the TU ACKs a 2xx, not the transaction
    d.At(Seconds(5));
    d.Receive(ok, kBob);                                     // retransmission
    d.Receive(MakeTestResponse(invite, 200, "fork2"), kBob); // another fork
    d.Receive(MakeTestResponse(invite, 486), kBob);          // absorbed
    EXPECT_EQ(d.EventsOf<ResponseReceived>().size(), 3u);
    EXPECT_EQ(d.SendTimes("INVITE"), (std::vector<double>{0, 0.5}));

    d.RunUntil(Seconds(32.999));
    EXPECT_EQ(d.layer.ClientState(id), TxnState::Accepted);
    d.RunUntil(Seconds(33)); // Timer M = 64*T1 after the first 2xx
    EXPECT_FALSE(d.layer.ClientState(id).has_value());
    d.Receive(ok, kBob);
    EXPECT_EQ(d.EventsOf<StrayResponse>().size(), 1u);
}

TEST(InviteClient, TcpHasNoRetransmissionsAndZeroTimerD)
{
    LayerDriver d;
    const SipMessage invite = MakeTestRequest("INVITE", "z9hG4bKtcp", "10.0.0.1:5060", 1, "TCP");
    const ClientTxnId id = d.Send(invite, Tcp(kBob));
    d.At(Seconds(1));
    d.Receive(MakeTestResponse(invite, 503), Tcp(kBob));
    EXPECT_EQ(d.SendTimes("INVITE"), std::vector<double>{0});
    EXPECT_EQ(d.SendTimes("ACK"), std::vector<double>{1});
    EXPECT_FALSE(d.layer.ClientState(id).has_value()); // D = 0: terminated at once
    EXPECT_EQ(d.EventsOf<ResponseReceived>().size(), 1u);
    EXPECT_EQ(d.EventsOf<ClientTxnTerminated>().size(), 1u);
}

TEST(InviteClient, TcpTimerBStillFires)
{
    LayerDriver d;
    d.Send(MakeTestRequest("INVITE", "z9hG4bKtcp", "10.0.0.1:5060", 1, "TCP"), Tcp(kBob));
    d.RunUntil(Seconds(100));
    EXPECT_EQ(d.sent.size(), 1u);
    EXPECT_EQ(d.EventTimes<ClientTimeout>(), std::vector<TimePoint>{Seconds(32)});
}

TEST(InviteClient, TimerCFiresAndIsResetByProvisionals)
{
    TimerConfig timers;
    timers.timerC = Seconds(180);
    LayerDriver d(timers);
    const SipMessage invite = MakeTestRequest("INVITE");
    ClientTxnOptions options;
    options.timerC = true;
    const ClientTxnId id = d.Send(invite, kBob, options);
    d.At(Seconds(1));
    d.Receive(MakeTestResponse(invite, 100), kBob); // 100 does not reset C
    d.At(Seconds(100));
    d.Receive(MakeTestResponse(invite, 180), kBob); // resets C to 280 s
    d.RunUntil(Seconds(279));
    EXPECT_TRUE(d.EventsOf<ClientTimeout>().empty());
    d.RunUntil(Seconds(400));
    const auto timeouts = d.EventsOf<ClientTimeout>();
    ASSERT_EQ(timeouts.size(), 1u);
    EXPECT_EQ(timeouts[0].timer, TimerId::C);
    EXPECT_EQ(d.EventTimes<ClientTimeout>(), std::vector<TimePoint>{Seconds(280)});
    EXPECT_EQ(d.layer.ClientState(id), TxnState::Proceeding); // the proxy core decides
    EXPECT_TRUE(d.layer.AbandonClientTxn(d.now, id));
    EXPECT_FALSE(d.layer.ClientState(id).has_value());
}

TEST(NonInviteClient, UdpRetransmitsCappedAtT2ThenTimerF)
{
    LayerDriver d;
    const ClientTxnId id = d.Send(MakeTestRequest("OPTIONS"));
    d.RunUntil(Seconds(100));
    EXPECT_EQ(d.SendTimes("OPTIONS"),
              (std::vector<double>{0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5}));
    const auto timeouts = d.EventsOf<ClientTimeout>();
    ASSERT_EQ(timeouts.size(), 1u);
    EXPECT_EQ(timeouts[0].txn, id);
    EXPECT_EQ(timeouts[0].timer, TimerId::F);
    EXPECT_EQ(d.EventTimes<ClientTimeout>(), std::vector<TimePoint>{Seconds(32)});
    EXPECT_EQ(d.layer.Counters().requestRetransmissions.at("OPTIONS"), 10u);
    EXPECT_EQ(d.layer.ClientTxnCount(), 0u);
}

TEST(NonInviteClient, ProceedingRetransmitsEveryT2)
{
    LayerDriver d;
    const SipMessage bye = MakeTestRequest("BYE");
    const ClientTxnId id = d.Send(bye);
    d.At(Seconds(0.2));
    d.Receive(MakeTestResponse(bye, 100), kBob);
    EXPECT_EQ(d.layer.ClientState(id), TxnState::Proceeding);
    d.RunUntil(Seconds(100));
    EXPECT_EQ(d.SendTimes("BYE"),
              (std::vector<double>{0, 0.5, 4.5, 8.5, 12.5, 16.5, 20.5, 24.5, 28.5}));
    EXPECT_EQ(d.EventTimes<ClientTimeout>(), std::vector<TimePoint>{Seconds(32)});
}

TEST(NonInviteClient, TimerKAbsorbsResponseRetransmissions)
{
    LayerDriver d;
    const SipMessage reg = MakeTestRequest("REGISTER");
    const ClientTxnId id = d.Send(reg);
    d.At(Seconds(1));
    const SipMessage ok = MakeTestResponse(reg, 200);
    d.Receive(ok, kBob);
    EXPECT_EQ(d.layer.ClientState(id), TxnState::Completed);
    d.At(Seconds(3));
    d.Receive(ok, kBob);
    EXPECT_EQ(d.EventsOf<ResponseReceived>().size(), 1u);
    EXPECT_EQ(d.layer.Counters().responsesAbsorbed, 1u);
    d.RunUntil(Seconds(5.999));
    EXPECT_EQ(d.layer.ClientState(id), TxnState::Completed);
    d.RunUntil(Seconds(6)); // K = T4
    EXPECT_FALSE(d.layer.ClientState(id).has_value());
    EXPECT_EQ(d.SendTimes("REGISTER"), (std::vector<double>{0, 0.5})); // E stopped
}

TEST(NonInviteClient, TcpZeroTimerK)
{
    LayerDriver d;
    const SipMessage bye = MakeTestRequest("BYE", "z9hG4bKtcpbye", "10.0.0.1:5060", 2, "TCP");
    const ClientTxnId id = d.Send(bye, Tcp(kBob));
    d.At(Seconds(1));
    d.Receive(MakeTestResponse(bye, 200), Tcp(kBob));
    EXPECT_FALSE(d.layer.ClientState(id).has_value());
    EXPECT_EQ(d.sent.size(), 1u);
}

TEST(ClientLayer, AddsBranchWhenMissingAndSendsAckStatelessly)
{
    LayerDriver d;
    const ClientTxnId id = d.Send(MakeTestRequest("OPTIONS", ""));
    ASSERT_TRUE(id);
    const auto via = GetTopVia(*d.layer.ClientRequest(id));
    ASSERT_TRUE(via.Ok());
    EXPECT_EQ(via->Branch().rfind("z9hG4bK", 0), 0u);
    EXPECT_EQ(via->Branch().size(), 7u + 16u);

    const std::size_t before = d.layer.ClientTxnCount();
    EXPECT_FALSE(d.Send(MakeTestRequest("ACK", "z9hG4bKack")));
    EXPECT_EQ(d.layer.ClientTxnCount(), before);
    EXPECT_EQ(d.SendTimes("ACK"), std::vector<double>{0});

    // Reusing a branch for the same method is refused rather than mis-matched.
    EXPECT_FALSE(d.Send(MakeTestRequest("OPTIONS", std::string(via->Branch()))));
}

TEST(ClientLayer, AddsViaFromOptionsWhenAbsent)
{
    LayerOptions options;
    options.sentBy = "10.0.0.1:5070";
    LayerDriver d({}, options);
    SipMessage request = MakeTestRequest("OPTIONS");
    request.Remove("Via");
    const ClientTxnId id = d.Send(request, Tcp(kBob));
    ASSERT_TRUE(id);
    const auto via = GetTopVia(*d.layer.ClientRequest(id));
    ASSERT_TRUE(via.Ok());
    EXPECT_EQ(via->transport, "TCP");
    EXPECT_EQ(via->SentBy(), "10.0.0.1:5070");
    EXPECT_FALSE(via->Branch().empty());
}

TEST(ClientLayer, ResponseMatchingUsesBranchAndCSeqMethod)
{
    LayerDriver d;
    const SipMessage invite = MakeTestRequest("INVITE", "z9hG4bKmatch");
    const ClientTxnId inviteId = d.Send(invite);
    const SipMessage cancel = MakeCancel(invite);
    const ClientTxnId cancelId = d.Send(cancel);
    ASSERT_TRUE(cancelId);
    EXPECT_NE(inviteId, cancelId);

    d.Receive(MakeTestResponse(cancel, 200), kBob);
    EXPECT_EQ(d.layer.ClientState(cancelId), TxnState::Completed);
    EXPECT_EQ(d.layer.ClientState(inviteId), TxnState::Calling);

    d.Receive(MakeTestResponse(MakeTestRequest("INVITE", "z9hG4bKother"), 180), kBob);
    EXPECT_EQ(d.EventsOf<StrayResponse>().size(), 1u);
    EXPECT_EQ(d.layer.ClientState(inviteId), TxnState::Calling);

    d.Receive(MakeTestResponse(invite, 487), kBob);
    const auto responses = d.EventsOf<ResponseReceived>();
    ASSERT_EQ(responses.size(), 2u);
    EXPECT_EQ(responses[0].txn, cancelId);
    EXPECT_EQ(responses[1].txn, inviteId);
}

TEST(ClientLayer, TransportErrorTerminatesWithEvent)
{
    LayerDriver d;
    const ClientTxnId a = d.Send(MakeTestRequest("INVITE", "z9hG4bKa"));
    const ClientTxnId b = d.Send(MakeTestRequest("OPTIONS", "z9hG4bKb"), kAlice);
    d.layer.HandleTransportError(d.now, kBob);
    d.Drain();
    const auto errors = d.EventsOf<ClientTransportError>();
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].txn, a);
    EXPECT_EQ(errors[0].destination, kBob);
    EXPECT_FALSE(d.layer.ClientState(a).has_value());
    EXPECT_EQ(d.layer.ClientState(b), TxnState::Trying);
    EXPECT_EQ(d.layer.Counters().transportErrors, 1u);
}

TEST(ClientLayer, NextDeadlineIsExactAfterTheEarliestTimerIsCancelledOrRearmed)
{
    // Queued timer entries are invalidated lazily, yet NextDeadline() is what an element
    // arms its one timer with: a cancelled or re-armed timer must never be reported.
    LayerDriver d;
    const SipMessage invite = MakeTestRequest("INVITE", "z9hG4bKa");
    d.Send(invite);
    EXPECT_EQ(d.layer.NextDeadline(), Seconds(0.5)); // Timer A
    d.At(Seconds(0.1));
    d.Send(MakeTestRequest("OPTIONS", "z9hG4bKb"), kAlice);
    EXPECT_EQ(d.layer.NextDeadline(), Seconds(0.5)); // still the INVITE's Timer A

    d.At(Seconds(0.2));
    d.Receive(MakeTestResponse(invite, 180), kBob);  // cancels Timers A and B
    EXPECT_EQ(d.layer.NextDeadline(), Seconds(0.6)); // the OPTIONS' Timer E

    d.At(Seconds(0.6)); // E fires and is re-armed for 1.6 s (doubled)
    EXPECT_EQ(d.layer.NextDeadline(), Seconds(1.6));
    d.Receive(MakeTestResponse(invite, 486), kBob); // the INVITE completes: Timer D
    EXPECT_EQ(d.layer.NextDeadline(), Seconds(1.6));
    d.layer.HandleTransportError(d.now, kAlice); // the OPTIONS terminates
    d.Drain();
    EXPECT_EQ(d.layer.NextDeadline(), Seconds(32.6)); // the INVITE's Timer D
}

} // namespace
} // namespace sipsim::test
