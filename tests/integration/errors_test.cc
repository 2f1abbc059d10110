// Every failure prints one line: "sandbox: <what failed>: <why> [hint]"
// (DESIGN §3), for a missing grant, a missing command and a bad option.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "support/run.h"

using namespace testing_support;

namespace {

// One line on stderr starting with "sandbox: ", nothing on stdout.
void expect_one_line(const RunResult& r) {
  ASSERT_FALSE(r.err.empty()) << r.out;
  EXPECT_EQ(r.err.rfind("sandbox: ", 0), 0U) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(r.err.back(), '\n');
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST(Errors, AMissingGrantNamesThePathAndTheOptions) {
  TempDir dir;
  const std::string missing = dir.path() + "/no-such-dir";
  for (const char* option : {"--ro", "--rw", "--exec"}) {
    const auto r = run(sandbox({option, missing, "true"}));
    EXPECT_EQ(r.status, 125) << option;
    expect_one_line(r);
    EXPECT_EQ(r.err, "sandbox: " + missing +
                         ": cannot be granted: No such file or directory (ENOENT) (check the path "
                         "given to --ro, --rw or --exec)\n");
  }
}

TEST(Errors, AGrantUnderAnUnreadableDirectoryIsRefusedAsSuch) {
  // root reaches into /root; nobody cannot even see whether it exists.
  const auto r = run(sandbox({"--ro", "/root/.sandbox-test-absent", "true"}));
  EXPECT_EQ(r.status, 125);
  expect_one_line(r);
  EXPECT_NE(r.err.find("/root/.sandbox-test-absent: cannot be granted: "), std::string::npos);
  EXPECT_NE(r.err.find(is_root() ? "(ENOENT)" : "(EACCES)"), std::string::npos) << r.err;
}

TEST(Errors, AMissingCommandIsNamed) {
  const auto r = run(sandbox({"sandbox-no-such-command", "arg"}));
  EXPECT_EQ(r.status, 127);
  expect_one_line(r);
  EXPECT_EQ(r.err, "sandbox: sandbox-no-such-command: not found inside the sandbox\n");
}

TEST(Errors, ACommandOutsideTheViewGetsAHint) {
  // On the caller's PATH, but in a directory the sandbox does not show.
  TempDir dir;
  const std::string tool = dir.write("sandbox-test-tool", "#!/bin/sh\necho ran\n", 0755);
  const auto r = run({"env", "PATH=" + dir.path() + ":/usr/bin:/bin", sandbox_bin(),
                      "sandbox-test-tool"});
  EXPECT_EQ(r.status, 127);
  expect_one_line(r);
  EXPECT_EQ(r.err, "sandbox: sandbox-test-tool: not found inside the sandbox (it is " + tool +
                       " outside; grant it with --exec " + tool + ")\n");
  // Following the hint works.
  const auto granted = run({"env", "PATH=" + dir.path() + ":/usr/bin:/bin", sandbox_bin(), "--exec",
                            tool, "sandbox-test-tool"});
  EXPECT_EQ(granted.status, 0) << granted.err;
  EXPECT_EQ(granted.out, "ran\n");
}

TEST(Errors, ACommandTheCallerCannotExecuteIsNamed) {
  TempDir dir;
  const std::string data = dir.write("data", "x\n", 0644);
  const auto r = run(sandbox({data}));
  EXPECT_EQ(r.status, 126);
  expect_one_line(r);
  EXPECT_EQ(r.err, "sandbox: " + data + ": cannot execute: Permission denied (EACCES)\n");
}

TEST(Errors, BadOptionValuesNameTheOption) {
  const std::pair<std::vector<std::string>, std::string> cases[] = {
      {{"--fd", "abc", "true"}, "sandbox: --fd abc: expected a descriptor number\n"},
      {{"--fd", "2", "true"}, "sandbox: --fd 2: standard input, output and error are always passed\n"},
      {{"--seccomp", "maybe", "--", "true"}, "sandbox: --seccomp maybe: expected enforce or log\n"},
      {{"--setenv", "NOEQUALS", "true"}, "sandbox: --setenv NOEQUALS: expected NAME=VALUE\n"},
      {{"--keep-env", "A=B", "true"}, "sandbox: --keep-env A=B: not a variable name\n"},
      {{"--rw", "/", "true"},
       "sandbox: --rw /: refusing to hand over the host's whole / (grant the specific paths the "
       "program needs)\n"},
      {{"-l", "s0:c9,c2", "--", "true"},
       "sandbox: label 's0:c9,c2' is not valid (expected s0:cA,cB with 0 <= A < B <= 1023)\n"},
  };
  for (const auto& [args, message] : cases) {
    const auto r = run(sandbox(args));
    EXPECT_EQ(r.status, 125);
    EXPECT_EQ(r.err, message);
    expect_one_line(r);
  }
}

TEST(Errors, AClosedDescriptorGetsAHint) {
  const auto r = run(sandbox({"--fd", "57", "true"}));
  EXPECT_EQ(r.status, 125);
  expect_one_line(r);
  EXPECT_EQ(r.err,
            "sandbox: --fd 57: not an open file descriptor: Bad file descriptor (EBADF) (open it in "
            "the calling shell, e.g. 57<FILE)\n");
}

TEST(Errors, AMissingOptionValueHintsAtHelp) {
  const auto r = run(sandbox({"--ro"}));
  EXPECT_EQ(r.status, 125);
  expect_one_line(r);
  EXPECT_NE(r.err.find("--ro"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("(see sandbox --help)"), std::string::npos) << r.err;
}

TEST(Errors, NoCommandShowsTheUsage) {
  for (const std::vector<std::string>& args : {std::vector<std::string>{}, {"--"}, {"-M"}}) {
    const auto r = run(sandbox(args));
    EXPECT_EQ(r.status, 125);
    expect_one_line(r);
    EXPECT_EQ(r.err, "sandbox: no command given (usage: sandbox [OPTIONS] COMMAND [ARG...])\n");
  }
}

}  // namespace

namespace {

TEST(Errors, AnUnknownOptionIsOursNotACommand) {
  const auto r = run(sandbox({"--bogus", "true"}));
  EXPECT_EQ(r.status, 125);
  expect_one_line(r);
  EXPECT_NE(r.err.find("unknown option --bogus"), std::string::npos) << r.err;
  // After --, a word starting with - is the command's, looked up as usual.
  const auto after = run(sandbox({"--", "--bogus"}));
  EXPECT_EQ(after.status, 127) << after.err;
}

}  // namespace
