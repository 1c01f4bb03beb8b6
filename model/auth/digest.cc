#include "digest.h"

#include "digest_params.h"
#include "sip/abnf.h"

#include <array>
#include <openssl/evp.h>

namespace sipsim
{

namespace
{

/// The hash function of an algorithm (the -sess variants share their base function): an
/// index into kFetchNames.
std::size_t
HashSlot(DigestAlgorithm algorithm)
{
    switch (algorithm)
    {
    case DigestAlgorithm::Md5:
    case DigestAlgorithm::Md5Sess:
        return 0;
    case DigestAlgorithm::Sha256:
    case DigestAlgorithm::Sha256Sess:
        return 1;
    case DigestAlgorithm::Sha512_256:
    case DigestAlgorithm::Sha512_256Sess:
        return 2;
    }
    return 0;
}

constexpr std::array<const char*, 3> kFetchNames = {"MD5", "SHA2-256", "SHA2-512/256"};

/// OpenSSL 3's one-shot EVP_Digest(EVP_md5()) fetches the implementation and allocates a
/// context on every call: ~6k instructions for an 80-byte MD5 that itself needs ~1k. A
/// simulation hashes ~15 times per call (nonces, HA1/HA2/response on both sides), so the
/// implementations are fetched once and each thread reuses one context.
struct HashContext
{
    std::array<EVP_MD*, 3> md{};
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();

    HashContext() = default;
    HashContext(const HashContext&) = delete;
    HashContext& operator=(const HashContext&) = delete;
    ~HashContext()
    {
        EVP_MD_CTX_free(ctx);
        for (EVP_MD* m : md)
        {
            EVP_MD_free(m);
        }
    }

    const EVP_MD* Get(DigestAlgorithm algorithm)
    {
        const std::size_t slot = HashSlot(algorithm);
        if (md[slot] == nullptr)
        {
            md[slot] = EVP_MD_fetch(nullptr, kFetchNames[slot], nullptr);
        }
        return md[slot];
    }
};

constexpr std::array<DigestAlgorithm, 6> kAllAlgorithms = {
    DigestAlgorithm::Md5,        DigestAlgorithm::Md5Sess,    DigestAlgorithm::Sha256,
    DigestAlgorithm::Sha256Sess, DigestAlgorithm::Sha512_256, DigestAlgorithm::Sha512_256Sess,
};

} // namespace

const char*
DigestAlgorithmName(DigestAlgorithm algorithm)
{
    switch (algorithm)
    {
    case DigestAlgorithm::Md5:
        return "MD5";
    case DigestAlgorithm::Md5Sess:
        return "MD5-sess";
    case DigestAlgorithm::Sha256:
        return "SHA-256";
    case DigestAlgorithm::Sha256Sess:
        return "SHA-256-sess";
    case DigestAlgorithm::Sha512_256:
        return "SHA-512-256";
    case DigestAlgorithm::Sha512_256Sess:
        return "SHA-512-256-sess";
    }
    return "MD5";
}

std::optional<DigestAlgorithm>
ParseDigestAlgorithm(std::string_view name)
{
    for (DigestAlgorithm algorithm : kAllAlgorithms)
    {
        if (AuthEqualsIgnoreCase(name, DigestAlgorithmName(algorithm)))
        {
            return algorithm;
        }
    }
    return std::nullopt;
}

bool
IsSessionAlgorithm(DigestAlgorithm algorithm)
{
    return algorithm == DigestAlgorithm::Md5Sess || algorithm == DigestAlgorithm::Sha256Sess ||
           algorithm == DigestAlgorithm::Sha512_256Sess;
}

std::string
DigestHash(DigestAlgorithm algorithm, std::string_view data)
{
    static constexpr char kHex[] = "0123456789abcdef";
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    // Hashing cannot fail for these built-in digests short of memory exhaustion; an empty
    // result would then fail every comparison rather than authenticate anyone.
    thread_local HashContext hash;
    const EVP_MD* md = hash.Get(algorithm);
    if (md == nullptr || hash.ctx == nullptr || EVP_DigestInit_ex2(hash.ctx, md, nullptr) != 1 ||
        EVP_DigestUpdate(hash.ctx, data.data(), data.size()) != 1 ||
        EVP_DigestFinal_ex(hash.ctx, digest, &length) != 1)
    {
        return {};
    }
    std::string hex(2 * length, '\0'); // sized once: push_back checks capacity per digit
    for (unsigned int i = 0; i < length; ++i)
    {
        hex[2 * i] = kHex[digest[i] >> 4];
        hex[2 * i + 1] = kHex[digest[i] & 0x0f];
    }
    return hex;
}

const char*
DigestQopName(DigestQop qop)
{
    switch (qop)
    {
    case DigestQop::None:
        return "";
    case DigestQop::Auth:
        return "auth";
    case DigestQop::AuthInt:
        return "auth-int";
    }
    return "";
}

std::string
ComputeHa1(DigestAlgorithm algorithm, std::string_view username, std::string_view realm,
           std::string_view password)
{
    std::string a1;
    a1.append(username).append(":").append(realm).append(":").append(password);
    return DigestHash(algorithm, a1);
}

std::string
SessionHa1(DigestAlgorithm algorithm, std::string_view ha1, std::string_view nonce,
           std::string_view cnonce)
{
    if (!IsSessionAlgorithm(algorithm))
    {
        return std::string(ha1);
    }
    std::string a1;
    a1.append(ha1).append(":").append(nonce).append(":").append(cnonce);
    return DigestHash(algorithm, a1);
}

std::string
ComputeHa2(DigestAlgorithm algorithm, DigestQop qop, std::string_view method, std::string_view uri,
           std::string_view body)
{
    std::string a2;
    a2.append(method).append(":").append(uri);
    if (qop == DigestQop::AuthInt)
    {
        a2.append(":").append(DigestHash(algorithm, body));
    }
    return DigestHash(algorithm, a2);
}

std::string
ComputeResponse(DigestAlgorithm algorithm, DigestQop qop, std::string_view ha1,
                std::string_view nonce, std::string_view nc, std::string_view cnonce,
                std::string_view ha2)
{
    std::string kd;
    kd.append(ha1).append(":").append(nonce).append(":");
    if (qop != DigestQop::None)
    {
        kd.append(nc).append(":").append(cnonce).append(":").append(DigestQopName(qop)).append(":");
    }
    kd.append(ha2);
    return DigestHash(algorithm, kd);
}

std::string
ComputeDigestResponse(const DigestInputs& in)
{
    std::string ha1 =
        in.ha1.empty() ? ComputeHa1(in.algorithm, in.username, in.realm, in.password) : in.ha1;
    ha1 = SessionHa1(in.algorithm, ha1, in.nonce, in.cnonce);
    std::string ha2 = ComputeHa2(in.algorithm, in.qop, in.method, in.uri, in.body);
    return ComputeResponse(in.algorithm, in.qop, ha1, in.nonce, in.nc, in.cnonce, ha2);
}

std::string
FormatNonceCount(uint32_t nc)
{
    return abnf::FixedHex(nc, 8);
}

std::optional<uint32_t>
ParseNonceCount(std::string_view text)
{
    const auto value = abnf::ParseFixedHex(text, 8);
    return value ? std::optional<uint32_t>(static_cast<uint32_t>(*value)) : std::nullopt;
}

bool
DigestEquals(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
    {
        return false;
    }
    unsigned char diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
    {
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    }
    return diff == 0;
}

} // namespace sipsim
