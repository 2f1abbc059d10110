// The profile parser: keys, includes, errors with file/line/key, the shipped
// profiles, and printing (--print-profile) that parses back.
#include "sandbox/profile.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <fstream>
#include <map>
#include <sstream>

namespace sandbox {
namespace {

std::string shipped(const std::string& name) {
  std::ifstream in(std::string(SANDBOX_SOURCE_DIR) + "/profiles/" + name + ".toml");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Includes resolve among the shipped profiles and `extra`.
profile::Finder finder(std::map<std::string, std::string> extra = {}) {
  return [extra](const std::string& name) -> Result<profile::Source> {
    if (auto it = extra.find(name); it != extra.end()) return profile::Source{name, name + ".toml", it->second};
    std::string text = shipped(name);
    if (text.empty()) return Error("no profile named '" + name + "'");
    return profile::Source{name, name + ".toml", text};
  };
}

Result<Policy> parse(const std::string& text, std::map<std::string, std::string> extra = {}) {
  Policy policy = profile::empty_policy();
  auto ok = profile::apply(policy, {"p", "p.toml", text}, finder(std::move(extra)));
  if (!ok) return std::move(ok).error();
  return policy;
}

Policy shipped_policy(const std::string& name) {
  auto policy = parse(shipped(name));
  EXPECT_TRUE(policy.ok()) << name << ": " << policy.error().message();
  return policy.ok() ? *policy : Policy{};
}

TEST(Profile, ShippedDefaultEqualsTheCompiledInDefault) {
  const Policy file = shipped_policy("default");
  const Policy built_in = Policy::default_profile();
  EXPECT_EQ(file.system_trees, built_in.system_trees);
  EXPECT_EQ(file.etc_hidden, built_in.etc_hidden);
  EXPECT_EQ(file.bind_etc, built_in.bind_etc);
  EXPECT_EQ(file.type, built_in.type);
}

TEST(Profile, ShippedProfilesHaveTheirTypes) {
  const std::map<std::string, std::string> types = {{"min", "sandbox_min_t"}, {"default", "sandbox_t"},
                                                    {"web", "sandbox_web_t"}, {"net", "sandbox_net_t"},
                                                    {"x", "sandbox_x_t"}};
  for (const auto& [name, type] : types) EXPECT_EQ(shipped_policy(name).type, type) << name;
}

TEST(Profile, XRunsOnANestedXServer) {
  EXPECT_TRUE(shipped_policy("x").x11.enabled);
  EXPECT_FALSE(shipped_policy("default").x11.enabled);
}

TEST(Profile, MinHasNoEtcAndNoNetwork) {
  const Policy min = shipped_policy("min");
  EXPECT_FALSE(min.bind_etc);
  EXPECT_TRUE(min.etc_hidden.empty());
  EXPECT_FALSE(min.system_trees.empty());
  EXPECT_EQ(min.net, NetMode::none);
}

TEST(Profile, NetworkedProfilesOpenTheNetworkAndCertificates) {
  const Policy web = shipped_policy("web");
  EXPECT_EQ(web.net, NetMode::filtered);
  const Policy net = shipped_policy("net");
  EXPECT_EQ(net.net, NetMode::filtered);
  EXPECT_EQ(net.net_default, NetVerdict::allow);
  EXPECT_TRUE(net.allow_dns);
  EXPECT_TRUE(web.bind_etc);  // certificates and resolv.conf: world-readable in /etc
  EXPECT_TRUE(net.bind_etc);
}

TEST(Profile, EtcReadableIsASwitchAndEtcHiddenAdds) {
  auto p = parse("etc-readable = true\netc-hidden = [\"/etc/mailname\", \"/etc/krb5.keytab\"]\n");
  ASSERT_TRUE(p.ok()) << p.error().message();
  EXPECT_TRUE(p->bind_etc);
  EXPECT_EQ(p->etc_hidden, (std::vector<std::string>{"/etc/mailname", "/etc/krb5.keytab"}));
  auto none = parse("include-profiles = []\nro = [\"/srv\"]\n");
  ASSERT_TRUE(none.ok()) << none.error().message();
  EXPECT_FALSE(none->bind_etc);
}

TEST(Profile, KeysAreTheLongOptions) {
  auto p = parse("ro = [\"/a\", \"/b\"]\nrw = [\"/c\"]\nmount = true\nseccomp = \"log\"\nfd = [7]\n"
                 "level = \"s0:c1,c2\"\ntype = \"sandbox_custom_t\"\n");
  ASSERT_TRUE(p.ok()) << p.error().message();
  ASSERT_EQ(p->grants.size(), 3U);
  EXPECT_EQ(p->grants[0], (PathGrant{"/a", Access::read, {}}));
  EXPECT_EQ(p->grants[2], (PathGrant{"/c", Access::read_write, {}}));
  EXPECT_TRUE(p->private_scratch);
  EXPECT_EQ(p->seccomp, SeccompMode::log);
  EXPECT_EQ(p->fds, std::vector<int>{7});
  EXPECT_EQ(p->label, "s0:c1,c2");
  EXPECT_EQ(p->type, "sandbox_custom_t");
}

TEST(Profile, IncludesApplyFirstAndListsAppend) {
  auto p = parse("ro = [\"/mine\"]\ninclude-profiles = [\"base\"]\n",
                 {{"base", "ro = [\"/base\"]\ntype = \"sandbox_base_t\"\n"}});
  ASSERT_TRUE(p.ok()) << p.error().message();
  ASSERT_EQ(p->grants.size(), 2U);
  EXPECT_EQ(p->grants[0].path, "/base");
  EXPECT_EQ(p->grants[1].path, "/mine");
  EXPECT_EQ(p->type, "sandbox_base_t");  // inherited when the file sets none
}

TEST(Profile, KeysApplyInTheOrderWritten) {
  auto p = parse("net = \"filtered\"\ndeny-net = [\"10.0.0.0/8\"]\nallow-net = [\"0.0.0.0/0:80\"]\n");
  ASSERT_TRUE(p.ok()) << p.error().message();
  ASSERT_EQ(p->net_rules.size(), 2U);
  EXPECT_EQ(p->net_rules[0].verdict, NetVerdict::deny);  // first match wins: the deny stays first
}

TEST(Profile, WithoutIncludeProfilesAProfileExtendsDefault) {
  auto p = parse("ro = [\"/data\"]\n");
  ASSERT_TRUE(p.ok()) << p.error().message();
  const Policy base = Policy::default_profile();
  EXPECT_EQ(p->system_trees, base.system_trees);
  EXPECT_EQ(p->etc_hidden, base.etc_hidden);
  EXPECT_TRUE(p->bind_etc);
  EXPECT_EQ(p->type, "sandbox_t");
  ASSERT_EQ(p->grants.size(), 1U);
  // Starting from nothing is said explicitly.
  auto bare = parse("include-profiles = []\nro = [\"/data\"]\n");
  ASSERT_TRUE(bare.ok()) << bare.error().message();
  EXPECT_TRUE(bare->system_trees.empty());
  EXPECT_FALSE(bare->bind_etc);
  // Without a default.toml anywhere, the compiled-in default.
  const profile::Finder none = [](const std::string& name) -> Result<profile::Source> {
    return Error("no profile named '" + name + "'", ENOENT);
  };
  Policy policy = profile::empty_policy();
  ASSERT_TRUE(profile::apply(policy, {"p", "p.toml", "ro = [\"/data\"]\n"}, none).ok());
  EXPECT_EQ(policy.system_trees, base.system_trees);
  EXPECT_EQ(policy.etc_hidden, base.etc_hidden);
  EXPECT_EQ(policy.bind_etc, base.bind_etc);
}

TEST(Profile, IncludeCyclesEnd) {
  auto p = parse("include-profiles = [\"a\"]\n", {{"a", "include-profiles = [\"b\"]\n"},
                                                  {"b", "include-profiles = [\"a\"]\n"}});
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message().find("deep"), std::string::npos) << p.error().message();
}

TEST(Profile, ErrorsNameFileLineAndKey) {
  const std::map<std::string, std::string> cases = {
      {"\n\nro = \"/x\"\n", "p.toml:3: ro: expected an array"},
      {"mount = false\n", "p.toml:1: mount: expected true"},
      {"mount = \"yes\"\n", "p.toml:1: mount: expected true"},
      {"\nnosuch = 1\n", "p.toml:2: nosuch: unknown key"},
      {"seccomp = \"off\"\n", "p.toml:1: seccomp: --seccomp off: expected enforce or log"},
      {"type = \"a:b\"\n", "p.toml:1: type: expected a label type"},
      {"system-trees = [\"usr\"]\n", "p.toml:1: system-trees: 'usr' is not an absolute path"},
      {"etc-readable = [\"/etc/x\"]\n", "p.toml:1: etc-readable: expected true"},
      {"etc-readable = false\n", "p.toml:1: etc-readable: expected true"},
      {"etc-hidden = [\"/home/x\"]\n", "p.toml:1: etc-hidden: '/home/x' is not a plain path beneath /etc"},
      {"etc-hidden = [\"/etc\"]\n", "p.toml:1: etc-hidden: '/etc' is not a plain path beneath /etc"},
      {"etc-hidden = [\"/etc/../root\"]\n", "p.toml:1: etc-hidden: '/etc/../root' is not a plain"},
      {"ro = [\"/a\"\n", "p.toml:"},
      {"ro = [\"\\u0000\"]\n", "p.toml:1: ro: contains a NUL"},
      {"a = \"x\x01\"\n", "p.toml:1: control character 1"},
      {"# \xc3\xa9 ok\nro = [\"\xc3\xa9\"]\n", "p.toml:2: non-ASCII character in a string"},
      {"include-profiles = [\"nope\"]\n", "p.toml:1: include-profiles: cannot include 'nope'"},
  };
  for (const auto& [text, expected] : cases) {
    auto p = parse(text);
    ASSERT_FALSE(p.ok()) << text;
    EXPECT_EQ(p.error().message().rfind(expected, 0), 0U) << "got: " << p.error().message();
  }
}

TEST(Profile, ErrorsInIncludedProfilesNameThatFile) {
  auto p = parse("include-profiles = [\"bad\"]\n", {{"bad", "\nro = 5\n"}});
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().message().rfind("bad.toml:2: ro:", 0), 0U) << p.error().message();
}

TEST(Profile, UnicodeEscapesAreAllowed) {
  auto p = parse("ro = [\"/tmp/caf\\u00e9\"]\n");
  ASSERT_TRUE(p.ok()) << p.error().message();
  EXPECT_EQ(p->grants.at(0).path, "/tmp/caf\xc3\xa9");
}

TEST(Profile, PrintedProfilesParseBackToTheSamePolicy) {
  for (const char* name : {"min", "default", "web", "net", "x"}) {
    Policy policy = shipped_policy(name);
    policy.grants.push_back({"/srv/data", Access::read, {}});
    policy.grants.push_back({"\n/odd \"name\"\\", Access::read, {}});  // found by the fuzzer
    policy.include_files.push_back("/tmp/in");
    policy.private_scratch = true;
    const std::string printed = profile::to_toml(policy);
    auto again = parse(printed);
    ASSERT_TRUE(again.ok()) << name << ": " << again.error().message() << "\n" << printed;
    EXPECT_EQ(profile::to_toml(*again), printed) << name;
    EXPECT_EQ(again->system_trees, policy.system_trees);
    EXPECT_EQ(again->etc_hidden, policy.etc_hidden);
    EXPECT_EQ(again->bind_etc, policy.bind_etc);
    EXPECT_EQ(again->grants, policy.grants);
    EXPECT_EQ(again->type, policy.type);
    EXPECT_EQ(again->net, policy.net);
  }
}

TEST(Profile, FindRefusesOddNames) {
  EXPECT_FALSE(profile::find("a b").ok());
  EXPECT_FALSE(profile::find("").ok());
  auto missing = profile::find("no-such-profile");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message().find("no profile named 'no-such-profile'"), std::string::npos);
}

TEST(Profile, LoadFindsTheShippedProfiles) {
  for (const char* name : {"min", "default", "web", "net", "x"}) {
    auto policy = profile::load(name);
    ASSERT_TRUE(policy.ok()) << name << ": " << policy.error().message();
    EXPECT_EQ(policy->profile, name);
  }
}

}  // namespace
}  // namespace sandbox
