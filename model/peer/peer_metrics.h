#ifndef SIPSIM_PEER_PEER_METRICS_H
#define SIPSIM_PEER_PEER_METRICS_H

#include "event_loop.h"
#include "sip/message.h"
#include "sip/types.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sipsim
{

/// Per-call bookkeeping shared by the roles: a UA keys calls by its CallHandle, a proxy by
/// Call-ID. Each call ends exactly once (completed, failed or cancelled); later reports
/// for it are ignored, so retransmitted or duplicated evidence cannot double-count.
class CallStats
{
public:
    /// A new call; ignored when the key is known.
    void Attempt(const std::string& key, TimePoint now);
    /// The call was set up (UAC: 2xx received; UAS: ACK received; proxy: 2xx forwarded).
    /// The set-up delay is measured from Attempt.
    void Establish(const std::string& key, TimePoint now);
    /// A call was torn down (BYE answered, either direction). A call not yet established
    /// (UAS whose ACK was lost) counts as established too, without a delay sample. The three
    /// end reports return true when they ended the call (false: unknown or already over).
    bool Complete(const std::string& key);
    bool Fail(const std::string& key, int code);
    bool Cancel(const std::string& key);
    /// A 401/407 is the latest word on the call (a proxy cannot know yet whether the caller
    /// will answer the challenge); at the end such calls count as failed with that code.
    void Challenge(const std::string& key, int code);
    bool Known(const std::string& key) const { return m_calls.count(key) != 0; }

    uint64_t Attempted() const { return m_attempted; }
    uint64_t Established() const { return m_established; }
    uint64_t Completed() const { return m_completed; }
    uint64_t Failed() const { return m_failed; }
    uint64_t Cancelled() const { return m_cancelled; }
    /// Calls that reached an end (completed, failed, cancelled).
    uint64_t Finished() const { return m_completed + m_failed + m_cancelled; }
    /// Calls not ended yet: still ringing, established, or last challenged.
    uint64_t Unfinished() const { return m_attempted - Finished(); }
    const std::map<int, uint64_t>& FailureCodes() const { return m_failureCodes; }
    /// Set-up delays in seconds, in order of establishment.
    const std::vector<double>& SetupDelays() const { return m_setupDelays; }
    /// Calls whose last word was a challenge, by code (not yet counted as failed).
    std::map<int, uint64_t> PendingChallenges() const;

private:
    struct Record
    {
        TimePoint start{0};
        bool established = false;
        bool ended = false;
        int challenge = 0;
    };

    Record* Find(const std::string& key);

    std::unordered_map<std::string, Record> m_calls;
    uint64_t m_attempted = 0;
    uint64_t m_established = 0;
    uint64_t m_completed = 0;
    uint64_t m_failed = 0;
    uint64_t m_cancelled = 0;
    std::map<int, uint64_t> m_failureCodes;
    std::vector<double> m_setupDelays;
};

/// A sample summarised as the simulation's summary.json does: mean and nearest-rank
/// percentiles (the smallest value with at least p% of the sample at or below it), seconds.
struct SampleStats
{
    std::size_t n = 0;
    double mean = 0;
    double p50 = 0;
    double p95 = 0;
    double p99 = 0;
};

SampleStats ComputeSampleStats(std::vector<double> seconds);

/// "INVITE", "ACK", ... for requests; "200 (INVITE)" (code and CSeq method) for responses,
/// as the simulation's retransmission counts name them; "unparseable" for nullptr.
std::string MessageKind(const SipMessage* message);

/// What a run of `sipsim peer` did, for the exit summary.
struct PeerSummary
{
    std::string role;
    std::string listen;    ///< "host:port"
    std::string transport; ///< "UDP" / "TCP"
    double elapsedSeconds = 0;
    std::string stopReason; ///< "calls done", "max-calls", "duration", "SIGTERM", ...

    uint64_t attempted = 0;
    uint64_t established = 0;
    uint64_t completed = 0;
    uint64_t failed = 0;
    uint64_t cancelled = 0;
    uint64_t active = 0;                           ///< not ended when the run stopped
    std::map<std::string, uint64_t> failedByCause; ///< by status code
    SampleStats setupDelay;
    std::string setupDelayMeasured; ///< which two events bound the set-up delay

    uint64_t retransmissionsSent = 0;                         ///< timer-driven resends
    std::map<std::string, uint64_t> retransmissionsByMessage; ///< by MessageKind
    uint64_t requestsAbsorbed = 0;      ///< received request retransmissions (transaction layer)
    uint64_t responsesAbsorbed = 0;     ///< received response retransmissions
    std::map<std::string, uint64_t> rx; ///< messages received, by MessageKind
    std::map<std::string, uint64_t> tx; ///< messages sent (retransmissions included)
    IoCounters io;
    std::map<std::string, uint64_t> element; ///< role-specific core counters
};

std::string SummaryJson(const PeerSummary& summary);
std::string SummaryText(const PeerSummary& summary);

} // namespace sipsim

#endif
