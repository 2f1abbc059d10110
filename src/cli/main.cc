// sandbox: the command, a thin client of the library.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "cli/explain_run.h"
#include "cli/informational.h"
#include "cli/manage.h"
#include "cli/parse.h"
#include "cli/x11_run.h"
#include "sandbox/explain.h"
#include "sandbox/report.h"
#include "sandbox/sandbox.h"
#include "sandbox/serve.h"
#include "sandbox/version.h"

namespace {

// Our own descriptors must never land on 0, 1 or 2.
void ensure_standard_fds() {
  for (int fd = 0; fd < 3; ++fd) {
    if (::fcntl(fd, F_GETFD) < 0) ::open("/dev/null", O_RDWR);
  }
}

int fail(const sandbox::Error& error) {
  std::cerr << "sandbox: " << error.message() << '\n';
  return error.exit_status();
}

}  // namespace

int main(int argc, char** argv) {
  ensure_standard_fds();
  if (argc >= 2 && std::strcmp(argv[1], sandbox::kRenderPooledOutcome) == 0) {  // the lean client's words
    constexpr int kOutcomeFd = 3;
    auto pooled = sandbox::read_pooled_outcome(kOutcomeFd, std::vector<std::string>(argv + 2, argv + argc));
    ::close(kOutcomeFd);
    if (!pooled) return fail(pooled.error());
    if (!pooled->outcome.message.empty()) std::cerr << "sandbox: " << pooled->outcome.message << '\n';
    sandbox::Policy policy;
    policy.quiet = pooled->quiet;
    sandbox::cli::hint_explain(policy, pooled->outcome);
    return pooled->outcome.exit_status();
  }
  auto invocation = sandbox::cli::parse(argc, argv);
  if (!invocation) return fail(invocation.error());
  if (invocation->action == sandbox::cli::Invocation::Action::help) {
    std::cout << invocation->help_text;
    return 0;
  }
  if (invocation->action == sandbox::cli::Invocation::Action::version) {
    std::cout << "sandbox " SANDBOX_VERSION "\n";
    return 0;
  }
  if (invocation->action == sandbox::cli::Invocation::Action::list) {
    return sandbox::cli::list_sandboxes(invocation->json);
  }
  if (invocation->action == sandbox::cli::Invocation::Action::kill) {
    return sandbox::cli::kill_sandbox(invocation->kill_label);
  }
  if (invocation->action == sandbox::cli::Invocation::Action::serve) {
    sandbox::ServeOptions options;
    options.pool_size = invocation->pool_size;
    options.log_jobs = invocation->log_jobs;
    return sandbox::serve(options);
  }
  const sandbox::Policy& policy = invocation->policy;
  // From here on every exit writes the run report (--report), failures included.
  auto record = sandbox::report::begin(policy, invocation->command);
  auto failed = [&](const sandbox::Error& error) {
    record.error = error;
    return sandbox::report::finish(policy, record, fail(error));
  };
  if (auto valid = policy.validate(); !valid) return failed(valid.error());
  if (auto ok = sandbox::report::check_destinations(policy); !ok) return fail(ok.error());

  // The command is this process's: its environment, directory and stdio,
  // and its signals forwarded (the library's opt-ins).
  sandbox::Command command = sandbox::Command::from_this_process(invocation->command);
  command.fds = policy.fds;
  command.forward_signals = true;
  command.status_before_teardown = true;  // we exit right after wait() (DESIGN §14)
  command.use_pool = true;                // the user's warm pool when it runs (sandbox --serve)
  if (policy.x11.enabled && (policy.explain != sandbox::ExplainMode::off || !policy.learn_path.empty())) {
    return failed(sandbox::Error("--explain and --learn do not trace -X's nested display yet")
                      .with_hint("explain the program without -X first"));
  }
  if (policy.x11.enabled) {  // -X: the session, and the same report
    return sandbox::report::finish(policy, record, sandbox::cli::run_x11(policy, command, record));
  }
  if (!policy.learn_path.empty()) {  // --learn FILE: several runs, then the profile
    auto learned = sandbox::explain::learn(policy, command);
    if (!learned) return failed(learned.error());
    return sandbox::report::finish(policy, record, *learned);
  }
  auto sealed = sandbox::seal(policy);  // canonical paths, checked, and the kernel checked against them
  if (!sealed) return failed(sealed.error());
  // Signals that arrive while the sandbox starts stay pending until wait()
  // forwards them, instead of killing us before we can clean up.
  sandbox::hold_forwarded_signals();
  std::unique_ptr<sandbox::explain::Explainer> explainer;  // --explain: the tracer, as the observer
  if (policy.explain != sandbox::ExplainMode::off) {
    explainer = sandbox::explain::Explainer::create(sealed->policy(), command, policy.explain);  // canonical paths
    command.observer = explainer.get();
  }
  auto child = sandbox::spawn(*sealed, command);
  if (!child) return failed(child.error());
  record.label = child->label();
  record.enforcement = child->limits();
  if (!policy.quiet) sandbox::cli::print_informational(*child);  // -q: errors only
  const sandbox::Outcome outcome = child->wait();
  if (!outcome.message.empty()) std::cerr << "sandbox: " << outcome.message << '\n';
  if (explainer) {
    record.denials = explainer->denials();
    if (policy.explain == sandbox::ExplainMode::text) {
      std::cerr << sandbox::cli::explain_summary(record.denials, argc, argv, invocation->command);
    }
  }
  sandbox::cli::hint_explain(policy, outcome);
  record.outcome = outcome;
  const int status = sandbox::report::finish(policy, record, outcome.exit_status());
  // The sandbox has ended: nothing of it runs. Its init may still be tearing
  // its namespaces down; the caller gets the status now and our parent reaps
  // init, instead of ~Child waiting for it here (DESIGN §14).
  std::cout.flush();
  std::fflush(nullptr);
  ::_exit(status);
}
