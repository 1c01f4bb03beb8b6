#ifndef SIPSIM_SIP_ABNF_H
#define SIPSIM_SIP_ABNF_H

// Character classes and small parsing primitives from the RFC 3261 §25 grammar, shared by
// the URI and typed-header parsers. Internal to the SIP layer; not part of the public API.

#include "result.h"
#include "uri.h"

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sipsim
{
struct Via;

namespace abnf
{

/// Character classes of RFC 3261 §25.1 as bits, so each test is one table lookup.
enum CharClass : uint16_t
{
    kAlpha = 1 << 0,
    kDigit = 1 << 1,
    kHex = 1 << 2,
    kMark = 1 << 3,     ///< "-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")"
    kToken = 1 << 4,    ///< alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~"
    kWord = 1 << 5,     ///< token plus ( ) < > : \ " / [ ] ? { } (Call-ID words)
    kUser = 1 << 6,     ///< unreserved / user-unreserved ("&=+$,;?/")
    kPassword = 1 << 7, ///< unreserved / "&=+$,"
    kParam = 1 << 8,    ///< unreserved / param-unreserved ("[]/:&+$")
    kHeader = 1 << 9,   ///< unreserved / hnv-unreserved ("[]/?:+$")
    kScheme = 1 << 10,  ///< alphanum / "+" / "-" / "."
    kLabel = 1 << 11,   ///< alphanum / "-": what a hostname label is made of
};

struct CharTable
{
    uint16_t bits[256] = {};

    constexpr void Add(std::string_view chars, uint16_t mask)
    {
        for (char c : chars)
        {
            bits[static_cast<unsigned char>(c)] |= mask;
        }
    }

    constexpr CharTable()
    {
        for (int c = 0; c < 256; ++c)
        {
            bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            bool digit = c >= '0' && c <= '9';
            bool hex = digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            uint16_t alnum =
                (alpha || digit)
                    ? (kToken | kWord | kUser | kPassword | kParam | kHeader | kScheme | kLabel)
                    : 0;
            bits[c] = static_cast<uint16_t>((alpha ? kAlpha : 0) | (digit ? kDigit : 0) |
                                            (hex ? kHex : 0) | alnum);
        }
        Add("-_.!~*'()", kMark | kWord | kUser | kPassword | kParam | kHeader);
        Add("-.!%*_+`'~", kToken | kWord);
        Add("()<>:\\\"/[]?{}", kWord);
        Add("&=+$,;?/", kUser);
        Add("&=+$,", kPassword);
        Add("[]/:&+$", kParam);
        Add("[]/?:+$", kHeader);
        Add("+-.", kScheme);
        Add("-", kLabel);
    }
};

inline constexpr CharTable kChars{};

inline bool
Is(char c, uint16_t mask)
{
    return (kChars.bits[static_cast<unsigned char>(c)] & mask) != 0;
}

inline bool
IsAlpha(char c)
{
    return Is(c, kAlpha);
}

inline bool
IsDigit(char c)
{
    return c >= '0' && c <= '9';
}

inline bool
IsHexDigit(char c)
{
    return Is(c, kHex);
}

inline bool
IsAlphaNum(char c)
{
    return Is(c, kAlpha | kDigit);
}

/// SP or HTAB: the only whitespace left in a header value after unfolding.
inline bool
IsWs(char c)
{
    return c == ' ' || c == '\t';
}

inline bool
IsMark(char c)
{
    return Is(c, kMark);
}

/// unreserved = alphanum / mark
inline bool
IsUnreserved(char c)
{
    return Is(c, kAlpha | kDigit | kMark);
}

inline bool
IsTokenChar(char c)
{
    return Is(c, kToken);
}

inline bool
IsWordChar(char c)
{
    return Is(c, kWord);
}

/// Index of the first character at or after pos for which pred holds, or text.size().
/// (std::string_view::find_first_of costs a memchr per character.)
template <typename Pred>
std::size_t
FindIf(std::string_view text, std::size_t pos, Pred pred)
{
    while (pos < text.size() && !pred(text[pos]))
    {
        ++pos;
    }
    return pos;
}

/// End of the run of token characters starting at pos (== pos when there is none).
inline std::size_t
ScanToken(std::string_view text, std::size_t pos)
{
    return FindIf(text, pos, [](char c) { return !IsTokenChar(c); });
}

bool IsToken(std::string_view text);
/// callid = word [ "@" word ]
bool IsCallId(std::string_view text);

std::string_view TrimWs(std::string_view text);
/// Index of the first non-whitespace character at or after pos.
std::size_t SkipWs(std::string_view text, std::size_t pos);

inline char
LowerChar(char c)
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

inline char
UpperChar(char c)
{
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

inline bool
EqualsNoCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
    {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i)
    {
        if (LowerChar(a[i]) != LowerChar(b[i]))
        {
            return false;
        }
    }
    return true;
}

std::string ToLower(std::string_view text);
/// `text` in lower case: `text` itself when it has no upper-case ASCII letter (the usual
/// case for host names), else a lower-cased copy kept in `storage`.
std::string_view LowerView(std::string_view text, std::string& storage);

/// Whether `needle` occurs in `text`, ASCII case-insensitively (an empty needle does not).
bool ContainsNoCase(std::string_view text, std::string_view needle);

/// "[::1]" -> "::1", so Via and URI hosts compare with Address hosts.
inline std::string_view
UnbracketHost(std::string_view host)
{
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    {
        return host.substr(1, host.size() - 2);
    }
    return host;
}

/// Parses 1*DIGIT (leading zeros allowed) with no other characters; nullopt when empty,
/// not all digits, or greater than max. Never throws and never overflows.
std::optional<uint64_t> ParseDecimal(std::string_view text, uint64_t max);

/// The low `digits` hex digits of value, lowercase, most significant first and zero-padded:
/// nonce stamps, nonce counts, hash tags.
std::string FixedHex(uint64_t value, std::size_t digits);
/// The value of exactly `digits` hex digits (at most 16, either case); nullopt otherwise.
std::optional<uint64_t> ParseFixedHex(std::string_view text, std::size_t digits);

/// Scans a quoted-string whose opening DQUOTE is at text[pos]. Returns the index one past
/// the closing DQUOTE, or std::string_view::npos when unterminated or containing a
/// character that is neither qdtext nor a valid quoted-pair. When `content` is given it
/// receives the text between the quotes with quoted-pairs resolved.
std::size_t ScanQuotedString(std::string_view text, std::size_t pos,
                             std::string* content = nullptr);

/// Quotes text as a quoted-string that ScanQuotedString reads back as `text`: '"', '\' and
/// the control characters quoted-pair allows (all but tab, CR and LF; DEL) are escaped.
/// CR and LF cannot be written in a quoted-string and are copied as they are.
std::string Quote(std::string_view text);
/// Quote(text) appended to out.
void AppendQuoted(std::string& out, std::string_view text);

bool IsIPv4Address(std::string_view text);
/// IPv6address without brackets: hex groups with at most one "::" and an optional
/// trailing dotted IPv4 part; exactly 128 bits in total.
bool IsIPv6Address(std::string_view text);
/// hostname = *( domainlabel "." ) toplabel [ "." ]
bool IsHostname(std::string_view text);
/// host = hostname / IPv4address / "[" IPv6address "]"
bool IsHost(std::string_view text);

/// A '%' followed by two hex digits at text[pos].
inline bool
IsEscapeAt(std::string_view text, std::size_t pos)
{
    return pos + 2 < text.size() && text[pos] == '%' && IsHexDigit(text[pos + 1]) &&
           IsHexDigit(text[pos + 2]);
}

/// True when every character is in `mask` or is part of a valid %HH escape.
inline bool
AllCharsOrEscapes(std::string_view text, uint16_t mask)
{
    for (std::size_t i = 0; i < text.size(); ++i)
    {
        if (text[i] == '%')
        {
            if (!IsEscapeAt(text, i))
            {
                return false;
            }
            i += 2;
        }
        else if (!Is(text[i], mask))
        {
            return false;
        }
    }
    return true;
}

/// A generic-param as views into the header text (no allocation).
struct ParamView
{
    std::string_view name;
    std::optional<std::string_view> value; ///< quoted values keep their quotes
};

/// Reads the next `SEMI generic-param` at or after pos (SWS allowed around ';' and '=';
/// values are token / host / quoted-string) into `param` and advances pos. `found` is false
/// at the end of the text. Anything else at pos is an error; `what` (when not empty)
/// prefixes error messages, e.g. "Via".
std::optional<ParseError> NextGenericParam(std::string_view text, std::size_t& pos,
                                           std::string_view what, ParamView& param, bool& found);

/// Calls fn(const ParamView&) -> std::optional<ParseError> for each parameter from pos on;
/// stops at the first error (from the grammar or from fn).
template <typename Fn>
std::optional<ParseError>
ForEachGenericParam(std::string_view text, std::size_t pos, std::string_view what, Fn&& fn)
{
    ParamView param;
    bool found = false;
    while (true)
    {
        if (auto error = NextGenericParam(text, pos, what, param, found))
        {
            return error;
        }
        if (!found)
        {
            return std::nullopt;
        }
        if (auto error = fn(param))
        {
            return error;
        }
    }
}

/// Appends `param` to `out`, built where it is stored (no temporary strings); reserves room
/// for a few on the first one, since most headers carry a few parameters.
void AppendParam(std::vector<GenericParam>& out, const ParamView& param);

/// ForEachGenericParam that appends every parameter to `out`.
std::optional<ParseError> ParseGenericParams(std::string_view text, std::size_t pos,
                                             std::vector<GenericParam>& out, std::string_view what);

/// Validates a sip:/sips: URI without building a SipUri (the grammar of SipUri::Parse).
/// With allowHeaders false a '?headers' part is an error ("URI headers are not allowed").
std::optional<ParseError> CheckSipUri(std::string_view text, bool allowHeaders = true);

/// Validates one via-parm without building a Via (the grammar of Via::Parse).
std::optional<ParseError> CheckVia(std::string_view text);
/// Via::Parse into a Via the caller owns (e.g. one already in a shared_ptr), so the parsed
/// fields are not moved again; `out` must be default-constructed.
std::optional<ParseError> ParseViaInto(std::string_view text, Via& out);

/// Validates an addr-spec: a SIP/SIPS URI must parse; any other scheme must look like an
/// absoluteURI (scheme ":" followed by visible ASCII other than < > " and whitespace).
std::optional<ParseError> CheckAddrSpec(std::string_view uri);

/// A name-addr / addr-spec (§20.10) as views into the header text: what NameAddr::Parse
/// checks, minus the header parameters, which start at text[paramsPos].
struct NameAddrView
{
    std::string_view text; ///< the trimmed header value
    std::optional<std::string_view> displayName;
    std::string_view uri;
    bool angleBrackets = false;
    std::size_t paramsPos = 0;
};

Result<NameAddrView> ScanNameAddr(std::string_view text);
/// Validates a name-addr / addr-spec with header parameters (the grammar of NameAddr::Parse).
std::optional<ParseError> CheckNameAddr(std::string_view text);
/// Validates one Route / Record-Route element: a name-addr in <> with parameters.
std::optional<ParseError> CheckRouteEntry(std::string_view item, std::string_view headerName);
/// CheckRouteEntry that also hands back the scanned entry, for callers that need its URI.
Result<NameAddrView> ScanRouteEntry(std::string_view item, std::string_view headerName);
/// Validates one Contact header line (the grammar of ContactList::Parse).
std::optional<ParseError> CheckContactValue(std::string_view value);

/// qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
bool IsQValue(std::string_view text);

/// ";name=value;flag" for header parameters.
void AppendParams(std::string& out, const std::vector<GenericParam>& params);

/// Copies `piece` to `cursor` and moves it past the copy. Text built for every message is
/// sized first and written this way: one append call per piece costs more than the copying.
inline void
PutBytes(char*& cursor, std::string_view piece)
{
    std::memcpy(cursor, piece.data(), piece.size());
    cursor += piece.size();
}

/// ":5060" as written after a host; empty without a port.
class PortSuffix
{
public:
    explicit PortSuffix(std::optional<uint16_t> port)
    {
        if (port)
        {
            m_size = static_cast<std::size_t>(
                std::to_chars(m_text + 1, m_text + sizeof m_text, *port).ptr - m_text);
        }
    }
    std::string_view View() const { return std::string_view(m_text, m_size); }

private:
    char m_text[8] = {':'};
    std::size_t m_size = 0;
};

} // namespace abnf
} // namespace sipsim

#endif
