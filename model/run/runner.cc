#include "runner.h"

#include "invariants.h"
#include "ladder.h"
#include "ns3/global-value.h"
#include "ns3/string.h"
#include "output_dir.h"
#include "progress.h"
#include "scenario/scenario.h"
#include "simulation.h"
#include "summary.h"
#include "topology/routing.h"

#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <unistd.h>

namespace sipsim
{

namespace
{

int
Fail(std::ostream& err, const std::string& message)
{
    err << "sipsim: error: " << message << "\n";
    return kRunBadScenario;
}

/// ns-3 3.37's HeapScheduler runs this simulator's events out of time order (elements
/// re-arm their one timer with Simulator::Remove): refuse it rather than write wrong results.
/// It can only come from NS_GLOBAL_VALUE; map (default), priority-queue and calendar
/// schedulers give identical outputs.
std::optional<std::string>
CheckEventScheduler()
{
    ns3::StringValue scheduler;
    if (ns3::GlobalValue::GetValueByNameFailSafe("SchedulerType", scheduler) &&
        scheduler.Get() == "ns3::HeapScheduler")
    {
        return std::string("SchedulerType ns3::HeapScheduler runs events out of time order in "
                           "ns-3 3.37; use the default ns3::MapScheduler");
    }
    return std::nullopt;
}

/// An output file with a large buffer: messages.csv gets a line per transmission.
struct OutputFile
{
    std::vector<char> buffer = std::vector<char>(1 << 20);
    std::ofstream stream;

    bool Open(const std::string& path)
    {
        stream.rdbuf()->pubsetbuf(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        stream.open(path, std::ios::binary | std::ios::trunc);
        return stream.is_open();
    }
};

} // namespace

int
RunScenario(const RunOptions& options, std::ostream& out, std::ostream& err)
{
    auto loaded = LoadScenario(options.scenarioPath, options.overrides);
    if (!loaded)
    {
        return Fail(err, loaded.Error().ToString());
    }
    Scenario scenario = std::move(loaded.Value());
    if (options.run)
    {
        scenario.run = *options.run;
    }
    if (options.ladderCall)
    {
        const int call = *options.ladderCall;
        if (call < 0)
        {
            return Fail(err, "--ladder-call: must be >= 0 (0: no ladder)");
        }
        if (scenario.workload.calls > 0 && call > scenario.workload.calls)
        {
            return Fail(err, "--ladder-call: " + std::to_string(call) +
                                 " is beyond workload.calls (" +
                                 std::to_string(scenario.workload.calls) + ")");
        }
        scenario.outputs.ladderCall = call;
    }
    scenario.outputs.pcap = scenario.outputs.pcap || options.pcap;
    if (scenario.seed == 0)
    {
        return Fail(err, "seed: must be >= 1 (ns-3 RngSeed)");
    }
    if (auto problem = CheckEventScheduler())
    {
        return Fail(err, *problem);
    }
    const std::string outDir = options.outDir.empty() ? "out/" + scenario.name : options.outDir;
    if (auto problem = CheckOutputDir(outDir))
    {
        return Fail(err, "--out: " + *problem);
    }
    auto topology = BuildTopology(scenario);
    if (!topology)
    {
        return Fail(err, topology.Error().ToString());
    }
    auto routing = ComputeRouting(*topology);
    if (!routing)
    {
        return Fail(err, "topology: " + routing.Error().ToString());
    }

    // Everything is valid: from here on files are created.
    if (auto problem = CreateOutputDir(outDir))
    {
        return Fail(err, "--out: " + *problem);
    }
    std::string pcapPrefix;
    if (scenario.outputs.pcap)
    {
        if (auto problem = CreateOutputDir(outDir + "/pcap"))
        {
            return Fail(err, "--out: " + *problem);
        }
        pcapPrefix = outDir + "/pcap/sipsim";
    }
    auto messagesCsv = std::make_unique<OutputFile>();
    auto callsCsv = std::make_unique<OutputFile>();
    if ((scenario.outputs.messages && !messagesCsv->Open(outDir + "/messages.csv")) ||
        !callsCsv->Open(outDir + "/calls.csv"))
    {
        return Fail(err, "--out: cannot write in '" + outDir + "'");
    }
    if (!scenario.outputs.messages)
    {
        std::remove((outDir + "/messages.csv").c_str()); // a stale one would mislead
    }

    ProgressReporter progress(err, !options.quiet, ::isatty(STDERR_FILENO) != 0);
    SimulationOutputs outputs;
    outputs.messagesCsv = scenario.outputs.messages ? &messagesCsv->stream : nullptr;
    outputs.callsCsv = &callsCsv->stream;
    outputs.pcapPrefix = pcapPrefix;
    outputs.progress = &progress;
    Simulation simulation(
        scenario, *topology, *routing, outputs,
        SimulationExecution{options.parseAhead, options.parseEveryHop, options.verifyHandOff});
    try
    {
        simulation.Run();
    }
    catch (const HandOffMismatch& mismatch)
    {
        progress.Finish();
        err << "sipsim: INVARIANT VIOLATED: " << mismatch.what() << "\n";
        return kRunInvariantViolated;
    }
    progress.Finish();
    if (options.handOffCountersForTest && simulation.HandOff())
    {
        *options.handOffCountersForTest = simulation.HandOff()->GetCounters();
    }
    messagesCsv->stream.close();
    callsCsv->stream.close();

    const MessageTracker& messages = simulation.Messages();
    if (scenario.outputs.ladderCall > 0)
    {
        std::ofstream ladder(outDir + "/ladder.txt", std::ios::binary | std::ios::trunc);
        WriteLadder(ladder, static_cast<uint64_t>(scenario.outputs.ladderCall),
                    messages.LadderCallId(), messages.Ladder());
    }
    else
    {
        std::remove((outDir + "/ladder.txt").c_str()); // a stale one would mislead
    }

    CallTracker& calls = simulation.Calls();
    RunSummary summary;
    summary.seed = scenario.seed;
    summary.run = scenario.run;
    summary.simulatedTime = simulation.EndTime();
    summary.calls = calls.Totals();
    summary.setupDelay = calls.SetupDelays().Summarize();
    summary.srd = calls.SessionRequestDelays().Summarize();
    summary.sdd = calls.DisconnectDelays().Summarize();
    summary.authDelay = calls.AuthDelays().Summarize();
    summary.messages = messages.Counters();
    summary.scenarioJson = ToJson(scenario);
    {
        std::ofstream json(outDir + "/summary.json", std::ios::binary | std::ios::trunc);
        WriteSummary(json, summary);
    }

    if (options.tamperForTest)
    {
        options.tamperForTest(summary.calls, summary.messages);
    }
    const auto violations =
        CheckInvariants(summary.calls, simulation.Workload().CallsStarted(), summary.messages);
    if (!violations.empty())
    {
        err << "sipsim: ********************************************************\n";
        for (const std::string& v : violations)
        {
            err << "sipsim: INVARIANT VIOLATED: " << v << "\n";
        }
        err << "sipsim: ********************************************************\n";
        return kRunInvariantViolated;
    }
    if (!options.quiet)
    {
        char line[256];
        std::snprintf(line, sizeof(line),
                      "%llu calls: %llu completed, %llu failed, %llu active; %llu messages "
                      "(%llu dropped, %llu retransmissions)",
                      static_cast<unsigned long long>(summary.calls.attempted),
                      static_cast<unsigned long long>(summary.calls.completed),
                      static_cast<unsigned long long>(summary.calls.failed),
                      static_cast<unsigned long long>(summary.calls.active),
                      static_cast<unsigned long long>(summary.messages.sent),
                      static_cast<unsigned long long>(summary.messages.dropped),
                      static_cast<unsigned long long>(summary.messages.retransmissions));
        out << "sipsim: " << scenario.name << ": " << line;
        if (summary.setupDelay.mean)
        {
            std::snprintf(line, sizeof(line), "; mean set-up delay %.6f s",
                          *summary.setupDelay.mean);
            out << line;
        }
        out << " -> " << outDir << "\n";
    }
    return kRunOk;
}

} // namespace sipsim
