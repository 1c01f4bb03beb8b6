#include "sip/abnf.h"
#include "sip/headers.h"

#include <gtest/gtest.h>
#include <random>
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

/// The grammar character by character (RFC 3261 quoted-string, qdtext and quoted-pair):
/// the oracle for the block-skipping scan.
std::size_t
ReferenceScan(std::string_view text, std::size_t pos, std::string* content)
{
    if (pos >= text.size() || text[pos] != '"')
    {
        return std::string_view::npos;
    }
    for (std::size_t i = pos + 1; i < text.size(); ++i)
    {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '"')
        {
            return i + 1;
        }
        if (c == '\\')
        {
            if (i + 1 >= text.size())
            {
                return std::string_view::npos;
            }
            const auto escaped = static_cast<unsigned char>(text[i + 1]);
            if (escaped == '\r' || escaped == '\n' || escaped > 0x7F)
            {
                return std::string_view::npos;
            }
            content->push_back(static_cast<char>(escaped));
            ++i;
            continue;
        }
        if (!(c == ' ' || c == '\t' || (c >= 0x21 && c != 0x7F)))
        {
            return std::string_view::npos;
        }
        content->push_back(static_cast<char>(c));
    }
    return std::string_view::npos;
}

TEST(ScanQuotedString, AgreesWithTheGrammarOnRandomTextAcrossBlockBoundaries)
{
    // Mostly plain text, so that runs cross the 16-byte blocks the scan skips, with every
    // kind of byte that stops it: quote, backslash, tab, CR, LF, NUL, DEL, non-ASCII.
    std::mt19937 random(3261);
    const std::string plain = "abcdefghijklmnopqrstuvwxyz0123456789 ;=,:@.";
    const std::string stoppers("\"\\\t\r\n\x00\x7f\x80\xc3\x1f", 10);
    int closed = 0;
    for (int i = 0; i < 100000; ++i)
    {
        std::string text = "\"";
        const std::size_t length = random() % 70;
        for (std::size_t k = 0; k < length; ++k)
        {
            text += random() % 24 == 0 ? stoppers[random() % stoppers.size()]
                                       : plain[random() % plain.size()];
        }
        std::string expected;
        std::string got;
        const std::size_t want = ReferenceScan(text, 0, &expected);
        ASSERT_EQ(abnf::ScanQuotedString(text, 0, &got), want) << text;
        ASSERT_EQ(abnf::ScanQuotedString(text, 0), want) << text;
        if (want != std::string_view::npos)
        {
            ASSERT_EQ(got, expected) << text;
            ++closed;
        }
    }
    EXPECT_GT(closed, 5000); // well-formed strings were compared too, content included
}

TEST(Quote, EveryByteButCrAndLfReadsBackAsWritten)
{
    // A parsed value can hold any byte a quoted-pair carries (the fuzzer found "\\\x02" in a
    // realm): writing it back must escape what is not qdtext, or the text no longer parses.
    for (int byte = 0; byte < 256; ++byte)
    {
        if (byte == '\r' || byte == '\n')
        {
            continue;
        }
        const std::string text = std::string("a") + static_cast<char>(byte) + "b";
        const std::string quoted = abnf::Quote(text);
        std::string content;
        ASSERT_EQ(abnf::ScanQuotedString(quoted, 0, &content), quoted.size()) << byte;
        EXPECT_EQ(content, text) << byte;
    }
    EXPECT_EQ(abnf::Quote("a\"b\\c"), R"("a\"b\\c")");
    EXPECT_EQ(abnf::Quote("tab\there"), "\"tab\there\""); // qdtext: not escaped
}

TEST(Quote, EscapesLikeTheByteByByteRuleOnRandomTextAcrossBlockBoundaries)
{
    // Quote skips sixteen plain bytes at a time; its output must be the byte-by-byte rule's:
    // a backslash before '"', '\\', DEL and every control byte but tab, CR and LF.
    std::mt19937 random(4475);
    const std::string plain = "abcdefghijklmnopqrstuvwxyz0123456789 ;=,:@./";
    const std::string special("\"\\\t\r\n\x00\x7f\x80\xc3\x1f\x01", 11);
    for (int i = 0; i < 50000; ++i)
    {
        std::string text;
        const std::size_t length = random() % 70;
        for (std::size_t k = 0; k < length; ++k)
        {
            text += random() % 24 == 0 ? special[random() % special.size()]
                                       : plain[random() % plain.size()];
        }
        std::string expected = "\"";
        for (const char ch : text)
        {
            const auto c = static_cast<unsigned char>(ch);
            if (c == '"' || c == '\\' || c == 0x7F ||
                (c < 0x20 && c != '\t' && c != '\r' && c != '\n'))
            {
                expected += '\\';
            }
            expected += ch;
        }
        expected += '"';
        ASSERT_EQ(abnf::Quote(text), expected) << text;
    }
}

TEST(AuthHeader, ControlCharacterInAQuotedPairSurvivesARoundTrip)
{
    auto parsed = AuthHeader::Parse("Digest realm=\"atla\xc9\xc9 again \\\x02later\\\"\"");
    ASSERT_TRUE(parsed.Ok()) << parsed.Error().reason;
    EXPECT_EQ(parsed->Get("realm"), "atla\xc9\xc9 again \x02later\"");
    auto again = AuthHeader::Parse(parsed->ToString());
    ASSERT_TRUE(again.Ok()) << again.Error().reason;
    EXPECT_EQ(*again, *parsed);
}

} // namespace
} // namespace sipsim
