// Server side, mostly driven by the client code: challenge -> credentials -> verdict.
#include "auth/digest_client.h"
#include "auth/digest_params.h"
#include "auth/digest_server.h"

#include <algorithm>
#include <gtest/gtest.h>

namespace sipsim
{
namespace
{

constexpr char kRealm[] = "biloxi.com";

struct Fixture
{
    explicit Fixture(DigestServerConfig config, uint64_t seed = 42)
        : serverRandom(seed)
        , clientRandom(seed + 1)
        , server(std::move(config), Store(), serverRandom)
    {
    }

    static CredentialStore Store()
    {
        CredentialStore store;
        store.AddUser("bob", "zanzibar");
        return store;
    }

    AuthHeader Answer(const AuthHeader& challenge, const DigestRequest& request, uint32_t nc = 1,
                      const std::string& password = "zanzibar")
    {
        Result<AuthHeader> creds =
            BuildDigestCredentials(challenge, {"bob", password}, request, nc, clientRandom);
        EXPECT_TRUE(creds.Ok()) << creds.Error().ToString();
        return creds.Ok() ? *creds : AuthHeader{};
    }

    SplitMixRandom serverRandom;
    SplitMixRandom clientRandom;
    DigestServer server;
};

DigestServerConfig
Config(DigestAlgorithm algorithm = DigestAlgorithm::Md5, bool qop = true)
{
    DigestServerConfig config;
    config.realm = kRealm;
    config.algorithm = algorithm;
    config.qop = qop;
    config.nonceLifetime = Seconds(30);
    return config;
}

const DigestRequest kRegister{"REGISTER", "sip:biloxi.com", ""};

struct RoundTripCase
{
    DigestAlgorithm algorithm;
    bool qop;
};

class RoundTrip : public ::testing::TestWithParam<RoundTripCase>
{
};

TEST_P(RoundTrip, ClientCredentialsAreAccepted)
{
    Fixture f(Config(GetParam().algorithm, GetParam().qop));
    AuthHeader challenge = f.server.Challenge(Seconds(1));
    EXPECT_EQ(challenge.Get("realm"), kRealm);
    EXPECT_EQ(challenge.Get("algorithm"), DigestAlgorithmName(GetParam().algorithm));
    EXPECT_EQ(challenge.Get("qop").has_value(), GetParam().qop);
    EXPECT_TRUE(challenge.Get("opaque").has_value());
    EXPECT_FALSE(challenge.Get("stale").has_value());
    EXPECT_EQ(f.server.OutstandingNonces(), 1u);

    AuthHeader creds = f.Answer(challenge, kRegister);
    EXPECT_EQ(creds.Get("qop").has_value(), GetParam().qop);
    EXPECT_EQ(f.server.Verify(Seconds(2), "REGISTER", creds), DigestVerdict::Ok);
    // The method is part of HA2: the same credentials do not authorise another method.
    AuthHeader next = f.Answer(challenge, kRegister, 2);
    EXPECT_EQ(f.server.Verify(Seconds(2), "INVITE", next), DigestVerdict::WrongPassword);
}

INSTANTIATE_TEST_SUITE_P(Algorithms, RoundTrip,
                         ::testing::Values(RoundTripCase{DigestAlgorithm::Md5, true},
                                           RoundTripCase{DigestAlgorithm::Md5, false},
                                           RoundTripCase{DigestAlgorithm::Sha256, true},
                                           RoundTripCase{DigestAlgorithm::Sha256, false},
                                           RoundTripCase{DigestAlgorithm::Sha512_256, true},
                                           RoundTripCase{DigestAlgorithm::Md5Sess, true},
                                           RoundTripCase{DigestAlgorithm::Sha256Sess, true}));

TEST(DigestServer, WrongPassword)
{
    Fixture f(Config());
    AuthHeader creds = f.Answer(f.server.Challenge(Seconds(0)), kRegister, 1, "guess");
    EXPECT_EQ(f.server.Verify(Seconds(1), "REGISTER", creds), DigestVerdict::WrongPassword);
    // A failed attempt does not consume the nc: the right password still gets in with it.
    AuthHeader good = f.Answer(f.server.Challenge(Seconds(0)), kRegister, 1);
    EXPECT_EQ(f.server.Verify(Seconds(1), "REGISTER", good), DigestVerdict::Ok);
}

TEST(DigestServer, ReplayedNonceCount)
{
    // A replay is an nc already accepted for the nonce with credentials other than the ones
    // accepted for it (here: a fresh cnonce, so another response), or an nc below the window.
    Fixture f(Config());
    AuthHeader challenge = f.server.Challenge(Seconds(0));
    AuthHeader nc1 = f.Answer(challenge, kRegister, 1);
    EXPECT_EQ(f.server.Verify(Seconds(1), "REGISTER", nc1), DigestVerdict::Ok);
    AuthHeader nc1Again = f.Answer(challenge, kRegister, 1);
    ASSERT_NE(nc1Again.Get("cnonce"), nc1.Get("cnonce"));
    EXPECT_EQ(f.server.Verify(Seconds(1), "REGISTER", nc1Again), DigestVerdict::ReplayedNonceCount);
    AuthHeader nc5 = f.Answer(challenge, kRegister, 5);
    EXPECT_EQ(f.server.Verify(Seconds(2), "REGISTER", nc5), DigestVerdict::Ok);
    EXPECT_EQ(f.server.Verify(Seconds(2), "REGISTER", f.Answer(challenge, kRegister, 5)),
              DigestVerdict::ReplayedNonceCount);
    // Gaps are fine, and an unused nc below the highest is accepted once.
    AuthHeader nc3 = f.Answer(challenge, kRegister, 3);
    EXPECT_EQ(f.server.Verify(Seconds(2), "REGISTER", nc3), DigestVerdict::Ok);
    EXPECT_EQ(f.server.Verify(Seconds(2), "REGISTER", f.Answer(challenge, kRegister, 3)),
              DigestVerdict::ReplayedNonceCount);
}

TEST(DigestServer, OutOfOrderNonceCountWithinWindow)
{
    // Credential reuse under loss: INVITE nc=5 is lost, a later request with nc=6 is
    // accepted, then the INVITE's retransmission (the same credentials) arrives.
    Fixture f(Config());
    AuthHeader challenge = f.server.Challenge(Seconds(0));
    for (uint32_t nc = 1; nc <= 4; ++nc)
    {
        EXPECT_EQ(f.server.Verify(Seconds(1), "REGISTER", f.Answer(challenge, kRegister, nc)),
                  DigestVerdict::Ok);
    }
    AuthHeader nc5 = f.Answer(challenge, kRegister, 5);
    AuthHeader nc6 = f.Answer(challenge, kRegister, 6);
    EXPECT_EQ(f.server.Verify(Seconds(1), "REGISTER", nc6), DigestVerdict::Ok);
    EXPECT_EQ(f.server.Verify(Seconds(2), "REGISTER", nc5), DigestVerdict::Ok);

    // The window spans 64 ncs below the highest accepted one.
    AuthHeader nc70 = f.Answer(challenge, kRegister, 70);
    AuthHeader nc7 = f.Answer(challenge, kRegister, 7);
    AuthHeader nc6Late = f.Answer(challenge, kRegister, 6);
    EXPECT_EQ(f.server.Verify(Seconds(3), "REGISTER", nc70), DigestVerdict::Ok);
    EXPECT_EQ(f.server.Verify(Seconds(3), "REGISTER", nc7), DigestVerdict::Ok) << "70 - 7 = 63";
    EXPECT_EQ(f.server.Verify(Seconds(3), "REGISTER", nc6Late), DigestVerdict::ReplayedNonceCount)
        << "already used, and 70 - 6 = 64 is still inside the window";
    AuthHeader nc200 = f.Answer(challenge, kRegister, 200);
    EXPECT_EQ(f.server.Verify(Seconds(3), "REGISTER", nc200), DigestVerdict::Ok);
    EXPECT_EQ(f.server.Verify(Seconds(3), "REGISTER", f.Answer(challenge, kRegister, 136)),
              DigestVerdict::Ok)
        << "200 - 136 = 64: the window's last slot";
    EXPECT_EQ(f.server.Verify(Seconds(3), "REGISTER", f.Answer(challenge, kRegister, 135)),
              DigestVerdict::ReplayedNonceCount)
        << "below the window: cannot tell whether it was used";
}

TEST(DigestServer, IdenticalRetransmissionIsAccepted)
{
    // §17: a retransmitted request carries the same bytes; a stateless proxy verifies each
    // copy, so the exact credentials already accepted must pass again.
    Fixture f(Config());
    AuthHeader challenge = f.server.Challenge(Seconds(0));
    AuthHeader nc1 = f.Answer(challenge, kRegister, 1);
    AuthHeader nc2 = f.Answer(challenge, kRegister, 2);
    EXPECT_EQ(f.server.Verify(Seconds(1), "REGISTER", nc1), DigestVerdict::Ok);
    EXPECT_EQ(f.server.Verify(Seconds(1), "REGISTER", nc2), DigestVerdict::Ok);
    EXPECT_EQ(f.server.Verify(Seconds(2), "REGISTER", nc1), DigestVerdict::Ok);
    EXPECT_EQ(f.server.Verify(Seconds(2), "REGISTER", nc2), DigestVerdict::Ok);
    // A retransmission does not open the nc to other credentials.
    EXPECT_EQ(f.server.Verify(Seconds(2), "REGISTER", f.Answer(challenge, kRegister, 2)),
              DigestVerdict::ReplayedNonceCount);
    // Only the last few uses are remembered (bounded memory): after many other ncs, even
    // the exact credentials of nc=1 are a replay.
    for (uint32_t nc = 3; nc <= 20; ++nc)
    {
        EXPECT_EQ(f.server.Verify(Seconds(3), "REGISTER", f.Answer(challenge, kRegister, nc)),
                  DigestVerdict::Ok);
    }
    EXPECT_EQ(f.server.Verify(Seconds(3), "REGISTER", nc1), DigestVerdict::ReplayedNonceCount);
}

TEST(DigestServer, StaleNonceAfterLifetime)
{
    Fixture f(Config());
    AuthHeader challenge = f.server.Challenge(Seconds(0));
    AuthHeader creds = f.Answer(challenge, kRegister);
    // Lifetime is 30 s: at 30 s the nonce is expired, even though it was never used.
    EXPECT_EQ(f.server.Verify(Seconds(30), "REGISTER", creds), DigestVerdict::StaleNonce);
    EXPECT_EQ(f.server.OutstandingNonces(), 0u) << "expired nonce purged";

    AuthHeader again = f.server.Challenge(Seconds(30), true);
    ASSERT_TRUE(again.Get("stale").has_value());
    EXPECT_TRUE(AuthEqualsIgnoreCase(*again.Get("stale"), "true"));
    EXPECT_NE(again.Get("nonce"), challenge.Get("nonce"));
    EXPECT_EQ(f.server.Verify(Seconds(31), "REGISTER", f.Answer(again, kRegister)),
              DigestVerdict::Ok);

    // An expired nonce with a wrong password is not stale: stale=true would tell the client
    // its password was right.
    AuthHeader wrong = f.Answer(challenge, kRegister, 2, "guess");
    EXPECT_EQ(f.server.Verify(Seconds(40), "REGISTER", wrong), DigestVerdict::WrongPassword);
}

TEST(DigestServer, UnknownNonceIsAFreshChallengeNotStale)
{
    Fixture f(Config());
    AuthHeader challenge = f.server.Challenge(Seconds(0));
    challenge.Set("nonce", "0123456789abcdef0123456789abcdef", true);
    EXPECT_EQ(f.server.Verify(Seconds(1), "REGISTER", f.Answer(challenge, kRegister)),
              DigestVerdict::UnknownNonce);

    // A nonce from another server (other key) is unknown here too.
    Fixture other(Config(), 99);
    AuthHeader foreign = other.server.Challenge(Seconds(0));
    foreign.Set("opaque", *f.server.Challenge(Seconds(0)).Get("opaque"), true);
    EXPECT_EQ(f.server.Verify(Seconds(1), "REGISTER", f.Answer(foreign, kRegister)),
              DigestVerdict::UnknownNonce);
}

TEST(DigestServer, RejectsWhatItCannotCheck)
{
    Fixture f(Config());
    AuthHeader challenge = f.server.Challenge(Seconds(0));
    AuthHeader good = f.Answer(challenge, kRegister);

    AuthHeader basic = good;
    basic.scheme = "Basic";
    EXPECT_EQ(f.server.Verify(Seconds(1), "REGISTER", basic), DigestVerdict::NoCredentials);

    AuthHeader otherRealm = good;
    otherRealm.Set("realm", "atlanta.com", true);
    EXPECT_EQ(f.server.Verify(Seconds(1), "REGISTER", otherRealm), DigestVerdict::RealmMismatch);

    AuthHeader sha = good;
    sha.Set("algorithm", "SHA-256", false);
    EXPECT_EQ(f.server.Verify(Seconds(1), "REGISTER", sha), DigestVerdict::UnsupportedAlgorithm);

    AuthHeader stranger = good;
    stranger.Set("username", "mallory", true);
    EXPECT_EQ(f.server.Verify(Seconds(1), "REGISTER", stranger), DigestVerdict::UnknownUser);

    for (const char* dropped :
         {"response", "nonce", "uri", "username", "nc", "cnonce", "qop", "opaque"})
    {
        AuthHeader missing = good;
        missing.params.erase(std::remove_if(missing.params.begin(), missing.params.end(),
                                            [&](const AuthParam& p) { return p.name == dropped; }),
                             missing.params.end());
        EXPECT_EQ(f.server.Verify(Seconds(1), "REGISTER", missing), DigestVerdict::Malformed)
            << dropped;
    }
    AuthHeader badNc = good;
    badNc.Set("nc", "1", false);
    EXPECT_EQ(f.server.Verify(Seconds(1), "REGISTER", badNc), DigestVerdict::Malformed);
    AuthHeader authInt = good; // auth-int was not offered
    authInt.Set("qop", "auth-int", false);
    EXPECT_EQ(f.server.Verify(Seconds(1), "REGISTER", authInt), DigestVerdict::Malformed);

    // None of the rejections consumed the nonce.
    EXPECT_EQ(f.server.Verify(Seconds(1), "REGISTER", good), DigestVerdict::Ok);
}

TEST(DigestServer, AuthIntCoversTheBody)
{
    DigestServerConfig config = Config(DigestAlgorithm::Sha256);
    config.authInt = true;
    Fixture f(config);
    AuthHeader challenge = f.server.Challenge(Seconds(0));
    EXPECT_EQ(challenge.Get("qop"), "auth,auth-int");
    // Take the auth-int path explicitly by offering the client only that.
    challenge.Set("qop", "auth-int", true);
    DigestRequest invite{"INVITE", "sip:bob@biloxi.com", "v=0\r\n"};
    AuthHeader creds = f.Answer(challenge, invite);
    EXPECT_EQ(f.server.Verify(Seconds(1), "INVITE", creds, "v=1\r\n"),
              DigestVerdict::WrongPassword);
    EXPECT_EQ(f.server.Verify(Seconds(1), "INVITE", creds, "v=0\r\n"), DigestVerdict::Ok);
}

TEST(CredentialStore, HeldHa1FollowsRealmPasswordAndAlgorithm)
{
    // The store keeps the HA1s it derives from a password; every answer must still be the
    // hash of what it holds now.
    CredentialStore store;
    store.AddUser("carol", "first");
    for (int round = 0; round < 2; ++round)
    {
        EXPECT_EQ(store.Ha1("carol", "a.example", DigestAlgorithm::Md5),
                  ComputeHa1(DigestAlgorithm::Md5, "carol", "a.example", "first"));
        EXPECT_EQ(store.Ha1("carol", "b.example", DigestAlgorithm::Md5),
                  ComputeHa1(DigestAlgorithm::Md5, "carol", "b.example", "first"));
        EXPECT_EQ(store.Ha1("carol", "b.example", DigestAlgorithm::Sha256Sess),
                  ComputeHa1(DigestAlgorithm::Sha256, "carol", "b.example", "first"));
        EXPECT_EQ(store.Ha1("carol", "b.example", DigestAlgorithm::Md5Sess),
                  ComputeHa1(DigestAlgorithm::Md5, "carol", "b.example", "first"));
    }
    store.AddUser("carol", "second");
    EXPECT_EQ(store.Ha1("carol", "b.example", DigestAlgorithm::Md5),
              ComputeHa1(DigestAlgorithm::Md5, "carol", "b.example", "second"));
    store.Remove("carol");
    EXPECT_FALSE(store.Ha1("carol", "b.example", DigestAlgorithm::Md5).has_value());
    store.AddUser("carol", "third");
    EXPECT_EQ(store.Ha1("carol", "b.example", DigestAlgorithm::Md5),
              ComputeHa1(DigestAlgorithm::Md5, "carol", "b.example", "third"));
}

TEST(DigestServer, PrecomputedHa1)
{
    DigestServerConfig config = Config(DigestAlgorithm::Sha256);
    CredentialStore store;
    store.AddHa1("bob", DigestAlgorithm::Sha256,
                 ComputeHa1(DigestAlgorithm::Sha256, "bob", kRealm, "zanzibar"));
    SplitMixRandom random(1);
    DigestServer server(config, store, random);
    EXPECT_TRUE(server.Credentials().Has("bob"));
    EXPECT_FALSE(server.Credentials().Ha1("bob", kRealm, DigestAlgorithm::Md5).has_value());
    AuthHeader creds = *BuildDigestCredentials(server.Challenge(Seconds(0)), {"bob", "zanzibar"},
                                               kRegister, 1, random);
    EXPECT_EQ(server.Verify(Seconds(1), "REGISTER", creds), DigestVerdict::Ok);
    server.Credentials().Remove("bob");
    EXPECT_EQ(server.Verify(Seconds(1), "REGISTER", creds), DigestVerdict::UnknownUser);
}

TEST(DigestServer, VerifyAnyPicksOurRealm)
{
    Fixture f(Config());
    AuthHeader ours = f.Answer(f.server.Challenge(Seconds(0)), kRegister);
    AuthHeader theirs = ours;
    theirs.Set("realm", "atlanta.com", true);
    EXPECT_EQ(f.server.VerifyAny(Seconds(1), "REGISTER", {}), DigestVerdict::NoCredentials);
    EXPECT_EQ(f.server.VerifyAny(Seconds(1), "REGISTER", {theirs}), DigestVerdict::NoCredentials);
    EXPECT_EQ(f.server.VerifyAny(Seconds(1), "REGISTER", {theirs, ours}), DigestVerdict::Ok);
}

TEST(DigestServer, CredentialCacheReuseIsAccepted)
{
    Fixture f(Config(DigestAlgorithm::Sha256));
    ClientCredentialCache cache;
    DigestRequest invite{"INVITE", "sip:bob@biloxi.com", ""};
    auto first = cache.Answer(f.server.Challenge(Seconds(0)), AuthTarget::Proxy,
                              {"bob", "zanzibar"}, invite, f.clientRandom);
    ASSERT_TRUE(first.Ok());
    EXPECT_EQ(f.server.Verify(Seconds(1), "INVITE", *first), DigestVerdict::Ok);
    for (uint32_t i = 2; i <= 5; ++i)
    {
        DigestRequest bye{"BYE", "sip:bob@192.0.2.4", ""};
        auto later = cache.Authorize(kRealm, bye, f.clientRandom);
        ASSERT_TRUE(later.Ok());
        EXPECT_EQ(later->Get("nc"), FormatNonceCount(i));
        EXPECT_EQ(f.server.Verify(Seconds(i), "BYE", *later), DigestVerdict::Ok);
    }
    // Once the nonce expires the server says stale and the cache takes the new challenge.
    auto late = cache.Authorize(kRealm, invite, f.clientRandom);
    EXPECT_EQ(f.server.Verify(Seconds(31), "INVITE", *late), DigestVerdict::StaleNonce);
    auto renewed = cache.Answer(f.server.Challenge(Seconds(31), true), AuthTarget::Proxy,
                                {"bob", "zanzibar"}, invite, f.clientRandom);
    EXPECT_EQ(f.server.Verify(Seconds(31), "INVITE", *renewed), DigestVerdict::Ok);
}

TEST(DigestServer, PurgeKeepsNonceTableBounded)
{
    DigestServerConfig config = Config();  // 30 s lifetime
    config.maxOutstandingNonces = 1000000; // so only the lifetime bounds the table
    Fixture f(config);
    std::size_t peak = 0;
    // 1000 challenges per simulated second for 200 s: only the last 30 s worth stay live.
    for (int i = 0; i < 200000; ++i)
    {
        f.server.Challenge(Milliseconds(i));
        peak = std::max(peak, f.server.OutstandingNonces());
    }
    EXPECT_EQ(peak, 30000u);
    EXPECT_EQ(f.server.OutstandingNonces(), 30000u);
    f.server.Purge(Seconds(2000));
    EXPECT_EQ(f.server.OutstandingNonces(), 0u);
}

TEST(DigestServer, MaxOutstandingNoncesEvictsOldest)
{
    DigestServerConfig config = Config();
    config.maxOutstandingNonces = 3;
    Fixture f(config);
    AuthHeader oldest = f.server.Challenge(Seconds(0));
    for (int i = 0; i < 5; ++i)
    {
        f.server.Challenge(Seconds(1));
    }
    EXPECT_EQ(f.server.OutstandingNonces(), 3u);
    // The dropped nonce has no nc history left, so it cannot be accepted; the client learns
    // (stale) that it only needs a new nonce.
    EXPECT_EQ(f.server.Verify(Seconds(2), "REGISTER", f.Answer(oldest, kRegister)),
              DigestVerdict::StaleNonce);
}

TEST(DigestServer, RoundTripThroughHeaderText)
{
    // Challenge and credentials survive the wire format (AuthHeader::ToString / Parse).
    Fixture f(Config(DigestAlgorithm::Sha256));
    const std::string challengeText = f.server.Challenge(Seconds(0), true).ToString();
    EXPECT_NE(challengeText.find("algorithm=SHA-256"), std::string::npos) << challengeText;
    EXPECT_NE(challengeText.find("qop=\"auth\""), std::string::npos) << challengeText;
    Result<AuthHeader> challenge = AuthHeader::Parse(challengeText);
    ASSERT_TRUE(challenge.Ok()) << challenge.Error().ToString();

    const std::string credentialsText = f.Answer(*challenge, kRegister).ToString();
    EXPECT_NE(credentialsText.find("nc=00000001"), std::string::npos) << credentialsText;
    EXPECT_NE(credentialsText.find("qop=auth"), std::string::npos) << credentialsText;
    EXPECT_EQ(credentialsText.find("qop=\"auth\""), std::string::npos) << credentialsText;
    Result<AuthHeader> credentials = AuthHeader::Parse(credentialsText);
    ASSERT_TRUE(credentials.Ok()) << credentials.Error().ToString();
    EXPECT_EQ(f.server.Verify(Seconds(1), "REGISTER", *credentials), DigestVerdict::Ok);
}

TEST(DigestVerdictName, NamesEveryVerdict)
{
    EXPECT_STREQ(DigestVerdictName(DigestVerdict::Ok), "Ok");
    EXPECT_STREQ(DigestVerdictName(DigestVerdict::StaleNonce), "StaleNonce");
    EXPECT_STREQ(DigestVerdictName(DigestVerdict::ReplayedNonceCount), "ReplayedNonceCount");
}

} // namespace
} // namespace sipsim
