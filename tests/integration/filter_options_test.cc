// Options for sandboxes used as filters in a chain (issue 13 item 10):
// --hostname keeps a host name that filters stamp, -q keeps sandbox's own
// informational lines out of the filter's stderr (errors still print).
#include <gtest/gtest.h>
#include <unistd.h>

#include "support/run.h"

using namespace testing_support;

TEST(FilterOptions, HostnameIsSandboxByDefaultAndSetByOptionOrProfile) {
  const auto plain = run(sandbox({"uname", "-n"}));
  EXPECT_EQ(plain.status, 0) << plain.err;
  EXPECT_EQ(plain.out, "sandbox\n");
  const auto named = run(sandbox({"--hostname", "mx1.example.org", "uname", "-n"}));
  EXPECT_EQ(named.status, 0) << named.err;
  EXPECT_EQ(named.out, "mx1.example.org\n");
  TempDir dir;
  const std::string prof = dir.write("mx.toml", "hostname = \"mx2.example.org\"\n");
  const auto profiled = run(sandbox({"-t", prof, "uname", "-n"}));
  EXPECT_EQ(profiled.status, 0) << profiled.err;
  EXPECT_EQ(profiled.out, "mx2.example.org\n");
  for (const std::string& bad : std::vector<std::string>{"", "two words", "a/b", std::string(65, 'x')}) {
    const auto r = run(sandbox({"--hostname", bad, "true"}));
    EXPECT_EQ(r.status, 125) << bad;
    EXPECT_NE(r.err.find("sandbox: --hostname"), std::string::npos) << r.err;
  }
}

// Every run with a limit mixed "sandbox: limits: ..." into the filter's own
// stderr; -q keeps it (and every other informational line) out.
TEST(FilterOptions, QuietKeepsTheLimitsLineOutButNotErrors) {
  const auto loud = run(sandbox({"--rlimit", "NOFILE=64", "sh", "-c", "echo own >&2"}));
  EXPECT_EQ(loud.status, 0) << loud.err;
  EXPECT_NE(loud.err.find("sandbox: limits: "), std::string::npos) << loud.err;
  const auto quiet = run(sandbox({"-q", "--rlimit", "NOFILE=64", "sh", "-c", "echo own >&2"}));
  EXPECT_EQ(quiet.status, 0) << quiet.err;
  EXPECT_EQ(quiet.err, "own\n");
  const auto long_form = run(sandbox({"--quiet", "--pids", "50", "sh", "-c", "echo own >&2"}));
  EXPECT_EQ(long_form.err, "own\n");
  // Errors still print.
  const auto error = run(sandbox({"-q", "--ro", "/nonexistent-ux", "true"}));
  EXPECT_EQ(error.status, 125);
  EXPECT_NE(error.err.find("sandbox: /nonexistent-ux: cannot be granted"), std::string::npos) << error.err;
  const auto missing = run(sandbox({"-q", "no-such-command-ux"}));
  EXPECT_EQ(missing.status, 127);
  EXPECT_NE(missing.err.find("sandbox: no-such-command-ux: not found inside the sandbox"),
            std::string::npos)
      << missing.err;
}
