#ifndef SIPSIM_RUN_INVARIANTS_H
#define SIPSIM_RUN_INVARIANTS_H

#include "call_tracker.h"
#include "message_tracker.h"

#include <cstdint>
#include <string>
#include <vector>

namespace sipsim
{

/// Conservation laws every run must satisfy; each violation is one line naming the
/// quantities. A violation means the accounting (or a core) lost track of something.
///  - calls attempted == completed + failed + still active, and == calls the workload started
///  - messages sent == delivered + dropped + in flight
///  - established <= attempted, completed <= established
std::vector<std::string> CheckInvariants(const CallTotals& calls, uint64_t callsStarted,
                                         const MessageCounters& messages);

} // namespace sipsim

#endif
