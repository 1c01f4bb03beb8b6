// TOML -> Scenario: overrides, unknown-key detection, types and ranges. Checks that need
// the topology (node names, pairs) live in scenario_build.cc.

#include "scenario/scenario.h"

#include "scenario/detail.h"
#include "scenario/reader.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <set>
#include <sstream>
#include <toml++/toml.h>

namespace sipsim
{

namespace
{

using detail::Join;
using detail::Reader;

const char* const kLinkKeys[] = {"delay", "jitter",    "loss",         "loss_model",
                                 "ge_p",  "ge_r",      "ge_loss_good", "ge_loss_bad",
                                 "rate",  "queue_size"};

/// Collects link attributes from a table as text; the caller already limited the keys.
std::map<std::string, std::string>
LinkAttributes(Reader& r)
{
    std::map<std::string, std::string> attrs;
    for (const char* key : kLinkKeys)
    {
        std::string text;
        if (r.ScalarText(key, &text))
        {
            attrs[key] = text;
        }
    }
    return attrs;
}

void
ReadTopology(Reader r, TopologySpec& t)
{
    r.Allow({"file", "generator", "proxies", "uas", "routers", "nodes", "tree_seed"});
    r.String("file", &t.file);
    if (r.Has("file"))
    {
        if (r.Has("generator"))
        {
            return r.Fail("file", "give either file or generator, not both");
        }
        t.generator.clear();
    }
    r.String("generator", &t.generator);
    if (!r.Has("file") && !r.Failed())
    {
        static const std::set<std::string> kGenerators = {"seed", "chain", "star", "two-domains",
                                                          "random-tree"};
        if (kGenerators.count(t.generator) == 0)
        {
            r.Fail("generator", "unknown generator '" + t.generator +
                                    "' (use seed, chain, star, two-domains, random-tree)");
        }
    }
    r.Int("proxies", &t.proxies, 1, 1000);
    r.Int("uas", &t.uas, 1, 20000);
    r.Int("routers", &t.routers, 0, 1000);
    r.Int("nodes", &t.nodes, 3, 1000);
    r.Int("tree_seed", &t.treeSeed, 0, std::numeric_limits<uint32_t>::max());
}

void
ReadPairs(Reader& r, std::vector<CallPairSpec>& pairs)
{
    const toml::node* node = r.Get("pairs");
    if (node == nullptr)
    {
        return;
    }
    const toml::array* array = node->as_array();
    if (array == nullptr)
    {
        return r.Fail("pairs", "expected an array of \"caller->callee\" strings or tables");
    }
    pairs.clear();
    for (std::size_t i = 0; i < array->size(); ++i)
    {
        const std::string key = "pairs[" + std::to_string(i) + "]";
        const toml::node& item = *array->get(i);
        CallPairSpec pair;
        if (item.is_string())
        {
            const std::string text = item.as_string()->get();
            const auto arrow = text.find("->");
            if (arrow == std::string::npos)
            {
                return r.Fail(key, "'" + text + "' is not \"caller->callee\"");
            }
            auto trim = [](std::string s) {
                s.erase(0, s.find_first_not_of(' '));
                s.erase(s.find_last_not_of(' ') + 1);
                return s;
            };
            pair.caller = trim(text.substr(0, arrow));
            pair.callee = trim(text.substr(arrow + 2));
        }
        else if (item.is_table())
        {
            Reader t = r.At(item.as_table(), key);
            t.Allow({"caller", "callee"});
            t.String("caller", &pair.caller);
            t.String("callee", &pair.callee);
            if (r.Failed())
            {
                return;
            }
        }
        else
        {
            return r.Fail(key, "expected \"caller->callee\" or {caller, callee}");
        }
        if (pair.caller.empty() || pair.callee.empty())
        {
            return r.Fail(key, "caller and callee must both be given");
        }
        pairs.push_back(std::move(pair));
    }
}

void
ReadWorkload(Reader r, Workload& w)
{
    r.Allow({"calls", "duration", "arrivals", "rate", "interval", "pairs", "holding_time",
             "holding_distribution", "hangup", "cancel_after", "register_first", "callee"});
    r.Int("calls", &w.calls, 0, 100'000'000);
    r.Time("duration", &w.duration);
    r.Enum("arrivals", &w.arrivals,
           {{"sequential", Arrivals::Sequential},
            {"constant", Arrivals::Constant},
            {"poisson", Arrivals::Poisson}});
    if (r.Has("rate") && r.Has("interval"))
    {
        return r.Fail("rate", "give either rate or interval, not both");
    }
    r.Double("rate", &w.rate, 1e-9, 1e9);
    r.Time("interval", &w.interval, true);
    if (r.Has("interval") && !r.Failed())
    {
        w.rate = 1.0 / ToSeconds(w.interval);
    }
    ReadPairs(r, w.pairs);
    r.Time("holding_time", &w.holdingTime);
    r.Enum("holding_distribution", &w.holdingDistribution,
           {{"constant", HoldingDistribution::Constant},
            {"exponential", HoldingDistribution::Exponential}});
    r.Enum("hangup", &w.hangup, {{"callee", Hangup::Callee}, {"caller", Hangup::Caller}});
    r.Time("cancel_after", &w.cancelAfter);
    r.Bool("register_first", &w.registerFirst);

    Reader c = r.Sub("callee");
    c.Allow({"action", "ring_time", "busy_probability", "reject_code"});
    c.Enum("action", &w.callee.action,
           {{"answer", CalleeAction::Answer},
            {"busy", CalleeAction::Busy},
            {"reject", CalleeAction::Reject},
            {"no-answer", CalleeAction::NoAnswer}});
    c.Time("ring_time", &w.callee.ringTime);
    c.Double("busy_probability", &w.callee.busyProbability, 0.0, 1.0);
    c.Int("reject_code", &w.callee.rejectCode, 300, 699);
}

void
ReadStringMap(Reader r, std::map<std::string, std::string>& out)
{
    if (r.Table() == nullptr)
    {
        return;
    }
    for (const auto& [key, node] : *r.Table())
    {
        const std::string k(key.str());
        std::string value;
        r.String(k.c_str(), &value);
        out[k] = value;
    }
}

void
ReadAuth(Reader r, AuthConfig& a)
{
    r.Allow({"proxies", "realms", "algorithm", "credential_reuse", "challenge_register", "users"});
    if (const toml::node* node = r.Get("proxies"))
    {
        const toml::array* array = node->as_array();
        if (array == nullptr)
        {
            return r.Fail("proxies", "expected an array of proxy names");
        }
        a.proxies.clear();
        for (const toml::node& item : *array)
        {
            if (!item.is_string())
            {
                return r.Fail("proxies", "expected an array of proxy names");
            }
            a.proxies.push_back(item.as_string()->get());
        }
    }
    ReadStringMap(r.Sub("realms"), a.realms);
    if (const toml::node* node = r.Get("algorithm"))
    {
        auto algorithm =
            node->is_string() ? detail::ParseAuthAlgorithm(node->as_string()->get()) : std::nullopt;
        if (!algorithm)
        {
            return r.Fail("algorithm", "unknown digest algorithm (use MD5, SHA-256)");
        }
        a.algorithm = *algorithm;
    }
    r.Bool("credential_reuse", &a.credentialReuse);
    r.Bool("challenge_register", &a.challengeRegister);
    ReadStringMap(r.Sub("users"), a.users);
}

void
ReadSip(Reader r, SipConfig& s)
{
    r.Allow({"transport", "t1", "t2", "t4", "record_route", "proxy_mode"});
    r.Enum("transport", &s.transport, {{"udp", Transport::Udp}, {"tcp", Transport::Tcp}});
    r.Time("t1", &s.t1, true);
    r.Time("t2", &s.t2, true);
    r.Time("t4", &s.t4, true);
    if (!r.Failed() && s.t2 < s.t1)
    {
        r.Fail("t2", "must be >= sip.t1 (" + FormatDuration(s.t1) + ")");
    }
    r.Bool("record_route", &s.recordRoute);
    r.Enum("proxy_mode", &s.proxyMode,
           {{"stateful", ProxyMode::Stateful}, {"stateless", ProxyMode::Stateless}});
}

void
ReadImpairments(Reader r, Impairments& imp)
{
    r.Allow({"delay", "jitter", "loss", "loss_model", "ge_p", "ge_r", "ge_loss_good", "ge_loss_bad",
             "rate", "queue_size", "links"});
    auto defaults = ApplyLinkAttributes(imp.defaults, LinkAttributes(r));
    if (r.Failed())
    {
        return;
    }
    if (!defaults)
    {
        const std::string& reason = defaults.Error().reason;
        const auto colon = reason.find(": ");
        return r.Fail(reason.substr(0, colon), reason.substr(colon + 2));
    }
    imp.defaults = *defaults;

    Reader links = r.Sub("links");
    if (links.Table() == nullptr)
    {
        return;
    }
    imp.links.clear();
    for (const auto& [key, node] : *links.Table())
    {
        const std::string name(key.str());
        Reader link = links.Sub(name.c_str());
        if (r.Failed())
        {
            return;
        }
        link.Allow({"direction", "delay", "jitter", "loss", "loss_model", "ge_p", "ge_r",
                    "ge_loss_good", "ge_loss_bad", "rate", "queue_size"});
        LinkOverride o;
        const auto dash = name.find('-');
        if (dash == std::string::npos || dash == 0 || dash + 1 == name.size())
        {
            return links.Fail(name, "link name must be \"NodeA-NodeB\"");
        }
        o.a = name.substr(0, dash); // Re-split against node names in scenario_build.cc.
        o.b = name.substr(dash + 1);
        link.String("direction", &o.direction);
        if (!r.Failed() && o.direction != "both" && o.direction != "forward" &&
            o.direction != "reverse")
        {
            return link.Fail("direction",
                             "unknown value '" + o.direction + "' (use both, forward, reverse)");
        }
        o.attributes = LinkAttributes(link);
        // Check the values now so the error names the key; the base link comes later.
        auto check = ApplyLinkAttributes(LinkDirection{}, o.attributes);
        if (!r.Failed() && !check)
        {
            const std::string& reason = check.Error().reason;
            const auto colon = reason.find(": ");
            return link.Fail(reason.substr(0, colon), reason.substr(colon + 2));
        }
        imp.links.push_back(std::move(o));
    }
}

void
ReadProxyProcessing(Reader& r, ProxyProcessing& p)
{
    r.Time("service_time", &p.serviceTime);
    r.Int("queue_limit", &p.queueLimit, 0, 1'000'000);
}

void
ReadProcessing(Reader r, Processing& p)
{
    r.Allow({"service_time", "queue_limit", "proxies"});
    ReadProxyProcessing(r, p.defaults);
    Reader proxies = r.Sub("proxies");
    if (proxies.Table() == nullptr)
    {
        return;
    }
    for (const auto& [key, node] : *proxies.Table())
    {
        const std::string name(key.str());
        Reader proxy = proxies.Sub(name.c_str());
        proxy.Allow({"service_time", "queue_limit"});
        ProxyProcessing pp = p.defaults;
        ReadProxyProcessing(proxy, pp);
        p.proxies[name] = pp;
    }
}

void
ReadOutputs(Reader r, Outputs& o)
{
    r.Allow({"ladder_call", "pcap", "messages"});
    r.Int("ladder_call", &o.ladderCall, 0, 100'000'000);
    r.Bool("pcap", &o.pcap);
    r.Bool("messages", &o.messages);
}

/// Splits "a.b.\"c-d\"" into keys.
Result<std::vector<std::string>>
SplitPath(const std::string& path)
{
    std::vector<std::string> keys;
    std::string current;
    bool quoted = false;
    bool wasQuoted = false;
    for (char c : path)
    {
        if (c == '"')
        {
            quoted = !quoted;
            wasQuoted = true;
        }
        else if (c == '.' && !quoted)
        {
            if (current.empty() && !wasQuoted)
            {
                return MakeError("empty key in '" + path + "'");
            }
            keys.push_back(current);
            current.clear();
            wasQuoted = false;
        }
        else
        {
            current += c;
        }
    }
    if (quoted || (current.empty() && !wasQuoted))
    {
        return MakeError("malformed key '" + path + "'");
    }
    keys.push_back(current);
    return keys;
}

std::optional<ParseError>
ApplyOverride(toml::table& root, const std::string& text)
{
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0)
    {
        return MakeError("--set '" + text + "': expected path=value");
    }
    auto keys = SplitPath(text.substr(0, eq));
    if (!keys)
    {
        return MakeError("--set '" + text + "': " + keys.Error().reason);
    }
    const std::string value = text.substr(eq + 1);
    toml::table parsed;
    try
    {
        parsed = toml::parse("v = " + value);
    }
    catch (const toml::parse_error&)
    {
        parsed = toml::table{{"v", value}}; // Bare words: poisson, 500ms, A->B.
    }
    toml::table* table = &root;
    std::string walked;
    for (std::size_t i = 0; i + 1 < keys->size(); ++i)
    {
        walked = Join(walked, (*keys)[i]);
        toml::node* next = table->get((*keys)[i]);
        if (next == nullptr)
        {
            table->insert((*keys)[i], toml::table{});
            next = table->get((*keys)[i]);
        }
        if (!next->is_table())
        {
            return MakeError("--set '" + text + "': " + walked + " is not a table");
        }
        table = next->as_table();
    }
    parsed.get("v")->visit([&](const auto& node) { table->insert_or_assign(keys->back(), node); });
    return std::nullopt;
}

} // namespace

Result<Scenario>
ParseScenario(const std::string& tomlText, const std::string& baseDir,
              const std::vector<std::string>& overrides)
{
    toml::table root;
    try
    {
        root = toml::parse(tomlText);
    }
    catch (const toml::parse_error& e)
    {
        return MakeError("TOML syntax error: " + std::string(e.description()),
                         static_cast<int>(e.source().begin.line),
                         static_cast<int>(e.source().begin.column));
    }
    for (const std::string& o : overrides)
    {
        if (auto error = ApplyOverride(root, o))
        {
            return *error;
        }
    }

    Scenario s;
    std::optional<ParseError> error;
    Reader r(&root, "", &error);
    r.Allow({"name", "description", "seed", "run", "stop_time", "topology", "workload", "auth",
             "sip", "impairments", "processing", "outputs"});
    r.String("name", &s.name);
    r.String("description", &s.description);
    r.Int("seed", &s.seed, 0, std::numeric_limits<uint32_t>::max());
    r.Int("run", &s.run, 0, std::numeric_limits<uint32_t>::max());
    r.Time("stop_time", &s.stopTime);
    ReadTopology(r.Sub("topology"), s.topology);
    ReadWorkload(r.Sub("workload"), s.workload);
    ReadAuth(r.Sub("auth"), s.auth);
    ReadSip(r.Sub("sip"), s.sip);
    ReadImpairments(r.Sub("impairments"), s.impairments);
    ReadProcessing(r.Sub("processing"), s.processing);
    ReadOutputs(r.Sub("outputs"), s.outputs);
    if (error)
    {
        return *error;
    }
    if (!s.topology.file.empty())
    {
        s.topology.file =
            (std::filesystem::path(baseDir) / s.topology.file).lexically_normal().string();
    }
    if (auto e = detail::ResolveAgainstTopology(s))
    {
        return *e;
    }
    return s;
}

Result<Scenario>
LoadScenario(const std::string& path, const std::vector<std::string>& overrides)
{
    std::ifstream in(path);
    if (!in)
    {
        return MakeError("cannot open scenario file '" + path + "'");
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::filesystem::path p(path);
    auto scenario = ParseScenario(
        buffer.str(), p.parent_path().empty() ? "." : p.parent_path().string(), overrides);
    if (!scenario)
    {
        return scenario;
    }
    scenario->path = path;
    if (scenario->name.empty())
    {
        scenario->name = p.stem().string();
    }
    return scenario;
}

} // namespace sipsim
