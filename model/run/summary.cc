#include "summary.h"

#include "csv_format.h"

#include <nlohmann/json.hpp>

namespace sipsim
{

namespace
{

using json = nlohmann::ordered_json;

json
Optional(const std::optional<double>& value)
{
    return value ? json(RoundNs(*value)) : json(nullptr);
}

json
SampleJson(const SampleSummary& s)
{
    json out;
    out["n"] = s.n;
    out["mean"] = Optional(s.mean);
    out["p50"] = Optional(s.p50);
    out["p95"] = Optional(s.p95);
    out["p99"] = Optional(s.p99);
    out["ci95"] = Optional(s.ci95);
    return out;
}

std::optional<double>
Percent(uint64_t numerator, uint64_t denominator)
{
    if (denominator == 0)
    {
        return std::nullopt;
    }
    return 100.0 * static_cast<double>(numerator) / static_cast<double>(denominator);
}

json
CountMap(const std::map<std::string, uint64_t>& counts)
{
    json out = json::object();
    for (const auto& [key, value] : counts)
    {
        out[key] = value;
    }
    return out;
}

} // namespace

Rfc6076Ratios
ComputeRfc6076(const CallTotals& c)
{
    Rfc6076Ratios r;
    const uint64_t invites = c.attempted;
    const uint64_t effective = invites - std::min(invites, c.answered3xx);
    r.ser = Percent(c.answered200, effective);
    r.seer = Percent(c.answeredSeer, effective);
    r.isa = Percent(c.ineffective, invites);
    r.scr = Percent(c.setUpAndTornDown, invites);
    return r;
}

void
WriteSummary(std::ostream& out, const RunSummary& s)
{
    json root;
    root["seed"] = s.seed;
    root["run"] = s.run;
    root["simulated_time_s"] = RoundNs(ToSeconds(s.simulatedTime));

    json calls;
    calls["attempted"] = s.calls.attempted;
    calls["established"] = s.calls.established;
    calls["completed"] = s.calls.completed;
    calls["failed"] = s.calls.failed;
    calls["active"] = s.calls.active;
    calls["failed_by_cause"] = CountMap(s.calls.failedByCause);
    root["calls"] = calls;

    root["setup_delay_s"] = SampleJson(s.setupDelay);
    root["srd_s"] = SampleJson(s.srd);
    root["sdd_s"] = SampleJson(s.sdd);

    json retransmissions;
    retransmissions["total"] = s.messages.retransmissions;
    retransmissions["by_message"] = CountMap(s.messages.retransmissionsByMessage);
    root["retransmissions"] = retransmissions;

    json auth;
    auth["challenges"] = s.calls.challenges;
    auth["extra_messages"] = s.calls.authExtraMessages;
    auth["extra_bytes"] = s.calls.authExtraBytes;
    auth["delay_s"] = SampleJson(s.authDelay);
    root["auth"] = auth;

    json messages;
    messages["sent"] = s.messages.sent;
    messages["delivered"] = s.messages.delivered;
    messages["dropped"] = s.messages.dropped;
    messages["in_flight"] = s.messages.inFlight;
    messages["bytes"] = s.messages.bytes;
    messages["dropped_by_reason"] = CountMap(s.messages.dropReasons);
    root["messages"] = messages;

    const Rfc6076Ratios ratios = ComputeRfc6076(s.calls);
    json rfc;
    rfc["ser"] = Optional(ratios.ser);
    rfc["seer"] = Optional(ratios.seer);
    rfc["isa"] = Optional(ratios.isa);
    rfc["scr"] = Optional(ratios.scr);
    root["rfc6076"] = rfc;

    root["scenario"] = json::parse(s.scenarioJson);
    out << root.dump(2) << "\n";
}

} // namespace sipsim
