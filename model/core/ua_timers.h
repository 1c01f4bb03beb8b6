#ifndef SIPSIM_CORE_UA_TIMERS_H
#define SIPSIM_CORE_UA_TIMERS_H

#include "sip/types.h"

#include <cstdint>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>

namespace sipsim
{

/// Timers the user agent core runs itself (the transaction layer runs A..M).
enum class UaTimer : uint8_t
{
    Ring,            ///< UAS: ring time over, send the final response
    Retransmit2xx,   ///< UAS: resend the 2xx (T1 doubling, capped at T2; §13.3.1.4)
    AckTimeout,      ///< UAS: no ACK 64*T1 after the 2xx: BYE (§13.3.1.4)
    Hangup,          ///< either side: hold time over, send BYE
    NoAnswer,        ///< UAC: give up ringing, CANCEL
    CancelGiveUp,    ///< UAC: no final response 64*T1 after CANCEL (§9.1)
    RegisterRefresh, ///< re-REGISTER before the binding expires
};

/// One armed timer: whose, which.
struct UaTimerKey
{
    uint64_t owner = 0;
    UaTimer timer = UaTimer::Ring;
};

/// At most one deadline per (owner, timer). Ordered by deadline, ties by owner then timer,
/// so firing order is deterministic. Exact: Next() never reports a cancelled deadline.
class UaTimerQueue
{
public:
    /// Arms (or re-arms) the timer.
    void Arm(uint64_t owner, UaTimer timer, TimePoint deadline);
    void Disarm(uint64_t owner, UaTimer timer);
    void DisarmAll(uint64_t owner);
    bool IsArmed(uint64_t owner, UaTimer timer) const;

    std::optional<TimePoint> Next() const;
    /// Removes and returns the earliest timer due at or before `now`.
    std::optional<UaTimerKey> PopDue(TimePoint now);
    std::size_t Size() const { return m_byDeadline.size(); }

private:
    static uint64_t Key(uint64_t owner, UaTimer timer)
    {
        return (owner << 3) | static_cast<uint64_t>(timer);
    }

    std::set<std::tuple<TimePoint, uint64_t, uint8_t>> m_byDeadline;
    std::unordered_map<uint64_t, TimePoint> m_armed; ///< Key() -> deadline
};

} // namespace sipsim

#endif
