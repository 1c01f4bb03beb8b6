#include "abnf.h"
#include "headers.h"

#include <algorithm>

namespace sipsim
{

using namespace abnf;

namespace
{

bool
AllHex(std::string_view text)
{
    for (char c : text)
    {
        if (!IsHexDigit(c))
        {
            return false;
        }
    }
    return !text.empty();
}

/// Value checks for the Digest parameters whose format RFC 3261 §25 / RFC 7616 fix.
std::optional<ParseError>
CheckDigestParam(const AuthParam& param)
{
    // Most parameters (username, realm, nonce, uri...) have no fixed format: settle them by
    // their length before comparing names.
    const std::size_t size = param.name.size();
    if (size != 2 && size != 5 && size != 7 && size != 8)
    {
        return std::nullopt;
    }
    if (EqualsNoCase(param.name, "nc"))
    {
        if (param.value.size() != 8 || !AllHex(param.value))
        {
            return MakeError("auth: nc must be 8 hex digits");
        }
    }
    else if (EqualsNoCase(param.name, "response") || EqualsNoCase(param.name, "rspauth"))
    {
        if (!AllHex(param.value))
        {
            return MakeError("auth: " + param.name + " must be hex digits");
        }
    }
    else if (EqualsNoCase(param.name, "stale") || EqualsNoCase(param.name, "userhash"))
    {
        if (!EqualsNoCase(param.value, "true") && !EqualsNoCase(param.value, "false"))
        {
            return MakeError("auth: " + param.name + " must be true or false");
        }
    }
    return std::nullopt;
}

} // namespace

Result<AuthHeader>
AuthHeader::Parse(std::string_view text)
{
    // challenge / credentials = auth-scheme LWS auth-param *(COMMA auth-param)
    text = TrimWs(text);
    AuthHeader header;
    std::size_t pos = ScanToken(text, 0);
    if (pos == 0)
    {
        return MakeError("auth: missing scheme");
    }
    header.scheme = std::string(text.substr(0, pos));
    header.params.reserve(10); // digest credentials carry ten
    const bool digest = EqualsNoCase(header.scheme, "Digest");
    std::size_t next = SkipWs(text, pos);
    if (next == pos || next >= text.size())
    {
        return MakeError("auth: scheme must be followed by parameters");
    }
    pos = next;
    while (true)
    {
        std::size_t nameEnd = ScanToken(text, pos);
        if (nameEnd == pos)
        {
            return MakeError("auth: expected a parameter name");
        }
        AuthParam param;
        param.name = std::string(text.substr(pos, nameEnd - pos));
        pos = SkipWs(text, nameEnd);
        if (pos >= text.size() || text[pos] != '=')
        {
            return MakeError("auth: parameter '" + param.name + "' has no value");
        }
        pos = SkipWs(text, pos + 1);
        if (pos < text.size() && text[pos] == '"')
        {
            std::size_t end = ScanQuotedString(text, pos, &param.value);
            if (end == std::string_view::npos)
            {
                return MakeError("auth: unterminated quoted value of '" + param.name + "'");
            }
            param.quoted = true;
            pos = end;
        }
        else
        {
            std::size_t end = ScanToken(text, pos);
            if (end == pos)
            {
                return MakeError("auth: parameter '" + param.name + "' has an empty value");
            }
            param.value = std::string(text.substr(pos, end - pos));
            pos = end;
        }
        const bool duplicate =
            std::any_of(header.params.begin(), header.params.end(),
                        [&](const AuthParam& seen) { return EqualsNoCase(seen.name, param.name); });
        if (duplicate)
        {
            return MakeError("auth: duplicate parameter '" + param.name + "'");
        }
        if (digest)
        {
            if (auto error = CheckDigestParam(param))
            {
                return *error;
            }
        }
        header.params.push_back(std::move(param));
        pos = SkipWs(text, pos);
        if (pos >= text.size())
        {
            return header;
        }
        if (text[pos] != ',')
        {
            return MakeError("auth: expected ',' between parameters");
        }
        pos = SkipWs(text, pos + 1);
    }
}

std::string
AuthHeader::ToString() const
{
    std::size_t size = scheme.size();
    for (const AuthParam& param : params)
    {
        size += param.name.size() + param.value.size() + 6; // ", " '=' quotes, few escapes
    }
    std::string out;
    out.reserve(size);
    out += scheme;
    for (std::size_t i = 0; i < params.size(); ++i)
    {
        out += i == 0 ? " " : ", ";
        out += params[i].name;
        out.push_back('=');
        if (params[i].quoted)
        {
            AppendQuoted(out, params[i].value);
        }
        else
        {
            out += params[i].value;
        }
    }
    return out;
}

std::optional<std::string>
AuthHeader::Get(std::string_view name) const
{
    const std::string* value = Find(name);
    return value ? std::optional<std::string>(*value) : std::nullopt;
}

const std::string*
AuthHeader::Find(std::string_view name) const
{
    for (const auto& param : params)
    {
        if (EqualsNoCase(param.name, name))
        {
            return &param.value;
        }
    }
    return nullptr;
}

std::vector<std::string>
AuthHeader::GetList(std::string_view name) const
{
    std::vector<std::string> items;
    auto value = Get(name);
    if (!value)
    {
        return items;
    }
    std::string current;
    for (char c : *value)
    {
        if (c == ',' || IsWs(c))
        {
            if (!current.empty())
            {
                items.push_back(std::move(current));
                current.clear();
            }
        }
        else
        {
            current.push_back(c);
        }
    }
    if (!current.empty())
    {
        items.push_back(std::move(current));
    }
    return items;
}

void
AuthHeader::Set(std::string name, std::string value, bool quoted)
{
    for (auto& param : params)
    {
        if (EqualsNoCase(param.name, name))
        {
            param.value = std::move(value);
            param.quoted = quoted;
            return;
        }
    }
    params.push_back(AuthParam{std::move(name), std::move(value), quoted});
}

bool
AuthHeader::operator==(const AuthHeader& other) const
{
    return EqualsNoCase(scheme, other.scheme) && params == other.params;
}

} // namespace sipsim
