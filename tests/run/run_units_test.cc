// Unit tests of the pieces of the run library that need no simulation.
#include "run/csv_format.h"
#include "run/invariants.h"
#include "run/ladder.h"
#include "run/message_info.h"
#include "run/output_dir.h"
#include "run/stats.h"
#include "run/summary.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <limits>
#include <random>
#include <sstream>
#include <vector>

namespace sipsim
{
namespace
{

TEST(MessageInfo, RequestLineAndHeaders)
{
    const MessageInfo info = SummarizeMessage("INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
                                              "Via: SIP/2.0/UDP a;branch=z9hG4bK1\r\n"
                                              "i: abc@host\r\n"
                                              "CSeq:  2   INVITE\r\n"
                                              "\r\n"
                                              "Call-ID: not-a-header-in-the-body\r\n");
    EXPECT_TRUE(info.isRequest);
    EXPECT_EQ(info.Kind(), "INVITE");
    EXPECT_EQ(info.callId, "abc@host"); // compact form
    EXPECT_EQ(info.cseq, "2   INVITE");
    EXPECT_EQ(info.cseqNumber, 2u);
    EXPECT_EQ(info.cseqMethod, "INVITE");
    EXPECT_EQ(info.RetransmissionKey(), "INVITE");
}

TEST(MessageInfo, StatusLine)
{
    const MessageInfo info = SummarizeMessage("SIP/2.0 407 Proxy Authentication Required\r\n"
                                              "CALL-ID: x\r\nCSeq: 1 INVITE\r\n\r\n");
    EXPECT_FALSE(info.isRequest);
    EXPECT_EQ(info.statusCode, 407);
    EXPECT_EQ(info.Kind(), "407 Proxy Authentication Required");
    EXPECT_EQ(info.callId, "x");
    EXPECT_EQ(info.RetransmissionKey(), "407 (INVITE)");
}

TEST(MessageInfo, OnlyHeaderLinesNamedCallIdOrCSeqAreRead)
{
    // A folded line continues the header above it, whatever it looks like; a header whose
    // name only starts like Call-ID is another header.
    const MessageInfo info = SummarizeMessage("OPTIONS sip:b@example.com SIP/2.0\r\n"
                                              "Subject: hello\r\n"
                                              " Call-ID: folded@host\r\n"
                                              "Call-Info: <http://example.com>\r\n"
                                              "Call-ID: real@host\r\n"
                                              "\tCSeq: 9 FOLDED\r\n"
                                              "cseq: 3 OPTIONS\r\n\r\n");
    EXPECT_EQ(info.callId, "real@host");
    EXPECT_EQ(info.cseqNumber, 3u);
    EXPECT_EQ(info.cseqMethod, "OPTIONS");
}

TEST(MessageInfo, GarbageDoesNotThrow)
{
    const MessageInfo info = SummarizeMessage("");
    EXPECT_EQ(info.Kind(), "?");
    EXPECT_TRUE(info.callId.empty());
    EXPECT_EQ(SummarizeMessage("\r\n\r\n").Kind(), "?");
}

TEST(MessageInfo, NumbersReadAsTheirLeadingDigits)
{
    // A status line without a reason, a signed CSeq number and digits followed by junk.
    const MessageInfo response = SummarizeMessage("SIP/2.0 180\r\nCSeq: +7 BYE\r\n\r\n");
    EXPECT_EQ(response.statusCode, 180);
    EXPECT_EQ(response.Kind(), "180");
    EXPECT_EQ(response.cseqNumber, 7u);
    EXPECT_EQ(response.RetransmissionKey(), "180 (BYE)");
    const MessageInfo junk = SummarizeMessage("SIP/2.0 2x0 OK\r\nCSeq: 12ab\r\n\r\n");
    EXPECT_EQ(junk.statusCode, 2);
    EXPECT_EQ(junk.cseqNumber, 12u);
    EXPECT_TRUE(junk.cseqMethod.empty());
    EXPECT_EQ(junk.RetransmissionKey(), "2 (?)");
}

/// The header part of the summary's rule, written plainly: after any leading CRLFs and the
/// start line, header lines run to the first empty one (a line ends at LF, one CR before it
/// dropped); the first non-empty Call-ID (or "i") and CSeq values count, named before a
/// colon, blanks trimmed, any case.
std::pair<std::string, std::string>
ReferenceCallIdAndCSeq(std::string text)
{
    while (text.rfind("\r\n", 0) == 0)
    {
        text.erase(0, 2);
    }
    std::vector<std::string> lines;
    for (std::size_t start = 0;;)
    {
        const std::size_t lf = text.find('\n', start);
        lines.push_back(
            text.substr(start, lf == std::string::npos ? std::string::npos : lf - start));
        if (lf == std::string::npos || lf + 1 == text.size())
        {
            break;
        }
        start = lf + 1;
    }
    auto trim = [](std::string t) {
        while (!t.empty() && (t.front() == ' ' || t.front() == '\t'))
        {
            t.erase(0, 1);
        }
        while (!t.empty() && (t.back() == ' ' || t.back() == '\t' || t.back() == '\r'))
        {
            t.pop_back();
        }
        return t;
    };
    auto lower = [](std::string t) {
        for (char& c : t)
        {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        return t;
    };
    std::string callId;
    std::string cseq;
    for (std::size_t i = 1; i < lines.size() && (callId.empty() || cseq.empty()); ++i)
    {
        std::string line = lines[i];
        if (!line.empty() && line.back() == '\r')
        {
            line.pop_back();
        }
        if (line.empty())
        {
            break;
        }
        const std::size_t colon = line.find(':');
        const char first = static_cast<char>(std::tolower(static_cast<unsigned char>(line[0])));
        if ((first != 'c' && first != 'i') || colon == std::string::npos)
        {
            continue;
        }
        const std::string name = lower(trim(line.substr(0, colon)));
        const std::string value = trim(line.substr(colon + 1));
        if (callId.empty() && (name == "call-id" || name == "i"))
        {
            callId = value;
        }
        else if (cseq.empty() && name == "cseq")
        {
            cseq = value;
        }
    }
    return {callId, cseq};
}

TEST(MessageInfo, FindsCallIdAndCSeqAsThePlainRuleOnRandomMessages)
{
    const std::vector<std::string> pieces = {
        "Via: SIP/2.0/UDP host.example.com;branch=z9hG4bK74bf9\r\n",
        "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n",
        "i:  compact@host \r\n",
        "CSeq: 314159 INVITE\r\n",
        "cseq:\t2 BYE\r\n",
        "Contact: <sip:alice@pc33.atlanta.example.com>\r\n",
        "c: application/sdp\r\n",
        "Call-Info: <http://wwww.example.com/alice/photo.jpg>\r\n",
        " Call-ID: folded@host\r\n",
        "\tCSeq: 9 FOLDED\r\n",
        "Content-Length: 0\r\n",
        "Call-ID:\r\n",
        "CSeq \r\n",
        "\rCall-ID: after-a-cr\r\n",
        "i\n",
        "\r\n",
        "\n",
        "v=0\r\nc=IN IP4 192.0.2.1\r\ni=session\r\n",
        "Max-Forwards: 70\r\n",
        "To: Bob <sip:bob@biloxi.example.com>\n",
    };
    std::mt19937 random(11);
    for (int round = 0; round < 20000; ++round)
    {
        std::string message = round % 3 == 0 ? "\r\n" : "";
        message += round % 2 == 0 ? "INVITE sip:bob@example.com SIP/2.0\r\n" : "SIP/2.0 200 OK\r\n";
        const int count = static_cast<int>(random() % 12);
        for (int i = 0; i < count; ++i)
        {
            message += pieces[random() % pieces.size()];
        }
        message.resize(random() % (message.size() + 1)); // cut anywhere, block edges included
        const MessageInfo info = SummarizeMessage(message);
        const auto [callId, cseq] = ReferenceCallIdAndCSeq(message);
        ASSERT_EQ(info.callId, callId) << message;
        ASSERT_EQ(info.cseq, cseq) << message;
    }
}

TEST(Stats, NearestRankPercentiles)
{
    Sample sample;
    for (int i = 1; i <= 100; ++i)
    {
        sample.Add(i * 0.001);
    }
    const SampleSummary s = sample.Summarize();
    EXPECT_EQ(s.n, 100u);
    EXPECT_DOUBLE_EQ(*s.p50, 0.050);
    EXPECT_DOUBLE_EQ(*s.p95, 0.095);
    EXPECT_DOUBLE_EQ(*s.p99, 0.099);
    EXPECT_NEAR(*s.mean, 0.0505, 1e-12);
    // s = sqrt(sum (i - 50.5)^2 / 99) * 1e-3 = 29.0115 ms; t(0.975, 99) = 1.98422
    EXPECT_NEAR(*s.ci95, 1.98422 * 0.0290115 / 10.0, 1e-6);
}

TEST(Stats, ExactNanoseconds)
{
    Sample sample;
    sample.Add(2.016531840);
    const SampleSummary s = sample.Summarize();
    EXPECT_EQ(*s.p50, 2.016531840);
    EXPECT_FALSE(s.ci95.has_value()) << "no interval from one value";
    EXPECT_FALSE(Sample().Summarize().mean.has_value());
}

TEST(Stats, SpilledSamplesGiveTheSameExactPercentiles)
{
    // Tiny blocks force the temporary-file path and several narrowing passes; the result
    // must equal the in-memory order statistics for skewed, tied, negative and wide values.
    std::mt19937_64 rng(7);
    std::lognormal_distribution<double> delay(0.7, 0.4);
    std::vector<double> values;
    for (int i = 0; i < 20000; ++i)
    {
        values.push_back(i % 97 == 0 ? 2.0 : delay(rng));
    }
    values.push_back(-0.25);
    values.push_back(1e6);
    Sample spilled(64);
    Sample memory(values.size() + 1);
    for (double v : values)
    {
        spilled.Add(v);
        memory.Add(v);
    }
    EXPECT_TRUE(spilled.Spilled());
    EXPECT_FALSE(memory.Spilled());
    const SampleSummary a = spilled.Summarize();
    const SampleSummary b = memory.Summarize();
    EXPECT_EQ(a.n, values.size());
    EXPECT_EQ(*a.p50, *b.p50);
    EXPECT_EQ(*a.p95, *b.p95);
    EXPECT_EQ(*a.p99, *b.p99);
    EXPECT_EQ(*a.mean, *b.mean);
    std::vector<double> sorted = values;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(*a.p50, RoundNs(sorted[NearestRankIndex(sorted.size(), 50)]));
    EXPECT_EQ(*a.p99, RoundNs(sorted[NearestRankIndex(sorted.size(), 99)]));
}

TEST(Stats, SpilledIdenticalValues)
{
    Sample sample(16);
    for (int i = 0; i < 1000; ++i)
    {
        sample.Add(2.0165);
    }
    const SampleSummary s = sample.Summarize();
    EXPECT_TRUE(sample.Spilled());
    EXPECT_EQ(*s.p50, 2.0165);
    EXPECT_EQ(*s.p99, 2.0165);
}

TEST(Stats, StudentQuantiles)
{
    EXPECT_NEAR(StudentT975(1), 12.7062, 1e-4);
    EXPECT_NEAR(StudentT975(10), 2.2281, 1e-4);
    EXPECT_NEAR(StudentT975(100000), 1.95998, 1e-4);
}

TEST(CsvFormat, FixedFormats)
{
    EXPECT_EQ(FormatSeconds(TimePoint(2016531840)), "2.016531840");
    EXPECT_EQ(FormatSeconds(TimePoint(0)), "0.000000000");
    EXPECT_EQ(FormatSeconds(std::optional<TimePoint>()), "");
    EXPECT_EQ(CsvField("plain"), "plain");
    EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
    EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(RoundNs(0.1 + 0.2), 0.3);
}

TEST(CsvFormat, SecondsAndIntegersMatchPrintfOverTheWholeRange)
{
    std::mt19937_64 random(7);
    std::vector<int64_t> values = {0,
                                   1,
                                   -1,
                                   999999999,
                                   1000000000,
                                   -1000000000,
                                   std::numeric_limits<int64_t>::max(),
                                   std::numeric_limits<int64_t>::min()};
    for (int i = 0; i < 2000; ++i)
    {
        values.push_back(static_cast<int64_t>(random()) >> (random() % 64));
    }
    for (const int64_t ns : values)
    {
        const uint64_t magnitude = ns < 0 ? 0 - static_cast<uint64_t>(ns) : ns;
        char expected[48];
        std::snprintf(expected, sizeof(expected), "%s%llu.%09llu", ns < 0 ? "-" : "",
                      static_cast<unsigned long long>(magnitude / 1000000000ULL),
                      static_cast<unsigned long long>(magnitude % 1000000000ULL));
        std::string out = "x";
        AppendSeconds(out, TimePoint(ns));
        EXPECT_EQ(out, std::string("x") + expected) << ns;
        out = "y";
        AppendUnsigned(out, magnitude);
        EXPECT_EQ(out, "y" + std::to_string(magnitude));
    }
}

TEST(CsvFormat, QuotesExactlyTheFieldsWithASpecialCharacterAnywhere)
{
    // Specials at every position of fields longer than one 16-byte block.
    for (std::size_t length = 0; length < 40; ++length)
    {
        const std::string plain(length, 'a');
        EXPECT_EQ(CsvField(plain), plain);
        for (std::size_t at = 0; at < length; ++at)
        {
            for (const char special : {',', '"', '\r', '\n'})
            {
                std::string field = plain;
                field[at] = special;
                std::string expected = "\"" + field.substr(0, at) + special +
                                       (special == '"' ? "\"" : "") + field.substr(at + 1) + "\"";
                EXPECT_EQ(CsvField(field), expected) << length << " " << at;
            }
        }
    }
}

TEST(Invariants, HoldForConsistentCounters)
{
    CallTotals calls;
    calls.attempted = 5;
    calls.completed = 3;
    calls.failed = 1;
    calls.active = 1;
    calls.established = 4;
    MessageCounters messages;
    messages.sent = 10;
    messages.delivered = 7;
    messages.dropped = 2;
    messages.inFlight = 1;
    EXPECT_TRUE(CheckInvariants(calls, 5, messages).empty());
}

TEST(Invariants, ViolationsNameTheQuantities)
{
    CallTotals calls;
    calls.attempted = 5;
    calls.completed = 3;
    calls.established = 3;
    MessageCounters messages;
    messages.sent = 10;
    messages.delivered = 9;
    const auto v = CheckInvariants(calls, 6, messages);
    ASSERT_EQ(v.size(), 3u);
    EXPECT_NE(v[0].find("calls attempted (5) != completed (3) + failed (0) + active (0)"),
              std::string::npos);
    EXPECT_NE(v[1].find("started by the workload (6)"), std::string::npos);
    EXPECT_NE(v[2].find("messages sent (10)"), std::string::npos);
}

TEST(Rfc6076, RatiosFollowTheDefinitions)
{
    CallTotals c;
    c.attempted = 10;
    c.answered200 = 6;
    c.answered3xx = 2;
    c.answeredSeer = 7; // 6 x 200 + one 486
    c.ineffective = 1;  // a 408
    c.setUpAndTornDown = 5;
    const Rfc6076Ratios r = ComputeRfc6076(c);
    EXPECT_DOUBLE_EQ(*r.ser, 75.0);  // 6 / (10 - 2)
    EXPECT_DOUBLE_EQ(*r.seer, 87.5); // 7 / 8
    EXPECT_DOUBLE_EQ(*r.isa, 10.0);  // 1 / 10
    EXPECT_DOUBLE_EQ(*r.scr, 50.0);  // 5 / 10
    EXPECT_FALSE(ComputeRfc6076(CallTotals{}).ser.has_value());
}

TEST(Ladder, LineFormatAndMarkers)
{
    LadderEntry e;
    e.kind = "INVITE";
    e.from = "A";
    e.to = "P1";
    EXPECT_EQ(LadderLine(1, e), "F1 INVITE A -> P1");
    e.retransmission = true;
    e.status = MessageStatus::Dropped;
    EXPECT_EQ(LadderLine(12, e), "F12 INVITE A -> P1 (retransmission) (lost)");
    e.text = "INVITE sip:b SIP/2.0\r\nCSeq: 1 INVITE\r\n\r\n";
    std::ostringstream out;
    WriteLadder(out, 1, "id", {e});
    EXPECT_NE(out.str().find("\n    INVITE sip:b SIP/2.0\n    CSeq: 1 INVITE\n"),
              std::string::npos);
}

TEST(OutputDir, CheckCreatesNothing)
{
    namespace fs = std::filesystem;
    const fs::path base = fs::path(::testing::TempDir()) / "sipsim-outdir-check";
    fs::remove_all(base);
    EXPECT_FALSE(CheckOutputDir((base / "a" / "b").string()).has_value());
    EXPECT_FALSE(fs::exists(base)) << "the check must not create directories";
    fs::create_directories(base);
    std::ofstream(base / "file") << "x";
    auto problem = CheckOutputDir((base / "file" / "sub").string());
    ASSERT_TRUE(problem.has_value());
    EXPECT_NE(problem->find("is not a directory"), std::string::npos);
    EXPECT_FALSE(CreateOutputDir((base / "a" / "b").string()).has_value());
    EXPECT_TRUE(fs::is_directory(base / "a" / "b"));
    fs::remove_all(base);
}

} // namespace
} // namespace sipsim
