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

std::string
FormatSeconds(TimePoint t)
{
    // Integer arithmetic: exact for any nanosecond count, no double rounding.
    const int64_t ns = t.count();
    const bool negative = ns < 0;
    const uint64_t magnitude = negative ? static_cast<uint64_t>(-(ns + 1)) + 1 : ns;
    char buffer[64];
    std::snprintf(buffer, sizeof(buffer), "%s%llu.%09llu", negative ? "-" : "",
                  static_cast<unsigned long long>(magnitude / 1000000000ULL),
                  static_cast<unsigned long long>(magnitude % 1000000000ULL));
    return buffer;
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

std::string
CsvField(std::string_view text)
{
    if (text.find_first_of(",\"\r\n") == std::string_view::npos)
    {
        return std::string(text);
    }
    std::string out = "\"";
    for (char c : text)
    {
        out += c;
        if (c == '"')
        {
            out += '"';
        }
    }
    out += '"';
    return out;
}

double
RoundNs(double seconds)
{
    return std::round(seconds * 1e9) / 1e9;
}

} // namespace sipsim
