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
/// A parameter's value as a view into `header`, or `fallback` when it is absent (no copy,
/// and no conditional between a std::string and a literal that would make a temporary).
std::string_view AuthParamOr(const AuthHeader& header, std::string_view name,
                             std::string_view fallback);

} // namespace sipsim

#endif
