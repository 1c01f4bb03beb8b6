#include "ua_auth.h"

#include "auth/digest_params.h"
#include "sip/headers.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace sipsim
{

namespace
{

struct Challenge
{
    AuthTarget target;
    AuthHeader header;
};

bool
IsTrue(const std::optional<std::string>& value)
{
    if (!value || value->size() != 4)
    {
        return false;
    }
    std::string lower = *value;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower == "true";
}

/// Challenges of both kinds, one per header line (a line holds exactly one challenge, whose
/// parameters are themselves comma-separated, so GetAll's comma split must not be used).
std::vector<Challenge>
CollectChallenges(const SipMessage& response)
{
    std::vector<Challenge> out;
    for (const auto& field : response.Headers())
    {
        for (AuthTarget target : {AuthTarget::Server, AuthTarget::Proxy})
        {
            if (HeaderNameEquals(field.name, ChallengeHeaderName(target)))
            {
                auto parsed = AuthHeader::Parse(field.value);
                if (parsed.Ok())
                {
                    out.push_back(Challenge{target, std::move(parsed).Value()});
                }
            }
        }
    }
    return out;
}

/// Removes the credentials lines of `headerName` for `realm`; returns how many.
void
RemoveCredentialsFor(SipMessage& request, const char* headerName, const std::string& realm)
{
    auto& headers = request.MutableHeaders();
    headers.erase(std::remove_if(headers.begin(), headers.end(),
                                 [&](const HeaderField& field) {
                                     if (!HeaderNameEquals(field.name, headerName))
                                     {
                                         return false;
                                     }
                                     auto parsed = AuthHeader::Parse(field.value);
                                     return !parsed.Ok() || parsed->Get("realm") == realm;
                                 }),
                  headers.end());
}

DigestRequest
DigestRequestFor(const SipMessage& request)
{
    DigestRequest out;
    out.method = request.Method();
    out.uri = request.RequestUri();
    out.body = request.Body();
    return out;
}

} // namespace

std::optional<std::string>
AnswerChallenges(const SipMessage& response, SipMessage& request, AuthAttempts& attempts,
                 const DigestAccount& account, int maxChallenges, ClientCredentialCache* cache,
                 RandomSource& random)
{
    ++attempts.challenges;
    if (account.username.empty())
    {
        return "auth failed: no credentials";
    }
    if (attempts.challenges > maxChallenges)
    {
        return "auth failed: too many challenges";
    }
    std::vector<Challenge> challenges = CollectChallenges(response);
    std::vector<AuthHeader> headers;
    headers.reserve(challenges.size());
    for (const auto& challenge : challenges)
    {
        headers.push_back(challenge.header);
    }
    std::vector<std::size_t> selected = SelectDigestChallenges(headers);
    if (selected.empty())
    {
        return "auth failed: no supported challenge";
    }
    const DigestRequest digestRequest = DigestRequestFor(request);
    for (std::size_t index : selected)
    {
        const Challenge& challenge = challenges[index];
        const std::string realm = challenge.header.Get("realm").value_or("");
        const std::string nonce = challenge.header.Get("nonce").value_or("");
        const auto previous = attempts.nonces.find(realm);
        if (previous != attempts.nonces.end() && previous->second == nonce &&
            !IsTrue(challenge.header.Get("stale")))
        {
            // Our answer to this very nonce was refused: the secret is wrong (§22.2).
            return "auth failed: credentials rejected";
        }
        Result<AuthHeader> credentials =
            cache != nullptr
                ? cache->Answer(challenge.header, challenge.target, account, digestRequest, random)
                : BuildDigestCredentials(challenge.header, account, digestRequest, 1, random);
        if (!credentials.Ok())
        {
            return "auth failed: " + credentials.Error().reason;
        }
        const char* headerName = CredentialsHeaderName(challenge.target);
        RemoveCredentialsFor(request, headerName, realm);
        request.Add(headerName, credentials->ToString());
        attempts.nonces[realm] = nonce;
    }
    return std::nullopt;
}

void
AddCachedCredentials(SipMessage& request, AuthAttempts& attempts, ClientCredentialCache& cache,
                     RandomSource& random)
{
    if (request.Method() == "ACK" || request.Method() == "CANCEL" || cache.Size() == 0)
    {
        return;
    }
    for (const CachedCredentials& cached : cache.AuthorizeAll(DigestRequestFor(request), random))
    {
        const char* headerName = CredentialsHeaderName(cached.target);
        RemoveCredentialsFor(request, headerName, cached.realm);
        request.Add(headerName, cached.credentials.ToString());
        attempts.nonces[cached.realm] = AuthParamOr(cached.credentials, "nonce", "");
    }
}

} // namespace sipsim
