#include "abnf.h"
#include "headers.h"

namespace sipsim
{

using namespace abnf;

namespace abnf
{

std::optional<ParseError>
CheckAddrSpec(std::string_view uri)
{
    if (IsSipScheme(uri))
    {
        return CheckSipUri(uri);
    }
    // absoluteURI = scheme ":" ( hier-part / opaque-part ); the scheme is what lets an
    // element answer 416 for schemes it does not know (RFC 4475 unksm2).
    std::size_t colon = uri.find(':');
    if (colon == std::string_view::npos || colon == 0 || !IsAlpha(uri[0]))
    {
        return MakeError("URI '" + std::string(uri) + "' has no scheme");
    }
    for (std::size_t i = 1; i < colon; ++i)
    {
        if (!Is(uri[i], kScheme))
        {
            return MakeError("invalid URI scheme");
        }
    }
    if (colon + 1 >= uri.size())
    {
        return MakeError("URI has nothing after the scheme");
    }
    for (char c : uri)
    {
        auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7F || c == '<' || c == '>' || c == '"')
        {
            return MakeError("URI contains a character that must be escaped");
        }
    }
    return std::nullopt;
}

bool
IsQValue(std::string_view text)
{
    if (text.empty() || (text[0] != '0' && text[0] != '1'))
    {
        return false;
    }
    if (text.size() == 1)
    {
        return true;
    }
    if (text[1] != '.' || text.size() > 5)
    {
        return false;
    }
    for (std::size_t i = 2; i < text.size(); ++i)
    {
        if (text[0] == '1' ? text[i] != '0' : !IsDigit(text[i]))
        {
            return false;
        }
    }
    return true;
}

} // namespace abnf

namespace
{

/// Index of the first '<' that is not inside a quoted string, npos when there is none, or
/// an error when a quoted string never ends.
Result<std::size_t>
FindLaquot(std::string_view text)
{
    for (std::size_t i = 0; i < text.size(); ++i)
    {
        if (text[i] == '<')
        {
            return i;
        }
        if (text[i] == '"')
        {
            std::size_t end = ScanQuotedString(text, i);
            if (end == std::string_view::npos)
            {
                return MakeError("unbalanced quotes");
            }
            i = end - 1;
        }
    }
    return std::string_view::npos;
}

} // namespace

namespace abnf
{

Result<NameAddrView>
ScanNameAddr(std::string_view text)
{
    text = TrimWs(text);
    if (text.empty())
    {
        return MakeError("empty address");
    }
    NameAddrView view;
    view.text = text;
    std::size_t laquot = std::string_view::npos;
    if (text.front() == '"')
    {
        std::size_t end = ScanQuotedString(text, 0);
        if (end == std::string_view::npos)
        {
            return MakeError("unbalanced quotes or invalid character in display name");
        }
        view.displayName = text.substr(0, end);
        laquot = SkipWs(text, end);
        if (laquot >= text.size() || text[laquot] != '<')
        {
            return MakeError("a quoted display name must be followed by <URI>");
        }
    }
    else
    {
        auto found = FindLaquot(text);
        if (!found)
        {
            return found.Error();
        }
        laquot = *found;
        if (laquot != std::string_view::npos)
        {
            // display-name = *(token LWS): anything else has to be quoted (RFC 4475 baddn).
            std::string_view name = TrimWs(text.substr(0, laquot));
            for (char c : name)
            {
                if (!IsTokenChar(c) && !IsWs(c))
                {
                    return MakeError("display name contains '" + std::string(1, c) +
                                     "' and must be quoted");
                }
            }
            if (!name.empty())
            {
                view.displayName = name;
            }
        }
    }

    if (laquot != std::string_view::npos)
    {
        std::size_t raquot = text.find('>', laquot + 1);
        if (raquot == std::string_view::npos)
        {
            return MakeError("missing '>'");
        }
        view.uri = text.substr(laquot + 1, raquot - laquot - 1);
        // LAQUOT/RAQUOT allow SWS outside the brackets only (RFC 4475 badaspec).
        if (FindIf(view.uri, 0, IsWs) < view.uri.size())
        {
            return MakeError("whitespace inside <>");
        }
        view.angleBrackets = true;
        view.paramsPos = raquot + 1;
    }
    else
    {
        // Bare addr-spec: every ';' starts a header parameter (§20.10), so a URI needing
        // ',', '?' or ';' of its own must be written in <> (RFC 4475 regbadct).
        std::size_t end = FindIf(text, 0, [](char c) { return c == ';' || IsWs(c); });
        view.uri = text.substr(0, end);
        if (FindIf(view.uri, 0, [](char c) { return c == '?' || c == ','; }) < view.uri.size())
        {
            return MakeError("an addr-spec containing '?' or ',' must be enclosed in <>");
        }
        view.angleBrackets = false;
        view.paramsPos = end;
    }
    if (view.uri.empty())
    {
        return MakeError("empty URI");
    }
    if (auto error = CheckAddrSpec(view.uri))
    {
        return *error;
    }
    return view;
}

std::optional<ParseError>
CheckNameAddr(std::string_view text)
{
    auto view = ScanNameAddr(text);
    if (!view)
    {
        return view.Error();
    }
    return ForEachGenericParam(view->text, view->paramsPos, "",
                               [](const ParamView&) { return std::optional<ParseError>(); });
}

Result<NameAddrView>
ScanRouteEntry(std::string_view item, std::string_view headerName)
{
    auto view = ScanNameAddr(item);
    if (!view)
    {
        return MakeError(std::string(headerName) + ": " + view.Error().reason);
    }
    if (auto error =
            ForEachGenericParam(view->text, view->paramsPos, headerName,
                                [](const ParamView&) { return std::optional<ParseError>(); }))
    {
        return *error;
    }
    // route-param = name-addr *( SEMI rr-param ): the brackets are mandatory.
    if (!view->angleBrackets)
    {
        return MakeError(std::string(headerName) + ": URI must be enclosed in <>");
    }
    return view;
}

std::optional<ParseError>
CheckRouteEntry(std::string_view item, std::string_view headerName)
{
    auto view = ScanRouteEntry(item, headerName);
    return view ? std::nullopt : std::optional<ParseError>(view.Error());
}

} // namespace abnf

Result<NameAddr>
NameAddr::Parse(std::string_view text)
{
    auto view = ScanNameAddr(text);
    if (!view)
    {
        return view.Error();
    }
    NameAddr addr;
    if (view->displayName)
    {
        addr.displayName = std::string(*view->displayName);
    }
    addr.uri = std::string(view->uri);
    addr.angleBrackets = view->angleBrackets;
    if (auto error = ParseGenericParams(view->text, view->paramsPos, addr.params, ""))
    {
        return *error;
    }
    return addr;
}

std::string
NameAddr::ToString() const
{
    std::string out;
    bool brackets = angleBrackets || displayName || FindIf(uri, 0, [](char c) {
                                                        return c == ',' || c == ';' || c == '?';
                                                    }) < uri.size();
    if (displayName)
    {
        out += *displayName;
        out.push_back(' ');
    }
    if (brackets)
    {
        out.push_back('<');
        out += uri;
        out.push_back('>');
    }
    else
    {
        out += uri;
    }
    AppendParams(out, params);
    return out;
}

std::string
NameAddr::Tag() const
{
    const GenericParam* param = FindParam(params, "tag");
    return param && param->value ? *param->value : std::string();
}

std::optional<uint32_t>
NameAddr::Expires() const
{
    const GenericParam* param = FindParam(params, "expires");
    if (!param || !param->value)
    {
        return std::nullopt;
    }
    auto value = ParseDecimal(*param->value, UINT32_MAX);
    if (!value)
    {
        return std::nullopt;
    }
    return static_cast<uint32_t>(*value);
}

bool
NameAddr::operator==(const NameAddr& other) const
{
    return displayName == other.displayName && uri == other.uri &&
           angleBrackets == other.angleBrackets && params == other.params;
}

namespace
{

/// c-p-expires must fit 32 bits; c-p-q is a qvalue (§20.10).
std::optional<ParseError>
CheckContactParam(const ParamView& param)
{
    if (param.name.size() == 7 && EqualsNoCase(param.name, "expires"))
    {
        if (!param.value || !ParseDecimal(*param.value, UINT32_MAX))
        {
            return MakeError("Contact: expires parameter is not a 32-bit delta-seconds value");
        }
    }
    else if (param.name.size() == 1 && (param.name[0] == 'q' || param.name[0] == 'Q'))
    {
        if (!param.value || !IsQValue(*param.value))
        {
            return MakeError("Contact: invalid q value");
        }
    }
    return std::nullopt;
}

/// Parses or (with out == nullptr) validates one Contact header value.
std::optional<ParseError>
ParseContacts(std::string_view value, ContactList* out)
{
    std::string_view trimmed = TrimWs(value);
    if (trimmed == "*")
    {
        if (out)
        {
            out->star = true;
        }
        return std::nullopt;
    }
    if (trimmed.empty())
    {
        return MakeError("Contact: empty value");
    }
    HeaderListCursor cursor(trimmed);
    for (std::string_view item; cursor.Next(item);)
    {
        if (item.empty())
        {
            return MakeError("Contact: empty list element");
        }
        auto view = ScanNameAddr(item);
        if (!view)
        {
            return MakeError("Contact: " + view.Error().reason);
        }
        NameAddr* addr = nullptr;
        if (out)
        {
            addr = &out->contacts.emplace_back();
            if (view->displayName)
            {
                addr->displayName = std::string(*view->displayName);
            }
            addr->uri = std::string(view->uri);
            addr->angleBrackets = view->angleBrackets;
        }
        auto error = ForEachGenericParam(view->text, view->paramsPos, "Contact",
                                         [addr](const ParamView& param) {
                                             auto problem = CheckContactParam(param);
                                             if (!problem && addr)
                                             {
                                                 AppendParam(addr->params, param);
                                             }
                                             return problem;
                                         });
        if (error)
        {
            return error;
        }
    }
    return std::nullopt;
}

} // namespace

namespace abnf
{

std::optional<ParseError>
CheckContactValue(std::string_view value)
{
    return ParseContacts(value, nullptr);
}

} // namespace abnf

Result<ContactList>
ContactList::Parse(std::string_view value)
{
    ContactList list;
    if (auto error = ParseContacts(value, &list))
    {
        return *error;
    }
    return list;
}

} // namespace sipsim
