// Management (DESIGN §4): --list finds running sandboxes through their
// control sockets, --kill ends one as a whole, only for its owner or root.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <iostream>

#include <sstream>

#include <nlohmann/json.hpp>

#include "attacks/support.h"

using namespace attack;
using testing_support::read_file;

namespace {

// --kill answers once init is gone: no process of the sandbox is left. The
// supervisor (`sandbox ... sleep TOKEN` names the token as an argument of
// its own) may still be exiting.
bool only_the_supervisor_left(const std::string& token, pid_t supervisor) {
  for (const pid_t pid : processes_with(token)) {
    if (pid != supervisor) return false;
  }
  return true;
}

std::string random_level(int* low = nullptr, int* high = nullptr) {
  std::uint16_t random[2];
  if (::getrandom(random, sizeof(random), 0) != static_cast<ssize_t>(sizeof(random))) return "s0:c1,c2";
  const int a = random[0] % 500;
  const int b = 500 + random[1] % 500;
  if (low != nullptr) *low = a;
  if (high != nullptr) *high = b;
  return "s0:c" + std::to_string(a) + ",c" + std::to_string(b);
}

// Connects to the control socket of low,high and never sends nor reads:
// the fd, or -1 when the connection is not taken (backlog full).
int silent_client(int low, int high) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string name = "sandbox/c" + std::to_string(low) + ",c" + std::to_string(high);
  std::memcpy(addr.sun_path + 1, name.data(), name.size());
  const auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Keeps connecting silent clients (one every 5 ms, all held open) until
// stopped: a stuck or hostile client, many times over.
class SilentFlood {
 public:
  SilentFlood(int low, int high)
      : thread_([this, low, high] {
          while (!stop_) {
            if (const int fd = silent_client(low, high); fd >= 0) fds_.push_back(fd);
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
          }
        }) {}
  ~SilentFlood() {
    stop_ = true;
    thread_.join();
    for (int fd : fds_) ::close(fd);
  }
  SilentFlood(const SilentFlood&) = delete;
  SilentFlood& operator=(const SilentFlood&) = delete;

 private:
  std::atomic<bool> stop_{false};
  std::vector<int> fds_;
  std::thread thread_;
};

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

bool listed(const std::string& level) {
  return run(sandbox({"--list"})).out.find(level) != std::string::npos;
}

}  // namespace

TEST(Management, ListShowsARunningSandboxWithinASecond) {
  const std::string level = random_level();
  const std::string token = unique_sleep_argument();
  const auto begin = std::chrono::steady_clock::now();
  const pid_t supervisor = start(sandbox({"-l", level, "sleep", token}));
  EXPECT_TRUE(wait_for([&] { return listed(level); }, 1.0)) << "not listed within a second";
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  EXPECT_LT(elapsed, 1.0);

  const auto json = run(sandbox({"--list", "--json"}));
  ASSERT_EQ(json.status, 0) << json.err;
  const auto all = nlohmann::json::parse(json.out);
  bool found = false;
  for (const auto& entry : all) {
    if (entry.at("label") != "sandbox_t:" + level) continue;
    found = true;
    EXPECT_EQ(entry.at("pid"), supervisor);
    EXPECT_EQ(entry.at("profile"), "default");
    EXPECT_EQ(entry.at("command"), nlohmann::json::array({"sleep", token}));
    EXPECT_EQ(entry.at("uid"), ::geteuid());
  }
  EXPECT_TRUE(found) << json.out;
  ::kill(supervisor, SIGTERM);
  finish(supervisor);
  EXPECT_FALSE(listed(level)) << "an ended sandbox is still listed";
  kill_all_with(token);
}

// A process the supervisor starts beside init that outlives it (the
// network-namespace helper, which removes the cgroup leaf once init has
// exited, after the caller has its status) keeps none of the caller's
// descriptors and not the label's socket: it held both once, so an ended
// sandbox could stay listed and `$(sandbox ...)` could wait for its EOF.
// While the sandbox runs, the caller's stdout pipe is held only by the
// supervisor and the sandbox's own tree.
TEST(Management, NothingBesideTheSandboxHoldsTheCallersOutput) {
  const std::string level = random_level();
  const std::string token = unique_sleep_argument();
  int out[2];
  ASSERT_EQ(::pipe2(out, O_CLOEXEC), 0);
  const pid_t supervisor = ::fork();
  if (supervisor == 0) {
    ::dup2(out[1], 1);
    testing_support::exec_or_exit(sandbox({"-l", level, "sleep", token}));
  }
  ::close(out[1]);
  ASSERT_TRUE(wait_for([&] { return !processes_with(token).empty() && listed(level); }, 5));
  struct stat pipe_stat {};
  ASSERT_EQ(::fstat(out[0], &pipe_stat), 0);
  const std::string pipe_name = "pipe:[" + std::to_string(pipe_stat.st_ino) + "]";
  const auto json = nlohmann::json::parse(run(sandbox({"--list", "--json"})).out);
  pid_t init = -1;
  for (const auto& entry : json) {
    if (entry.at("label") == "sandbox_t:" + level) init = entry.at("init_pid").get<pid_t>();
  }
  ASSERT_GT(init, 0) << json.dump();
  std::vector<pid_t> allowed = {::getpid(), supervisor, init};  // we hold the read end
  for (std::size_t i = 2; i < allowed.size(); ++i) {  // init's tree
    const std::string pid = std::to_string(allowed[i]);
    std::istringstream children(read_file("/proc/" + pid + "/task/" + pid + "/children"));
    for (pid_t child = 0; children >> child;) allowed.push_back(child);
  }
  std::vector<pid_t> holders;
  for (const auto& proc : std::filesystem::directory_iterator("/proc")) {
    const std::string name = proc.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::error_code error;
    for (const auto& fd : std::filesystem::directory_iterator(proc.path() / "fd", error)) {
      std::error_code unreadable;
      if (std::filesystem::read_symlink(fd.path(), unreadable).string() == pipe_name) {
        holders.push_back(std::stoi(name));
        break;
      }
    }
  }
  EXPECT_NE(std::find(holders.begin(), holders.end(), supervisor), holders.end())
      << "control: the supervisor holds the caller's stdout";
  for (pid_t holder : holders) {
    EXPECT_NE(std::find(allowed.begin(), allowed.end(), holder), allowed.end())
        << "process " << holder << " outside the sandbox holds the caller's stdout: "
        << read_file("/proc/" + std::to_string(holder) + "/status").substr(0, 40);
  }
  ::kill(supervisor, SIGTERM);
  finish(supervisor);
  ::close(out[0]);
  kill_all_with(token);
}

TEST(Management, KillLeavesNoProcessOfTheSandbox) {
  const std::string level = random_level();
  const std::string token = unique_sleep_argument();
  // A daemon in a session of its own, and the command.
  const pid_t supervisor = start(sandbox(
      {"-l", level, "sh", "-c", "setsid sh -c 'sleep " + token + " &'; sleep " + token}));
  ASSERT_TRUE(wait_for([&] { return processes_with(token).size() >= 2; }, 5));
  const auto killed = run(sandbox({"--kill", level}));
  EXPECT_EQ(killed.status, 0) << killed.err;
  // --kill answers once init is gone: nothing of the sandbox is left.
  EXPECT_TRUE(processes_with(token).empty());
  EXPECT_EQ(finish(supervisor), 128 + SIGKILL);
  kill_all_with(token);
}

TEST(Management, KillOfAnUnknownLabelFails) {
  const auto r = run(sandbox({"--kill", random_level()}));
  EXPECT_EQ(r.status, 125);
  EXPECT_NE(r.err.find("no running sandbox"), std::string::npos) << r.err;
  EXPECT_EQ(run(sandbox({"--kill", "nonsense"})).status, 125);
}

TEST(Management, OnlyTheOwnerOrRootMayKill) {
  if (!testing_support::is_root()) GTEST_SKIP() << "needs a second uid (runs as root)";
  const std::string level = random_level();
  const std::string token = unique_sleep_argument();
  const pid_t supervisor = start(sandbox({"-l", level, "sleep", token}));
  ASSERT_TRUE(wait_for([&] { return listed(level); }, 2));
  // nobody (uid 65534) may not kill root's sandbox.
  const auto refused = run({"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
                            testing_support::sandbox_bin(), "--kill", level});
  EXPECT_EQ(refused.status, 125);
  EXPECT_NE(refused.err.find("permission denied"), std::string::npos) << refused.err;
  EXPECT_FALSE(processes_with(token).empty());
  // Nor look: info answers the owner and root only, so another user's
  // --list shows nothing of it.
  const auto seen = run({"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
                         testing_support::sandbox_bin(), "--list", "--json"});
  EXPECT_EQ(seen.status, 0) << seen.err;
  EXPECT_EQ(seen.out.find(level), std::string::npos) << seen.out;
  EXPECT_EQ(seen.out.find(token), std::string::npos) << seen.out;
  EXPECT_EQ(run(sandbox({"--kill", level})).status, 0);  // the owner may
  EXPECT_TRUE(only_the_supervisor_left(token, supervisor));
  finish(supervisor);
}

// A multi-line sh -c command broke the table (raw newlines, arguments
// unquoted): each argument is quoted as a shell would, control characters
// escaped, one row per sandbox.
TEST(Management, ListQuotesArgumentsAndPrintsNoControlCharacters) {
  const std::string level = random_level();
  const std::string token = unique_sleep_argument();
  const pid_t supervisor = start(sandbox(
      {"-l", level, "sh", "-c", "sleep " + token + "\necho \"a b\"", "it's", "\x1b[31mred"}));
  EXPECT_TRUE(wait_for([&] { return listed(level); }, 2.0)) << "not listed";
  const auto r = run(sandbox({"--list"}));
  ::kill(supervisor, SIGTERM);
  finish(supervisor);
  kill_all_with(token);
  ASSERT_EQ(r.status, 0) << r.err;
  std::string row;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.find(level) != std::string::npos) row = line;
  }
  ASSERT_FALSE(row.empty()) << r.out;
  const std::string command = "sh -c $'sleep " + token + "\\necho \"a b\"' 'it'\\''s' $'\\x1b[31mred'";
  EXPECT_EQ(row.substr(row.size() - command.size()), command) << row;
  for (const char ch : r.out) {
    EXPECT_TRUE(ch == '\n' || (static_cast<unsigned char>(ch) >= 0x20 && ch != 0x7f))
        << "a raw control character " << static_cast<int>(ch) << " in:\n" << r.out;
  }
}

// A client that connects and never writes nor reads stalled the
// supervisor's loop for 200 ms each (and a stream of them for ever): the
// command's exit went unnoticed meanwhile. Now each is one slot with a
// deadline, served without blocking.
TEST(Management, SilentClientsDoNotDelayTheCommandsExit) {
  int low = 0, high = 0;
  const std::string level = random_level(&low, &high);
  const std::string token = unique_sleep_argument();
  const auto begin = std::chrono::steady_clock::now();
  const pid_t supervisor = start(sandbox({"-l", level, "sh", "-c", "sleep 0.6"}));
  ASSERT_TRUE(wait_for([&] { const int fd = silent_client(low, high); if (fd >= 0) ::close(fd); return fd >= 0; }, 2));
  double elapsed = 0;
  {
    SilentFlood flood(low, high);
    EXPECT_EQ(finish(supervisor, 8), 0);
    elapsed = seconds_since(begin);
  }
  std::cerr << "[ measure ] sleep 0.6 under a flood of silent control clients: " << elapsed << " s\n";
  EXPECT_LT(elapsed, 1.5) << "the silent clients delayed the end of the run";
}

TEST(Management, SilentClientsDoNotDelayAKill) {
  int low = 0, high = 0;
  const std::string level = random_level(&low, &high);
  const std::string token = unique_sleep_argument();
  const pid_t supervisor = start(sandbox({"-l", level, "sleep", token}));
  ASSERT_TRUE(wait_for([&] { return listed(level); }, 2));
  double elapsed = 0;
  int status = -1;
  {
    SilentFlood flood(low, high);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the slots are full of them
    const auto begin = std::chrono::steady_clock::now();
    status = run(sandbox({"--kill", level})).status;
    elapsed = seconds_since(begin);
  }
  std::cerr << "[ measure ] --kill under a flood of silent control clients: " << elapsed << " s\n";
  EXPECT_EQ(status, 0);
  EXPECT_LT(elapsed, 0.5) << "the silent clients delayed --kill";
  EXPECT_TRUE(only_the_supervisor_left(token, supervisor));
  finish(supervisor);
  kill_all_with(token);
}
