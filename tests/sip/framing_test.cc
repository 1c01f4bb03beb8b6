// ScanStreamFrame: finding message boundaries in a TCP byte stream (RFC 3261 §18.3).
#include "sip/message.h"

#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace sipsim
{
namespace
{

std::string
Framed(const std::string& lengthHeader, const std::string& body, const std::string& tag = "1")
{
    return "MESSAGE sip:bob@example.com SIP/2.0\r\n"
           "Via: SIP/2.0/TCP host.example.com;branch=z9hG4bK" +
           tag +
           "\r\n"
           "Max-Forwards: 70\r\n"
           "To: <sip:bob@example.com>\r\n"
           "From: <sip:alice@example.com>;tag=" +
           tag +
           "\r\n"
           "Call-ID: call-" +
           tag +
           "@example.com\r\n"
           "CSeq: 1 MESSAGE\r\n" +
           lengthHeader + "Content-Type: text/plain\r\n\r\n" + body;
}

std::string
Message(const std::string& body, const std::string& tag = "1")
{
    return Framed("Content-Length: " + std::to_string(body.size()) + "\r\n", body, tag);
}

TEST(ScanStreamFrame, CompleteMessage)
{
    std::string m = Message("hello");
    FrameScan scan = ScanStreamFrame(m);
    ASSERT_EQ(scan.status, FrameScan::Status::Complete);
    EXPECT_EQ(scan.skip, 0u);
    EXPECT_EQ(scan.length, m.size());
    auto parsed = ParseMessage(std::string_view(m).substr(scan.skip, scan.length), Framing::Stream);
    ASSERT_TRUE(parsed.Ok()) << parsed.Error().ToString();
    EXPECT_EQ(parsed->Body(), "hello");
}

TEST(ScanStreamFrame, EveryStrictPrefixNeedsMore)
{
    std::string m = Message("0123456789");
    for (std::size_t n = 0; n < m.size(); ++n)
    {
        FrameScan scan = ScanStreamFrame(std::string_view(m).substr(0, n));
        EXPECT_EQ(scan.status, FrameScan::Status::NeedMore) << n;
    }
    EXPECT_EQ(ScanStreamFrame(m).status, FrameScan::Status::Complete);
}

TEST(ScanStreamFrame, BackToBackMessagesWithKeepAlives)
{
    std::vector<std::string> messages = {Message("one", "a"), Message("", "b"),
                                         Message("three!", "c")};
    std::string stream = "\r\n\r\n" + messages[0] + messages[1] + "\r\n" + messages[2];
    std::vector<std::string> bodies;
    std::string_view rest = stream;
    while (!rest.empty())
    {
        FrameScan scan = ScanStreamFrame(rest);
        ASSERT_EQ(scan.status, FrameScan::Status::Complete) << rest;
        auto parsed = ParseMessage(rest.substr(scan.skip, scan.length), Framing::Stream);
        ASSERT_TRUE(parsed.Ok()) << parsed.Error().ToString();
        bodies.push_back(parsed->Body());
        rest.remove_prefix(scan.skip + scan.length);
    }
    EXPECT_EQ(bodies, (std::vector<std::string>{"one", "", "three!"}));
}

TEST(ScanStreamFrame, ByteAtATimeDelivery)
{
    std::string stream = Message("x", "a") + "\r\n\r\n" + Message("yz", "b");
    std::string buffer;
    std::vector<std::string> bodies;
    for (char c : stream)
    {
        buffer.push_back(c);
        FrameScan scan = ScanStreamFrame(buffer);
        ASSERT_NE(scan.status, FrameScan::Status::Error) << scan.error.reason;
        if (scan.status == FrameScan::Status::Complete)
        {
            auto parsed = ParseMessage(std::string_view(buffer).substr(scan.skip, scan.length),
                                       Framing::Stream);
            ASSERT_TRUE(parsed.Ok()) << parsed.Error().ToString();
            bodies.push_back(parsed->Body());
            buffer.erase(0, scan.skip + scan.length);
        }
    }
    EXPECT_TRUE(buffer.empty());
    EXPECT_EQ(bodies, (std::vector<std::string>{"x", "yz"}));
}

TEST(ScanStreamFrame, KeepAlivesOnly)
{
    FrameScan scan = ScanStreamFrame("\r\n\r\n");
    EXPECT_EQ(scan.status, FrameScan::Status::NeedMore);
    EXPECT_EQ(scan.skip, 4u);
    scan = ScanStreamFrame("\r\n\r");
    EXPECT_EQ(scan.status, FrameScan::Status::NeedMore);
    EXPECT_EQ(scan.skip, 2u);
    scan = ScanStreamFrame("");
    EXPECT_EQ(scan.status, FrameScan::Status::NeedMore);
    EXPECT_EQ(scan.skip, 0u);
}

TEST(ScanStreamFrame, CompactAndFoldedContentLength)
{
    std::string compact = Framed("l: 3\r\n", "abc");
    FrameScan scan = ScanStreamFrame(compact + "trailing");
    ASSERT_EQ(scan.status, FrameScan::Status::Complete);
    EXPECT_EQ(scan.length, compact.size());

    std::string folded = Framed("content-length :\r\n   3\r\n", "abc");
    scan = ScanStreamFrame(folded);
    ASSERT_EQ(scan.status, FrameScan::Status::Complete) << scan.error.reason;
    EXPECT_EQ(scan.length, folded.size());
    EXPECT_TRUE(ParseMessage(folded, Framing::Stream).Ok());
}

TEST(ScanStreamFrame, FramingErrors)
{
    struct Case
    {
        std::string text;
        const char* reasonPart;
    };
    const std::vector<Case> cases = {
        {Framed("", "abc"), "missing Content-Length"},
        {Framed("Content-Length: -3\r\n", "abc"), "is not a non-negative number"},
        {Framed("Content-Length: abc\r\n", "abc"), "is not a non-negative number"},
        {Framed("Content-Length: 3\r\nl: 4\r\n", "abcd"), "conflicting Content-Length"},
        {Framed("Content-Length: 99999999999\r\n", "abc"), "too large"},
    };
    for (const Case& c : cases)
    {
        FrameScan scan = ScanStreamFrame(c.text);
        ASSERT_EQ(scan.status, FrameScan::Status::Error) << c.text;
        EXPECT_NE(scan.error.reason.find(c.reasonPart), std::string::npos) << scan.error.reason;
        // The parser agrees that the message cannot be framed on a stream.
        EXPECT_FALSE(ParseMessage(c.text, Framing::Stream).Ok()) << c.text;
    }
    // Repeated equal values are harmless.
    EXPECT_EQ(ScanStreamFrame(Framed("Content-Length: 3\r\nl: 3\r\n", "abc")).status,
              FrameScan::Status::Complete);
}

TEST(ScanStreamFrame, OversizedHeaderSectionIsAnError)
{
    std::string garbage = "INVITE sip:a SIP/2.0\r\nX-Big: " + std::string(70000, 'a');
    FrameScan scan = ScanStreamFrame(garbage);
    EXPECT_EQ(scan.status, FrameScan::Status::Error);
    EXPECT_NE(scan.error.reason.find("header section exceeds"), std::string::npos);
    // Just under the limit we keep waiting.
    EXPECT_EQ(ScanStreamFrame(garbage.substr(0, 1000)).status, FrameScan::Status::NeedMore);
}

} // namespace
} // namespace sipsim
