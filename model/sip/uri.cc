#include "uri.h"

#include "abnf.h"

#include <algorithm>

namespace sipsim
{

using namespace abnf;

const GenericParam*
FindParam(const std::vector<GenericParam>& params, std::string_view name)
{
    for (const auto& param : params)
    {
        if (EqualsNoCase(param.name, name))
        {
            return &param;
        }
    }
    return nullptr;
}

void
SetParam(std::vector<GenericParam>& params, std::string name, std::optional<std::string> value)
{
    auto it = std::find_if(params.begin(), params.end(),
                           [&](const GenericParam& p) { return EqualsNoCase(p.name, name); });
    if (it == params.end())
    {
        params.push_back(GenericParam{std::move(name), std::move(value)});
        return;
    }
    it->name = std::move(name);
    it->value = std::move(value);
    // Keep a single occurrence so later lookups cannot see a stale duplicate.
    auto next = std::next(it);
    params.erase(
        std::remove_if(next, params.end(),
                       [&](const GenericParam& p) { return EqualsNoCase(p.name, it->name); }),
        params.end());
}

std::size_t
RemoveParam(std::vector<GenericParam>& params, std::string_view name)
{
    auto before = params.size();
    params.erase(std::remove_if(params.begin(), params.end(),
                                [&](const GenericParam& p) { return EqualsNoCase(p.name, name); }),
                 params.end());
    return before - params.size();
}

bool
IsSipScheme(std::string_view uri)
{
    return (uri.size() >= 4 && EqualsNoCase(uri.substr(0, 4), "sip:")) ||
           (uri.size() >= 5 && EqualsNoCase(uri.substr(0, 5), "sips:"));
}

static int
HexValue(char c)
{
    if (IsDigit(c))
    {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f')
    {
        return c - 'a' + 10;
    }
    return c - 'A' + 10;
}

std::string
PercentDecode(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i)
    {
        if (IsEscapeAt(text, i))
        {
            out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
            i += 2;
        }
        else
        {
            out.push_back(text[i]);
        }
    }
    return out;
}

namespace
{

bool
IsParamEnd(char c)
{
    return c == ';' || c == '?';
}

/// Checks the values of the URI parameters RFC 3261 §19.1.1 gives a grammar for.
std::optional<ParseError>
CheckKnownUriParam(std::string_view name, std::optional<std::string_view> value)
{
    // Dispatch on length first: nearly every parameter seen is none of these.
    bool known = (name.size() == 9 && EqualsNoCase(name, "transport")) ||
                 (name.size() == 4 && EqualsNoCase(name, "user")) ||
                 (name.size() == 6 && EqualsNoCase(name, "method")) ||
                 (name.size() == 3 && EqualsNoCase(name, "ttl")) ||
                 (name.size() == 5 && EqualsNoCase(name, "maddr"));
    if (!known)
    {
        return std::nullopt;
    }
    if (!value)
    {
        return MakeError("URI parameter '" + std::string(name) + "' needs a value");
    }
    if (name.size() == 3)
    {
        if (value->size() > 3 || !ParseDecimal(*value, 255))
        {
            return MakeError("URI parameter ttl must be 0..255");
        }
    }
    else if (name.size() == 5)
    {
        if (!IsHost(*value))
        {
            return MakeError("URI parameter maddr is not a host");
        }
    }
    else if (!IsToken(*value))
    {
        return MakeError("URI parameter '" + std::string(name) + "' must be a token");
    }
    return std::nullopt;
}

/// Whether `name` already appeared among the parameters in rest[from, to). Rescanning the
/// few earlier parameters costs less than keeping a list of them.
bool
SeenUriParam(std::string_view rest, std::size_t from, std::size_t to, std::string_view name)
{
    for (std::size_t pos = from; pos < to && rest[pos] == ';';)
    {
        std::size_t end = FindIf(rest, pos + 1, IsParamEnd);
        std::string_view item = rest.substr(pos + 1, end - pos - 1);
        if (EqualsNoCase(item.substr(0, item.find('=')), name))
        {
            return true;
        }
        pos = end;
    }
    return false;
}

/// Where the host ends in what follows a URI's userinfo: after the ']' of an IPv6
/// reference, else at the first ':', ';' or '?'. npos for an unterminated reference.
std::size_t
HostEnd(std::string_view rest)
{
    if (!rest.empty() && rest.front() == '[')
    {
        const std::size_t close = rest.find(']');
        return close == std::string_view::npos ? close : close + 1;
    }
    return FindIf(rest, 0, [](char c) { return c == ':' || c == ';' || c == '?'; });
}

/// The SIP-URI grammar (§25.1). Fills `out` when given; with out == nullptr it only
/// validates, which is what ValidateSemantics needs for every URI of every message.
std::optional<ParseError>
ParseSipUri(std::string_view text, SipUri* out, bool allowHeaders)
{
    for (char c : text)
    {
        auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7F)
        {
            return MakeError("URI contains whitespace or a non-ASCII/control character");
        }
    }
    std::size_t colon = text.find(':');
    std::string_view scheme = text.substr(0, colon);
    if (colon == std::string_view::npos ||
        !(EqualsNoCase(scheme, "sip") || EqualsNoCase(scheme, "sips")))
    {
        return MakeError("not a sip: or sips: URI");
    }
    if (out)
    {
        out->scheme = ToLower(scheme);
    }
    std::string_view rest = text.substr(colon + 1);

    // Neither user, password, host, parameters nor headers may hold a raw '@', so the first
    // one ends the userinfo even when the user part contains ';' or '?' (RFC 4475 semiuri).
    std::size_t at = rest.find('@');
    if (at != std::string_view::npos)
    {
        std::string_view userinfo = rest.substr(0, at);
        std::size_t pcolon = userinfo.find(':');
        std::string_view user = userinfo.substr(0, pcolon);
        if (user.empty() || !AllCharsOrEscapes(user, kUser))
        {
            return MakeError("invalid user part in URI");
        }
        if (out)
        {
            out->user = std::string(user);
        }
        if (pcolon != std::string_view::npos)
        {
            std::string_view password = userinfo.substr(pcolon + 1);
            if (!AllCharsOrEscapes(password, kPassword))
            {
                return MakeError("invalid password in URI");
            }
            if (out)
            {
                out->password = std::string(password);
            }
        }
        rest = rest.substr(at + 1);
    }

    std::size_t pos = HostEnd(rest);
    if (pos == std::string_view::npos)
    {
        return MakeError("unterminated IPv6 reference in URI");
    }
    std::string_view host = rest.substr(0, pos);
    if (host.empty())
    {
        return MakeError("missing host in URI");
    }
    if (!IsHost(host))
    {
        return MakeError("invalid host '" + std::string(host) + "' in URI");
    }
    if (out)
    {
        out->host = std::string(host);
    }

    if (pos < rest.size() && rest[pos] == ':')
    {
        std::size_t end = FindIf(rest, pos + 1, IsParamEnd);
        auto port = ParseDecimal(rest.substr(pos + 1, end - pos - 1), 65535);
        if (!port)
        {
            return MakeError("invalid port in URI");
        }
        if (out)
        {
            out->port = static_cast<uint16_t>(*port);
        }
        pos = end;
    }

    // §19.1.1: a parameter name MUST NOT appear more than once (else URI comparison is
    // ill-defined).
    const std::size_t paramsStart = pos;
    while (pos < rest.size() && rest[pos] == ';')
    {
        std::size_t end = FindIf(rest, pos + 1, IsParamEnd);
        std::string_view item = rest.substr(pos + 1, end - pos - 1);
        std::size_t eq = item.find('=');
        std::string_view name = item.substr(0, eq);
        std::optional<std::string_view> value;
        if (name.empty() || !AllCharsOrEscapes(name, kParam))
        {
            return MakeError("invalid URI parameter name");
        }
        if (SeenUriParam(rest, paramsStart, pos, name))
        {
            return MakeError("URI parameter '" + std::string(name) + "' appears more than once");
        }
        if (eq != std::string_view::npos)
        {
            value = item.substr(eq + 1);
            if (value->empty() || !AllCharsOrEscapes(*value, kParam))
            {
                return MakeError("invalid value of URI parameter '" + std::string(name) + "'");
            }
        }
        if (auto error = CheckKnownUriParam(name, value))
        {
            return error;
        }
        if (out)
        {
            out->params.push_back(GenericParam{
                std::string(name), value ? std::optional<std::string>(*value) : std::nullopt});
        }
        pos = end;
    }

    if (pos < rest.size())
    {
        // Only '?' can be left here: the loops above stop at nothing else.
        if (!allowHeaders)
        {
            return MakeError("URI headers are not allowed");
        }
        std::string_view headers = rest.substr(pos + 1);
        std::size_t start = 0;
        while (true)
        {
            std::size_t amp = headers.find('&', start);
            std::string_view item = headers.substr(
                start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
            std::size_t eq = item.find('=');
            if (eq == std::string_view::npos)
            {
                return MakeError("URI header without '='");
            }
            std::string_view name = item.substr(0, eq);
            std::string_view value = item.substr(eq + 1);
            if (name.empty() || !AllCharsOrEscapes(name, kHeader) ||
                !AllCharsOrEscapes(value, kHeader))
            {
                return MakeError("invalid URI header");
            }
            if (out)
            {
                out->headers.push_back(GenericParam{std::string(name), std::string(value)});
            }
            if (amp == std::string_view::npos)
            {
                break;
            }
            start = amp + 1;
        }
    }
    return std::nullopt;
}

} // namespace

namespace abnf
{

std::optional<ParseError>
CheckSipUri(std::string_view text, bool allowHeaders)
{
    return ParseSipUri(text, nullptr, allowHeaders);
}

} // namespace abnf

Result<SipUri>
SipUri::Parse(std::string_view text)
{
    SipUri uri;
    if (auto error = ParseSipUri(text, &uri, true))
    {
        return *error;
    }
    return uri;
}

std::string
SipUri::HostPort() const
{
    if (!port)
    {
        return host;
    }
    return host + ":" + std::to_string(*port);
}

std::optional<SipUriTarget>
SipUriTarget::OfValidUri(std::string_view text)
{
    // The same reading of the text as ParseSipUri's, minus its checks.
    const std::size_t colon = text.find(':');
    if (colon == std::string_view::npos)
    {
        return std::nullopt;
    }
    SipUriTarget target;
    const std::string_view scheme = text.substr(0, colon);
    target.secure = EqualsNoCase(scheme, "sips");
    if (!target.secure && !EqualsNoCase(scheme, "sip"))
    {
        return std::nullopt;
    }
    std::string_view rest = text.substr(colon + 1);
    if (const std::size_t at = rest.find('@'); at != std::string_view::npos)
    {
        const std::string_view userinfo = rest.substr(0, at);
        target.user = userinfo.substr(0, userinfo.find(':'));
        rest = rest.substr(at + 1);
    }
    const std::size_t pos = HostEnd(rest);
    if (pos == std::string_view::npos)
    {
        return std::nullopt;
    }
    target.host = rest.substr(0, pos);
    if (pos < rest.size() && rest[pos] == ':')
    {
        const std::size_t end = FindIf(rest, pos + 1, IsParamEnd);
        const auto port = ParseDecimal(rest.substr(pos + 1, end - pos - 1), 65535);
        if (!port)
        {
            return std::nullopt;
        }
        target.port = static_cast<uint16_t>(*port);
    }
    return target;
}

uint16_t
SipUri::PortOrDefault() const
{
    if (port)
    {
        return *port;
    }
    return scheme == "sips" ? 5061 : 5060;
}

std::string
SipUri::ToString() const
{
    std::string out = scheme;
    out.push_back(':');
    if (!user.empty())
    {
        out += user;
        if (password)
        {
            out.push_back(':');
            out += *password;
        }
        out.push_back('@');
    }
    out += HostPort();
    for (const auto& param : params)
    {
        out.push_back(';');
        out += param.name;
        if (param.value)
        {
            out.push_back('=');
            out += *param.value;
        }
    }
    for (std::size_t i = 0; i < headers.size(); ++i)
    {
        out.push_back(i == 0 ? '?' : '&');
        out += headers[i].name;
        out.push_back('=');
        out += headers[i].value.value_or("");
    }
    return out;
}

std::string
SipUri::UnescapedUser() const
{
    return PercentDecode(user);
}

namespace
{

/// A parameter or header with escapes resolved; names compare case-insensitively.
struct Decoded
{
    std::string name;
    std::optional<std::string> value;
};

std::vector<Decoded>
Decode(const std::vector<GenericParam>& items, bool lowerValues)
{
    std::vector<Decoded> out;
    out.reserve(items.size());
    for (const auto& item : items)
    {
        Decoded d{ToLower(PercentDecode(item.name)), std::nullopt};
        if (item.value)
        {
            std::string value = PercentDecode(*item.value);
            d.value = lowerValues ? ToLower(value) : value;
        }
        out.push_back(std::move(d));
    }
    return out;
}

const Decoded*
FindDecoded(const std::vector<Decoded>& items, const std::string& name)
{
    for (const auto& item : items)
    {
        if (item.name == name)
        {
            return &item;
        }
    }
    return nullptr;
}

/// §19.1.4: a user, ttl, method or maddr parameter (and, per the section's transport
/// examples, transport) present in only one URI makes the URIs differ.
bool
MustBeInBoth(const std::string& name)
{
    return name == "user" || name == "ttl" || name == "method" || name == "maddr" ||
           name == "transport";
}

bool
ParamsEquivalent(const std::vector<GenericParam>& a, const std::vector<GenericParam>& b)
{
    auto da = Decode(a, true);
    auto db = Decode(b, true);
    for (const auto& item : da)
    {
        const Decoded* match = FindDecoded(db, item.name);
        if (match ? match->value != item.value : MustBeInBoth(item.name))
        {
            return false;
        }
    }
    for (const auto& item : db)
    {
        if (!FindDecoded(da, item.name) && MustBeInBoth(item.name))
        {
            return false;
        }
    }
    return true;
}

/// URI headers are never ignored: both URIs need the same set, in any order.
bool
HeadersEquivalent(const std::vector<GenericParam>& a, const std::vector<GenericParam>& b)
{
    if (a.size() != b.size())
    {
        return false;
    }
    auto da = Decode(a, false);
    auto db = Decode(b, false);
    std::vector<bool> used(db.size(), false);
    for (const auto& item : da)
    {
        bool found = false;
        for (std::size_t i = 0; i < db.size(); ++i)
        {
            if (!used[i] && db[i].name == item.name && db[i].value == item.value)
            {
                used[i] = true;
                found = true;
                break;
            }
        }
        if (!found)
        {
            return false;
        }
    }
    return true;
}

} // namespace

bool
SipUri::Equivalent(const SipUri& other) const
{
    if (!EqualsNoCase(scheme, other.scheme))
    {
        return false;
    }
    // userinfo is case-sensitive, compared after unescaping.
    if (PercentDecode(user) != PercentDecode(other.user))
    {
        return false;
    }
    if (password.has_value() != other.password.has_value() ||
        (password && PercentDecode(*password) != PercentDecode(*other.password)))
    {
        return false;
    }
    if (!EqualsNoCase(host, other.host) || port != other.port)
    {
        return false;
    }
    return ParamsEquivalent(params, other.params) && HeadersEquivalent(headers, other.headers);
}

bool
SipUri::operator==(const SipUri& other) const
{
    return scheme == other.scheme && user == other.user && password == other.password &&
           host == other.host && port == other.port && params == other.params &&
           headers == other.headers;
}

} // namespace sipsim
