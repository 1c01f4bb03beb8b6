#include "timers.h"

namespace sipsim
{

const char*
TimerName(TimerId timer)
{
    static constexpr const char* kNames[kTimerIdCount] = {"A", "B", "C", "D", "E", "F", "G",
                                                          "H", "I", "J", "K", "L", "M", "100"};
    return kNames[static_cast<std::size_t>(timer)];
}

Duration
InitialTimerValue(const TimerConfig& config, TimerId timer, bool reliable)
{
    const Duration zero{0};
    switch (timer)
    {
    case TimerId::A:
    case TimerId::E:
    case TimerId::G:
        return config.t1;
    case TimerId::B:
    case TimerId::F:
    case TimerId::H:
    case TimerId::L:
    case TimerId::M:
        return 64 * config.t1;
    case TimerId::C:
        return config.timerC;
    case TimerId::D:
        return reliable ? zero : config.timerD;
    case TimerId::I:
    case TimerId::K:
        return reliable ? zero : config.t4;
    case TimerId::J:
        return reliable ? zero : 64 * config.t1;
    case TimerId::Trying100:
        return config.trying100Delay;
    }
    return zero;
}

} // namespace sipsim
