// Landlock ABIs 1-6 faked on a newer kernel (landlock::pretend_abi_at_most,
// a library-level hook the command line cannot reach): every mode that
// needs a right or scope the ABI lacks fails to seal with a message naming
// it, or, with best_effort, seals with the skip recorded, runs, and the
// running sandbox reports the skip. Nothing runs with less than it says.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "landlock/ruleset.h"
#include "landlock/needs.h"
#include "sandbox/sandbox.h"

namespace {

struct Mode {
  const char* name;
  sandbox::Policy policy;
  // The words that name each need of this mode, and its first ABI.
  std::vector<std::pair<std::string, int>> needs;
};

std::vector<Mode> modes() {
  std::vector<Mode> all;
  sandbox::Policy none = sandbox::Policy::default_profile();
  all.push_back({"--net=none", none, {{"signal scope", 6}}});
  sandbox::Policy host = none;
  host.net = sandbox::NetMode::host;
  all.push_back({"--net=host", host, {{"signal scope", 6}, {"abstract unix socket scope", 6}}});
  sandbox::Policy tcp = host;
  tcp.allow_tcp = {"443"};
  all.push_back({"--net=host --allow-tcp 443", tcp,
                 {{"signal scope", 6}, {"abstract unix socket scope", 6}, {"TCP port rules", 4}}});
  // A device cannot be granted (fs/grants.h refuses /dev): the device
  // ioctl right is needed only without namespaces (the test below).
  return all;
}

bool mentions(const std::vector<std::string>& lines, const std::string& what) {
  for (const auto& line : lines) {
    if (line.find(what) != std::string::npos) return true;
  }
  return false;
}

class FakeAbi : public ::testing::Test {
 protected:
  void TearDown() override { sandbox::landlock::pretend_abi_at_most(0); }
};

TEST_F(FakeAbi, EachMissingRightIsAnErrorNamingIt) {
  for (int abi = 1; abi <= 6; ++abi) {
    sandbox::landlock::pretend_abi_at_most(abi);
    for (const auto& mode : modes()) {
      auto sealed = sandbox::seal(mode.policy);
      int first_missing = 0;
      std::string missing_name;
      for (const auto& [name, needed] : mode.needs) {
        if (abi < needed && first_missing == 0) {
          first_missing = needed;
          missing_name = name;
        }
      }
      if (first_missing == 0) {
        EXPECT_TRUE(sealed) << mode.name << " ABI " << abi << ": " << sealed.error().message();
        continue;
      }
      ASSERT_FALSE(sealed) << mode.name << " ran on ABI " << abi << " without " << missing_name;
      const std::string message = sealed.error().message();
      EXPECT_NE(message.find(missing_name), std::string::npos) << mode.name << ": " << message;
      EXPECT_NE(message.find("ABI " + std::to_string(first_missing)), std::string::npos) << message;
      EXPECT_NE(message.find("this kernel has ABI " + std::to_string(abi)), std::string::npos) << message;
      EXPECT_NE(message.find("--best-effort"), std::string::npos) << message;
    }
  }
}

TEST_F(FakeAbi, UnderBestEffortEachSkipIsRecordedAndTheSandboxRuns) {
  for (int abi = 1; abi <= 6; ++abi) {
    sandbox::landlock::pretend_abi_at_most(abi);
    for (auto mode : modes()) {
      mode.policy.best_effort = true;
      auto sealed = sandbox::seal(mode.policy);
      ASSERT_TRUE(sealed) << mode.name << " ABI " << abi << ": " << sealed.error().message();
      EXPECT_EQ(sealed->landlock_abi(), abi);
      std::size_t expected = 0;
      for (const auto& [name, needed] : mode.needs) {
        const bool skipped = mentions(sealed->skipped(), name);
        EXPECT_EQ(skipped, abi < needed) << mode.name << " ABI " << abi << ": " << name;
        if (abi < needed) ++expected;
      }
      EXPECT_EQ(sealed->skipped().size(), expected) << mode.name << " ABI " << abi;
      // It runs, with the older ABI's ruleset, and says what it runs without.
      sandbox::Command command;
      command.argv = {"true"};
      command.env = {"PATH=/usr/bin:/bin"};
      auto child = sandbox::spawn(*sealed, command);
      ASSERT_TRUE(child) << mode.name << " ABI " << abi << ": " << child.error().message();
      EXPECT_EQ(child->skipped(), sealed->skipped());
      const sandbox::Outcome outcome = child->wait();
      EXPECT_EQ(outcome.exit_status(), 0) << mode.name << " ABI " << abi << ": " << outcome.message;
    }
  }
}

TEST_F(FakeAbi, TheModeWithoutNamespacesNeedsTruncateIoctlTcpAndBothScopes) {
  const sandbox::Policy policy = sandbox::Policy::default_profile();
  const auto needs = sandbox::landlock::landlock_needs(policy, true);
  std::vector<std::string> names;
  for (const auto& need : needs) names.push_back(need.what);
  for (const char* what : {"signal scope", "abstract unix socket scope", "TCP confinement", "truncate right",
                           "device ioctl right"}) {
    EXPECT_TRUE(mentions(names, what)) << what;
  }
  std::vector<std::string> skipped;
  EXPECT_FALSE(sandbox::landlock::check_landlock(policy, 2, sandbox::Error(), true, skipped));
  sandbox::Policy best_effort = policy;
  best_effort.best_effort = true;
  ASSERT_TRUE(sandbox::landlock::check_landlock(best_effort, 2, sandbox::Error(), true, skipped));
  EXPECT_TRUE(mentions(skipped, "truncate right"));
  EXPECT_TRUE(mentions(skipped, "signal scope"));
}

TEST_F(FakeAbi, TheRealAbiNeedsNoSkip) {
  auto sealed = sandbox::seal(sandbox::Policy::default_profile());
  ASSERT_TRUE(sealed) << sealed.error().message();
  EXPECT_GE(sealed->landlock_abi(), 6);  // this machine's kernel (facts/kernel.md: ABI 7)
  EXPECT_TRUE(sealed->skipped().empty());
}

}  // namespace
