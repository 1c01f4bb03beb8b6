// Hashes and digest math against published vectors (RFC 2617 §3.5, RFC 7616 §3.9.1, FIPS 180-4).
#include "auth/digest.h"

#include <gtest/gtest.h>

namespace sipsim
{
namespace
{

TEST(DigestHash, KnownAnswers)
{
    EXPECT_EQ(DigestHash(DigestAlgorithm::Md5, ""), "d41d8cd98f00b204e9800998ecf8427e");
    EXPECT_EQ(DigestHash(DigestAlgorithm::Md5, "abc"), "900150983cd24fb0d6963f7d28e17f72");
    EXPECT_EQ(DigestHash(DigestAlgorithm::Sha256, "abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    // FIPS 180-4 example for SHA-512/256, the hash of RFC 8760's SHA-512-256.
    EXPECT_EQ(DigestHash(DigestAlgorithm::Sha512_256, "abc"),
              "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23");
    // -sess variants hash with the same function.
    EXPECT_EQ(DigestHash(DigestAlgorithm::Sha256Sess, "abc"),
              DigestHash(DigestAlgorithm::Sha256, "abc"));
}

TEST(DigestAlgorithmNames, RoundTripAndCaseInsensitive)
{
    for (DigestAlgorithm a : {DigestAlgorithm::Md5, DigestAlgorithm::Md5Sess,
                              DigestAlgorithm::Sha256, DigestAlgorithm::Sha256Sess,
                              DigestAlgorithm::Sha512_256, DigestAlgorithm::Sha512_256Sess})
    {
        EXPECT_EQ(ParseDigestAlgorithm(DigestAlgorithmName(a)), a);
    }
    EXPECT_EQ(ParseDigestAlgorithm("md5"), DigestAlgorithm::Md5);
    EXPECT_EQ(ParseDigestAlgorithm("sha-256-SESS"), DigestAlgorithm::Sha256Sess);
    EXPECT_FALSE(ParseDigestAlgorithm("SHA-1").has_value());
    EXPECT_FALSE(ParseDigestAlgorithm("").has_value());
    EXPECT_TRUE(IsSessionAlgorithm(DigestAlgorithm::Md5Sess));
    EXPECT_FALSE(IsSessionAlgorithm(DigestAlgorithm::Sha512_256));
}

TEST(DigestMath, Rfc2617Section3_5)
{
    const std::string ha1 =
        ComputeHa1(DigestAlgorithm::Md5, "Mufasa", "testrealm@host.com", "Circle Of Life");
    EXPECT_EQ(ha1, "939e7578ed9e3c518a452acee763bce9");
    const std::string ha2 =
        ComputeHa2(DigestAlgorithm::Md5, DigestQop::Auth, "GET", "/dir/index.html", "");
    EXPECT_EQ(ha2, "39aff3a2bab6126f332b942af96d3366");
    EXPECT_EQ(ComputeResponse(DigestAlgorithm::Md5, DigestQop::Auth, ha1,
                              "dcd98b7102dd2f0e8b11d0f600bfb0c093", "00000001", "0a4f113b", ha2),
              "6629fae49393a05397450978507c4ef1");

    DigestInputs in;
    in.algorithm = DigestAlgorithm::Md5;
    in.qop = DigestQop::Auth;
    in.username = "Mufasa";
    in.realm = "testrealm@host.com";
    in.password = "Circle Of Life";
    in.nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093";
    in.nc = "00000001";
    in.cnonce = "0a4f113b";
    in.method = "GET";
    in.uri = "/dir/index.html";
    EXPECT_EQ(ComputeDigestResponse(in), "6629fae49393a05397450978507c4ef1");

    // The precomputed HA1 gives the same answer without the password.
    in.password.clear();
    in.ha1 = ha1;
    EXPECT_EQ(ComputeDigestResponse(in), "6629fae49393a05397450978507c4ef1");
}

DigestInputs
Rfc7616Inputs(DigestAlgorithm algorithm)
{
    DigestInputs in;
    in.algorithm = algorithm;
    in.qop = DigestQop::Auth;
    in.username = "Mufasa";
    in.realm = "http-auth@example.org";
    in.password = "Circle of Life";
    in.nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
    in.nc = "00000001";
    in.cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
    in.method = "GET";
    in.uri = "/dir/index.html";
    return in;
}

TEST(DigestMath, Rfc7616Section3_9_1)
{
    EXPECT_EQ(ComputeDigestResponse(Rfc7616Inputs(DigestAlgorithm::Md5)),
              "8ca523f5e9506fed4657c9700eebdbec");
    EXPECT_EQ(ComputeDigestResponse(Rfc7616Inputs(DigestAlgorithm::Sha256)),
              "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
}

TEST(DigestMath, NoQopIsRfc2069Form)
{
    // Without qop: response = H(HA1:nonce:HA2), nc and cnonce ignored.
    DigestInputs in = Rfc7616Inputs(DigestAlgorithm::Md5);
    in.qop = DigestQop::None;
    const std::string ha1 = ComputeHa1(in.algorithm, in.username, in.realm, in.password);
    const std::string ha2 = DigestHash(in.algorithm, "GET:/dir/index.html");
    EXPECT_EQ(ComputeDigestResponse(in),
              DigestHash(in.algorithm, ha1 + ":" + in.nonce + ":" + ha2));
    in.nc = "00000009";
    in.cnonce = "other";
    EXPECT_EQ(ComputeDigestResponse(in),
              DigestHash(in.algorithm, ha1 + ":" + in.nonce + ":" + ha2));
}

TEST(DigestMath, SessAndAuthIntFollowTheDefinitions)
{
    const auto a = DigestAlgorithm::Sha256Sess;
    const std::string ha1 = ComputeHa1(a, "alice", "atlanta.com", "secret");
    EXPECT_EQ(ha1, DigestHash(DigestAlgorithm::Sha256, "alice:atlanta.com:secret"));
    EXPECT_EQ(SessionHa1(a, ha1, "n", "c"), DigestHash(a, ha1 + ":n:c"));
    EXPECT_EQ(SessionHa1(DigestAlgorithm::Sha256, ha1, "n", "c"), ha1);
    const std::string body = "v=0\r\n";
    EXPECT_EQ(ComputeHa2(a, DigestQop::AuthInt, "INVITE", "sip:bob@biloxi.com", body),
              DigestHash(a, "INVITE:sip:bob@biloxi.com:" + DigestHash(a, body)));
    // auth-int binds the body: another body, another HA2.
    EXPECT_NE(ComputeHa2(a, DigestQop::AuthInt, "INVITE", "sip:bob@biloxi.com", body),
              ComputeHa2(a, DigestQop::AuthInt, "INVITE", "sip:bob@biloxi.com", "v=1\r\n"));
    EXPECT_EQ(ComputeHa2(a, DigestQop::Auth, "INVITE", "sip:bob@biloxi.com", body),
              ComputeHa2(a, DigestQop::Auth, "INVITE", "sip:bob@biloxi.com", "v=1\r\n"));
}

TEST(NonceCount, FormatAndParse)
{
    EXPECT_EQ(FormatNonceCount(1), "00000001");
    EXPECT_EQ(FormatNonceCount(0xabcdef12u), "abcdef12");
    EXPECT_EQ(ParseNonceCount("0000000a"), 10u);
    EXPECT_EQ(ParseNonceCount("FFFFFFFF"), 0xffffffffu);
    EXPECT_FALSE(ParseNonceCount("1").has_value());
    EXPECT_FALSE(ParseNonceCount("0000000g").has_value());
    EXPECT_FALSE(ParseNonceCount("000000001").has_value());
}

TEST(DigestEquals, ComparesWholeStrings)
{
    EXPECT_TRUE(DigestEquals("abc", "abc"));
    EXPECT_FALSE(DigestEquals("abc", "abd"));
    EXPECT_FALSE(DigestEquals("abc", "ab"));
    EXPECT_TRUE(DigestEquals("", ""));
}

} // namespace
} // namespace sipsim
