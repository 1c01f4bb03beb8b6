#include "abnf.h"

#include "lex.h"

#include <charconv>

namespace sipsim
{
namespace abnf
{

bool
IsToken(std::string_view text)
{
    if (text.empty())
    {
        return false;
    }
    for (char c : text)
    {
        if (!IsTokenChar(c))
        {
            return false;
        }
    }
    return true;
}

bool
IsCallId(std::string_view text)
{
    std::size_t at = text.find('@');
    std::string_view first = text.substr(0, at);
    std::string_view second = at == std::string_view::npos ? "x" : text.substr(at + 1);
    for (std::string_view word : {first, second})
    {
        if (word.empty())
        {
            return false;
        }
        for (char c : word)
        {
            if (!IsWordChar(c))
            {
                return false;
            }
        }
    }
    return true;
}

std::string_view
TrimWs(std::string_view text)
{
    std::size_t begin = 0;
    while (begin < text.size() && IsWs(text[begin]))
    {
        ++begin;
    }
    std::size_t end = text.size();
    while (end > begin && IsWs(text[end - 1]))
    {
        --end;
    }
    return text.substr(begin, end - begin);
}

std::size_t
SkipWs(std::string_view text, std::size_t pos)
{
    while (pos < text.size() && IsWs(text[pos]))
    {
        ++pos;
    }
    return pos;
}

bool
ContainsNoCase(std::string_view text, std::string_view needle)
{
    if (needle.empty() || needle.size() > text.size())
    {
        return false;
    }
    for (std::size_t i = 0; i + needle.size() <= text.size(); ++i)
    {
        if (EqualsNoCase(text.substr(i, needle.size()), needle))
        {
            return true;
        }
    }
    return false;
}

std::string_view
LowerView(std::string_view text, std::string& storage)
{
    for (char c : text)
    {
        if (c >= 'A' && c <= 'Z')
        {
            storage = ToLower(text);
            return storage;
        }
    }
    return text;
}

std::string
ToLower(std::string_view text)
{
    std::string out(text);
    for (char& c : out)
    {
        c = LowerChar(c);
    }
    return out;
}

std::optional<uint64_t>
ParseDecimal(std::string_view text, uint64_t max)
{
    if (text.empty())
    {
        return std::nullopt;
    }
    for (char c : text)
    {
        if (!IsDigit(c))
        {
            return std::nullopt;
        }
    }
    // Leading zeros are legal (1*DIGIT) and must not push a small value out of range.
    std::size_t first = text.find_first_not_of('0');
    if (first == std::string_view::npos)
    {
        return 0;
    }
    text.remove_prefix(first);
    uint64_t value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size() || value > max)
    {
        return std::nullopt;
    }
    return value;
}

std::string
FixedHex(uint64_t value, std::size_t digits)
{
    static constexpr char kHexDigits[] = "0123456789abcdef";
    std::string text(digits, '0');
    for (std::size_t i = digits; i-- > 0; value >>= 4)
    {
        text[i] = kHexDigits[value & 0x0f];
    }
    return text;
}

std::optional<uint64_t>
ParseFixedHex(std::string_view text, std::size_t digits)
{
    if (text.size() != digits || digits > 16)
    {
        return std::nullopt;
    }
    uint64_t value = 0;
    for (char c : text)
    {
        if (!IsHexDigit(c))
        {
            return std::nullopt;
        }
        // Setting 0x20 folds 'A'-'F' onto 'a'-'f'.
        const int digit = IsDigit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
        value = (value << 4) | static_cast<uint64_t>(digit);
    }
    return value;
}

std::size_t
ScanQuotedString(std::string_view text, std::size_t pos, std::string* content)
{
    if (pos >= text.size() || text[pos] != '"')
    {
        return std::string_view::npos;
    }
    // The content is copied in runs between escapes: digest parameters are long and
    // rarely escaped, and a push_back per character dominated parsing them.
    std::size_t runStart = pos + 1;
    for (std::size_t i = pos + 1; i < text.size(); ++i)
    {
        const char* scan = text.data() + i;
        lex::SkipPlainQdtextBlocks(scan, text.data() + text.size());
        i = static_cast<std::size_t>(scan - text.data());
        if (i == text.size())
        {
            break;
        }
        auto c = static_cast<unsigned char>(text[i]);
        if (c == '"')
        {
            if (content)
            {
                content->append(text.substr(runStart, i - runStart));
            }
            return i + 1;
        }
        if (c == '\\')
        {
            // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F): never CR or LF.
            if (i + 1 >= text.size())
            {
                return std::string_view::npos;
            }
            auto next = static_cast<unsigned char>(text[i + 1]);
            if (next == '\r' || next == '\n' || next > 0x7F)
            {
                return std::string_view::npos;
            }
            if (content)
            {
                content->append(text.substr(runStart, i - runStart));
                content->push_back(static_cast<char>(next));
            }
            ++i;
            runStart = i + 1;
            continue;
        }
        // qdtext = LWS / %x21 / %x23-5B / %x5D-7E / UTF8-NONASCII
        bool qdtext = c == ' ' || c == '\t' || (c >= 0x21 && c != 0x7F);
        if (!qdtext)
        {
            return std::string_view::npos;
        }
    }
    return std::string_view::npos;
}

std::string
Quote(std::string_view text)
{
    std::string out;
    AppendQuoted(out, text);
    return out;
}

void
AppendQuoted(std::string& out, std::string_view text)
{
    out.reserve(out.size() + text.size() + 2);
    out.push_back('"');
    std::size_t runStart = 0;
    for (std::size_t i = 0; i < text.size(); ++i)
    {
        // Digest values (nonce, response, URI) are long runs that need no escape.
        const char* scan = text.data() + i;
        lex::SkipPlainQdtextBlocks(scan, text.data() + text.size());
        i = static_cast<std::size_t>(scan - text.data());
        if (i == text.size())
        {
            break;
        }
        const auto c = static_cast<unsigned char>(text[i]);
        // Not qdtext, but a quoted-pair can carry it (RFC 3261 §25.1).
        const bool escaped =
            c == '"' || c == '\\' || c == 0x7F || (c < 0x20 && c != '\t' && c != '\r' && c != '\n');
        if (escaped)
        {
            out.append(text.substr(runStart, i - runStart));
            out.push_back('\\');
            runStart = i;
        }
    }
    out.append(text.substr(runStart));
    out.push_back('"');
}

bool
IsIPv4Address(std::string_view text)
{
    // Single pass: four dot-separated runs of 1-3 digits, each at most 255.
    int parts = 0;
    int digits = 0;
    unsigned value = 0;
    for (char c : text)
    {
        if (IsDigit(c))
        {
            if (++digits > 3)
            {
                return false;
            }
            value = value * 10 + static_cast<unsigned>(c - '0');
        }
        else if (c == '.' && digits > 0 && value <= 255 && parts < 3)
        {
            ++parts;
            digits = 0;
            value = 0;
        }
        else
        {
            return false;
        }
    }
    return parts == 3 && digits > 0 && value <= 255;
}

/// Counts the 16-bit groups of a hexseq (possibly empty); a final dotted IPv4 part counts
/// as two groups when allowed. Returns -1 on malformed input.
static int
CountHexGroups(std::string_view seq, bool allowIPv4Tail)
{
    if (seq.empty())
    {
        return 0;
    }
    int groups = 0;
    std::size_t pos = 0;
    while (true)
    {
        std::size_t colon = seq.find(':', pos);
        bool last = colon == std::string_view::npos;
        std::string_view group = seq.substr(pos, last ? std::string_view::npos : colon - pos);
        if (last && allowIPv4Tail && group.find('.') != std::string_view::npos)
        {
            if (!IsIPv4Address(group))
            {
                return -1;
            }
            return groups + 2;
        }
        if (group.empty() || group.size() > 4)
        {
            return -1;
        }
        for (char c : group)
        {
            if (!IsHexDigit(c))
            {
                return -1;
            }
        }
        ++groups;
        if (last)
        {
            return groups;
        }
        pos = colon + 1;
    }
}

bool
IsIPv6Address(std::string_view text)
{
    if (text.empty())
    {
        return false;
    }
    std::size_t gap = text.find("::");
    if (gap == std::string_view::npos)
    {
        return CountHexGroups(text, true) == 8;
    }
    if (text.find("::", gap + 1) != std::string_view::npos)
    {
        return false;
    }
    std::string_view head = text.substr(0, gap);
    std::string_view tail = text.substr(gap + 2);
    int headGroups = CountHexGroups(head, false);
    int tailGroups = CountHexGroups(tail, true);
    if (headGroups < 0 || tailGroups < 0)
    {
        return false;
    }
    // "::" stands for at least one zero group.
    return headGroups + tailGroups <= 7;
}

bool
IsHostname(std::string_view text)
{
    // *( domainlabel "." ) toplabel [ "." ]: labels are alphanumerics with inner hyphens;
    // the last one starts with a letter, which tells names from "1.2.3.4". Label by label,
    // one table lookup per character: every URI and Via host of every message comes here.
    if (!text.empty() && text.back() == '.')
    {
        text.remove_suffix(1);
    }
    const std::size_t size = text.size();
    std::size_t labelStart = 0;
    for (std::size_t i = 0;;)
    {
        labelStart = i;
        if (i == size || !IsAlphaNum(text[i]))
        {
            return false;
        }
        while (++i < size && Is(text[i], kLabel))
        {
        }
        if (text[i - 1] == '-')
        {
            return false;
        }
        if (i == size)
        {
            break;
        }
        if (text[i] != '.')
        {
            return false;
        }
        ++i;
    }
    return IsAlpha(text[labelStart]);
}

bool
IsHost(std::string_view text)
{
    if (text.empty())
    {
        return false;
    }
    if (text.front() == '[')
    {
        return text.size() > 2 && text.back() == ']' &&
               IsIPv6Address(text.substr(1, text.size() - 2));
    }
    return IsDigit(text.front()) ? (IsIPv4Address(text) || IsHostname(text)) : IsHostname(text);
}

static bool
IsGenValueChar(char c)
{
    // token / host: host adds the IPv6 reference characters.
    return IsTokenChar(c) || c == '[' || c == ']' || c == ':';
}

std::optional<ParseError>
NextGenericParam(std::string_view text, std::size_t& pos, std::string_view what, ParamView& param,
                 bool& found)
{
    // Error texts are built only on failure: this runs for every parameter of every header.
    auto fail = [&](const std::string& reason) {
        return what.empty() ? MakeError(reason) : MakeError(std::string(what) + ": " + reason);
    };
    found = false;
    pos = SkipWs(text, pos);
    if (pos >= text.size())
    {
        return std::nullopt;
    }
    if (text[pos] != ';')
    {
        return fail("unexpected character '" + std::string(1, text[pos]) +
                    "' where ';' or end of value was expected");
    }
    pos = SkipWs(text, pos + 1);
    std::size_t nameStart = pos;
    pos = ScanToken(text, pos);
    if (pos == nameStart)
    {
        return fail("empty or invalid parameter name");
    }
    param.name = text.substr(nameStart, pos - nameStart);
    param.value.reset();
    std::size_t afterName = SkipWs(text, pos);
    if (afterName < text.size() && text[afterName] == '=')
    {
        pos = SkipWs(text, afterName + 1);
        std::size_t valueStart = pos;
        if (pos < text.size() && text[pos] == '"')
        {
            pos = ScanQuotedString(text, pos);
            if (pos == std::string_view::npos)
            {
                return fail("unterminated quoted value of parameter '" + std::string(param.name) +
                            "'");
            }
        }
        else
        {
            pos = FindIf(text, pos, [](char c) { return !IsGenValueChar(c); });
        }
        if (pos == valueStart)
        {
            return fail("parameter '" + std::string(param.name) + "' has an empty value");
        }
        param.value = text.substr(valueStart, pos - valueStart);
    }
    found = true;
    return std::nullopt;
}

std::optional<ParseError>
ParseGenericParams(std::string_view text, std::size_t pos, std::vector<GenericParam>& out,
                   std::string_view what)
{
    return ForEachGenericParam(text, pos, what, [&](const ParamView& param) {
        AppendParam(out, param);
        return std::optional<ParseError>();
    });
}

void
AppendParam(std::vector<GenericParam>& out, const ParamView& param)
{
    if (out.capacity() == 0)
    {
        out.reserve(4);
    }
    GenericParam& added = out.emplace_back();
    added.name.assign(param.name);
    if (param.value)
    {
        added.value.emplace(*param.value);
    }
}

void
AppendParams(std::string& out, const std::vector<GenericParam>& params)
{
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
}

} // namespace abnf
} // namespace sipsim
