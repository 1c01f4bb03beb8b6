// TimerLanes against the binary heap it replaced: the same entries pop in the same
// (deadline, sequence) order.

#include "txn/timer_lanes.h"

#include <gtest/gtest.h>
#include <queue>
#include <random>
#include <vector>

namespace sipsim::test
{
namespace
{

struct Later
{
    bool operator()(const TimerEntry& a, const TimerEntry& b) const { return b.Before(a); }
};
using ReferenceHeap = std::priority_queue<TimerEntry, std::vector<TimerEntry>, Later>;

TEST(TimerLanes, PopsInDeadlineThenSequenceOrderLikeAHeap)
{
    // Transaction-like durations (T1 doublings, T2, T4, 32 s) armed as a clock advances,
    // with pops interleaved, ties on equal deadlines, and a few arms at an earlier clock.
    const std::vector<Duration> durations = {
        Milliseconds(500),  Milliseconds(1000),  Milliseconds(2000), Milliseconds(4000),
        Milliseconds(5000), Milliseconds(32000), Milliseconds(200)};
    for (uint32_t seed = 1; seed <= 20; ++seed)
    {
        std::mt19937 random(seed);
        TimerLanes lanes;
        ReferenceHeap reference;
        TimePoint now{};
        uint64_t sequence = 0;
        for (int step = 0; step < 3000; ++step)
        {
            const uint32_t roll = random() % 10;
            if (roll < 5)
            {
                const Duration after = durations[random() % durations.size()];
                // One arm in fifty at a clock set back: the lane must stay sorted.
                const TimePoint at = random() % 50 == 0 ? now - Milliseconds(random() % 3000) : now;
                const TimerEntry entry{at + after, sequence++, random() % 100, TimerId::E};
                lanes.push(entry, after);
                reference.push(entry);
            }
            else if (roll < 8)
            {
                now += Milliseconds(random() % 3) * 100; // equal clocks make equal deadlines
            }
            else if (!reference.empty())
            {
                ASSERT_FALSE(lanes.empty());
                EXPECT_EQ(lanes.top().sequence, reference.top().sequence);
                lanes.pop();
                reference.pop();
            }
            ASSERT_EQ(lanes.size(), reference.size());
        }
        while (!reference.empty())
        {
            ASSERT_EQ(lanes.top().sequence, reference.top().sequence) << "seed " << seed;
            EXPECT_EQ(lanes.top().deadline, reference.top().deadline);
            lanes.pop();
            reference.pop();
        }
        EXPECT_TRUE(lanes.empty());
    }
}

TEST(TimerLanes, EqualDeadlinesInDifferentLanesPopInArmingOrder)
{
    TimerLanes lanes;
    // Armed at 1.5 s for 0.5 s and at 0 s for 2 s: both due at 2 s, the second armed first.
    lanes.push(TimerEntry{TimePoint(Milliseconds(2000)), 7, 1, TimerId::A}, Milliseconds(500));
    lanes.push(TimerEntry{TimePoint(Milliseconds(2000)), 3, 2, TimerId::B}, Milliseconds(2000));
    lanes.push(TimerEntry{TimePoint(Milliseconds(2500)), 1, 3, TimerId::D}, Milliseconds(2500));
    ASSERT_EQ(lanes.size(), 3u);
    EXPECT_EQ(lanes.top().txn, 2u);
    lanes.pop();
    EXPECT_EQ(lanes.top().txn, 1u);
    lanes.pop();
    EXPECT_EQ(lanes.top().txn, 3u);
    lanes.pop();
    EXPECT_TRUE(lanes.empty());
}

} // namespace
} // namespace sipsim::test
