// Client side: building credentials from a challenge, choosing among challenges, the cache.
#include "auth/digest_client.h"
#include "auth/digest_params.h"

#include <gtest/gtest.h>

namespace sipsim
{
namespace
{

AuthHeader
MakeChallenge(std::vector<AuthParam> params)
{
    AuthHeader header;
    header.scheme = "Digest";
    header.params = std::move(params);
    return header;
}

/// The RFC 2617 §3.5 challenge.
AuthHeader
Rfc2617Challenge()
{
    return MakeChallenge({{"realm", "testrealm@host.com", true},
                          {"qop", "auth,auth-int", true},
                          {"nonce", "dcd98b7102dd2f0e8b11d0f600bfb0c093", true},
                          {"opaque", "5ccc069c403ebaf9f0171e9517f40e41", true}});
}

const AuthParam*
Param(const AuthHeader& header, const std::string& name)
{
    for (const AuthParam& p : header.params)
    {
        if (p.name == name)
        {
            return &p;
        }
    }
    return nullptr;
}

TEST(BuildDigestCredentials, AnswersRfc2617Challenge)
{
    SplitMixRandom random(7);
    DigestAccount account{"Mufasa", "Circle Of Life"};
    DigestRequest request{"GET", "/dir/index.html", ""};
    Result<AuthHeader> creds =
        BuildDigestCredentials(Rfc2617Challenge(), account, request, 1, random);
    ASSERT_TRUE(creds.Ok()) << creds.Error().ToString();
    EXPECT_EQ(creds->scheme, "Digest");

    // Quoting follows RFC 7616 §3.4: strings quoted, tokens (algorithm, nc, qop) not.
    for (const char* name : {"username", "realm", "nonce", "uri", "response", "cnonce", "opaque"})
    {
        const AuthParam* p = Param(*creds, name);
        ASSERT_NE(p, nullptr) << name;
        EXPECT_TRUE(p->quoted) << name;
    }
    for (const char* name : {"algorithm", "nc", "qop"})
    {
        const AuthParam* p = Param(*creds, name);
        ASSERT_NE(p, nullptr) << name;
        EXPECT_FALSE(p->quoted) << name;
    }
    EXPECT_EQ(Param(*creds, "username")->value, "Mufasa");
    EXPECT_EQ(Param(*creds, "realm")->value, "testrealm@host.com");
    EXPECT_EQ(Param(*creds, "uri")->value, "/dir/index.html");
    EXPECT_EQ(Param(*creds, "algorithm")->value, "MD5"); // absent in the challenge means MD5
    EXPECT_EQ(Param(*creds, "nc")->value, "00000001");
    EXPECT_EQ(Param(*creds, "qop")->value, "auth"); // auth preferred over auth-int
    EXPECT_EQ(Param(*creds, "opaque")->value, "5ccc069c403ebaf9f0171e9517f40e41");
    const std::string cnonce = Param(*creds, "cnonce")->value;
    EXPECT_GE(cnonce.size(), 8u);

    // With the RFC's own cnonce the same inputs give the RFC's response, so with ours the
    // response must be the math applied to ours.
    DigestInputs in;
    in.username = "Mufasa";
    in.realm = "testrealm@host.com";
    in.password = "Circle Of Life";
    in.nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093";
    in.nc = "00000001";
    in.cnonce = "0a4f113b";
    in.method = "GET";
    in.uri = "/dir/index.html";
    ASSERT_EQ(ComputeDigestResponse(in), "6629fae49393a05397450978507c4ef1");
    in.cnonce = cnonce;
    EXPECT_EQ(Param(*creds, "response")->value, ComputeDigestResponse(in));
}

TEST(BuildDigestCredentials, Ha1MemoIsFilledOnceAndThenUsed)
{
    const DigestAccount account{"Mufasa", "Circle Of Life"};
    const DigestRequest request{"GET", "/dir/index.html", ""};
    SplitMixRandom plainRandom(7);
    const auto plain = BuildDigestCredentials(Rfc2617Challenge(), account, request, 1, plainRandom);
    ASSERT_TRUE(plain.Ok());

    std::string memo;
    SplitMixRandom memoRandom(7);
    const auto first =
        BuildDigestCredentials(Rfc2617Challenge(), account, request, 1, memoRandom, &memo);
    ASSERT_TRUE(first.Ok());
    EXPECT_EQ(memo,
              ComputeHa1(DigestAlgorithm::Md5, "Mufasa", "testrealm@host.com", "Circle Of Life"));
    EXPECT_EQ(first->Get("response"), plain->Get("response"));

    // A memo that is set is what the response is keyed with: the password is not read.
    memo = ComputeHa1(DigestAlgorithm::Md5, "Mufasa", "testrealm@host.com", "another");
    SplitMixRandom staleRandom(7);
    const auto keyed =
        BuildDigestCredentials(Rfc2617Challenge(), account, request, 1, staleRandom, &memo);
    ASSERT_TRUE(keyed.Ok());
    EXPECT_NE(keyed->Get("response"), plain->Get("response"));
}

TEST(BuildDigestCredentials, FreshCnonceAndGivenNc)
{
    SplitMixRandom random(1);
    DigestRequest request{"REGISTER", "sip:atlanta.com", ""};
    auto a = BuildDigestCredentials(Rfc2617Challenge(), {"u", "p"}, request, 1, random);
    auto b = BuildDigestCredentials(Rfc2617Challenge(), {"u", "p"}, request, 0x1a, random);
    ASSERT_TRUE(a.Ok() && b.Ok());
    EXPECT_NE(a->Get("cnonce"), b->Get("cnonce"));
    EXPECT_EQ(b->Get("nc"), "0000001a");
}

TEST(BuildDigestCredentials, AuthIntOnlyWhenThatIsAllOffered)
{
    SplitMixRandom random(2);
    AuthHeader challenge =
        MakeChallenge({{"realm", "r", true}, {"nonce", "n", true}, {"qop", "auth-int", true}});
    DigestRequest request{"INVITE", "sip:bob@biloxi.com", "v=0\r\n"};
    auto creds = BuildDigestCredentials(challenge, {"bob", "pw"}, request, 3, random);
    ASSERT_TRUE(creds.Ok());
    EXPECT_EQ(creds->Get("qop"), "auth-int");
    DigestInputs in;
    in.qop = DigestQop::AuthInt;
    in.username = "bob";
    in.realm = "r";
    in.password = "pw";
    in.nonce = "n";
    in.nc = "00000003";
    in.cnonce = *creds->Get("cnonce");
    in.method = "INVITE";
    in.uri = "sip:bob@biloxi.com";
    in.body = "v=0\r\n";
    EXPECT_EQ(creds->Get("response"), ComputeDigestResponse(in));
}

TEST(BuildDigestCredentials, NoQopOmitsNcCnonceAndQop)
{
    SplitMixRandom random(3);
    AuthHeader challenge = MakeChallenge(
        {{"realm", "r", true}, {"nonce", "n", true}, {"algorithm", "SHA-256", false}});
    auto creds = BuildDigestCredentials(challenge, {"u", "p"}, {"BYE", "sip:x@y", ""}, 1, random);
    ASSERT_TRUE(creds.Ok());
    EXPECT_FALSE(creds->Get("nc"));
    EXPECT_FALSE(creds->Get("cnonce"));
    EXPECT_FALSE(creds->Get("qop"));
    EXPECT_FALSE(creds->Get("opaque"));
    EXPECT_EQ(creds->Get("algorithm"), "SHA-256");
    const std::string ha1 = ComputeHa1(DigestAlgorithm::Sha256, "u", "r", "p");
    const std::string ha2 = DigestHash(DigestAlgorithm::Sha256, "BYE:sip:x@y");
    EXPECT_EQ(creds->Get("response"), DigestHash(DigestAlgorithm::Sha256, ha1 + ":n:" + ha2));
}

TEST(BuildDigestCredentials, Errors)
{
    SplitMixRandom random(4);
    DigestRequest request{"INVITE", "sip:b@c", ""};
    AuthHeader unsupported =
        MakeChallenge({{"realm", "r", true}, {"nonce", "n", true}, {"algorithm", "SHA-1", false}});
    EXPECT_FALSE(BuildDigestCredentials(unsupported, {"u", "p"}, request, 1, random).Ok());

    AuthHeader basic = MakeChallenge({{"realm", "r", true}});
    basic.scheme = "Basic";
    EXPECT_FALSE(BuildDigestCredentials(basic, {"u", "p"}, request, 1, random).Ok());

    AuthHeader noNonce = MakeChallenge({{"realm", "r", true}});
    EXPECT_FALSE(BuildDigestCredentials(noNonce, {"u", "p"}, request, 1, random).Ok());

    AuthHeader badQop =
        MakeChallenge({{"realm", "r", true}, {"nonce", "n", true}, {"qop", "auth-conf", true}});
    EXPECT_FALSE(BuildDigestCredentials(badQop, {"u", "p"}, request, 1, random).Ok());

    AuthHeader sessWithoutQop = MakeChallenge(
        {{"realm", "r", true}, {"nonce", "n", true}, {"algorithm", "MD5-sess", false}});
    EXPECT_FALSE(BuildDigestCredentials(sessWithoutQop, {"u", "p"}, request, 1, random).Ok());
}

TEST(SelectDigestChallenges, FirstSupportedPerRealm)
{
    std::vector<AuthHeader> challenges = {
        MakeChallenge({{"realm", "a", true}, {"nonce", "1", true}, {"algorithm", "SHA-1", false}}),
        MakeChallenge(
            {{"realm", "a", true}, {"nonce", "2", true}, {"algorithm", "SHA-256", false}}),
        MakeChallenge({{"realm", "a", true}, {"nonce", "3", true}, {"algorithm", "MD5", false}}),
        MakeChallenge({{"realm", "b", true}, {"nonce", "4", true}}),
    };
    EXPECT_EQ(SelectDigestChallenges(challenges), (std::vector<std::size_t>{1, 3}));
    EXPECT_TRUE(SelectDigestChallenges({}).empty());
}

TEST(ClientCredentialCache, ReusesChallengeWithIncreasingNc)
{
    SplitMixRandom random(5);
    ClientCredentialCache cache;
    DigestRequest invite{"INVITE", "sip:bob@biloxi.com", ""};
    auto first =
        cache.Answer(Rfc2617Challenge(), AuthTarget::Proxy, {"alice", "pw"}, invite, random);
    ASSERT_TRUE(first.Ok());
    EXPECT_EQ(first->Get("nc"), "00000001");
    EXPECT_TRUE(cache.Has("testrealm@host.com"));
    EXPECT_EQ(cache.LastNonceCount("testrealm@host.com"), 1u);

    DigestRequest bye{"BYE", "sip:bob@192.0.2.4", ""};
    auto second = cache.Authorize("testrealm@host.com", bye, random);
    ASSERT_TRUE(second.Ok());
    EXPECT_EQ(second->Get("nc"), "00000002");
    EXPECT_EQ(second->Get("nonce"), first->Get("nonce"));
    EXPECT_EQ(second->Get("uri"), "sip:bob@192.0.2.4");

    auto all = cache.AuthorizeAll(invite, random);
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].target, AuthTarget::Proxy);
    EXPECT_EQ(all[0].realm, "testrealm@host.com");
    EXPECT_EQ(all[0].credentials.Get("nc"), "00000003");
    EXPECT_STREQ(CredentialsHeaderName(all[0].target), "Proxy-Authorization");

    // A new challenge for the realm replaces the old one and restarts nc.
    AuthHeader renewed = Rfc2617Challenge();
    renewed.Set("nonce", "fresh", true);
    auto third = cache.Answer(renewed, AuthTarget::Proxy, {"alice", "pw"}, invite, random);
    ASSERT_TRUE(third.Ok());
    EXPECT_EQ(third->Get("nc"), "00000001");
    EXPECT_EQ(third->Get("nonce"), "fresh");
    EXPECT_EQ(cache.Size(), 1u);

    EXPECT_FALSE(cache.Authorize("elsewhere", bye, random).Ok());
    cache.Forget("testrealm@host.com");
    EXPECT_FALSE(cache.Has("testrealm@host.com"));
    EXPECT_TRUE(cache.AuthorizeAll(invite, random).empty());
}

TEST(ClientCredentialCache, UnanswerableChallengeIsNotRemembered)
{
    SplitMixRandom random(6);
    ClientCredentialCache cache;
    AuthHeader challenge =
        MakeChallenge({{"realm", "r", true}, {"nonce", "n", true}, {"algorithm", "SHA-1", false}});
    EXPECT_FALSE(
        cache.Answer(challenge, AuthTarget::Server, {"u", "p"}, {"INVITE", "sip:a@b", ""}, random)
            .Ok());
    EXPECT_EQ(cache.Size(), 0u);
}

} // namespace
} // namespace sipsim
