#ifndef SIPSIM_CORE_UA_AUTH_H
#define SIPSIM_CORE_UA_AUTH_H

#include "auth/digest_client.h"
#include "sip/message.h"
#include "sip/types.h"

#include <map>
#include <optional>
#include <string>

namespace sipsim
{

/// Digest bookkeeping of one request that may be challenged and re-sent (§22.2, §22.3).
struct AuthAttempts
{
    int challenges = 0;                        ///< 401/407 answered so far
    std::map<std::string, std::string> nonces; ///< realm -> nonce last answered
};

/// Rewrites `request` so it answers the challenges of `response` (a 401 or 407): for each
/// realm challenged (the first supported Digest challenge per realm), its Authorization or
/// Proxy-Authorization line is replaced; lines for other realms stay, so credentials for
/// several proxies accumulate. With a cache the challenge is remembered there, so later
/// requests can be authorised pre-emptively. The caller still bumps CSeq and the branch.
///
/// Returns the reason to give up instead: no credentials configured, more than
/// `maxChallenges` challenges for this request, the same nonce challenged again without
/// stale=true (the password is wrong), or no challenge we can answer.
std::optional<std::string> AnswerChallenges(const SipMessage& response, SipMessage& request,
                                            AuthAttempts& attempts, const DigestAccount& account,
                                            int maxChallenges, ClientCredentialCache* cache,
                                            RandomSource& random);

/// Adds pre-emptive credentials from the cache for every realm it knows (RFC 7616 §3.4.5,
/// next nonce count) and notes their nonces in `attempts`, so a repeated challenge with the
/// same nonce is recognised as a wrong password. ACK and CANCEL are never authorised.
void AddCachedCredentials(SipMessage& request, AuthAttempts& attempts, ClientCredentialCache& cache,
                          RandomSource& random);

} // namespace sipsim

#endif
