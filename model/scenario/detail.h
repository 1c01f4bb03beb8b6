#ifndef SIPSIM_SCENARIO_DETAIL_H
#define SIPSIM_SCENARIO_DETAIL_H

// Internal to sipsim_scenario: the step after TOML reading, shared between files.

#include "scenario/scenario.h"

#include <optional>

namespace sipsim::detail
{

/// Builds the topology, checks every name the scenario uses against it, resolves the
/// workload pairs (filling CallPairSpec nodes/AORs, or the default pairs) in place.
std::optional<ParseError> ResolveAgainstTopology(Scenario& scenario);

/// "MD5"/"SHA-256" etc.
std::optional<AuthAlgorithm> ParseAuthAlgorithm(const std::string& text);

} // namespace sipsim::detail

#endif
