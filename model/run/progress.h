#ifndef SIPSIM_RUN_PROGRESS_H
#define SIPSIM_RUN_PROGRESS_H

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

namespace sipsim
{

/// Progress on stderr for long runs. On a terminal: after half a second, one bar redrawn in
/// place at most ten times a second. Otherwise (a log file, CI) nothing for the first ten seconds,
/// then one line every ten seconds, so short runs and tests stay silent. Never writes to stdout and
/// never touches the output files, so it cannot affect determinism.
class ProgressReporter
{
public:
    ProgressReporter(std::ostream& out, bool enabled, bool terminal);

    /// fraction in [0, 1]; simSeconds and calls are shown for context.
    /// `final`: the last update of the run, drawn even when rate-limited (if a bar is shown).
    void Update(double fraction, double simSeconds, uint64_t callsEnded, bool final = false);
    /// Ends the bar's line if one was drawn.
    void Finish();

    bool Printed() const { return m_printed; }

private:
    using Clock = std::chrono::steady_clock;

    std::string Render(double fraction, double simSeconds, uint64_t callsEnded) const;

    std::ostream& m_out;
    bool m_enabled;
    bool m_terminal;
    bool m_printed = false;
    Clock::time_point m_start;
    Clock::time_point m_last;
};

} // namespace sipsim

#endif
