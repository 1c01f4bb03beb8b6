// INVITE and non-INVITE server transactions (RFC 3261 §17.2, RFC 6026 §8.5-8.7).

#include "txn_test_util.h"

#include <gtest/gtest.h>

namespace sipsim::test
{
namespace
{

/// The layer plays Bob: requests arrive from Alice.
struct ServerFixture : ::testing::Test
{
    LayerDriver d;
    SipMessage invite = MakeTestRequest("INVITE");

    ServerTxnId ReceiveInvite()
    {
        d.Receive(invite, kAlice);
        return d.LastServerTxn();
    }
};

TEST_F(ServerFixture, NewRequestGoesUpOnceAndRetransmissionResendsLastResponse)
{
    const ServerTxnId id = ReceiveInvite();
    ASSERT_TRUE(id);
    EXPECT_EQ(d.layer.ServerState(id), TxnState::Proceeding);
    ASSERT_TRUE(d.Respond(id, MakeTestResponse(invite, 180)));
    d.At(Seconds(0.5));
    d.Receive(invite, kAlice); // retransmission
    EXPECT_EQ(d.EventsOf<RequestReceived>().size(), 1u);
    EXPECT_EQ(d.SendTimes("SIP/2.0 180"), (std::vector<double>{0, 0.5}));
    EXPECT_TRUE(d.sent.back().transmit.retransmission);
    EXPECT_EQ(d.sent.back().transmit.destination, kAlice);
    EXPECT_EQ(d.layer.Counters().responseRetransmissions.at(180), 1u);
    EXPECT_EQ(d.layer.Counters().requestsAbsorbed, 1u);
}

TEST_F(ServerFixture, Automatic100TryingAfter200ms)
{
    const ServerTxnId id = ReceiveInvite();
    d.RunUntil(Seconds(1));
    ASSERT_EQ(d.SendTimes("SIP/2.0 100 Trying"), std::vector<double>{0.2});
    auto trying = ParseMessage(d.sent[0].transmit.data);
    ASSERT_TRUE(trying.Ok());
    EXPECT_EQ(*trying->Get("Via"), *invite.Get("Via"));
    EXPECT_EQ(*trying->Get("CSeq"), *invite.Get("CSeq"));
    EXPECT_EQ(*trying->Get("Call-ID"), *invite.Get("Call-ID"));
    EXPECT_EQ(d.layer.Counters().autoTrying, 1u);
    // The 100 is the last provisional: a retransmitted INVITE gets it again.
    d.Receive(invite, kAlice);
    EXPECT_EQ(d.SendTimes("SIP/2.0 100 Trying"), (std::vector<double>{0.2, 1}));
    EXPECT_EQ(d.layer.ServerState(id), TxnState::Proceeding);
}

TEST_F(ServerFixture, NoAutomatic100WhenTuAnswersFirst)
{
    const ServerTxnId id = ReceiveInvite();
    d.At(Seconds(0.1));
    d.Respond(id, MakeTestResponse(invite, 180));
    d.RunUntil(Seconds(1));
    EXPECT_TRUE(d.SendTimes("SIP/2.0 100").empty());
}

TEST(InviteServer, ProxyStyle100AtOnceOrDisabled)
{
    TimerConfig atOnce;
    atOnce.trying100Delay = Duration::zero();
    LayerDriver proxy(atOnce);
    proxy.Receive(MakeTestRequest("INVITE"), kAlice);
    EXPECT_EQ(proxy.SendTimes("SIP/2.0 100"), std::vector<double>{0});

    TimerConfig never;
    never.trying100Delay = Milliseconds(-1);
    LayerDriver quiet(never);
    quiet.Receive(MakeTestRequest("INVITE"), kAlice);
    quiet.RunUntil(Seconds(10));
    EXPECT_TRUE(quiet.sent.empty());
}

TEST_F(ServerFixture, TimerGDoublesToT2UntilTimerH)
{
    const ServerTxnId id = ReceiveInvite();
    d.At(Seconds(0.1));
    ASSERT_TRUE(d.Respond(id, MakeTestResponse(invite, 486)));
    EXPECT_EQ(d.layer.ServerState(id), TxnState::Completed);
    d.RunUntil(Seconds(100));
    EXPECT_EQ(d.SendTimes("SIP/2.0 486"),
              (std::vector<double>{0.1, 0.6, 1.6, 3.6, 7.6, 11.6, 15.6, 19.6, 23.6, 27.6, 31.6}));
    const auto timeouts = d.EventsOf<ServerTimeout>();
    ASSERT_EQ(timeouts.size(), 1u);
    EXPECT_EQ(timeouts[0].txn, id);
    EXPECT_EQ(timeouts[0].timer, TimerId::H);
    EXPECT_EQ(d.EventTimes<ServerTimeout>(), std::vector<TimePoint>{Seconds(32.1)});
    EXPECT_EQ(d.layer.Counters().responseRetransmissions.at(486), 10u);
    EXPECT_EQ(d.layer.ServerTxnCount(), 0u);
}

TEST_F(ServerFixture, AckStopsTimerGAndTimerIAbsorbsAckRetransmissions)
{
    const ServerTxnId id = ReceiveInvite();
    const SipMessage busy = MakeTestResponse(invite, 486);
    d.Respond(id, busy);
    d.At(Seconds(2));
    const SipMessage ack = MakeAckForNon2xx(invite, busy);
    d.Receive(ack, kAlice);
    EXPECT_EQ(d.layer.ServerState(id), TxnState::Confirmed);
    d.At(Seconds(3));
    d.Receive(ack, kAlice);    // absorbed in Confirmed
    d.Receive(invite, kAlice); // absorbed in Confirmed, no re-send
    EXPECT_TRUE(d.EventsOf<AckReceived>().empty());
    EXPECT_EQ(d.EventsOf<RequestReceived>().size(), 1u);
    d.RunUntil(Seconds(6.999));
    EXPECT_EQ(d.layer.ServerState(id), TxnState::Confirmed);
    d.RunUntil(Seconds(7)); // I = T4 after the ACK
    EXPECT_FALSE(d.layer.ServerState(id).has_value());
    EXPECT_EQ(d.SendTimes("SIP/2.0 486"), (std::vector<double>{0, 0.5, 1.5}));
}

TEST_F(ServerFixture, Rfc6026AcceptedAbsorbsInviteAndPassesAckUntilTimerL)
{
    const ServerTxnId id = ReceiveInvite();
    const SipMessage ok = MakeTestResponse(invite, 200);
    ASSERT_TRUE(d.Respond(id, ok));
    EXPECT_EQ(d.layer.ServerState(id), TxnState::Accepted);
    d.At(Seconds(1));
    d.Receive(invite, kAlice); // retransmission: absorbed, not re-answered
    EXPECT_EQ(d.SendTimes("SIP/2.0 200"), std::vector<double>{0});
    EXPECT_EQ(d.EventsOf<RequestReceived>().size(), 1u);

    // The UAS core retransmits its 2xx through the transaction; another fork's 2xx is new.
    ASSERT_TRUE(d.Respond(id, ok));
    EXPECT_TRUE(d.sent.back().transmit.retransmission);
    ASSERT_TRUE(d.Respond(id, MakeTestResponse(invite, 200, "fork2")));
    EXPECT_FALSE(d.sent.back().transmit.retransmission);
    EXPECT_FALSE(d.Respond(id, MakeTestResponse(invite, 486)));
    EXPECT_FALSE(d.Respond(id, MakeTestResponse(invite, 180)));

    // An ACK that matches the transaction in Accepted belongs to the TU.
    SipMessage ack = MakeTestRequest("ACK");
    d.Receive(ack, kAlice);
    const auto acks = d.EventsOf<AckReceived>();
    ASSERT_EQ(acks.size(), 1u);
    EXPECT_EQ(acks[0].txn, id);

    d.RunUntil(Seconds(31.999));
    EXPECT_EQ(d.layer.ServerState(id), TxnState::Accepted);
    d.RunUntil(Seconds(32)); // L = 64*T1 after the 2xx
    EXPECT_FALSE(d.layer.ServerState(id).has_value());
    EXPECT_EQ(d.SendTimes("SIP/2.0 200").size(), 3u); // no timer-driven 2xx retransmission
}

TEST_F(ServerFixture, AckForTwoHundredWithNewBranchGoesUpWithoutTransaction)
{
    const ServerTxnId id = ReceiveInvite();
    d.Respond(id, MakeTestResponse(invite, 200));
    d.Receive(MakeTestRequest("ACK", "z9hG4bKnewack"), kAlice);
    const auto acks = d.EventsOf<AckReceived>();
    ASSERT_EQ(acks.size(), 1u);
    EXPECT_FALSE(acks[0].txn);
    EXPECT_EQ(d.layer.ServerTxnCount(), 1u); // no transaction for an ACK
}

TEST_F(ServerFixture, TcpHasNoTimerGAndZeroTimerI)
{
    const SipMessage tcpInvite = MakeTestRequest("INVITE", "z9hG4bKtcp", "10.0.0.1:5060", 1, "TCP");
    d.Receive(tcpInvite, Tcp(kAlice));
    const ServerTxnId id = d.LastServerTxn();
    const SipMessage busy = MakeTestResponse(tcpInvite, 486);
    d.Respond(id, busy);
    EXPECT_EQ(d.sent.back().transmit.destination, Tcp(kAlice));
    d.At(Seconds(10));
    EXPECT_EQ(d.SendTimes("SIP/2.0 486"), std::vector<double>{0});
    d.Receive(MakeAckForNon2xx(tcpInvite, busy), Tcp(kAlice));
    EXPECT_FALSE(d.layer.ServerState(id).has_value()); // I = 0
}

TEST(NonInviteServer, TimerJAndRetransmissionHandling)
{
    LayerDriver d;
    const SipMessage options = MakeTestRequest("OPTIONS");
    d.Receive(options, kAlice);
    const ServerTxnId id = d.LastServerTxn();
    EXPECT_EQ(d.layer.ServerState(id), TxnState::Trying);
    d.Receive(options, kAlice); // Trying: absorbed silently
    EXPECT_TRUE(d.sent.empty());
    EXPECT_FALSE(d.Respond(id, MakeTestRequest("OPTIONS"))); // not a response
    d.At(Seconds(1));
    ASSERT_TRUE(d.Respond(id, MakeTestResponse(options, 200)));
    EXPECT_EQ(d.layer.ServerState(id), TxnState::Completed);
    EXPECT_FALSE(d.Respond(id, MakeTestResponse(options, 500)));
    d.At(Seconds(2));
    d.Receive(options, kAlice); // Completed: final re-sent
    EXPECT_EQ(d.SendTimes("SIP/2.0 200"), (std::vector<double>{1, 2}));
    EXPECT_TRUE(d.sent.back().transmit.retransmission);
    EXPECT_EQ(d.EventsOf<RequestReceived>().size(), 1u);
    d.RunUntil(Seconds(32.999));
    EXPECT_EQ(d.layer.ServerState(id), TxnState::Completed);
    d.RunUntil(Seconds(33)); // J = 64*T1
    EXPECT_FALSE(d.layer.ServerState(id).has_value());
    EXPECT_EQ(d.EventsOf<ServerTxnTerminated>().size(), 1u);
}

TEST(NonInviteServer, ProceedingResendsProvisionalAndTcpZeroJ)
{
    LayerDriver d;
    const SipMessage bye = MakeTestRequest("BYE", "z9hG4bKbye", "10.0.0.1:5060", 2, "TCP");
    d.Receive(bye, Tcp(kAlice));
    const ServerTxnId id = d.LastServerTxn();
    d.Respond(id, MakeTestResponse(bye, 100));
    EXPECT_EQ(d.layer.ServerState(id), TxnState::Proceeding);
    d.Receive(bye, Tcp(kAlice));
    EXPECT_EQ(d.SendTimes("SIP/2.0 100").size(), 2u);
    d.Respond(id, MakeTestResponse(bye, 200));
    EXPECT_FALSE(d.layer.ServerState(id).has_value()); // J = 0 over TCP
}

TEST(ServerLayer, TransportErrorTerminatesServerTransaction)
{
    LayerDriver d;
    const SipMessage invite = MakeTestRequest("INVITE");
    d.Receive(invite, kAlice);
    const ServerTxnId id = d.LastServerTxn();
    d.Respond(id, MakeTestResponse(invite, 486));
    d.layer.HandleTransportError(d.now, kAlice);
    d.Drain();
    const auto errors = d.EventsOf<ServerTransportError>();
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].txn, id);
    EXPECT_FALSE(d.layer.ServerState(id).has_value());
}

} // namespace
} // namespace sipsim::test
