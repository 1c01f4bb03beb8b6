// ValidateSemantics and CheckMandatoryHeaders on constructed messages and RFC 4475 files.
#include "sip/abnf.h"
#include "sip/headers.h"

#include <fstream>
#include <gtest/gtest.h>
#include <iterator>
#include <random>
#include <string>
#include <vector>

namespace sipsim
{
namespace
{

SipMessage
ValidRequest(const std::string& method = "INVITE")
{
    SipMessage m = SipMessage::MakeRequest(method, "sip:bob@biloxi.com");
    m.Add("Via", "SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds");
    m.Add("Max-Forwards", "70");
    m.Add("To", "Bob <sip:bob@biloxi.com>");
    m.Add("From", "Alice <sip:alice@atlanta.com>;tag=1928301774");
    m.Add("Call-ID", "a84b4c76e66710@pc33.atlanta.com");
    m.Add("CSeq", "314159 " + method);
    m.Add("Contact", "<sip:alice@pc33.atlanta.com>");
    m.Add("Content-Length", "0");
    return m;
}

/// The request with the first `name` header replaced (or added) by `value`.
SipMessage
With(const std::string& name, const std::string& value)
{
    SipMessage m = ValidRequest();
    m.Set(name, value);
    return m;
}

TEST(ValidateSemantics, AcceptsWellFormedMessages)
{
    EXPECT_EQ(ValidateSemantics(ValidRequest()), std::nullopt);
    SipMessage response = SipMessage::MakeResponse(180, "Ringing");
    const SipMessage request = ValidRequest();
    for (const auto& field : request.Headers())
    {
        response.Add(field.name, field.value);
    }
    EXPECT_EQ(ValidateSemantics(response), std::nullopt);

    const std::vector<std::pair<std::string, std::string>> fine = {
        {"Date", "Sat, 13 Nov 2010 23:29:00 GMT"},
        {"Warning", "307 isi.edu \"Session parameter 'foo' not understood\", "
                    "301 [2001:db8::1]:5060 \"Incompatible network address type\""},
        {"Retry-After", "18000;duration=3600"},
        {"Retry-After", "120 (I'm in a meeting)"},
        {"Expires", "4294967295"},
        {"Min-Expires", "60"},
        {"Max-Forwards", "0"},
        {"Max-Forwards", "255"},
        {"Contact", "*"},
        {"Route", "<sip:p1.example.com;lr>,<sip:p2.example.com;lr>"},
        {"Record-Route", "<sip:rr.example.com;lr>"},
        {"Call-ID", "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{"},
        {"To", "isbn:2983792873"},
        {"Authorization", "NoOneKnowsThisScheme opaque-data=here"},
        {"X-Unknown", ";;,,;;,;"},
    };
    for (const auto& [name, value] : fine)
    {
        auto problem = ValidateSemantics(With(name, value));
        EXPECT_EQ(problem, std::nullopt)
            << name << ": " << value << " -> " << (problem ? problem->reason : "");
    }
}

TEST(ValidateSemantics, OtherRequestUriSchemesAreLegal)
{
    for (const char* uri :
         {"nobodyKnowsThisScheme:totallyopaquecontent", "soap.beep://192.0.2.103:3002",
          "tel:+1-212-555-1212", "sips:alice@atlanta.com;transport=tcp"})
    {
        SipMessage m = ValidRequest();
        m.SetRequestUri(uri);
        EXPECT_EQ(ValidateSemantics(m), std::nullopt) << uri;
    }
}

// Each bad header value yields an error that names the header.
TEST(ValidateSemantics, RejectsBadHeaders)
{
    struct Case
    {
        const char* name;
        const char* value;
        const char* reasonPart;
    };
    const std::vector<Case> cases = {
        {"Via", "SIP/2.0/UDP 192.0.2.15;;,;,,", "Via: "},
        {"Via", "SIP/2.0/UDP host, ", "Via: empty"},
        {"Via", "SIP/2.0/UDP host;ttl=300", "Via: ttl"},
        {"From", "Bell, Alexander <sip:a.g.bell@example.com>;tag=43", "From: display name"},
        {"To", "\"Mr. J. User <sip:j.user@example.com>", "To: unbalanced"},
        {"To", "\"Watson, Thomas\" < sip:t.watson@example.org >", "To: whitespace inside <>"},
        {"Call-ID", "two words", "Call-ID"},
        {"Call-ID", "a@b@c", "Call-ID"},
        {"CSeq", "36893488147419103232 INVITE", "CSeq: sequence number out of range"},
        {"CSeq", "1 OPTIONS", "CSeq: method 'OPTIONS' does not match"},
        {"Max-Forwards", "300", "Max-Forwards"},
        {"Max-Forwards", "-1", "Max-Forwards"},
        {"Expires", "10000000000000000000000000000000000000000", "Expires"},
        {"Min-Expires", "x", "Min-Expires"},
        {"Contact", "sip:user@example.com?Route=%3Csip:sip.example.com%3E", "Contact: "},
        {"Contact", "<sip:user@host129.example.com>;expires=280297596632815", "Contact: expires"},
        {"Contact", "\"Joe\" <sip:joe@example.org>;;;;", "Contact: "},
        {"Content-Length", "-999", "Content-Length"},
        {"Date", "Fri, 01 Jan 2010 16:00:00 EST", "Date"},
        {"Date", "Fri, 32 Jan 2010 16:00:00 GMT", "Date"},
        {"Date", "Friday, 01 Jan 2010 16:00:00 GMT", "Date"},
        {"Warning", "1812 overture \"In Progress\"", "Warning: warn-code"},
        {"Warning", "399 host unquoted", "Warning"},
        {"Retry-After", "949302838503028349304023988", "Retry-After"},
        {"Retry-After", "10 (unterminated", "Retry-After"},
        {"Retry-After", "10;duration=x", "Retry-After"},
        {"Route", "sip:p1.example.com;lr", "Route"},
        {"Record-Route", "<sip:bad_host;lr>", "Record-Route"},
    };
    for (const auto& c : cases)
    {
        auto problem = ValidateSemantics(With(c.name, c.value));
        ASSERT_TRUE(problem.has_value()) << c.name << ": " << c.value;
        EXPECT_NE(problem->reason.find(c.reasonPart), std::string::npos)
            << c.name << ": " << c.value << " -> " << problem->reason;
    }
}

TEST(ValidateSemantics, ChecksEveryLineOfRepeatedHeaders)
{
    SipMessage m = ValidRequest();
    m.Add("Contact", "<sip:a@b>");
    m.Add("Contact", "*");
    EXPECT_NE(ValidateSemantics(m)->reason.find("'*'"), std::string::npos);

    SipMessage twoVias = ValidRequest();
    twoVias.Add("Via", "SIP/2.0/UDP bad_host");
    EXPECT_NE(ValidateSemantics(twoVias)->reason.find("Via"), std::string::npos);

    SipMessage twoCSeqs = ValidRequest();
    twoCSeqs.Add("CSeq", "2 BYE");
    EXPECT_NE(ValidateSemantics(twoCSeqs)->reason.find("CSeq"), std::string::npos);
}

TEST(ValidateSemantics, RejectsBadStartLines)
{
    struct Case
    {
        const char* uri;
        const char* reasonPart;
    };
    const std::vector<Case> cases = {
        {"<sip:user@example.com>", "Request-URI: must not be enclosed in <>"},
        {"sip:user@example.com; lr", "Request-URI: contains whitespace"},
        {"sip:user@example.com?Route=%3Csip:example.com%3E", "Request-URI: URI headers"},
        {"sip:user@bad_host", "Request-URI: invalid host"},
        {"", "Request-URI: empty"},
        {"noscheme", "Request-URI"},
    };
    for (const auto& c : cases)
    {
        SipMessage m = ValidRequest();
        m.SetRequestUri(c.uri);
        auto problem = ValidateSemantics(m);
        ASSERT_TRUE(problem.has_value()) << c.uri;
        EXPECT_NE(problem->reason.find(c.reasonPart), std::string::npos)
            << c.uri << " -> " << problem->reason;
    }
    SipMessage badMethod = ValidRequest();
    badMethod.SetMethod("IN VITE");
    EXPECT_TRUE(ValidateSemantics(badMethod).has_value());
    SipMessage badVersion = ValidRequest();
    badVersion.SetVersion("SIP/7.0");
    EXPECT_NE(ValidateSemantics(badVersion)->reason.find("version"), std::string::npos);
    SipMessage badCode = SipMessage::MakeResponse(700, "Nope");
    EXPECT_NE(ValidateSemantics(badCode)->reason.find("status code"), std::string::npos);
}

// Missing mandatory headers are not a parse error (RFC 4475 insuf) but are reported by
// CheckMandatoryHeaders, as are duplicated single-valued headers (multi01, mcl01).
TEST(CheckMandatoryHeaders, MissingAndRepeated)
{
    EXPECT_EQ(CheckMandatoryHeaders(ValidRequest()), std::nullopt);
    for (const char* name : {"To", "From", "Call-ID", "CSeq", "Via"})
    {
        SipMessage m = ValidRequest();
        m.Remove(name);
        EXPECT_EQ(ValidateSemantics(m), std::nullopt) << name;
        auto problem = CheckMandatoryHeaders(m);
        ASSERT_TRUE(problem.has_value()) << name;
        EXPECT_EQ(problem->reason, "missing " + std::string(name) + " header");
    }
    SipMessage noMaxForwards = ValidRequest();
    noMaxForwards.Remove("Max-Forwards");
    EXPECT_EQ(CheckMandatoryHeaders(noMaxForwards), std::nullopt);

    for (const char* name : {"To", "From", "Call-ID", "CSeq", "Max-Forwards", "Content-Length"})
    {
        SipMessage m = ValidRequest();
        m.Add(name, *m.Get(name));
        auto problem = CheckMandatoryHeaders(m);
        ASSERT_TRUE(problem.has_value()) << name;
        EXPECT_EQ(problem->reason, "multiple " + std::string(name) + " headers");
    }
    SipMessage twoVias = ValidRequest();
    twoVias.Add("Via", "SIP/2.0/UDP other.example.com;branch=z9hG4bKx");
    EXPECT_EQ(CheckMandatoryHeaders(twoVias), std::nullopt);
}

std::string
LoadTorture(const std::string& name)
{
    std::ifstream in(std::string(SIPSIM_SHARED_DIR) + "/data/rfc4475/" + name + ".dat",
                     std::ios::binary);
    EXPECT_TRUE(in.good()) << "cannot open " << name;
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The RFC 4475 §3.1.2 messages whose fault is in a header or the Request-URI semantics are
// rejected by ValidateSemantics with a reason naming what is wrong.
TEST(ValidateSemantics, TortureMessagesRejectedWithSpecificReasons)
{
    struct Case
    {
        const char* name;
        const char* reasonPart;
    };
    const std::vector<Case> cases = {
        {"badinv01", "Via: empty or invalid parameter name"},
        {"scalar02", "CSeq: sequence number out of range"},
        {"scalarlg", "CSeq: sequence number out of range"},
        {"quotbal", "To: unbalanced quotes"},
        {"escruri", "Request-URI: URI headers are not allowed"},
        {"baddate", "Date: not an RFC 1123 date"},
        {"regbadct", "Contact: an addr-spec containing '?'"},
        {"badaspec", "To: whitespace inside <>"},
        {"baddn", "From: display name contains ','"},
        {"mismatch01", "CSeq: method 'INVITE' does not match the request method 'OPTIONS'"},
        {"mismatch02", "CSeq: method 'INVITE' does not match the request method 'NEWMETHOD'"},
    };
    for (const auto& c : cases)
    {
        auto parsed = ParseMessage(LoadTorture(c.name));
        ASSERT_FALSE(parsed.Ok()) << c.name;
        EXPECT_NE(parsed.Error().reason.find(c.reasonPart), std::string::npos)
            << c.name << ": " << parsed.Error().reason;
    }
}

// Messages that must parse even though the application layer will refuse them.
TEST(ValidateSemantics, HigherLayerTortureMessagesParse)
{
    struct Case
    {
        const char* name;
        std::optional<std::string> mandatoryProblem;
    };
    const std::vector<Case> cases = {
        {"insuf", "missing To header"},
        {"multi01", "multiple To headers"},
        {"mcl01", "multiple Content-Length headers"},
        {"inv2543", std::nullopt},
        {"unkscm", std::nullopt},
        {"novelsc", std::nullopt},
        {"unksm2", std::nullopt},
        {"regaut01", std::nullopt},
        {"badbranch", std::nullopt},
        {"zeromf", std::nullopt},
        {"cparam01", std::nullopt},
        {"regescrt", std::nullopt},
    };
    for (const auto& c : cases)
    {
        auto parsed = ParseMessage(LoadTorture(c.name));
        ASSERT_TRUE(parsed.Ok()) << c.name << ": " << parsed.Error().ToString();
        auto problem = CheckMandatoryHeaders(*parsed);
        EXPECT_EQ(problem ? std::optional<std::string>(problem->reason) : std::nullopt,
                  c.mandatoryProblem)
            << c.name;
    }
}

// ValidateSemantics uses allocation-free checkers that share the typed parsers' grammar; on
// the torture corpus's header values and seeded mutations of them both must give the same
// verdict and the same reason.
TEST(ValidateSemantics, CheckersAgreeWithTypedParsers)
{
    std::vector<std::string> values = {"SIP/2.0/UDP [::1]:5060;rport;branch=z9hG4bK1",
                                       "<sip:a@[2001:db8::1];maddr=10.0.0.1>;q=0.5;expires=9"};
    for (const char* name : {"wsinv", "intmeth", "esc01", "longreq", "badinv01", "scalar02",
                             "quotbal", "regbadct", "badaspec", "baddn", "unksm2", "mpart01"})
    {
        std::string text = LoadTorture(name);
        for (std::size_t pos = 0, end; (end = text.find("\r\n", pos)) != std::string::npos;
             pos = end + 2)
        {
            std::string line = text.substr(pos, end - pos);
            std::size_t colon = line.find(':');
            values.push_back(colon == std::string::npos ? line : line.substr(colon + 1));
        }
    }
    const std::string pieces[] = {"sip:", "@", ":", ";", "?", "=", "<",    ">",    "\"", "\\",
                                  " ",    "[", "]", "%", ",", "*", "\x01", "\x80", "q=1"};
    std::mt19937 rng(4475);
    std::size_t accepted = 0;
    std::size_t tagged = 0;
    for (int i = 0; i < 10000; ++i)
    {
        std::string s = values[rng() % values.size()];
        for (int k = rng() % 3; k > 0 && !s.empty(); --k)
        {
            std::size_t pos = rng() % s.size();
            if (rng() % 2)
            {
                s.insert(pos, pieces[rng() % std::size(pieces)]);
            }
            else
            {
                s.erase(pos, 1);
            }
        }
        auto reason = [](const auto& result) {
            return result.Ok() ? std::string("ok") : result.Error().reason;
        };
        auto checked = [](const std::optional<ParseError>& e) {
            return e ? e->reason : std::string("ok");
        };
        auto via = Via::Parse(s);
        auto addr = NameAddr::Parse(s);
        auto contacts = ContactList::Parse(s);
        auto uri = SipUri::Parse(s);
        ASSERT_EQ(checked(abnf::CheckVia(s)), reason(via)) << s;
        ASSERT_EQ(checked(abnf::CheckNameAddr(s)), reason(addr)) << s;
        ASSERT_EQ(checked(abnf::CheckContactValue(s)), reason(contacts)) << s;
        ASSERT_EQ(checked(abnf::CheckSipUri(s)), reason(uri)) << s;
        ASSERT_EQ(AddressTag(s), addr.Ok() ? addr->Tag() : std::string()) << s;
        tagged += addr.Ok() && !addr->Tag().empty();
        accepted += via.Ok() + addr.Ok() + contacts.Ok() + uri.Ok();
    }
    EXPECT_GT(accepted, 1000u); // the comparison covered successes as well as failures
    EXPECT_GT(tagged, 100u);    // ... and addresses with a tag
}

TEST(AddressTag, FirstTagParameterOfTheFirstLine)
{
    EXPECT_EQ(AddressTag("<sip:a@b>;tag=1;TAG=2"), "1");
    EXPECT_EQ(AddressTag("\"A, b\" <sip:a@b;tag=uri>;Tag=x"), "x"); // not the URI's parameter
    EXPECT_EQ(AddressTag("sip:a@b;tag=7"), "7");      // addr-spec: parameters belong to the header
    EXPECT_EQ(AddressTag("<sip:a@b>;tag;tag=2"), ""); // the first one has no value
    EXPECT_EQ(AddressTag("<sip:a@b>;tag=1;;x"), "");  // does not parse
    EXPECT_EQ(AddressTag("<sip:a@b"), "");
    SipMessage m = SipMessage::MakeRequest("OPTIONS", "sip:b@example.com");
    EXPECT_EQ(HeaderTag(m, "From"), "");
    m.Add("f", "<sip:a@b>;tag=compact");
    m.Add("From", "<sip:a@b>;tag=second");
    EXPECT_EQ(HeaderTag(m, "From"), "compact");
}

TEST(Abnf, ContainsNoCaseAndUnbracketHost)
{
    EXPECT_TRUE(
        abnf::ContainsNoCase("SIP/2.0/UDP Proxy1.Example.COM;branch=x", "proxy1.example.com"));
    EXPECT_FALSE(abnf::ContainsNoCase("proxy1.example.co", "proxy1.example.com"));
    EXPECT_FALSE(abnf::ContainsNoCase("anything", ""));
    EXPECT_EQ(abnf::UnbracketHost("[2001:db8::1]"), "2001:db8::1");
    EXPECT_EQ(abnf::UnbracketHost("192.0.2.1"), "192.0.2.1");
    EXPECT_EQ(abnf::UnbracketHost("["), "[");
}

TEST(LowerView, LowerCaseTextIsReturnedAsItIsAndOtherTextIsCopiedLowered)
{
    std::string storage = "untouched";
    const std::string host = "proxy1.example.com";
    const std::string_view same = abnf::LowerView(host, storage);
    EXPECT_EQ(same.data(), host.data()); // no copy
    EXPECT_EQ(storage, "untouched");
    EXPECT_EQ(abnf::LowerView("Proxy1.EXAMPLE.com", storage), "proxy1.example.com");
    EXPECT_EQ(storage, "proxy1.example.com");
    EXPECT_EQ(abnf::LowerView("", storage), "");
}

TEST(Hostname, LabelsOfAlphanumericsWithInnerHyphensAndAnAlphaTopLabel)
{
    for (const char* good : {"a", "atlanta.example.com", "a-b.c", "x1.y2z", "example.com.", "A.B"})
    {
        EXPECT_TRUE(abnf::IsHostname(good)) << good;
    }
    for (const char* bad : {"", ".", "..", "a..b", "-a.com", "a-.com", "a.-b", "a.b-", "1.2.3.4",
                            "a.1b", "a_b.com", "a.b..", "a b"})
    {
        EXPECT_FALSE(abnf::IsHostname(bad)) << bad;
    }
}

} // namespace
} // namespace sipsim
