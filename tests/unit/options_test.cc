// The option table (src/policy/options.cc): each option valid and invalid
// (minijail's minijail0_cli_unittest). Options whose values are checked
// against each other are refused by Policy::validate, the one place the CLI
// and the profiles both go through, so "invalid" is tested through it.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "sandbox/options.h"

namespace sandbox {
namespace {

// Applies --NAME VALUE to the default profile.
Result<Policy> apply(std::string_view name, const std::string& value = "") {
  const options::Option* option = options::find(name);
  if (option == nullptr) return Error("no option " + std::string(name));
  Policy policy = Policy::default_profile();
  if (auto ok = option->apply(policy, value); !ok) return std::move(ok).error();
  return policy;
}

// Applies one option and validates the result.
Result<void> apply_and_validate(std::string_view name, const std::string& value = "") {
  auto policy = apply(name, value);
  if (!policy) return std::move(policy).error();
  return policy->validate();
}

TEST(OptionDeclarations, EveryOptionIsDeclaredOnceAndDocumented) {
  std::set<std::string_view> names;
  std::set<std::string_view> shorts;
  for (const auto& o : options::all()) {
    EXPECT_TRUE(names.insert(o.name).second) << "duplicate --" << o.name;
    if (!o.short_name.empty()) {
      EXPECT_EQ(o.short_name.size(), 1U) << o.name;
      EXPECT_TRUE(shorts.insert(o.short_name).second) << "duplicate -" << o.short_name;
    }
    EXPECT_FALSE(o.help.empty()) << o.name;
    EXPECT_FALSE(o.group.empty()) << o.name;
    EXPECT_NE(o.apply, nullptr) << o.name;
    // A flag takes no value; every other kind names its value.
    EXPECT_EQ(o.kind == options::Kind::flag, o.value_name.empty()) << o.name;
    EXPECT_EQ(options::find(o.name), &o);
  }
  EXPECT_GE(names.size(), 11U);
}

TEST(OptionDeclarations, UnknownNamesAreNotFound) {
  EXPECT_EQ(options::find("no-such-option"), nullptr);
  EXPECT_EQ(options::find(""), nullptr);
  EXPECT_EQ(options::find("--ro"), nullptr);  // names carry no dashes
}

TEST(OptionDeclarations, EveryFlagAppliesWithoutAValue) {
  for (const auto& o : options::all()) {
    if (o.kind != options::Kind::flag) continue;
    Policy policy = Policy::default_profile();
    EXPECT_TRUE(o.apply(policy, "")) << o.name;
  }
}

TEST(Options, GrantsRecordPathAndAccess) {
  const std::pair<const char*, Access> cases[] = {
      {"ro", Access::read}, {"rw", Access::read_write}, {"exec", Access::execute}};
  for (const auto& [name, access] : cases) {
    auto policy = apply(name, "/usr/share");  // validate resolves it: it must exist
    ASSERT_TRUE(policy) << name;
    ASSERT_EQ(policy->grants.size(), 1U) << name;
    EXPECT_EQ(policy->grants[0].path, "/usr/share") << name;
    EXPECT_EQ(policy->grants[0].access, access) << name;
    EXPECT_TRUE(policy->validate()) << name;
  }
}

TEST(Options, GrantsRefuseEmptyPathsAndWholeHostTrees) {
  for (const char* name : {"ro", "rw", "exec"}) {
    for (const char* path : {"", "/", "/proc", "/dev", "/sys"}) {
      auto ok = apply_and_validate(name, path);
      ASSERT_FALSE(ok) << name << " " << path;
      // The message names the option the user typed.
      EXPECT_EQ(ok.error().message().rfind(std::string("--") + name, 0), 0U)
          << ok.error().message();
    }
  }
  auto whole = apply_and_validate("ro", "/");
  EXPECT_NE(whole.error().hint().find("specific paths"), std::string::npos);
}

TEST(Options, FdAcceptsADescriptorNumber) {
  auto policy = apply("fd", "3");
  ASSERT_TRUE(policy);
  EXPECT_EQ(policy->fds, std::vector<int>{3});
}

TEST(Options, FdRefusesWhatIsNotADescriptorNumber) {
  for (const char* value : {"", "abc", "-1", "3x", " 3", "1.5", "99999999999"}) {
    auto policy = apply("fd", value);
    ASSERT_FALSE(policy) << "'" << value << "'";
    EXPECT_NE(policy.error().message().find("--fd"), std::string::npos);
    EXPECT_NE(policy.error().message().find("descriptor number"), std::string::npos);
  }
}

TEST(Options, FdRefusesStandardAndClosedDescriptors) {
  for (const char* value : {"0", "1", "2"}) {
    auto ok = apply_and_validate("fd", value);
    ASSERT_FALSE(ok) << value;
    EXPECT_NE(ok.error().message().find("always passed"), std::string::npos);
  }
  auto closed = apply_and_validate("fd", "987");
  ASSERT_FALSE(closed);
  EXPECT_EQ(closed.error().errno_value(), EBADF);
  EXPECT_NE(closed.error().hint().find("987<FILE"), std::string::npos);
}

TEST(Options, MountGivesPrivateScratch) {
  EXPECT_FALSE(Policy::default_profile().private_scratch);
  auto policy = apply("mount");
  ASSERT_TRUE(policy);
  EXPECT_TRUE(policy->private_scratch);
  EXPECT_EQ(options::find("mount")->short_name, "M");
}

TEST(Options, SetenvAcceptsNameEqualsValue) {
  for (const char* value : {"A=b", "A=", "_x1=with=equals", "LONG_NAME=two words"}) {
    auto policy = apply("setenv", value);
    ASSERT_TRUE(policy);
    EXPECT_EQ(policy->setenv, std::vector<std::string>{value});
    EXPECT_TRUE(policy->validate()) << value;
  }
}

TEST(Options, SetenvRefusesWhatIsNotNameEqualsValue) {
  for (const char* value : {"", "NOEQUALS", "=value", "1A=b", "A-B=c", "A B=c"}) {
    auto ok = apply_and_validate("setenv", value);
    ASSERT_FALSE(ok) << value;
    EXPECT_NE(ok.error().message().find("expected NAME=VALUE"), std::string::npos);
  }
}

TEST(Options, KeepEnvAcceptsVariableNames) {
  auto policy = apply("keep-env", "SSH_AUTH_SOCK");
  ASSERT_TRUE(policy);
  EXPECT_EQ(policy->keep_env, std::vector<std::string>{"SSH_AUTH_SOCK"});
  EXPECT_TRUE(policy->validate());
}

TEST(Options, KeepEnvRefusesWhatIsNotAName) {
  for (const char* value : {"", "A=B", "1ABC", "A.B"}) {
    auto ok = apply_and_validate("keep-env", value);
    ASSERT_FALSE(ok) << value;
    EXPECT_NE(ok.error().message().find("not a variable name"), std::string::npos);
  }
}

TEST(Options, LevelAcceptsTheLevelForms) {
  for (const char* value : {"s0:c1,c2", "c0,c1023", "sandbox_t:s0:c5,c9"}) {
    auto policy = apply("level", value);
    ASSERT_TRUE(policy);
    EXPECT_EQ(policy->label, value);
    EXPECT_TRUE(policy->validate()) << value;
  }
  EXPECT_EQ(options::find("level")->short_name, "l");
}

TEST(Options, LevelRefusesMalformedLevels) {
  for (const char* value : {"sh", "s0:c2,c1", "s0:c1,c1", "s0:c1,c1024", "s1:c1,c2x"}) {
    auto ok = apply_and_validate("level", value);
    ASSERT_FALSE(ok) << value;
    EXPECT_NE(ok.error().message().find("is not valid"), std::string::npos);
    EXPECT_NE(ok.error().hint().find("s0:cA,cB"), std::string::npos);
  }
}

TEST(Options, SeccompTakesEnforceOrLog) {
  auto enforce = apply("seccomp", "enforce");
  ASSERT_TRUE(enforce);
  EXPECT_EQ(enforce->seccomp, SeccompMode::enforce);
  auto log = apply("seccomp", "log");
  ASSERT_TRUE(log);
  EXPECT_EQ(log->seccomp, SeccompMode::log);
  for (const char* value : {"", "off", "Enforce", "true"}) {
    auto bad = apply("seccomp", value);
    ASSERT_FALSE(bad) << value;
    EXPECT_NE(bad.error().message().find("expected enforce or log"), std::string::npos);
  }
}

TEST(Options, WeakeningsArePositiveFlags) {
  EXPECT_FALSE(Policy::default_profile().allow_ptrace);
  auto ptrace = apply("allow-ptrace");
  ASSERT_TRUE(ptrace);
  EXPECT_TRUE(ptrace->allow_ptrace);
  EXPECT_NE(options::find("allow-ptrace")->help.find("Weakening"), std::string_view::npos);

  EXPECT_FALSE(Policy::default_profile().best_effort);
  auto best = apply("best-effort");
  ASSERT_TRUE(best);
  EXPECT_TRUE(best->best_effort);
}

TEST(Options, ListOptionsAccumulate) {
  Policy policy = Policy::default_profile();
  const auto* ro = options::find("ro");
  ASSERT_TRUE(ro->apply(policy, "/a"));
  ASSERT_TRUE(ro->apply(policy, "/b"));
  ASSERT_TRUE(options::find("exec")->apply(policy, "/c"));
  ASSERT_EQ(policy.grants.size(), 3U);
  EXPECT_EQ(policy.grants[2].path, "/c");
  EXPECT_EQ(policy.grants[2].access, Access::execute);
}

}  // namespace
}  // namespace sandbox
