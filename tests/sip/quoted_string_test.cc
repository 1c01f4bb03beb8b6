#include "sip/abnf.h"
#include "sip/headers.h"

#include <gtest/gtest.h>
#include <string>

namespace sipsim
{
namespace
{

TEST(ScanQuotedString, ResolvesQuotedPairsAndStopsAtTheClosingQuote)
{
    const std::string text = R"(x="a\"b\\c d" , next)";
    std::string content;
    const std::size_t end = abnf::ScanQuotedString(text, 2, &content);
    ASSERT_NE(end, std::string::npos);
    EXPECT_EQ(text.substr(end), " , next");
    EXPECT_EQ(content, "a\"b\\c d");
    EXPECT_EQ(abnf::ScanQuotedString(text, 2), end); // same end without the content

    std::string plain;
    EXPECT_EQ(abnf::ScanQuotedString(R"("")", 0, &plain), 2u);
    EXPECT_EQ(plain, "");
    EXPECT_EQ(abnf::ScanQuotedString(R"("\\")", 0, &plain), 4u);
    EXPECT_EQ(plain, "\\");
}

TEST(ScanQuotedString, RejectsUnterminatedAndControlCharacters)
{
    EXPECT_EQ(abnf::ScanQuotedString(R"("abc)", 0), std::string::npos);
    EXPECT_EQ(abnf::ScanQuotedString(R"("abc\")", 0), std::string::npos); // escaped end
    EXPECT_EQ(abnf::ScanQuotedString("\"a\rb\"", 0), std::string::npos);
    EXPECT_EQ(abnf::ScanQuotedString("\"a\\\nb\"", 0), std::string::npos);
    EXPECT_EQ(abnf::ScanQuotedString("\"a\x7f\"", 0), std::string::npos);
    EXPECT_EQ(abnf::ScanQuotedString("abc", 0), std::string::npos);
}

TEST(Quote, RoundTripsThroughScanQuotedString)
{
    for (const std::string text : {"", "plain", "a\"b", "back\\slash", "\"\\\"", "end\\",
                                   "sp ace\ttab", "\xc3\xa9t\xc3\xa9"})
    {
        const std::string quoted = abnf::Quote(text);
        std::string out = "prefix:";
        abnf::AppendQuoted(out, text);
        EXPECT_EQ(out, "prefix:" + quoted);
        std::string content;
        EXPECT_EQ(abnf::ScanQuotedString(quoted, 0, &content), quoted.size()) << quoted;
        EXPECT_EQ(content, text);
    }
    EXPECT_EQ(abnf::Quote(R"(a"b\c)"), R"("a\"b\\c")");
}

TEST(AuthHeader, EscapedValuesRoundTrip)
{
    auto parsed = AuthHeader::Parse(R"(Digest username="al\"ice", realm="a\\b", nonce="n1",)"
                                    R"( uri="sip:b@example.com", response="0123456789abcdef)"
                                    R"(0123456789abcdef", algorithm=MD5)");
    ASSERT_TRUE(parsed.Ok()) << parsed.Error().reason;
    EXPECT_EQ(parsed->Get("username"), "al\"ice");
    EXPECT_EQ(parsed->Get("realm"), "a\\b");
    auto again = AuthHeader::Parse(parsed->ToString());
    ASSERT_TRUE(again.Ok()) << again.Error().reason;
    EXPECT_EQ(*again, *parsed);
    EXPECT_FALSE(AuthHeader::Parse(R"(Digest realm="a", Realm="b")").Ok()); // duplicate
}

} // namespace
} // namespace sipsim
