#ifndef SIPSIM_TXN_TIMER_LANES_H
#define SIPSIM_TXN_TIMER_LANES_H

#include "sip/types.h"
#include "timers.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <vector>

namespace sipsim
{

/// A queued transaction timer: a hint the owning transaction confirms when it pops.
struct TimerEntry
{
    TimePoint deadline;
    uint64_t sequence; ///< FIFO among equal deadlines, for determinism
    uint64_t txn;
    TimerId timer;

    bool Before(const TimerEntry& other) const
    {
        return deadline != other.deadline ? deadline < other.deadline : sequence < other.sequence;
    }
};

/// The transaction timers in (deadline, sequence) order, as a binary heap would give them,
/// but kept as one FIFO lane per timer duration. Transaction timers take few distinct
/// durations (T1 doublings, T2, T4, 64*T1 ...) and are armed at a clock that never goes
/// back, so each lane is already sorted: arming appends, popping takes a lane's front,
/// and the earliest entry is the least of a handful of fronts. A heap of tens of thousands
/// of entries touched a scattered cache line per level on every push and pop.
class TimerLanes
{
public:
    bool empty() const { return m_first == kNone; }
    std::size_t size() const
    {
        std::size_t total = 0;
        for (const Lane& lane : m_lanes)
        {
            total += lane.entries.size();
        }
        return total;
    }

    void push(const TimerEntry& entry, Duration after)
    {
        Lane& lane = LaneFor(after);
        if (lane.entries.empty() || !entry.Before(lane.entries.back()))
        {
            lane.entries.push_back(entry);
        }
        else
        {
            // Only a clock set back (never in a simulation) lands here; stay ordered.
            const auto at = std::upper_bound(
                lane.entries.begin(), lane.entries.end(), entry,
                [](const TimerEntry& a, const TimerEntry& b) { return a.Before(b); });
            lane.entries.insert(at, entry);
        }
        const auto index = static_cast<std::size_t>(&lane - m_lanes.data());
        if (m_first == kNone || lane.entries.front().Before(m_lanes[m_first].entries.front()))
        {
            m_first = index;
        }
    }

    /// The earliest entry; only when not empty().
    const TimerEntry& top() const { return m_lanes[m_first].entries.front(); }

    void pop()
    {
        m_lanes[m_first].entries.pop_front();
        m_first = kNone;
        for (std::size_t i = 0; i < m_lanes.size(); ++i)
        {
            const auto& entries = m_lanes[i].entries;
            if (!entries.empty() &&
                (m_first == kNone || entries.front().Before(m_lanes[m_first].entries.front())))
            {
                m_first = i;
            }
        }
    }

private:
    static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

    struct Lane
    {
        Duration after;
        std::deque<TimerEntry> entries;
    };

    Lane& LaneFor(Duration after)
    {
        for (Lane& lane : m_lanes)
        {
            if (lane.after == after)
            {
                return lane;
            }
        }
        m_lanes.push_back(Lane{after, {}});
        return m_lanes.back();
    }

    std::vector<Lane> m_lanes;
    std::size_t m_first = kNone; ///< lane holding top(), kNone when empty
};

} // namespace sipsim

#endif
