// RFC 4475 torture messages fed to a user agent acting as UAS: each gets the response the
// RFC's text asks of an element in that role, and none of the corpus crashes it.
//
// The REGISTER-only cases that concern a registrar (regaut01, cparam01, cparam02,
// regescrt) are tested against the registrar.
#include "ua_test_util.h"

#include <fstream>
#include <gtest/gtest.h>
#include <memory>
#include <sstream>

namespace sipsim::test
{
namespace
{

const Address kSource{"192.0.2.50", 5060, Transport::Udp};
const Address kUas{"192.0.2.201", 5060, Transport::Udp};

std::string
ReadCase(const std::string& name)
{
    std::ifstream in(std::string(SIPSIM_SHARED_DIR) + "/data/rfc4475/" + name + ".dat",
                     std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

class Rfc4475UasTest : public ::testing::Test
{
protected:
    Rfc4475UasTest()
    {
        UserAgentConfig config;
        config.user = "user"; // the corpus mostly targets sip:user@example.com
        config.domain = "example.com";
        config.hostName = "uas.example.com";
        config.localAddress = kUas;
        uas = std::make_unique<UserAgent>(config, random);
        net.Attach(kUas, *uas);
    }

    /// Rebuilds the UAS for another user (the Request-URI user it accepts).
    void ServeUser(const std::string& user)
    {
        UserAgentConfig config = uas->Config();
        config.user = user;
        uas2 = std::make_unique<UserAgent>(config, random);
        net.Attach(kUas, *uas2);
        uas.swap(uas2);
    }

    /// Delivers the case from kSource and returns what the UAS sent within `window`.
    std::vector<SipMessage> Feed(const std::string& name, Duration window = Seconds(1))
    {
        const std::string bytes = ReadCase(name);
        EXPECT_FALSE(bytes.empty()) << name << " not found";
        const std::size_t before = net.Log().size();
        net.Inject(kSource, kUas, bytes);
        net.RunFor(window);
        std::vector<SipMessage> out;
        for (std::size_t i = before; i < net.Log().size(); ++i)
        {
            const DatagramRecord& record = net.Log()[i];
            if (record.from != kUas)
            {
                continue;
            }
            // Back to the source host, at the Via's sent-by port (§18.2.2).
            EXPECT_EQ(record.to.host, kSource.host) << name;
            auto parsed = ParseMessage(record.data);
            EXPECT_TRUE(parsed.Ok()) << name << ": the UAS sent an unparseable message";
            if (parsed.Ok())
            {
                out.push_back(*parsed);
            }
        }
        return out;
    }

    /// The final response the UAS sent for `name` (retransmissions of it allowed).
    SipMessage FinalFor(const std::string& name)
    {
        std::vector<SipMessage> sent = Feed(name);
        std::vector<SipMessage> finals;
        for (const auto& message : sent)
        {
            if (message.IsResponse() && message.StatusCode() >= 200)
            {
                finals.push_back(message);
            }
        }
        EXPECT_FALSE(finals.empty()) << name;
        for (const auto& message : finals)
        {
            EXPECT_EQ(message, finals.front()) << name << ": different final responses";
        }
        return finals.empty() ? SipMessage::MakeResponse(0, "none") : finals.front();
    }

    SplitMixRandom random{7};
    VirtualNetwork net{1, Ms(5)};
    std::unique_ptr<UserAgent> uas;
    std::unique_ptr<UserAgent> uas2; ///< a replaced UAS stays alive: the network holds it
};

// §3.3.1: no Call-ID, From or To. Not processed; 400 to the Via.
TEST_F(Rfc4475UasTest, InsufIsAnswered400)
{
    SipMessage response = FinalFor("insuf");
    EXPECT_EQ(response.StatusCode(), 400);
    EXPECT_EQ(Header(response, "CSeq"), "193942 INVITE");
    EXPECT_EQ(TopBranch(response), "z9hG4bKkdj.insuf");
    EXPECT_EQ(uas->Counters().incomingCalls, 0u);
}

// §3.3.2: unknown Request-URI scheme: 416 Unsupported URI Scheme (§8.2.2.1).
TEST_F(Rfc4475UasTest, UnkscmIsAnswered416)
{
    EXPECT_EQ(FinalFor("unkscm").StatusCode(), 416);
}

// §3.3.3: soap.beep is registered but never meaningful in our Request-URI, so it is
// treated as unknown: 416 (a 404 would only fit an element accepting some such URIs).
TEST_F(Rfc4475UasTest, NovelscIsAnswered416)
{
    EXPECT_EQ(FinalFor("novelsc").StatusCode(), 416);
}

// §3.3.4: the unknown schemes are in To, From and Contact, which a UAS does not reject for
// (§8.2.2.1 recommends accepting unknown To schemes); only a registrar answers 400. A UA
// does not take REGISTER at all: 405 with Allow (§8.2.1) -- and never 416, which is about
// the Request-URI only.
TEST_F(Rfc4475UasTest, Unksm2RegisterAtAUserAgentIs405NotASchemeError)
{
    SipMessage response = FinalFor("unksm2");
    EXPECT_EQ(response.StatusCode(), 405);
    EXPECT_NE(Header(response, "Allow").find("INVITE"), std::string::npos);
}

// §3.3.5: Require lists unknown extensions: 420 with both in Unsupported; Proxy-Require is
// for proxies and ignored by a UAS.
TEST_F(Rfc4475UasTest, Bext01IsAnswered420ListingRequireTags)
{
    SipMessage response = FinalFor("bext01");
    EXPECT_EQ(response.StatusCode(), 420);
    EXPECT_EQ(Header(response, "Unsupported"), "nothingSupportsThis, nothingSupportsThisEither");
}

// §3.3.6: unknown Content-Type: 415 with Accept listing what we understand (§8.2.3).
TEST_F(Rfc4475UasTest, InvutIsAnswered415WithAccept)
{
    SipMessage response = FinalFor("invut");
    EXPECT_EQ(response.StatusCode(), 415);
    EXPECT_EQ(Header(response, "Accept"), "application/sdp");
    EXPECT_EQ(uas->Counters().incomingCalls, 0u);
}

// §3.3.8: duplicated single-valued headers: 400.
TEST_F(Rfc4475UasTest, Multi01IsAnswered400)
{
    SipMessage response = FinalFor("multi01");
    EXPECT_EQ(response.StatusCode(), 400);
    EXPECT_EQ(Header(response, "Call-ID"), "multi01.98asdh@192.0.2.1");
}

// §3.3.9: two Content-Length values: 400.
TEST_F(Rfc4475UasTest, Mcl01IsAnswered400)
{
    EXPECT_EQ(FinalFor("mcl01").StatusCode(), 400);
}

// §3.3.10: a response with a broadcast address in its second Via. It matches no client
// transaction of ours and must not be forwarded or answered: dropped.
TEST_F(Rfc4475UasTest, BcastResponseIsDropped)
{
    EXPECT_TRUE(Feed("bcast").empty());
    EXPECT_EQ(uas->Transactions().Counters().strayResponses, 1u);
}

// §3.3.11: Max-Forwards 0 only stops proxies; the UAS answers the OPTIONS.
TEST_F(Rfc4475UasTest, ZeromfOptionsIsAnswered200)
{
    EXPECT_EQ(FinalFor("zeromf").StatusCode(), 200);
}

// §3.3.15: Accept excludes application/sdp, the only body we can answer an INVITE with:
// 406 Not Acceptable with a 399 Warning.
TEST_F(Rfc4475UasTest, Sdp01IsAnswered406WithWarning)
{
    SipMessage response = FinalFor("sdp01");
    EXPECT_EQ(response.StatusCode(), 406);
    EXPECT_EQ(Header(response, "Warning").rfind("399 uas.example.com ", 0), 0u);
}

// §3.2.1: branch "z9hG4bK" with nothing after the cookie: matched the RFC 2543 way, and
// the request is served once; a retransmission is absorbed and re-answered.
TEST_F(Rfc4475UasTest, BadbranchIsServedAndRetransmissionAbsorbed)
{
    EXPECT_EQ(FinalFor("badbranch").StatusCode(), 200);
    std::vector<SipMessage> again = Feed("badbranch");
    ASSERT_EQ(again.size(), 1u);
    EXPECT_EQ(again[0].StatusCode(), 200);
    EXPECT_EQ(uas->Transactions().Counters().serverTxnsCreated, 1u);
    EXPECT_EQ(uas->Transactions().Counters().requestsAbsorbed, 1u);
}

// §3.4.1: an RFC 2543 INVITE (no branch cookie, no Max-Forwards, no tags) is a call like
// any other: answered 200 with a To tag, and its ACK confirms the dialog.
TEST_F(Rfc4475UasTest, Inv2543IsAnsweredAsACall)
{
    ServeUser("UserB");
    SipMessage ok = FinalFor("inv2543");
    ASSERT_EQ(ok.StatusCode(), 200);
    EXPECT_FALSE(ToTagOf(ok).empty());
    EXPECT_EQ(Header(ok, "Record-Route"), "<sip:UserB@example.com;maddr=ss1.example.com>");
    EXPECT_EQ(uas->Counters().incomingCalls, 1u);

    SipMessage ack = SipMessage::MakeRequest("ACK", "sip:UserB@uas.example.com");
    ack.Add("Via", "SIP/2.0/UDP iftgw.example.com");
    ack.Add("From", "<sip:+13035551111@ift.client.example.net;user=phone>");
    ack.Add("To", Header(ok, "To"));
    ack.Add("Call-ID", "inv2543.1717@ift.client.example.com");
    ack.Add("CSeq", "56 ACK");
    ack.Add("Content-Length", "0");
    const uint64_t resent = uas->Counters().okRetransmissions; // 2xx re-sent while no ACK
    net.Inject(kSource, kUas, ack.Serialize());
    net.RunFor(Seconds(40));
    auto established = OfKind(DrainEvents(*uas), CallEventKind::Established);
    EXPECT_EQ(established.size(), 1u);
    EXPECT_EQ(uas->Counters().okRetransmissions, resent); // the ACK stopped them
    EXPECT_EQ(uas->Counters().ackTimeouts, 0u);
}

// §3.1.2.16: a request in SIP/7.0: 505 Version Not Supported.
TEST_F(Rfc4475UasTest, BadversIsAnswered505)
{
    EXPECT_EQ(FinalFor("badvers").StatusCode(), 505);
}

// §3.1.2: every invalid request that still names a usable Via and a CSeq is answered 400
// (or 505, above); badinv01's Via cannot be read, so nothing could match an answer and it
// is dropped, like the invalid responses.
TEST_F(Rfc4475UasTest, InvalidRequestsAreAnswered400AndInvalidResponsesDropped)
{
    for (const char* name :
         {"clerr", "ncl", "scalar02", "quotbal", "ltgtruri", "lwsruri", "lwsstart", "trws",
          "escruri", "baddate", "regbadct", "badaspec", "baddn", "mismatch01", "mismatch02"})
    {
        std::vector<SipMessage> sent = Feed(name);
        ASSERT_EQ(sent.size(), 1u) << name;
        EXPECT_EQ(sent[0].StatusCode(), 400) << name << ": " << sent[0].ReasonPhrase();
        EXPECT_TRUE(sent[0].Has("Via")) << name;
    }
    // The faulty value is left out of the 400 so that the 400 itself parses.
    EXPECT_FALSE(Feed("scalar02").at(0).Has("CSeq"));
    EXPECT_FALSE(Feed("quotbal").at(0).Has("To"));
    EXPECT_EQ(Header(Feed("mismatch01").at(0), "CSeq"), "8 INVITE");
    for (const char* name : {"badinv01", "scalarlg", "bigcode"})
    {
        EXPECT_TRUE(Feed(name).empty()) << name;
    }
    EXPECT_EQ(uas->Counters().incomingCalls, 0u);
}

// Nothing in the corpus crashes the UA or leaves it sending unparseable bytes; valid
// requests for our user get a final response.
TEST_F(Rfc4475UasTest, WholeCorpusIsSurvived)
{
    for (const char* name :
         {"wsinv",    "intmeth",    "esc01",      "escnull",  "esc02",     "lwsdisp",  "longreq",
          "dblreq",   "semiuri",    "transports", "mpart01",  "unreason",  "noreason", "badinv01",
          "clerr",    "ncl",        "scalar02",   "scalarlg", "quotbal",   "ltgtruri", "lwsruri",
          "lwsstart", "trws",       "escruri",    "baddate",  "regbadct",  "badaspec", "baddn",
          "badvers",  "mismatch01", "mismatch02", "bigcode",  "badbranch", "insuf",    "unkscm",
          "novelsc",  "unksm2",     "bext01",     "invut",    "regaut01",  "multi01",  "mcl01",
          "bcast",    "zeromf",     "cparam01",   "cparam02", "regescrt",  "sdp01",    "inv2543"})
    {
        Feed(name, Seconds(40)); // Feed asserts every sent message parses
    }
    net.RunFor(Seconds(300));
    EXPECT_FALSE(uas->NextDeadline().has_value());
    EXPECT_EQ(uas->ActiveCalls(), 0u);
}

} // namespace
} // namespace sipsim::test
