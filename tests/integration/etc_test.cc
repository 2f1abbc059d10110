// System configuration under /etc is readable (DESIGN §2.2, issue 13): the
// everyday programs that read it start as they do outside, as root and as
// uid 65534. The secrets stay closed: tests/attacks/etc_attack_test.cc.
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "integration/etc_fixture.h"
#include "support/run.h"

using testing_support::is_root;
using testing_support::run;
using testing_support::RunOptions;
using testing_support::sandbox;
using testing_support::TempDir;

namespace {

bool installed(const char* program) { return ::access(program, X_OK) == 0; }

}  // namespace

// node reads /etc/ssl/openssl.cnf at start: "OpenSSL configuration error".
TEST(Etc, NodeStarts) {
  if (!installed("/usr/bin/node")) GTEST_SKIP() << "needs Debian's nodejs (scripts/setup-deps.sh --tests)";
  const auto r = run(sandbox({"/usr/bin/node", "-e", "console.log(1)"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "1\n") << r.err;
  EXPECT_EQ(r.err.find("openssl.cnf"), std::string::npos) << r.err;
}

// python3 -m venv runs ensurepip, which reads /etc/debian_version.
TEST(Etc, PythonVenvInstallsPip) {
  if (::access("/usr/lib/python3/dist-packages/pip", F_OK) != 0 &&
      ::access("/usr/share/python-wheels", F_OK) != 0) {
    GTEST_SKIP() << "needs python3-venv (scripts/setup-deps.sh --tests)";
  }
  RunOptions options;
  options.timeout_seconds = 120;
  const auto r = run(sandbox({"-M", "sh", "-c",
                              "cd && /usr/bin/python3 -m venv v && v/bin/python -m pip --version"}),
                     options);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("pip "), std::string::npos) << r.out << r.err;
  EXPECT_EQ(r.err.find("debian_version"), std::string::npos) << r.err;
}

// An interactive bash reads /etc/bash.bashrc (Debian's sets PS1 with debian_chroot).
TEST(Etc, BashReadsTheSystemBashrc) {
  if (::access("/etc/bash.bashrc", R_OK) != 0) GTEST_SKIP() << "this host has no /etc/bash.bashrc";
  const auto r = run(sandbox({"-M", "/bin/bash", "-i", "-c", "echo \"ps1=$PS1\""}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err.find("bash.bashrc"), std::string::npos) << r.err;
  if (testing_support::read_file("/etc/bash.bashrc").find("debian_chroot") != std::string::npos) {
    EXPECT_NE(r.out.find("debian_chroot"), std::string::npos) << r.out;
  }
}

// git log in a repository granted read-only, on a host with an
// /etc/gitconfig: made only inside a mount namespace of the test (root).
TEST(Etc, GitReadsTheSystemGitconfig) {
  if (!installed("/usr/bin/git")) GTEST_SKIP() << "needs git (scripts/setup-deps.sh --tests)";
  if (!is_root()) GTEST_SKIP() << "the /etc/gitconfig fixture needs root (the root run covers uid 65534)";
  TempDir dir;
  const std::string repo = dir.path() + "/repo";
  const auto init = run({"sh", "-c",
                         "git init -q " + repo + " && cd " + repo +
                             " && echo a > a && git add a && git -c user.name=t -c user.email=t@t "
                             "commit -qm first"});
  ASSERT_EQ(init.status, 0) << init.err;
  // Read by git only through /etc/gitconfig: the log format, and the
  // repository owned by root is safe for uid 65534 too.
  const std::string gitconfig = dir.write("gitconfig", "[safe]\n\tdirectory = *\n[format]\n\tpretty = tformat:from-etc %s\n");
  for (const bool as_nobody : {false, true}) {
    SCOPED_TRACE(as_nobody ? "uid 65534" : "root");
    const auto r = etc_fixture::run_with_etc({{gitconfig, "gitconfig"}},
                                             {"--ro", repo, "/usr/bin/git", "-C", repo, "log"}, as_nobody);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "from-etc first\n") << r.err;
    EXPECT_EQ(r.err.find("gitconfig"), std::string::npos) << r.err;
  }
}

// Ordinary configuration anywhere in /etc, not only a fixed list.
TEST(Etc, WorldReadableEntriesAreReadable) {
  for (const char* path : {"/etc/debian_version", "/etc/ssl/openssl.cnf", "/etc/ssl/certs", "/etc/passwd",
                           "/etc/os-release"}) {
    if (::access(path, R_OK) != 0) continue;
    const auto r = run(sandbox({"sh", "-c", std::string("ls -d ") + path + " >/dev/null && cat " + path +
                                                " >/dev/null 2>&1 || test -d " + path}));
    EXPECT_EQ(r.status, 0) << path << ": " << r.err;
  }
}

TEST(Etc, MinHasNoEtc) {
  const auto r = run(sandbox({"-t", "min", "sh", "-c", "test -e /etc && echo present || echo absent"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "absent\n");
}

// A profile's etc-hidden adds to the deny list: the entry answers EACCES.
TEST(Etc, AProfileHidesMoreWithEtcHidden) {
  if (::access("/etc/debian_version", R_OK) != 0) GTEST_SKIP() << "this host has no /etc/debian_version";
  TempDir dir;
  const std::string prof = dir.write("hide.toml", "include-profiles = [\"default\"]\n"
                                                  "etc-hidden = [\"/etc/debian_version\"]\n");
  const auto r = run(sandbox({"-t", prof, "sh", "-c", "cat /etc/debian_version; cat /etc/os-release >/dev/null && echo ok"}));
  EXPECT_EQ(r.out, "ok\n") << r.err;
  EXPECT_NE(r.err.find("/etc/debian_version: Permission denied"), std::string::npos) << r.err;
}
