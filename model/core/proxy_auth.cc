// Proxy / registrar digest checks (RFC 3261 §22.2, §22.3) with a failure budget.
#include "proxy_auth.h"

#include "sip/headers.h"

#include <vector>

namespace sipsim
{

namespace
{

std::vector<AuthHeader>
CredentialsIn(const SipMessage& request, std::string_view headerName)
{
    // One credential per line: auth-params are comma separated, so the lines are not split.
    std::vector<AuthHeader> all;
    for (const HeaderField& field : request.Headers())
    {
        if (HeaderNameEquals(field.name, headerName))
        {
            auto parsed = AuthHeader::Parse(field.value);
            if (parsed.Ok())
            {
                all.push_back(std::move(*parsed));
            }
        }
    }
    return all;
}

bool
ForRealm(const AuthHeader& credentials, const std::string& realm)
{
    return credentials.Get("realm") == realm;
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
    const auto credentials = CredentialsIn(request, headerName);
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
    auto& headers = request.MutableHeaders();
    for (auto it = headers.begin(); it != headers.end();)
    {
        if (HeaderNameEquals(it->name, headerName))
        {
            auto parsed = AuthHeader::Parse(it->value);
            if (parsed.Ok() && ForRealm(*parsed, Realm()))
            {
                it = headers.erase(it);
                continue;
            }
        }
        ++it;
    }
}

bool
ProxyAuthenticator::HasCredentials(const SipMessage& request, std::string_view headerName) const
{
    for (const AuthHeader& c : CredentialsIn(request, headerName))
    {
        if (ForRealm(c, Realm()))
        {
            return true;
        }
    }
    return false;
}

} // namespace sipsim
