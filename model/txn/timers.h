#ifndef SIPSIM_TXN_TIMERS_H
#define SIPSIM_TXN_TIMERS_H

#include "sip/types.h"

#include <cstddef>

namespace sipsim
{

/// RFC 3261 timer base values (Table 4), per endpoint: there are no global timers.
struct TimerConfig
{
    Duration t1 = Milliseconds(500);
    Duration t2 = Seconds(4);
    Duration t4 = Seconds(5);
    /// Proxy INVITE transaction timeout (§16.6 step 11); armed only on request.
    Duration timerC = Seconds(180);
    /// Timer D over unreliable transports: "at least 32 s" (§17.1.1.2).
    Duration timerD = Seconds(32);
    /// An INVITE server transaction sends 100 Trying itself when the TU has not sent a
    /// provisional within this delay (§17.2.1). Zero sends it on receipt (what a stateful
    /// proxy does, §16.2); a negative value disables the automatic 100.
    Duration trying100Delay = Milliseconds(200);
};

/// The RFC 3261 / RFC 6026 transaction timers by letter. `Trying100` is the §17.2.1
/// "200 ms" rule, which the RFC describes but does not name.
enum class TimerId : uint8_t
{
    A, ///< INVITE client retransmit (UDP), T1 doubling
    B, ///< INVITE client timeout, 64*T1
    C, ///< proxy INVITE timeout (optional, reset by provisionals other than 100)
    D, ///< INVITE client Completed wait, 32 s UDP / 0 reliable
    E, ///< non-INVITE client retransmit (UDP), T1 doubling capped at T2
    F, ///< non-INVITE client timeout, 64*T1
    G, ///< INVITE server final-response retransmit (UDP), T1 doubling capped at T2
    H, ///< INVITE server wait for ACK, 64*T1
    I, ///< INVITE server Confirmed wait, T4 UDP / 0 reliable
    J, ///< non-INVITE server Completed wait, 64*T1 UDP / 0 reliable
    K, ///< non-INVITE client Completed wait, T4 UDP / 0 reliable
    L, ///< INVITE server Accepted wait (RFC 6026), 64*T1
    M, ///< INVITE client Accepted wait (RFC 6026), 64*T1
    Trying100,
};

inline constexpr std::size_t kTimerIdCount = 14;

/// "A", "B", ... "M", "100".
const char* TimerName(TimerId timer);

/// The first value of a timer when it is armed, per RFC 3261 §17 and RFC 6026 §8.
/// Reliable transports zero D, I, J and K. Retransmit timers (A, E, G) return their first
/// interval; the machines double them (E and G capped at T2).
Duration InitialTimerValue(const TimerConfig& config, TimerId timer, bool reliable);

} // namespace sipsim

#endif
