// The core layers on the real kernel: view, processes, uts, working
// directory, labels. Every test passes as root and as uid 65534.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>
#include <filesystem>
#include <regex>
#include <set>
#include <string>

#include "support/run.h"

using namespace testing_support;

namespace {

// Lines of text, without the final empty one.
std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    out.push_back(text.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

// Binds @sandbox/cA,cB as a running sandbox's supervisor would: -1 if taken.
int hold_level(int low, int high) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string name = "sandbox/c" + std::to_string(low) + ",c" + std::to_string(high);
  std::memcpy(addr.sun_path + 1, name.data(), name.size());
  const auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// A level nobody holds right now (checked by binding it and letting it go).
std::pair<int, int> free_level() {
  for (int low = static_cast<int>(::getpid() % 900);; low = (low + 7) % 1000) {
    const int fd = hold_level(low, low + 11);
    if (fd >= 0) {
      ::close(fd);
      return {low, low + 11};
    }
  }
}

std::string level_text(std::pair<int, int> level) {
  return "s0:c" + std::to_string(level.first) + ",c" + std::to_string(level.second);
}

TEST(Core, HostnameIsSandbox) {
  const auto r = run(sandbox({"hostname"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "sandbox\n");
}

TEST(Core, RootDirectoryCannotBeListed) {
  const auto r = run(sandbox({"ls", "/"}));
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("Permission denied"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST(Core, PasswdIsReadableShadowIsNot) {
  const auto passwd = run(sandbox({"grep", "-c", "^root:", "/etc/passwd"}));
  EXPECT_EQ(passwd.status, 0) << passwd.err;
  EXPECT_EQ(passwd.out, "1\n");
  // Denied for every caller, root included (fs/etc.h; tests/attacks/etc_attack_test.cc).
  const auto shadow = run(sandbox({"head", "-c1", "/etc/shadow"}));
  EXPECT_NE(shadow.status, 0);
  EXPECT_NE(shadow.err.find("Permission denied"), std::string::npos) << shadow.err;
  EXPECT_TRUE(shadow.out.empty());
}

TEST(Core, HostIdentifiersInEtcAreDenied) {
  const auto r = run(sandbox({"sh", "-c", "cat /etc/hostname; cat /etc/machine-id"}));
  EXPECT_NE(r.status, 0);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find("Permission denied"), std::string::npos) << r.err;
}

TEST(Core, SystemTreesAreReadOnly) {
  const auto r = run(sandbox({"sh", "-c", "touch /usr/sandbox-test-x || touch /usr/bin/sandbox-x"}));
  EXPECT_NE(r.status, 0);
  EXPECT_EQ(::access("/usr/sandbox-test-x", F_OK), -1);
  EXPECT_NE(r.err.find("Read-only file system"), std::string::npos) << r.err;
}

TEST(Core, UserDataIsNotThere) {
  // Whatever the host holds in these places (that the caller can list) does
  // not exist inside: they are empty directories or tmpfs mounts there.
  std::string script;
  for (const char* place : {"/root", "/home", "/run", "/srv", "/mnt", "/var/tmp", "/tmp"}) {
    std::error_code error;
    int taken = 0;
    for (const auto& entry : std::filesystem::directory_iterator(place, error)) {
      const std::string path = entry.path().string();
      if (path.find('\'') != std::string::npos) continue;
      script += "[ -e '" + path + "' ] && echo '" + path + "'; ";
      if (++taken == 50) break;  // enough to show the place empty; argv strings stay small
    }
  }
  ASSERT_NE(script.find("/tmp/"), std::string::npos);  // the host's /tmp is never empty here
  const auto r = run(sandbox({"sh", "-c", script + "echo done"}));
  EXPECT_EQ(r.out, "done\n") << r.err;
}

TEST(Core, ProcShowsOnlyTheSandboxsProcesses) {
  const auto r = run(sandbox({"sh", "-c", "ls /proc | grep '^[0-9]*$' | sort -n | tr '\\n' ' '"}));
  EXPECT_EQ(r.status, 0) << r.err;
  // init (1), sh, ls, grep, sort, tr: a handful of small pids, never the host's.
  std::set<int> pids;
  for (const auto& word : lines(std::regex_replace(r.out, std::regex(" "), "\n"))) {
    if (!word.empty()) pids.insert(std::stoi(word));
  }
  ASSERT_FALSE(pids.empty()) << r.err;
  EXPECT_TRUE(pids.count(1)) << r.out;
  EXPECT_LE(pids.size(), 8U) << r.out;
  EXPECT_LT(*pids.rbegin(), 20) << r.out;
}

TEST(Core, TheProgramIsNotPidOneAndCannotSignalTheHost) {
  const auto r = run(sandbox({"sh", "-c", "echo $$; kill -0 " + std::to_string(::getpid())}));
  EXPECT_NE(r.status, 0);
  EXPECT_EQ(r.out, "2\n");
}

TEST(Core, WorkingDirectoryIsKeptWhenVisible) {
  TempDir dir;
  const auto r = run(sandbox({"--ro", dir.path(), "sh", "-c", "cd " + dir.path() + " && pwd"}));
  EXPECT_EQ(r.out, dir.path() + "\n") << r.err;
  // The caller's cwd itself: /tmp exists inside (an empty tmpfs).
  const auto tmp = run({"sh", "-c", "cd /tmp && exec \"$0\" pwd", sandbox_bin()});
  EXPECT_EQ(tmp.out, "/tmp\n") << tmp.err;
  const auto granted = run({"sh", "-c", "cd \"$1\" && exec \"$0\" --ro \"$1\" pwd", sandbox_bin(),
                            dir.path()});
  EXPECT_EQ(granted.out, dir.path() + "\n") << granted.err;
}

TEST(Core, WorkingDirectoryFallsBackToHomeWhenHidden) {
  TempDir dir;
  const auto r = run({"sh", "-c", "cd \"$1\" && exec \"$0\" sh -c 'pwd; echo $HOME'", sandbox_bin(),
                      dir.path()});
  EXPECT_EQ(r.status, 0) << r.err;
  const auto out = lines(r.out);
  ASSERT_EQ(out.size(), 2U) << r.out;
  EXPECT_TRUE(out[0] == out[1] || out[0] == "/") << r.out;
  EXPECT_NE(out[0], dir.path());
}

TEST(Core, IdentityInsideIsTheCallers) {
  const auto r = run(sandbox({"id", "-u"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, std::to_string(::getuid()) + "\n");
}

TEST(Core, NoCapabilitiesAndNoNewPrivileges) {
  const auto r = run(sandbox({"grep", "-E", "^(CapEff|CapPrm|CapBnd|CapAmb|NoNewPrivs)", "/proc/self/status"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("CapEff:\t0000000000000000"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("CapPrm:\t0000000000000000"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("CapBnd:\t0000000000000000"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("NoNewPrivs:\t1"), std::string::npos) << r.out;
}

TEST(Core, NoNetworkButLoopback) {
  const auto r = run(sandbox({"sh", "-c", "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "lo\n");
}

// The namespace is made beside init (net/namespace.h): still a fresh one per
// sandbox, with lo up in it, and the command still pid 2.
TEST(Core, EachSandboxHasItsOwnNetworkNamespaceWithLoopbackUp) {
  const auto r = run(sandbox({"sh", "-c", "readlink /proc/self/ns/net; grep -c ' lo$' /proc/net/if_inet6; echo $$"}));
  ASSERT_EQ(r.status, 0) << r.err;
  const auto out = lines(r.out);
  ASSERT_EQ(out.size(), 3U) << r.out;
  EXPECT_NE(out[0], std::filesystem::read_symlink("/proc/self/ns/net").string());
  EXPECT_EQ(out[1], "1") << "lo is down: it has no ::1";
  EXPECT_EQ(out[2], "2");
  // Two sandboxes alive at once (a freed namespace's number can be reused).
  const auto both = run({"sh", "-c",
                         "for i in 1 2; do \"$0\" sh -c 'readlink /proc/self/ns/net; sleep 0.5' & done; wait",
                         sandbox_bin()});
  const auto two = lines(both.out);
  ASSERT_EQ(two.size(), 2U) << both.out << both.err;
  EXPECT_NE(two[0], two[1]) << "two sandboxes share a network namespace";
}

TEST(Labels, HaveTheMcsFormAndDifferPerSandbox) {
  const std::regex form("^sandbox_t:s0:c([0-9]+),c([0-9]+)$");
  std::set<std::string> seen;
  for (int i = 0; i < 3; ++i) {
    const auto r = run(sandbox({"sh", "-c", "echo \"$SANDBOX_LABEL\""}));
    const std::string label = r.out.substr(0, r.out.find('\n'));
    std::smatch m;
    ASSERT_TRUE(std::regex_match(label, m, form)) << label;
    EXPECT_LT(std::stoi(m[1]), std::stoi(m[2]));
    EXPECT_LE(std::stoi(m[2]), 1023);
    seen.insert(label);
  }
  EXPECT_GE(seen.size(), 2U);  // 523,776 pairs: three equal picks mean no randomness
}

TEST(Labels, ConcurrentSandboxesNeverShareALabel) {
  Background first(sandbox({"sh", "-c", "echo \"$SANDBOX_LABEL\"; read x || true"}));
  const std::string a = first.read_line();
  const auto second = run(sandbox({"sh", "-c", "echo \"$SANDBOX_LABEL\""}));
  EXPECT_EQ(first.finish(), 0);
  EXPECT_FALSE(a.empty());
  EXPECT_NE(a + "\n", second.out);
}

TEST(Labels, LevelOptionPicksTheLabel) {
  const std::string level = level_text(free_level());
  const auto r = run(sandbox({"-l", level, "sh", "-c", "echo \"$SANDBOX_LABEL\""}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "sandbox_t:" + level + "\n");
}

TEST(Labels, ALevelInUseIsRefused) {
  const std::string level = level_text(free_level());
  Background first(sandbox({"-l", level, "--", "sh", "-c", "echo \"$SANDBOX_LABEL\"; read x || true"}));
  ASSERT_EQ(first.read_line(), "sandbox_t:" + level);
  const auto second = run(sandbox({"-l", level, "--", "true"}));
  EXPECT_EQ(second.status, 125);
  EXPECT_NE(second.err.find("in use"), std::string::npos) << second.err;
  EXPECT_EQ(second.err.rfind("sandbox: ", 0), 0U) << second.err;
  EXPECT_EQ(first.finish(), 0);
  // Freed by the kernel when the first supervisor is gone.
  const auto third = run(sandbox({"-l", level, "--", "true"}));
  EXPECT_EQ(third.status, 0) << third.err;
}

TEST(Labels, ALevelHeldByAnyoneIsRefused) {
  const auto level = free_level();
  const int held = hold_level(level.first, level.second);
  ASSERT_GE(held, 0);
  const auto r = run(sandbox({"-l", level_text(level), "--", "true"}));
  ::close(held);
  EXPECT_EQ(r.status, 125);
  EXPECT_NE(r.err.find("in use"), std::string::npos) << r.err;
}

}  // namespace
