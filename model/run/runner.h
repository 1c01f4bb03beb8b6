#ifndef SIPSIM_RUN_RUNNER_H
#define SIPSIM_RUN_RUNNER_H

#include "message_handoff.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace sipsim
{

struct CallTotals;
struct MessageCounters;

/// `sipsim run` options.
struct RunOptions
{
    std::string scenarioPath;
    std::vector<std::string> overrides; ///< --set path=value, in order
    std::optional<uint32_t> run;        ///< --run N (replaces the scenario's run)
    std::string outDir;                 ///< --out DIR; empty: out/<scenario name>
    bool pcap = false;                  ///< --pcap (or [outputs] pcap)
    bool quiet = false;                 ///< --quiet: no progress, no result line
    std::optional<int> ladderCall;      ///< --ladder-call N
    bool parseAhead = false;            ///< --parse-ahead (SimulationExecution)
    bool parseEveryHop = false;         ///< --parse-every-hop (SimulationExecution)
    bool verifyHandOff = false;         ///< --verify-hand-off (SimulationExecution)
    /// Tests only: receives the message hand-off's counters at the end of the run (left
    /// untouched when every hop parses).
    MessageHandOff::Counters* handOffCountersForTest = nullptr;
    /// Tests only: alters the final counters before the invariant check, to prove that a
    /// violation is caught (not reachable from the command line).
    std::function<void(CallTotals&, MessageCounters&)> tamperForTest;
};

/// Exit statuses of a run (the CLI's 0/1/2 plus the invariant check).
inline constexpr int kRunOk = 0;
inline constexpr int kRunBadScenario = 2; ///< invalid scenario, option or output directory
inline constexpr int kRunInvariantViolated = 3;

/// Loads and validates everything (scenario, overrides, topology, output directory) before
/// creating any file; on a problem prints one line naming the field to `err` and returns 2
/// with nothing written. Otherwise simulates and writes DIR/messages.csv, calls.csv,
/// ladder.txt (when a ladder call is chosen), summary.json and DIR/pcap/ (with pcap). Ends
/// with the invariant check: a violation is printed loudly and returns 3.
int RunScenario(const RunOptions& options, std::ostream& out, std::ostream& err);

} // namespace sipsim

#endif
