#ifndef SIPSIM_CORE_LOCATION_SERVICE_H
#define SIPSIM_CORE_LOCATION_SERVICE_H

#include "sip/hash_bytes.h"
#include "sip/headers.h"
#include "sip/types.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <queue>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sipsim
{

/// One contact registered for an address-of-record (§10.3).
struct Binding
{
    /// The Contact as registered: URI (kept as written, so URI parameters and escaped headers
    /// survive, RFC 4475 cparam02 / regescrt) and contact-params without "expires"
    /// (cparam01's unknownparam stays a contact-param).
    NameAddr contact;
    TimePoint expiresAt{0};
    std::string callId; ///< of the REGISTER that created or refreshed it
    uint32_t cseq = 0;

    /// Seconds left at `now`, rounded up (0 once expired).
    uint32_t RemainingSeconds(TimePoint now) const;
    /// The q parameter (0..1000 in thousandths); 1000 when absent or malformed.
    int QThousandths() const;
};

/// The abstract location service of §16.5 as built by a registrar: AOR -> bindings with
/// expiry. Expired bindings are invisible to Lookup at once and freed by Purge, which is
/// cheap to call often: a min-heap of expiry times means it touches only what expired.
class LocationService
{
public:
    /// The §10.3 step 5 index form of a SIP or SIPS URI: scheme, user with escapes decoded,
    /// lower-case host, port when given; parameters and headers dropped. nullopt for
    /// anything that is not a SIP/SIPS URI.
    static std::optional<std::string> CanonicalAor(std::string_view uri);

    /// Replaces every binding of `aor` (an empty list removes the AOR). The registrar
    /// computes the new list first, so a REGISTER is committed atomically.
    void Set(const std::string& aor, std::vector<Binding> bindings);
    /// Adds a binding (replacing one with an equivalent URI), e.g. static provisioning.
    void Add(const std::string& aor, Binding binding);
    /// Provisioning shorthand: binds `contactUri` to `aor` until now + lifetime.
    void Add(const std::string& aor, const std::string& contactUri, TimePoint now,
             Duration lifetime);
    /// Removes the AOR and all its bindings; false when it had none.
    bool Remove(const std::string& aor);

    /// Bindings still valid at `now`, highest q first (registration order among equals).
    std::vector<Binding> Lookup(const std::string& aor, TimePoint now) const;
    /// Every stored binding of `aor`, expired ones included; nullptr when none.
    const std::vector<Binding>* Find(const std::string& aor) const;

    /// Drops bindings that expired at or before `now`; returns how many.
    std::size_t Purge(TimePoint now);

    std::size_t AorCount() const { return m_aors.size(); }
    std::size_t BindingCount() const { return m_bindingCount; }

private:
    using Expiry = std::pair<TimePoint, std::string>;

    void Track(const std::string& aor, const std::vector<Binding>& bindings);

    std::unordered_map<std::string, std::vector<Binding>, BytesHasher> m_aors;
    std::priority_queue<Expiry, std::vector<Expiry>, std::greater<Expiry>> m_expiries;
    std::size_t m_bindingCount = 0;
};

/// Whether two contact URIs name the same binding: §19.1.4 equivalence for SIP URIs, exact
/// text otherwise.
bool SameContactUri(const std::string& a, const std::string& b);

} // namespace sipsim

#endif
