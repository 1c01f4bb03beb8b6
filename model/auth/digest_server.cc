#include "digest_server.h"

#include "digest_params.h"
#include "sip/abnf.h"

namespace sipsim
{

namespace
{

constexpr std::size_t kStampDigits = 16; ///< hex digits of the issue time and of the salt
constexpr std::size_t kMacDigits = 32;   ///< hex digits of the keyed hash kept in the nonce

std::string
HexU64(uint64_t value)
{
    return abnf::FixedHex(value, kStampDigits);
}

std::optional<uint64_t>
ParseHexU64(std::string_view text)
{
    return abnf::ParseFixedHex(text, kStampDigits);
}

DigestAlgorithm
BaseAlgorithm(DigestAlgorithm algorithm)
{
    switch (algorithm)
    {
    case DigestAlgorithm::Md5Sess:
        return DigestAlgorithm::Md5;
    case DigestAlgorithm::Sha256Sess:
        return DigestAlgorithm::Sha256;
    case DigestAlgorithm::Sha512_256Sess:
        return DigestAlgorithm::Sha512_256;
    default:
        return algorithm;
    }
}

} // namespace

// ---- CredentialStore ---------------------------------------------------------------------

void
CredentialStore::AddUser(std::string username, std::string password)
{
    User& user = m_users[std::move(username)];
    user.password = std::move(password);
    user.derivedHa1.clear();
}

void
CredentialStore::AddHa1(std::string username, DigestAlgorithm algorithm, std::string ha1)
{
    m_users[std::move(username)].ha1[BaseAlgorithm(algorithm)] = std::move(ha1);
}

void
CredentialStore::Remove(std::string_view username)
{
    auto it = m_users.find(username);
    if (it != m_users.end())
    {
        m_users.erase(it);
    }
}

bool
CredentialStore::Has(std::string_view username) const
{
    return m_users.find(username) != m_users.end();
}

std::optional<std::string>
CredentialStore::Ha1(std::string_view username, std::string_view realm,
                     DigestAlgorithm algorithm) const
{
    auto it = m_users.find(username);
    if (it == m_users.end())
    {
        return std::nullopt;
    }
    const User& user = it->second;
    auto ha1 = user.ha1.find(BaseAlgorithm(algorithm));
    if (ha1 != user.ha1.end())
    {
        return ha1->second;
    }
    if (!user.password)
    {
        return std::nullopt;
    }
    auto& [derivedRealm, derived] = user.derivedHa1[BaseAlgorithm(algorithm)];
    if (derived.empty() || derivedRealm != realm)
    {
        derivedRealm = std::string(realm);
        derived = ComputeHa1(algorithm, username, realm, *user.password);
    }
    return derived;
}

// ---- DigestServer ------------------------------------------------------------------------

const char*
DigestVerdictName(DigestVerdict verdict)
{
    switch (verdict)
    {
    case DigestVerdict::Ok:
        return "Ok";
    case DigestVerdict::NoCredentials:
        return "NoCredentials";
    case DigestVerdict::UnknownUser:
        return "UnknownUser";
    case DigestVerdict::WrongPassword:
        return "WrongPassword";
    case DigestVerdict::StaleNonce:
        return "StaleNonce";
    case DigestVerdict::UnknownNonce:
        return "UnknownNonce";
    case DigestVerdict::ReplayedNonceCount:
        return "ReplayedNonceCount";
    case DigestVerdict::RealmMismatch:
        return "RealmMismatch";
    case DigestVerdict::UnsupportedAlgorithm:
        return "UnsupportedAlgorithm";
    case DigestVerdict::Malformed:
        return "Malformed";
    }
    return "Malformed";
}

DigestServer::DigestServer(DigestServerConfig config, CredentialStore credentials,
                           RandomSource& random)
    : m_config(std::move(config)), m_credentials(std::move(credentials)), m_random(random)
{
    if (m_config.maxOutstandingNonces == 0)
    {
        m_config.maxOutstandingNonces = 1;
    }
    m_key = HexU64(m_random.NextU64()) + HexU64(m_random.NextU64());
    m_opaque = HexU64(m_random.NextU64());
}

AuthHeader
DigestServer::Challenge(TimePoint now, bool stale)
{
    Purge(now);
    while (m_nonces.size() >= m_config.maxOutstandingNonces)
    {
        m_nonces.erase(m_issueOrder.front());
        m_issueOrder.pop_front();
    }
    std::string nonce = MakeNonce(now, m_random.NextU64());
    m_nonces[nonce] = NonceState{now, 0, 0, {}};
    m_issueOrder.push_back(nonce);

    AuthHeader challenge;
    challenge.scheme = "Digest";
    challenge.Set("realm", m_config.realm, true);
    if (m_config.qop)
    {
        challenge.Set("qop", m_config.authInt ? "auth,auth-int" : "auth", true);
    }
    challenge.Set("nonce", std::move(nonce), true);
    challenge.Set("opaque", m_opaque, true);
    challenge.Set("algorithm", DigestAlgorithmName(m_config.algorithm), false);
    if (stale)
    {
        challenge.Set("stale", "TRUE", false);
    }
    return challenge;
}

DigestVerdict
DigestServer::Verify(TimePoint now, std::string_view method, const AuthHeader& credentials,
                     std::string_view body)
{
    Purge(now);
    if (!IsDigestScheme(credentials))
    {
        return DigestVerdict::NoCredentials;
    }
    // Views into `credentials` (no copies: this runs for every authorized request).
    const std::string* username = credentials.Find("username");
    const std::string* realm = credentials.Find("realm");
    const std::string* nonce = credentials.Find("nonce");
    const std::string* uri = credentials.Find("uri");
    const std::string* response = credentials.Find("response");
    if (!username || !realm || !nonce || !uri || !response)
    {
        return DigestVerdict::Malformed;
    }
    if (*realm != m_config.realm)
    {
        return DigestVerdict::RealmMismatch;
    }
    std::optional<DigestAlgorithm> algorithm =
        ParseDigestAlgorithm(AuthParamOr(credentials, "algorithm", "MD5"));
    if (!algorithm || *algorithm != m_config.algorithm)
    {
        return DigestVerdict::UnsupportedAlgorithm;
    }

    // qop must be one we offered; a client dropping it would downgrade to RFC 2069 and lose
    // the nc replay check.
    DigestQop qop = DigestQop::None;
    std::optional<uint32_t> nc;
    std::string_view ncText;
    std::string cnonce;
    const std::string* qopText = credentials.Find("qop");
    if (m_config.qop != (qopText != nullptr))
    {
        return DigestVerdict::Malformed;
    }
    if (qopText)
    {
        if (AuthEqualsIgnoreCase(*qopText, "auth"))
        {
            qop = DigestQop::Auth;
        }
        else if (m_config.authInt && AuthEqualsIgnoreCase(*qopText, "auth-int"))
        {
            qop = DigestQop::AuthInt;
        }
        else
        {
            return DigestVerdict::Malformed;
        }
        ncText = AuthParamOr(credentials, "nc", "");
        nc = ParseNonceCount(ncText);
        cnonce = credentials.Get("cnonce").value_or("");
        if (!nc || cnonce.empty())
        {
            return DigestVerdict::Malformed;
        }
    }
    const std::string* opaque = credentials.Find("opaque");
    if (!opaque)
    {
        return DigestVerdict::Malformed;
    }

    std::optional<std::string> ha1 = m_credentials.Ha1(*username, m_config.realm, *algorithm);
    if (!ha1)
    {
        return DigestVerdict::UnknownUser;
    }
    // A nonce still tracked was issued here at the time its state holds; only one no longer
    // tracked needs its MAC checked (a SHA-256 per request otherwise).
    auto state = m_nonces.find(*nonce);
    const std::optional<TimePoint> issued = state != m_nonces.end()
                                                ? std::optional<TimePoint>(state->second.issued)
                                                : NonceIssueTime(*nonce);
    if (!issued || *opaque != m_opaque)
    {
        return DigestVerdict::UnknownNonce;
    }

    std::string expected =
        ComputeResponse(*algorithm, qop, SessionHa1(*algorithm, *ha1, *nonce, cnonce), *nonce,
                        ncText, cnonce, ComputeHa2(*algorithm, qop, method, *uri, body));
    if (!DigestEquals(expected, *response))
    {
        return DigestVerdict::WrongPassword;
    }
    // A correct response with a nonce we no longer track (expired, or dropped to bound the
    // table) is stale: the client knows the password and only needs a fresh nonce.
    if (Expired(*issued, now) || state == m_nonces.end())
    {
        return DigestVerdict::StaleNonce;
    }
    if (nc)
    {
        return CheckNonceCount(state->second, *nc, cnonce, *response);
    }
    return DigestVerdict::Ok;
}

DigestVerdict
DigestServer::CheckNonceCount(NonceState& state, uint32_t nc, const std::string& cnonce,
                              const std::string& response)
{
    // An exact retransmission of accepted credentials is the same request again, not a
    // replay by a third party; the response was already checked, so compare it verbatim.
    for (const AcceptedUse& use : state.recent)
    {
        if (use.nc == nc && use.cnonce == cnonce && use.response == response)
        {
            return DigestVerdict::Ok;
        }
    }
    if (nc > state.highestNc)
    {
        const uint32_t shift = nc - state.highestNc;
        // Slide the window: the old highest becomes bit shift-1 (when it was a real nc).
        uint64_t seen = shift >= kNcWindow ? 0 : state.seenBelow << shift;
        if (state.highestNc != 0 && shift <= kNcWindow)
        {
            seen |= uint64_t{1} << (shift - 1);
        }
        state.seenBelow = seen;
        state.highestNc = nc;
    }
    else
    {
        const uint32_t offset = state.highestNc - nc; // 0 is the highest itself
        if (offset == 0 || offset > kNcWindow)
        {
            return DigestVerdict::ReplayedNonceCount;
        }
        const uint64_t bit = uint64_t{1} << (offset - 1);
        if ((state.seenBelow & bit) != 0)
        {
            return DigestVerdict::ReplayedNonceCount;
        }
        state.seenBelow |= bit;
    }
    state.recent.push_back(AcceptedUse{nc, cnonce, response});
    if (state.recent.size() > kRememberedUses)
    {
        state.recent.pop_front();
    }
    return DigestVerdict::Ok;
}

DigestVerdict
DigestServer::VerifyAny(TimePoint now, std::string_view method,
                        const std::vector<AuthHeader>& credentials, std::string_view body)
{
    for (const AuthHeader& candidate : credentials)
    {
        const std::string* realm = candidate.Find("realm");
        if (IsDigestScheme(candidate) && realm != nullptr && *realm == m_config.realm)
        {
            return Verify(now, method, candidate, body);
        }
    }
    return DigestVerdict::NoCredentials;
}

void
DigestServer::Purge(TimePoint now)
{
    while (!m_issueOrder.empty())
    {
        auto it = m_nonces.find(m_issueOrder.front());
        if (it != m_nonces.end() && !Expired(it->second.issued, now))
        {
            break;
        }
        if (it != m_nonces.end())
        {
            m_nonces.erase(it);
        }
        m_issueOrder.pop_front();
    }
}

std::string
DigestServer::MakeNonce(TimePoint issued, uint64_t salt) const
{
    std::string stamp = HexU64(static_cast<uint64_t>(issued.count())) + HexU64(salt);
    std::string mac = DigestHash(DigestAlgorithm::Sha256, m_key + ":" + stamp);
    return stamp + mac.substr(0, kMacDigits);
}

std::optional<TimePoint>
DigestServer::NonceIssueTime(std::string_view nonce) const
{
    if (nonce.size() != 2 * kStampDigits + kMacDigits)
    {
        return std::nullopt;
    }
    std::optional<uint64_t> issued = ParseHexU64(nonce.substr(0, kStampDigits));
    std::optional<uint64_t> salt = ParseHexU64(nonce.substr(kStampDigits, kStampDigits));
    if (!issued || !salt ||
        !DigestEquals(MakeNonce(TimePoint(static_cast<int64_t>(*issued)), *salt), nonce))
    {
        return std::nullopt;
    }
    return TimePoint(static_cast<int64_t>(*issued));
}

bool
DigestServer::Expired(TimePoint issued, TimePoint now) const
{
    return now - issued >= m_config.nonceLifetime;
}

} // namespace sipsim
