// The environment is ambient authority too (DESIGN §2.4): build_environment.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "launch/environment.h"
#include "util/env.h"

namespace sandbox::launch {
namespace {

std::vector<std::string> build(const std::vector<std::string>& caller, const Policy& policy = {}) {
  return build_environment(policy, EnvironmentInputs{caller, "/home/alice", "alice",
                                                     "sandbox_t:s0:c1,c2"});
}

std::size_t count(const std::vector<std::string>& env, const std::string& name) {
  return static_cast<std::size_t>(std::count_if(env.begin(), env.end(), [&](const std::string& e) {
    return e.rfind(name + "=", 0) == 0;
  }));
}

TEST(Environment, OnlyTheShortListPassesThrough) {
  for (const char* name : {"PATH", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_TIME", "TERM",
                           "COLORTERM", "TZ", "NO_COLOR"}) {
    EXPECT_TRUE(passes_through(name)) << name;
  }
  for (const char* name : {"HOME", "USER", "SSH_AUTH_SOCK", "DBUS_SESSION_BUS_ADDRESS", "DISPLAY",
                           "XDG_RUNTIME_DIR", "AWS_SECRET_ACCESS_KEY", "LD_PRELOAD", "PATHX",
                           "XLC_ALL", "SANDBOX_LABEL", ""}) {
    EXPECT_FALSE(passes_through(name)) << name;
  }
}

TEST(Environment, CallerSecretsAreDropped) {
  const auto env = build({"PATH=/usr/bin", "LANG=C.UTF-8", "LC_TIME=de_DE", "TZ=UTC",
                          "SSH_AUTH_SOCK=/run/ssh", "GITHUB_TOKEN=secret", "LD_PRELOAD=/x.so",
                          "DISPLAY=:0"});
  EXPECT_EQ(util::env_value(env, "PATH"), "/usr/bin");
  EXPECT_EQ(util::env_value(env, "LANG"), "C.UTF-8");
  EXPECT_EQ(util::env_value(env, "LC_TIME"), "de_DE");
  EXPECT_EQ(util::env_value(env, "TZ"), "UTC");
  for (const char* name : {"SSH_AUTH_SOCK", "GITHUB_TOKEN", "LD_PRELOAD", "DISPLAY"}) {
    EXPECT_EQ(count(env, name), 0U) << name;
  }
}

TEST(Environment, IdentityAndLabelAreSetNotInherited) {
  const auto env = build({"HOME=/caller", "USER=mallory", "SHELL=/bin/zsh",
                          "SANDBOX_LABEL=forged", "LOGNAME=mallory"});
  EXPECT_EQ(util::env_value(env, "HOME"), "/home/alice");
  EXPECT_EQ(util::env_value(env, "USER"), "alice");
  EXPECT_EQ(util::env_value(env, "LOGNAME"), "alice");
  EXPECT_EQ(util::env_value(env, "SHELL"), "/bin/sh");
  EXPECT_EQ(util::env_value(env, "SANDBOX_LABEL"), "sandbox_t:s0:c1,c2");
  for (const char* name : {"HOME", "USER", "LOGNAME", "SHELL", "SANDBOX_LABEL"}) {
    EXPECT_EQ(count(env, name), 1U) << name;
  }
}

TEST(Environment, MissingPathGetsADefault) {
  EXPECT_EQ(util::env_value(build({}), "PATH"), "/usr/local/bin:/usr/bin:/bin");
  EXPECT_EQ(util::env_value(build({"PATH="}), "PATH"), "/usr/local/bin:/usr/bin:/bin");
}

TEST(Environment, KeepEnvHandsOverNamedVariablesOnly) {
  Policy policy;
  policy.keep_env = {"SSH_AUTH_SOCK", "ABSENT"};
  const auto env = build({"SSH_AUTH_SOCK=/run/ssh", "GITHUB_TOKEN=secret"}, policy);
  EXPECT_EQ(util::env_value(env, "SSH_AUTH_SOCK"), "/run/ssh");
  EXPECT_EQ(count(env, "GITHUB_TOKEN"), 0U);
  EXPECT_EQ(count(env, "ABSENT"), 0U);  // kept only if the caller has it
}

TEST(Environment, SetenvWinsOverEverything) {
  Policy policy;
  policy.setenv = {"FOO=bar", "PATH=/opt/bin", "HOME=/work", "EQ=a=b", "EMPTY="};
  const auto env = build({"PATH=/usr/bin", "FOO=caller"}, policy);
  EXPECT_EQ(util::env_value(env, "FOO"), "bar");
  EXPECT_EQ(util::env_value(env, "PATH"), "/opt/bin");
  EXPECT_EQ(util::env_value(env, "HOME"), "/work");
  EXPECT_EQ(util::env_value(env, "EQ"), "a=b");
  EXPECT_EQ(count(env, "EMPTY"), 1U);
  EXPECT_EQ(count(env, "PATH"), 1U);
  EXPECT_EQ(count(env, "FOO"), 1U);
}

TEST(Environment, MalformedCallerEntriesAreSkipped) {
  const auto env = build({"NOEQUALS", "=x", "TERM=xterm"});
  EXPECT_EQ(util::env_value(env, "TERM"), "xterm");
  for (const auto& e : env) {
    EXPECT_NE(e.find('='), std::string::npos) << e;
    EXPECT_NE(e.front(), '=') << e;
  }
}

TEST(Environment, LookupFindsExactNames) {
  const std::vector<std::string> env = {"PATHX=1", "PATH=/bin", "A=x=y"};
  EXPECT_EQ(util::env_value(env, "PATH"), "/bin");
  EXPECT_EQ(util::env_value(env, "A"), "x=y");
  EXPECT_EQ(util::env_value(env, "PAT"), "");
}

}  // namespace
}  // namespace sandbox::launch
