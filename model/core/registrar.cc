// RFC 3261 §10.3 REGISTER processing over a LocationService.
#include "registrar.h"

#include "sip/headers.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <utility>

namespace sipsim
{

namespace
{

bool
EqualsNoCase(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

RegisterResult
Reject(const SipMessage& request, int code, std::string_view toTag, std::string aor,
       std::string reason = {})
{
    RegisterResult result;
    result.response = MakeResponseTo(request, code, std::move(reason), toTag);
    result.outcome = RegisterOutcome::Rejected;
    result.aor = std::move(aor);
    return result;
}

/// The stored form of a registered contact: brackets always (so URI parameters stay URI
/// parameters when written back), "expires" dropped since the 200 states the granted value.
NameAddr
StoredContact(const NameAddr& contact)
{
    NameAddr stored = contact;
    stored.angleBrackets = true;
    RemoveParam(stored.params, "expires");
    return stored;
}

} // namespace

const char*
RegisterOutcomeName(RegisterOutcome outcome)
{
    switch (outcome)
    {
    case RegisterOutcome::Registered:
        return "Registered";
    case RegisterOutcome::Unregistered:
        return "Unregistered";
    case RegisterOutcome::Queried:
        return "Queried";
    case RegisterOutcome::Rejected:
        return "Rejected";
    }
    return "?";
}

Registrar::Registrar(RegistrarConfig config, LocationService& location)
    : m_config(config), m_location(location)
{
}

RegisterResult
Registrar::Process(TimePoint now, const SipMessage& request,
                   const std::vector<std::string>& domains, std::string_view toTag)
{
    // Step 2: a registrar supports no extensions (§8.2.2.3).
    const auto required = GetOptionTags(request, "Require");
    if (!required.empty())
    {
        RegisterResult result = Reject(request, 420, toTag, {});
        std::string list;
        for (const auto& tag : required)
        {
            list += list.empty() ? tag : ", " + tag;
        }
        result.response.Add("Unsupported", list);
        return result;
    }

    // Step 5: the AOR comes from To and must belong to one of our domains.
    const auto to = GetTo(request);
    if (!to.Ok())
    {
        return Reject(request, 400, toTag, {});
    }
    const auto aor = LocationService::CanonicalAor(to->uri);
    const auto toUri = to->Sip();
    const bool ours =
        aor && toUri.Ok() && std::any_of(domains.begin(), domains.end(), [&](const std::string& d) {
            return EqualsNoCase(d, toUri->host);
        });
    if (!ours)
    {
        return Reject(request, 404, toTag, aor.value_or(std::string()));
    }

    const auto callId = GetCallId(request);
    const auto cseq = GetCSeq(request);
    if (!callId.Ok() || !cseq.Ok())
    {
        return Reject(request, 400, toTag, *aor);
    }
    std::optional<uint32_t> expiresHeader;
    if (request.Has("Expires"))
    {
        auto value = GetExpires(request);
        if (!value.Ok())
        {
            return Reject(request, 400, toTag, *aor, "Bad Expires");
        }
        expiresHeader = *value;
    }

    std::vector<Binding> bindings;
    if (const auto* existing = m_location.Find(*aor))
    {
        for (const Binding& b : *existing)
        {
            if (b.expiresAt > now)
            {
                bindings.push_back(b);
            }
        }
    }

    RegisterOutcome outcome = RegisterOutcome::Queried;
    if (request.Has("Contact"))
    {
        const auto contacts = GetContacts(request);
        if (!contacts.Ok())
        {
            return Reject(request, 400, toTag, *aor, "Bad Contact");
        }
        if (contacts->star)
        {
            // Step 6: "*" only alone and with Expires: 0; each binding goes unless it is
            // newer than this request on the same Call-ID.
            if (!expiresHeader || *expiresHeader != 0)
            {
                return Reject(request, 400, toTag, *aor, "Contact * needs Expires: 0");
            }
            for (const Binding& b : bindings)
            {
                if (b.callId == *callId && cseq->number <= b.cseq)
                {
                    return Reject(request, 400, toTag, *aor, "Out of order CSeq");
                }
            }
            bindings.clear();
            outcome = RegisterOutcome::Unregistered;
        }
        else
        {
            bool added = false;
            for (const NameAddr& contact : contacts->contacts)
            {
                // Step 7: contact parameter, else Expires header, else the default.
                uint32_t expires =
                    contact.Expires().value_or(expiresHeader.value_or(m_config.defaultExpires));
                if (expires > 0 && expires < 3600 && expires < m_config.minExpires)
                {
                    RegisterResult result = Reject(request, 423, toTag, *aor);
                    result.response.Add("Min-Expires", std::to_string(m_config.minExpires));
                    return result;
                }
                expires = std::min(expires, m_config.maxExpires);
                auto same = std::find_if(bindings.begin(), bindings.end(), [&](const Binding& b) {
                    return SameContactUri(b.contact.uri, contact.uri);
                });
                if (same != bindings.end() && same->callId == *callId && cseq->number <= same->cseq)
                {
                    return Reject(request, 400, toTag, *aor, "Out of order CSeq");
                }
                if (expires == 0)
                {
                    if (same != bindings.end())
                    {
                        bindings.erase(same);
                    }
                    continue;
                }
                Binding binding;
                binding.contact = StoredContact(contact);
                binding.expiresAt = now + Seconds(expires);
                binding.callId = *callId;
                binding.cseq = cseq->number;
                if (same != bindings.end())
                {
                    *same = std::move(binding);
                }
                else
                {
                    bindings.push_back(std::move(binding));
                }
                added = true;
            }
            outcome = added ? RegisterOutcome::Registered : RegisterOutcome::Unregistered;
        }
        m_location.Set(*aor, bindings);
    }

    // Step 8: list every current binding with the interval granted.
    RegisterResult result;
    result.response = MakeResponseTo(request, 200, "OK", toTag);
    for (const Binding& b : bindings)
    {
        NameAddr listed = b.contact;
        SetParam(listed.params, "expires", std::to_string(b.RemainingSeconds(now)));
        result.response.Add("Contact", listed.ToString());
    }
    result.outcome = outcome;
    result.aor = *aor;
    return result;
}

} // namespace sipsim
