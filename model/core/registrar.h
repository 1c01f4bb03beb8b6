#ifndef SIPSIM_CORE_REGISTRAR_H
#define SIPSIM_CORE_REGISTRAR_H

#include "location_service.h"
#include "sip/message.h"
#include "sip/types.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sipsim
{

struct RegistrarConfig
{
    /// Used when neither the contact's expires parameter nor an Expires header is given.
    uint32_t defaultExpires = 3600;
    /// Requests for 0 < expires < min(this, 3600) are refused with 423 and Min-Expires
    /// (§10.3 step 7). 0 disables the check.
    uint32_t minExpires = 60;
    /// Longer requests are granted this much (the registrar MAY shorten them).
    uint32_t maxExpires = 86400;
};

enum class RegisterOutcome
{
    Registered,   ///< at least one binding added or refreshed
    Unregistered, ///< bindings removed (expires 0 or Contact: *)
    Queried,      ///< no Contact: the bindings were only listed
    Rejected,     ///< a non-2xx response
};

const char* RegisterOutcomeName(RegisterOutcome outcome);

struct RegisterResult
{
    SipMessage response;
    RegisterOutcome outcome = RegisterOutcome::Rejected;
    std::string aor; ///< canonical AOR, when the To header gave one
};

/// The registrar of RFC 3261 §10.3 over a LocationService. Authentication (steps 3-4) is
/// the caller's business (the Proxy challenges with 401 when configured); this class does
/// Require (step 2) and steps 5-8.
class Registrar
{
public:
    Registrar(RegistrarConfig config, LocationService& location);

    /// Processes a REGISTER for one of `domains` and builds the response (To tag `toTag`):
    /// 420 for Require tags, 404 for an AOR outside the domains, 400 for a malformed
    /// Contact / Expires or a misused "*", 423 with Min-Expires for a too brief interval,
    /// 400 for an out-of-order CSeq on the same Call-ID, else 200 listing every current
    /// binding with its expires parameter. Nothing is committed unless the answer is 200.
    RegisterResult Process(TimePoint now, const SipMessage& request,
                           const std::vector<std::string>& domains, std::string_view toTag);

    const RegistrarConfig& Config() const { return m_config; }
    LocationService& Location() { return m_location; }

private:
    RegistrarConfig m_config;
    LocationService& m_location;
};

} // namespace sipsim

#endif
