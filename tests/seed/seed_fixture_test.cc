// The 23 messages of RFC 3665 §3.2 (tests/data/seed/F01.sip .. F23.sip) must parse, carry
// the header values the flow implies, survive a serialise/parse round trip, and F04's
// Proxy-Authorization must be a correct MD5 digest for the password in the README.

#ifdef SIPSIM_SEED_HAVE_AUTH
#include "auth/digest.h"
#endif
#include "sip/headers.h"
#include "sip/message.h"

#include <array>
#include <cstdio>
#include <fstream>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sipsim
{
namespace
{

constexpr int kFixtureCount = 23;
constexpr const char* kCallId = "3848276298220188511@atlanta.example.com";
constexpr const char* kAliceTag = "9fxced76sl";
constexpr const char* kBobTag = "314159";
constexpr const char* kChallengeToTag = "3flal12sf";
constexpr const char* kSs1 = "<sip:ss1.atlanta.example.com;lr>";
constexpr const char* kSs2 = "<sip:ss2.biloxi.example.com;lr>";

/// What the F-table of RFC 3665 §3.2 says about each message. Strings are empty when the
/// field must be absent; maxForwards is -1 for responses.
struct Expect
{
    const char* method; ///< request method, or nullptr for a response
    int status;         ///< status code, 0 for a request
    std::size_t vias;
    const char* fromTag;
    const char* toTag;
    uint32_t cseq;
    const char* cseqMethod;
    int maxForwards;
    std::vector<const char*> recordRoute; ///< entries, top first
    std::vector<const char*> route;       ///< entries, top first
    bool sdp;
};

const std::array<Expect, kFixtureCount>&
Table()
{
    static const std::array<Expect, kFixtureCount> table = {{
        // F1..F8: challenge, authenticated INVITE forwarded over both proxies, 100s.
        {"INVITE", 0, 1, kAliceTag, "", 1, "INVITE", 70, {}, {}, true},
        {nullptr, 407, 1, kAliceTag, kChallengeToTag, 1, "INVITE", -1, {}, {}, false},
        {"ACK", 0, 1, kAliceTag, kChallengeToTag, 1, "ACK", 70, {}, {}, false},
        {"INVITE", 0, 1, kAliceTag, "", 2, "INVITE", 70, {}, {}, true},
        {"INVITE", 0, 2, kAliceTag, "", 2, "INVITE", 69, {kSs1}, {}, true},
        {nullptr, 100, 1, kAliceTag, "", 2, "INVITE", -1, {}, {}, false},
        {"INVITE", 0, 3, kAliceTag, "", 2, "INVITE", 68, {kSs2, kSs1}, {}, true},
        {nullptr, 100, 2, kAliceTag, "", 2, "INVITE", -1, {}, {}, false},
        // F9..F14: 180 and 200 back along the Via path, Record-Route mirrored.
        {nullptr, 180, 3, kAliceTag, kBobTag, 2, "INVITE", -1, {kSs2, kSs1}, {}, false},
        {nullptr, 180, 2, kAliceTag, kBobTag, 2, "INVITE", -1, {kSs2, kSs1}, {}, false},
        {nullptr, 180, 1, kAliceTag, kBobTag, 2, "INVITE", -1, {kSs2, kSs1}, {}, false},
        {nullptr, 200, 3, kAliceTag, kBobTag, 2, "INVITE", -1, {kSs2, kSs1}, {}, true},
        {nullptr, 200, 2, kAliceTag, kBobTag, 2, "INVITE", -1, {kSs2, kSs1}, {}, true},
        {nullptr, 200, 1, kAliceTag, kBobTag, 2, "INVITE", -1, {kSs2, kSs1}, {}, true},
        // F15..F17: ACK along the route set (reversed Record-Route at the UAC).
        {"ACK", 0, 1, kAliceTag, kBobTag, 2, "ACK", 70, {}, {kSs1, kSs2}, false},
        {"ACK", 0, 2, kAliceTag, kBobTag, 2, "ACK", 69, {}, {kSs2}, false},
        {"ACK", 0, 3, kAliceTag, kBobTag, 2, "ACK", 68, {}, {}, false},
        // F18..F20: Bob's BYE along his route set (Record-Route order at the UAS).
        {"BYE", 0, 1, kBobTag, kAliceTag, 1, "BYE", 70, {}, {kSs2, kSs1}, false},
        {"BYE", 0, 2, kBobTag, kAliceTag, 1, "BYE", 69, {}, {kSs1}, false},
        {"BYE", 0, 3, kBobTag, kAliceTag, 1, "BYE", 68, {}, {}, false},
        // F21..F23: 200 OK to the BYE back along the Via path.
        {nullptr, 200, 3, kBobTag, kAliceTag, 1, "BYE", -1, {}, {}, false},
        {nullptr, 200, 2, kBobTag, kAliceTag, 1, "BYE", -1, {}, {}, false},
        {nullptr, 200, 1, kBobTag, kAliceTag, 1, "BYE", -1, {}, {}, false},
    }};
    return table;
}

std::string
FixturePath(int n)
{
    char name[16];
    std::snprintf(name, sizeof(name), "F%02d.sip", n);
    return std::string(SIPSIM_TEST_DATA_DIR) + "/seed/" + name;
}

std::string
ReadFixture(int n)
{
    std::ifstream in(FixturePath(n), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// Parses fixture n, failing the calling test when it does not parse.
std::optional<SipMessage>
Load(int n)
{
    Result<SipMessage> parsed = ParseMessage(ReadFixture(n));
    if (!parsed)
    {
        ADD_FAILURE() << "F" << n << ": " << parsed.Error().ToString();
        return std::nullopt;
    }
    return std::move(parsed).Value();
}

std::string
Md5Hex(const std::string& text)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(text.data(), text.size(), digest, &length, EVP_md5(), nullptr);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i)
    {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 0xf];
    }
    return out;
}

class SeedFixture : public ::testing::TestWithParam<int>
{
};

TEST_P(SeedFixture, FileIsWellFormedText)
{
    const std::string text = ReadFixture(GetParam());
    ASSERT_FALSE(text.empty()) << FixturePath(GetParam());
    // Every LF is part of a CRLF: the files are wire format, not text-editor format.
    for (std::size_t i = 0; i < text.size(); ++i)
    {
        if (text[i] == '\n')
        {
            ASSERT_TRUE(i > 0 && text[i - 1] == '\r') << "bare LF at byte " << i;
        }
    }
    EXPECT_NE(text.find("\r\n\r\n"), std::string::npos);
}

TEST_P(SeedFixture, ParsesInBothFramings)
{
    const std::string text = ReadFixture(GetParam());
    Result<SipMessage> datagram = ParseMessage(text, Framing::Datagram);
    ASSERT_TRUE(datagram.Ok()) << datagram.Error().ToString();
    Result<SipMessage> stream = ParseMessage(text, Framing::Stream);
    ASSERT_TRUE(stream.Ok()) << stream.Error().ToString();
    EXPECT_EQ(*datagram, *stream);
    std::optional<ParseError> semantic = ValidateSemantics(*datagram);
    EXPECT_FALSE(semantic.has_value()) << semantic->ToString();
    std::optional<ParseError> mandatory = CheckMandatoryHeaders(*datagram);
    EXPECT_FALSE(mandatory.has_value()) << mandatory->ToString();
}

TEST_P(SeedFixture, TypedFieldsMatchTheFlow)
{
    const int n = GetParam();
    const Expect& expect = Table()[n - 1];
    std::optional<SipMessage> message = Load(n);
    ASSERT_TRUE(message.has_value());

    if (expect.method != nullptr)
    {
        ASSERT_TRUE(message->IsRequest());
        EXPECT_EQ(message->Method(), expect.method);
        Result<SipUri> requestUri = SipUri::Parse(message->RequestUri());
        EXPECT_TRUE(requestUri.Ok()) << message->RequestUri();
    }
    else
    {
        ASSERT_TRUE(message->IsResponse());
        EXPECT_EQ(message->StatusCode(), expect.status);
    }
    EXPECT_EQ(message->Version(), "SIP/2.0");

    Result<std::vector<Via>> vias = GetVias(*message);
    ASSERT_TRUE(vias.Ok()) << vias.Error().ToString();
    EXPECT_EQ(vias->size(), expect.vias);
    for (std::size_t i = 0; i < vias->size(); ++i)
    {
        const Via& via = (*vias)[i];
        EXPECT_EQ(via.transport, "TCP");
        EXPECT_EQ(via.Branch().rfind(kBranchCookie, 0), 0u) << via.Branch();
        // Every hop below the sender stamped `received`; requests leave their own Via bare.
        const bool stamped = message->IsResponse() || i > 0;
        EXPECT_EQ(via.Received().has_value(), stamped) << "Via " << i;
    }

    Result<NameAddr> from = GetFrom(*message);
    Result<NameAddr> to = GetTo(*message);
    ASSERT_TRUE(from.Ok()) << from.Error().ToString();
    ASSERT_TRUE(to.Ok()) << to.Error().ToString();
    EXPECT_EQ(from->Tag(), expect.fromTag);
    EXPECT_EQ(to->Tag(), expect.toTag);
    EXPECT_TRUE(from->Sip().Ok());
    EXPECT_TRUE(to->Sip().Ok());

    Result<std::string> callId = GetCallId(*message);
    ASSERT_TRUE(callId.Ok());
    EXPECT_EQ(*callId, kCallId);

    Result<CSeq> cseq = GetCSeq(*message);
    ASSERT_TRUE(cseq.Ok()) << cseq.Error().ToString();
    EXPECT_EQ(cseq->number, expect.cseq);
    EXPECT_EQ(cseq->method, expect.cseqMethod);

    Result<int> maxForwards = GetMaxForwards(*message);
    if (expect.maxForwards < 0)
    {
        EXPECT_FALSE(maxForwards.Ok());
    }
    else
    {
        ASSERT_TRUE(maxForwards.Ok()) << maxForwards.Error().ToString();
        EXPECT_EQ(*maxForwards, expect.maxForwards);
    }

    Result<std::vector<NameAddr>> recordRoute = GetRoutes(*message, "Record-Route");
    ASSERT_TRUE(recordRoute.Ok()) << recordRoute.Error().ToString();
    ASSERT_EQ(recordRoute->size(), expect.recordRoute.size());
    for (std::size_t i = 0; i < recordRoute->size(); ++i)
    {
        EXPECT_EQ((*recordRoute)[i].ToString(), expect.recordRoute[i]);
        Result<SipUri> uri = (*recordRoute)[i].Sip();
        ASSERT_TRUE(uri.Ok());
        EXPECT_TRUE(uri->HasLr());
    }
    Result<std::vector<NameAddr>> route = GetRoutes(*message, "Route");
    ASSERT_TRUE(route.Ok()) << route.Error().ToString();
    ASSERT_EQ(route->size(), expect.route.size());
    for (std::size_t i = 0; i < route->size(); ++i)
    {
        EXPECT_EQ((*route)[i].ToString(), expect.route[i]);
    }

    Result<std::size_t> contentLength = GetContentLength(*message);
    ASSERT_TRUE(contentLength.Ok()) << contentLength.Error().ToString();
    EXPECT_EQ(*contentLength, message->Body().size());
    EXPECT_EQ(!message->Body().empty(), expect.sdp);
    if (expect.sdp)
    {
        ASSERT_NE(message->Get("Content-Type"), nullptr);
        EXPECT_EQ(*message->Get("Content-Type"), "application/sdp");
        EXPECT_EQ(message->Body().rfind("v=0\r\n", 0), 0u);
    }

    // INVITEs, their 2xx and 1xx from Bob carry a Contact that is a single SIP URI.
    if ((expect.method != nullptr && std::string(expect.method) == "INVITE") ||
        expect.status == 180 ||
        (expect.status == 200 && expect.cseqMethod == std::string("INVITE")))
    {
        Result<ContactList> contacts = GetContacts(*message);
        ASSERT_TRUE(contacts.Ok()) << contacts.Error().ToString();
        ASSERT_EQ(contacts->contacts.size(), 1u);
        EXPECT_TRUE(contacts->contacts[0].Sip().Ok());
    }
}

TEST_P(SeedFixture, RoundTripsThroughSerialize)
{
    std::optional<SipMessage> message = Load(GetParam());
    ASSERT_TRUE(message.has_value());
    const std::string wire = message->Serialize();
    std::string appended = "prefix";
    message->SerializeTo(appended);
    EXPECT_EQ(appended, "prefix" + wire);

    Result<SipMessage> again = ParseMessage(wire, Framing::Stream);
    ASSERT_TRUE(again.Ok()) << again.Error().ToString() << "\n" << wire;
    EXPECT_EQ(*again, *message);
    EXPECT_EQ(again->Serialize(), wire);
    // The fixtures are written in canonical form already (one header per line, ": ").
    EXPECT_EQ(wire, ReadFixture(GetParam()));
}

std::string
FixtureName(const ::testing::TestParamInfo<int>& param)
{
    char name[8];
    std::snprintf(name, sizeof(name), "F%02d", param.param);
    return name;
}

INSTANTIATE_TEST_SUITE_P(Rfc3665, SeedFixture, ::testing::Range(1, kFixtureCount + 1), FixtureName);

TEST(SeedFlow, MaxForwardsDecrementsPerHop)
{
    // Each forwarded request has one less Max-Forwards than the one the proxy received.
    for (auto [first, last] : {std::pair{4, 7}, std::pair{15, 17}, std::pair{18, 20}})
    {
        std::optional<int> previous;
        for (int n = first; n <= last; ++n)
        {
            std::optional<SipMessage> message = Load(n);
            ASSERT_TRUE(message.has_value());
            if (message->IsResponse())
            {
                continue; // F6: the 100 between F5 and F7
            }
            Result<int> maxForwards = GetMaxForwards(*message);
            ASSERT_TRUE(maxForwards.Ok());
            if (previous)
            {
                EXPECT_EQ(*maxForwards, *previous - 1) << "F" << n;
            }
            previous = *maxForwards;
        }
    }
}

TEST(SeedFlow, ResponsesRetraceTheRequestVias)
{
    // A response carries exactly the Vias of the request it answers at that hop, plus the
    // received parameter the next hop stamped on the top one.
    struct Pair
    {
        int request;
        int response;
    };
    for (Pair pair : {Pair{1, 2}, Pair{4, 6}, Pair{5, 8}, Pair{7, 9}, Pair{7, 12}, Pair{20, 21}})
    {
        std::optional<SipMessage> request = Load(pair.request);
        std::optional<SipMessage> response = Load(pair.response);
        ASSERT_TRUE(request && response);
        Result<std::vector<Via>> requestVias = GetVias(*request);
        Result<std::vector<Via>> responseVias = GetVias(*response);
        ASSERT_TRUE(requestVias.Ok() && responseVias.Ok());
        ASSERT_EQ(requestVias->size(), responseVias->size());
        for (std::size_t i = 0; i < requestVias->size(); ++i)
        {
            Via expected = (*requestVias)[i];
            EXPECT_EQ((*responseVias)[i].SentBy(), expected.SentBy());
            EXPECT_EQ((*responseVias)[i].Branch(), expected.Branch());
        }
    }
}

TEST(SeedFlow, RouteSetsFollowRecordRoute)
{
    // UAC route set = Record-Route of the 2xx reversed; UAS route set = Record-Route as is.
    std::optional<SipMessage> ok = Load(14);
    std::optional<SipMessage> ack = Load(15);
    std::optional<SipMessage> invite = Load(7);
    std::optional<SipMessage> bye = Load(18);
    ASSERT_TRUE(ok && ack && invite && bye);
    Result<std::vector<NameAddr>> okRr = GetRoutes(*ok, "Record-Route");
    Result<std::vector<NameAddr>> ackRoute = GetRoutes(*ack, "Route");
    Result<std::vector<NameAddr>> inviteRr = GetRoutes(*invite, "Record-Route");
    Result<std::vector<NameAddr>> byeRoute = GetRoutes(*bye, "Route");
    ASSERT_TRUE(okRr.Ok() && ackRoute.Ok() && inviteRr.Ok() && byeRoute.Ok());
    std::vector<NameAddr> reversed(okRr->rbegin(), okRr->rend());
    EXPECT_EQ(*ackRoute, reversed);
    EXPECT_EQ(*byeRoute, *inviteRr);

    // The remote targets are the Contacts learnt from the dialog-creating messages.
    Result<ContactList> bobContact = GetContacts(*ok);
    Result<ContactList> aliceContact = GetContacts(*invite);
    ASSERT_TRUE(bobContact.Ok() && aliceContact.Ok());
    EXPECT_EQ(ack->RequestUri(), "sip:bob@client.biloxi.example.com");
    EXPECT_EQ(bobContact->contacts.at(0).Sip()->HostPort(), "client.biloxi.example.com");
    EXPECT_EQ(bye->RequestUri(), "sip:alice@client.atlanta.example.com");
    EXPECT_EQ(aliceContact->contacts.at(0).Sip()->HostPort(), "client.atlanta.example.com");
}

TEST(SeedFlow, ProxyAuthorizationVerifies)
{
    std::optional<SipMessage> challenge = Load(2);
    std::optional<SipMessage> invite = Load(4);
    std::optional<SipMessage> ack = Load(15);
    ASSERT_TRUE(challenge && invite && ack);

    const HeaderValue* challengeText = challenge->Get("Proxy-Authenticate");
    ASSERT_NE(challengeText, nullptr);
    Result<AuthHeader> authenticate = AuthHeader::Parse(*challengeText);
    ASSERT_TRUE(authenticate.Ok()) << authenticate.Error().ToString();
    EXPECT_EQ(authenticate->scheme, "Digest");
    EXPECT_EQ(authenticate->Get("realm"), "atlanta.example.com");
    EXPECT_EQ(authenticate->Get("qop"), "auth");
    EXPECT_EQ(authenticate->Get("algorithm"), "MD5");
    EXPECT_EQ(authenticate->Get("opaque"), "");

    const HeaderValue* credentialsText = invite->Get("Proxy-Authorization");
    ASSERT_NE(credentialsText, nullptr);
    Result<AuthHeader> credentials = AuthHeader::Parse(*credentialsText);
    ASSERT_TRUE(credentials.Ok()) << credentials.Error().ToString();
    EXPECT_EQ(credentials->Get("username"), "alice");
    EXPECT_EQ(credentials->Get("realm"), authenticate->Get("realm"));
    EXPECT_EQ(credentials->Get("nonce"), authenticate->Get("nonce"));
    EXPECT_EQ(credentials->Get("opaque"), authenticate->Get("opaque"));
    EXPECT_EQ(credentials->Get("uri"), invite->RequestUri());
    EXPECT_EQ(credentials->Get("qop"), "auth");
    EXPECT_EQ(credentials->ToString(), *credentialsText);

    // RFC 2617 §3.2.2.1 with qop=auth; the password is stated in tests/data/seed/README.md.
    const std::string ha1 = Md5Hex("alice:atlanta.example.com:alice-secret");
    const std::string ha2 = Md5Hex(invite->Method() + ":" + credentials->Get("uri").value());
    const std::string expected = Md5Hex(
        ha1 + ":" + credentials->Get("nonce").value() + ":" + credentials->Get("nc").value() + ":" +
        credentials->Get("cnonce").value() + ":" + credentials->Get("qop").value() + ":" + ha2);
    EXPECT_EQ(ha1, "92dc5bfa543d4144a784568d03460c54");
    EXPECT_EQ(credentials->Get("response"), expected);
    EXPECT_EQ(expected, "0853b7343b297cb27243687c5fdadbc2");

    // The ACK for the 2xx carries the INVITE's credentials (RFC 3261 §13.2.2.4); the
    // proxies consumed them, so nothing further downstream has any.
    ASSERT_NE(ack->Get("Proxy-Authorization"), nullptr);
    EXPECT_EQ(*ack->Get("Proxy-Authorization"), *credentialsText);
    for (int n : {5, 7, 16, 17})
    {
        std::optional<SipMessage> forwarded = Load(n);
        ASSERT_TRUE(forwarded.has_value());
        EXPECT_FALSE(forwarded->Has("Proxy-Authorization")) << "F" << n;
    }
}

#ifdef SIPSIM_SEED_HAVE_AUTH
TEST(SeedFlow, ProxyAuthorizationMatchesSipsimAuth)
{
    // The same check through the project's own digest code, so the proxy model and the
    // fixture agree on what a correct answer to F02 is.
    std::optional<SipMessage> invite = Load(4);
    ASSERT_TRUE(invite.has_value());
    const HeaderValue* credentialsText = invite->Get("Proxy-Authorization");
    ASSERT_NE(credentialsText, nullptr);
    Result<AuthHeader> credentials = AuthHeader::Parse(*credentialsText);
    ASSERT_TRUE(credentials.Ok()) << credentials.Error().ToString();

    DigestInputs inputs;
    inputs.algorithm = DigestAlgorithm::Md5;
    inputs.qop = DigestQop::Auth;
    inputs.username = credentials->Get("username").value_or("");
    inputs.realm = credentials->Get("realm").value_or("");
    inputs.password = "alice-secret";
    inputs.nonce = credentials->Get("nonce").value_or("");
    inputs.nc = credentials->Get("nc").value_or("");
    inputs.cnonce = credentials->Get("cnonce").value_or("");
    inputs.method = invite->Method();
    inputs.uri = credentials->Get("uri").value_or("");
    EXPECT_EQ(ComputeDigestResponse(inputs), credentials->Get("response").value_or(""));
}
#endif

TEST(SeedFlow, DigestHelperMatchesRfc2617Vector)
{
    // Guards the Md5Hex helper itself with the RFC 2617 §3.5 example.
    const std::string ha1 = Md5Hex("Mufasa:testrealm@host.com:Circle Of Life");
    const std::string ha2 = Md5Hex("GET:/dir/index.html");
    EXPECT_EQ(Md5Hex(ha1 + ":dcd98b7102dd2f0e8b11d0f600bfb0c093:00000001:0a4f113b:auth:" + ha2),
              "6629fae49393a05397450978507c4ef1");
}

TEST(SeedFlow, StreamFramingSplitsTheConcatenatedFlow)
{
    // The whole flow on one TCP byte stream, with a keep-alive CRLF pair before F12.
    std::string stream;
    std::vector<std::string> texts;
    for (int n = 1; n <= kFixtureCount; ++n)
    {
        texts.push_back(ReadFixture(n));
        if (n == 12)
        {
            stream += "\r\n\r\n";
        }
        stream += texts.back();
    }
    std::string_view rest(stream);
    for (int n = 1; n <= kFixtureCount; ++n)
    {
        FrameScan scan = ScanStreamFrame(rest);
        ASSERT_EQ(scan.status, FrameScan::Status::Complete) << "F" << n;
        EXPECT_EQ(scan.skip, n == 12 ? 4u : 0u);
        ASSERT_EQ(scan.length, texts[n - 1].size()) << "F" << n;
        EXPECT_EQ(rest.substr(scan.skip, scan.length), texts[n - 1]);
        rest.remove_prefix(scan.skip + scan.length);
    }
    EXPECT_TRUE(rest.empty());
    EXPECT_EQ(ScanStreamFrame(rest).status, FrameScan::Status::NeedMore);
    // A message cut short in its body is not complete.
    std::string_view partial(texts[0]);
    EXPECT_EQ(ScanStreamFrame(partial.substr(0, partial.size() - 1)).status,
              FrameScan::Status::NeedMore);
}

} // namespace
} // namespace sipsim
