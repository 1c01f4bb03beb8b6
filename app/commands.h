#ifndef SIPSIM_APP_COMMANDS_H
#define SIPSIM_APP_COMMANDS_H

#include <CLI/CLI.hpp>

#include <functional>

namespace sipsim::app
{

/// Exit statuses shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalidInput = 1; ///< e.g. a SIP message that does not parse
inline constexpr int kExitUsage = 2;        ///< bad flags, missing files, bad scenario values

/// A subcommand adds itself to the CLI and sets `action` to run when it was selected.
/// The action returns the process exit status.
using CommandAction = std::function<int()>;

void RegisterParseCommand(CLI::App& app, CommandAction& action);
/// `run`: only when built with ns-3 (SIPSIM_HAVE_RUN); otherwise it registers nothing.
void RegisterRunCommand(CLI::App& app, CommandAction& action);
void RegisterPeerCommand(CLI::App& app, CommandAction& action);
/// `model`: the analytic model (model/analytic) for a scenario or a uniform chain.
void RegisterModelCommand(CLI::App& app, CommandAction& action);

} // namespace sipsim::app

#endif
