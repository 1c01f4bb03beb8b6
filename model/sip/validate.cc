// Semantic checks run after framing (ValidateSemantics) and the separate mandatory-header
// check the protocol core uses to answer 400 (CheckMandatoryHeaders).

#include "abnf.h"
#include "headers.h"
#include "validated_lines.h"

#include <array>

namespace sipsim
{

using namespace abnf;

namespace
{

ParseError
Prefixed(std::string_view header, const ParseError& error)
{
    return MakeError(std::string(header) + ": " + error.reason, error.line, error.column);
}

bool
IsOneOf(std::string_view text, std::initializer_list<std::string_view> options)
{
    for (std::string_view option : options)
    {
        if (text == option)
        {
            return true;
        }
    }
    return false;
}

bool
DigitsInRange(std::string_view text, uint64_t min, uint64_t max)
{
    auto value = ParseDecimal(text, max);
    return value && *value >= min;
}

/// rfc1123-date = wkday "," SP date1 SP time SP "GMT", e.g. "Sat, 13 Nov 2010 23:29:00 GMT".
/// Any other zone is malformed (RFC 4475 baddate).
bool
IsRfc1123Date(std::string_view text)
{
    if (text.size() != 29 || text[3] != ',' || text[4] != ' ' || text[7] != ' ' ||
        text[11] != ' ' || text[16] != ' ' || text[19] != ':' || text[22] != ':' ||
        text[25] != ' ' || text.substr(26) != "GMT")
    {
        return false;
    }
    return IsOneOf(text.substr(0, 3), {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}) &&
           DigitsInRange(text.substr(5, 2), 1, 31) &&
           IsOneOf(text.substr(8, 3), {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
                                       "Sep", "Oct", "Nov", "Dec"}) &&
           text.substr(12, 4).find_first_not_of("0123456789") == std::string_view::npos &&
           DigitsInRange(text.substr(17, 2), 0, 23) && DigitsInRange(text.substr(20, 2), 0, 59) &&
           DigitsInRange(text.substr(23, 2), 0, 60);
}

/// warning-value = warn-code SP warn-agent SP warn-text, warn-code = 3DIGIT.
std::optional<ParseError>
CheckWarning(std::string_view value)
{
    HeaderListCursor cursor(value);
    for (std::string_view item; cursor.Next(item);)
    {
        item = TrimWs(item);
        if (item.size() < 4 || !IsDigit(item[0]) || !IsDigit(item[1]) || !IsDigit(item[2]) ||
            item[3] != ' ')
        {
            return MakeError("Warning: warn-code must be exactly 3 digits");
        }
        std::size_t agentEnd = item.find(' ', 4);
        if (agentEnd == 4 || agentEnd == std::string_view::npos)
        {
            return MakeError("Warning: missing warn-agent or warn-text");
        }
        if (ScanQuotedString(item, agentEnd + 1) != item.size())
        {
            return MakeError("Warning: warn-text must be a quoted string");
        }
    }
    return std::nullopt;
}

/// Retry-After = delta-seconds [ comment ] *( SEMI retry-param )
std::optional<ParseError>
CheckRetryAfter(std::string_view value)
{
    value = TrimWs(value);
    std::size_t pos = 0;
    while (pos < value.size() && IsDigit(value[pos]))
    {
        ++pos;
    }
    if (!ParseDecimal(value.substr(0, pos), UINT32_MAX))
    {
        return MakeError("Retry-After: not a 32-bit delta-seconds value");
    }
    pos = SkipWs(value, pos);
    if (pos < value.size() && value[pos] == '(')
    {
        int depth = 0;
        for (; pos < value.size(); ++pos)
        {
            char c = value[pos];
            if (c == '\\')
            {
                ++pos;
            }
            else if (c == '(')
            {
                ++depth;
            }
            else if (c == ')' && --depth == 0)
            {
                break;
            }
        }
        if (pos >= value.size())
        {
            return MakeError("Retry-After: unterminated comment");
        }
        ++pos;
    }
    std::vector<GenericParam> params;
    if (auto error = ParseGenericParams(value, pos, params, "Retry-After"))
    {
        return error;
    }
    const GenericParam* duration = FindParam(params, "duration");
    if (duration && (!duration->value || !ParseDecimal(*duration->value, UINT32_MAX)))
    {
        return MakeError("Retry-After: duration is not a 32-bit delta-seconds value");
    }
    return std::nullopt;
}

std::optional<ParseError>
CheckRequestLine(const SipMessage& message)
{
    if (!IsToken(message.Method()))
    {
        return MakeError("request method is not a token");
    }
    const std::string& uri = message.RequestUri();
    if (uri.empty())
    {
        return MakeError("Request-URI: empty");
    }
    if (FindIf(uri, 0, [](char c) { return c == '<' || c == '>'; }) < uri.size())
    {
        return MakeError("Request-URI: must not be enclosed in <>");
    }
    for (char c : uri)
    {
        auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7F)
        {
            return MakeError("Request-URI: contains whitespace or a control character");
        }
    }
    if (IsSipScheme(uri))
    {
        auto sip = SipUri::Parse(uri);
        if (!sip)
        {
            return Prefixed("Request-URI", sip.Error());
        }
        // §19.1.1 table: headers are not allowed in a Request-URI (RFC 4475 escruri).
        if (!sip->headers.empty())
        {
            return MakeError("Request-URI: URI headers are not allowed");
        }
        message.RememberRequestUri(std::make_shared<const SipUri>(std::move(sip).Value()));
        return std::nullopt;
    }
    // Other schemes are legal here; the core answers 416 (RFC 4475 unkscm, novelsc).
    if (auto error = CheckAddrSpec(uri))
    {
        return Prefixed("Request-URI", *error);
    }
    return std::nullopt;
}

/// The headers ValidateSemantics interprets; everything else is passed through.
enum class Kind
{
    Other,
    Via,
    From,
    To,
    CallId,
    CSeq,
    MaxForwards,
    Expires,
    MinExpires,
    Contact,
    ContentLength,
    Date,
    Warning,
    RetryAfter,
    Route,
    RecordRoute,
};

struct KindName
{
    std::string_view name;
    Kind kind;
};

constexpr KindName kKinds[] = {
    {"Via", Kind::Via},
    {"From", Kind::From},
    {"To", Kind::To},
    {"Call-ID", Kind::CallId},
    {"CSeq", Kind::CSeq},
    {"Max-Forwards", Kind::MaxForwards},
    {"Expires", Kind::Expires},
    {"Min-Expires", Kind::MinExpires},
    {"Contact", Kind::Contact},
    {"Content-Length", Kind::ContentLength},
    {"Date", Kind::Date},
    {"Warning", Kind::Warning},
    {"Retry-After", Kind::RetryAfter},
    {"Route", Kind::Route},
    {"Record-Route", Kind::RecordRoute},
};

/// Classifies a header name once (case-insensitive, compact forms included) instead of
/// comparing it against every interpreted header in turn.
Kind
Classify(std::string_view name)
{
    if (name.size() == 1)
    {
        switch (name[0] | 0x20)
        {
        case 'v':
            return Kind::Via;
        case 'f':
            return Kind::From;
        case 't':
            return Kind::To;
        case 'i':
            return Kind::CallId;
        case 'm':
            return Kind::Contact;
        case 'l':
            return Kind::ContentLength;
        default:
            return Kind::Other;
        }
    }
    for (const auto& entry : kKinds)
    {
        if (entry.name.size() == name.size() && EqualsNoCase(entry.name, name))
        {
            return entry.kind;
        }
    }
    return Kind::Other;
}

/// Checks a Via line element by element. With `top`, the first element is parsed typed
/// into *top instead of merely checked (same grammar, same errors).
std::optional<ParseError>
CheckViaList(std::string_view value, std::shared_ptr<const Via>* top)
{
    if (TrimWs(value).empty())
    {
        return MakeError("Via: empty value");
    }
    HeaderListCursor cursor(value);
    for (std::string_view item; cursor.Next(item);)
    {
        if (item.empty())
        {
            return MakeError("Via: empty list element");
        }
        if (top != nullptr)
        {
            auto via = std::make_shared<Via>();
            if (auto error = ParseViaInto(item, *via))
            {
                return error;
            }
            *top = std::move(via);
            top = nullptr;
        }
        else if (auto error = CheckVia(item))
        {
            return error;
        }
    }
    return std::nullopt;
}

/// Checks one header line; list-valued headers element by element. Nothing is built: the
/// view-based checkers share the grammar (and the error texts) of the typed parsers.
std::optional<ParseError>
CheckHeader(const SipMessage& message, Kind kind, std::string_view value)
{
    value = TrimWs(value);
    switch (kind)
    {
    case Kind::From:
    case Kind::To:
        if (auto error = CheckNameAddr(value))
        {
            return Prefixed(kind == Kind::From ? "From" : "To", *error);
        }
        return std::nullopt;
    case Kind::Via:
        return CheckViaList(value, nullptr);
    case Kind::Contact:
        return CheckContactValue(value);
    case Kind::Route:
    case Kind::RecordRoute: {
        std::string_view name = kind == Kind::Route ? "Route" : "Record-Route";
        if (TrimWs(value).empty())
        {
            return MakeError(std::string(name) + ": empty value");
        }
        HeaderListCursor cursor(value);
        for (std::string_view item; cursor.Next(item);)
        {
            if (auto error = CheckRouteEntry(item, name))
            {
                return error;
            }
        }
        return std::nullopt;
    }
    case Kind::CallId:
        if (!IsCallId(value))
        {
            return MakeError("Call-ID: not a word [\"@\" word]");
        }
        return std::nullopt;
    case Kind::CSeq: {
        auto cseq = CSeq::Parse(value);
        if (!cseq)
        {
            return cseq.Error();
        }
        if (message.IsRequest() && cseq->method != message.Method())
        {
            return MakeError("CSeq: method '" + cseq->method +
                             "' does not match the request method '" + message.Method() + "'");
        }
        return std::nullopt;
    }
    case Kind::MaxForwards:
        if (!ParseDecimal(value, 255))
        {
            return MakeError("Max-Forwards: must be an integer 0..255");
        }
        return std::nullopt;
    case Kind::Expires:
    case Kind::MinExpires:
        if (!ParseDecimal(value, UINT32_MAX))
        {
            return MakeError(std::string(kind == Kind::Expires ? "Expires" : "Min-Expires") +
                             ": not a 32-bit delta-seconds value");
        }
        return std::nullopt;
    case Kind::ContentLength:
        if (!ParseDecimal(value, UINT32_MAX))
        {
            return MakeError("Content-Length: not a non-negative integer");
        }
        return std::nullopt;
    case Kind::Date:
        if (!IsRfc1123Date(value))
        {
            return MakeError("Date: not an RFC 1123 date in GMT");
        }
        return std::nullopt;
    case Kind::Warning:
        return CheckWarning(value);
    case Kind::RetryAfter:
        return CheckRetryAfter(value);
    default:
        return std::nullopt;
    }
}

} // namespace

std::optional<ParseError>
ValidateSemantics(const SipMessage& message, ValidatedLines* seen)
{
    if (!EqualsNoCase(message.Version(), "SIP/2.0"))
    {
        return MakeError("unsupported SIP version '" + message.Version() + "'");
    }
    if (message.IsRequest())
    {
        if (auto error = CheckRequestLine(message))
        {
            return error;
        }
    }
    else if (message.StatusCode() < 100 || message.StatusCode() > 699)
    {
        return MakeError("status code out of range 100..699");
    }

    bool starContact = false;
    bool addressContact = false;
    bool topViaSeen = false;
    for (const auto& field : message.Headers())
    {
        Kind kind = Classify(field.name);
        if (kind == Kind::Via && !topViaSeen)
        {
            // The top Via is parsed typed once, here; later readers take it from the message.
            topViaSeen = true;
            std::shared_ptr<const Via> top;
            if (auto error = CheckViaList(field.value, &top))
            {
                return error;
            }
            message.RememberTopVia(std::move(top));
            continue;
        }
        // CSeq is checked against the request method, so it is not a function of the line.
        const bool memo = seen != nullptr && kind != Kind::Other && kind != Kind::CSeq;
        const auto kindByte = static_cast<uint8_t>(kind);
        if (!memo || !seen->Contains(kindByte, field.value))
        {
            if (auto error = CheckHeader(message, kind, field.value))
            {
                return error;
            }
            if (memo)
            {
                seen->Add(kindByte, field.value);
            }
        }
        if (kind == Kind::Contact)
        {
            bool star = TrimWs(field.value) == "*";
            starContact = starContact || star;
            addressContact = addressContact || !star;
        }
    }
    if (starContact && addressContact)
    {
        return MakeError("Contact: '*' cannot be combined with addresses");
    }
    return std::nullopt;
}

std::optional<ParseError>
CheckMandatoryHeaders(const SipMessage& message)
{
    // §8.1.1: Max-Forwards is also mandatory in requests, but RFC 2543 peers omit it
    // (RFC 4475 inv2543), so its absence is tolerated.
    // Counted in one pass over the lines. Once only: two different values leave the element
    // no way to tell which is meant (RFC 4475 multi01, mcl01).
    struct Rule
    {
        std::string_view name;
        bool required;
        bool once;
    };
    static constexpr std::array<Rule, 7> kRules = {{{"To", true, true},
                                                    {"From", true, true},
                                                    {"Call-ID", true, true},
                                                    {"CSeq", true, true},
                                                    {"Via", true, false},
                                                    {"Max-Forwards", false, true},
                                                    {"Content-Length", false, true}}};
    std::array<std::size_t, kRules.size()> counts{};
    for (const HeaderField& field : message.Headers())
    {
        for (std::size_t i = 0; i < kRules.size(); ++i)
        {
            if (HeaderNameEquals(field.name, kRules[i].name))
            {
                ++counts[i];
                break;
            }
        }
    }
    for (std::size_t i = 0; i < kRules.size(); ++i)
    {
        if (kRules[i].required && counts[i] == 0)
        {
            return MakeError("missing " + std::string(kRules[i].name) + " header");
        }
    }
    for (std::size_t i = 0; i < kRules.size(); ++i)
    {
        if (kRules[i].once && counts[i] > 1)
        {
            return MakeError("multiple " + std::string(kRules[i].name) + " headers");
        }
    }
    return std::nullopt;
}

} // namespace sipsim
