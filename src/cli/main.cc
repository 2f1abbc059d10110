// sandbox: the command, a thin client of the library.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "cli/informational.h"
#include "cli/manage.h"
#include "cli/parse.h"
#include "cli/x11_run.h"
#include "report/report.h"
#include "sandbox/sandbox.h"

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
  auto invocation = sandbox::cli::parse(argc, argv);
  if (!invocation) return fail(invocation.error());
  if (invocation->action == sandbox::cli::Invocation::Action::help) {
    std::cout << invocation->help_text;
    return 0;
  }
  if (invocation->action == sandbox::cli::Invocation::Action::version) {
    std::cout << "sandbox 0.1.0\n";
    return 0;
  }
  if (invocation->action == sandbox::cli::Invocation::Action::list) {
    return sandbox::cli::list_sandboxes(invocation->json);
  }
  if (invocation->action == sandbox::cli::Invocation::Action::kill) {
    return sandbox::cli::kill_sandbox(invocation->kill_label);
  }
  const sandbox::Policy& policy = invocation->policy;
  // From here on every exit writes the run report (--report), failures included.
  auto record = sandbox::report::begin(policy, invocation->command);
  auto failed = [&](const sandbox::Error& error) {
    record.error = error;
    return sandbox::report::finish(policy.report_path, record, fail(error));
  };
  if (auto valid = policy.validate(); !valid) return failed(valid.error());
  if (auto ok = sandbox::report::check_destination(policy.report_path); !ok) return fail(ok.error());

  if (policy.x11.enabled) return sandbox::cli::run_x11(policy, invocation->command);  // -X
  // Signals that arrive while the sandbox starts stay pending until wait()
  // forwards them, instead of killing us before we can clean up.
  sandbox::hold_forwarded_signals();
  auto child = sandbox::spawn(policy, invocation->command);
  if (!child) return failed(child.error());
  record.label = child->label();
  record.enforcement = child->limits();
  if (!policy.quiet) sandbox::cli::print_informational(*child);  // -q: errors only
  const sandbox::Outcome outcome = child->wait();
  if (!outcome.message.empty()) std::cerr << "sandbox: " << outcome.message << '\n';
  record.outcome = outcome;
  return sandbox::report::finish(policy.report_path, record, outcome.exit_status());
}
