// Grants that would hand over more than the caller meant (DESIGN §2.2, §9):
// the host's pseudo filesystems spelled so that a string check misses them,
// symlinks planted by an earlier stage of a chain (and swapped in while the
// sandbox starts), and W^X in the writable places.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <string>
#include <thread>

#include "attacks/support.h"

using namespace attack;
using testing_support::is_root;
using testing_support::read_file;
using testing_support::TempDir;

namespace {

TEST(GrantAttack, HostPseudoFilesystemsAreRefusedHoweverSpelled) {
  TempDir dir(true);
  const std::string to_proc = dir.path() + "/to-proc";
  ASSERT_EQ(::symlink("/proc", to_proc.c_str()), 0);
  const std::string to_root = dir.path() + "/to-root";
  ASSERT_EQ(::symlink("/", to_root.c_str()), 0);
  for (const std::string& spelled : std::vector<std::string>{
           "/proc/.", "/proc/", "//proc", "/proc/self/..", "/proc/1", "/sys/.", "/sys/fs/cgroup", "/dev/",
        "/dev/shm", "/dev/stdin", "/.", "/tmp/..", to_proc, to_proc + "/", to_proc + "/1", to_root}) {
    for (const char* option : {"--ro", "--rw", "--exec"}) {
      const auto r = run(sandbox({option, spelled, "sh", "-c", "ls /proc; ls /dev"}));
      EXPECT_EQ(r.status, 125) << option << " " << spelled << ": " << r.err;
      EXPECT_EQ(r.out, "") << option << " " << spelled;
      EXPECT_NE(r.err.find("refusing"), std::string::npos) << option << " " << spelled << ": " << r.err;
    }
  }
  // Control: the sandbox's own /proc shows no pid of the host (ours).
  const auto own = run(sandbox({"ls", "/proc"}));
  EXPECT_EQ(own.status, 0) << own.err;
  EXPECT_EQ(own.out.find("\n" + std::to_string(::getpid()) + "\n"), std::string::npos);
}

TEST(GrantAttack, APlantedSymlinkIsRefusedAndItsTargetNotRead) {
  // A hostile earlier stage planted parts/x.pdf -> /etc/shadow, and
  // parts/y.txt -> a file of the caller's, for a later stage granted --rw.
  TempDir chain(true);
  TempDir victim(true);
  const std::string rc = victim.write("bashrc", "original\n", 0644);
  chain.mkdir("parts", 0755);
  const std::string pdf = chain.path() + "/parts/x.pdf";
  const std::string txt = chain.path() + "/parts/y.txt";
  ASSERT_EQ(::symlink("/etc/shadow", pdf.c_str()), 0);
  ASSERT_EQ(::symlink(rc.c_str(), txt.c_str()), 0);
  const auto read = run(sandbox({"--refuse-symlinks", "--ro", pdf, "cat", pdf}));
  EXPECT_EQ(read.status, 125) << read.err;
  EXPECT_EQ(read.out, "");
  const auto append = run(sandbox({"--refuse-symlinks", "--rw", txt, "sh", "-c", "echo pwned >> " + txt}));
  EXPECT_EQ(append.status, 125) << append.err;
  EXPECT_EQ(read_file(rc), "original\n");
  // Control: without the option the grant follows the links (said on stderr).
  const auto followed = run(sandbox({"--rw", txt, "sh", "-c", "echo pwned >> " + txt}));
  EXPECT_EQ(followed.status, 0) << followed.err;
  EXPECT_EQ(read_file(rc), "original\npwned\n");
  if (is_root()) {
    const auto shadow = run(sandbox({"--ro", pdf, "head", "-c", "1", pdf}));
    EXPECT_EQ(shadow.status, 0) << shadow.err;
    EXPECT_EQ(shadow.out.size(), 1U);
  }
}

TEST(GrantAttack, ASymlinkSwappedInWhileTheSandboxStartsIsNotBound) {
  // parts is a real directory when the supervisor resolves the grant; a
  // racer swaps it with a symlink to the secret's directory over and over
  // (renameat2 RENAME_EXCHANGE), hoping the child binds the swapped path.
  TempDir chain(true);
  TempDir secret_dir(true);
  secret_dir.write("x.pdf", "s3cret\n", 0644);
  chain.mkdir("parts", 0755);
  chain.write("parts/x.pdf", "benign\n", 0644);
  const std::string parts = chain.path() + "/parts";
  const std::string evil = chain.path() + "/evil";
  ASSERT_EQ(::symlink(secret_dir.path().c_str(), evil.c_str()), 0);
  std::atomic<bool> stop{false};
  std::thread racer([&] {
    while (!stop.load()) ::renameat2(AT_FDCWD, parts.c_str(), AT_FDCWD, evil.c_str(), RENAME_EXCHANGE);
  });
  int benign = 0;
  int refused = 0;
  int leaked = 0;
  for (int i = 0; i < 60; ++i) {
    const auto r = run(sandbox({"--refuse-symlinks", "--ro", parts + "/x.pdf", "cat", parts + "/x.pdf"}));
    if (r.out.find("s3cret") != std::string::npos) ++leaked;
    if (r.out == "benign\n") ++benign;
    if (r.status == 125) ++refused;
  }
  stop = true;
  racer.join();
  // Every run either bound the directory that was checked or refused; a run
  // that bound the swapped-in symlink's target (read it, or was denied it by
  // a Landlock rule on another inode) means the bind was redirected.
  EXPECT_EQ(leaked, 0);
  EXPECT_GT(refused, 0);  // the race was on: some runs met the symlink
  EXPECT_EQ(benign + refused, 60);
}

TEST(GrantAttack, WriteXorExecuteHoldsInScratchAndRwUnlessLifted) {
  const std::string drop_home = "cp /bin/true \"$HOME/t\" && \"$HOME/t\"";
  const std::string drop_tmp = "cp /bin/true /tmp/t && /tmp/t";
  TempDir rw(true);
  TempDir home(true);
  TempDir tmp(true);
  const std::string drop_rw = "cp /bin/true " + rw.path() + "/t && " + rw.path() + "/t";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"-M"}, drop_home},
      {{"-M"}, drop_tmp},
      {{"-H", home.path()}, drop_home},
      {{"-T", tmp.path()}, drop_tmp},
      {{"--rw", rw.path()}, drop_rw},
      {{"-M", "--rw", rw.path(), "--ro", rw.path()}, drop_rw},
  };
  for (const auto& [options, script] : cases) {
    auto args = options;
    args.insert(args.end(), {"sh", "-c", script});
    const auto r = run(sandbox(args));
    EXPECT_EQ(r.status, 126) << options.front() << " " << script << ": " << r.err;
    EXPECT_NE(r.err.find("Permission denied"), std::string::npos) << r.err;
  }
  // Control: lifted explicitly, the same drops run.
  for (auto [options, script] : cases) {
    if (options.front() == "--rw" || options.size() > 2) {
      options.insert(options.end(), {"--exec", rw.path()});
    } else {
      options.push_back("--scratch-exec");
    }
    options.insert(options.end(), {"sh", "-c", script});
    const auto r = run(sandbox(options));
    EXPECT_EQ(r.status, 0) << options.front() << " " << script << ": " << r.err;
  }
}

}  // namespace
