#include "message_handoff.h"

#include "core/inbound.h"
#include "sip/hash_bytes.h"

#include <utility>

namespace sipsim
{

MessageHandOff::MessageHandOff(std::size_t window) : m_window(window == 0 ? 1 : window)
{
}

void
MessageHandOff::Submit(std::string_view bytes, std::shared_ptr<const SipMessage> message)
{
    if (!message)
    {
        return;
    }
    const uint64_t hash = HashBytes(bytes);
    m_byHash.emplace(hash, m_firstSeq + m_entries.size());
    m_entries.push_back(Entry{hash, std::string(bytes), std::move(message)});
    ++m_counters.submitted;
    Trim();
}

std::shared_ptr<const SipMessage>
MessageHandOff::Take(std::string_view bytes)
{
    const uint64_t hash = HashBytes(bytes);
    auto [begin, end] = m_byHash.equal_range(hash);
    // The oldest match: equal bytes (a retransmission) carry equal messages, and taking
    // the oldest frees the window from the front.
    auto oldest = end;
    for (auto it = begin; it != end; ++it)
    {
        if ((oldest == end || it->second < oldest->second) &&
            m_entries[it->second - m_firstSeq].bytes == bytes)
        {
            oldest = it;
        }
    }
    if (oldest == end)
    {
        ++m_counters.missed;
        return nullptr;
    }
    Entry& entry = m_entries[oldest->second - m_firstSeq];
    m_byHash.erase(oldest);
    std::shared_ptr<const SipMessage> message = std::move(entry.message);
    entry.message = nullptr;
    std::string().swap(entry.bytes);
    ++m_counters.taken;
    Trim();
    return message;
}

void
MessageHandOff::Unindex(uint64_t hash, uint64_t seq)
{
    auto [begin, end] = m_byHash.equal_range(hash);
    for (auto it = begin; it != end; ++it)
    {
        if (it->second == seq)
        {
            m_byHash.erase(it);
            return;
        }
    }
}

void
MessageHandOff::Trim()
{
    while (!m_entries.empty() && (!m_entries.front().message || m_entries.size() > m_window))
    {
        Entry& front = m_entries.front();
        if (front.message)
        {
            Unindex(front.hash, m_firstSeq);
            ++m_counters.expired;
        }
        m_entries.pop_front();
        ++m_firstSeq;
    }
}

void
VerifyHandOff(const SipMessage& sent, std::string_view bytes)
{
    const InboundResult parsed = ParseInbound(bytes);
    if (parsed.message && *parsed.message == sent)
    {
        return;
    }
    const std::string_view startLine = bytes.substr(0, bytes.find_first_of("\r\n"));
    throw HandOffMismatch("message hand-off: the receiver would parse \"" + std::string(startLine) +
                          "\" differently (" +
                          (parsed.message ? std::string("other message") : parsed.error) + ")");
}

} // namespace sipsim
