#include "message_tracker.h"

#include "csv_format.h"
#include "sim/sip_element_application.h"
#include "sip/abnf.h"
#include "sip/hash_bytes.h"

#include <algorithm>

namespace sipsim
{

const char*
MessageStatusName(MessageStatus status)
{
    switch (status)
    {
    case MessageStatus::Pending:
    case MessageStatus::InFlight:
        return "in_flight";
    case MessageStatus::Delivered:
        return "delivered";
    case MessageStatus::Dropped:
        return "dropped";
    }
    return "in_flight";
}

MessageTracker::MessageTracker(Options options, std::ostream* csv, CallLookup lookup,
                               Observer observer)
    : m_options(std::move(options))
    , m_csv(csv)
    , m_lookup(std::move(lookup))
    , m_observer(std::move(observer))
{
    if (!m_options.hasher)
    {
        m_options.hasher = std::make_shared<LastBytesHash>();
    }
    if (m_csv)
    {
        *m_csv << "time_s,call,call_id,from,to,kind,cseq,size,retransmission,status\n";
    }
}

NodeId
MessageTracker::NodeOfHost(const std::string& host)
{
    constexpr std::size_t kMaxRememberedHosts = 4096;
    if (const auto it = m_hostNodes.find(host); it != m_hostNodes.end())
    {
        return it->second;
    }
    if (m_hostNodes.size() >= kMaxRememberedHosts)
    {
        m_hostNodes.clear();
    }
    const NodeId node = ResolveHost(host);
    m_hostNodes.emplace(host, node);
    return node;
}

NodeId
MessageTracker::ResolveHost(const std::string& host) const
{
    if (auto ip = ParseIpv4(host))
    {
        auto it = m_options.addressToNode.find(ip->Get());
        return it == m_options.addressToNode.end() ? kNoNode : it->second;
    }
    auto it = m_options.hostToNode.find(abnf::ToLower(host));
    if (it == m_options.hostToNode.end())
    {
        it = m_options.hostToNode.find(host);
    }
    return it == m_options.hostToNode.end() ? kNoNode : it->second;
}

std::string_view
MessageTracker::NameView(NodeId node) const
{
    return node < m_options.nodeNames.size() ? std::string_view(m_options.nodeNames[node])
                                             : std::string_view("?");
}

uint64_t
MessageTracker::ContentKey(NodeId from, NodeId to, const std::string& bytes) const
{
    return HashCombine(HashCombine(m_options.hasher->Hash(bytes), from), to);
}

bool
MessageTracker::SeenBefore(TimePoint now, uint64_t key)
{
    while (!m_seenOrder.empty() && m_seenOrder.front().first + m_options.retransmissionWindow < now)
    {
        auto it = m_seen.find(m_seenOrder.front().second);
        if (it != m_seen.end() && it->second == m_seenOrder.front().first)
        {
            m_seen.erase(it);
        }
        m_seenOrder.pop_front();
    }
    auto [it, inserted] = m_seen.try_emplace(key, now);
    it->second = now;
    m_seenOrder.emplace_back(now, key);
    return !inserted;
}

uint64_t
MessageTracker::Append(Record record)
{
    const uint64_t seq = m_base + m_records.size();
    m_records.push_back(std::move(record));
    return seq;
}

MessageTracker::Record*
MessageTracker::Find(uint64_t seq)
{
    if (seq < m_base || seq >= m_base + m_records.size())
    {
        return nullptr;
    }
    return &m_records[seq - m_base];
}

void
MessageTracker::Resolve(uint64_t seq, MessageStatus status, const std::string& reason)
{
    if (Record* record = Find(seq))
    {
        record->status = status;
        if (status == MessageStatus::Dropped)
        {
            record->dropReason = reason;
        }
    }
}

void
MessageTracker::OnTx(TimePoint now, NodeId from, ns3::Ptr<const ns3::Packet> packet,
                     const Address& destination, bool retransmissionFlag)
{
    // Rows before this one may have been resolved since the last transmission.
    Flush();
    const std::string& bytes = CopyPacketBytes(*packet, m_bytes);
    const MessageInfo info = SummarizeMessage(bytes);
    Record record;
    const NodeId to = NodeOfHost(destination.host);
    const std::string_view toName =
        to == kNoNode ? std::string_view(destination.host) : NameView(to);
    m_kind.clear();
    info.AppendKind(m_kind);
    const std::string& kind = m_kind;
    uint64_t callIndex = 0;
    if (!info.callId.empty() && m_lookup)
    {
        m_callId.assign(info.callId); // keeps its capacity: no allocation per message
        callIndex = m_lookup(m_callId);
    }
    record.size = static_cast<uint32_t>(bytes.size());
    const uint64_t key = ContentKey(from, to, bytes);
    // Either the element says so (timer-driven resend) or a proxy relays bytes it already
    // relayed on this hop (a retransmitted 2xx or ACK passing through).
    record.retransmission = SeenBefore(now, key) || retransmissionFlag;
    if (record.retransmission)
    {
        record.retransmissionKey = info.RetransmissionKey();
    }
    if (m_options.ladderCall != 0 && callIndex == m_options.ladderCall)
    {
        m_ladderCallId = std::string(info.callId);
        record.ladder.reset(new LadderEntry{now, kind, std::string(NameView(from)),
                                            std::string(toName), record.retransmission,
                                            MessageStatus::Pending, bytes});
    }
    if (m_csv)
    {
        std::string& row = m_rows;
        const std::size_t rowStart = row.size();
        AppendSeconds(row, now);
        row += ',';
        if (callIndex != 0)
        {
            AppendUnsigned(row, callIndex);
        }
        row += ',';
        AppendCsvField(row, info.callId);
        row += ',';
        AppendCsvField(row, NameView(from));
        row += ',';
        AppendCsvField(row, toName);
        row += ',';
        AppendCsvField(row, kind);
        row += ',';
        AppendCsvField(row, info.cseq);
        row += ',';
        AppendUnsigned(row, record.size);
        row += record.retransmission ? ",1," : ",0,";
        record.rowSize = static_cast<uint32_t>(row.size() - rowStart);
    }
    if (m_observer)
    {
        m_observer(ObservedMessage{&info, callIndex, record.size, record.retransmission});
    }
    const uint64_t seq = Append(std::move(record));
    if (m_options.streamTransport)
    {
        m_byContent[key].push_back(seq);
    }
    else
    {
        m_byUid[packet->GetUid()] = seq;
    }
}

std::optional<uint64_t>
MessageTracker::TakeByContent(uint64_t key)
{
    auto it = m_byContent.find(key);
    while (it != m_byContent.end() && !it->second.empty())
    {
        const uint64_t seq = it->second.front();
        it->second.pop_front();
        if (it->second.empty())
        {
            m_byContent.erase(it);
            it = m_byContent.end();
        }
        const Record* record = Find(seq);
        if (record != nullptr && record->status == MessageStatus::Pending)
        {
            return seq;
        }
    }
    return std::nullopt;
}

void
MessageTracker::OnRx(TimePoint, NodeId at, ns3::Ptr<const ns3::Packet> packet,
                     const Address& source)
{
    std::optional<uint64_t> seq;
    if (!m_options.streamTransport)
    {
        auto it = m_byUid.find(packet->GetUid());
        if (it != m_byUid.end())
        {
            seq = it->second;
            m_byUid.erase(it);
        }
    }
    else
    {
        seq = TakeByContent(
            ContentKey(NodeOfHost(source.host), at, CopyPacketBytes(*packet, m_bytes)));
    }
    if (!seq)
    {
        return; // not a transmission we saw leave (nothing else sends SIP here)
    }
    Resolve(*seq, MessageStatus::Delivered);
    m_lastRx[at] = *seq;
}

void
MessageTracker::OnAppDrop(TimePoint now, NodeId at, ns3::Ptr<const ns3::Packet> packet,
                          const Address& peer, const std::string& reason)
{
    if (reason == "queue-overflow")
    {
        // The receiver's CPU queue shed the message it has just reported received (the
        // application re-packs the bytes, so the uid is lost; the order is not).
        if (auto it = m_lastRx.find(at); it != m_lastRx.end())
        {
            Resolve(it->second, MessageStatus::Dropped, reason);
        }
        return;
    }
    if (reason == "unresolvable" || reason == "transport-mismatch")
    {
        // Refused before any Tx trace: still a transmission the element attempted.
        OnTx(now, at, packet, peer, false);
        Resolve(m_base + m_records.size() - 1, MessageStatus::Dropped, reason);
        m_byUid.erase(packet->GetUid());
        return;
    }
    if (!m_options.streamTransport)
    {
        auto it = m_byUid.find(packet->GetUid());
        if (it != m_byUid.end())
        {
            Resolve(it->second, MessageStatus::Dropped, reason);
            m_byUid.erase(it);
        }
        return;
    }
    if (auto seq =
            TakeByContent(ContentKey(at, NodeOfHost(peer.host), CopyPacketBytes(*packet, m_bytes))))
    {
        Resolve(*seq, MessageStatus::Dropped, reason);
    }
}

void
MessageTracker::OnLinkDrop(ns3::Ptr<const ns3::Packet> packet, const std::string& reason)
{
    auto it = m_byUid.find(packet->GetUid());
    if (it == m_byUid.end())
    {
        return; // TCP segments and other traffic: the transport recovers or reports
    }
    Resolve(it->second, MessageStatus::Dropped, reason);
    m_byUid.erase(it);
}

void
MessageTracker::Write(Record& r)
{
    ++m_counters.sent;
    m_counters.bytes += r.size;
    switch (r.status)
    {
    case MessageStatus::Delivered:
        ++m_counters.delivered;
        break;
    case MessageStatus::Dropped:
        ++m_counters.dropped;
        ++m_counters.dropReasons[r.dropReason];
        break;
    default:
        ++m_counters.inFlight;
        break;
    }
    if (r.retransmission)
    {
        ++m_counters.retransmissions;
        ++m_counters.retransmissionsByMessage[r.retransmissionKey];
    }
    if (r.ladder)
    {
        m_ladder.push_back(std::move(*r.ladder));
        m_ladder.back().status = r.status;
    }
    if (m_csv)
    {
        m_out.append(m_rows, m_rowsStart, r.rowSize);
        m_out += MessageStatusName(r.status);
        m_out += '\n';
        m_rowsStart += r.rowSize;
    }
}

void
MessageTracker::Flush()
{
    while (!m_records.empty() && m_records.front().status != MessageStatus::Pending)
    {
        Write(m_records.front());
        m_records.pop_front();
        ++m_base;
    }
    if (!m_out.empty())
    {
        m_csv->write(m_out.data(), static_cast<std::streamsize>(m_out.size()));
        m_out.clear();
    }
    // Written rows are dropped once they are most of the buffer, so the move of the
    // unwritten rest stays small next to the writing.
    constexpr std::size_t kMinRowsToDrop = 64 * 1024;
    if (m_rowsStart >= kMinRowsToDrop && m_rowsStart * 2 >= m_rows.size())
    {
        m_rows.erase(0, m_rowsStart);
        m_rowsStart = 0;
    }
}

void
MessageTracker::Finish()
{
    for (Record& record : m_records)
    {
        if (record.status == MessageStatus::Pending)
        {
            record.status = MessageStatus::InFlight;
        }
    }
    Flush();
    m_byUid.clear();
    m_byContent.clear();
}

} // namespace sipsim
