// Leaked and handed descriptors (DESIGN §2.3): every inherited descriptor
// but 0-2, those named with --fd and the pipes the arguments name is closed
// before exec, files and directories alike; a handed one gives exactly what
// it was handed with (its access mode, no metadata change, nothing beneath).
#include <sys/stat.h>
#include <sys/xattr.h>

#include <gtest/gtest.h>

#include <cerrno>

#include "attacks/support.h"

using namespace attack;
using testing_support::RunResult;

TEST(FdAttack, InheritedFileDescriptorIsClosed) {
  testing_support::TempDir dir;
  const std::string secret = dir.write("secret", "s3cret\n");
  const int fd = ::open(secret.c_str(), O_RDONLY);  // inheritable on purpose
  ASSERT_GE(fd, 0);
  testing_support::RunOptions options;
  options.inherit_fds = {fd};
  const std::string n = std::to_string(fd);
  EXPECT_EQ(run(sandbox({probe("attack_probe"), "read-fd", n}), options).status, EBADF);
  // Control: handed over explicitly, the same descriptor works.
  EXPECT_EQ(run(sandbox({"--fd", n, probe("attack_probe"), "read-fd", n}), options).status, 0);
  ::close(fd);
}

TEST(FdAttack, InheritedDirectoryDescriptorIsClosed) {
  testing_support::TempDir dir;
  dir.write("secret", "s3cret\n");
  const int fd = ::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY);
  ASSERT_GE(fd, 0);
  testing_support::RunOptions options;
  options.inherit_fds = {fd};
  const std::string n = std::to_string(fd);
  EXPECT_EQ(run(sandbox({probe("attack_probe"), "open-beneath", n, "secret"}), options).status, EBADF);
  // Control: without the sandbox the descriptor opens what is beneath it.
  EXPECT_EQ(run({probe("attack_probe"), "open-beneath", n, "secret"}, options).status, 0);
  ::close(fd);
}

// ---- handed descriptors give exactly what they were handed with ----------

namespace {

// `sh -c 'exec "$@" <redirection>'`: argv run with a redirection the caller
// makes (e.g. "< FILE", "3< DIR").
RunResult redirected(const std::string& redirection, const std::string& file,
                     std::vector<std::string> argv) {
  std::vector<std::string> command = {"sh", "-c", "f=$1; shift; exec \"$@\" " + redirection + " \"$f\"",
                                      "sh", file};
  command.insert(command.end(), argv.begin(), argv.end());
  return run(command);
}

std::vector<std::string> in_sandbox(std::vector<std::string> args) {
  std::vector<std::string> argv = {testing_support::sandbox_bin()};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

struct Metadata {
  mode_t mode = 0;
  timespec mtime{};
  bool has_probe_xattr = false;
  bool operator==(const Metadata& o) const {
    return mode == o.mode && mtime.tv_sec == o.mtime.tv_sec && mtime.tv_nsec == o.mtime.tv_nsec &&
           has_probe_xattr == o.has_probe_xattr;
  }
};

Metadata metadata_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  char value[8];
  return {st.st_mode, st.st_mtim, ::getxattr(path.c_str(), "user.sandbox-probe", value, sizeof(value)) >= 0};
}

}  // namespace

TEST(FdAttack, ReadOnlyStdinFileCannotBeReopenedForWriting) {
  testing_support::TempDir dir;
  const std::string file = dir.write("input", "original\n", 0644);
  for (const std::string name : {"/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"}) {
    const auto r = redirected("<", file, in_sandbox({probe("attack_probe"), "write", name, "injected"}));
    EXPECT_NE(r.status, 0) << name << ": " << r.out;
    EXPECT_EQ(testing_support::read_file(file), "original\n") << name;
  }
  // Control: unconfined, the same reopen writes into the caller's file.
  EXPECT_EQ(redirected("<", file, {probe("attack_probe"), "write", "/dev/stdin", "injected"}).status, 0);
  EXPECT_EQ(testing_support::read_file(file), "injected\n");
}

TEST(FdAttack, WriteOnlyStdoutFileCannotBeReopenedForReading) {
  testing_support::TempDir dir;
  const std::string file = dir.write("output", "the caller's earlier output\n", 0644);
  for (const std::string name : {"/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"}) {
    const auto r = redirected(">>", file, in_sandbox({probe("attack_probe"), "open-read", name}));
    EXPECT_EQ(r.status, EACCES) << name;
  }
  EXPECT_EQ(redirected(">>", file, {probe("attack_probe"), "open-read", "/dev/stdout"}).status, 0);  // control
}

TEST(FdAttack, HandedFileDoesNotOpenItsSiblings) {
  testing_support::TempDir dir;
  const std::string handed = dir.write("handed", "handed\n");
  const std::string sibling = dir.write("sibling", "s3cret\n");
  for (const std::string& path : {sibling, std::string("/dev/fd/9/../sibling"),
                                 std::string("/proc/self/fd/9/../sibling")}) {
    const auto r = redirected("9<", handed, in_sandbox({"--fd", "9", "cat", path}));
    EXPECT_NE(r.status, 0) << path;
    EXPECT_EQ(r.out.find("s3cret"), std::string::npos) << path;
  }
  // Control: the handed file itself reads.
  EXPECT_EQ(redirected("9<", handed, in_sandbox({"--fd", "9", "cat", "/dev/fd/9"})).out, "handed\n");
}

TEST(FdAttack, HandedDirectoryGrantsNothingBeneath) {
  testing_support::TempDir dir;
  dir.write("secret", "s3cret\n");
  EXPECT_EQ(redirected("9<", dir.path(), in_sandbox({"--fd", "9", probe("attack_probe"), "open-beneath", "9", "secret"}))
                .status,
            EACCES);
  for (const std::string& path : {std::string("/dev/fd/9/secret"), std::string("/proc/self/fd/9/secret")}) {
    const auto r = redirected("9<", dir.path(), in_sandbox({"--fd", "9", "cat", path}));
    EXPECT_NE(r.status, 0) << path;
    EXPECT_EQ(r.out.find("s3cret"), std::string::npos) << path;
  }
  // Control: unconfined, the descriptor opens what is beneath it.
  EXPECT_EQ(redirected("9<", dir.path(), {probe("attack_probe"), "open-beneath", "9", "secret"}).status, 0);
}

TEST(FdAttack, ArgumentNamingACallersFileDoesNotHandItOver) {
  testing_support::TempDir dir;
  const std::string file = dir.write("private", "s3cret\n");
  const auto r = redirected("9<", file, in_sandbox({probe("attack_probe"), "open-read", "/dev/fd/9"}));
  EXPECT_NE(r.status, 0);
  EXPECT_EQ(redirected("9<", file, in_sandbox({probe("attack_probe"), "read-fd", "9"})).status, EBADF);
  // Control: named with --fd, the same descriptor is handed over.
  EXPECT_EQ(redirected("9<", file, in_sandbox({"--fd", "9", probe("attack_probe"), "read-fd", "9"})).status, 0);
}

// fchmod/futimens/fsetxattr on a file or directory handed read-only, and
// chmod/utimensat/setxattr on its /proc/self/fd name: the program runs as
// the caller's uid and owns the caller's files, so only the handover stops it.
TEST(FdAttack, ReadOnlyHandedFileAndDirectoryKeepTheirMetadata) {
  testing_support::TempDir dir;
  const std::string file = dir.write("file", "data\n", 0644);
  const std::string subdir = dir.mkdir("subdir", 0755);
  for (const std::string& target : {file, subdir}) {
    for (const std::string how : {"chmod", "utimes", "xattr"}) {
      const Metadata before = metadata_of(target);
      const auto by_fd = redirected("9<", target, in_sandbox({"--fd", "9", probe("attack_probe"), "metadata-fd", how, "9"}));
      EXPECT_NE(by_fd.status, 0) << target << " " << how << " " << by_fd.out;
      for (const std::string name : {"/proc/self/fd/9", "/dev/fd/9"}) {
        const auto by_path =
            redirected("9<", target, in_sandbox({"--fd", "9", probe("attack_probe"), "metadata-path", how, name}));
        EXPECT_NE(by_path.status, 0) << target << " " << how << " " << name;
      }
      const auto as_stdin = redirected("<", target, in_sandbox({probe("attack_probe"), "metadata-fd", how, "0"}));
      EXPECT_NE(as_stdin.status, 0) << target << " " << how << " as stdin";
      EXPECT_TRUE(metadata_of(target) == before) << target << " " << how;
      // Control: unconfined, the same call changes the caller's file.
      EXPECT_EQ(redirected("9<", target, {probe("attack_probe"), "metadata-fd", how, "9"}).status, 0) << how;
      EXPECT_FALSE(metadata_of(target) == before) << target << " " << how;
    }
  }
}

// A stdout pipe reopened for reading would consume what another writer put
// in the caller's pipe; a stdin pipe reopened for writing would inject into
// what the caller's next reader gets. Landlock does not see pipes: only the
// relay (the command's own inner pipes) stops both.
TEST(FdAttack, StdoutPipeCannotBeReadThroughAReopen) {
  for (const std::string name : {"/dev/stdout", "/proc/self/fd/1", "/dev/fd/1"}) {
    const std::string script = "{ printf other-writer; \"$0\" \"$1\" open-read " + name +
                               "; echo \" status=$?\"; } | { sleep 1; cat; }";
    const auto r = run({"sh", "-c", script, testing_support::sandbox_bin(), probe("attack_probe")});
    EXPECT_EQ(r.out.substr(0, 12), "other-writer") << name << ": " << r.out;
    EXPECT_EQ(r.out.find("status=0"), std::string::npos) << name << ": " << r.out;
  }
  // Control: unconfined, the reopen consumes the other writer's first byte.
  const auto bare = run({"sh", "-c", "{ printf other-writer; \"$0\" open-read /dev/stdout; } | { sleep 1; cat; }",
                         probe("attack_probe")});
  EXPECT_EQ(bare.out.substr(0, 11), "ther-writer") << bare.out;
}

TEST(FdAttack, StdinPipeCannotBeWrittenThroughAReopen) {
  for (const std::string name : {"/dev/stdin", "/proc/self/fd/0", "/dev/fd/0"}) {
    const std::string script = "printf caller-data | { \"$0\" \"$1\" write " + name + " INJECTED >/dev/null; cat; }";
    const auto r = run({"sh", "-c", script, testing_support::sandbox_bin(), probe("attack_probe")});
    EXPECT_EQ(r.out, "caller-data") << name;  // nothing injected, nothing lost
  }
  // A pipe handed with --fd N, reopened through /dev/fd/N.
  const auto fd = run({"sh", "-c", "printf caller-data | { \"$0\" --fd 5 \"$1\" write /dev/fd/5 INJECTED 5<&0 >/dev/null; cat; }",
                       testing_support::sandbox_bin(), probe("attack_probe")});
  EXPECT_EQ(fd.out, "caller-data");
  // Control: unconfined (once printf's data is in), the reopen writes into the caller's pipe.
  const auto bare = run({"sh", "-c", "printf caller-data | { sleep 0.3; \"$0\" write /dev/stdin INJECTED >/dev/null; cat; }",
                         probe("attack_probe")});
  EXPECT_EQ(bare.out, "caller-dataINJECTED");
}
