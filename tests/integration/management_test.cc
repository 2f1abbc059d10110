// Management (DESIGN §4): --list finds running sandboxes through their
// control sockets, --kill ends one as a whole, only for its owner or root.
#include <gtest/gtest.h>
#include <sys/random.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "attacks/support.h"

using namespace attack;

namespace {

std::string random_level(int* low = nullptr, int* high = nullptr) {
  std::uint16_t random[2];
  if (::getrandom(random, sizeof(random), 0) != static_cast<ssize_t>(sizeof(random))) return "s0:c1,c2";
  const int a = random[0] % 500;
  const int b = 500 + random[1] % 500;
  if (low != nullptr) *low = a;
  if (high != nullptr) *high = b;
  return "s0:c" + std::to_string(a) + ",c" + std::to_string(b);
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
  // nobody may look, but not kill root's sandbox.
  const auto refused = run({"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
                            testing_support::sandbox_bin(), "--kill", level});
  EXPECT_EQ(refused.status, 125);
  EXPECT_NE(refused.err.find("permission denied"), std::string::npos) << refused.err;
  EXPECT_FALSE(processes_with(token).empty());
  const auto seen = run({"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
                         testing_support::sandbox_bin(), "--list"});
  EXPECT_NE(seen.out.find(level), std::string::npos);
  EXPECT_EQ(run(sandbox({"--kill", level})).status, 0);  // the owner may
  EXPECT_TRUE(processes_with(token).empty());
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
