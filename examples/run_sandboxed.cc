// A program that embeds the sandbox library: it runs `ls DIR` on a directory
// it grants read-only, with the program's output captured through a pipe,
// its own environment and working directory, and no signal handling of ours
// changed. Built against the installed library (find_package or pkg-config).
//
//   run_sandboxed DIR
#include <sandbox/sandbox.h>
#include <sandbox/version.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <string>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  sandbox::Policy policy = sandbox::Policy::default_profile();  // or sandbox::load_profile("web")
  policy.grants.push_back({argv[1], sandbox::Access::read});
  auto sealed = sandbox::seal(policy);
  if (!sealed) {
    std::fprintf(stderr, "run_sandboxed: %s\n", sealed.error().message().c_str());
    return sealed.error().exit_status();
  }
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return 1;
  sandbox::Command command;
  command.argv = {"ls", "-1", argv[1]};
  command.env = {"PATH=/usr/bin:/bin", "LANG=C"};
  command.cwd = argv[1];
  command.stdout_fd = out[1];
  auto child = sandbox::spawn(*sealed, command);
  ::close(out[1]);
  if (!child) {
    std::fprintf(stderr, "run_sandboxed: %s\n", child.error().message().c_str());
    return child.error().exit_status();
  }
  std::string listing;
  char buf[4096];
  for (ssize_t n; (n = ::read(out[0], buf, sizeof(buf))) > 0;) listing.append(buf, static_cast<std::size_t>(n));
  ::close(out[0]);
  const sandbox::Outcome outcome = child->wait();
  std::printf("sandbox %s ran ls in %s (exit %d):\n%s", SANDBOX_VERSION, child->label().c_str(),
              outcome.exit_status(), listing.c_str());
  return outcome.exit_status();
}
