#include "ua_timers.h"

namespace sipsim
{

namespace
{
constexpr uint8_t kTimerKinds = 7;
}

void
UaTimerQueue::Arm(uint64_t owner, UaTimer timer, TimePoint deadline)
{
    Disarm(owner, timer);
    m_byDeadline.emplace(deadline, owner, static_cast<uint8_t>(timer));
    m_armed.emplace(Key(owner, timer), deadline);
}

void
UaTimerQueue::Disarm(uint64_t owner, UaTimer timer)
{
    const auto it = m_armed.find(Key(owner, timer));
    if (it == m_armed.end())
    {
        return;
    }
    m_byDeadline.erase(std::make_tuple(it->second, owner, static_cast<uint8_t>(timer)));
    m_armed.erase(it);
}

void
UaTimerQueue::DisarmAll(uint64_t owner)
{
    for (uint8_t kind = 0; kind < kTimerKinds; ++kind)
    {
        Disarm(owner, static_cast<UaTimer>(kind));
    }
}

bool
UaTimerQueue::IsArmed(uint64_t owner, UaTimer timer) const
{
    return m_armed.count(Key(owner, timer)) != 0;
}

std::optional<TimePoint>
UaTimerQueue::Next() const
{
    if (m_byDeadline.empty())
    {
        return std::nullopt;
    }
    return std::get<0>(*m_byDeadline.begin());
}

std::optional<UaTimerKey>
UaTimerQueue::PopDue(TimePoint now)
{
    if (m_byDeadline.empty() || std::get<0>(*m_byDeadline.begin()) > now)
    {
        return std::nullopt;
    }
    const auto [deadline, owner, kind] = *m_byDeadline.begin();
    (void)deadline;
    m_byDeadline.erase(m_byDeadline.begin());
    const auto timer = static_cast<UaTimer>(kind);
    m_armed.erase(Key(owner, timer));
    return UaTimerKey{owner, timer};
}

} // namespace sipsim
