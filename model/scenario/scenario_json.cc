// Scenario -> JSON for summary.json. ordered_json keeps the struct's field order, so the
// output is deterministic and reads like the TOML file.

#include "scenario/scenario.h"

#include <nlohmann/json.hpp>

namespace sipsim
{

const char*
ArrivalsName(Arrivals arrivals)
{
    switch (arrivals)
    {
    case Arrivals::Sequential:
        return "sequential";
    case Arrivals::Constant:
        return "constant";
    case Arrivals::Poisson:
        return "poisson";
    }
    return "?";
}

const char*
CalleeActionName(CalleeAction action)
{
    switch (action)
    {
    case CalleeAction::Answer:
        return "answer";
    case CalleeAction::Busy:
        return "busy";
    case CalleeAction::Reject:
        return "reject";
    case CalleeAction::NoAnswer:
        return "no-answer";
    }
    return "?";
}

const char*
AuthAlgorithmName(AuthAlgorithm algorithm)
{
    return algorithm == AuthAlgorithm::Md5 ? "MD5" : "SHA-256";
}

namespace
{

using Json = nlohmann::ordered_json;

Json
LinkJson(const LinkDirection& d)
{
    Json j;
    j["delay"] = FormatDuration(d.delay);
    j["jitter"] = FormatDuration(d.jitter);
    j["rate"] = FormatRate(d.rateBps);
    j["queue_size"] = d.queueSize;
    j["loss_model"] = LossModelName(d.loss.kind);
    if (d.loss.kind != LossModelKind::GilbertElliott)
    {
        j["loss"] = d.loss.kind == LossModelKind::Iid ? d.loss.p : 0.0;
    }
    else if (d.loss.kind == LossModelKind::GilbertElliott)
    {
        j["ge_p"] = d.loss.p;
        j["ge_r"] = d.loss.r;
        j["ge_loss_good"] = d.loss.lossGood;
        j["ge_loss_bad"] = d.loss.lossBad;
    }
    return j;
}

Json
ProcessingJson(const ProxyProcessing& p)
{
    return Json{{"service_time", FormatDuration(p.serviceTime)}, {"queue_limit", p.queueLimit}};
}

} // namespace

std::string
ToJson(const Scenario& s)
{
    Json j;
    j["name"] = s.name;
    j["description"] = s.description;
    j["path"] = s.path;
    j["seed"] = s.seed;
    j["run"] = s.run;
    j["stop_time"] = FormatDuration(s.stopTime);

    Json& topo = j["topology"];
    if (!s.topology.file.empty())
    {
        topo["file"] = s.topology.file;
    }
    else
    {
        topo["generator"] = s.topology.generator;
        const std::string& g = s.topology.generator;
        if (g == "chain")
        {
            topo["proxies"] = s.topology.proxies;
        }
        else if (g == "star")
        {
            topo["uas"] = s.topology.uas;
        }
        else if (g == "two-domains")
        {
            topo["uas"] = s.topology.uas;
            topo["routers"] = s.topology.routers;
        }
        else if (g == "random-tree")
        {
            topo["nodes"] = s.topology.nodes;
            topo["tree_seed"] = s.topology.treeSeed;
        }
    }

    const Workload& w = s.workload;
    Json& wl = j["workload"];
    wl["calls"] = w.calls;
    wl["duration"] = FormatDuration(w.duration);
    wl["arrivals"] = ArrivalsName(w.arrivals);
    wl["rate"] = w.rate;
    wl["interval"] = FormatDuration(w.interval);
    wl["pairs"] = Json::array();
    for (const CallPairSpec& p : w.pairs)
    {
        wl["pairs"].push_back(Json{{"caller", p.caller},
                                   {"callee", p.callee},
                                   {"caller_node", p.callerNode},
                                   {"callee_node", p.calleeNode},
                                   {"caller_aor", p.callerAor},
                                   {"callee_aor", p.calleeAor}});
    }
    wl["holding_time"] = FormatDuration(w.holdingTime);
    wl["holding_distribution"] =
        w.holdingDistribution == HoldingDistribution::Constant ? "constant" : "exponential";
    wl["hangup"] = w.hangup == Hangup::Callee ? "callee" : "caller";
    wl["cancel_after"] = FormatDuration(w.cancelAfter);
    wl["register_first"] = w.registerFirst;
    wl["callee"] = Json{{"action", CalleeActionName(w.callee.action)},
                        {"ring_time", FormatDuration(w.callee.ringTime)},
                        {"busy_probability", w.callee.busyProbability},
                        {"reject_code", w.callee.rejectCode}};

    const AuthConfig& a = s.auth;
    Json& auth = j["auth"];
    auth["proxies"] = a.proxies;
    auth["realms"] = Json::object();
    for (const auto& [proxy, realm] : a.realms)
    {
        auth["realms"][proxy] = realm;
    }
    auth["algorithm"] = AuthAlgorithmName(a.algorithm);
    auth["credential_reuse"] = a.credentialReuse;
    auth["challenge_register"] = a.challengeRegister;
    auth["users"] = Json::object();
    for (const auto& [user, password] : a.users)
    {
        auth["users"][user] = password;
    }

    j["sip"] =
        Json{{"transport", s.sip.transport == Transport::Udp ? "udp" : "tcp"},
             {"t1", FormatDuration(s.sip.t1)},
             {"t2", FormatDuration(s.sip.t2)},
             {"t4", FormatDuration(s.sip.t4)},
             {"record_route", s.sip.recordRoute},
             {"proxy_mode", s.sip.proxyMode == ProxyMode::Stateful ? "stateful" : "stateless"}};

    Json& imp = j["impairments"];
    imp = LinkJson(s.impairments.defaults);
    imp["links"] = Json::object();
    for (const LinkOverride& o : s.impairments.links)
    {
        Json link{{"direction", o.direction}};
        for (const auto& [key, value] : o.attributes)
        {
            link[key] = value;
        }
        imp["links"][o.a + "-" + o.b] = link;
    }

    Json& proc = j["processing"];
    proc = ProcessingJson(s.processing.defaults);
    proc["proxies"] = Json::object();
    for (const auto& [name, p] : s.processing.proxies)
    {
        proc["proxies"][name] = ProcessingJson(p);
    }

    j["outputs"] = Json{{"ladder_call", s.outputs.ladderCall},
                        {"pcap", s.outputs.pcap},
                        {"messages", s.outputs.messages}};
    return j.dump(2);
}

} // namespace sipsim
