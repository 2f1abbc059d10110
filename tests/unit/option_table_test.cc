// Every option of the one table, valid and invalid, on the command line and
// in a profile (STYLE: minijail's "every option tested valid and invalid").
// A new option without a sample here fails OptionTable.EveryOptionHasSamples.
#include <fcntl.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <unistd.h>

#include <map>
#include <string>
#include <vector>

#include "cli/parse.h"
#include "sandbox/options.h"
#include "sandbox/profile.h"

namespace sandbox {
namespace {

struct Sample {
  std::string valid;    // a value the option accepts (unused for flags)
  std::string invalid;  // one it refuses, at parse or validate time (flags: a non-boolean)
  std::vector<std::string> needs = {};  // other options it needs, as "name=value" ("name" for flags)
};

const std::map<std::string, Sample>& samples() {
  static const std::map<std::string, Sample> kSamples = {
      {"ro", {"/tmp", ""}},
      {"rw", {"/tmp", ""}},
      {"exec", {"/usr/bin", ""}},
      {"refuse-symlinks", {}},
      {"fd", {"@fd", "x"}},  // @fd: an open descriptor of the test
      {"mount", {}},
      {"scratch-exec", {"", "", {"mount"}}},
      {"homedir", {"/tmp", ""}},
      {"tmpdir", {"/tmp", ""}},
      {"include", {"/tmp/x", "", {"mount"}}},
      {"includefile", {"/tmp/list", "", {"mount"}}},
      {"shred", {"", "", {"tmpdir=/tmp"}}},
      {"static-only", {}},
      {"x11", {}},
      {"window-manager", {"twm", "", {"x11"}}},
      {"window-size", {"800x600", "big", {"x11"}}},
      {"dpi", {"120", "x", {"x11"}}},
      {"setenv", {"A=b", "noequals"}},
      {"keep-env", {"LANG", "1X"}},
      {"level", {"s0:c1,c2", "bogus"}},
      {"hostname", {"mx.example.org", "two words"}},
      {"net", {"none", "wifi"}},
      {"allow-tcp", {"443", "x", {"net=host"}}},
      {"allow-udp", {"", "", {"net=host"}}},
      {"allow-net", {"10.0.0.0/8", "notacidr", {"net=filtered"}}},
      {"deny-net", {"10.0.0.0/8:80", "notacidr", {"net=filtered"}}},
      {"net-default", {"allow", "maybe", {"net=filtered"}}},
      {"allow-dns", {"", "", {"net=filtered"}}},
      {"seccomp", {"log", "off"}},
      {"allow-ptrace", {}},
      {"timing", {}},
      {"quiet", {}},
      {"timeout", {"5", "soon"}},
      {"wait-all", {}},
      {"pty", {}},
      {"no-pty", {}},
      {"memory", {"64M", "lots"}},
      {"pids", {"10", "many"}},
      {"cpus", {"0.5", "x"}},
      {"rlimit", {"NOFILE=256", "BOGUS=1"}},
      {"report", {"/tmp/report.json", ""}},
      {"report-fd", {"3", "x"}},
      {"report-append", {"/tmp/runs.jsonl", ""}},
      {"best-effort", {}},
      {"explain", {"json", "xml"}},
      {"learn", {"/tmp/learned.toml", ""}},
      {"learn-runs", {"3", "0"}},
  };
  return kSamples;
}

class OptionTable : public ::testing::Test {
 protected:
  void SetUp() override { open_fd_ = ::open("/dev/null", O_RDONLY); }
  void TearDown() override { ::close(open_fd_); }

  std::string value_of(const std::string& v) const { return v == "@fd" ? std::to_string(open_fd_) : v; }

  // The command line: sandbox [needs...] --name[=value] true
  Result<void> on_command_line(const options::Option& o, const std::string& value, bool flag_bogus) {
    std::vector<std::string> args = {"sandbox"};
    for (const auto& need : samples().at(std::string(o.name)).needs) args.push_back("--" + need);
    if (o.kind == options::Kind::flag) {
      args.push_back("--" + std::string(o.name) + (flag_bogus ? "=bogus" : ""));
    } else {
      args.push_back("--" + std::string(o.name) + "=" + value_of(value));
    }
    args.push_back("true");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    auto inv = cli::parse(static_cast<int>(args.size()), argv.data());
    if (!inv) return std::move(inv).error();
    return inv->policy.validate();
  }

  // A profile with the same key: name = "value" | ["value"] | true
  Result<void> in_profile(const options::Option& o, const std::string& value, bool flag_bogus) {
    std::string text;
    for (const auto& need : samples().at(std::string(o.name)).needs) {
      const auto eq = need.find('=');
      text += eq == std::string::npos ? need + " = true\n"
                                      : need.substr(0, eq) + " = \"" + need.substr(eq + 1) + "\"\n";
    }
    const std::string quoted = "\"" + value_of(value) + "\"";
    switch (o.kind) {
      case options::Kind::flag: text += std::string(o.name) + (flag_bogus ? " = \"bogus\"\n" : " = true\n"); break;
      case options::Kind::optional_value:
      case options::Kind::value: text += std::string(o.name) + " = " + quoted + "\n"; break;
      case options::Kind::list: text += std::string(o.name) + " = [" + quoted + "]\n"; break;
    }
    Policy policy = Policy::default_profile();
    auto ok = profile::apply(policy, {"t", "t.toml", text},
                             [](const std::string&) -> Result<profile::Source> { return Error("none", ENOENT); });
    if (!ok) return ok;
    return policy.validate();
  }

  int open_fd_ = -1;
};

TEST_F(OptionTable, EveryOptionHasSamples) {
  for (const auto& o : options::all()) {
    EXPECT_EQ(samples().count(std::string(o.name)), 1U) << "add --" << o.name << " to samples()";
  }
}

TEST_F(OptionTable, ValidOnTheCommandLineAndInAProfile) {
  for (const auto& o : options::all()) {
    if (samples().count(std::string(o.name)) == 0) continue;
    const Sample& s = samples().at(std::string(o.name));
    auto cli = on_command_line(o, s.valid, false);
    EXPECT_TRUE(cli.ok()) << "--" << o.name << ": " << cli.error().message();
    auto toml = in_profile(o, s.valid, false);
    EXPECT_TRUE(toml.ok()) << o.name << " = ...: " << toml.error().message();
  }
}

TEST_F(OptionTable, InvalidOnTheCommandLineAndInAProfile) {
  for (const auto& o : options::all()) {
    if (samples().count(std::string(o.name)) == 0) continue;
    const Sample& s = samples().at(std::string(o.name));
    EXPECT_FALSE(on_command_line(o, s.invalid, true).ok()) << "--" << o.name << " accepted '" << s.invalid << "'";
    auto toml = in_profile(o, s.invalid, true);
    EXPECT_FALSE(toml.ok()) << o.name << " accepted '" << s.invalid << "' in a profile";
  }
}

// --print-profile spells out every option that is set (profile_print.cc).
TEST_F(OptionTable, EveryOptionIsPrinted) {
  for (const auto& o : options::all()) {
    if (samples().count(std::string(o.name)) == 0) continue;
    Policy policy = profile::empty_policy();
    for (const auto& need : samples().at(std::string(o.name)).needs) {
      const auto eq = need.find('=');
      const auto* other = options::find(need.substr(0, eq));
      ASSERT_NE(other, nullptr) << need;
      ASSERT_TRUE(other->apply(policy, eq == std::string::npos ? "" : need.substr(eq + 1)).ok());
    }
    ASSERT_TRUE(o.apply(policy, value_of(samples().at(std::string(o.name)).valid)).ok()) << o.name;
    const std::string printed = profile::to_toml(policy);
    EXPECT_NE(printed.find("\n" + std::string(o.name) + " = "), std::string::npos)
        << "--print-profile does not show " << o.name << ":\n" << printed;
  }
}

TEST_F(OptionTable, ProfileErrorsNameFileLineAndKey) {
  for (const auto& o : options::all()) {
    const std::string text = "# comment\n" + std::string(o.name) + " = { nested = 1 }\n";
    Policy policy = profile::empty_policy();
    auto ok = profile::apply(policy, {"t", "t.toml", text},
                             [](const std::string&) -> Result<profile::Source> { return Error("none", ENOENT); });
    ASSERT_FALSE(ok.ok()) << o.name;
    EXPECT_EQ(ok.error().message().rfind("t.toml:2: " + std::string(o.name) + ": ", 0), 0U)
        << ok.error().message();
  }
}

// `sandbox COMMAND...` without options skips the option parser (cli/parse.cc):
// the same policy and command as the parser gives for `sandbox -- COMMAND...`.
TEST(CommandLine, WithoutOptionsTheSameAsThroughTheOptionParser) {
  auto parse = [](std::vector<std::string> args) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    return cli::parse(static_cast<int>(args.size()), argv.data());
  };
  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"true"}, {"sh", "-c", "echo $0", "--ro", "-t", "--"}, {"./x", "--help"}}) {
    std::vector<std::string> fast = {"sandbox"};
    fast.insert(fast.end(), command.begin(), command.end());
    std::vector<std::string> parsed = {"sandbox", "--"};
    parsed.insert(parsed.end(), command.begin(), command.end());
    auto a = parse(fast);
    auto b = parse(parsed);
    ASSERT_TRUE(a.ok()) << a.error().message();
    ASSERT_TRUE(b.ok()) << b.error().message();
    EXPECT_EQ(a->command, command);
    EXPECT_EQ(b->command, command);
    EXPECT_EQ(a->action, b->action);
    EXPECT_EQ(profile::to_toml(a->policy), profile::to_toml(b->policy));
  }
  // An option, or an empty first word, still goes through the parser.
  auto option = parse({"sandbox", "--bogus-option", "true"});
  EXPECT_FALSE(option.ok());
  auto empty = parse({"sandbox", ""});
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->command, std::vector<std::string>{""});
}

TEST_F(OptionTable, ShortNamesAreUnique) {
  std::map<std::string, std::string> seen = {{"t", "type"}, {"h", "help"}};
  for (const auto& o : options::all()) {
    if (o.short_name.empty()) continue;
    EXPECT_TRUE(seen.emplace(std::string(o.short_name), std::string(o.name)).second)
        << "-" << o.short_name << " used twice";
  }
}

}  // namespace
}  // namespace sandbox
