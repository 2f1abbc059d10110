// The seed transcript (DESIGN §1), run against the real binary and kernel,
// line by line, as the caller (root or uid 65534).
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <regex>

#include "support/run.h"

using namespace testing_support;

namespace {

TEST(Seed, CatShadowIsDenied) {
  const auto r = run(sandbox({"cat", "/etc/shadow"}));
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("Permission denied"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST(Seed, TouchInTmpIsDeniedAndCreatesNothing) {
  const std::string moo = "/tmp/moo-" + std::to_string(::getpid()) + ".txt";
  const auto r = run(sandbox({"touch", moo}));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "touch: cannot touch '" + moo + "': Permission denied\n");
  EXPECT_NE(::access(moo.c_str(), F_OK), 0);
}

TEST(Seed, WcOfShadowIsDenied) {
  const auto r = run(sandbox({"wc", "-l", "/etc/shadow"}));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "wc: /etc/shadow: Permission denied\n");
}

TEST(Seed, PipedFileIsCounted) {
  // Root pipes /etc/shadow itself; uid 65534 cannot read it, and pipes passwd.
  const std::string file = is_root() ? "/etc/shadow" : "/etc/passwd";
  const auto want = run({"sh", "-c", "wc -l < \"$0\"", file});
  const auto r = run({"sh", "-c", "cat \"$1\" | \"$0\" wc -l", sandbox_bin(), file});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, want.out);
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST(Seed, LabelHasTheMcsForm) {
  const auto r = run(sandbox({"sh", "-c", "echo $SANDBOX_LABEL"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(std::regex_match(r.out, std::regex("sandbox_t:s0:c[0-9]+,c[0-9]+\n"))) << r.out;
}

TEST(Seed, ExitStatusPassesThrough) {
  EXPECT_EQ(run(sandbox({"sh", "-c", "exit 7"})).status, 7);
}

TEST(Seed, RootsHomeIsOutOfReach) {
  const auto r = run(sandbox({"ls", "/root"}));
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("Permission denied"), std::string::npos) << r.err;
}

TEST(Seed, ADoubleForkedDaemonDiesWithTheSandbox) {
  // The daemon holds the sandbox's stdout: run() returns only once every
  // holder is gone, so an escaped daemon would keep it waiting 30 s.
  const auto start = std::chrono::steady_clock::now();
  // The shell leaves only once the daemon is up (it made /tmp/up).
  const auto r = run(sandbox({"-M", "sh", "-c",
                              "(setsid sh -c 'touch /tmp/up; exec sleep 30' &);"
                              "while [ ! -e /tmp/up ]; do :; done; exit 0"}));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_LT(elapsed, std::chrono::seconds(10));
}

}  // namespace
