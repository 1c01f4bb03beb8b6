#include "location_service.h"

#include "sip/abnf.h"

#include <algorithm>
#include <cctype>

namespace sipsim
{

uint32_t
Binding::RemainingSeconds(TimePoint now) const
{
    if (expiresAt <= now)
    {
        return 0;
    }
    const auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(expiresAt - now);
    const int64_t second = 1000000000;
    return static_cast<uint32_t>((left.count() + second - 1) / second);
}

int
Binding::QThousandths() const
{
    const GenericParam* q = FindParam(contact.params, "q");
    if (q == nullptr || !q->value || q->value->empty())
    {
        return 1000;
    }
    const std::string& text = *q->value;
    if (text[0] == '1')
    {
        return 1000;
    }
    int value = 0;
    int digits = 0;
    for (std::size_t i = 2; i < text.size() && digits < 3; ++i, ++digits)
    {
        if (!std::isdigit(static_cast<unsigned char>(text[i])))
        {
            return 1000;
        }
        value = value * 10 + (text[i] - '0');
    }
    for (; digits < 3; ++digits)
    {
        value *= 10;
    }
    return value;
}

bool
SameContactUri(const std::string& a, const std::string& b)
{
    if (IsSipScheme(a) && IsSipScheme(b))
    {
        auto ua = SipUri::Parse(a);
        auto ub = SipUri::Parse(b);
        if (ua.Ok() && ub.Ok())
        {
            return ua->Equivalent(*ub);
        }
    }
    return a == b;
}

std::optional<std::string>
LocationService::CanonicalAor(std::string_view uri)
{
    if (!IsSipScheme(uri))
    {
        return std::nullopt;
    }
    auto parsed = SipUri::Parse(uri);
    if (!parsed.Ok())
    {
        return std::nullopt;
    }
    std::string out = parsed->scheme + ":";
    if (!parsed->user.empty())
    {
        out += parsed->UnescapedUser();
        out += '@';
    }
    out += abnf::ToLower(parsed->host);
    if (parsed->port)
    {
        out += ':';
        out += std::to_string(*parsed->port);
    }
    return out;
}

void
LocationService::Track(const std::string& aor, const std::vector<Binding>& bindings)
{
    // One heap entry per AOR (its earliest expiry) keeps the heap near the AOR count;
    // Purge re-arms the next expiry when bindings remain.
    if (bindings.empty())
    {
        return;
    }
    TimePoint earliest = bindings.front().expiresAt;
    for (const Binding& b : bindings)
    {
        earliest = std::min(earliest, b.expiresAt);
    }
    m_expiries.emplace(earliest, aor);
}

void
LocationService::Set(const std::string& aor, std::vector<Binding> bindings)
{
    auto it = m_aors.find(aor);
    if (it != m_aors.end())
    {
        m_bindingCount -= it->second.size();
    }
    if (bindings.empty())
    {
        if (it != m_aors.end())
        {
            m_aors.erase(it);
        }
        return;
    }
    m_bindingCount += bindings.size();
    Track(aor, bindings);
    if (it != m_aors.end())
    {
        it->second = std::move(bindings);
    }
    else
    {
        m_aors.emplace(aor, std::move(bindings));
    }
}

void
LocationService::Add(const std::string& aor, Binding binding)
{
    std::vector<Binding> bindings;
    if (const auto* existing = Find(aor))
    {
        bindings = *existing;
    }
    bindings.erase(std::remove_if(bindings.begin(), bindings.end(),
                                  [&](const Binding& b) {
                                      return SameContactUri(b.contact.uri, binding.contact.uri);
                                  }),
                   bindings.end());
    bindings.push_back(std::move(binding));
    Set(aor, std::move(bindings));
}

void
LocationService::Add(const std::string& aor, const std::string& contactUri, TimePoint now,
                     Duration lifetime)
{
    Binding binding;
    binding.contact.uri = contactUri;
    binding.expiresAt = now + lifetime;
    Add(aor, std::move(binding));
}

bool
LocationService::Remove(const std::string& aor)
{
    auto it = m_aors.find(aor);
    if (it == m_aors.end())
    {
        return false;
    }
    m_bindingCount -= it->second.size();
    m_aors.erase(it);
    return true;
}

std::vector<Binding>
LocationService::Lookup(const std::string& aor, TimePoint now) const
{
    std::vector<Binding> out;
    auto it = m_aors.find(aor);
    if (it == m_aors.end())
    {
        return out;
    }
    for (const Binding& b : it->second)
    {
        if (b.expiresAt > now)
        {
            out.push_back(b);
        }
    }
    std::stable_sort(out.begin(), out.end(), [](const Binding& a, const Binding& b) {
        return a.QThousandths() > b.QThousandths();
    });
    return out;
}

const std::vector<Binding>*
LocationService::Find(const std::string& aor) const
{
    auto it = m_aors.find(aor);
    return it == m_aors.end() ? nullptr : &it->second;
}

std::size_t
LocationService::Purge(TimePoint now)
{
    std::size_t removed = 0;
    while (!m_expiries.empty() && m_expiries.top().first <= now)
    {
        const std::string aor = m_expiries.top().second;
        m_expiries.pop();
        auto it = m_aors.find(aor);
        if (it == m_aors.end())
        {
            continue;
        }
        auto& bindings = it->second;
        const std::size_t before = bindings.size();
        bindings.erase(std::remove_if(bindings.begin(), bindings.end(),
                                      [&](const Binding& b) { return b.expiresAt <= now; }),
                       bindings.end());
        const std::size_t gone = before - bindings.size();
        removed += gone;
        m_bindingCount -= gone;
        if (bindings.empty())
        {
            m_aors.erase(it);
        }
        else if (gone > 0)
        {
            Track(aor, bindings);
        }
    }
    return removed;
}

} // namespace sipsim
