// Call bookkeeping and the exit summary of `sipsim peer`.
#include "peer_metrics.h"

#include "sip/headers.h"
#include "sip/message.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <numeric>
#include <sstream>

namespace sipsim
{

CallStats::Record*
CallStats::Find(const std::string& key)
{
    auto it = m_calls.find(key);
    return it == m_calls.end() ? nullptr : &it->second;
}

void
CallStats::Attempt(const std::string& key, TimePoint now)
{
    if (m_calls.emplace(key, Record{now, false, false, 0}).second)
    {
        ++m_attempted;
    }
}

void
CallStats::Establish(const std::string& key, TimePoint now)
{
    Record* record = Find(key);
    if (record == nullptr || record->established || record->ended)
    {
        return;
    }
    record->established = true;
    record->challenge = 0;
    ++m_established;
    m_setupDelays.push_back(ToSeconds(now - record->start));
}

bool
CallStats::Complete(const std::string& key)
{
    Record* record = Find(key);
    if (record == nullptr || record->ended)
    {
        return false;
    }
    if (!record->established)
    {
        // A BYE in a dialog whose ACK never arrived (lost): the caller had the 2xx, so the
        // call was set up -- without a set-up delay sample, as the ACK time is unknown.
        record->established = true;
        ++m_established;
    }
    record->ended = true;
    ++m_completed;
    return true;
}

bool
CallStats::Fail(const std::string& key, int code)
{
    Record* record = Find(key);
    if (record == nullptr || record->ended)
    {
        return false;
    }
    record->ended = true;
    ++m_failed;
    ++m_failureCodes[code];
    return true;
}

bool
CallStats::Cancel(const std::string& key)
{
    Record* record = Find(key);
    if (record == nullptr || record->ended || record->established)
    {
        return false;
    }
    record->ended = true;
    ++m_cancelled;
    return true;
}

void
CallStats::Challenge(const std::string& key, int code)
{
    if (Record* record = Find(key); record != nullptr && !record->ended && !record->established)
    {
        record->challenge = code;
    }
}

std::map<int, uint64_t>
CallStats::PendingChallenges() const
{
    std::map<int, uint64_t> pending;
    for (const auto& [key, record] : m_calls)
    {
        if (!record.ended && !record.established && record.challenge != 0)
        {
            ++pending[record.challenge];
        }
    }
    return pending;
}

SampleStats
ComputeSampleStats(std::vector<double> seconds)
{
    SampleStats stats;
    stats.n = seconds.size();
    if (seconds.empty())
    {
        return stats;
    }
    std::sort(seconds.begin(), seconds.end());
    auto nearestRank = [&](double p) {
        const auto rank =
            static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(seconds.size())));
        return seconds[std::min(std::max<std::size_t>(rank, 1), seconds.size()) - 1];
    };
    stats.mean =
        std::accumulate(seconds.begin(), seconds.end(), 0.0) / static_cast<double>(seconds.size());
    stats.p50 = nearestRank(50);
    stats.p95 = nearestRank(95);
    stats.p99 = nearestRank(99);
    return stats;
}

std::string
MessageKind(const SipMessage* message)
{
    if (message == nullptr)
    {
        return "unparseable";
    }
    if (message->IsRequest())
    {
        return message->Method();
    }
    const auto cseq = GetCSeq(*message);
    return std::to_string(message->StatusCode()) + " (" + (cseq.Ok() ? cseq->method : "?") + ")";
}

namespace
{

nlohmann::ordered_json
CountMap(const std::map<std::string, uint64_t>& counts)
{
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (const auto& [key, count] : counts)
    {
        out[key] = count;
    }
    return out;
}

double
Round3(double value)
{
    return std::round(value * 1000.0) / 1000.0;
}

/// Seconds to whole nanoseconds, so the JSON shows no binary-fraction noise.
double
RoundNs(double seconds)
{
    return std::round(seconds * 1e9) / 1e9;
}

} // namespace

std::string
SummaryJson(const PeerSummary& s)
{
    nlohmann::ordered_json j;
    j["role"] = s.role;
    j["listen"] = s.listen;
    j["transport"] = s.transport;
    j["elapsed_s"] = Round3(s.elapsedSeconds);
    j["stop_reason"] = s.stopReason;
    j["calls"] = {{"attempted", s.attempted},
                  {"established", s.established},
                  {"completed", s.completed},
                  {"failed", s.failed},
                  {"cancelled", s.cancelled},
                  {"active", s.active},
                  {"failed_by_cause", CountMap(s.failedByCause)}};
    auto sample = [](double v, std::size_t n) {
        return n == 0 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(RoundNs(v));
    };
    const SampleStats& d = s.setupDelay;
    j["setup_delay_s"] = {{"n", d.n},
                          {"mean", sample(d.mean, d.n)},
                          {"p50", sample(d.p50, d.n)},
                          {"p95", sample(d.p95, d.n)},
                          {"p99", sample(d.p99, d.n)},
                          {"measured", s.setupDelayMeasured}};
    j["retransmissions"] = {{"total", s.retransmissionsSent},
                            {"by_message", CountMap(s.retransmissionsByMessage)},
                            {"requests_absorbed", s.requestsAbsorbed},
                            {"responses_absorbed", s.responsesAbsorbed}};
    j["messages"] = {{"rx", CountMap(s.rx)}, {"tx", CountMap(s.tx)}};
    const IoCounters& io = s.io;
    j["io"] = {{"datagrams_in", io.datagramsIn},
               {"datagrams_out", io.datagramsOut},
               {"stream_messages_in", io.streamMessagesIn},
               {"stream_messages_out", io.streamMessagesOut},
               {"bytes_in", io.bytesIn},
               {"bytes_out", io.bytesOut},
               {"send_errors", io.sendErrors},
               {"refused_destinations", io.refusedDestinations},
               {"framing_errors", io.framingErrors},
               {"connections_accepted", io.connectionsAccepted},
               {"connections_opened", io.connectionsOpened},
               {"connect_failures", io.connectFailures},
               {"connections_closed", io.connectionsClosed},
               {"transport_errors_reported", io.transportErrorsReported}};
    j[s.role] = CountMap(s.element);
    return j.dump(2) + "\n";
}

std::string
SummaryText(const PeerSummary& s)
{
    std::ostringstream out;
    out << std::fixed << std::setprecision(3);
    out << "sipsim peer (" << s.role << ", " << s.transport << " " << s.listen
        << "): " << s.elapsedSeconds << " s, stopped: " << s.stopReason << "\n";
    out << "  calls: " << s.attempted << " attempted, " << s.established << " established, "
        << s.completed << " completed, " << s.failed << " failed";
    if (s.cancelled != 0)
    {
        out << ", " << s.cancelled << " cancelled";
    }
    if (s.active != 0)
    {
        out << ", " << s.active << " active";
    }
    out << "\n";
    if (!s.failedByCause.empty())
    {
        out << "  failures:";
        for (const auto& [cause, count] : s.failedByCause)
        {
            out << " " << cause << " x" << count;
        }
        out << "\n";
    }
    const SampleStats& d = s.setupDelay;
    out << "  set-up delay (ms, " << s.setupDelayMeasured << "): mean " << d.mean * 1e3 << ", p50 "
        << d.p50 * 1e3 << ", p95 " << d.p95 * 1e3 << " over " << d.n << " calls\n";
    out << "  retransmissions: " << s.retransmissionsSent << " sent";
    for (const auto& [kind, count] : s.retransmissionsByMessage)
    {
        out << (kind == s.retransmissionsByMessage.begin()->first ? " (" : ", ") << kind << " x"
            << count;
    }
    if (!s.retransmissionsByMessage.empty())
    {
        out << ")";
    }
    out << "; received and absorbed: " << s.requestsAbsorbed << " requests, " << s.responsesAbsorbed
        << " responses\n";
    auto line = [&out](const char* label, const std::map<std::string, uint64_t>& counts) {
        out << "  " << label << ":";
        for (const auto& [kind, count] : counts)
        {
            out << " " << kind << " x" << count;
        }
        out << "\n";
    };
    line("received", s.rx);
    line("sent", s.tx);
    return out.str();
}

} // namespace sipsim
