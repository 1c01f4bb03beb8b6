// sipsim run SCENARIO: simulate a scenario on ns-3 and write its outputs (model/run).
#include "commands.h"

#ifdef SIPSIM_HAVE_RUN
#include "run/runner.h"

#include <iostream>
#include <memory>
#endif

namespace sipsim::app
{

void
RegisterRunCommand(CLI::App& app, CommandAction& action)
{
#ifdef SIPSIM_HAVE_RUN
    auto options = std::make_shared<RunOptions>();
    auto run = std::make_shared<uint32_t>(0);
    auto ladder = std::make_shared<int>(0);
    CLI::App* command = app.add_subcommand(
        "run", "Simulate a scenario and write messages.csv, calls.csv, ladder.txt, summary.json");
    command->add_option("scenario", options->scenarioPath, "Scenario file (TOML)")->required();
    command
        ->add_option("--set", options->overrides,
                     "Override a scenario value, e.g. --set workload.calls=100 (repeatable)")
        ->allow_extra_args(false);
    CLI::Option* runOption =
        command->add_option("--run", *run, "RNG run number (replication); default: the scenario's");
    command->add_option("--out", options->outDir,
                        "Output directory (default: out/<scenario name>)");
    command->add_flag("--pcap", options->pcap, "Write pcap files of every link to DIR/pcap/");
    command->add_flag("-q,--quiet", options->quiet, "No progress bar and no result line");
    CLI::Option* ahead = command->add_flag(
        "--parse-ahead", options->parseAhead,
        "Parse each message on a second thread while it crosses the network, at every hop: "
        "same outputs, less wall time than --parse-every-hop when a second core is free");
    CLI::Option* everyHop = command->add_flag(
        "--parse-every-hop", options->parseEveryHop,
        "Every receiver parses the bytes instead of taking the sender's message object: "
        "same outputs, more time");
    command
        ->add_flag("--verify-hand-off", options->verifyHandOff,
                   "Also parse every handed-off message and fail on any difference (checking)")
        ->excludes(ahead)
        ->excludes(everyHop);
    CLI::Option* ladderOption = command->add_option("--ladder-call", *ladder,
                                                    "Call drawn in ladder.txt (1-based; 0: none)");
    command->callback([&action, options, run, ladder, runOption, ladderOption]() {
        if (runOption->count() > 0)
        {
            options->run = *run;
        }
        if (ladderOption->count() > 0)
        {
            options->ladderCall = *ladder;
        }
        action = [options]() { return RunScenario(*options, std::cout, std::cerr); };
    });
#else
    // Built without ns-3 (SIPSIM_NS3=OFF): there is no simulation to run.
    (void)app;
    (void)action;
#endif
}

} // namespace sipsim::app
