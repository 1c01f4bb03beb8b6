// sipsim model [SCENARIO] [--set path=value]... [--json]: the analytic model of call set-up
// under loss (model/analytic) for the same parameters a scenario or sweep point uses, or
// for a uniform UA - N proxies - UA chain described by flags.
#include "analytic/call_model.h"
#include "analytic/scenario_path.h"
#include "commands.h"
#include "scenario/scenario.h"

#include <iomanip>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace sipsim::app
{

namespace
{

using json = nlohmann::ordered_json;
using analytic::CallModelResult;
using analytic::CallModelSpec;
using analytic::CallVariant;
using analytic::DiscreteDistribution;

struct ModelOptions
{
    std::string scenario;
    std::vector<std::string> overrides;
    bool json = false;
    // A uniform chain when no scenario is given.
    int proxies = 2;
    double loss = 0.0;
    double lossForward = -1.0;
    double lossReverse = -1.0;
    std::string delay = "2ms";
    std::string t1 = "500ms";
    std::string t2 = "4s";
    std::string ringTime = "0s";
    std::string serviceTime = "0s";
    std::vector<int> challengers;
    double challengedFraction = 1.0;
    std::string hangup = "callee";
    std::string holdingTime = "0s";
};

double
Seconds(const std::string& text, const std::string& flag)
{
    auto d = ParseDuration(text);
    if (!d)
    {
        throw std::invalid_argument(flag + ": " + d.Error().reason);
    }
    return ToSeconds(*d);
}

CallModelSpec
ChainFromFlags(const ModelOptions& o)
{
    if (o.proxies < 0)
    {
        throw std::invalid_argument("--proxies: must be >= 0");
    }
    CallModelSpec spec;
    spec.elements.push_back("A");
    for (int i = 1; i <= o.proxies; ++i)
    {
        spec.elements.push_back("P" + std::to_string(i));
    }
    spec.elements.push_back("B");
    analytic::HopSpec hop;
    hop.lossForward = o.lossForward >= 0.0 ? o.lossForward : o.loss;
    hop.lossReverse = o.lossReverse >= 0.0 ? o.lossReverse : o.loss;
    hop.delayForward = hop.delayReverse = Seconds(o.delay, "--delay");
    spec.hops.assign(spec.elements.size() - 1, hop);
    const double service = Seconds(o.serviceTime, "--service-time");
    spec.serviceTime.assign(spec.elements.size(), service);
    spec.serviceTime.front() = spec.serviceTime.back() = 0.0;
    spec.t1 = Seconds(o.t1, "--t1");
    spec.t2 = Seconds(o.t2, "--t2");
    spec.ringTime = Seconds(o.ringTime, "--ring-time");
    if (o.hangup != "callee" && o.hangup != "caller")
    {
        throw std::invalid_argument("--hangup: use caller or callee");
    }
    spec.calleeHangsUp = o.hangup == "callee";
    spec.holdingTime = Seconds(o.holdingTime, "--holding-time");
    for (int c : o.challengers)
    {
        spec.challengers.push_back(static_cast<std::size_t>(c));
    }
    spec.challengedFraction = o.challengedFraction;
    return spec;
}

json
DelayJson(const DiscreteDistribution& d)
{
    if (d.Mass() <= 0.0)
    {
        return json{{"mean", nullptr},
                    {"p50", nullptr},
                    {"p95", nullptr},
                    {"p99", nullptr},
                    {"cdf", json::array()}};
    }
    json cdf = json::array();
    double previous = -1.0;
    for (const auto& [t, f] : d.Cdf())
    {
        // Atoms whose probability is below 1e-12 add nothing visible to a plot.
        if (f - previous > 1e-12)
        {
            cdf.push_back({t, f});
            previous = f;
        }
    }
    return json{{"mean", d.Mean()},
                {"p50", d.Quantile(0.50)},
                {"p95", d.Quantile(0.95)},
                {"p99", d.Quantile(0.99)},
                {"cdf", std::move(cdf)}};
}

json
MapJson(const std::map<std::string, double>& m, bool withTotal)
{
    json out = json::object();
    double total = 0.0;
    for (const auto& [k, v] : m)
    {
        out[k] = v;
        total += v;
    }
    if (withTotal)
    {
        out["total"] = total;
    }
    return out;
}

json
VariantJson(const CallVariant& v, const CallModelSpec& spec)
{
    json perHop = json::array();
    for (std::size_t h = 0; h < v.perHop.size(); ++h)
    {
        json hop = {{"hop", spec.elements[h] + "-" + spec.elements[h + 1]}};
        hop.update(MapJson(v.perHop[h], false));
        perHop.push_back(std::move(hop));
    }
    // The simulator counts a call set up at the caller whose ACKs all got lost ("408 no
    // ACK") as failed too: call_failure_probability is the comparable number.
    return json{{"success_probability", v.success},
                {"failure_probability", 1.0 - v.success},
                {"call_failure_probability", 1.0 - v.success + v.ackTimeout},
                {"failure",
                 {{"invite_timeout", v.inviteFailure},
                  {"no_2xx", v.okFailure},
                  {"auth_round", v.authFailure}}},
                {"ack_timeout_probability", v.ackTimeout},
                {"setup_delay_s", DelayJson(v.setupDelay)},
                {"srd_s", DelayJson(v.srd)},
                {"sdd_s", DelayJson(v.sdd)},
                {"messages_per_call", v.messages},
                {"transmissions", MapJson(v.transmissions, true)},
                {"retransmissions", MapJson(v.retransmissions, true)},
                {"per_hop", std::move(perHop)}};
}

json
ResultJson(const CallModelSpec& spec, const CallModelResult& r,
           const std::vector<std::string>& notes)
{
    json hops = json::array();
    for (std::size_t h = 0; h < spec.hops.size(); ++h)
    {
        const analytic::HopSpec& hop = spec.hops[h];
        hops.push_back({{"from", spec.elements[h]},
                        {"to", spec.elements[h + 1]},
                        {"loss_forward", hop.lossForward},
                        {"loss_reverse", hop.lossReverse},
                        {"delay_forward_s", hop.delayForward},
                        {"delay_reverse_s", hop.delayReverse}});
    }
    json challengers = json::array();
    for (std::size_t c : spec.challengers)
    {
        challengers.push_back(spec.elements[c]);
    }
    json out = {{"path",
                 {{"elements", spec.elements},
                  {"hops", std::move(hops)},
                  {"challengers", std::move(challengers)},
                  {"challenged_fraction", spec.challengedFraction},
                  {"t1_s", spec.t1},
                  {"t2_s", spec.t2},
                  {"ring_time_s", spec.ringTime}}}};
    // The workload average first (what a simulation measures), then both kinds of call.
    out.update(VariantJson(r.average, spec));
    json load = json::object();
    for (std::size_t e = 1; e + 1 < spec.elements.size(); ++e)
    {
        load[spec.elements[e]] = r.average.received[e];
    }
    out["proxy_messages_per_call"] = std::move(load);
    out["capacity_cps"] = r.capacityCps > 0.0 ? json(r.capacityCps) : json(nullptr);
    out["auth"] = {
        {"challenged_fraction", spec.challengers.empty() ? 0.0 : spec.challengedFraction},
        {"extra_messages", r.authExtraMessages},
        {"extra_delay_s", r.authExtraDelayMean},
        {"extra_messages_per_call",
         (spec.challengers.empty() ? 0.0 : spec.challengedFraction) * r.authExtraMessages}};
    out["plain"] = VariantJson(r.plain, spec);
    out["challenged"] = VariantJson(r.challenged, spec);
    out["notes"] = notes;
    return out;
}

void
PrintText(const CallModelSpec& spec, const CallModelResult& r,
          const std::vector<std::string>& notes)
{
    std::ostringstream path;
    for (std::size_t i = 0; i < spec.elements.size(); ++i)
    {
        path << (i ? " - " : "") << spec.elements[i];
    }
    std::cout << "path: " << path.str() << "\n" << std::setprecision(6);
    std::cout << "success probability: " << r.average.success << "\n";
    std::cout << "set-up delay: mean " << r.average.setupDelay.Mean() << " s, p95 "
              << r.average.setupDelay.Quantile(0.95) << " s\n";
    if (!spec.challengers.empty())
    {
        std::cout << "  without 407 round: mean " << r.plain.setupDelay.Mean() << " s; with: mean "
                  << r.challenged.setupDelay.Mean() << " s; challenged fraction "
                  << spec.challengedFraction << "\n";
        std::cout << "auth extra messages per challenged call: " << r.authExtraMessages << "\n";
    }
    std::cout << "messages per call: " << r.average.messages << "\n";
    for (const auto& [kind, n] : r.average.transmissions)
    {
        std::cout << "  " << kind << ": " << n << " sent, " << r.average.retransmissions.at(kind)
                  << " retransmitted\n";
    }
    if (r.capacityCps > 0.0)
    {
        std::cout << "proxy capacity: " << r.capacityCps << " calls/s\n";
    }
    for (const std::string& note : notes)
    {
        std::cout << "note: " << note << "\n";
    }
}

int
RunModel(const ModelOptions& o, bool flagsGiven)
{
    CallModelSpec spec;
    std::vector<std::string> notes;
    try
    {
        if (!o.scenario.empty())
        {
            if (flagsGiven)
            {
                std::cerr << "sipsim model: error: path flags (--proxies, --loss, ...) apply "
                             "only without a SCENARIO; use --set with a scenario\n";
                return kExitUsage;
            }
            auto scenario = LoadScenario(o.scenario, o.overrides);
            if (!scenario)
            {
                std::cerr << "sipsim model: error: " << o.scenario << ": "
                          << scenario.Error().ToString() << "\n";
                return kExitUsage;
            }
            auto path = analytic::PathFromScenario(*scenario);
            if (!path)
            {
                std::cerr << "sipsim model: error: " << path.Error().ToString() << "\n";
                return kExitUsage;
            }
            spec = path->spec;
            notes = path->notes;
        }
        else
        {
            if (!o.overrides.empty())
            {
                std::cerr << "sipsim model: error: --set needs a SCENARIO\n";
                return kExitUsage;
            }
            spec = ChainFromFlags(o);
        }
        const CallModelResult result = analytic::EvaluateCall(spec);
        if (o.json)
        {
            std::cout << ResultJson(spec, result, notes).dump(1) << "\n";
        }
        else
        {
            PrintText(spec, result, notes);
        }
    }
    catch (const std::invalid_argument& e)
    {
        std::cerr << "sipsim model: error: " << e.what() << "\n";
        return kExitUsage;
    }
    return kExitOk;
}

} // namespace

void
RegisterModelCommand(CLI::App& app, CommandAction& action)
{
    auto options = std::make_shared<ModelOptions>();
    CLI::App* cmd = app.add_subcommand(
        "model", "Analytic model (Markov chains) of call set-up under loss: success "
                 "probability, transmissions per message, set-up delay distribution");
    cmd->add_option("scenario", options->scenario, "Scenario file (TOML); omit to use flags");
    cmd->add_option("--set", options->overrides, "Scenario override path=value (repeatable)");
    cmd->add_flag("--json", options->json, "Print JSON (with the set-up delay CDF)");
    auto* group = cmd->add_option_group("chain", "Without a scenario: UA - N proxies - UA");
    std::vector<CLI::Option*> flags{
        group->add_option("--proxies", options->proxies, "Proxies on the path (default 2)"),
        group->add_option("--loss", options->loss, "Loss per hop, both directions"),
        group->add_option("--loss-forward", options->lossForward, "Loss caller -> callee"),
        group->add_option("--loss-reverse", options->lossReverse, "Loss callee -> caller"),
        group->add_option("--delay", options->delay, "One-way delay per hop (default 2ms)"),
        group->add_option("--t1", options->t1, "T1 (default 500ms)"),
        group->add_option("--t2", options->t2, "T2 (default 4s)"),
        group->add_option("--ring-time", options->ringTime, "Callee ring time (default 0s)"),
        group->add_option("--service-time", options->serviceTime, "Per message, per proxy"),
        group
            ->add_option("--challengers", options->challengers,
                         "Proxy numbers answering 407, e.g. --challengers 1 2")
            ->delimiter(','),
        group->add_option("--challenged-fraction", options->challengedFraction,
                          "Share of calls challenged (default 1)"),
        group->add_option("--hangup", options->hangup, "caller or callee (default callee)"),
        group->add_option("--holding-time", options->holdingTime,
                          "Answer -> caller's BYE (with --hangup caller)")};
    cmd->callback([options, flags, &action]() {
        bool flagsGiven = false;
        for (CLI::Option* f : flags)
        {
            flagsGiven = flagsGiven || f->count() > 0;
        }
        action = [options, flagsGiven]() { return RunModel(*options, flagsGiven); };
    });
}

} // namespace sipsim::app
