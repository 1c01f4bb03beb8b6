#include "message_info.h"

#include "sip/abnf.h"
#include "sip/lex.h"

#include <string>

namespace sipsim
{

namespace
{

/// ASCII case folding (std::tolower is a locale-aware library call per character).
bool
NameIs(std::string_view name, std::string_view longName, char compact)
{
    if (name.size() == 1)
    {
        return abnf::LowerChar(name[0]) == compact;
    }
    return abnf::EqualsNoCase(name, longName);
}

std::string_view
Trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    {
        s.remove_suffix(1);
    }
    return s;
}

/// The next line (without CR LF) and the rest after it. The LF is found sixteen bytes per
/// step: a libc memchr call per header line cost more than the rest of the summary.
std::string_view
NextLine(std::string_view& rest)
{
    const char* const end = rest.data() + rest.size();
    const char* const p = lex::FindFirstOf<'\n'>(rest.data(), end);
    const auto lf = static_cast<std::size_t>(p - rest.data());
    std::string_view line = rest.substr(0, lf);
    rest = p == end ? std::string_view() : rest.substr(lf + 1);
    if (!line.empty() && line.back() == '\r')
    {
        line.remove_suffix(1);
    }
    return line;
}

/// The decimal number text starts with, read as atoi/strtoul read the values found here
/// (leading blanks, an optional sign, digits; anything else ends it). Only garbage
/// overflows, and then the result wraps instead of saturating.
long long
LeadingNumber(std::string_view text)
{
    std::size_t i = 0;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t'))
    {
        ++i;
    }
    bool negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-'))
    {
        negative = text[i] == '-';
        ++i;
    }
    unsigned long long value = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i)
    {
        value = value * 10 + static_cast<unsigned long long>(text[i] - '0');
    }
    return negative ? -static_cast<long long>(value) : static_cast<long long>(value);
}

} // namespace

std::string
MessageInfo::Kind() const
{
    std::string kind;
    AppendKind(kind);
    return kind;
}

void
MessageInfo::AppendKind(std::string& out) const
{
    if (isRequest)
    {
        out += method.empty() ? std::string_view("?") : method;
        return;
    }
    out += std::to_string(statusCode);
    if (!reason.empty())
    {
        out += ' ';
        out += reason;
    }
}

std::string
MessageInfo::RetransmissionKey() const
{
    if (isRequest)
    {
        return Kind();
    }
    std::string key = std::to_string(statusCode) + " (";
    key += cseqMethod.empty() ? std::string_view("?") : cseqMethod;
    return key + ")";
}

MessageInfo
SummarizeMessage(std::string_view bytes)
{
    MessageInfo info;
    std::string_view rest = bytes;
    while (rest.substr(0, 2) == "\r\n")
    {
        rest.remove_prefix(2); // §7.5 leading CRLFs
    }
    const std::string_view start = NextLine(rest);
    if (start.substr(0, 8) == "SIP/2.0 ")
    {
        info.isRequest = false;
        std::string_view tail = start.substr(8);
        const auto space = tail.find(' ');
        info.statusCode = LeadingNumber(tail.substr(0, space));
        if (space != std::string_view::npos)
        {
            info.reason = tail.substr(space + 1);
        }
    }
    else
    {
        info.method = start.substr(0, start.find(' '));
    }
    while (!rest.empty())
    {
        const std::string_view line = NextLine(rest);
        if (line.empty())
        {
            break; // end of headers
        }
        // Only Call-ID ("i") and CSeq are read: most lines (Via, To, From, Route, ...) are
        // passed over on their first letter. A folded line starts with whitespace and
        // continues the header above it, so it is passed over too.
        const char first = abnf::LowerChar(line[0]);
        if (first != 'c' && first != 'i')
        {
            continue;
        }
        const auto colon = line.find(':');
        if (colon == std::string_view::npos)
        {
            continue;
        }
        const std::string_view name = Trim(line.substr(0, colon));
        const std::string_view value = Trim(line.substr(colon + 1));
        if (info.callId.empty() && NameIs(name, "call-id", 'i'))
        {
            info.callId = value;
        }
        else if (info.cseq.empty() && NameIs(name, "cseq", '\0'))
        {
            info.cseq = value;
            const auto space = value.find_first_of(" \t");
            info.cseqNumber = static_cast<uint32_t>(LeadingNumber(value.substr(0, space)));
            if (space != std::string_view::npos)
            {
                info.cseqMethod = Trim(value.substr(space + 1));
            }
        }
        if (!info.callId.empty() && !info.cseq.empty())
        {
            break;
        }
    }
    return info;
}

} // namespace sipsim
