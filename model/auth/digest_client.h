#ifndef SIPSIM_AUTH_DIGEST_CLIENT_H
#define SIPSIM_AUTH_DIGEST_CLIENT_H

#include "digest.h"
#include "sip/headers.h"
#include "sip/result.h"
#include "sip/types.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sipsim
{

/// Who challenged, which decides the header pair (RFC 3261 §22.2, §22.3).
enum class AuthTarget
{
    Server, ///< 401, WWW-Authenticate -> Authorization
    Proxy,  ///< 407, Proxy-Authenticate -> Proxy-Authorization
};

/// "WWW-Authenticate" / "Proxy-Authenticate".
const char* ChallengeHeaderName(AuthTarget target);
/// "Authorization" / "Proxy-Authorization".
const char* CredentialsHeaderName(AuthTarget target);

/// A user's secret for one realm.
struct DigestAccount
{
    std::string username;
    std::string password;
};

/// The parts of the request that enter the digest.
struct DigestRequest
{
    std::string method;
    std::string uri;  ///< digest-uri: the Request-URI exactly as sent
    std::string body; ///< hashed only for qop=auth-int
};

/// The credentials answering `challenge` (RFC 7616 §3.4): username, realm, nonce, uri,
/// response, algorithm, and with qop also qop (auth when offered, else auth-int), nc (`nc` as
/// 8 hex digits) and a cnonce drawn from `random`; opaque is echoed. Errors: not Digest,
/// missing realm or nonce, unsupported algorithm or qop, a -sess algorithm without qop.
/// `ha1Memo`, when given, holds the (non-session) HA1 for this challenge's realm and
/// algorithm: used when set, filled when empty, so answers to one challenge hash the
/// password once.
Result<AuthHeader> BuildDigestCredentials(const AuthHeader& challenge, const DigestAccount& account,
                                          const DigestRequest& request, uint32_t nc,
                                          RandomSource& random, std::string* ha1Memo = nullptr);

/// Of the challenges of one response (one per header line), the indices to answer: for each
/// realm the first Digest challenge with a supported algorithm, as servers list them in
/// order of preference (RFC 7616 §3.7, RFC 8760 §2.4). In order of appearance.
std::vector<std::size_t> SelectDigestChallenges(const std::vector<AuthHeader>& challenges);

/// Credentials the cache produced for one realm.
struct CachedCredentials
{
    AuthTarget target = AuthTarget::Server;
    std::string realm;
    AuthHeader credentials;
};

/// Remembers the last challenge per realm so a UA can authorise later requests to the same
/// realm pre-emptively, each use with the next nonce count (RFC 7616 §3.4.5). The server
/// decides how long a nonce stays valid; a later 401/407 with a new nonce replaces the entry.
class ClientCredentialCache
{
public:
    /// Remembers `challenge` for its realm (nc restarts) and answers it with nc=1.
    Result<AuthHeader> Answer(const AuthHeader& challenge, AuthTarget target, DigestAccount account,
                              const DigestRequest& request, RandomSource& random);
    /// Credentials for `realm`'s remembered challenge with the next nc; error for an unknown
    /// realm.
    Result<AuthHeader> Authorize(std::string_view realm, const DigestRequest& request,
                                 RandomSource& random);
    /// Credentials for every remembered realm, for a new request.
    std::vector<CachedCredentials> AuthorizeAll(const DigestRequest& request, RandomSource& random);

    bool Has(std::string_view realm) const;
    /// The nc used last for `realm` (0 when unknown).
    uint32_t LastNonceCount(std::string_view realm) const;
    void Forget(std::string_view realm);
    std::size_t Size() const { return m_entries.size(); }

private:
    struct Entry
    {
        AuthHeader challenge;
        AuthTarget target = AuthTarget::Server;
        DigestAccount account;
        uint32_t nc = 0;
        std::string ha1; ///< HA1 for the challenge's realm and algorithm, once computed
    };

    Result<AuthHeader> Use(Entry& entry, const DigestRequest& request, RandomSource& random);

    std::map<std::string, Entry, std::less<>> m_entries;
};

} // namespace sipsim

#endif
