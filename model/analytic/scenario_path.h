#ifndef SIPSIM_ANALYTIC_SCENARIO_PATH_H
#define SIPSIM_ANALYTIC_SCENARIO_PATH_H

// The model's inputs read from a scenario, so `sipsim model` evaluates exactly the
// configuration `sipsim run` (or a sweep point) simulates.

#include "analytic/call_model.h"
#include "scenario/scenario.h"
#include "sip/result.h"

#include <string>
#include <vector>

namespace sipsim::analytic
{

struct ScenarioPath
{
    CallModelSpec spec;
    /// Things the model ignores or approximates for this scenario (one line each), e.g.
    /// "bursty loss on A-P1 enters with its mean 0.048".
    std::vector<std::string> notes;
};

/// Uses the first workload pair's SIP path (caller, outbound proxy, next SIP hops, callee).
/// A SIP hop crossing routers gets the product of the link survivals and the sum of the
/// link delays (+ half the jitter) in each direction. Challenged fraction: with
/// credential reuse only each distinct caller's first call is challenged. Errors for what
/// the model does not cover: non-UDP transports, stateless proxies.
Result<ScenarioPath> PathFromScenario(const Scenario& scenario);

} // namespace sipsim::analytic

#endif
