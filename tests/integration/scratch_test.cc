// Scratch and includes (DESIGN §9): -M, -H, -T, -i, -I, -s and W^X.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "support/run.h"

using namespace testing_support;

namespace {

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

}  // namespace

TEST(Scratch, APayloadDroppedInScratchCannotRun) {
  const auto r = run(sandbox({"-M", "sh", "-c", "cp /bin/true /tmp/t && /tmp/t"}));
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("Permission denied"), std::string::npos) << r.err;
  // Control: the copy itself worked; only executing it is refused.
  const auto copy = run(sandbox({"-M", "sh", "-c", "cp /bin/true /tmp/t && test -s /tmp/t && echo copied"}));
  EXPECT_EQ(copy.out, "copied\n") << copy.err;
}

TEST(Scratch, HomedirKeepsWhatTheProgramWrote) {
  TempDir dir;
  const std::string home = dir.mkdir("home", 0700);
  const auto r = run(sandbox({"-H", home, "sh", "-c", "echo kept > $HOME/note && cat $HOME/note"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "kept\n");
  EXPECT_EQ(read_file(home + "/note"), "kept\n");
}

TEST(Scratch, TmpdirIsTheProgramsTmpAndNotExecutable) {
  TempDir dir;
  const std::string tmp = dir.mkdir("tmp", 0700);
  const auto r = run(sandbox({"-T", tmp, "sh", "-c", "echo x > /tmp/y; cp /bin/true /tmp/t && /tmp/t"}));
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("Permission denied"), std::string::npos) << r.err;
  EXPECT_EQ(read_file(tmp + "/y"), "x\n");
}

TEST(Scratch, ADirectoryTheCallerDoesNotOwnIsRefused) {
  TempDir dir;
  std::string foreign = "/";  // root's, when we are not root
  if (is_root()) {
    foreign = dir.mkdir("foreign", 0777);
    ASSERT_EQ(::chown(foreign.c_str(), 65534, 65534), 0);
  }
  for (const char* option : {"-H", "-T"}) {
    const auto r = run(sandbox({option, foreign, "true"}));
    EXPECT_EQ(r.status, 125) << option;
    EXPECT_NE(r.err.find("not owned by you"), std::string::npos) << r.err;
  }
  const auto missing = run(sandbox({"-T", dir.path() + "/missing", "true"}));
  EXPECT_EQ(missing.status, 125);
}

TEST(Scratch, IncludeCopiesAFileToItsPath) {
  TempDir dir;
  const std::string file = dir.write("input.txt", "included\n", 0600);
  const auto without = run(sandbox({"-M", "cat", file}));
  EXPECT_NE(without.status, 0);  // /tmp is a private scratch: the host's file is not there
  const auto r = run(sandbox({"-M", "-i", file, "cat", file}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "included\n");
}

TEST(Scratch, IncludeFileListsFiles) {
  TempDir dir;
  const std::string a = dir.write("a.txt", "A\n");
  dir.mkdir("sub");
  const std::string b = dir.write("sub/b.txt", "B\n");
  const std::string list = dir.write("list", a + "\n\n" + b + "\n");
  const auto r = run(sandbox({"-M", "-I", list, "cat", a, b}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "A\nB\n");
}

TEST(Scratch, IncludeNeedsAScratch) {
  TempDir dir;
  const std::string file = dir.write("f", "x");
  const auto r = run(sandbox({"-i", file, "true"}));
  EXPECT_EQ(r.status, 125);
  EXPECT_NE(r.err.find("add -M"), std::string::npos) << r.err;
  const auto outside = run(sandbox({"-M", "-i", "/etc/hostname", "true"}));
  EXPECT_EQ(outside.status, 125);
  EXPECT_NE(outside.err.find("only files under $HOME"), std::string::npos) << outside.err;
}

TEST(Scratch, ShredOverwritesBeforeRemoving) {
  TempDir dir;
  const std::string tmp = dir.mkdir("tmp", 0700);
  const std::string kept = tmp + "/untouched";
  { std::ofstream(kept) << "mine\n"; }
  const std::string secret = tmp + "/secret";
  { std::ofstream(secret) << ""; }
  // The test keeps the inode open: after the unlink it still reads what the
  // blocks held when the file was removed.
  const int fd = ::open(secret.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  const auto r = run(sandbox({"-T", tmp, "-s", "sh", "-c",
                              "printf SECRETDATA > /tmp/secret; printf NEW > /tmp/new; mkdir /tmp/d; "
                              "printf X > /tmp/d/f"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_FALSE(exists(secret));
  EXPECT_FALSE(exists(tmp + "/new"));
  EXPECT_FALSE(exists(tmp + "/d"));
  EXPECT_EQ(read_file(kept), "mine\n");  // what the program did not write stays
  char buf[64] = {};
  const ssize_t n = ::pread(fd, buf, sizeof(buf), 0);
  ::close(fd);
  ASSERT_EQ(n, 10);  // SECRETDATA's length, every byte overwritten
  EXPECT_EQ(std::string(buf, 10), std::string(10, '\0'));
}

TEST(Scratch, WithoutShredTheFilesStay) {
  TempDir dir;
  const std::string tmp = dir.mkdir("tmp", 0700);
  const auto r = run(sandbox({"-T", tmp, "sh", "-c", "printf DATA > /tmp/f"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(read_file(tmp + "/f"), "DATA");
  const auto refused = run(sandbox({"-s", "true"}));
  EXPECT_EQ(refused.status, 125);  // -s needs -H or -T
}

TEST(Scratch, ExecMakesOnePathInTheScratchExecutable) {
  TempDir dir;
  const std::string home = dir.mkdir("home", 0700);
  dir.mkdir("home/bin", 0700);
  const std::string tool = dir.write("home/bin/tool", "#!/bin/sh\necho tool ran\n", 0700);
  dir.write("home/bin/other", "#!/bin/sh\necho other ran\n", 0700);
  const auto r = run(sandbox({"-H", home, "--exec", tool, "sh", "-c", "$HOME/bin/tool; $HOME/bin/other"}));
  EXPECT_EQ(r.out, "tool ran\n") << r.err;
  EXPECT_NE(r.err.find("Permission denied"), std::string::npos) << r.err;  // the other file stays W^X
}
