#ifndef SIPSIM_CORE_INBOUND_H
#define SIPSIM_CORE_INBOUND_H

#include "sip/message.h"

#include <optional>
#include <string>
#include <string_view>

namespace sipsim
{

/// What an element makes of one received datagram (or framed stream message).
struct InboundResult
{
    /// Parsed and semantically valid (ParseMessage + CheckMandatoryHeaders).
    std::optional<SipMessage> message;
    /// A 400 (reason naming the problem) to send back to the source, when the bytes were a
    /// request (not an ACK) with a usable top Via to route it by. Built from a lenient scan
    /// of the raw header lines: the Vias, and the first From, To, Call-ID and CSeq, each
    /// only when well-formed, so the 400 itself always parses. A request in another SIP
    /// version gets 505 Version Not Supported instead.
    std::optional<SipMessage> badRequest;
    /// Why the bytes were rejected (empty when `message` is set).
    std::string error;
};

/// Parses received bytes for a UA, proxy or registrar. Never throws and never crashes on
/// garbage; a response that does not parse is simply dropped (only `error` is set), since
/// nothing may be sent in answer to a response.
/// `seen` is the element's memo of header lines already validated (see ValidatedLines).
InboundResult ParseInbound(std::string_view bytes, ValidatedLines* seen = nullptr);

} // namespace sipsim

#endif
