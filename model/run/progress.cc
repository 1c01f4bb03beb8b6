#include "progress.h"

#include <algorithm>
#include <cstdio>

namespace sipsim
{

ProgressReporter::ProgressReporter(std::ostream& out, bool enabled, bool terminal)
    : m_out(out), m_enabled(enabled), m_terminal(terminal), m_start(Clock::now()), m_last(m_start)
{
}

std::string
ProgressReporter::Render(double fraction, double simSeconds, uint64_t callsEnded) const
{
    constexpr int kWidth = 30;
    const double f = std::clamp(fraction, 0.0, 1.0);
    const int filled = static_cast<int>(f * kWidth);
    const double wall = std::chrono::duration<double>(Clock::now() - m_start).count();
    char text[160];
    std::snprintf(text, sizeof(text), "[%s%s] %5.1f%%  calls %llu  sim %.1f s  wall %.1f s",
                  std::string(filled, '#').c_str(), std::string(kWidth - filled, '.').c_str(),
                  100.0 * f, static_cast<unsigned long long>(callsEnded), simSeconds, wall);
    return text;
}

void
ProgressReporter::Update(double fraction, double simSeconds, uint64_t callsEnded, bool final)
{
    if (!m_enabled)
    {
        return;
    }
    const auto now = Clock::now();
    if (m_terminal)
    {
        // Runs shorter than half a second never show a bar.
        const bool due = final ? m_printed
                               : now - m_start >= std::chrono::milliseconds(500) &&
                                     (!m_printed || now - m_last >= std::chrono::milliseconds(100));
        if (!due)
        {
            return;
        }
        m_out << "\r" << Render(fraction, simSeconds, callsEnded) << std::flush;
    }
    else
    {
        if (now - m_start < std::chrono::seconds(10) || now - m_last < std::chrono::seconds(10))
        {
            return;
        }
        m_out << "sipsim: " << Render(fraction, simSeconds, callsEnded) << "\n" << std::flush;
    }
    m_last = now;
    m_printed = true;
}

void
ProgressReporter::Finish()
{
    if (m_enabled && m_terminal && m_printed)
    {
        m_out << "\n" << std::flush;
    }
}

} // namespace sipsim
