// build/sipsim: one program, one subcommand per job.
#include "commands.h"

#include <iostream>


int
main(int argc, char** argv)
{
    CLI::App app{"sipsim: a discrete-event SIP network simulator (RFC 3261 over ns-3)"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "sipsim 0.1.0");

    sipsim::app::CommandAction action;
    sipsim::app::RegisterParseCommand(app, action);
    sipsim::app::RegisterRunCommand(app, action);
    sipsim::app::RegisterPeerCommand(app, action);
    sipsim::app::RegisterModelCommand(app, action);

    try
    {
        app.parse(argc, argv);
    }
    catch (const CLI::CallForHelp&)
    {
        std::cout << app.help();
        return sipsim::app::kExitOk;
    }
    catch (const CLI::CallForAllHelp&)
    {
        std::cout << app.help("", CLI::AppFormatMode::All);
        return sipsim::app::kExitOk;
    }
    catch (const CLI::CallForVersion& version)
    {
        std::cout << version.what() << "\n";
        return sipsim::app::kExitOk;
    }
    catch (const CLI::ParseError& error)
    {
        // One line, naming the problem; usage errors exit 2 like the rest of the CLI.
        std::cerr << "sipsim: error: " << error.what() << " (see sipsim --help)\n";
        return sipsim::app::kExitUsage;
    }
    if (!action)
    {
        std::cerr << "sipsim: error: no subcommand given (see sipsim --help)\n";
        return sipsim::app::kExitUsage;
    }
    return action();
}
