#include "invariants.h"

namespace sipsim
{

std::vector<std::string>
CheckInvariants(const CallTotals& c, uint64_t callsStarted, const MessageCounters& m)
{
    std::vector<std::string> v;
    auto n = [](uint64_t x) { return std::to_string(x); };
    if (c.attempted != c.completed + c.failed + c.active)
    {
        v.push_back("calls attempted (" + n(c.attempted) + ") != completed (" + n(c.completed) +
                    ") + failed (" + n(c.failed) + ") + active (" + n(c.active) + ")");
    }
    if (c.attempted != callsStarted)
    {
        v.push_back("calls attempted (" + n(c.attempted) + ") != calls started by the workload (" +
                    n(callsStarted) + ")");
    }
    if (m.sent != m.delivered + m.dropped + m.inFlight)
    {
        v.push_back("messages sent (" + n(m.sent) + ") != delivered (" + n(m.delivered) +
                    ") + dropped (" + n(m.dropped) + ") + in flight (" + n(m.inFlight) + ")");
    }
    if (c.established > c.attempted)
    {
        v.push_back("calls established (" + n(c.established) + ") > attempted (" + n(c.attempted) +
                    ")");
    }
    if (c.completed > c.established)
    {
        v.push_back("calls completed (" + n(c.completed) + ") > established (" + n(c.established) +
                    ")");
    }
    return v;
}

} // namespace sipsim
