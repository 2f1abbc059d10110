// Exit statuses (DESIGN §3), on the real binary: the command's own status,
// 128+N for a signal, 125 our failure, 126 cannot execute, 127 not found.
// (124, --timeout, is tested with the resources.)
#include <gtest/gtest.h>

#include <string>

#include "support/run.h"

using namespace testing_support;

namespace {

TEST(ExitStatus, TheCommandsOwnStatusPassesThrough) {
  for (int code : {0, 1, 7, 42, 123, 200, 255}) {
    const auto r = run(sandbox({"sh", "-c", "exit " + std::to_string(code)}));
    EXPECT_EQ(r.status, code) << r.err;
    EXPECT_TRUE(r.err.empty()) << r.err;  // the command ran: we say nothing
  }
}

TEST(ExitStatus, StatusesThatLookLikeOursStillComeFromTheCommand) {
  for (int code : {124, 125, 126, 127}) {
    const auto r = run(sandbox({"sh", "-c", "exit " + std::to_string(code)}));
    EXPECT_EQ(r.status, code);
    EXPECT_TRUE(r.err.empty()) << r.err;
  }
}

TEST(ExitStatus, DeathBySignalIs128PlusN) {
  for (const auto& [signal, number] :
       {std::pair{"TERM", 15}, {"KILL", 9}, {"SEGV", 11}, {"USR1", 10}, {"ABRT", 6}}) {
    const auto r = run(sandbox({"sh", "-c", std::string("kill -") + signal + " $$"}));
    EXPECT_EQ(r.status, 128 + number) << signal << ": " << r.err;
  }
}

TEST(ExitStatus, OurOwnFailuresAre125) {
  TempDir dir;
  const std::vector<std::vector<std::string>> cases = {
      {},                                              // no command
      {"--ro"},                                        // option without its value
      {"--fd", "abc", "true"},                         // bad option value
      {"--seccomp", "maybe", "true"},                  // bad option value
      {"--setenv", "NOEQUALS", "true"},                // refused by validation
      {"--ro", dir.path() + "/missing", "true"},       // grant of a missing path
      {"--fd", "57", "true"},                          // descriptor not open
      {"--ro", "/", "true"},                           // whole host refused
      {"-l", "s0:c9,c2", "--", "true"},                // malformed level
  };
  for (const auto& args : cases) {
    const auto r = run(sandbox(args));
    std::string shown;
    for (const auto& a : args) shown += a + " ";
    EXPECT_EQ(r.status, 125) << shown << "-> " << r.err;
    EXPECT_EQ(r.err.rfind("sandbox: ", 0), 0U) << shown << "-> " << r.err;
    EXPECT_TRUE(r.out.empty());
  }
}

TEST(ExitStatus, HelpAndVersionSucceed) {
  const auto help = run(sandbox({"--help"}));
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("--ro PATH"), std::string::npos);
  EXPECT_NE(help.out.find("Exit status"), std::string::npos);
  EXPECT_TRUE(help.err.empty());
  EXPECT_EQ(run(sandbox({"-h"})).status, 0);
  const auto version = run(sandbox({"--version"}));
  EXPECT_EQ(version.status, 0);
  EXPECT_EQ(version.out.rfind("sandbox ", 0), 0U);
}

TEST(ExitStatus, AFileThatCannotBeExecutedIs126) {
  TempDir dir;
  const std::string data = dir.write("data.txt", "not a program\n", 0644);
  const std::string noshebang = dir.write("noshebang", "echo hi\n", 0755);
  const std::string subdir = dir.mkdir("subdir");
  for (const auto& command : {data, noshebang, subdir, std::string("/etc/passwd")}) {
    const auto r = run(sandbox({command}));
    EXPECT_EQ(r.status, 126) << command << ": " << r.err;
    EXPECT_NE(r.err.find(command + ": cannot execute"), std::string::npos) << r.err;
  }
}

TEST(ExitStatus, APathTheCallerCannotSearchIs126) {
  // /root is 0700: for uid 65534 /root/x is unreachable; for root it is absent.
  const auto r = run(sandbox({"/root/.sandbox-test-absent"}));
  EXPECT_EQ(r.status, is_root() ? 127 : 126) << r.err;
}

TEST(ExitStatus, ADeniedExecutableInsideIs126) {
  // Visible through a read-only grant, but --ro does not grant execute.
  TempDir dir;
  dir.write("tool", "#!/bin/sh\necho ran\n", 0755);
  const auto r = run(sandbox({"--ro", dir.path(), "--setenv", "PATH=" + dir.path() + ":/usr/bin", "tool"}));
  EXPECT_EQ(r.status, 126) << r.err;
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("tool: cannot execute: Permission denied"), std::string::npos) << r.err;
}

TEST(ExitStatus, ACommandNotFoundIs127) {
  const auto bare = run(sandbox({"sandbox-no-such-command"}));
  EXPECT_EQ(bare.status, 127);
  EXPECT_EQ(bare.err, "sandbox: sandbox-no-such-command: not found inside the sandbox\n");
  TempDir dir;
  const auto path = run(sandbox({dir.path() + "/absent"}));
  EXPECT_EQ(path.status, 127);
  EXPECT_NE(path.err.find("absent: not found"), std::string::npos) << path.err;
  const auto under_file = run(sandbox({"/etc/passwd/x"}));  // ENOTDIR: missing too
  EXPECT_EQ(under_file.status, 127) << under_file.err;
}

TEST(ExitStatus, ShellReportsItsOwn127ForMissingCommands) {
  const auto r = run(sandbox({"sh", "-c", "sandbox-no-such-command"}));
  EXPECT_EQ(r.status, 127);
  EXPECT_EQ(r.err.find("sandbox: "), std::string::npos) << r.err;  // the shell's, not ours
}

}  // namespace
