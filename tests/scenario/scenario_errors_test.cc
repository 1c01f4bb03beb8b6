// Each kind of bad input gives one error line that names the offending key.

#include "scenario/scenario.h"

#include <gtest/gtest.h>

namespace sipsim
{
namespace
{

void
ExpectError(const std::string& toml, const std::string& expected,
            const std::vector<std::string>& overrides = {})
{
    auto s = ParseScenario(toml, SIPSIM_SCENARIOS_DIR, overrides);
    ASSERT_FALSE(s.Ok()) << "accepted: " << toml;
    EXPECT_NE(s.Error().reason.find(expected), std::string::npos)
        << "'" << s.Error().reason << "' lacks '" << expected << "'";
    EXPECT_EQ(s.Error().reason.find('\n'), std::string::npos);
}

TEST(ScenarioErrors, UnknownKeysNameTheFullDottedKey)
{
    ExpectError("colour = 1", "unknown key 'colour'");
    ExpectError("[workload]\ncalss = 3", "unknown key 'workload.calss'");
    ExpectError("[workload.callee]\nring = \"1s\"", "unknown key 'workload.callee.ring'");
    ExpectError("[impairments.links.A-P1]\nlos = 0.1", "unknown key 'impairments.links.A-P1.los'");
    ExpectError("[processing.proxies.P1]\nrate = 3", "unknown key 'processing.proxies.P1.rate'");
    ExpectError("[workload]\npairs = [{caller=\"A\", calee=\"B\"}]",
                "unknown key 'workload.pairs[0].calee'");
    ExpectError("", "unknown key 'sip.t3'", {"sip.t3=1"});
}

TEST(ScenarioErrors, OutOfRangeValues)
{
    ExpectError("[workload]\ncalls = -1", "workload.calls: must be in [0,");
    ExpectError("[impairments]\nloss = 1.5", "impairments.loss: probability 1.5 outside [0, 1]");
    ExpectError("[impairments]\ndelay = \"-5ms\"", "impairments.delay: negative duration");
    ExpectError("[impairments]\ndelay = -0.5", "impairments.delay: negative duration");
    ExpectError("[sip]\nt1 = \"0ms\"", "sip.t1: must be > 0");
    ExpectError("[sip]\nt1 = \"2s\"\nt2 = \"1s\"", "sip.t2: must be >= sip.t1");
    ExpectError("[workload]\nrate = 0", "workload.rate: must be in");
    ExpectError("[workload.callee]\nbusy_probability = 1.2", "workload.callee.busy_probability");
    ExpectError("[workload.callee]\nreject_code = 200", "workload.callee.reject_code");
    ExpectError("[topology]\ngenerator = \"chain\"\nproxies = 0", "topology.proxies: must be in");
    ExpectError("[topology]\ngenerator = \"star\"\nuas = 20001",
                "topology.uas: must be in [1, 20000], got 20001");
    ExpectError("[impairments.links.A-P1]\nloss = -0.2",
                "impairments.links.A-P1.loss: probability");
    ExpectError("[impairments.links.A-P1]\nge_p = 0.1",
                "impairments.links.A-P1.ge_p: only valid with loss_model=gilbert-elliott");
    ExpectError("[impairments]\nloss_model = \"gilbert-elliott\"",
                "impairments.loss_model: gilbert-elliott needs ge_p and ge_r");
    ExpectError("[outputs]\nladder_call = 5", "outputs.ladder_call: 5 is beyond workload.calls");
}

TEST(ScenarioErrors, WrongTypesAndEnums)
{
    ExpectError("[workload]\ncalls = \"many\"", "workload.calls: expected an integer");
    ExpectError("[sip]\nrecord_route = \"yes\"", "sip.record_route: expected true or false");
    ExpectError("[sip]\ntransport = \"sctp\"", "sip.transport: unknown value 'sctp'");
    ExpectError("[sip]\nproxy_mode = \"lazy\"", "sip.proxy_mode: unknown value 'lazy'");
    ExpectError("[workload]\narrivals = \"bursty\"", "workload.arrivals: unknown value 'bursty'");
    ExpectError("[workload]\nhangup = \"nobody\"", "workload.hangup: unknown value 'nobody'");
    ExpectError("[workload.callee]\naction = \"dance\"", "workload.callee.action: unknown value");
    ExpectError("[auth]\nalgorithm = \"SHA-1\"", "auth.algorithm: unknown digest algorithm");
    ExpectError("[sip]\nt1 = true", "sip.t1: expected a string or a number");
    ExpectError("[sip]\nt1 = \"fast\"", "sip.t1: invalid duration");
    ExpectError("workload = 3", "workload: expected a table");
    ExpectError("[workload]\npairs = [\"AB\"]",
                "workload.pairs[0]: 'AB' is not \"caller->callee\"");
    ExpectError("[workload]\nrate = 2\ninterval = \"1s\"",
                "workload.rate: give either rate or interval");
    ExpectError("[topology]\ngenerator = \"mesh\"", "topology.generator: unknown generator 'mesh'");
    ExpectError("[topology]\nfile = \"seed.dot\"\ngenerator = \"seed\"",
                "topology.file: give either file or generator");
}

TEST(ScenarioErrors, NamesMustExistInTheTopology)
{
    ExpectError("[workload]\npairs = [\"A->Zed\"]", "workload.pairs[0]: unknown callee 'Zed'");
    ExpectError("[workload]\npairs = [\"A->B\", \"P1->B\"]",
                "workload.pairs[1]: unknown caller 'P1'");
    ExpectError("[workload]\npairs = [\"A->alice\"]",
                "workload.pairs[0]: caller and callee are the same ua");
    ExpectError("[auth]\nproxies = [\"P9\"]", "auth.proxies: unknown node 'P9'");
    ExpectError("[auth]\nproxies = [\"A\"]", "auth.proxies: 'A' is not a proxy");
    // P2 serves biloxi.example.com; the only caller, A, is in atlanta.example.com.
    ExpectError("[auth]\nproxies = [\"P1\", \"P2\"]",
                "auth.proxies: 'P2' would never challenge: a proxy authenticates only users of "
                "its own domain (biloxi.example.com) and no caller is in it");
    EXPECT_TRUE(ParseScenario("[auth]\nproxies = [\"P1\", \"P2\"]\n[workload]\n"
                              "pairs = [\"A->B\", \"B->A\"]",
                              SIPSIM_SCENARIOS_DIR, {})
                    .Ok());
    ExpectError("[auth.realms]\nP7 = \"x\"", "auth.realms.P7: unknown node 'P7'");
    ExpectError("[impairments.links.A-P2]\nloss = 0.1",
                "impairments.links.A-P2: no link between A and P2");
    ExpectError("[impairments.links.A-Q]\nloss = 0.1", "impairments.links.A-Q: no such nodes");
    ExpectError("[processing.proxies.B]\nservice_time = \"1ms\"",
                "processing.proxies.B: is not a proxy");
    ExpectError("[topology]\nfile = \"single-hop.dot\"\n[workload]\nregister_first = true",
                "workload.register_first: domain example.com has no registrar");
}

TEST(ScenarioErrors, TopologyProblems)
{
    ExpectError("[topology]\nfile = \"missing.dot\"", "topology.file: cannot open topology file");
    ExpectError("[topology]\ngenerator = \"star\"\nuas = 1",
                "workload.pairs: the topology has fewer than two UAs");
}

TEST(ScenarioErrors, DisconnectedCalleeAndLoopingProxyChain)
{
    const std::string dir = ::testing::TempDir();
    auto write = [&dir](const std::string& name, const std::string& text) {
        FILE* f = std::fopen((dir + "/" + name).c_str(), "w");
        std::fputs(text.c_str(), f);
        std::fclose(f);
    };
    write("islands.dot", R"(graph { A [role=ua, domain=x]; B [role=ua, domain=x];
        C [role=ua, domain=x]; D [role=ua, domain=x]; A -- B; C -- D; })");
    auto s =
        ParseScenario("[topology]\nfile = \"islands.dot\"\n[workload]\npairs = [\"A->D\"]", dir);
    ASSERT_FALSE(s.Ok());
    EXPECT_EQ(s.Error().reason, "workload.pairs[0]: D is unreachable from A (disconnected)");

    write("loop.dot", R"(graph {
        A [role=ua, domain="a.com"]; P [role=proxy, domain="a.com", sip_routes="*=M"];
        M [role=proxy, domain="m.com", sip_routes="*=P"];
        Q [role=proxy, domain="b.com"]; B [role=ua, domain="b.com"];
        A -- P; P -- M; M -- Q; Q -- B; })");
    auto loop = ParseScenario("[topology]\nfile = \"loop.dot\"", dir);
    ASSERT_FALSE(loop.Ok());
    EXPECT_NE(loop.Error().reason.find("topology.file: "), std::string::npos);
    EXPECT_NE(loop.Error().reason.find("SIP route loop for domain b.com"), std::string::npos)
        << loop.Error().reason;
}

TEST(ScenarioErrors, SyntaxAndOverrideSyntax)
{
    auto s = ParseScenario("[workload\ncalls = 1");
    ASSERT_FALSE(s.Ok());
    EXPECT_NE(s.Error().reason.find("TOML syntax error"), std::string::npos);
    EXPECT_EQ(s.Error().line, 1);
    ExpectError("", "--set 'calls': expected path=value", {"calls"});
    ExpectError("", "--set 'a..b=1': empty key", {"a..b=1"});
    ExpectError("name = \"x\"", "--set 'name.first=1': name is not a table", {"name.first=1"});
    auto missing = LoadScenario("/nonexistent/x.toml");
    ASSERT_FALSE(missing.Ok());
    EXPECT_NE(missing.Error().reason.find("/nonexistent/x.toml"), std::string::npos);
}

} // namespace
} // namespace sipsim
