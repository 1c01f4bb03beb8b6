#ifndef SIPSIM_SIP_TYPES_H
#define SIPSIM_SIP_TYPES_H

#include "shared_bytes.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace sipsim
{

/// Time in the core is a plain duration since an arbitrary epoch (the simulation start, or a
/// steady clock's origin for real sockets). The core never reads a clock: callers pass `now`.
using Duration = std::chrono::nanoseconds;
using TimePoint = std::chrono::nanoseconds;

inline constexpr Duration
Milliseconds(int64_t ms)
{
    return std::chrono::milliseconds(ms);
}

inline constexpr Duration
Seconds(double s)
{
    return Duration(static_cast<int64_t>(s * 1e9));
}

inline double
ToSeconds(Duration d)
{
    return static_cast<double>(d.count()) / 1e9;
}

enum class Transport
{
    Udp,
    Tcp,
};

/// "UDP" / "TCP", as written in Via.
const char* TransportName(Transport transport);
/// Reliable transports have no retransmission timers and zero D/I/J/K (§17).
inline bool
IsReliable(Transport transport)
{
    return transport != Transport::Udp;
}

/// A transport address. The host is a textual IPv4/IPv6 address or host name.
struct Address
{
    std::string host;
    uint16_t port = 5060;
    Transport transport = Transport::Udp;

    std::string ToString() const; ///< "host:port"
    bool operator==(const Address& other) const
    {
        return host == other.host && port == other.port && transport == other.transport;
    }
    bool operator!=(const Address& other) const { return !(*this == other); }
    bool operator<(const Address& other) const;
};

class SipMessage;

/// Bytes the core wants sent. `retransmission` marks a timer-driven resend of bytes sent
/// before, so observers can count retransmissions without re-parsing. `message` is the
/// message `data` serialises (null when the core has none): a receiver in the same process
/// may take it instead of parsing the bytes (see MessageHandOff in the simulation). `data` is
/// shared with the transaction that keeps it for retransmission.
struct Transmit
{
    Address destination;
    SharedBytes data;
    bool retransmission = false;
    std::shared_ptr<const SipMessage> message;
};

/// Source of randomness for identifiers (branch, tag, Call-ID, nonce, cnonce) and for
/// behaviour draws (busy probability). Injected so a simulator's RNG stream reproduces runs.
class RandomSource
{
public:
    virtual ~RandomSource() = default;
    virtual uint64_t NextU64() = 0;

    /// Uniform in [0, 1).
    double NextUnit();
    /// `length` characters from [0-9a-z], suitable for tags, branches and Call-IDs.
    std::string Token(std::size_t length);
};

/// Deterministic generator (SplitMix64) for tests and real-socket peers.
class SplitMixRandom : public RandomSource
{
public:
    explicit SplitMixRandom(uint64_t seed) : m_state(seed) {}
    uint64_t NextU64() override;

private:
    uint64_t m_state;
};

} // namespace sipsim

#endif
