#ifndef SIPSIM_SIP_URI_H
#define SIPSIM_SIP_URI_H

#include "result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sipsim
{

/// `name` or `name=value`, as in URI parameters, header parameters and URI headers.
/// Names and values are kept as written (still %-escaped where the grammar allows escapes).
struct GenericParam
{
    std::string name;
    std::optional<std::string> value;

    bool operator==(const GenericParam& other) const
    {
        return name == other.name && value == other.value;
    }
};

/// Finds a parameter by case-insensitive name.
const GenericParam* FindParam(const std::vector<GenericParam>& params, std::string_view name);
/// Sets (replacing, or appending) a parameter.
void SetParam(std::vector<GenericParam>& params, std::string name,
              std::optional<std::string> value = std::nullopt);
/// Removes every parameter with that case-insensitive name; returns how many.
std::size_t RemoveParam(std::vector<GenericParam>& params, std::string_view name);

/// Where a SIP or SIPS URI points: its user, host and port as views into the text, read
/// without SipUri::Parse's checks and copies. Only for a URI already found valid (by a parse
/// or by the check of the header that holds it), for which it reads what Parse would; a
/// proxy asks this of the top Route of every request it receives (§16.4).
struct SipUriTarget
{
    bool secure = false; ///< sips:
    std::string_view user;
    std::string_view host;
    std::optional<uint16_t> port;

    /// nullopt when the text is not even shaped like a sip:/sips: URI.
    static std::optional<SipUriTarget> OfValidUri(std::string_view text);
    /// The port, or the scheme's default (5060 for sip, 5061 for sips).
    uint16_t PortOrDefault() const { return port ? *port : (secure ? 5061 : 5060); }
};

/// A SIP or SIPS URI (RFC 3261 §19.1, §25.1).
/// sip:user:password@host:port;uri-parameters?headers
struct SipUri
{
    std::string scheme = "sip"; ///< "sip" or "sips", lower case
    std::string user;           ///< as written, %-escapes kept; empty when absent
    std::optional<std::string> password;
    std::string host; ///< hostname, IPv4 address or "[IPv6 reference]"
    std::optional<uint16_t> port;
    std::vector<GenericParam> params;
    std::vector<GenericParam> headers;

    /// Parses a sip: or sips: URI. Other schemes are an error here (see IsSipScheme).
    static Result<SipUri> Parse(std::string_view text);

    std::string ToString() const;

    /// The user part with %-escapes decoded.
    std::string UnescapedUser() const;
    /// "host" or "host:port".
    std::string HostPort() const;
    /// The port, or the scheme's default (5060 for sip, 5061 for sips).
    uint16_t PortOrDefault() const;
    const GenericParam* Param(std::string_view name) const { return FindParam(params, name); }
    bool HasLr() const { return Param("lr") != nullptr; }

    /// URI equivalence per RFC 3261 §19.1.4.
    bool Equivalent(const SipUri& other) const;

    bool operator==(const SipUri& other) const;
};

/// True for text starting with "sip:" or "sips:" (case-insensitive).
bool IsSipScheme(std::string_view uri);

/// Decodes %HH escapes; invalid escapes are copied unchanged.
std::string PercentDecode(std::string_view text);

} // namespace sipsim

#endif
