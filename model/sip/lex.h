#ifndef SIPSIM_SIP_LEX_H
#define SIPSIM_SIP_LEX_H

// Internal lexical helpers shared by the message parser and the stream framer.
// Not part of the public API: include only from model/sip/*.cc.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sipsim
{
class SipMessage;
struct ParseError;
} // namespace sipsim

namespace sipsim::lex
{

/// RFC 3261 §25.1 token characters: alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" /
/// "`" / "'" / "~". A table keeps the hot loops branch-light.
struct TokenTable
{
    bool token[256] = {};
    unsigned char lower[256] = {};

    constexpr TokenTable()
    {
        for (int c = 0; c < 256; ++c)
        {
            lower[c] = static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
            token[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        }
        for (char c : std::string_view("-.!%*_+`'~"))
        {
            token[static_cast<unsigned char>(c)] = true;
        }
    }
};

inline constexpr TokenTable kTable{};

inline bool
IsTokenChar(char c)
{
    return kTable.token[static_cast<unsigned char>(c)];
}

inline char
ToLower(char c)
{
    return static_cast<char>(kTable.lower[static_cast<unsigned char>(c)]);
}

inline bool
IsWsp(char c)
{
    return c == ' ' || c == '\t';
}

inline bool
EqualsIgnoreCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
    {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i)
    {
        if (ToLower(a[i]) != ToLower(b[i]))
        {
            return false;
        }
    }
    return true;
}

inline std::string_view
TrimWsp(std::string_view s)
{
    std::size_t begin = 0;
    std::size_t end = s.size();
    while (begin < end && IsWsp(s[begin]))
    {
        ++begin;
    }
    while (end > begin && IsWsp(s[end - 1]))
    {
        --end;
    }
    return s.substr(begin, end - begin);
}

/// Skips whole 16-byte blocks holding none of the bytes in Set (SSE2, every x86-64):
/// true with p on the first match, or false with p where fewer than 16 bytes remain, for
/// the caller to finish in its own way. Without SSE2 it only returns false.
template <char... Set>
inline bool
FindInBlocks(const char*& p, const char* end)
{
#if defined(__SSE2__)
    for (; end - p >= 16; p += 16)
    {
        const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        __m128i hits = _mm_setzero_si128();
        ((hits = _mm_or_si128(hits, _mm_cmpeq_epi8(chunk, _mm_set1_epi8(Set)))), ...);
        if (const int mask = _mm_movemask_epi8(hits); mask != 0)
        {
            p += __builtin_ctz(static_cast<unsigned>(mask));
            return true;
        }
    }
#else
    static_cast<void>(end);
#endif
    return false;
}

/// The first byte of Set in [p, end), or end: sixteen bytes per step, then one at a time.
template <char... Set>
inline const char*
FindFirstOf(const char* p, const char* end)
{
    if (!FindInBlocks<Set...>(p, end))
    {
        while (p != end && ((*p != Set) && ...))
        {
            ++p;
        }
    }
    return p;
}

/// Skips whole 16-byte blocks of plain quoted-string text: no DQUOTE, backslash, DEL or
/// control character (tab included: it is qdtext, but rare enough to leave to the caller).
/// Leaves p on the first such byte, or where fewer than 16 bytes remain.
inline void
SkipPlainQdtextBlocks(const char*& p, const char* end)
{
#if defined(__SSE2__)
    for (; end - p >= 16; p += 16)
    {
        const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        const __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(chunk, _mm_set1_epi8(0x1F)), chunk);
        const __m128i special =
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(chunk, _mm_set1_epi8('"')),
                                      _mm_cmpeq_epi8(chunk, _mm_set1_epi8('\\'))),
                         _mm_cmpeq_epi8(chunk, _mm_set1_epi8(0x7F)));
        if (const int mask = _mm_movemask_epi8(_mm_or_si128(control, special)); mask != 0)
        {
            p += __builtin_ctz(static_cast<unsigned>(mask));
            return;
        }
    }
#else
    static_cast<void>(end);
#endif
}

/// The first CR or LF in [p, end), or end. Sixteen bytes per step, then eight: header
/// lines are short, and a libc memchr call per line (one for LF, another for stray CRs)
/// costs more than this.
inline const char*
FindLineBreak(const char* p, const char* end)
{
    if (FindInBlocks<'\r', '\n'>(p, end))
    {
        return p;
    }
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    constexpr uint64_t kOnes = 0x0101010101010101ull;
    constexpr uint64_t kHigh = 0x8080808080808080ull;
    while (end - p >= 8)
    {
        uint64_t word;
        std::memcpy(&word, p, sizeof(word));
        uint64_t cr = word ^ (kOnes * '\r');
        uint64_t lf = word ^ (kOnes * '\n');
        // Classic has-zero-byte test; the lowest flagged byte is always a true match.
        uint64_t hit = (((cr - kOnes) & ~cr) | ((lf - kOnes) & ~lf)) & kHigh;
        if (hit != 0)
        {
            return p + (__builtin_ctzll(hit) >> 3);
        }
        p += 8;
    }
#endif
    while (p < end && *p != '\r' && *p != '\n')
    {
        ++p;
    }
    return p;
}

/// Outcome of reading a Content-Length value.
enum class LengthStatus
{
    Ok,
    NotANumber,
    TooLarge,
};

/// Content-Length = 1*DIGIT (already trimmed). Values past 2^32 are refused: no SIP
/// message is that large, and the bound keeps the arithmetic overflow-free.
inline LengthStatus
ParseContentLength(std::string_view text, std::size_t& out)
{
    if (text.empty())
    {
        return LengthStatus::NotANumber;
    }
    uint64_t value = 0;
    for (char c : text)
    {
        if (c < '0' || c > '9')
        {
            return LengthStatus::NotANumber;
        }
        value = value * 10 + static_cast<uint64_t>(c - '0');
        if (value > 0xFFFFFFFFull)
        {
            return LengthStatus::TooLarge;
        }
    }
    out = static_cast<std::size_t>(value);
    return LengthStatus::Ok;
}

/// Bytes of leading CRLF (or bare LF) lines, which §7.5 says to ignore; counts them in lines.
inline std::size_t
SkipLeadingBlankLines(std::string_view data, int& lines)
{
    std::size_t pos = 0;
    for (;;)
    {
        if (pos + 1 < data.size() && data[pos] == '\r' && data[pos + 1] == '\n')
        {
            pos += 2;
        }
        else if (pos < data.size() && data[pos] == '\n')
        {
            pos += 1;
        }
        else
        {
            return pos;
        }
        ++lines;
    }
}

/// Gives a ValidateSemantics error (which names a header but has no position) the line
/// and value column of that header in `data`, or of the start line for Request-URI and
/// method problems. Errors that already carry a line are returned unchanged. Error path
/// only: it re-walks the text (error_location.cc).
ParseError LocateSemanticError(std::string_view data, const SipMessage& message, int startLine,
                               ParseError error);

} // namespace sipsim::lex

#endif
