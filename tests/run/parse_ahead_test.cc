// ParseAhead: what Take returns is what the receiver would have parsed itself, whatever is
// not found is left to the receiver, and a run with it writes the same bytes as one without.
#include "run/parse_ahead.h"
#include "run_test_util.h"

#include <filesystem>
#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace sipsim::test
{
namespace
{

std::string
Invite(const std::string& branch)
{
    return "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
           "Via: SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bK" +
           branch +
           "\r\n"
           "Max-Forwards: 70\r\n"
           "From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n"
           "To: Bob <sip:bob@biloxi.example.com>\r\n"
           "Call-ID: 3848276298220188511@atlanta.example.com\r\n"
           "CSeq: 1 INVITE\r\n"
           "Content-Length: 0\r\n"
           "\r\n";
}

/// Valid, broken-but-answerable (400), broken response, garbage, and the RFC 4475 corpus.
std::vector<std::string>
Samples()
{
    std::vector<std::string> samples = {
        Invite("a1"),
        "INVITE sip:user@example.com SIP/2.0\r\nCSeq: 193942 INVITE\r\n"
        "Via: SIP/2.0/UDP 192.0.2.95;branch=z9hG4bKkdj.insuf\r\nl: 0\r\n\r\n",
        "SIP/2.0 200 OK\r\nVia: nonsense\r\n\r\n",
        std::string("\x00\xff garbage", 10),
    };
    const fs::path corpus = fs::path(SIPSIM_SHARED_DIR) / "data" / "rfc4475";
    if (fs::is_directory(corpus))
    {
        for (const auto& entry : fs::directory_iterator(corpus))
        {
            samples.push_back(ReadFile(entry.path()));
        }
    }
    return samples;
}

void
ExpectSameResult(const InboundResult& expected, const InboundResult& actual)
{
    EXPECT_EQ(expected.error, actual.error);
    ASSERT_EQ(expected.message.has_value(), actual.message.has_value());
    if (expected.message)
    {
        EXPECT_EQ(*expected.message, *actual.message);
        EXPECT_EQ(expected.message->Serialize(), actual.message->Serialize());
    }
    ASSERT_EQ(expected.badRequest.has_value(), actual.badRequest.has_value());
    if (expected.badRequest)
    {
        EXPECT_EQ(expected.badRequest->Serialize(), actual.badRequest->Serialize());
    }
}

TEST(ParseAhead, TakeGivesWhatTheReceiverWouldParse)
{
    const std::vector<std::string> samples = Samples();
    ParseAhead ahead;
    for (const std::string& bytes : samples)
    {
        ahead.Submit(bytes);
    }
    for (const std::string& bytes : samples)
    {
        std::optional<InboundResult> taken = ahead.Take(bytes);
        ASSERT_TRUE(taken.has_value());
        ExpectSameResult(ParseInbound(bytes), *taken);
    }
    EXPECT_EQ(ahead.GetCounters().taken, samples.size());
    EXPECT_EQ(ahead.GetCounters().missed, 0u);
}

TEST(ParseAhead, UnknownBytesAndSecondTakesAreMisses)
{
    ParseAhead ahead;
    ahead.Submit(Invite("once"));
    EXPECT_FALSE(ahead.Take(Invite("never")).has_value());
    EXPECT_TRUE(ahead.Take(Invite("once")).has_value());
    EXPECT_FALSE(ahead.Take(Invite("once")).has_value());
    EXPECT_EQ(ahead.GetCounters().missed, 2u);
}

TEST(ParseAhead, RetransmissionsShareBytesAndEachIsFound)
{
    ParseAhead ahead;
    for (int i = 0; i < 3; ++i)
    {
        ahead.Submit(Invite("again"));
    }
    for (int i = 0; i < 3; ++i)
    {
        EXPECT_TRUE(ahead.Take(Invite("again")).has_value()) << i;
    }
    EXPECT_FALSE(ahead.Take(Invite("again")).has_value());
}

// A lost packet is never taken: its result goes once `window` later messages were sent,
// and a message that arrives after that is parsed by its receiver.
TEST(ParseAhead, UntakenResultsExpireAfterTheWindow)
{
    constexpr std::size_t kWindow = 16;
    ParseAhead ahead(kWindow);
    for (std::size_t i = 0; i < 3 * kWindow; ++i)
    {
        ahead.Submit(Invite("n" + std::to_string(i)));
    }
    // The newest is found (waiting for the worker if need be); once it is done, every older
    // result is too, and all but the last `window` are dropped.
    EXPECT_TRUE(ahead.Take(Invite("n" + std::to_string(3 * kWindow - 1))).has_value());
    EXPECT_EQ(ahead.GetCounters().expired, 2 * kWindow);
    EXPECT_TRUE(ahead.Take(Invite("n" + std::to_string(2 * kWindow))).has_value());
    EXPECT_FALSE(ahead.Take(Invite("n0")).has_value());
}

// Same seed, same bytes: parsing on the second thread changes no output, with loss
// (retransmissions share bytes) and on TCP.
TEST(ParseAhead, RunOutputsAreByteIdentical)
{
    auto overrides = ForwardLossOnAP1(0.3);
    overrides.push_back("workload.calls=20");
    for (const std::string transport : {"udp", "tcp"})
    {
        auto withTransport = overrides;
        withTransport.push_back("sip.transport=\"" + transport + "\"");
        const RunOutcome plain = RunSeed("pa-plain-" + transport, withTransport, 2);
        RunOptions parallel;
        parallel.parseAhead = true;
        const RunOutcome ahead = RunSeed("pa-ahead-" + transport, withTransport, 2, parallel);
        ASSERT_EQ(plain.code, kRunOk) << plain.err;
        ASSERT_EQ(ahead.code, kRunOk) << ahead.err;
        for (const char* file : {"messages.csv", "calls.csv", "ladder.txt", "summary.json"})
        {
            const std::string expected = ReadFile(plain.dir / file);
            EXPECT_FALSE(expected.empty()) << file;
            EXPECT_EQ(expected, ReadFile(ahead.dir / file)) << transport << " " << file;
        }
    }
}

} // namespace
} // namespace sipsim::test
