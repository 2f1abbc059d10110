// The client of `sandbox --serve` (DESIGN §14): spawn() hands the job to
// the user's warm pool when Command::use_pool asks for it, the pool's
// socket is there and the policy's creation-time part matches.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sandbox/sandbox.h"

namespace sandbox::supervisor {

// The pooled Child, or an error once the pool took the job; nullopt when
// the pool does not take it and the caller launches cold. The caller's
// SANDBOX_POOL (in Command::env) chooses: "off" never asks the pool,
// "only" turns "the pool did not take it" into an error (tests, benches).
std::optional<Result<Child>> spawn_pooled(const SealedPolicy& sealed, const Command& command);

// The plan's words for the outcome in the service's `accepted` (init's
// pid, the missing interpreter, the exec candidates, notices, skipped
// layers, mount descriptions; pool/message.h) into a Child's state; false
// when they are malformed. Also the lean client's renderer's
// (cli/pooled_outcome.h).
bool read_accepted(const std::vector<std::string>& fields, Child::State& state);

}  // namespace sandbox::supervisor
