#ifndef SIPSIM_AUTH_DIGEST_PARAMS_H
#define SIPSIM_AUTH_DIGEST_PARAMS_H

#include "sip/headers.h"

#include <string_view>

namespace sipsim
{

// Small helpers shared by the digest client and server.

/// ASCII case-insensitive equality (scheme, parameter names, algorithm and qop tokens).
bool AuthEqualsIgnoreCase(std::string_view a, std::string_view b);
/// Whether the header uses the Digest scheme (case-insensitive).
bool IsDigestScheme(const AuthHeader& header);

} // namespace sipsim

#endif
