// Server matching (§17.2.3, RFC 2543 fallback), CANCEL lookup (§9.2), response routing
// (§18.2.2), traces and transition checks, and memory hygiene.

#include "sip/abnf.h"
#include "txn/invite_client_transaction.h"
#include "txn/matching.h"
#include "txn/non_invite_server_transaction.h"
#include "txn_test_util.h"

#include <gtest/gtest.h>

namespace sipsim::test
{
namespace
{

TEST(ServerMatching, BranchSentByAndMethodSelectTheTransaction)
{
    LayerDriver d;
    const SipMessage invite = MakeTestRequest("INVITE", "z9hG4bKone");
    d.Receive(invite, kAlice);
    const ServerTxnId first = d.LastServerTxn();

    d.Receive(MakeTestRequest("INVITE", "z9hG4bKtwo"), kAlice); // different branch
    const ServerTxnId second = d.LastServerTxn();
    EXPECT_NE(first, second);

    // Same branch, different sent-by: not a retransmission (§17.2.3).
    d.Receive(MakeTestRequest("INVITE", "z9hG4bKone", "10.0.0.9:5060"), kAlice);
    const ServerTxnId third = d.LastServerTxn();
    EXPECT_NE(third, first);
    EXPECT_NE(third, second);

    // Same branch, CANCEL: its own transaction, and it finds the INVITE (§9.2).
    const SipMessage cancel = MakeCancel(invite);
    d.Receive(cancel, kAlice);
    const auto received = d.EventsOf<RequestReceived>();
    ASSERT_EQ(received.size(), 4u);
    EXPECT_EQ(received[3].request.Method(), "CANCEL");
    const ServerTxnId cancelTxn = received[3].txn;
    EXPECT_NE(cancelTxn, first);
    EXPECT_EQ(d.layer.FindInviteServerTxnForCancel(cancel), first);
    EXPECT_FALSE(
        d.layer.FindInviteServerTxnForCancel(MakeCancel(MakeTestRequest("INVITE", "z9hG4bKnone"))));
    EXPECT_EQ(d.layer.ServerTxnCount(), 4u);

    // A retransmission of the second INVITE is absorbed.
    d.Receive(MakeTestRequest("INVITE", "z9hG4bKtwo", "10.0.0.1:5060"), kAlice);
    EXPECT_EQ(d.EventsOf<RequestReceived>().size(), 4u);

    // The ACK for a non-2xx matches the INVITE transaction (method ACK ~ INVITE).
    const SipMessage busy = MakeTestResponse(invite, 486);
    d.Respond(first, busy);
    d.Receive(MakeAckForNon2xx(invite, busy), kAlice);
    EXPECT_EQ(d.layer.ServerState(first), TxnState::Confirmed);
    EXPECT_TRUE(d.EventsOf<AckReceived>().empty());
}

TEST(ServerMatching, KeyIsBranchLowercaseSentByAndMethod)
{
    // ServerKey is written through a cursor into a buffer sized first; it must read as the
    // plain rule: branch ";" sent-by in lower case ";" method.
    const std::vector<std::optional<uint16_t>> ports = {std::nullopt, 0, 9, 5060, 65535};
    for (const std::string host : {"PC33.Atlanta.Example.COM", "a", "[2001:DB8::A]", "10.0.0.1"})
    {
        for (const auto& port : ports)
        {
            Via via;
            via.host = host;
            via.port = port;
            via.params.push_back(GenericParam{"branch", std::string("z9hG4bKMixedCase")});
            const SipMessage request = MakeTestRequest("OPTIONS", "z9hG4bKMixedCase");
            const std::string sentBy = abnf::ToLower(via.SentBy());
            EXPECT_EQ(ServerKey(request, via, "INVITE"), "z9hG4bKMixedCase;" + sentBy + ";INVITE");
        }
    }
}

TEST(ServerMatching, Rfc2543RequestsWithoutCookie)
{
    LayerDriver d;
    const SipMessage invite = MakeTestRequest("INVITE", ""); // no branch at all
    d.Receive(invite, kAlice);
    const ServerTxnId id = d.LastServerTxn();
    ASSERT_TRUE(id);
    d.Receive(invite, kAlice); // retransmission: same URI, tags, Call-ID, CSeq, Via
    EXPECT_EQ(d.EventsOf<RequestReceived>().size(), 1u);

    SipMessage otherFrom = invite;
    otherFrom.Set("From", "<sip:carol@10.0.0.3>;tag=other");
    d.Receive(otherFrom, kAlice);
    EXPECT_EQ(d.EventsOf<RequestReceived>().size(), 2u);

    SipMessage oldBranch = MakeTestRequest("OPTIONS", "1234-rfc2543"); // branch, no cookie
    d.Receive(oldBranch, kAlice);
    d.Receive(oldBranch, kAlice);
    EXPECT_EQ(d.EventsOf<RequestReceived>().size(), 3u);

    // The ACK matches when its To tag is the one of the response sent.
    const SipMessage busy = MakeTestResponse(invite, 486, "uas-tag");
    d.Respond(id, busy);
    SipMessage wrongTag = MakeAckForNon2xx(invite, MakeTestResponse(invite, 486, "other"));
    d.Receive(wrongTag, kAlice);
    EXPECT_EQ(d.layer.ServerState(id), TxnState::Completed);
    EXPECT_EQ(d.EventsOf<AckReceived>().size(), 1u);
    d.Receive(MakeAckForNon2xx(invite, busy), kAlice);
    EXPECT_EQ(d.layer.ServerState(id), TxnState::Confirmed);
}

TEST(ServerMatching, MalformedMessagesAreDroppedNotFatal)
{
    LayerDriver d;
    SipMessage noVia = MakeTestRequest("INVITE");
    noVia.Remove("Via");
    d.Receive(noVia, kAlice);
    SipMessage response = MakeTestResponse(MakeTestRequest("INVITE"), 200);
    response.Remove("CSeq");
    d.Receive(response, kBob);
    EXPECT_TRUE(d.events.empty());
    EXPECT_EQ(d.layer.Counters().malformedDropped, 2u);
}

TEST(ResponseRouting, ReceivedRportAndMaddr)
{
    SipMessage response = SipMessage::MakeResponse(200, "OK");
    response.Add("Via", "SIP/2.0/UDP pc33.example.com:5070;branch=z9hG4bKx");
    const Address source{"192.0.2.7", 6000, Transport::Udp};
    EXPECT_EQ(ResponseDestination(response, source), (Address{"pc33.example.com", 5070}));
    response.Set("Via", "SIP/2.0/UDP pc33.example.com;branch=z9hG4bKx;received=192.0.2.7");
    EXPECT_EQ(ResponseDestination(response, source), (Address{"192.0.2.7", 5060}));
    response.Set("Via", "SIP/2.0/UDP pc33.example.com;branch=z9hG4bKx;received=192.0.2.7;"
                        "rport=6000");
    EXPECT_EQ(ResponseDestination(response, source), (Address{"192.0.2.7", 6000}));
    response.Set("Via", "SIP/2.0/UDP pc33.example.com:5080;branch=z9hG4bKx;maddr=239.1.1.1");
    EXPECT_EQ(ResponseDestination(response, source), (Address{"239.1.1.1", 5080}));
    EXPECT_EQ(ResponseDestination(response, Tcp(source)), Tcp(source));
}

TEST(ResponseRouting, ServerStampsReceivedAndRportAndAnswersTheSource)
{
    LayerDriver d;
    SipMessage invite = MakeTestRequest("INVITE", "z9hG4bKnat");
    invite.Set("Via", "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKnat;rport");
    const Address natted{"203.0.113.5", 40000, Transport::Udp};
    d.Receive(invite, natted);
    const auto received = d.EventsOf<RequestReceived>();
    ASSERT_EQ(received.size(), 1u);
    const auto via = GetTopVia(received[0].request);
    ASSERT_TRUE(via.Ok());
    EXPECT_EQ(via->Received(), std::optional<std::string>("203.0.113.5"));
    EXPECT_EQ(via->Rport(), std::optional<uint16_t>(40000));
    EXPECT_EQ(d.layer.ServerRequestSource(received[0].txn), natted);

    d.Respond(received[0].txn, MakeTestResponse(received[0].request, 180));
    EXPECT_EQ(d.sent.back().transmit.destination, natted);
    // The stamped Via still matches retransmissions of the original request.
    d.Receive(invite, natted);
    EXPECT_EQ(d.EventsOf<RequestReceived>().size(), 1u);
}

TEST(Traces, EveryStateChangeIsRecordedInOrder)
{
    LayerDriver d;
    const SipMessage invite = MakeTestRequest("INVITE");
    std::vector<std::string> viaCallback;
    d.layer.SetTraceCallback([&](const TransactionTrace& trace) {
        viaCallback.push_back(std::string(TxnStateName(trace.toState)));
    });
    d.Receive(invite, kAlice);
    const ServerTxnId id = d.LastServerTxn();
    d.At(Seconds(1));
    const SipMessage busy = MakeTestResponse(invite, 486);
    d.Respond(id, busy);
    d.At(Seconds(2));
    d.Receive(MakeAckForNon2xx(invite, busy), kAlice);
    d.RunUntil(Seconds(10));

    ASSERT_EQ(d.traces.size(), 3u);
    const TransactionTrace& t0 = d.traces[0];
    EXPECT_EQ(t0.kind, TxnKind::InviteServer);
    EXPECT_EQ(t0.fromState, TxnState::Proceeding);
    EXPECT_EQ(t0.toState, TxnState::Completed);
    EXPECT_EQ(t0.cause, "tx 486");
    EXPECT_EQ(t0.time, Seconds(1));
    EXPECT_EQ(t0.transactionKey, "z9hG4bKtest1;10.0.0.1:5060;INVITE");
    EXPECT_EQ(d.traces[1].toState, TxnState::Confirmed);
    EXPECT_EQ(d.traces[1].time, Seconds(2));
    EXPECT_EQ(d.traces[2].toState, TxnState::Terminated);
    EXPECT_EQ(d.traces[2].cause, "Timer I");
    EXPECT_EQ(d.traces[2].time, Seconds(7));
    EXPECT_EQ(viaCallback, (std::vector<std::string>{"Completed", "Confirmed", "Terminated"}));
}

TEST(Transitions, IllegalMovesAreRefusedWithoutTrace)
{
    TxnContext ctx(TimerConfig{}, true);
    InviteClientTransaction ict(ctx, 1, "k", MakeTestRequest("INVITE"), kBob, false);
    EXPECT_FALSE(ict.TransitionTo(TxnState::Confirmed, "bogus"));
    EXPECT_FALSE(ict.TransitionTo(TxnState::Trying, "bogus"));
    EXPECT_TRUE(ict.TransitionTo(TxnState::Proceeding, "rx", 180));
    EXPECT_FALSE(ict.TransitionTo(TxnState::Calling, "backwards"));
    EXPECT_TRUE(ict.TransitionTo(TxnState::Completed, "rx", 486));
    EXPECT_FALSE(ict.TransitionTo(TxnState::Accepted, "backwards"));
    EXPECT_FALSE(ict.TransitionTo(TxnState::Proceeding, "backwards"));
    EXPECT_TRUE(ict.TransitionTo(TxnState::Terminated, "Timer D"));
    EXPECT_FALSE(ict.TransitionTo(TxnState::Terminated, "twice"));
    EXPECT_EQ(ctx.Traces().size(), 3u);
    EXPECT_EQ(ctx.Traces()[0].cause, "rx 180");

    NonInviteServerTransaction nist(ctx, 2, "k2", MakeTestRequest("OPTIONS"), kAlice);
    EXPECT_EQ(nist.State(), TxnState::Trying);
    EXPECT_FALSE(nist.TransitionTo(TxnState::Confirmed, "bogus"));
    EXPECT_FALSE(nist.TransitionTo(TxnState::Accepted, "bogus"));
    EXPECT_TRUE(nist.TransitionTo(TxnState::Completed, "tx", 200));
    EXPECT_FALSE(nist.TransitionTo(TxnState::Proceeding, "backwards"));
}

TEST(Memory, ManyTransactionsLeaveNothingBehind)
{
    LayerDriver d;
    for (int i = 0; i < 2000; ++i)
    {
        const std::string branch = "z9hG4bKmem" + std::to_string(i);
        const SipMessage invite = MakeTestRequest("INVITE", branch);
        d.Send(invite);
        d.Receive(MakeTestResponse(invite, i % 2 ? 200 : 486), kBob);
        d.Receive(MakeTestRequest("OPTIONS", branch), kAlice);
        d.Respond(d.LastServerTxn(), MakeTestResponse(MakeTestRequest("OPTIONS", branch), 200));
        d.now += Milliseconds(10);
    }
    EXPECT_EQ(d.layer.ClientTxnCount(), 2000u);
    d.RunUntil(d.now + Seconds(40));
    EXPECT_EQ(d.layer.ClientTxnCount(), 0u);
    EXPECT_EQ(d.layer.ServerTxnCount(), 0u);
    EXPECT_FALSE(d.layer.NextDeadline().has_value());
    EXPECT_EQ(d.EventsOf<ClientTxnTerminated>().size(), 2000u);
    EXPECT_EQ(d.EventsOf<ServerTxnTerminated>().size(), 2000u);
}

} // namespace
} // namespace sipsim::test
