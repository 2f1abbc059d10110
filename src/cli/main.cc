// sandbox: the command, a thin client of the library.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "cli/parse.h"
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
  if (auto valid = invocation->policy.validate(); !valid) return fail(valid.error());

  auto child = sandbox::spawn(invocation->policy, invocation->command);
  if (!child) return fail(child.error());
  for (const auto& skipped : child->skipped()) {
    std::cerr << "sandbox: --best-effort: running without " << skipped << '\n';
  }
  const sandbox::Outcome outcome = child->wait();
  if (!outcome.message.empty()) std::cerr << "sandbox: " << outcome.message << '\n';
  return outcome.exit_status();
}
