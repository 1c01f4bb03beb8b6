// The 49 RFC 4475 torture messages with the verdicts listed in shared/notes/reference-facts.md.
#include "sip/headers.h"
#include "sip/message.h"
#include "sip/validated_lines.h"

#include <fstream>
#include <gtest/gtest.h>
#include <iterator>
#include <string>
#include <vector>

namespace sipsim
{
namespace
{

std::string
LoadTorture(const std::string& name)
{
    std::ifstream in(std::string(SIPSIM_SHARED_DIR) + "/data/rfc4475/" + name + ".dat",
                     std::ios::binary);
    EXPECT_TRUE(in.good()) << "cannot open " << name;
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

Result<SipMessage>
ParseTorture(const std::string& name)
{
    return ParseMessage(LoadTorture(name), Framing::Datagram);
}

// §3.1.1: valid messages that must parse.
const std::vector<std::string> kValid = {"wsinv",   "intmeth",  "esc01",   "escnull", "esc02",
                                         "lwsdisp", "longreq",  "dblreq",  "semiuri", "transports",
                                         "mpart01", "unreason", "noreason"};
// §3.1.2: invalid messages that must be rejected.
const std::vector<std::string> kInvalid = {
    "badinv01", "clerr",    "ncl",        "scalar02",   "scalarlg", "quotbal",  "ltgtruri",
    "lwsruri",  "lwsstart", "trws",       "escruri",    "baddate",  "regbadct", "badaspec",
    "baddn",    "badvers",  "mismatch01", "mismatch02", "bigcode"};
// §3.2 (transaction layer), §3.3 (application layer), §3.4 (RFC 2543 compatibility): the
// parser accepts them; the core decides what to answer.
const std::vector<std::string> kAcceptedForHigherLayers = {
    "badbranch", "insuf",    "unkscm",   "novelsc", "unksm2", "bext01",
    "invut",     "regaut01", "multi01",  "mcl01",   "bcast",  "zeromf",
    "cparam01",  "cparam02", "regescrt", "sdp01",   "inv2543"};

class ValidTorture : public ::testing::TestWithParam<std::string>
{
};

TEST_P(ValidTorture, ParsesAndRoundTrips)
{
    auto parsed = ParseTorture(GetParam());
    ASSERT_TRUE(parsed.Ok()) << GetParam() << ": " << parsed.Error().ToString();
    std::string wire = parsed->Serialize();
    auto again = ParseMessage(wire);
    ASSERT_TRUE(again.Ok()) << again.Error().ToString() << "\n" << wire;
    EXPECT_EQ(*again, *parsed) << wire;
    EXPECT_EQ(again->Serialize(), wire);
}

INSTANTIATE_TEST_SUITE_P(Rfc4475, ValidTorture, ::testing::ValuesIn(kValid));

class AcceptedTorture : public ValidTorture
{
};

TEST_P(AcceptedTorture, ParsesAndRoundTrips)
{
    auto parsed = ParseTorture(GetParam());
    ASSERT_TRUE(parsed.Ok()) << GetParam() << ": " << parsed.Error().ToString();
    auto again = ParseMessage(parsed->Serialize());
    ASSERT_TRUE(again.Ok()) << again.Error().ToString();
    EXPECT_EQ(*again, *parsed);
}

INSTANTIATE_TEST_SUITE_P(Rfc4475, AcceptedTorture, ::testing::ValuesIn(kAcceptedForHigherLayers));

class InvalidTorture : public ::testing::TestWithParam<std::string>
{
};

TEST_P(InvalidTorture, IsRejectedWithAReason)
{
    std::string text = LoadTorture(GetParam());
    ASSERT_FALSE(text.empty());
    auto parsed = ParseMessage(text);
    ASSERT_FALSE(parsed.Ok()) << GetParam() << " was accepted";
    EXPECT_FALSE(parsed.Error().reason.empty());
    // Stream framing is stricter, never more lenient.
    EXPECT_FALSE(ParseMessage(text, Framing::Stream).Ok());
}

INSTANTIATE_TEST_SUITE_P(Rfc4475, InvalidTorture, ::testing::ValuesIn(kInvalid));

TEST(ValidatedLines, SameVerdictsAsCheckingEveryLine)
{
    // One memo shared by all 49 messages, twice over (the second pass meets every line
    // again): each verdict and error text equals a parse without the memo. A small
    // capacity makes it forget mid-way too.
    for (const std::size_t capacity : {std::size_t{8}, std::size_t{4096}})
    {
        ValidatedLines seen(capacity);
        for (int pass = 0; pass < 2; ++pass)
        {
            for (const auto* list : {&kValid, &kInvalid, &kAcceptedForHigherLayers})
            {
                for (const std::string& name : *list)
                {
                    const std::string text = LoadTorture(name);
                    const auto plain = ParseMessage(text);
                    const auto memo = ParseMessage(text, Framing::Datagram, &seen);
                    ASSERT_EQ(memo.Ok(), plain.Ok()) << name << " pass " << pass;
                    if (plain.Ok())
                    {
                        EXPECT_EQ(*memo, *plain) << name;
                    }
                    else
                    {
                        EXPECT_EQ(memo.Error().ToString(), plain.Error().ToString()) << name;
                    }
                    EXPECT_LE(seen.Size(), capacity);
                }
            }
        }
    }
}

TEST(ValidatedLines, ARememberedLineDoesNotVouchForANeighbour)
{
    ValidatedLines seen(64);
    const std::string good = "INVITE sip:b@example.com SIP/2.0\r\n"
                             "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\r\n"
                             "From: <sip:a@example.com>;tag=1\r\n"
                             "To: <sip:b@example.com>\r\nCall-ID: c1@example.com\r\n"
                             "CSeq: 1 INVITE\r\n\r\n";
    ASSERT_TRUE(ParseMessage(good, Framing::Datagram, &seen).Ok());
    EXPECT_GT(seen.Size(), 0u);
    // Same From line but for one character: it is checked, and rejected.
    std::string bad = good;
    bad.replace(bad.find("<sip:a@example.com>"), 19, "<sip:a@exa mple.com>");
    const auto parsed = ParseMessage(bad, Framing::Datagram, &seen);
    ASSERT_FALSE(parsed.Ok());
    EXPECT_NE(parsed.Error().reason.find("From"), std::string::npos) << parsed.Error().reason;
    // The CSeq line is never taken on trust: it must match each request's method.
    std::string mismatch = good;
    mismatch.replace(0, 6, "CANCEL");
    EXPECT_FALSE(ParseMessage(mismatch, Framing::Datagram, &seen).Ok());
}

TEST(Rfc4475Facts, AllFortyNineAreCovered)
{
    EXPECT_EQ(kValid.size() + kInvalid.size() + kAcceptedForHigherLayers.size(), 49u);
}

TEST(Rfc4475Facts, SyntaxErrorsArePinpointed)
{
    struct Case
    {
        const char* name;
        const char* reasonPart;
        int line;
    };
    const Case cases[] = {
        {"clerr", "Content-Length 9999 exceeds the 154 bytes of body", 10},
        {"ncl", "Content-Length '-999' is not a non-negative number", 10},
        {"lwsruri", "Request-URI contains whitespace", 1},
        {"lwsstart", "more than one space after the method", 1},
        {"trws", "trailing whitespace", 1},
        {"ltgtruri", "'<'", 1},
        {"badvers", "unsupported SIP version SIP/7.0", 1},
        {"bigcode", "status code 4294967301 is not 3 digits", 1},
    };
    for (const Case& c : cases)
    {
        auto parsed = ParseTorture(c.name);
        ASSERT_FALSE(parsed.Ok()) << c.name;
        EXPECT_NE(parsed.Error().reason.find(c.reasonPart), std::string::npos)
            << c.name << ": " << parsed.Error().reason;
        EXPECT_EQ(parsed.Error().line, c.line) << c.name << ": " << parsed.Error().ToString();
    }
}

TEST(Rfc4475Facts, SemanticErrorsNameTheHeaderAndLine)
{
    struct Case
    {
        const char* name;
        const char* header;
        int line;
    };
    const Case cases[] = {
        {"mismatch01", "CSeq", 6}, {"scalar02", "CSeq", 5}, {"baddate", "Date", 8},
        {"quotbal", "To", 2},      {"badaspec", "To", 5},
    };
    for (const Case& c : cases)
    {
        auto parsed = ParseTorture(c.name);
        ASSERT_FALSE(parsed.Ok()) << c.name;
        EXPECT_NE(parsed.Error().reason.find(c.header), std::string::npos)
            << c.name << ": " << parsed.Error().reason;
        EXPECT_EQ(parsed.Error().line, c.line) << c.name << ": " << parsed.Error().ToString();
    }
}

TEST(Rfc4475Facts, Wsinv)
{
    auto m = ParseTorture("wsinv");
    ASSERT_TRUE(m.Ok()) << m.Error().ToString();
    EXPECT_EQ(*m->Get("To"), "sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n");
    EXPECT_EQ(*m->Get("From"),
              "\"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com> ; tag = 98asjd8");
    EXPECT_EQ(*m->Get("Via"), "SIP  /   2.0 /UDP 192.0.2.2;branch=390skdjuw");
    EXPECT_EQ(*m->Get("CSeq"), "0009 INVITE");
    EXPECT_EQ(*m->Get("Subject"), "");
    EXPECT_EQ(*m->Get("NewFangledHeader"), "newfangled value continued newfangled value");
    EXPECT_EQ(*m->Get("Route"), "<sip:services.example.com;lr;unknownwith=value;unknown-no-value>");
    EXPECT_EQ(m->Headers()[2].name, "Max-Forwards");
    EXPECT_EQ(m->Body().size(), 150u);

    auto vias = GetVias(*m);
    ASSERT_TRUE(vias.Ok()) << vias.Error().ToString();
    ASSERT_EQ(vias->size(), 3u);
    EXPECT_EQ((*vias)[1].transport, "TCP");
    EXPECT_EQ((*vias)[1].host, "spindle.example.com");
    EXPECT_EQ((*vias)[2].Branch(), "z9hG4bK30239");
    auto to = GetTo(*m);
    ASSERT_TRUE(to.Ok()) << to.Error().ToString();
    EXPECT_EQ(to->Tag(), "1918181833n");
    auto cseq = GetCSeq(*m);
    ASSERT_TRUE(cseq.Ok()) << cseq.Error().ToString();
    EXPECT_EQ(cseq->number, 9u);
    EXPECT_EQ(cseq->method, "INVITE");
    auto maxForwards = GetMaxForwards(*m);
    ASSERT_TRUE(maxForwards.Ok());
    EXPECT_EQ(*maxForwards, 68);
}

TEST(Rfc4475Facts, Intmeth)
{
    auto m = ParseTorture("intmeth");
    ASSERT_TRUE(m.Ok()) << m.Error().ToString();
    EXPECT_EQ(m->Method(), "!interesting-Method0123456789_*+`.%indeed'~");
    EXPECT_EQ(m->RequestUri(),
              "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too."
              "(doesn't-it)@example.com");
    auto cseq = GetCSeq(*m);
    ASSERT_TRUE(cseq.Ok());
    EXPECT_EQ(cseq->method, m->Method());
    EXPECT_EQ(cseq->number, 139122385u);
    // The NUL inside the quoted display name survives.
    EXPECT_NE(m->Get("To")->find(std::string("NUL:\\\0", 6)), std::string::npos);
    EXPECT_EQ(*m->Get("extensionHeader-!.%*+_`'~"),
              "\xef\xbb\xbf\xe5\xa4\xa7\xe5\x81\x9c\xe9\x9b\xbb");
}

TEST(Rfc4475Facts, Escapes)
{
    auto esc01 = ParseTorture("esc01");
    ASSERT_TRUE(esc01.Ok()) << esc01.Error().ToString();
    auto ruri = SipUri::Parse(esc01->RequestUri());
    ASSERT_TRUE(ruri.Ok());
    EXPECT_EQ(ruri->UnescapedUser(), "sips:user@example.com");
    auto to = GetTo(*esc01);
    ASSERT_TRUE(to.Ok());
    auto toUri = to->Sip();
    ASSERT_TRUE(toUri.Ok());
    EXPECT_EQ(toUri->user, "%75se%72");
    EXPECT_EQ(toUri->UnescapedUser(), "user");
    EXPECT_EQ(*esc01->Get("Content-Type"), "application/sdp"); // "C:" compact form
    EXPECT_EQ(*esc01->Get("i"), "esc01.239409asdfakjkn23onasd0-3234");

    auto esc02 = ParseTorture("esc02");
    ASSERT_TRUE(esc02.Ok()) << esc02.Error().ToString();
    EXPECT_EQ(esc02->Method(), "RE%47IST%45R");
    EXPECT_EQ(esc02->Count("Contact"), 2u); // "C%6Fntact" is another header entirely
    EXPECT_EQ(*esc02->Get("C%6Fntact"), "<sip:alias2@host2.example.com>");

    auto escnull = ParseTorture("escnull");
    ASSERT_TRUE(escnull.Ok()) << escnull.Error().ToString();
    auto contacts = GetContacts(*escnull);
    ASSERT_TRUE(contacts.Ok());
    EXPECT_EQ(contacts->contacts.size(), 2u);
}

TEST(Rfc4475Facts, LongreqAndTransports)
{
    auto m = ParseTorture("longreq");
    ASSERT_TRUE(m.Ok()) << m.Error().ToString();
    EXPECT_EQ(m->Headers().size(), 43u);
    EXPECT_EQ(m->Count("Via"), 34u);
    auto vias = GetVias(*m);
    ASSERT_TRUE(vias.Ok());
    ASSERT_EQ(vias->size(), 34u);
    EXPECT_EQ(vias->front().host, "sip33.example.com");
    EXPECT_EQ(m->Body().size(), 150u);

    auto t = ParseTorture("transports");
    ASSERT_TRUE(t.Ok()) << t.Error().ToString();
    auto tv = GetVias(*t);
    ASSERT_TRUE(tv.Ok());
    std::vector<std::string> transports;
    for (const Via& via : *tv)
    {
        transports.push_back(via.transport);
    }
    EXPECT_EQ(transports, (std::vector<std::string>{"UDP", "SCTP", "TLS", "UNKNOWN", "TCP"}));
    EXPECT_EQ(*t->Get("Call-ID"), "transports.kijh4akdnaqjkwendsasfdj");
}

TEST(Rfc4475Facts, BodiesAndFraming)
{
    auto mpart = ParseTorture("mpart01");
    ASSERT_TRUE(mpart.Ok()) << mpart.Error().ToString();
    EXPECT_EQ(mpart->Body().size(), 553u);
    EXPECT_EQ(mpart->Body().rfind("--7a9cbec02ceef655--"), 553u - 22u);

    // dblreq: only the REGISTER, whose Content-Length 0 ends it; the INVITE is discarded.
    auto dbl = ParseTorture("dblreq");
    ASSERT_TRUE(dbl.Ok()) << dbl.Error().ToString();
    EXPECT_EQ(dbl->Method(), "REGISTER");
    EXPECT_EQ(dbl->Body(), "");
    EXPECT_EQ(*dbl->Get("Call-ID"), "dblreq.0ha0isndaksdj99sdfafnl3lk233412");

    // inv2543: no Content-Length over UDP, so the body runs to the end of the datagram.
    auto old = ParseTorture("inv2543");
    ASSERT_TRUE(old.Ok()) << old.Error().ToString();
    EXPECT_FALSE(old->Has("Content-Length"));
    std::string raw = LoadTorture("inv2543");
    EXPECT_EQ(old->Body(), raw.substr(raw.find("\r\n\r\n") + 4));
    EXPECT_EQ(old->Body().substr(0, 5), "v=0\r\n");
    EXPECT_FALSE(ParseMessage(LoadTorture("inv2543"), Framing::Stream).Ok());

    // mcl01: conflicting Content-Length values parse (the core answers 400) with the whole
    // rest of the datagram as body; a stream could not be framed.
    auto mcl = ParseTorture("mcl01");
    ASSERT_TRUE(mcl.Ok()) << mcl.Error().ToString();
    EXPECT_EQ(mcl->Count("Content-Length"), 2u);
    EXPECT_EQ(mcl->Body(),
              "There's no way to know how many octets are supposed to be here.\r\n\r\n");
    EXPECT_FALSE(ParseMessage(LoadTorture("mcl01"), Framing::Stream).Ok());
}

TEST(Rfc4475Facts, ResponsesAndDisplayNames)
{
    auto unreason = ParseTorture("unreason");
    ASSERT_TRUE(unreason.Ok()) << unreason.Error().ToString();
    EXPECT_EQ(unreason->StatusCode(), 200);
    EXPECT_EQ(unreason->ReasonPhrase().substr(0, 16), "= 2**3 * 5**2 \xd0\xbd");
    EXPECT_EQ(unreason->Body().size(), 154u);

    auto noreason = ParseTorture("noreason");
    ASSERT_TRUE(noreason.Ok()) << noreason.Error().ToString();
    EXPECT_EQ(noreason->StatusCode(), 100);
    EXPECT_EQ(noreason->ReasonPhrase(), "");

    auto lwsdisp = ParseTorture("lwsdisp");
    ASSERT_TRUE(lwsdisp.Ok()) << lwsdisp.Error().ToString();
    auto from = GetFrom(*lwsdisp);
    ASSERT_TRUE(from.Ok());
    ASSERT_TRUE(from->displayName.has_value());
    EXPECT_EQ(*from->displayName, "caller");

    auto multi = ParseTorture("multi01");
    ASSERT_TRUE(multi.Ok()) << multi.Error().ToString();
    EXPECT_EQ(multi->Count("CSeq"), 2u);
    EXPECT_EQ(multi->Count("To"), 2u);

    auto insuf = ParseTorture("insuf");
    ASSERT_TRUE(insuf.Ok()) << insuf.Error().ToString();
    EXPECT_FALSE(insuf->Has("Call-ID"));
    EXPECT_FALSE(GetFrom(*insuf).Ok());
}

} // namespace
} // namespace sipsim
