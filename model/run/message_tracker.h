#ifndef SIPSIM_RUN_MESSAGE_TRACKER_H
#define SIPSIM_RUN_MESSAGE_TRACKER_H

// Follows every SIP message transmission from the sending element to the receiving one
// and writes messages.csv.
//
// Sources: SipElementApplication Tx (one transmission), Rx (delivered), Drop (refused by the
// sender's transport or shed by the receiver's CPU queue), and the link layer's drop traces
// (loss model, device queue, IP). A UDP datagram keeps its ns-3 packet uid end to end, so Tx
// and Rx/link drops are matched by uid; TCP re-frames the stream, so there a delivery is
// matched by content (sender, receiver, bytes) in transmission order.
//
// Rows are written in transmission order once their fate is known, so memory follows the
// messages in flight, not the run length. Whatever is unresolved at the end is in_flight.

#include "bytes_index.h"
#include "message_info.h"
#include "ns3/packet.h"
#include "ns3/ptr.h"
#include "sip/flat_map.h"
#include "sip/types.h"
#include "topology/topology.h"

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <unordered_map>
#include <vector>

namespace sipsim
{

enum class MessageStatus
{
    Pending,
    Delivered,
    Dropped,
    InFlight,
};

const char* MessageStatusName(MessageStatus status);

/// One message of the ladder call, kept with its text for ladder.txt.
struct LadderEntry
{
    TimePoint time{0};
    std::string kind;
    std::string from;
    std::string to;
    bool retransmission = false;
    MessageStatus status = MessageStatus::Pending;
    std::string text;
};

struct MessageCounters
{
    uint64_t sent = 0;
    uint64_t delivered = 0;
    uint64_t dropped = 0;
    uint64_t inFlight = 0;
    uint64_t bytes = 0;
    uint64_t retransmissions = 0;
    std::map<std::string, uint64_t> retransmissionsByMessage;
    std::map<std::string, uint64_t> dropReasons;
};

/// What the call records learn from each transmission.
struct ObservedMessage
{
    const MessageInfo* info = nullptr;
    uint64_t callIndex = 0; ///< 0: not part of a call (REGISTER, or unknown)
    uint32_t size = 0;
    bool retransmission = false;
};

class MessageTracker
{
public:
    struct Options
    {
        std::vector<std::string> nodeNames;                 ///< by NodeId
        std::unordered_map<uint32_t, NodeId> addressToNode; ///< every IPv4 of every node
        std::map<std::string, NodeId> hostToNode;           ///< element host names
        bool streamTransport = false;                       ///< TCP: match by content
        /// How long a transmission is remembered for byte-equality retransmission detection:
        /// at least the longest retransmission schedule (64*T1) plus T4.
        Duration retransmissionWindow = std::chrono::seconds(40);
        uint64_t ladderCall = 0; ///< 0: no ladder
        /// Shared with the message hand-off, which hashed the same bytes just before.
        std::shared_ptr<LastBytesHash> hasher;
    };

    using CallLookup = std::function<uint64_t(const std::string& callId)>;
    using Observer = std::function<void(const ObservedMessage&)>;

    MessageTracker(Options options, std::ostream* csv, CallLookup lookup, Observer observer);

    void OnTx(TimePoint now, NodeId from, ns3::Ptr<const ns3::Packet> packet,
              const Address& destination, bool retransmissionFlag);
    void OnRx(TimePoint now, NodeId at, ns3::Ptr<const ns3::Packet> packet, const Address& source);
    void OnAppDrop(TimePoint now, NodeId at, ns3::Ptr<const ns3::Packet> packet,
                   const Address& peer, const std::string& reason);
    void OnLinkDrop(ns3::Ptr<const ns3::Packet> packet, const std::string& reason);

    /// Marks everything unresolved in_flight and writes the remaining rows.
    void Finish();

    const MessageCounters& Counters() const { return m_counters; }
    const std::vector<LadderEntry>& Ladder() const { return m_ladder; }
    const std::string& LadderCallId() const { return m_ladderCallId; }
    /// Transmissions whose fate is not known yet.
    std::size_t Unresolved() const { return m_records.size(); }

private:
    /// A transmission waiting for its fate. Everything but the status is known when it
    /// leaves, so its messages.csv row is formatted then, into one string: a record costs
    /// one allocation instead of one per column.
    struct Record
    {
        uint32_t size = 0;
        bool retransmission = false;
        MessageStatus status = MessageStatus::Pending;
        uint32_t rowSize = 0;          ///< its messages.csv columns before the status, in m_rows
        std::string retransmissionKey; ///< retransmissions only
        std::string dropReason;
        std::unique_ptr<LadderEntry> ladder; ///< only for the ladder call
    };

    uint64_t Append(Record record);
    Record* Find(uint64_t seq);
    void Resolve(uint64_t seq, MessageStatus status, const std::string& reason = {});
    void Flush();
    void Write(Record& record);
    NodeId NodeOfHost(const std::string& host);
    NodeId ResolveHost(const std::string& host) const;
    std::string_view NameView(NodeId node) const;
    uint64_t ContentKey(NodeId from, NodeId to, const std::string& bytes) const;
    bool SeenBefore(TimePoint now, uint64_t key);
    std::optional<uint64_t> TakeByContent(uint64_t key);

    Options m_options;
    std::ostream* m_csv;
    CallLookup m_lookup;
    std::string m_kind;   ///< scratch: the current message's kind
    std::string m_callId; ///< scratch: the current message's Call-ID, for m_lookup
    Observer m_observer;

    std::deque<Record> m_records; ///< unwritten, in transmission order
    uint64_t m_base = 0;          ///< sequence number of m_records.front()
    /// The unwritten records' rows, one after the other from m_rowsStart (rows are written
    /// in record order): one buffer instead of a string per transmission.
    std::string m_rows;
    std::size_t m_rowsStart = 0;
    std::string m_out;       ///< what one Flush writes, in one call
    IdMap<uint64_t> m_byUid; ///< packet uid -> seq
    std::unordered_map<uint64_t, std::deque<uint64_t>> m_byContent; ///< TCP only
    std::unordered_map<NodeId, uint64_t> m_lastRx; ///< per receiver, for queue-overflow drops

    IdMap<TimePoint> m_seen; ///< hop + bytes -> last transmission
    std::deque<std::pair<TimePoint, uint64_t>> m_seenOrder;

    /// Host text -> node, remembered: a run sends to a few hosts, and resolving one parses
    /// its address text every time. Emptied when full, so endless distinct hosts cannot
    /// grow it without bound.
    absl::flat_hash_map<std::string, NodeId, BytesHasher> m_hostNodes;

    MessageCounters m_counters;
    std::string m_bytes; ///< the packet being looked at, reused
    std::vector<LadderEntry> m_ladder;
    std::string m_ladderCallId;
};

} // namespace sipsim

#endif
