// File descriptors (DESIGN §2.3): stdin, stdout and stderr pass as the
// caller set them up; every other inherited descriptor is closed unless
// named with --fd N or, for a pipe, by an argument /dev/fd/N. A handed
// descriptor can be reopened by name (/dev/stdin, /dev/fd/N, ...).
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

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
  // The descriptor is the authority, not the path behind it: its host path
  // stays out of reach, while its own names reopen the handed file.
  const auto by_path = run(sandbox({"--fd", "7", "cat", secret.path}), options);
  EXPECT_NE(by_path.status, 0);
  EXPECT_TRUE(by_path.out.empty());
  for (const std::string& path : {std::string("/dev/fd/7"), std::string("/proc/self/fd/7")}) {
    const auto reopen = run(sandbox({"--fd", "7", "cat", path}), options);
    EXPECT_EQ(reopen.status, 0) << path << ": " << reopen.err;
    EXPECT_EQ(reopen.out, "one\ntwo\nthree\n") << path;
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

// Runs `sh -c SCRIPT sandbox-binary FILE`: the script names them "$0" and "$1".
RunResult shell(const std::string& script, const std::string& file = {}) {
  return run({"sh", "-c", script, sandbox_bin(), file});
}

TEST(Fds, StdoutFileReopenedByName) {
  TempDir dir(true);
  const std::string out = dir.path() + "/out.txt";
  const auto r = shell(R"("$0" sh -c 'echo hi > /dev/stdout' > "$1")", out);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(read_file(out), "hi\n");
  const auto err = shell(R"("$0" sh -c 'echo oops > /dev/stderr' 2> "$1")", out);
  EXPECT_EQ(err.status, 0) << err.err;
  EXPECT_EQ(read_file(out), "oops\n");
}

TEST(Fds, StdinFileReopenedByName) {
  TempDir dir;
  const std::string file = dir.write("in.txt", "alpha\nbeta\n");
  for (const std::string name : {"/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"}) {
    const auto r = shell(R"("$0" cat )" + name + R"( < "$1")", file);
    EXPECT_EQ(r.status, 0) << name << ": " << r.err;
    EXPECT_EQ(r.out, "alpha\nbeta\n") << name;
  }
}

TEST(Fds, StdinPipeReopenedByName) {
  RunOptions options;
  options.stdin_data = "through a pipe\n";
  const auto r = run(sandbox({"cat", "/dev/stdin"}), options);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "through a pipe\n");
}

TEST(Fds, HandedFdReopenedThroughDevFd) {
  TempDir dir;
  const std::string file = dir.write("in.txt", "handed\n");
  const auto r = shell(R"("$0" --fd 3 cat /dev/fd/3 3< "$1")", file);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "handed\n");
}

TEST(Fds, UnzipListsAnArchiveOnStdin) {
  TempDir dir;
  const std::string archive = dir.path() + "/a.zip";
  const auto made = run({"python3", "-c",
                         "import sys, zipfile\n"
                         "with zipfile.ZipFile(sys.argv[1], 'w') as z: z.writestr('member.txt', 'x' * 100)\n",
                         archive});
  ASSERT_EQ(made.status, 0) << made.err;
  // unzip seeks on its input: /dev/stdin must reopen the caller's file.
  const auto r = shell(R"("$0" unzip -l /dev/stdin < "$1")", archive);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("member.txt"), std::string::npos) << r.out;
}

TEST(Fds, ProcessSubstitutionHandsThePipesOver) {
  const auto r = run({"bash", "-c", R"("$0" diff <(echo a) <(echo b))", sandbox_bin()});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_EQ(r.out, "1c1\n< a\n---\n> b\n");
}

TEST(Fds, ArgumentNamingARegularFileHandsNothingOver) {
  Secret secret;
  RunOptions options;
  options.inherit_fds = {at(secret.fd, 9)};
  const auto r = run(sandbox({"cat", "/dev/fd/9"}), options);
  EXPECT_NE(r.status, 0);
  EXPECT_TRUE(r.out.empty()) << r.out;
  const auto ls = run(sandbox({"ls", "/proc/self/fd", "/dev/fd/9"}), options);
  EXPECT_EQ(ls.out.find("\n9\n"), std::string::npos) << ls.out;
  ::close(9);
}

TEST(Fds, TwoSandboxesShareTheCallersOffset) {
  TempDir dir;
  const std::string file = dir.write("lines", "one\ntwo\nthree\n");
  const auto bare = run({"sh", "-c", R"({ head -n1; head -n1; } < "$0")", file});
  const auto r = shell(R"({ "$0" head -n1; "$0" head -n1; } < "$1")", file);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, bare.out);
  EXPECT_EQ(r.out, "one\ntwo\n");
}

TEST(Fds, FdAboveSixtyTwoIsHandedOver) {
  // --fd 70 among 70 handed descriptors (10..79): none is dropped.
  Secret secret;
  RunOptions options;
  std::vector<std::string> args;
  for (int n = 10; n < 80; ++n) {
    options.inherit_fds.push_back(at(secret.fd, n));
    args.insert(args.end(), {"--fd", std::to_string(n)});
  }
  std::vector<std::string> command = args;
  command.insert(command.end(), {"bash", "-c", "wc -l <&70; wc -l <&79; ls /proc/self/fd | wc -l"});
  const auto r = run(sandbox(command), options);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "3\n3\n74\n");  // 0-2, the 70, and ls's own directory
  for (int n = 10; n < 80; ++n) ::close(n);
}

// Handed pipes are relayed (handover/relay.h): nothing the command never
// read is lost, everything it wrote arrives, and the ends behave as bare.
TEST(Fds, StdinRelayLosesNothingTheCommandDidNotRead) {
  // The classic loop: the sandbox must not swallow the loop's input.
  const auto loop = shell(R"(printf 'a\nb\nc\n' | while read l; do "$0" true; echo "$l"; done)");
  EXPECT_EQ(loop.status, 0) << loop.err;
  EXPECT_EQ(loop.out, "a\nb\nc\n");
  // sh's read takes one line, byte by byte; the rest stays for the caller.
  const auto line = shell(R"(printf 'one\ntwo\nthree\n' | { "$0" sh -c 'read x; echo "got $x"'; cat; })");
  EXPECT_EQ(line.status, 0) << line.err;
  EXPECT_EQ(line.out, "got one\ntwo\nthree\n");
}

TEST(Fds, StdinRelayCarriesLargeInputExactly) {
  const auto bare = shell(R"(head -c 5000000 /dev/urandom > "$1.in"; sha256sum < "$1.in")", "/tmp/fds-relay-large");
  const auto r = shell(R"(cat "$1.in" | "$0" sha256sum; rm -f "$1.in")", "/tmp/fds-relay-large");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, bare.out);
  EXPECT_FALSE(r.out.empty());
}

// More than the inner pipe holds, read in parts with a pause between them
// (the relay rests on a timer while the inner pipe is half full or more):
// what the command read is taken, in order; the rest stays for the caller.
TEST(Fds, StdinRelayLeavesTheUnreadRestOfALargeInput) {
  const auto bare = shell(R"(head -c 6000000 /dev/urandom > "$1.in"; tail -c 2500000 "$1.in" | sha256sum)",
                          "/tmp/fds-relay-rest");
  const auto r = shell(R"(cat "$1.in" | { "$0" sh -c 'head -c 1500000 >/dev/null; sleep 0.3; head -c 2000000 >/dev/null'; sha256sum; }; rm -f "$1.in")",
                       "/tmp/fds-relay-rest");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, bare.out);
  EXPECT_FALSE(r.out.empty());
}

TEST(Fds, StdoutRelayDeliversEverythingToASlowReader) {
  const auto r = shell(R"("$0" head -c 3000000 /dev/zero | { sleep 1; wc -c; })");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "3000000\n");
}

TEST(Fds, StdoutRelayEndsTheWriterWhenTheReaderIsGone) {
  // yes gets SIGPIPE (or EPIPE) once head is gone, as bare: no hang.
  RunOptions options;
  options.timeout_seconds = 20;
  const auto r = run({"sh", "-c", R"("$0" yes | head -n1)", sandbox_bin()}, options);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "y\n");
}

TEST(Fds, StdoutAndStderrOnOnePipeKeepTheirOrder) {
  // `2>&1 |`: both numbers are the same pipe, relayed through one inner pipe.
  const std::string script = R"(for i in $(seq 300); do echo "o$i"; echo "e$i" >&2; done)";
  const auto bare = run({"sh", "-c", "sh -c '" + script + "' 2>&1 | cat"});
  const auto r = run({"sh", "-c", "\"$0\" sh -c '" + script + "' 2>&1 | cat", sandbox_bin()});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, bare.out);
}

TEST(Fds, AMemfdCanBeHandedOver) {
  // A file on a kernel-internal mount is no Landlock object: handed as it is.
  const int fd = ::memfd_create("fds-test", MFD_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, "in memory\n", 10), 10);
  ASSERT_EQ(::lseek(fd, 0, SEEK_SET), 0);
  RunOptions options;
  options.inherit_fds = {at(fd, 8)};
  const auto r = run(sandbox({"--fd", "8", "sh", "-c", "cat <&8"}), options);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "in memory\n");
  ::close(fd);
  ::close(8);
}

}  // namespace
