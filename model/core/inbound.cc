// ParseInbound: strict parse first; when that fails for a request, a forgiving line scan
// recovers just enough (Via, From, To, Call-ID, CSeq) to tell the sender why (§8.2.6,
// RFC 4475 §3.1.2 / §3.3: "respond 400 if possible").
#include "inbound.h"

#include "sip/headers.h"

#include <cctype>
#include <vector>

namespace sipsim
{

namespace
{

constexpr std::size_t kMaxReasonLength = 120;

bool
IsWsp(char c)
{
    return c == ' ' || c == '\t';
}

std::string_view
Trim(std::string_view text)
{
    while (!text.empty() && (IsWsp(text.front()) || text.front() == '\r'))
    {
        text.remove_prefix(1);
    }
    while (!text.empty() && (IsWsp(text.back()) || text.back() == '\r'))
    {
        text.remove_suffix(1);
    }
    return text;
}

bool
StartsWithNoCase(std::string_view text, std::string_view prefix)
{
    if (text.size() < prefix.size())
    {
        return false;
    }
    for (std::size_t i = 0; i < prefix.size(); ++i)
    {
        if (std::tolower(static_cast<unsigned char>(text[i])) !=
            std::tolower(static_cast<unsigned char>(prefix[i])))
        {
            return false;
        }
    }
    return true;
}

bool
IsTokenChar(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
           std::string_view("-.!%*_+`'~").find(c) != std::string_view::npos;
}

/// Whether a raw value can be echoed in a response without making it unparseable.
bool
Printable(std::string_view value)
{
    for (char c : value)
    {
        auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u == 0x7f)
        {
            return false;
        }
    }
    return true;
}

/// Header lines as the lenient scan sees them: unfolded, CR stripped, up to the blank line.
struct RawHeaders
{
    std::string method; ///< empty when the start line is not a request line
    std::vector<std::pair<std::string, std::string>> fields; ///< canonical name, raw value
};

RawHeaders
ScanRaw(std::string_view bytes)
{
    RawHeaders raw;
    std::vector<std::string_view> lines;
    std::size_t pos = 0;
    while (pos < bytes.size())
    {
        std::size_t end = bytes.find('\n', pos);
        if (end == std::string_view::npos)
        {
            end = bytes.size();
        }
        std::string_view line = bytes.substr(pos, end - pos);
        if (!line.empty() && line.back() == '\r')
        {
            line.remove_suffix(1);
        }
        pos = end + 1;
        if (line.empty())
        {
            if (lines.empty())
            {
                continue; // §7.5: leading blank lines are ignored
            }
            break; // end of the header section
        }
        lines.push_back(line);
    }
    if (lines.empty())
    {
        return raw;
    }

    // Request-Line: a method token first; "SIP/..." starts a response.
    std::string_view start = Trim(lines.front());
    if (!StartsWithNoCase(start, "SIP/"))
    {
        std::size_t n = 0;
        while (n < start.size() && IsTokenChar(start[n]))
        {
            ++n;
        }
        if (n > 0 && n < start.size() && IsWsp(start[n]))
        {
            raw.method = std::string(start.substr(0, n));
        }
    }

    // A field with an unprintable value is dropped whole, continuation lines included.
    bool keepingField = false;
    for (std::size_t i = 1; i < lines.size(); ++i)
    {
        std::string_view line = lines[i];
        if (IsWsp(line.front()))
        {
            if (keepingField)
            {
                std::string_view more = Trim(line);
                if (Printable(more))
                {
                    raw.fields.back().second += ' ';
                    raw.fields.back().second += std::string(more);
                }
                else
                {
                    raw.fields.pop_back();
                    keepingField = false;
                }
            }
            continue;
        }
        keepingField = false;
        std::size_t colon = line.find(':');
        if (colon == std::string_view::npos)
        {
            continue;
        }
        std::string_view name = Trim(line.substr(0, colon));
        std::string_view value = Trim(line.substr(colon + 1));
        if (name.empty() || !Printable(name) || !Printable(value))
        {
            continue;
        }
        raw.fields.emplace_back(CanonicalHeaderName(name), std::string(value));
        keepingField = true;
    }
    return raw;
}

/// Reason-Phrase text: no control characters, bounded length.
std::string
SanitiseReason(std::string_view reason)
{
    std::string out;
    for (char c : reason)
    {
        if (out.size() >= kMaxReasonLength)
        {
            out += "...";
            break;
        }
        auto u = static_cast<unsigned char>(c);
        out += (u < 0x20 || u == 0x7f) ? ' ' : c;
    }
    return out;
}

/// Whether `value` is a well-formed `name` header: the parser's own semantic checks, run on
/// a response holding just that header. Broken values are left out of the 400, so the
/// sender can at least parse the answer (RFC 4475 quotbal, baddn, scalar02 ...).
bool
Echoable(const std::string& name, const std::string& value)
{
    SipMessage probe = SipMessage::MakeResponse(400, "Bad Request");
    probe.Add(name, value);
    return !ValidateSemantics(probe).has_value();
}

std::optional<SipMessage>
BuildBadRequest(std::string_view bytes, const std::string& problem)
{
    RawHeaders raw = ScanRaw(bytes);
    if (raw.method.empty() || raw.method == "ACK")
    {
        return std::nullopt; // not a request, or one that is never answered (§17.1.1.3)
    }
    // The response is routed by the top Via (§18.2.2) and matched by its branch; without a
    // usable one nobody could receive it (RFC 4475 badinv01).
    std::vector<std::string> vias;
    bool topUsable = false;
    for (const auto& [name, value] : raw.fields)
    {
        if (name != "Via")
        {
            continue;
        }
        for (std::string_view element : SplitHeaderList(value))
        {
            const bool usable = Via::Parse(element).Ok();
            if (vias.empty() && !topUsable)
            {
                topUsable = usable;
                if (!usable)
                {
                    return std::nullopt;
                }
            }
            if (usable)
            {
                vias.emplace_back(element);
            }
        }
    }
    if (!topUsable)
    {
        return std::nullopt;
    }

    // A well-formed request in a SIP version we do not speak gets 505 (§21.5.6, RFC 4475
    // badvers); every other defect 400.
    const bool version = problem.rfind("unsupported SIP version", 0) == 0;
    SipMessage response =
        version ? SipMessage::MakeResponse(505, "Version Not Supported")
                : SipMessage::MakeResponse(400, SanitiseReason("Bad Request (" + problem + ")"));
    for (const std::string& via : vias)
    {
        response.Add("Via", via);
    }
    for (const char* wanted : {"From", "To", "Call-ID", "CSeq"})
    {
        // First occurrence only: a duplicated single-valued header may be the very problem.
        for (const auto& [name, value] : raw.fields)
        {
            if (name == wanted)
            {
                if (Echoable(name, value))
                {
                    response.Add(name, value);
                }
                break;
            }
        }
    }
    response.Add("Content-Length", "0");
    return response;
}

} // namespace

InboundResult
ParseInbound(std::string_view bytes, ValidatedLines* seen)
{
    InboundResult result;
    Result<SipMessage> parsed = ParseMessage(bytes, Framing::Datagram, seen);
    std::string reason;
    if (parsed.Ok())
    {
        if (std::optional<ParseError> missing = CheckMandatoryHeaders(*parsed))
        {
            result.error = missing->ToString();
            reason = missing->reason;
        }
        else
        {
            result.message = std::move(parsed).Value();
            return result;
        }
    }
    else
    {
        result.error = parsed.Error().ToString();
        reason = parsed.Error().reason;
    }
    result.badRequest = BuildBadRequest(bytes, reason);
    return result;
}

} // namespace sipsim
