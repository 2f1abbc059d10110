// running_levels() lists every running sandbox while other Unix sockets come
// and go (util/unix_listeners.cc says why /proc/net/unix could not).
//
// In a child inside fresh user and network namespaces (uid 65534 can make
// them; only our sockets are in the table, so no sandbox of the machine
// interferes): kLabels labels reserved with the real reservation code, as
// that many running sandboxes hold them, a thread that keeps reserving and
// releasing other labels (sandboxes starting and ending) and opening and
// closing socket pairs, and kCalls calls of running_levels(), each of which
// must list every one of the kLabels. 300 labels take several skbs of a
// sock_diag dump (about 70 fit in its first) and several pages of
// /proc/net/unix, so a call resumes its walk of the table at least once.
// Measured on the machine that wrote this: one read of /proc/net/unix (the
// code before) left a label out in 16% to 35% of the calls, one sock_diag
// dump without unix_listeners.cc's repeat in about 0.6%: this test failed
// in 20 runs of 20 against the former, in 17 of 20 against the latter.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <deque>
#include <string>
#include <thread>
#include <vector>

#include "label/label.h"
#include "util/unix_listeners.h"
#include "sandbox/registry.h"
#include "util/unique_fd.h"

using sandbox::UniqueFd;
using namespace sandbox::registry;
using sandbox::util::listening_abstract_unix_names;
using sandbox::util::ListenerSource;

namespace {

constexpr int kLabels = 300;  // s0:c0,c1 ... s0:c0,c300
constexpr int kCalls = 400;

// Other labels (s0:c1,c2 ... s0:c1,c1001) reserved and released, some 64
// held at a time, and an unbound socket pair made and closed beside each.
// Counts the reservations in `reserved`.
void churn(const std::atomic<bool>& stop, std::atomic<int>& reserved) {
  std::deque<Reservation> held;
  for (int i = 0; !stop.load(std::memory_order_relaxed); ++i) {
    if (auto r = reserve(Level{1, 2 + i % 1000})) {
      held.push_back(std::move(*r));
      reserved.fetch_add(1, std::memory_order_relaxed);
    }
    if (held.size() > 64) held.pop_front();
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0) {
      ::close(pair[0]);
      ::close(pair[1]);
    }
  }
}

// The child's work: "" when every call listed every label, else what went
// wrong.
std::string list_while_churning() {
  std::vector<Reservation> labels;
  for (int high = 1; high <= kLabels; ++high) {
    auto r = reserve(Level{0, high});
    if (!r) return "cannot reserve s0:c0,c" + std::to_string(high) + ": " + r.error().message();
    labels.push_back(std::move(*r));
  }
  std::atomic<bool> stop{false};
  std::atomic<int> reserved{0};
  std::thread churner(churn, std::cref(stop), std::ref(reserved));
  int short_calls = 0;
  std::string example;
  for (int call = 0; call < kCalls; ++call) {
    const auto levels = running_levels();
    bool short_call = false;
    for (const auto& label : labels) {
      if (std::find(levels.begin(), levels.end(), label.level) == levels.end()) {
        if (example.empty()) example = label.level.str();
        short_call = true;
      }
    }
    if (short_call) ++short_calls;
  }
  stop = true;
  churner.join();
  // Churn to speak of: the test must not pass for want of it.
  if (reserved.load() < kCalls / 10) return "the churn made only " + std::to_string(reserved.load()) + " reservations";
  if (short_calls == 0) return "";
  return std::to_string(short_calls) + " of " + std::to_string(kCalls) + " calls left out a running sandbox (" +
         example + " first)";
}

// The fallback for kernels without unix_diag, in a quiet namespace (nothing
// closes, so no read can lose a row): the same names as sock_diag, the
// listening ones only.
std::string compare_sources() {
  auto listening = reserve(Level{0, 1});
  if (!listening) return listening.error().message();
  UniqueFd bound(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string quiet = "not-listening";
  std::memcpy(addr.sun_path + 1, quiet.data(), quiet.size());
  const auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + quiet.size());
  if (!bound || ::bind(bound.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0) {
    return std::string("cannot bind @not-listening: ") + std::strerror(errno);
  }
  auto diag = listening_abstract_unix_names(ListenerSource::sock_diag);
  if (!diag) return diag.error().message();
  auto proc = listening_abstract_unix_names(ListenerSource::proc_net_unix);
  if (!proc) return proc.error().message();
  const std::vector<std::string> expected{"sandbox/c0,c1"};
  if (*diag != expected) return "sock_diag listed " + std::to_string(diag->size()) + " names";
  if (*proc != expected) return "/proc/net/unix listed " + std::to_string(proc->size()) + " names";
  return "";
}

// Runs `body` in a child inside fresh user and network namespaces; what it
// returns ("" for success) comes back through a pipe.
std::string in_fresh_network_namespace(std::string (*body)()) {
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) return std::string("pipe2: ") + std::strerror(errno);
  UniqueFd read_end(report[0]), write_end(report[1]);
  const pid_t child = ::fork();
  if (child < 0) return std::string("fork: ") + std::strerror(errno);
  if (child == 0) {
    read_end.reset();
    std::string outcome;
    if (::unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0) {
      outcome = std::string("cannot unshare a user and network namespace: ") + std::strerror(errno);
    } else {
      outcome = body();
    }
    const bool written = ::write(write_end.get(), outcome.data(), outcome.size()) ==
                         static_cast<ssize_t>(outcome.size());
    ::_exit(written && outcome.empty() ? 0 : 1);
  }
  write_end.reset();
  std::string outcome;
  char buf[512];
  for (ssize_t n; (n = ::read(read_end.get(), buf, sizeof(buf))) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::string("read: ") + std::strerror(errno);
    outcome.append(buf, static_cast<std::size_t>(n));
  }
  int status = 0;
  if (::waitpid(child, &status, 0) != child) return std::string("waitpid: ") + std::strerror(errno);
  if (!WIFEXITED(status) || (WEXITSTATUS(status) != 0 && outcome.empty())) {
    return "the child ended with status " + std::to_string(status);
  }
  return outcome;
}

}  // namespace

TEST(RunningLevels, ListsEveryRunningSandboxWhileOtherSocketsComeAndGo) {
  EXPECT_EQ(in_fresh_network_namespace(list_while_churning), "");
}

TEST(RunningLevels, TheProcNetUnixFallbackListsTheSameListeners) {
  EXPECT_EQ(in_fresh_network_namespace(compare_sources), "");
}
