// The environment (DESIGN §2.4), on the real binary: cleared except a short
// list, then set; --setenv and --keep-env hand more over explicitly.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "support/run.h"

using namespace testing_support;

namespace {

// `env` inside the sandbox, run with the caller's environment `caller`.
std::set<std::string> env_inside(const std::vector<std::string>& caller,
                                 const std::vector<std::string>& options = {}) {
  std::vector<std::string> argv = {"env", "-i"};
  argv.insert(argv.end(), caller.begin(), caller.end());
  argv.push_back(sandbox_bin());
  argv.insert(argv.end(), options.begin(), options.end());
  argv.push_back("env");
  const auto r = run(argv);
  EXPECT_EQ(r.status, 0) << r.err;
  std::set<std::string> names;
  std::size_t start = 0;
  for (auto end = r.out.find('\n'); end != std::string::npos; end = r.out.find('\n', start)) {
    names.insert(r.out.substr(start, end - start));
    start = end + 1;
  }
  return names;
}

std::set<std::string> names_of(const std::set<std::string>& env) {
  std::set<std::string> names;
  for (const auto& e : env) names.insert(e.substr(0, e.find('=')));
  return names;
}

TEST(Env, OnlyTheAllowedListAndOurOwnVariablesArePresent) {
  const auto env = env_inside({"PATH=/usr/bin:/bin", "HOME=/tmp", "LANG=C.UTF-8", "LC_TIME=C",
                               "TERM=dumb", "TZ=UTC", "NO_COLOR=1", "COLORTERM=truecolor",
                               "SECRET_TOKEN=hunter2", "SSH_AUTH_SOCK=/run/ssh",
                               "LD_PRELOAD=/nonexistent.so", "DISPLAY=:0", "SANDBOX_LABEL=forged"});
  const std::set<std::string> allowed = {"PATH", "LANG", "LC_TIME", "TERM", "TZ", "NO_COLOR",
                                         "COLORTERM", "HOME", "USER", "LOGNAME", "SHELL",
                                         "SANDBOX_LABEL"};
  EXPECT_EQ(names_of(env), allowed);
  EXPECT_TRUE(env.count("PATH=/usr/bin:/bin"));
  EXPECT_TRUE(env.count("LC_TIME=C"));
  EXPECT_TRUE(env.count("SHELL=/bin/sh"));
  EXPECT_FALSE(env.count("SANDBOX_LABEL=forged"));
}

TEST(Env, HomeAndUserAreTheCallers) {
  const auto env = env_inside({"HOME=/tmp/sandbox-env-home"});
  const auto user = run({"id", "-un"});
  EXPECT_TRUE(env.count("USER=" + user.out.substr(0, user.out.size() - 1)));
  // HOME is the sandbox's: the caller's path, an empty tmpfs inside
  // (readable with -M; without it Landlock denies it).
  EXPECT_TRUE(env.count("HOME=/tmp/sandbox-env-home"));
  const auto home = run({"env", "HOME=/var/sandbox-env-home", sandbox_bin(), "-M", "sh",
                         "-c", "cd && pwd && ls -A && echo empty"});
  EXPECT_EQ(home.out, "/var/sandbox-env-home\nempty\n") << home.err;
}

TEST(Env, WithoutPathADefaultIsUsed) {
  const auto env = env_inside({});
  EXPECT_TRUE(env.count("PATH=/usr/local/bin:/usr/bin:/bin"));
}

TEST(Env, SetenvAddsAndOverrides) {
  const auto env = env_inside({"PATH=/usr/bin:/bin", "TZ=UTC"},
                              {"--setenv", "GREETING=hello world", "--setenv", "TZ=Europe/Paris",
                               "--setenv", "EQ=a=b"});
  EXPECT_TRUE(env.count("GREETING=hello world"));
  EXPECT_TRUE(env.count("TZ=Europe/Paris"));
  EXPECT_FALSE(env.count("TZ=UTC"));
  EXPECT_TRUE(env.count("EQ=a=b"));
}

TEST(Env, KeepEnvPassesNamedVariablesOnly) {
  const auto env = env_inside({"PATH=/usr/bin:/bin", "SSH_AUTH_SOCK=/run/ssh", "OTHER=x",
                               "EDITOR=vi"},
                              {"--keep-env", "SSH_AUTH_SOCK", "--keep-env", "EDITOR",
                               "--keep-env", "ABSENT"});
  EXPECT_TRUE(env.count("SSH_AUTH_SOCK=/run/ssh"));
  EXPECT_TRUE(env.count("EDITOR=vi"));
  EXPECT_FALSE(names_of(env).count("OTHER"));
  EXPECT_FALSE(names_of(env).count("ABSENT"));
}

TEST(Env, LdPreloadFromTheCallerNeverReachesTheProgram) {
  TempDir dir;
  const auto r = run({"env", "LD_PRELOAD=" + dir.path() + "/evil.so", "LD_LIBRARY_PATH=" + dir.path(),
                      sandbox_bin(), "sh", "-c", "echo \"[$LD_PRELOAD][$LD_LIBRARY_PATH]\""});
  EXPECT_EQ(r.out, "[][]\n") << r.err;
}

}  // namespace
