// From the child's reports to an Outcome and its one-line message (DESIGN §3).
#include <signal.h>
#include <string.h>

#include <cerrno>

#include "launch/plan.h"
#include "sandbox/error.h"
#include "supervisor/child_state.h"

namespace sandbox {
namespace {

using launch::Report;
using launch::Step;

Outcome exec_failure(const Child::State& state, const Report& report) {
  Outcome out;
  out.step = launch::step_name(report.step);
  out.errno_value = report.errno_value;
  const std::string& command = state.command;
  if (report.errno_value == ENOENT) {
    out.kind = Outcome::Kind::not_found;
    if (!state.missing_interpreter.empty()) {  // the script is there; its interpreter is not
      out.message = Error(command + ": " + state.missing_interpreter).message();
      return out;
    }
    Error error(command + ": not found inside the sandbox");
    if (command.find('/') == std::string::npos) {
      const std::string host = launch::find_on_host(command);
      if (!host.empty()) {
        error.with_hint("it is " + host + " outside; grant it with --exec " + host);
      }
    }
    out.message = error.message();
    return out;
  }
  out.kind = Outcome::Kind::cannot_execute;
  Error error(command + ": cannot execute", report.errno_value);
  if (report.errno_value == EACCES && state.exec_candidates.size() == 1) {
    error.with_hint("grant it with --exec " + state.exec_candidates.front());
  }
  out.message = error.message();
  return out;
}

Outcome setup_failure(const Child::State& state, const Report& report) {
  Outcome out;
  out.kind = Outcome::Kind::setup_failed;
  out.step = launch::step_name(report.step);
  out.errno_value = report.errno_value;
  std::string what = std::string("setup failed at ") + out.step;
  if ((report.step == Step::clone_sources || report.step == Step::build_view) &&
      report.index < state.mount_descriptions.size()) {
    what = "cannot " + state.mount_descriptions[report.index];
  }
  Error error(what, report.errno_value);
  if (report.step == Step::clone_sources && (report.errno_value == ESTALE || report.errno_value == ELOOP)) {
    error.with_hint("the granted path changed since it was checked: a symlink or another file was "
                    "swapped in; nothing was bound");
  }
  out.message = error.message();
  return out;
}

}  // namespace

int Outcome::exit_status() const {
  switch (kind) {
    case Kind::exited: return code;
    case Kind::signaled: return 128 + code;
    case Kind::timed_out: return kExitTimeout;
    case Kind::killed: return 128 + SIGKILL;
    case Kind::setup_failed: return kExitFailure;
    case Kind::not_found: return kExitNotFound;
    case Kind::cannot_execute: return kExitCannotExecute;
    case Kind::out_of_memory: return 128 + SIGKILL;
  }
  return kExitFailure;
}

Outcome make_outcome(const Child::State& state, const std::vector<Report>& reports,
                     const siginfo_t& init_exit) {
  for (const auto& report : reports) {
    if (report.kind != Report::Kind::failure) continue;
    return report.step == Step::exec ? exec_failure(state, report) : setup_failure(state, report);
  }
  for (const auto& report : reports) {
    if (report.kind != Report::Kind::exited) continue;
    Outcome out;
    if (WIFSIGNALED(report.wait_status)) {
      out.kind = Outcome::Kind::signaled;
      out.code = WTERMSIG(report.wait_status);
    } else {
      out.kind = Outcome::Kind::exited;
      out.code = WEXITSTATUS(report.wait_status);
    }
    return out;
  }
  // init ended without a word: it was killed from outside.
  Outcome out;
  out.kind = Outcome::Kind::killed;
  out.code = init_exit.si_code == CLD_KILLED || init_exit.si_code == CLD_DUMPED
                 ? init_exit.si_status
                 : SIGKILL;
  const char* name = sigabbrev_np(out.code);
  out.message = state.killed ? "the sandbox was killed"
                             : std::string("the sandbox was killed by SIG") +
                                   (name != nullptr ? name : std::to_string(out.code).c_str());
  return out;
}

}  // namespace sandbox
