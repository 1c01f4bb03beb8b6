// Proxy / registrar digest checks (RFC 3261 §22.2, §22.3) with a failure budget.
#include "proxy_auth.h"

#include "sip/headers.h"

#include <vector>

namespace sipsim
{

namespace
{

bool
ForRealm(const AuthHeader& credentials, const std::string& realm)
{
    const std::string* value = credentials.Find("realm");
    return value != nullptr && *value == realm;
}

/// Every well-formed credential in the `headerName` lines; `ourLines` gets the positions of
/// those for `realm`.
std::vector<AuthHeader>
CredentialsIn(const SipMessage& request, std::string_view headerName, const std::string& realm,
              std::vector<std::size_t>& ourLines)
{
    // One credential per line: auth-params are comma separated, so the lines are not split.
    std::vector<AuthHeader> all;
    const std::vector<HeaderField>& headers = request.Headers();
    for (std::size_t i = 0; i < headers.size(); ++i)
    {
        if (HeaderNameEquals(headers[i].name, headerName))
        {
            auto parsed = AuthHeader::Parse(headers[i].value);
            if (parsed.Ok())
            {
                if (ForRealm(*parsed, realm))
                {
                    ourLines.push_back(i);
                }
                all.push_back(std::move(*parsed));
            }
        }
    }
    return all;
}

} // namespace

ProxyAuthenticator::ProxyAuthenticator(DigestServerConfig config, CredentialStore credentials,
                                       RandomSource& random, int maxFailures)
    : m_server(std::move(config), std::move(credentials), random), m_maxFailures(maxFailures)
{
}

void
ProxyAuthenticator::Forget(TimePoint now)
{
    const Duration keep = m_server.Config().nonceLifetime;
    while (!m_failureOrder.empty() && m_failureOrder.front().first + keep <= now)
    {
        auto [when, key] = std::move(m_failureOrder.front());
        m_failureOrder.pop_front();
        auto it = m_failures.find(key);
        if (it == m_failures.end())
        {
            continue;
        }
        if (it->second.last + keep <= now)
        {
            m_failures.erase(it);
        }
        else
        {
            m_failureOrder.emplace_back(it->second.last, std::move(key));
        }
    }
}

AuthCheck
ProxyAuthenticator::Check(TimePoint now, const SipMessage& request, std::string_view headerName)
{
    Forget(now);
    AuthCheck check;
    const auto credentials = CredentialsIn(request, headerName, Realm(), check.ourLines);
    for (const AuthHeader& c : credentials)
    {
        if (ForRealm(c, Realm()))
        {
            check.username = c.Get("username").value_or(std::string());
            break;
        }
    }
    check.verdict = m_server.VerifyAny(now, request.Method(), credentials, request.Body());
    const auto callId = GetCallId(request);
    const std::string key = (callId.Ok() ? *callId : std::string()) + '\n' + check.username;

    switch (check.verdict)
    {
    case DigestVerdict::Ok:
        m_failures.erase(key);
        check.decision = AuthDecision::Accept;
        return check;
    case DigestVerdict::StaleNonce:
        check.stale = true;
        check.decision = AuthDecision::Challenge;
        return check;
    case DigestVerdict::WrongPassword:
    case DigestVerdict::UnknownUser: {
        Failures& failures = m_failures[key];
        if (failures.count == 0)
        {
            m_failureOrder.emplace_back(now, key);
        }
        ++failures.count;
        failures.last = now;
        check.decision = m_maxFailures > 0 && failures.count >= m_maxFailures
                             ? AuthDecision::Reject
                             : AuthDecision::Challenge;
        return check;
    }
    default:
        // No or unusable credentials, an unknown nonce or a replayed nc: a fresh challenge
        // is the answer, and none of these is a password guess.
        check.decision = AuthDecision::Challenge;
        return check;
    }
}

std::string
ProxyAuthenticator::Challenge(TimePoint now, bool stale)
{
    return m_server.Challenge(now, stale).ToString();
}

void
ProxyAuthenticator::Consume(SipMessage& request, std::string_view headerName) const
{
    std::vector<std::size_t> ourLines;
    CredentialsIn(request, headerName, Realm(), ourLines);
    request.RemoveLines(ourLines);
}

} // namespace sipsim
