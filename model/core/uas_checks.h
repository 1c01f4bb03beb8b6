#ifndef SIPSIM_CORE_UAS_CHECKS_H
#define SIPSIM_CORE_UAS_CHECKS_H

#include "sip/message.h"

#include <optional>
#include <string>
#include <vector>

namespace sipsim
{

/// What a UAS supports, for the generic request inspection of RFC 3261 §8.2.
struct UasCapabilities
{
    /// Request-URI user this UAS accepts out-of-dialog requests for; empty accepts any.
    std::string user;
    /// Host for Warning headers (warn-agent).
    std::string hostName;
    std::vector<std::string> methods = {"INVITE", "ACK", "CANCEL", "BYE", "OPTIONS"};
    std::vector<std::string> optionTags;                         ///< Require tags understood
    std::vector<std::string> contentTypes = {"application/sdp"}; ///< body types understood
};

/// A rejection: the status code, reason phrase, and headers the response must carry
/// (Allow, Unsupported, Accept, Accept-Encoding, Warning).
struct UasRejection
{
    int code = 0;
    std::string reason;
    std::vector<HeaderField> headers;
};

/// The "Allow" value for the capabilities' methods.
std::string AllowValue(const UasCapabilities& caps);

/// The §8.2 checks in the RFC's order: method (405 with Allow for a method we know of but
/// do not support, 501 for one we do not know), Request-URI scheme (416) and user (404) for
/// requests outside a dialog, Require (420 with Unsupported; not for ACK and CANCEL),
/// body type and encoding (415 with Accept / Accept-Encoding; optional bodies are
/// ignored), and for INVITE an Accept that excludes application/sdp (406 with a 399
/// Warning, RFC 4475 §3.3.15). nullopt when the request may be processed.
std::optional<UasRejection> InspectRequest(const SipMessage& request, const UasCapabilities& caps,
                                           bool inDialog);

} // namespace sipsim

#endif
