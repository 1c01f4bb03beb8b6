#ifndef SIPSIM_RUN_OUTPUT_DIR_H
#define SIPSIM_RUN_OUTPUT_DIR_H

#include <optional>
#include <string>

namespace sipsim
{

/// Checks, without creating anything, that `dir` is an existing writable directory or can
/// be created (its nearest existing ancestor is a writable directory and nothing on the way
/// is a file). Returns the problem as one line, or nothing.
std::optional<std::string> CheckOutputDir(const std::string& dir);

/// Creates `dir` (and parents); the problem as one line on failure.
std::optional<std::string> CreateOutputDir(const std::string& dir);

} // namespace sipsim

#endif
