// User agent calls over a virtual network: the basic flow and its fields, 2xx
// retransmission, CANCEL, busy, timeouts, unknown dialogs and state release.
#include "ua_test_util.h"

#include <cmath>
#include <gtest/gtest.h>
#include <map>
#include <memory>
#include <set>

namespace sipsim::test
{
namespace
{

using Kind = CallEventKind;

class UaPairTest : public ::testing::Test
{
protected:
    void Build(UserAgentConfig aliceConfig = AliceConfig(), UserAgentConfig bobConfig = BobConfig())
    {
        alice = std::make_unique<UserAgent>(aliceConfig, aliceRandom);
        bob = std::make_unique<UserAgent>(bobConfig, bobRandom);
        net.Attach(kAliceAddr, *alice);
        net.Attach(kBobAddr, *bob);
    }

    /// Wire records from -> to whose start line begins with prefix.
    std::vector<DatagramRecord> Sent(const Address& from, const std::string& prefix)
    {
        std::vector<DatagramRecord> out;
        for (const auto& record : net.Log())
        {
            if (record.from == from && record.StartLine().rfind(prefix, 0) == 0)
            {
                out.push_back(record);
            }
        }
        return out;
    }

    SplitMixRandom aliceRandom{11};
    SplitMixRandom bobRandom{22};
    VirtualNetwork net{1, Ms(10)};
    std::unique_ptr<UserAgent> alice;
    std::unique_ptr<UserAgent> bob;
};

TEST_F(UaPairTest, BasicCallMessageSequenceTimingAndFields)
{
    UserAgentConfig bobConfig = BobConfig();
    bobConfig.callee.ringTime = Seconds(2);
    Build(AliceConfig(), bobConfig);

    CallHandle call =
        alice->StartCall(net.Now(), "sip:bob@biloxi.example.com", CallOptions{Seconds(5), false});
    net.Flush();
    net.RunFor(Seconds(60));

    // INVITE, 180, 200, ACK, BYE, 200: six messages, nothing lost or repeated.
    std::vector<std::string> lines;
    for (const auto& record : net.Log())
    {
        lines.push_back(record.StartLine());
    }
    ASSERT_EQ(lines, (std::vector<std::string>{
                         "INVITE sip:bob@biloxi.example.com SIP/2.0", "SIP/2.0 180 Ringing",
                         "SIP/2.0 200 OK", "ACK sip:bob@client.biloxi.example.com SIP/2.0",
                         "BYE sip:bob@client.biloxi.example.com SIP/2.0", "SIP/2.0 200 OK"}));
    const auto& log = net.Log();
    EXPECT_EQ(log[0].sentAt, Ms(0));
    EXPECT_EQ(log[1].sentAt, Ms(10));
    EXPECT_EQ(log[2].sentAt, Ms(2010));
    EXPECT_EQ(log[3].sentAt, Ms(2020));
    EXPECT_EQ(log[4].sentAt, Ms(7020));
    EXPECT_EQ(log[5].sentAt, Ms(7030));

    SipMessage invite = Parse(log[0].data);
    SipMessage ringing = Parse(log[1].data);
    SipMessage ok = Parse(log[2].data);
    SipMessage ack = Parse(log[3].data);
    SipMessage bye = Parse(log[4].data);
    EXPECT_EQ(Header(invite, "Max-Forwards"), "70");
    EXPECT_EQ(Header(invite, "CSeq"), "1 INVITE");
    EXPECT_EQ(Header(invite, "Contact"), "<sip:alice@client.atlanta.example.com>");
    EXPECT_EQ(Header(invite, "To"), "<sip:bob@biloxi.example.com>");
    EXPECT_EQ(Header(invite, "Content-Type"), "application/sdp");
    EXPECT_EQ(alice->CallIdOf(call), "");
    auto from = GetFrom(invite);
    ASSERT_TRUE(from.Ok());
    EXPECT_FALSE(from->Tag().empty());
    EXPECT_EQ(from->uri, "sip:alice@atlanta.example.com");
    EXPECT_EQ(TopBranch(invite).rfind("z9hG4bK", 0), 0u);
    EXPECT_NE(invite.Body().find("c=IN IP4 192.0.2.101\r\n"), std::string::npos);
    EXPECT_NE(invite.Body().find("m=audio 49170 RTP/AVP 0\r\n"), std::string::npos);
    EXPECT_NE(invite.Body().find("a=rtpmap:0 PCMU/8000\r\n"), std::string::npos);

    const std::string bobTag = ToTagOf(ringing);
    EXPECT_FALSE(bobTag.empty());
    EXPECT_EQ(ToTagOf(ok), bobTag);
    EXPECT_EQ(Header(ok, "Contact"), "<sip:bob@client.biloxi.example.com>");
    EXPECT_NE(ok.Body().find("c=IN IP4 192.0.2.201"), std::string::npos);

    // ACK: its own branch, the INVITE's CSeq number, both tags, no Route (no proxies).
    EXPECT_EQ(Header(ack, "CSeq"), "1 ACK");
    EXPECT_NE(TopBranch(ack), TopBranch(invite));
    EXPECT_EQ(ToTagOf(ack), bobTag);
    EXPECT_EQ(GetFrom(ack)->Tag(), from->Tag());
    EXPECT_EQ(Header(ack, "Call-ID"), Header(invite, "Call-ID"));
    EXPECT_FALSE(ack.Has("Route"));

    EXPECT_EQ(Header(bye, "CSeq"), "2 BYE");
    EXPECT_EQ(ToTagOf(bye), bobTag);
    EXPECT_EQ(Header(bye, "Call-ID"), Header(invite, "Call-ID"));
    EXPECT_NE(TopBranch(bye), TopBranch(ack));

    auto aliceEvents = DrainEvents(*alice);
    EXPECT_EQ(Kinds(aliceEvents),
              (std::vector<Kind>{Kind::InviteSent, Kind::RingingReceived, Kind::Established,
                                 Kind::AckSent, Kind::ByeSent, Kind::ByeCompleted}));
    EXPECT_EQ(aliceEvents[0].time, Ms(0));
    EXPECT_EQ(aliceEvents[1].time, Ms(20));
    EXPECT_EQ(aliceEvents[2].time, Ms(2020));
    EXPECT_EQ(aliceEvents[2].statusCode, 200);
    EXPECT_EQ(aliceEvents[5].time, Ms(7040));
    EXPECT_EQ(aliceEvents[5].statusCode, 200);
    EXPECT_EQ(aliceEvents[0].callId, Header(invite, "Call-ID"));
    EXPECT_EQ(aliceEvents[0].handle, call.value);

    auto bobEvents = DrainEvents(*bob);
    EXPECT_EQ(Kinds(bobEvents),
              (std::vector<Kind>{Kind::IncomingCall, Kind::RingingSent, Kind::AnswerSent,
                                 Kind::Established, Kind::ByeReceived}));
    EXPECT_EQ(bobEvents[3].time, Ms(2030));
    EXPECT_EQ(bobEvents[4].time, Ms(7030));

    // Everything is released once the transactions have run out.
    EXPECT_EQ(alice->ActiveCalls(), 0u);
    EXPECT_EQ(bob->ActiveCalls(), 0u);
    EXPECT_EQ(alice->Transactions().ClientTxnCount() + alice->Transactions().ServerTxnCount(), 0u);
    EXPECT_EQ(bob->Transactions().ClientTxnCount() + bob->Transactions().ServerTxnCount(), 0u);
    EXPECT_FALSE(alice->NextDeadline().has_value());
    EXPECT_FALSE(bob->NextDeadline().has_value());
    EXPECT_EQ(alice->Counters().callsEstablished, 1u);
    EXPECT_EQ(bob->Counters().callsEstablished, 1u);
}

TEST_F(UaPairTest, CalleeHangsUpWithItsOwnCSeqSpace)
{
    UserAgentConfig bobConfig = BobConfig();
    bobConfig.callee.hangupAfter = Seconds(3);
    Build(AliceConfig(), bobConfig);
    alice->StartCall(net.Now(), "sip:bob@biloxi.example.com");
    net.Flush();
    net.RunFor(Seconds(40));

    auto byes = Sent(kBobAddr, "BYE");
    ASSERT_EQ(byes.size(), 1u);
    SipMessage bye = Parse(byes[0].data);
    // Answered at once (no 180), ACK in at 30 ms, BYE 3 s later to Alice's Contact.
    EXPECT_EQ(byes[0].sentAt, Ms(3030));
    EXPECT_EQ(bye.RequestUri(), "sip:alice@client.atlanta.example.com");
    EXPECT_EQ(Header(bye, "CSeq"), "1 BYE");
    EXPECT_EQ(GetTo(bye)->uri, "sip:alice@atlanta.example.com");
    EXPECT_TRUE(Sent(kBobAddr, "SIP/2.0 180").empty());

    auto aliceEvents = DrainEvents(*alice);
    ASSERT_EQ(OfKind(aliceEvents, Kind::ByeReceived).size(), 1u);
    EXPECT_EQ(OfKind(aliceEvents, Kind::ByeReceived)[0].time, Ms(3040));
    auto bobEvents = DrainEvents(*bob);
    ASSERT_EQ(OfKind(bobEvents, Kind::ByeCompleted).size(), 1u);
    EXPECT_EQ(OfKind(bobEvents, Kind::ByeCompleted)[0].time, Ms(3050));
    EXPECT_EQ(alice->ActiveCalls(), 0u);
    EXPECT_EQ(bob->ActiveCalls(), 0u);
}

TEST_F(UaPairTest, OkRetransmittedUntilAckThenByeAfter64T1)
{
    Build();
    // Every ACK is lost: Bob must retransmit the 2xx at T1, 2T1, 4T1 ... capped at T2.
    net.SetDropPredicate(
        [](const DatagramRecord& record) { return record.StartLine().rfind("ACK", 0) == 0; });
    alice->StartCall(net.Now(), "sip:bob@biloxi.example.com");
    net.Flush();
    net.RunFor(Seconds(60));

    auto oks = Sent(kBobAddr, "SIP/2.0 200 OK");
    // Every 200 Bob sends is the INVITE's 2xx (the BYE's 200 comes from Alice).
    std::vector<int64_t> offsets;
    for (const auto& record : oks)
    {
        offsets.push_back((record.sentAt - Ms(10)).count() / 1000000);
    }
    EXPECT_EQ(offsets, (std::vector<int64_t>{0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500,
                                             27500, 31500}));
    for (std::size_t i = 1; i < oks.size(); ++i)
    {
        EXPECT_TRUE(oks[i].retransmission);
        EXPECT_EQ(oks[i].data, oks[0].data);
    }
    // Alice ACKs every copy.
    EXPECT_EQ(Sent(kAliceAddr, "ACK").size(), oks.size());

    auto byes = Sent(kBobAddr, "BYE");
    ASSERT_EQ(byes.size(), 1u);
    EXPECT_EQ(byes[0].sentAt, Ms(10) + Seconds(32));
    auto bobEvents = DrainEvents(*bob);
    auto failed = OfKind(bobEvents, Kind::Failed);
    ASSERT_EQ(failed.size(), 1u);
    EXPECT_EQ(failed[0].detail, "no ACK");
    EXPECT_EQ(failed[0].time, Ms(10) + Seconds(32));
    EXPECT_EQ(OfKind(bobEvents, Kind::ByeCompleted).size(), 1u);
    EXPECT_EQ(bob->Counters().okRetransmissions, 10u);
    EXPECT_EQ(bob->Transactions().Counters().responseRetransmissions.at(200), 10u);
    auto aliceEvents = DrainEvents(*alice);
    EXPECT_EQ(OfKind(aliceEvents, Kind::AckSent).size(), 11u);
    EXPECT_EQ(OfKind(aliceEvents, Kind::ByeReceived).size(), 1u);
}

TEST_F(UaPairTest, OkRetransmissionStopsWhenAckArrives)
{
    Build();
    // Lose the first two ACKs only.
    net.DropNth(kAliceAddr, kBobAddr, 2); // datagram 1 is the INVITE
    net.DropNth(kAliceAddr, kBobAddr, 3);
    alice->StartCall(net.Now(), "sip:bob@biloxi.example.com");
    net.Flush();
    net.RunFor(Seconds(40));
    // 200 at 10 ms, again at 510 and 1510; the ACK for the third gets through at 1530.
    EXPECT_EQ(Sent(kBobAddr, "SIP/2.0 200 OK").size(), 3u);
    auto bobEvents = DrainEvents(*bob);
    auto established = OfKind(bobEvents, Kind::Established);
    ASSERT_EQ(established.size(), 1u);
    EXPECT_EQ(established[0].time, Ms(1530));
    EXPECT_TRUE(Sent(kBobAddr, "BYE").empty());
}

TEST_F(UaPairTest, CancelAfterRingingGives487)
{
    UserAgentConfig bobConfig = BobConfig();
    bobConfig.callee.mode = CalleeBehaviour::Mode::NoAnswer;
    Build(AliceConfig(), bobConfig);
    CallHandle call = alice->StartCall(net.Now(), "sip:bob@biloxi.example.com");
    net.Flush();
    net.RunUntil(Seconds(1));
    EXPECT_TRUE(alice->Cancel(net.Now(), call));
    net.Flush();
    net.RunFor(Seconds(60));

    auto cancels = Sent(kAliceAddr, "CANCEL");
    ASSERT_EQ(cancels.size(), 1u);
    EXPECT_EQ(cancels[0].sentAt, Seconds(1));
    SipMessage invite = Parse(Sent(kAliceAddr, "INVITE")[0].data);
    SipMessage cancel = Parse(cancels[0].data);
    EXPECT_EQ(TopBranch(cancel), TopBranch(invite));
    EXPECT_EQ(Header(cancel, "CSeq"), "1 CANCEL");
    EXPECT_EQ(cancel.RequestUri(), invite.RequestUri());

    auto terminated = Sent(kBobAddr, "SIP/2.0 487");
    ASSERT_EQ(terminated.size(), 1u);
    EXPECT_EQ(ToTagOf(Parse(terminated[0].data)),
              ToTagOf(Parse(Sent(kBobAddr, "SIP/2.0 180")[0].data)));
    EXPECT_EQ(Sent(kBobAddr, "SIP/2.0 200").size(), 1u); // the CANCEL's
    // The 487 is ACKed hop by hop by Alice's client transaction.
    ASSERT_EQ(Sent(kAliceAddr, "ACK").size(), 1u);
    EXPECT_EQ(TopBranch(Parse(Sent(kAliceAddr, "ACK")[0].data)), TopBranch(invite));

    auto aliceEvents = DrainEvents(*alice);
    auto cancelled = OfKind(aliceEvents, Kind::Cancelled);
    ASSERT_EQ(cancelled.size(), 1u);
    EXPECT_EQ(cancelled[0].statusCode, 487);
    EXPECT_EQ(cancelled[0].time, Ms(1020));
    EXPECT_EQ(OfKind(DrainEvents(*bob), Kind::Cancelled).size(), 1u);
    EXPECT_EQ(alice->ActiveCalls(), 0u);
    EXPECT_EQ(bob->ActiveCalls(), 0u);
}

TEST_F(UaPairTest, CancelBeforeAnyProvisionalWaitsForOne)
{
    UserAgentConfig bobConfig = BobConfig();
    bobConfig.callee.mode = CalleeBehaviour::Mode::NoAnswer;
    bobConfig.callee.send180 = false; // only the transaction layer's 100 after 200 ms
    Build(AliceConfig(), bobConfig);
    CallHandle call = alice->StartCall(net.Now(), "sip:bob@biloxi.example.com");
    net.Flush();
    net.RunUntil(Ms(50));
    EXPECT_TRUE(alice->Cancel(net.Now(), call));
    net.Flush();
    EXPECT_TRUE(Sent(kAliceAddr, "CANCEL").empty());
    net.RunFor(Seconds(5));
    auto cancels = Sent(kAliceAddr, "CANCEL");
    ASSERT_EQ(cancels.size(), 1u);
    EXPECT_EQ(cancels[0].sentAt, Ms(220)); // 100 sent at 210, received at 220
    EXPECT_EQ(OfKind(DrainEvents(*alice), Kind::Cancelled).size(), 1u);
}

TEST_F(UaPairTest, CancelCrossingTheAnswerEndsTheCallWithBye)
{
    UserAgentConfig bobConfig = BobConfig();
    bobConfig.callee.ringTime = Seconds(1);
    Build(AliceConfig(), bobConfig);
    CallHandle call = alice->StartCall(net.Now(), "sip:bob@biloxi.example.com");
    net.Flush();
    net.RunUntil(Ms(1005)); // Bob's 200 leaves at 1010, before the CANCEL reaches him
    EXPECT_TRUE(alice->Cancel(net.Now(), call));
    net.Flush();
    net.RunFor(Seconds(60));
    // §9.2: the CANCEL is answered 200 but changes nothing; the caller ACKs and hangs up.
    EXPECT_TRUE(Sent(kBobAddr, "SIP/2.0 487").empty());
    ASSERT_EQ(Sent(kAliceAddr, "BYE").size(), 1u);
    EXPECT_EQ(Sent(kAliceAddr, "BYE")[0].sentAt, Ms(1020));
    auto aliceEvents = DrainEvents(*alice);
    EXPECT_EQ(
        Kinds(aliceEvents),
        (std::vector<Kind>{Kind::InviteSent, Kind::RingingReceived, Kind::CancelSent,
                           Kind::Established, Kind::AckSent, Kind::ByeSent, Kind::ByeCompleted}));
    EXPECT_EQ(aliceEvents[5].detail, "cancelled");
    EXPECT_EQ(OfKind(DrainEvents(*bob), Kind::ByeReceived).size(), 1u);
    EXPECT_EQ(alice->ActiveCalls(), 0u);
    EXPECT_EQ(bob->ActiveCalls(), 0u);
}

TEST_F(UaPairTest, MutatedMessagesNeverCrashOrProduceGarbage)
{
    Build();
    CallHandle call = alice->StartCall(net.Now(), "sip:bob@biloxi.example.com");
    net.Flush();
    net.RunFor(Seconds(1));
    const std::string invite = net.Log().at(0).data;
    const std::string ok = net.Log().at(1).data;
    SplitMixRandom mutate(1234);
    std::set<std::size_t> injected;
    for (int i = 0; i < 3000; ++i)
    {
        std::string bytes = (i % 2 == 0) ? invite : ok;
        const int edits = 1 + static_cast<int>(mutate.NextU64() % 4);
        for (int e = 0; e < edits; ++e)
        {
            const std::size_t at = mutate.NextU64() % bytes.size();
            switch (mutate.NextU64() % 3)
            {
            case 0:
                bytes[at] = static_cast<char>(mutate.NextU64() & 0xff);
                break;
            case 1:
                bytes.erase(at, 1 + mutate.NextU64() % 8);
                break;
            default:
                bytes.insert(at, 1, "\r\n:;,<>\"@ "[mutate.NextU64() % 11]);
                break;
            }
        }
        net.Inject(i % 2 == 0 ? kAliceAddr : kBobAddr, i % 2 == 0 ? kBobAddr : kAliceAddr, bytes);
        injected.insert(net.Log().size() - 1);
        net.RunFor(Ms(1));
    }
    net.RunFor(Seconds(300));
    alice->HangUp(net.Now(), call); // the original call, unless a mutant already ended it
    net.Flush();
    net.RunFor(Seconds(60));
    std::size_t answers = 0;
    for (std::size_t i = 0; i < net.Log().size(); ++i)
    {
        if (injected.count(i) == 0)
        {
            ++answers;
            EXPECT_TRUE(ParseMessage(net.Log()[i].data).Ok()) << net.Log()[i].StartLine();
        }
    }
    EXPECT_GT(answers, 100u); // plenty of mutants were still answered (400s, 481s ...)
    EXPECT_EQ(bob->ActiveCalls(), 0u);
    EXPECT_EQ(alice->ActiveCalls(), 0u);
    EXPECT_FALSE(bob->NextDeadline().has_value());
}

TEST_F(UaPairTest, BusyCalleeAnswers486)
{
    UserAgentConfig bobConfig = BobConfig();
    bobConfig.callee.mode = CalleeBehaviour::Mode::Busy;
    bobConfig.callee.busyProbability = 1.0;
    Build(AliceConfig(), bobConfig);
    alice->StartCall(net.Now(), "sip:bob@biloxi.example.com");
    net.Flush();
    net.RunFor(Seconds(60));
    ASSERT_EQ(Sent(kBobAddr, "SIP/2.0 486 Busy Here").size(), 1u);
    EXPECT_EQ(Sent(kAliceAddr, "ACK").size(), 1u);
    auto failed = OfKind(DrainEvents(*alice), Kind::Failed);
    ASSERT_EQ(failed.size(), 1u);
    EXPECT_EQ(failed[0].statusCode, 486);
    EXPECT_EQ(failed[0].detail, "486 Busy Here");
    EXPECT_EQ(failed[0].time, Ms(20));
    EXPECT_EQ(alice->ActiveCalls(), 0u);
    EXPECT_EQ(bob->ActiveCalls(), 0u);
}

TEST_F(UaPairTest, BusyProbabilityIsDrawnPerCall)
{
    UserAgentConfig bobConfig = BobConfig();
    bobConfig.callee.mode = CalleeBehaviour::Mode::Busy;
    bobConfig.callee.busyProbability = 0.3;
    bobConfig.callee.hangupAfter = Seconds(1);
    Build(AliceConfig(), bobConfig);
    const int calls = 400;
    for (int i = 0; i < calls; ++i)
    {
        alice->StartCall(net.Now(), "sip:bob@biloxi.example.com");
        net.Flush();
        net.RunFor(Seconds(2));
    }
    net.RunFor(Seconds(60));
    auto events = DrainEvents(*alice);
    const auto busy = OfKind(events, Kind::Failed).size();
    const auto answered = OfKind(events, Kind::Established).size();
    EXPECT_EQ(busy + answered, static_cast<std::size_t>(calls));
    EXPECT_NEAR(static_cast<double>(busy) / calls, 0.3, 0.07);
    EXPECT_EQ(alice->ActiveCalls(), 0u);
    EXPECT_EQ(bob->ActiveCalls(), 0u);
}

TEST_F(UaPairTest, UnreachableCalleeFailsWithTimerBAt32s)
{
    Build();
    net.SetDropPredicate([](const DatagramRecord& record) { return record.to == kBobAddr; });
    alice->StartCall(net.Now(), "sip:bob@biloxi.example.com");
    net.Flush();
    net.RunFor(Seconds(60));
    std::vector<int64_t> sends;
    for (const auto& record : Sent(kAliceAddr, "INVITE"))
    {
        sends.push_back(record.sentAt.count() / 1000000);
    }
    EXPECT_EQ(sends, (std::vector<int64_t>{0, 500, 1500, 3500, 7500, 15500, 31500}));
    auto failed = OfKind(DrainEvents(*alice), Kind::Failed);
    ASSERT_EQ(failed.size(), 1u);
    EXPECT_EQ(failed[0].time, Seconds(32));
    EXPECT_EQ(failed[0].statusCode, 408);
    EXPECT_EQ(failed[0].detail, "timeout");
    EXPECT_EQ(alice->ActiveCalls(), 0u);
}

TEST_F(UaPairTest, NoAnswerTimeoutCancelsTheRingingCall)
{
    UserAgentConfig aliceConfig = AliceConfig();
    aliceConfig.noAnswerTimeout = Seconds(10);
    UserAgentConfig bobConfig = BobConfig();
    bobConfig.callee.mode = CalleeBehaviour::Mode::NoAnswer;
    Build(aliceConfig, bobConfig);
    alice->StartCall(net.Now(), "sip:bob@biloxi.example.com");
    net.Flush();
    net.RunFor(Seconds(60));
    ASSERT_EQ(Sent(kAliceAddr, "CANCEL").size(), 1u);
    EXPECT_EQ(Sent(kAliceAddr, "CANCEL")[0].sentAt, Seconds(10));
    auto cancelled = OfKind(DrainEvents(*alice), Kind::Cancelled);
    ASSERT_EQ(cancelled.size(), 1u);
    EXPECT_EQ(cancelled[0].detail, "no answer");
    EXPECT_EQ(cancelled[0].time, Seconds(10) + Ms(20));
}

TEST_F(UaPairTest, UnknownDialogGets481AndOldCSeqGets500)
{
    UserAgentConfig bobConfig = BobConfig();
    bobConfig.callee.ringTime = Seconds(1);
    Build(AliceConfig(), bobConfig);
    alice->StartCall(net.Now(), "sip:bob@biloxi.example.com");
    net.Flush();
    net.RunFor(Seconds(3));
    SipMessage invite = Parse(Sent(kAliceAddr, "INVITE")[0].data);
    const std::string bobTag = ToTagOf(Parse(Sent(kBobAddr, "SIP/2.0 200")[0].data));

    auto inject = [&](const std::string& toTag, const std::string& cseq,
                      const std::string& branch) {
        SipMessage bye = SipMessage::MakeRequest("BYE", "sip:bob@client.biloxi.example.com");
        bye.Add("Via", "SIP/2.0/UDP client.atlanta.example.com:5060;branch=" + branch);
        bye.Add("Max-Forwards", "70");
        bye.Add("From", Header(invite, "From"));
        bye.Add("To", "<sip:bob@biloxi.example.com>;tag=" + toTag);
        bye.Add("Call-ID", Header(invite, "Call-ID"));
        bye.Add("CSeq", cseq + " BYE");
        bye.Add("Content-Length", "0");
        net.Inject(kAliceAddr, kBobAddr, bye.Serialize());
        net.RunFor(Seconds(1));
    };
    inject("nosuchtag", "5", "z9hG4bKunknown1");
    auto answers = Sent(kBobAddr, "SIP/2.0 481");
    ASSERT_EQ(answers.size(), 1u);
    EXPECT_EQ(Header(Parse(answers[0].data), "CSeq"), "5 BYE");

    inject(bobTag, "0", "z9hG4bKold1"); // INVITE had CSeq 1
    ASSERT_EQ(Sent(kBobAddr, "SIP/2.0 500").size(), 1u);
    EXPECT_EQ(bob->ActiveCalls(), 1u); // the call survives both
}

TEST_F(UaPairTest, OptionsAnswered200AndOtherUsers404)
{
    Build();
    alice->Options(net.Now(), "sip:bob@biloxi.example.com");
    alice->Options(net.Now(), "sip:carol@biloxi.example.com");
    net.Flush();
    net.RunFor(Seconds(40));
    auto events = OfKind(DrainEvents(*alice), Kind::OptionsCompleted);
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].statusCode, 200);
    EXPECT_EQ(events[1].statusCode, 404);
    SipMessage ok = Parse(Sent(kBobAddr, "SIP/2.0 200")[0].data);
    EXPECT_NE(Header(ok, "Allow").find("INVITE"), std::string::npos);
    EXPECT_FALSE(ToTagOf(ok).empty());
}

TEST_F(UaPairTest, ManySequentialCallsReleaseAllState)
{
    UserAgentConfig bobConfig = BobConfig();
    bobConfig.callee.ringTime = Ms(500);
    Build(AliceConfig(), bobConfig);
    for (int i = 0; i < 200; ++i)
    {
        alice->StartCall(net.Now(), "sip:bob@biloxi.example.com",
                         CallOptions{Seconds(10), /*exponentialHold=*/true});
        net.Flush();
        net.RunFor(Seconds(5));
    }
    EXPECT_GT(alice->ActiveCalls(), 0u);
    net.RunFor(Seconds(600));
    auto events = DrainEvents(*alice);
    auto completed = OfKind(events, Kind::ByeCompleted);
    EXPECT_EQ(completed.size(), 200u);
    // Exponential hold times with mean 10 s: the sample mean is close, the spread is wide.
    double sum = 0;
    double maximum = 0;
    auto established = OfKind(events, Kind::Established);
    std::map<std::string, TimePoint> start;
    for (const auto& event : established)
    {
        start[event.callId] = event.time;
    }
    for (const auto& event : OfKind(events, Kind::ByeSent))
    {
        const double hold = ToSeconds(event.time - start[event.callId]);
        sum += hold;
        maximum = std::max(maximum, hold);
    }
    EXPECT_NEAR(sum / 200, 10.0, 2.0);
    EXPECT_GT(maximum, 25.0);
    EXPECT_EQ(alice->ActiveCalls(), 0u);
    EXPECT_EQ(bob->ActiveCalls(), 0u);
    EXPECT_EQ(alice->Transactions().ClientTxnCount(), 0u);
    EXPECT_EQ(bob->Transactions().ServerTxnCount(), 0u);
    EXPECT_FALSE(alice->NextDeadline().has_value());
    EXPECT_FALSE(bob->NextDeadline().has_value());
}

TEST(UaLate2xxTest, LateAnswerAfterTheCallWasGivenUpIsAckedAndByed)
{
    // The callee rings, answers the CANCEL 200 but never the INVITE, so the caller gives the
    // INVITE up 64*T1 after the CANCEL (§9.1). Its 200 then arrives with no transaction left:
    // the caller must still ACK it and end the dialog with BYE (§13.2.2.4, §15), along the
    // route set of that 2xx.
    SplitMixRandom random{7};
    UserAgent alice(AliceConfig(), random);
    ScriptedPeer callee{kBobAddr};
    ScriptedPeer proxy{kProxyAddr};
    VirtualNetwork net{1, Ms(10)};
    net.Attach(kAliceAddr, alice);
    net.Attach(kBobAddr, callee);
    net.Attach(kProxyAddr, proxy);
    SipMessage invite;
    callee.onMessage = [&](TimePoint, const SipMessage& message, const Address& from) {
        if (message.IsRequest() && message.Method() == "INVITE")
        {
            invite = message;
            callee.Send(MakeResponseTo(message, 180, "", "late"), from);
        }
        else if (message.IsRequest() && message.Method() == "CANCEL")
        {
            callee.Send(MakeResponseTo(message, 200, ""), from);
        }
    };
    CallHandle call = alice.StartCall(net.Now(), "sip:bob@biloxi.example.com");
    net.Flush();
    net.RunFor(Ms(100));
    ASSERT_TRUE(alice.Cancel(net.Now(), call));
    net.Flush();
    net.RunFor(Seconds(40));
    auto events = DrainEvents(alice);
    ASSERT_EQ(OfKind(events, Kind::Cancelled).size(), 1u);
    ASSERT_EQ(alice.ActiveCalls(), 0u) << "the call is forgotten";

    SipMessage ok = MakeResponseTo(invite, 200, "", "late");
    ok.Add("Record-Route", "<sip:proxy.example.com;lr>");
    ok.Add("Contact", "<sip:bob@client.biloxi.example.com>");
    callee.Send(ok, kAliceAddr);
    net.Flush();
    net.RunFor(Seconds(1));
    auto acks = proxy.Received("ACK");
    auto byes = proxy.Received("BYE");
    ASSERT_EQ(acks.size(), 1u);
    ASSERT_GE(byes.size(), 1u); // the proxy here never answers, so Timer E re-sends it
    for (const SipMessage& bye : byes)
    {
        EXPECT_EQ(TopBranch(bye), TopBranch(byes[0])) << "one BYE transaction";
    }
    for (const SipMessage& request : {acks[0], byes[0]})
    {
        EXPECT_EQ(request.RequestUri(), "sip:bob@client.biloxi.example.com");
        EXPECT_EQ(Header(request, "Route"), "<sip:proxy.example.com;lr>");
        EXPECT_EQ(Header(request, "Call-ID"), Header(invite, "Call-ID"));
        EXPECT_EQ(ToTagOf(request), "late");
        EXPECT_EQ(request.Headers().front().name, "Via") << "RFC 3665 layout";
    }
    EXPECT_EQ(Header(acks[0], "CSeq"), "1 ACK");
    EXPECT_EQ(Header(byes[0], "CSeq"), "2 BYE");

    // A retransmission of that 200 gets the same ACK again, not a second BYE.
    callee.Send(ok, kAliceAddr);
    net.Flush();
    net.RunFor(Seconds(1));
    ASSERT_EQ(proxy.Received("ACK").size(), 2u);
    EXPECT_EQ(proxy.Received("ACK")[1].Serialize(), acks[0].Serialize());
    for (const SipMessage& bye : proxy.Received("BYE"))
    {
        EXPECT_EQ(TopBranch(bye), TopBranch(byes[0])) << "no second BYE";
    }
}

TEST(UaLate2xxTest, LateAnswerAfterA487IsAckedAndByed)
{
    // A forking proxy's other branch answers after the first branch's 487 ended the call.
    // The INVITE client transaction absorbs that 2xx while Completed (Timer D, 32 s); the
    // UAS keeps retransmitting it, and the copy after Timer D must be ACKed and BYEd.
    SplitMixRandom random{8};
    UserAgent alice(AliceConfig(), random);
    ScriptedPeer callee{kBobAddr};
    VirtualNetwork net{1, Ms(10)};
    net.Attach(kAliceAddr, alice);
    net.Attach(kBobAddr, callee);
    SipMessage invite;
    SipMessage ok;
    callee.onMessage = [&](TimePoint, const SipMessage& message, const Address& from) {
        if (message.IsRequest() && message.Method() == "INVITE")
        {
            invite = message;
            callee.Send(MakeResponseTo(message, 180, "", "one"), from);
        }
        else if (message.IsRequest() && message.Method() == "CANCEL")
        {
            callee.Send(MakeResponseTo(message, 200, ""), from);
            callee.Send(MakeResponseTo(invite, 487, "", "one"), from);
            ok = MakeResponseTo(invite, 200, "", "two");
            ok.Add("Contact", "<sip:bob@client.biloxi.example.com>");
            callee.Send(ok, from);
        }
    };
    CallHandle call = alice.StartCall(net.Now(), "sip:bob@biloxi.example.com");
    net.Flush();
    net.RunFor(Ms(100));
    ASSERT_TRUE(alice.Cancel(net.Now(), call));
    net.Flush();
    net.RunFor(Seconds(40));
    auto events = DrainEvents(alice);
    EXPECT_EQ(OfKind(events, Kind::Cancelled).size(), 1u);
    EXPECT_TRUE(OfKind(events, Kind::Established).empty()) << "a cancelled call stays over";
    callee.Send(ok, kAliceAddr); // the UAS's retransmission after Timer D
    net.Flush();
    net.RunFor(Ms(100));
    EXPECT_TRUE(OfKind(DrainEvents(alice), Kind::Established).empty());
    std::vector<SipMessage> acksForTwo;
    for (const SipMessage& ack : callee.Received("ACK"))
    {
        if (ToTagOf(ack) == "two")
        {
            acksForTwo.push_back(ack);
        }
    }
    ASSERT_EQ(acksForTwo.size(), 1u);
    EXPECT_EQ(acksForTwo[0].RequestUri(), "sip:bob@client.biloxi.example.com");
    ASSERT_EQ(callee.Received("BYE").size(), 1u);
    EXPECT_EQ(ToTagOf(callee.Received("BYE")[0]), "two");
    EXPECT_EQ(alice.ActiveCalls(), 0u);
}

} // namespace
} // namespace sipsim::test
