#include "csv_format.h"

#include "sip/lex.h"

#include <cmath>
#include <cstdio>

namespace sipsim
{

std::string
FormatSeconds(double seconds)
{
    char buffer[64];
    std::snprintf(buffer, sizeof(buffer), "%.9f", seconds);
    return buffer;
}

namespace
{

/// Writes value's decimal digits so that they end at end; returns where they start.
char*
DigitsEndingAt(char* end, uint64_t value)
{
    do
    {
        *--end = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value != 0);
    return end;
}

} // namespace

void
AppendUnsigned(std::string& out, uint64_t value)
{
    char digits[20];
    char* const end = digits + sizeof(digits);
    const char* begin = DigitsEndingAt(end, value);
    out.append(begin, static_cast<std::size_t>(end - begin));
}

void
AppendSeconds(std::string& out, TimePoint t)
{
    // Integer arithmetic: exact for any nanosecond count, no double rounding. The text is
    // built backwards in one buffer and appended once (a row per transmission).
    const int64_t ns = t.count();
    const bool negative = ns < 0;
    const uint64_t magnitude = negative ? static_cast<uint64_t>(-(ns + 1)) + 1 : ns;
    char text[32]; // '-', 11 digits of seconds, '.', 9 decimals
    char* const end = text + sizeof(text);
    uint64_t fraction = magnitude % 1000000000ULL;
    char* begin = end;
    for (int i = 0; i < 9; ++i)
    {
        *--begin = static_cast<char>('0' + fraction % 10);
        fraction /= 10;
    }
    *--begin = '.';
    begin = DigitsEndingAt(begin, magnitude / 1000000000ULL);
    if (negative)
    {
        *--begin = '-';
    }
    out.append(begin, static_cast<std::size_t>(end - begin));
}

std::string
FormatSeconds(TimePoint t)
{
    std::string out;
    AppendSeconds(out, t);
    return out;
}

std::string
FormatSeconds(const std::optional<TimePoint>& t)
{
    return t ? FormatSeconds(*t) : std::string();
}

std::string
FormatSeconds(const std::optional<double>& seconds)
{
    return seconds ? FormatSeconds(*seconds) : std::string();
}

void
AppendCsvField(std::string& out, std::string_view text)
{
    // Sixteen bytes per step, then a plain loop: string_view::find_first_of tries each of
    // the four characters per position (~400 instructions for a 40-byte Call-ID).
    const char* const end = text.data() + text.size();
    if (lex::FindFirstOf<',', '"', '\r', '\n'>(text.data(), end) == end)
    {
        out.append(text);
        return;
    }
    out += '"';
    for (char c : text)
    {
        out += c;
        if (c == '"')
        {
            out += '"';
        }
    }
    out += '"';
}

std::string
CsvField(std::string_view text)
{
    std::string out;
    AppendCsvField(out, text);
    return out;
}

double
RoundNs(double seconds)
{
    return std::round(seconds * 1e9) / 1e9;
}

} // namespace sipsim
