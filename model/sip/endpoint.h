#ifndef SIPSIM_SIP_ENDPOINT_H
#define SIPSIM_SIP_ENDPOINT_H

#include "types.h"

#include <optional>
#include <string_view>

namespace sipsim
{

/// The sans-I/O shape every SIP element (user agent, proxy, registrar) presents to the I/O
/// layer that drives it -- an ns-3 Application or a real-socket event loop:
///
///   feed:  HandleDatagram(now, bytes, from)   HandleTimeout(now)
///   drain: PollTransmit() until empty          NextDeadline() to re-arm the single timer
///
/// Implementations never read a clock and never touch a socket; element-specific events
/// (call progress, metrics) are exposed by the concrete classes.
class Endpoint
{
public:
    virtual ~Endpoint() = default;

    /// Bytes that arrived from `from` (one datagram, or one framed message on a stream).
    /// Garbage is tolerated: it is answered with 400 where possible, else dropped.
    virtual void HandleDatagram(TimePoint now, std::string_view bytes, const Address& from) = 0;
    /// Called at or after NextDeadline(); fires every timer that is due.
    virtual void HandleTimeout(TimePoint now) = 0;
    /// A transport could not deliver to `destination` (TCP connect failure, ICMP).
    virtual void HandleTransportError(TimePoint now, const Address& destination) = 0;

    /// Next bytes to send, in order; std::nullopt when there is nothing more.
    virtual std::optional<Transmit> PollTransmit() = 0;
    /// The earliest time HandleTimeout must be called, or std::nullopt when idle.
    virtual std::optional<TimePoint> NextDeadline() const = 0;
};

} // namespace sipsim

#endif
