#include "abnf.h"
#include "headers.h"

namespace sipsim
{

using namespace abnf;

namespace
{

/// Checks the values of the Via parameters RFC 3261 §20.42 and RFC 3581 define.
std::optional<ParseError>
CheckViaParam(const ParamView& param)
{
    std::string_view name = param.name;
    if (name.size() == 5 && EqualsNoCase(name, "rport"))
    {
        if (param.value && !ParseDecimal(*param.value, 65535))
        {
            return MakeError("Via: rport must be empty or a port number");
        }
        return std::nullopt;
    }
    bool isBranch = name.size() == 6 && EqualsNoCase(name, "branch");
    bool isReceived = name.size() == 8 && EqualsNoCase(name, "received");
    bool isMaddr = name.size() == 5 && EqualsNoCase(name, "maddr");
    bool isTtl = name.size() == 3 && EqualsNoCase(name, "ttl");
    if (!isBranch && !isReceived && !isMaddr && !isTtl)
    {
        return std::nullopt;
    }
    if (!param.value)
    {
        return MakeError("Via: parameter '" + std::string(name) + "' needs a value");
    }
    std::string_view value = *param.value;
    if (isTtl)
    {
        if (value.size() > 3 || !ParseDecimal(value, 255))
        {
            return MakeError("Via: ttl must be 0..255");
        }
    }
    else if (isBranch)
    {
        if (!IsToken(value))
        {
            return MakeError("Via: branch must be a token");
        }
    }
    else if (isReceived)
    {
        // The grammar wants a bare IP address; a bracketed IPv6 reference or a host name
        // is tolerated because deployed stacks write both and neither is ambiguous.
        if (!IsHost(value) && !IsIPv6Address(value))
        {
            return MakeError("Via: received is not an address");
        }
    }
    else if (!IsHost(value))
    {
        return MakeError("Via: maddr is not a host");
    }
    return std::nullopt;
}

/// via-parm (§25.1); fills `out` when given, else only validates.
std::optional<ParseError>
ParseVia(std::string_view text, Via* out)
{
    // sent-protocol = protocol-name SLASH protocol-version SLASH transport; SLASH allows
    // SWS on both sides (RFC 4475 wsinv).
    text = TrimWs(text);
    std::size_t pos = 0;
    std::string_view parts[3];
    for (int i = 0; i < 3; ++i)
    {
        if (i > 0)
        {
            pos = SkipWs(text, pos);
            if (pos >= text.size() || text[pos] != '/')
            {
                return MakeError("Via: malformed sent-protocol (expected '/')");
            }
            pos = SkipWs(text, pos + 1);
        }
        std::size_t end = ScanToken(text, pos);
        if (end == pos)
        {
            return MakeError("Via: malformed sent-protocol");
        }
        parts[i] = text.substr(pos, end - pos);
        pos = end;
    }

    std::size_t hostStart = SkipWs(text, pos);
    if (hostStart == pos)
    {
        return MakeError("Via: missing sent-by");
    }
    pos = hostStart;
    if (pos < text.size() && text[pos] == '[')
    {
        std::size_t close = text.find(']', pos);
        if (close == std::string_view::npos)
        {
            return MakeError("Via: unterminated IPv6 reference");
        }
        pos = close + 1;
    }
    else
    {
        pos = FindIf(text, pos, [](char c) { return IsWs(c) || c == ':' || c == ';'; });
    }
    std::string_view host = text.substr(hostStart, pos - hostStart);
    if (!IsHost(host))
    {
        return MakeError("Via: invalid sent-by host '" + std::string(host) + "'");
    }

    // COLON = SWS ":" SWS
    std::optional<uint16_t> port;
    std::size_t afterHost = SkipWs(text, pos);
    if (afterHost < text.size() && text[afterHost] == ':')
    {
        std::size_t portStart = SkipWs(text, afterHost + 1);
        std::size_t portEnd = FindIf(text, portStart, [](char c) { return !IsDigit(c); });
        auto value = ParseDecimal(text.substr(portStart, portEnd - portStart), 65535);
        if (!value)
        {
            return MakeError("Via: invalid port");
        }
        port = static_cast<uint16_t>(*value);
        pos = portEnd;
    }

    if (out)
    {
        // Assigned in place: the top Via of every message at every hop is parsed, and the
        // short fields fit the strings' own storage.
        out->protocolName.assign(parts[0]);
        out->protocolVersion.assign(parts[1]);
        out->transport.assign(parts[2]);
        for (char& c : out->transport)
        {
            c = UpperChar(c);
        }
        out->host.assign(host);
        out->port = port;
    }
    return ForEachGenericParam(text, pos, "Via", [out](const ParamView& param) {
        auto error = CheckViaParam(param);
        if (!error && out)
        {
            AppendParam(out->params, param);
        }
        return error;
    });
}

} // namespace

namespace abnf
{

std::optional<ParseError>
CheckVia(std::string_view text)
{
    return ParseVia(text, nullptr);
}

std::optional<ParseError>
ParseViaInto(std::string_view text, Via& out)
{
    return ParseVia(text, &out);
}

} // namespace abnf

Result<Via>
Via::Parse(std::string_view text)
{
    Via via;
    if (auto error = ParseVia(text, &via))
    {
        return *error;
    }
    return via;
}

std::string
Via::SentBy() const
{
    std::string out;
    AppendSentBy(out);
    return out;
}

void
Via::AppendSentBy(std::string& out) const
{
    out += host;
    out += PortSuffix(port).View();
}

std::string
Via::ToString() const
{
    // A Via is rebuilt at every hop (received=, a proxy's own Via): sized exactly, written
    // through a cursor.
    const PortSuffix portSuffix(port);
    std::size_t size = protocolName.size() + protocolVersion.size() + transport.size() +
                       host.size() + portSuffix.View().size() + 3;
    for (const GenericParam& param : params)
    {
        size += 1 + param.name.size() + (param.value ? param.value->size() + 1 : 0);
    }
    std::string out(size, '\0');
    char* cursor = out.data();
    PutBytes(cursor, protocolName);
    PutBytes(cursor, "/");
    PutBytes(cursor, protocolVersion);
    PutBytes(cursor, "/");
    PutBytes(cursor, transport);
    PutBytes(cursor, " ");
    PutBytes(cursor, host);
    PutBytes(cursor, portSuffix.View());
    for (const GenericParam& param : params)
    {
        PutBytes(cursor, ";");
        PutBytes(cursor, param.name);
        if (param.value)
        {
            PutBytes(cursor, "=");
            PutBytes(cursor, *param.value);
        }
    }
    return out;
}

std::string_view
Via::Branch() const
{
    const GenericParam* param = FindParam(params, "branch");
    return param && param->value ? std::string_view(*param->value) : std::string_view();
}

std::optional<std::string>
Via::Received() const
{
    const GenericParam* param = FindParam(params, "received");
    if (!param)
    {
        return std::nullopt;
    }
    return param->value;
}

bool
Via::HasRport() const
{
    return FindParam(params, "rport") != nullptr;
}

std::optional<uint16_t>
Via::Rport() const
{
    const GenericParam* param = FindParam(params, "rport");
    if (!param || !param->value)
    {
        return std::nullopt;
    }
    auto value = ParseDecimal(*param->value, 65535);
    if (!value)
    {
        return std::nullopt;
    }
    return static_cast<uint16_t>(*value);
}

std::optional<std::string>
Via::Maddr() const
{
    const GenericParam* param = FindParam(params, "maddr");
    if (!param)
    {
        return std::nullopt;
    }
    return param->value;
}

std::optional<int>
Via::Ttl() const
{
    const GenericParam* param = FindParam(params, "ttl");
    if (!param || !param->value)
    {
        return std::nullopt;
    }
    auto value = ParseDecimal(*param->value, 255);
    if (!value)
    {
        return std::nullopt;
    }
    return static_cast<int>(*value);
}

bool
Via::operator==(const Via& other) const
{
    return protocolName == other.protocolName && protocolVersion == other.protocolVersion &&
           transport == other.transport && host == other.host && port == other.port &&
           params == other.params;
}

} // namespace sipsim
