// Transactions let their request go once they have the final response (Settle): what they
// still do afterwards (absorb and re-answer retransmissions, re-send the ACK, match the ACK)
// works from the key and the bytes they kept.

#include "txn_test_util.h"

#include <gtest/gtest.h>

namespace sipsim::test
{
namespace
{

std::vector<std::string>
SentWith(const LayerDriver& d, const std::string& prefix)
{
    std::vector<std::string> out;
    for (const auto& record : d.sent)
    {
        if (record.transmit.data.Str().compare(0, prefix.size(), prefix) == 0)
        {
            out.push_back(record.transmit.data.Str());
        }
    }
    return out;
}

TEST(SettledServer, InviteCompletedReanswersFromKeptBytesAndMatchesAck)
{
    LayerDriver d;
    const SipMessage invite = MakeTestRequest("INVITE");
    d.Receive(invite, kAlice);
    const ServerTxnId id = d.LastServerTxn();
    ASSERT_NE(d.layer.ServerRequest(id), nullptr);
    EXPECT_EQ(d.layer.ServerRequest(id)->Method(), "INVITE");

    const SipMessage busy = MakeTestResponse(invite, 486);
    ASSERT_TRUE(d.Respond(id, busy));
    EXPECT_EQ(d.layer.ServerRequest(id), nullptr);

    d.At(Seconds(0.2));
    d.Receive(invite, kAlice); // retransmission: the 486 again, byte for byte
    const auto answers = SentWith(d, "SIP/2.0 486");
    ASSERT_EQ(answers.size(), 2u);
    EXPECT_EQ(answers[1], answers[0]);
    EXPECT_TRUE(d.sent.back().transmit.retransmission);
    EXPECT_EQ(d.layer.Counters().responseRetransmissions.at(486), 1u);

    d.Receive(MakeAckForNon2xx(invite, busy), kAlice);
    EXPECT_EQ(d.layer.ServerState(id), TxnState::Confirmed);
    EXPECT_TRUE(d.EventsOf<AckReceived>().empty());
}

TEST(SettledServer, NonInviteCompletedReanswersFromKeptBytes)
{
    LayerDriver d;
    const SipMessage options = MakeTestRequest("OPTIONS");
    d.Receive(options, kAlice);
    const ServerTxnId id = d.LastServerTxn();
    ASSERT_TRUE(d.Respond(id, MakeTestResponse(options, 200)));
    EXPECT_EQ(d.layer.ServerState(id), TxnState::Completed);
    EXPECT_EQ(d.layer.ServerRequest(id), nullptr);

    d.At(Seconds(1));
    d.Receive(options, kAlice);
    const auto answers = SentWith(d, "SIP/2.0 200");
    ASSERT_EQ(answers.size(), 2u);
    EXPECT_EQ(answers[1], answers[0]);
    EXPECT_EQ(d.layer.Counters().responseRetransmissions.at(200), 1u);
    EXPECT_EQ(d.EventsOf<RequestReceived>().size(), 1u);
}

TEST(SettledServer, ProvisionalKeepsTheRequestAndRfc2543MatchingKeepsEverything)
{
    LayerDriver d;
    const SipMessage invite = MakeTestRequest("INVITE");
    d.Receive(invite, kAlice);
    const ServerTxnId id = d.LastServerTxn();
    ASSERT_TRUE(d.Respond(id, MakeTestResponse(invite, 180)));
    EXPECT_NE(d.layer.ServerRequest(id), nullptr); // the final response is still to come

    // Without the magic cookie, matching compares the request's To tag and the last
    // response's, so neither is let go.
    const SipMessage legacy = MakeTestRequest("INVITE", "", "10.0.0.3:5060");
    d.Receive(legacy, kAlice);
    const ServerTxnId old = d.LastServerTxn();
    ASSERT_TRUE(d.Respond(old, MakeTestResponse(legacy, 486)));
    ASSERT_NE(d.layer.ServerRequest(old), nullptr);
    EXPECT_EQ(d.layer.ServerRequest(old)->Method(), "INVITE");
}

TEST(SettledClient, Non2xxLetsTheRequestGoAndReAcksFromKeptBytes)
{
    LayerDriver d;
    const SipMessage invite = MakeTestRequest("INVITE");
    const ClientTxnId id = d.Send(invite);
    ASSERT_NE(d.layer.ClientRequest(id), nullptr);
    d.At(Seconds(0.1));
    const SipMessage busy = MakeTestResponse(invite, 486);
    d.Receive(busy, kBob);
    EXPECT_EQ(d.layer.ClientState(id), TxnState::Completed);
    EXPECT_EQ(d.layer.ClientRequest(id), nullptr);

    d.At(Seconds(1));
    d.Receive(busy, kBob);
    const auto acks = SentWith(d, "ACK ");
    ASSERT_EQ(acks.size(), 2u);
    EXPECT_EQ(acks[1], acks[0]);
    d.RunUntil(Seconds(40));
    EXPECT_EQ(d.SendTimes("INVITE"), (std::vector<double>{0}));
}

TEST(SettledClient, TwoHundredAndNonInviteFinalsLetTheRequestGo)
{
    LayerDriver d;
    const SipMessage invite = MakeTestRequest("INVITE");
    const ClientTxnId inviteTxn = d.Send(invite);
    d.Receive(MakeTestResponse(invite, 200), kBob);
    EXPECT_EQ(d.layer.ClientState(inviteTxn), TxnState::Accepted);
    EXPECT_EQ(d.layer.ClientRequest(inviteTxn), nullptr);
    d.Receive(MakeTestResponse(invite, 200), kBob); // still passed up (RFC 6026)
    EXPECT_EQ(d.EventsOf<ResponseReceived>().size(), 2u);

    const SipMessage bye = MakeTestRequest("BYE", "z9hG4bKbye", "10.0.0.1:5060", 2);
    const ClientTxnId byeTxn = d.Send(bye);
    d.Receive(MakeTestResponse(bye, 100), kBob);
    EXPECT_NE(d.layer.ClientRequest(byeTxn), nullptr);
    d.Receive(MakeTestResponse(bye, 200), kBob);
    EXPECT_EQ(d.layer.ClientRequest(byeTxn), nullptr);
    d.RunUntil(Seconds(40));
    EXPECT_EQ(d.SendTimes("BYE"), (std::vector<double>{0}));
}

} // namespace
} // namespace sipsim::test
