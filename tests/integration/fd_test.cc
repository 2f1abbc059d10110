// File descriptors (DESIGN §2.3): stdin, stdout and stderr pass as the
// caller set them up; every other inherited descriptor is closed unless
// named with --fd N.
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>

#include "support/run.h"

using namespace testing_support;

namespace {

// A file only the test can name: the sandbox cannot open it by path.
struct Secret {
  TempDir dir;
  std::string path = dir.write("secret", "one\ntwo\nthree\n", 0600);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ~Secret() { ::close(fd); }
};

// Moves fd to number `want` in this process (CLOEXEC; run() clears it).
int at(int fd, int want) {
  EXPECT_EQ(::dup3(fd, want, O_CLOEXEC), want);
  return want;
}

TEST(Fds, StdinIsAPipeThatPassesThrough) {
  RunOptions options;
  options.stdin_data = "alpha\nbeta\n";
  const auto r = run(sandbox({"wc", "-l"}), options);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "2\n");
}

TEST(Fds, PipedSecretIsCountedThoughItsPathIsDenied) {
  // The seed: `cat /etc/shadow | sandbox wc -l` — authority as a descriptor.
  // As uid 65534, a file of the caller's that the sandbox does not show.
  TempDir dir;
  const std::string secret =
      is_root() ? "/etc/shadow" : dir.write("secret", "a\nb\n", 0600);
  const auto want = run({"wc", "-l", secret});
  const auto r = run({"sh", "-c", "cat \"$1\" | \"$0\" wc -l", sandbox_bin(), secret});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, want.out.substr(0, want.out.find(' ')) + "\n");
  const auto denied = run(sandbox({"wc", "-l", secret}));
  EXPECT_NE(denied.status, 0);
  EXPECT_NE(denied.err.find(is_root() ? "Permission denied" : "No such file"), std::string::npos)
      << denied.err;
}

TEST(Fds, StdoutAndStderrAreTheCallers) {
  const auto r = run(sandbox({"sh", "-c", "echo out; echo err >&2"}));
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
}

TEST(Fds, StdoutToAFileOpenedByTheCaller) {
  TempDir dir(true);
  const std::string out = dir.path() + "/out.txt";
  const auto r = run({"sh", "-c", "\"$0\" echo written > \"$1\"", sandbox_bin(), out});
  EXPECT_EQ(r.status, 0) << r.err;
  const auto cat = run({"cat", out});
  EXPECT_EQ(cat.out, "written\n");
}

TEST(Fds, InheritedDescriptorsAreClosed) {
  Secret secret;
  RunOptions options;
  options.inherit_fds = {at(secret.fd, 7), at(secret.fd, 12)};
  const auto r = run(sandbox({"sh", "-c", "wc -l <&7"}), options);
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("Bad file descriptor"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
  // Only 0, 1, 2 (and ls's own directory) are open inside.
  const auto ls = run(sandbox({"ls", "/proc/self/fd"}), options);
  EXPECT_EQ(ls.out, "0\n1\n2\n3\n") << ls.err;
  ::close(7);
  ::close(12);
}

TEST(Fds, FdHandsOverExactlyTheNamedDescriptor) {
  Secret secret;
  RunOptions options;
  options.inherit_fds = {at(secret.fd, 7), at(secret.fd, 12)};
  const auto r = run(sandbox({"--fd", "7", "sh", "-c", "wc -l <&7"}), options);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "3\n");
  const auto ls = run(sandbox({"--fd", "12", "ls", "/proc/self/fd"}), options);
  EXPECT_EQ(ls.out, "0\n1\n12\n2\n3\n") << ls.err;
  // The descriptor is the authority, not the path behind it: reopening it
  // through /dev/fd or /proc/self/fd is a path lookup, and denied.
  for (const std::string& path : {secret.path, std::string("/dev/fd/7"), std::string("/proc/self/fd/7")}) {
    const auto reopen = run(sandbox({"--fd", "7", "cat", path}), options);
    EXPECT_NE(reopen.status, 0) << path;
    EXPECT_TRUE(reopen.out.empty()) << path;
  }
  ::close(7);
  ::close(12);
}

TEST(Fds, FdCanBeRepeated) {
  Secret secret;
  const int second = ::open(secret.path.c_str(), O_RDONLY | O_CLOEXEC);  // its own offset
  RunOptions options;
  options.inherit_fds = {at(secret.fd, 7), at(second, 9)};
  const auto r = run(sandbox({"--fd", "7", "--fd", "9", "sh", "-c", "wc -l <&7; wc -l <&9"}), options);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "3\n3\n");
  ::close(second);
  ::close(7);
  ::close(9);
}

TEST(Fds, AWritableDescriptorCanBeHandedOver) {
  TempDir dir(true);
  const std::string log = dir.write("log", "", 0666);
  const int fd = ::open(log.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  RunOptions options;
  options.inherit_fds = {at(fd, 8)};
  const auto r = run(sandbox({"--fd", "8", "sh", "-c", "echo appended >&8"}), options);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(run({"cat", log}).out, "appended\n");
  ::close(fd);
  ::close(8);
}

}  // namespace
