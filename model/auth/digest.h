#ifndef SIPSIM_AUTH_DIGEST_H
#define SIPSIM_AUTH_DIGEST_H

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sipsim
{

/// Digest algorithms of RFC 7616 §3.3 as registered for SIP by RFC 8760.
enum class DigestAlgorithm
{
    Md5,
    Md5Sess,
    Sha256,
    Sha256Sess,
    Sha512_256,
    Sha512_256Sess,
};

/// "MD5", "MD5-sess", "SHA-256", "SHA-256-sess", "SHA-512-256", "SHA-512-256-sess".
const char* DigestAlgorithmName(DigestAlgorithm algorithm);
/// Case-insensitive parse of an algorithm token; nullopt for algorithms we do not support.
std::optional<DigestAlgorithm> ParseDigestAlgorithm(std::string_view name);
/// Whether HA1 is re-keyed with nonce and cnonce (the "-sess" variants).
bool IsSessionAlgorithm(DigestAlgorithm algorithm);

/// H(data) in lowercase hex with the algorithm's hash (MD5, SHA-256 or SHA-512/256).
std::string DigestHash(DigestAlgorithm algorithm, std::string_view data);

/// The quality of protection of one exchange; None is the RFC 2069 compatibility mode.
enum class DigestQop
{
    None,
    Auth,
    AuthInt,
};

/// "" / "auth" / "auth-int".
const char* DigestQopName(DigestQop qop);

/// HA1 = H(username:realm:password) (RFC 7616 §3.4.2), the value a credential store may keep
/// instead of the password.
std::string ComputeHa1(DigestAlgorithm algorithm, std::string_view username, std::string_view realm,
                       std::string_view password);
/// The HA1 actually used in the response: `ha1` itself, or H(ha1:nonce:cnonce) for -sess.
std::string SessionHa1(DigestAlgorithm algorithm, std::string_view ha1, std::string_view nonce,
                       std::string_view cnonce);
/// HA2 = H(method:uri), or H(method:uri:H(body)) for auth-int (RFC 7616 §3.4.3).
std::string ComputeHa2(DigestAlgorithm algorithm, DigestQop qop, std::string_view method,
                       std::string_view uri, std::string_view body);
/// response = H(HA1:nonce:nc:cnonce:qop:HA2), or H(HA1:nonce:HA2) without qop. `ha1` is the
/// session HA1 already (see SessionHa1).
std::string ComputeResponse(DigestAlgorithm algorithm, DigestQop qop, std::string_view ha1,
                            std::string_view nonce, std::string_view nc, std::string_view cnonce,
                            std::string_view ha2);

/// Every input of one digest computation, so callers (and the RFC vectors) can compute a
/// response in one call. Either `password` or `ha1` (the precomputed, non-session HA1) is used;
/// `ha1` wins when non-empty.
struct DigestInputs
{
    DigestAlgorithm algorithm = DigestAlgorithm::Md5;
    DigestQop qop = DigestQop::Auth;
    std::string username;
    std::string realm;
    std::string password;
    std::string ha1;
    std::string nonce;
    std::string nc; ///< 8 lowercase hex digits, e.g. "00000001"
    std::string cnonce;
    std::string method;
    std::string uri;
    std::string body; ///< only used for auth-int
};

/// The request-digest for `inputs`.
std::string ComputeDigestResponse(const DigestInputs& inputs);

/// nc as written on the wire: 8 lowercase hex digits.
std::string FormatNonceCount(uint32_t nc);
/// Parses exactly 8 hex digits; nullopt otherwise.
std::optional<uint32_t> ParseNonceCount(std::string_view text);

/// Constant-time comparison of two response strings, so timing does not reveal how many
/// leading characters of a guessed response were right.
bool DigestEquals(std::string_view a, std::string_view b);

} // namespace sipsim

#endif
