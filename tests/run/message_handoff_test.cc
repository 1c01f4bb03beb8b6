// MessageHandOff: a receiver takes the sender's message only for exactly the bytes it was
// sent with; everything else it parses. A run with the hand-off writes the same bytes as one
// where every hop parses, and every handed-off message is what its bytes parse into.
#include "run/message_handoff.h"
#include "run_test_util.h"
#include "sip/headers.h"

#include <gtest/gtest.h>
#include <memory>
#include <string>
#include <vector>

namespace sipsim::test
{
namespace
{

std::shared_ptr<const SipMessage>
Invite(const std::string& branch)
{
    SipMessage invite = SipMessage::MakeRequest("INVITE", "sip:bob@biloxi.example.com");
    invite.Add("Via", "SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bK" + branch);
    invite.Add("Max-Forwards", "70");
    invite.Add("From", "Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl");
    invite.Add("To", "Bob <sip:bob@biloxi.example.com>");
    invite.Add("Call-ID", "3848276298220188511@atlanta.example.com");
    invite.Add("CSeq", "1 INVITE");
    invite.SetBody("");
    return std::make_shared<const SipMessage>(std::move(invite));
}

TEST(LastBytesHash, GivesHashBytesOfWhatItIsAskedEvenWhenTheBytesChange)
{
    LastBytesHash hasher;
    const std::string a = Invite("a1")->Serialize();
    std::string b = a;
    b[b.size() / 2] ^= 1; // same size, one bit apart
    for (const std::string* bytes : std::vector<const std::string*>{&a, &a, &b, &a, &b, &b})
    {
        EXPECT_EQ(hasher.Hash(*bytes), HashBytes(*bytes));
    }
    EXPECT_NE(hasher.Hash(a), hasher.Hash(b));
    EXPECT_EQ(hasher.Hash(""), HashBytes(""));
}

TEST(MessageHandOff, SharedHasherDoesNotConfuseSubmissions)
{
    // The tracker hashes every packet through the same hasher between submissions.
    auto hasher = std::make_shared<LastBytesHash>();
    MessageHandOff handOff(4096, hasher);
    const auto first = Invite("s1");
    const auto second = Invite("s2");
    handOff.Submit(first->Serialize(), first);
    hasher->Hash("unrelated bytes");
    handOff.Submit(second->Serialize(), second);
    EXPECT_EQ(handOff.Take(second->Serialize()), second);
    EXPECT_EQ(handOff.Take(first->Serialize()), first);
}

TEST(MessageHandOff, TakeGivesTheMessageSentWithExactlyThoseBytes)
{
    MessageHandOff handOff;
    const auto sent = Invite("a1");
    handOff.Submit(sent->Serialize(), sent);
    EXPECT_EQ(handOff.Take(Invite("other")->Serialize()), nullptr);
    std::string altered = sent->Serialize();
    altered.back() = ' ';
    EXPECT_EQ(handOff.Take(altered), nullptr);
    EXPECT_EQ(handOff.Take(sent->Serialize()), sent);
    EXPECT_EQ(handOff.Take(sent->Serialize()), nullptr) << "taken once";
    EXPECT_EQ(handOff.GetCounters().taken, 1u);
    EXPECT_EQ(handOff.GetCounters().missed, 3u);
}

TEST(MessageHandOff, BytesWithoutAMessageAreNotKept)
{
    MessageHandOff handOff;
    handOff.Submit(Invite("a1")->Serialize(), nullptr);
    EXPECT_EQ(handOff.GetCounters().submitted, 0u);
    EXPECT_EQ(handOff.Take(Invite("a1")->Serialize()), nullptr);
}

TEST(MessageHandOff, RetransmissionsShareBytesAndEachIsFound)
{
    MessageHandOff handOff;
    const auto sent = Invite("again");
    for (int i = 0; i < 3; ++i)
    {
        handOff.Submit(sent->Serialize(), sent);
    }
    for (int i = 0; i < 3; ++i)
    {
        EXPECT_EQ(handOff.Take(sent->Serialize()), sent) << i;
    }
    EXPECT_EQ(handOff.Take(sent->Serialize()), nullptr);
}

// A lost packet is never taken: its message goes once `window` later ones were sent, and
// bytes arriving after that are parsed by their receiver.
TEST(MessageHandOff, UntakenMessagesExpireAfterTheWindow)
{
    constexpr std::size_t kWindow = 16;
    MessageHandOff handOff(kWindow);
    std::vector<std::shared_ptr<const SipMessage>> sent;
    for (std::size_t i = 0; i < 3 * kWindow; ++i)
    {
        sent.push_back(Invite("n" + std::to_string(i)));
        handOff.Submit(sent.back()->Serialize(), sent.back());
    }
    EXPECT_EQ(handOff.GetCounters().expired, 2 * kWindow);
    EXPECT_EQ(handOff.Take(sent[0]->Serialize()), nullptr);
    EXPECT_EQ(handOff.Take(sent[2 * kWindow]->Serialize()), sent[2 * kWindow]);
    EXPECT_EQ(handOff.Take(sent.back()->Serialize()), sent.back());
    EXPECT_EQ(sent[0].use_count(), 1) << "an expired message is released";
}

TEST(MessageHandOff, VerifyAcceptsWhatTheBytesParseInto)
{
    const auto sent = Invite("v1");
    EXPECT_NO_THROW(VerifyHandOff(*sent, sent->Serialize()));
}

TEST(MessageHandOff, VerifyNamesAMessageItsBytesWouldNotGive)
{
    const auto sent = Invite("v1");
    EXPECT_THROW(VerifyHandOff(*Invite("v2"), sent->Serialize()), HandOffMismatch);
    // A value a parse would trim: the message differs from what a receiver would see.
    SipMessage padded = *sent;
    padded.Add("Subject", "  spaced  ");
    EXPECT_THROW(VerifyHandOff(padded, padded.Serialize()), HandOffMismatch);
    // A remembered top Via that its line does not say (the receiver would route by it).
    SipMessage stale = *sent;
    Via elsewhere = *TopVia(stale);
    elsewhere.host = "elsewhere.example.com";
    stale.RememberTopVia(std::make_shared<const Via>(elsewhere));
    EXPECT_THROW(VerifyHandOff(stale, stale.Serialize()), HandOffMismatch);
    // Bytes a receiver would reject.
    SipMessage noCallId = *sent;
    noCallId.Remove("Call-ID");
    try
    {
        VerifyHandOff(noCallId, noCallId.Serialize());
        FAIL() << "a message without Call-ID was accepted";
    }
    catch (const HandOffMismatch& mismatch)
    {
        EXPECT_NE(std::string(mismatch.what()).find("INVITE sip:bob@biloxi.example.com"),
                  std::string::npos)
            << mismatch.what();
    }
}

/// Every shipped scenario (few calls), with loss on the seed, on UDP and TCP.
struct Case
{
    std::string name;
    std::string scenario;
    std::vector<std::string> overrides;
};

std::vector<Case>
Cases()
{
    const std::string dir = SIPSIM_SCENARIOS_DIR;
    std::vector<Case> cases;
    auto lossy = ForwardLossOnAP1(0.3);
    lossy.push_back("workload.calls=20");
    cases.push_back({"seed-lossy-udp", kSeedScenario, lossy});
    lossy.push_back("sip.transport=\"tcp\"");
    cases.push_back({"seed-lossy-tcp", kSeedScenario, lossy});
    cases.push_back({"seed-loss-1pc",
                     kSeedScenario,
                     {"workload.calls=100", "workload.arrivals=\"poisson\"", "workload.rate=20",
                      "impairments.loss=0.05"}});
    for (const char* name : {"lossy-access", "proxy-chain", "registrar-star", "single-hop"})
    {
        cases.push_back({name, dir + "/" + name + ".toml", {"workload.calls=10"}});
    }
    cases.push_back({"overloaded-proxy", dir + "/overloaded-proxy.toml", {"workload.calls=300"}});
    return cases;
}

// The hand-off changes no output: same bytes in every file as when every hop parses, and
// every message handed over is exactly what a receiver would have parsed.
TEST(MessageHandOff, RunOutputsAreByteIdenticalAndEveryHandOffVerifies)
{
    for (const Case& c : Cases())
    {
        RunOptions everyHop;
        everyHop.scenarioPath = c.scenario;
        everyHop.parseEveryHop = true;
        MessageHandOff::Counters none;
        everyHop.handOffCountersForTest = &none;
        RunOptions verified;
        verified.scenarioPath = c.scenario;
        verified.verifyHandOff = true;
        MessageHandOff::Counters counters;
        verified.handOffCountersForTest = &counters;
        const RunOutcome parsed = RunSeed("ho-parse-" + c.name, c.overrides, 3, everyHop);
        const RunOutcome handed = RunSeed("ho-verify-" + c.name, c.overrides, 3, verified);
        ASSERT_EQ(parsed.code, kRunOk) << c.name << ": " << parsed.err;
        ASSERT_EQ(handed.code, kRunOk) << c.name << ": " << handed.err;
        // Nearly every message is handed off (and so verified); the few parsed are late
        // retransmissions of final responses, whose transaction has let the message go.
        EXPECT_GT(counters.taken, 0u) << c.name;
        EXPECT_LE(counters.missed * 20, counters.taken) << c.name;
        EXPECT_EQ(none.submitted, 0u) << c.name << ": --parse-every-hop handed off";
        for (const char* file : {"messages.csv", "calls.csv", "summary.json"})
        {
            const std::string expected = ReadFile(parsed.dir / file);
            EXPECT_FALSE(expected.empty()) << c.name << " " << file;
            EXPECT_EQ(expected, ReadFile(handed.dir / file)) << c.name << " " << file;
        }
        EXPECT_EQ(ReadFile(parsed.dir / "ladder.txt"), ReadFile(handed.dir / "ladder.txt"))
            << c.name;
    }
}

} // namespace
} // namespace sipsim::test
