#include "headers.h"

#include "abnf.h"

namespace sipsim
{

using namespace abnf;

namespace
{

/// Largest CSeq number accepted: §8.1.1.5 requires it to be below 2**31.
constexpr uint64_t kMaxCSeq = (uint64_t{1} << 31) - 1;

Result<NameAddr>
ParseAddressHeader(const SipMessage& message, std::string_view name)
{
    const HeaderValue* value = message.Get(name);
    if (!value)
    {
        return MakeError("missing " + std::string(name) + " header");
    }
    auto addr = NameAddr::Parse(*value);
    if (!addr)
    {
        return MakeError(std::string(name) + ": " + addr.Error().reason);
    }
    return addr;
}

/// A Call-ID value trimmed, or empty when it is not word ["@" word].
std::string_view
ValidCallId(std::string_view value)
{
    const std::string_view id = TrimWs(value);
    return IsCallId(id) ? id : std::string_view();
}

/// find(value) for that kind of piece, remembered in the value (HeaderValue::RememberPiece).
template <typename Find>
std::string_view
RememberedOr(const HeaderValue& value, HeaderValue::Piece kind, Find find)
{
    std::string_view piece;
    if (!value.RememberedPiece(kind, piece))
    {
        piece = find(value.view());
        value.RememberPiece(kind, piece);
    }
    return piece;
}

/// ValidCallId, remembered in the value.
std::string_view
ValidCallId(const HeaderValue& value)
{
    return RememberedOr(value, HeaderValue::Piece::CallId,
                        [](std::string_view text) { return ValidCallId(text); });
}

/// CSeq::Parse, with the method as a view into `text`.
Result<uint32_t>
ParseCSeq(std::string_view text, std::string_view& method)
{
    // CSeq = 1*DIGIT LWS Method
    text = TrimWs(text);
    std::size_t pos = 0;
    while (pos < text.size() && IsDigit(text[pos]))
    {
        ++pos;
    }
    if (pos == 0)
    {
        return MakeError("CSeq: missing sequence number");
    }
    auto number = ParseDecimal(text.substr(0, pos), kMaxCSeq);
    if (!number)
    {
        return MakeError("CSeq: sequence number out of range (must be below 2**31)");
    }
    std::size_t methodStart = SkipWs(text, pos);
    if (methodStart == pos)
    {
        return MakeError("CSeq: expected whitespace and a method after the number");
    }
    method = text.substr(methodStart);
    if (!IsToken(method))
    {
        return MakeError("CSeq: method is not a token");
    }
    return static_cast<uint32_t>(*number);
}

/// The number of a CSeq value that parsed: its leading digits, below 2**31.
uint32_t
ParsedCSeqNumber(std::string_view text)
{
    text = TrimWs(text);
    uint32_t number = 0;
    for (std::size_t i = 0; i < text.size() && IsDigit(text[i]); ++i)
    {
        number = number * 10 + static_cast<uint32_t>(text[i] - '0');
    }
    return number;
}

} // namespace

Result<CSeq>
CSeq::Parse(std::string_view text)
{
    std::string_view method;
    auto number = ParseCSeq(text, method);
    if (!number.Ok())
    {
        return number.Error();
    }
    return CSeq{*number, std::string(method)};
}

std::string
CSeq::ToString() const
{
    return std::to_string(number) + " " + method;
}

Result<std::vector<Via>>
GetVias(const SipMessage& message)
{
    auto items = message.GetAll("Via");
    if (items.empty())
    {
        return MakeError("missing Via header");
    }
    std::vector<Via> vias;
    vias.reserve(items.size());
    for (std::string_view item : items)
    {
        if (TrimWs(item).empty())
        {
            return MakeError("Via: empty list element");
        }
        auto via = Via::Parse(item);
        if (!via)
        {
            return via.Error();
        }
        vias.push_back(std::move(*via));
    }
    return vias;
}

Result<Via>
GetTopVia(const SipMessage& message)
{
    // Only the first Via line that has an element is looked at, not every Via of the
    // message as GetAll() would. Same result as GetAll("Via").front().
    for (const HeaderField& field : message.Headers())
    {
        if (HeaderNameEquals(field.name, "Via"))
        {
            if (const auto first = FirstHeaderListElement(field.value))
            {
                return Via::Parse(*first);
            }
        }
    }
    return MakeError("missing Via header");
}

std::shared_ptr<const Via>
TopVia(const SipMessage& message)
{
    if (message.HasParsedTopVia())
    {
        return message.ParsedTopVia();
    }
    std::shared_ptr<const Via> via;
    if (auto parsed = GetTopVia(message))
    {
        via = std::make_shared<const Via>(std::move(parsed).Value());
    }
    message.RememberTopVia(via);
    return via;
}

void
PushTopVia(SipMessage& message, Via via)
{
    message.Prepend("Via", via.ToString());
    message.RememberTopVia(std::make_shared<const Via>(std::move(via)));
}

void
ReplaceTopVia(SipMessage& message, Via via)
{
    message.ReplaceFirstValue("Via", via.ToString());
    message.RememberTopVia(std::make_shared<const Via>(std::move(via)));
}

std::shared_ptr<const SipUri>
RequestSipUri(const SipMessage& request)
{
    if (request.HasParsedRequestUri())
    {
        return request.ParsedRequestUri();
    }
    std::shared_ptr<const SipUri> uri;
    if (auto parsed = SipUri::Parse(request.RequestUri()))
    {
        uri = std::make_shared<const SipUri>(std::move(parsed).Value());
    }
    request.RememberRequestUri(uri);
    return uri;
}

Result<NameAddr>
GetFrom(const SipMessage& message)
{
    return ParseAddressHeader(message, "From");
}

std::string_view
AddressTag(std::string_view value)
{
    auto view = abnf::ScanNameAddr(value);
    if (!view)
    {
        return {};
    }
    std::string_view tag;
    bool seen = false; // the first "tag" counts, as in NameAddr::Tag()
    const auto error = abnf::ForEachGenericParam(
        view->text, view->paramsPos, "", [&](const abnf::ParamView& param) {
            if (!seen && EqualsNoCase(param.name, "tag"))
            {
                seen = true;
                tag = param.value.value_or(std::string_view());
            }
            return std::optional<ParseError>();
        });
    return error ? std::string_view() : tag;
}

std::string_view
HeaderTag(const SipMessage& message, std::string_view headerName)
{
    const HeaderValue* value = message.Get(headerName);
    if (value == nullptr)
    {
        return {};
    }
    return RememberedOr(*value, HeaderValue::Piece::AddressTag,
                        [](std::string_view text) { return AddressTag(text); });
}

Result<NameAddr>
GetTo(const SipMessage& message)
{
    return ParseAddressHeader(message, "To");
}

Result<CSeq>
GetCSeq(const SipMessage& message)
{
    const HeaderValue* value = message.Get("CSeq");
    if (!value)
    {
        return MakeError("missing CSeq header");
    }
    std::string_view method;
    if (value->RememberedPiece(HeaderValue::Piece::CSeqMethod, method))
    {
        return CSeq{ParsedCSeqNumber(*value), std::string(method)};
    }
    auto number = ParseCSeq(*value, method);
    if (!number.Ok())
    {
        return number.Error();
    }
    value->RememberPiece(HeaderValue::Piece::CSeqMethod, method);
    return CSeq{*number, std::string(method)};
}

Result<std::string>
GetCallId(const SipMessage& message)
{
    const HeaderValue* value = message.Get("Call-ID");
    if (!value)
    {
        return MakeError("missing Call-ID header");
    }
    const std::string_view id = ValidCallId(*value);
    if (id.empty())
    {
        return MakeError("Call-ID: not a word [\"@\" word]");
    }
    return std::string(id);
}

std::string_view
CallIdView(const SipMessage& message)
{
    const HeaderValue* value = message.Get("Call-ID");
    return value ? ValidCallId(*value) : std::string_view();
}

Result<int>
GetMaxForwards(const SipMessage& message)
{
    const HeaderValue* value = message.Get("Max-Forwards");
    if (!value)
    {
        return MakeError("missing Max-Forwards header");
    }
    auto hops = ParseDecimal(TrimWs(*value), 255);
    if (!hops)
    {
        return MakeError("Max-Forwards: must be an integer 0..255");
    }
    return static_cast<int>(*hops);
}

Result<uint32_t>
GetExpires(const SipMessage& message)
{
    const HeaderValue* value = message.Get("Expires");
    if (!value)
    {
        return MakeError("missing Expires header");
    }
    auto seconds = ParseDecimal(TrimWs(*value), UINT32_MAX);
    if (!seconds)
    {
        return MakeError("Expires: not a 32-bit delta-seconds value");
    }
    return static_cast<uint32_t>(*seconds);
}

Result<ContactList>
GetContacts(const SipMessage& message)
{
    ContactList all;
    for (const auto& field : message.Headers())
    {
        if (!HeaderNameEquals(field.name, "Contact"))
        {
            continue;
        }
        auto list = ContactList::Parse(field.value);
        if (!list)
        {
            return list.Error();
        }
        all.star = all.star || list->star;
        for (auto& contact : list->contacts)
        {
            all.contacts.push_back(std::move(contact));
        }
    }
    if (all.star && !all.contacts.empty())
    {
        return MakeError("Contact: '*' cannot be combined with addresses");
    }
    return all;
}

Result<std::vector<NameAddr>>
GetRoutes(const SipMessage& message, std::string_view headerName)
{
    std::vector<NameAddr> routes;
    for (std::string_view item : message.GetAll(headerName))
    {
        if (auto error = CheckRouteEntry(item, headerName))
        {
            return *error;
        }
        auto addr = NameAddr::Parse(item);
        if (!addr)
        {
            return addr.Error(); // not reached: CheckRouteEntry accepted the same text
        }
        routes.push_back(std::move(*addr));
    }
    return routes;
}

Result<std::optional<std::string_view>>
GetTopRouteUri(const SipMessage& message, std::string_view headerName)
{
    for (const HeaderField& field : message.Headers())
    {
        if (!HeaderNameEquals(field.name, headerName))
        {
            continue;
        }
        const auto first = FirstHeaderListElement(field.value);
        if (!first)
        {
            continue; // a blank line has no entries
        }
        auto view = ScanRouteEntry(*first, headerName);
        if (!view)
        {
            return view.Error();
        }
        return std::optional<std::string_view>(view->uri);
    }
    return std::optional<std::string_view>();
}

std::vector<std::string>
GetOptionTags(const SipMessage& message, std::string_view headerName)
{
    std::vector<std::string> tags;
    for (std::string_view item : message.GetAll(headerName))
    {
        std::string_view tag = TrimWs(item);
        if (!tag.empty())
        {
            tags.emplace_back(tag);
        }
    }
    return tags;
}

Result<std::size_t>
GetContentLength(const SipMessage& message)
{
    const HeaderValue* value = message.Get("Content-Length");
    if (!value)
    {
        return MakeError("missing Content-Length header");
    }
    auto length = ParseDecimal(TrimWs(*value), UINT32_MAX);
    if (!length)
    {
        return MakeError("Content-Length: not a non-negative integer");
    }
    return static_cast<std::size_t>(*length);
}

namespace
{

struct ReasonEntry
{
    int code;
    std::string_view phrase;
};

// RFC 3261 §21 (plus 202 from RFC 3265, which the event framework uses).
constexpr ReasonEntry kReasons[] = {
    {100, "Trying"},
    {180, "Ringing"},
    {181, "Call Is Being Forwarded"},
    {182, "Queued"},
    {183, "Session Progress"},
    {200, "OK"},
    {202, "Accepted"},
    {300, "Multiple Choices"},
    {301, "Moved Permanently"},
    {302, "Moved Temporarily"},
    {305, "Use Proxy"},
    {380, "Alternative Service"},
    {400, "Bad Request"},
    {401, "Unauthorized"},
    {402, "Payment Required"},
    {403, "Forbidden"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {406, "Not Acceptable"},
    {407, "Proxy Authentication Required"},
    {408, "Request Timeout"},
    {410, "Gone"},
    {413, "Request Entity Too Large"},
    {414, "Request-URI Too Long"},
    {415, "Unsupported Media Type"},
    {416, "Unsupported URI Scheme"},
    {420, "Bad Extension"},
    {421, "Extension Required"},
    {423, "Interval Too Brief"},
    {480, "Temporarily Unavailable"},
    {481, "Call/Transaction Does Not Exist"},
    {482, "Loop Detected"},
    {483, "Too Many Hops"},
    {484, "Address Incomplete"},
    {485, "Ambiguous"},
    {486, "Busy Here"},
    {487, "Request Terminated"},
    {488, "Not Acceptable Here"},
    {491, "Request Pending"},
    {493, "Undecipherable"},
    {500, "Server Internal Error"},
    {501, "Not Implemented"},
    {502, "Bad Gateway"},
    {503, "Service Unavailable"},
    {504, "Server Time-out"},
    {505, "Version Not Supported"},
    {513, "Message Too Large"},
    {600, "Busy Everywhere"},
    {603, "Decline"},
    {604, "Does Not Exist Anywhere"},
    {606, "Not Acceptable"},
};

} // namespace

std::string_view
DefaultReasonPhrase(int statusCode)
{
    for (const auto& entry : kReasons)
    {
        if (entry.code == statusCode)
        {
            return entry.phrase;
        }
    }
    // Unknown codes are treated as x00 of their class (§8.1.3.2); name the class.
    switch (statusCode / 100)
    {
    case 1:
        return "Provisional";
    case 2:
        return "Success";
    case 3:
        return "Redirection";
    case 4:
        return "Client Error";
    case 5:
        return "Server Error";
    case 6:
        return "Global Failure";
    default:
        return "Unknown";
    }
}

} // namespace sipsim
