#include "message_handoff.h"

#include "core/inbound.h"
#include "sip/hash_bytes.h"
#include "sip/headers.h"
#include "sip/uri.h"

#include <utility>

namespace sipsim
{

MessageHandOff::MessageHandOff(std::size_t window, std::shared_ptr<LastBytesHash> hasher)
    : m_window(window == 0 ? 1 : window)
    , m_hasher(hasher ? std::move(hasher) : std::make_shared<LastBytesHash>())
{
}

void
MessageHandOff::Submit(const SharedBytes& bytes, std::shared_ptr<const SipMessage> message)
{
    if (!message)
    {
        return;
    }
    const uint64_t hash = m_hasher->Hash(bytes);
    m_index.Add(hash, m_firstSeq + m_entries.size());
    m_entries.push_back(Entry{hash, bytes, std::move(message)});
    ++m_counters.submitted;
    Trim();
}

std::shared_ptr<const SipMessage>
MessageHandOff::Take(std::string_view bytes)
{
    const std::optional<uint64_t> seq = m_index.Take(HashBytes(bytes), [&](uint64_t s) {
        return m_entries[s - m_firstSeq].bytes.Str() == bytes;
    });
    if (!seq)
    {
        ++m_counters.missed;
        return nullptr;
    }
    Entry& entry = m_entries[*seq - m_firstSeq];
    std::shared_ptr<const SipMessage> message = std::move(entry.message);
    entry.message = nullptr;
    entry.bytes = SharedBytes();
    ++m_counters.taken;
    Trim();
    return message;
}

void
MessageHandOff::Trim()
{
    while (!m_entries.empty() && (!m_entries.front().message || m_entries.size() > m_window))
    {
        Entry& front = m_entries.front();
        if (front.message)
        {
            m_index.Remove(front.hash, m_firstSeq);
            ++m_counters.expired;
        }
        m_entries.pop_front();
        ++m_firstSeq;
    }
}

namespace
{

bool
SameVia(const Via* a, const Via* b)
{
    if (a == nullptr || b == nullptr)
    {
        return a == b;
    }
    return a->protocolName == b->protocolName && a->protocolVersion == b->protocolVersion &&
           a->transport == b->transport && a->host == b->host && a->port == b->port &&
           a->params == b->params;
}

bool
SameUri(const SipUri* a, const SipUri* b)
{
    return a == nullptr || b == nullptr ? a == b : *a == *b;
}

/// What differs between the sender's message and the parse of its bytes; empty when nothing.
/// Besides the lines, what the sender may have remembered of them (the parsed top Via, which
/// a proxy or UA remembers as it built it, and the parsed Request-URI): the receiver would
/// use those as they are.
std::string
Difference(const SipMessage& sent, const InboundResult& parsed)
{
    if (!parsed.message)
    {
        return parsed.error;
    }
    const SipMessage& message = *parsed.message;
    if (message != sent)
    {
        return "other start line, header lines or body";
    }
    if (sent.HasParsedTopVia() && !SameVia(sent.ParsedTopVia().get(), TopVia(message).get()))
    {
        return "other remembered top Via";
    }
    if (sent.HasParsedRequestUri() &&
        !SameUri(sent.ParsedRequestUri().get(), RequestSipUri(message).get()))
    {
        return "other remembered Request-URI";
    }
    return {};
}

} // namespace

void
VerifyHandOff(const SipMessage& sent, std::string_view bytes)
{
    const std::string difference = Difference(sent, ParseInbound(bytes));
    if (difference.empty())
    {
        return;
    }
    const std::string_view startLine = bytes.substr(0, bytes.find_first_of("\r\n"));
    throw HandOffMismatch("message hand-off: the receiver would parse \"" + std::string(startLine) +
                          "\" differently (" + difference + ")");
}

} // namespace sipsim
