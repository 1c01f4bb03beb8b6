#ifndef SIPSIM_RUN_SUMMARY_H
#define SIPSIM_RUN_SUMMARY_H

#include "call_tracker.h"
#include "message_tracker.h"
#include "stats.h"

#include <ostream>
#include <string>

namespace sipsim
{

/// Everything summary.json reports, gathered at the end of a run.
struct RunSummary
{
    uint32_t seed = 1;
    uint32_t run = 1;
    TimePoint simulatedTime{0};
    CallTotals calls;
    SampleSummary setupDelay;
    SampleSummary srd;
    SampleSummary sdd;
    SampleSummary authDelay;
    MessageCounters messages;
    std::string scenarioJson; ///< ToJson(scenario)
};

/// RFC 6076 §4.6-4.9 ratios in percent, as the RFC defines them; empty when the
/// denominator is zero.
struct Rfc6076Ratios
{
    std::optional<double> ser;
    std::optional<double> seer;
    std::optional<double> isa;
    std::optional<double> scr;
};

Rfc6076Ratios ComputeRfc6076(const CallTotals& calls);

/// summary.json: keys in a fixed order, times rounded to the nanosecond, 2-space indent.
void WriteSummary(std::ostream& out, const RunSummary& summary);

} // namespace sipsim

#endif
