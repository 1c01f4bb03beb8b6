#include "call_tracker.h"

#include "csv_format.h"

#include <algorithm>

namespace sipsim
{

namespace
{

bool
StartsWithCode(const std::string& cause, int code)
{
    const std::string prefix = std::to_string(code) + " ";
    return cause.compare(0, prefix.size(), prefix) == 0;
}

/// "486 Busy Here", "408 timeout", "487 cancelled": always led by the code when there is one.
std::string
CauseText(int code, const std::string& detail)
{
    if (code <= 0)
    {
        return detail.empty() ? std::string("failed") : detail;
    }
    if (StartsWithCode(detail, code))
    {
        return detail;
    }
    return detail.empty() ? std::to_string(code) : std::to_string(code) + " " + detail;
}

std::optional<double>
Between(const std::optional<TimePoint>& from, const std::optional<TimePoint>& to)
{
    if (!from || !to)
    {
        return std::nullopt;
    }
    return ToSeconds(*to - *from);
}

} // namespace

const char*
CallOutcomeName(CallOutcome outcome)
{
    switch (outcome)
    {
    case CallOutcome::Active:
        return "active";
    case CallOutcome::Completed:
        return "completed";
    case CallOutcome::Failed:
        return "failed";
    }
    return "active";
}

uint32_t
CallRecord::AuthMessages() const
{
    uint32_t n = 0;
    for (uint32_t cseq : challenged)
    {
        if (auto it = inviteTally.find(cseq); it != inviteTally.end())
        {
            n += it->second.first;
        }
    }
    return n;
}

uint64_t
CallRecord::AuthBytes() const
{
    uint64_t n = 0;
    for (uint32_t cseq : challenged)
    {
        if (auto it = inviteTally.find(cseq); it != inviteTally.end())
        {
            n += it->second.second;
        }
    }
    return n;
}

CallTracker::CallTracker(std::vector<std::string> nodeNames, std::ostream* csv, Duration retention)
    : m_nodeNames(std::move(nodeNames)), m_csv(csv), m_retention(retention)
{
    if (m_csv)
    {
        *m_csv << "call,caller,callee,call_id,invite_s,challenge_s,auth_invite_s,first_1xx_s,"
                  "ringing_s,ok_s,ack_s,bye_s,bye_ok_s,setup_delay_s,srd_s,sdd_s,"
                  "auth_messages,auth_bytes,auth_time_s,retransmissions,final_code,outcome,"
                  "cause\n";
    }
}

void
CallTracker::Begin(uint64_t index, NodeId caller, NodeId callee, const std::string& callId)
{
    CallRecord& record = m_active[index];
    record.index = index;
    record.caller = caller;
    record.callee = callee;
    record.callId = callId;
    m_index[callId] = index;
    ++m_totals.attempted;
}

uint64_t
CallTracker::IndexOf(const std::string& callId) const
{
    auto it = m_index.find(callId);
    return it == m_index.end() ? 0 : it->second;
}

CallRecord*
CallTracker::FindByCallId(const std::string& callId)
{
    auto it = m_index.find(callId);
    if (it == m_index.end())
    {
        return nullptr;
    }
    auto record = m_active.find(it->second);
    return record == m_active.end() ? nullptr : &record->second;
}

void
CallTracker::OnMessage(const ObservedMessage& message)
{
    if (message.callIndex == 0)
    {
        return;
    }
    auto it = m_active.find(message.callIndex);
    if (it == m_active.end())
    {
        return; // a late retransmission after the row was written
    }
    CallRecord& record = it->second;
    const MessageInfo& info = *message.info;
    if (message.retransmission)
    {
        ++record.retransmissions;
    }
    if (info.cseqMethod == "INVITE" || info.cseqMethod == "ACK")
    {
        auto& tally = record.inviteTally[info.cseqNumber];
        ++tally.first;
        tally.second += message.size;
    }
    if (info.IsResponse() && (info.statusCode == 401 || info.statusCode == 407) &&
        info.cseqMethod == "INVITE" &&
        std::find(record.challenged.begin(), record.challenged.end(), info.cseqNumber) ==
            record.challenged.end())
    {
        record.challenged.push_back(info.cseqNumber);
    }
}

void
CallTracker::OnEvent(NodeId node, const CallEvent& event)
{
    m_now = event.time;
    if (event.kind == CallEventKind::ChallengeReceived)
    {
        ++m_totals.challenges;
    }
    CallRecord* found = FindByCallId(event.callId);
    if (found == nullptr)
    {
        return; // registrations, or events after the row was written
    }
    CallRecord& r = *found;
    const TimePoint t = event.time;
    auto first = [t](std::optional<TimePoint>& slot) {
        if (!slot)
        {
            slot = t;
        }
    };
    const bool atCaller = node == r.caller;
    switch (event.kind)
    {
    case CallEventKind::InviteSent:
        first(r.invite);
        break;
    case CallEventKind::ChallengeReceived:
        if (atCaller && !r.established)
        {
            first(r.challenge);
        }
        break;
    case CallEventKind::AuthenticatedInviteSent:
        first(r.authInvite);
        break;
    case CallEventKind::ProvisionalReceived:
        first(r.first1xx);
        if (event.statusCode != 100)
        {
            first(r.srdEnd);
        }
        break;
    case CallEventKind::RingingReceived:
        first(r.first1xx);
        first(r.ringing);
        first(r.srdEnd);
        break;
    case CallEventKind::Established:
        if (atCaller)
        {
            first(r.ok);
            first(r.srdEnd);
            r.established = true;
            r.finalCode = event.statusCode != 0 ? event.statusCode : 200;
        }
        break;
    case CallEventKind::AckSent:
        if (atCaller && event.detail != "retransmission")
        {
            first(r.ack);
        }
        break;
    case CallEventKind::ByeSent:
        if (!r.bye)
        {
            r.bye = t;
            r.byeSender = node;
        }
        break;
    case CallEventKind::ByeCompleted:
        if (node == r.byeSender)
        {
            r.byeOk = t;
            r.byeCode = event.statusCode;
            if (r.calleeFailed || !r.established)
            {
                End(r, CallOutcome::Failed, r.cause.empty() ? "BYE before answer" : r.cause);
            }
            else
            {
                const bool ok = r.byeCode >= 200 && r.byeCode < 300;
                End(r, CallOutcome::Completed,
                    ok ? std::string() : "BYE " + CauseText(event.statusCode, event.detail));
            }
        }
        break;
    case CallEventKind::Failed:
        if (atCaller)
        {
            r.finalCode = event.statusCode;
            // A final response is status-indicative (RFC 6076 SRD); a local timeout is not.
            if (StartsWithCode(event.detail, event.statusCode))
            {
                first(r.srdEnd);
            }
            End(r, CallOutcome::Failed, CauseText(event.statusCode, event.detail));
        }
        else
        {
            // The callee gave up waiting for the ACK (§13.3.1.4) and will send BYE.
            r.calleeFailed = true;
            r.cause = CauseText(event.statusCode, event.detail);
        }
        break;
    case CallEventKind::Cancelled:
        if (atCaller)
        {
            r.finalCode = event.statusCode;
            End(r, CallOutcome::Failed, CauseText(event.statusCode, event.detail));
        }
        break;
    default:
        break;
    }
}

void
CallTracker::End(CallRecord& record, CallOutcome outcome, std::string cause)
{
    record.outcome = outcome;
    record.cause = std::move(cause);
    Write(record);
    const uint64_t index = record.index;
    m_recent.emplace_back(m_now, record.callId);
    Forget(m_now);
    CallRecord done = std::move(record);
    m_active.erase(index);
    if (m_onEnd)
    {
        m_onEnd(done);
    }
}

void
CallTracker::Forget(TimePoint now)
{
    while (!m_recent.empty() && m_recent.front().first + m_retention < now)
    {
        m_index.erase(m_recent.front().second);
        m_recent.pop_front();
    }
}

void
CallTracker::Write(const CallRecord& r)
{
    CallTotals& t = m_totals;
    switch (r.outcome)
    {
    case CallOutcome::Completed:
        ++t.completed;
        break;
    case CallOutcome::Failed:
        ++t.failed;
        ++t.failedByCause[r.cause];
        break;
    case CallOutcome::Active:
        ++t.active;
        break;
    }
    t.established += r.established ? 1 : 0;
    t.retransmissionsInCalls += r.retransmissions;
    t.authExtraMessages += r.AuthMessages();
    t.authExtraBytes += r.AuthBytes();
    const int code = r.finalCode;
    t.answered200 += code >= 200 && code < 300 ? 1 : 0;
    t.answered3xx += code >= 300 && code < 400 ? 1 : 0;
    t.answeredSeer +=
        (code >= 200 && code < 300) || code == 480 || code == 486 || code == 600 || code == 603 ? 1
                                                                                                : 0;
    t.ineffective += code == 408 || code == 500 || code == 503 || code == 504 ? 1 : 0;
    t.setUpAndTornDown += r.established && r.byeCode >= 200 && r.byeCode < 300 ? 1 : 0;

    const auto setup = Between(r.invite, r.ok);
    const auto srd = Between(r.invite, r.srdEnd);
    const auto sdd = r.byeCode >= 200 && r.byeCode < 300 ? Between(r.bye, r.byeOk) : std::nullopt;
    const auto authTime = Between(r.invite, r.authInvite);
    if (setup)
    {
        m_setup.Add(*setup);
    }
    if (srd)
    {
        m_srd.Add(*srd);
    }
    if (sdd)
    {
        m_sdd.Add(*sdd);
    }
    if (authTime)
    {
        m_authDelay.Add(*authTime);
    }
    if (m_csv == nullptr)
    {
        return;
    }
    auto name = [this](NodeId node) {
        return node < m_nodeNames.size() ? m_nodeNames[node] : std::string("?");
    };
    std::string line;
    line.reserve(320);
    line += std::to_string(r.index) + ',' + CsvField(name(r.caller)) + ',' +
            CsvField(name(r.callee)) + ',' + CsvField(r.callId) + ',';
    for (const auto* slot : {&r.invite, &r.challenge, &r.authInvite, &r.first1xx, &r.ringing, &r.ok,
                             &r.ack, &r.bye, &r.byeOk})
    {
        line += FormatSeconds(*slot) + ',';
    }
    line += FormatSeconds(setup) + ',' + FormatSeconds(srd) + ',' + FormatSeconds(sdd) + ',';
    line += std::to_string(r.AuthMessages()) + ',' + std::to_string(r.AuthBytes()) + ',' +
            FormatSeconds(authTime) + ',';
    line += std::to_string(r.retransmissions) + ',' +
            (r.finalCode > 0 ? std::to_string(r.finalCode) : std::string()) + ',' +
            CallOutcomeName(r.outcome) + ',' + CsvField(r.cause) + '\n';
    *m_csv << line;
}

void
CallTracker::Finish()
{
    std::vector<uint64_t> indices;
    indices.reserve(m_active.size());
    for (const auto& [index, record] : m_active)
    {
        indices.push_back(index);
    }
    std::sort(indices.begin(), indices.end());
    for (uint64_t index : indices)
    {
        CallRecord& record = m_active.at(index);
        record.outcome = CallOutcome::Active;
        Write(record);
    }
    m_active.clear();
}

} // namespace sipsim
