#ifndef SIPSIM_RUN_CSV_FORMAT_H
#define SIPSIM_RUN_CSV_FORMAT_H

// Fixed-format text for the run's output files: byte-identical for equal runs, independent
// of locale and stream state.

#include "sip/types.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sipsim
{

/// Seconds with 9 decimals (the simulator's nanosecond resolution): "2.014000000".
std::string FormatSeconds(double seconds);
std::string FormatSeconds(TimePoint t);
/// Empty for a missing value.
std::string FormatSeconds(const std::optional<TimePoint>& t);
std::string FormatSeconds(const std::optional<double>& seconds);
/// A CSV field, quoted (with doubled quotes) only when it contains , " CR or LF.
std::string CsvField(std::string_view text);
/// Appending forms of FormatSeconds(TimePoint) and CsvField, byte-identical to them, for
/// per-row writers (messages.csv gets a row per transmission): no temporary strings.
void AppendSeconds(std::string& out, TimePoint t);
void AppendCsvField(std::string& out, std::string_view text);
void AppendUnsigned(std::string& out, uint64_t value);
/// Rounds to the nanosecond so JSON prints 2.014, not 2.0140000000000002.
double RoundNs(double seconds);

} // namespace sipsim

#endif
