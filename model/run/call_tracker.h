#ifndef SIPSIM_RUN_CALL_TRACKER_H
#define SIPSIM_RUN_CALL_TRACKER_H

// Per-call records built from the user agents' CallEvents (exact event times) and from the
// message tracker (retransmissions, authentication overhead). Each row of calls.csv is
// written when its call ends, in completion order, and the record is freed: memory follows
// the calls in progress. The set-up delays, SRDs and auth delays are kept in compact samples
// for summary.json's percentiles (see stats.h).

#include "core/user_agent_config.h"
#include "message_tracker.h"
#include "sip/hash_bytes.h"
#include "stats.h"
#include "topology/topology.h"

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <unordered_map>
#include <vector>

namespace sipsim
{

enum class CallOutcome
{
    Active,
    Completed,
    Failed,
};

const char* CallOutcomeName(CallOutcome outcome);

struct CallRecord
{
    uint64_t index = 0; ///< 1-based, in start order
    NodeId caller = kNoNode;
    NodeId callee = kNoNode;
    std::string callId;

    std::optional<TimePoint> invite;     ///< first INVITE sent
    std::optional<TimePoint> challenge;  ///< first 401/407 to the INVITE received
    std::optional<TimePoint> authInvite; ///< INVITE re-sent with credentials
    std::optional<TimePoint> first1xx;   ///< first provisional (100 included)
    std::optional<TimePoint> ringing;    ///< first 180
    std::optional<TimePoint> ok;         ///< 2xx received by the caller
    std::optional<TimePoint> ack;        ///< ACK for the 2xx sent
    std::optional<TimePoint> bye;        ///< BYE sent (either side)
    std::optional<TimePoint> byeOk;      ///< final response to the BYE received
    std::optional<TimePoint> srdEnd;     ///< RFC 6076 SRD end (see CallTracker)

    int finalCode = 0; ///< final response to the INVITE at the caller (408 for a timeout)
    bool established = false;
    bool calleeFailed = false;
    NodeId byeSender = kNoNode;
    int byeCode = 0;
    CallOutcome outcome = CallOutcome::Active;
    std::string cause;

    uint32_t retransmissions = 0;
    /// Messages and bytes per INVITE CSeq number (INVITE, its responses and ACK), and the
    /// CSeq numbers that drew a 401/407: those transactions are the auth overhead.
    std::map<uint32_t, std::pair<uint32_t, uint64_t>> inviteTally;
    std::vector<uint32_t> challenged;

    uint32_t AuthMessages() const;
    uint64_t AuthBytes() const;
};

/// Totals for summary.json.
struct CallTotals
{
    uint64_t attempted = 0;
    uint64_t established = 0;
    uint64_t completed = 0;
    uint64_t failed = 0;
    uint64_t active = 0;
    std::map<std::string, uint64_t> failedByCause;
    uint64_t challenges = 0; ///< 401/407 received by user agents (calls and registrations)
    uint64_t authExtraMessages = 0;
    uint64_t authExtraBytes = 0;
    uint64_t retransmissionsInCalls = 0;
    // RFC 6076 §4.6-4.9 counters over attempted calls.
    uint64_t answered200 = 0;
    uint64_t answered3xx = 0;
    uint64_t answeredSeer = 0; ///< 200, 480, 486, 600, 603
    uint64_t ineffective = 0;  ///< 408, 500, 503, 504 or timeout
    uint64_t setUpAndTornDown = 0;
};

class CallTracker
{
public:
    using EndCallback = std::function<void(const CallRecord& record)>;

    /// `retention`: how long an ended call's Call-ID still maps to its index, so that late
    /// retransmissions in messages.csv are attributed to their call.
    CallTracker(std::vector<std::string> nodeNames, std::ostream* csv, Duration retention);

    /// A call the workload has just started (before its events are drained).
    void Begin(uint64_t index, NodeId caller, NodeId callee, const std::string& callId);
    /// Every event of every user agent.
    void OnEvent(NodeId node, const CallEvent& event);
    /// Every transmission (from the message tracker).
    void OnMessage(const ObservedMessage& message);
    /// Call index of a Call-ID (active, or ended within the last minutes); 0 when unknown.
    uint64_t IndexOf(const std::string& callId) const;

    /// Called once per call when its row is written.
    void SetEndCallback(EndCallback callback) { m_onEnd = std::move(callback); }

    /// Writes the calls still in progress (outcome active), in index order.
    void Finish();

    std::size_t ActiveCalls() const { return m_active.size(); }
    const CallTotals& Totals() const { return m_totals; }
    Sample& SetupDelays() { return m_setup; }
    Sample& SessionRequestDelays() { return m_srd; }
    Sample& AuthDelays() { return m_authDelay; }
    Sample& DisconnectDelays() { return m_sdd; }

private:
    CallRecord* FindByCallId(const std::string& callId);
    void End(CallRecord& record, CallOutcome outcome, std::string cause);
    void Write(const CallRecord& record);
    void Forget(TimePoint now);

    std::vector<std::string> m_nodeNames;
    std::ostream* m_csv;
    EndCallback m_onEnd;
    std::unordered_map<uint64_t, CallRecord> m_active;
    std::unordered_map<std::string, uint64_t, BytesHasher>
        m_index;                                            ///< Call-ID -> index (active + recent)
    std::deque<std::pair<TimePoint, std::string>> m_recent; ///< ended calls, oldest first
    Duration m_retention;
    TimePoint m_now{0};
    CallTotals m_totals;
    Sample m_setup;
    Sample m_srd;
    Sample m_authDelay;
    Sample m_sdd;
};

} // namespace sipsim

#endif
