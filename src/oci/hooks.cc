#include "oci/hooks.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "util/sys.h"
#include "util/unique_fd.h"

namespace sandbox::oci {
namespace {

Result<void> run_hook(const Hook& hook, const std::string& state_json, const char* stage) {
  int in[2];
  if (::pipe2(in, O_CLOEXEC) != 0) return Error::from_errno("pipe for a hook");
  UniqueFd read_end(in[0]), write_end(in[1]);
  std::vector<std::string> args = hook.args.empty() ? std::vector<std::string>{hook.path} : hook.args;
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env = hook.env;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return Error::from_errno("fork for a hook");
  if (pid == 0) {
    ::dup2(read_end.get(), 0);
    ::execve(hook.path.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  read_end.reset();
  // A hook that does not read its stdin must not block us.
  ::signal(SIGPIPE, SIG_IGN);
  [[maybe_unused]] const ssize_t n = ::write(write_end.get(), state_json.data(), state_json.size());
  write_end.reset();
  UniqueFd pidfd(sys::pidfd_open(pid));
  if (hook.timeout && pidfd) {
    pollfd p{pidfd.get(), POLLIN, 0};
    if (::poll(&p, 1, *hook.timeout * 1000) == 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
      return Error(std::string(stage) + " hook " + hook.path + " timed out");
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return success();
  return Error(std::string(stage) + " hook " + hook.path + " failed (" +
               (WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                  : "signal " + std::to_string(WTERMSIG(status))) + ")");
}

}  // namespace

Result<void> run_hooks(const std::vector<Hook>& hooks, const std::string& state_json, const char* stage) {
  for (const auto& hook : hooks) {
    if (auto ok = run_hook(hook, state_json, stage); !ok) return ok;
  }
  return success();
}

std::vector<std::string> hooks_to_json(const std::vector<Hook>& hooks) {
  std::vector<std::string> out;
  for (const auto& h : hooks) {
    nlohmann::json j = {{"path", h.path}, {"args", h.args}, {"env", h.env}};
    if (h.timeout) j["timeout"] = *h.timeout;
    out.push_back(j.dump());
  }
  return out;
}

std::vector<Hook> hooks_from_json(const std::vector<std::string>& json) {
  std::vector<Hook> out;
  for (const auto& text : json) {
    const auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) continue;
    Hook h;
    h.path = j.value("path", "");
    h.args = j.value("args", std::vector<std::string>{});
    h.env = j.value("env", std::vector<std::string>{});
    if (j.contains("timeout")) h.timeout = j["timeout"].get<int>();
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace sandbox::oci
