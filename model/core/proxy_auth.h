#ifndef SIPSIM_CORE_PROXY_AUTH_H
#define SIPSIM_CORE_PROXY_AUTH_H

#include "auth/digest_server.h"
#include "sip/hash_bytes.h"
#include "sip/message.h"
#include "sip/types.h"

#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sipsim
{

/// What to do with a request after checking its credentials.
enum class AuthDecision
{
    Accept,    ///< valid credentials for our realm
    Challenge, ///< answer 401/407 with a fresh challenge (stale=true after StaleNonce)
    Reject,    ///< too many failed attempts: 403
};

struct AuthCheck
{
    AuthDecision decision = AuthDecision::Challenge;
    DigestVerdict verdict = DigestVerdict::NoCredentials;
    bool stale = false;
    std::string username; ///< from the credentials for our realm, when present
    /// Positions in the request's header lines of every credential for our realm, to
    /// remove them (SipMessage::RemoveLines) without parsing them again.
    std::vector<std::size_t> ourLines;
};

/// Digest authentication of one realm for a proxy (Proxy-Authorization, §22.3) or a
/// registrar (Authorization, §22.2), with a count of failed attempts per Call-ID and user
/// so a UA guessing passwords is answered 403 after `maxFailures` tries.
class ProxyAuthenticator
{
public:
    ProxyAuthenticator(DigestServerConfig config, CredentialStore credentials, RandomSource& random,
                       int maxFailures);

    /// Checks the credentials in the `headerName` lines of `request` meant for our realm.
    AuthCheck Check(TimePoint now, const SipMessage& request, std::string_view headerName);
    /// A challenge value for WWW-Authenticate / Proxy-Authenticate.
    std::string Challenge(TimePoint now, bool stale);
    /// Removes the credentials meant for our realm, consumed here (§22.3); other realms'
    /// stay for the proxies further on.
    void Consume(SipMessage& request, std::string_view headerName) const;

    const std::string& Realm() const { return m_server.Config().realm; }
    std::size_t TrackedFailures() const { return m_failures.size(); }
    DigestServer& Server() { return m_server; }

private:
    struct Failures
    {
        int count = 0;
        TimePoint last{0};
    };

    void Forget(TimePoint now);

    DigestServer m_server;
    int m_maxFailures;
    std::unordered_map<std::string, Failures, BytesHasher> m_failures; ///< Call-ID '\n' username
    std::deque<std::pair<TimePoint, std::string>> m_failureOrder;
};

} // namespace sipsim

#endif
