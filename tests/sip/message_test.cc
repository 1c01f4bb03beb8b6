// SipMessage, header-name helpers and ParseMessage on hand-written messages.
#include "sip/headers.h"
#include "sip/message.h"

#include <cctype>
#include <gtest/gtest.h>
#include <random>
#include <string>
#include <vector>

namespace sipsim
{
namespace
{

// A minimal valid request; tests splice extra header lines and a body into it.
std::string
Request(const std::string& extraHeaders, const std::string& body = "",
        const std::string& startLine = "OPTIONS sip:bob@example.com SIP/2.0")
{
    return startLine +
           "\r\n"
           "Via: SIP/2.0/UDP host.example.com;branch=z9hG4bK776asdhds\r\n"
           "Max-Forwards: 70\r\n"
           "To: <sip:bob@example.com>\r\n"
           "From: <sip:alice@example.com>;tag=1928301774\r\n"
           "Call-ID: a84b4c76e66710@pc33.example.com\r\n"
           "CSeq: 314159 OPTIONS\r\n" +
           extraHeaders + "\r\n" + body;
}

std::string
Response(const std::string& statusLine, const std::string& extraHeaders = "Content-Length: 0\r\n")
{
    return statusLine +
           "\r\n"
           "Via: SIP/2.0/UDP host.example.com;branch=z9hG4bK776asdhds\r\n"
           "To: <sip:bob@example.com>;tag=a6c85cf\r\n"
           "From: <sip:alice@example.com>;tag=1928301774\r\n"
           "Call-ID: a84b4c76e66710@pc33.example.com\r\n"
           "CSeq: 314159 INVITE\r\n" +
           extraHeaders + "\r\n";
}

TEST(HeaderNames, CanonicalForms)
{
    struct Case
    {
        const char* in;
        const char* out;
    };
    const Case cases[] = {
        {"i", "Call-ID"},
        {"I", "Call-ID"},
        {"m", "Contact"},
        {"e", "Content-Encoding"},
        {"l", "Content-Length"},
        {"c", "Content-Type"},
        {"f", "From"},
        {"t", "To"},
        {"v", "Via"},
        {"k", "Supported"},
        {"s", "Subject"},
        {"o", "Event"},
        {"u", "Allow-Events"},
        {"r", "Refer-To"},
        {"x", "Session-Expires"},
        {"y", "Identity"},
        {"a", "Accept-Contact"},
        {"b", "Referred-By"},
        {"j", "Reject-Contact"},
        {"d", "Request-Disposition"},
        {"n", "Identity-Info"},
        {"call-id", "Call-ID"},
        {"CSEQ", "CSeq"},
        {"www-authenticate", "WWW-Authenticate"},
        {"mAx-FoRwArDs", "Max-Forwards"},
        {"X-Custom-Thing", "X-Custom-Thing"},
        {"x-custom-thing", "x-custom-thing"},
        {"g", "g"},
        {"C%6Fntact", "C%6Fntact"},
    };
    for (const Case& c : cases)
    {
        EXPECT_EQ(CanonicalHeaderName(c.in), c.out) << c.in;
    }
}

TEST(HeaderNames, KnownLongNamesAreSharedNotCopied)
{
    // Every lookup of a known name gives the same bytes, however it was spelt.
    const HeaderValue first = CanonicalHeaderName("proxy-authorization");
    const HeaderValue second = CanonicalHeaderName("Proxy-Authorization");
    EXPECT_EQ(first, "Proxy-Authorization");
    EXPECT_EQ(first.data(), second.data());
    EXPECT_EQ(CanonicalHeaderName("PROXY-AUTHENTICATE"), "Proxy-Authenticate");
    EXPECT_EQ(CanonicalHeaderName("proxy-authorisation"), "proxy-authorisation"); // unknown
    EXPECT_EQ(CanonicalHeaderName(""), "");
    const std::string longUnknown(40, 'a');
    EXPECT_EQ(CanonicalHeaderName(longUnknown), longUnknown);
}

TEST(HeaderNames, EqualsIsCaseInsensitiveAndCompactAware)
{
    EXPECT_TRUE(HeaderNameEquals("v", "Via"));
    EXPECT_TRUE(HeaderNameEquals("VIA", "v"));
    EXPECT_TRUE(HeaderNameEquals("V", "v"));
    EXPECT_TRUE(HeaderNameEquals("i", "call-id"));
    EXPECT_TRUE(HeaderNameEquals("X-Foo", "x-foo"));
    EXPECT_FALSE(HeaderNameEquals("v", "To"));
    EXPECT_FALSE(HeaderNameEquals("t", "f"));
    EXPECT_FALSE(HeaderNameEquals("Via", "Vias"));
    EXPECT_FALSE(HeaderNameEquals("g", "h"));
    EXPECT_FALSE(HeaderNameEquals("x", "X-Foo"));
}

TEST(HeaderNames, SameBytesOfSizeSeesADifferenceAtEveryPosition)
{
    for (std::size_t size = 0; size <= 40; ++size)
    {
        const std::string a(size, 'x');
        std::string b = a;
        EXPECT_TRUE(detail::SameBytesOfSize(a.data(), b.data(), size)) << size;
        for (std::size_t at = 0; at < size; ++at)
        {
            b[at] = 'y';
            EXPECT_FALSE(detail::SameBytesOfSize(a.data(), b.data(), size)) << size << " " << at;
            b[at] = 'x';
        }
    }
}

/// The rule HeaderNameEquals implements, written plainly: case-insensitive equality after
/// expanding one-letter compact forms.
bool
ReferenceHeaderNameEquals(std::string_view a, std::string_view b)
{
    auto expanded = [](std::string_view name) {
        std::string text =
            name.size() == 1 ? std::string(CanonicalHeaderName(name)) : std::string(name);
        for (char& c : text)
        {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        return text;
    };
    return expanded(a) == expanded(b);
}

TEST(HeaderNames, EqualsAgreesWithThePlainRuleOnEveryPair)
{
    // Same-length pairs that differ only at the first or last character, or only in case
    // there, or in characters that differ in bit 0x20 but are not letters ('-' and '\r').
    std::vector<std::string> names = {
        "Via",     "v",     "V",     "Call-ID",   "CALL-ID", "call-iD", "i",      "I",
        "Contact", "m",     "CSeq",  "cseq",      "From",    "f",       "To",     "t",
        "Route",   "Allow", "X-Foo", "x-fOO",     "X-Fo\r",  "\rX-Foo", "-X-Foo", "X-Fo-",
        "Y-Foo",   "X-Fop", "k",     "Supported", "Subject", "s",       "@ab",    "`ab",
        "ab@",     "ab`",   "g",     "h"};
    int matches = 0;
    for (const std::string& a : names)
    {
        for (const std::string& b : names)
        {
            const bool expected = ReferenceHeaderNameEquals(a, b);
            EXPECT_EQ(HeaderNameEquals(a, b), expected) << a << " / " << b;
            matches += expected ? 1 : 0;
        }
    }
    EXPECT_GT(matches, static_cast<int>(names.size())); // some pairs other than (a, a) match
}

TEST(SplitHeaderList, TopLevelCommasOnly)
{
    struct Case
    {
        const char* in;
        std::vector<std::string> out;
    };
    const std::vector<Case> cases = {
        {"", {}},
        {"   ", {}},
        {"a", {"a"}},
        {" a , b,c ", {"a", "b", "c"}},
        {"\"Bell, Alexander\" <sip:a@b>, <sip:c@d>",
         {"\"Bell, Alexander\" <sip:a@b>", "<sip:c@d>"}},
        {"<sip:a@b;x=1,2>;q=1, <sip:c>", {"<sip:a@b;x=1,2>;q=1", "<sip:c>"}},
        {"\"a \\\" , b\" <sip:x>, y", {"\"a \\\" , b\" <sip:x>", "y"}},
        {"\"a \\\\\", b", {"\"a \\\\\"", "b"}},
        {"a,,b", {"a", "", "b"}},
        {"a,", {"a", ""}},
    };
    for (const Case& c : cases)
    {
        std::vector<std::string_view> got = SplitHeaderList(c.in);
        std::vector<std::string> gotStrings(got.begin(), got.end());
        EXPECT_EQ(gotStrings, c.out) << c.in;

        // The cursor walks the same elements, and the first one is FirstHeaderListElement's.
        std::vector<std::string> walked;
        HeaderListCursor cursor(c.in);
        for (std::string_view item; cursor.Next(item);)
        {
            walked.emplace_back(item);
        }
        EXPECT_EQ(walked, c.out) << c.in;
        const auto first = FirstHeaderListElement(c.in);
        ASSERT_EQ(first.has_value(), !c.out.empty()) << c.in;
        if (first)
        {
            EXPECT_EQ(std::string(*first), c.out.front()) << c.in;
        }
    }
}

/// The list grammar one character at a time, as the reference for the scan that skips
/// plain text sixteen bytes per step: long values put specials on every offset of a block.
std::vector<std::string>
ReferenceSplit(const std::string& value)
{
    std::vector<std::string> out;
    const auto trim = [](const std::string& text) {
        const auto begin = text.find_first_not_of(" \t");
        return begin == std::string::npos
                   ? std::string()
                   : text.substr(begin, text.find_last_not_of(" \t") - begin + 1);
    };
    if (trim(value).empty())
    {
        return out;
    }
    std::string current;
    bool inQuote = false;
    bool inAngle = false;
    for (std::size_t i = 0; i < value.size(); ++i)
    {
        const char c = value[i];
        if (inQuote)
        {
            current += c;
            if (c == '\\' && i + 1 < value.size())
            {
                current += value[++i];
            }
            else if (c == '"')
            {
                inQuote = false;
            }
            continue;
        }
        if (c == ',' && !inAngle)
        {
            out.push_back(trim(current));
            current.clear();
            continue;
        }
        inQuote = c == '"';
        inAngle = c == '<' ? true : (c == '>' ? false : inAngle);
        current += c;
    }
    out.push_back(trim(current));
    return out;
}

TEST(SplitHeaderList, LongValuesMatchTheCharacterByCharacterGrammar)
{
    std::mt19937 rng(7);
    const std::string alphabet = "abcdefgh ,,\"<>\\;=";
    for (int round = 0; round < 5000; ++round)
    {
        std::string value(rng() % 90, 'x');
        for (char& c : value)
        {
            // Mostly plain text, as in real values, so whole blocks are skipped too.
            c = rng() % 4 == 0 ? alphabet[rng() % alphabet.size()]
                               : static_cast<char>('a' + rng() % 26);
        }
        std::vector<std::string> got;
        for (std::string_view item : SplitHeaderList(value))
        {
            got.emplace_back(item);
        }
        ASSERT_EQ(got, ReferenceSplit(value)) << value;
    }
}

TEST(SipMessage, CopiesShareHeaderLinesUntilOneChanges)
{
    SipMessage original = SipMessage::MakeRequest("INVITE", "sip:b@example.com");
    original.Add("Via", "SIP/2.0/UDP a.example.com;branch=z9hG4bK1");
    original.Add("Max-Forwards", "70");
    const SipMessage untouched = original;

    SipMessage viaAdd = original;
    viaAdd.Prepend("Via", "SIP/2.0/UDP p1.example.com;branch=z9hG4bK2");
    SipMessage viaSet = original;
    viaSet.Set("Max-Forwards", "69");
    SipMessage viaRemove = original;
    viaRemove.Remove("Via");
    SipMessage viaFirst = original;
    viaFirst.RemoveFirstValue("Max-Forwards");
    SipMessage viaMutable = original;
    viaMutable.MutableHeaders().front().value = "changed";
    SipMessage viaLines = original;
    viaLines.RemoveLines({0});

    EXPECT_EQ(original, untouched);
    EXPECT_EQ(original.Headers().size(), 2u);
    EXPECT_EQ(*original.Get("Max-Forwards"), "70");
    EXPECT_EQ(original.Count("Via"), 1u);
    EXPECT_EQ(viaAdd.Count("Via"), 2u);
    EXPECT_EQ(*viaSet.Get("Max-Forwards"), "69");
    EXPECT_FALSE(viaRemove.Has("Via"));
    EXPECT_FALSE(viaFirst.Has("Max-Forwards"));
    EXPECT_EQ(viaMutable.Headers().front().value, "changed");
    EXPECT_FALSE(viaLines.Has("Via"));
    EXPECT_EQ(original.Headers().front().value, "SIP/2.0/UDP a.example.com;branch=z9hG4bK1");

    // And the other way round: changing the original leaves earlier copies alone.
    const SipMessage before = original;
    original.Add("Route", "<sip:p1.example.com;lr>");
    EXPECT_FALSE(before.Has("Route"));
    EXPECT_TRUE(original.Has("Route"));
    EXPECT_TRUE(SipMessage().Headers().empty());
}

TEST(ParseError, ToString)
{
    EXPECT_EQ(MakeError("bad").ToString(), "bad");
    EXPECT_EQ(MakeError("bad", 3).ToString(), "line 3: bad");
    EXPECT_EQ(MakeError("bad", 3, 7).ToString(), "line 3, column 7: bad");
}

TEST(ParseMessage, SimpleRequest)
{
    auto parsed = ParseMessage(Request("Content-Length: 5\r\n", "hello"));
    ASSERT_TRUE(parsed.Ok()) << parsed.Error().ToString();
    const SipMessage& m = *parsed;
    EXPECT_TRUE(m.IsRequest());
    EXPECT_EQ(m.Method(), "OPTIONS");
    EXPECT_EQ(m.RequestUri(), "sip:bob@example.com");
    EXPECT_EQ(m.Version(), "SIP/2.0");
    ASSERT_EQ(m.Headers().size(), 7u);
    EXPECT_EQ(m.Headers()[0].name, "Via");
    EXPECT_EQ(m.Headers()[6].name, "Content-Length");
    EXPECT_EQ(m.Body(), "hello");
    ASSERT_NE(m.Get("call-id"), nullptr);
    EXPECT_EQ(*m.Get("i"), "a84b4c76e66710@pc33.example.com");
}

TEST(ParseMessage, CompactFormsAndCaseInsensitiveNames)
{
    std::string text = "INVITE sip:bob@example.com SIP/2.0\r\n"
                       "v: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
                       "t: <sip:bob@example.com>\r\n"
                       "F: <sip:alice@example.com>;tag=1\r\n"
                       "I: abc@host\r\n"
                       "cseq: 1 INVITE\r\n"
                       "MAX-FORWARDS: 70\r\n"
                       "m: <sip:alice@pc33.example.com>\r\n"
                       "k: 100rel\r\n"
                       "s: hello\r\n"
                       "c: text/plain\r\n"
                       "l: 2\r\n"
                       "\r\nhi";
    auto parsed = ParseMessage(text);
    ASSERT_TRUE(parsed.Ok()) << parsed.Error().ToString();
    std::vector<std::string> names;
    for (const HeaderField& h : parsed->Headers())
    {
        names.push_back(h.name.str());
    }
    EXPECT_EQ(names, (std::vector<std::string>{"Via", "To", "From", "Call-ID", "CSeq",
                                               "Max-Forwards", "Contact", "Supported", "Subject",
                                               "Content-Type", "Content-Length"}));
    EXPECT_EQ(parsed->Body(), "hi");
    EXPECT_EQ(*parsed->Get("Content-Type"), "text/plain");
}

TEST(ParseMessage, FoldingAndWhitespaceAroundColon)
{
    std::string text = Request("Subject  :   first part  \r\n"
                               "   second\tpart \r\n"
                               "\tthird\r\n"
                               "X-Empty:\r\n"
                               "X-Folded-Empty:\r\n"
                               "  \r\n"
                               "  value\r\n"
                               "Content-Length: 0\r\n");
    auto parsed = ParseMessage(text);
    ASSERT_TRUE(parsed.Ok()) << parsed.Error().ToString();
    EXPECT_EQ(*parsed->Get("Subject"), "first part second\tpart third");
    EXPECT_EQ(*parsed->Get("X-Empty"), "");
    EXPECT_EQ(*parsed->Get("X-Folded-Empty"), "value");
    // The canonical form has no folding and re-parses to the same message.
    std::string wire = parsed->Serialize();
    EXPECT_NE(wire.find("Subject: first part second\tpart third\r\n"), std::string::npos);
    EXPECT_NE(wire.find("X-Empty:\r\n"), std::string::npos);
    auto again = ParseMessage(wire);
    ASSERT_TRUE(again.Ok()) << again.Error().ToString();
    EXPECT_EQ(*again, *parsed);
}

TEST(ParseMessage, MultiValuedHeadersSplitAroundQuotesAndBrackets)
{
    std::string text =
        Request("Contact: \"Bell, Alexander\" <sip:a@example.com;x=1>;y=\"1,2\";q=0.5, "
                "<sip:b@example.com>\r\n"
                "Contact: sip:c@example.com\r\n"
                "Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\n"
                "Content-Length: 0\r\n");
    auto parsed = ParseMessage(text);
    ASSERT_TRUE(parsed.Ok()) << parsed.Error().ToString();
    std::vector<std::string_view> contacts = parsed->GetAll("m");
    ASSERT_EQ(contacts.size(), 3u);
    EXPECT_EQ(contacts[0], "\"Bell, Alexander\" <sip:a@example.com;x=1>;y=\"1,2\";q=0.5");
    EXPECT_EQ(contacts[1], "<sip:b@example.com>");
    EXPECT_EQ(contacts[2], "sip:c@example.com");
    EXPECT_EQ(parsed->Count("Contact"), 2u);
    EXPECT_EQ(parsed->GetAll("Route").size(), 2u);
    EXPECT_EQ(parsed->GetAll("Record-Route").size(), 0u);
}

TEST(ParseMessage, UnknownHeadersPreservedVerbatimAndInOrder)
{
    std::string text = Request("x-lower-case: 1\r\n"
                               "X-Weird-!%*_+`'~: ;;,,;;\r\n"
                               "X-lower-case: 2\r\n"
                               "Content-Length: 0\r\n");
    auto parsed = ParseMessage(text);
    ASSERT_TRUE(parsed.Ok()) << parsed.Error().ToString();
    const std::vector<HeaderField>& h = parsed->Headers();
    ASSERT_EQ(h.size(), 10u);
    EXPECT_EQ(h[6], (HeaderField{"x-lower-case", "1"}));
    EXPECT_EQ(h[7], (HeaderField{"X-Weird-!%*_+`'~", ";;,,;;"}));
    EXPECT_EQ(h[8], (HeaderField{"X-lower-case", "2"}));
    EXPECT_EQ(parsed->Count("X-LOWER-CASE"), 2u);
}

TEST(ParseMessage, LeadingCrlfsIgnoredAndLfAccepted)
{
    auto parsed = ParseMessage("\r\n\r\n" + Request("Content-Length: 0\r\n"));
    ASSERT_TRUE(parsed.Ok()) << parsed.Error().ToString();
    EXPECT_EQ(parsed->Method(), "OPTIONS");

    std::string lf = Request("Content-Length: 0\r\n");
    std::string stripped;
    for (char c : lf)
    {
        if (c != '\r')
        {
            stripped.push_back(c);
        }
    }
    auto bare = ParseMessage(stripped);
    ASSERT_TRUE(bare.Ok()) << bare.Error().ToString();
    EXPECT_EQ(*bare, *parsed);
}

TEST(ParseMessage, Responses)
{
    auto ok = ParseMessage(Response("SIP/2.0 200 OK"));
    ASSERT_TRUE(ok.Ok()) << ok.Error().ToString();
    EXPECT_TRUE(ok->IsResponse());
    EXPECT_EQ(ok->StatusCode(), 200);
    EXPECT_EQ(ok->ReasonPhrase(), "OK");

    auto empty = ParseMessage(Response("SIP/2.0 100 "));
    ASSERT_TRUE(empty.Ok()) << empty.Error().ToString();
    EXPECT_EQ(empty->ReasonPhrase(), "");

    auto spaces = ParseMessage(Response("SIP/2.0 486 Busy  Here, really  "));
    ASSERT_TRUE(spaces.Ok()) << spaces.Error().ToString();
    EXPECT_EQ(spaces->ReasonPhrase(), "Busy  Here, really  ");
    EXPECT_EQ(*ParseMessage(spaces->Serialize()), *spaces);

    auto utf8 = ParseMessage(Response("SIP/2.0 699 \xd0\xbe\xd0\xba"));
    ASSERT_TRUE(utf8.Ok()) << utf8.Error().ToString();
    EXPECT_EQ(utf8->StatusCode(), 699);
}

TEST(ParseMessage, BadStartLinesAreRejected)
{
    struct Case
    {
        std::string text;
        const char* reasonPart;
        int column;
    };
    const std::vector<Case> cases = {
        {Request("Content-Length: 0\r\n", "", "OPTIONS  sip:bob@example.com SIP/2.0"),
         "more than one space after the method", 9},
        {Request("Content-Length: 0\r\n", "", "OPTIONS sip:bob@example.com  SIP/2.0"),
         "more than one space before the SIP version", 28},
        {Request("Content-Length: 0\r\n", "", "OPTIONS sip:bob@example.com SIP/2.0 "),
         "trailing whitespace", 36},
        {Request("Content-Length: 0\r\n", "", " OPTIONS sip:bob@example.com SIP/2.0"),
         "starts with whitespace", 1},
        {Request("Content-Length: 0\r\n", "", "OPTIONS sip:bob@example.com; lr SIP/2.0"),
         "Request-URI contains whitespace", 29},
        {Request("Content-Length: 0\r\n", "", "OPTIONS <sip:bob@example.com> SIP/2.0"),
         "invalid character '<' in Request-URI", 9},
        {Request("Content-Length: 0\r\n", "", "OPTIONS sip:bob@example.com SIP/7.0"),
         "unsupported SIP version SIP/7.0", 29},
        {Request("Content-Length: 0\r\n", "", "OPTIONS sip:bob@example.com HTTP/1.1"),
         "malformed SIP version", 29},
        {Request("Content-Length: 0\r\n", "", "OPTIONS sip:bob@example.com"), "no SIP version", 28},
        {Request("Content-Length: 0\r\n", "", "OPTIONS"), "no Request-URI", 8},
        {Request("Content-Length: 0\r\n", "", "OPT(IONS sip:bob@example.com SIP/2.0"),
         "invalid character '(' in method", 4},
        {Request("Content-Length: 0\r\n", "", "OPTIONS\tsip:bob@example.com SIP/2.0"),
         "invalid character 0x09 in method", 8},
        {Response("SIP/2.0 4294967301 better not break the receiver"), "is not 3 digits", 9},
        {Response("SIP/2.0 099 Low"), "outside 100..699", 9},
        {Response("SIP/2.0 700 High"), "outside 100..699", 9},
        {Response("SIP/2.0 2x0 OK"), "is not a number", 9},
        {Response("SIP/2.0  200 OK"), "more than one space before the status code", 9},
        {Response("SIP/2.0"), "no status code", 8},
        {Response("SIP/3.0 200 OK"), "unsupported SIP version SIP/3.0", 1},
        {"", "empty message", 0},
        {"\r\n\r\n", "empty message", 0},
        {"OPTIONS sip:a SIP/2.0", "start line is not terminated", 0},
    };
    for (const Case& c : cases)
    {
        auto parsed = ParseMessage(c.text);
        ASSERT_FALSE(parsed.Ok()) << c.text;
        EXPECT_NE(parsed.Error().reason.find(c.reasonPart), std::string::npos)
            << parsed.Error().reason;
        if (c.column > 0)
        {
            EXPECT_EQ(parsed.Error().line, 1) << c.text;
            EXPECT_EQ(parsed.Error().column, c.column) << parsed.Error().ToString();
        }
    }
}

TEST(ParseMessage, BadHeaderLinesAreRejected)
{
    struct Case
    {
        std::string extra;
        const char* reasonPart;
        int line;
    };
    const std::vector<Case> cases = {
        {"No colon here\r\nContent-Length: 0\r\n", "no colon", 8},
        {"Bad Name: x\r\nContent-Length: 0\r\n", "whitespace inside header name", 8},
        {"Bad(Name): x\r\nContent-Length: 0\r\n", "invalid character '(' in header name", 8},
        {": x\r\nContent-Length: 0\r\n", "empty header name", 8},
        {"X-A: 1\rX-B: 2\r\nContent-Length: 0\r\n", "bare CR", 8},
    };
    for (const Case& c : cases)
    {
        auto parsed = ParseMessage(Request(c.extra));
        ASSERT_FALSE(parsed.Ok()) << c.extra;
        EXPECT_NE(parsed.Error().reason.find(c.reasonPart), std::string::npos)
            << parsed.Error().reason;
        EXPECT_EQ(parsed.Error().line, c.line) << parsed.Error().ToString();
    }
    auto noBlank = ParseMessage("OPTIONS sip:a SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n");
    ASSERT_FALSE(noBlank.Ok());
    EXPECT_NE(noBlank.Error().reason.find("not terminated by an empty line"), std::string::npos);

    auto leadingFold = ParseMessage("OPTIONS sip:a SIP/2.0\r\n  folded\r\n\r\n");
    ASSERT_FALSE(leadingFold.Ok());
    EXPECT_NE(leadingFold.Error().reason.find("continuation"), std::string::npos);
}

TEST(ParseMessage, LineBreaksFoundAtEveryOffset)
{
    // Line ends are found sixteen, then eight bytes at a time: put CR, LF and a bare CR at
    // every offset of two blocks and the tail after them, and check that each is found
    // exactly where it is.
    for (std::size_t length = 0; length < 56; ++length)
    {
        std::string value(length, 'a');
        auto crlf = ParseMessage(Request("X-Pad: " + value + "\r\nContent-Length: 0\r\n"));
        ASSERT_TRUE(crlf.Ok()) << crlf.Error().ToString();
        EXPECT_EQ(*crlf->Get("X-Pad"), value);
        auto lf = ParseMessage(Request("X-Pad: " + value + "\nContent-Length: 0\r\n"));
        ASSERT_TRUE(lf.Ok()) << lf.Error().ToString();
        EXPECT_EQ(*lf->Get("X-Pad"), value);
        auto bare = ParseMessage(Request("X-Pad: " + value + "\rb\r\nContent-Length: 0\r\n"));
        ASSERT_FALSE(bare.Ok());
        EXPECT_EQ(bare.Error().line, 8);
        EXPECT_EQ(bare.Error().column, static_cast<int>(length) + 8) << length;
    }
}

TEST(ParseMessage, ContentLengthCases)
{
    struct Case
    {
        std::string text;
        Framing framing;
        bool ok;
        std::string bodyOrReason; // the body when ok, else part of the reason
    };
    const std::string body = "0123456789";
    const std::vector<Case> cases = {
        {Request("Content-Length: 10\r\n", body), Framing::Datagram, true, body},
        {Request("Content-Length: 4\r\n", body), Framing::Datagram, true, "0123"},
        {Request("l: 0\r\n", body), Framing::Datagram, true, ""},
        {Request("", body), Framing::Datagram, true, body},
        {Request("Content-Length: 11\r\n", body), Framing::Datagram, false,
         "Content-Length 11 exceeds the 10 bytes of body"},
        {Request("Content-Length: 9999\r\n", body), Framing::Datagram, false,
         "Content-Length 9999 exceeds"},
        {Request("Content-Length: -999\r\n", body), Framing::Datagram, false,
         "Content-Length '-999' is not"},
        {Request("Content-Length: 1 0\r\n", body), Framing::Datagram, false, "is not"},
        {Request("Content-Length: \r\n", body), Framing::Datagram, false, "is not"},
        {Request("Content-Length: 99999999999999999999\r\n", body), Framing::Datagram, false,
         "too large"},
        {Request("Content-Length: 010\r\n", body), Framing::Datagram, true, body},
        {Request("Content-Length: 10\r\nl: 10\r\n", body), Framing::Datagram, true, body},
        // Conflicting values: a datagram keeps what it carries (RFC 4475 mcl01).
        {Request("Content-Length: 3\r\nl: 5\r\n", body), Framing::Datagram, true, body},
        {Request("Content-Length: 10\r\n", body), Framing::Stream, true, body},
        {Request("", body), Framing::Stream, false, "missing Content-Length"},
        {Request("Content-Length: 4\r\n", body), Framing::Stream, false, "6 bytes follow"},
        {Request("Content-Length: 3\r\nl: 5\r\n", body), Framing::Stream, false,
         "conflicting Content-Length values 3 and 5"},
    };
    for (const Case& c : cases)
    {
        auto parsed = ParseMessage(c.text, c.framing);
        ASSERT_EQ(parsed.Ok(), c.ok) << c.text << (parsed.Ok() ? "" : parsed.Error().ToString());
        if (c.ok)
        {
            EXPECT_EQ(parsed->Body(), c.bodyOrReason);
        }
        else
        {
            EXPECT_NE(parsed.Error().reason.find(c.bodyOrReason), std::string::npos)
                << parsed.Error().reason;
            // Blame the Content-Length line; a missing header has no line.
            int line = c.bodyOrReason.rfind("missing", 0) == 0 ? 0 : 8;
            EXPECT_EQ(parsed.Error().line, line) << parsed.Error().ToString();
        }
    }
}

TEST(ParseMessage, BinaryBodyKeptExactly)
{
    std::string body("\0\r\n\r\n\xff\x01 end", 10);
    auto parsed = ParseMessage(Request("Content-Length: 10\r\n", body));
    ASSERT_TRUE(parsed.Ok()) << parsed.Error().ToString();
    EXPECT_EQ(parsed->Body(), body);
    EXPECT_EQ(*ParseMessage(parsed->Serialize()), *parsed);
}

TEST(ParseMessage, NeverThrowsOnTruncations)
{
    std::string text =
        Request("Contact: \"x, y\" <sip:c@example.com>\r\nContent-Length: 4\r\n", "abcd");
    for (std::size_t n = 0; n <= text.size(); ++n)
    {
        auto parsed = ParseMessage(std::string_view(text).substr(0, n));
        if (!parsed.Ok())
        {
            EXPECT_FALSE(parsed.Error().reason.empty()) << n;
        }
    }
    EXPECT_TRUE(ParseMessage(text).Ok());
}

TEST(SipMessage, BuildAndSerialize)
{
    SipMessage m = SipMessage::MakeRequest("INVITE", "sip:bob@example.com");
    m.Add("v", "SIP/2.0/UDP a.example.com;branch=z9hG4bK1");
    m.Add("t", "<sip:bob@example.com>");
    m.SetBody("v=0\r\n", "application/sdp");
    EXPECT_EQ(m.Serialize(), "INVITE sip:bob@example.com SIP/2.0\r\n"
                             "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\r\n"
                             "To: <sip:bob@example.com>\r\n"
                             "Content-Type: application/sdp\r\n"
                             "Content-Length: 5\r\n"
                             "\r\n"
                             "v=0\r\n");
    m.SetBody("");
    EXPECT_EQ(*m.Get("l"), "0");
    EXPECT_EQ(m.Count("Content-Length"), 1u);

    SipMessage r = SipMessage::MakeResponse(180, "Ringing");
    r.Add("Content-Length", "0");
    std::string out = "prefix|";
    r.SerializeTo(out);
    EXPECT_EQ(out, "prefix|SIP/2.0 180 Ringing\r\nContent-Length: 0\r\n\r\n");
    r.SetStatus(200, "OK");
    EXPECT_EQ(r.Serialize(), "SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n");
}

TEST(SipMessage, SetPrependRemove)
{
    SipMessage m = SipMessage::MakeRequest("OPTIONS", "sip:a@b");
    m.Add("Via", "v1");
    m.Add("To", "t");
    m.Add("v", "v2");
    m.Add("X-A", "1");

    m.Prepend("Via", "v0");
    ASSERT_EQ(m.Headers().size(), 5u);
    EXPECT_EQ(m.Headers()[0], (HeaderField{"Via", "v0"}));
    EXPECT_EQ(m.Headers()[1], (HeaderField{"Via", "v1"}));
    m.Prepend("Route", "<sip:p>"); // none yet: appended
    EXPECT_EQ(m.Headers().back(), (HeaderField{"Route", "<sip:p>"}));

    m.Set("via", "only");
    ASSERT_EQ(m.Count("Via"), 1u);
    EXPECT_EQ(m.Headers()[0], (HeaderField{"Via", "only"}));
    EXPECT_EQ(m.Headers()[1].name, "To"); // order of the others kept
    m.Set("Subject", "new");
    EXPECT_EQ(m.Headers().back(), (HeaderField{"Subject", "new"}));

    EXPECT_EQ(m.Remove("x-a"), 1u);
    EXPECT_EQ(m.Remove("X-A"), 0u);
    EXPECT_FALSE(m.Has("X-A"));
    EXPECT_TRUE(m.Has("s"));
}

TEST(SipMessage, RemoveLinesByPositionKeepsTheOthersInOrder)
{
    SipMessage m = SipMessage::MakeRequest("OPTIONS", "sip:a@b");
    m.Add("Via", "SIP/2.0/UDP a.example.com;branch=z9hG4bK1");
    m.Add("X-A", "1");
    m.Add("X-B", "2");
    m.Add("X-A", "3");
    m.Add("X-C", "4");
    ASSERT_TRUE(TopVia(m));
    m.RemoveLines({1, 3});
    ASSERT_EQ(m.Headers().size(), 3u);
    EXPECT_EQ(m.Headers()[1], (HeaderField{"X-B", "2"}));
    EXPECT_EQ(m.Headers()[2], (HeaderField{"X-C", "4"}));
    EXPECT_TRUE(m.HasParsedTopVia()); // other lines than Via: the parsed top Via stands
    m.RemoveLines({});
    EXPECT_EQ(m.Headers().size(), 3u);
    m.RemoveLines({0});
    EXPECT_FALSE(m.HasParsedTopVia()); // a Via line went: parse again
    EXPECT_FALSE(TopVia(m));
}

TEST(SipMessage, RemoveFirstValue)
{
    SipMessage m = SipMessage::MakeRequest("OPTIONS", "sip:a@b");
    m.Add("Via", "SIP/2.0/UDP a;x=\"q,r\" , SIP/2.0/UDP b");
    m.Add("Via", "SIP/2.0/UDP c");
    m.Add("Route", "<sip:p1;lr>");

    EXPECT_TRUE(m.RemoveFirstValue("v"));
    ASSERT_EQ(m.Count("Via"), 2u);
    EXPECT_EQ(*m.Get("Via"), "SIP/2.0/UDP b");
    EXPECT_TRUE(m.RemoveFirstValue("Via"));
    EXPECT_EQ(m.GetAll("Via"), (std::vector<std::string_view>{"SIP/2.0/UDP c"}));
    EXPECT_TRUE(m.RemoveFirstValue("Via"));
    EXPECT_FALSE(m.Has("Via"));
    EXPECT_FALSE(m.RemoveFirstValue("Via"));
    EXPECT_TRUE(m.RemoveFirstValue("Route"));
    EXPECT_TRUE(m.Headers().empty());
}

TEST(SipMessage, ReplaceFirstValueKeepsThePlace)
{
    SipMessage m = SipMessage::MakeRequest("OPTIONS", "sip:a@b");
    m.Add("v", "SIP/2.0/UDP a");
    m.Add("Max-Forwards", "70");
    m.Add("Via", "SIP/2.0/UDP b, SIP/2.0/UDP c");

    // A line of one element: replaced in place, under the canonical name.
    m.ReplaceFirstValue("Via", "SIP/2.0/UDP a;received=192.0.2.1");
    ASSERT_EQ(m.Headers().size(), 3u);
    EXPECT_EQ(m.Headers()[0], (HeaderField{"Via", "SIP/2.0/UDP a;received=192.0.2.1"}));
    EXPECT_EQ(m.Headers()[1].name, "Max-Forwards");

    // A line of several: the first becomes a line of its own right above the rest.
    m.Remove("Via");
    m.Add("Via", "SIP/2.0/UDP b;x=\"q,r\" , SIP/2.0/UDP c");
    m.Add("Route", "<sip:p1;lr>");
    m.ReplaceFirstValue("v", "SIP/2.0/UDP b2");
    ASSERT_EQ(m.Headers().size(), 4u);
    EXPECT_EQ(m.Headers()[0].name, "Max-Forwards");
    EXPECT_EQ(m.Headers()[1], (HeaderField{"Via", "SIP/2.0/UDP b2"}));
    EXPECT_EQ(m.Headers()[2], (HeaderField{"Via", "SIP/2.0/UDP c"}));
    EXPECT_EQ(m.Headers()[3].name, "Route");

    // None yet: appended.
    SipMessage empty = SipMessage::MakeRequest("OPTIONS", "sip:a@b");
    empty.Add("Max-Forwards", "70");
    empty.ReplaceFirstValue("Via", "SIP/2.0/UDP d");
    ASSERT_EQ(empty.Headers().size(), 2u);
    EXPECT_EQ(empty.Headers()[1], (HeaderField{"Via", "SIP/2.0/UDP d"}));
}

TEST(SipMessage, EqualityCoversEveryPart)
{
    auto base = ParseMessage(Request("Content-Length: 2\r\n", "ab"));
    ASSERT_TRUE(base.Ok()) << base.Error().ToString();
    SipMessage copy = *base;
    EXPECT_EQ(copy, *base);
    copy.SetRawBody("ac");
    EXPECT_NE(copy, *base);
    copy = *base;
    copy.SetRequestUri("sip:other@example.com");
    EXPECT_NE(copy, *base);
    copy = *base;
    copy.MutableHeaders()[0].value = copy.Headers()[0].value.str() + " ";
    EXPECT_NE(copy, *base);
    copy = *base;
    copy.SetMethod("INFO");
    EXPECT_NE(copy, *base);
}

} // namespace
} // namespace sipsim
