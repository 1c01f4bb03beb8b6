#include "digest_client.h"

#include "digest_params.h"

namespace sipsim
{

namespace
{

/// The qop to use for a challenge: auth when offered, auth-int when that is all that is.
Result<DigestQop>
ChooseQop(const AuthHeader& challenge)
{
    const std::string* options = challenge.Find("qop");
    if (options == nullptr)
    {
        return DigestQop::None;
    }
    bool authInt = false;
    for (const std::string& option : challenge.GetList("qop"))
    {
        if (AuthEqualsIgnoreCase(option, "auth"))
        {
            return DigestQop::Auth;
        }
        authInt = authInt || AuthEqualsIgnoreCase(option, "auth-int");
    }
    if (authInt)
    {
        return DigestQop::AuthInt;
    }
    return MakeError("digest challenge offers no supported qop: " + *options);
}

std::string
MakeCnonce(RandomSource& random)
{
    // Least significant digit first, unlike abnf::FixedHex: a cnonce is opaque, and this
    // order is what every recorded run has on the wire.
    static constexpr char kHex[] = "0123456789abcdef";
    uint64_t bits = random.NextU64();
    std::string cnonce(16, '0');
    for (char& c : cnonce)
    {
        c = kHex[bits & 0x0f];
        bits >>= 4;
    }
    return cnonce;
}

} // namespace

const char*
ChallengeHeaderName(AuthTarget target)
{
    return target == AuthTarget::Proxy ? "Proxy-Authenticate" : "WWW-Authenticate";
}

const char*
CredentialsHeaderName(AuthTarget target)
{
    return target == AuthTarget::Proxy ? "Proxy-Authorization" : "Authorization";
}

Result<AuthHeader>
BuildDigestCredentials(const AuthHeader& challenge, const DigestAccount& account,
                       const DigestRequest& request, uint32_t nc, RandomSource& random,
                       std::string* ha1Memo)
{
    if (!IsDigestScheme(challenge))
    {
        return MakeError("unsupported authentication scheme: " + challenge.scheme);
    }
    const std::string* realm = challenge.Find("realm");
    const std::string* nonce = challenge.Find("nonce");
    if (!realm || !nonce)
    {
        return MakeError("digest challenge without realm or nonce");
    }
    // An absent algorithm means MD5 (RFC 7616 §3.3).
    const std::string_view algorithmName = AuthParamOr(challenge, "algorithm", "MD5");
    std::optional<DigestAlgorithm> algorithm = ParseDigestAlgorithm(algorithmName);
    if (!algorithm)
    {
        return MakeError("unsupported digest algorithm: " + std::string(algorithmName));
    }
    Result<DigestQop> qop = ChooseQop(challenge);
    if (!qop)
    {
        return qop.Error();
    }
    // -sess keys HA1 with the cnonce, which only exists together with qop.
    if (IsSessionAlgorithm(*algorithm) && *qop == DigestQop::None)
    {
        return MakeError("digest challenge with a -sess algorithm but no qop");
    }

    DigestInputs inputs;
    inputs.algorithm = *algorithm;
    inputs.qop = *qop;
    inputs.username = account.username;
    inputs.realm = *realm;
    inputs.password = account.password;
    inputs.nonce = *nonce;
    inputs.method = request.method;
    inputs.uri = request.uri;
    inputs.body = request.body;
    if (ha1Memo)
    {
        if (ha1Memo->empty())
        {
            *ha1Memo = ComputeHa1(inputs.algorithm, inputs.username, inputs.realm, inputs.password);
        }
        inputs.ha1 = *ha1Memo;
    }
    if (*qop != DigestQop::None)
    {
        inputs.nc = FormatNonceCount(nc);
        inputs.cnonce = MakeCnonce(random);
    }

    AuthHeader credentials;
    credentials.scheme = "Digest";
    credentials.Set("username", inputs.username, true);
    credentials.Set("realm", inputs.realm, true);
    credentials.Set("nonce", inputs.nonce, true);
    credentials.Set("uri", inputs.uri, true);
    credentials.Set("response", ComputeDigestResponse(inputs), true);
    credentials.Set("algorithm", DigestAlgorithmName(*algorithm), false);
    if (*qop != DigestQop::None)
    {
        credentials.Set("cnonce", inputs.cnonce, true);
        credentials.Set("nc", inputs.nc, false);
        credentials.Set("qop", DigestQopName(*qop), false);
    }
    if (const std::string* opaque = challenge.Find("opaque"))
    {
        credentials.Set("opaque", *opaque, true);
    }
    return credentials;
}

std::vector<std::size_t>
SelectDigestChallenges(const std::vector<AuthHeader>& challenges)
{
    std::vector<std::size_t> chosen;
    std::vector<std::string> realms;
    for (std::size_t i = 0; i < challenges.size(); ++i)
    {
        const AuthHeader& challenge = challenges[i];
        std::optional<std::string> realm = challenge.Get("realm");
        if (!IsDigestScheme(challenge) || !realm || !challenge.Get("nonce"))
        {
            continue;
        }
        if (!ParseDigestAlgorithm(challenge.Get("algorithm").value_or("MD5")))
        {
            continue;
        }
        bool seen = false;
        for (const std::string& r : realms)
        {
            seen = seen || r == *realm;
        }
        if (!seen)
        {
            realms.push_back(*realm);
            chosen.push_back(i);
        }
    }
    return chosen;
}

Result<AuthHeader>
ClientCredentialCache::Answer(const AuthHeader& challenge, AuthTarget target, DigestAccount account,
                              const DigestRequest& request, RandomSource& random)
{
    std::optional<std::string> realm = challenge.Get("realm");
    if (!realm)
    {
        return MakeError("digest challenge without realm");
    }
    Entry entry{challenge, target, std::move(account), 0, {}};
    Result<AuthHeader> credentials = Use(entry, request, random);
    if (credentials)
    {
        // Only a challenge we could answer is worth remembering.
        m_entries[*realm] = std::move(entry);
    }
    return credentials;
}

Result<AuthHeader>
ClientCredentialCache::Authorize(std::string_view realm, const DigestRequest& request,
                                 RandomSource& random)
{
    auto it = m_entries.find(realm);
    if (it == m_entries.end())
    {
        return MakeError("no digest challenge cached for realm " + std::string(realm));
    }
    return Use(it->second, request, random);
}

std::vector<CachedCredentials>
ClientCredentialCache::AuthorizeAll(const DigestRequest& request, RandomSource& random)
{
    std::vector<CachedCredentials> all;
    for (auto& [realm, entry] : m_entries)
    {
        Result<AuthHeader> credentials = Use(entry, request, random);
        if (credentials)
        {
            all.push_back(CachedCredentials{entry.target, realm, std::move(credentials).Value()});
        }
    }
    return all;
}

bool
ClientCredentialCache::Has(std::string_view realm) const
{
    return m_entries.find(realm) != m_entries.end();
}

uint32_t
ClientCredentialCache::LastNonceCount(std::string_view realm) const
{
    auto it = m_entries.find(realm);
    return it == m_entries.end() ? 0 : it->second.nc;
}

void
ClientCredentialCache::Forget(std::string_view realm)
{
    auto it = m_entries.find(realm);
    if (it != m_entries.end())
    {
        m_entries.erase(it);
    }
}

Result<AuthHeader>
ClientCredentialCache::Use(Entry& entry, const DigestRequest& request, RandomSource& random)
{
    Result<AuthHeader> credentials = BuildDigestCredentials(entry.challenge, entry.account, request,
                                                            entry.nc + 1, random, &entry.ha1);
    if (credentials)
    {
        ++entry.nc;
    }
    return credentials;
}

} // namespace sipsim
