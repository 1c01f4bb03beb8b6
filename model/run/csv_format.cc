#include "csv_format.h"

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

void
AppendUnsigned(std::string& out, uint64_t value)
{
    char digits[20];
    std::size_t n = 0;
    do
    {
        digits[n++] = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value != 0);
    while (n > 0)
    {
        out += digits[--n];
    }
}

void
AppendSeconds(std::string& out, TimePoint t)
{
    // Integer arithmetic: exact for any nanosecond count, no double rounding.
    const int64_t ns = t.count();
    const bool negative = ns < 0;
    const uint64_t magnitude = negative ? static_cast<uint64_t>(-(ns + 1)) + 1 : ns;
    if (negative)
    {
        out += '-';
    }
    AppendUnsigned(out, magnitude / 1000000000ULL);
    out += '.';
    uint64_t fraction = magnitude % 1000000000ULL;
    char digits[9];
    for (int i = 8; i >= 0; --i)
    {
        digits[i] = static_cast<char>('0' + fraction % 10);
        fraction /= 10;
    }
    out.append(digits, sizeof(digits));
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
    // One pass with a plain loop: string_view::find_first_of tries each of the four
    // characters per position (~400 instructions for a 40-byte Call-ID).
    bool plain = true;
    for (char c : text)
    {
        if (c == ',' || c == '"' || c == '\r' || c == '\n')
        {
            plain = false;
            break;
        }
    }
    if (plain)
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
