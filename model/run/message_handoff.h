#ifndef SIPSIM_RUN_MESSAGE_HANDOFF_H
#define SIPSIM_RUN_MESSAGE_HANDOFF_H

// Handing the sender's message object to an in-process receiver with the bytes. Every
// element of a simulation runs in this process, and the core of each one sends the
// message it serialised together with the bytes (Transmit::message). When the bytes
// arrive unchanged, parsing them would rebuild that message: the receiver takes it
// instead, which spares the parse (14% of a run's instructions). Bytes are still built, sent,
// sized, traced and written as before, so every output is byte-identical; runs check this
// with --parse-every-hop (no hand-off) and --verify-hand-off (parse too, and compare).
// Whatever is not found -- bytes sent without a message, results dropped after `window`
// later submissions because their packet was lost -- the receiver parses as usual.

#include "bytes_index.h"
#include "sip/message.h"
#include "sip/shared_bytes.h"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sipsim
{

class MessageHandOff
{
public:
    struct Counters
    {
        uint64_t submitted = 0;
        uint64_t taken = 0;   ///< Take found the message
        uint64_t missed = 0;  ///< Take found nothing: the receiver parsed
        uint64_t expired = 0; ///< dropped untaken (lost packets, or beyond the window)
    };

    /// `window`: messages kept for at most that many later submissions.
    /// `hasher` may be shared with the message tracker (see LastBytesHash).
    explicit MessageHandOff(std::size_t window = 4096,
                            std::shared_ptr<LastBytesHash> hasher = nullptr);

    /// `message` is what `bytes` serialise; the entry shares the bytes rather than copying them.
    void Submit(const SharedBytes& bytes, std::shared_ptr<const SipMessage> message);
    /// The message submitted with exactly these bytes, or null.
    std::shared_ptr<const SipMessage> Take(std::string_view bytes);

    const Counters& GetCounters() const { return m_counters; }

private:
    struct Entry
    {
        uint64_t hash = 0;
        SharedBytes bytes;
        std::shared_ptr<const SipMessage> message; ///< null once taken
    };

    /// Drops taken entries at the front, and any beyond the window.
    void Trim();

    const std::size_t m_window;
    Counters m_counters;
    std::deque<Entry> m_entries; ///< by sequence, from m_firstSeq
    uint64_t m_firstSeq = 0;
    BytesIndex m_index;
    std::shared_ptr<LastBytesHash> m_hasher;
};

/// A handed-off message that its bytes would not have parsed into (a bug: see VerifyHandOff).
class HandOffMismatch : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/// Throws HandOffMismatch naming the message unless parsing `bytes` as a receiver does
/// (ParseInbound) accepts them and gives exactly `sent`.
void VerifyHandOff(const SipMessage& sent, std::string_view bytes);

} // namespace sipsim

#endif
